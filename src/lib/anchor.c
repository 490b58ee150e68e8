/* Anchoring the access log in git. A hash chain inside one file proves nothing to someone who can
 * rewrite the whole file: delete a row, recompute every hash after it, and the chain verifies
 * again. So the chain's head leaves the file: every Baton commit carries it as a trailer
 * ("Baton-Audit: <epoch> <seq> <hash>", the log's head when the change was made), and a small
 * commit on refs/baton/audit carries it at least once a day the log grew, and at every purge and
 * restart. git keeps both, with every clone and backup. `audit verify` holds the log to each of
 * them: a rewritten log no longer matches the anchors made after the rewritten point. The epoch
 * names one log: a log started again by an administrator has a new one, and its start is itself
 * an anchor commit saying who and why. */
#include "baton/audit.h"

#include "baton/date.h"
#include "baton/error.h"
#include "baton/history.h"
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT_REF "refs/baton/audit"
#define ANCHOR_EVERY (24 * 3600)

/* A commit on refs/baton/audit: an empty tree, the message, and the anchor as its trailer. */
static int anchor_commit(baton_store *store, const char *message, const char *staff, const char *epoch,
                         long long seq, const char *hash)
{
    git_oid tree_id, commit_id, parent_id;
    git_treebuilder *tb = NULL;
    git_tree *tree = NULL;
    git_commit *parent = NULL;
    git_signature *sig = NULL;
    git_reference *ref = NULL;
    char *msg = NULL;
    int rc = 0;
    int have_parent = git_reference_name_to_id(&parent_id, store->repo, AUDIT_REF) == 0;
    size_t n = strlen(message) + 300;
    if (!(msg = malloc(n)))
        return baton_error_set(BATON_ERROR, "out of memory");
    snprintf(msg, n, "%s\nBaton-Audit: %s %lld %s\n%s%s%s", message, epoch, seq, hash, staff ? "Baton-Staff: " : "",
             staff ? staff : "", staff ? "\n" : "");
    if (git_treebuilder_new(&tb, store->repo, NULL) < 0 || git_treebuilder_write(&tree_id, tb) < 0 ||
        git_tree_lookup(&tree, store->repo, &tree_id) < 0 ||
        git_signature_new(&sig, "Baton", "baton@localhost", (git_time_t)baton_now(), 0) < 0 ||
        (have_parent && git_commit_lookup(&parent, store->repo, &parent_id) < 0)) {
        rc = baton_git_error("audit anchor");
        goto out;
    }
    const git_commit *parents[1] = {parent};
    if (git_commit_create(&commit_id, store->repo, NULL, sig, sig, "UTF-8", msg, tree, have_parent ? 1 : 0, parents) < 0) {
        rc = baton_git_error("audit anchor");
        goto out;
    }
    /* a compare-and-swap like every write: if another process anchored meanwhile, theirs stands */
    int r = have_parent ? git_reference_create_matching(&ref, store->repo, AUDIT_REF, &commit_id, 1, &parent_id,
                                                        "baton: audit anchor")
                        : git_reference_create(&ref, store->repo, AUDIT_REF, &commit_id, 0, "baton: audit anchor");
    if (r < 0 && r != GIT_EMODIFIED && r != GIT_EEXISTS && r != GIT_ELOCKED)
        rc = baton_git_error("audit anchor");
out:
    git_reference_free(ref);
    git_signature_free(sig);
    git_commit_free(parent);
    git_tree_free(tree);
    git_treebuilder_free(tb);
    free(msg);
    return rc;
}

int baton_anchor_write(baton_store *store, const char *message, const char *staff)
{
    char epoch[40], hash[65];
    long long seq;
    int rc = baton_audit_head(store, epoch, &seq, hash);
    return rc ? rc : anchor_commit(store, message, staff, epoch, seq, hash);
}

static const char checkpoint_subject[] = "audit: the checkpoint of a purge";

