/* baton packet: the handover packet of a case, rendered as text, markdown, self-contained HTML
 * or JSON, to stdout or a file. Written to a file, it is written whole or not at all. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] = "baton packet ID [N] [--format text|markdown|html|json] [-o FILE] [--original]";

int cmd_packet(int argc, char **argv)
{
    enum { O_FORMAT = 1, O_OUTPUT, O_ORIGINAL };
    static const struct option opts[] = {{"format", required_argument, NULL, O_FORMAT},
                                         {"output", required_argument, NULL, O_OUTPUT},
                                         {"original", no_argument, NULL, O_ORIGINAL},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    const char *format_name = "text", *output = NULL;
    int opt, rc, original = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_FORMAT)
            format_name = optarg;
        else if (opt == O_OUTPUT || opt == 'o')
            output = optarg;
        else if (opt == O_ORIGINAL)
            original = 1;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton packet ID [N] [--format text|markdown|html|json] [-o FILE] [--original]\n\n"
                        "Renders the packet of handover N of the case (default: the latest) from the case\n"
                        "as it was handed over, in the store's language: what works and strengths first,\n"
                        "the child's and the guardians' voices, predictability, challenges, measures, focus\n"
                        "points, the communication agreement, the team, open follow-ups, the journal since\n"
                        "the last handover, what changed since then, and the checklist. A packet that\n"
                        "leaves the organisation holds only what its basis covers. The HTML is one\n"
                        "self-contained file for A4. The last line is the sha256 of everything above it.\n"
                        "A case without a handover gives a preview of its current state.\n"
                        "A packet received from another organisation is shown as Baton's page around the\n"
                        "sender's text, escaped: their HTML is never shown as it came. --original -o FILE\n"
                        "writes it byte for byte (html or text; its sha256 is the sender's), to a file only.\n");
    int nargs = argc - optind;
    if (nargs != 1 && nargs != 2)
        return cli_usage_error(usage, "expected the case ID and optionally the handover number N");
    baton_format format;
    if ((rc = baton_format_parse(format_name, &format)))
        return cli_fail(rc);
    if (original && !output)
        return cli_usage_error(usage, "--original: goes with -o FILE (the sender's packet is never shown as it came)");
    int number = 0;
    if (nargs == 2) {
        char *end;
        long v = strtol(argv[optind + 1], &end, 10);
        if (*end || v < 1 || v > 99999)
            return cli_fail(baton_error_set(BATON_EINVALID, "N: '%.20s' is not a handover number", argv[optind + 1]));
        number = (int)v;
    }
    baton_store *store;
    baton_session *s;
    char *data = NULL;
    size_t len = 0;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = original ? baton_packet_original(s, argv[optind], number, format, &data, &len)
                  : baton_packet(s, argv[optind], number, format, &data, &len);
    cli_close(store, s);
    if (rc == 0 && output)
        rc = baton_file_write(output, data, len);
    else if (rc == 0) {
        cli_page_output();
        fwrite(data, 1, len, stdout);
    }
    free(data);
    return rc ? cli_fail(rc) : EXIT_OK;
}
