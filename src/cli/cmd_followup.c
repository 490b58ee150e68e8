/* baton followup done: closing a follow-up is itself a journal entry (the journal is
 * append-only), so when and by whom it was closed stays on record. */
#include "cli.h"

#include <string.h>

static const char usage[] = "baton followup done ID ENTRY [--note TEXT] [--reason TEXT]";

static int done(int argc, char **argv)
{
    enum { O_NOTE = 1 };
    static const struct option opts[] = {{"note", required_argument, NULL, O_NOTE}, CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    const char *note = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt != O_NOTE)
            return cli_bad_option(usage, argv);
        note = optarg;
    }
    if (c.help)
        return cli_help("usage: baton followup done ID ENTRY [--note TEXT]\n\n"
                        "Closes the follow-up of journal entry ENTRY (j3) of case ID. The closing is a\n"
                        "journal entry of its own (kind follow_up_done), with the note if given.\n");
    if (argc - optind != 2)
        return cli_usage_error(usage, "expected the case ID and the journal ENTRY");
    baton_store *store;
    baton_session *s;
    char id[16];
    baton_oid_hex commit;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_followup_close(s, argv[optind], argv[optind + 1], note, c.reason, id, commit);
    cli_close(store, s);
    if (rc) {
        static const char *const names[] = {"text", "--note", NULL};
        return cli_fail(cli_rename_fields(rc, names));
    }
    printf("%s\n", id);
    fprintf(stderr, _("follow-up of %s closed by journal entry %s\n"), argv[optind + 1], id);
    return EXIT_OK;
}

int cmd_followup(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"done", done, N_("close the follow-up of a journal entry: baton followup done ID ENTRY")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("followup", subs, argc, argv);
}
