/* Handovers in the library: working-day deadlines, packet scopes, one commit for a bulk handover,
 * and packets that hold only what their basis covers. */
#include "unit.h"

#include <baton/baton.h>

#include <libintl.h>

#include <fcntl.h>
#include <git2.h>
#include <sys/file.h>
#include <unistd.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

START_TEST(working_days)
{
    char d[11];
    ck_assert_int_eq(baton_date_add_working_days("2026-11-02", 5, d), 0); /* Monday */
    ck_assert_str_eq(d, "2026-11-09");
    ck_assert_int_eq(baton_date_add_working_days("2026-11-06", 1, d), 0); /* Friday -> Monday */
    ck_assert_str_eq(d, "2026-11-09");
    ck_assert_int_eq(baton_date_add_working_days("2026-11-07", 5, d), 0); /* Saturday */
    ck_assert_str_eq(d, "2026-11-13");
    ck_assert_int_eq(baton_date_add_working_days("2026-12-31", 1, d), 0);
    ck_assert_str_eq(d, "2027-01-01");
    ck_assert_int_eq(baton_date_add_working_days("never", 1, d), BATON_EINVALID);
}
END_TEST

START_TEST(scopes)
{
    json_t *s;
    ck_assert_int_eq(baton_scope_parse("journal, strengths", "--scope", &s), 0);
    ck_assert_int_eq(json_array_size(s), 2);
    ck_assert_str_eq(json_string_value(json_array_get(s, 0)), "strengths"); /* packet order */
    ck_assert_str_eq(json_string_value(json_array_get(s, 1)), "journal");
    json_decref(s);
    ck_assert_int_eq(baton_scope_parse("strengths,diary", "--scope", &s), BATON_EINVALID);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "--scope: 'diary' is not a packet section"));
    ck_assert_int_eq(baton_scope_parse("", "--scope", &s), BATON_EINVALID);
}
END_TEST

static char *dir;
static baton_store *store;
static baton_session *koord;

static void setup(void)
{
    dir = unit_tmpdir();
    setenv("BATON_TODAY", "2026-11-02", 1);
    unit_store_with_staff(dir, &store, &koord);
}

static void teardown(void)
{
    baton_session_free(koord);
    baton_store_free(store);
    unit_rmdir(dir);
    free(dir);
    unsetenv("BATON_TODAY");
}

static void new_case(const char *name, char id[33])
{
    baton_oid_hex commit;
    baton_case_new_options co = {name, "2017-05-06", NULL, "school:Test School:2B", "anna", NULL};
    ck_assert_int_eq(baton_case_create(koord, &co, NULL, id, commit), 0);
}

START_TEST(bulk_is_all_or_nothing)
{
    char a[33], b[33];
    baton_oid_hex before, after, commit;
    new_case("Alma Example", a);
    new_case("Bert Example", b);
    ck_assert_int_eq(baton_store_head(store, before), 0);
    baton_handover_pair bad[] = {{a, "bo"}, {b, "ghost"}};
    ck_assert_int_eq(baton_handover_staff(koord, bad, 2, NULL, NULL, commit), BATON_ENOTFOUND);
    ck_assert_int_eq(baton_store_head(store, after), 0);
    ck_assert_str_eq(before, after);
    baton_handover_pair good[] = {{a, "bo"}, {b, "bo"}};
    json_t *made;
    ck_assert_int_eq(baton_handover_staff(koord, good, 2, "anna leaves", &made, commit), 0);
    ck_assert_int_eq(json_array_size(made), 2);
    json_decref(made);
    baton_commit_info info;
    ck_assert_int_eq(baton_store_commit_info(store, NULL, &info), 0);
    ck_assert_str_eq(info.parent, before); /* one commit for both */
    baton_commit_info_clear(&info);
    json_t *doc;
    ck_assert_int_eq(baton_case_load(koord, NULL, b, &doc, NULL), 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "contact"), "staff")), "bo");
    json_decref(doc);
    json_t *h;
    ck_assert_int_eq(baton_handover_get(koord, NULL, a, 1, &h), 0);
    ck_assert_str_eq(json_string_value(json_object_get(h, "revision")), before);
    ck_assert(json_is_true(json_object_get(h, "pending")));
    json_decref(h);
}
END_TEST

