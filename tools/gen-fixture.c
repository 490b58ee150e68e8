/* gen-fixture: a deterministic synthetic municipality for benchmarks and scale tests. Every record
 * goes through libbaton's normal functions (case create and save, journal, handovers), so the
 * commits are exactly those a user would make; --bulk keeps new objects in memory and writes
 * packfiles (baton_store_bulk_*) instead of one loose file per object. The same seed gives the
 * same commits, byte for byte, bulk or not. All names and texts are invented here: a small Danish
 * and Swedish phrase bank with real inflections (so stemming meets real word forms), mixed with
 * words drawn from Debian's word list of the language (wdanish, wswedish) by a Zipf distribution,
 * so the text has tens of thousands of distinct words, a few very common ones and a long tail,
 * as real plans do: the search benchmarks need rare, medium and very common words. */
#include <baton/baton.h>

#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- deterministic randomness (splitmix64) ---- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }
static double unit(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }
#define ONE_OF(a) (a[pick(sizeof a / sizeof *a)])

/* ---- phrase banks ---- */

typedef struct {
    const char *const *first, *const *last, *const *schools, *const *subjects, *const *verbs, *const *objects,
        *const *when, *const *areas;
    size_t nfirst, nlast, nschools, nsubjects, nverbs, nobjects, nwhen, nareas;
    const char *municipality;
} bank;

#define N(a) (sizeof a / sizeof *a)

static const char *const da_first[] = {"Ida", "Malte", "Selma", "Lukas", "Alma", "Oskar", "Freja", "Noah", "Clara",
                                       "Viggo", "Ella", "Storm", "Agnes", "Bertil", "Liva", "Asger", "Nanna", "Thor"};
static const char *const da_last[] = {"Fiktivsen", "Prøvesen", "Eksempelgaard", "Opdigtet", "Demomark", "Testrup",
                                      "Skitseby", "Udkastholm", "Modelgaard", "Påfundsen"};
static const char *const da_schools[] = {"Nordskolen", "Engskolen", "Søndervangsskolen", "Bakkeskolen", "Havneskolen",
                                         "Skovbrynets Skole", "Åskolen", "Vestbyens Skole"};
static const char *const da_subjects[] = {"Barnet", "Eleven", "Hun", "Han", "Klassen", "Forældrene", "Pædagogen",
                                          "Læreren", "Makkeren"};
static const char *const da_verbs[] = {"har svært ved", "har glæde af", "profiterer af", "trives med",
                                       "bliver urolig ved", "har brug for", "lykkes med", "øver sig på",
                                       "undgår", "søger hjælp til"};
static const char *const da_objects[] = {"overgangen mellem timerne", "overgangene i frikvarteret",
                                         "overgange mellem aktiviteter", "faste rutiner om morgenen",
                                         "billedskemaet på bordet", "korte og tydelige beskeder",
                                         "læsning af korte tekster", "matematikopgaver med konkrete materialer",
                                         "samarbejde i mindre grupper", "larm i klassen", "pauser med bevægelse",
                                         "skolevægring om mandagen", "venskaber i klassen", "at skifte lokale",
                                         "høretelefoner ved selvstændigt arbejde", "skriftlige aftaler med hjemmet",
                                         "lektiecaféen", "idrætstimerne", "ture ud af huset", "nye voksne"};
static const char *const da_when[] = {"om morgenen", "efter frikvarteret", "i dansktimerne", "i SFO'en",
                                      "derhjemme om aftenen", "ved skoleskift", "når planen ændres", "hele dagen"};
static const char *const da_areas[] = {"dansk", "matematik", "trivsel", "motorik", "sprog", "fællesskab"};

static const char *const sv_first[] = {"Ebba", "Hugo", "Saga", "Elis", "Maja", "Ture", "Alva", "Vilgot", "Stina",
                                       "Algot", "Märta", "Melker", "Tyra", "Ossian"};
static const char *const sv_last[] = {"Påhittsson", "Exempelberg", "Provström", "Utkastlund", "Skissdal",
                                      "Modellqvist", "Testsson"};
static const char *const sv_schools[] = {"Norrskolan", "Ängsskolan", "Backaskolan", "Hamnskolan", "Skogsbrynets skola",
                                         "Åskolan", "Västerbyskolan"};
static const char *const sv_subjects[] = {"Barnet", "Eleven", "Hon", "Han", "Klassen", "Vårdnadshavarna",
                                          "Pedagogen", "Läraren", "Kompisen"};
