/* baton case log and baton case diff: how a plan came to be, version by version. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char log_usage[] = "baton case log ID [--json]";

static json_t *version_json(const baton_case_version *v)
{
    char when[21];
    baton_datetime_format(when, v->when);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:O, s:s?}", "revision", v->commit, "version", v->version,
                     "date", when, "author", v->author_name, "staff", v->staff, "change", v->subject, "reason",
                     v->reason, "fields", v->fields, "invalid", v->problem);
}

int cmd_case_log(int argc, char **argv)
{
    cli_common c = {0};
    int done = cli_parse_common(argc, argv, log_usage,
                                "usage: baton case log ID [--json]\n\n"
                                "Lists the versions of a case, newest first: revision, date (UTC), author,\n"
                                "what changed and why, and which fields.\n",
                                1, &c);
    if (done >= 0)
        return done;
    baton_store *store;
    baton_session *s;
    baton_case_version *v;
    size_t n;
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    rc = baton_case_log(s, NULL, argv[optind], &v, &n);
    cli_close(store, s);
    cli_page_output();
    if (rc)
        return cli_fail(rc);
    if (c.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, version_json(&v[i]));
        cli_print_json(arr);
        json_decref(arr);
    } else {
        for (size_t i = 0; i < n; i++) {
            char when[21];
            baton_datetime_format(when, v[i].when);
            printf("%.12s  %.16s  %s (%s)  %s\n", v[i].commit, when, v[i].author_name, v[i].staff, v[i].subject);
            if (v[i].reason)
                printf("    %s: %s\n", _("why"), v[i].reason);
            if (v[i].problem) {
                printf("    %s: %s\n", _("invalid record, not written by Baton"), v[i].problem);
                continue;
            }
            size_t j;
            json_t *f;
            if (json_array_size(v[i].fields) == 0) {
                printf("    %s\n", _("(first version)"));
                continue;
            }
            printf("    %s:", _("fields"));
            json_array_foreach(v[i].fields, j, f) printf("%s %s", j ? "," : "", json_string_value(f));
            printf("\n");
        }
    }
    baton_case_log_free(v, n);
    return EXIT_OK;
}

static const char diff_usage[] = "baton case diff ID [REV1 [REV2]] [--json]";
static const char diff_help[] =
    N_("usage: baton case diff ID [REV1 [REV2]] [--json]\n\n"
    "Field-level differences of a case between two versions. Long texts show the changed words:\n"
    "[-removed-]{+added+} (in colour on a terminal).\n"
    "  no REV       the latest change (the newest version against the one before)\n"
    "  REV1         from REV1 to now\n"
    "  REV1 REV2    from REV1 to REV2\n"
    "A REV is a revision from 'case log' or a date (YYYY-MM-DD, the end of that day, UTC).\n");

static int long_text(const char *a, const char *b)
{
    return (a && strlen(a) > 60) || (b && strlen(b) > 60);
}

/* A marked span of a word diff: coloured on a terminal (past the output guard), bracketed elsewhere. */
static void marked(const char *text, int color, const char *on, const char *plain_on, const char *plain_off)
{
    if (color)
        cli_style(on);
    else
        fputs(plain_on, stdout);
    fputs(text, stdout);
    if (color)
        cli_style("\033[0m");
    else
        fputs(plain_off, stdout);
}

static void print_item(const baton_diff_item *it, int color)
{
    switch (it->op) {
    case BATON_DIFF_ADDED:
        printf("%s: %s\n  + %s\n", it->path, _("added"), it->new_value);
        return;
    case BATON_DIFF_REMOVED:
        printf("%s: %s\n  - %s\n", it->path, _("removed"), it->old_value);
        return;
    case BATON_DIFF_CHANGED:
        break;
    }
    printf("%s: %s\n", it->path, _("changed"));
    if (!long_text(it->old_value, it->new_value)) {
        printf("  - %s\n  + %s\n", it->old_value, it->new_value);
        return;
    }
    baton_word_span *spans;
    int n = baton_diff_words(it->old_value, it->new_value, &spans);
    fputs("  ", stdout);
    for (int i = 0; i < n; i++) {
        if (spans[i].op == BATON_WORD_SAME)
            fputs(spans[i].text, stdout);
        else if (spans[i].op == BATON_WORD_DELETED)
            marked(spans[i].text, color, "\033[31m", "[-", "-]");
        else
            marked(spans[i].text, color, "\033[32m", "{+", "+}");
    }
    fputc('\n', stdout);
    if (n > 0)
        baton_word_spans_free(spans, n);
}

int cmd_case_diff(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    cli_common c = {0};
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (!cli_common_option(&c, opt, optarg))
            return cli_bad_option(diff_usage, argv);
    if (c.help)
        return cli_help(diff_help);
    int nargs = argc - optind;
    if (nargs < 1 || nargs > 3)
        return cli_usage_error(diff_usage, "expected ID and up to two revisions");
    const char *id = argv[optind];
    baton_store *store;
    baton_session *s;
    baton_oid_hex from = "", to = "";
    baton_diff d = {0};
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    if ((rc = baton_case_diff(s, id, nargs > 1 ? argv[optind + 1] : NULL, nargs > 2 ? argv[optind + 2] : NULL, &d,
                              from, to)))
        goto out;
    if (c.json) {
        json_t *arr = json_array();
        static const char *const ops[] = {"added", "removed", "changed"};
        for (size_t i = 0; i < d.count; i++)
            json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s?}", "field", d.items[i].path, "op",
                                                 ops[d.items[i].op], "old", d.items[i].old_value, "new",
                                                 d.items[i].new_value));
        json_t *out = json_pack("{s:s, s:s?, s:s, s:o}", "case", id, "from", from[0] ? from : NULL, "to", to,
                                "changes", arr);
        cli_print_json(out);
        json_decref(out);
    } else {
        printf("%s %s: %.12s -> %.12s\n", _("case"), id, from[0] ? from : _("(created)"), to);
        int color = cli_tty();
        for (size_t i = 0; i < d.count; i++)
            print_item(&d.items[i], color);
        if (d.count == 0)
            printf("%s\n", _("no differences"));
    }
out:
    baton_diff_free(&d);
    cli_close(store, s);
    cli_page_output();
    return rc ? cli_fail(rc) : EXIT_OK;
}
