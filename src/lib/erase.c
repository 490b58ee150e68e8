/* Erasing a case for good. Git keeps every version for ever and SQLite keeps deleted text in free
 * pages, so removing the case's files at the head would leave all of it readable. Erasure instead
 * replays the history from the first commit that held the case, without it: each later commit is
 * rebuilt from what it changed, on the rebuilt commit before it (a commit that changed only the
 * erased case goes altogether), and a handover's revision, a commit id, follows its commit to the
 * new id. The rewritten history, with a signed erasure record (erasures/<id>.json: the id, the
 * date, who) as its last commit, replaces the old one in one compare-and-swap under the writers'
 * lock. Then the access log loses the text of the case's entries (erasure in audit.c), index.db
 * is built afresh after its old bytes are overwritten (and compacted), and every object the new
 * history does not reach is removed from the repository (baton_store_gc_prune). Each of these steps can be run
 * again: `case erase` on a case whose record is already there finishes what a crash left. */
#include "baton/case.h"

#include "baton/audit.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/index.h"
#include "baton/key.h"
#include "baton/policy.h"
#include "baton/record.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"

#include <fcntl.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void erasure_path(const char *id, char *out, size_t n) { snprintf(out, n, "erasures/%s.json", id); }

int baton_erasure_verify(const json_t *rec)
{
    int rc = baton_key_verify_json(rec, NULL);
    return rc ? baton_error_prefix(rc, "the erasure record: ") : 0;
}

/* ---- the replay ---- */

typedef struct {
    baton_store *store;
    const char *id;
    const char *prefix; /* cases/<xx>/<id> */
    size_t prefix_len;
    json_t *tip_of;     /* old commit id -> the new commit that stands for it (handover revisions) */
    json_t *audit_map;  /* old commit id -> new id, or null when dropped (the access log's changes) */
    size_t rewritten, dropped;
} replay;

static int under_prefix(const replay *r, const char *path)
{
    return strncmp(path, r->prefix, r->prefix_len) == 0 && (path[r->prefix_len] == '/' || !path[r->prefix_len]);
}

/* A handover of another case names the revision it was made at: a commit of the old history. */
static int remapped_blob(replay *r, const char *path, const git_oid *id, git_oid *out)
{
    git_oid_cpy(out, id);
    if (baton_record_kind_of(path) != BATON_RECORD_HANDOVER)
        return 0;
    git_blob *b;
    if (git_blob_lookup(&b, r->store->repo, id) < 0)
        return baton_git_error("erase: read a handover");
    json_t *doc = json_loadb(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), 0, NULL);
    git_blob_free(b);
    const char *rev = json_string_value(json_object_get(doc, "revision"));
    const char *now = rev ? json_string_value(json_object_get(r->tip_of, rev)) : NULL;
    int rc = 0;
    if (now && strcmp(now, rev) != 0) {
        json_object_set_new(doc, "revision", json_string(now));
        char *data = baton_record_dump(doc);
        if (!data || git_blob_create_from_buffer(out, r->store->repo, data, strlen(data)) < 0)
            rc = baton_git_error("erase: write a handover");
        else
            baton_bulk_note(r->store, out);
        free(data);
    }
    json_decref(doc);
    return rc;
}

/* The message, less any Baton-Case trailer naming the erased case. */
static char *message_without(const char *msg, const char *id)
{
    char line[200];
    snprintf(line, sizeof line, "Baton-Case: %s\n", id);
    char *out = strdup(msg ? msg : "");
    char *at = out ? strstr(out, line) : NULL;
    if (at)
        memmove(at, at + strlen(line), strlen(at + strlen(line)) + 1);
    return out;
}

typedef struct {
    git_tree_update *u;
    char **paths;
    size_t n, cap;
} updates;

