/* Garbage collection: libgit2 writes one loose file per object and has no gc, so a store in daily
 * use would slow down file by file. Packing is safe by construction: a loose object is removed only
 * once the same object is in a pack that has been written and fsynced, and an old pack only once
 * every object in it is in the new one. So gc needs no writer to wait: it holds a lock of its own
 * (<store>/gc.lock, one gc at a time), never the store's. An object a writer adds meanwhile is
 * loose and in no list gc made, so it stays; one a writer finds already there (and so does not
 * write again) is in the new pack before its old copy goes, and libgit2 looks for packs again when
 * an object is missing. Nothing is pruned, so nothing a writer is about to commit can go. */
#include "store_internal.h"

#include "baton/error.h"

#include <dirent.h>
#include <git2/sys/odb_backend.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Calls fn for every entry of a directory under the repository (objects/07, objects/pack). */
static void each_entry(baton_store *store, const char *sub, void (*fn)(const char *dir, const char *name, void *ctx),
                       void *ctx)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/%s", store->repo_path, sub);
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));)
        fn(dir, e->d_name, ctx);
    closedir(d);
}

static void count_loose(const char *dir, const char *name, void *n)
{
    (void)dir;
    *(size_t *)n += strlen(name) == 38;
}

/* Loose objects, estimated the way git does, from a sample of the fan-out directories (8 of 256:
 * one is too noisy for a threshold of a thousand). */
size_t baton_store_loose_estimate(baton_store *store)
{
    static const char *const sample[] = {"objects/07", "objects/2c", "objects/4f", "objects/71",
                                         "objects/96", "objects/b8", "objects/d3", "objects/f5"};
    size_t n = 0;
    for (size_t i = 0; i < sizeof sample / sizeof *sample; i++)
        each_entry(store, sample[i], count_loose, &n);
    return n * 32;
}

static size_t count_packs(baton_store *store)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/objects/pack", store->repo_path);
    DIR *d = opendir(dir);
    size_t n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        n += len > 5 && strcmp(e->d_name + len - 5, ".pack") == 0;
    }
    closedir(d);
    return n;
}

/* A pack of the store, by the hash in its name, and its size. */
typedef struct {
    char name[41];
    off_t size;
} pack_info;

static int by_size(const void *a, const void *b)
{
    off_t x = ((const pack_info *)a)->size, y = ((const pack_info *)b)->size;
    return x < y ? -1 : x > y;
}

/* The store's packs, smallest first. */
static size_t list_packs(baton_store *store, pack_info **out)
{
    char dir[4200], path[4500];
    snprintf(dir, sizeof dir, "%s/objects/pack", store->repo_path);
    *out = NULL;
    DIR *d = opendir(dir);
    size_t n = 0, cap = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));) {
        const char *s = e->d_name;
        struct stat st;
        if (strncmp(s, "pack-", 5) != 0 || strlen(s) != 50 || strcmp(s + 45, ".pack") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, s);
        if (stat(path, &st) != 0)
            continue;
        if (n == cap) {
            pack_info *more = realloc(*out, (cap = cap ? cap * 2 : 64) * sizeof *more);
            if (!more)
                break;
            *out = more;
        }
        snprintf((*out)[n].name, sizeof (*out)[n].name, "%.40s", s + 5);
        (*out)[n++].size = st.st_size;
    }
    closedir(d);
    if (n)
        qsort(*out, n, sizeof **out, by_size);
    return n;
}

/* How many of the smallest packs a quick gc merges: every save writes a small pack of its own, so
 * their number grows without end while the big ones stay. As git's geometric repack does, the
 * packs are kept from the largest down for as long as each is at least twice the size of all
 * smaller ones together; those below are merged into one. Packs of 32 MiB and more (a store's
 * history, a bulk write's packs) are left to a full gc: a quick one runs beside a server and must
 * stay cheap. So the number of packs stays about the log of the saves' bytes. */
#define SMALL_PACK ((off_t)32 << 20)
static size_t geometric_split(const pack_info *p, size_t n)
{
    off_t below = 0;
    while (n > 0 && p[n - 1].size >= SMALL_PACK)
        n--;
    for (size_t i = 0; i < n; i++)
        below += p[i].size;
    for (size_t j = n; j-- > 1;) {
        below -= p[j].size;
        if (p[j].size < 2 * below)
            return j + 1;
    }
    return 0;
}

typedef struct {
    git_oid *ids;
    size_t n, cap;
} oid_list;

