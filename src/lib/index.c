/* The derived search index. Git stays the truth: index.db records the last commit it has
 * indexed and every open catches it up from there, one commit at a time, finding what changed
 * by comparing tree entry ids with the parent's (no blob is read unless its id changed).
 *
 *   strs(id, s)                    each author, e-mail, staff id, subject, field name and list of
 *                                  changed fields once; the tables below hold their ids
 *   texts(id, hash, field, body)   one row per distinct (field, text), known by a 96-bit hash of
 *                                  both; the body deflated (zlib) where that makes it smaller
 *   fts                            external-content FTS5 over the view text_bodies (the bodies
 *                                  inflated), tokenizer 'baton <lang>'
 *   docs(id, case_id, name, kind)  an indexed record: a case record, a journal entry, a handover
 *   versions(id, doc_id, seq, ...) each version of a record: its commit (seq), blob (20 bytes),
 *                                  time, author
 *   commits(seq, commit_id)        the first-parent chain, 20-byte ids
 *   spans(text_id, doc_id, first_version, last_version)
 *                                  the record held the text from first to last (NULL: still)
 *   cases(case_id, status, ...)    the current state of each case, for filters
 *   case_staff(case_id, staff, why) who is close to a case now (contact, team, pending <n>): with
 *                                  the institution in cases, what search needs to show a session
 *                                  only the cases it may read
 *   due_items(case_id, views, ...)  what each case owes (due.c), worked out again for the cases a
 *                                  catch-up touched: views 1 as read with restricted entries, 2
 *                                  with them withheld, 3 both
 *   staff(id, active, left)        who is still here, for due (rewritten when staff/ changes) */
#include "baton/index.h"

#include "baton/case.h"
#include "baton/diff.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/history.h"
#include "baton/record.h"
#include "baton/staff.h"
#include "session_internal.h"
#include "store_internal.h"
#include "tokenize.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INDEX_FORMAT "11" /* 2: journal entries; 3: handovers; 4: the full version map (case log); 5: classes;
                             6: invalid versions (versions.problem); 7: who is close to each case
                             (case_staff) and restricted journal entries (docs.restricted, docs.author);
                             8: a journal entry's version carries its writer and time, not its committer;
                             9: what each case owes (due_items), the contact person's start;
                             10: the staff directory (staff); 11: texts deflated and known by a
                             hash, binary ids, repeated strings kept once (strs) */

#include "hooks.h"
#include "index_internal.h"
#include "due_internal.h"
#include "unchecked.h"

static int text_source_register(sqlite3 *db);

static int db_error(sqlite3 *db, const char *doing)
{
    return baton_error_set(BATON_ERROR, "index: %s: %s", doing, db ? sqlite3_errmsg(db) : "cannot open");
}

static int exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        int rc = baton_error_set(BATON_ERROR, "index: %s", err ? err : sqlite3_errmsg(db));
        sqlite3_free(err);
        return rc;
    }
    return 0;
}

/* The indexes added to the schema's first version (user_version 1 gets them when opened): one
 * person's due items in the due list's order, without a look at the table (due.c), and the cases
 * of a contact person, without a scan of them all (baton_index_contact_cases). */
#define SCHEMA_2                                                                                               \
    "DROP INDEX IF EXISTS due_items_owner;"                                                                   \
    "CREATE INDEX IF NOT EXISTS due_items_owner_order ON due_items(owner, due, case_id, kind, ref, views);"   \
    "CREATE INDEX IF NOT EXISTS cases_contact ON cases(contact, case_id);"

static int create_schema(sqlite3 *db, const char *lang)
{
    char sql[8192];
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
             "CREATE TABLE IF NOT EXISTS strs(id INTEGER PRIMARY KEY, s TEXT NOT NULL UNIQUE);"
             "CREATE TABLE IF NOT EXISTS texts(id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, field INTEGER NOT NULL,"
             " body NOT NULL);"
             "CREATE VIEW IF NOT EXISTS text_bodies AS SELECT id, baton_text(body) AS body FROM texts;"
             "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(body, content='text_bodies', content_rowid='id',"
             " tokenize='baton %s');"
             "CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, case_id TEXT NOT NULL, name TEXT NOT NULL,"
             " kind TEXT NOT NULL, restricted INTEGER NOT NULL DEFAULT 0, author TEXT, UNIQUE(case_id, name));"
             "CREATE TABLE IF NOT EXISTS case_staff(case_id TEXT NOT NULL, staff TEXT NOT NULL, why TEXT NOT NULL,"
             " PRIMARY KEY(case_id, why, staff)) WITHOUT ROWID;"
             "CREATE INDEX IF NOT EXISTS case_staff_staff ON case_staff(staff);"
             "CREATE TABLE IF NOT EXISTS versions(id INTEGER PRIMARY KEY, doc_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
             " blob BLOB NOT NULL, time INTEGER NOT NULL, author INTEGER NOT NULL, email INTEGER NOT NULL,"
             " staff INTEGER NOT NULL, subject INTEGER NOT NULL, reason TEXT, fields INTEGER, problem TEXT);"
             "CREATE TABLE IF NOT EXISTS commits(seq INTEGER PRIMARY KEY, commit_id BLOB NOT NULL);"
             /* a commit is looked up by its id rarely (case log --at): 4 bytes of it are index enough */
             "CREATE INDEX IF NOT EXISTS commits_prefix ON commits(substr(commit_id, 1, 4));"
             "CREATE INDEX IF NOT EXISTS versions_doc ON versions(doc_id, id);"
             "CREATE TABLE IF NOT EXISTS spans(text_id INTEGER NOT NULL, doc_id INTEGER NOT NULL,"
             " first_version INTEGER NOT NULL, last_version INTEGER);"
             "CREATE INDEX IF NOT EXISTS spans_text ON spans(text_id);"
             "CREATE INDEX IF NOT EXISTS spans_open ON spans(doc_id) WHERE last_version IS NULL;"
             "CREATE TABLE IF NOT EXISTS cases(case_id TEXT PRIMARY KEY, status TEXT NOT NULL, contact TEXT NOT NULL,"
             " child TEXT NOT NULL, institution TEXT NOT NULL DEFAULT '', grp TEXT NOT NULL DEFAULT '', contact_since TEXT);"
             "CREATE TABLE IF NOT EXISTS due_items(case_id TEXT NOT NULL, views INTEGER NOT NULL, kind TEXT NOT NULL,"
             " ref TEXT, owner TEXT, due TEXT NOT NULL, detail TEXT);"
             "CREATE INDEX IF NOT EXISTS due_items_case ON due_items(case_id);"
             "CREATE INDEX IF NOT EXISTS due_items_due ON due_items(due);"
             SCHEMA_2
             "CREATE TABLE IF NOT EXISTS staff(id TEXT PRIMARY KEY, active INTEGER NOT NULL, left TEXT) WITHOUT ROWID;"
             "CREATE INDEX IF NOT EXISTS docs_restricted ON docs(author, case_id) WHERE restricted = 1;"
             "CREATE INDEX IF NOT EXISTS cases_class ON cases(institution, grp);"
             "INSERT OR IGNORE INTO meta VALUES('format', '" INDEX_FORMAT "');"
             "INSERT OR IGNORE INTO meta VALUES('language', '%s');",
             lang, lang);
    return exec(db, sql);
}

static int meta_get(sqlite3 *db, const char *key, char *out, size_t n)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "read meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return 0;
}

