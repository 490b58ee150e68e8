/* Transfer files in the library: a round trip between two stores, and one byte flipped at every
 * position of a real file, each refused by verify without touching the receiving store. */
#include "unit.h"

#include <baton/baton.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;
static baton_store *sender, *receiver;
static baton_session *s_as, *r_as;
static char case_id[33], file[600];

static void open_store(const char *name, const char *org, const char *staff, baton_store **out, baton_session **as)
{
    char path[512], email[80];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    baton_init_options o = {"da", org};
    ck_assert_int_eq(baton_store_init(path, &o), 0);
    ck_assert_int_eq(baton_store_open(out, path), 0);
    snprintf(email, sizeof email, "%s@%s.example", staff, name);
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "id", staff, "name", staff, "email", email, "role", "coordinator");
    baton_oid_hex commit;
    ck_assert_int_eq(baton_staff_add_first(*out, rec, NULL, commit), 0);
    json_decref(rec);
    *as = unit_session(*out, staff);
}

static void setup(void)
{
    baton_oid_hex commit;
    dir = unit_tmpdir();
    setenv("BATON_TODAY", "2026-11-02", 1);
    open_store("a", "Afsender", "koord", &sender, &s_as);
    open_store("b", "Modtager", "mkoord", &receiver, &r_as);
    baton_case_new_options co = {"Testbarn Eksempelsen", "2017-05-06", NULL, "school:A:2.B", "koord", NULL};
    ck_assert_int_eq(baton_case_create(s_as, &co, NULL, case_id, commit), 0);
    json_t *old, *doc;
    baton_oid_hex version;
    ck_assert_int_eq(baton_case_load(s_as, NULL, case_id, &old, version), 0);
    doc = json_deep_copy(old);
    json_object_set_new(json_object_get(doc, "plan"), "strengths", json_string("Tegner detaljeret"));
    ck_assert_int_eq(baton_case_save(s_as, old, doc, version, "set plan.strengths", NULL, commit), 0);
    json_decref(old);
    json_decref(doc);
    ck_assert_int_eq(baton_key_generate(s_as, NULL, commit), 0);
    baton_handover_context_options ho = {case_id, "school:B:3.A", NULL, "Nina Modtager <nina@b.example>",
                                         "statutory", "lovkrav (syntetisk)", NULL};
    int number;
    ck_assert_int_eq(baton_handover_context(s_as, &ho, NULL, &number, commit), 0);
    snprintf(file, sizeof file, "%s/case.btx", dir);
    ck_assert_int_eq(baton_transfer_export(s_as, case_id, number, file, NULL, commit), 0);
    char pk[BATON_PUBLIC_KEY_B64], fp[BATON_FINGERPRINT_HEX];
    ck_assert_int_eq(baton_key_public(sender, pk, fp), 0);
    ck_assert_int_eq(baton_key_trust(r_as, pk, "Afsender", commit), 0);
}

static void teardown(void)
{
    baton_session_free(s_as);
    baton_session_free(r_as);
    baton_store_free(sender);
    baton_store_free(receiver);
    unit_rmdir(dir);
    free(dir);
    unsetenv("BATON_TODAY");
}

START_TEST(round_trip)
{
    json_t *report;
    baton_oid_hex commit;
    ck_assert_int_eq(baton_transfer_verify(receiver, file, &report), 0);
    ck_assert(json_is_true(json_object_get(report, "trusted")));
    json_decref(report);
    ck_assert_int_eq(baton_transfer_import(r_as, file, NULL, 0, &report, commit), 0);
    json_decref(report);
    json_t *doc;
    ck_assert_int_eq(baton_case_load(r_as, NULL, case_id, &doc, NULL), 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "plan"), "strengths")), "Tegner detaljeret");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "contact"), "staff")), "mkoord");
    json_decref(doc);
    baton_case_version *v;
    size_t n;
    ck_assert_int_eq(baton_case_log(r_as, NULL, case_id, &v, &n), 0);
    ck_assert_int_ge(n, 3); /* create, strengths, and the handover here */
    baton_case_log_free(v, n);
    baton_oid_hex before, after;
    ck_assert_int_eq(baton_store_head(receiver, before), 0);
    ck_assert_int_eq(baton_transfer_import(r_as, file, NULL, 0, &report, commit), 0);
    ck_assert(json_is_true(json_object_get(report, "already_imported")));
    json_decref(report);
    ck_assert_int_eq(baton_store_head(receiver, after), 0);
    ck_assert_str_eq(before, after);
}
END_TEST

/* A second, different file of a case the receiver already has: refused, naming the case (the
 * message once read the case id from the file after freeing it; found by fuzz_transfer). */
START_TEST(a_case_that_exists_is_refused_by_name)
{
    json_t *report;
    baton_oid_hex commit, before, after;
    char second[700];
    ck_assert_int_eq(baton_transfer_import(r_as, file, NULL, 0, &report, commit), 0);
    json_decref(report);
    snprintf(second, sizeof second, "%s/again.btx", dir);
    baton_clock_set(baton_now() + 3600); /* another moment: another file */
    ck_assert_int_eq(baton_transfer_export(s_as, case_id, 1, second, NULL, commit), 0);
    baton_clock_set(0);
    ck_assert_int_eq(baton_store_head(receiver, before), 0);
    ck_assert_int_eq(baton_transfer_import(r_as, second, NULL, 0, &report, commit), BATON_EEXISTS);
    json_decref(report);
    char want[200];
    snprintf(want, sizeof want, "case %s already exists in this store; nothing was imported", case_id);
    ck_assert_str_eq(baton_error_last(), want);
    ck_assert_int_eq(baton_store_head(receiver, after), 0);
    ck_assert_str_eq(before, after);
}
END_TEST

START_TEST(every_flipped_byte_is_refused)
{
    FILE *f = fopen(file, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    ck_assert_int_gt(n, 100);
    ck_assert_int_lt(n, sizeof buf);
    baton_oid_hex before, after;
    ck_assert_int_eq(baton_store_head(receiver, before), 0);
    char flipped[700];
    snprintf(flipped, sizeof flipped, "%s/flipped.btx", dir);
    size_t refused = 0;
    for (size_t i = 0; i < n; i++) {
        buf[i] ^= 0x01;
        f = fopen(flipped, "wb");
        ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
        fclose(f);
        buf[i] ^= 0x01;
        json_t *report = NULL;
        int rc = baton_transfer_verify(receiver, flipped, &report);
        json_decref(report);
        if (rc != 0 && baton_error_last()[0])
            refused++;
        else
            ck_abort_msg("a file with byte %zu flipped was accepted", i);
    }
    ck_assert_uint_eq(refused, n);
    ck_assert_int_eq(baton_store_head(receiver, after), 0);
    ck_assert_str_eq(before, after);
}
END_TEST

Suite *transfer_suite(void)
{
    Suite *s = suite_create("transfer");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, a_case_that_exists_is_refused_by_name);
    tcase_add_test(tc, every_flipped_byte_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
