/* baton reindex and baton fsck: the derived index is rebuilt from git, and checked against it. */
#include "cli.h"

#include <unistd.h>

static void progress_bar(size_t done, size_t total, void *ctx)
{
    (void)ctx;
    int width = 40, filled = total ? (int)(done * (size_t)width / total) : width;
    fprintf(stderr, "\rindexing [%.*s%*s] %zu/%zu commits", filled, "########################################",
            width - filled, "", done, total);
    if (done == total)
        fputc('\n', stderr);
}

int cmd_reindex(int argc, char **argv)
{
    cli_common c = {0};
    int done = cli_parse_common(argc, argv, "baton reindex",
                                "usage: baton reindex\n\nDeletes the search index (index.db) and builds it again "
                                "from git.\nThe index is derived: this is always safe.\n",
                                0, &c);
    if (done >= 0)
        return done;
    baton_store *store;
    int rc = cli_open_store(&c, &store);
    if (rc)
        return cli_fail(rc);
    rc = baton_index_rebuild(store, isatty(STDERR_FILENO) ? progress_bar : NULL, NULL);
    baton_index *idx = NULL;
    baton_index_stats st;
    if (rc == 0 && (rc = baton_index_open(&idx, store, NULL, NULL)) == 0 && (rc = baton_index_stats_get(idx, &st)) == 0)
        printf("indexed %zu versions of %zu records: %zu distinct texts, %zu spans\n", st.versions, st.records,
               st.texts, st.spans);
    baton_index_free(idx);
    baton_store_free(store);
    return rc ? cli_fail(rc) : EXIT_OK;
}

int cmd_fsck(int argc, char **argv)
{
    cli_common c = {0};
    int done = cli_parse_common(argc, argv, "baton fsck",
                                "usage: baton fsck\n\nReads every git object reachable from the head (each is "
                                "checked against\nits hash) and compares the search index with one built afresh "
                                "from git.\n",
                                0, &c);
    if (done >= 0)
        return done;
    baton_store *store;
    int rc = cli_open_store(&c, &store);
    if (rc)
        return cli_fail(rc);
    rc = baton_index_verify(store);
    baton_store_free(store);
    if (rc)
        return cli_fail(rc);
    printf("ok: git objects intact, index agrees with git\n");
    return EXIT_OK;
}
