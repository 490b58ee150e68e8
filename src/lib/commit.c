/* The one write path of the store. A change set becomes exactly one commit:
 *   1. blobs are written first (harmless if we die: unreachable objects);
 *   2. under <store>/lock (flock, released by the kernel if we die), the new tree is built
 *      from the current head's tree with git_tree_create_updated — no index, no work tree;
 *   3. git_commit_create on refs/heads/main is the compare-and-swap: it fails with
 *      GIT_EMODIFIED if the head is no longer the parent we built on.
 * If the head moved, the changes are re-applied to the new head, unless a file they touch moved
 * away from the version the edit was based on: then the edit is refused as a conflict that
 * names both versions. Nothing is lost, nothing is silently overwritten. */
#include "hooks.h"
#include "store_internal.h"

#include "baton/date.h"
#include "baton/audit.h"
#include "baton/error.h"
#include "baton/history.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define MAX_ATTEMPTS 50

/* How long a writer waits for another's lock before it gives up as busy. A save holds the lock
 * for milliseconds; a gc of a big store or a bulk handover may hold it for seconds. */
long baton_lock_wait_ms(void)
{
    /* a test build may wait less, to reach the deadline quickly */
    return (long)BATON_HOOK_NUMBER("BATON_LOCK_WAIT_MS", 30000);
}

/* The lockers of one process take a lock in the order they asked for it. Each polling flock on
 * its own, with growing sleeps, the unlucky ones slept through release after release: under a
 * server's load a save could wait two seconds behind saves that came later. Now they queue, only
 * the first in the queue tries the lock, and a release in this process wakes it at once; a holder
 * in another process is still met by flock, tried again after 1 ms, growing to 50 ms. */
typedef struct lock_waiter {
    const char *path;
    struct lock_waiter *next;
} lock_waiter;

static pthread_mutex_t lock_queue_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lock_queue_cond;
static pthread_once_t lock_queue_once = PTHREAD_ONCE_INIT;
static lock_waiter *lock_queue; /* oldest first */

static void lock_queue_init(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&lock_queue_cond, &a);
    pthread_condattr_destroy(&a);
}

/* Whether me is the first in the queue for its lock (call with the queue's mutex held). */
static int lock_queue_first(const lock_waiter *me)
{
    for (const lock_waiter *w = lock_queue; w; w = w->next)
        if (strcmp(w->path, me->path) == 0)
            return w == me;
    return 0;
}

static void lock_queue_leave(lock_waiter *me)
{
    for (lock_waiter **w = &lock_queue; *w; w = &(*w)->next)
        if (*w == me) {
            *w = me->next;
            break;
        }
    pthread_cond_broadcast(&lock_queue_cond);
}

/* flock on path, waiting at most wait_ms (0: one try) in the process's queue for it. BATON_EBUSY
 * when the holder did not let go in time, so a caller never hangs behind one that does not finish. */
