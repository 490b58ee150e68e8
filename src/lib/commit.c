/* The one write path of the store. A change set becomes exactly one commit:
 *   1. under <store>/lock (flock, released by the kernel if we die), its blobs and the new tree,
 *      built from the current head's tree with git_tree_create_updated (no index, no work tree),
 *      and the commit go to memory, and then to disk as one pack, fsynced (harmless if we die:
 *      unreachable objects);
 *   2. moving refs/heads/main is the compare-and-swap: it fails with GIT_EMODIFIED if the head
 *      is no longer the parent we built on.
 * Writers of one store in one process go as a group (see "group commit" below).
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

/* ---- group commit ----
 * Under a server's load, saves used to take the lock one by one, and each wrote its own loose
 * objects (a file and two fsyncs each), moved the ref and committed its log entries alone: the
 * lock was held ~5 ms per save, and 32 writers queued behind it. Now the writers of one store in
 * this process queue, and whoever finds no leader at work leads: it takes the lock, then every
 * save queued by then, and builds them one after the other, each on the one before, exactly as
 * they would have been made in turn. Their objects go to memory and then to disk as one pack,
 * the ref moves once, their log entries are committed in one transaction, and each writer gets
 * its own answer: its commit, or its own conflict (a save based on a version another save of the
 * same group replaced is refused as it would have been a moment later). */
typedef struct commit_req {
    const char *key; /* the store's lock file: writers of one store form a group */
    const baton_commit_step *steps;
    size_t n;
    baton_chain_tail tail;
    void *tail_ctx;
    baton_oid_hex out;
    int rc, done;
    char why[2048];
    struct commit_req *next; /* in the queue, then in the leader's group */
} commit_req;

typedef struct group_leader {
    const char *key;
    struct group_leader *next;
} group_leader;

static pthread_mutex_t group_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t group_done = PTHREAD_COND_INITIALIZER;
static commit_req *group_queue; /* oldest first */
static group_leader *group_leaders;

static int group_has_leader(const char *key)
{
    for (const group_leader *l = group_leaders; l; l = l->next)
        if (strcmp(l->key, key) == 0)
            return 1;
    return 0;
}

static void req_fail(commit_req *r, int rc)
{
    r->rc = rc;
    snprintf(r->why, sizeof r->why, "%s", baton_error_last());
}

/* Builds one writer's chain on head (NULL: an empty store), its tail if it has one, and stages
 * its log entries; last receives its final commit. A failure to stage is the whole group's
 * (*log_failed): the transaction is no longer one to commit. */
static int build_req(baton_store *store, baton_audit_tx *tx, git_commit *head, const commit_req *r, git_oid *last,
                     int *log_failed)
{
    size_t n = r->n;
    char anchor[160] = "", *anchored = NULL, *extra_msg = NULL;
    prepared *prep = calloc(n, sizeof *prep);
    /* the steps as given, but for the last one's message, which gets the anchor */
    baton_commit_step *steps = calloc(n, sizeof *steps);
    baton_commit_step extra = {0};
    prepared p = {0};
    int rc = prep && steps ? 0 : baton_error_set(BATON_ERROR, "out of memory");
    if (rc == 0)
        memcpy(steps, r->steps, n * sizeof *steps);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = prepare(store, &steps[i], &prep[i]);
    if (rc == 0 && tx) {
        baton_audit_tx_anchor(tx, anchor, sizeof anchor);
        if (!r->tail) {
            if (!(anchored = with_anchor(steps[n - 1].opts.message ? steps[n - 1].opts.message : "", anchor)))
                rc = baton_error_set(BATON_ERROR, "out of memory");
            steps[n - 1].opts.message = anchored;
        }
    }
    if (rc == 0)
        rc = build_chain(store, head, steps, prep, n, last);
    if (rc == 0 && r->tail) {
        /* one more commit whose content names the commit before it (an import's handover) */
        git_commit *before = NULL;
        char last_hex[41];
        git_oid_tostr(last_hex, sizeof last_hex, last);
        rc = r->tail(r->tail_ctx, last_hex, &extra);
        if (rc == 0 && tx) {
            if (!(extra_msg = with_anchor(extra.opts.message ? extra.opts.message : "", anchor)))
                rc = baton_error_set(BATON_ERROR, "out of memory");
            extra.opts.message = extra_msg;
        }
        if (rc == 0)
            rc = prepare(store, &extra, &p);
        if (rc == 0 && git_commit_lookup(&before, store->repo, last) < 0)
            rc = baton_git_error("cannot read the chain");
        if (rc == 0)
            rc = build_chain(store, before, &extra, &p, 1, last);
        git_commit_free(before);
    }
    /* the entries, with the commit's id, staged before the ref moves */
    if (rc == 0 && tx) {
        char last_hex[41];
        git_oid_tostr(last_hex, sizeof last_hex, last);
        rc = stage(tx, steps, n, r->tail ? &extra : NULL, r->tail ? extra.opts.message : steps[n - 1].opts.message,
                   n > 1 ? "import" : "change", last_hex);
        /* (the next writer of the group chains its entries on these) */
        if (rc)
            *log_failed = 1;
    }
    git_signature_free(p.author);
    free(p.updates);
    for (size_t i = 0; prep && i < n; i++) {
        git_signature_free(prep[i].author);
        free(prep[i].updates);
    }
    free(prep);
    free(steps);
    free(anchored);
    free(extra_msg);
    return rc;
}

