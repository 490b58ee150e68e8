/* The "baton" FTS5 tokenizer: stems per language, keeps æ ø å ä ö, leaves prefixes alone. */
#include "unit.h"

#include "../../src/lib/tokenize.h"

#include <stdio.h>

static sqlite3 *db_with(const char *lang, const char *const *texts)
{
    sqlite3 *db;
    char sql[200];
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(baton_tokenizer_register(db), SQLITE_OK);
    snprintf(sql, sizeof sql, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='baton %s')", lang);
    ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    for (; *texts; texts++) {
        sqlite3_stmt *st;
        sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES(?)", -1, &st, NULL);
        sqlite3_bind_text(st, 1, *texts, -1, SQLITE_STATIC);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
    }
    return db;
}

static int hits(sqlite3 *db, const char *q)
{
    sqlite3_stmt *st;
    int n = 0;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

START_TEST(danish)
{
    static const char *const texts[] = {"Overgangen gik godt", "Flere overgange i dag", "En god overgang",
                                        "Han bør hvile", "Vi bor her", NULL};
    sqlite3 *db = db_with("da", texts);
    ck_assert_int_eq(hits(db, "overgang"), 3);
    ck_assert_int_eq(hits(db, "overgangen"), 3);
    ck_assert_int_eq(hits(db, "overgange"), 3);
    ck_assert_int_eq(hits(db, "bør"), 1); /* ø is a letter of its own */
    ck_assert_int_eq(hits(db, "bor"), 1);
    ck_assert_int_eq(hits(db, "overg*"), 3);
    sqlite3_close(db);
}
END_TEST

START_TEST(swedish)
{
    static const char *const texts[] = {"Skolan är stor", "Många skolor", "En skola", "Han gör läxor", NULL};
    sqlite3 *db = db_with("sv", texts);
    ck_assert_int_eq(hits(db, "skola"), 2); /* skola, skolor: one stem */
    ck_assert_int_eq(hits(db, "skol*"), 3);
    ck_assert_int_eq(hits(db, "gör"), 1);
    ck_assert_int_eq(hits(db, "gor"), 0); /* ö is not folded */
    sqlite3_close(db);
}
END_TEST

/* "å" as a + U+030A COMBINING RING ABOVE, "ø" as o + U+0338: what macOS and PDFs paste */
#define NFD_PAA "pa\xcc\x8a"
#define NFD_SKOLEVAEGRING "skolev\xc3\xa6gring"

START_TEST(decomposed_text_meets_composed_queries)
{
    static const char *const texts[] = {"Hun glæder sig til turen " NFD_PAA " fredag", "Turen på lørdag", NULL};
    sqlite3 *db = db_with("da", texts);
    ck_assert_int_eq(hits(db, "på"), 2);         /* typed composed: finds both */
    ck_assert_int_eq(hits(db, NFD_PAA), 2);      /* pasted decomposed: finds both */
    ck_assert_int_eq(hits(db, "\"" NFD_PAA " fredag\""), 1);
    /* highlighting marks the original bytes: the decomposed word stays as it was stored */
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH 'fredag'", -1, &st,
                                        NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "Hun glæder sig til turen " NFD_PAA " [fredag]");
    sqlite3_finalize(st);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH 'på' AND t MATCH 'glæder'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "Hun [glæder] sig til turen [" NFD_PAA "] fredag");
    sqlite3_finalize(st);
    sqlite3_close(db);
}
END_TEST

START_TEST(prefix_longer_than_the_stem)
{
    static const char *const texts[] = {"Bruger høretelefoner i timerne", "Høretelefonerne hjælper",
                                        "Flere overgange i løbet af dagen", "Skolevægringen er aftaget",
                                        "Tegner meget", NULL};
    sqlite3 *db = db_with("da", texts);
    ck_assert_int_eq(hits(db, "høretelefoner"), 2);
    ck_assert_int_eq(hits(db, "høretelefoner*"), 2); /* longer than the stem høretelefon */
    ck_assert_int_eq(hits(db, "høretele*"), 2);
    ck_assert_int_eq(hits(db, "overgange*"), 1);
    ck_assert_int_eq(hits(db, "skolevægringen*"), 1);
    ck_assert_int_eq(hits(db, NFD_SKOLEVAEGRING "*"), 1);
    ck_assert_int_eq(hits(db, "\"bruger høre\" *"), 1); /* the words before the prefix are stemmed too */
    ck_assert_int_eq(hits(db, "tegnerbog*"), 0);         /* a prefix is still a prefix */
    sqlite3_close(db);
}
END_TEST

START_TEST(unknown_language_is_refused)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(baton_tokenizer_register(db), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='baton xx')", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
}
END_TEST

Suite *tokenize_suite(void)
{
    Suite *s = suite_create("tokenize");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, danish);
    tcase_add_test(tc, swedish);
    tcase_add_test(tc, unknown_language_is_refused);
    tcase_add_test(tc, decomposed_text_meets_composed_queries);
    tcase_add_test(tc, prefix_longer_than_the_stem);
    suite_add_tcase(s, tc);
    return s;
}
