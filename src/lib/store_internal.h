/* What libbaton's own files share about the store and nobody else sees: the libgit2 handles. */
#ifndef BATON_STORE_INTERNAL_H
#define BATON_STORE_INTERNAL_H

#include "baton/audit.h"
#include "baton/record.h"
#include "baton/staff.h"
#include "baton/store.h"

#include <git2.h>
#include <jansson.h>

/* Which file a path names (its device and inode): a connection a store handle keeps to one of
 * its SQLite files is used again only while the path still names the file it opened (file.c). */
typedef struct {
    unsigned long long ino, dev;
} baton_file_id;
/* path's identity into *id: 0, or -1 when there is no such file */
int baton_file_identify(const char *path, baton_file_id *id);
/* 1 when path still names the file id was taken from */
int baton_file_unchanged(const char *path, const baton_file_id *id);
/* Makes a directory and any missing parents, each private (0700); _parent the directory holding path. */
int baton_file_make_dir(const char *path);
int baton_file_make_parent(const char *path);
/* Removes a directory and everything below it (what a failed export or a scratch repository left). */
void baton_file_remove_tree(const char *path);
/* Syncs the directory holding path (after a rename or a new file in it). */
int baton_fsync_dir(const char *path);
/* A secret key file (key.c): a header line naming its kind, then the key in base64; mode 0600,
 * fsynced with its directory, never overwritten (BATON_EEXISTS). */
int baton_secret_write(const char *path, const char *header, const unsigned char *bin, size_t n);
int baton_secret_read(const char *path, const char *header, unsigned char *bin, size_t n);

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
    int gc_deferred;          /* writes leave packing to the handle's owner (baton_store_gc_defer) */
    git_repository *pack_saved; /* a write's pack (baton_store_pack_begin): the store's own handle */
    git_repository *writer;   /* the handle writes build with (writer.c), made by the first */
    git_odb_backend *writer_mem; /* ... and its in-memory object store */
    baton_file_id writer_stamp;  /* ... and <store>/pruned as it was when it was made */
    git_oid ready_head;       /* the head whose commits were last found logged (baton_audit_ready) */
    int ready_known;
    char anchor_epoch[40];    /* the log's epoch whose next anchor is not due before ... (anchor.c) */
    time_t anchor_checked, anchor_not_before;
    struct baton_audit_tx *bulk_tx; /* a bulk write's access-log transaction, committed when it ends */
    struct sqlite3 *audit_db;  /* the access log, kept open for the entries of reads (audit.c) */
    baton_file_id audit_file; /* ... while audit.db is still this file */
    struct sqlite3 *audit_tx_db; /* the connection a commit's log transaction used last, kept for the next */
    baton_file_id audit_tx_file; /* ... while audit.db is still this file */
    int audit_tx_busy;           /* ... and not while a transaction holds it */
    struct sqlite3 *auth_db;   /* auth.db, kept open the same way (auth.c) */
    struct baton_index *kept_index; /* the index this handle opened first, kept for its next use */
    baton_file_id index_file; /* ... while index.db is still this file (index.c) */
    baton_file_id auth_file;
    json_t *warnings;         /* what reading met and skipped (stored.c), each once */
    git_oid meta_head;        /* the head baton.json (meta) was read at (baton_store_refresh) */
    baton_oid_hex meta_blob;  /* ... and the version of the file it was ("": none) */
    int have_meta_head;
    json_t *record_cache;     /* "blob-id path" -> a record as parsed and checked (stored.c), */
    json_t *record_seen;      /* ... kept once read before: "blob-id path" -> true */
    json_t *staff_cache;      /* the staff directory as last listed (staff.c) ... */
    git_oid staff_tree;       /* ... from this tree of staff/: listed again only when it differs */
    baton_warning_fn on_warning;
    void *on_warning_ctx;
};

/* Closes the store's kept connection to auth.db (auth.c). */
void baton_auth_release(baton_store *store);
/* Closes the store's kept index (index.c). */
void baton_index_release(baton_store *store);
/* After an erasure's rebuild (index.c): secure_delete on, FTS5 optimize, VACUUM and a truncating
 * WAL checkpoint, so no page of the file and nothing in its WAL holds more than the index does. */
int baton_index_compact(baton_store *store);

/* A connection waits at most limit_ms for another's write, in short steps (sqlite_wait.c). */
struct sqlite3;
void baton_sqlite_wait(struct sqlite3 *db, long limit_ms);

/* The id of the tree at path (a directory) at head into out: 1, or 0 when there is none. */
int baton_store_dir_oid(baton_store *store, const char *path, git_oid *out);

/* ---- records read from git (stored.c) ---- */

