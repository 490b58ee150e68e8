/* baton briefing: one document for a whole class, for the teacher who takes it over; and
 * `baton briefing ack`, which acknowledges every onboarding of that teacher in the class. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int ack(int argc, char **argv)
{
    enum { O_CONTEXT = 1 };
    static const struct option opts[] = {{"context", required_argument, NULL, O_CONTEXT}, CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton briefing ack --context INSTITUTION[:GROUP] --as STAFF";
    cli_common c = {0};
    const char *context = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt != O_CONTEXT)
            return cli_bad_option(usage, argv);
        context = optarg;
    }
    if (c.help)
        return cli_help("usage: baton briefing ack --context INSTITUTION[:GROUP] --as STAFF\n\n"
                        "Acknowledges, as STAFF, every pending onboarding handover of STAFF in the class,\n"
                        "in one commit ('baton handover ack' still works case by case).\n");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    if (!context)
        return cli_usage_error(usage, "--context: required");
    baton_class cls;
    baton_store *store = NULL;
    baton_session *s = NULL;
    baton_oid_hex commit;
    json_t *acked = NULL;
    if ((rc = baton_class_parse(context, &cls)) == 0 && (rc = cli_session(&c, &store, &s)) == 0)
        rc = baton_briefing_ack(s, &cls, c.reason, &acked, commit);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    size_t i;
    json_t *x;
    json_array_foreach(acked, i, x) printf("%s %s %lld\n", json_string_value(json_object_get(x, "case")),
                                           _("handover"), (long long)json_integer_value(json_object_get(x, "number")));
    fprintf(stderr, _("%zu onboarding handover(s) acknowledged in revision %.12s\n"), json_array_size(acked), commit);
    json_decref(acked);
    return EXIT_OK;
}

int cmd_briefing(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "ack") == 0)
        return ack(argc - 1, argv + 1);
    enum { O_CONTEXT = 1, O_FOR, O_FORMAT, O_OUTPUT };
    static const struct option opts[] = {{"context", required_argument, NULL, O_CONTEXT},
                                         {"for", required_argument, NULL, O_FOR},
                                         {"format", required_argument, NULL, O_FORMAT},
                                         {"output", required_argument, NULL, O_OUTPUT},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] =
        "baton briefing --context INSTITUTION[:GROUP] [--for STAFF] [--format text|markdown|html|json] [-o FILE]";
    cli_common c = {0};
    const char *context = NULL, *for_staff = NULL, *format_name = "text", *output = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        switch (opt) {
        case O_CONTEXT: context = optarg; break;
        case O_FOR: for_staff = optarg; break;
        case O_FORMAT: format_name = optarg; break;
        case 'o':
        case O_OUTPUT: output = optarg; break;
        default: return cli_bad_option(usage, argv);
        }
    }
    if (c.help)
        return cli_help("usage: baton briefing --context INSTITUTION[:GROUP] [--for STAFF]\n"
                        "                      [--format text|markdown|html|json] [-o FILE]\n"
                        "       baton briefing ack --context INSTITUTION[:GROUP] --as STAFF\n\n"
                        "One document for a class: an overview of its children with a plan (needs\n"
                        "predictability, contact person, next review), then a page per child: what works\n"
                        "and strengths, predictability and transition notes, active measures at school,\n"
                        "focus points, whom the parents talk to and how they want to hear from the school,\n"
                        "open follow-ups (with --for, those STAFF owns), and the status updates of the last\n"
                        "30 days. With --for, only cases where STAFF is on the team. The HTML is one file\n"
                        "for A4 with a page break between children. The class matches exactly.\n");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    if (!context)
        return cli_usage_error(usage, "--context: required");
    baton_format format;
    baton_class cls;
    if ((rc = baton_format_parse(format_name, &format)) || (rc = baton_class_parse(context, &cls)))
        return cli_fail(rc);
    baton_store *store;
    baton_session *s;
    json_t *model = NULL;
    char *data = NULL;
    size_t len = 0;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    if ((rc = baton_briefing_model(s, &cls, for_staff, &model)) == 0)
        rc = baton_briefing_render(model, format, baton_store_language(store), &data, &len);
    cli_close(store, s);
    json_decref(model);
    if (rc == 0 && output)
        rc = baton_file_write(output, data, len);
    else if (rc == 0) {
        cli_page_output();
        fwrite(data, 1, len, stdout);
    }
    free(data);
    return rc ? cli_fail(rc) : EXIT_OK;
}
