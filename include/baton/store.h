/* The store: a directory holding the bare git repository that is the source of truth
 * (repo.git), the derived index and the writers' lock. Reading works at any revision; every
 * write is exactly one commit on refs/heads/main, made with a compare-and-swap so that no
 * concurrent change is ever overwritten. */
#ifndef BATON_STORE_H
#define BATON_STORE_H

#include <stddef.h>
#include <time.h>

typedef struct baton_store baton_store;

/* A commit id in hex, or a blob id; 40 characters and a NUL. */
typedef char baton_oid_hex[41];

typedef struct {
    const char *language;     /* da, sv, nb or en; default da */
    const char *organisation; /* default "Unnamed organisation" */
    const char *store_id;     /* default: random; fixtures give one, so the same seed gives the same commits */
} baton_init_options;

/* Creates a new store at path (created if missing, must not already hold a store). */
int baton_store_init(const char *path, const baton_init_options *opts);
/* Opens the store at path. BATON_ENOTFOUND if there is none. */
int baton_store_open(baton_store **out, const char *path);
/* For a handle kept across requests (a server keeps one per thread): reads the store's settings
 * again when the head moved since they were read (someone ran 'baton config set'). */
int baton_store_refresh(baton_store *store);
/* Finds a store: start itself or its nearest parent directory holding repo.git. */
int baton_store_discover(char **path_out, const char *start);
void baton_store_free(baton_store *store);

const char *baton_store_path(const baton_store *store);
/* Store metadata from baton.json at open time. */
const char *baton_store_language(const baton_store *store);
const char *baton_store_organisation(const baton_store *store);
/* The time zone documents show times in: config time_zone, else the language's. */
const char *baton_store_time_zone(const baton_store *store);
const char *baton_store_id(const baton_store *store);
/* An integer setting of baton.json's config (agreement_review_months, ...), or dflt if unset. */
long baton_store_config_int(const baton_store *store, const char *key, long dflt);
/* A text setting of baton.json's config (signing_key, sso_match, ...), or NULL if unset. */
const char *baton_store_config_string(const baton_store *store, const char *key);

/* Problems met while reading that did not stop the command: a record that breaks Baton's rules
 * (committed by plain git or another tool) is skipped, and a warning names its path and the
 * revision. Each distinct warning is kept once; the handler (optional) hears each as it comes. */
typedef void (*baton_warning_fn)(const char *message, void *ctx);
void baton_store_on_warning(baton_store *store, baton_warning_fn fn, void *ctx);
size_t baton_store_warning_count(const baton_store *store);
const char *baton_store_warning(const baton_store *store, size_t i);

/* The current head of refs/heads/main. */
int baton_store_head(baton_store *store, baton_oid_hex out);
/* Resolves a revision (commit id, prefix, or any git revspec) or a date (YYYY-MM-DD, meaning
 * the end of that UTC day, or YYYY-MM-DDTHH:MM[:SS]Z) to the commit that was head then. */
int baton_store_resolve(baton_store *store, const char *spec, baton_oid_hex out);

/* Reads the file at path in commit rev (NULL: head). *buf is NUL-terminated and freed by the
 * caller; blob_id (optional) receives the blob id, the "version" of that file. */
int baton_store_read(baton_store *store, const char *rev, const char *path, char **buf, size_t *len,
                     baton_oid_hex blob_id);
/* The blob id of path in rev, or BATON_ENOTFOUND. */
int baton_store_entry_id(baton_store *store, const char *rev, const char *path, baton_oid_hex out);
/* Calls cb for every entry name of the directory at path in rev (NULL: head). A missing
 * directory has no entries. A non-zero return from cb stops the walk and is returned. */
int baton_store_list(baton_store *store, const char *rev, const char *path,
                     int (*cb)(const char *name, int is_dir, void *ctx), void *ctx);

/* One file to write (data != NULL) or delete (data == NULL) in a commit. */
typedef struct {
    const char *path;
    const char *data;
    size_t len;
    /* The blob id this change was based on: "" means the file must not exist yet, NULL means
     * no check. If the file at the current head differs, the commit is refused as a conflict. */
    const char *expect;
    /* How to name the file in a conflict message ("case 7kq2m9"). */
    const char *label;
    /* 1: write nothing here, only hold path (a file or a directory) to expect. This is how an
     * append to a directory claims "nobody appended since I looked" (journal entry numbers). */
    int guard;
} baton_change;