static int add_update(updates *up, const char *path, const git_oid *id, int remove)
{
    if (up->n == up->cap) {
        size_t cap = up->cap ? up->cap * 2 : 16;
        git_tree_update *u = realloc(up->u, cap * sizeof *u);
        char **p = u ? realloc(up->paths, cap * sizeof *p) : NULL;
        if (u)
            up->u = u;
        if (!p)
            return baton_error_set(BATON_ERROR, "out of memory");
        up->paths = p;
        up->cap = cap;
    }
    up->paths[up->n] = strdup(path);
    git_tree_update *x = &up->u[up->n];
    memset(x, 0, sizeof *x);
    x->path = up->paths[up->n];
    x->action = remove ? GIT_TREE_UPDATE_REMOVE : GIT_TREE_UPDATE_UPSERT;
    x->filemode = GIT_FILEMODE_BLOB;
    if (id)
        git_oid_cpy(&x->id, id);
    up->n++;
    return x->path ? 0 : baton_error_set(BATON_ERROR, "out of memory");
}

static void updates_clear(updates *up)
{
    for (size_t i = 0; i < up->n; i++)
        free(up->paths[i]);
    up->n = 0;
}

/* One old commit, replayed on the new tip: what it changed, less the erased case. */
static int replay_one(replay *r, git_commit *old, git_tree *old_parent_tree, git_commit **tip)
{
    git_tree *old_tree = NULL, *tip_tree = NULL, *new_tree = NULL;
    baton_tree_changes diff = {0};
    updates up = {NULL, NULL, 0, 0};
    int rc = 0;
    char old_hex[41];
    git_oid_tostr(old_hex, sizeof old_hex, git_commit_id(old));
    if (git_commit_tree(&old_tree, old) < 0 || (*tip && git_commit_tree(&tip_tree, *tip) < 0) ||
        baton_tree_diff(r->store->repo, old_parent_tree, old_tree, "", &diff) < 0)
        rc = baton_git_error("erase: read the history");
    for (size_t i = 0; rc == 0 && i < diff.n; i++) {
        const baton_tree_change *d = &diff.items[i];
        const char *path = d->path;
        if (under_prefix(r, path))
            continue;
        if (!d->has) {
            rc = add_update(&up, path, NULL, 1);
        } else {
            git_oid id;
            rc = remapped_blob(r, path, &d->new_id, &id);
            if (rc == 0)
                rc = add_update(&up, path, &id, 0);
        }
    }
    git_oid tree_id, commit_id;
    if (rc == 0 && up.n == 0 && *tip) {
        /* it changed only the erased case: it goes, and the tip stands for it */
        json_object_set_new(r->tip_of, old_hex, json_string(git_oid_tostr_s(git_commit_id(*tip))));
        json_object_set_new(r->audit_map, old_hex, json_null());
        r->dropped++;
        goto out;
    }
    if (rc == 0 && git_tree_create_updated(&tree_id, r->store->repo, tip_tree, up.n, up.u) < 0)
        rc = baton_git_error("erase: build a tree");
    char *msg = NULL;
    if (rc == 0 && git_tree_lookup(&new_tree, r->store->repo, &tree_id) < 0)
        rc = baton_git_error("erase: read a tree");
    if (rc == 0 && !(msg = message_without(git_commit_message(old), r->id)))
        rc = baton_error_set(BATON_ERROR, "out of memory");
    if (rc == 0) {
        const git_commit *parents[1] = {*tip};
        if (git_commit_create(&commit_id, r->store->repo, NULL, git_commit_author(old), git_commit_committer(old),
                              git_commit_message_encoding(old), msg, new_tree, *tip ? 1 : 0, parents) < 0)
            rc = baton_git_error("erase: write a commit");
    }
    free(msg);
    git_commit *next = NULL;
    if (rc == 0 && git_commit_lookup(&next, r->store->repo, &commit_id) < 0)
        rc = baton_git_error("erase: read a commit");
    if (rc == 0) {
        baton_bulk_note_commit(r->store, &commit_id, new_tree, up.u, up.n);
        git_commit_free(*tip);
        *tip = next;
        json_object_set_new(r->tip_of, old_hex, json_string(git_oid_tostr_s(&commit_id)));
        json_object_set_new(r->audit_map, old_hex, json_string(git_oid_tostr_s(&commit_id)));
        r->rewritten++;
    }
out:
    updates_clear(&up);
    free(up.u);
    free(up.paths);
    baton_tree_changes_free(&diff);
    git_tree_free(new_tree);
    git_tree_free(tip_tree);
    git_tree_free(old_tree);
    return rc;
}

