/* The access log. SQLite with synchronous=FULL: unlike index.db this is not derived, so an entry
 * that was acknowledged must survive power loss, and a missing or damaged log is never replaced
 * silently: every command is refused until an administrator restores it or starts a new one,
 * which is recorded in git. Appends run in an IMMEDIATE transaction, so two processes never chain
 * to the same previous entry. Each entry's hash covers its sequence number, its fields (length-
 * prefixed, so no field can pass for two) and the previous hash; the first entry after a purge
 * chains to the checkpoint. The chain's head is anchored in git (anchor.c), so a log whose hashes
 * were recomputed after rows were deleted no longer matches its anchors.
 *
 * A change is logged in the same motion as its commit: the commit path opens a transaction here,
 * stages the entry with the new commit's id, moves the ref, and only then commits the entry. A
 * log that cannot be written stops the save before the ref moves; an entry lost to a crash after
 * the ref moved is recorded late by the next command (baton_audit_ready), from the commit. */
#include "baton/audit.h"

#include "baton/buf.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/history.h"
#include "baton/packet.h"
#include "baton/policy.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define LOG_FORMAT "2"
#define RECOVER_DEPTH 1000

static int db_fail(sqlite3 *db, const char *doing)
{
    return baton_error_set(BATON_ERROR, "audit log: %s: %s", doing, db ? sqlite3_errmsg(db) : "cannot open");
}

static int has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    int has = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        has = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return has;
}

/* A log that takes no entries stops whatever wanted one: the read is not shown, the change not made. */
static int write_fail(sqlite3 *db)
{
    return baton_error_set(BATON_ERROR, "the access log cannot be written (%s): nothing was shown or written",
                           sqlite3_errmsg(db));
}

static void log_path(baton_store *store, char *out, size_t n) { snprintf(out, n, "%s/audit.db", store->path); }

static const char *const what_now =
    "nothing is shown or changed until an administrator restores it from a backup, or starts a new log with "
    "'baton audit init --reason TEXT' (the old file is kept, and the new start is recorded in git)";

static int broken(const char *path, const char *what)
{
    return baton_error_set(BATON_ERROR, "the access log (%s) %s: %s", path, what, what_now);
}

static const char *meta(sqlite3 *db, const char *key, char *out, size_t n)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return out[0] ? out : NULL;
}

/* The change entries alone, newest first in one step: every command asks for the last one
 * (unlogged), and without it that question read back through every read since the last change
 * (a busy server's log holds hundreds of thousands). A log made before it gets it when next
 * opened (open_log). */
#define COMMITS_INDEX "CREATE INDEX IF NOT EXISTS entries_commits ON entries(seq) WHERE commit_id IS NOT NULL;"

static int has_commits_index(sqlite3 *db)
{
    sqlite3_stmt *st;
    int has = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'entries_commits'", -1, &st,
                           NULL) == SQLITE_OK)
        has = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return has;
}

/* Opens the log. It must exist, be a log of this format and belong to this store: anything else
 * is refused with what an administrator can do. create: a new, empty log (init only). */