START_TEST(packet_holds_only_its_scope)
{
    char a[33];
    baton_oid_hex commit;
    new_case("Alma Example", a);
    json_t *old, *doc;
    baton_oid_hex version;
    ck_assert_int_eq(baton_case_load(koord, NULL, a, &old, version), 0);
    doc = json_deep_copy(old);
    json_t *plan = json_object_get(doc, "plan");
    json_object_set_new(plan, "strengths", json_string("Draws in fine detail"));
    json_object_set_new(plan, "child_perspective", json_string("SECRET-VOICE"));
    json_object_set_new(doc, "guardians", json_pack("[{s:s, s:s, s:s}]", "id", "g1", "name", "Gina Example",
                                                    "relation", "mother"));
    json_object_set_new(doc, "consents", json_pack("[{s:s, s:[s], s:s, s:[s]}]", "id", "c1", "given_by", "g1",
                                                   "date", "2026-11-01", "scope", "strengths"));
    ck_assert_int_eq(baton_case_save(koord, old, doc, version, "plan", NULL, commit), 0);
    json_decref(old);
    json_decref(doc);
    baton_handover_context_options o = {a, "school:Other School", NULL, "Nina Receiver <nina@other.example>",
                                        "consent", "c1", NULL};
    int number;
    ck_assert_int_eq(baton_handover_context(koord, &o, NULL, &number, commit), 0);
    ck_assert_int_eq(number, 1);
    for (int f = BATON_FORMAT_TEXT; f <= BATON_FORMAT_JSON; f++) {
        char *out;
        size_t len;
        ck_assert_int_eq(baton_packet(koord, a, 1, (baton_format)f, &out, &len), 0);
        ck_assert_ptr_nonnull(strstr(out, "Draws in fine detail"));
        ck_assert_ptr_null(strstr(out, "SECRET-VOICE"));
        ck_assert_ptr_null(strstr(out, "Gina Example"));
        free(out);
    }
    json_t *h;
    ck_assert_int_eq(baton_case_load(koord, NULL, a, &h, NULL), 0);
    ck_assert_str_eq(json_string_value(json_object_get(h, "status")), "transferred");
    json_decref(h);
}
END_TEST

/* One thread's renderings of a packet in one language, while others render it in theirs. */
typedef struct {
    const json_t *model;
    const char *lang, *want, *not1, *not2;
    int bad;
} render_job;

static void *render_many(void *p)
{
    render_job *j = p;
    for (int i = 0; i < 40; i++) {
        char *out;
        size_t len;
        if (baton_packet_render(j->model, BATON_FORMAT_TEXT, j->lang, &out, &len) != 0) {
            j->bad++;
            continue;
        }
        /* the document in its own language: its title, neither of the others' */
        if (!strstr(out, j->want) || strstr(out, j->not1) || strstr(out, j->not2)) {
            j->bad++;
        }
        free(out);
    }
    return NULL;
}

/* The language is the rendering thread's own: three threads writing the same packet in Danish,
 * Swedish and English at once each get theirs, every time (a server answers users this way). */
