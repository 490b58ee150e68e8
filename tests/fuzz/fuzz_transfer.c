/* libFuzzer target: transfer-file verify and import against a receiving store made once. Every
 * input must be refused or accepted cleanly; a refused import must leave the head where it was.
 * An input that starts with '{' is a payload: the harness seals it with the store's own (trusted)
 * key, so that mutations reach the structure, bounds, validation and import behind the checksum
 * and signature; any other input is taken as the file's bytes. */
#include "fuzz_scratch.h"

#include <git2.h>
#include <stdint.h>

static baton_store *store;
static baton_session *as;
static char file[512];

static void cleanup(void)
{
    baton_session_free(as);
    baton_store_free(store);
}

static void setup(void)
{
    char pk[BATON_PUBLIC_KEY_B64], fp[BATON_FINGERPRINT_HEX];
    baton_oid_hex commit;
    store = fuzz_store(&as);
    atexit(cleanup);
    snprintf(file, sizeof file, "%s/in.btx", fuzz_scratch());
    if (baton_key_generate(as, NULL, commit) || baton_key_public(store, pk, fp) ||
        baton_key_trust(as, pk, "Fuzzkommune", commit))
        abort();
    /* a throwaway store: imports that land need not wait for the disk */
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!store)
        setup();
    unsigned char *sealed = NULL;
    size_t len = size;
    char sha[65];
    if (size > 0 && data[0] == '{') {
        if (baton_transfer_seal(store, (const char *)data, size, &sealed, &len, sha))
            abort(); /* sealing any bytes must work */
    }
    FILE *f = fopen(file, "wb");
    if (!f) {
        free(sealed);
        return 0;
    }
    fwrite(sealed ? sealed : data, 1, len, f);
    fclose(f);
    free(sealed);
    json_t *report = NULL;
    baton_transfer_verify(store, file, &report);
    json_decref(report);
    report = NULL;
    baton_oid_hex before, after, commit;
    baton_store_head(store, before);
    if (baton_transfer_import(as, file, NULL, 0, &report, commit) != 0) {
        baton_store_head(store, after);
        if (strcmp(before, after) != 0)
            abort(); /* a refused import wrote something */
    }
    json_decref(report);
    return 0;
}
