/* baton-bench: times libbaton's operations in-process on a fixture store (tools/gen-fixture), many
 * runs each, and prints one JSON object per operation with the median and the 95th percentile in
 * milliseconds. Process start-up is left out on purpose: it is the same for every command and
 * says nothing about how the store scales. tools/bench runs this beside the baselines. */
#include <baton/baton.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *op, double *ms, int n, const char *extra)
{
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    double median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
    double p95 = ms[(int)((n - 1) * 0.95 + 0.5)];
    printf("{\"op\": \"%s\", \"runs\": %d, \"median_ms\": %.3f, \"p95_ms\": %.3f%s%s}\n", op, n, median, p95,
           extra ? ", " : "", extra ? extra : "");
    fflush(stdout);
}

static int fail(const char *what)
{
    fprintf(stderr, "baton-bench: %s: %s\n", what, baton_error_last());
    return 1;
}

static unsigned long long rng = 12345;
static unsigned pick(unsigned n)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rng >> 33) % n);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: baton-bench STORE OP [RUNS] [ARG]\n"
                        "  OP: save show log diff search history packet due export import briefing reindex size\n");
        return 2;
    }
    const char *path = argv[1], *op = argv[2];
    int runs = argc > 3 ? atoi(argv[3]) : 30;
    const char *arg = argc > 4 ? argv[4] : NULL;
    baton_store *store;
    baton_session *s;
    /* every operation runs as the fixture's coordinator, through a session: the access check and
     * the access log's entry are part of what a user waits for */
    baton_session_options so = {"s0000", "benchmark", NULL, "bench"};
    if (baton_store_open(&store, path))
        return fail("open");
    if (baton_session_open(&s, store, &so))
        return fail("session s0000");
    double *ms = calloc((size_t)runs + 1, sizeof *ms);
    json_t *cases = NULL;
    int ncases = 0;
    if (strcmp(op, "save") == 0 || strcmp(op, "show") == 0) {
        struct stat st;
        char idx[4200];
        snprintf(idx, sizeof idx, "%s/index.db", path);
        (void)st;
        /* the fixture's case ids are c0000000, c0000001, ... */
        json_t *staff;
        baton_staff_list(store, &staff);
        json_decref(staff);
        for (ncases = 0;; ncases += 1000) {
            char id[16], cpath[128];
            baton_oid_hex blob;
            snprintf(id, sizeof id, "c%07d", ncases);
            baton_case_path(id, cpath, sizeof cpath);
            if (baton_store_entry_id(store, NULL, cpath, blob))
                break;
        }
        while (ncases > 0) {
            char id[16], cpath[128];
            baton_oid_hex blob;
            snprintf(id, sizeof id, "c%07d", ncases - 1);
            baton_case_path(id, cpath, sizeof cpath);
            if (baton_store_entry_id(store, NULL, cpath, blob) == 0)
                break;
            ncases--;
        }
        baton_error_clear();
    }
    if (strcmp(op, "save") == 0) {
        /* edit + commit (fsync on) + index catch-up, as a save from the command line does */
        baton_index *idx;
        if (baton_index_open(&idx, store, NULL, NULL))
            return fail("index");
        baton_index_free(idx);
        for (int r = 0; r < runs; r++) {
            char id[16], text[120];
            json_t *old, *doc;
            baton_oid_hex version, commit;
            snprintf(id, sizeof id, "c%07u", pick((unsigned)ncases));
            /* a text no earlier run wrote, so every save really writes */
            snprintf(text, sizeof text, "Måling %d.%ld: korte beskeder virker bedst efter frikvarteret.", r,
                     (long)time(NULL));
            double t0 = now_ms();
            if (baton_case_load(s, NULL, id, &old, version))
                return fail("load");
            doc = json_deep_copy(old);
            json_object_set_new(json_object_get(doc, "plan"), "works_well", json_string(text));
            if (baton_case_save(s, old, doc, version, "set plan.works_well", NULL, commit))
                return fail("save");
            if (baton_index_open(&idx, store, NULL, NULL))
                return fail("index");
            baton_index_free(idx);
            ms[r] = now_ms() - t0;
            json_decref(old);
            json_decref(doc);
        }
        char extra[64];
        snprintf(extra, sizeof extra, "\"cases\": %d", ncases);
        report("save", ms, runs, extra);
    } else if (strcmp(op, "show") == 0) {
        for (int r = 0; r < runs; r++) {
            char id[16];
            json_t *doc;
            snprintf(id, sizeof id, "c%07u", pick((unsigned)ncases));
            double t0 = now_ms();
            if (baton_case_load(s, NULL, id, &doc, NULL))
                return fail("load");
            char *text = baton_record_dump(doc);
            ms[r] = now_ms() - t0;
            free(text);
            json_decref(doc);
        }
        report("case show", ms, runs, NULL);
    } else if (strcmp(op, "log") == 0 || strcmp(op, "diff") == 0) {
        const char *id = arg ? arg : "c0000000";
        size_t versions = 0;
        for (int r = 0; r < runs; r++) {
            baton_case_version *v;
            size_t n;
            double t0 = now_ms();
            if (strcmp(op, "diff") == 0) {
                baton_diff d;
                baton_oid_hex from, to;
                if (baton_case_diff(s, id, NULL, NULL, &d, from, to))
                    return fail("diff");
                baton_diff_free(&d);
                v = NULL;
                n = 0;
            } else if (baton_case_log(s, NULL, id, &v, &n)) {
                return fail("log");
            }
            ms[r] = now_ms() - t0;
            versions = n;
            baton_case_log_free(v, n);
        }
        char extra[64];
        snprintf(extra, sizeof extra, "\"versions\": %zu", versions);
        report(strcmp(op, "log") == 0 ? "case log" : "case diff", ms, runs, extra);
    } else if (strcmp(op, "search") == 0 || strcmp(op, "history") == 0) {
        /* ARG is the query class (rare, common, phrase, ...), the queries follow it; without them,
         * the phrase bank's words the baselines run (tools/bench) */
        static const char *const da[] = {"overgang", "rutiner", "billedskema", "skolevægring", "samarbejde",
                                         "høretelefoner", "lektiecaféen", "venskaber"};
        static const char *const sv[] = {"övergång", "rutiner", "bildschemat", "skolfrånvaro", "samarbete",
                                         "hörselkåpor", "fritidshemmet", "vänskaper"};
        const char *const *q = strcmp(baton_store_language(store), "sv") == 0 ? sv : da;
        int nq = 8;
        if (argc > 5) {
            q = (const char *const *)argv + 5;
            nq = argc - 5;
        }
        baton_index *idx;
        if (baton_index_open(&idx, store, NULL, NULL))
            return fail("index");
        baton_search_options o = {0};
        o.history = strcmp(op, "history") == 0;
        o.limit = 20;
        size_t total = 0;
        for (int r = 0; r < runs; r++) {
            baton_search_hit *hits;
            size_t n;
            double t0 = now_ms();
            if (baton_search(s, idx, q[r % nq], &o, &hits, &n))
                return fail("search");
            ms[r] = now_ms() - t0;
            total += n;
            baton_search_hits_free(hits, n);
        }
        baton_index_stats st;
        baton_index_stats_get(idx, &st);
        baton_index_free(idx);
        char extra[96], name[96];
        snprintf(extra, sizeof extra, "\"versions\": %zu, \"hits\": %zu", st.versions, total);
        snprintf(name, sizeof name, "%s%s%s%s", o.history ? "search --history" : "search", arg ? " (" : "",
                 arg ? arg : "", arg ? ")" : "");
        report(name, ms, runs, extra);
    } else if (strcmp(op, "packet") == 0) {
        const char *id = arg ? arg : "c0000000";
        for (int r = 0; r < runs; r++) {
            char *out;
            size_t len;
            double t0 = now_ms();
            if (baton_packet(s, id, 0, BATON_FORMAT_HTML, &out, &len))
                return fail("packet");
            ms[r] = now_ms() - t0;
            free(out);
        }
        report("packet render", ms, runs, NULL);
    } else if (strcmp(op, "due") == 0) {
        for (int r = 0; r < runs; r++) {
            json_t *items;
            baton_due_options o = {"2026-01-01", arg};
            double t0 = now_ms();
            if (baton_due_list(s, &o, &items))
                return fail("due");
            ms[r] = now_ms() - t0;
            json_decref(items);
        }
        report(arg ? "due (one person)" : "due (all cases)", ms, runs, NULL);
    } else if (strcmp(op, "export") == 0) {
        /* arg: FILE to write; the case and handover are prepared by tools/bench */
        int number = atoi(argc > 5 ? argv[5] : "0");
        for (int r = 0; r < runs; r++) {
            baton_oid_hex commit;
            double t0 = now_ms();
            if (baton_transfer_export(s, "c0000000", number, arg, NULL, commit))
                return fail("export");
            ms[r] = now_ms() - t0;
        }
        report("transfer export", ms, runs, NULL);
    } else if (strcmp(op, "import") == 0) {
        /* STORE is a receiver template; arg the file; each run imports into a fresh copy */
        for (int r = 0; r < runs; r++) {
            char dir[4200], cmd[9000];
            snprintf(dir, sizeof dir, "%s-run%d", path, r);
            snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -a '%s' '%s'", dir, path, dir);
            if (system(cmd) != 0)
                return fail("copy receiver");
            baton_store *rs;
            baton_session *rss;
            json_t *report_j;
            baton_oid_hex commit;
            if (baton_store_open(&rs, dir) || baton_session_open(&rss, rs, &so))
                return fail("receiver");
            double t0 = now_ms();
            if (baton_transfer_import(rss, arg, NULL, 0, &report_j, commit))
                return fail("import");
            ms[r] = now_ms() - t0;
            json_decref(report_j);
            baton_session_free(rss);
            baton_store_free(rs);
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
            if (system(cmd) != 0)
                return fail("clean");
        }
        report("transfer import", ms, runs, NULL);
    } else if (strcmp(op, "briefing") == 0) {
        baton_class c;
        json_t *probe;
        if (baton_class_parse(arg ? arg : "Benchskolen:1.A", &c))
            return fail("class");
        baton_class_cases(s, &c, &probe);
        size_t children = json_array_size(probe);
        json_decref(probe);
        for (int r = 0; r < runs; r++) {
            json_t *model;
            char *out;
            size_t len;
            double t0 = now_ms();
            if (baton_briefing_model(s, &c, NULL, &model) ||
                baton_briefing_render(model, BATON_FORMAT_HTML, baton_store_language(store), &out, &len))
                return fail("briefing");
            ms[r] = now_ms() - t0;
            free(out);
            json_decref(model);
        }
        char extra[64];
        snprintf(extra, sizeof extra, "\"children\": %zu", children);
        report("briefing (class)", ms, runs, extra);
    } else if (strcmp(op, "reindex") == 0) {
        for (int r = 0; r < runs; r++) {
            double t0 = now_ms();
            if (baton_index_rebuild(store, NULL, NULL))
                return fail("reindex");
            ms[r] = now_ms() - t0;
        }
        baton_index *idx;
        baton_index_stats st;
        baton_index_open(&idx, store, NULL, NULL);
        baton_index_stats_get(idx, &st);
        baton_index_free(idx);
        char extra[128];
        qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
        snprintf(extra, sizeof extra, "\"versions\": %zu, \"versions_per_s\": %.0f", st.versions,
                 (double)st.versions / (ms[runs / 2] / 1e3));
        report("reindex", ms, runs, extra);
    } else if (strcmp(op, "size") == 0) {
        /* index.db (with its WAL, checkpointed on close) against the distinct text it covers */
        baton_index *idx;
        size_t text = 0;
        if (baton_index_open(&idx, store, NULL, NULL) || baton_index_text_bytes(idx, &text))
            return fail("size");
        baton_index_free(idx);
        long long bytes = 0;
        const char *parts[] = {"index.db", "index.db-wal"};
        for (size_t i = 0; i < 2; i++) {
            char f[4200];
            struct stat sb;
            snprintf(f, sizeof f, "%s/%s", path, parts[i]);
            if (stat(f, &sb) == 0)
                bytes += (long long)sb.st_size;
        }
        printf("{\"op\": \"size\", \"index_bytes\": %lld, \"distinct_text_bytes\": %zu, \"ratio\": %.2f}\n", bytes,
               text, text ? (double)bytes / (double)text : 0.0);
    } else {
        fprintf(stderr, "baton-bench: unknown OP %s\n", op);
        return 2;
    }
    free(ms);
    json_decref(cases);
    baton_session_free(s);
    baton_store_free(store);
    return 0;
}
