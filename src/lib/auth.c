/* Local passwords (auth.h). auth.db is a small SQLite file beside audit.db: one row per person
 * with a password, the argon2id string (algorithm, parameters, salt and hash in one), when it was
 * set and by whom. Opened for each call: a login or a password change is rare next to a read. */
#include "baton/auth.h"

#include "baton/error.h"
#include "baton/policy.h"
#include "baton/record.h"
#include "baton/staff.h"
#include "baton/date.h"
#include "session_internal.h"
#include "store_internal.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 1024

static int open_auth(baton_store *store, sqlite3 **out)
{
    char path[4200];
    sqlite3 *db = NULL;
    *out = NULL;
    snprintf(path, sizeof path, "%s/auth.db", baton_store_path(store));
    int rc = baton_file_private(path);
    if (rc)
        return rc;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(db, 10000) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS passwords(staff TEXT PRIMARY KEY, hash TEXT NOT NULL,"
                     " set_at TEXT NOT NULL, set_by TEXT NOT NULL);",
                     NULL, NULL, NULL) != SQLITE_OK) {
        rc = baton_error_set(BATON_ERROR, "auth.db: %s", db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

/* The characters of a valid UTF-8 string (its bytes that do not continue a character). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

static int password_check_form(const char *password)
{
    size_t len = password ? strlen(password) : 0;
    if (len > PASSWORD_MAX_BYTES)
        return baton_error_set(BATON_EINVALID, "password: at most %d bytes", PASSWORD_MAX_BYTES);
    if (!baton_utf8_valid(password ? password : "", len))
        return baton_error_set(BATON_EINVALID, "password: not valid UTF-8");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)password[i] < 0x20 || password[i] == 0x7f)
            return baton_error_set(BATON_EINVALID, "password: holds a control character");
    if (utf8_chars(password ? password : "") < PASSWORD_MIN_CHARS)
        return baton_error_set(BATON_EINVALID, "password: at least %d characters", PASSWORD_MIN_CHARS);
    return 0;
}

/* The person's staff record at head, if they are still here. */
static int active_staff(baton_store *store, const char *staff, json_t **rec)
{
    int rc = baton_staff_get(store, NULL, staff, rec);
    if (rc)
        return rc;
    if (!json_is_true(json_object_get(*rec, "active"))) {
        json_decref(*rec);
        *rec = NULL;
        return baton_error_set(BATON_EINVALID, "%s has left: a password is for someone who works here", staff);
    }
    return 0;
}

int baton_auth_password_set(baton_session *s, const char *staff, const char *password)
{
    json_t *rec;
    int rc;
    if (!staff || !*staff)
        return baton_error_set(BATON_EUSAGE, "the staff id is missing");
    if (strcmp(staff, s->who.id) != 0 && (rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL)))
        return rc;
    if ((rc = active_staff(s->store, staff, &rec)))
        return rc;
    json_decref(rec);
    if ((rc = password_check_form(password)))
        return rc;
    if (sodium_init() < 0)
        return baton_error_set(BATON_ERROR, "libsodium could not be initialised");
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return baton_error_set(BATON_ERROR, "password: out of memory while hashing it");
    sqlite3 *db;
    if ((rc = open_auth(s->store, &db)))
        return rc;
    char now[21];
    baton_datetime_format(now, baton_now());
    sqlite3_stmt *st = NULL;
    /* the row and the access log's entry together: no password set without its entry */
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO passwords(staff, hash, set_at, set_by) VALUES(?, ?, ?, ?)", -1,
                           &st, NULL) != SQLITE_OK) {
        rc = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
    } else {
        sqlite3_bind_text(st, 1, staff, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, s->who.id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    if (rc == 0)
        rc = baton_session_log_one(s, "password", NULL, staff);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
    if (rc)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sodium_memzero(hash, sizeof hash);
    sqlite3_close(db);
    return rc;
}

int baton_auth_password_check(baton_store *store, const char *staff, const char *password)
{
    json_t *rec;
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int ok = 0;
    if (staff && password && strlen(password) <= PASSWORD_MAX_BYTES && active_staff(store, staff, &rec) == 0) {
        json_decref(rec);
        if (open_auth(store, &db) == 0) {
            if (sqlite3_prepare_v2(db, "SELECT hash FROM passwords WHERE staff = ?", -1, &st, NULL) == SQLITE_OK) {
                sqlite3_bind_text(st, 1, staff, -1, SQLITE_STATIC);
                if (sqlite3_step(st) == SQLITE_ROW && sodium_init() >= 0)
                    ok = crypto_pwhash_str_verify((const char *)sqlite3_column_text(st, 0), password, strlen(password)) == 0;
            }
            sqlite3_finalize(st);
            sqlite3_close(db);
        }
    }
    baton_error_clear();
    return ok ? 0 : baton_error_set(BATON_EDENIED, "wrong staff id or password");
}
