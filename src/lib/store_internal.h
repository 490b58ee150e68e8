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
};

/* Sets the last error from libgit2's, prefixed with what we were doing. */
int baton_git_error(const char *doing);
/* Looks up the commit named by hex rev, or head when rev is NULL. */
int baton_store_lookup_commit(baton_store *store, const char *rev, git_commit **out);
/* libgit2 reference counting: every open store holds one init. */
void baton_git_acquire(void);
void baton_git_release(void);

#endif
