/* Dates and times as Baton stores them: calendar dates as YYYY-MM-DD, instants in UTC.
 * Kept in one place so every command accepts and rejects exactly the same spellings. */
#ifndef BATON_DATE_H
#define BATON_DATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* 1 when s is a real calendar date written YYYY-MM-DD (leap years included), else 0. */
int baton_date_valid(const char *s);
/* Days since 1970-01-01 of a valid date; returns BATON_EINVALID for anything else. */
int baton_date_to_days(const char *s, int64_t *days);
/* Writes the UTC calendar date of t as YYYY-MM-DD into out (11 bytes). */
void baton_date_from_time(char out[11], time_t t);
/* Today in UTC, from baton_now(). In test builds only (BATON_TEST_HOOKS), BATON_TODAY (YYYY-MM-DD)
 * overrides it, for reproducible tests. */
void baton_date_today(char out[11]);
/* Parses YYYY-MM-DD (taken as the end of that UTC day) or YYYY-MM-DDTHH:MM[:SS][Z] into a UTC
 * instant. Returns 0, or BATON_EINVALID. */
int baton_datetime_parse(const char *s, time_t *out, int *date_only);
/* Formats t as YYYY-MM-DDTHH:MM:SSZ into out (21 bytes). */
void baton_datetime_format(char out[21], time_t t);
/* 1 when s is exactly the stored instant form YYYY-MM-DDTHH:MM:SSZ and a real time, else 0. */
int baton_datetime_valid(const char *s);
/* date + n days, and date + n calendar months (the day clamped to the month's last), into out. */
int baton_date_add_days(const char *date, int64_t n, char out[11]);
int baton_date_add_months(const char *date, int n, char out[11]);
/* Now, from the store's clock: time(NULL), unless baton_clock_set (or, in test builds, BATON_NOW)
 * fixed it, so that a fixture generator makes the same commits every time. 0 unfixes it. */
time_t baton_now(void);
void baton_clock_set(time_t t);
/* Shown in a time zone (an IANA name such as Europe/Copenhagen; unknown or NULL: UTC): a stored
 * instant YYYY-MM-DDTHH:MM:SSZ as local "YYYY-MM-DD HH:MM" (n >= 17), and anything else (a calendar
 * date) as it is. baton_date_local gives only the local date. */
void baton_time_local(const char *stamp, const char *zone, char *out, size_t n);
void baton_date_local(const char *stamp, const char *zone, char out[11]);
/* 1 when zone names a time zone this machine knows (UTC, or a file under /usr/share/zoneinfo). */
int baton_zone_known(const char *zone);
/* The time zone a store in this language uses unless its config says otherwise. */
const char *baton_zone_default(const char *language);

/* a - b in days, for two valid dates. */
int baton_date_diff(const char *a, const char *b, int64_t *out);

#endif
