/* The archival export of a case (archive.h): before a case is erased, the archive that takes it
 * over gets all of it in a form that needs no Baton to read and proves itself. A directory of
 * plain files (the records as git holds them, every version of them in history.json, the packets
 * as HTML, the case's part of the access log) and a manifest naming each file with its sha256,
 * signed with the organisation's key. It is written under a temporary name and renamed into place
 * once every file is fsynced: a package is whole, or not there. */
#include "baton/archive.h"

#include "baton/audit.h"
#include "baton/case.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/file.h"
#include "baton/history.h"
#include "baton/key.h"
#include "baton/packet.h"
#include "baton/policy.h"
#include "baton/record.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FORMAT "baton-archive 1"
#define MAX_FILE ((size_t)512 << 20)

typedef struct {
    char dir[4200];
    json_t *files; /* [{path, sha256, bytes}] */
} package;

static int put(package *pk, const char *rel, const void *data, size_t len)
{
    char path[4400], hex[65];
    snprintf(path, sizeof path, "%s/%s", pk->dir, rel);
    int rc = baton_file_make_parent(path);
    if (rc == 0)
        rc = baton_file_write(path, data, len);
    if (rc == 0) {
        baton_sha256_hex(data, len, hex);
        json_array_append_new(pk->files, json_pack("{s:s, s:s, s:I}", "path", rel, "sha256", hex, "bytes", (json_int_t)len));
    }
    return rc;
}

static int put_json(package *pk, const char *rel, const json_t *v)
{
    char *s = baton_record_dump(v);
    int rc = s ? put(pk, rel, s, strlen(s)) : baton_error_set(BATON_ERROR, "out of memory");
    free(s);
    return rc;
}

/* ---- the case's files, now and in every version ---- */

typedef struct {
    git_repository *repo;
    package *pk;
    int rc;
} tree_ctx;

static int put_blob_cb(const char *root, const git_tree_entry *e, void *vctx)
{
    tree_ctx *t = vctx;
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
        return 0;
    git_blob *b;
    char rel[600];
    if (git_blob_lookup(&b, t->repo, git_tree_entry_id(e)) < 0) {
        t->rc = baton_git_error("archive: read a record");
        return -1;
    }
    snprintf(rel, sizeof rel, "records/%s%s", root, git_tree_entry_name(e));
    t->rc = put(t->pk, rel, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
    git_blob_free(b);
    return t->rc ? -1 : 0;
}

static json_t *blob_json(git_repository *repo, const git_oid *id)
{
    git_blob *b;
    if (git_blob_lookup(&b, repo, id) < 0)
        return NULL;
    json_t *v = json_loadb(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), 0, NULL);
    git_blob_free(b);
    return v;
}

static int case_tree(git_repository *repo, const git_oid *commit, const char *prefix, git_oid *out)
{
    git_commit *c = NULL;
    git_tree *t = NULL;
    git_tree_entry *e = NULL;
    int found = git_commit_lookup(&c, repo, commit) == 0 && git_commit_tree(&t, c) == 0 &&
                git_tree_entry_bypath(&e, t, prefix) == 0 && git_tree_entry_type(e) == GIT_OBJECT_TREE;
    if (found)
        git_oid_cpy(out, git_tree_entry_id(e));
    git_tree_entry_free(e);
    git_tree_free(t);
    git_commit_free(c);
    return found;
}

/* One commit that changed the case: who, when, what and why, and each file it wrote (the record)
 * or removed (null), between the case's tree before (NULL: none) and after (NULL: none). */