int baton_lock_file(const char *path, long wait_ms, int *fd_out)
{
    int fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return baton_error_set(BATON_ERROR, "%s: %s", path, strerror(errno));
    pthread_once(&lock_queue_once, lock_queue_init);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long step_ms = 1, waited = 0;
    int got = 0, failed = 0;
    lock_waiter me = {path, NULL};
    pthread_mutex_lock(&lock_queue_mutex);
    lock_waiter **tail = &lock_queue;
    while (*tail)
        tail = &(*tail)->next;
    *tail = &me;
    for (;;) {
        if (lock_queue_first(&me)) {
            if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
                got = 1;
                break;
            }
            if (errno != EWOULDBLOCK && errno != EINTR) {
                failed = errno;
                break;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (waited >= wait_ms)
            break;
        /* woken by a release or a departure in this process; else try again after the step */
        long ms = step_ms < wait_ms - waited ? step_ms : wait_ms - waited;
        struct timespec until = now;
        until.tv_sec += ms / 1000;
        until.tv_nsec += (ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&lock_queue_cond, &lock_queue_mutex, &until);
        if (step_ms < 50)
            step_ms *= 2;
    }
    lock_queue_leave(&me);
    pthread_mutex_unlock(&lock_queue_mutex);
    if (!got) {
        close(fd);
        if (failed)
            return baton_error_set(BATON_ERROR, "cannot lock %s: %s", path, strerror(failed));
        return baton_error_set(BATON_EBUSY,
                               "the store is busy: another writer has held it for %ld s; nothing was written, "
                               "try again",
                               waited / 1000);
    }
    *fd_out = fd;
    return 0;
}

/* Holding <store>/lock means no other Baton writer is between steps 2 and 3, so a ref lock
 * file left behind by a writer that was killed there is stale and may go. */
int baton_store_lock(baton_store *store, int *fd_out)
{
    int rc = baton_lock_file(store->lock_path, baton_lock_wait_ms(), fd_out);
    if (rc)
        return rc;
    char stale[4096];
    /* a writer killed after taking libgit2's ref lock leaves it behind; the ref itself is intact */
    if (snprintf(stale, sizeof stale, "%s/refs/heads/main.lock", store->repo_path) < (int)sizeof stale)
        unlink(stale);
    return 0;
}

void baton_store_unlock(int fd)
{
    if (fd < 0)
        return;
    flock(fd, LOCK_UN);
    close(fd);
    /* the next writer of this process is waiting for exactly this */
    pthread_once(&lock_queue_once, lock_queue_init);
    pthread_mutex_lock(&lock_queue_mutex);
    pthread_cond_broadcast(&lock_queue_cond);
    pthread_mutex_unlock(&lock_queue_mutex);
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

/* ---- the access log's part ----
 * Every change is logged with its commit, whichever front end made it: the entries are staged in
 * the log's transaction before the ref moves and committed once it has, one per case the commit
 * touches (a family's access request sees every change to their child's record). The commit
 * itself carries the log's head as its Baton-Audit trailer: the anchor that makes a rewritten log
 * show. */

/* msg with "Baton-Audit: <anchor>" among its trailers (a paragraph of its own if it has none). */
static char *with_anchor(const char *msg, const char *anchor)
{
    json_t *tr = baton_message_trailers(msg);
    size_t n = strlen(msg) + strlen(anchor) + 32;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s%s%sBaton-Audit: %s\n", msg, msg[0] && msg[strlen(msg) - 1] != '\n' ? "\n" : "",
                 tr ? "" : "\n", anchor);
    json_decref(tr);
    return out;
}

/* The cases a set of changes touches (cases/<xx>/<id>/...), each once. */
static void touched_cases(const baton_change *ch, size_t n, json_t *ids)
{
    for (size_t i = 0; i < n; i++) {
        const char *p = ch[i].path;
        if (strncmp(p, "cases/", 6) != 0 || !(p = strchr(p + 6, '/')))
            continue;
        size_t len = strcspn(p + 1, "/");
        json_t *id = json_stringn(p + 1, len);
        size_t k;
        json_t *x;
        int have = 0;
        json_array_foreach(ids, k, x) have |= json_equal(x, id);
        if (have || !len)
            json_decref(id);
        else
            json_array_append_new(ids, id);
    }
}

/* Stages the entries of a commit: who (its Baton-Staff trailer), what (change or import), each case. */
static int stage(baton_audit_tx *tx, const baton_commit_step *steps, size_t n, const baton_commit_step *tail,
                 const char *message, const char *action, const char *commit)
{
    char staff[40] = "";
    if (!baton_message_trailer(message, "Baton-Staff", staff, sizeof staff) || !staff[0])
        snprintf(staff, sizeof staff, "baton");
    json_t *ids = json_array();
    for (size_t i = 0; i < n; i++)
        touched_cases(steps[i].changes, steps[i].n, ids);
    if (tail)
        touched_cases(tail->changes, tail->n, ids);
    size_t k = json_array_size(ids) ? json_array_size(ids) : 1;
    baton_audit_entry *e = calloc(k, sizeof *e);
    int rc = e ? 0 : baton_error_set(BATON_ERROR, "out of memory");
    for (size_t i = 0; rc == 0 && i < k; i++)
        e[i] = (baton_audit_entry){staff, action, json_string_value(json_array_get(ids, i)), NULL, NULL, commit};
    if (rc == 0)
        rc = baton_audit_tx_stage(tx, e, k);
    free(e);
    json_decref(ids);
    return rc;
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

/* Blobs are written before the lock is taken; an erasure holding the lock meanwhile removes every
 * object its history does not reach (baton_store_gc_prune), these among them. Any that went are
 * written again, now that nothing else can remove them. */
static int blobs_still_there(baton_store *store, const baton_commit_step *steps, const prepared *prep, size_t n)
{
    git_odb *odb;
    int rc = 0;
    if (git_repository_odb(&odb, store->repo) < 0)
        return baton_git_error("cannot read the object store");
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t k = 0;
        for (size_t j = 0; j < steps[i].n && rc == 0; j++) {
            const baton_change *ch = &steps[i].changes[j];
            if (ch->guard)
                continue;
            const git_tree_update *u = &prep[i].updates[k++];
            git_oid again;
            if (u->action == GIT_TREE_UPDATE_UPSERT && !git_odb_exists(odb, &u->id) &&
                git_blob_create_from_buffer(&again, store->repo, ch->data, ch->len) < 0)
                rc = baton_git_error("cannot write record");
        }
    }
    git_odb_free(odb);
    return rc;
}

void baton_bulk_note_commit(baton_store *store, const git_oid *commit, git_tree *tree, const git_tree_update *u,
                            size_t n)
{
    baton_bulk_note(store, commit);
    baton_bulk_note(store, git_tree_id(tree));
    for (size_t k = 0; k < n; k++) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s", u[k].path);
        for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
            *slash = '\0';
            git_tree_entry *e;
            if (git_tree_entry_bypath(&e, tree, dir) == 0) {
                baton_bulk_note(store, git_tree_entry_id(e));
                git_tree_entry_free(e);
            }
        }
    }
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
            for (size_t k = 0; k < prep[i].nu; k++)
                if (prep[i].updates[k].action == GIT_TREE_UPDATE_UPSERT)
                    baton_bulk_note(store, &prep[i].updates[k].id);
            baton_bulk_note_commit(store, &commit_oid, new_tree, prep[i].updates, prep[i].nu);
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