static void oid_add(oid_list *l, const git_oid *id)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        git_oid *more = realloc(l->ids, cap * sizeof *more);
        if (!more)
            return;
        l->ids = more;
        l->cap = cap;
    }
    git_oid_cpy(&l->ids[l->n++], id);
}

static void list_loose(baton_store *store, oid_list *out)
{
    char dir[4200], hex[41];
    for (int i = 0; i < 256; i++) {
        snprintf(dir, sizeof dir, "%s/objects/%02x", store->repo_path, i);
        DIR *d = opendir(dir);
        if (!d)
            continue;
        for (struct dirent *e; (e = readdir(d));) {
            git_oid id;
            if (strlen(e->d_name) != 38)
                continue;
            snprintf(hex, sizeof hex, "%02x%.38s", i, e->d_name);
            if (git_oid_fromstr(&id, hex) == 0)
                oid_add(out, &id);
        }
        closedir(d);
    }
}

/* An object database holding just the pack named by its hash. */
static int one_pack(baton_store *store, const char *name, git_odb **out)
{
    char idx[4300];
    git_odb_backend *b;
    snprintf(idx, sizeof idx, "%s/objects/pack/pack-%s.idx", store->repo_path, name);
    if (git_odb_new(out) < 0)
        return -1;
    if (git_odb_backend_one_pack(&b, idx) < 0 || git_odb_add_backend(*out, b, 1) < 0) {
        git_odb_free(*out);
        return -1;
    }
    return 0;
}

typedef struct {
    git_odb *fresh;
    int all_there;
} cover_ctx;

static int covered(const git_oid *id, void *vctx)
{
    cover_ctx *c = vctx;
    if (!git_odb_exists(c->fresh, id)) {
        c->all_there = 0;
        return 1; /* stop: this old pack must stay */
    }
    return 0;
}

/* Removes the packs of the list whose every object is in the new one (keep names it). */
static void drop_old_packs(baton_store *store, const char *keep, git_odb *fresh, const pack_info *p, size_t n,
                           size_t *dropped)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/objects/pack", store->repo_path);
    for (size_t i = 0; i < n; i++) {
        git_odb *old;
        if (strcmp(p[i].name, keep) == 0 || one_pack(store, p[i].name, &old) < 0)
            continue;
        cover_ctx c = {fresh, 1};
        git_odb_foreach(old, covered, &c);
        git_odb_free(old);
        if (!c.all_there)
            continue;
        const char *ext[] = {".idx", ".pack", ".keep", ".rev"};
        char path[8800];
        /* the index first: a pack without its index is invisible, the reverse would be an error */
        for (size_t k = 0; k < 4; k++) {
            snprintf(path, sizeof path, "%s/pack-%.40s%s", dir, p[i].name, ext[k]);
            unlink(path);
        }
        (*dropped)++;
    }
}

static int insert_one(const git_oid *id, void *pb)
{
    return git_packbuilder_insert(pb, id, NULL) < 0 ? -1 : 0;
}

typedef struct {
    time_t now, age; /* a temporary file older than age goes */
} stale;

static void drop_if_stale(const char *dir, const char *name, void *vctx)
{
    const stale *c = vctx;
    struct stat st;
    char path[4600];
    if (strncmp(name, "tmp_object_git2_", 16) != 0 && strncmp(name, "pack_git2_", 10) != 0)
        return;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && c->now - st.st_mtime > c->age)
        unlink(path);
}

/* Temporary files a killed writer or gc left behind (libgit2 names them tmp_object_git2_* and
 * pack_git2_*), older than age seconds. One younger than an hour may belong to a writer at work
 * right now: gc does not hold the writers' lock. */
static void drop_stale_temporaries(baton_store *store, time_t age)
{
    stale c = {time(NULL), age};
    each_entry(store, "objects", drop_if_stale, &c);
    each_entry(store, "objects/pack", drop_if_stale, &c);
}

/* One gc at a time: waits at most wait_ms for another to end (0: not at all). */
static int gc_lock(baton_store *store, long wait_ms, int *fd)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/gc.lock", store->path);
    int rc = baton_lock_file(path, wait_ms, fd);
    if (rc == BATON_EBUSY)
        rc = baton_error_set(BATON_EBUSY, "gc: another gc of this store is still running; try again later");
    return rc;
}