static int meta_set(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta VALUES(?, ?)", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "write meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_error(db, "write meta");
    sqlite3_finalize(st);
    return rc;
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int open_db(const char *path, const char *lang, sqlite3 **out)
{
    sqlite3 *db = NULL;
    *out = NULL;
    int prc = baton_file_private(path);
    if (prc)
        return prc;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int rc = db_error(db, path);
        sqlite3_close(db);
        return rc;
    }
    baton_sqlite_wait(db, 30000);
    int rc = baton_tokenizer_register(db) == SQLITE_OK ? 0 : db_error(db, "register tokenizer");
    if (rc == 0 && (sodium_init() < 0 || text_source_register(db) != SQLITE_OK))
        rc = db_error(db, "register the text source");
    /* derived data: synchronous=NORMAL is enough, git is the truth; a cache that holds a big
     * catch-up's working set (SQLite's default is 2 MB), grown only as pages are read */
    if (rc == 0)
        rc = exec(db, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;");
    /* the schema is written once, when the file is new (user_version 2), and an index of
     * user_version 1 gets the indexes added since: opening for a search stays a read */
    if (rc == 0 && user_version(db) < 2) {
        rc = exec(db, "PRAGMA journal_mode=WAL;");
        if (rc == 0)
            rc = exec(db, "BEGIN IMMEDIATE");
        if (rc == 0 && user_version(db) == 0)
            rc = create_schema(db, lang);
        else if (rc == 0 && user_version(db) == 1)
            rc = exec(db, SCHEMA_2);
        if (rc == 0)
            rc = exec(db, "PRAGMA user_version = 2");
        if (rc == 0)
            rc = exec(db, "COMMIT");
        else
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    char format[16], have_lang[16];
    if (rc == 0 && (rc = meta_get(db, "format", format, sizeof format)) == 0 &&
        (rc = meta_get(db, "language", have_lang, sizeof have_lang)) == 0 &&
        (strcmp(format, INDEX_FORMAT) != 0 || strcmp(have_lang, lang) != 0))
        rc = baton_error_set(BATON_EINVALID, "index: built by another format or language");
    if (rc) {
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

static void index_path(baton_store *store, char *out, size_t n) { snprintf(out, n, "%s/index.db", store->path); }

static void remove_db(const char *path)
{
    char p[4200];
    unlink(path);
    if (snprintf(p, sizeof p, "%s-wal", path) < (int)sizeof p)
        unlink(p);
    if (snprintf(p, sizeof p, "%s-shm", path) < (int)sizeof p)
        unlink(p);
}

/* ---- extracting texts from a record ---- */

#define TEXT_HASH_BYTES 12 /* of BLAKE2b's 16: 96 bits, so two texts never share one by chance */

typedef struct {
    char **fields;
    char **bodies;
    unsigned char (*hashes)[TEXT_HASH_BYTES];
    size_t n, cap;
} text_list;

static void texts_free(text_list *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->fields[i]);
        free(t->bodies[i]);
    }
    free(t->fields);
    free(t->bodies);
    free(t->hashes);
    memset(t, 0, sizeof *t);
}

/* A text is known by a hash of its field and body: finding it, and telling whether a record
 * still holds it, takes no inflating of stored bodies. */
static void text_hash(const char *field, const char *body, unsigned char out[TEXT_HASH_BYTES])
{
    unsigned char full[crypto_generichash_BYTES_MIN];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof full);
    crypto_generichash_update(&st, (const unsigned char *)field, strlen(field) + 1);
    crypto_generichash_update(&st, (const unsigned char *)body, strlen(body));
    crypto_generichash_final(&st, full, sizeof full);
    memcpy(out, full, TEXT_HASH_BYTES);
}

static void texts_add(text_list *t, const char *field, const char *body)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->fields = realloc(t->fields, t->cap * sizeof *t->fields);
        t->bodies = realloc(t->bodies, t->cap * sizeof *t->bodies);
        t->hashes = realloc(t->hashes, t->cap * sizeof *t->hashes);
    }
    t->fields[t->n] = strdup(field);
    t->bodies[t->n] = strdup(body);
    text_hash(field, body, t->hashes[t->n]);
    t->n++;
}

/* Every searchable text of a record with its field path; the national id is never indexed. */
static void extract(text_list *t, const json_t *v, const baton_field *f, const char *path)
{
    char sub[512];
    if (!v || (f->flags & BATON_FIELD_SECRET))
        return;
    switch (f->kind) {
    case BATON_FIELD_OBJECT:
        for (const baton_field *m = f->fields; m->name; m++) {
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", m->name);
            extract(t, json_object_get(v, m->name), m, sub);
        }
        break;
    case BATON_FIELD_ARRAY: {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            const char *key = f->key ? json_string_value(json_object_get(item, f->key)) : NULL;
            if (key)
                snprintf(sub, sizeof sub, "%s[%s]", path, key);
            else
                snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            extract(t, item, f->fields, sub);
        }
        break;
    }
    case BATON_FIELD_STRING:
    case BATON_FIELD_TEXT:
        if (json_is_string(v))
            texts_add(t, path, json_string_value(v));
        break;
    default:
        break;
    }
}

/* The texts of one version of a record. Journal texts are named by their entry,
 * "journal[j3].text", and a handover's by its number, so hits say which. */
static void texts_of(text_list *t, const json_t *doc, baton_record_kind rkind)
{
    char prefix[64] = "";
    if (!doc)
        return;
    if (rkind == BATON_RECORD_JOURNAL)
        snprintf(prefix, sizeof prefix, "journal[%.20s]", json_string_value(json_object_get(doc, "id")));
    else if (rkind == BATON_RECORD_HANDOVER)
        snprintf(prefix, sizeof prefix, "handover[%lld]", (long long)json_integer_value(json_object_get(doc, "number")));
    extract(t, doc, baton_record_spec(rkind), prefix);
}

/* ---- the texts, stored compressed ---- */

/* A body is kept as TEXT when deflating does not make it smaller, else as a BLOB: its length
 * (4 bytes, little-endian) and its zlib stream. FTS5 reads the bodies through the view
 * text_bodies, which inflates them with baton_text(): snippets, and the integrity check. */
static int text_pack(z_stream *z, const char *body, unsigned char **out, size_t *outlen)
{
    size_t n = strlen(body);
    *out = NULL;
    if (n < 64 || n > 0xffffffffu || deflateReset(z) != Z_OK)
        return 0;
    uLong cap = deflateBound(z, (uLong)n);
    unsigned char *buf = malloc(4 + cap);
    if (!buf)
        return 0;
    z->next_in = (Bytef *)(uintptr_t)body;
    z->avail_in = (uInt)n;
    z->next_out = buf + 4;
    z->avail_out = (uInt)cap;
    if (deflate(z, Z_FINISH) != Z_STREAM_END || 4 + z->total_out >= n) {
        free(buf);
        return 0;
    }
    for (int i = 0; i < 4; i++)
        buf[i] = (unsigned char)(n >> (8 * i));
    *out = buf;
    *outlen = 4 + z->total_out;
    return 1;
}

static void text_body_sql(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    const unsigned char *in = sqlite3_value_blob(argv[0]);
    int inlen = sqlite3_value_bytes(argv[0]);
    if (inlen < 4) {
        sqlite3_result_error(ctx, "index: a stored text is damaged", -1);
        return;
    }
    uLongf n = (uLongf)in[0] | (uLongf)in[1] << 8 | (uLongf)in[2] << 16 | (uLongf)in[3] << 24;
    char *out = sqlite3_malloc64(n + 1);
    if (!out) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    uLongf got = n;
    if (uncompress((Bytef *)out, &got, in + 4, (uLong)(inlen - 4)) != Z_OK || got != n) {
        sqlite3_free(out);
        sqlite3_result_error(ctx, "index: a stored text is damaged", -1);
        return;
    }
    out[n] = '\0';
    sqlite3_result_text(ctx, out, (int)n, sqlite3_free);
}

static int text_source_register(sqlite3 *db)
{
    return sqlite3_create_function_v2(db, "baton_text", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                      text_body_sql, NULL, NULL, NULL);
}

/* ---- writing versions ---- */

#define LAST_CASES_KEPT 8192 /* about 66 KB each, parsed */

