/* Records as read back from git. Git is a peer, not a private file: plain git, a script or a
 * broken editor can commit anything to a store, so every record Baton reads is held to the same
 * rules as a write (its field table and record-level rules, record.h) and must sit where its ids
 * say it belongs, before any other code touches it. A record that breaks them never reaches the
 * rest of the library: reading it is BATON_ERECORD, naming its path, the revision and the
 * problem; a listing skips it and leaves a warning, which the store keeps for the front end. */
#include "store_internal.h"

#include "baton/case.h"
#include "baton/error.h"
#include "baton/handover.h"
#include "baton/journal.h"
#include "baton/record.h"
#include "baton/staff.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int baton_record_kind_of(const char *path)
{
    size_t n = strlen(path);
    if (strcmp(path, "baton.json") == 0)
        return BATON_RECORD_STORE;
    if (n < 6 || strcmp(path + n - 5, ".json") != 0)
        return -1;
    if (strncmp(path, "staff/", 6) == 0 && !strchr(path + 6, '/'))
        return BATON_RECORD_STAFF;
    if (strncmp(path, "trust/", 6) == 0 && !strchr(path + 6, '/'))
        return BATON_RECORD_TRUST;
    if (strncmp(path, "erasures/", 9) == 0 && !strchr(path + 9, '/'))
        return BATON_RECORD_ERASURE;
    if (strncmp(path, "cases/", 6) != 0)
        return -1;
    /* cases/<xx>/<id>/case.json, .../journal/<name>.json, .../handovers/<name>.json */
    const char *p = path + 6, *slash = strchr(p, '/');
    if (!slash || !(slash = strchr(slash + 1, '/')))
        return -1;
    const char *rest = slash + 1;
    if (strcmp(rest, "case.json") == 0)
        return BATON_RECORD_CASE;
    if (strncmp(rest, "journal/", 8) == 0 && !strchr(rest + 8, '/'))
        return BATON_RECORD_JOURNAL;
    if (strncmp(rest, "handovers/", 10) == 0 && !strchr(rest + 10, '/'))
        return BATON_RECORD_HANDOVER;
    return -1;
}

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

int baton_record_place_check(const json_t *doc, baton_record_kind kind, const char *path)
{
    char want[300], dir[200];
    const char *id, *field = "id";
    want[0] = '\0';
    switch (kind) {
    case BATON_RECORD_STORE:
        snprintf(want, sizeof want, "baton.json");
        break;
    case BATON_RECORD_CASE:
        if ((id = str(doc, "id")))
            baton_case_path(id, want, sizeof want);
        break;
    case BATON_RECORD_STAFF:
        if ((id = str(doc, "id")))
            baton_staff_path(id, want, sizeof want);
        break;
    case BATON_RECORD_TRUST:
        field = "fingerprint";
        if ((id = str(doc, "fingerprint")))
            snprintf(want, sizeof want, "trust/%s.json", id);
        break;
    case BATON_RECORD_ERASURE:
        field = "case";
        if ((id = str(doc, "case")))
            snprintf(want, sizeof want, "erasures/%s.json", id);
        break;
    case BATON_RECORD_JOURNAL: {
        /* <recorded as YYYYMMDDTHHMMSSZ>-<n>.json for entry j<n> */
        const char *entry = str(doc, "id"), *recorded = str(doc, "recorded");
        if (!(id = str(doc, "case")) || !entry || !recorded)
            break;
        char stamp[32] = "", *o = stamp;
        for (const char *p = recorded; *p && o < stamp + sizeof stamp - 1; p++)
            if (*p != '-' && *p != ':')
                *o++ = *p;
        *o = '\0';
        baton_journal_dir(id, dir, sizeof dir);
        snprintf(want, sizeof want, "%s/%s-%s.json", dir, stamp, entry + 1);
        break;
    }
    case BATON_RECORD_HANDOVER:
        field = "number";
        if ((id = str(doc, "case")) && json_is_integer(json_object_get(doc, "number"))) {
            baton_handover_dir(id, dir, sizeof dir);
            snprintf(want, sizeof want, "%s/%04lld.json", dir, (long long)json_integer_value(json_object_get(doc, "number")));
        }
        break;
    }
    if (!want[0] || strcmp(want, path) == 0)
        return 0;
    return baton_error_set(BATON_EINVALID, "%s: does not match the file: this record belongs at %s", field, want);
}

int baton_record_check_stored(const char *data, size_t len, const char *path, baton_record_kind kind, json_t **out)
{
    json_t *doc = NULL;
    int rc = baton_record_parse(data, len, path, &doc);
    if (rc) {
        /* "path: malformed JSON ..." -> "malformed JSON ...": the caller names the path */
        size_t n = strlen(path);
        const char *msg = baton_error_last();
        if (strncmp(msg, path, n) == 0 && msg[n] == ':')
            baton_error_set(BATON_EINVALID, "%s", msg + n + 2);
        *out = NULL;
        return BATON_EINVALID;
    }
    if ((rc = baton_record_validate(doc, kind, NULL)) == 0)
        rc = baton_record_place_check(doc, kind, path);
    if (rc) {
        json_decref(doc);
        *out = NULL;
        return BATON_EINVALID;
    }
    *out = doc;
    return 0;
}

