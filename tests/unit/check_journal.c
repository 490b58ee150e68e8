/* The journal and due modules: entry numbering under a guard, append-only files, corrections and
 * closings, and the frequency and review arithmetic of the due list. */
#include "unit.h"

#include <baton/baton.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir;
static baton_store *store;
static baton_session *koord;
static char case_id[33];

static void setup(void)
{
    char path[512];
    dir = unit_tmpdir();
    snprintf(path, sizeof path, "%s/s", dir);
    setenv("BATON_TODAY", "2026-10-01", 1);
    baton_init_options o = {"da", "Testkommune"};
    ck_assert_int_eq(baton_store_init(path, &o), 0);
    ck_assert_int_eq(baton_store_open(&store, path), 0);
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "id", "koord", "name", "Kirsten Koordinator", "email",
                            "koord@skole.example", "role", "coordinator");
    baton_oid_hex commit;
    ck_assert_int_eq(baton_staff_add_first(store, rec, NULL, commit), 0);
    json_decref(rec);
    koord = unit_session(store, "koord");
    baton_case_new_options co = {"Testbarn Eksempelsen", "2017-05-06", NULL, "school:Testskolen:2.B", "koord", NULL};
    ck_assert_int_eq(baton_case_create(koord, &co, NULL, case_id, commit), 0);
}

static void teardown(void)
{
    baton_session_free(koord);
    baton_store_free(store);
    unit_rmdir(dir);
    free(dir);
    unsetenv("BATON_TODAY");
}

static int add(const char *kind, const char *text, const char *corrects, char id[16])
{
    baton_journal_new e = {0};
    baton_oid_hex commit;
    e.kind = kind;
    e.text = text;
    e.corrects = corrects;
    e.at = "2026-09-30";
    return baton_journal_add(koord, case_id, &e, NULL, id, commit);
}

START_TEST(entries_are_numbered_in_order)
{
    char id[16];
    ck_assert_int_eq(add("contact", "Første samtale", NULL, id), 0);
    ck_assert_str_eq(id, "j1");
    ck_assert_int_eq(add("meeting", "Møde med PPR", NULL, id), 0);
    ck_assert_str_eq(id, "j2");
    json_t *list;
    ck_assert_int_eq(baton_journal_list(koord, NULL, case_id, &list), 0);
    ck_assert_int_eq(json_array_size(list), 2);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 1), "kind")), "meeting");
    json_decref(list);
}
END_TEST

START_TEST(a_stale_guard_is_a_conflict)
{
    /* a writer that read the journal before someone else appended must not write its entry */
    char id[16], dir_path[128];
    baton_oid_hex before, commit;
    ck_assert_int_eq(add("contact", "Første samtale", NULL, id), 0);
    baton_journal_dir(case_id, dir_path, sizeof dir_path);
    ck_assert_int_eq(baton_store_entry_id(store, NULL, dir_path, before), 0);
    ck_assert_int_eq(add("contact", "Anden samtale", NULL, id), 0);
    char path[200];
    snprintf(path, sizeof path, "%s/x-2.json", dir_path);
    baton_change ch[2] = {{path, "{}\n", 3, "", "new entry", 0}, {dir_path, NULL, 0, before, "journal", 1}};
    baton_commit_options co = {"Test", "test@example.invalid", "test\n", 0};
    ck_assert_int_eq(baton_store_commit(store, ch, 2, &co, commit), BATON_ECONFLICT);
    ck_assert_int_eq(baton_store_entry_id(store, NULL, path, commit), BATON_ENOTFOUND);
}
END_TEST

START_TEST(corrections_and_closings_are_new_entries)
{
    char id[16];
    baton_oid_hex commit;
    baton_journal_new e = {0};
    e.kind = "decision";
    e.text = "Ny pauseplan";
    e.at = "2026-09-30";
    e.follow_up = "2026-10-15";
    e.owner = "koord";
    ck_assert_int_eq(baton_journal_add(koord, case_id, &e, NULL, id, commit), 0);
    json_t *list;
    ck_assert_int_eq(add(NULL, "Rettelse", "j1", id), 0);
    ck_assert_str_eq(id, "j2");
    ck_assert_int_eq(baton_followup_close(koord, case_id, "j1", NULL, NULL, id, commit), BATON_EINVALID);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "corrected by j2"));
    ck_assert_int_eq(baton_journal_list(koord, NULL, case_id, &list), 0);
    json_t *j1 = json_array_get(list, 0);
    ck_assert_str_eq(json_string_value(json_object_get(j1, "id")), "j1");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(j1, "corrected_by"), 0)), "j2");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 1), "kind")), "decision");
    json_decref(list);
}
END_TEST

