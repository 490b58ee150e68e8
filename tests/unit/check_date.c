/* Dates: every command accepts exactly the real calendar dates, and times are UTC. */
#include "unit.h"

#include <baton/date.h>
#include <baton/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* The store's time zone is read from its TZif file, not by switching TZ (a server's threads
 * share the environment): it agrees with the C library's own conversion, minute for minute, at
 * instants spread over 1901 to 2099, in zones north and south of the equator, with half-hour
 * offsets and none, before the first transition and past the last (the file's POSIX rule). */
START_TEST(zones_agree_with_libc)
{
    const char *zones[] = {"Europe/Copenhagen", "Europe/Stockholm", "Europe/Oslo", "America/New_York",
                           "Australia/Sydney", "Asia/Kolkata", "America/St_Johns", "UTC"};
    int bad = 0, checked = 0;
    for (size_t z = 0; z < sizeof zones / sizeof *zones; z++) {
        setenv("TZ", zones[z], 1);
        tzset();
        /* from 1901-12-14 on, every 13 h 13 min 17 s: each hour of the day and each day of the year */
        for (int64_t t = -2147483600LL; t < 4102444800LL; t += 13 * 3600 + 13 * 60 + 17) {
            time_t tt = (time_t)t;
            struct tm tm;
            char want[40], stamp[32], got[40];
            localtime_r(&tt, &tm);
            strftime(want, sizeof want, "%Y-%m-%d %H:%M", &tm);
            gmtime_r(&tt, &tm);
            strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
            baton_time_local(stamp, zones[z], got, sizeof got);
            checked++;
            if (strcmp(want, got) != 0 && bad++ < 5)
                fprintf(stderr, "%s at %s: libc %s, baton %s\n", zones[z], stamp, want, got);
        }
    }
    unsetenv("TZ");
    tzset();
    ck_assert_int_gt(checked, 900000);
    ck_assert_int_eq(bad, 0);
    char out[40];
    baton_time_local("2026-07-01T10:00:00Z", "Europe/Copenhagen", out, sizeof out);
    ck_assert_str_eq(out, "2026-07-01 12:00"); /* summer time */
    baton_time_local("2026-12-01T10:00:00Z", "Europe/Copenhagen", out, sizeof out);
    ck_assert_str_eq(out, "2026-12-01 11:00");
    baton_time_local("2026-12-01T10:00:00Z", "No/Such_Zone", out, sizeof out);
    ck_assert_str_eq(out, "2026-12-01 10:00"); /* unknown: UTC */
    baton_time_local("2026-12-01", "Europe/Copenhagen", out, sizeof out);
    ck_assert_str_eq(out, "2026-12-01"); /* a date is the same everywhere */
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
    tcase_add_test(tc, zones_agree_with_libc);
    suite_add_tcase(s, tc);
    return s;
}
