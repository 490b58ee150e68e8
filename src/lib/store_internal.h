/* What libbaton's own files share about the store and nobody else sees: the libgit2 handles. */
#ifndef BATON_STORE_INTERNAL_H
#define BATON_STORE_INTERNAL_H

#include "baton/store.h"

#include <git2.h>
#include <jansson.h>

struct baton_store {
    char *path;
    char *repo_path;
    char *lock_path;
    git_repository *repo;
    json_t *meta;
    git_odb_backend *mempack; /* during a bulk write: where new objects go */
    git_oid *bulk_oids;       /* ... and the objects each commit added, to pack them one by one */
    size_t bulk_n, bulk_cap;
    git_oid bulk_head;        /* ... and the head, written to refs/heads/main when the bulk write ends */
    int bulk_have_head;
    int bulk_exclusive;       /* a bulk write (baton_store_bulk_begin): lock-free, head in memory */
    git_repository *pack_saved; /* a packed chain (baton_store_pack_begin): the store's own handle */
};

/* The id of refs/heads/main (during a bulk write, the head kept in memory). GIT_ENOTFOUND-like:
 * returns -1 when there is no head yet. */
int baton_store_head_oid(baton_store *store, git_oid *out);

/* Every *.json record in a directory at rev, parsed, in tree (name) order; with version_key, each
 * carries its blob id under that member (for the compare-and-swap of a later update). */
int baton_store_read_records(baton_store *store, const char *rev, const char *dir, const char *version_key,
                             json_t **out);

/* The writers' lock (<store>/lock, flock): held by a commit between reading the head and moving
 * it, and by gc. */
int baton_store_lock(baton_store *store, int *fd);
void baton_store_unlock(int fd);
/* After a commit: an incremental (or full) gc when loose objects or packs have piled up. */
void baton_store_gc_auto(baton_store *store);

/* During a bulk write: notes an object a commit added (bulk.c packs exactly these). */
void baton_bulk_note(baton_store *store, const git_oid *id);

/* A long chain of commits (an import) made through the normal write path, lock and
 * compare-and-swap included, whose new objects go to memory and then to disk as one pack (one
 * fsync instead of one per object): begin swaps in a repository handle with an in-memory object
 * store, baton_store_bulk_flush writes the pack, end gives the store its own handle back. */
#define BATON_PACK_CHAIN_MIN 4
int baton_store_pack_begin(baton_store *store);
void baton_store_pack_end(baton_store *store);

/* Sets the last error from libgit2's, prefixed with what we were doing. */
int baton_git_error(const char *doing);
/* Looks up the commit named by hex rev, or head when rev is NULL. */
int baton_store_lookup_commit(baton_store *store, const char *rev, git_commit **out);
/* libgit2 reference counting: every open store holds one init. */
void baton_git_acquire(void);
void baton_git_release(void);

#endif
