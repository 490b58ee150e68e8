/* The writers' repository handle. Every write outside a bulk write builds its objects in memory
 * and writes them as one pack (commit.c); this is the handle it builds with, one per store handle,
 * kept from write to write. Two things libgit2's own handle does cost a server dearly:
 *   - every new object written looks for new packs on disk first (git_odb_write asks whether the
 *     object exists, and a miss rereads objects/pack): six directory reads per save, all with the
 *     writers' lock held. Here the store's packs are read through a backend that looks again only
 *     when an object it is asked to read is missing (gc may have merged its pack away), never when
 *     a new object is being written;
 *   - a fresh handle per write reads and maps every pack index again.
 * The handle is private to the store handle that made it, as the store handle is to its thread. */
#include "store_internal.h"

#include "baton/error.h"

#include <fcntl.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct {
    git_odb_backend parent;
    git_odb_backend *inner; /* the store's packs, or its loose objects */
} quiet;

#define INNER(b) (((quiet *)(b))->inner)

/* A miss may be an object whose pack gc has just merged into a new one: look again, once. */
static int again(git_odb_backend *b, int rc)
{
    return rc == GIT_ENOTFOUND && INNER(b)->refresh && INNER(b)->refresh(INNER(b)) == 0;
}

static int q_read(void **data, size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *id)
{
    int rc = INNER(b)->read(data, len, type, INNER(b), id);
    return again(b, rc) ? INNER(b)->read(data, len, type, INNER(b), id) : rc;
}

static int q_read_prefix(git_oid *out, void **data, size_t *len, git_object_t *type, git_odb_backend *b,
                         const git_oid *id, size_t n)
{
    int rc = INNER(b)->read_prefix(out, data, len, type, INNER(b), id, n);
    return again(b, rc) ? INNER(b)->read_prefix(out, data, len, type, INNER(b), id, n) : rc;
}

static int q_read_header(size_t *len, git_object_t *type, git_odb_backend *b, const git_oid *id)
{
    int rc = INNER(b)->read_header(len, type, INNER(b), id);
    return again(b, rc) ? INNER(b)->read_header(len, type, INNER(b), id) : rc;
}

static int q_exists(git_odb_backend *b, const git_oid *id)
{
    if (INNER(b)->exists(INNER(b), id))
        return 1;
    return again(b, GIT_ENOTFOUND) && INNER(b)->exists(INNER(b), id);
}

static int q_exists_prefix(git_oid *out, git_odb_backend *b, const git_oid *id, size_t n)
{
    int rc = INNER(b)->exists_prefix(out, INNER(b), id, n);
    return again(b, rc) ? INNER(b)->exists_prefix(out, INNER(b), id, n) : rc;
}

/* An object about to be written is always written: libgit2's pack backend answers a miss by
 * formatting an error for every pack it looked in, and nearly every object a save writes is new.
 * An object that was already on disk is a second copy in the new pack, which git allows and gc
 * merges. (Loose objects would cost a failed utimensat as well.) */
int baton_odb_freshen_none(git_odb_backend *b, const git_oid *id)
{
    (void)b;
    (void)id;
    return GIT_ENOTFOUND;
}

static int q_foreach(git_odb_backend *b, git_odb_foreach_cb cb, void *payload)
{
    return INNER(b)->foreach(INNER(b), cb, payload);
}

static void q_free(git_odb_backend *b)
{
    INNER(b)->free(INNER(b));
    free(b);
}

static int quiet_new(git_odb_backend **out, const char *objects, int loose)
{
    quiet *q = calloc(1, sizeof *q);
    if (!q)
        return -1;
    if (git_odb_init_backend(&q->parent, GIT_ODB_BACKEND_VERSION) < 0 ||
        (loose ? git_odb_backend_loose(&q->inner, objects, -1, 0, 0, 0) : git_odb_backend_pack(&q->inner, objects)) < 0) {
        free(q);
        return -1;
    }
    q->parent.read = q_read;
    q->parent.read_prefix = q_read_prefix;
    q->parent.read_header = q_read_header;
    q->parent.exists = q_exists;
    q->parent.exists_prefix = q_exists_prefix;
    q->parent.freshen = baton_odb_freshen_none;
    q->parent.foreach = q_foreach;
    /* none: libgit2 refreshes every backend that has one after a miss anywhere, and then asks
     * those again, a new object's write among them; this one looks again on its own, on reads */
    q->parent.free = q_free;
    *out = &q->parent;
    return 0;
}