static int gc_run(baton_store *store, int full, long wait_ms, baton_gc_stats *stats)
{
    git_packbuilder *pb = NULL;
    git_odb *fresh = NULL;
    oid_list loose = {0};
    pack_info *packs = NULL;
    size_t npacks = 0, merged = 0;
    int rc = 0, lockfd = -1;
    baton_gc_stats st = {0};
    if (store->mempack)
        return baton_error_set(BATON_EINVALID, "gc: a bulk write is under way");
    if ((rc = gc_lock(store, wait_ms, &lockfd)))
        return rc;
    drop_stale_temporaries(store, 3600);
    list_loose(store, &loose);
    st.loose_before = loose.n;
    npacks = list_packs(store, &packs);
    st.packs_before = npacks;
    if (git_packbuilder_new(&pb, store->repo) < 0) {
        rc = baton_git_error("gc: pack builder");
        goto out;
    }
    git_packbuilder_set_threads(pb, 0);
    if (full) {
        git_revwalk *walk = NULL;
        git_oid head;
        git_odb *odb = NULL;
        /* the history first, for the pack's order; then every other object the store holds. Objects
         * no commit reaches (a save refused as a conflict, a writer killed mid-save, blobs a writer
         * made before taking the lock) are kept, not pruned: otherwise no old pack holding one
         * would ever be covered, and every save past the pack threshold would repack in vain. */
        if (baton_store_head_oid(store, &head) == 0 &&
            (git_revwalk_new(&walk, store->repo) < 0 || git_revwalk_push(walk, &head) < 0 ||
             git_packbuilder_insert_walk(pb, walk) < 0))
            rc = baton_git_error("gc: walk the history");
        git_revwalk_free(walk);
        if (rc == 0 && (git_repository_odb(&odb, store->repo) < 0 || git_odb_foreach(odb, insert_one, pb) < 0))
            rc = baton_git_error("gc: pack every object");
        git_odb_free(odb);
    } else {
        for (size_t i = 0; i < loose.n && rc == 0; i++)
            if (git_packbuilder_insert(pb, &loose.ids[i], NULL) < 0)
                rc = baton_git_error("gc: pack a loose object");
        /* and the small packs, merged: the saves' own */
        merged = geometric_split(packs, npacks);
        for (size_t i = 0; i < merged && rc == 0; i++) {
            git_odb *small = NULL;
            if (one_pack(store, packs[i].name, &small) < 0)
                small = NULL;
            if (!small || git_odb_foreach(small, insert_one, pb) < 0)
                rc = baton_git_error("gc: read a small pack");
            git_odb_free(small);
        }
    }
    st.objects_packed = git_packbuilder_object_count(pb);
    if (rc == 0 && st.objects_packed == 0)
        goto out; /* nothing to do */
    if (rc == 0 && git_packbuilder_write(pb, NULL, 0, NULL, NULL) < 0)
        rc = baton_git_error("gc: write the pack");
    char name[41];
    if (rc == 0) {
        git_oid_tostr(name, sizeof name, git_packbuilder_hash(pb));
        if (one_pack(store, name, &fresh) < 0)
            rc = baton_git_error("gc: read the new pack");
    }
    /* only now, with the pack on disk, may loose copies go */
    for (size_t i = 0; i < loose.n && rc == 0; i++) {
        if (!git_odb_exists(fresh, &loose.ids[i]))
            continue;
        char hex[41], path[4300];
        git_oid_tostr(hex, sizeof hex, &loose.ids[i]);
        snprintf(path, sizeof path, "%s/objects/%.2s/%s", store->repo_path, hex, hex + 2);
        if (unlink(path) == 0)
            st.loose_removed++;
    }
    if (rc == 0)
        drop_old_packs(store, name, fresh, packs, full ? npacks : merged, &st.packs_removed);
    git_odb *odb;
    if (rc == 0 && git_repository_odb(&odb, store->repo) == 0) {
        git_odb_refresh(odb);
        git_odb_free(odb);
    }
out:
    st.packs_after = count_packs(store);
    git_odb_free(fresh);
    git_packbuilder_free(pb);
    free(loose.ids);
    free(packs);
    baton_store_unlock(lockfd);
    if (stats)
        *stats = st;
    return rc;
}

static int push_ref(const char *name, void *walk)
{
    git_oid id;
    git_revwalk *w = walk;
    if (git_reference_name_to_id(&id, git_revwalk_repository(w), name) < 0)
        return 0;
    return git_revwalk_push(w, &id) < 0 ? -1 : 0;
}