static size_t last_cases_kept(void)
{
    /* a test build may keep fewer, so a test reaches the records read again from git */
    return (size_t)BATON_HOOK_NUMBER("BATON_INDEX_KEPT", LAST_CASES_KEPT);
}

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *find_text, *add_text, *add_fts, *find_doc, *add_doc, *add_version, *open_spans, *close_span,
        *add_span, *prev_version, *upsert_case, *add_commit, *prev_blob, *del_staff, *add_staff, *mark_doc, *find_str,
        *add_str;
    sqlite3_int64 seq;   /* the commit being indexed, counted along the first-parent chain */
    json_t *last_case;   /* path -> the case record as last indexed, for the fields a version changed */
    json_t *gone;        /* path -> true: the case record's newest version is invalid or deleted (last_case
                            holds an older one, or none) */
    json_t *docs;        /* path -> [doc id, last version id], so catching up does not ask sqlite each time */
    json_t *strs;        /* string -> its id in strs, as far as this catch-up has met it */
    z_stream z;          /* deflating new texts: one stream, reset for each */
    int have_z;
    git_repository *repo;
    baton_store *store;
    int quiet;           /* no warnings for invalid records (fsck's fresh index reports them itself) */
    json_t *dirty;       /* case id -> true: cases whose records changed, for what they owe */
    int config_changed;  /* baton.json changed: every case's agreement reviews may have moved */
    int staff_changed;   /* staff/ changed: the staff table is rewritten */
} writer;

static void writer_free(writer *w)
{
    sqlite3_finalize(w->find_text);
    sqlite3_finalize(w->add_text);
    sqlite3_finalize(w->add_fts);
    sqlite3_finalize(w->find_doc);
    sqlite3_finalize(w->add_doc);
    sqlite3_finalize(w->add_version);
    sqlite3_finalize(w->open_spans);
    sqlite3_finalize(w->close_span);
    sqlite3_finalize(w->add_span);
    sqlite3_finalize(w->prev_version);
    sqlite3_finalize(w->upsert_case);
    sqlite3_finalize(w->add_commit);
    sqlite3_finalize(w->prev_blob);
    sqlite3_finalize(w->del_staff);
    sqlite3_finalize(w->add_staff);
    sqlite3_finalize(w->mark_doc);
    sqlite3_finalize(w->find_str);
    sqlite3_finalize(w->add_str);
    json_decref(w->strs);
    if (w->have_z)
        deflateEnd(&w->z);
    json_decref(w->last_case);
    json_decref(w->gone);
    json_decref(w->docs);
    json_decref(w->dirty);
}

static int writer_init(writer *w, sqlite3 *db, baton_store *store)
{
    memset(w, 0, sizeof *w);
    w->db = db;
    w->store = store;
    w->repo = store->repo;
    w->last_case = json_object();
    w->gone = json_object();
    w->docs = json_object();
    w->strs = json_object();
    w->dirty = json_object();
    w->have_z = deflateInit(&w->z, 6) == Z_OK;
    struct {
        sqlite3_stmt **st;
        const char *sql;
    } q[] = {
        {&w->find_text, "SELECT id FROM texts WHERE hash = ?"},
        {&w->add_text, "INSERT INTO texts(hash, field, body) VALUES(?, ?, ?)"},
        {&w->add_fts, "INSERT INTO fts(rowid, body) VALUES(?, ?)"},
        {&w->find_doc, "SELECT id FROM docs WHERE case_id = ? AND name = ?"},
        {&w->add_doc, "INSERT INTO docs(case_id, name, kind) VALUES(?, ?, ?)"},
        {&w->add_version, "INSERT INTO versions(doc_id, seq, blob, time, author, email, staff, subject, reason, fields,"
                          " problem) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
        {&w->add_commit, "INSERT OR IGNORE INTO commits(seq, commit_id) VALUES(?, ?)"},
        {&w->prev_blob, "SELECT v.blob FROM versions v JOIN docs d ON d.id = v.doc_id WHERE d.case_id = ?"
                        " AND d.name = 'case.json' AND v.problem IS NULL ORDER BY v.id DESC LIMIT 1"},
        {&w->open_spans, "SELECT s.rowid, t.hash FROM spans s JOIN texts t ON t.id = s.text_id"
                         " WHERE s.doc_id = ? AND s.last_version IS NULL"},
        {&w->find_str, "SELECT id FROM strs WHERE s = ?"},
        {&w->add_str, "INSERT INTO strs(s) VALUES(?)"},
        {&w->close_span, "UPDATE spans SET last_version = ? WHERE rowid = ?"},
        {&w->add_span, "INSERT INTO spans(text_id, doc_id, first_version, last_version) VALUES(?, ?, ?, NULL)"},
        {&w->prev_version, "SELECT max(id) FROM versions WHERE doc_id = ? AND id < ?"},
        {&w->upsert_case, "INSERT OR REPLACE INTO cases(case_id, status, contact, child, institution, grp,"
                          " contact_since) VALUES(?, ?, ?, ?, ?, ?, ?)"},
        {&w->del_staff, "DELETE FROM case_staff WHERE case_id = ?1 AND (why = ?2 OR (?2 = 'plan' AND why IN ('contact',"
                        " 'team')))"},
        {&w->add_staff, "INSERT OR IGNORE INTO case_staff(case_id, staff, why) VALUES(?, ?, ?)"},
        {&w->mark_doc, "UPDATE docs SET restricted = ?, author = ? WHERE id = ?"},
    };
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        if (sqlite3_prepare_v2(db, q[i].sql, -1, q[i].st, NULL) != SQLITE_OK) {
            int rc = db_error(db, "prepare");
            writer_free(w);
            return rc;
        }
    }
    return 0;
}

static int step_done(writer *w, sqlite3_stmt *st, const char *doing)
{
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_DONE ? 0 : db_error(w->db, doing);
}

/* The id of a text (hash, the field's and body's hash), added and indexed if it is new. */
static int text_id(writer *w, const unsigned char *hash, sqlite3_int64 field, const char *body, sqlite3_int64 *out)
{
    sqlite3_bind_blob(w->find_text, 1, hash, TEXT_HASH_BYTES, SQLITE_STATIC);
    int r = sqlite3_step(w->find_text);
    if (r == SQLITE_ROW)
        *out = sqlite3_column_int64(w->find_text, 0);
    sqlite3_reset(w->find_text);
    if (r == SQLITE_ROW)
        return 0;
    unsigned char *packed;
    size_t plen;
    sqlite3_bind_blob(w->add_text, 1, hash, TEXT_HASH_BYTES, SQLITE_STATIC);
    sqlite3_bind_int64(w->add_text, 2, field);
    if (w->have_z && text_pack(&w->z, body, &packed, &plen))
        sqlite3_bind_blob(w->add_text, 3, packed, (int)plen, free);
    else
        sqlite3_bind_text(w->add_text, 3, body, -1, SQLITE_STATIC);
    int rc = step_done(w, w->add_text, "add text");
    if (rc)
        return rc;
    *out = sqlite3_last_insert_rowid(w->db);
    sqlite3_bind_int64(w->add_fts, 1, *out);
    sqlite3_bind_text(w->add_fts, 2, body, -1, SQLITE_STATIC);
    return step_done(w, w->add_fts, "index text");
}

/* The id of s in strs (authors, subjects, field names: each is kept once). */
static int str_id(writer *w, const char *s, sqlite3_int64 *out)
{
    json_t *known = json_object_get(w->strs, s);
    if (known) {
        *out = json_integer_value(known);
        return 0;
    }
    sqlite3_bind_text(w->find_str, 1, s, -1, SQLITE_STATIC);
    int r = sqlite3_step(w->find_str);
    if (r == SQLITE_ROW)
        *out = sqlite3_column_int64(w->find_str, 0);
    sqlite3_reset(w->find_str);
    if (r != SQLITE_ROW) {
        sqlite3_bind_text(w->add_str, 1, s, -1, SQLITE_STATIC);
        int rc = step_done(w, w->add_str, "add string");
        if (rc)
            return rc;
        *out = sqlite3_last_insert_rowid(w->db);
    }
    json_object_set_new(w->strs, s, json_integer((json_int_t)*out));
    return 0;
}

/* A record's name in its case directory ("case.json", "journal/j3.json"): docs keeps the case
 * id and this, not the whole path. */
