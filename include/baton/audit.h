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

/* Appends one entry (durably: synchronous=FULL) and chains it to the last. */
int baton_audit_append(baton_store *store, const baton_audit_entry *e);
/* Appends n entries in one transaction: all of them, or none. */
int baton_audit_append_many(baton_store *store, const baton_audit_entry *e, size_t n);

/* Entries, oldest first; each filter may be NULL. since is YYYY-MM-DD. For coordinators and
 * leaders (the session). */
int baton_audit_list(baton_session *s, const char *case_id, const char *staff, const char *since, json_t **out);

/* Checks the chain from the last checkpoint on. Returns 0, or BATON_EINVALID naming the first entry
 * that does not fit (removed, changed or out of order). report (optional): entries, checkpoint.
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
