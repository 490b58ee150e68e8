/* libFuzzer target: search-query handling. Any query text is either answered or refused as a
 * malformed query; the index behind it is a small store made once. */
#include "fuzz_scratch.h"

#include <stdint.h>

static baton_store *store;
static baton_session *as;
static baton_index *idx;

static void cleanup(void)
{
    baton_index_free(idx);
    baton_session_free(as);
    baton_store_free(store);
}

static void setup(void)
{
    baton_oid_hex commit;
    char id[33];
    store = fuzz_store(&as);
    atexit(cleanup);
    baton_case_new_options co = {"Fuzz Barn", "2017-01-01", NULL, "school:Fuzzskolen:2.B", "f", NULL};
    if (baton_case_create(as, &co, NULL, id, commit))
        abort();
    json_t *old, *doc;
    baton_oid_hex version;
    baton_case_load(as, NULL, id, &old, version);
    doc = json_deep_copy(old);
    json_object_set_new(json_object_get(doc, "plan"), "strengths", json_string("Overgangen mellem timerne er svær; skolevægring om mandagen."));
    baton_case_save(as, old, doc, version, "set plan.strengths", NULL, commit);
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
        int rc = baton_search(as, idx, q, &o, &hits, &n);
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
