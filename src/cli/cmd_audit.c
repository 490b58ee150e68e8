/* baton audit: read the access log, check its chain, answer a family's access request, and purge
 * what is past the retention period (with a checkpoint, so the rest still verifies). */
#include "cli.h"

#include <stdlib.h>

#include <string.h>

static const char *s_of(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void print_entries(const json_t *list, int with_staff)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        printf("%-6lld %s  %-8s", (long long)json_integer_value(json_object_get(e, "seq")), s_of(e, "time"),
               s_of(e, "action"));
        if (with_staff && s_of(e, "staff"))
            printf("  %-12s", s_of(e, "staff"));
        if (s_of(e, "case"))
            printf("  %s %s", _("case"), s_of(e, "case"));
        if (s_of(e, "query"))
            printf("  \"%s\"", s_of(e, "query"));
        if (s_of(e, "purpose"))
            printf("  (%s)", s_of(e, "purpose"));
        printf("\n");
    }
}

/* The end of a command that lists entries: the error, or the entries as JSON or a table (or, when
 * there are none and it has one, the sentence that says so). */
static int show_entries(const cli_common *c, int rc, json_t *out, const char *none)
{
    if (rc)
        return cli_fail(rc);
    if (c->json)
        cli_print_json(out);
    else if (none && json_array_size(out) == 0)
        printf("%s\n", none);
    else
        print_entries(out, 1);
    json_decref(out);
    return EXIT_OK;
}

static int list(int argc, char **argv)
{
    enum { O_CASE = 1, O_STAFF, O_SINCE };
    static const struct option opts[] = {{"case", required_argument, NULL, O_CASE},
                                         {"staff", required_argument, NULL, O_STAFF},
                                         {"since", required_argument, NULL, O_SINCE},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton audit list [--case ID] [--staff S] [--since DATE] [--json]";
    cli_common c = {0};
    const char *case_id = NULL, *staff = NULL, *since = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_CASE)
            case_id = optarg;
        else if (opt == O_STAFF)
            staff = optarg;
        else if (opt == O_SINCE)
            since = optarg;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton audit list [--case ID] [--staff S] [--since DATE] [--json]\n\n"
                        "The access log: every read, search, change, export and import, oldest first,\n"
                        "with the time, the staff member, the case (or the search terms) and the purpose.\n"
                        "Reading the log is itself logged.\n");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    baton_store *store;
    baton_session *s;
    json_t *out = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_audit_list(s, case_id, staff, since, &out);
    cli_close(store, s);
    cli_page_output();
    return show_entries(&c, rc, out, NULL);
}

static int verify(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton audit verify",
                              "usage: baton audit verify\n\n"
                              "Checks the access log's hash chain, and the chain against its anchors in git\n"
                              "(the Baton-Audit trailer of every commit, refs/baton/audit): an entry removed,\n"
                              "changed or put out of order, a chain recomputed after rows were deleted, or a\n"
                              "checkpoint no purge made is reported, and the exit code is 1.\n",
                              0, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    baton_session *s;
    json_t *report = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_audit_verify(s, &report);
    cli_close(store, s);
    if (rc == 0)
        printf(_("ok: %lld entries, the chain is whole and matches its %lld anchors in git\n"),
               (long long)json_integer_value(json_object_get(report, "entries")),
               (long long)json_integer_value(json_object_get(report, "anchors")));
    json_decref(report);
    return rc ? cli_fail(rc) : EXIT_OK;
}

