/* baton archive export|verify: the package an archive keeps of a closed case before it is erased,
 * and its check, which needs no store (archive.h says what the package holds). */
#include "cli.h"

static int export_(int argc, char **argv)
{
    enum { O_OUT = 'o' };
    static const struct option opts[] = {{"output", required_argument, NULL, O_OUT}, CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    static const char usage[] = "baton archive export ID -o DIR [--json]";
    cli_common c = {0};
    const char *out = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_OUT)
            out = optarg;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton archive export ID -o DIR [--json]\n\n"
                        "Writes the whole of a closed or transferred case to a new directory DIR, for the\n"
                        "archive that keeps it before it is erased: its records as git holds them, every\n"
                        "version of them with who, when and why (history.json), the packets of its\n"
                        "handovers as HTML, its part of the access log, and manifest.json, which lists\n"
                        "every file with its sha256 and is signed with the store's key. For a coordinator\n"
                        "or leader who may read the case's restricted entries. The export is logged.\n");
    if (argc - optind != 1)
        return cli_usage_error(usage, argc - optind < 1 ? "give the case ID" : "unexpected argument: %s",
                               argv[argc - optind < 1 ? 0 : optind + 1]);
    if (!out)
        return cli_usage_error(usage, "-o: give the directory to write the package to");
    baton_store *store;
    baton_session *s;
    json_t *report = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_archive_export(s, argv[optind], out, &report);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    if (c.json)
        cli_print_json(report);
    else
        printf(_("case %s archived in %s: %lld files, signed by key %s\n"), argv[optind], out,
               (long long)json_integer_value(json_object_get(report, "files")),
               json_string_value(json_object_get(report, "fingerprint")));
    json_decref(report);
    return EXIT_OK;
}

static int verify(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton archive verify DIR [--json]",
                              "usage: baton archive verify DIR [--json]\n\n"
                              "Checks an archive package without a store: the manifest's signature against the\n"
                              "key it names, every file it lists against its sha256 and size, and that it holds\n"
                              "no other file. Prints the signing key's fingerprint: compare it with the one the\n"
                              "organisation publishes ('baton key show'). Exit 1 on any problem.\n",
                              1, &c);
    if (rc >= 0)
        return rc;
    json_t *report = NULL;
    rc = baton_archive_verify(argv[optind], &report);
    if (rc)
        return cli_fail(rc);
    if (c.json)
        cli_print_json(report);
    else
        printf(_("ok: case %s of %s, archived %s: %lld files intact, signed by key %s\n"),
               json_string_value(json_object_get(report, "case")),
               json_string_value(json_object_get(report, "organisation")),
               json_string_value(json_object_get(report, "exported")),
               (long long)json_integer_value(json_object_get(report, "files")),
               json_string_value(json_object_get(report, "fingerprint")));
    json_decref(report);
    return EXIT_OK;
}

int cmd_archive(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"export", export_, N_("write a closed case's archive package: baton archive export ID -o DIR")},
        {"verify", verify, N_("check an archive package against its signed manifest")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("archive", subs, argc, argv);
}
