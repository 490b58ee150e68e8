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

static int open_auth_at(const char *path, sqlite3 **out)
{
    sqlite3 *db = NULL;
    *out = NULL;
    int rc = baton_file_private(path);
    if (rc)
        return rc;
    int opened = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (opened == SQLITE_OK)
        baton_sqlite_wait(db, 10000);
    if (opened != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS passwords(staff TEXT PRIMARY KEY, hash TEXT NOT NULL,"
                     " set_at TEXT NOT NULL, set_by TEXT NOT NULL);"
                     "CREATE TABLE IF NOT EXISTS sessions(hash BLOB PRIMARY KEY, staff TEXT NOT NULL,"
                     " created INTEGER NOT NULL, seen INTEGER NOT NULL) WITHOUT ROWID;"
                     "CREATE TABLE IF NOT EXISTS failures(key TEXT NOT NULL, at INTEGER NOT NULL);"
                     "CREATE INDEX IF NOT EXISTS failures_key ON failures(key, at);"
                     "CREATE TABLE IF NOT EXISTS keys(name TEXT PRIMARY KEY, value BLOB NOT NULL);",
                     NULL, NULL, NULL) != SQLITE_OK) {
        rc = baton_error_set(BATON_ERROR, "auth.db: %s", db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

/* The store keeps its connection to auth.db for the next call (a server's thread asks on every
 * request: the login, the form's key), while auth.db is still the file it opened. */
static int open_auth(baton_store *store, sqlite3 **out)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/auth.db", baton_store_path(store));
    if (store->auth_db) {
        if (baton_file_unchanged(path, &store->auth_file)) {
            *out = store->auth_db;
            return 0;
        }
        sqlite3_close(store->auth_db);
        store->auth_db = NULL;
    }
    int rc = open_auth_at(path, out);
    if (rc == 0 && baton_file_identify(path, &store->auth_file) == 0)
        store->auth_db = *out;
    return rc;
}

/* Gives back what open_auth gave: the store's own connection stays open. */
static void close_auth(baton_store *store, sqlite3 *db)
{
    /* a kept connection never carries a transaction a failed step left open into the next call */
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (db != store->auth_db)
        sqlite3_close(db);
}

void baton_auth_release(baton_store *store)
{
    sqlite3_close(store->auth_db);
    store->auth_db = NULL;
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
    close_auth(s->store, db);
    return rc;
}

/* Whether password is staff's (who must still be here), on an open auth.db. */
static int password_ok(sqlite3 *db, baton_store *store, const char *staff, const char *password)
{
    json_t *rec;
    sqlite3_stmt *st = NULL;
    int ok = 0;
    if (!staff || !password || strlen(password) > PASSWORD_MAX_BYTES || active_staff(store, staff, &rec) != 0) {
        baton_error_clear();
        return 0;
    }
    json_decref(rec);
    if (sqlite3_prepare_v2(db, "SELECT hash FROM passwords WHERE staff = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, staff, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sodium_init() >= 0)
            ok = crypto_pwhash_str_verify((const char *)sqlite3_column_text(st, 0), password, strlen(password)) == 0;
    }
    sqlite3_finalize(st);
    return ok;
}

static int denied(void) { return baton_error_set(BATON_EDENIED, "wrong staff id or password"); }

int baton_auth_password_check(baton_store *store, const char *staff, const char *password)
{
    sqlite3 *db;
    int ok = 0;
    if (open_auth(store, &db) == 0) {
        ok = password_ok(db, store, staff, password);
        close_auth(store, db);
    }
    return ok ? 0 : denied();
}

/* ---- logins ---- */

#define THROTTLE_WINDOW (15 * 60)
#define THROTTLE_ACCOUNT 5
#define THROTTLE_ADDRESS 20

static void token_hash(const char *token, unsigned char out[crypto_hash_sha256_BYTES])
{
    crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

/* Runs sql with ?1 = a, ?2 = b, ?3 = n where it has them; *out (if given) the first column of the first row. */
static int step(sqlite3 *db, const char *sql, const char *a, const char *b, sqlite3_int64 n, sqlite3_int64 *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
    int params = sqlite3_bind_parameter_count(st);
    if (a && params >= 1)
        sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
    if (b && params >= 2)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
    if (params >= 3)
        sqlite3_bind_int64(st, 3, n);
    int r = sqlite3_step(st);
    if (out)
        *out = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
}

int baton_auth_login(baton_store *store, const char *staff, const char *password, const char *address,
                     char token[BATON_TOKEN_CHARS + 1])
{
    sqlite3 *db;
    token[0] = '\0';
    if (!staff || !*staff)
        return denied();
    int rc = open_auth(store, &db);
    if (rc)
        return rc;
    sqlite3_int64 now = (sqlite3_int64)baton_now();
    char account[128], from[128];
    snprintf(account, sizeof account, "account:%.100s", staff);
    snprintf(from, sizeof from, "address:%.100s", address && *address ? address : "-");
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
        close_auth(store, db);
        return rc;
    }
    sqlite3_int64 n_account = 0, n_from = 0, oldest = 0;
    rc = step(db, "DELETE FROM failures WHERE at <= ?3", NULL, NULL, now - THROTTLE_WINDOW, NULL);
    if (rc == 0)
        rc = step(db, "SELECT count(*) FROM failures WHERE key = ?1", account, NULL, 0, &n_account);
    if (rc == 0 && address && *address)
        rc = step(db, "SELECT count(*) FROM failures WHERE key = ?1", from, NULL, 0, &n_from);
    if (rc == 0 && (n_account >= THROTTLE_ACCOUNT || n_from >= THROTTLE_ADDRESS)) {
        /* refused until the oldest failure that counts leaves the window */
        step(db, "SELECT min(at) FROM failures WHERE key = ?1", n_account >= THROTTLE_ACCOUNT ? account : from, NULL, 0,
             &oldest);
        long minutes = (long)((oldest + THROTTLE_WINDOW - now + 59) / 60);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        close_auth(store, db);
        return baton_error_set(BATON_EBUSY, "too many failed logins: try again in %ld min", minutes < 1 ? 1 : minutes);
    }
    if (rc == 0 && !password_ok(db, store, staff, password)) {
        rc = step(db, "INSERT INTO failures(key, at) VALUES(?1, ?3)", account, NULL, now, NULL);
        if (rc == 0 && address && *address)
            rc = step(db, "INSERT INTO failures(key, at) VALUES(?1, ?3)", from, NULL, now, NULL);
        if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            rc = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
        if (rc)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        close_auth(store, db);
        return rc ? rc : denied();
    }
    unsigned char raw[32], hash[crypto_hash_sha256_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, BATON_TOKEN_CHARS + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    token_hash(token, hash);
    sqlite3_stmt *st = NULL;
    if (rc == 0)
        rc = step(db, "DELETE FROM failures WHERE key = ?1", account, NULL, 0, NULL);
    if (rc == 0 && sqlite3_prepare_v2(db, "INSERT INTO sessions(hash, staff, created, seen) VALUES(?, ?, ?, ?3)", -1,
                                      &st, NULL) != SQLITE_OK)
        rc = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
    if (rc == 0) {
        sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, staff, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
    if (rc) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        token[0] = '\0';
    }
    close_auth(store, db);
    return rc;
}

int baton_auth_session(baton_store *store, const char *token, char staff[64])
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    staff[0] = '\0';
    if (!token || strlen(token) != BATON_TOKEN_CHARS || open_auth(store, &db) != 0) {
        baton_error_clear();
        return baton_error_set(BATON_EDENIED, "not logged in");
    }
    unsigned char hash[crypto_hash_sha256_BYTES];
    token_hash(token, hash);
    sqlite3_int64 now = (sqlite3_int64)baton_now(), created = 0, seen = 0;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT staff, created, seen FROM sessions WHERE hash = ?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(staff, 64, "%s", (const char *)sqlite3_column_text(st, 0));
            created = sqlite3_column_int64(st, 1);
            seen = sqlite3_column_int64(st, 2);
            found = 1;
        }
    }
    sqlite3_finalize(st);
    long idle = baton_store_config_int(store, "session_idle_minutes", 30) * 60;
    long most = baton_store_config_int(store, "session_max_hours", 10) * 3600;
    json_t *rec = NULL;
    int live = found && now - seen < idle && now - created < most && active_staff(store, staff, &rec) == 0;
    json_decref(rec);
    baton_error_clear();
    const char *sql = !found ? NULL
                      : !live ? "DELETE FROM sessions WHERE hash = ?1"
                      /* noted once a minute, not on every request: each note is a write */
                      : now - seen >= 60 ? "UPDATE sessions SET seen = ?2 WHERE hash = ?1"
                                         : NULL;
    if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    close_auth(store, db);
    if (!live) {
        staff[0] = '\0';
        return baton_error_set(BATON_EDENIED, "not logged in, or the login has ended: log in again");
    }
    return 0;
}

/* The store's key for anti-forgery tokens, made the first time it is asked for. */
/* The stored key into key: 1 when there is one, 0 when not, or an error. */
static int csrf_key_read(sqlite3 *db, unsigned char key[crypto_auth_KEYBYTES])
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT value FROM keys WHERE name = 'csrf'", -1, &st, NULL) != SQLITE_OK)
        return baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == crypto_auth_KEYBYTES) {
        memcpy(key, sqlite3_column_blob(st, 0), crypto_auth_KEYBYTES);
        found = 1;
    }
    sqlite3_finalize(st);
    return found;
}