int baton_store_commit_chain_tail(baton_store *store, const baton_commit_step *given, size_t n, baton_chain_tail tail,
                                  void *tail_ctx, baton_oid_hex out)
{
    int rc = 0, lockfd = -1;
    baton_audit_tx *tx = NULL;
    char anchor[160] = "", *anchored = NULL;
    prepared *prep = calloc(n ? n : 1, sizeof *prep);
    /* the steps as given, but for the last one's message, which gets the anchor */
    baton_commit_step *steps = calloc(n ? n : 1, sizeof *steps);
    if (!prep || !steps) {
        free(prep);
        free(steps);
        return baton_error_set(BATON_ERROR, "out of memory");
    }
    if (n == 0) {
        free(prep);
        free(steps);
        return baton_error_set(BATON_EINVALID, "nothing to commit");
    }
    memcpy(steps, given, n * sizeof *steps);
    /* a long chain (an import) goes to disk as one pack, not as one fsynced file per object */
    int packed = !store->mempack && n + (tail ? 1 : 0) >= BATON_PACK_CHAIN_MIN;
    if (packed && (rc = baton_store_pack_begin(store)))
        packed = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = prepare(store, &steps[i], &prep[i]);
    /* a bulk write has the store to itself and keeps its head in memory */
    if (rc == 0 && !store->bulk_exclusive)
        rc = baton_store_lock(store, &lockfd);
    if (rc == 0 && lockfd >= 0 && !packed)
        rc = blobs_still_there(store, steps, prep, n);
    /* the access log is opened for writing before anything is built: a log that cannot be written
     * stops the save here, with the head where it was (a bulk write keeps one transaction open) */
    if (rc == 0 && store->bulk_exclusive && !store->bulk_tx)
        rc = baton_audit_tx_begin(store, &store->bulk_tx);
    if (rc == 0 && store->bulk_exclusive)
        tx = store->bulk_tx;
    else if (rc == 0 && lockfd >= 0)
        rc = baton_audit_tx_begin(store, &tx);
    if (rc == 0 && tx) {
        baton_audit_tx_anchor(tx, anchor, sizeof anchor);
        if (!tail) {
            if (!(anchored = with_anchor(steps[n - 1].opts.message ? steps[n - 1].opts.message : "", anchor)))
                rc = baton_error_set(BATON_ERROR, "out of memory");
            steps[n - 1].opts.message = anchored;
        }
    }

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
        baton_commit_step extra = {0};
        char *extra_msg = NULL;
        if (rc == 0 && tail) {
            /* one more commit whose content names the commit before it (an import's handover) */
            prepared p = {0};
            git_commit *before = NULL;
            char last_hex[41];
            git_oid_tostr(last_hex, sizeof last_hex, &last);
            rc = tail(tail_ctx, last_hex, &extra);
            if (rc == 0 && tx) {
                if (!(extra_msg = with_anchor(extra.opts.message ? extra.opts.message : "", anchor)))
                    rc = baton_error_set(BATON_ERROR, "out of memory");
                extra.opts.message = extra_msg;
            }
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
        /* the entries, with the commit's id, staged before the ref moves */
        if (rc == 0 && tx) {
            char last_hex[41];
            git_oid_tostr(last_hex, sizeof last_hex, &last);
            rc = stage(tx, steps, n, tail ? &extra : NULL, tail ? extra.opts.message : steps[n - 1].opts.message,
                       n > 1 ? "import" : "change", last_hex);
        }
        free(extra_msg);
        if (rc)
            break;
        /* the pack is on disk (fsynced) before the ref may point into it */
        if (packed && (rc = baton_store_bulk_flush(store)))
            break;
        if (store->bulk_exclusive) {
            git_oid_cpy(&store->bulk_head, &last);
            store->bulk_have_head = 1;
            git_oid_tostr(out, 41, &last);
            baton_audit_tx_keep(tx);
            goto out;
        }
        /* the compare-and-swap: the ref moves only if it still points where we built on */
        int r = have_head ? git_reference_create_matching(&ref, store->repo, "refs/heads/main", &last, 1, &head_oid,
                                                          "baton: commit")
                          : git_reference_create(&ref, store->repo, "refs/heads/main", &last, 0, "baton: commit");
        git_reference_free(ref);
        if (r == GIT_EMODIFIED || r == GIT_ELOCKED || r == GIT_EEXISTS) {
            /* another writer (plain git, outside our lock) got there first: build on its head */
            if (tx)
                baton_audit_tx_unstage(tx);
            struct timespec ts = {0, 1000000L * (attempt + 1)};
            nanosleep(&ts, NULL);
            continue;
        }
        if (r < 0) {
            rc = baton_git_error("cannot move refs/heads/main");
            break;
        }
        git_oid_tostr(out, 41, &last);
        /* the ref moved: now the entries stand too (a crash in between is caught by the next
         * command, which records the commit's entry late) */
        if (tx && (rc = baton_audit_tx_commit(tx)))
            baton_error_prefix(rc, "the change was saved, but its access-log entry is not written yet (the next "
                                   "command records it): ");
        goto out;
    }
    if (rc == 0)
        rc = baton_error_set(BATON_ECONFLICT, "the store kept changing under this save; nothing was written, try again");
out:
    if (tx != store->bulk_tx)
        baton_audit_tx_end(tx);
    if (lockfd >= 0)
        baton_store_unlock(lockfd);
    if (packed)
        baton_store_pack_end(store);
    if (rc == 0 && lockfd >= 0 && !store->gc_deferred) {
        /* the commit stands: whatever gc has to say is not this call's error */
        int err_code = baton_error_last_code();
        char saved[256];
        snprintf(saved, sizeof saved, "%s", baton_error_last());
        baton_store_gc_auto(store, NULL);
        if (err_code)
            baton_error_set(err_code, "%s", saved);
        else
            baton_error_clear();
    }
    for (size_t i = 0; i < n; i++) {
        git_signature_free(prep[i].author);
        free(prep[i].updates);
    }
    free(prep);
    free(steps);
    free(anchored);
    return rc;
}

int baton_store_commit(baton_store *store, const baton_change *changes, size_t n, const baton_commit_options *opts,
                       baton_oid_hex out)
{
    baton_commit_step step = {changes, n, *opts};
    return baton_store_commit_chain(store, &step, 1, out);
}
