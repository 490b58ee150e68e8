/* What the fuzz targets share: a scratch directory that goes away at exit, and a store in it with
 * one coordinator ("f"), made once per fuzzing process. Header-only: each target is one file. */
#ifndef BATON_FUZZ_SCRATCH_H
#define BATON_FUZZ_SCRATCH_H

#include <baton/baton.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir[64];

static inline void fuzz_scratch_remove(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", fuzz_dir);
}

/* The scratch directory, made on first use. Anything a target frees at exit it registers with
 * atexit after this, so it runs before the directory goes. */
static inline const char *fuzz_scratch(void)
{
    if (!fuzz_dir[0]) {
        char tmpl[] = "/tmp/baton-fuzz.XXXXXX";
        if (!mkdtemp(tmpl))
            abort();
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s", tmpl);
        atexit(fuzz_scratch_remove);
    }
    return fuzz_dir;
}

/* A new store at <scratch>/s with coordinator f, whose session goes to as. */
static inline baton_store *fuzz_store(baton_session **as)
{
    char path[512];
    baton_store *store;
    baton_oid_hex commit;
    snprintf(path, sizeof path, "%s/s", fuzz_scratch());
    baton_init_options o = {"da", "Fuzzkommune", "fuzzstore"};
    json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "id", "f", "name", "F", "email", "f@fuzz.example", "role", "coordinator");
    baton_session_options so = {"f", "fuzzing", NULL, "fuzz"};
    if (baton_store_init(path, &o) || baton_store_open(&store, path) || baton_staff_add_first(store, rec, NULL, commit) ||
        baton_session_open(as, store, &so))
        abort();
    json_decref(rec);
    return store;
}

#endif
