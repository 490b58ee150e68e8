/* The access log. SQLite with synchronous=FULL: unlike index.db this is not derived, so an entry
 * that was acknowledged must survive power loss. Appends run in an IMMEDIATE transaction, so two
 * processes never chain to the same previous entry. Each entry's hash covers its sequence number,
 * its fields and the previous hash; the first entry after a purge chains to the checkpoint. */
#include "baton/audit.h"

#include "baton/date.h"
#include "baton/error.h"
#include "baton/packet.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

static int db_fail(sqlite3 *db, const char *doing)
{
    return baton_error_set(BATON_ERROR, "audit log: %s: %s", doing, db ? sqlite3_errmsg(db) : "cannot open");
}

static int open_log(baton_store *store, sqlite3 **out)
{
    char path[4200];
    sqlite3 *db = NULL;
    snprintf(path, sizeof path, "%s/audit.db", store->path);
    int prc = baton_file_private(path);
    if (prc)
        return prc;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        int rc = db_fail(db, path);
        sqlite3_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db, 30000);
    char *err = NULL;
    if (sqlite3_exec(db,
                     "PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS entries(seq INTEGER PRIMARY KEY, time TEXT NOT NULL, staff TEXT NOT NULL,"
                     " action TEXT NOT NULL, case_id TEXT, query TEXT, purpose TEXT, prev TEXT NOT NULL, hash TEXT NOT NULL);"
                     "CREATE INDEX IF NOT EXISTS entries_case ON entries(case_id);"
                     "CREATE TABLE IF NOT EXISTS checkpoints(id INTEGER PRIMARY KEY, time TEXT NOT NULL, staff TEXT NOT NULL,"
                     " upto INTEGER NOT NULL, removed INTEGER NOT NULL, before TEXT NOT NULL, hash TEXT NOT NULL);",
                     NULL, NULL, &err) != SQLITE_OK) {
        int rc = baton_error_set(BATON_ERROR, "audit log: %s", err ? err : "cannot prepare");
        sqlite3_free(err);
        sqlite3_close(db);
        return rc;
    }
    /* logs written before changes named their commit get the column (older entries keep NULL,
     * which their hashes never covered) */
    sqlite3_stmt *st;
    int have_commit = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('entries') WHERE name = 'commit_id'", -1, &st, NULL) ==
        SQLITE_OK)
        have_commit = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!have_commit && sqlite3_exec(db, "ALTER TABLE entries ADD COLUMN commit_id TEXT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = db_fail(db, "upgrade");
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

static const char *text(const char *s) { return s ? s : ""; }

/* sha256 over the entry: seq, fields, and the hash of the entry before (and the commit, for the
 * entries that name one). */
static void entry_hash(sqlite3_int64 seq, const char *time, const char *staff, const char *action, const char *case_id,
                       const char *query, const char *purpose, const char *prev, const char *commit, char out[65])
{
    size_t n = strlen(text(time)) + strlen(text(staff)) + strlen(text(action)) + strlen(text(case_id)) +
               strlen(text(query)) + strlen(text(purpose)) + strlen(text(prev)) + strlen(text(commit)) + 64;
    char *buf = malloc(n);
    if (!buf) {
        memset(out, '0', 64);
        out[64] = '\0';
        return;
    }
    int len = snprintf(buf, n, "%lld\n%s\n%s\n%s\n%s\n%s\n%s\n%s%s%s", (long long)seq, text(time), text(staff),
                       text(action), text(case_id), text(query), text(purpose), text(prev), commit ? "\n" : "",
                       text(commit));
    baton_sha256_hex(buf, (size_t)len, out);
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
    return sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : db_fail(db, "begin");
}

static int end(sqlite3 *db, int rc)
{
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = db_fail(db, "commit");
    if (rc)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int baton_audit_append_many(baton_store *store, const baton_audit_entry *e, size_t n)
{
    sqlite3 *db;
    int rc = open_log(store, &db);
    if (rc)
        return rc;
    char now[21], prev[65], hash[65];
    sqlite3_int64 last;
    baton_datetime_format(now, baton_now());
    if ((rc = begin(db))) {
        sqlite3_close(db);
        return rc;
    }
    chain_head(db, prev, &last);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO entries(seq, time, staff, action, case_id, query, purpose, prev, hash, commit_id)"
                           " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(db, "prepare");
    } else {
        /* all of them in one transaction: one fsync, and all or none */
        for (size_t i = 0; i < n && rc == 0; i++) {
            entry_hash(last + 1, now, e[i].staff, e[i].action, e[i].case_id, e[i].query, e[i].purpose, prev,
                       e[i].commit, hash);
            sqlite3_bind_int64(st, 1, last + 1);
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
                rc = db_fail(db, "append");
            sqlite3_reset(st);
            last++;
            memcpy(prev, hash, sizeof prev);
        }
        sqlite3_finalize(st);
    }
    rc = end(db, rc);
    sqlite3_close(db);
    return rc;
}

int baton_audit_append(baton_store *store, const baton_audit_entry *e) { return baton_audit_append_many(store, e, 1); }

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

int baton_audit_list(baton_session *s, const char *case_id, const char *staff, const char *since, json_t **out)
{
    baton_store *store = s->store;
    sqlite3 *db;
    sqlite3_stmt *st;
    *out = NULL;
    int arc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    /* reading the log is itself logged */
    if (arc == 0)
        arc = baton_session_log_one(s, "audit", case_id, staff ? staff : "audit list");
    if (arc)
        return arc;
    if (since && !baton_date_valid(since))
        return baton_error_set(BATON_EINVALID, "--since: not a date (YYYY-MM-DD): '%.40s'", since);
    int rc = open_log(store, &db);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(db,
                           "SELECT seq, time, staff, action, case_id, query, purpose FROM entries"
                           " WHERE (?1 IS NULL OR case_id = ?1) AND (?2 IS NULL OR staff = ?2) AND (?3 IS NULL OR time >= ?3)"
                           " ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(db, "list");
        sqlite3_close(db);
        return rc;
    }
    sqlite3_bind_text(st, 1, case_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, staff, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
    json_t *list = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(list, row_json(st, 1));
    sqlite3_finalize(st);
    sqlite3_close(db);
    *out = list;
    return 0;
}

int baton_audit_export(baton_session *s, const char *case_id, int with_staff, json_t **out)
{
    json_t *all, *doc;
    /* a family's access request names a case of this store */
    int rc = baton_case_load_unchecked(s->store, NULL, case_id, &doc, NULL);
    if (rc)
        return rc;
    json_decref(doc);
    rc = baton_audit_list(s, case_id, NULL, NULL, &all);
    *out = NULL;
    if (rc)
        return rc;
    if (!with_staff) {
        size_t i;
        json_t *x;
        json_array_foreach(all, i, x) json_object_del(x, "staff");
    }
    *out = all;
    return 0;
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
    sqlite3_stmt *st;
    int rc = open_log(store, &db);
    if (report)
        *report = NULL;
    if (rc)
        return rc;
    char prev[65];
    sqlite3_int64 expect, checked = 0;
    last_checkpoint(db, prev, &expect);
    expect++;
    if (sqlite3_prepare_v2(db, "SELECT seq, time, staff, action, case_id, query, purpose, prev, hash, commit_id"
                               " FROM entries ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(db, "verify");
        sqlite3_close(db);
        return rc;
    }
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
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
        else if (!stored || strcmp(stored, hash) != 0)
            rc = baton_error_set(BATON_EINVALID, "audit log: entry %lld was changed after it was written", (long long)seq);
        if (rc == 0) {
            snprintf(prev, sizeof prev, "%s", stored);
            expect = seq + 1;
            checked++;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (report)
        *report = json_pack("{s:I, s:b}", "entries", (json_int_t)checked, "ok", rc == 0);
    return rc;
}

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
        sqlite3_close(db);
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
    sqlite3_close(db);
    if (rc == 0) {
        char q[64];
        snprintf(q, sizeof q, "before %s: %lld entries", before, (long long)removed);
        baton_audit_entry e = {by, "purge", NULL, q, NULL, NULL};
        rc = baton_audit_append(store, &e);
    }
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
    if (sqlite3_prepare_v2(db, "SELECT commit_id, min(seq) FROM entries WHERE commit_id IS NOT NULL GROUP BY commit_id"
                               " ORDER BY 2",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(db, "read");
        sqlite3_close(db);
        return rc;
    }
    json_t *list = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(list, json_pack("{s:s, s:I}", "commit", (const char *)sqlite3_column_text(st, 0), "seq",
                                              (json_int_t)sqlite3_column_int64(st, 1)));
    sqlite3_finalize(st);
    sqlite3_close(db);
    *out = list;
    return 0;
}
