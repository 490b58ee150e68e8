/* baton search: full text over the current plans, or with --history over every version, each
 * hit with the case, the field, who wrote the text and when it first (and last) appeared. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] = "baton search QUERY [--history] [--case ID] [--field PATH] [--contact STAFF] "
                            "[--status S] [--since DATE] [--until DATE] [--limit N] [--json]";
static const char help[] =
    N_("usage: baton search QUERY [--history] [--case ID] [--field PATH] [--contact STAFF]\n"
    "                    [--status active|closed|transferred] [--since DATE] [--until DATE]\n"
    "                    [--limit N] [--json]\n\n"
    "Searches the current plans of active cases. Words are matched in all their forms\n"
    "(overgang finds overgangen and overgange). QUERY is FTS5 syntax: words (all must match),\n"
    "OR, NOT, \"a phrase\", prefix*.\n"
    "  --history      every version ever saved: each hit says when the text first and last\n"
    "                 appeared, and in which revisions\n"
    "  --field PATH   only this field or its parts: plan.works_well, plan.measures\n"
    "  --since/--until DATE   only texts present at some time in that range\n"
    "  --limit N      at most N hits (default 20), best first (bm25); newest first when a\n"
    "                 word of the query is in more than 500 texts\n");

static void print_snippet(const char *s, int tty)
{
    for (const char *p = s; *p; p++) {
        if (*p == '\001')
            tty ? cli_style("\033[1m") : (void)fputs("[", stdout);
        else if (*p == '\002')
            tty ? cli_style("\033[0m") : (void)fputs("]", stdout);
        else if (*p == '\n')
            fputs(" / ", stdout);
        else
            fputc(*p, stdout);
    }
}

static char *plain_snippet(const char *s)
{
    char *out = malloc(strlen(s) * 2 + 1), *o = out;
    for (const char *p = s; out && *p; p++)
        *o++ = *p == '\001' ? '[' : *p == '\002' ? ']' : *p;
    if (out)
        *o = '\0';
    return out;
}

static int parse_date_opt(const char *opt, const char *arg, time_t *out)
{
    int date_only;
    if (baton_datetime_parse(arg, out, &date_only))
        return baton_error_prefix(BATON_EINVALID, opt);
    return 0;
}

int cmd_search(int argc, char **argv)
{
    enum { O_HISTORY = 1, O_CASE, O_FIELD, O_CONTACT, O_STATUS, O_SINCE, O_UNTIL, O_LIMIT };
    static const struct option opts[] = {{"history", no_argument, NULL, O_HISTORY},
                                         {"case", required_argument, NULL, O_CASE},
                                         {"field", required_argument, NULL, O_FIELD},
                                         {"contact", required_argument, NULL, O_CONTACT},
                                         {"status", required_argument, NULL, O_STATUS},
                                         {"since", required_argument, NULL, O_SINCE},
                                         {"until", required_argument, NULL, O_UNTIL},
                                         {"limit", required_argument, NULL, O_LIMIT},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    baton_search_options so = {0};
    int opt, rc = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        switch (opt) {
        case O_HISTORY: so.history = 1; break;
        case O_CASE: so.case_id = optarg; break;
        case O_FIELD: so.field = optarg; break;
        case O_CONTACT: so.contact = optarg; break;
        case O_STATUS: so.status = optarg; break;
        case O_SINCE: rc = rc ? rc : parse_date_opt("--since: ", optarg, &so.since); break;
        case O_UNTIL: rc = rc ? rc : parse_date_opt("--until: ", optarg, &so.until); break;
        case O_LIMIT: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 10000)
                rc = rc ? rc : baton_error_set(BATON_EINVALID, "--limit: '%s' is not a number from 1 to 10000", optarg);
            so.limit = (int)v;
            break;
        }
        default: return cli_bad_option(usage, argv);
        }
    }
    if (c.help)
        return cli_help(help);
    if (rc)
        return cli_fail(rc);
    if (argc - optind != 1)
        return cli_usage_error(usage, "expected one QUERY (quote it if it has spaces)");
    if (so.status && strcmp(so.status, "active") && strcmp(so.status, "closed") && strcmp(so.status, "transferred"))
        return cli_fail(baton_error_set(BATON_EINVALID, "--status: '%s' is not one of active|closed|transferred", so.status));
    /* journal texts are named journal[j3].text: the journal is not a field of the case record */
    if (so.field && strncmp(so.field, "journal", 7) != 0 && strncmp(so.field, "handover", 8) != 0) {
        const baton_field *f;
        json_t *v;
        if (baton_record_path_lookup(NULL, BATON_RECORD_CASE, so.field, &f, &v) == BATON_EINVALID)
            return cli_fail(baton_error_prefix(BATON_EINVALID, "--field: "));
    }
    const char *query = argv[optind];
    if (!baton_utf8_valid(query, strlen(query)))
        return cli_fail(baton_error_set(BATON_EINVALID, "QUERY: not valid UTF-8"));
    baton_store *store;
    baton_session *s;
    baton_index *idx = NULL;
    baton_search_hit *hits = NULL;
    size_t n = 0;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    if (so.contact) {
        json_t *rec;
        if ((rc = baton_staff_get(store, NULL, so.contact, &rec)) == 0)
            json_decref(rec);
        else
            baton_error_prefix(rc, "--contact: ");
    }
    if (rc == 0)
        rc = baton_index_open(&idx, store, NULL, NULL);
    if (rc == 0)
        rc = baton_search(s, idx, query, &so, &hits, &n);
    if (rc == 0 && c.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            char first[21], last[21];
            baton_datetime_format(first, hits[i].first_time);
            baton_datetime_format(last, hits[i].last_time);
            char *snip = plain_snippet(hits[i].snippet);
            json_array_append_new(
                arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:{s:s, s:s, s:s}, s:o}", "case", hits[i].case_id,
                               "child", hits[i].child, "kind", hits[i].kind, "field", hits[i].field, "snippet",
                               snip ? snip : "", "rank", hits[i].rank, "first", "revision", hits[i].first_commit,
                               "date", first, "author", hits[i].first_author, "last",
                               hits[i].last_commit[0] ? json_pack("{s:s, s:s}", "revision", hits[i].last_commit,
                                                                  "date", last)
                                                      : json_null()));
            free(snip);
        }
        cli_print_json(arr);
        json_decref(arr);
    } else if (rc == 0) {
        int tty = cli_tty();
        for (size_t i = 0; i < n; i++) {
            char first[21], last[21];
            baton_datetime_format(first, hits[i].first_time);
            baton_datetime_format(last, hits[i].last_time);
            printf("%s  %s  %s\n", hits[i].case_id, hits[i].child, hits[i].field);
            printf("    %.12s %.10s %s", hits[i].first_commit, first, hits[i].first_author);
            if (so.history)
                printf("  %s %.10s (%.12s)", _("first seen"), first, hits[i].first_commit);
            if (so.history && hits[i].last_commit[0])
                printf(", %s %.10s (%.12s)", _("last seen"), last, hits[i].last_commit);
            else if (so.history)
                printf(", %s", _("still there"));
            printf("\n    ");
            print_snippet(hits[i].snippet, tty);
            printf("\n");
        }
        if (n == 0)
            fprintf(stderr, "baton: no hits\n");
    }
    baton_search_hits_free(hits, n);
    baton_index_free(idx);
    cli_close(store, s);
    cli_page_output();
    return rc ? cli_fail(rc) : EXIT_OK;
}