static int open_log_at(baton_store *store, const char *path, int create, sqlite3 **out)
{
    sqlite3 *db = NULL;
    struct stat st;
    *out = NULL;
    if (!create && stat(path, &st) != 0)
        return broken(path, "is missing");
    if (create && baton_file_private(path))
        return BATON_ERROR;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
#ifdef BATON_TEST_HOOKS
    /* fault injection, in test builds only: the log as a read-only file (root ignores file modes) */
    const char *fault = getenv("BATON_FAULT");
    if (fault && strstr(fault, "audit-readonly"))
        flags = SQLITE_OPEN_READONLY;
#endif
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        int rc = broken(path, sqlite3_errmsg(db) && *sqlite3_errmsg(db) ? "cannot be opened" : "cannot be opened");
        sqlite3_close(db);
        return rc;
    }
    baton_sqlite_wait(db, 30000);
    char *err = NULL;
    int rc = 0;
    if (sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, &err) != SQLITE_OK)
        rc = broken(path, "is damaged");
    if (rc == 0 && create &&
        sqlite3_exec(db,
                     "BEGIN IMMEDIATE;"
                     "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                     "CREATE TABLE IF NOT EXISTS entries(seq INTEGER PRIMARY KEY, time TEXT NOT NULL, staff TEXT NOT NULL,"
                     " action TEXT NOT NULL, case_id TEXT, query TEXT, purpose TEXT, prev TEXT NOT NULL,"
                     " hash TEXT NOT NULL, commit_id TEXT);"
                     "CREATE INDEX IF NOT EXISTS entries_case ON entries(case_id);"
                     "CREATE INDEX IF NOT EXISTS entries_action ON entries(action, time);"
                     COMMITS_INDEX
                     "CREATE TABLE IF NOT EXISTS checkpoints(id INTEGER PRIMARY KEY, time TEXT NOT NULL, staff TEXT NOT NULL,"
                     " upto INTEGER NOT NULL, removed INTEGER NOT NULL, before TEXT NOT NULL, hash TEXT NOT NULL);"
                     "COMMIT;",
                     NULL, NULL, &err) != SQLITE_OK)
        rc = db_fail(db, err ? err : "create");
    sqlite3_free(err);
    /* a log is ours when it says so: this format, this store */
    char format[16], store_id[80];
    if (rc == 0 && !create) {
        if (!meta(db, "format", format, sizeof format))
            rc = broken(path, sqlite3_errcode(db) == SQLITE_OK || sqlite3_errcode(db) == SQLITE_DONE
                                  ? "was written by an older Baton, or is not an access log"
                                  : "is damaged (not a readable database)");
        else if (strcmp(format, LOG_FORMAT) != 0)
            rc = broken(path, "has a format this Baton does not know");
        else if (!meta(db, "store_id", store_id, sizeof store_id) || strcmp(store_id, baton_store_id(store)) != 0)
            rc = broken(path, "belongs to another store");
    }
    /* write-ahead logging: with synchronous=FULL a commit is one append and one fsync of the WAL,
     * where a rollback journal takes four (journal, its header, the file, the journal's removal);
     * every read waits for its entry, so this is most of a search's time. The last connection
     * to close folds the WAL back in and removes it, so between commands audit.db is whole. A log
     * that cannot switch (opened read-only) keeps its journal mode and is refused on its first write. */
    if (rc == 0)
        sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    /* a log from before the index gets it now; one that cannot be written is refused at its
     * first write as ever, and meanwhile only reads more slowly */
    if (rc == 0 && !create && !has_commits_index(db))
        sqlite3_exec(db, COMMITS_INDEX, NULL, NULL, NULL);
    if (rc) {
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

/* The store keeps one connection to its log for the reads and appends it makes (a search, a
 * show, a list: one entry each), so an entry costs an append and an fsync, not an open, a WAL
 * created, synced and removed, and a checkpoint. It is used again only while audit.db is still
 * the file it opened (same inode): a log moved aside, removed or replaced is opened afresh, and
 * so refused or accepted by the same checks as ever. */
static int open_log(baton_store *store, sqlite3 **out)
{
    char path[4200];
    log_path(store, path, sizeof path);
    if (store->audit_db) {
        if (baton_file_unchanged(path, &store->audit_file)) {
            *out = store->audit_db;
            return 0;
        }
        sqlite3_close(store->audit_db);
        store->audit_db = NULL;
    }
    int rc = open_log_at(store, path, 0, out);
    if (rc == 0 && baton_file_identify(path, &store->audit_file) == 0)
        store->audit_db = *out;
    return rc;
}

/* A connection of its own, for the commit path's transaction (it stays open across the commit). */
static int open_log_own(baton_store *store, sqlite3 **out)
{
    char path[4200];
    log_path(store, path, sizeof path);
    return open_log_at(store, path, 0, out);
}

/* Gives back what open_log gave: the store's own connection stays open. */
static void close_log(baton_store *store, sqlite3 *db)
{
    if (db != store->audit_db)
        sqlite3_close(db);
}

void baton_audit_release(baton_store *store)
{
    sqlite3_close(store->audit_db);
    store->audit_db = NULL;
    if (!store->audit_tx_busy) {
        sqlite3_close(store->audit_tx_db);
        store->audit_tx_db = NULL;
    }
}

static const char *text(const char *s) { return s ? s : ""; }

/* sha256 over the entry: seq, its fields and the hash of the entry before, each length-prefixed
 * ("5:hello;"), a missing one as "~;", so that no content can move a boundary between fields. */
static void entry_hash(sqlite3_int64 seq, const char *time, const char *staff, const char *action, const char *case_id,
                       const char *query, const char *purpose, const char *prev, const char *commit, char out[65])
{
    const char *fields[] = {time, staff, action, case_id, query, purpose, prev, commit};
    size_t n = 64;
    for (size_t i = 0; i < 8; i++)
        n += strlen(text(fields[i])) + 24;
    char *buf = malloc(n);
    if (!buf) {
        memset(out, '0', 64);
        out[64] = '\0';
        return;
    }
    size_t len = (size_t)snprintf(buf, n, "%lld;", (long long)seq);
    for (size_t i = 0; i < 8; i++)
        len += fields[i] ? (size_t)snprintf(buf + len, n - len, "%zu:%s;", strlen(fields[i]), fields[i])
                         : (size_t)snprintf(buf + len, n - len, "~;");
    baton_sha256_hex(buf, len, out);
    free(buf);
}

/* The last checkpoint: the hash the entry after it chains to, and the last seq it removed.
 * Without one: the genesis, and 0. */
static void last_checkpoint(sqlite3 *db, char hash[65], sqlite3_int64 *upto)
{
    sqlite3_stmt *st;
    snprintf(hash, 65, "%s", GENESIS);
    *upto = 0;
    if (sqlite3_prepare_v2(db, "SELECT hash, upto FROM checkpoints ORDER BY id DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(st, 0));
        *upto = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
}

/* The hash the next entry chains to: the last entry's, or the last checkpoint's, or the genesis. */
static void chain_head(sqlite3 *db, char out[65], sqlite3_int64 *last_seq)
{
    sqlite3_stmt *st;
    last_checkpoint(db, out, last_seq);
    if (sqlite3_prepare_v2(db, "SELECT hash, seq FROM entries ORDER BY seq DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        snprintf(out, 65, "%s", (const char *)sqlite3_column_text(st, 0));
        *last_seq = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
}

/* Writes run in an IMMEDIATE transaction: begin, and end it (commit, or roll back on rc). */
static int begin(sqlite3 *db)
{
    return sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : write_fail(db);
}

static int end(sqlite3 *db, int rc)
{
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = write_fail(db);
    if (rc)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Inserts entries after the chain head (in the caller's transaction); *last receives the new head. */
static int insert(sqlite3 *db, const baton_audit_entry *e, size_t n, sqlite3_int64 *last, char prev[65])
{
    char now[21], hash[65];
    sqlite3_stmt *st;
    int rc = 0;
    baton_datetime_format(now, baton_now());
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO entries(seq, time, staff, action, case_id, query, purpose, prev, hash, commit_id)"
                           " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, "prepare");
    for (size_t i = 0; i < n && rc == 0; i++) {
        entry_hash(*last + 1, now, text(e[i].staff), e[i].action, e[i].case_id, e[i].query, e[i].purpose, prev,
                   e[i].commit, hash);
        sqlite3_bind_int64(st, 1, *last + 1);
        sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, text(e[i].staff), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, text(e[i].action), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, e[i].case_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, e[i].query, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, e[i].purpose, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, prev, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, e[i].commit, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = write_fail(db);
        sqlite3_reset(st);
        (*last)++;
        memcpy(prev, hash, 65);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The threads of one process append by group commit. Each queues its entries; the first to find
 * no writer at work becomes the writer for everything queued for the same log by then, in queue
 * order, in one transaction and so one fsync; the others wait until theirs is written (or has
 * failed: each hears the transaction's outcome). Appending one by one, a server's threads each
 * paid an fsync in turn, and the log was where every page queued. Other processes (the command
 * line) still meet SQLite's lock as ever. */
typedef struct queued {
    const char *path; /* the store's, standing for its audit.db */
    const baton_audit_entry *e;
    size_t n;
    int done, rc;
    char why[300]; /* the writer's message when it failed, for this thread's baton_error_last() */
    struct queued *next;
} queued;

static pthread_mutex_t appending = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t appended = PTHREAD_COND_INITIALIZER;
static queued *waiting;  /* oldest first */
static int writing;      /* a writer is at work */

/* Writes a batch (a list through next) to store's log, in one transaction. */
static int append_batch(baton_store *store, queued *batch)
{
    sqlite3 *db;
    int rc = open_log(store, &db);
    if (rc)
        return rc;
    if ((rc = begin(db)) == 0) {
        char prev[65];
        sqlite3_int64 last;
        chain_head(db, prev, &last);
        for (queued *q = batch; q && rc == 0; q = q->next)
            rc = insert(db, q->e, q->n, &last, prev);
        rc = end(db, rc);
    }
    close_log(store, db);
    return rc;
}

int baton_audit_append_many(baton_store *store, const baton_audit_entry *e, size_t n)
{
    /* during a bulk write the log's transaction is already open, in this process */
    if (store->bulk_tx)
        return baton_audit_tx_stage(store->bulk_tx, e, n);
    queued me = {store->path, e, n, 0, 0, "", NULL};
    pthread_mutex_lock(&appending);
    queued **tail = &waiting;
    while (*tail)
        tail = &(*tail)->next;
    *tail = &me;
    while (!me.done) {
        if (writing) {
            pthread_cond_wait(&appended, &appending);
            continue;
        }
        /* this thread writes: everything queued for this log, the rest stays queued */
        writing = 1;
        queued *batch = NULL, **btail = &batch;
        for (queued **q = &waiting; *q;) {
            if (strcmp((*q)->path, store->path) == 0) {
                queued *take = *q;
                *q = take->next;
                take->next = NULL;
                *btail = take;
                btail = &take->next;
            } else {
                q = &(*q)->next;
            }
        }
        pthread_mutex_unlock(&appending);
        int rc = append_batch(store, batch);
        pthread_mutex_lock(&appending);
        for (queued *q = batch, *next; q; q = next) {
            next = q->next;
            q->rc = rc;
            if (rc)
                snprintf(q->why, sizeof q->why, "%s", baton_error_last());
            q->done = 1;
        }
        writing = 0;
        pthread_cond_broadcast(&appended);
    }
    pthread_mutex_unlock(&appending);
    /* written by another thread: its words, in this one */
    if (me.rc && strcmp(baton_error_last(), me.why) != 0)
        return baton_error_set(me.rc, "%s", me.why);
    return me.rc;
}

int baton_audit_append(baton_store *store, const baton_audit_entry *e) { return baton_audit_append_many(store, e, 1); }

/* ---- the commit path's transaction ---- */

struct baton_audit_tx {
    sqlite3 *db;
    sqlite3_int64 head; /* the last entry in the transaction: what the next staged entries chain on */
    char head_hash[65], epoch[40];
    int open;
    baton_store *kept; /* the store handle whose kept connection this is, or NULL: closed at the end */
};

/* A commit's transaction has a connection of its own, apart from the one the handle logs reads
 * through (a bulk write keeps its transaction open across many commits). It is kept from one
 * transaction to the next, as that one is, while audit.db is still the file it opened: opening
 * it (the schema read, the checks, the WAL's first sync of the directory) cost a server's
 * group of saves more than its entries did. */
static int open_log_tx(baton_store *store, baton_audit_tx *tx)
{
    char path[4200];
    log_path(store, path, sizeof path);
    if (store->audit_tx_db && !store->audit_tx_busy) {
        if (baton_file_unchanged(path, &store->audit_tx_file)) {
            tx->db = store->audit_tx_db;
            tx->kept = store;
            store->audit_tx_busy = 1;
            return 0;
        }
        sqlite3_close(store->audit_tx_db);
        store->audit_tx_db = NULL;
    }
    int rc = open_log_at(store, path, 0, &tx->db);
    if (rc == 0 && !store->audit_tx_db && baton_file_identify(path, &store->audit_tx_file) == 0) {
        store->audit_tx_db = tx->db;
        tx->kept = store;
        store->audit_tx_busy = 1;
    }
    return rc;
}

int baton_audit_tx_begin(baton_store *store, baton_audit_tx **out)
{
    baton_audit_tx *tx = calloc(1, sizeof *tx);
    *out = NULL;
    if (!tx)
        return baton_error_set(BATON_ERROR, "out of memory");
    int rc = open_log_tx(store, tx);
    if (rc == 0 && (rc = begin(tx->db)) == 0) {
        tx->open = 1;
        chain_head(tx->db, tx->head_hash, &tx->head);
        meta(tx->db, "epoch", tx->epoch, sizeof tx->epoch);
    }
    if (rc) {
        baton_audit_tx_end(tx);
        return baton_error_prefix(rc, "nothing was written: ");
    }
    *out = tx;
    return 0;
}

void baton_audit_tx_anchor(const baton_audit_tx *tx, char *out, size_t n)
{
    snprintf(out, n, "%s %lld %s", tx->epoch, (long long)tx->head, tx->head_hash);
}

int baton_audit_tx_stage(baton_audit_tx *tx, const baton_audit_entry *e, size_t n)
{
    char prev[65];
    sqlite3_int64 last = tx->head;
    memcpy(prev, tx->head_hash, sizeof prev);
    int rc = insert(tx->db, e, n, &last, prev);
    if (rc == 0) {
        tx->head = last;
        memcpy(tx->head_hash, prev, sizeof prev);
        return 0;
    }
    /* some of them may be in: the next ones chain on what the transaction holds */
    chain_head(tx->db, tx->head_hash, &tx->head);
    return rc;
}

int baton_audit_tx_commit(baton_audit_tx *tx)
{
    tx->open = 0;
    return end(tx->db, 0);
}

void baton_audit_tx_end(baton_audit_tx *tx)
{
    if (!tx)
        return;
    if (tx->open)
        sqlite3_exec(tx->db, "ROLLBACK", NULL, NULL, NULL);
    if (tx->kept && sqlite3_get_autocommit(tx->db))
        tx->kept->audit_tx_busy = 0;
    else if (tx->kept) {
        /* a transaction still open (a rollback that failed) is not lent to the next one */
        sqlite3_close(tx->db);
        tx->kept->audit_tx_db = NULL;
        tx->kept->audit_tx_busy = 0;
    } else
        sqlite3_close(tx->db);
    free(tx);
}

/* ---- creating, checking, restarting ---- */

/* The epoch of a store's first log comes from its store id (so that a fixture made twice is the
 * same, byte for byte); a log started again gets a random one. */
static int write_meta(sqlite3 *db, baton_store *store, int again)
{
    char epoch[20], now[21], sql[512], h[65];
    if (again) {
        if (baton_random_id(epoch, 16))
            return BATON_ERROR;
    } else {
        char seed[128];
        int n = snprintf(seed, sizeof seed, "baton audit epoch %s", baton_store_id(store));
        baton_sha256_hex(seed, (size_t)n, h);
        snprintf(epoch, sizeof epoch, "%.16s", h);
    }
    baton_datetime_format(now, baton_now());
    snprintf(sql, sizeof sql,
             "INSERT OR REPLACE INTO meta VALUES('format', '" LOG_FORMAT "'), ('store_id', '%s'), ('epoch', '%s'),"
             " ('created', '%s')",
             baton_store_id(store), epoch, now);
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : db_fail(db, "create");
}

static int create(baton_store *store, int again)
{
    char path[4200];
    sqlite3 *db;
    log_path(store, path, sizeof path);
    int rc = open_log_at(store, path, 1, &db);
    if (rc == 0) {
        rc = write_meta(db, store, again);
        sqlite3_close(db);
    }
    return rc;
}

int baton_audit_create(baton_store *store) { return create(store, 0); }

/* The commits on the first-parent chain after the last change the log records, oldest first, when
 * that change is one of the last RECOVER_DEPTH commits; else an empty list. */
static json_t *unlogged(baton_store *store, sqlite3 *db)
{
    sqlite3_stmt *st;
    char last[41] = "";
    json_t *list = json_array();
    if (sqlite3_prepare_v2(db, "SELECT commit_id FROM entries WHERE commit_id IS NOT NULL ORDER BY seq DESC LIMIT 1", -1,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(last, sizeof last, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    git_oid oid, stop;
    if (!last[0] || git_oid_fromstr(&stop, last) < 0 || baton_store_head_oid(store, &oid) < 0)
        return list;
    git_oid *chain = NULL;
    size_t n = 0;
    int found = 0;
    if (baton_first_parent_chain(store->repo, &oid, &stop, RECOVER_DEPTH, &chain, &n, &found) == 0 && found) {
        for (size_t i = n; i-- > 0;) {
            char hex[41];
            git_oid_tostr(hex, sizeof hex, &chain[i]);
            json_array_append_new(list, json_string(hex));
        }
    }
    free(chain);
    return list;
}

int baton_audit_ready(baton_store *store)
{
    sqlite3 *db;
    /* a bulk write has the store, and its log's transaction, to itself */
    if (store->bulk_tx || store->bulk_exclusive)
        return 0;
    /* a server asks before every request: a head already found logged needs no second look */
    git_oid head;
    int have_head = baton_store_head_oid(store, &head) == 0;
    if (have_head && store->ready_known && git_oid_equal(&head, &store->ready_head))
        return baton_anchor_if_due(store);
    int rc = open_log(store, &db);
    if (rc)
        return rc;
    /* a change whose entry was lost to a crash between the ref and the log (or one pushed with
     * plain git) is recorded now, from its commit */
    json_t *late = unlogged(store, db);
    if (json_array_size(late) && (rc = begin(db)) == 0) {
        /* a writer moves the ref and then commits its entries, holding the log's write lock from
         * before the ref moved: with that lock, what looked unlogged may have been logged since */
        json_decref(late);
        late = unlogged(store, db);
        char prev[65];
        sqlite3_int64 last;
        chain_head(db, prev, &last);
        size_t i;
        json_t *x;
        json_array_foreach(late, i, x) {
            baton_commit_info info;
            char staff[40] = "", case_id[40] = "";
            if (rc || baton_store_commit_info(store, json_string_value(x), &info))
                continue;
            baton_message_trailer(info.message, "Baton-Staff", staff, sizeof staff);
            baton_message_trailer(info.message, "Baton-Case", case_id, sizeof case_id);
            baton_audit_entry e = {staff[0] ? staff : "?", "change", case_id[0] ? case_id : NULL,
                                   "recorded late: the change reached git without its entry", NULL,
                                   json_string_value(x)};
            rc = insert(db, &e, 1, &last, prev);
            baton_commit_info_clear(&info);
        }
        rc = end(db, rc);
    }
    json_decref(late);
    close_log(store, db);
    if (rc == 0 && have_head) {
        git_oid_cpy(&store->ready_head, &head);
        store->ready_known = 1;
    }
    /* the chain's head goes into git at least once a day, also on days without a change */
    if (rc == 0)
        rc = baton_anchor_if_due(store);
    return rc;
}

int baton_audit_init(baton_store *store, const char *staff_id, const char *reason, json_t **report)
{
    char path[4200], kept[4300] = "", why[160];
    json_t *staff = NULL;
    sqlite3 *db;
    *report = NULL;
    int rc = baton_staff_get(store, NULL, staff_id ? staff_id : "", &staff);
    if (rc)
        return baton_error_set(BATON_EDENIED, "--as: a coordinator or leader starts a new access log: %s",
                               baton_error_last());
    const char *rule = baton_policy_rule(staff, BATON_ACCESS_ADMIN, NULL, NULL, why, sizeof why);
    json_decref(staff);
    if (!rule)
        return baton_error_set(BATON_EDENIED, "--as: only an active coordinator or leader may start a new access log");
    if (!reason || !*reason)
        return baton_error_set(BATON_EINVALID, "--reason: required: why the log is started again (it is recorded in git)");
    if ((rc = baton_line_check(reason, 500, "--reason")))
        return rc;
    log_path(store, path, sizeof path);
    struct stat st;
    const char *was = "missing";
    if (stat(path, &st) == 0) {
        if (open_log(store, &db) == 0) {
            close_log(store, db);
            if (baton_audit_check(store, NULL) == 0)
                return baton_error_set(BATON_EINVALID, "the access log is whole and verifies: there is nothing to "
                                                       "start again");
        }
        baton_error_clear();
        /* the old file stays, beside, for whoever investigates */
        char stamp[21];
        baton_datetime_format(stamp, baton_now());
        snprintf(kept, sizeof kept, "%s.damaged-%s", path, stamp);
        baton_audit_release(store);
        if (rename(path, kept) != 0)
            return baton_error_set(BATON_ERROR, "%s: cannot be moved aside: %s", path, strerror(errno));
        char side[4400], moved[4400];
        snprintf(side, sizeof side, "%s-wal", path);
        snprintf(moved, sizeof moved, "%s-wal", kept);
        rename(side, moved);
        snprintf(side, sizeof side, "%s-journal", path);
        snprintf(moved, sizeof moved, "%s-journal", kept);
        rename(side, moved);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side); /* the WAL's index, rebuilt from the WAL by whoever opens the kept file */
        was = "damaged";
    }
    if ((rc = create(store, 1)))
        return rc;
    char q[800];
    snprintf(q, sizeof q, "a new log: the previous one was %s%s%s; %s", was, kept[0] ? ", kept as " : "",
             kept[0] ? strrchr(kept, '/') + 1 : "", reason);
    baton_audit_entry e = {staff_id, "log-start", NULL, q, NULL, NULL};
    if ((rc = baton_audit_append(store, &e)))
        return rc;
    char message[1200];
    snprintf(message, sizeof message, "audit: a new access log, started by %s\n\n%s\n", staff_id, reason);
    if ((rc = baton_anchor_write(store, message, staff_id)))
        return rc;
    *report = json_pack("{s:s, s:s?}", "previous", was, "kept", kept[0] ? kept : NULL);
    return 0;
}

/* ---- reading ---- */

static json_t *row_json(sqlite3_stmt *st, int with_staff)
{
    json_t *o = json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)sqlite3_column_int64(st, 0), "time",
                          (const char *)sqlite3_column_text(st, 1), "action", (const char *)sqlite3_column_text(st, 3));
    if (with_staff)
        json_object_set_new(o, "staff", json_string((const char *)sqlite3_column_text(st, 2)));
    const char *keys[] = {"case", "query", "purpose"};
    for (int k = 0; k < 3; k++)
        if (sqlite3_column_text(st, 4 + k))
            json_object_set_new(o, keys[k], json_string((const char *)sqlite3_column_text(st, 4 + k)));
    return o;
}

/* Entries by the filters given (each may be NULL), oldest first. */
static int select_entries(baton_store *store, const char *case_id, const char *staff, const char *since,
                          const char *action, json_t **out)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    *out = NULL;
    if (since && !baton_date_valid(since))
        return baton_error_set(BATON_EINVALID, "--since: not a date (YYYY-MM-DD): '%.40s'", since);
    int rc = open_log(store, &db);
    if (rc)
        return rc;
    /* only the conditions given, so SQLite can use the log's indexes (a case's entries, an action
     * since a day) instead of reading the whole log */
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT seq, time, staff, action, case_id, query, purpose FROM entries WHERE 1%s%s%s%s"
                              " ORDER BY seq",
             case_id ? " AND case_id = ?1" : "", staff ? " AND staff = ?2" : "", since ? " AND time >= ?3" : "",
             action ? " AND action = ?4" : "");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(db, "list");
        close_log(store, db);
        return rc;
    }
    sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, staff, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
    json_t *list = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(list, row_json(st, 1));
    sqlite3_finalize(st);
    close_log(store, db);
    *out = list;
    return 0;
}

int baton_audit_list(baton_session *s, const char *case_id, const char *staff, const char *since, json_t **out)
{
    *out = NULL;
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    /* reading the log is itself logged */
    if (rc == 0)
        rc = baton_session_log_one(s, "audit", case_id, staff ? staff : "audit list");
    return rc ? rc : select_entries(s->store, case_id, staff, since, NULL, out);
}

int baton_audit_review(baton_session *s, const char *since, json_t **out)
{
    char from[11];
    *out = NULL;
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc == 0)
        rc = baton_session_log_one(s, "audit", NULL, "audit review");
    if (rc)
        return rc;
    if (!since) {
        char today[11];
        baton_date_today(today);
        baton_date_add_days(today, -30, from);
        since = from;
    }
    return select_entries(s->store, NULL, NULL, since, "emergency", out);
}

int baton_audit_emergencies(baton_store *store, const char *since, json_t **out)
{
    return select_entries(store, NULL, NULL, since, "emergency", out);
}

int baton_audit_export(baton_session *s, const char *case_id, int with_staff, json_t **out)
{
    json_t *all, *doc;
    *out = NULL;
    /* a family's access request names a case of this store */
    int rc = baton_case_load_unchecked(s->store, NULL, case_id, &doc, NULL);
    if (rc)
        return rc;
    json_decref(doc);
    if ((rc = baton_audit_list(s, case_id, NULL, NULL, &all)))
        return rc;
    if (!with_staff) {
        size_t i;
        json_t *x;
        json_array_foreach(all, i, x) json_object_del(x, "staff");
    }
    *out = all;
    return 0;
}

/* ---- verifying ---- */

/* The chain, from the last checkpoint on. */
static int check_chain(sqlite3 *db, sqlite3_int64 *checked)
{
    sqlite3_stmt *st;
    char prev[65];
    sqlite3_int64 expect;
    int rc = 0;
    *checked = 0;
    last_checkpoint(db, prev, &expect);
    expect++;
    /* an entry whose text an erasure removed keeps its hash and its place in the chain, but its
     * hash can no longer be computed from what is left: check_erasures holds what is left of it
     * to the erasure's signed record in git instead */
    if (sqlite3_prepare_v2(db,
                           has_table(db, "erased")
                               ? "SELECT seq, time, staff, action, case_id, query, purpose, prev, hash, commit_id,"
                                 " EXISTS(SELECT 1 FROM erased x WHERE x.seq = entries.seq) FROM entries ORDER BY seq"
                               : "SELECT seq, time, staff, action, case_id, query, purpose, prev, hash, commit_id, 0"
                                 " FROM entries ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, "verify");
    int r;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 seq = sqlite3_column_int64(st, 0);
        const char *stored_prev = (const char *)sqlite3_column_text(st, 7);
        const char *stored = (const char *)sqlite3_column_text(st, 8);
        char hash[65];
        entry_hash(seq, (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
                   (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4),
                   (const char *)sqlite3_column_text(st, 5), (const char *)sqlite3_column_text(st, 6), stored_prev,
                   (const char *)sqlite3_column_text(st, 9), hash);
        if (seq != expect)
            rc = baton_error_set(BATON_EINVALID, "audit log: entry %lld is missing (the next entry is %lld)",
                                 (long long)expect, (long long)seq);
        else if (!stored_prev || strcmp(stored_prev, prev) != 0)
            rc = baton_error_set(BATON_EINVALID, "audit log: entry %lld does not follow the entry before it (removed, "
                                                 "inserted or reordered)", (long long)seq);
        else if (!stored || (strcmp(stored, hash) != 0 && !sqlite3_column_int(st, 10)))
            rc = baton_error_set(BATON_EINVALID, "audit log: entry %lld was changed after it was written", (long long)seq);
        if (rc == 0) {
            snprintf(prev, sizeof prev, "%s", stored);
            expect = seq + 1;
            (*checked)++;
        }
    }
    if (rc == 0 && r != SQLITE_DONE)
        rc = baton_error_set(BATON_EINVALID, "audit log: damaged: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

/* ---- erasure ---- */

/* What stays of an erased entry, one line each in seq order, hashed: the erasure's record in git
 * carries the digest, so none of it can change unseen once its text (the purpose, the search
 * terms) is gone and its own hash no longer says anything about it. where selects the rows. */
static int erased_digest(sqlite3 *db, const char *sql, const char *arg, const char *arg2, json_t *seqs, char out[65])
{
    sqlite3_stmt *st;
    baton_buf b = {0};
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, "erasure");
    sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    if (arg2)
        sqlite3_bind_text(st, 2, arg2, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char line[600];
        int n = snprintf(line, sizeof line, "%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)sqlite3_column_int64(st, 0),
                         text((const char *)sqlite3_column_text(st, 1)), text((const char *)sqlite3_column_text(st, 2)),
                         text((const char *)sqlite3_column_text(st, 3)), text((const char *)sqlite3_column_text(st, 4)),
                         text((const char *)sqlite3_column_text(st, 5)), text((const char *)sqlite3_column_text(st, 6)));
        baton_buf_put(&b, line, n < (int)sizeof line ? (size_t)n : sizeof line - 1);
        if (seqs)
            json_array_append_new(seqs, json_integer(sqlite3_column_int64(st, 0)));
    }
    sqlite3_finalize(st);
    baton_sha256_hex(b.p ? b.p : "", b.n, out);
    int oom = b.oom;
    baton_buf_free(&b);
    return oom ? baton_error_set(BATON_ERROR, "out of memory") : 0;
}

#define ERASED_COLUMNS "SELECT seq, time, staff, action, case_id, commit_id, hash FROM entries"

int baton_audit_erasure_scope(baton_store *store, const char *case_id, const char *name, json_t **seqs, char sha[65])
{
    sqlite3 *db;
    *seqs = json_array();
    int rc = open_log(store, &db);
    if (rc)
        return rc;
    /* the case's own entries, and every search whose terms name the child or the case */
    rc = erased_digest(db,
                       ERASED_COLUMNS " WHERE case_id = ?1 OR (query IS NOT NULL AND (instr(query, ?1) OR"
                                      " (length(?2) > 0 AND instr(lower(query), lower(?2))))) ORDER BY seq",
                       case_id, name ? name : "", *seqs, sha);
    close_log(store, db);
    return rc;
}

/* Whether the log has a row for sql's one parameter (false when table is given and missing). */
static int log_has(baton_store *store, const char *table, const char *sql, const char *arg)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int found = 0;
    if (open_log(store, &db))
        return 0;
    if ((!table || has_table(db, table)) && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
    }
    close_log(store, db);
    return found;
}

int baton_audit_archived(baton_store *store, const char *case_id)
{
    return log_has(store, NULL, "SELECT 1 FROM entries WHERE case_id = ? AND action = 'export' AND query = 'archive'",
                   case_id);
}

int baton_audit_erasure_applied(baton_store *store, const char *case_id)
{
    return log_has(store, "erasures_done", "SELECT 1 FROM erasures_done WHERE case_id = ?", case_id);
}

static int exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int r = sqlite3_exec(db, sql, NULL, NULL, &err);
    int rc = r == SQLITE_OK ? 0 : baton_error_set(BATON_ERROR, "audit log: erasure: %s", err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    return rc;
}

/* One row of the commit map: ?1 the old id, ?2 the new one (null: the commit was dropped), ?3 the
 * erased case (for the statements that take it). */
static int map_row(sqlite3 *db, sqlite3_stmt *st, const char *old, const json_t *to, const char *case_id)
{
    sqlite3_bind_text(st, 1, old, -1, SQLITE_STATIC);
    if (json_string_value(to))
        sqlite3_bind_text(st, 2, json_string_value(to), -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    if (sqlite3_bind_parameter_count(st) >= 3)
        sqlite3_bind_text(st, 3, case_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(db, "erasure");
    sqlite3_reset(st);
    return rc;
}

int baton_audit_erasure_apply(baton_store *store, const char *case_id, const json_t *seqs, const json_t *commit_map)
{
    sqlite3 *db;
    sqlite3_stmt *up = NULL, *mark = NULL, *map = NULL, *remap = NULL, *done = NULL;
    int rc = open_log_own(store, &db);
    if (rc)
        return rc;
    /* freed pages are overwritten, not merely unlinked: the text must not linger in the file */
    rc = exec(db, "PRAGMA secure_delete = ON;"
                  "CREATE TABLE IF NOT EXISTS erased(seq INTEGER PRIMARY KEY, case_id TEXT NOT NULL);"
                  "CREATE TABLE IF NOT EXISTS commit_map(old TEXT PRIMARY KEY, new TEXT, case_id TEXT NOT NULL);"
                  "CREATE TABLE IF NOT EXISTS erasures_done(case_id TEXT PRIMARY KEY, time TEXT NOT NULL);");
    if (rc == 0)
        rc = begin(db);
    if (rc == 0 &&
        (sqlite3_prepare_v2(db, "UPDATE entries SET query = NULL, purpose = NULL WHERE seq = ?", -1, &up, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO erased(seq, case_id) VALUES(?, ?)", -1, &mark, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO commit_map(old, new, case_id) VALUES(?1, ?2, ?3)", -1, &map,
                            NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(db, "UPDATE commit_map SET new = ?2 WHERE old = ?1", -1, &remap, NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO erasures_done(case_id, time) VALUES(?, ?)", -1, &done, NULL) !=
             SQLITE_OK))
        rc = db_fail(db, "erasure");
    size_t i;
    json_t *v;
    json_array_foreach(seqs, i, v) {
        if (rc)
            break;
        sqlite3_bind_int64(up, 1, json_integer_value(v));
        sqlite3_bind_int64(mark, 1, json_integer_value(v));
        sqlite3_bind_text(mark, 2, case_id, -1, SQLITE_STATIC);
        if (sqlite3_step(up) != SQLITE_DONE || sqlite3_step(mark) != SQLITE_DONE)
            rc = db_fail(db, "erasure");
        sqlite3_reset(up);
        sqlite3_reset(mark);
    }
    /* the log's changes keep naming their commits by the ids they had: the map says where each
     * went (an earlier erasure's new ids move on too), for the commits the log names */
    json_t *named = json_object();
    sqlite3_stmt *q;
    if (rc == 0 && sqlite3_prepare_v2(db, "SELECT commit_id FROM entries WHERE commit_id IS NOT NULL UNION"
                                          " SELECT new FROM commit_map WHERE new IS NOT NULL",
                                      -1, &q, NULL) == SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW)
            json_object_set_new(named, (const char *)sqlite3_column_text(q, 0), json_true());
        sqlite3_finalize(q);
    }
    /* an earlier erasure's map moves on first, each row looked up by its key; then this one's */
    json_t *moved = json_object();
    if (rc == 0 && sqlite3_prepare_v2(db, "SELECT old, new FROM commit_map WHERE new IS NOT NULL", -1, &q, NULL) ==
                       SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW) {
            json_t *to = json_object_get(commit_map, (const char *)sqlite3_column_text(q, 1));
            if (to)
                json_object_set(moved, (const char *)sqlite3_column_text(q, 0), to);
        }
        sqlite3_finalize(q);
    }
    const char *old;
    json_object_foreach(moved, old, v) {
        if (rc == 0)
            rc = map_row(db, remap, old, v, case_id);
    }
    json_decref(moved);
    json_object_foreach((json_t *)commit_map, old, v) {
        if (rc == 0 && json_object_get(named, old))
            rc = map_row(db, map, old, v, case_id);
    }
    json_decref(named);
    char now_s[21];
    baton_datetime_format(now_s, baton_now());
    if (rc == 0) {
        sqlite3_bind_text(done, 1, case_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(done, 2, now_s, -1, SQLITE_STATIC);
        if (sqlite3_step(done) != SQLITE_DONE)
            rc = db_fail(db, "erasure");
    }
    sqlite3_finalize(up);
    sqlite3_finalize(mark);
    sqlite3_finalize(map);
    sqlite3_finalize(remap);
    sqlite3_finalize(done);
    rc = end(db, rc);
    /* the old text may still sit in the write-ahead log and in free pages: rewrite the file
     * and empty the log */
    if (rc == 0)
        rc = exec(db, "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
    sqlite3_close(db);
    return rc;
}

/* Every entry marked erased is what its erasure's signed record in git says: the same number of
 * entries, and the same digest of what is left of them. */
static int check_erasures(baton_store *store, sqlite3 *db)
{
    sqlite3_stmt *st;
    int rc = 0;
    if (!has_table(db, "erased"))
        return 0;
    if (sqlite3_prepare_v2(db, "SELECT case_id, count(*) FROM erased GROUP BY case_id", -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, "verify");
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        const char *case_id = (const char *)sqlite3_column_text(st, 0);
        char path[200], sha[65];
        json_t *rec = NULL;
        char *buf = NULL;
        size_t len = 0;
        snprintf(path, sizeof path, "erasures/%s.json", case_id);
        int r = baton_store_read(store, NULL, path, &buf, &len, NULL);
        if (r == 0)
            r = baton_record_from_git(store, NULL, path, BATON_RECORD_ERASURE, buf, len, &rec);
        free(buf);
        if (r != 0) {
            rc = baton_error_set(BATON_EINVALID, "audit log: entries are marked erased for case %s, but git holds no "
                                                 "erasure record of it",
                                 case_id);
            break;
        }
        rc = erased_digest(db, ERASED_COLUMNS " WHERE seq IN (SELECT seq FROM erased WHERE case_id = ?1) ORDER BY seq",
                           case_id, NULL, NULL, sha);
        if (rc == 0 && (json_integer_value(json_object_get(rec, "audit_entries")) != sqlite3_column_int64(st, 1) ||
                        strcmp(sha, json_string_value(json_object_get(rec, "audit_sha256"))) != 0))
            rc = baton_error_set(BATON_EINVALID, "audit log: the entries erased for case %s are not what its erasure "
                                                 "record in git says (changed, added or removed)",
                                 case_id);
        json_decref(rec);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Every anchor of this log in git must match it: the entry of that number has that hash (or the
 * purge checkpoint does, for the last entry it removed), and every checkpoint has the anchor its
 * purge wrote. A chain recomputed after rows were deleted matches none of its later anchors. */
static int check_anchors(baton_store *store, sqlite3 *db, size_t *checked)
{
    char epoch[40];
    json_t *anchors;
    *checked = 0;
    meta(db, "epoch", epoch, sizeof epoch);
    int rc = baton_anchor_list(store, epoch, &anchors);
    if (rc)
        return rc;
    sqlite3_stmt *entry = NULL, *cp = NULL;
    sqlite3_int64 upto;
    char cp_hash[65];
    last_checkpoint(db, cp_hash, &upto);
    sqlite3_int64 max_seq = 0;
    if (sqlite3_prepare_v2(db, "SELECT hash FROM entries WHERE seq = ?", -1, &entry, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT hash FROM checkpoints WHERE upto = ?", -1, &cp, NULL) != SQLITE_OK)
        rc = db_fail(db, "verify");
    {
        sqlite3_stmt *m;
        if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) FROM entries", -1, &m, NULL) == SQLITE_OK &&
            sqlite3_step(m) == SQLITE_ROW)
            max_seq = sqlite3_column_int64(m, 0);
        sqlite3_finalize(m);
    }
    size_t i;
    json_t *a;
    json_array_foreach(anchors, i, a) {
        if (rc)
            break;
        sqlite3_int64 seq = json_integer_value(json_object_get(a, "seq"));
        const char *want = json_string_value(json_object_get(a, "hash"));
        const char *where = json_string_value(json_object_get(a, "commit"));
        if (seq == 0) {
            if (strcmp(want, GENESIS) != 0)
                rc = baton_error_set(BATON_EINVALID, "audit log: anchor at commit %.12s names a first hash that is "
                                                     "not the genesis",
                                     where);
            (*checked)++;
            continue;
        }
        sqlite3_stmt *q = seq > upto ? entry : cp;
        if (seq < upto) {
            (*checked)++;
            continue; /* purged: the checkpoint stands for it */
        }
        sqlite3_bind_int64(q, 1, seq);
        int found = sqlite3_step(q) == SQLITE_ROW;
        const char *have = found ? (const char *)sqlite3_column_text(q, 0) : NULL;
        if (!found && seq > max_seq)
            rc = baton_error_set(BATON_EINVALID, "audit log: entries up to %lld are anchored in git (commit %.12s), "
                                                 "but the log ends at %lld: entries were removed",
                                 (long long)seq, where, (long long)max_seq);
        else if (!have || strcmp(have, want) != 0)
            rc = baton_error_set(BATON_EINVALID, "audit log: entry %lld does not match its anchor in git (commit "
                                                 "%.12s): the log was changed or its hashes recomputed",
                                 (long long)seq, where);
        sqlite3_reset(q);
        (*checked)++;
    }
    /* every purge left an anchor of its checkpoint */
    sqlite3_stmt *cps = NULL;
    if (rc == 0 && sqlite3_prepare_v2(db, "SELECT upto, hash FROM checkpoints", -1, &cps, NULL) == SQLITE_OK) {
        while (rc == 0 && sqlite3_step(cps) == SQLITE_ROW) {
            sqlite3_int64 u = sqlite3_column_int64(cps, 0);
            const char *h = (const char *)sqlite3_column_text(cps, 1);
            int anchored = 0;
            json_array_foreach(anchors, i, a) anchored |= json_is_true(json_object_get(a, "checkpoint")) &&
                                                          json_integer_value(json_object_get(a, "seq")) == u &&
                                                          strcmp(json_string_value(json_object_get(a, "hash")), h) == 0;
            if (!anchored)
                rc = baton_error_set(BATON_EINVALID, "audit log: the checkpoint after entry %lld has no anchor in git: "
                                                     "no purge made it",
                                     (long long)u);
        }
    }
    sqlite3_finalize(cps);
    sqlite3_finalize(entry);
    sqlite3_finalize(cp);
    json_decref(anchors);
    return rc;
}

int baton_audit_verify(baton_session *s, json_t **report)
{
    if (report)
        *report = NULL;
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    return rc ? rc : baton_audit_check(s->store, report);
}

int baton_audit_check(baton_store *store, json_t **report)
{
    sqlite3 *db;
    sqlite3_int64 entries = 0;
    size_t anchors = 0;
    if (report)
        *report = NULL;
    int rc = open_log(store, &db);
    if (rc)
        return rc;
    char *err = NULL;
    /* the file itself first: a damaged page fails here, not halfway through */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
        strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
        rc = baton_error_set(BATON_EINVALID, "audit log: the file is damaged (%s)",
                             sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_free(err);
    if (rc == 0)
        rc = check_chain(db, &entries);
    if (rc == 0)
        rc = check_erasures(store, db);
    if (rc == 0)
        rc = check_anchors(store, db, &anchors);
    close_log(store, db);
    if (report)
        *report = json_pack("{s:I, s:I, s:b}", "entries", (json_int_t)entries, "anchors", (json_int_t)anchors, "ok",
                            rc == 0);
    return rc;
}

/* ---- purging ---- */

int baton_audit_purge(baton_session *s, json_t **report)
{
    baton_store *store = s->store;
    const char *by = s->who.id;
    sqlite3 *db;
    char today[11], before[11], now[21];
    long days = baton_store_config_int(store, "audit_retention_days", 180);
    baton_date_today(today);
    baton_date_add_days(today, -days, before);
    baton_datetime_format(now, baton_now());
    if (report)
        *report = NULL;
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc)
        return rc;
    if ((rc = baton_audit_check(store, NULL)))
        return baton_error_prefix(rc, "refusing to purge a log that does not verify: ");
    if ((rc = open_log(store, &db)))
        return rc;
    if ((rc = begin(db))) {
        close_log(store, db);
        return rc;
    }
    sqlite3_stmt *st;
    sqlite3_int64 upto = 0, removed = 0;
    char hash[65] = "";
    if (sqlite3_prepare_v2(db, "SELECT seq, hash FROM entries WHERE time < ? ORDER BY seq DESC LIMIT 1", -1, &st, NULL) ==
            SQLITE_OK) {
        sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            upto = sqlite3_column_int64(st, 0);
            snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(st, 1));
        }
    }
    sqlite3_finalize(st);
    if (upto > 0) {
        /* the checkpoint carries the last removed entry's hash: the next entry chains to it */
        if (sqlite3_prepare_v2(db, "INSERT INTO checkpoints(time, staff, upto, removed, before, hash)"
                                   " VALUES(?, ?, ?, (SELECT count(*) FROM entries WHERE seq <= ?), ?, ?)",
                               -1, &st, NULL) != SQLITE_OK)
            rc = db_fail(db, "checkpoint");
        else {
            sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, text(by), -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 3, upto);
            sqlite3_bind_int64(st, 4, upto);
            sqlite3_bind_text(st, 5, before, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 6, hash, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_fail(db, "checkpoint");
            sqlite3_finalize(st);
        }
        if (rc == 0 && sqlite3_prepare_v2(db, "DELETE FROM entries WHERE seq <= ?", -1, &st, NULL) != SQLITE_OK)
            rc = db_fail(db, "purge");
        else if (rc == 0) {
            sqlite3_bind_int64(st, 1, upto);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_fail(db, "purge");
            removed = sqlite3_changes(db);
            sqlite3_finalize(st);
        }
    }
    rc = end(db, rc);
    close_log(store, db);
    if (rc == 0) {
        char q[64];
        snprintf(q, sizeof q, "before %s: %lld entries", before, (long long)removed);
        baton_audit_entry e = {by, "purge", NULL, q, NULL, NULL};
        rc = baton_audit_append(store, &e);
    }
    /* every purge is anchored in git: its checkpoint, and the chain after it */
    if (rc == 0 && upto > 0)
        rc = baton_anchor_checkpoint(store, upto, hash, by);
    if (rc == 0)
        rc = baton_anchor_write(store, "audit: anchor after a purge\n", by);
    if (rc == 0 && report)
        *report = json_pack("{s:I, s:s, s:I}", "removed", (json_int_t)removed, "before", before, "retention_days",
                            (json_int_t)days);
    return rc;
}

int baton_audit_commits(baton_store *store, json_t **out)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    *out = NULL;
    int rc = open_log(store, &db);
    if (rc)
        return rc;
    /* a commit an erasure rewrote is named by its new id; one it dropped (it changed only the
     * erased case) by none */
    if (sqlite3_prepare_v2(db,
                           has_table(db, "commit_map")
                               ? "SELECT coalesce(m.new, e.commit_id), min(e.seq) FROM entries e LEFT JOIN commit_map m"
                                 " ON m.old = e.commit_id WHERE e.commit_id IS NOT NULL AND NOT (m.old IS NOT NULL AND"
                                 " m.new IS NULL) GROUP BY 1 ORDER BY 2"
                               : "SELECT commit_id, min(seq) FROM entries WHERE commit_id IS NOT NULL GROUP BY"
                                 " commit_id ORDER BY 2",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(db, "read");
        close_log(store, db);
        return rc;
    }
    json_t *list = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(list, json_pack("{s:s, s:I}", "commit", (const char *)sqlite3_column_text(st, 0), "seq",
                                              (json_int_t)sqlite3_column_int64(st, 1)));
    sqlite3_finalize(st);
    close_log(store, db);
    *out = list;
    return 0;
}

int baton_audit_head(baton_store *store, char epoch[40], long long *seq, char hash[65])
{
    sqlite3 *db;
    int rc = open_log(store, &db);
    if (rc)
        return rc;
    sqlite3_int64 last;
    chain_head(db, hash, &last);
    *seq = last;
    meta(db, "epoch", epoch, 40);
    close_log(store, db);
    return 0;
}
