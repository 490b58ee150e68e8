/* Case history from git. libgit2 has no path-limited log, so we follow the first-parent chain
 * and compare the tree entry id of the case's record with the parent's: a cheap id comparison,
 * no blob is read unless the record changed. The walk stops at the commit that created the case.
 * The search index keeps this version map, so logs need not walk at all: the walk is the fallback
 * (and what tests hold the index to). */
#include "baton/history.h"

#include "baton/case.h"
#include "baton/diff.h"
#include "baton/error.h"
#include "baton/index.h"
#include "baton/record.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A Baton commit message is a subject line, a body (the reason) and a last paragraph of
 * trailers, every line of it "Baton-Key: value". Only that last paragraph can hold trailers, so
 * no text in a reason can add or replace one. Returns the body; *trailers is where the trailer
 * paragraph begins, or NULL when the message has none. */
static const char *message_body(const char *message, const char **trailers)
{
    const char *body = message + strcspn(message, "\n");
    while (*body == '\n')
        body++;
    const char *end = body + strlen(body);
    while (end > body && end[-1] == '\n')
        end--;
    const char *p = end;
    while (p > body && !(p[-1] == '\n' && p - 1 > body && p[-2] == '\n'))
        p--;
    *trailers = NULL;
    if (p == end)
        return body;
    for (const char *line = p; line < end;) {
        size_t n = strcspn(line, "\n");
        const char *colon = memchr(line, ':', n);
        if (strncmp(line, "Baton-", 6) != 0 || !colon || colon + 1 >= line + n || colon[1] != ' ')
            return body;
        line += n + 1;
    }
    *trailers = p;
    return body;
}

static int trailer_value(const char *trailers, const char *key, char *out, size_t n)
{
    size_t klen = strlen(key);
    out[0] = '\0';
    for (const char *line = trailers; line && *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] ? 1 : 0)) {
        if (strncmp(line, key, klen) == 0 && strncmp(line + klen, ": ", 2) == 0) {
            line += klen + 2;
            snprintf(out, n, "%.*s", (int)strcspn(line, "\n"), line);
            return 1;
        }
    }
    return 0;
}

int baton_message_trailer(const char *message, const char *key, char *out, size_t n)
{
    const char *trailers;
    message_body(message, &trailers);
    return trailer_value(trailers, key, out, n);
}

json_t *baton_message_trailers(const char *message)
{
    const char *trailers;
    message_body(message, &trailers);
    if (!trailers)
        return NULL;
    json_t *list = json_array();
    for (const char *line = trailers; *line;) {
        size_t n = strcspn(line, "\n");
        const char *colon = memchr(line, ':', n);
        if (colon) {
            json_t *key = json_stringn(line, (size_t)(colon - line)),
                   *value = json_stringn(colon + 2, (size_t)(line + n - colon - 2));
            if (key && value)
                json_array_append_new(list, json_pack("[o, o]", key, value));
            else {
                json_decref(key);
                json_decref(value);
            }
        }
        line += n;
        while (*line == '\n')
            line++;
    }
    return list;
}

void baton_message_parse(const char *message, char **subject, char **reason, char staff[40])
{
    const char *trailers;
    const char *body = message_body(message, &trailers);
    *subject = strndup(message, strcspn(message, "\n"));
    *reason = NULL;
    const char *end = trailers ? trailers : body + strlen(body);
    while (end > body && end[-1] == '\n')
        end--;
    if (end > body)
        *reason = strndup(body, (size_t)(end - body));
    trailer_value(trailers, "Baton-Staff", staff, 40);
}

static int entry_at(git_commit *c, const char *path, git_oid *out)
{
    git_tree *t;
    git_tree_entry *e;
    if (git_commit_tree(&t, c) < 0)
        return -1;
    int r = git_tree_entry_bypath(&e, t, path);
    git_tree_free(t);
    if (r < 0)
        return 0;
    git_oid_cpy(out, git_tree_entry_id(e));
    git_tree_entry_free(e);
    return 1;
}

/* The case record in blob id, held to the rules of a read; NULL (and *problem, if asked) when it
 * breaks them. */
static json_t *load_blob(baton_store *store, const git_oid *id, const char *path, char **problem)
{
    git_blob *b;
    json_t *doc = NULL;
    if (git_blob_lookup(&b, store->repo, id) < 0)
        return NULL;
    if (baton_record_check_stored(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), path, BATON_RECORD_CASE, &doc) &&
        problem)
        *problem = strdup(baton_error_last());
    baton_error_clear();
    git_blob_free(b);
    return doc;
}

void baton_case_log_free(baton_case_version *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].subject);
        free(v[i].reason);
        free(v[i].problem);
        json_decref(v[i].fields);
    }
    free(v);
}

int baton_case_log(baton_session *s, const char *rev, const char *id, baton_case_version **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    int rc = baton_session_open_case(s, rev, id, "history", NULL);
    return rc ? rc : baton_case_log_unchecked(s->store, rev, id, out, count);
}

