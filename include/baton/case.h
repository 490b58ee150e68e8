/* Cases: the support plan of one child, kept at cases/<xx>/<id>/case.json where <xx> is a
 * two-hex-digit fan-out of the id, so no git tree grows past a few hundred entries and the cost
 * of a save does not grow with the number of cases. */
#ifndef BATON_CASE_H
#define BATON_CASE_H

#include "baton/staff.h"
#include "baton/store.h"

#include <jansson.h>

#define BATON_CASE_ID_LEN 10

typedef struct {
    const char *child_name;
    const char *born;        /* YYYY-MM-DD */
    const char *national_id; /* optional */
    const char *context;     /* KIND:INSTITUTION[:GROUP[:MUNICIPALITY]] */
    const char *contact;     /* staff id of the contact person */
    const char *id;          /* optional: a chosen id (imports, fixtures); else random */
} baton_case_new_options;

/* "cases/<xx>/<id>" and "cases/<xx>/<id>/case.json". */
void baton_case_dir(const char *id, char *out, size_t n);
void baton_case_path(const char *id, char *out, size_t n);

/* Parses KIND:INSTITUTION[:GROUP[:MUNICIPALITY]] into a context object (validated). */
int baton_context_parse(const char *spec, json_t **out);

/* Creates a case; its id goes to id_out (33 bytes). */
int baton_case_create(baton_store *store, const baton_identity *as, const baton_case_new_options *opts,
                      const char *reason, char *id_out, baton_oid_hex commit);

/* The case at rev (NULL: head); version receives the record's blob id. */
int baton_case_load(baton_store *store, const char *rev, const char *id, json_t **out, baton_oid_hex version);

/* Saves doc as the new state of its case, as one commit.
 * - old:  the record as it was read (for read-only fields and reference checks);
 * - base: the version (blob id) old was read at; if the case has changed since, BATON_ECONFLICT;
 * - what: the subject ("set plan.strengths"), reason: the why, kept in the commit message.
 * Everything is validated first; nothing is written on any error. If doc equals old, nothing
 * is written and commit is set to "". The contact person and the transferred status change only
 * through a handover (baton/handover.h): here they are BATON_EINVALID, and so is any save to a
 * transferred case, which is read-only. */
int baton_case_save(baton_store *store, const baton_identity *as, const json_t *old, json_t *doc,
                    const char *base, const char *what, const char *reason, baton_oid_hex commit);

/* The cases at rev (NULL: head) as a JSON array of records, sorted by id; contact and status
 * (either may be NULL) keep only cases with that contact person and that status. */
int baton_case_list(baton_store *store, const char *rev, const char *contact, const char *status, json_t **out);

/* Checks a commit reason: valid UTF-8, at most 500 characters, and never the child's name. */
int baton_reason_check(const char *reason, const json_t *case_doc);

/* Builds "<subject>\n\n<reason>\n\nBaton-Case: ...\nBaton-Staff: ...\n". Caller frees. */
char *baton_commit_message(const char *subject, const char *reason, const char *case_id, const char *staff_id);

#endif