static const char *const sv_verbs[] = {"har svårt med", "har glädje av", "trivs med", "blir orolig vid",
                                       "behöver stöd vid", "lyckas med", "övar på", "undviker", "söker hjälp med"};
static const char *const sv_objects[] = {"övergångar mellan lektionerna", "övergången till rasten",
                                         "fasta rutiner på morgonen", "bildschemat på bänken",
                                         "korta och tydliga instruktioner", "läsning av korta texter",
                                         "matematikuppgifter med konkret material", "samarbete i mindre grupper",
                                         "ljudnivån i klassrummet", "pauser med rörelse", "skolfrånvaro på måndagar",
                                         "vänskaper i klassen", "att byta klassrum", "hörselkåpor vid eget arbete",
                                         "skriftliga överenskommelser med hemmet", "fritidshemmet", "idrottslektionerna"};
static const char *const sv_when[] = {"på morgonen", "efter rasten", "på svensklektionerna", "på fritids",
                                      "hemma på kvällen", "vid skolbyte", "när planen ändras", "hela dagen"};
static const char *const sv_areas[] = {"svenska", "matematik", "trivsel", "motorik", "språk", "gemenskap"};

static bank da_bank(void)
{
    return (bank){da_first, da_last, da_schools, da_subjects, da_verbs, da_objects, da_when, da_areas,
                  N(da_first), N(da_last), N(da_schools), N(da_subjects), N(da_verbs), N(da_objects), N(da_when),
                  N(da_areas), "Fiktiv Kommune"};
}
static bank sv_bank(void)
{
    return (bank){sv_first, sv_last, sv_schools, sv_subjects, sv_verbs, sv_objects, sv_when, sv_areas,
                  N(sv_first), N(sv_last), N(sv_schools), N(sv_subjects), N(sv_verbs), N(sv_objects), N(sv_when),
                  N(sv_areas), "Påhittad kommun"};
}

/* ---- the lexicon: a word list, ranked by a seeded shuffle, drawn by Zipf's law ---- */

#define ZIPF_S 1.05 /* the exponent: the commonest word is about one token in 13 */

typedef struct {
    char **words;  /* by rank: words[0] the commonest */
    double *cdf;   /* cdf[i]: the probability of a rank <= i */
    size_t n;
} lexicon;

static lexicon lex;

/* A plain lower-case word: a-z and letters beyond ASCII, no digits, no apostrophes or hyphens,
 * no capital (names and abbreviations stay out), 3 to 24 bytes. */
static int plain_word(const char *w, size_t len)
{
    if (len < 3 || len > 24)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c < 0x80 && !(c >= 'a' && c <= 'z'))
            return 0;
    }
    return 1;
}

/* Reads the language's word list (UTF-8 or, like Debian's Swedish one, Latin-1). */
static int lexicon_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "gen-fixture: %s: cannot read the word list (tools/install-deps installs wdanish and "
                        "wswedish)\n", path);
        return 1;
    }
    size_t cap = 1 << 22, len = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    int latin1 = !baton_utf8_valid((const char *)buf, len);
    size_t wcap = 1 << 16;
    lex.words = malloc(wcap * sizeof *lex.words);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && buf[j] != '\n')
            j++;
        char w[64];
        size_t wl = 0;
        for (size_t k = i; k < j && wl + 2 < sizeof w; k++) {
            unsigned char c = buf[k];
            if (latin1 && c >= 0x80) {
                w[wl++] = (char)(0xc0 | (c >> 6));
                w[wl++] = (char)(0x80 | (c & 0x3f));
            } else {
                w[wl++] = (char)c;
            }
        }
        if (plain_word(w, wl)) {
            if (lex.n == wcap)
                lex.words = realloc(lex.words, (wcap *= 2) * sizeof *lex.words);
            lex.words[lex.n++] = strndup(w, wl);
        }
        i = j + 1;
    }
    free(buf);
    if (lex.n < 1000) {
        fprintf(stderr, "gen-fixture: %s: only %zu plain words\n", path, lex.n);
        return 1;
    }
    for (size_t i = lex.n; i > 1; i--) { /* the ranks: a shuffle by the seed */
        size_t j = (size_t)(rnd() % i);
        char *t = lex.words[i - 1];
        lex.words[i - 1] = lex.words[j];
        lex.words[j] = t;
    }
    lex.cdf = malloc(lex.n * sizeof *lex.cdf);
    double sum = 0;
    for (size_t i = 0; i < lex.n; i++)
        lex.cdf[i] = (sum += pow((double)(i + 1), -ZIPF_S));
    for (size_t i = 0; i < lex.n; i++)
        lex.cdf[i] /= sum;
    return 0;
}

