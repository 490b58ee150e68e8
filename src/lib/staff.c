/* The staff directory and identity. Staff records are never deleted: someone who leaves is
 * marked inactive, so old commits and records that name them still resolve to a person. */
#include "baton/case.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/record.h"
#include "baton/staff.h"
#include "handover_internal.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void baton_staff_path(const char *id, char *out, size_t n) { snprintf(out, n, "staff/%s.json", id); }

int baton_staff_get(baton_store *store, const char *rev, const char *id, json_t **out)
{
    char path[128];
    *out = NULL;
    if (strlen(id) > 32 || strchr(id, '/'))
        return baton_error_set(BATON_ENOTFOUND, "unknown staff member '%.40s'", id);
    baton_staff_path(id, path, sizeof path);
    int rc = baton_record_load(store, rev, path, BATON_RECORD_STAFF, out, NULL);
    if (rc == BATON_ENOTFOUND)
        return baton_error_set(BATON_ENOTFOUND, "unknown staff member '%s' (see 'baton staff list')", id);
    return rc;
}

int baton_identity_load(baton_store *store, const char *id, baton_identity *out)
{
    json_t *rec;
    if (!id || !*id)
        return baton_error_set(BATON_EDENIED, "no identity: say who you are with --as STAFF or BATON_USER");
    int rc = baton_staff_get(store, NULL, id, &rec);
    if (rc == BATON_ENOTFOUND)
        return baton_error_set(BATON_EDENIED, "--as: unknown staff member '%.40s'", id);
    if (rc)
        return rc;
    if (!json_is_true(json_object_get(rec, "active"))) {
        json_decref(rec);
        return baton_error_set(BATON_EDENIED, "--as: staff member '%s' is no longer active", id);
    }
    snprintf(out->id, sizeof out->id, "%s", id);
    snprintf(out->name, sizeof out->name, "%s", json_string_value(json_object_get(rec, "name")));
    snprintf(out->email, sizeof out->email, "%s", json_string_value(json_object_get(rec, "email")));
    json_decref(rec);
    return 0;
}

typedef struct {
    baton_store *store;
    json_t *list;
    int rc;
} list_ctx;

static int collect_staff(const char *name, int is_dir, void *vctx)
{
    list_ctx *ctx = vctx;
    size_t n = strlen(name);
    if (is_dir || n < 6 || strcmp(name + n - 5, ".json") != 0)
        return 0;
    char id[64];
    snprintf(id, sizeof id, "%.*s", (int)(n - 5), name);
    json_t *rec;
    int rc = baton_staff_get(ctx->store, NULL, id, &rec);
    if (rc)
        return baton_store_skip(ctx->store, rc);
    json_array_append_new(ctx->list, rec);
    return 0;
}

/* The directory is read on nearly every page of a server (names, the access rules), and reading
 * it parses and checks every staff record: a store handle keeps the list it read last, and lists
 * again only when staff/ is another tree. */
int baton_staff_directory(baton_store *store, json_t **out)
{
    git_oid tree;
    int have = baton_store_dir_oid(store, "staff", &tree);
    if (have && store->staff_cache && git_oid_equal(&tree, &store->staff_tree)) {
        *out = json_incref(store->staff_cache);
        return 0;
    }
    list_ctx ctx = {store, json_array(), 0};
    int rc = baton_store_list(store, NULL, "staff", collect_staff, &ctx);
    if (rc) {
        json_decref(ctx.list);
        return rc;
    }
    /* git trees are sorted by name, so the list is sorted by id */
    json_decref(store->staff_cache);
    store->staff_cache = have ? json_incref(ctx.list) : NULL;
    if (have)
        git_oid_cpy(&store->staff_tree, &tree);
    *out = ctx.list;
    return 0;
}

int baton_staff_list(baton_store *store, json_t **out)
{
    json_t *shared;
    int rc = baton_staff_directory(store, &shared);
    if (rc)
        return rc;
    *out = json_deep_copy(shared);
    json_decref(shared);
    return *out ? 0 : baton_error_set(BATON_ERROR, "out of memory");
}

static int any_entry(const char *name, int is_dir, void *ctx)
{
    (void)name, (void)is_dir, (void)ctx;
    return 1;
}

int baton_staff_empty(baton_store *store) { return baton_store_list(store, NULL, "staff", any_entry, NULL) == 0; }

static int commit_staff(baton_store *store, const char *author_name, const char *author_email, json_t *record,
                        const char *expect, const char *message, baton_oid_hex commit)
{
    char path[128];
    const char *id = json_string_value(json_object_get(record, "id"));
    baton_staff_path(id, path, sizeof path);
    char *data = baton_record_dump(record);
    if (!data)
        return BATON_ERROR;
    char label[80];
    snprintf(label, sizeof label, "staff member %s", id);
    baton_change ch = {path, data, strlen(data), expect, label};
    baton_commit_options co = {author_name, author_email, message, 0};
    int rc = baton_store_commit(store, &ch, 1, &co, commit);
    free(data);
    return rc;
}

/* One identity names one person: a login must map to exactly one staff member. BATON_EEXISTS
 * naming who has sso_id already, when anyone but id does. */
