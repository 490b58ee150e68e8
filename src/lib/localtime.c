/* Showing stored instants (UTC) as people read them: in the store's time zone. The C library only
 * converts through the process's TZ, so a conversion sets TZ, converts and puts it back under one
 * lock; nothing else in libbaton reads local time. */
#include "baton/date.h"
#include "baton/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

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

void baton_time_local(const char *stamp, const char *zone, char *out, size_t n)
{
    time_t t;
    int date_only;
    /* a calendar date is the same everywhere; only an instant moves */
    if (!stamp || baton_datetime_parse(stamp, &t, &date_only) || date_only || strlen(stamp) <= 10) {
        snprintf(out, n, "%s", stamp ? stamp : "");
        return;
    }
    struct tm tm;
    pthread_mutex_lock(&tz_lock);
    const char *was = getenv("TZ");
    char *saved = was ? strdup(was) : NULL;
    setenv("TZ", zone && baton_zone_known(zone) ? zone : "UTC", 1);
    tzset();
    localtime_r(&t, &tm);
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
    pthread_mutex_unlock(&tz_lock);
    strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

void baton_date_local(const char *stamp, const char *zone, char out[11])
{
    char full[40];
    baton_time_local(stamp, zone, full, sizeof full);
    snprintf(out, 11, "%.10s", full);
}