/* An erasure's prune (gc.c) removes packs this handle may have open, and with them objects it
 * would still find (deleted files stay readable while mapped): a write finding one there would not
 * write it again, and its commit would name an object the store no longer has. So a prune stamps
 * <store>/pruned with a new file, and a handle made before the stamp is not used again. */
int baton_store_pruned_since(baton_store *store, baton_file_id *stamp)
{
    char path[4200];
    baton_file_id now = {0};
    snprintf(path, sizeof path, "%s/pruned", store->path);
    baton_file_identify(path, &now);
    if (now.ino == stamp->ino && now.dev == stamp->dev)
        return 0;
    *stamp = now;
    return 1;
}

int baton_store_writer_stale(baton_store *store)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/pruned", store->path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    baton_store_writer_free(store);
    baton_recent_forget(store);
    int fd = open(tmp, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    int ok = fd >= 0 && close(fd) == 0 && rename(tmp, path) == 0 && baton_fsync_dir(path) == 0;
    if (!ok) {
        unlink(tmp);
        return baton_error_set(BATON_ERROR, "%s: cannot mark the pruned objects", path);
    }
    return 0;
}

/* The handle: the store's refs and config, and an object database of memory first (where new
 * objects go), then the packs, then loose objects (plain git's, or an old store's). */
static int writer_open(baton_store *store)
{
    char objects[4200];
    git_repository *repo = NULL;
    git_odb *odb = NULL;
    git_odb_backend *packs = NULL, *loose = NULL, *mem = NULL;
    snprintf(objects, sizeof objects, "%s/objects", store->repo_path);
    if (git_repository_open_bare(&repo, store->repo_path) < 0)
        return baton_git_error("cannot open the repository for writing");
    int r = git_odb_new(&odb);
    if (r == 0 && (r = quiet_new(&packs, objects, 0)) == 0 && (r = git_odb_add_backend(odb, packs, 2)) < 0)
        packs->free(packs);
    if (r == 0 && (r = quiet_new(&loose, objects, 1)) == 0 && (r = git_odb_add_backend(odb, loose, 1)) < 0)
        loose->free(loose);
    if (r == 0 && (r = git_mempack_new(&mem)) == 0 && (r = git_odb_add_backend(odb, mem, 1000)) < 0) {
        mem->free(mem);
        mem = NULL;
    }
    if (r == 0)
        r = git_repository_set_odb(repo, odb);
    git_odb_free(odb); /* the repository holds it now */
    /* the group before this one built on objects it has just written: read from memory */
    if (r == 0 && baton_recent_attach(store, repo) != 0)
        r = -1;
    if (r < 0) {
        git_repository_free(repo);
        return baton_git_error("cannot open the repository for writing");
    }
    store->writer = repo;
    store->writer_mem = mem;
    return 0;
}

int baton_store_pack_begin(baton_store *store)
{
    int rc;
    if (store->mempack)
        return baton_error_set(BATON_EINVALID, "a bulk write is already under way");
    /* (under the writers' lock, which a prune holds too) */
    if (baton_store_pruned_since(store, &store->writer_stamp))
        baton_store_writer_free(store);
    if (!store->writer && (rc = writer_open(store)))
        return rc;
    /* a handle of its own: the caller may hold objects of the store's handle across the commit */
    store->pack_saved = store->repo;
    store->repo = store->writer;
    store->mempack = store->writer_mem;
    return 0;
}

void baton_store_pack_end(baton_store *store)
{
    if (!store->pack_saved)
        return;
    /* anything left in memory (a write that did not land) goes */
    git_mempack_reset(store->writer_mem);
    store->repo = store->pack_saved;
    store->pack_saved = NULL;
    store->mempack = NULL;
    free(store->bulk_oids);
    store->bulk_oids = NULL;
    store->bulk_n = store->bulk_cap = 0;
}

void baton_store_writer_free(baton_store *store)
{
    git_repository_free(store->writer);
    store->writer = NULL;
    store->writer_mem = NULL;
}
