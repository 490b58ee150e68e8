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

#include "baton/error.h"

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
static int take_lock(baton_store *store, int *fd_out)
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

static void drop_lock(int fd)
{
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

int baton_store_commit(baton_store *store, const baton_change *changes, size_t n, const baton_commit_options *opts,
                       baton_oid_hex out)
{
    int rc = 0, lockfd = -1;
    git_tree_update *updates = calloc(n ? n : 1, sizeof *updates);
    git_signature *author = NULL;
    if (!updates)
        return baton_error_set(BATON_ERROR, "out of memory");

    size_t nu = 0;
    for (size_t i = 0; i < n; i++) {
        if (changes[i].guard)
            continue;
        git_tree_update *u = &updates[nu++];
        u->path = changes[i].path;
        if (changes[i].data) {
            if (git_blob_create_from_buffer(&u->id, store->repo, changes[i].data, changes[i].len) < 0) {
                rc = baton_git_error("cannot write record");
                goto out;
            }
            u->action = GIT_TREE_UPDATE_UPSERT;
            u->filemode = GIT_FILEMODE_BLOB;
        } else {
            u->action = GIT_TREE_UPDATE_REMOVE;
        }
    }
    int sig = opts->when ? git_signature_new(&author, opts->author_name, opts->author_email, (git_time_t)opts->when, 0)
                         : git_signature_now(&author, opts->author_name, opts->author_email);
    if (sig < 0) {
        rc = baton_git_error("invalid author");
        goto out;
    }
    if ((rc = take_lock(store, &lockfd)))
        goto out;

    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        git_oid head_oid, tree_oid, commit_oid;
        git_commit *head = NULL;
        git_tree *tree = NULL, *new_tree = NULL;
        int have_head = git_reference_name_to_id(&head_oid, store->repo, "refs/heads/main") == 0;
        if (have_head && (git_commit_lookup(&head, store->repo, &head_oid) < 0 || git_commit_tree(&tree, head) < 0)) {
            git_commit_free(head);
            rc = baton_git_error("cannot read head");
            break;
        }
        rc = check_expectations(store, head, tree, changes, n);
        if (rc == 0 && git_tree_create_updated(&tree_oid, store->repo, tree, nu, updates) < 0)
            rc = baton_git_error("cannot build tree");
        if (rc == 0 && git_tree_lookup(&new_tree, store->repo, &tree_oid) < 0)
            rc = baton_git_error("cannot read new tree");
        int r = 0;
        if (rc == 0) {
            const git_commit *parents[1] = {head};
            r = git_commit_create(&commit_oid, store->repo, "refs/heads/main", author, author, "UTF-8",
                                  opts->message, new_tree, have_head ? 1 : 0, parents);
        }
        git_tree_free(new_tree);
        git_tree_free(tree);
        git_commit_free(head);
        if (rc)
            break;
        if (r == GIT_EMODIFIED || r == GIT_ELOCKED) {
            /* another writer (plain git, outside our lock) got there first: build on its head */
            struct timespec ts = {0, 1000000L * (attempt + 1)};
            nanosleep(&ts, NULL);
            continue;
        }
        if (r < 0) {
            rc = baton_git_error("cannot commit");
            break;
        }
        git_oid_tostr(out, 41, &commit_oid);
        rc = 0;
        goto out;
    }
    if (rc == 0)
        rc = baton_error_set(BATON_ECONFLICT, "the store kept changing under this save; nothing was written, try again");
out:
    if (lockfd >= 0)
        drop_lock(lockfd);
    git_signature_free(author);
    free(updates);
    return rc;
}
