/* Calendar arithmetic without the C library's locale and time-zone traps: everything is UTC and
 * computed from the proleptic Gregorian calendar directly (days_from_civil, after H. Hinnant). */
#include "baton/date.h"
#include "baton/error.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int parse_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Parses the YYYY-MM-DD prefix of s; year limited to 1900..2999 to catch typos like 0202. */
static int parse_ymd(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return -1;
    if (parse_digits(s, 4, y) || parse_digits(s + 5, 2, m) || parse_digits(s + 8, 2, d))
        return -1;
    if (*y < 1900 || *y > 2999 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    return 0;
}

int baton_date_valid(const char *s)
{
    int y, m, d;
    return s && strlen(s) == 10 && parse_ymd(s, &y, &m, &d) == 0;
}

int baton_date_to_days(const char *s, int64_t *days)
{
    int y, m, d;
    if (!s || strlen(s) != 10 || parse_ymd(s, &y, &m, &d))
        return baton_error_set(BATON_EINVALID, "not a date (YYYY-MM-DD): %s", s ? s : "(null)");
    *days = days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

void baton_date_from_time(char out[11], time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* BATON_TODAY and BATON_NOW are test hooks: compiled only into test builds (-DBATON_TEST_HOOKS),
 * never into the installed binary, where a forged "today" would let anyone purge the access log
 * early or date a record at will. */
void baton_date_today(char out[11])
{
#ifdef BATON_TEST_HOOKS
    const char *fixed = getenv("BATON_TODAY");
    if (fixed && baton_date_valid(fixed)) {
        memcpy(out, fixed, 11);
        return;
    }
#endif
    baton_date_from_time(out, baton_now());
}

int baton_datetime_parse(const char *s, time_t *out, int *date_only)
{
    int y, m, d, hh = 23, mm = 59, ss = 59;
    size_t n = s ? strlen(s) : 0;
    if (n < 10 || parse_ymd(s, &y, &m, &d))
        goto bad;
    if (date_only)
        *date_only = n == 10;
    if (n > 10) {
        const char *t = s + 10;
        if ((*t != 'T' && *t != ' ') || strlen(t) < 6 || t[3] != ':')
            goto bad;
        if (parse_digits(t + 1, 2, &hh) || parse_digits(t + 4, 2, &mm))
            goto bad;
        t += 6;
        ss = 0;
        if (*t == ':') {
            if (parse_digits(t + 1, 2, &ss))
                goto bad;
            t += 3;
        }
        if (*t == 'Z')
            t++;
        if (*t || hh > 23 || mm > 59 || ss > 60)
            goto bad;
    }
    *out = (time_t)(days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss);
    return 0;
bad:
    return baton_error_set(BATON_EINVALID, "not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z): %s",
                           s ? s : "(null)");
}

void baton_datetime_format(char out[21], time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int baton_datetime_valid(const char *s)
{
    time_t t;
    int date_only;
    /* the stored form is exactly YYYY-MM-DDTHH:MM:SSZ: one spelling, so texts sort as times */
    if (!s || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return 0;
    if (baton_datetime_parse(s, &t, &date_only)) {
        baton_error_clear();
        return 0;
    }
    return 1;
}

static void date_from_days(int64_t days, char out[11])
{
    time_t t = (time_t)(days * 86400);
    baton_date_from_time(out, t);
}

int baton_date_add_days(const char *date, int64_t n, char out[11])
{
    int64_t days;
    if (baton_date_to_days(date, &days))
        return BATON_EINVALID;
    date_from_days(days + n, out);
    return 0;
}

int baton_date_add_months(const char *date, int n, char out[11])
{
    int y, m, d;
    if (!baton_date_valid(date))
        return baton_error_set(BATON_EINVALID, "not a date (YYYY-MM-DD): %s", date ? date : "(null)");
    parse_ymd(date, &y, &m, &d);
    int months = y * 12 + (m - 1) + n;
    y = months / 12;
    m = months % 12 + 1;
    /* 31 August + 6 months is the last day of February, not a day in March */
    if (d > days_in_month(y, m))
        d = days_in_month(y, m);
    if (y < 1900 || y > 2999)
        return baton_error_set(BATON_EINVALID, "date out of range: %s + %d months", date, n);
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    memcpy(out, buf, 11);
    return 0;
}

int baton_date_diff(const char *a, const char *b, int64_t *out)
{
    int64_t x, y;
    if (baton_date_to_days(a, &x) || baton_date_to_days(b, &y))
        return BATON_EINVALID;
    *out = x - y;
    return 0;
}

/* The clock every stored time comes from. A fixture generator (or a test) sets it, so that the same
 * inputs give the same commits; in test builds, BATON_NOW (seconds since 1970) sets it for a whole
 * process. */
static _Thread_local time_t clock_fixed;
static _Thread_local int clock_read_env;

void baton_clock_set(time_t t) { clock_fixed = t; clock_read_env = 1; }

time_t baton_now(void)
{
    if (!clock_read_env) {
        clock_read_env = 1;
#ifdef BATON_TEST_HOOKS
        const char *env = getenv("BATON_NOW");
        if (env && *env)
            clock_fixed = (time_t)strtoll(env, NULL, 10);
#endif
    }
    return clock_fixed ? clock_fixed : time(NULL);
}