/* The record kind a path of the tree holds (baton_record_kind), or -1 for any other path. */
int baton_record_kind_of(const char *path);
/* 0 when doc sits where its own ids say (a case's id and its directory, an entry's number and
 * its file name, ...); else BATON_EINVALID naming the field. */
int baton_record_place_check(const json_t *doc, baton_record_kind kind, const char *path);
/* Parses and checks a record's bytes as read from path: JSON, the rules of kind, its place.
 * BATON_EINVALID with the problem alone as the message (no path). */
int baton_record_check_stored(const char *data, size_t len, const char *path, baton_record_kind kind, json_t **out);
/* The same for a read at rev (NULL: head): BATON_ERECORD "<path>: this record is invalid at <rev>: ...". */
int baton_record_from_git(baton_store *store, const char *rev, const char *path, baton_record_kind kind,
                          const char *data, size_t len, json_t **out);
/* The record at path at rev (NULL: head), parsed and checked (baton_record_from_git), through the
 * handle's cache; version (may be NULL) receives its blob id. BATON_ENOTFOUND when there is no such
 * file, for the caller to say in its own words. */
int baton_record_load(baton_store *store, const char *rev, const char *path, baton_record_kind kind, json_t **out,
                      baton_oid_hex version);
/* Keeps a warning (each distinct one once) and tells the store's handler. */
void baton_store_warn(baton_store *store, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For listings: BATON_ERECORD becomes a warning ("skipped ...") and 0; other codes pass through. */
int baton_store_skip(baton_store *store, int rc);

/* The id of refs/heads/main (during a bulk write, the head kept in memory). GIT_ENOTFOUND-like:
 * returns -1 when there is no head yet. */
int baton_store_head_oid(baton_store *store, git_oid *out);

/* The first-parent chain from `from` back to `stop` (not included; NULL: to the root), newest
 * first, at most max commits (0: no limit): *out (freed by the caller) holds n ids, and *found
 * says whether stop was met. A commit that cannot be read ends the chain. */
int baton_first_parent_chain(git_repository *repo, const git_oid *from, const git_oid *stop, size_t max, git_oid **out,
                             size_t *n, int *found);

/* Every *.json record of kind in a directory at rev, parsed and checked, in tree (name) order; one
 * that breaks the rules is skipped with a warning. With version_key, each carries its blob id
 * under that member (for the compare-and-swap of a later update). */
int baton_store_read_records(baton_store *store, const char *rev, const char *dir, baton_record_kind kind,
                             const char *version_key, json_t **out);

/* The bytes of a blob known by its id (baton_store_entry_id), NUL-terminated; path names it in an
 * error. */
int baton_store_read_blob(baton_store *store, const baton_oid_hex blob_id, const char *path, char **buf, size_t *len);

/* The writers' lock (<store>/lock, flock): held by a commit between reading the head and moving
 * it (gc holds <store>/gc.lock instead). */
int baton_store_lock(baton_store *store, int *fd);
/* flock on any file, waiting at most wait_ms in the process's queue for it (BATON_EBUSY after);
 * how long writers wait; the release of either kind of lock (commit.c). */
int baton_lock_file(const char *path, long wait_ms, int *fd);
long baton_lock_wait_ms(void);
void baton_store_unlock(int fd);

/* The blobs that differ between two trees (either may be NULL), each with its path under prefix
 * and the ids before and after (treediff.c). */
typedef struct {
    char *path;
    git_oid old_id, new_id;
    int had, has; /* a blob at path before / after */
} baton_tree_change;
typedef struct {
    baton_tree_change *items;
    size_t n, cap;
} baton_tree_changes;
int baton_tree_diff(git_repository *repo, git_tree *a, git_tree *b, const char *prefix, baton_tree_changes *out);
void baton_tree_changes_free(baton_tree_changes *c);

/* For an erasure, under the writers' lock (gc.c): one pack of every object the refs reach; every
 * other pack and every loose object goes, whatever it held. Writers write their objects only under
 * that lock (commit.c), so none is about to use one that went. */
int baton_store_gc_prune(baton_store *store, baton_gc_stats *stats);

/* During a bulk write: notes an object a commit added (bulk.c packs exactly these). */
void baton_bulk_note(baton_store *store, const git_oid *id);
/* ... a commit, its tree and the trees on the paths its updates changed (not their blobs). */
void baton_bulk_note_commit(baton_store *store, const git_oid *commit, git_tree *tree, const git_tree_update *u,
                            size_t n);

/* Every write outside a bulk write (commit.c) sends its new objects to memory and then to disk as
 * one pack (one file and its fsync instead of one per object): begin swaps in a repository handle
 * with an in-memory object store, baton_store_bulk_flush writes the pack, end gives the store its
 * own handle back. */
int baton_store_pack_begin(baton_store *store);
void baton_store_pack_end(baton_store *store);
/* Lets the writers' handle go (baton_store_free). */
void baton_store_writer_free(baton_store *store);
/* After a prune: no writers' handle made before it is used again, in any process (writer.c). */
int baton_store_writer_stale(baton_store *store);
/* 1 when a prune (baton_store_writer_stale, in any process) came since *stamp was taken, and *stamp
 * is then the prune's: what was kept from before it must go. */
int baton_store_pruned_since(baton_store *store, baton_file_id *stamp);

/* baton_config_set without the session's check, for the library's own settings (the signing key's
 * location, written by key generate). */
int baton_config_write(baton_store *store, const baton_identity *as, const char *key, const char *value,
                       const char *reason, baton_oid_hex commit);

/* Creates path empty with mode 0600 unless it exists (file.c): the store's SQLite files. */
int baton_file_private(const char *path);

/* ---- the objects of the latest saves, shared by the process's handles (recent.c) ---- */

/* Makes repo's object database ask the store's recent objects first: above libgit2's packs and
 * loose objects, below a write's own objects in memory. */
int baton_recent_attach(baton_store *store, git_repository *repo);
/* Copies objects just written to a durable pack from the writers' database (never fails a save). */
void baton_recent_publish(baton_store *store, git_odb *from, const git_oid *ids, size_t n);
/* Forgets the store's recent objects (a prune removed objects). */
void baton_recent_forget(baton_store *store);
/* An odb backend's freshen that answers "not there" to every write: the object is written (writer.c). */
int baton_odb_freshen_none(git_odb_backend *b, const git_oid *id);
/* Frees every store's, when the process's last handle has gone. */
void baton_recent_release_all(void);

/* ---- the access log's part in writing (audit.c, anchor.c) ---- */

/* A new, empty access log for the store (baton init). */
int baton_audit_create(baton_store *store);
/* Closes the store's own connection to the log (baton_store_free, and before the log is moved). */
void baton_audit_release(baton_store *store);
/* The log's head: its epoch, the last entry's number and hash. */
int baton_audit_head(baton_store *store, char epoch[40], long long *seq, char hash[65]);
/* A commit's entries, written with the commit: begin (under the store lock, before anything is
 * built: a log that cannot be written stops the save here), the anchor for the commit's
 * Baton-Audit trailer, stage the entries once the commit's id is known (the next staged ones chain
 * on them: a group's commits, or a bulk write's), commit them once the ref moved; end closes (and
 * rolls back what was not committed). */
typedef struct baton_audit_tx baton_audit_tx;
int baton_audit_tx_begin(baton_store *store, baton_audit_tx **out);
/* Erasing a case from the log (erase.c): the entries whose text goes (the case's own, and searches
 * whose terms name the child or the case) and the digest of what stays of them; then their text
 * removed, marked erased and the commit map recorded, in one transaction, with the file rewritten
 * (secure_delete, VACUUM, a truncating checkpoint); and whether that was done for case_id. */
int baton_audit_erasure_scope(baton_store *store, const char *case_id, const char *name, json_t **seqs, char sha[65]);
int baton_audit_erasure_apply(baton_store *store, const char *case_id, const json_t *seqs, const json_t *commit_map);
int baton_audit_erasure_applied(baton_store *store, const char *case_id);
/* Whether an archive package of case_id was exported (the log's export entry of it). */
int baton_audit_archived(baton_store *store, const char *case_id);
void baton_audit_tx_anchor(const baton_audit_tx *tx, char *out, size_t n);
int baton_audit_tx_stage(baton_audit_tx *tx, const baton_audit_entry *e, size_t n);
int baton_audit_tx_commit(baton_audit_tx *tx);
void baton_audit_tx_end(baton_audit_tx *tx);
/* Anchors (anchor.c): a commit on refs/baton/audit with the log's head (or a purge's checkpoint);
 * one when the last is a day old and the log has grown; every anchor of an epoch, oldest last. */
int baton_anchor_write(baton_store *store, const char *message, const char *staff);
int baton_anchor_checkpoint(baton_store *store, long long upto, const char *hash, const char *staff);
int baton_anchor_if_due(baton_store *store);
int baton_anchor_list(baton_store *store, const char *epoch, json_t **out);

/* Sets the last error from libgit2's, prefixed with what we were doing. */
int baton_git_error(const char *doing);
/* Looks up the commit named by hex rev, or head when rev is NULL. */
int baton_store_lookup_commit(baton_store *store, const char *rev, git_commit **out);
/* libgit2 reference counting: every open store holds one init. */
void baton_git_acquire(void);
void baton_git_release(void);

#endif