/* The key every form's token is made with. Made once, the first time it is wanted: every later
 * request only reads it, and two first requests at once agree on one key (INSERT OR IGNORE, then
 * read what won), so no form made with the other one fails. */
static int csrf_key(baton_store *store, unsigned char key[crypto_auth_KEYBYTES])
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    int rc = open_auth(store, &db);
    if (rc)
        return rc;
    int found = csrf_key_read(db, key);
    if (found == 0) {
        unsigned char mine[crypto_auth_KEYBYTES];
        crypto_auth_keygen(mine);
        if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO keys(name, value) VALUES('csrf', ?)", -1, &st, NULL) !=
            SQLITE_OK) {
            found = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
        } else {
            sqlite3_bind_blob(st, 1, mine, crypto_auth_KEYBYTES, SQLITE_STATIC);
            found = sqlite3_step(st) == SQLITE_DONE ? csrf_key_read(db, key)
                                                    : baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
        }
        sqlite3_finalize(st);
        sodium_memzero(mine, sizeof mine);
        if (found == 0)
            found = baton_error_set(BATON_ERROR, "auth.db: the forms' key could not be kept");
    }
    close_auth(store, db);
    return found == 1 ? 0 : found;
}

int baton_auth_csrf(baton_store *store, const char *token, char csrf[BATON_TOKEN_CHARS + 1])
{
    unsigned char key[crypto_auth_KEYBYTES], mac[crypto_auth_BYTES];
    csrf[0] = '\0';
    if (!token || strlen(token) != BATON_TOKEN_CHARS)
        return baton_error_set(BATON_EDENIED, "not logged in");
    if (sodium_init() < 0)
        return baton_error_set(BATON_ERROR, "libsodium could not be initialised");
    int rc = csrf_key(store, key);
    if (rc)
        return rc;
    crypto_auth(mac, (const unsigned char *)token, strlen(token), key);
    sodium_memzero(key, sizeof key);
    /* crypto_auth's 32 bytes, as the login token's 43 characters */
    sodium_bin2base64(csrf, BATON_TOKEN_CHARS + 1, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return 0;
}

int baton_auth_csrf_check(baton_store *store, const char *token, const char *presented)
{
    char want[BATON_TOKEN_CHARS + 1];
    if (!presented || strlen(presented) != BATON_TOKEN_CHARS || baton_auth_csrf(store, token, want) != 0 ||
        sodium_memcmp(want, presented, BATON_TOKEN_CHARS) != 0) {
        baton_error_clear();
        return baton_error_set(BATON_EDENIED, "the form is stale or was not sent from Baton's own page: load it again");
    }
    return 0;
}

int baton_auth_logout(baton_store *store, const char *token)
{
    sqlite3 *db;
    sqlite3_stmt *st = NULL;
    if (!token || !*token)
        return 0;
    int rc = open_auth(store, &db);
    if (rc)
        return rc;
    unsigned char hash[crypto_hash_sha256_BYTES];
    token_hash(token, hash);
    if (sqlite3_prepare_v2(db, "DELETE FROM sessions WHERE hash = ?", -1, &st, NULL) != SQLITE_OK)
        rc = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
    else {
        sqlite3_bind_blob(st, 1, hash, sizeof hash, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = baton_error_set(BATON_ERROR, "auth.db: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    close_auth(store, db);
    return rc;
}
