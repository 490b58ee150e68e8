/* libbaton's own ways to a child's data that skip the session: no access check, no read log.
 * Only for the library's own code, which has checked already (the session function that called
 * it) or works over the whole store for a session function that filters what it shows (due, a
 * class, search). Nothing outside src/lib may call these: a front end reads through the session
 * functions of include/baton/, which check the policy and write the access log. */
#ifndef BATON_UNCHECKED_H
#define BATON_UNCHECKED_H

#include "baton/class.h"
#include "baton/history.h"
#include "baton/packet.h"
#include "baton/store.h"

#include <jansson.h>

int baton_case_load_unchecked(baton_store *store, const char *rev, const char *id, json_t **out, baton_oid_hex version);
int baton_case_list_unchecked(baton_store *store, const char *rev, const char *contact, const char *status,
                              json_t **out);
int baton_journal_list_unchecked(baton_store *store, const char *rev, const char *case_id, json_t **out);
int baton_handover_list_unchecked(baton_store *store, const char *rev, const char *case_id, json_t **out);
int baton_handover_get_unchecked(baton_store *store, const char *rev, const char *case_id, int number, json_t **out);
/* Every handover file of a case at rev, each with "_version" (its blob id). */
int baton_handover_read_all(baton_store *store, const char *rev, const char *case_id, json_t **out);
int baton_class_cases_unchecked(baton_store *store, const baton_class *c, json_t **out);
int baton_case_log_unchecked(baton_store *store, const char *rev, const char *id, baton_case_version **out, size_t *n);
int baton_packet_model_unchecked(baton_store *store, const char *case_id, int number, json_t **out);
int baton_packet_unchecked(baton_store *store, const char *case_id, int number, baton_format format, const char *lang, char **out,
                           size_t *len);

#endif
