/* Creating, reading and saving cases. Saving is where the rules meet: the record is validated
 * against its field table, read-only fields and staff references are checked, the commit
 * message is checked for the child's name, and the write goes through the store's one commit
 * path with the version the edit was based on, so a concurrent edit is a conflict, not a loss. */
#include "baton/case.h"
#include "case_internal.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/index.h"
#include "baton/record.h"
#include "baton/session.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"
#include "index_internal.h"
#include "json_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* FNV-1a: a stable, well-spread hash; only the low byte is used, for the fan-out directory. */
static unsigned fanout(const char *id)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h & 0xff;
}

void baton_case_dir(const char *id, char *out, size_t n) { snprintf(out, n, "cases/%02x/%s", fanout(id), id); }

void baton_case_path(const char *id, char *out, size_t n)
{
    snprintf(out, n, "cases/%02x/%s/case.json", fanout(id), id);
}

/* The kind of a context as people in Denmark, Sweden and Norway say it, for the stored name. */
static const char *context_kind_alias(const char *word, size_t n)
{
    static const struct {
        const char *alias, *kind;
    } map[] = {
        {"skole", "school"},          {"skola", "school"},          {"folkeskole", "school"},
        {"grundskola", "school"},     {"dagtilbud", "daycare"},     {"daginstitution", "daycare"},
        {"børnehave", "daycare"},     {"vuggestue", "daycare"},     {"förskola", "daycare"},
        {"barnehage", "daycare"},     {"fritid", "leisure"},        {"sfo", "leisure"},
        {"fritidshjem", "leisure"},   {"klub", "leisure"},          {"fritidshem", "leisure"},
        {"fritids", "leisure"},       {"fritidsklubb", "leisure"},  {"specialskole", "special_school"},
        {"specialskola", "special_school"}, {"spesialskole", "special_school"}, {"andet", "other"},
        {"annat", "other"},           {"annet", "other"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strlen(map[i].alias) == n && strncasecmp(map[i].alias, word, n) == 0)
            return map[i].kind;
    return NULL;
}

int baton_context_parse(const char *spec, json_t **out)
{
    static const char *const keys[] = {"kind", "institution", "group", "municipality"};
    json_t *ctx = json_object();
    const char *s = spec;
    int i = 0;
    *out = NULL;
    while (i < 4) {
        size_t n = i == 3 ? strlen(s) : strcspn(s, ":");
        const char *kind = i == 0 ? context_kind_alias(s, n) : NULL;
        if (n > 0) {
            json_t *v = kind ? json_string(kind) : json_stringn(s, n);
            if (!v) {
                json_decref(ctx);
                return baton_error_set(BATON_EINVALID, "--context: not valid UTF-8");
            }
            json_object_set_new(ctx, keys[i], v);
        }
        i++;
        s += n;
        if (*s != ':')
            break;
        s++;
    }
    const baton_field *field;
    json_t *unused;
    baton_record_path_lookup(NULL, BATON_RECORD_CASE, "context", &field, &unused);
    if (baton_field_validate(ctx, field, "context")) {
        char msg[1200];
        snprintf(msg, sizeof msg, "%s", baton_error_last());
        json_decref(ctx);
        return baton_error_set(BATON_EINVALID, "--context: %s (expected KIND:INSTITUTION[:GROUP[:MUNICIPALITY]])", msg);
    }
    *out = ctx;
    return 0;
}

static int is_word_byte(unsigned char c) { return isalnum(c) || c >= 0x80; }

/* Whole-word, ASCII-case-insensitive search for needle in hay. */
static int contains_word(const char *hay, const char *needle, size_t nlen)
{
    size_t hlen = strlen(hay);
    for (size_t i = 0; i + nlen <= hlen; i++) {
        if (i > 0 && is_word_byte((unsigned char)hay[i - 1]))
            continue;
        if (strncasecmp(hay + i, needle, nlen) != 0)
            continue;
        if (i + nlen < hlen && is_word_byte((unsigned char)hay[i + nlen]))
            continue;
        return 1;
    }
    return 0;
}

int baton_reason_check(const char *reason, const json_t *case_doc)
{
    int rc = baton_line_check(reason, 500, "--reason");
    if (rc)
        return rc;
    const char *name = json_string_value(json_object_get(json_object_get(case_doc, "child"), "name"));
    if (!name)
        return 0;
    /* Commit messages are read by everyone with access to the repository and travel with every
     * clone: they name the case by id, never the child. */
    const char *s = name;
    while (*s) {
        size_t len = strcspn(s, " -");
        if (len >= 2 && contains_word(reason, s, len))
            return baton_error_set(BATON_EINVALID,
                                   "--reason: must not contain the child's name; refer to the case by its id");
        s += len;
        while (*s == ' ' || *s == '-')
            s++;
    }
    return 0;
}

char *baton_commit_message(const char *subject, const char *reason, const char *case_id, const char *staff_id)
{
    size_t n = strlen(subject) + (reason ? strlen(reason) : 0) + 256;
    char *msg = malloc(n);
    if (!msg)
        return NULL;
    size_t used = (size_t)snprintf(msg, n, "%s\n\n", subject);
    if (reason && *reason)
        used += (size_t)snprintf(msg + used, n - used, "%s\n\n", reason);
    if (case_id)
        used += (size_t)snprintf(msg + used, n - used, "Baton-Case: %s\n", case_id);
    snprintf(msg + used, n - used, "Baton-Staff: %s\n", staff_id);
    return msg;
}

/* ---- staff references ---- */

typedef struct {
    baton_store *store;
    json_t *seen;   /* staff id -> true (active) / false (inactive) */
    json_t *counts; /* "<field>\x1f<id>" -> {n, path}: how often a field names someone */
    int lookup;     /* look each id up in the directory */
    int rc;
} refs_ctx;

/* "plan.measures[2].responsible" -> "plan.measures[].responsible": the same field in any item */
static void field_of(const char *path, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = path; *p && o + 1 < n; p++) {
        out[o++] = *p;
        if (*p == '[')
            while (p[1] && p[1] != ']')
                p++;
    }
    out[o] = '\0';
}

