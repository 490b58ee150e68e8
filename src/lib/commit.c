/* The one write path of the store. A change set becomes exactly one commit:
 *   1. blobs are written first (harmless if we die: unreachable objects);
 *   2. under <store>/lock (flock, released by the kernel if we die), the new tree is built
 *      from the current head's tree with git_tree_create_updated — no index, no work tree;
 *   3. git_commit_create on refs/heads/main is the compare-and-swap: it fails with
 *      GIT_EMODIFIED if the head is no longer the parent we built on.
 * If the head moved, the changes are re-applied to the new head, unless a file they touch moved
 * away from the version the edit was based on: then the edit is refused as a conflict that
 * names both versions. Nothing is lost, nothing is silently overwritten. */
#include "store_internal.h"

#include "baton/date.h"
#include "baton/audit.h"
#include "baton/error.h"
#include "baton/history.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define MAX_ATTEMPTS 50

/* Holding <store>/lock means no other Baton writer is between steps 2 and 3, so a ref lock
 * file left behind by a writer that was killed there is stale and may go. */
int baton_store_lock(baton_store *store, int *fd_out)
{
    int fd = open(store->lock_path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return baton_error_set(BATON_ERROR, "%s: %s", store->lock_path, strerror(errno));
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            close(fd);
            return baton_error_set(BATON_ERROR, "cannot lock %s: %s", store->lock_path, strerror(errno));
        }
    }
    char stale[4096];
    /* a writer killed after taking libgit2's ref lock leaves it behind; the ref itself is intact */
    if (snprintf(stale, sizeof stale, "%s/refs/heads/main.lock", store->repo_path) < (int)sizeof stale)
        unlink(stale);
    *fd_out = fd;
    return 0;
}

void baton_store_unlock(int fd)
{
    if (fd < 0)
        return;
    flock(fd, LOCK_UN);
    close(fd);
}

/* The first-parent commit, at or below head, where path last took its current content. */
static void last_change(baton_store *store, git_commit *head, const char *path, char out[41])
{
    git_commit *c = head;
    git_oid current;
    int have_current = 0;
    git_tree *t;
    git_tree_entry *e;
    if (git_commit_tree(&t, c) == 0) {
        if (git_tree_entry_bypath(&e, t, path) == 0) {
            git_oid_cpy(&current, git_tree_entry_id(e));
            have_current = 1;
            git_tree_entry_free(e);
        }
        git_tree_free(t);
    }
    git_commit_dup(&c, head);
    for (int steps = 0; steps < 100000 && git_commit_parentcount(c) > 0; steps++) {
        git_commit *parent;
        if (git_commit_parent(&parent, c, 0) < 0)
            break;
        int same = 0;
        if (git_commit_tree(&t, parent) == 0) {
            if (git_tree_entry_bypath(&e, t, path) == 0) {
                same = have_current && git_oid_equal(&current, git_tree_entry_id(e));
                git_tree_entry_free(e);
            } else {
                same = !have_current;
            }
            git_tree_free(t);
        }
        if (!same) {
            git_commit_free(parent);
            break;
        }
        git_commit_free(c);
        c = parent;
    }
    git_oid_tostr(out, 41, git_commit_id(c));
    git_commit_free(c);
}

static int check_expectations(baton_store *store, git_commit *head, git_tree *tree, const baton_change *changes,
                              size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const baton_change *ch = &changes[i];
        if (!ch->expect)
            continue;
        git_tree_entry *e = NULL;
        int exists = tree && git_tree_entry_bypath(&e, tree, ch->path) == 0;
        char now[41] = "";
        if (exists)
            git_oid_tostr(now, sizeof now, git_tree_entry_id(e));
        git_tree_entry_free(e);
        if (strcmp(now, ch->expect) == 0)
            continue;
        const char *label = ch->label ? ch->label : ch->path;
        if (!ch->expect[0])
            return baton_error_set(BATON_ECONFLICT, "%s: already exists", label);
        char changed_in[41] = "";
        if (head)
            last_change(store, head, ch->path, changed_in);
        return baton_error_set(BATON_ECONFLICT,
                               "%s: changed by another save since the version this edit was based on "
                               "(edit based on record version %.12s; now record version %.12s, commit %.12s); "
                               "nothing was written, reload and edit again",
                               label, ch->expect, exists ? now : "(deleted)", changed_in);
    }
    return 0;
}

/* Every change goes into the access log, whichever front end made it: the staff member and the
 * case come from the commit's trailers. The commit stands whatever the log says. */
