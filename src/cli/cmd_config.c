/* baton config: show the store's settings, or change one. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] = "baton config [KEY VALUE] [--reason TEXT]";

int cmd_config(int argc, char **argv)
{
    cli_common c = {0};
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (!cli_common_option(&c, opt, optarg))
            return cli_bad_option(usage, argv);
    if (c.help)
        return cli_help("usage: baton config [--json]\n"
                        "       baton config KEY VALUE [--reason TEXT]\n\n"
                        "Shows the store's settings, or sets one (as one commit):\n"
                        "  agreement_review_months  months before a communication agreement with the\n"
                        "                           home is due for a new talk (default 6)\n"
                        "  audit_retention_days     days the access log keeps its entries (default 180)\n"
                        "  retention_years_after_closing  years a closed or transferred case is kept after\n"
                        "                           the day it closed (unset: no rule)\n"
                        "  retention_years_after_18 years it is kept after the child's 18th birthday\n"
                        "                           (unset: no rule); with both, the later end counts.\n"
                        "                           'baton due' lists a case 90 days before its end;\n"
                        "                           nothing is erased but by 'baton case erase'.\n");
    int nargs = argc - optind;
    if (nargs != 0 && nargs != 2)
        return cli_usage_error(usage, "expected no arguments, or KEY and VALUE");
    baton_store *store;
    if ((rc = cli_open_store(&c, &store)))
        return cli_fail(rc);
    if (nargs == 0) {
        json_t *cfg;
        baton_config_get(store, &cfg);
        if (c.json) {
            cli_print_json(cfg);
        } else {
            const char *key;
            json_t *v;
            json_object_foreach(cfg, key, v) {
                char *s = json_dumps(v, JSON_ENCODE_ANY);
                printf("%s = %s\n", key, s ? s : "");
                free(s);
            }
        }
        json_decref(cfg);
        baton_store_free(store);
        return EXIT_OK;
    }
    baton_store_free(store);
    baton_session *s;
    baton_oid_hex commit;
    if ((rc = cli_session(&c, &store, &s)) == 0)
        rc = baton_config_set(s, argv[optind], argv[optind + 1], c.reason, commit);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf("%.12s\n", commit);
    return EXIT_OK;
}
