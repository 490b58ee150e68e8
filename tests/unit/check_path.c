/* Field paths: how `case set` and the entry commands address one field of a record. */
#include "unit.h"

#include <baton/error.h>
#include <baton/record.h>

#include <string.h>

START_TEST(set_creates_parents_and_coerces)
{
    json_t *d = json_pack("{s:{}}", "plan");
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "plan.challenges.home", "Sengetid"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(d, "plan"), "challenges"), "home")),
                     "Sengetid");
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "plan.needs_predictability", "yes"), 0);
    ck_assert(json_is_true(json_object_get(json_object_get(d, "plan"), "needs_predictability")));
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "plan.needs_predictability", "maybe"), BATON_EINVALID);
    ck_assert_str_eq(baton_error_last(), "plan.needs_predictability: 'maybe' is not true or false");
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "plan.challenges.home", ""), 0);
    ck_assert_ptr_null(json_object_get(json_object_get(json_object_get(d, "plan"), "challenges"), "home"));
    json_decref(d);
}
END_TEST

START_TEST(unknown_and_malformed_paths)
{
    json_t *d = json_pack("{s:{}}", "plan");
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "plan.colour", "x"), BATON_EINVALID);
    ck_assert_str_eq(baton_error_last(), "plan.colour: unknown field");
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "plan..x", "x"), BATON_EINVALID);
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "plan.", "x"), BATON_EINVALID);
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "", "x"), BATON_EINVALID);
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "plan.measures[m1].goal", "x"), BATON_ENOTFOUND);
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "plan.measures", "x"), BATON_EINVALID);
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "id", "x"), BATON_EINVALID);
    ck_assert_str_eq(baton_error_last(), "id: cannot be changed");
    json_decref(d);
}
END_TEST

START_TEST(entries_by_id_and_position)
{
    json_t *d = json_pack("{s:{}}", "plan");
    char key[40];
    ck_assert_int_eq(baton_record_entry_add(d, BATON_RECORD_CASE, "plan.measures", NULL, "m", key), 0);
    ck_assert_str_eq(key, "m1");
    ck_assert_int_eq(baton_record_entry_add(d, BATON_RECORD_CASE, "plan.measures", NULL, "m", key), 0);
    ck_assert_str_eq(key, "m2");
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "plan.measures[m2].goal", "Ro"), 0);
    json_t *v;
    const baton_field *f;
    ck_assert_int_eq(baton_record_path_lookup(d, BATON_RECORD_CASE, "plan.measures[1].goal", &f, &v), 0);
    ck_assert_str_eq(json_string_value(v), "Ro");
    ck_assert_int_eq(f->kind, BATON_FIELD_TEXT);
    ck_assert_int_eq(baton_record_entry_remove(d, BATON_RECORD_CASE, "plan.measures", "m1"), 0);
    ck_assert_int_eq(baton_record_entry_index(d, BATON_RECORD_CASE, "plan.measures", "m2"), 0);
    ck_assert_int_eq(baton_record_entry_remove(d, BATON_RECORD_CASE, "plan.measures", "m1"), BATON_ENOTFOUND);
    ck_assert_int_eq(baton_record_entry_remove(d, BATON_RECORD_CASE, "plan.measures", "m2"), 0);
    ck_assert_ptr_null(json_object_get(json_object_get(d, "plan"), "measures")); /* no empty list left */
    ck_assert_int_eq(baton_record_entry_add(d, BATON_RECORD_CASE, "team", "anne.l", NULL, key), 0);
    ck_assert_int_eq(baton_record_entry_add(d, BATON_RECORD_CASE, "team", "anne.l", NULL, key), BATON_EEXISTS);
    json_decref(d);
}
END_TEST

START_TEST(lists_of_values)
{
    json_t *d = json_pack("{s:[{s:s, s:{}}]}", "guardians", "id", "g1", "agreement");
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "guardians[g1].agreement.channels", "aula, phone"), 0);
    json_t *v;
    const baton_field *f;
    baton_record_path_lookup(d, BATON_RECORD_CASE, "guardians[g1].agreement.channels", &f, &v);
    ck_assert_uint_eq(json_array_size(v), 2);
    ck_assert_str_eq(json_string_value(json_array_get(v, 1)), "phone");
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "guardians[g1].agreement.channels", "[\"sms\"]"), 0);
    baton_record_path_lookup(d, BATON_RECORD_CASE, "guardians[g1].agreement.channels", &f, &v);
    ck_assert_str_eq(json_string_value(json_array_get(v, 0)), "sms");
    ck_assert_int_eq(baton_record_path_set(d, BATON_RECORD_CASE, "guardians[g1].agreement.channels", "[1]"), BATON_EINVALID);
    json_decref(d);
}
END_TEST

Suite *path_suite(void)
{
    Suite *s = suite_create("path");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, set_creates_parents_and_coerces);
    tcase_add_test(tc, unknown_and_malformed_paths);
    tcase_add_test(tc, entries_by_id_and_position);
    tcase_add_test(tc, lists_of_values);
    suite_add_tcase(s, tc);
    return s;
}