static void audit_change(baton_store *store, const baton_commit_step *last, const char *action, const char *commit)
{
    char staff[40], case_id[40];
    if (!last || !last->opts.message || !baton_message_trailer(last->opts.message, "Baton-Staff", staff, sizeof staff) ||
        !staff[0])
        return;
    baton_message_trailer(last->opts.message, "Baton-Case", case_id, sizeof case_id);
    int code = baton_error_last_code();
    baton_audit_entry e = {staff, action, case_id[0] ? case_id : NULL, NULL, NULL, commit};
    baton_audit_append(store, &e);
    if (!code)
        baton_error_clear();
}

/* One step of a chain, prepared before the lock is taken: blobs written, author made. */
typedef struct {
    git_tree_update *updates;
    size_t nu;
    git_signature *author;
} prepared;

static int prepare(baton_store *store, const baton_commit_step *step, prepared *p)
{
    p->updates = calloc(step->n ? step->n : 1, sizeof *p->updates);
    if (!p->updates)
        return baton_error_set(BATON_ERROR, "out of memory");
    for (size_t i = 0; i < step->n; i++) {
        const baton_change *ch = &step->changes[i];
        if (ch->guard)
            continue;
        git_tree_update *u = &p->updates[p->nu++];
        u->path = ch->path;
        if (ch->data) {
            if (git_blob_create_from_buffer(&u->id, store->repo, ch->data, ch->len) < 0)
                return baton_git_error("cannot write record");
            u->action = GIT_TREE_UPDATE_UPSERT;
            u->filemode = GIT_FILEMODE_BLOB;
        } else {
            u->action = GIT_TREE_UPDATE_REMOVE;
        }
    }
    const baton_commit_options *o = &step->opts;
    int sig = git_signature_new(&p->author, o->author_name, o->author_email, (git_time_t)(o->when ? o->when : baton_now()), 0);
    return sig < 0 ? baton_git_error("invalid author") : 0;
}

/* Builds every step on top of head (or nothing), each a commit whose parent is the one before;
 * last receives the final commit. Writes objects only: no ref moves here. */
static int build_chain(baton_store *store, git_commit *head, const baton_commit_step *steps, const prepared *prep,
                       size_t n, git_oid *last)
{
    git_tree *tree = NULL;
    git_commit *parent = NULL;
    int rc = 0;
    if (head && (git_commit_dup(&parent, head) < 0 || git_commit_tree(&tree, head) < 0))
        return baton_git_error("cannot read head");
    for (size_t i = 0; i < n && rc == 0; i++) {
        git_oid tree_oid, commit_oid;
        git_tree *new_tree = NULL;
        git_commit *c = NULL;
        rc = check_expectations(store, head, tree, steps[i].changes, steps[i].n);
        if (rc == 0 && git_tree_create_updated(&tree_oid, store->repo, tree, prep[i].nu, prep[i].updates) < 0)
            rc = baton_git_error("cannot build tree");
        if (rc == 0 && git_tree_lookup(&new_tree, store->repo, &tree_oid) < 0)
            rc = baton_git_error("cannot read new tree");
        if (rc == 0) {
            const git_commit *parents[1] = {parent};
            if (git_commit_create(&commit_oid, store->repo, NULL, prep[i].author, prep[i].author, "UTF-8",
                                  steps[i].opts.message, new_tree, parent ? 1 : 0, parents) < 0 ||
                git_commit_lookup(&c, store->repo, &commit_oid) < 0)
                rc = baton_git_error("cannot commit");
        }
        if (rc == 0 && store->mempack) {
            /* a bulk write packs what each commit added: the blobs, the commit, and the trees on
             * the paths it changed */
            baton_bulk_note(store, &commit_oid);
            baton_bulk_note(store, &tree_oid);
            for (size_t k = 0; k < prep[i].nu; k++) {
                const git_tree_update *u = &prep[i].updates[k];
                char dir[512];
                if (u->action == GIT_TREE_UPDATE_UPSERT)
                    baton_bulk_note(store, &u->id);
                snprintf(dir, sizeof dir, "%s", u->path);
                for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
                    *slash = '\0';
                    git_tree_entry *e;
                    if (git_tree_entry_bypath(&e, new_tree, dir) == 0) {
                        baton_bulk_note(store, git_tree_entry_id(e));
                        git_tree_entry_free(e);
                    }
                }
            }
        }
        git_tree_free(tree);
        tree = new_tree;
        git_commit_free(parent);
        parent = c;
        if (rc == 0)
            git_oid_cpy(last, &commit_oid);
    }
    git_tree_free(tree);
    git_commit_free(parent);
    return rc;
}