START_TEST(follow_up_needs_an_owner)
{
    char id[16];
    baton_oid_hex head_before, head_after, commit;
    baton_journal_new e = {0};
    e.kind = "decision";
    e.text = "Opfølgning uden ejer";
    e.follow_up = "2026-10-15";
    ck_assert_int_eq(baton_store_head(store, head_before), 0);
    ck_assert_int_eq(baton_journal_add(koord, case_id, &e, NULL, id, commit), BATON_EINVALID);
    ck_assert_str_eq(baton_error_last(), "follow_up.owner: required: every follow-up has an owner");
    ck_assert_int_eq(baton_store_head(store, head_after), 0);
    ck_assert_str_eq(head_before, head_after);
}
END_TEST

START_TEST(entry_ids)
{
    char out[16];
    ck_assert_int_eq(baton_journal_id_parse("j12", "ENTRY", out), 0);
    ck_assert_str_eq(out, "j12");
    ck_assert_int_eq(baton_journal_id_parse("7", "ENTRY", out), 0);
    ck_assert_str_eq(out, "j7");
    ck_assert_int_eq(baton_journal_id_parse("j0", "ENTRY", out), BATON_EINVALID);
    ck_assert_int_eq(baton_journal_id_parse("m1", "ENTRY", out), BATON_EINVALID);
    ck_assert_int_eq(baton_journal_id_parse("j1x", "ENTRY", out), BATON_EINVALID);
    ck_assert_int_eq(baton_journal_id_parse("", "ENTRY", out), BATON_EINVALID);
}
END_TEST

START_TEST(frequencies)
{
    ck_assert_int_eq(baton_due_frequency_days("weekly"), 7);
    ck_assert_int_eq(baton_due_frequency_days("fortnightly"), 14);
    ck_assert_int_eq(baton_due_frequency_days("monthly"), 31);
    ck_assert_int_eq(baton_due_frequency_days("on_news"), 0);
    ck_assert_int_eq(baton_due_frequency_days(NULL), 0);
}
END_TEST

START_TEST(due_follows_the_journal)
{
    char id[16];
    baton_oid_hex commit;
    baton_journal_new e = {0};
    e.kind = "meeting";
    e.text = "Netværksmøde";
    e.at = "2026-09-01";
    e.follow_up = "2026-09-20";
    e.owner = "koord";
    ck_assert_int_eq(baton_journal_add(koord, case_id, &e, NULL, id, commit), 0);
    baton_due_options o = {"2026-09-19", NULL};
    json_t *items;
    ck_assert_int_eq(baton_due_list(koord, &o, &items), 0);
    ck_assert_int_eq(json_array_size(items), 0);
    json_decref(items);
    o.as_of = "2026-09-22";
    ck_assert_int_eq(baton_due_list(koord, &o, &items), 0);
    ck_assert_int_eq(json_array_size(items), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "kind")), "follow_up");
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(items, 0), "days_overdue")), 2);
    json_decref(items);
    ck_assert_int_eq(baton_followup_close(koord, case_id, id, "Holdt", NULL, id, commit), 0);
    ck_assert_int_eq(baton_due_list(koord, &o, &items), 0);
    ck_assert_int_eq(json_array_size(items), 0);
    json_decref(items);
    o.as_of = "22-09-2026";
    ck_assert_int_eq(baton_due_list(koord, &o, &items), BATON_EINVALID);
}
END_TEST

/* A case read again comes from what the handle kept, as a copy of the caller's own: changing it
 * changes nothing for the next reader, and a save is read as saved. */
