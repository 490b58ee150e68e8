/* The session as libbaton's own files see it: who, their staff record (for the policy), why, and
 * the one place that writes reads to the access log. */
#ifndef BATON_SESSION_INTERNAL_H
#define BATON_SESSION_INTERNAL_H

#include "baton/policy.h"
#include "baton/session.h"

#include <jansson.h>

struct baton_session {
    baton_store *store;
    baton_identity who;
    json_t *record;      /* the staff record: role, institution */
    char purpose[512];
    char emergency[512]; /* "" unless break-the-glass */
    char via[16];
    int log_at_flush;
    json_t *pending; /* with log_at_flush: [{action, case, query, purpose}] not yet written */
};

/* Read access to one case, for a read of that case alone: with an emergency purpose, a case outside
 * the session's scope is opened too, and *emergency says so (the log entry is then
 * "emergency"). 0 or BATON_EDENIED. */
int baton_session_read_one(baton_session *s, const json_t *case_doc, int *emergency);

/* Writes that the session was shown these cases (an array of ids; one entry each, in one durable
 * transaction) to the access log: action read, search, export or emergency; query says what was
 * asked (search terms, a class, "due"). Nothing may be shown when this fails. */
int baton_session_log(baton_session *s, const char *action, const json_t *case_ids, const char *query);
int baton_session_log_one(baton_session *s, const char *action, const char *case_id, const char *query);

/* Read access to one case by id: loads it unchecked, checks, logs (action, query) and hands back
 * the record (optional). The common start of every single-case read. */
int baton_session_open_case(baton_session *s, const char *rev, const char *case_id, const char *query, json_t **doc);

/* Keeps only the cases (records) of list the session may read; with ids (optional), their ids. */
int baton_session_filter(baton_session *s, json_t *list, json_t **ids);

/* 1 when the staff member's role alone grants `access` (READ or READ_RESTRICTED) to every case in
 * their scope; search states the same rule in SQL over the index, with the relations the index
 * keeps (contact, team, pending receiver). */
int baton_policy_role_scope(const json_t *staff, baton_access access);

/* Withholds the text and details of the restricted journal entries (of case_doc) the session may
 * not read, in place: they keep id, kind, times and author, and "withheld": true. */
int baton_journal_restricted_filter(baton_session *s, const json_t *case_doc, json_t *entries);

/* The emergency accesses logged since a date (YYYY-MM-DD), for the due list's notice to the
 * contact person (audit.c). */
int baton_audit_emergencies(baton_store *store, const char *since, json_t **out);

#endif
