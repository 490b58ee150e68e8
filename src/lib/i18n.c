/* The message language per thread: one locale object per language, made once and shared (a
 * locale_t is read-only once made), switched with uselocale(). gettext then finds the catalogue by
 * the thread's LC_MESSAGES name. The environment's LANGUAGE would override every thread's choice,
 * so a front end that uses this takes LANGUAGE out of its environment at start (baton_i18n_from_env
 * reads it first). */
#include "baton/i18n.h"

#include "baton/error.h"
#include "render_internal.h"

#include <libintl.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *lang, *locale;
} known[] = {{"da", "da_DK.UTF-8"}, {"sv", "sv_SE.UTF-8"}, {"nb", "nb_NO.UTF-8"}, {"en", "C.UTF-8"}};
#define NKNOWN (sizeof known / sizeof *known)

static pthread_mutex_t made_lock = PTHREAD_MUTEX_INITIALIZER;
static locale_t made[NKNOWN];

/* The locale for known[i], made the first time: LC_MESSAGES from the language's locale, the rest
 * C.UTF-8, so that gettext hands out UTF-8 whatever the process's locale is. */
static locale_t locale_of(size_t i)
{
    pthread_mutex_lock(&made_lock);
    if (!made[i]) {
        locale_t base = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
        locale_t l = base && i != NKNOWN - 1 ? newlocale(LC_MESSAGES_MASK, known[i].locale, base) : base;
        if (!l && base)
            freelocale(base);
        made[i] = l;
    }
    locale_t l = made[i];
    pthread_mutex_unlock(&made_lock);
    return l;
}

static size_t index_of(const char *lang)
{
    for (size_t i = 0; lang && i < NKNOWN; i++)
        if (strcmp(lang, known[i].lang) == 0)
            return i;
    return NKNOWN;
}

int baton_i18n_use(const char *lang)
{
    if (!lang) {
        uselocale(LC_GLOBAL_LOCALE);
        return 0;
    }
    size_t i = index_of(lang);
    if (i == NKNOWN)
        return baton_error_set(BATON_EINVALID, "language: '%.20s' is not one of da, sv, nb, en", lang);
    locale_t l = locale_of(i);
    if (!l)
        return baton_error_set(BATON_ENOTFOUND, "language: this system has no %s locale (tools/install-deps makes it)",
                               known[i].locale);
    uselocale(l);
    return 0;
}

/* The known language a locale or LANGUAGE item names ("da", "da_DK", "sv_SE.UTF-8"), or NULL. */
static const char *known_in(const char *item, size_t n)
{
    size_t k = strcspn(item, "_.@:");
    if (k > n)
        k = n;
    for (size_t i = 0; i < NKNOWN; i++)
        if (strlen(known[i].lang) == k && strncmp(item, known[i].lang, k) == 0)
            return known[i].lang;
    return NULL;
}

const char *baton_i18n_from_env(void)
{
    const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"}, *loc = NULL;
    for (size_t v = 0; v < 3 && !loc; v++)
        if (getenv(vars[v]) && *getenv(vars[v]))
            loc = getenv(vars[v]);
    /* gettext's rule: under the C locale, messages as written; else LANGUAGE's list first */
    if (!loc || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0)
        return "en";
    const char *list = getenv("LANGUAGE");
    if (list && *list) {
        for (const char *p = list; *p; p += strcspn(p, ":"), p += *p == ':') {
            const char *l = known_in(p, strcspn(p, ":"));
            if (l)
                return l;
        }
        return "en";
    }
    const char *l = known_in(loc, strlen(loc));
    return l ? l : "en";
}

const char *baton_i18n_pick(const char *accept, const char *fallback)
{
    const char *best = NULL;
    double best_q = 0.0;
    for (const char *p = accept ? accept : ""; *p;) {
        size_t n = strcspn(p, ",");
        /* "sv-SE;q=0.9": the tag up to ';', its weight after "q=" */
        size_t tag = strcspn(p, ";,");
        while (tag > 0 && (p[0] == ' ' || p[0] == '\t')) {
            p++;
            n--;
            tag--;
        }
        double q = 1.0;
        const char *semi = memchr(p, ';', n);
        if (semi) {
            const char *qs = strstr(semi, "q=");
            if (qs && qs < p + n)
                q = strtod(qs + 2, NULL);
        }
        char lang[16] = "";
        size_t k = strcspn(p, "-_;, \t");
        if (k > tag)
            k = tag;
        if (k > 0 && k < sizeof lang) {
            for (size_t i = 0; i < k; i++)
                lang[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
            /* Norwegian asked for as "no" or "nn" is answered in Bokmål */
            const char *l = strcmp(lang, "no") == 0 || strcmp(lang, "nn") == 0 ? "nb" : lang;
            size_t i = index_of(l);
            if (i < NKNOWN && q > best_q && q <= 1.0) {
                best = known[i].lang;
                best_q = q;
            }
        }
        p += n + (p[n] == ',');
    }
    return best ? best : fallback;
}

#define N_(s) s /* marks a message for the catalogues (tools/pot) */

const char *baton_i18n_word(const char *value)
{
    static const char *const words[] = {
        N_("school"), N_("leisure"), N_("home"), N_("daycare"), N_("special_school"), N_("other"),
        N_("planned"), N_("active"), N_("completed"), N_("stopped"),
        N_("weekly"), N_("fortnightly"), N_("monthly"), N_("on_news"),
        N_("aula"), N_("email"), N_("phone"), N_("meeting"), N_("sms"),
        N_("progress"), N_("challenges"), N_("both"), N_("brief"), N_("detailed"),
        N_("contact"), N_("observation"), N_("status_update"), N_("decision"), N_("follow_up_done"),
        N_("child"), N_("guardian"), N_("staff"),
        N_("teacher"), N_("pedagogue"), N_("coordinator"), N_("psychologist"), N_("leader"),
        N_("added"), N_("removed"), N_("changed"),
        N_("consent"), N_("statutory"), N_("context"), N_("onboarding"),
        /* the packet's sections, as a basis's scope names them */
        N_("strengths"), N_("voices"), N_("predictability"), N_("measures"), N_("focus"), N_("communication"),
        N_("team"), N_("follow_ups"), N_("journal"), N_("changes"), N_("checklist"),
        /* what the access log says was done */
        N_("read"), N_("search"), N_("change"), N_("export"), N_("import"), N_("packet"), N_("diff"),
        N_("history"), N_("handover"), N_("handovers"), N_("due"), N_("emergency"), N_("password"),
        N_("audit"), N_("log-start"), N_("purge"),
        NULL};
    for (const char *const *w = words; *w; w++)
        if (value && strcmp(*w, value) == 0)
            return dgettext("baton", *w);
    return value ? value : "";
}

void baton_i18n_begin(const char *lang, baton_i18n_state *st)
{
    st->prev = uselocale((locale_t)0);
    size_t i = index_of(lang && *lang ? lang : "en");
    locale_t l = locale_of(i == NKNOWN ? NKNOWN - 1 : i);
    if (l)
        uselocale(l);
}

void baton_i18n_end(baton_i18n_state *st) { uselocale(st->prev); }