static void check_ref(const char *path, const char *id, void *vctx)
{
    refs_ctx *ctx = vctx;
    char key[300];
    field_of(path, key, sizeof key - 40);
    snprintf(key + strlen(key), 40, "\x1f%s", id);
    json_t *c = json_object_get(ctx->counts, key);
    if (!c)
        json_object_set_new(ctx->counts, key, c = json_pack("{s:i, s:s}", "n", 0, "path", path));
    json_object_set_new(c, "n", json_integer(json_integer_value(json_object_get(c, "n")) + 1));
    if (!ctx->lookup || ctx->rc || json_object_get(ctx->seen, id))
        return;
    json_t *rec;
    int rc = baton_staff_get(ctx->store, NULL, id, &rec);
    if (rc) {
        ctx->rc = rc == BATON_ENOTFOUND
                      ? baton_error_set(rc, "%s: unknown staff member '%s' (see 'baton staff list')", path, id)
                      : rc;
        return;
    }
    json_object_set_new(ctx->seen, id, json_boolean(json_is_true(json_object_get(rec, "active"))));
    json_decref(rec);
}

int baton_case_check(baton_store *store, const json_t *old, json_t *doc)
{
    int rc = baton_record_validate(doc, BATON_RECORD_CASE, NULL);
    if (rc)
        return rc;
    const baton_field *root = baton_record_spec(BATON_RECORD_CASE);
    if (old) {
        for (const baton_field *f = root->fields; f->name; f++) {
            if ((f->flags & BATON_FIELD_READONLY) &&
                !json_equal(json_object_get(old, f->name), json_object_get(doc, f->name)))
                return baton_error_set(BATON_EINVALID, "%s: cannot be changed", f->name);
        }
    }
    /* a record may go on naming someone who has left (history stays as it was), but no change may
     * give them anything new: a field names an inactive member more often than before */
    refs_ctx was = {store, json_object(), json_object(), 0, 0};
    refs_ctx ctx = {store, json_object(), json_object(), 1, 0};
    if (old)
        baton_record_staff_refs(old, BATON_RECORD_CASE, check_ref, &was);
    baton_record_staff_refs(doc, BATON_RECORD_CASE, check_ref, &ctx);
    const char *key;
    json_t *c;
    json_object_foreach(ctx.counts, key, c) {
        const char *id = strchr(key, '\x1f') + 1;
        json_int_t before = json_integer_value(json_object_get(json_object_get(was.counts, key), "n"));
        if (ctx.rc == 0 && json_is_false(json_object_get(ctx.seen, id)) &&
            json_integer_value(json_object_get(c, "n")) > before)
            ctx.rc = baton_error_set(BATON_EINVALID, "%s: '%s' is no longer active staff",
                                     json_string_value(json_object_get(c, "path")), id);
    }
    json_decref(was.seen);
    json_decref(was.counts);
    json_decref(ctx.seen);
    json_decref(ctx.counts);
    return ctx.rc;
}