/* Builds the group's writers in turn on the store's head, writes their objects, and moves the
 * ref once; each writer's rc and out say how it went. Returns non-zero only for a failure of the
 * whole group (which every writer not refused on its own then shares). With the store's lock
 * held, or during a bulk write (which keeps its head and its log transaction in memory). */
static int run_group(baton_store *store, commit_req *group)
{
    int rc = 0;
    int own_pack = !store->mempack;
    baton_audit_tx *tx = NULL;
    if (own_pack && (rc = baton_store_pack_begin(store)))
        return rc;
    /* the access log is opened for writing before anything is built: a log that cannot be written
     * stops the saves here, with the head where it was */
    if (store->bulk_exclusive) {
        if (!store->bulk_tx)
            rc = baton_audit_tx_begin(store, &store->bulk_tx);
        tx = store->bulk_tx;
    }
    for (int attempt = 0; rc == 0; attempt++) {
        if (attempt == MAX_ATTEMPTS) {
            rc = baton_error_set(BATON_ECONFLICT,
                                 "the store kept changing under this save; nothing was written, try again");
            break;
        }
        if (!store->bulk_exclusive && (rc = baton_audit_tx_begin(store, &tx)))
            break;
        git_oid head_oid, last;
        git_commit *cur = NULL;
        int have_head = store->bulk_exclusive ? store->bulk_have_head : baton_store_head_oid(store, &head_oid) == 0;
        if (store->bulk_exclusive && have_head)
            git_oid_cpy(&head_oid, &store->bulk_head);
        if (have_head && git_commit_lookup(&cur, store->repo, &head_oid) < 0)
            rc = baton_git_error("cannot read head");
        size_t landed = 0;
        for (commit_req *r = group; r && rc == 0; r = r->next) {
            r->rc = 0;
            int log_failed = 0;
            int one = build_req(store, tx, cur, r, &last, &log_failed);
            if (one == 0) {
                git_commit_free(cur);
                cur = NULL;
                if (git_commit_lookup(&cur, store->repo, &last) < 0)
                    rc = baton_git_error("cannot read the new commit");
                git_oid_tostr(r->out, sizeof r->out, &last);
                landed++;
            } else if (!log_failed) {
                req_fail(r, one); /* this writer's own refusal (a conflict, say): the others go on */
            } else {
                rc = one; /* the log failed: nothing of the group lands */
            }
        }
        if (cur)
            git_oid_cpy(&last, git_commit_id(cur));
        git_commit_free(cur);
        if (rc || landed == 0)
            break;
        /* the pack is on disk (fsynced) before the ref may point into it */
        if (own_pack && (rc = baton_store_bulk_flush(store)))
            break;
        if (store->bulk_exclusive) {
            git_oid_cpy(&store->bulk_head, &last);
            store->bulk_have_head = 1;
            break;
        }
        /* the compare-and-swap: the ref moves only if it still points where we built on */
        git_reference *ref = NULL;
        int m = have_head ? git_reference_create_matching(&ref, store->repo, "refs/heads/main", &last, 1, &head_oid,
                                                          "baton: commit")
                          : git_reference_create(&ref, store->repo, "refs/heads/main", &last, 0, "baton: commit");
        git_reference_free(ref);
        if (m == GIT_EMODIFIED || m == GIT_ELOCKED || m == GIT_EEXISTS) {
            /* another writer (plain git, outside our lock) got there first: build on its head */
            baton_audit_tx_end(tx);
            tx = NULL;
            struct timespec ts = {0, 1000000L * (attempt + 1)};
            nanosleep(&ts, NULL);
            continue;
        }
        if (m < 0) {
            rc = baton_git_error("cannot move refs/heads/main");
            break;
        }
        /* the ref moved: now the entries stand too (a crash in between is caught by the next
         * command, which records the commits' entries late) */
        if ((m = baton_audit_tx_commit(tx)))
            baton_error_prefix(m, "the change was saved, but its access-log entry is not written yet (the next "
                                  "command records it): ");
        for (commit_req *r = group; m && r; r = r->next)
            if (r->rc == 0)
                req_fail(r, m);
        break;
    }
    if (tx != store->bulk_tx)
        baton_audit_tx_end(tx);
    if (own_pack)
        baton_store_pack_end(store);
    return rc;
}

