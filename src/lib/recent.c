/* The objects of this process's latest saves, for every handle of the process to read.
 *
 * Each group of saves writes a pack of its own (commit.c), and a server writes dozens a second
 * while gc, working in the background, merges them. Every thread's handle then met the new head in
 * a pack it had not seen: libgit2 looked for the commit in every pack it knew (formatting an error
 * for each miss), in the loose objects, reread objects/pack (comparing each name with every known
 * one) and looked again; and with packs piling up faster than gc merged them, every such lookup grew
 * dearer as a run went on. The leader of a group has just had those objects in memory: it copies
 * them here once its pack is on disk, and each handle's object database asks here before its packs.
 *
 * Only objects already in an fsynced pack are copied here, and this backend never answers for a
 * write (freshen): a save writes its objects itself, whatever is kept here. What is kept goes after
 * RECENT_SECONDS or past RECENT_BYTES, oldest first, and all of it when an erasure prunes (<store>/
 * pruned changed): an erased child's objects are not kept for any later read. */
#include "store_internal.h"

#include "baton/error.h"

#include <git2/sys/odb_backend.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECENT_SECONDS 60
#define RECENT_BYTES ((size_t)32 << 20)
#define RECENT_BUCKETS 8192

typedef struct recent_obj {
    git_oid id;
    git_object_t type;
    size_t len;
    time_t when;
    struct recent_obj *older, *newer; /* the store's objects, oldest first */
    struct recent_obj *chain;         /* the next in its bucket */
    unsigned char data[];
} recent_obj;

typedef struct recent_set {
    char *key; /* the store's lock file: one set per store */
    baton_file_id stamp; /* <store>/pruned when the set was last filled */
    recent_obj *buckets[RECENT_BUCKETS];
    recent_obj *oldest, *newest;
    size_t bytes;
    struct recent_set *next;
} recent_set;

static pthread_rwlock_t recent_lock = PTHREAD_RWLOCK_INITIALIZER;
static recent_set *recent_sets;

static size_t bucket(const git_oid *id) { return ((size_t)id->id[0] << 8 | id->id[1]) % RECENT_BUCKETS; }

/* With recent_lock held. */
static recent_set *set_of(const char *key, int make)
{
    for (recent_set *s = recent_sets; s; s = s->next)
        if (strcmp(s->key, key) == 0)
            return s;
    if (!make)
        return NULL;
    recent_set *s = calloc(1, sizeof *s);
    if (!s || !(s->key = strdup(key))) {
        free(s);
        return NULL;
    }
    s->next = recent_sets;
    recent_sets = s;
    return s;
}

/* With recent_lock held for writing. */
static void drop_oldest(recent_set *s)
{
    recent_obj *o = s->oldest;
    for (recent_obj **p = &s->buckets[bucket(&o->id)]; *p; p = &(*p)->chain)
        if (*p == o) {
            *p = o->chain;
            break;
        }
    s->oldest = o->newer;
    if (s->oldest)
        s->oldest->older = NULL;
    else
        s->newest = NULL;
    s->bytes -= o->len;
    free(o);
}

static void drop_all(recent_set *s)
{
    while (s->oldest)
        drop_oldest(s);
}

void baton_recent_publish(baton_store *store, git_odb *from, const git_oid *ids, size_t n)
{
    time_t now = time(NULL);
    pthread_rwlock_wrlock(&recent_lock);
    recent_set *s = set_of(store->lock_path, 1);
    if (s && baton_store_pruned_since(store, &s->stamp))
        drop_all(s);
    for (size_t i = 0; s && i < n; i++) {
        int known = 0;
        for (recent_obj *o = s->buckets[bucket(&ids[i])]; o && !known; o = o->chain)
            known = git_oid_equal(&o->id, &ids[i]);
        git_odb_object *obj;
        if (known || git_odb_read(&obj, from, &ids[i]) < 0)
            continue;
        size_t len = git_odb_object_size(obj);
        recent_obj *o = len <= RECENT_BYTES / 16 ? malloc(sizeof *o + len) : NULL;
        if (o) {
            git_oid_cpy(&o->id, &ids[i]);
            o->type = git_odb_object_type(obj);
            o->len = len;
            o->when = now;
            memcpy(o->data, git_odb_object_data(obj), len);
            o->chain = s->buckets[bucket(&o->id)];
            s->buckets[bucket(&o->id)] = o;
            o->older = s->newest;
            o->newer = NULL;
            if (s->newest)
                s->newest->newer = o;
            else
                s->oldest = o;
            s->newest = o;
            s->bytes += len;
        }
        git_odb_object_free(obj);
    }
    while (s && s->oldest && (s->bytes > RECENT_BYTES || now - s->oldest->when > RECENT_SECONDS))
        drop_oldest(s);
    pthread_rwlock_unlock(&recent_lock);
    /* a miss on the way is no error of the save's */
    git_error_clear();
}