static int sso_taken(baton_store *store, const char *id, const char *sso_id)
{
    json_t *dir, *x;
    size_t i;
    int rc = baton_staff_directory(store, &dir);
    json_array_foreach(dir, i, x) {
        const char *other = json_string_value(json_object_get(x, "id")), *theirs = json_string_value(json_object_get(x, "sso_id"));
        if (rc == 0 && theirs && strcmp(theirs, sso_id) == 0 && strcmp(other, id) != 0)
            rc = baton_error_set(BATON_EEXISTS, "--sso-id: staff member '%s' already has this identity", other);
    }
    json_decref(dir);
    return rc;
}

static int add(baton_store *store, const baton_identity *as, json_t *record, const char *reason, baton_oid_hex commit)
{
    int rc;
    if (!json_object_get(record, "active"))
        json_object_set_new(record, "active", json_true());
    if ((rc = baton_record_validate(record, BATON_RECORD_STAFF, NULL)))
        return rc;
    if (reason && (rc = baton_reason_check(reason, NULL)))
        return rc;
    const char *id = json_string_value(json_object_get(record, "id"));
    if (!as && !baton_staff_empty(store))
        return baton_error_set(BATON_EDENIED, "--as: required (only the first staff member may be added without it)");
    json_t *existing;
    if (baton_staff_get(store, NULL, id, &existing) == 0) {
        json_decref(existing);
        return baton_error_set(BATON_EEXISTS, "staff member '%s' already exists", id);
    }
    const char *sso_id = json_string_value(json_object_get(record, "sso_id"));
    if (sso_id && (rc = sso_taken(store, id, sso_id)))
        return rc;
    char subject[128];
    snprintf(subject, sizeof subject, "staff: add %s", id);
    const char *by = as ? as->id : id;
    char *msg = baton_commit_message(subject, reason, NULL, by);
    if (!msg)
        return baton_error_set(BATON_ERROR, "out of memory");
    rc = commit_staff(store, as ? as->name : json_string_value(json_object_get(record, "name")),
                      as ? as->email : json_string_value(json_object_get(record, "email")), record, "", msg, commit);
    free(msg);
    return rc;
}

int baton_staff_add(baton_session *s, json_t *record, const char *reason, baton_oid_hex commit)
{
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    return rc ? rc : add(s->store, &s->who, record, reason, commit);
}

int baton_staff_add_first(baton_store *store, json_t *record, const char *reason, baton_oid_hex commit)
{
    return add(store, NULL, record, reason, commit);
}

int baton_staff_leave(baton_session *sess, const char *id, const char *reason, json_t **blocking, baton_oid_hex commit)
{
    json_t *rec = NULL;
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    int rc;
    *blocking = NULL;
    if ((rc = baton_access_check(sess, BATON_ACCESS_ADMIN, NULL, NULL)))
        return rc;
    if (reason && (rc = baton_reason_check(reason, NULL)))
        return rc;
    if ((rc = baton_staff_get(store, NULL, id, &rec)))
        return rc;
    if (!json_is_true(json_object_get(rec, "active"))) {
        json_decref(rec);
        return baton_error_set(BATON_EINVALID, "staff member '%s' has already left", id);
    }
    if ((rc = baton_staff_leave_check(store, id, blocking))) {
        json_decref(rec);
        return rc;
    }
    char today[11], path[128];
    baton_oid_hex version;
    baton_date_today(today);
    baton_staff_path(id, path, sizeof path);
    if ((rc = baton_store_entry_id(store, NULL, path, version))) {
        json_decref(rec);
        return rc;
    }
    json_object_set_new(rec, "active", json_false());
    json_object_set_new(rec, "left", json_string(today));
    char subject[128];
    snprintf(subject, sizeof subject, "staff: %s leaves", id);
    char *msg = baton_commit_message(subject, reason, NULL, as->id);
    rc = msg ? commit_staff(store, as->name, as->email, rec, version, msg, commit) : BATON_ERROR;
    free(msg);
    json_decref(rec);
    return rc;
}

int baton_staff_set_sso(baton_session *sess, const char *id, const char *sso_id, const char *reason, baton_oid_hex commit)
{
    json_t *rec = NULL;
    char path[128];
    baton_oid_hex version;
    int rc;
    if ((rc = baton_access_check(sess, BATON_ACCESS_ADMIN, NULL, NULL)))
        return rc;
    if (reason && (rc = baton_reason_check(reason, NULL)))
        return rc;
    if ((rc = baton_staff_get(sess->store, NULL, id, &rec)))
        return rc;
    if (sso_id && *sso_id)
        rc = sso_taken(sess->store, id, sso_id);
    if (rc == 0) {
        if (sso_id && *sso_id)
            json_object_set_new(rec, "sso_id", json_string(sso_id));
        else
            json_object_del(rec, "sso_id");
        baton_staff_path(id, path, sizeof path);
        rc = baton_record_validate(rec, BATON_RECORD_STAFF, NULL);
    }
    if (rc == 0)
        rc = baton_store_entry_id(sess->store, NULL, path, version);
    if (rc == 0) {
        char subject[128];
        snprintf(subject, sizeof subject, "staff: %s's single sign-on identity", id);
        char *msg = baton_commit_message(subject, reason, NULL, sess->who.id);
        rc = msg ? commit_staff(sess->store, sess->who.name, sess->who.email, rec, version, msg, commit) : BATON_ERROR;
        free(msg);
    }
    json_decref(rec);
    return rc;
}
