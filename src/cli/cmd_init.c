/* baton init: create a store (bare repository with baton.json committed). */
#include "cli.h"

#include <string.h>

static const char usage[] = "baton init [PATH] [--language da|sv|nb|en] [--organisation NAME]";
static const char help[] =
    N_("usage: baton init [PATH] [--language da|sv|nb|en] [--organisation NAME]\n\n"
    "Creates a store in PATH (default: the current directory): a bare git repository\n"
    "(repo.git) holding baton.json with the store's language and organisation.\n\n"
    "  --language L        language of packets and stemming: da, sv, nb or en (default da)\n"
    "  --organisation NAME the organisation that keeps this store\n");

int cmd_init(int argc, char **argv)
{
    enum { OPT_LANG = 1, OPT_ORG };
    static const struct option opts[] = {{"language", required_argument, NULL, OPT_LANG},
                                         {"organisation", required_argument, NULL, OPT_ORG},
                                         {"organization", required_argument, NULL, OPT_ORG},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    baton_init_options io = {0};
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == OPT_LANG)
            io.language = optarg;
        else if (opt == OPT_ORG)
            io.organisation = optarg;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help(help);
    if (argc - optind > 1)
        return cli_usage_error(usage, "too many arguments");
    const char *path = optind < argc ? argv[optind] : (c.store ? c.store : ".");
    int rc = baton_store_init(path, &io);
    if (rc)
        return cli_fail(rc);
    printf(_("Initialised an empty Baton store in %s\n"), path);
    return EXIT_OK;
}