START_TEST(packets_in_three_languages_at_once)
{
    char a[33];
    baton_oid_hex commit;
    unit_bind_locale();
    new_case("Alma Example", a);
    baton_handover_context_options o = {a, "school:Other School", NULL, "Nina Receiver <nina@other.example>",
                                        "statutory", "a synthetic reference", NULL};
    int number;
    ck_assert_int_eq(baton_handover_context(koord, &o, NULL, &number, commit), 0);
    json_t *model;
    ck_assert_int_eq(baton_packet_model(koord, a, number, &model), 0);
    render_job jobs[3] = {{model, "da", "Overleveringspakke", "Överlämningspaket", "Handover packet", 0},
                          {model, "sv", "Överlämningspaket", "Overleveringspakke", "Handover packet", 0},
                          {model, "en", "Handover packet", "Overleveringspakke", "Överlämningspaket", 0}};
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, render_many, &jobs[i]), 0);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 3; i++)
        ck_assert_msg(jobs[i].bad == 0, "%s: %d of 40 renderings not all in %s", jobs[i].lang, jobs[i].bad, jobs[i].lang);
    /* and the calling thread's own messages are as they were */
    ck_assert_int_eq(baton_i18n_use("sv"), 0);
    ck_assert_str_eq(dgettext("baton", "Strengths"), "Styrkor");
    ck_assert_int_eq(baton_i18n_use("xx"), BATON_EINVALID);
    ck_assert_str_eq(dgettext("baton", "Strengths"), "Styrkor");
    ck_assert_int_eq(baton_i18n_use(NULL), 0);
    json_decref(model);
}
END_TEST

/* One thread of a server: its own store handle and session (a handle belongs to one thread at a
 * time), saving its own case and searching all of them while the others do the same. */
typedef struct {
    const char *path, *case_id, *word;
    int rounds, search; /* saves to make, and whether each is followed by a search */
    int saves, conflicts, searched, errors;
} worker;

static void *work(void *p)
{
    worker *w = p;
    baton_store *st;
    baton_session *se = NULL;
    baton_session_options so = {"koord", "unit test", NULL, "test"};
    if (baton_store_open(&st, w->path) || baton_session_open(&se, st, &so)) {
        w->errors++;
        return NULL;
    }
    for (int i = 0; i < w->rounds; i++) {
        json_t *old, *doc;
        baton_oid_hex version, commit;
        if (baton_case_load(se, NULL, w->case_id, &old, version)) {
            w->errors++;
            continue;
        }
        doc = json_deep_copy(old);
        char text[160];
        snprintf(text, sizeof text, "%s runde %d i frikvarteret", w->word, i);
        json_object_set_new(json_object_get(doc, "plan"), "works_well", json_string(text));
        int rc = baton_case_save(se, old, doc, version, "set plan.works_well", NULL, commit);
        w->saves += rc == 0;
        w->conflicts += rc == BATON_ECONFLICT;
        w->errors += rc != 0 && rc != BATON_ECONFLICT;
        json_decref(old);
        json_decref(doc);
        baton_index *idx;
        if (!w->search)
            continue;
        if (baton_index_open(&idx, st, NULL, NULL)) {
            w->errors++;
            continue;
        }
        baton_search_options o = {0};
        o.history = 1;
        baton_search_hit *hits;
        size_t n;
        if (baton_search(se, idx, "frikvarteret", &o, &hits, &n) == 0) {
            w->searched++;
            baton_search_hits_free(hits, n);
        } else {
            w->errors++;
        }
        baton_index_free(idx);
    }
    baton_session_free(se);
    baton_store_free(st);
    return NULL;
}

/* A case for each of the n words, and then a thread for each (the worker above), each saving its
 * own case `rounds` times, searching after each save with search, all at once; returns once every
 * one is done, having checked that each saved that often without an error. */
static void run_workers(int n, const char *const *words, int rounds, int search, char ids[][33], worker *w)
{
    char path[600];
    pthread_t t[8];
    ck_assert_int_le(n, 8);
    snprintf(path, sizeof path, "%s/s", dir);
    for (int i = 0; i < n; i++) {
        w[i] = (worker){path, ids[i], words[i], rounds, search, 0, 0, 0, 0};
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < n; i++) {
        ck_assert_msg(w[i].errors == 0, "thread %d: %d errors", i, w[i].errors);
        ck_assert_int_eq(w[i].saves, rounds);
    }
}

/* The three numbers the one row of sql gives on the access log at db_path (?1 bound to arg, when
 * given), and then the log's own check of its chain. */