int baton_anchor_checkpoint(baton_store *store, long long upto, const char *hash, const char *staff)
{
    char epoch[40], head[65];
    long long seq;
    int rc = baton_audit_head(store, epoch, &seq, head);
    char subject[64];
    snprintf(subject, sizeof subject, "%s\n", checkpoint_subject);
    return rc ? rc : anchor_commit(store, subject, staff, epoch, upto, hash);
}

/* The anchor a commit message carries: 1 and its parts, or 0. */
static int parse(const char *message, char epoch[40], long long *seq, char hash[65])
{
    char value[200];
    if (!message || !baton_message_trailer(message, "Baton-Audit", value, sizeof value))
        return 0;
    return sscanf(value, "%39s %lld %64s", epoch, seq, hash) == 3 && strlen(hash) == 64;
}

static void add(json_t *list, const char *epoch, const char *want, long long seq, const char *hash, const git_commit *c,
                const char *where)
{
    char hex[41];
    if (strcmp(epoch, want) != 0)
        return;
    git_oid_tostr(hex, sizeof hex, git_commit_id(c));
    const char *msg = git_commit_message(c);
    int checkpoint = msg && strncmp(msg, checkpoint_subject, strlen(checkpoint_subject)) == 0;
    json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:b}", "seq", (json_int_t)seq, "hash", hash, "commit",
                                          hex, "where", where, "checkpoint", checkpoint));
}

int baton_anchor_list(baton_store *store, const char *epoch, json_t **out)
{
    json_t *list = json_array();
    const char *const refs[] = {"refs/heads/main", AUDIT_REF};
    *out = NULL;
    for (int r = 0; r < 2; r++) {
        git_oid oid, *chain = NULL;
        size_t n = 0;
        int found;
        if (git_reference_name_to_id(&oid, store->repo, refs[r]) < 0 ||
            baton_first_parent_chain(store->repo, &oid, NULL, 0, &chain, &n, &found))
            continue;
        for (size_t i = 0; i < n; i++) {
            git_commit *c;
            char e[40], hash[65];
            long long seq;
            if (git_commit_lookup(&c, store->repo, &chain[i]) < 0)
                break;
            if (parse(git_commit_message(c), e, &seq, hash))
                add(list, e, epoch, seq, hash, c, r ? "audit ref" : "trailer");
            git_commit_free(c);
        }
        free(chain);
    }
    *out = list;
    return 0;
}

/* The newest anchor of the two places: its time and the number it anchors. */
static void newest(baton_store *store, const char *epoch, time_t *when, long long *seq)
{
    const char *const refs[] = {"refs/heads/main", AUDIT_REF};
    *when = 0;
    *seq = -1;
    for (int r = 0; r < 2; r++) {
        git_oid oid;
        git_commit *c;
        char e[40], hash[65];
        long long s;
        if (git_reference_name_to_id(&oid, store->repo, refs[r]) < 0 || git_commit_lookup(&c, store->repo, &oid) < 0)
            continue;
        if (parse(git_commit_message(c), e, &s, hash) && strcmp(e, epoch) == 0 && git_commit_time(c) >= *when) {
            *when = (time_t)git_commit_time(c);
            if (s > *seq)
                *seq = s;
        }
        git_commit_free(c);
    }
}

int baton_anchor_if_due(baton_store *store)
{
    char epoch[40], hash[65];
    long long seq, anchored;
    time_t when;
    if (store->bulk_exclusive)
        return 0;
    int rc = baton_audit_head(store, epoch, &seq, hash);
    if (rc)
        return rc;
    /* a server asks before every request: the newest anchor's time says when to look again */
    time_t now = baton_now();
    if (strcmp(store->anchor_epoch, epoch) == 0 && now >= store->anchor_checked && now < store->anchor_not_before)
        return 0;
    newest(store, epoch, &when, &anchored);
    if (now - when < ANCHOR_EVERY) {
        snprintf(store->anchor_epoch, sizeof store->anchor_epoch, "%s", epoch);
        store->anchor_checked = now;
        store->anchor_not_before = when + ANCHOR_EVERY;
    }
    if (seq <= anchored || now - when < ANCHOR_EVERY)
        return 0;
    return anchor_commit(store, "audit: anchor\n", NULL, epoch, seq, hash);
}
