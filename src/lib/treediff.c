/* What a commit changed: the blobs whose id differs between two trees, found by comparing tree
 * ids and descending only where they differ. libgit2's git_diff_tree_to_tree reads every subtree
 * of both sides, which over a long history (fsck, an erasure's replay) is most of the work. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void changes_add(baton_tree_changes *c, const char *path, const git_oid *old_id, const git_oid *new_id)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->items = realloc(c->items, c->cap * sizeof *c->items);
    }
    baton_tree_change *x = &c->items[c->n++];
    memset(x, 0, sizeof *x);
    x->path = strdup(path);
    if ((x->had = old_id != NULL))
        git_oid_cpy(&x->old_id, old_id);
    if ((x->has = new_id != NULL))
        git_oid_cpy(&x->new_id, new_id);
}

void baton_tree_changes_free(baton_tree_changes *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->items[i].path);
    free(c->items);
}

/* One side of a name: a blob (its id), a tree (looked up), or nothing. */
static int side(git_repository *repo, git_tree *t, const char *name, const git_oid **blob, git_tree **tree)
{
    const git_tree_entry *e = t ? git_tree_entry_byname(t, name) : NULL;
    *blob = NULL;
    *tree = NULL;
    if (!e)
        return 0;
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
        return git_tree_lookup(tree, repo, git_tree_entry_id(e));
    *blob = git_tree_entry_id(e);
    return 0;
}

static int diff_name(git_repository *repo, git_tree *a, git_tree *b, const char *name, const char *prefix,
                     baton_tree_changes *out)
{
    char path[1024];
    const git_oid *ba = NULL, *bb = NULL;
    git_tree *ta = NULL, *tb = NULL;
    snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "/" : "", name);
    int rc = side(repo, a, name, &ba, &ta);
    if (rc == 0)
        rc = side(repo, b, name, &bb, &tb);
    if (rc == 0 && (ta || tb) && !(ta && tb && git_oid_equal(git_tree_id(ta), git_tree_id(tb))))
        rc = baton_tree_diff(repo, ta, tb, path, out);
    if (rc == 0 && (ba || bb) && !(ba && bb && git_oid_equal(ba, bb)))
        changes_add(out, path, ba, bb);
    git_tree_free(ta);
    git_tree_free(tb);
    return rc;
}

int baton_tree_diff(git_repository *repo, git_tree *a, git_tree *b, const char *prefix, baton_tree_changes *out)
{
    int rc = 0;
    for (size_t i = 0; b && i < git_tree_entrycount(b) && rc == 0; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(b, i);
        const git_tree_entry *o = a ? git_tree_entry_byname(a, git_tree_entry_name(e)) : NULL;
        if (!o || !git_oid_equal(git_tree_entry_id(o), git_tree_entry_id(e)))
            rc = diff_name(repo, a, b, git_tree_entry_name(e), prefix, out);
    }
    for (size_t i = 0; a && i < git_tree_entrycount(a) && rc == 0; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(a, i);
        if (!b || !git_tree_entry_byname(b, git_tree_entry_name(e)))
            rc = diff_name(repo, a, b, git_tree_entry_name(e), prefix, out);
    }
    return rc;
}