START_TEST(case_reads_are_copies)
{
    json_t *a, *b, *c;
    baton_oid_hex va, vb, vc, commit;
    ck_assert_int_eq(baton_case_load(koord, NULL, case_id, &a, va), 0);
    ck_assert_int_eq(baton_case_load(koord, NULL, case_id, &b, vb), 0);
    ck_assert(json_equal(a, b));
    ck_assert_str_eq(va, vb);
    /* a third read, from the kept record: still equal, and not the same object */
    json_object_set_new(json_object_get(b, "plan"), "works_well", json_string("ændret i kopien"));
    ck_assert_int_eq(baton_case_load(koord, NULL, case_id, &c, vc), 0);
    ck_assert(json_equal(a, c));
    ck_assert_ptr_ne(c, a);
    ck_assert_ptr_ne(c, b);
    json_object_set_new(json_object_get(c, "plan"), "works_well", json_string("ændret i den kendte"));
    json_decref(c);
    ck_assert_int_eq(baton_case_load(koord, NULL, case_id, &c, vc), 0);
    ck_assert(json_equal(a, c));
    json_decref(c);
    /* saved, then read: the new version */
    ck_assert_int_eq(baton_case_save(koord, a, b, va, "set plan.works_well", NULL, commit), 0);
    ck_assert_int_eq(baton_case_load(koord, NULL, case_id, &c, vc), 0);
    ck_assert_str_ne(vc, va);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "plan"), "works_well")), "ændret i kopien");
    json_decref(a);
    json_decref(b);
    json_decref(c);
}
END_TEST

/* A contact person's cases from the index are the cases the records hold: the same ids, names and
 * classes as baton_case_list gives. */
START_TEST(case_summaries_agree_with_the_records)
{
    json_t *full, *brief;
    ck_assert_int_eq(baton_case_list(koord, NULL, "koord", "active", &full), 0);
    ck_assert_int_eq(baton_case_summaries(koord, "koord", "active", &brief), 0);
    ck_assert_uint_ge(json_array_size(full), 1);
    ck_assert_uint_eq(json_array_size(brief), json_array_size(full));
    for (size_t i = 0; i < json_array_size(full); i++) {
        json_t *a = json_array_get(full, i), *b = json_array_get(brief, i);
        ck_assert_str_eq(json_string_value(json_object_get(b, "id")), json_string_value(json_object_get(a, "id")));
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(b, "child"), "name")),
                         json_string_value(json_object_get(json_object_get(a, "child"), "name")));
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(b, "context"), "group")),
                         json_string_value(json_object_get(json_object_get(a, "context"), "group")));
    }
    json_decref(full);
    json_decref(brief);
    ck_assert_int_eq(baton_case_summaries(koord, "nobody", NULL, &brief), 0);
    ck_assert_uint_eq(json_array_size(brief), 0);
    json_decref(brief);
    ck_assert_int_eq(baton_case_summaries(koord, NULL, NULL, &brief), BATON_EINVALID);
}
END_TEST

