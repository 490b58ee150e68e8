/* Transfer files in the library: a round trip between two stores, and one byte flipped at every
 * position of a real file, each refused by verify without touching the receiving store. */
#include "unit.h"

#include <baton/baton.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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

/* The payload of a transfer file: inflated, past its integrity line. */
static json_t *payload_of(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static unsigned char raw[1 << 16], flat[1 << 18];
    size_t n = fread(raw, 1, sizeof raw, f);
    fclose(f);
    uLongf flen = sizeof flat;
    /* magic (8 bytes), zlib, then the container's 32-byte checksum */
    ck_assert_int_eq(uncompress(flat, &flen, raw + 8, (uLong)(n - 8 - 32)), Z_OK);
    unsigned char *nl = memchr(flat, '\n', flen);
    ck_assert_ptr_nonnull(nl);
    json_t *doc = json_loadb((const char *)nl + 1, flen - (size_t)(nl + 1 - flat), 0, NULL);
    ck_assert_ptr_nonnull(doc);
    return doc;
}

/* Signs doc with the sender's key into path, as a sender's own (modified) software would. */
static void seal_to(const json_t *doc, const char *path)
{
    char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS), sha[65];
    unsigned char *sealed;
    size_t len;
    ck_assert_int_eq(baton_transfer_seal(sender, text, strlen(text), &sealed, &len, sha), 0);
    FILE *f = fopen(path, "wb");
    ck_assert_uint_eq(fwrite(sealed, 1, len, f), len);
    fclose(f);
    free(sealed);
    free(text);
}

/* A trusted sender's file that holds more than its basis (the national id, consents, guardians and
 * a challenge outside the scope, a restricted journal entry, handover reasons), claims another
 * organisation's name, and carries HTML with a script: what comes in is what an honest export
 * could have sent, under the trusted key's name, and the HTML is never shown as it came. */
START_TEST(an_import_keeps_only_what_the_basis_covers)
{
    json_t *doc = payload_of(file), *report;
    json_t *m = json_object_get(doc, "manifest"), *c = json_object_get(doc, "content");
    json_object_set_new(m, "organisation", json_string("Falsk Kommune"));
    json_object_set_new(json_object_get(m, "basis"), "scope", json_pack("[s, s]", "strengths", "journal"));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(c, "versions"), i, v) {
        json_t *r = json_object_get(v, "record");
        json_object_set_new(json_object_get(r, "child"), "national_id", json_string("000000-0000"));
        json_object_set_new(r, "guardians", json_pack("[{s:s, s:s, s:s}]", "id", "g1", "name", "Mor Eksempelsen",
                                                      "relation", "mor"));
        json_object_set_new(r, "consents", json_pack("[{s:s, s:[s], s:s, s:[s]}]", "id", "c1", "given_by", "g1",
                                                     "date", "2026-10-01", "scope", "strengths"));
        json_object_set_new(json_object_get(r, "plan"), "challenges",
                            json_pack("{s:s}", "school", "Hemmelig udfordring uden for samtykket"));
    }
    json_object_set_new(c, "journal",
                        json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}, {s:s, s:s, s:s, s:s, s:s, s:s, s:s}]",
                                  "id", "j1", "case", case_id, "kind", "observation", "at", "2026-10-02", "recorded",
                                  "2026-10-02T10:00:00Z", "by", "koord", "text", "Fortrolig note", "restricted", 1,
                                  "id", "j2", "case", case_id, "kind", "observation", "at", "2026-10-03", "recorded",
                                  "2026-10-03T10:00:00Z", "by", "koord", "text", "Almindelig note"));
    json_array_foreach(json_object_get(c, "handovers"), i, v)
        json_object_set_new(v, "reason", json_string("Intern begrundelse"));
    json_t *packet = json_object_get(c, "packet");
    json_object_set_new(packet, "html", json_string("<p>Pakke</p><script>alert(1)</script>"));
    json_object_set_new(packet, "text", json_string("Pakke <script>alert(2)</script>"));
    char forged[700];
    snprintf(forged, sizeof forged, "%s/more.btx", dir);
    seal_to(doc, forged);
    json_decref(doc);

    baton_oid_hex commit;
    ck_assert_int_eq(baton_transfer_import(r_as, forged, NULL, 0, &report, commit), 0);
    ck_assert_str_eq(json_string_value(json_object_get(report, "sender")), "Afsender");
    ck_assert_int_ge(json_integer_value(json_object_get(report, "outside_basis")), 3);
    json_decref(report);

    /* no version here holds what the basis does not cover */
    baton_case_version *log;
    size_t n;
    ck_assert_int_eq(baton_case_log(r_as, NULL, case_id, &log, &n), 0);
    for (size_t k = 0; k < n; k++) {
        json_t *d;
        ck_assert_int_eq(baton_case_load(r_as, log[k].commit, case_id, &d, NULL), 0);
        char *all = json_dumps(d, 0);
        ck_assert_ptr_null(strstr(all, "000000-0000"));
        ck_assert_ptr_null(strstr(all, "Hemmelig"));
        ck_assert_ptr_null(strstr(all, "Mor Eksempelsen"));
        ck_assert_ptr_null(json_object_get(d, "consents"));
        free(all);
        json_decref(d);
    }
    baton_case_log_free(log, n);
    json_t *journal;
    ck_assert_int_eq(baton_journal_list(r_as, NULL, case_id, &journal), 0);
    char *jtext = json_dumps(journal, 0);
    ck_assert_ptr_null(strstr(jtext, "Fortrolig"));
    ck_assert_ptr_nonnull(strstr(jtext, "Almindelig note"));
    free(jtext);
    json_decref(journal);
    json_t *hs;
    ck_assert_int_eq(baton_handover_list(r_as, NULL, case_id, &hs), 0);
    char *htext = json_dumps(hs, 0);
    ck_assert_ptr_null(strstr(htext, "Intern begrundelse"));
    ck_assert_ptr_null(strstr(htext, "Falsk Kommune"));
    json_t *last = json_array_get(hs, json_array_size(hs) - 1);
    int here = (int)json_integer_value(json_object_get(last, "number"));
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(last, "source"), "organisation")), "Afsender");
    free(htext);
    json_decref(hs);

    /* shown: Baton's page around the sender's text, escaped; the original only byte for byte */
    char *out;
    size_t len;
    ck_assert_int_eq(baton_packet(r_as, case_id, here, BATON_FORMAT_HTML, &out, &len), 0);
    ck_assert_ptr_null(strstr(out, "<script"));
    ck_assert_ptr_nonnull(strstr(out, "Pakke &lt;script&gt;alert(2)&lt;/script&gt;"));
    ck_assert_ptr_nonnull(strstr(out, "Afsender"));
    free(out);
    ck_assert_int_eq(baton_packet_original(r_as, case_id, here, BATON_FORMAT_HTML, &out, &len), 0);
    ck_assert_str_eq(out, "<p>Pakke</p><script>alert(1)</script>");
    free(out);
}
END_TEST

