/* Diffs: list entries matched by id, long texts diffed by word. */
#include "unit.h"

#include <baton/diff.h>

#include <stdlib.h>
#include <string.h>

START_TEST(entries_matched_by_id)
{
    json_t *a = json_pack("{s:{s:[{s:s, s:s}, {s:s, s:s}]}}", "plan", "measures", "id", "m1", "goal", "A", "id", "m2",
                          "goal", "B");
    json_t *b = json_pack("{s:{s:[{s:s, s:s}]}}", "plan", "measures", "id", "m2", "goal", "B2");
    baton_diff d;
    ck_assert_int_eq(baton_diff_records(a, b, BATON_RECORD_CASE, &d), 0);
    /* m1 removed (id and goal), m2 changed: not a shift of m2 into m1's place */
    ck_assert_uint_eq(d.count, 3);
    int saw_change = 0;
    for (size_t i = 0; i < d.count; i++) {
        if (strcmp(d.items[i].path, "plan.measures[m2].goal") == 0) {
            ck_assert_int_eq(d.items[i].op, BATON_DIFF_CHANGED);
            ck_assert_str_eq(d.items[i].old_value, "B");
            ck_assert_str_eq(d.items[i].new_value, "B2");
            saw_change = 1;
        } else {
            ck_assert_ptr_nonnull(strstr(d.items[i].path, "plan.measures[m1]"));
            ck_assert_int_eq(d.items[i].op, BATON_DIFF_REMOVED);
        }
    }
    ck_assert(saw_change);
    json_t *fields = baton_diff_fields(&d);
    ck_assert_uint_eq(json_array_size(fields), 2);
    ck_assert_str_eq(json_string_value(json_array_get(fields, 0)), "plan.measures[m1]");
    json_decref(fields);
    baton_diff_free(&d);
    json_decref(a);
    json_decref(b);
}
END_TEST

START_TEST(identical_records_have_no_diff)
{
    json_t *a = json_pack("{s:s, s:{s:b}}", "status", "active", "plan", "needs_predictability", 1);
    baton_diff d;
    ck_assert_int_eq(baton_diff_records(a, a, BATON_RECORD_CASE, &d), 0);
    ck_assert_uint_eq(d.count, 0);
    baton_diff_free(&d);
    json_decref(a);
}
END_TEST

static char *render(baton_word_span *s, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(s[i].text) + 4;
    char *out = calloc(1, len);
    for (int i = 0; i < n; i++) {
        strcat(out, s[i].op == BATON_WORD_DELETED ? "[-" : s[i].op == BATON_WORD_INSERTED ? "{+" : "");
        strcat(out, s[i].text);
        strcat(out, s[i].op == BATON_WORD_DELETED ? "-]" : s[i].op == BATON_WORD_INSERTED ? "+}" : "");
    }
    return out;
}

START_TEST(word_diff)
{
    baton_word_span *s;
    int n = baton_diff_words("en fast plads ved vinduet i klassen", "en fast plads ved døren i klassen", &s);
    char *r = render(s, n);
    ck_assert_str_eq(r, "en fast plads ved [-vinduet-]{+døren+} i klassen");
    free(r);
    baton_word_spans_free(s, n);
    n = baton_diff_words("a b c d", "a x c y d z", &s);
    r = render(s, n);
    ck_assert_str_eq(r, "a [-b-]{+x+} c {+y +}d{+ z+}");
    free(r);
    baton_word_spans_free(s, n);
    n = baton_diff_words("", "ny tekst", &s);
    r = render(s, n);
    ck_assert_str_eq(r, "{+ny tekst+}");
    free(r);
    baton_word_spans_free(s, n);
}
END_TEST

Suite *diff_suite(void)
{
    Suite *s = suite_create("diff");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, entries_matched_by_id);
    tcase_add_test(tc, identical_records_have_no_diff);
    tcase_add_test(tc, word_diff);
    suite_add_tcase(s, tc);
    return s;
}