/* A page shows the most urgent items and counts the rest; it asks for some kinds alone. */
START_TEST(due_limit_and_kinds)
{
    char id[16];
    baton_oid_hex commit;
    baton_journal_new e = {0};
    e.kind = "meeting";
    e.at = "2026-09-01";
    e.owner = "koord";
    const char *dates[] = {"2026-09-05", "2026-09-02", "2026-09-10"};
    for (int i = 0; i < 3; i++) {
        e.text = "Opfølgning aftalt";
        e.follow_up = dates[i];
        ck_assert_int_eq(baton_journal_add(koord, case_id, &e, NULL, id, commit), 0);
    }
    size_t total = 0;
    baton_due_options o = {"2026-09-22", NULL, 0, 2, &total, NULL};
    json_t *items;
    ck_assert_int_eq(baton_due_list(koord, &o, &items), 0);
    ck_assert_int_eq(json_array_size(items), 2);
    ck_assert_uint_eq(total, 3);
    /* the most overdue first: the one due on the 2nd, then the 5th */
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "due")), "2026-09-02");
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 1), "due")), "2026-09-05");
    json_decref(items);
    static const char *const acks[] = {"handover_ack", NULL};
    baton_due_options k = {"2026-09-22", NULL, 0, 0, &total, acks};
    ck_assert_int_eq(baton_due_list(koord, &k, &items), 0);
    ck_assert_int_eq(json_array_size(items), 0);
    ck_assert_uint_eq(total, 0);
    json_decref(items);
    static const char *const follow[] = {"follow_up", NULL};
    k.kinds = follow;
    ck_assert_int_eq(baton_due_list(koord, &k, &items), 0);
    ck_assert_int_eq(json_array_size(items), 3);
    /* a limit fetches the head of the whole list, in its order, and counts the rest */
    for (size_t limit = 1; limit <= 4; limit++) {
        json_t *head;
        baton_due_options l = {"2026-09-22", NULL, 0, limit, &total, follow};
        ck_assert_int_eq(baton_due_list(koord, &l, &head), 0);
        ck_assert_uint_eq(total, 3);
        ck_assert_uint_eq(json_array_size(head), limit < 3 ? limit : 3);
        for (size_t i = 0; i < json_array_size(head); i++)
            ck_assert(json_equal(json_array_get(head, i), json_array_get(items, i)));
        json_decref(head);
    }
    /* a page further on: the same order, from the offset */
    for (size_t offset = 0; offset <= 3; offset++) {
        json_t *page;
        baton_due_options l = {"2026-09-22", NULL, 0, 2, &total, follow, offset};
        ck_assert_int_eq(baton_due_list(koord, &l, &page), 0);
        ck_assert_uint_eq(total, 3);
        ck_assert_uint_eq(json_array_size(page), offset >= 3 ? 0 : offset == 2 ? 1 : 2);
        for (size_t i = 0; i < json_array_size(page); i++)
            ck_assert(json_equal(json_array_get(page, i), json_array_get(items, offset + i)));
        json_decref(page);
    }
    json_decref(items);
}
END_TEST

/* The store keeps its access log open between reads, but only while audit.db is the file it
 * opened: moved aside, every read is refused as with any missing log; put back, reads go on; and
 * no write-ahead log is left beside it once the store is closed. */
START_TEST(access_log_connection_follows_the_file)
{
    char path[600], aside[620], wal[620];
    json_t *doc;
    baton_oid_hex version;
    snprintf(path, sizeof path, "%s/s/audit.db", dir);
    snprintf(aside, sizeof aside, "%s/s/audit.db.aside", dir);
    snprintf(wal, sizeof wal, "%s/s/audit.db-wal", dir);
    ck_assert_int_eq(baton_case_load(koord, NULL, case_id, &doc, version), 0);
    json_decref(doc);
    ck_assert_int_eq(rename(path, aside), 0);
    ck_assert_int_ne(baton_case_load(koord, NULL, case_id, &doc, version), 0);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "is missing"));
    ck_assert_int_eq(rename(aside, path), 0);
    ck_assert_int_eq(baton_case_load(koord, NULL, case_id, &doc, version), 0);
    json_decref(doc);
    json_t *log;
    ck_assert_int_eq(baton_audit_list(koord, case_id, NULL, NULL, &log), 0);
    ck_assert_int_ge(json_array_size(log), 2); /* the two reads that were shown, and nothing lost */
    json_decref(log);
    baton_session_free(koord);
    koord = NULL;
    baton_store_free(store);
    store = NULL;
    ck_assert_int_ne(access(wal, F_OK), 0);
}
END_TEST

Suite *journal_suite(void)
{
    Suite *s = suite_create("journal");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, entries_are_numbered_in_order);
    tcase_add_test(tc, a_stale_guard_is_a_conflict);
    tcase_add_test(tc, corrections_and_closings_are_new_entries);
    tcase_add_test(tc, follow_up_needs_an_owner);
    tcase_add_test(tc, entry_ids);
    tcase_add_test(tc, frequencies);
    tcase_add_test(tc, due_follows_the_journal);
    tcase_add_test(tc, due_limit_and_kinds);
    tcase_add_test(tc, case_reads_are_copies);
    tcase_add_test(tc, case_summaries_agree_with_the_records);
    tcase_add_test(tc, access_log_connection_follows_the_file);
    suite_add_tcase(s, tc);
    return s;
}