int baton_case_change(const baton_identity *as, const char *id, const json_t *doc, const char *subject,
                      const char *reason, char **data, char **message)
{
    char full[400];
    snprintf(full, sizeof full, "case %s: %s", id, subject);
    *data = baton_record_dump(doc);
    *message = baton_commit_message(full, reason, id, as->id);
    if (*data && *message)
        return 0;
    free(*data);
    free(*message);
    *data = *message = NULL;
    return baton_error_set(BATON_ERROR, "out of memory");
}

static int write_case(baton_store *store, const baton_identity *as, const char *id, json_t *doc, const char *expect,
                      const char *subject, const char *reason, baton_oid_hex commit)
{
    char path[128], label[64], *data, *msg;
    baton_case_path(id, path, sizeof path);
    snprintf(label, sizeof label, "case %s", id);
    int rc = baton_case_change(as, id, doc, subject, reason, &data, &msg);
    if (rc == 0) {
        baton_change ch = {path, data, strlen(data), expect, label, 0};
        baton_commit_options co = {as->name, as->email, msg, 0};
        rc = baton_store_commit(store, &ch, 1, &co, commit);
    }
    free(data);
    free(msg);
    return rc;
}

int baton_case_create(baton_session *sess, const baton_case_new_options *opts, const char *reason, char *id_out,
                      baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    json_t *context = NULL;
    int rc;
    char id[33], today[11];
    if (!opts->child_name || !*opts->child_name)
        return baton_error_set(BATON_EINVALID, "--child: required");
    if (!opts->born)
        return baton_error_set(BATON_EINVALID, "--born: required");
    if (!baton_date_valid(opts->born))
        return baton_error_set(BATON_EINVALID, "--born: not a date (YYYY-MM-DD): '%.40s'", opts->born);
    if (!opts->contact || !*opts->contact)
        return baton_error_set(BATON_EINVALID, "--contact: required: every case has exactly one contact person");
    if (!opts->context)
        return baton_error_set(BATON_EINVALID, "--context: required (KIND:INSTITUTION[:GROUP[:MUNICIPALITY]])");
    if ((rc = baton_context_parse(opts->context, &context)))
        return rc;
    if (opts->id && strlen(opts->id) >= sizeof id)
        return baton_error_set(BATON_EINVALID, "id: too long (at most 32 characters)");
    if (opts->id)
        snprintf(id, sizeof id, "%s", opts->id);
    else if ((rc = baton_random_id(id, BATON_CASE_ID_LEN)))
        goto out;
    baton_date_today(today);
    json_t *child = json_pack("{s:s?, s:s?}", "name", opts->child_name, "born", opts->born);
    if (!child) {
        rc = baton_error_set(BATON_EINVALID, "--child: not valid UTF-8");
        goto out;
    }
    if (opts->national_id && *opts->national_id) {
        json_t *nid = json_string(opts->national_id);
        if (!nid) {
            json_decref(child);
            rc = baton_error_set(BATON_EINVALID, "--national-id: not valid UTF-8");
            goto out;
        }
        json_object_set_new(child, "national_id", nid);
    }
    json_t *doc = json_pack("{s:s, s:s, s:s, s:o, s:O, s:{s:s, s:s}, s:{}}", "id", id, "status", "active", "opened",
                            today, "child", child, "context", context, "contact", "staff", opts->contact, "since",
                            today, "plan");
    if (!doc) {
        rc = baton_error_set(BATON_EINVALID, "--contact: not valid UTF-8");
        goto out;
    }
    rc = baton_case_check(store, NULL, doc);
    if (rc == 0)
        rc = baton_access_check(sess, BATON_ACCESS_CREATE, doc, NULL);
    else if (rc == BATON_EINVALID && strncmp(baton_error_last(), "contact.staff", 13) == 0)
        rc = baton_error_set(BATON_EINVALID, "--contact: '%s' is not active staff", opts->contact);
    else if (rc == BATON_ENOTFOUND && strncmp(baton_error_last(), "contact.staff", 13) == 0)
        rc = baton_error_set(BATON_ENOTFOUND, "--contact: unknown staff member '%s'", opts->contact);
    if (rc == 0 && reason)
        rc = baton_reason_check(reason, doc);
    if (rc == 0)
        rc = write_case(store, as, id, doc, "", "create case", reason, commit);
    json_decref(doc);
    if (rc == 0)
        snprintf(id_out, 33, "%s", id);
out:
    json_decref(context);
    return rc;
}

