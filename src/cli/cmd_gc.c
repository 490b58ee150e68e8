/* baton gc: pack the store's loose objects (and, without --quick, repack everything into one pack),
 * removing loose copies and old packs only once what they hold is safely in the new pack. */
#include "cli.h"

int cmd_gc(int argc, char **argv)
{
    enum { O_QUICK = 1 };
    static const struct option opts[] = {{"quick", no_argument, NULL, O_QUICK}, CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton gc [--quick] [--json]";
    cli_common c = {0};
    int quick = 0, opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt != O_QUICK)
            return cli_bad_option(usage, argv);
        quick = 1;
    }
    if (c.help)
        return cli_help("usage: baton gc [--quick] [--json]\n\n"
                        "Packs the git objects of the store. Every save writes a few loose object files;\n"
                        "saves pack them by themselves past a threshold, so this is rarely needed by hand.\n"
                        "  --quick   only pack the loose objects (what saves do); without it, everything\n"
                        "            reachable goes into one pack and the old packs it covers are removed\n"
                        "A loose object or an old pack is removed only once its objects are in the new,\n"
                        "fsynced pack. Writers wait while gc runs.\n");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    baton_store *store;
    baton_gc_stats st;
    if ((rc = cli_open_store(&c, &store)))
        return cli_fail(rc);
    rc = baton_store_gc(store, !quick, &st);
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
