/* Store settings (the config object of baton.json): per-store choices such as how often a
 * communication agreement with the home is due for a new talk. A setting is changed by a
 * commit like any record, so its history is kept too. */
#ifndef BATON_CONFIG_H
#define BATON_CONFIG_H

#include "baton/session.h"
#include "baton/staff.h"
#include "baton/store.h"

#include <jansson.h>

/* The settings as stored (a JSON object; defaults are not filled in). */
int baton_config_get(baton_store *store, json_t **out);

/* Sets key to the whole number value (its text form) as one commit made by the session (a
 * coordinator or leader). Unknown keys and values that are not whole numbers are BATON_EINVALID
 * naming the key. */
int baton_config_set(baton_session *s, const char *key, const char *value, const char *reason, baton_oid_hex commit);

#endif