static void log_counts(const char *db_path, const char *sql, const char *arg, int out[3])
{
    sqlite3 *db;
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    for (int i = 0; i < 3; i++)
        out[i] = sqlite3_column_int(st, i);
    sqlite3_finalize(st);
    sqlite3_close(db);
    json_t *report;
    ck_assert_int_eq(baton_audit_check(store, &report), 0);
    json_decref(report);
}

/* A case for each of the n words ("Barn <word> Example"). */
static void cases_for(int n, const char *const *words, char ids[][33])
{
    for (int i = 0; i < n; i++) {
        char name[40];
        snprintf(name, sizeof name, "Barn %s Example", words[i]);
        new_case(name, ids[i]);
    }
}

/* Four threads in one process, each with its own store handle, save and search at once: every
 * save commits (each its own case, so no conflict), every search answers, and the store is whole. */
START_TEST(threads_with_their_own_handles)
{
    char ids[4][33];
    const char *words[] = {"alfa", "bravo", "charlie", "delta"};
    worker w[4];
    cases_for(4, words, ids);
    run_workers(4, words, 8, 1, ids, w);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(w[i].searched, 8);
    /* every save is in the history, and the index agrees with git */
    baton_index *idx;
    ck_assert_int_eq(baton_index_open(&idx, store, NULL, NULL), 0);
    baton_search_options o = {0};
    o.history = 1;
    o.limit = 100;
    baton_search_hit *hits;
    size_t n;
    ck_assert_int_eq(baton_search(koord, idx, "runde", &o, &hits, &n), 0);
    ck_assert_int_eq(n, 32);
    baton_search_hits_free(hits, n);
    baton_index_free(idx);
    ck_assert_int_eq(baton_index_verify(store), 0);
}
END_TEST

/* Eight threads of one process save at once, 20 times each, and are committed in groups (one
 * leader builds every save queued for the store): every save lands as a commit of its own, on
 * the one before, and the access log holds exactly one change entry for each, none of them
 * recorded late by a reader that saw the head move before the group's entries were committed. */
START_TEST(saves_in_groups)
{
    char ids[8][33], path[600], db_path[620];
    const char *words[] = {"en", "to", "tre", "fire", "fem", "seks", "syv", "otte"};
    worker w[8];
    cases_for(8, words, ids);
    baton_oid_hex before;
    ck_assert_int_eq(baton_store_resolve(store, "main", before), 0);
    snprintf(path, sizeof path, "%s/s", dir);
    snprintf(db_path, sizeof db_path, "%s/audit.db", path);
    run_workers(8, words, 20, 0, ids, w);
    /* 160 commits, a chain on the head from before */
    char range[100];
    snprintf(range, sizeof range, "%s..main", before);
    git_repository *repo;
    git_revwalk *walk;
    char git_dir[620];
    snprintf(git_dir, sizeof git_dir, "%s/repo.git", path);
    ck_assert_int_eq(git_repository_open_bare(&repo, git_dir), 0);
    ck_assert_int_eq(git_revwalk_new(&walk, repo), 0);
    git_revwalk_simplify_first_parent(walk);
    ck_assert_int_eq(git_revwalk_push_range(walk, range), 0);
    git_oid oid;
    int commits = 0;
    while (git_revwalk_next(&oid, walk) == 0)
        commits++;
    git_revwalk_free(walk);
    git_repository_free(repo);
    ck_assert_int_eq(commits, 160);
    /* one change entry for each, and none late */
    int c[3];
    log_counts(db_path,
               "SELECT count(*), count(DISTINCT commit_id), sum(purpose LIKE 'recorded late%')"
               " FROM entries WHERE action = 'change' AND seq > (SELECT max(seq) FROM entries WHERE commit_id = ?)",
               before, c);
    ck_assert_int_eq(c[0], 160);
    ck_assert_int_eq(c[1], 160);
    ck_assert_int_eq(c[2], 0);
}
END_TEST

/* A thread of a server writing its page's reads to the access log, with its own store handle. */
typedef struct {
    const char *path;
    int id, errors;
} logger;