int baton_case_load_unchecked(baton_store *store, const char *rev, const char *id, json_t **out, baton_oid_hex version)
{
    char path[128];
    *out = NULL;
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return baton_error_set(BATON_ENOTFOUND, "no case with id '%.40s'", id);
    if (!*id || strlen(id) > 32)
        return baton_error_set(BATON_ENOTFOUND, "no case with id '%.40s'", id);
    baton_case_path(id, path, sizeof path);
    int rc = baton_record_load(store, rev, path, BATON_RECORD_CASE, out, version);
    if (rc == BATON_ENOTFOUND)
        return rev ? baton_error_set(BATON_ENOTFOUND, "no case with id '%s' at revision %.12s", id, rev)
                   : baton_error_set(BATON_ENOTFOUND, "no case with id '%s'", id);
    return rc;
}

int baton_case_load(baton_session *s, const char *rev, const char *id, json_t **out, baton_oid_hex version)
{
    int emergency, rc;
    *out = NULL;
    if (rev)
        return (rc = baton_session_open_case(s, rev, id, NULL, NULL)) ? rc
                                                                      : baton_case_load_unchecked(s->store, rev, id, out, version);
    if ((rc = baton_case_load_unchecked(s->store, NULL, id, out, version)))
        return rc;
    if ((rc = baton_session_read_one(s, *out, &emergency)) == 0)
        rc = baton_session_log_one(s, emergency ? "emergency" : "read", id, NULL);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The day a case closed goes with its status, and is Baton's to write: retention counts from it. */
static int case_closing_day(const json_t *old, json_t *doc)
{
    const char *was = json_string_value(json_object_get(old, "status"));
    const char *now = json_string_value(json_object_get(doc, "status"));
    json_t *had = json_object_get(old, "closed"), *given = json_object_get(doc, "closed");
    if (given && !json_equal(had, given))
        return baton_error_set(BATON_EINVALID, "closed: Baton sets the day a case closed when its status changes");
    if (had && !given) /* a record given without it (an edit, a file) keeps it */
        json_object_set(doc, "closed", had);
    if (now && strcmp(now, "active") == 0) {
        json_object_del(doc, "closed");
    } else if (was && strcmp(was, "active") == 0 && now) {
        char today[11];
        baton_date_today(today);
        json_object_set_new(doc, "closed", json_string(today));
    }
    return 0;
}

int baton_case_save(baton_session *sess, const json_t *old, json_t *doc, const char *base, const char *what,
                    const char *reason, baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    int rc;
    commit[0] = '\0';
    const char *id = json_string_value(json_object_get(old, "id"));
    if (!id)
        return baton_error_set(BATON_EINVALID, "id: missing in the stored record");
    /* who may change it is decided by the case as stored now, not by what the caller hands in */
    json_t *current;
    if ((rc = baton_case_load_unchecked(store, NULL, id, &current, NULL)))
        return rc;
    rc = baton_access_check(sess, BATON_ACCESS_CHANGE, current, NULL);
    json_decref(current);
    if (rc)
        return rc;
    const char *status = json_string_value(json_object_get(old, "status"));
    if (status && strcmp(status, "transferred") == 0)
        return baton_error_set(BATON_EINVALID, "case %s was transferred and is read-only", id);
    /* the contact person's history is the chain of handovers: it moves only through one */
    if (!json_equal(json_object_get(old, "contact"), json_object_get(doc, "contact")))
        return baton_error_set(BATON_EINVALID,
                               "contact: the contact person changes only through a handover: "
                               "baton handover staff %s --to STAFF",
                               id);
    const char *new_status = json_string_value(json_object_get(doc, "status"));
    if (new_status && strcmp(new_status, "transferred") == 0)
        return baton_error_set(BATON_EINVALID,
                               "status: a case is transferred only by a handover to a receiver outside the "
                               "organisation: baton handover context %s --receiver ...",
                               id);
    if ((rc = case_closing_day(old, doc)))
        return rc;
    if ((rc = baton_case_check(store, old, doc)))
        return rc;
    if (reason && (rc = baton_reason_check(reason, doc)))
        return rc;
    if (json_equal((json_t *)old, doc))
        return 0;
    return write_case(store, as, id, doc, base, what, reason, commit);
}

typedef struct {
    baton_store *store;
    const char *rev;
    const char *contact, *status;
    json_t *list;
} cases_ctx;

static int collect_case(const char *name, int is_dir, void *vctx)
{
    cases_ctx *ctx = vctx;
    if (!is_dir)
        return 0;
    json_t *doc;
    int rc = baton_case_load_unchecked(ctx->store, ctx->rev, name, &doc, NULL);
    if (rc == BATON_ENOTFOUND)
        return 0;
    if (rc)
        return baton_store_skip(ctx->store, rc);
    const char *contact = json_string_value(json_object_get(json_object_get(doc, "contact"), "staff"));
    const char *status = json_string_value(json_object_get(doc, "status"));
    if ((ctx->contact && (!contact || strcmp(contact, ctx->contact))) ||
        (ctx->status && (!status || strcmp(status, ctx->status)))) {
        json_decref(doc);
        return 0;
    }
    json_array_append_new(ctx->list, doc);
    return 0;
}

static int collect_fanout(const char *name, int is_dir, void *vctx)
{
    cases_ctx *ctx = vctx;
    if (!is_dir)
        return 0;
    char dir[64];
    snprintf(dir, sizeof dir, "cases/%s", name);
    return baton_store_list(ctx->store, ctx->rev, dir, collect_case, ctx);
}

static int by_id(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcmp(json_string_value(json_object_get(x, "id")), json_string_value(json_object_get(y, "id")));
}

int baton_case_load_kept(baton_store *store, json_t *ids, int (*keep)(const json_t *doc, const void *ctx),
                         const void *ctx, json_t **out)
{
    json_t *list = json_array();
    size_t i;
    json_t *id;
    int rc = 0;
    json_array_foreach(ids, i, id) {
        json_t *doc;
        if ((rc = baton_case_load_unchecked(store, NULL, json_string_value(id), &doc, NULL)))
            break;
        if (keep(doc, ctx))
            json_array_append_new(list, doc);
        else
            json_decref(doc);
    }
    json_decref(ids);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}

typedef struct {
    const char *contact, *status;
} contact_filter;

static int still_theirs(const json_t *doc, const void *vctx)
{
    const contact_filter *f = vctx;
    const char *c = json_string_value(json_object_get(json_object_get(doc, "contact"), "staff"));
    const char *st = json_string_value(json_object_get(doc, "status"));
    return c && strcmp(c, f->contact) == 0 && (!f->status || (st && strcmp(st, f->status) == 0));
}

/* One person's cases now, found through the index (a server's overview asks on every visit): only
 * they are read. 1 when the index could not answer (the caller reads every case instead). */
static int contact_cases_indexed(baton_store *store, const char *contact, const char *status, json_t **out)
{
    baton_index *idx;
    json_t *ids;
    if (baton_index_open(&idx, store, NULL, NULL) != 0) {
        baton_error_clear();
        return 1;
    }
    int rc = baton_index_contact_cases(idx, contact, status, &ids);
    baton_index_free(idx);
    if (rc) {
        baton_error_clear();
        return 1;
    }
    contact_filter f = {contact, status};
    return baton_case_load_kept(store, ids, still_theirs, &f, out);
}

int baton_case_list_unchecked(baton_store *store, const char *rev, const char *contact, const char *status,
                              json_t **out)
{
    if (!rev && contact) {
        int rc = contact_cases_indexed(store, contact, status, out);
        if (rc != 1)
            return rc;
    }
    cases_ctx ctx = {store, rev, contact, status, json_array()};
    int rc = baton_store_list(store, rev, "cases", collect_fanout, &ctx);
    if (rc) {
        json_decref(ctx.list);
        return rc;
    }
    if ((rc = baton_json_sort(ctx.list, by_id))) {
        json_decref(ctx.list);
        return rc;
    }
    *out = ctx.list;
    return 0;
}

int baton_case_list(baton_session *s, const char *rev, const char *contact, const char *status, json_t **out)
{
    json_t *ids;
    int rc = baton_case_list_unchecked(s->store, rev, contact, status, out);
    if (rc)
        return rc;
    baton_session_filter(s, *out, &ids);
    /* every case shown is a read of that case */
    rc = baton_session_log(s, "read", ids, "case list");
    json_decref(ids);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int baton_case_summaries(baton_session *s, const char *contact, const char *status, json_t **out)
{
    baton_index *idx;
    *out = NULL;
    if (!contact || !*contact)
        return baton_error_set(BATON_EINVALID, "contact: give the contact person's staff id");
    int rc = baton_index_open(&idx, s->store, NULL, NULL);
    if (rc)
        return rc;
    if (baton_index_prepared(idx, &idx->case_summaries,
                             "SELECT c.case_id, c.child, c.status, c.institution, c.grp FROM cases c"
                             " WHERE c.contact = ?5 AND (?6 IS NULL OR c.status = ?6) AND "
                             INDEX_READER_MAY_READ("c.case_id", "c.institution") " ORDER BY c.case_id")) {
        rc = baton_error_set(BATON_ERROR, "index: %s", sqlite3_errmsg(idx->db));
        baton_index_free(idx);
        return rc;
    }
    sqlite3_stmt *st = idx->case_summaries;
    baton_index_bind_reader(st, s);
    sqlite3_bind_text(st, 5, contact, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, status, -1, SQLITE_STATIC);
    json_t *list = json_array(), *ids = json_array();
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        json_array_append_new(list, json_pack("{s:s, s:s, s:{s:s}, s:{s:s, s:s}}", "id", id, "status",
                                              (const char *)sqlite3_column_text(st, 2), "child", "name",
                                              (const char *)sqlite3_column_text(st, 1), "context", "institution",
                                              (const char *)sqlite3_column_text(st, 3), "group",
                                              (const char *)sqlite3_column_text(st, 4)));
        json_array_append_new(ids, json_string(id));
    }
    if (r != SQLITE_DONE)
        rc = baton_error_set(BATON_ERROR, "index: %s", sqlite3_errmsg(idx->db));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    baton_index_free(idx);
    /* every case shown is a read of that case */
    if (rc == 0)
        rc = baton_session_log(s, "read", ids, "case list");
    json_decref(ids);
    if (rc)
        json_decref(list);
    else
        *out = list;
    return rc;
}

int baton_case_update(baton_session *s, const char *id, const char *base_rev, const char *what, const char *reason,
                      baton_case_mutator fn, void *ctx, baton_oid_hex commit)
{
    json_t *old = NULL, *doc = NULL;
    baton_oid_hex version;
    int rc;
    commit[0] = '\0';
    if ((rc = baton_case_load_unchecked(s->store, NULL, id, &old, version)))
        return rc;
    if ((rc = baton_access_check(s, BATON_ACCESS_CHANGE, old, NULL)))
        goto out;
    if (base_rev) {
        baton_oid_hex at;
        json_t *then;
        if ((rc = baton_store_resolve(s->store, base_rev, at))) {
            if (rc == BATON_ENOTFOUND)
                baton_error_set(rc, "--base: no such revision: %.60s", base_rev);
            goto out;
        }
        if ((rc = baton_case_load_unchecked(s->store, at, id, &then, version)))
            goto out;
        json_decref(then);
    }
    doc = json_deep_copy(old);
    if ((rc = fn(doc, &s->who, ctx)) == 0)
        rc = baton_case_save(s, old, doc, version, what, reason, commit);
out:
    json_decref(old);
    json_decref(doc);
    return rc;
}