static int version(baton_store *store, const char *prefix, const git_oid *commit, const git_oid *before,
                   const git_oid *after, json_t *list)
{
    git_tree *a = NULL, *b = NULL;
    baton_tree_changes diff = {0};
    git_commit *c = NULL;
    int rc = 0;
    if ((before && git_tree_lookup(&a, store->repo, before) < 0) || (after && git_tree_lookup(&b, store->repo, after) < 0) ||
        baton_tree_diff(store->repo, a, b, "", &diff) < 0 || git_commit_lookup(&c, store->repo, commit) < 0)
        rc = baton_git_error("archive: read the history");
    json_t *files = json_object();
    for (size_t k = 0; rc == 0 && k < diff.n; k++) {
        const baton_tree_change *d = &diff.items[k];
        json_t *rec = d->has ? blob_json(store->repo, &d->new_id) : json_null();
        if (!rec)
            rc = baton_error_set(BATON_EINVALID, "archive: %s/%s at %.12s is not JSON", prefix, d->path,
                                 git_oid_tostr_s(commit));
        else
            json_object_set_new(files, d->path, rec);
    }
    if (rc == 0) {
        char *subject = NULL, *reason = NULL, staff[40] = "", when[21];
        const git_signature *au = git_commit_author(c);
        baton_message_parse(git_commit_message(c), &subject, &reason, staff);
        baton_datetime_format(when, (time_t)au->when.time);
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s?, s:O}", "commit",
                                              git_oid_tostr_s(commit), "time", when, "author", au->name, "email",
                                              au->email, "staff", staff[0] ? staff : NULL, "subject",
                                              subject ? subject : "", "reason", reason, "files", files));
        free(subject);
        free(reason);
    }
    json_decref(files);
    git_commit_free(c);
    baton_tree_changes_free(&diff);
    git_tree_free(a);
    git_tree_free(b);
    return rc;
}

/* Every commit that changed the case, oldest first (version). */
static int history(baton_store *store, const char *prefix, json_t **out)
{
    git_oid head, *chain = NULL, now, before;
    size_t n = 0;
    int found = 0, rc = 0, had = 0;
    json_t *list = json_array();
    *out = NULL;
    if (baton_store_head_oid(store, &head) != 0 ||
        baton_first_parent_chain(store->repo, &head, NULL, 0, &chain, &n, &found) != 0) {
        json_decref(list);
        return baton_git_error("archive: read the history");
    }
    /* oldest first: each commit's case tree is the next one's before */
    for (size_t i = n; rc == 0 && i-- > 0;) {
        int has = case_tree(store->repo, &chain[i], prefix, &now);
        if ((has || had) && !(has && had && git_oid_equal(&now, &before)))
            rc = version(store, prefix, &chain[i], had ? &before : NULL, has ? &now : NULL, list);
        if ((had = has))
            git_oid_cpy(&before, &now);
    }
    free(chain);
    if (rc)
        json_decref(list);
    else
        *out = list;
    return rc;
}

