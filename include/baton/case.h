/* Cases: the support plan of one child, kept at cases/<xx>/<id>/case.json where <xx> is a
 * two-hex-digit fan-out of the id, so no git tree grows past a few hundred entries and the cost
 * of a save does not grow with the number of cases. */
#ifndef BATON_CASE_H
#define BATON_CASE_H

#include "baton/session.h"
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

/* Parses KIND:INSTITUTION[:GROUP[:MUNICIPALITY]] into a context object (validated). KIND is
 * daycare, school, leisure, special_school or other, or the Danish, Swedish or Norwegian word for
 * one (skole, skola, dagtilbud, förskola, barnehage, fritid, sfo, fritidshem, specialskole, andet,
 * ...), stored as the English name. */
int baton_context_parse(const char *spec, json_t **out);

/* Creates a case, as the session (a coordinator or leader in the new context's scope); its id
 * goes to id_out (33 bytes). */
int baton_case_create(baton_session *s, const baton_case_new_options *opts, const char *reason, char *id_out,
                      baton_oid_hex commit);

/* The case at rev (NULL: head), read by the session (who may read the case as it is now; the read
 * is logged); version receives the record's blob id. */
int baton_case_load(baton_session *s, const char *rev, const char *id, json_t **out, baton_oid_hex version);

/* Saves doc as the new state of its case, as one commit made by the session (who may change the
 * case as it is now: BATON_EDENIED otherwise).
 * - old:  the record as it was read (for read-only fields and reference checks);
 * - base: the version (blob id) old was read at; if the case has changed since, BATON_ECONFLICT;
 * - what: the subject ("set plan.strengths"), reason: the why, kept in the commit message.
 * Everything is validated first; nothing is written on any error. If doc equals old, nothing
 * is written and commit is set to "". The contact person and the transferred status change only
 * through a handover (baton/handover.h): here they are BATON_EINVALID, and so is any save to a
 * transferred case, which is read-only. */
int baton_case_save(baton_session *s, const json_t *old, json_t *doc, const char *base, const char *what,
                    const char *reason, baton_oid_hex commit);

/* Reads case id at head, lets fn change a copy, and saves it (baton_case_save) as one commit with
 * `what` as its subject. base_rev (optional): the revision the change was read at, so that a case
 * changed since is a conflict. commit is "" when fn changed nothing. */
typedef int (*baton_case_mutator)(json_t *doc, const baton_identity *as, void *ctx);
int baton_case_update(baton_session *s, const char *id, const char *base_rev, const char *what, const char *reason,
                      baton_case_mutator fn, void *ctx, baton_oid_hex commit);

/* The cases at rev (NULL: head) the session may read, as a JSON array of records sorted by id
 * (each shown case is logged); contact and status (either may be NULL) keep only cases with that
 * contact person and that status. */
int baton_case_list(baton_session *s, const char *rev, const char *contact, const char *status, json_t **out);

/* The cases of contact (status: NULL for any) the session may read, as the index has them: an
 * array of {id, status, child: {name}, context: {institution, group}} sorted by id, each shown
 * case logged as a read. For a page that lists cases by name: reading and parsing every record
 * for that was most of such a page. */
int baton_case_summaries(baton_session *s, const char *contact, const char *status, json_t **out);

/* Checks a commit reason: one line (baton_line_check: no line break or control character, no
 * national id number), at most 500 characters, and never the child's name. */
int baton_reason_check(const char *reason, const json_t *case_doc);

/* Builds "<subject>\n\n<reason>\n\nBaton-Case: ...\nBaton-Staff: ...\n". Caller frees. */
char *baton_commit_message(const char *subject, const char *reason, const char *case_id, const char *staff_id);

/* Erases a closed or transferred case for good, as the session (a coordinator or leader), with a
 * reason: the history is rewritten without it (a handover of another case follows its revision to
 * the new commit id), a record signed with the store's key keeps only its id, the date and who
 * (erasures/<id>.json), the access log loses the text of the case's entries (and of searches
 * naming the child), index.db is built afresh, and every object the new history does not reach
 * is removed. The case must have been archived first (baton_archive_export), unless
 * without_archive. Backups forget it at their next push. Called again on an erased case, it finishes
 * what a crash left undone. report: case, resumed, head, commits_rewritten, commits_dropped,
 * audit_entries, objects_kept, packs_removed. */
int baton_case_erase(baton_session *s, const char *id, const char *reason, int without_archive, json_t **report);
/* 0 when an erasure record's signature verifies against the key it names. */
int baton_erasure_verify(const json_t *rec);
#endif