void baton_recent_release_all(void)
{
    pthread_rwlock_wrlock(&recent_lock);
    while (recent_sets) {
        recent_set *s = recent_sets;
        recent_sets = s->next;
        drop_all(s);
        free(s->key);
        free(s);
    }
    pthread_rwlock_unlock(&recent_lock);
}

void baton_recent_forget(baton_store *store)
{
    pthread_rwlock_wrlock(&recent_lock);
    recent_set *s = set_of(store->lock_path, 0);
    if (s)
        drop_all(s);
    pthread_rwlock_unlock(&recent_lock);
}

/* ---- the backend a handle's object database asks first ---- */

typedef struct {
    git_odb_backend parent;
    char *key;
} recent_backend;

/* With recent_lock held. */
static const recent_obj *find(git_odb_backend *b, const git_oid *id)
{
    recent_set *s = set_of(((recent_backend *)b)->key, 0);
    for (const recent_obj *o = s ? s->buckets[bucket(id)] : NULL; o; o = o->chain)
        if (git_oid_equal(&o->id, id))
            return time(NULL) - o->when > RECENT_SECONDS ? NULL : o;
    return NULL;
}

static int r_read(void **data, size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *id)
{
    int rc = GIT_ENOTFOUND;
    pthread_rwlock_rdlock(&recent_lock);
    const recent_obj *o = find(b, id);
    if (o && (*data = git_odb_backend_data_alloc(b, o->len ? o->len : 1))) {
        memcpy(*data, o->data, o->len);
        *len = o->len;
        *type = o->type;
        rc = 0;
    } else if (o) {
        rc = -1;
    }
    pthread_rwlock_unlock(&recent_lock);
    return rc;
}

static int r_read_header(size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *id)
{
    pthread_rwlock_rdlock(&recent_lock);
    const recent_obj *o = find(b, id);
    if (o) {
        *len = o->len;
        *type = o->type;
    }
    pthread_rwlock_unlock(&recent_lock);
    return o ? 0 : GIT_ENOTFOUND;
}

static int r_exists(git_odb_backend *b, const git_oid *id)
{
    pthread_rwlock_rdlock(&recent_lock);
    int found = find(b, id) != NULL;
    pthread_rwlock_unlock(&recent_lock);
    return found;
}

/* A walk over every object (gc, fsck) meets these in the packs they were copied from. */
static int r_foreach(git_odb_backend *b, git_odb_foreach_cb cb, void *payload)
{
    (void)b;
    (void)cb;
    (void)payload;
    return 0;
}

static void r_free(git_odb_backend *b)
{
    free(((recent_backend *)b)->key);
    free(b);
}

/* above libgit2's packs (2) and loose objects (1), below a writer's mempack (1000) */
#define RECENT_PRIORITY 500

int baton_recent_attach(baton_store *store, git_repository *repo)
{
    git_odb *odb;
    recent_backend *b = calloc(1, sizeof *b);
    if (!b || !(b->key = strdup(store->lock_path)) || git_odb_init_backend(&b->parent, GIT_ODB_BACKEND_VERSION) < 0) {
        if (b)
            free(b->key);
        free(b);
        return baton_error_set(BATON_ERROR, "out of memory");
    }
    b->parent.read = r_read;
    b->parent.read_header = r_read_header;
    b->parent.exists = r_exists;
    /* never counted on for a write: what a save writes goes into its own pack */
    b->parent.freshen = baton_odb_freshen_none;
    b->parent.foreach = r_foreach;
    b->parent.free = r_free;
    if (git_repository_odb(&odb, repo) < 0) {
        r_free(&b->parent);
        return baton_git_error("cannot open the object database");
    }
    int r = git_odb_add_backend(odb, &b->parent, RECENT_PRIORITY);
    git_odb_free(odb);
    if (r < 0) {
        r_free(&b->parent);
        return baton_git_error("cannot open the object database");
    }
    return 0;
}