/* What the rewrite added is noted object by object (a pack of the whole mempack would walk every
 * commit's full tree) and written to disk as one fsynced pack every so many commits, then let go
 * from memory: a long history rewritten in memory alone would not fit. */
#define FLUSH_EVERY 10000 /* commits: about 100 MB of new trees in memory, and few packs meanwhile */

typedef struct {
    git_oid old_head, new_head;
    char sha[65];
    json_t *seqs;
} plan;

/* The signed record, as the last commit on the rewritten history. */
static int record_commit(baton_session *s, replay *r, plan *p, git_commit **tip, const char *reason)
{
    baton_store *store = s->store;
    char today[11], path[200];
    baton_date_today(today);
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "case", r->id, "erased", today, "by",
                            s->who.id, "old_head", git_oid_tostr_s(&p->old_head), "commits_rewritten",
                            (json_int_t)r->rewritten, "commits_dropped", (json_int_t)r->dropped, "audit_entries",
                            (json_int_t)json_array_size(p->seqs), "audit_sha256", p->sha);
    int rc = rec ? baton_key_sign_json(store, rec) : baton_error_set(BATON_ERROR, "out of memory");
    if (rc == 0)
        rc = baton_record_validate(rec, BATON_RECORD_ERASURE, NULL);
    char *data = rc ? NULL : baton_record_dump(rec);
    json_decref(rec);
    char subject[120];
    snprintf(subject, sizeof subject, "case %s: erased", r->id);
    char *msg = rc ? NULL : baton_commit_message(subject, reason, r->id, s->who.id);
    git_oid blob, tree_id, commit_id;
    git_tree *base = NULL, *tree = NULL;
    git_signature *sig_who = NULL;
    erasure_path(r->id, path, sizeof path);
    git_tree_update u = {GIT_TREE_UPDATE_UPSERT, {{0}}, GIT_FILEMODE_BLOB, path};
    if (rc == 0 && (!data || !msg))
        rc = baton_error_set(BATON_ERROR, "out of memory");
    if (rc == 0 && (git_blob_create_from_buffer(&blob, store->repo, data, strlen(data)) < 0 ||
                    git_commit_tree(&base, *tip) < 0))
        rc = baton_git_error("erase: write the erasure record");
    if (rc == 0) {
        git_oid_cpy(&u.id, &blob);
        const git_commit *parents[1] = {*tip};
        if (git_tree_create_updated(&tree_id, store->repo, base, 1, &u) < 0 ||
            git_tree_lookup(&tree, store->repo, &tree_id) < 0 ||
            git_signature_new(&sig_who, s->who.name, s->who.email, (git_time_t)baton_now(), 0) < 0 ||
            git_commit_create(&commit_id, store->repo, NULL, sig_who, sig_who, "UTF-8", msg, tree, 1, parents) < 0)
            rc = baton_git_error("erase: write the erasure record");
    }
    if (rc == 0) {
        baton_bulk_note(store, &blob);
        baton_bulk_note_commit(store, &commit_id, tree, &u, 1);
        git_oid_cpy(&p->new_head, &commit_id);
    }
    git_signature_free(sig_who);
    git_tree_free(tree);
    git_tree_free(base);
    free(data);
    free(msg);
    return rc;
}

/* Rewrites the history under the writers' lock, takes the text out of the access log, and moves
 * the head; r keeps the counts, p the heads. */