/* Leads one group of this store's writers (me among them): the lock, then everyone queued. */
static void lead_group(baton_store *store, commit_req *me)
{
    int lockfd = -1;
    int rc = baton_store_lock(store, &lockfd);
    pthread_mutex_lock(&group_mutex);
    /* the leader itself, then everyone who queued for this store while it waited for the lock */
    for (commit_req **q = &group_queue; *q; q = &(*q)->next)
        if (*q == me) {
            *q = me->next;
            break;
        }
    commit_req *group = me, **tail = &me->next;
    for (commit_req **q = &group_queue; *q;) {
        commit_req *r = *q;
        if (strcmp(r->key, me->key) != 0) {
            q = &r->next; /* another store's: its own leader takes it */
            continue;
        }
        *q = r->next;
        *tail = r;
        tail = &r->next;
    }
    *tail = NULL;
    pthread_mutex_unlock(&group_mutex);
    if (rc == 0)
        rc = run_group(store, group);
    if (lockfd >= 0)
        baton_store_unlock(lockfd);
    for (commit_req *r = group; r; r = r->next)
        if (rc && r->rc == 0)
            req_fail(r, rc);
    pthread_mutex_lock(&group_mutex);
    for (commit_req *r = group; r; r = r->next)
        r->done = 1;
    pthread_cond_broadcast(&group_done);
    pthread_mutex_unlock(&group_mutex);
}

int baton_store_commit_chain(baton_store *store, const baton_commit_step *steps, size_t n, baton_oid_hex out)
{
    return baton_store_commit_chain_tail(store, steps, n, NULL, NULL, out);
}

/* Queues me for its store and waits until a group has built it, leading one if no one is. */
static void join_group(baton_store *store, commit_req *me)
{
    pthread_mutex_lock(&group_mutex);
    commit_req **q = &group_queue;
    while (*q)
        q = &(*q)->next;
    *q = me;
    while (!me->done) {
        /* one taken into a group is done before its leader leaves */
        if (!group_has_leader(me->key)) {
            group_leader lead = {me->key, group_leaders};
            group_leaders = &lead;
            pthread_mutex_unlock(&group_mutex);
            lead_group(store, me);
            pthread_mutex_lock(&group_mutex);
            for (group_leader **l = &group_leaders; *l; l = &(*l)->next)
                if (*l == &lead) {
                    *l = lead.next;
                    break;
                }
            /* the next group's writers are waiting for a leader */
            pthread_cond_broadcast(&group_done);
            break;
        }
        pthread_cond_wait(&group_done, &group_mutex);
    }
    pthread_mutex_unlock(&group_mutex);
}

int baton_store_commit_chain_tail(baton_store *store, const baton_commit_step *steps, size_t n, baton_chain_tail tail,
                                  void *tail_ctx, baton_oid_hex out)
{
    if (n == 0)
        return baton_error_set(BATON_EINVALID, "nothing to commit");
    commit_req me = {store->lock_path, steps, n, tail, tail_ctx, "", 0, 0, "", NULL};
    if (store->bulk_exclusive) {
        /* a bulk write has the store to itself: no lock, no group */
        int rc = run_group(store, &me);
        if (rc && me.rc == 0)
            req_fail(&me, rc);
    } else {
        join_group(store, &me);
    }
    /* built by the group's leader, maybe another thread: its words, in this one */
    if (me.rc)
        return baton_error_set(me.rc, "%s", me.why);
    snprintf(out, 41, "%s", me.out);
    /* the commit stands: whatever gc has to say is not this call's error (a bulk write's is none) */
    if (!store->gc_deferred)
        baton_store_gc_auto(store, NULL);
    baton_error_clear();
    return 0;
}

int baton_store_commit(baton_store *store, const baton_change *changes, size_t n, const baton_commit_options *opts,
                       baton_oid_hex out)
{
    baton_commit_step step = {changes, n, *opts};
    return baton_store_commit_chain(store, &step, 1, out);
}