static void lexicon_free(void)
{
    for (size_t i = 0; i < lex.n; i++)
        free(lex.words[i]);
    free(lex.words);
    free(lex.cdf);
}

static size_t zipf_rank(void)
{
    double u = unit();
    size_t lo = 0, hi = lex.n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (lex.cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Text for a field: one or two sentences from the bank (subject, verb, object, when), then one or
 * two sentences of 6 to 18 words from the lexicon. */
static void sentence(const bank *b, char *out, size_t n)
{
    size_t used = 0;
    int k = 1 + (int)pick(2);
    for (int i = 0; i < k; i++)
        used += (size_t)snprintf(out + used, used < n ? n - used : 0, "%s%s %s %s %s.", i ? " " : "",
                                 b->subjects[pick((unsigned)b->nsubjects)], b->verbs[pick((unsigned)b->nverbs)],
                                 b->objects[pick((unsigned)b->nobjects)], b->when[pick((unsigned)b->nwhen)]);
    k = 1 + (int)pick(2);
    for (int i = 0; i < k; i++) {
        int words = 6 + (int)pick(13);
        for (int w = 0; w < words; w++)
            used += (size_t)snprintf(out + used, used < n ? n - used : 0, " %s%s", lex.words[zipf_rank()],
                                     w == words - 1 ? "." : "");
    }
}

/* ---- the municipality ---- */

typedef struct {
    baton_store *store;
    baton_identity *staff;
    baton_session **sessions; /* one per staff member: every write is made by someone allowed to */
    size_t nstaff;
    size_t *contact;          /* the contact person of each case, by index into staff */
    const bank *b;
    time_t clock;
    long step; /* seconds between events */
    int bulk;
    size_t writes;
} gen;

static void tick(gen *g)
{
    g->clock += g->step / 2 + (long)pick((unsigned)(g->step + 1));
    baton_clock_set(g->clock);
}

static size_t someone_index(gen *g) { return pick((unsigned)g->nstaff); }
static const baton_identity *someone(gen *g) { return &g->staff[someone_index(g)]; }

/* Who writes to case c: mostly its contact person, sometimes the coordinator (s0000, municipality
 * wide): the people the need-to-know policy lets change a case. */
static baton_session *author(gen *g, unsigned c) { return g->sessions[pick(4) ? g->contact[c] : 0]; }

static int fail(const char *what)
{
    fprintf(stderr, "gen-fixture: %s: %s\n", what, baton_error_last());
    return 1;
}

static int add_staff(gen *g, size_t n)
{
    static const char *const roles[] = {"teacher", "teacher", "teacher", "pedagogue", "coordinator", "psychologist"};
    g->staff = calloc(n, sizeof *g->staff);
    g->sessions = calloc(n, sizeof *g->sessions);
    g->nstaff = n;
    for (size_t i = 0; i < n; i++) {
        char id[40], name[120], email[120];
        baton_oid_hex commit;
        snprintf(id, sizeof id, "s%04zu", i);
        snprintf(name, sizeof name, "%s %s-%zu", g->b->first[i % g->b->nfirst], g->b->last[i % g->b->nlast], i);
        snprintf(email, sizeof email, "%s@fixture.invalid", id);
        json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "id", id, "name", name, "email", email, "role",
                                i == 0 ? "coordinator" : roles[i % N(roles)]);
        tick(g);
        int rc = i ? baton_staff_add(g->sessions[0], rec, NULL, commit) : baton_staff_add_first(g->store, rec, NULL, commit);
        json_decref(rec);
        if (rc)
            return fail("staff add");
        baton_session_options so = {id, NULL, NULL, "gen-fixture"};
        if (baton_identity_load(g->store, id, &g->staff[i]) || baton_session_open(&g->sessions[i], g->store, &so))
            return fail("identity");
        g->writes++;
    }
    return 0;
}

/* One change to a case, as a person would make it (a mutator for baton_case_update). */
typedef struct {
    gen *g;
    int kind;
    char what[120];
} change_ctx;

static int mutate(json_t *doc, const baton_identity *as, void *vctx)
{
    change_ctx *x = vctx;
    gen *g = x->g;
    char text[1200];
    (void)as;
    json_t *plan = json_object_get(doc, "plan");
    static const char *const fields[] = {"strengths", "works_well", "child_perspective", "guardian_perspective",
                                         "transition_notes", "challenges.school", "challenges.leisure",
                                         "challenges.home"};
    json_t *measures = json_object_get(plan, "measures");
    if (x->kind == 1 && json_array_size(measures) < 6) {
        char mid[8];
        snprintf(mid, sizeof mid, "m%zu", json_array_size(measures) + 1);
        sentence(g->b, text, sizeof text);
        char review[11], start[11];
        baton_date_from_time(start, g->clock);
        baton_date_add_days(start, 60 + (int)pick(120), review);
        json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", mid, "setting",
                              pick(3) ? "school" : (pick(2) ? "leisure" : "home"), "description", text, "goal",
                              g->b->objects[pick((unsigned)g->b->nobjects)], "responsible", someone(g)->id, "start",
                              start, "review_by", review, "status", "active");
        if (!measures)
            json_object_set_new(plan, "measures", measures = json_array());
        json_array_append_new(measures, m);
        snprintf(x->what, sizeof x->what, "add measure %s", mid);
    } else if (x->kind == 2 && json_array_size(measures) > 0) {
        json_t *m = json_array_get(measures, pick((unsigned)json_array_size(measures)));
        sentence(g->b, text, sizeof text);
        json_object_set_new(m, "outcome", json_string(text));
        json_object_set_new(m, "status", json_string(pick(3) ? "active" : "completed"));
        snprintf(x->what, sizeof x->what, "set measure %s", json_string_value(json_object_get(m, "id")));
    } else {
        const char *f = fields[pick(N(fields))];
        sentence(g->b, text, sizeof text);
        char path[64];
        snprintf(path, sizeof path, "plan.%s", f);
        if (baton_record_path_set(doc, BATON_RECORD_CASE, path, text))
            return BATON_EINVALID;
        snprintf(x->what, sizeof x->what, "set %s", path);
    }
    tick(g);
    return 0;
}

