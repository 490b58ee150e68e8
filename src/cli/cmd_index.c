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
        printf(_("indexed %zu versions of %zu records: %zu distinct texts, %zu spans\n"), st.versions, st.records,
               st.texts, st.spans);
    baton_index_free(idx);
    baton_store_free(store);
    return rc ? cli_fail(rc) : EXIT_OK;
}

static const char fsck_help[] =
    N_("usage: baton fsck [--json]\n\n"
    "Checks the store against Baton's rules, not only git's bytes, and lists every finding as\n"
    "RULE: PATH at COMMIT: what is wrong. Exit 0 when there is none, 1 otherwise.\n"
    "  object            a git object reachable from the head is missing or damaged\n"
    "  record            a record breaks its schema, or is not where its ids say\n"
    "  canonical         a record is not in canonical form\n"
    "  unknown-file      a file Baton never writes\n"
    "  append-only       a journal entry changed or removed, a handover removed or rewritten,\n"
    "                    a case, staff or trust record removed, a read-only field changed\n"
    "  contact-handover  the contact person changed without a handover to them\n"
    "  unknown-staff     a record names someone the staff directory did not hold\n"
    "  author            a commit not authored by the staff member its trailer names\n"
    "  trailer           Baton's commit trailers missing, malformed, repeated or unknown\n"
    "  merge             a merge commit (Baton never writes one)\n"
    "  permissions       the store directory or a file in it is open to other users\n"
    "  audit             the access log damaged, its chain broken, or not what its git anchors say\n"
    "  audit-commit      an access-log entry names a commit no longer in the history\n"
    "  index             the search index differs from git (run 'baton reindex')\n");

int cmd_fsck(int argc, char **argv)
{
    cli_common c = {0};
    int done = cli_parse_common(argc, argv, "baton fsck [--json]", fsck_help, 0, &c);
    if (done >= 0)
        return done;
    baton_store *store;
    baton_session *s;
    json_t *findings;
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    /* what reading skips is what fsck reports: once, as findings */
    baton_store_on_warning(store, NULL, NULL);
    rc = baton_fsck(s, &findings);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    size_t n = json_array_size(findings), i;
    json_t *x;
    if (c.json) {
        cli_print_json(findings);
    } else {
        json_array_foreach(findings, i, x) {
            const char *path = json_string_value(json_object_get(x, "path"));
            const char *commit = json_string_value(json_object_get(x, "commit"));
            printf("%s: %s%s%s%.12s: %s\n", json_string_value(json_object_get(x, "rule")), path ? path : "",
                   path && commit ? " " : "", commit ? "at " : "", commit ? commit : "",
                   json_string_value(json_object_get(x, "message")));
        }
        if (n == 0)
            printf(_("ok: every object intact, every commit and record by Baton's rules, the index agrees with git\n"));
    }
    json_decref(findings);
    if (n) {
        fprintf(stderr, "baton: fsck: %zu problem%s found\n", n, n == 1 ? "" : "s");
        return EXIT_ERR;
    }
    return EXIT_OK;
}