int baton_archive_export(baton_session *s, const char *case_id, const char *dir, json_t **report)
{
    baton_store *store = s->store;
    package pk = {"", json_array()};
    char prefix[200], tmp[4200];
    json_t *doc = NULL, *hist = NULL, *log = NULL, *manifest = NULL;
    if (report)
        *report = NULL;
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc == 0 && (!case_id || !*case_id))
        rc = baton_error_set(BATON_EINVALID, "ID: give the case to archive");
    if (rc == 0 && (!dir || !*dir))
        rc = baton_error_set(BATON_EINVALID, "-o: give the directory to write the package to");
    struct stat st;
    if (rc == 0 && lstat(dir, &st) == 0)
        rc = baton_error_set(BATON_EEXISTS, "-o: %s exists already: the package goes to a new directory", dir);
    if (rc) {
        json_decref(pk.files);
        return rc;
    }
    baton_case_dir(case_id, prefix, sizeof prefix);
    rc = baton_case_load_unchecked(store, NULL, case_id, &doc, NULL);
    const char *status = json_string_value(json_object_get(doc, "status"));
    if (rc == 0 && strcmp(status, "active") == 0)
        rc = baton_error_set(BATON_EINVALID, "case %s is active: only a closed or transferred case is archived", case_id);
    /* the whole case: its restricted entries too, so the reader must be one who may read them */
    if (rc == 0)
        rc = baton_access_check(s, BATON_ACCESS_READ_RESTRICTED, doc, NULL);
    char pk_b64[BATON_PUBLIC_KEY_B64], fp[BATON_FINGERPRINT_HEX];
    if (rc == 0 && baton_key_public(store, pk_b64, fp) != 0)
        rc = baton_error_set(BATON_EINVALID, "an archive package is signed with the store's key, and this store has "
                                             "none: create it with 'baton key generate'");
    snprintf(tmp, sizeof tmp, "%s.tmp-%d", dir, (int)getpid());
    if (rc == 0 && mkdir(tmp, 0700) < 0)
        rc = baton_error_set(BATON_ERROR, "-o: %s: %s", tmp, strerror(errno));
    int made = rc == 0;
    snprintf(pk.dir, sizeof pk.dir, "%s", tmp);
    git_oid head;
    git_commit *hc = NULL;
    git_tree *root = NULL, *sub = NULL;
    git_tree_entry *e = NULL;
    if (rc == 0 && (baton_store_head_oid(store, &head) != 0 || git_commit_lookup(&hc, store->repo, &head) < 0 ||
                    git_commit_tree(&root, hc) < 0 || git_tree_entry_bypath(&e, root, prefix) < 0 ||
                    git_tree_lookup(&sub, store->repo, git_tree_entry_id(e)) < 0))
        rc = baton_git_error("archive: read the case");
    tree_ctx t = {store->repo, &pk, 0};
    if (rc == 0 && git_tree_walk(sub, GIT_TREEWALK_PRE, put_blob_cb, &t) < 0)
        rc = t.rc ? t.rc : baton_git_error("archive: read the case");
    if (rc == 0 && (rc = history(store, prefix, &hist)) == 0)
        rc = put_json(&pk, "history.json", hist);
    /* the packets, as the receivers read them, in the store's language */
    for (int number = 1; rc == 0; number++) {
        char hpath[300], *html = NULL, rel[64];
        size_t hlen = 0;
        baton_oid_hex blob;
        snprintf(hpath, sizeof hpath, "%s/handovers/%04d.json", prefix, number);
        if (baton_store_entry_id(store, NULL, hpath, blob) != 0) {
            baton_error_clear();
            break;
        }
        if ((rc = baton_packet(s, case_id, number, BATON_FORMAT_HTML, &html, &hlen)) == 0) {
            snprintf(rel, sizeof rel, "packets/handover-%04d.html", number);
            rc = put(&pk, rel, html, hlen);
        }
        free(html);
    }
    if (rc == 0 && (rc = baton_audit_export(s, case_id, 1, &log)) == 0)
        rc = put_json(&pk, "access-log.json", log);
    char now[21];
    baton_datetime_format(now, baton_now());
    if (rc == 0) {
        manifest = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "format", FORMAT, "case", case_id,
                             "status", status, "organisation", baton_store_organisation(store), "store_id",
                             baton_store_id(store), "exported", now, "exported_by", s->who.id, "head",
                             git_oid_tostr_s(&head), "files", pk.files);
        rc = manifest ? baton_key_sign_json(store, manifest) : baton_error_set(BATON_ERROR, "out of memory");
    }
    if (rc == 0) {
        char *m = baton_record_dump(manifest), mp[4300];
        snprintf(mp, sizeof mp, "%s/manifest.json", tmp);
        rc = m ? baton_file_write(mp, m, strlen(m)) : BATON_ERROR;
        free(m);
    }
    /* the package appears whole, under its name, or not at all */
    if (rc == 0 && rename(tmp, dir) < 0)
        rc = baton_error_set(BATON_ERROR, "-o: %s: %s", dir, strerror(errno));
    if (rc == 0)
        rc = baton_fsync_dir(dir);
    if (rc && made)
        baton_file_remove_tree(tmp);
    if (rc == 0) {
        /* the whole case left the store as files: the log says who took it, and where to */
        baton_audit_entry ae = {s->who.id, "export", case_id, "archive", NULL, NULL};
        rc = baton_audit_append(store, &ae);
    }
    if (rc == 0 && report)
        *report = json_pack("{s:s, s:s, s:I, s:s}", "case", case_id, "dir", dir, "files",
                            (json_int_t)json_array_size(pk.files), "fingerprint", fp);
    git_tree_entry_free(e);
    git_tree_free(sub);
    git_tree_free(root);
    git_commit_free(hc);
    json_decref(manifest);
    json_decref(hist);
    json_decref(log);
    json_decref(doc);
    json_decref(pk.files);
    return rc;
}