static int change_case(gen *g, unsigned c, const char *id, int kind)
{
    baton_oid_hex commit;
    change_ctx x = {g, kind, ""};
    /* the subject names the change, which the mutator decides: it is filled in before the save */
    baton_session *s = author(g, c);
    if (baton_case_update(s, id, NULL, x.what, NULL, mutate, &x, commit))
        return fail("case update");
    g->writes++;
    return 0;
}

static int journal(gen *g, unsigned c, const char *id)
{
    static const char *const kinds[] = {"contact", "meeting", "observation", "status_update", "decision"};
    char text[1200], at[11];
    baton_oid_hex commit;
    char entry[16];
    sentence(g->b, text, sizeof text);
    tick(g);
    baton_date_from_time(at, g->clock);
    baton_journal_new e = {0};
    e.kind = kinds[pick(N(kinds))];
    e.text = text;
    e.at = at;
    if (strcmp(e.kind, "contact") == 0)
        e.channel = pick(2) ? "phone" : "aula";
    if (pick(8) == 0) {
        char due[11];
        baton_date_add_days(at, 14, due);
        e.follow_up = strdup(due);
        e.owner = someone(g)->id;
    }
    int rc = baton_journal_add(author(g, c), id, &e, NULL, entry, commit);
    free((char *)e.follow_up);
    if (rc)
        return fail("journal add");
    g->writes++;
    return 0;
}

static int handover(gen *g, unsigned c, const char *id)
{
    baton_oid_hex commit;
    size_t to = someone_index(g);
    while (to == g->contact[c])
        to = someone_index(g);
    baton_handover_pair p = {id, g->staff[to].id};
    tick(g);
    /* the coordinator hands cases over */
    if (baton_handover_staff(g->sessions[0], &p, 1, NULL, NULL, commit))
        return fail("handover");
    g->contact[c] = to;
    g->writes++;
    return 0;
}

/* A new case's guardian and first plan text (a mutator for baton_case_update). */
typedef struct {
    gen *g;
    const bank *b;
    const char *lang;
} first_plan;