int baton_store_commit_chain(baton_store *store, const baton_commit_step *steps, size_t n, baton_oid_hex out)
{
    return baton_store_commit_chain_tail(store, steps, n, NULL, NULL, out);
}

int baton_store_commit_chain_tail(baton_store *store, const baton_commit_step *steps, size_t n, baton_chain_tail tail,
                                  void *tail_ctx, baton_oid_hex out)
{
    int rc = 0, lockfd = -1;
    prepared *prep = calloc(n ? n : 1, sizeof *prep);
    if (!prep)
        return baton_error_set(BATON_ERROR, "out of memory");
    if (n == 0) {
        free(prep);
        return baton_error_set(BATON_EINVALID, "nothing to commit");
    }
    /* a long chain (an import) goes to disk as one pack, not as one fsynced file per object */
    int packed = !store->mempack && n + (tail ? 1 : 0) >= BATON_PACK_CHAIN_MIN;
    if (packed && (rc = baton_store_pack_begin(store)))
        packed = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = prepare(store, &steps[i], &prep[i]);
    /* a bulk write has the store to itself and keeps its head in memory */
    if (rc == 0 && !store->bulk_exclusive)
        rc = baton_store_lock(store, &lockfd);

    for (int attempt = 0; rc == 0 && attempt < MAX_ATTEMPTS; attempt++) {
        git_oid head_oid, last;
        git_commit *head = NULL;
        git_reference *ref = NULL;
        int have_head = baton_store_head_oid(store, &head_oid) == 0;
        if (have_head && git_commit_lookup(&head, store->repo, &head_oid) < 0) {
            rc = baton_git_error("cannot read head");
            break;
        }
        rc = build_chain(store, head, steps, prep, n, &last);
        git_commit_free(head);
        if (rc == 0 && tail) {
            /* one more commit whose content names the commit before it (an import's handover) */
            baton_commit_step extra;
            prepared p = {0};
            git_commit *before = NULL;
            char last_hex[41];
            git_oid_tostr(last_hex, sizeof last_hex, &last);
            rc = tail(tail_ctx, last_hex, &extra);
            if (rc == 0)
                rc = prepare(store, &extra, &p);
            if (rc == 0 && git_commit_lookup(&before, store->repo, &last) < 0)
                rc = baton_git_error("cannot read the chain");
            if (rc == 0)
                rc = build_chain(store, before, &extra, &p, 1, &last);
            git_commit_free(before);
            git_signature_free(p.author);
            free(p.updates);
        }
        if (rc)
            break;
        /* the pack is on disk (fsynced) before the ref may point into it */
        if (packed && (rc = baton_store_bulk_flush(store)))
            break;
        if (store->bulk_exclusive) {
            git_oid_cpy(&store->bulk_head, &last);
            store->bulk_have_head = 1;
            git_oid_tostr(out, 41, &last);
            goto out;
        }
        /* the compare-and-swap: the ref moves only if it still points where we built on */
        int r = have_head ? git_reference_create_matching(&ref, store->repo, "refs/heads/main", &last, 1, &head_oid,
                                                          "baton: commit")
                          : git_reference_create(&ref, store->repo, "refs/heads/main", &last, 0, "baton: commit");
        git_reference_free(ref);
        if (r == GIT_EMODIFIED || r == GIT_ELOCKED || r == GIT_EEXISTS) {
            /* another writer (plain git, outside our lock) got there first: build on its head */
            struct timespec ts = {0, 1000000L * (attempt + 1)};
            nanosleep(&ts, NULL);
            continue;
        }
        if (r < 0) {
            rc = baton_git_error("cannot move refs/heads/main");
            break;
        }
        git_oid_tostr(out, 41, &last);
        goto out;
    }
    if (rc == 0)
        rc = baton_error_set(BATON_ECONFLICT, "the store kept changing under this save; nothing was written, try again");
out:
    if (lockfd >= 0)
        baton_store_unlock(lockfd);
    if (packed)
        baton_store_pack_end(store);
    if (rc == 0 && lockfd >= 0) {
        audit_change(store, n ? &steps[n - 1] : NULL, n > 1 ? "import" : "change", out);
        baton_store_gc_auto(store);
    }
    for (size_t i = 0; i < n; i++) {
        git_signature_free(prep[i].author);
        free(prep[i].updates);
    }
    free(prep);
    return rc;
}

int baton_store_commit(baton_store *store, const baton_change *changes, size_t n, const baton_commit_options *opts,
                       baton_oid_hex out)
{
    baton_commit_step step = {changes, n, *opts};
    return baton_store_commit_chain(store, &step, 1, out);
}