int baton_store_gc_prune(baton_store *store, baton_gc_stats *stats)
{
    git_packbuilder *pb = NULL;
    git_revwalk *walk = NULL;
    git_odb *fresh = NULL;
    oid_list loose = {0};
    baton_gc_stats st = {0};
    int rc = 0, lockfd = -1;
    if (store->mempack)
        return baton_error_set(BATON_EINVALID, "gc: a bulk write is under way");
    if ((rc = gc_lock(store, baton_lock_wait_ms(), &lockfd)))
        return rc;
    /* an erasure's data may sit in a killed writer's temporary file: any not written to in the
     * last minute goes */
    drop_stale_temporaries(store, 60);
    list_loose(store, &loose);
    st.loose_before = loose.n;
    st.packs_before = count_packs(store);
    /* everything the refs reach, and nothing else */
    if (git_packbuilder_new(&pb, store->repo) < 0 || git_revwalk_new(&walk, store->repo) < 0 ||
        git_reference_foreach_name(store->repo, push_ref, walk) < 0 || git_packbuilder_insert_walk(pb, walk) < 0 ||
        git_packbuilder_write(pb, NULL, 0, NULL, NULL) < 0)
        rc = baton_git_error("gc: pack what the history reaches");
    st.objects_packed = pb ? git_packbuilder_object_count(pb) : 0;
    char name[41] = "";
    if (rc == 0) {
        git_oid_tostr(name, sizeof name, git_packbuilder_hash(pb));
        if (one_pack(store, name, &fresh) < 0)
            rc = baton_git_error("gc: read the new pack");
    }
    /* with the new pack on disk, every other copy of every object goes */
    for (size_t i = 0; i < loose.n && rc == 0; i++) {
        char hex[41], path[4300];
        git_oid_tostr(hex, sizeof hex, &loose.ids[i]);
        snprintf(path, sizeof path, "%s/objects/%.2s/%s", store->repo_path, hex, hex + 2);
        if (unlink(path) == 0)
            st.loose_removed++;
        path[strlen(path) - 39] = '\0';
        rmdir(path); /* the fan-out directory, once empty */
    }
    if (rc == 0) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/objects/pack", store->repo_path);
        DIR *d = opendir(dir);
        for (struct dirent *e; d && (e = readdir(d));) {
            const char *s = e->d_name;
            char path[4600];
            if (strncmp(s, "pack-", 5) != 0 || strncmp(s + 5, name, 40) == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, s);
            if (unlink(path) == 0 && strlen(s) == 50 && strcmp(s + 45, ".pack") == 0)
                st.packs_removed++;
        }
        if (d)
            closedir(d);
    }
    if (rc == 0)
        rc = baton_store_writer_stale(store);
    git_odb *odb;
    if (rc == 0 && git_repository_odb(&odb, store->repo) == 0) {
        git_odb_refresh(odb);
        git_odb_free(odb);
    }
    st.packs_after = count_packs(store);
    git_odb_free(fresh);
    git_revwalk_free(walk);
    git_packbuilder_free(pb);
    free(loose.ids);
    baton_store_unlock(lockfd);
    if (stats)
        *stats = st;
    return rc;
}

int baton_store_gc(baton_store *store, int full, baton_gc_stats *stats)
{
    return gc_run(store, full, baton_lock_wait_ms(), stats);
}

int baton_store_gc_due(baton_store *store)
{
    if (count_packs(store) > BATON_GC_PACK_THRESHOLD) {
        pack_info *packs;
        size_t n = list_packs(store, &packs);
        size_t merge = geometric_split(packs, n);
        free(packs);
        if (merge >= 2)
            return 1;
    }
    size_t loose = baton_store_loose_estimate(store);
    /* the sample is cheap but noisy: near the threshold, count exactly */
    if (loose >= BATON_GC_LOOSE_THRESHOLD / 2) {
        oid_list all = {0};
        list_loose(store, &all);
        loose = all.n;
        free(all.ids);
    }
    return loose >= BATON_GC_LOOSE_THRESHOLD;
}

void baton_store_gc_defer(baton_store *store)
{
    store->gc_deferred = 1;
}

int baton_store_gc_auto(baton_store *store, baton_gc_stats *stats)
{
    const char *off = getenv("BATON_NO_AUTO_GC");
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (store->bulk_exclusive || (off && *off && strcmp(off, "0") != 0))
        return 0;
    int due = baton_store_gc_due(store);
    if (!due)
        return 0;
    /* a gc already at work (another writer's, or baton serve's) does it: none waits for it */
    int rc = gc_run(store, 0, 0, stats);
    return rc == BATON_EBUSY ? 0 : rc;
}