static const char *doc_name(const char *path)
{
    const char *p = path;
    for (int i = 0; i < 3 && p; i++)
        if ((p = strchr(p, '/')))
            p++;
    return p ? p : path;
}

static int doc_id(writer *w, const char *case_id, const char *path, const char *kind, sqlite3_int64 *out)
{
    json_t *known = json_object_get(w->docs, path);
    if (known) {
        *out = json_integer_value(json_array_get(known, 0));
        return 0;
    }
    sqlite3_bind_text(w->find_doc, 1, case_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->find_doc, 2, doc_name(path), -1, SQLITE_STATIC);
    int r = sqlite3_step(w->find_doc);
    if (r == SQLITE_ROW)
        *out = sqlite3_column_int64(w->find_doc, 0);
    sqlite3_reset(w->find_doc);
    if (r == SQLITE_ROW)
        return 0;
    sqlite3_bind_text(w->add_doc, 1, case_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->add_doc, 2, doc_name(path), -1, SQLITE_STATIC);
    sqlite3_bind_text(w->add_doc, 3, kind, -1, SQLITE_STATIC);
    int rc = step_done(w, w->add_doc, "add record");
    *out = sqlite3_last_insert_rowid(w->db);
    return rc;
}

/* The cases table holds status, contact (and since when), child and context: rewrite the row only
 * when one of them moved. */
static int case_row_changed(const json_t *before, const json_t *doc)
{
    if (!before)
        return 1;
    return !json_equal(json_object_get(before, "status"), json_object_get(doc, "status")) ||
           !json_equal(json_object_get(before, "contact"), json_object_get(doc, "contact")) ||
           !json_equal(json_object_get(json_object_get(before, "child"), "name"),
                       json_object_get(json_object_get(doc, "child"), "name")) ||
           !json_equal(json_object_get(before, "context"), json_object_get(doc, "context"));
}

static int staff_row(writer *w, const char *case_id, const char *staff, const char *why)
{
    sqlite3_bind_text(w->add_staff, 1, case_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->add_staff, 2, staff, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->add_staff, 3, why, -1, SQLITE_STATIC);
    return step_done(w, w->add_staff, "record who is close to a case");
}

/* Who is close to a case now: its contact person and team from the plan (why = "plan" clears both),
 * the receiver of each pending handover ("pending <n>"). doc NULL: the record is gone or invalid. */
static int case_staff(writer *w, const char *case_id, baton_record_kind rkind, const char *path, const json_t *doc)
{
    char why[32];
    if (rkind == BATON_RECORD_CASE) {
        snprintf(why, sizeof why, "plan");
    } else {
        const char *base = strrchr(path, '/');
        snprintf(why, sizeof why, "pending %ld", base ? strtol(base + 1, NULL, 10) : 0L);
    }
    sqlite3_bind_text(w->del_staff, 1, case_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(w->del_staff, 2, why, -1, SQLITE_STATIC);
    int rc = step_done(w, w->del_staff, "clear who is close to a case");
    if (rc || !doc)
        return rc;
    if (rkind == BATON_RECORD_CASE) {
        size_t i;
        json_t *m;
        rc = staff_row(w, case_id, json_string_value(json_object_get(json_object_get(doc, "contact"), "staff")),
                       "contact");
        json_array_foreach(json_object_get(doc, "team"), i, m) if (rc == 0) rc =
            staff_row(w, case_id, json_string_value(json_object_get(m, "staff")), "team");
        return rc;
    }
    const char *to = json_string_value(json_object_get(json_object_get(doc, "to"), "staff"));
    return to && !json_object_get(doc, "acknowledged") ? staff_row(w, case_id, to, why) : 0;
}

/* The case record as its last indexed version held it (an index caught up by an earlier run). */
static json_t *previous_case(writer *w, const char *case_id, const char *path)
{
    json_t *doc = NULL;
    git_oid id;
    sqlite3_bind_text(w->prev_blob, 1, case_id, -1, SQLITE_STATIC);
    if (sqlite3_step(w->prev_blob) == SQLITE_ROW && sqlite3_column_bytes(w->prev_blob, 0) == GIT_OID_RAWSZ &&
        git_oid_fromraw(&id, sqlite3_column_blob(w->prev_blob, 0)) == 0) {
        git_blob *b;
        if (git_blob_lookup(&b, w->repo, &id) == 0) {
            baton_record_parse(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), path, &doc);
            git_blob_free(b);
        }
    }
    sqlite3_reset(w->prev_blob);
    baton_error_clear();
    return doc;
}

/* One new version of a record: its texts, the spans they open, and the spans that end. A version
 * that breaks the rules (problem) is kept in the version map with its problem, and holds no text:
 * its record's spans end there, and the other records are indexed as ever. */
