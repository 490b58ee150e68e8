/* What libbaton's own files share about cases and nobody else sees: the validation of a new case
 * state without the rules that reserve some changes to handovers. */
#ifndef BATON_CASE_INTERNAL_H
#define BATON_CASE_INTERNAL_H

#include "baton/case.h"

/* Validates doc as the new state of old (NULL for a new case): the field table, read-only fields,
 * staff references, consents naming real guardians, a new contact person who is active. */
int baton_case_check(baton_store *store, const json_t *old, json_t *doc);

/* The record's canonical bytes and the commit message of a case change; both freed by the caller. */
int baton_case_change(const baton_identity *as, const char *id, const json_t *doc, const char *subject,
                      const char *reason, char **data, char **message);

/* The cases of ids (found through the index) read at head, keeping those keep says still belong:
 * the index is derived, the record has the last word. Consumes ids. */
int baton_case_load_kept(baton_store *store, json_t *ids, int (*keep)(const json_t *doc, const void *ctx),
                         const void *ctx, json_t **out);

#endif