/* A revoked key: its files no longer verify, are refused even with allow_untrusted, and the key
 * is never trusted again; the trust record stays, marked. */
START_TEST(a_revoked_key_is_refused_for_good)
{
    char pk[BATON_PUBLIC_KEY_B64], fp[BATON_FINGERPRINT_HEX];
    baton_oid_hex commit, before, after;
    json_t *report;
    ck_assert_int_eq(baton_key_public(sender, pk, fp), 0);
    ck_assert_int_eq(baton_key_revoke(r_as, fp, NULL, commit), BATON_EINVALID);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "--reason"));
    ck_assert_int_eq(baton_key_revoke(r_as, "00112233445566778899aabbccddeeff", "tabt", commit), BATON_ENOTFOUND);
    ck_assert_int_eq(baton_key_revoke(r_as, fp, "nøglen er bortkommet", commit), 0);
    ck_assert_int_eq(baton_key_revoke(r_as, fp, "igen", commit), BATON_EEXISTS);
    ck_assert_int_eq(baton_transfer_verify(receiver, file, &report), BATON_EDENIED);
    ck_assert(json_is_true(json_object_get(report, "revoked")));
    json_decref(report);
    ck_assert_int_eq(baton_store_head(receiver, before), 0);
    ck_assert_int_eq(baton_transfer_import(r_as, file, NULL, 1, &report, commit), BATON_EDENIED);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "was revoked here on 2026-11-02 by mkoord"));
    json_decref(report);
    ck_assert_int_eq(baton_store_head(receiver, after), 0);
    ck_assert_str_eq(before, after);
    ck_assert_int_eq(baton_key_trust(r_as, pk, "Afsender", commit), BATON_EEXISTS);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "cannot be trusted again"));
    json_t *keys;
    ck_assert_int_eq(baton_key_list(receiver, &keys), 0);
    ck_assert_uint_eq(json_array_size(keys), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(keys, 0), "revoked")), "2026-11-02");
    json_decref(keys);
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
    tcase_add_test(tc, an_import_keeps_only_what_the_basis_covers);
    tcase_add_test(tc, a_revoked_key_is_refused_for_good);
    suite_add_tcase(s, tc);
    return s;
}
