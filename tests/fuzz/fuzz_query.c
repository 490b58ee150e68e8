/* libFuzzer target: search-query handling. Any query text is either answered or refused as a
 * malformed query; the index behind it is a small store made once. */
#include <baton/baton.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static baton_store *store;
static baton_index *idx;

static char dir_path[64];

static void cleanup(void)
{
    char cmd[128];
    baton_index_free(idx);
    baton_store_free(store);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir_path);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir_path);
}

static void setup(void)
{
    char tmpl[] = "/tmp/baton-fuzz.XXXXXX", path[512];
    char *dir = mkdtemp(tmpl);
    if (!dir)
        abort();
    snprintf(dir_path, sizeof dir_path, "%s", dir);
    atexit(cleanup);
    snprintf(path, sizeof path, "%s/s", dir);
    baton_init_options o = {"da", "Fuzzkommune", "fuzzstore"};
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "id", "f", "name", "F", "email", "f@fuzz.example", "role", "coordinator");
    baton_oid_hex commit;
    baton_identity as;
    char id[33];
    if (baton_store_init(path, &o) || baton_store_open(&store, path) || baton_staff_add(store, NULL, rec, NULL, commit) ||
        baton_identity_load(store, "f", &as))
        abort();
    json_decref(rec);
    baton_case_new_options co = {"Fuzz Barn", "2017-01-01", NULL, "school:Fuzzskolen:2.B", "f", NULL};
    if (baton_case_create(store, &as, &co, NULL, id, commit))
        abort();
    json_t *old, *doc;
    baton_oid_hex version;
    baton_case_load(store, NULL, id, &old, version);
    doc = json_deep_copy(old);
    json_object_set_new(json_object_get(doc, "plan"), "strengths", json_string("Overgangen mellem timerne er svær; skolevægring om mandagen."));
    baton_case_save(store, &as, old, doc, version, "set plan.strengths", NULL, commit);
    json_decref(old);
    json_decref(doc);
    if (baton_index_open(&idx, store, NULL, NULL))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store)
        setup();
    char *q = malloc(size + 1);
    memcpy(q, data, size);
    q[size] = '\0';
    if (strlen(q) == size && baton_utf8_valid(q, size)) {
        baton_search_options o = {0};
        baton_search_hit *hits;
        size_t n;
        o.history = size % 2;
        int rc = baton_search(idx, q, &o, &hits, &n);
        if (rc == 0)
            baton_search_hits_free(hits, n);
        else if (rc != BATON_EUSAGE) {
            /* a query is the user's text: refusing it is a usage error, never an index error */
            fprintf(stderr, "query refused as %d: %s\n", rc, baton_error_last());
            abort();
        }
    }
    free(q);
    return 0;
}