static int rewrite(baton_session *s, const char *id, const char *dir, const char *reason, plan *p, replay *r)
{
    baton_store *store = s->store;
    git_oid *chain = NULL;
    size_t n = 0;
    int found = 0, lockfd = -1, rc;
    git_commit *tip = NULL;
    if ((rc = baton_store_lock(store, &lockfd)))
        return rc;
    if (baton_store_head_oid(store, &p->old_head) != 0 ||
        baton_first_parent_chain(store->repo, &p->old_head, NULL, 0, &chain, &n, &found) != 0) {
        rc = baton_git_error("erase: read the history");
        goto out;
    }
    if ((rc = baton_store_pack_begin(store)))
        goto out;
    /* the oldest commit that held the case: everything before it stays as it is */
    size_t first = n;
    for (size_t i = n; i-- > 0;) {
        git_commit *c = NULL;
        git_tree *t = NULL;
        git_tree_entry *e = NULL;
        if (git_commit_lookup(&c, store->repo, &chain[i]) < 0 || git_commit_tree(&t, c) < 0) {
            rc = baton_git_error("erase: read the history");
        } else if (git_commit_parentcount(c) > 1) {
            rc = baton_error_set(BATON_EINVALID, "erase: the history has a merge commit (Baton never writes one): "
                                                 "run 'baton fsck'");
        } else if (first == n && git_tree_entry_bypath(&e, t, dir) == 0) {
            first = i;
        }
        git_tree_entry_free(e);
        git_tree_free(t);
        git_commit_free(c);
        if (rc)
            break;
    }
    if (rc == 0 && first == n)
        rc = baton_error_set(BATON_ENOTFOUND, "no case with id '%s'", id);
    if (rc == 0 && first + 1 < n && git_commit_lookup(&tip, store->repo, &chain[first + 1]) < 0)
        rc = baton_git_error("erase: read the history");
    for (size_t i = first + 1; rc == 0 && i-- > 0;) {
        git_commit *old = NULL, *old_parent = NULL;
        git_tree *parent_tree = NULL;
        if (git_commit_lookup(&old, store->repo, &chain[i]) < 0 ||
            (i + 1 < n && (git_commit_lookup(&old_parent, store->repo, &chain[i + 1]) < 0 ||
                           git_commit_tree(&parent_tree, old_parent) < 0)))
            rc = baton_git_error("erase: read the history");
        if (rc == 0)
            rc = replay_one(r, old, parent_tree, &tip);
        git_tree_free(parent_tree);
        git_commit_free(old_parent);
        git_commit_free(old);
        if (rc == 0 && (r->rewritten + r->dropped) % FLUSH_EVERY == 0)
            rc = baton_store_bulk_flush(store);
    }
    if (rc == 0 && !tip)
        rc = baton_error_set(BATON_EINVALID, "erase: the case is all the store holds");
    if (rc == 0)
        rc = record_commit(s, r, p, &tip, reason);
    if (rc == 0)
        rc = baton_store_bulk_flush(store);
    git_commit_free(tip);
    baton_store_pack_end(store);
    git_odb *odb;
    if (git_repository_odb(&odb, store->repo) == 0) {
        git_odb_refresh(odb);
        git_odb_free(odb);
    }
    /* the log first: a crash before the head moves leaves the case whole, and erasing it again
     * does all of it again (the rewrite comes out the same, commit for commit) */
    if (rc == 0)
        rc = baton_audit_erasure_apply(store, id, p->seqs, r->audit_map);
    if (rc == 0) {
        git_reference *ref = NULL;
        int moved = git_reference_create_matching(&ref, store->repo, "refs/heads/main", &p->new_head, 1, &p->old_head,
                                                  "baton: erase a case");
        git_reference_free(ref);
        if (moved == GIT_EMODIFIED)
            rc = baton_error_set(BATON_ECONFLICT, "erase: the history moved under the erasure (a plain git push?): "
                                                  "nothing was erased, try again");
        else if (moved < 0)
            rc = baton_git_error("erase: move refs/heads/main");
    }
out:
    free(chain);
    baton_store_unlock(lockfd);
    return rc;
}

/* The old index's bytes are overwritten before the file goes; the new one is built from the
 * rewritten history, which never held the case. */
static void overwrite(const char *path)
{
    struct stat st;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (fstat(fd, &st) == 0) {
        static const char zeros[65536];
        off_t left = st.st_size;
        while (left > 0) {
            ssize_t w = write(fd, zeros, left < (off_t)sizeof zeros ? (size_t)left : sizeof zeros);
            if (w <= 0)
                break;
            left -= w;
        }
        fsync(fd);
    }
    close(fd);
}

static int index_afresh(baton_store *store)
{
    const char *const names[] = {"index.db", "index.db-wal", "index.db-shm"};
    baton_index_release(store);
    for (size_t i = 0; i < 3; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", store->path, names[i]);
        overwrite(path);
    }
    int rc = baton_index_rebuild(store, NULL, NULL);
    return rc ? rc : baton_index_compact(store);
}

