/* Store settings: baton.json's config object, changed through the same record table, validator
 * and single commit path as every other record, and re-read so the open store sees the change. */
#include "baton/config.h"

#include "baton/case.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/record.h"
#include "baton/sso.h"
#include "session_internal.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int baton_config_get(baton_store *store, json_t **out)
{
    json_t *cfg = json_object_get(store->meta, "config");
    *out = cfg ? json_deep_copy(cfg) : json_object();
    return 0;
}

int baton_config_set(baton_session *s, const char *key, const char *value, const char *reason, baton_oid_hex commit)
{
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    return rc ? rc : baton_config_write(s->store, &s->who, key, value, reason, commit);
}

int baton_config_write(baton_store *store, const baton_identity *as, const char *key, const char *value,
                       const char *reason, baton_oid_hex commit)
{
    char *buf, path[128];
    size_t len;
    baton_oid_hex version;
    json_t *meta;
    int rc = baton_store_read(store, NULL, "baton.json", &buf, &len, version);
    if (rc)
        return rc;
    rc = baton_record_from_git(store, NULL, "baton.json", BATON_RECORD_STORE, buf, len, &meta);
    free(buf);
    if (rc)
        return rc;
    snprintf(path, sizeof path, "config.%s", key);
    const baton_field *f;
    json_t *v;
    if (strchr(key, '.') || strchr(key, '[') ||
        baton_record_path_lookup(meta, BATON_RECORD_STORE, path, &f, &v) == BATON_EINVALID) {
        json_decref(meta);
        return baton_error_set(BATON_EINVALID, "%s: not a setting (see 'baton config')", key);
    }
    if (strcmp(key, "time_zone") == 0 && !baton_zone_known(value)) {
        json_decref(meta);
        return baton_error_set(BATON_EINVALID, "time_zone: '%.64s' is not a time zone this machine knows (like "
                                               "Europe/Copenhagen; see /usr/share/zoneinfo)", value);
    }
    json_t *cfg;
    if ((rc = baton_record_path_set(meta, BATON_RECORD_STORE, path, value)) ||
        (rc = baton_record_validate(meta, BATON_RECORD_STORE, NULL)) ||
        (cfg = json_object_get(meta, "config"),
         rc = baton_sso_settings_check(json_string_value(json_object_get(cfg, "sso_assurance_levels")),
                                       json_string_value(json_object_get(cfg, "sso_assurance_min")))) ||
        (reason && (rc = baton_reason_check(reason, NULL)))) {
        json_decref(meta);
        return rc == BATON_EINVALID && strncmp(baton_error_last(), "config.", 7) == 0
                   ? baton_error_set(rc, "%s", baton_error_last() + 7)
                   : rc;
    }
    char *data = baton_record_dump(meta);
    char subject[160];
    snprintf(subject, sizeof subject, "store: set %s", key);
    char *msg = baton_commit_message(subject, reason, NULL, as->id);
    if (data && msg) {
        baton_change ch = {"baton.json", data, strlen(data), version, "store metadata", 0};
        baton_commit_options co = {as->name, as->email, msg, 0};
        rc = baton_store_commit(store, &ch, 1, &co, commit);
    } else {
        rc = baton_error_set(BATON_ERROR, "out of memory");
    }
    if (rc == 0) {
        json_decref(store->meta);
        store->meta = json_incref(meta);
    }
    free(data);
    free(msg);
    json_decref(meta);
    return rc;
}