/* ---- verifying ---- */

/* The first file under dir (rel: its path inside the package) that the manifest does not list. */
static int first_unlisted(const char *dir, const char *rel, const json_t *listed, char *out, size_t n)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    for (struct dirent *e; !out[0] && (e = readdir(d));) {
        char path[4400], sub[4400];
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            first_unlisted(path, sub, listed, out, n);
        else if (strcmp(sub, "manifest.json") != 0 && !json_object_get(listed, sub))
            snprintf(out, n, "%.500s", sub);
    }
    closedir(d);
    return 0;
}

int baton_archive_verify(const char *dir, json_t **report)
{
    char path[4400];
    char *data = NULL;
    size_t len = 0;
    json_t *m = NULL;
    if (report)
        *report = NULL;
    if (!dir || !*dir)
        return baton_error_set(BATON_EINVALID, "DIR: give the package's directory");
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    int rc = baton_file_read(path, 1 << 24, &data, &len);
    if (rc == BATON_ENOTFOUND)
        rc = baton_error_set(BATON_ENOTFOUND, "%s: not an archive package (no manifest.json)", dir);
    if (rc == 0 && !(m = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL)))
        rc = baton_error_set(BATON_EINVALID, "manifest.json: not JSON");
    free(data);
    const char *format = json_string_value(json_object_get(m, "format"));
    if (rc == 0 && (!format || strcmp(format, FORMAT) != 0))
        rc = baton_error_set(BATON_EINVALID, "manifest.json: format: not '%s'", FORMAT);
    /* the signature first: it vouches for the list the files are then held to */
    char fp[BATON_FINGERPRINT_HEX] = "";
    if (rc == 0 && (rc = baton_key_verify_json(m, fp)))
        baton_error_prefix(rc, "manifest.json: ");
    json_t *listed = json_object();
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(m, "files"), i, f) {
        if (rc)
            break;
        const char *rel = json_string_value(json_object_get(f, "path"));
        const char *want = json_string_value(json_object_get(f, "sha256"));
        char hex[65];
        if (!rel || !want || rel[0] == '/' || strstr(rel, "..")) {
            rc = baton_error_set(BATON_EINVALID, "manifest.json: files[%zu]: a path inside the package and a sha256", i);
            break;
        }
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        if ((rc = baton_file_read(path, MAX_FILE, &data, &len))) {
            if (rc == BATON_ENOTFOUND)
                rc = baton_error_set(BATON_EINVALID, "%s: listed in the manifest, but missing", rel);
            break;
        }
        baton_sha256_hex(data, len, hex);
        free(data);
        if (strcmp(hex, want) != 0 || (json_int_t)len != json_integer_value(json_object_get(f, "bytes")))
            rc = baton_error_set(BATON_EINVALID, "%s: changed since it was archived (its sha256 or size is not the "
                                                 "manifest's)",
                                 rel);
        json_object_set_new(listed, rel, json_true());
    }
    char extra[600] = "";
    if (rc == 0)
        first_unlisted(dir, "", listed, extra, sizeof extra);
    if (rc == 0 && extra[0])
        rc = baton_error_set(BATON_EINVALID, "%s: in the package, but not in its manifest", extra);
    if (rc == 0 && report)
        *report = json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "case", json_string_value(json_object_get(m, "case")),
                            "organisation", json_string_value(json_object_get(m, "organisation")), "exported",
                            json_string_value(json_object_get(m, "exported")), "files",
                            (json_int_t)json_array_size(json_object_get(m, "files")), "fingerprint", fp, "ok", 1);
    json_decref(listed);
    json_decref(m);
    return rc;
}