static int index_version(writer *w, git_commit *c, const char *case_id, const char *path, const char *kind,
                         const git_oid *blob_id, const json_t *doc, baton_record_kind rkind, const char *problem)
{
    sqlite3_int64 did, vid, prev = 0;
    char commit_hex[41];
    int rc = doc_id(w, case_id, path, kind, &did);
    if (rc)
        return rc;
    git_oid_tostr(commit_hex, sizeof commit_hex, git_commit_id(c));
    char *subject, *reason, staff[40], *fields = NULL;
    baton_message_parse(git_commit_message(c), &subject, &reason, staff);
    json_t *before_case = NULL;
    if (rkind == BATON_RECORD_CASE) {
        /* which fields this version changed, against the version before it */
        json_t *before = json_incref(json_object_get(w->last_case, path));
        if (!before)
            before = previous_case(w, case_id, path);
        before_case = json_incref(before);
        baton_diff d;
        if (doc && baton_diff_records(before, doc, BATON_RECORD_CASE, &d) == 0) {
            json_t *list = baton_diff_fields(&d);
            fields = json_dumps(list, JSON_COMPACT);
            json_decref(list);
            baton_diff_free(&d);
        }
        json_decref(before);
        if (doc) {
            /* a few thousand parsed records at most (a big store's would fill the memory): past
             * that, one is let go, and read again from git if its case changes again */
            if (json_object_size(w->last_case) >= last_cases_kept() && !json_object_get(w->last_case, path))
                json_object_del(w->last_case, json_object_iter_key(json_object_iter(w->last_case)));
            json_object_set(w->last_case, path, (json_t *)doc);
            json_object_del(w->gone, path);
        } else {
            json_object_set_new(w->gone, path, json_true());
        }
    }
    const char *subj = subject ? subject : "";
    /* "case <id>: set x" is stored as "set x": the log shows the case once */
    char lead[64];
    size_t plen = (size_t)snprintf(lead, sizeof lead, "case %s: ", case_id);
    if (strncmp(subj, lead, plen) == 0)
        subj += plen;
    /* a journal entry speaks for itself: who wrote it and when is in the entry (an imported one was
     * committed by whoever imported it, but written by someone at the sender) */
    sqlite3_int64 when = (sqlite3_int64)git_commit_author(c)->when.time;
    const char *author = git_commit_author(c)->name, *email = git_commit_author(c)->email;
    json_t *writer_rec = NULL;
    const char *by = rkind == BATON_RECORD_JOURNAL ? json_string_value(json_object_get(doc, "by")) : NULL;
    if (by) {
        time_t t;
        int date_only;
        snprintf(staff, sizeof staff, "%s", by);
        if (baton_datetime_parse(json_string_value(json_object_get(doc, "recorded")), &t, &date_only) == 0)
            when = (sqlite3_int64)t;
        if (baton_staff_get(w->store, commit_hex, by, &writer_rec) == 0) {
            author = json_string_value(json_object_get(writer_rec, "name"));
            email = json_string_value(json_object_get(writer_rec, "email"));
        }
        baton_error_clear();
    }
    sqlite3_int64 author_id = 0, email_id = 0, staff_id = 0, subject_id = 0, fields_id = 0;
    if ((rc = str_id(w, author ? author : "", &author_id)) == 0 && (rc = str_id(w, email ? email : "", &email_id)) == 0 &&
        (rc = str_id(w, staff, &staff_id)) == 0 && (rc = str_id(w, subj, &subject_id)) == 0 && fields)
        rc = str_id(w, fields, &fields_id);
    sqlite3_bind_int64(w->add_version, 1, did);
    sqlite3_bind_int64(w->add_version, 2, w->seq);
    sqlite3_bind_blob(w->add_version, 3, blob_id->id, GIT_OID_RAWSZ, SQLITE_STATIC);
    sqlite3_bind_int64(w->add_version, 4, when);
    sqlite3_bind_int64(w->add_version, 5, author_id);
    sqlite3_bind_int64(w->add_version, 6, email_id);
    sqlite3_bind_int64(w->add_version, 7, staff_id);
    sqlite3_bind_int64(w->add_version, 8, subject_id);
    sqlite3_bind_text(w->add_version, 9, reason, -1, SQLITE_STATIC);
    if (fields)
        sqlite3_bind_int64(w->add_version, 10, fields_id);
    else
        sqlite3_bind_null(w->add_version, 10);
    sqlite3_bind_text(w->add_version, 11, problem, -1, SQLITE_STATIC);
    if (rc == 0)
    rc = step_done(w, w->add_version, "add version");
    json_decref(writer_rec);
    free(subject);
    free(reason);
    free(fields);
    if (rc)
        return rc;
    vid = sqlite3_last_insert_rowid(w->db);
    json_t *known = json_object_get(w->docs, path);
    if (known) {
        prev = json_integer_value(json_array_get(known, 1));
    } else {
        sqlite3_bind_int64(w->prev_version, 1, did);
        sqlite3_bind_int64(w->prev_version, 2, vid);
        if (sqlite3_step(w->prev_version) == SQLITE_ROW)
            prev = sqlite3_column_int64(w->prev_version, 0);
        sqlite3_reset(w->prev_version);
    }
    json_object_set_new(w->docs, path, json_pack("[I, I]", (json_int_t)did, (json_int_t)vid));

    text_list t = {0};
    texts_of(&t, doc, rkind);
    /* Most versions change one field: the texts the record already holds (its open spans) are
     * matched by their hash, and only the others are looked up or added. */
    char *kept = calloc(t.n + 1, 1); /* texts of this version found among the open spans */
    sqlite3_bind_int64(w->open_spans, 1, did);
    while (rc == 0 && sqlite3_step(w->open_spans) == SQLITE_ROW) {
        sqlite3_int64 span = sqlite3_column_int64(w->open_spans, 0);
        const void *hash = sqlite3_column_blob(w->open_spans, 1);
        size_t i = hash && sqlite3_column_bytes(w->open_spans, 1) == TEXT_HASH_BYTES ? 0 : t.n;
        while (i < t.n && (kept[i] || memcmp(t.hashes[i], hash, TEXT_HASH_BYTES) != 0))
            i++;
        if (i < t.n) {
            kept[i] = 1;
            continue;
        }
        /* the record no longer holds this text: its span ends with the version before */
        sqlite3_bind_int64(w->close_span, 1, prev);
        sqlite3_bind_int64(w->close_span, 2, span);
        rc = step_done(w, w->close_span, "close span");
    }
    sqlite3_reset(w->open_spans);
    for (size_t i = 0; i < t.n && rc == 0; i++) {
        sqlite3_int64 tid;
        sqlite3_int64 field;
        if (kept[i] || (rc = str_id(w, t.fields[i], &field)) || (rc = text_id(w, t.hashes[i], field, t.bodies[i], &tid)))
            continue;
        sqlite3_bind_int64(w->add_span, 1, tid);
        sqlite3_bind_int64(w->add_span, 2, did);
        sqlite3_bind_int64(w->add_span, 3, vid);
        rc = step_done(w, w->add_span, "open span");
    }
    free(kept);
    texts_free(&t);
    if (rc == 0 && (rkind == BATON_RECORD_HANDOVER ||
                    (rkind == BATON_RECORD_CASE && doc &&
                     (!before_case ||
                      !json_equal(json_object_get(before_case, "contact"), json_object_get(doc, "contact")) ||
                      !json_equal(json_object_get(before_case, "team"), json_object_get(doc, "team"))))))
        rc = case_staff(w, case_id, rkind, path, doc);
    if (rc == 0 && doc && rkind == BATON_RECORD_JOURNAL) {
        /* a journal entry is written once: whether it is restricted, and whose it is */
        sqlite3_bind_int(w->mark_doc, 1, json_is_true(json_object_get(doc, "restricted")));
        sqlite3_bind_text(w->mark_doc, 2, json_string_value(json_object_get(doc, "by")), -1, SQLITE_STATIC);
        sqlite3_bind_int64(w->mark_doc, 3, did);
        rc = step_done(w, w->mark_doc, "mark journal entry");
    }
    if (rc == 0 && doc && rkind == BATON_RECORD_CASE && case_row_changed(before_case, doc)) {
        const json_t *contact = json_object_get(doc, "contact"), *child = json_object_get(doc, "child");
        sqlite3_bind_text(w->upsert_case, 1, case_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(w->upsert_case, 2, json_string_value(json_object_get(doc, "status")), -1, SQLITE_STATIC);
        sqlite3_bind_text(w->upsert_case, 3, json_string_value(json_object_get(contact, "staff")), -1, SQLITE_STATIC);
        sqlite3_bind_text(w->upsert_case, 4, json_string_value(json_object_get(child, "name")), -1, SQLITE_STATIC);
        const json_t *ctx = json_object_get(doc, "context");
        const char *inst = json_string_value(json_object_get(ctx, "institution")), *grp = json_string_value(json_object_get(ctx, "group"));
        sqlite3_bind_text(w->upsert_case, 5, inst ? inst : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(w->upsert_case, 6, grp ? grp : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(w->upsert_case, 7, json_string_value(json_object_get(contact, "since")), -1, SQLITE_STATIC);
        rc = step_done(w, w->upsert_case, "update case");
    }
    json_decref(before_case);
    return rc;
}

/* ---- finding what a commit changed ---- */

static const git_oid *entry_oid(git_tree *t, const char *name)
{
    const git_tree_entry *e = t ? git_tree_entry_byname(t, name) : NULL;
    return e ? git_tree_entry_id(e) : NULL;
}

static int sub_tree(git_repository *repo, git_tree *t, const char *name, git_tree **out)
{
    const git_oid *id = entry_oid(t, name);
    *out = NULL;
    return id ? git_tree_lookup(out, repo, id) : 0;
}

static int same(const git_oid *a, const git_oid *b) { return a && b ? git_oid_equal(a, b) : a == b; }

/* The id of the entry of before that stands where e stands in now: both trees are sorted the
 * same way, so walking them together (*j is where the walk in before is) finds it without a
 * search by name for each of a big tree's entries. */
static const git_oid *matching_oid(git_tree *before, const git_tree_entry *e, size_t *j)
{
    size_t n = before ? git_tree_entrycount(before) : 0;
    int cmp = 1;
    while (*j < n && (cmp = git_tree_entry_cmp(git_tree_entry_byindex(before, *j), e)) < 0)
        (*j)++;
    return *j < n && cmp == 0 ? git_tree_entry_id(git_tree_entry_byindex(before, *j)) : NULL;
}

static int index_blob(writer *w, git_repository *repo, git_commit *c, const char *case_id, const char *path,
                      const char *kind, const git_oid *id, baton_record_kind rkind)
{
    git_blob *blob;
    json_t *doc = NULL;
    char *problem = NULL;
    if (git_blob_lookup(&blob, repo, id) < 0)
        return baton_git_error("index: read record");
    /* held to the same rules as a read: a record that breaks them is skipped, not indexed */
    if (baton_record_check_stored(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), path, rkind, &doc)) {
        problem = strdup(baton_error_last());
        if (!w->quiet) {
            char hex[41];
            git_oid_tostr(hex, sizeof hex, git_commit_id(c));
            baton_store_warn(w->store, "skipped %s: this record is invalid at %.12s: %s (see 'baton fsck')", path, hex,
                             problem);
        }
        baton_error_clear();
    }
    git_blob_free(blob);
    int rc = index_version(w, c, case_id, path, kind, id, doc, rkind, problem);
    json_decref(doc);
    free(problem);
    return rc;
}

/* The records under a case directory's subdirectory (journal/, handovers/). Journal entries are
 * written once; an entry that changes or disappears (plain git can do it) is indexed as such, so
 * search shows what the journal holds now. */
static int index_subdir(writer *w, git_repository *repo, git_commit *c, const char *fan, const char *case_id,
                        git_tree *now, git_tree *before, const char *sub, const char *kind, baton_record_kind rkind)
{
    git_tree *jt = NULL, *pjt = NULL;
    int rc = 0;
    if (same(entry_oid(now, sub), entry_oid(before, sub)))
        return 0;
    if (sub_tree(repo, now, sub, &jt) < 0 || sub_tree(repo, before, sub, &pjt) < 0)
        rc = baton_git_error("index: read records");
    char path[256];
    for (size_t i = 0; jt && i < git_tree_entrycount(jt) && rc == 0; i++) {
        const char *name = git_tree_entry_name(git_tree_entry_byindex(jt, i));
        const git_oid *a = entry_oid(jt, name);
        if (same(a, entry_oid(pjt, name)))
            continue;
        snprintf(path, sizeof path, "cases/%s/%s/%s/%s", fan, case_id, sub, name);
        rc = index_blob(w, repo, c, case_id, path, kind, a, rkind);
    }
    for (size_t i = 0; pjt && i < git_tree_entrycount(pjt) && rc == 0; i++) {
        const char *name = git_tree_entry_name(git_tree_entry_byindex(pjt, i));
        if (entry_oid(jt, name))
            continue;
        git_oid gone;
        memset(&gone, 0, sizeof gone);
        snprintf(path, sizeof path, "cases/%s/%s/%s/%s", fan, case_id, sub, name);
        rc = index_version(w, c, case_id, path, kind, &gone, NULL, rkind, NULL);
    }
    git_tree_free(jt);
    git_tree_free(pjt);
    return rc;
}

static int index_case_dir(writer *w, git_repository *repo, git_commit *c, const char *fan, const char *case_id,
                          git_tree *now, git_tree *before)
{
    json_object_set_new(w->dirty, case_id, json_true());
    const git_oid *a = entry_oid(now, "case.json"), *b = entry_oid(before, "case.json");
    int rc = 0;
    char path[128];
    snprintf(path, sizeof path, "cases/%s/%s/case.json", fan, case_id);
    if (a && !same(a, b))
        rc = index_blob(w, repo, c, case_id, path, "case", a, BATON_RECORD_CASE);
    if (rc == 0)
        rc = index_subdir(w, repo, c, fan, case_id, now, before, "journal", "journal", BATON_RECORD_JOURNAL);
    if (rc == 0)
        rc = index_subdir(w, repo, c, fan, case_id, now, before, "handovers", "handover", BATON_RECORD_HANDOVER);
    return rc;
}

static int index_commit(writer *w, git_repository *repo, git_commit *c, git_commit *parent)
{
    git_tree *root = NULL, *proot = NULL, *cases = NULL, *pcases = NULL;
    int rc = 0;
    if (git_commit_tree(&root, c) < 0 || (parent && git_commit_tree(&proot, parent) < 0)) {
        rc = baton_git_error("index: read tree");
        goto out;
    }
    if (!same(entry_oid(root, "baton.json"), entry_oid(proot, "baton.json")))
        w->config_changed = 1;
    if (!same(entry_oid(root, "staff"), entry_oid(proot, "staff")))
        w->staff_changed = 1;
    if (same(entry_oid(root, "cases"), entry_oid(proot, "cases")))
        goto out;
    if (sub_tree(repo, root, "cases", &cases) < 0 || sub_tree(repo, proot, "cases", &pcases) < 0) {
        rc = baton_git_error("index: read cases");
        goto out;
    }
    size_t pi = 0;
    for (size_t i = 0; cases && i < git_tree_entrycount(cases) && rc == 0; i++) {
        const git_tree_entry *fe = git_tree_entry_byindex(cases, i);
        const char *fan = git_tree_entry_name(fe);
        const git_oid *pfan = matching_oid(pcases, fe, &pi);
        if (same(git_tree_entry_id(fe), pfan))
            continue;
        git_tree *ft = NULL, *pft = NULL;
        if (git_tree_lookup(&ft, repo, git_tree_entry_id(fe)) < 0 || (pfan && git_tree_lookup(&pft, repo, pfan) < 0))
            rc = baton_git_error("index: read fan-out");
        size_t pj = 0;
        for (size_t j = 0; ft && j < git_tree_entrycount(ft) && rc == 0; j++) {
            const git_tree_entry *ce = git_tree_entry_byindex(ft, j);
            const char *id = git_tree_entry_name(ce);
            const git_oid *pcase = matching_oid(pft, ce, &pj);
            if (same(git_tree_entry_id(ce), pcase))
                continue;
            git_tree *ct = NULL, *pct = NULL;
            if (git_tree_lookup(&ct, repo, git_tree_entry_id(ce)) < 0 || (pcase && git_tree_lookup(&pct, repo, pcase) < 0))
                rc = baton_git_error("index: read case");
            if (rc == 0)
                rc = index_case_dir(w, repo, c, fan, id, ct, pct);
            git_tree_free(ct);
            git_tree_free(pct);
        }
        git_tree_free(ft);
        git_tree_free(pft);
    }
out:
    git_tree_free(cases);
    git_tree_free(pcases);
    git_tree_free(root);
    git_tree_free(proot);
    return rc;
}

/* ---- what each case owes ---- */

/* Views an item is in: 1 as read with restricted entries, 2 with them withheld. */
static int due_insert(writer *w, sqlite3_stmt *add, const char *case_id, const json_t *item, int views)
{
    const char *keys[] = {"kind", "ref", "owner", "due", "detail"};
    sqlite3_bind_text(add, 1, case_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(add, 2, views);
    for (int k = 0; k < 5; k++)
        sqlite3_bind_text(add, 3 + k, json_string_value(json_object_get(item, keys[k])), -1, SQLITE_STATIC);
    return step_done(w, add, "record what a case owes");
}

/* The staff table, as the staff directory is at head. */
static int staff_refresh(writer *w)
{
    json_t *list;
    sqlite3_stmt *add = NULL;
    if (!w->staff_changed)
        return 0;
    int rc = baton_staff_directory(w->store, &list);
    if (rc)
        return rc;
    if ((rc = exec(w->db, "DELETE FROM staff")) == 0 &&
        sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO staff(id, active, left) VALUES(?, ?, ?)", -1, &add, NULL) !=
            SQLITE_OK)
        rc = db_error(w->db, "prepare");
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) {
        if (rc)
            break;
        sqlite3_bind_text(add, 1, json_string_value(json_object_get(x, "id")), -1, SQLITE_STATIC);
        sqlite3_bind_int(add, 2, json_is_true(json_object_get(x, "active")));
        sqlite3_bind_text(add, 3, json_string_value(json_object_get(x, "left")), -1, SQLITE_STATIC);
        rc = step_done(w, add, "record the staff directory");
    }
    sqlite3_finalize(add);
    json_decref(list);
    return rc;
}

/* Works out again what the cases this catch-up touched owe, as they are at head (every case when
 * the store's settings changed). A case whose record cannot be read owes nothing here. */
static int due_refresh(writer *w, const char *head)
{
    sqlite3_stmt *del = NULL, *add = NULL, *all = NULL;
    int rc = 0;
    if (w->config_changed && sqlite3_prepare_v2(w->db, "SELECT case_id FROM cases", -1, &all, NULL) == SQLITE_OK) {
        while (sqlite3_step(all) == SQLITE_ROW)
            json_object_set_new(w->dirty, (const char *)sqlite3_column_text(all, 0), json_true());
        sqlite3_finalize(all);
    }
    if (json_object_size(w->dirty) == 0)
        return 0;
    if (sqlite3_prepare_v2(w->db, "DELETE FROM due_items WHERE case_id = ?", -1, &del, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(w->db, "INSERT INTO due_items(case_id, views, kind, ref, owner, due, detail)"
                                  " VALUES(?, ?, ?, ?, ?, ?, ?)", -1, &add, NULL) != SQLITE_OK) {
        rc = db_error(w->db, "prepare");
        goto out;
    }
    long months = baton_store_config_int(w->store, "agreement_review_months", 6);
    const char *id;
    json_t *v;
    json_object_foreach(w->dirty, id, v) {
        sqlite3_bind_text(del, 1, id, -1, SQLITE_STATIC);
        if ((rc = step_done(w, del, "clear what a case owes")))
            break;
        json_t *doc = NULL, *full = json_array(), *withheld = json_array();
        /* the case record as this catch-up last indexed it is the one at head, unless that
         * version was invalid or deleted */
        char path[128];
        baton_case_path(id, path, sizeof path);
        json_t *known = json_object_get(w->gone, path) ? NULL : json_object_get(w->last_case, path);
        if (known)
            doc = json_incref(known);
        if ((doc || baton_case_load_unchecked(w->store, head, id, &doc, NULL) == 0) &&
            baton_due_case_raw(w->store, head, doc, months, 0, full) == 0 &&
            baton_due_case_raw(w->store, head, doc, months, 1, withheld) == 0) {
            /* an item both views hold is stored once */
            char *taken = calloc(json_array_size(withheld) + 1, 1);
            size_t i, j;
            json_t *a, *b;
            json_array_foreach(full, i, a) {
                int views = 1;
                json_array_foreach(withheld, j, b) if (!taken[j] && json_equal(a, b)) {
                    taken[j] = 1;
                    views = 3;
                    break;
                }
                if (rc == 0)
                    rc = due_insert(w, add, id, a, views);
            }
            json_array_foreach(withheld, j, b) if (rc == 0 && !taken[j]) rc = due_insert(w, add, id, b, 2);
            free(taken);
        }
        baton_error_clear();
        json_decref(doc);
        json_decref(full);
        json_decref(withheld);
        if (rc)
            break;
    }
out:
    sqlite3_finalize(del);
    sqlite3_finalize(add);
    return rc;
}

static int clear_all(sqlite3 *db)
{
    return exec(db, "DELETE FROM spans; DELETE FROM versions; DELETE FROM docs; DELETE FROM cases; DELETE FROM commits;"
                    "DELETE FROM case_staff; DELETE FROM due_items; DELETE FROM staff; DELETE FROM strs;"
                    "DELETE FROM texts; INSERT INTO fts(fts) VALUES('delete-all'); DELETE FROM meta WHERE key='last_commit';");
}

static int catch_up(baton_index *idx, baton_index_progress progress, void *pctx)
{
    git_repository *repo = idx->store->repo;
    baton_oid_hex head;
    char last[64];
    int rc;
    if (baton_store_head(idx->store, head))
        return 0; /* an empty repository has nothing to index */
    if (strcmp(idx->caught_up, head) == 0)
        return 0;
    if ((rc = meta_get(idx->db, "last_commit", last, sizeof last)))
        return rc;
    if (strcmp(last, head) == 0) {
        memcpy(idx->caught_up, head, sizeof idx->caught_up);
        return 0;
    }
    if ((rc = exec(idx->db, "BEGIN IMMEDIATE")))
        return rc;
    /* another process may have caught up while we waited for the write lock */
    if ((rc = meta_get(idx->db, "last_commit", last, sizeof last)) || strcmp(last, head) == 0)
        goto done;

    git_oid *chain = NULL;
    size_t n = 0;
    git_oid oid, stop;
    int have_stop = last[0] && git_oid_fromstr(&stop, last) == 0;
    int found = 0;
    git_oid_fromstr(&oid, head);
    if ((rc = baton_first_parent_chain(repo, &oid, have_stop ? &stop : NULL, 0, &chain, &n, &found)))
        goto done;
    /* the indexed commit is no longer in the history (rewritten): start over */
    if (have_stop && !found && (rc = clear_all(idx->db)))
        goto free_chain;
    writer w;
    if ((rc = writer_init(&w, idx->db, idx->store)))
        goto free_chain;
    w.quiet = idx->quiet;
    {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(idx->db, "SELECT coalesce(max(seq), 0) FROM commits", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            w.seq = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    for (size_t i = n; i-- > 0 && rc == 0;) {
        w.seq++;
        sqlite3_bind_int64(w.add_commit, 1, w.seq);
        sqlite3_bind_blob(w.add_commit, 2, chain[i].id, GIT_OID_RAWSZ, SQLITE_STATIC);
        if ((rc = step_done(&w, w.add_commit, "add commit")))
            break;
        git_commit *cur = NULL, *parent = NULL;
        if (git_commit_lookup(&cur, repo, &chain[i]) < 0) {
            rc = baton_git_error("index: read commit");
            break;
        }
        if (git_commit_parentcount(cur) > 0 && git_commit_parent(&parent, cur, 0) < 0)
            rc = baton_git_error("index: read parent");
        if (rc == 0)
            rc = index_commit(&w, repo, cur, parent);
        git_commit_free(parent);
        git_commit_free(cur);
        if (progress && ((n - i) % 256 == 0 || i == 0))
            progress(n - i, n, pctx);
    }
    if (rc == 0)
        rc = staff_refresh(&w);
    if (rc == 0)
        rc = due_refresh(&w, head);
    writer_free(&w);
    if (rc == 0)
        rc = meta_set(idx->db, "last_commit", head);
free_chain:
    free(chain);
done:
    if (rc == 0 && (rc = exec(idx->db, "COMMIT")) == 0)
        memcpy(idx->caught_up, head, sizeof idx->caught_up);
    if (rc)
        exec(idx->db, "ROLLBACK");
    return rc;
}

static void index_close(baton_index *idx);

void baton_index_release(baton_store *store)
{
    baton_index *idx = store->kept_index;
    store->kept_index = NULL;
    if (idx)
        index_close(idx);
}

/* A store handle keeps the first index it opens, and hands it out again, caught up, while
 * index.db is still the file it opened: a server's thread searches, lists and sums up what is due
 * on every page, and opening the index (the file, the cache, the statements) cost more than the
 * query. baton_index_free leaves the kept one open; the store closes it. */
int baton_index_open(baton_index **out, baton_store *store, baton_index_progress progress, void *ctx)
{
    char path[4096];
    sqlite3 *db;
    *out = NULL;
    index_path(store, path, sizeof path);
    if (store->kept_index) {
        if (baton_file_unchanged(path, &store->index_file) && catch_up(store->kept_index, progress, ctx) == 0) {
            *out = store->kept_index;
            return 0;
        }
        baton_error_clear();
        baton_index_release(store);
    }
    int rc = open_db(path, baton_store_language(store), &db);
    if (rc == BATON_EINVALID) {
        /* built for another format or language: it is derived, so build it again */
        remove_db(path);
        rc = open_db(path, baton_store_language(store), &db);
    }
    if (rc)
        return rc;
    baton_index *idx = calloc(1, sizeof *idx);
    idx->store = store;
    idx->db = db;
    if ((rc = catch_up(idx, progress, ctx))) {
        index_close(idx);
        return rc;
    }
    if (!store->kept_index && baton_file_identify(path, &store->index_file) == 0)
        store->kept_index = idx;
    *out = idx;
    return 0;
}

void baton_index_free(baton_index *idx)
{
    if (idx && idx != idx->store->kept_index)
        index_close(idx);
}

void baton_index_bind_reader(sqlite3_stmt *st, baton_session *s)
{
    const char *inst = baton_session_institution(s);
    sqlite3_bind_text(st, 1, s->who.id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, baton_policy_role_scope(s->record, BATON_ACCESS_READ));
    sqlite3_bind_text(st, 3, inst[0] ? inst : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, baton_policy_role_scope(s->record, BATON_ACCESS_READ_RESTRICTED));
}

int baton_index_prepared(baton_index *idx, sqlite3_stmt **slot, const char *sql)
{
    return *slot || sqlite3_prepare_v2(idx->db, sql, -1, slot, NULL) == SQLITE_OK ? 0 : -1;
}

static void index_close(baton_index *idx)
{
    if (!idx)
        return;
    sqlite3_finalize(idx->contact_cases);
    sqlite3_finalize(idx->case_summaries);
    sqlite3_finalize(idx->due_one);
    sqlite3_finalize(idx->due_person);
    sqlite3_finalize(idx->due_own);
    sqlite3_finalize(idx->due_left);
    for (size_t i = 0; i < 32; i++) {
        sqlite3_finalize(idx->due_items[i]);
        sqlite3_finalize(idx->due_count[i]);
    }
    sqlite3_finalize(idx->search_ranked);
    sqlite3_finalize(idx->search_recent);
    sqlite3_finalize(idx->search_capped);
    sqlite3_finalize(idx->search_snippet);
    sqlite3_finalize(idx->search_recent_bare);
    sqlite3_close(idx->db);
    free(idx);
}

int baton_index_rebuild(baton_store *store, baton_index_progress progress, void *ctx)
{
    char path[4096];
    index_path(store, path, sizeof path);
    baton_index_release(store);
    remove_db(path);
    baton_index *idx;
    int rc = baton_index_open(&idx, store, progress, ctx);
    baton_index_free(idx);
    return rc;
}

int baton_index_compact(baton_store *store)
{
    baton_index *idx;
    int rc = baton_index_open(&idx, store, NULL, NULL);
    if (rc)
        return rc;
    char *err = NULL;
    /* freed pages zeroed, the full-text segments merged into one, the file rewritten without free
     * pages, and the write-ahead log emptied */
    if (sqlite3_exec(idx->db, "PRAGMA secure_delete = ON; INSERT INTO fts(fts) VALUES('optimize'); VACUUM;"
                              " PRAGMA wal_checkpoint(TRUNCATE);",
                     NULL, NULL, &err) != SQLITE_OK)
        rc = baton_error_set(BATON_ERROR, "index: compact: %s", err ? err : sqlite3_errmsg(idx->db));
    sqlite3_free(err);
    baton_index_free(idx);
    return rc;
}

static size_t count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    size_t n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int baton_index_stats_get(baton_index *idx, baton_index_stats *out)
{
    memset(out, 0, sizeof *out);
    out->texts = count(idx->db, "SELECT count(*) FROM texts");
    out->spans = count(idx->db, "SELECT count(*) FROM spans");
    out->versions = count(idx->db, "SELECT count(*) FROM versions");
    out->records = count(idx->db, "SELECT count(*) FROM docs");
    return meta_get(idx->db, "last_commit", out->last_commit, sizeof out->last_commit);
}

int baton_index_text_bytes(baton_index *idx, size_t *out)
{
    sqlite3_stmt *st;
    *out = 0;
    if (sqlite3_prepare_v2(idx->db, "SELECT coalesce(sum(length(CAST(body AS BLOB))), 0) FROM text_bodies", -1, &st,
                           NULL) != SQLITE_OK)
        return db_error(idx->db, "measure the texts");
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *out = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return r == SQLITE_ROW ? 0 : db_error(idx->db, "measure the texts");
}

/* A digest of a query's rows, to compare two indexes without holding either in memory. */
static int digest(sqlite3 *db, const char *sql, uint64_t *out)
{
    sqlite3_stmt *st;
    uint64_t h = 1469598103934665603ull;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "verify");
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *v = sqlite3_column_text(st, c);
            for (const unsigned char *p = v ? v : (const unsigned char *)"\x01null"; *p; p++)
                h = (h ^ *p) * 1099511628211ull;
            h = (h ^ 0x1f) * 1099511628211ull;
        }
        h = (h ^ 0x1e) * 1099511628211ull;
    }
    sqlite3_finalize(st);
    *out = h;
    return 0;
}

int baton_index_verify(baton_store *store)
{
    int rc;
    /* the index as it is, caught up, against one built afresh from git */
    baton_index *idx;
    if ((rc = baton_index_open(&idx, store, NULL, NULL)))
        return rc;
    char fresh_path[4200];
    snprintf(fresh_path, sizeof fresh_path, "%s/index.verify-%d.db", store->path, (int)getpid());
    remove_db(fresh_path);
    sqlite3 *fresh;
    if ((rc = open_db(fresh_path, baton_store_language(store), &fresh))) {
        baton_index_free(idx);
        return rc;
    }
    baton_index tmp = {store, fresh, 1};
    rc = catch_up(&tmp, NULL, NULL);
    static const struct {
        const char *what, *sql;
    } checks[] = {
        {"texts", "SELECT f.s, hex(t.hash) FROM texts t JOIN strs f ON f.id = t.field ORDER BY 1, 2"},
        {"versions", "SELECT d.case_id, d.name, hex(c.commit_id), hex(v.blob), v.time, a.s, st.s, su.s, e.s, v.reason, fl.s,"
                     " v.problem FROM versions v JOIN docs d ON d.id = v.doc_id JOIN commits c ON c.seq = v.seq"
                     " JOIN strs a ON a.id = v.author JOIN strs e ON e.id = v.email JOIN strs st ON st.id = v.staff"
                     " JOIN strs su ON su.id = v.subject LEFT JOIN strs fl ON fl.id = v.fields ORDER BY 1, 2, 3"},
        {"spans", "SELECT d.case_id, d.name, f.s, hex(t.hash), hex(fc.commit_id), hex(lc.commit_id) FROM spans s"
                  " JOIN docs d ON d.id = s.doc_id JOIN texts t ON t.id = s.text_id JOIN strs f ON f.id = t.field"
                  " JOIN versions fv ON fv.id = s.first_version JOIN commits fc ON fc.seq = fv.seq"
                  " LEFT JOIN versions lv ON lv.id = s.last_version LEFT JOIN commits lc ON lc.seq = lv.seq"
                  " ORDER BY 1, 2, 3, 4, 5"},
        {"cases", "SELECT case_id, status, contact, child, institution, grp, contact_since FROM cases ORDER BY case_id"},
        {"due items", "SELECT case_id, views, kind, ref, owner, due, detail FROM due_items"
                      " ORDER BY 1, 2, 3, 4, 5, 6, 7"},
        {"staff records", "SELECT id, active, left FROM staff ORDER BY id"},
        {"who is close to each case", "SELECT case_id, staff, why FROM case_staff ORDER BY 1, 2, 3"},
        {"restricted entries", "SELECT case_id, name, restricted, author FROM docs ORDER BY 1, 2"},
        {"full-text index", "SELECT f.s, hex(t.hash) FROM fts JOIN texts t ON t.id = fts.rowid"
                            " JOIN strs f ON f.id = t.field WHERE fts MATCH 'a* OR e* OR i* OR o* OR s* OR t*'"
                            " ORDER BY 1, 2"},
    };
    for (size_t i = 0; rc == 0 && i < sizeof checks / sizeof *checks; i++) {
        uint64_t a, b;
        if ((rc = digest(idx->db, checks[i].sql, &a)) || (rc = digest(fresh, checks[i].sql, &b)))
            break;
        if (a != b)
            rc = baton_error_set(BATON_ERROR, "index: %s differ from git; run 'baton reindex'", checks[i].what);
    }
    if (rc == 0) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(idx->db, "INSERT INTO fts(fts, rank) VALUES('integrity-check', 1)", -1, &st, NULL) ==
                SQLITE_OK &&
            sqlite3_step(st) != SQLITE_DONE)
            rc = baton_error_set(BATON_ERROR, "index: full-text index is damaged (%s); run 'baton reindex'",
                                 sqlite3_errmsg(idx->db));
        sqlite3_finalize(st);
    }
    sqlite3_close(fresh);
    remove_db(fresh_path);
    baton_index_free(idx);
    return rc;
}
