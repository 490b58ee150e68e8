/* The access log (<store>/audit.db): every read, search, change, export and import of a child's
 * data, by whom, when, about which case (or with which search terms) and for what purpose. It is
 * not derived and never rebuilt. Entries are hash-chained: each holds the sha256 of the one before,
 * so that removing, changing or reordering an entry is detectable. Purging entries past the
 * retention period leaves a checkpoint the remaining chain starts from. */
#ifndef BATON_AUDIT_H
#define BATON_AUDIT_H

#include "baton/session.h"
#include "baton/store.h"

#include <jansson.h>

typedef struct {
    const char *staff;   /* who */
    const char *action;  /* read, search, change, export, import, ... */
    const char *case_id; /* the case, or NULL */
    const char *query;   /* the search terms of a search, or NULL */
    const char *purpose; /* why, if given */
    const char *commit;  /* a change: the commit that made it (fsck finds entries whose commit is gone) */
} baton_audit_entry;

/* Before any command: the log is there, of this format and this store (else an error saying what
 * an administrator can do: nothing is shown or changed without a log); a change whose entry was
 * lost to a crash is recorded late from its commit; the chain's head is anchored in git when the
 * last anchor is a day old. */
int baton_audit_ready(baton_store *store);

/* The administrator's way out when the log is missing or damaged: the damaged file is kept beside
 * as audit.db.damaged-<time>, a new log starts (a new epoch) with an entry saying why, and the start
 * is anchored in git with who and why. staff must be an active coordinator or leader; refused when
 * the log is whole. report: previous (missing|damaged), kept. */
int baton_audit_init(baton_store *store, const char *staff, const char *reason, json_t **report);

/* Appends one entry (durably: synchronous=FULL) and chains it to the last. */
int baton_audit_append(baton_store *store, const baton_audit_entry *e);
/* Appends n entries in one transaction: all of them, or none. */
int baton_audit_append_many(baton_store *store, const baton_audit_entry *e, size_t n);

/* Entries, oldest first; each filter may be NULL. since is YYYY-MM-DD. For coordinators and
 * leaders (the session). */
int baton_audit_list(baton_session *s, const char *case_id, const char *staff, const char *since, json_t **out);

/* Break-the-glass review, for coordinators and leaders: every emergency access (a case opened
 * outside the reader's scope, with the purpose given) since `since` (YYYY-MM-DD; NULL: the last 30
 * days), oldest first. */
int baton_audit_review(baton_session *s, const char *since, json_t **out);

/* Checks the file, the chain from the last checkpoint on, and the chain against its anchors in git
 * (anchor.c). Returns 0, or BATON_EINVALID naming the first entry that does not fit (removed,
 * changed, out of order, or not what git says it was). report (optional): entries, anchors, ok.
 * For coordinators and leaders; baton_audit_check is the same without a session (fsck). */
int baton_audit_verify(baton_session *s, json_t **report);
int baton_audit_check(baton_store *store, json_t **report);

/* For a family's access request: the entries about one case, with dates, actions and purposes;
 * staff ids only when with_staff. For coordinators and leaders. */
int baton_audit_export(baton_session *s, const char *case_id, int with_staff, json_t **out);

/* The commits the log's change entries name, each once with the first entry naming it:
 * [{commit, seq}, ...]. (fsck checks that each is still in the history.) */
int baton_audit_commits(baton_store *store, json_t **out);

/* Removes entries older than the retention period (config audit_retention_days, default 180) as of
 * today, and records a checkpoint so the rest still verifies; the purge is itself logged, by the
 * session (a coordinator or leader). */
int baton_audit_purge(baton_session *s, json_t **report);

#endif
