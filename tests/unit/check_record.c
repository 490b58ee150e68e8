/* Records: validation names the field path of every problem; the canonical form is stable. */
#include "unit.h"

#include <baton/error.h>
#include <baton/record.h>

#include <stdlib.h>
#include <string.h>

static json_t *valid_case(void)
{
    return json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:{}}", "id", "k7m2q9xp4t", "status",
                     "active", "opened", "2026-08-15", "child", "name", "Sofie Syntetisk", "born", "2018-04-09",
                     "context", "kind", "school", "institution", "Birkeskolen", "contact", "staff", "anne.l", "since",
                     "2026-08-15", "plan");
}

static int has_error(const baton_errors *e, const char *text)
{
    for (size_t i = 0; i < e->count; i++)
        if (strcmp(e->items[i], text) == 0)
            return 1;
    return 0;
}

START_TEST(accepts_minimal_case)
{
    json_t *c = valid_case();
    ck_assert_int_eq(baton_record_validate(c, BATON_RECORD_CASE, NULL), 0);
    json_decref(c);
}
END_TEST

START_TEST(reports_every_error_with_its_path)
{
    json_t *c = valid_case();
    json_t *plan = json_object_get(c, "plan");
    json_object_set_new(plan, "measures",
                        json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}]", "id", "m1", "setting", "garden",
                                  "description", "x", "goal", "y", "responsible", "anne.l", "start", "2026-01-01",
                                  "review_by", "2026-02-30", "status", "active"));
    json_object_set_new(plan, "colour", json_string("blue"));
    json_object_del(json_object_get(c, "child"), "born");
    json_object_set_new(plan, "needs_predictability", json_string("yes"));
    baton_errors e = {0};
    ck_assert_int_eq(baton_record_validate(c, BATON_RECORD_CASE, &e), BATON_EINVALID);
    ck_assert(has_error(&e, "child.born: required"));
    ck_assert(has_error(&e, "plan.colour: unknown field"));
    ck_assert(has_error(&e, "plan.needs_predictability: must be true or false"));
    ck_assert(has_error(&e, "plan.measures[0].setting: 'garden' is not one of school|leisure|home"));
    ck_assert(has_error(&e, "plan.measures[0].review_by: not a date (YYYY-MM-DD): '2026-02-30'"));
    ck_assert_uint_eq(e.count, 5);
    /* the first error is also the last error message */
    ck_assert_ptr_nonnull(strstr(baton_error_last(), ": "));
    baton_errors_free(&e);
    json_decref(c);
}
END_TEST

START_TEST(text_limits_count_characters_not_bytes)
{
    json_t *c = valid_case();
    /* 10,000 'æ' is 20,000 bytes but 10,000 characters: allowed */
    char *s = malloc(20001);
    for (int i = 0; i < 10000; i++)
        memcpy(s + 2 * i, "\xc3\xa6", 2);
    s[20000] = '\0';
    json_object_set_new(json_object_get(c, "plan"), "strengths", json_string(s));
    ck_assert_int_eq(baton_record_validate(c, BATON_RECORD_CASE, NULL), 0);
    free(s);
    s = malloc(10002);
    memset(s, 'x', 10001);
    s[10001] = '\0';
    json_object_set_new(json_object_get(c, "plan"), "strengths", json_string(s));
    ck_assert_int_eq(baton_record_validate(c, BATON_RECORD_CASE, NULL), BATON_EINVALID);
    ck_assert_str_eq(baton_error_last(), "plan.strengths: too long (10001 characters, at most 10000)");
    free(s);
    json_decref(c);
}
END_TEST

START_TEST(control_characters_and_newlines)
{
    json_t *c = valid_case();
    json_object_set_new(json_object_get(c, "plan"), "works_well", json_string("line one\nline two\ttab"));
    ck_assert_int_eq(baton_record_validate(c, BATON_RECORD_CASE, NULL), 0);
    json_object_set_new(json_object_get(c, "child"), "name", json_string("Sofie\nSyntetisk"));
    ck_assert_int_eq(baton_record_validate(c, BATON_RECORD_CASE, NULL), BATON_EINVALID);
    ck_assert_str_eq(baton_error_last(), "child.name: contains a control character");
    json_decref(c);
}
END_TEST