static int export_(int argc, char **argv)
{
    enum { O_CASE = 1, O_WITH };
    static const struct option opts[] = {{"case", required_argument, NULL, O_CASE},
                                         {"with-staff", no_argument, NULL, O_WITH},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton audit export --case ID [--with-staff] [--json]";
    cli_common c = {0};
    const char *case_id = NULL;
    int with = 0, opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_CASE)
            case_id = optarg;
        else if (opt == O_WITH)
            with = 1;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton audit export --case ID [--with-staff] [--json]\n\n"
                        "For a family's access request: when the child's data was read, searched,\n"
                        "changed or exported, and why. Staff are left out unless --with-staff.\n");
    if (!case_id)
        return cli_usage_error(usage, "--case: required");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    baton_store *store;
    baton_session *s;
    json_t *out = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_audit_export(s, case_id, with, &out);
    cli_close(store, s);
    cli_page_output();
    if (rc)
        return cli_fail(rc);
    if (c.json)
        cli_print_json(out);
    else
        print_entries(out, with);
    json_decref(out);
    return EXIT_OK;
}

static int purge(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton audit purge",
                              "usage: baton audit purge\n\n"
                              "Removes the entries older than the retention period (baton config\n"
                              "audit_retention_days, default 180) and records a checkpoint, so the rest of the\n"
                              "chain still verifies. Refused if the log does not verify.\n",
                              0, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    baton_session *s;
    json_t *report = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_audit_purge(s, &report);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf(_("%lld entries older than %s removed (retention %lld days)\n"),
           (long long)json_integer_value(json_object_get(report, "removed")), s_of(report, "before"),
           (long long)json_integer_value(json_object_get(report, "retention_days")));
    json_decref(report);
    return EXIT_OK;
}

static int review(int argc, char **argv)
{
    enum { O_SINCE = 1 };
    static const struct option opts[] = {{"since", required_argument, NULL, O_SINCE}, CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton audit review [--since DATE] [--json]";
    cli_common c = {0};
    const char *since = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt != O_SINCE)
            return cli_bad_option(usage, argv);
        since = optarg;
    }
    if (c.help)
        return cli_help("usage: baton audit review [--since DATE] [--json]\n\n"
                        "Break-the-glass review, for coordinators and leaders: every case opened outside\n"
                        "the reader's scope in an emergency (--emergency PURPOSE), who, when and why, since\n"
                        "DATE (default: the last 30 days). The contact person of each such case also sees\n"
                        "it in 'baton due'.\n");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    baton_store *store;
    baton_session *s;
    json_t *out = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_audit_review(s, since, &out);
    cli_close(store, s);
    cli_page_output();
    return show_entries(&c, rc, out, _("No emergency access in the period."));
}

static int init(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton audit init --reason TEXT --as STAFF",
                              "usage: baton audit init --reason TEXT --as STAFF\n\n"
                              "When the access log is missing or damaged, Baton refuses every command: nothing\n"
                              "may be shown or changed that is not logged. A coordinator or leader then either\n"
                              "restores audit.db from a backup, or starts a new log with this command: the\n"
                              "damaged file is kept beside it (audit.db.damaged-TIME), the new log's first entry\n"
                              "says why, and the new start is recorded in git (refs/baton/audit) with who and\n"
                              "why. Refused while the log is whole.\n",
                              0, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    json_t *report = NULL;
    if ((rc = cli_open_store_as_is(&c, &store)))
        return cli_fail(rc);
    rc = baton_audit_init(store, c.as ? c.as : getenv("BATON_USER"), c.reason, &report);
    baton_store_free(store);
    if (rc)
        return cli_fail(rc);
    const char *kept = json_string_value(json_object_get(report, "kept"));
    printf(_("a new access log was started; the previous one was %s%s%s\n"),
           json_string_value(json_object_get(report, "previous")), kept ? " and is kept as " : "", kept ? kept : "");
    json_decref(report);
    return EXIT_OK;
}

int cmd_audit(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"list", list, N_("the access log: baton audit list [--case ID] [--staff S] [--since DATE]")},
        {"verify", verify, N_("check the log's hash chain")},
        {"export", export_, N_("a family's access request: baton audit export --case ID")},
        {"purge", purge, N_("remove entries past the retention period, keeping the chain whole")},
        {"review", review, N_("break-the-glass: every emergency access, who, when and why")},
        {"init", init, N_("start a new log when it is missing or damaged (recorded in git)")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("audit", subs, argc, argv);
}