int baton_record_from_git(baton_store *store, const char *rev, const char *path, baton_record_kind kind,
                          const char *data, size_t len, json_t **out)
{
    if (baton_record_check_stored(data, len, path, kind, out) == 0)
        return 0;
    char problem[1400];
    baton_oid_hex head;
    snprintf(problem, sizeof problem, "%s", baton_error_last());
    if (!rev && baton_store_head(store, head) == 0)
        rev = head;
    return baton_error_set(BATON_ERECORD, "%s: this record is invalid at %.12s: %s (see 'baton fsck')", path,
                           rev ? rev : "?", problem);
}

/* Records as parsed and checked, kept by the store handle by blob id and path: a blob never
 * changes, and neither does what parsing and checking it gives (its path is part of the check).
 * A page reads the same records several times (the reader's own staff record for the login, the
 * session and the access rules; the case for the page, who may read it, the due list), and
 * parsing and checking a record (a case's is some 17 KB) was most of reading it. Every caller gets
 * a copy of its own, to change as it likes. A record is kept only when read a second time, so a
 * pass over every case (a list, a check) keeps nothing and pays for no copy; at most
 * RECORD_CACHE_MAX are kept (a parsed case is some tens of KB, and a server has a handle per
 * connection), and past that the handle starts afresh. */
#define RECORD_CACHE_MAX 64
#define RECORD_SEEN_MAX 4096

int baton_record_load(baton_store *store, const char *rev, const char *path, baton_record_kind kind, json_t **out,
                      baton_oid_hex version)
{
    char *buf, key[200];
    size_t len;
    baton_oid_hex blob;
    *out = NULL;
    int rc = baton_store_entry_id(store, rev, path, blob);
    if (rc)
        return rc;
    snprintf(key, sizeof key, "%s %s", blob, path);
    json_t *kept = json_object_get(store->record_cache, key);
    if (kept) {
        if (!(*out = json_deep_copy(kept)))
            return baton_error_set(BATON_ERROR, "out of memory");
        if (version)
            memcpy(version, blob, sizeof blob);
        return 0;
    }
    /* the blob the tree names, without looking the path up again */
    if ((rc = baton_store_read_blob(store, blob, path, &buf, &len)))
        return rc;
    if (version)
        memcpy(version, blob, sizeof blob);
    rc = baton_record_from_git(store, rev, path, kind, buf, len, out);
    free(buf);
    if (rc == 0 && !json_object_get(store->record_seen, key)) {
        if (!store->record_seen || json_object_size(store->record_seen) >= RECORD_SEEN_MAX) {
            json_decref(store->record_seen);
            store->record_seen = json_object();
        }
        json_object_set_new(store->record_seen, key, json_true());
    } else if (rc == 0) {
        if (!store->record_cache || json_object_size(store->record_cache) >= RECORD_CACHE_MAX) {
            json_decref(store->record_cache);
            store->record_cache = json_object();
        }
        json_t *copy = json_deep_copy(*out);
        if (copy)
            json_object_set_new(store->record_cache, key, copy);
    }
    return rc;
}

/* ---- warnings ---- */

void baton_store_warn(baton_store *store, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!store->warnings)
        store->warnings = json_array();
    size_t i;
    json_t *w;
    json_array_foreach(store->warnings, i, w) if (strcmp(json_string_value(w), msg) == 0) return;
    /* a store that meets thousands of broken records keeps the first thousand */
    if (json_array_size(store->warnings) >= 1000)
        return;
    json_array_append_new(store->warnings, json_string(msg));
    if (store->on_warning)
        store->on_warning(msg, store->on_warning_ctx);
}

int baton_store_skip(baton_store *store, int rc)
{
    if (rc != BATON_ERECORD)
        return rc;
    baton_store_warn(store, "skipped %s", baton_error_last());
    baton_error_clear();
    return 0;
}

void baton_store_on_warning(baton_store *store, baton_warning_fn fn, void *ctx)
{
    store->on_warning = fn;
    store->on_warning_ctx = ctx;
    /* what was met before anyone listened (opening the store) is heard now */
    for (size_t i = 0; fn && i < json_array_size(store->warnings); i++)
        fn(json_string_value(json_array_get(store->warnings, i)), ctx);
}

size_t baton_store_warning_count(const baton_store *store) { return json_array_size(store->warnings); }

const char *baton_store_warning(const baton_store *store, size_t i)
{
    return json_string_value(json_array_get(store->warnings, i));
}
