/* Showing stored instants (UTC) as people read them: in the store's time zone. The C library
 * converts only through the process's TZ, which a threaded server cannot switch per request, so
 * the zone's offsets are read here from its file in /usr/share/zoneinfo (TZif, RFC 8536: the
 * transitions, and past the last one the POSIX rule at the file's end) and the conversion is
 * gmtime_r of the instant plus the offset. Nothing here touches the environment. */
#include "baton/date.h"
#include "baton/store.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *baton_zone_default(const char *language)
{
    if (language && strcmp(language, "da") == 0)
        return "Europe/Copenhagen";
    if (language && strcmp(language, "sv") == 0)
        return "Europe/Stockholm";
    if (language && strcmp(language, "nb") == 0)
        return "Europe/Oslo";
    return "UTC";
}

int baton_zone_known(const char *zone)
{
    char path[256];
    struct stat st;
    if (!zone || !*zone || zone[0] == '/' || strstr(zone, ".."))
        return 0;
    if (strcmp(zone, "UTC") == 0)
        return 1;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- a zone's offsets ---- */

/* The POSIX rule for instants past the last transition: "CET-1CEST,M3.5.0,M10.5.0/3". Only the
 * Mm.w.d form of a date (what every European zone uses); without DST, std alone. */
typedef struct {
    int32_t std, dst; /* seconds east of UTC */
    int has_dst;
    int start_m, start_w, start_d, end_m, end_w, end_d;
    int32_t start_t, end_t; /* local time of day of the change, seconds */
} zone_rule;

typedef struct {
    char name[128];
    int64_t *at;      /* transition instants, ascending */
    int32_t *offset;  /* the offset from each transition on */
    size_t n;
    int32_t first;    /* the offset before the first transition */
    int have_rule;
    zone_rule rule;
} tz_zone;

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t be64(const unsigned char *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

/* "-1", "+5:30", "2": hours[:minutes[:seconds]], the sign POSIX's (west of UTC is positive). */
static const char *posix_offset(const char *p, int32_t *out)
{
    int sign = 1, h = 0, m = 0, s = 0;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (*p < '0' || *p > '9')
        return NULL;
    h = (int)strtol(p, (char **)&p, 10);
    if (*p == ':') {
        m = (int)strtol(p + 1, (char **)&p, 10);
        if (*p == ':')
            s = (int)strtol(p + 1, (char **)&p, 10);
    }
    *out = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *posix_name(const char *p)
{
    if (*p == '<') {
        const char *q = strchr(p, '>');
        return q ? q + 1 : NULL;
    }
    const char *q = p;
    while ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z'))
        q++;
    return q - p >= 3 ? q : NULL;
}

/* ",Mm.w.d[/time]" */
static const char *posix_date(const char *p, int *m, int *w, int *d, int32_t *t)
{
    if (p[0] != ',' || p[1] != 'M')
        return NULL;
    p += 2;
    *m = (int)strtol(p, (char **)&p, 10);
    if (*p++ != '.')
        return NULL;
    *w = (int)strtol(p, (char **)&p, 10);
    if (*p++ != '.')
        return NULL;
    *d = (int)strtol(p, (char **)&p, 10);
    *t = 7200;
    if (*p == '/' && !(p = posix_offset(p + 1, t)))
        return NULL;
    return *m >= 1 && *m <= 12 && *w >= 1 && *w <= 5 && *d >= 0 && *d <= 6 ? p : NULL;
}

static int rule_parse(const char *s, zone_rule *r)
{
    int32_t off;
    memset(r, 0, sizeof *r);
    const char *p = posix_name(s);
    if (!p || !(p = posix_offset(p, &off)))
        return -1;
    r->std = r->dst = -off;
    if (!*p)
        return 0;
    if (!(p = posix_name(p)))
        return -1;
    r->dst = r->std + 3600;
    if (*p != ',' && !(p = posix_offset(p, &off)))
        return -1;
    if (*p != ',')
        return -1;
    if (p[-1] != '>' && (p[-1] >= '0' && p[-1] <= '9'))
        r->dst = -off;
    if (!(p = posix_date(p, &r->start_m, &r->start_w, &r->start_d, &r->start_t)) ||
        !(p = posix_date(p, &r->end_m, &r->end_w, &r->end_d, &r->end_t)) || *p)
        return -1;
    r->has_dst = 1;
    return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The instant (UTC) of the rule's change in year y: day d of week w of month m (w = 5: the
 * last), at local time t under the offset in force before it. */
static int64_t rule_change(int64_t y, int m, int w, int d, int32_t t, int32_t before)
{
    int64_t first = days_from_civil(y, m, 1);
    int wday_first = (int)(((first % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
    int day = 1 + (d - wday_first + 7) % 7 + (w - 1) * 7;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int len = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    while (day > len)
        day -= 7;
    return (days_from_civil(y, m, day)) * 86400 + t - before;
}

static int32_t rule_offset(const zone_rule *r, int64_t t)
{
    if (!r->has_dst)
        return r->std;
    struct tm tm;
    time_t tt = (time_t)(t + r->std);
    gmtime_r(&tt, &tm);
    int64_t y = tm.tm_year + 1900;
    int64_t start = rule_change(y, r->start_m, r->start_w, r->start_d, r->start_t, r->std);
    int64_t end = rule_change(y, r->end_m, r->end_w, r->end_d, r->end_t, r->dst);
    /* northern zones: DST between start and end; southern: outside them */
    int in = start < end ? t >= start && t < end : !(t >= end && t < start);
    return in ? r->dst : r->std;
}

static void zone_free(tz_zone *z)
{
    free(z->at);
    free(z->offset);
    free(z);
}

/* Reads /usr/share/zoneinfo/<name>: the version 2+ data (64-bit instants) and the rule after it. */
static tz_zone *zone_load(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = malloc(1 << 16);
    size_t len = buf ? fread(buf, 1, 1 << 16, f) : 0;
    fclose(f);
    tz_zone *z = calloc(1, sizeof *z);
    if (!buf || !z || len < 44 || memcmp(buf, "TZif", 4) != 0 || buf[4] < '2')
        goto bad;
    snprintf(z->name, sizeof z->name, "%s", name);
    /* skip the version 1 block: 4-byte instants */
    uint32_t c[6];
    for (int i = 0; i < 6; i++)
        c[i] = be32(buf + 20 + 4 * i);
    size_t off = 44 + (size_t)c[3] * 5 + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * 8 + c[1] + c[0];
    if (off + 44 > len || memcmp(buf + off, "TZif", 4) != 0)
        goto bad;
    for (int i = 0; i < 6; i++)
        c[i] = be32(buf + off + 20 + 4 * i);
    uint32_t isut = c[0], isstd = c[1], leap = c[2], n = c[3], types = c[4], chars = c[5];
    const unsigned char *p = buf + off + 44;
    size_t need = (size_t)n * 9 + (size_t)types * 6 + chars + (size_t)leap * 12 + isstd + isut;
    if (types == 0 || (size_t)(p - buf) + need > len)
        goto bad;
    const unsigned char *at = p, *idx = p + (size_t)n * 8, *tt = idx + n;
    z->at = malloc((n ? n : 1) * sizeof *z->at);
    z->offset = malloc((n ? n : 1) * sizeof *z->offset);
    if (!z->at || !z->offset)
        goto bad;
    for (uint32_t i = 0; i < n; i++) {
        if (idx[i] >= types)
            goto bad;
        z->at[i] = (int64_t)be64(at + 8 * i);
        z->offset[i] = (int32_t)be32(tt + 6 * idx[i]);
    }
    z->n = n;
    /* before the first transition: the first standard-time type, else type 0 (RFC 8536 3.2) */
    z->first = (int32_t)be32(tt);
    for (uint32_t i = 0; i < types; i++)
        if (!tt[6 * i + 4]) {
            z->first = (int32_t)be32(tt + 6 * i);
            break;
        }
    /* the footer: "\n<rule>\n" */
    const unsigned char *foot = p + need;
    if ((size_t)(foot - buf) < len && *foot == '\n') {
        const unsigned char *e = memchr(foot + 1, '\n', len - (size_t)(foot + 1 - buf));
        char rule[128];
        if (e && (size_t)(e - foot - 1) < sizeof rule) {
            memcpy(rule, foot + 1, (size_t)(e - foot - 1));
            rule[e - foot - 1] = '\0';
            z->have_rule = rule[0] && rule_parse(rule, &z->rule) == 0;
        }
    }
    free(buf);
    return z;
bad:
    free(buf);
    if (z)
        zone_free(z);
    return NULL;
}

static int32_t zone_offset(const tz_zone *z, int64_t t)
{
    if (z->n == 0 || t < z->at[0])
        return z->n == 0 && z->have_rule ? rule_offset(&z->rule, t) : z->first;
    if (t >= z->at[z->n - 1] && z->have_rule)
        return rule_offset(&z->rule, t);
    size_t lo = 0, hi = z->n; /* the last transition at or before t */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (z->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->offset[lo];
}

/* Zones read so far: a handful at most (a store has one), kept for the process's life. */
static pthread_mutex_t zones_lock = PTHREAD_MUTEX_INITIALIZER;
static tz_zone *zones[16];
static size_t nzones;

static const tz_zone *zone_get(const char *name)
{
    const tz_zone *found = NULL;
    pthread_mutex_lock(&zones_lock);
    for (size_t i = 0; i < nzones && !found; i++)
        if (strcmp(zones[i]->name, name) == 0)
            found = zones[i];
    if (!found && nzones < sizeof zones / sizeof *zones && (zones[nzones] = zone_load(name)))
        found = zones[nzones++];
    pthread_mutex_unlock(&zones_lock);
    return found;
}

void baton_time_local(const char *stamp, const char *zone_name, char *out, size_t n)
{
    time_t t;
    int date_only;
    /* a calendar date is the same everywhere; only an instant moves */
    if (!stamp || baton_datetime_parse(stamp, &t, &date_only) || date_only || strlen(stamp) <= 10) {
        snprintf(out, n, "%s", stamp ? stamp : "");
        return;
    }
    const tz_zone *z = zone_name && strcmp(zone_name, "UTC") != 0 && baton_zone_known(zone_name) ? zone_get(zone_name) : NULL;
    time_t local = t + (z ? zone_offset(z, (int64_t)t) : 0);
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

void baton_date_local(const char *stamp, const char *zone, char out[11])
{
    char full[40];
    baton_time_local(stamp, zone, full, sizeof full);
    snprintf(out, 11, "%.10s", full);
}