typedef struct {
    const char *author_name;
    const char *author_email;
    const char *message;
    time_t when; /* 0: now */
} baton_commit_options;

/* Writes all changes as one commit on refs/heads/main, fsynced. If another writer moved the
 * head meanwhile, the changes are applied to the new head and the commit is retried; a file
 * whose content moved away from its `expect` gives BATON_ECONFLICT naming both versions. */
int baton_store_commit(baton_store *store, const baton_change *changes, size_t n, const baton_commit_options *opts,
                       baton_oid_hex out);

/* One commit of a chain. */
typedef struct {
    const baton_change *changes;
    size_t n;
    baton_commit_options opts;
} baton_commit_step;

/* Writes n commits, each on the one before, and moves refs/heads/main to the last in one
 * compare-and-swap: all of them land, or none (imports replaying a history). Expectations are
 * checked against the tree each step builds on. */
int baton_store_commit_chain(baton_store *store, const baton_commit_step *steps, size_t n, baton_oid_hex out);

/* Called with the id of the chain's last commit to make one more step on top of it (its
 * content may name that commit). Called again if the chain has to be rebuilt on a moved head. */
typedef int (*baton_chain_tail)(void *ctx, const char *parent, baton_commit_step *out);
int baton_store_commit_chain_tail(baton_store *store, const baton_commit_step *steps, size_t n, baton_chain_tail tail,
                                  void *tail_ctx, baton_oid_hex out);

/* Bulk writes (fixtures, large imports): between begin and end, commits are made by the normal
 * write path but their objects are kept in memory and written as packfiles (flush writes one now;
 * end writes the rest and makes the head durable). No other process should write meanwhile. */
int baton_store_bulk_begin(baton_store *store);
int baton_store_bulk_flush(baton_store *store);
int baton_store_bulk_end(baton_store *store);

/* Packing. Every save writes a small pack of its own (and a killed writer or plain git may leave
 * loose objects); gc packs them. Quick (full = 0) packs the loose objects and merges the small
 * packs into one, keeping the big ones as they are (a geometric rule, as git's); full packs every
 * object the store holds (the history first; objects no commit reaches are kept, never pruned)
 * into one pack and drops the old packs it covers. Both remove temporary files of killed writers
 * once they are an hour old. gc holds a lock of its own, never the writers': saves go on while it
 * runs. Normal writes run a quick gc past BATON_GC_LOOSE_THRESHOLD loose objects or
 * BATON_GC_PACK_THRESHOLD packs (BATON_NO_AUTO_GC=1 turns that off), unless another gc is running. */
#define BATON_GC_LOOSE_THRESHOLD 1024
#define BATON_GC_PACK_THRESHOLD 24
typedef struct {
    size_t loose_before, loose_removed, packs_before, packs_after, packs_removed, objects_packed;
} baton_gc_stats;
int baton_store_gc(baton_store *store, int full, baton_gc_stats *stats);
/* Whether a quick gc is due after the store's writes (1) or not (0). Cheap. */
int baton_store_gc_due(baton_store *store);
/* The gc a write runs by itself, if due and no other gc is running (stats zero when none ran). */
int baton_store_gc_auto(baton_store *store, baton_gc_stats *stats);
/* This handle's writes leave gc to its owner, so that no request waits on a repack: baton serve
 * runs `baton gc --auto` in a process of its own instead. */
void baton_store_gc_defer(baton_store *store);
/* Loose objects, estimated from one fan-out directory. */
size_t baton_store_loose_estimate(baton_store *store);

/* Commit metadata, for logs. */
typedef struct {
    baton_oid_hex id;
    baton_oid_hex parent; /* "" for the first commit */
    char author_name[128];
    char author_email[128];
    time_t when;
    char *message; /* freed by baton_commit_info_clear */
} baton_commit_info;

int baton_store_commit_info(baton_store *store, const char *rev, baton_commit_info *out);
void baton_commit_info_clear(baton_commit_info *info);

/* The id of a fresh random identifier of n characters from an unambiguous alphabet. */
int baton_random_id(char *out, size_t n);

#endif