int baton_case_erase(baton_session *s, const char *id, const char *reason, int without_archive, json_t **report)
{
    baton_store *store = s->store;
    char dir[200], rec_path[200];
    char *buf = NULL;
    size_t len = 0;
    json_t *doc = NULL;
    if (report)
        *report = NULL;
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc)
        return rc;
    if (!id || !*id)
        return baton_error_set(BATON_EINVALID, "ID: give the case to erase");
    if (!reason || !*reason)
        return baton_error_set(BATON_EINVALID, "--reason: say why the case is erased (the retention period ended, "
                                               "a request to erase, ...)");
    baton_case_dir(id, dir, sizeof dir);
    erasure_path(id, rec_path, sizeof rec_path);
    replay r = {store, id, dir, strlen(dir), json_object(), json_object(), 0, 0};
    plan p = {{{0}}, {{0}}, "", NULL};
    baton_gc_stats gc = {0};
    int resumed = baton_store_read(store, NULL, rec_path, &buf, &len, NULL) == 0;
    free(buf);
    buf = NULL;
    if (!resumed) {
        /* the case as it is now: only a closed or transferred one goes */
        rc = baton_case_load_unchecked(store, NULL, id, &doc, NULL);
        const char *status = json_string_value(json_object_get(doc, "status"));
        if (rc == 0 && status && strcmp(status, "active") == 0)
            rc = baton_error_set(BATON_EINVALID, "case %s is active: only a closed or transferred case can be erased",
                                 id);
        if (rc == 0)
            rc = baton_reason_check(reason, doc);
        char pk[BATON_PUBLIC_KEY_B64], fp[BATON_FINGERPRINT_HEX];
        if (rc == 0 && baton_key_public(store, pk, fp) != 0)
            rc = baton_error_set(BATON_EINVALID, "an erasure record is signed with the store's key, and this store "
                                                 "has none: create it with 'baton key generate'");
        /* the archive takes the case over before it goes, unless the rules ask for none */
        if (rc == 0 && !without_archive && !baton_audit_archived(store, id))
            rc = baton_error_set(BATON_EINVALID, "case %s was never archived: export its package first ('baton "
                                                 "archive export %s -o DIR'), or say --without-archive",
                                 id, id);
        const char *name = json_string_value(json_object_get(json_object_get(doc, "child"), "name"));
        if (rc == 0)
            rc = baton_audit_erasure_scope(store, id, name, &p.seqs, p.sha);
        if (rc == 0)
            rc = rewrite(s, id, dir, reason, &p, &r);
        if (rc == 0) {
            baton_audit_entry e = {s->who.id, "erase", id, NULL, NULL, git_oid_tostr_s(&p.new_head)};
            rc = baton_audit_append(store, &e);
        }
#ifdef BATON_TEST_HOOKS
        /* fault injection, in test builds only: stop as a crash would, with the head moved */
        const char *fault = getenv("BATON_FAULT");
        if (rc == 0 && fault && strstr(fault, "erase-stop"))
            rc = baton_error_set(BATON_ERROR, "fault injected: the erasure stopped after the head moved");
#endif
    } else if (!baton_audit_erasure_applied(store, id)) {
        rc = baton_error_set(BATON_EINVALID, "case %s has an erasure record, but the access log was never erased: "
                                             "restore audit.db from a backup",
                             id);
    }
    /* the rest can always be done again */
    if (rc == 0)
        rc = index_afresh(store);
    if (rc == 0)
        rc = baton_store_gc_prune(store, &gc);
    if (store->record_cache)
        json_object_clear(store->record_cache);
    if (rc == 0 && report) {
        char head[41] = "";
        baton_store_head(store, head);
        *report = json_pack("{s:s, s:b, s:s, s:I, s:I, s:I, s:I, s:I}", "case", id, "resumed", resumed, "head", head,
                            "commits_rewritten", (json_int_t)r.rewritten, "commits_dropped", (json_int_t)r.dropped,
                            "audit_entries", (json_int_t)json_array_size(p.seqs), "objects_kept",
                            (json_int_t)gc.objects_packed, "packs_removed", (json_int_t)gc.packs_removed);
    }
    json_decref(doc);
    json_decref(p.seqs);
    json_decref(r.tip_of);
    json_decref(r.audit_map);
    return rc;
}
