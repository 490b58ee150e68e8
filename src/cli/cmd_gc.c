/* baton gc: pack the store's loose objects and merge its small packs (and, without --quick, repack
 * everything into one pack), removing loose copies and old packs only once what they hold is
 * safely in the new pack. --auto is the gc a save would run, if due: baton serve starts it as a
 * process of its own. */
#include "cli.h"

#include <sys/resource.h>

int cmd_gc(int argc, char **argv)
{
    enum { O_QUICK = 1, O_AUTO };
    static const struct option opts[] = {{"quick", no_argument, NULL, O_QUICK}, {"auto", no_argument, NULL, O_AUTO},
                                         CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    static const char usage[] = "baton gc [--quick | --auto] [--json]";
    cli_common c = {0};
    int quick = 0, autogc = 0, opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_QUICK)
            quick = 1;
        else if (opt == O_AUTO)
            autogc = 1;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton gc [--quick | --auto] [--json]\n\n"
                        "Packs the git objects of the store. Every save writes a small pack of its own;\n"
                        "saves merge them by themselves past a threshold, so this is rarely needed by hand.\n"
                        "  --quick   pack the loose objects and merge the small packs (what saves do); without\n"
                        "            it, everything goes into one pack and the old packs it covers are removed\n"
                        "  --auto    only what saves would do now, if anything is due and no other gc runs\n"
                        "A loose object or an old pack is removed only once its objects are in the new,\n"
                        "fsynced pack. Saves go on while gc runs; one gc runs at a time.\n");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    if (quick && autogc)
        return cli_usage_error(usage, "--quick and --auto: give one of them");
    /* background work (baton serve starts it after writes): people's requests come first */
    if (autogc)
        setpriority(PRIO_PROCESS, 0, 10);
    baton_store *store;
    baton_gc_stats st;
    if ((rc = cli_open_store(&c, &store)))
        return cli_fail(rc);
    rc = autogc ? baton_store_gc_auto(store, &st) : baton_store_gc(store, !quick, &st);
    baton_store_free(store);
    if (rc)
        return cli_fail(rc);
    if (c.json) {
        json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "loose_before", (json_int_t)st.loose_before,
                              "loose_removed", (json_int_t)st.loose_removed, "packs_before",
                              (json_int_t)st.packs_before, "packs_after", (json_int_t)st.packs_after,
                              "packs_removed", (json_int_t)st.packs_removed, "objects_packed",
                              (json_int_t)st.objects_packed);
        cli_print_json(o);
        json_decref(o);
    } else {
        printf(_("%zu objects packed; %zu of %zu loose objects removed; packs: %zu before, %zu after\n"),
               st.objects_packed, st.loose_removed, st.loose_before, st.packs_before, st.packs_after);
    }
    return EXIT_OK;
}
