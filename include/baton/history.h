/* The versions of a case: every commit that changed its record, with who, when, why and which
 * fields. This is what a PPR psychologist reads to learn how a plan came to be. */
#ifndef BATON_HISTORY_H
#define BATON_HISTORY_H

#include "baton/diff.h"
#include "baton/session.h"
#include "baton/store.h"

#include <jansson.h>

typedef struct baton_case_version {
    baton_oid_hex commit;
    baton_oid_hex version; /* blob id of case.json in this commit */
    time_t when;
    char author_name[128];
    char author_email[128];
    char staff[40];  /* from the Baton-Staff trailer */
    char *subject;   /* "create case", "set plan.strengths" */
    char *reason;    /* the why, or NULL */
    json_t *fields;  /* changed field paths (array of strings) */
    char *problem;   /* NULL, or why this version breaks Baton's rules (committed outside Baton) */
} baton_case_version;

/* Versions of case id, newest first, as of rev (NULL: head), read by the session (logged): from the
 * search index's version map, caught up first, so a case's log costs the same in a store of ten
 * versions or a million. */
int baton_case_log(baton_session *s, const char *rev, const char *id, baton_case_version **out, size_t *n);
void baton_case_log_free(baton_case_version *versions, size_t n);
/* Field-level differences of case id between revisions from and to (to NULL: head), or, with
 * from NULL, those of its latest change as of to (the change that made the version to holds);
 * one read by the session (logged). The revisions compared
 * go to from_out ("" when the case was created there) and to_out. */
int baton_case_diff(baton_session *s, const char *id, const char *from, const char *to, baton_diff *d,
                    baton_oid_hex from_out, baton_oid_hex to_out);
/* The same, by walking the first-parent history in git (no index). */
int baton_case_walk_log(baton_store *store, const char *rev, const char *id, baton_case_version **out, size_t *n);

/* Splits a Baton commit message into subject, reason and the Baton-Staff trailer. */
void baton_message_parse(const char *message, char **subject, char **reason, char staff[40]);
/* The value of one trailer ("Baton-Case") of a Baton commit message into out; 0 when absent.
 * Trailers are the lines of the message's last paragraph, each "Baton-Key: value"; a paragraph
 * with any other line holds none, so no text in a reason can pass for a trailer. */
int baton_message_trailer(const char *message, const char *key, char *out, size_t n);
/* Every trailer of the message in order, as [key, value] pairs; NULL when it has none. */
json_t *baton_message_trailers(const char *message);

#endif
