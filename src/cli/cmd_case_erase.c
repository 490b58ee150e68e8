/* baton case erase: a case removed from the store for good (see baton_case_erase), with what
 * stays of it and what was removed printed for the record. */
#include "cli.h"

int cmd_case_erase(int argc, char **argv)
{
    enum { O_WITHOUT = 1 };
    static const struct option opts[] = {{"without-archive", no_argument, NULL, O_WITHOUT}, CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton case erase ID --reason TEXT [--without-archive] [--json]";
    cli_common c = {0};
    int without = 0, opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_WITHOUT)
            without = 1;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton case erase ID --reason TEXT [--without-archive] [--json]\n\n"
                        "Erases a closed or transferred case from the store for good, for a coordinator\n"
                        "or leader: every version of it goes from the whole git history (the commits that\n"
                        "changed it are rewritten, or dropped when they changed nothing else), and a record\n"
                        "signed with the store's key keeps only its id, the date and who erased it. The\n"
                        "access log keeps its entries about the case but loses their text, the search\n"
                        "index is built afresh, and every object the new history does not reach is\n"
                        "removed. Backups forget the case at their next push; other copies (clones,\n"
                        "exported packets and transfer files) must be erased by whoever holds them.\n"
                        "The case must have been archived first ('baton archive export'), unless\n"
                        "--without-archive. If an erasure was cut short, running it again finishes it.\n");
    if (argc - optind != 1)
        return cli_usage_error(usage, argc - optind < 1 ? "give the case ID" : "unexpected argument: %s",
                               argv[argc - optind < 1 ? 0 : optind + 1]);
    baton_store *store;
    baton_session *s;
    json_t *report = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_case_erase(s, argv[optind], c.reason, without, &report);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    if (c.json)
        cli_print_json(report);
    else if (json_is_true(json_object_get(report, "resumed")))
        printf(_("case %s: the erasure that was cut short is finished; head %.12s\n"), argv[optind],
               json_string_value(json_object_get(report, "head")));
    else
        printf(_("case %s erased: %lld commits rewritten, %lld dropped; the text of %lld access-log entries "
                 "removed; head %.12s\n"),
               argv[optind], (long long)json_integer_value(json_object_get(report, "commits_rewritten")),
               (long long)json_integer_value(json_object_get(report, "commits_dropped")),
               (long long)json_integer_value(json_object_get(report, "audit_entries")),
               json_string_value(json_object_get(report, "head")));
    json_decref(report);
    return EXIT_OK;
}