static int add_guardian(json_t *doc, const baton_identity *as, void *vctx)
{
    first_plan *fp = vctx;
    char gname[120], text[1200];
    (void)as;
    snprintf(gname, sizeof gname, "%s %s", fp->b->first[pick((unsigned)fp->b->nfirst)],
             fp->b->last[pick((unsigned)fp->b->nlast)]);
    json_object_set_new(doc, "guardians",
                        json_pack("[{s:s, s:s, s:s, s:{s:s, s:[s], s:s, s:s, s:s}}]", "id", "g1", "name", gname,
                                  "relation", strcmp(fp->lang, "sv") == 0 ? "mamma" : "mor", "agreement", "frequency",
                                  pick(2) ? "weekly" : "monthly", "channels", "aula", "topics", "both", "detail",
                                  "brief", "agreed_on", "2019-12-01"));
    sentence(fp->b, text, sizeof text);
    json_object_set_new(json_object_get(doc, "plan"), "strengths", json_string(text));
    tick(fp->g);
    return 0;
}

typedef struct {
    unsigned c;  /* case index */
    unsigned char what; /* 0 change, 1 journal, 2 handover */
} event;

int main(int argc, char **argv)
{
    static const char usage[] = "usage: gen-fixture STORE [--cases N] [--seed S] [--language da|sv] [--bulk] "
                                "[--versions MEAN] [--journal MEAN] [--longest N]\n";
    int cases = 5000, bulk = 0, journal_mean = 10, versions_mean = 20, longest = 300;
    unsigned long long seed = 42;
    const char *lang = "da";
    static const struct option opts[] = {{"cases", required_argument, NULL, 'c'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"language", required_argument, NULL, 'l'},
                                         {"bulk", no_argument, NULL, 'b'},
                                         {"versions", required_argument, NULL, 'v'},
                                         {"journal", required_argument, NULL, 'j'},
                                         {"longest", required_argument, NULL, 'L'},
                                         {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'c': cases = atoi(optarg); break;
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'l': lang = optarg; break;
        case 'b': bulk = 1; break;
        case 'v': versions_mean = atoi(optarg); break;
        case 'j': journal_mean = atoi(optarg); break;
        case 'L': longest = atoi(optarg); break;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind + 1 != argc || cases < 1 || versions_mean < 1 || journal_mean < 0 || longest < 1) {
        fputs(usage, stderr);
        return 2;
    }
    rng_state = seed;
    bank b = strcmp(lang, "sv") == 0 ? sv_bank() : da_bank();
    const char *words = getenv("BATON_FIXTURE_WORDS");
    if (lexicon_load(words && *words ? words : strcmp(lang, "sv") == 0 ? "/usr/share/dict/swedish"
                                                                        : "/usr/share/dict/danish"))
        return 1;
    gen g = {0};
    g.b = &b;
    g.bulk = bulk;
    g.clock = 1577836800; /* 2020-01-01 */
    baton_clock_set(g.clock);
    /* "today" follows the generator's clock (unset BATON_TODAY), and so does every stored time */
    unsetenv("BATON_TODAY");
    char store_id[17];
    snprintf(store_id, sizeof store_id, "fx%014llx", seed & 0xffffffffffffffull);
    baton_init_options io = {lang, b.municipality, store_id};
    const char *path = argv[optind];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (baton_store_init(path, &io) || baton_store_open(&g.store, path))
        return fail("store");
    if (bulk && baton_store_bulk_begin(g.store))
        return fail("bulk");
    size_t nstaff = (size_t)cases / 20 + 12;
    if (add_staff(&g, nstaff))
        return 1;
    /* how much happens to each case: a long tail of versions, the first case the longest */
    int *versions = calloc((size_t)cases, sizeof *versions), *entries = calloc((size_t)cases, sizeof *entries);
    size_t nevents = 0;
    for (int i = 0; i < cases; i++) {
        double u = unit();
        int v = pick(50) == 0 ? 100 + (int)pick(201) : 1 + (int)(-(versions_mean * 0.85) * log(1.0 - u));
        /* the first case is the long one the benchmarks read: 300 versions, 100 journal entries */
        versions[i] = i == 0 ? longest : (v > 300 ? 300 : v);
        entries[i] = i == 0 ? longest / 3 : (int)(-(double)journal_mean * log(1.0 - unit()));
        nevents += (size_t)versions[i] - 1 + (size_t)entries[i] + 1;
    }
    event *ev = calloc(nevents + 1, sizeof *ev);
    size_t ne = 0;
    for (int i = 0; i < cases; i++) {
        for (int k = 1; k < versions[i]; k++)
            ev[ne++] = (event){(unsigned)i, 0};
        for (int k = 0; k < entries[i]; k++)
            ev[ne++] = (event){(unsigned)i, 1};
        if (i % 5 == 0 || i == 0)
            ev[ne++] = (event){(unsigned)i, 2};
    }
    for (size_t i = ne; i > 1; i--) { /* interleave the cases' histories over the years */
        size_t j = (size_t)(rnd() % i);
        event t = ev[i - 1];
        ev[i - 1] = ev[j];
        ev[j] = t;
    }
    g.step = (long)(5L * 365 * 86400 / (long)(ne + (size_t)cases + 1));
    if (g.step < 2)
        g.step = 2;
    char (*ids)[33] = calloc((size_t)cases, sizeof *ids);
    g.contact = calloc((size_t)cases, sizeof *g.contact);
    for (int i = 0; i < cases; i++) {
        char idbuf[16], child[120], context[300];
        baton_oid_hex commit;
        snprintf(idbuf, sizeof idbuf, "c%07d", i);
        snprintf(child, sizeof child, "%s %s", b.first[pick((unsigned)b.nfirst)], b.last[pick((unsigned)b.nlast)]);
        snprintf(context, sizeof context, "school:%s:%u.%c:%s", b.schools[pick((unsigned)b.nschools)], pick(10),
                 "ABC"[pick(3)], b.municipality);
        char born[11];
        baton_date_from_time(born, 1262304000 + (time_t)pick(3000) * 86400);
        g.contact[i] = someone_index(&g);
        baton_case_new_options co = {child, born, NULL, context, g.staff[g.contact[i]].id, idbuf};
        tick(&g);
        /* the coordinator opens the case */
        if (baton_case_create(g.sessions[0], &co, NULL, ids[i], commit))
            return fail("case create");
        g.writes++;
        /* every case gets a guardian and a first plan text right away */
        first_plan fp = {&g, &b, lang};
        if (baton_case_update(author(&g, (unsigned)i), ids[i], NULL, "add guardian g1", NULL, add_guardian, &fp, commit))
            return fail("case update");
        g.writes++;
        if (bulk && g.writes % 20000 == 0 && baton_store_bulk_flush(g.store))
            return fail("bulk flush");
    }
    for (size_t i = 0; i < ne; i++) {
        const char *id = ids[ev[i].c];
        int rc = ev[i].what == 0 ? change_case(&g, ev[i].c, id, pick(10) == 0 ? 1 : pick(12) == 0 ? 2 : 0)
                 : ev[i].what == 1 ? journal(&g, ev[i].c, id)
                                   : handover(&g, ev[i].c, id);
        if (rc)
            return rc;
        if (bulk && g.writes % 20000 == 0 && baton_store_bulk_flush(g.store))
            return fail("bulk flush");
    }
    if (bulk && baton_store_bulk_end(g.store))
        return fail("bulk end");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    baton_oid_hex head;
    baton_store_head(g.store, head);
    /* the lexicon's commonest words, and words at ranks the search benchmark asks for by class */
    printf("{\"cases\": %d, \"commits\": %zu, \"staff\": %zu, \"seconds\": %.2f, \"head\": \"%s\", "
           "\"lexicon\": {\"words\": %zu, \"zipf_s\": %.2f, \"by_rank\": {",
           cases, g.writes, nstaff, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, head,
           lex.n, ZIPF_S);
    static const size_t ranks[] = {1, 2, 3, 4, 5, 6, 7, 8, 50, 60, 70, 80, 90, 100, 110, 120,
                                   3000, 3100, 3200, 3300, 3400, 3500, 3600, 3700};
    for (size_t i = 0; i < sizeof ranks / sizeof *ranks && ranks[i] <= lex.n; i++)
        printf("%s\"%zu\": \"%s\"", i ? ", " : "", ranks[i], lex.words[ranks[i] - 1]);
    printf("}}}\n");
    lexicon_free();
    for (size_t i = 0; i < g.nstaff; i++)
        baton_session_free(g.sessions[i]);
    free(g.sessions);
    free(g.contact);
    baton_store_free(g.store);
    free(g.staff);
    free(versions);
    free(entries);
    free(ev);
    free(ids);
    return 0;
}
