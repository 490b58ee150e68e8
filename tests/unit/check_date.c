/* Dates: every command accepts exactly the real calendar dates, and times are UTC. */
#include "unit.h"

#include <baton/date.h>
#include <baton/error.h>

#include <stdlib.h>

START_TEST(valid_dates)
{
    ck_assert(baton_date_valid("2026-11-22"));
    ck_assert(baton_date_valid("2024-02-29")); /* leap year */
    ck_assert(baton_date_valid("2000-02-29")); /* divisible by 400 */
    ck_assert(!baton_date_valid("1900-02-29")); /* divisible by 100 only */
    ck_assert(!baton_date_valid("2026-02-29"));
    ck_assert(!baton_date_valid("2026-04-31"));
    ck_assert(!baton_date_valid("2026-13-01"));
    ck_assert(!baton_date_valid("2026-00-10"));
    ck_assert(!baton_date_valid("2026-1-01"));
    ck_assert(!baton_date_valid("22-11-2026"));
    ck_assert(!baton_date_valid("2026-11-22T10:00"));
    ck_assert(!baton_date_valid("0202-11-22")); /* a typo, not a year */
    ck_assert(!baton_date_valid(""));
    ck_assert(!baton_date_valid(NULL));
}
END_TEST

START_TEST(days_since_epoch)
{
    int64_t d;
    ck_assert_int_eq(baton_date_to_days("1970-01-01", &d), 0);
    ck_assert_int_eq(d, 0);
    ck_assert_int_eq(baton_date_to_days("2026-11-22", &d), 0);
    ck_assert_int_eq(d, 20779); /* python: (date(2026,11,22) - date(1970,1,1)).days */
    ck_assert_int_eq(baton_date_to_days("2026-11-31", &d), BATON_EINVALID);
}
END_TEST

START_TEST(datetime_parse)
{
    time_t t;
    int date_only;
    ck_assert_int_eq(baton_datetime_parse("2026-11-22", &t, &date_only), 0);
    ck_assert(date_only);
    char buf[21];
    baton_datetime_format(buf, t);
    ck_assert_str_eq(buf, "2026-11-22T23:59:59Z"); /* a date means the end of that day */
    ck_assert_int_eq(baton_datetime_parse("2026-11-22T08:30Z", &t, &date_only), 0);
    ck_assert(!date_only);
    baton_datetime_format(buf, t);
    ck_assert_str_eq(buf, "2026-11-22T08:30:00Z");
    ck_assert_int_eq(baton_datetime_parse("2026-11-22T08:30:15", &t, NULL), 0);
    baton_datetime_format(buf, t);
    ck_assert_str_eq(buf, "2026-11-22T08:30:15Z");
    ck_assert_int_eq(baton_datetime_parse("2026-11-22T25:00Z", &t, NULL), BATON_EINVALID);
    ck_assert_int_eq(baton_datetime_parse("2026-11-22T08:30+02:00", &t, NULL), BATON_EINVALID);
    ck_assert_int_eq(baton_datetime_parse("yesterday", &t, NULL), BATON_EINVALID);
}
END_TEST

START_TEST(today_override)
{
    char d[11];
    setenv("BATON_TODAY", "2027-01-05", 1);
    baton_date_today(d);
    ck_assert_str_eq(d, "2027-01-05");
    setenv("BATON_TODAY", "not-a-date", 1);
    baton_date_today(d);
    ck_assert(baton_date_valid(d));
    ck_assert_str_ne(d, "not-a-date");
    unsetenv("BATON_TODAY");
}
END_TEST

START_TEST(date_arithmetic)
{
    char d[11];
    int64_t n;
    ck_assert_int_eq(baton_date_add_days("2026-12-28", 7, d), 0);
    ck_assert_str_eq(d, "2027-01-04");
    ck_assert_int_eq(baton_date_add_days("2028-02-28", 1, d), 0);
    ck_assert_str_eq(d, "2028-02-29");
    ck_assert_int_eq(baton_date_add_months("2026-08-31", 6, d), 0);
    ck_assert_str_eq(d, "2027-02-28"); /* clamped to the month's last day */
    ck_assert_int_eq(baton_date_add_months("2027-08-31", 6, d), 0);
    ck_assert_str_eq(d, "2028-02-29");
    ck_assert_int_eq(baton_date_add_months("2026-11-15", 3, d), 0);
    ck_assert_str_eq(d, "2027-02-15");
    ck_assert_int_eq(baton_date_add_months("soon", 3, d), BATON_EINVALID);
    ck_assert_int_eq(baton_date_diff("2027-03-01", "2027-02-27", &n), 0);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(baton_date_diff("2026-01-01", "2026-01-02", &n), 0);
    ck_assert_int_eq(n, -1);
    ck_assert_int_eq(baton_date_diff("2026-01-01", "x", &n), BATON_EINVALID);
}
END_TEST

START_TEST(datetime_stored_form)
{
    ck_assert(baton_datetime_valid("2026-11-23T18:07:00Z"));
    ck_assert(!baton_datetime_valid("2026-11-23T18:07Z"));
    ck_assert(!baton_datetime_valid("2026-11-23 18:07:00Z"));
    ck_assert(!baton_datetime_valid("2026-11-23T25:07:00Z"));
    ck_assert(!baton_datetime_valid("2026-02-30T10:00:00Z"));
    ck_assert(!baton_datetime_valid("2026-11-23"));
}
END_TEST

Suite *date_suite(void)
{
    Suite *s = suite_create("date");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, valid_dates);
    tcase_add_test(tc, days_since_epoch);
    tcase_add_test(tc, datetime_parse);
    tcase_add_test(tc, today_override);
    tcase_add_test(tc, date_arithmetic);
    tcase_add_test(tc, datetime_stored_form);
    suite_add_tcase(s, tc);
    return s;
}