START_TEST(utf8_validation)
{
    ck_assert(baton_utf8_valid("æøå äö", strlen("æøå äö")));
    ck_assert(!baton_utf8_valid("\xff", 1));
    ck_assert(!baton_utf8_valid("\xc0\x80", 2));         /* overlong NUL */
    ck_assert(!baton_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    ck_assert(!baton_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
    ck_assert(!baton_utf8_valid("\xc3", 1));             /* truncated */
    ck_assert_uint_eq(baton_utf8_length("æøå"), 3);
}
END_TEST

START_TEST(canonical_form_is_stable)
{
    json_t *a = json_pack("{s:s, s:{s:s, s:s}}", "zeta", "ø", "alpha", "b", "2", "a", "1");
    json_t *b = json_pack("{s:{s:s, s:s}, s:s}", "alpha", "a", "1", "b", "2", "zeta", "ø");
    char *x = baton_record_dump(a), *y = baton_record_dump(b);
    ck_assert_str_eq(x, y);
    ck_assert_str_eq(x, "{\n  \"alpha\": {\n    \"a\": \"1\",\n    \"b\": \"2\"\n  },\n  \"zeta\": \"ø\"\n}\n");
    json_t *back;
    ck_assert_int_eq(baton_record_parse(x, strlen(x), "t", &back), 0);
    char *z = baton_record_dump(back);
    ck_assert_str_eq(x, z);
    free(x);
    free(y);
    free(z);
    json_decref(a);
    json_decref(b);
    json_decref(back);
}
END_TEST

START_TEST(parse_refuses_duplicates_and_bad_utf8)
{
    json_t *d;
    const char *dup = "{\"a\": 1, \"a\": 2}";
    ck_assert_int_eq(baton_record_parse(dup, strlen(dup), "f.json", &d), BATON_EINVALID);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "f.json: malformed JSON at line 1"));
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "duplicate object key"));
    ck_assert_int_eq(baton_record_parse("{\"a\": \"\xff\"}", 9, "g.json", &d), BATON_EINVALID);
    ck_assert_str_eq(baton_error_last(), "g.json: not valid UTF-8");
    ck_assert_int_eq(baton_record_parse("[1,", 3, "h.json", &d), BATON_EINVALID);
    const char *nul = "{\"a\": \"x\\u0000y\"}";
    ck_assert_int_eq(baton_record_parse(nul, strlen(nul), "n.json", &d), BATON_EINVALID);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "n.json: malformed JSON at line 1"));
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "(a NUL character) is not allowed"));
    ck_assert_ptr_null(strstr(baton_error_last(), "JSON_ALLOW_NUL"));
}
END_TEST

START_TEST(parse_skips_a_byte_order_mark)
{
    json_t *d;
    const char *bom = "\xef\xbb\xbf{\"a\": \"\xc3\xa6\"}";
    ck_assert_int_eq(baton_record_parse(bom, strlen(bom), "b.json", &d), 0);
    ck_assert_str_eq(json_string_value(json_object_get(d, "a")), "\xc3\xa6");
    json_decref(d);
    /* only at the start: a mark inside the text is content, and out of place before a value */
    const char *mid = "{\"a\": \xef\xbb\xbf" "1}";
    ck_assert_int_eq(baton_record_parse(mid, strlen(mid), "m.json", &d), BATON_EINVALID);
}
END_TEST

START_TEST(staff_record)
{
    json_t *s = json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", "anne.l", "name", "Anne L", "email", "anne@x.example",
                          "role", "teacher", "active", 1);
    ck_assert_int_eq(baton_record_validate(s, BATON_RECORD_STAFF, NULL), 0);
    json_object_set_new(s, "email", json_string("anne at x"));
    ck_assert_int_eq(baton_record_validate(s, BATON_RECORD_STAFF, NULL), BATON_EINVALID);
    ck_assert_str_eq(baton_error_last(), "email: 'anne at x' is not an e-mail address");
    json_decref(s);
}
END_TEST

Suite *record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, accepts_minimal_case);
    tcase_add_test(tc, reports_every_error_with_its_path);
    tcase_add_test(tc, text_limits_count_characters_not_bytes);
    tcase_add_test(tc, control_characters_and_newlines);
    tcase_add_test(tc, utf8_validation);
    tcase_add_test(tc, canonical_form_is_stable);
    tcase_add_test(tc, parse_refuses_duplicates_and_bad_utf8);
    tcase_add_test(tc, parse_skips_a_byte_order_mark);
    tcase_add_test(tc, staff_record);
    suite_add_tcase(s, tc);
    return s;
}