int baton_case_diff(baton_session *s, const char *id, const char *from, const char *to, baton_diff *d,
                    baton_oid_hex from_out, baton_oid_hex to_out)
{
    json_t *a = NULL, *b = NULL;
    int rc = baton_session_open_case(s, NULL, id, "diff", NULL);
    memset(d, 0, sizeof *d);
    from_out[0] = to_out[0] = '\0';
    if (rc)
        return rc;
    if (!from) {
        /* the latest change as of to: its last version then against the one before */
        baton_case_version *v;
        size_t n;
        if ((rc = baton_case_log_unchecked(s->store, to, id, &v, &n)))
            return rc;
        snprintf(to_out, 41, "%s", v[0].commit);
        if (n > 1)
            snprintf(from_out, 41, "%s", v[1].commit);
        baton_case_log_free(v, n);
    } else {
        if ((rc = baton_store_resolve(s->store, from, from_out)))
            return rc;
        if ((rc = to ? baton_store_resolve(s->store, to, to_out) : baton_store_head(s->store, to_out)))
            return rc;
    }
    if ((from_out[0] && (rc = baton_case_load_unchecked(s->store, from_out, id, &a, NULL))) ||
        (rc = baton_case_load_unchecked(s->store, to_out, id, &b, NULL)) ||
        (rc = baton_diff_records(a, b, BATON_RECORD_CASE, d)))
        baton_diff_free(d);
    json_decref(a);
    json_decref(b);
    return rc;
}

int baton_case_log_unchecked(baton_store *store, const char *rev, const char *id, baton_case_version **out,
                             size_t *count)
{
    baton_index *idx;
    /* the index keeps the version map; the walk below is for when it cannot be opened */
    if (baton_index_open(&idx, store, NULL, NULL) == 0) {
        int rc = baton_index_case_log(idx, id, rev, out, count);
        baton_index_free(idx);
        if (rc != BATON_ENOTFOUND || !rev)
            return rc;
    }
    return baton_case_walk_log(store, rev, id, out, count);
}

int baton_case_walk_log(baton_store *store, const char *rev, const char *id, baton_case_version **out, size_t *count)
{
    char path[128];
    git_commit *c;
    int rc = baton_store_lookup_commit(store, rev, &c);
    baton_case_version *v = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    *count = 0;
    if (rc)
        return rc;
    baton_case_path(id, path, sizeof path);
    git_oid cur;
    int have = entry_at(c, path, &cur);
    if (have <= 0) {
        git_commit_free(c);
        return baton_error_set(BATON_ENOTFOUND, "no case with id '%s'", id);
    }
    while (have > 0) {
        git_commit *parent = NULL;
        git_oid prev;
        int had = 0;
        if (git_commit_parentcount(c) > 0 && git_commit_parent(&parent, c, 0) == 0)
            had = entry_at(parent, path, &prev);
        if (had <= 0 || !git_oid_equal(&prev, &cur)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 32;
                baton_case_version *nv = realloc(v, cap * sizeof *nv);
                if (!nv) {
                    git_commit_free(parent);
                    rc = baton_error_set(BATON_ERROR, "out of memory");
                    break;
                }
                v = nv;
            }
            baton_case_version *x = &v[n++];
            memset(x, 0, sizeof *x);
            git_oid_tostr(x->commit, sizeof x->commit, git_commit_id(c));
            git_oid_tostr(x->version, sizeof x->version, &cur);
            const git_signature *a = git_commit_author(c);
            x->when = (time_t)a->when.time;
            snprintf(x->author_name, sizeof x->author_name, "%s", a->name);
            snprintf(x->author_email, sizeof x->author_email, "%s", a->email);
            baton_message_parse(git_commit_message(c), &x->subject, &x->reason, x->staff);
            char prefix[64];
            size_t plen = (size_t)snprintf(prefix, sizeof prefix, "case %s: ", id);
            if (x->subject && strncmp(x->subject, prefix, plen) == 0)
                memmove(x->subject, x->subject + plen, strlen(x->subject + plen) + 1);
            json_t *newer = load_blob(store, &cur, path, &x->problem),
                   *older = had > 0 ? load_blob(store, &prev, path, NULL) : NULL;
            baton_diff d;
            if (!older || !newer) {
                x->fields = json_array(); /* the first version: everything is new */
            } else if (baton_diff_records(older, newer, BATON_RECORD_CASE, &d) == 0) {
                x->fields = baton_diff_fields(&d);
                baton_diff_free(&d);
            } else {
                x->fields = json_array();
            }
            json_decref(newer);
            json_decref(older);
        }
        git_commit_free(c);
        c = parent;
        cur = prev;
        have = had;
    }
    git_commit_free(c);
    if (rc) {
        baton_case_log_free(v, n);
        return rc;
    }
    *out = v;
    *count = n;
    return 0;
}