static void *log_pages(void *p)
{
    logger *l = p;
    baton_store *st;
    if (baton_store_open(&st, l->path)) {
        l->errors++;
        return NULL;
    }
    for (int i = 0; i < 40; i++) {
        char query[40];
        snprintf(query, sizeof query, "side-%d-%d", l->id, i);
        baton_audit_entry e[3] = {{"koord", "search", NULL, query, "unit test", NULL},
                                  {"koord", "search", NULL, query, "unit test", NULL},
                                  {"koord", "search", NULL, query, "unit test", NULL}};
        l->errors += baton_audit_append_many(st, e, 3) != 0;
    }
    baton_store_free(st);
    return NULL;
}

/* Eight threads append at once, and are written in groups: every entry is there once, a call's
 * entries side by side (all of one call in one transaction), and the chain verifies. */
START_TEST(access_log_group_commit)
{
    char path[600], db_path[620];
    snprintf(path, sizeof path, "%s/s", dir);
    snprintf(db_path, sizeof db_path, "%s/audit.db", path);
    logger l[8];
    pthread_t t[8];
    for (int i = 0; i < 8; i++) {
        l[i] = (logger){path, i, 0};
        ck_assert_int_eq(pthread_create(&t[i], NULL, log_pages, &l[i]), 0);
    }
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 8; i++)
        ck_assert_msg(l[i].errors == 0, "thread %d: %d errors", i, l[i].errors);
    int c[3];
    log_counts(db_path,
               "SELECT count(*), count(DISTINCT query), sum(n = 3 AND last - first = 2) FROM"
               " (SELECT query, count(*) AS n, min(seq) AS first, max(seq) AS last"
               "  FROM entries WHERE query LIKE 'side-%' GROUP BY query)",
               NULL, c);
    ck_assert_int_eq(c[0], 320);
    ck_assert_int_eq(c[1], 320);
    ck_assert_int_eq(c[2], 320);
}
END_TEST

/* A writer whose store lock another holds waits its deadline, then is busy, writing nothing;
 * once the lock is let go, the next write goes through. (Held here through a file description
 * of its own, as another process would.) */
START_TEST(store_lock_deadline)
{
    char lock[620], id[33];
    snprintf(lock, sizeof lock, "%s/s/lock", dir);
    int fd = open(lock, O_RDWR | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(flock(fd, LOCK_EX), 0);
    setenv("BATON_LOCK_WAIT_MS", "200", 1);
    baton_oid_hex commit;
    baton_case_new_options co = {"Vente Example", "2017-05-06", NULL, "school:Test School:2B", "anna", NULL};
    ck_assert_int_eq(baton_case_create(koord, &co, NULL, id, commit), BATON_EBUSY);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "busy"));
    json_t *cases;
    ck_assert_int_eq(baton_case_list(koord, NULL, NULL, NULL, &cases), 0);
    ck_assert_uint_eq(json_array_size(cases), 0);
    json_decref(cases);
    flock(fd, LOCK_UN);
    close(fd);
    ck_assert_int_eq(baton_case_create(koord, &co, NULL, id, commit), 0);
    unsetenv("BATON_LOCK_WAIT_MS");
}
END_TEST

Suite *handover_suite(void)
{
    Suite *s = suite_create("handover");
    TCase *pure = tcase_create("pure");
    tcase_add_test(pure, working_days);
    tcase_add_test(pure, scopes);
    suite_add_tcase(s, pure);
    TCase *tc = tcase_create("store");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, bulk_is_all_or_nothing);
    tcase_add_test(tc, packet_holds_only_its_scope);
    tcase_add_test(tc, packets_in_three_languages_at_once);
    tcase_add_test(tc, threads_with_their_own_handles);
    tcase_add_test(tc, access_log_group_commit);
    tcase_add_test(tc, saves_in_groups);
    tcase_add_test(tc, store_lock_deadline);
    suite_add_tcase(s, tc);
    return s;
}
