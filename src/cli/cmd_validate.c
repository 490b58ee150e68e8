/* baton validate: check record files against Baton's rules without a store, so scripts can
 * test a file before `case edit --file`, and so tests can hold the C validator and the JSON
 * Schemas in schemas/ to the same verdicts. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] = "baton validate [--kind case|staff|store|journal|handover|trust] FILE...";

static const struct {
    const char *name;
    baton_record_kind kind;
} kinds[] = {{"case", BATON_RECORD_CASE},         {"staff", BATON_RECORD_STAFF},
             {"store", BATON_RECORD_STORE},       {"journal", BATON_RECORD_JOURNAL},
             {"handover", BATON_RECORD_HANDOVER}, {"trust", BATON_RECORD_TRUST}, {"erasure", BATON_RECORD_ERASURE}};

int cmd_validate(int argc, char **argv)
{
    enum { O_KIND = 1 };
    static const struct option opts[] = {{"kind", required_argument, NULL, O_KIND}, CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    baton_record_kind kind = BATON_RECORD_CASE;
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt != O_KIND)
            return cli_bad_option(usage, argv);
        size_t k = 0;
        while (k < sizeof kinds / sizeof *kinds && strcmp(kinds[k].name, optarg) != 0)
            k++;
        if (k == sizeof kinds / sizeof *kinds)
            return cli_usage_error(usage, "--kind: '%.40s' is not one of case|staff|store|journal|handover|trust", optarg);
        kind = kinds[k].kind;
    }
    if (c.help)
        return cli_help("usage: baton validate [--kind case|staff|store|journal|handover|trust] FILE...\n\n"
                        "Checks record files (default: case records) against the rules Baton holds every\n"
                        "record to, the same as a save and as every read from a store, and prints every\n"
                        "problem as FILE: field.path: problem. Exit 0 when all are valid, 1 otherwise.\n"
                        "The schemas in schemas/ state the same rules for other tools.\n");
    if (optind == argc)
        return cli_usage_error(usage, "expected at least one FILE");
    int bad = 0;
    for (int i = optind; i < argc; i++) {
        char *buf;
        size_t len;
        json_t *doc;
        baton_errors errs = {0};
        if (cli_read_file(argv[i], &buf, &len)) {
            fprintf(stderr, "baton: %s\n", baton_error_last());
            bad = 1;
            continue;
        }
        if (baton_record_parse(buf, len, argv[i], &doc)) {
            fprintf(stderr, "baton: %s\n", baton_error_last());
            bad = 1;
        } else {
            if (baton_record_validate(doc, kind, &errs)) {
                for (size_t k = 0; k < errs.count; k++)
                    fprintf(stderr, "baton: %s: %s\n", argv[i], errs.items[k]);
                bad = 1;
            }
            baton_errors_free(&errs);
            json_decref(doc);
        }
        free(buf);
    }
    return bad ? EXIT_ERR : EXIT_OK;
}
