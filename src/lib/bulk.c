/* Bulk writes, for fixtures and imports of many records: the same commits the normal write path
 * makes (it is the normal write path), but new objects go to libgit2's in-memory mempack backend
 * instead of one loose file each, and are written out as packfiles. fsync is off in between and
 * on for each pack and for the final ref, so a finished bulk write is as durable as any other. */
#include "store_internal.h"

#include "baton/error.h"

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <stdlib.h>
#include <string.h>

/* libgit2 reads the fsync option when a repository's backends are made: a fresh handle is the way
 * to change it for an open store. */
static int reopen(baton_store *store)
{
    git_repository *fresh;
    if (git_repository_open_bare(&fresh, store->repo_path) < 0)
        return baton_git_error("bulk: reopen repository");
    int rc = baton_recent_attach(store, fresh);
    if (rc) {
        git_repository_free(fresh);
        return rc;
    }
    git_repository_free(store->repo);
    store->repo = fresh;
    return 0;
}

int baton_store_bulk_begin(baton_store *store)
{
    git_odb *odb;
    int rc;
    if (store->mempack)
        return baton_error_set(BATON_EINVALID, "a bulk write is already under way");
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
    if ((rc = reopen(store)))
        return rc;
    if (git_repository_odb(&odb, store->repo) < 0)
        return baton_git_error("bulk: open object database");
    int r = git_mempack_new(&store->mempack);
    if (r == 0)
        r = git_odb_add_backend(odb, store->mempack, 1000);
    git_odb_free(odb);
    if (r < 0) {
        store->mempack = NULL;
        return baton_git_error("bulk: in-memory object store");
    }
    store->bulk_have_head = git_reference_name_to_id(&store->bulk_head, store->repo, "refs/heads/main") == 0;
    store->bulk_exclusive = 1;
    return 0;
}

void baton_bulk_note(baton_store *store, const git_oid *id)
{
    if (store->bulk_n == store->bulk_cap) {
        size_t cap = store->bulk_cap ? store->bulk_cap * 2 : 4096;
        git_oid *more = realloc(store->bulk_oids, cap * sizeof *more);
        if (!more)
            return; /* flush then finds the pack short and says so */
        store->bulk_oids = more;
        store->bulk_cap = cap;
    }
    git_oid_cpy(&store->bulk_oids[store->bulk_n++], id);
}

/* Packs exactly the objects the commits added, each on its own (git_mempack_dump would walk every
 * commit's whole tree, which grows with the store), then lets the memory go. */
int baton_store_bulk_flush(baton_store *store)
{
    git_packbuilder *pb = NULL;
    int rc = 0;
    if (!store->mempack)
        return 0;
    /* a bulk write runs with fsync off between its packs; a group's pack (commit.c) is written
     * with it on, as it always is outside a bulk write */
    if (store->bulk_exclusive)
        git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    if (git_packbuilder_new(&pb, store->repo) < 0)
        rc = baton_git_error("bulk: pack builder");
    /* a bulk write's big packs search for deltas on every core; a group's few objects are not
     * worth starting threads for, with the writers' lock held */
    git_packbuilder_set_threads(pb, store->bulk_exclusive ? 0 : 1);
    for (size_t i = 0; rc == 0 && i < store->bulk_n; i++)
        if (git_packbuilder_insert(pb, &store->bulk_oids[i], NULL) < 0)
            rc = baton_git_error("bulk: pack an object");
    if (rc == 0 && store->bulk_n && git_packbuilder_write(pb, NULL, 0, NULL, NULL) < 0)
        rc = baton_git_error("bulk: write pack");
    git_packbuilder_free(pb);
    /* a group's objects, now on disk, for the process's other handles to read without looking
     * through the packs for them (a bulk write's are far too many, and nobody reads them yet) */
    if (rc == 0 && !store->bulk_exclusive) {
        git_odb *odb;
        if (git_repository_odb(&odb, store->repo) == 0) {
            baton_recent_publish(store, odb, store->bulk_oids, store->bulk_n);
            git_odb_free(odb);
        }
    }
    if (rc == 0) {
        git_mempack_reset(store->mempack);
        store->bulk_n = 0;
    }
    if (store->bulk_exclusive)
        git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
    return rc;
}

int baton_store_bulk_end(baton_store *store)
{
    int rc = baton_store_bulk_flush(store);
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    git_oid head;
    int have_head = store->bulk_have_head;
    git_oid_cpy(&head, &store->bulk_head);
    store->bulk_have_head = 0;
    store->bulk_exclusive = 0;
    /* the odb owns the mempack backend: a fresh handle lets go of it, with fsync back on */
    store->mempack = NULL;
    free(store->bulk_oids);
    store->bulk_oids = NULL;
    store->bulk_n = store->bulk_cap = 0;
    int r = reopen(store);
    if (rc == 0)
        rc = r;
    /* the head lived in memory during the bulk write: now it is written, durably */
    git_reference *ref = NULL;
    if (rc == 0 && have_head &&
        git_reference_create(&ref, store->repo, "refs/heads/main", &head, 1, "baton: bulk write") < 0)
        rc = baton_git_error("bulk: write refs/heads/main");
    git_reference_free(ref);
    /* and then the access log's entries of every commit, in one transaction */
    if (store->bulk_tx) {
        if (rc == 0)
            rc = baton_audit_tx_commit(store->bulk_tx);
        baton_audit_tx_end(store->bulk_tx);
        store->bulk_tx = NULL;
    }
    return rc;
}
