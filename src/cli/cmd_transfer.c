/* baton transfer: export a handover's signed transfer file, verify one, import one. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *s_of(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int export_(int argc, char **argv)
{
    enum { O_HANDOVER = 1, O_OUTPUT };
    static const struct option opts[] = {{"handover", required_argument, NULL, O_HANDOVER},
                                         {"output", required_argument, NULL, O_OUTPUT},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton transfer export ID --handover N -o FILE";
    cli_common c = {0};
    const char *handover = NULL, *output = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_HANDOVER)
            handover = optarg;
        else if (opt == O_OUTPUT || opt == 'o')
            output = optarg;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton transfer export ID --handover N -o FILE\n\n"
                        "Writes the signed transfer file of handover N: every version of the case with its\n"
                        "author, date and reason, the journal and the handovers, and the rendered packet,\n"
                        "all limited to what the handover's basis covers, compressed, with a sha256 and an\n"
                        "Ed25519 signature (baton key generate). The export is recorded on the case.\n");
    if (argc - optind != 1)
        return cli_usage_error(usage, "expected the case ID");
    if (!handover)
        return cli_usage_error(usage, "--handover: required");
    if (!output)
        return cli_usage_error(usage, "-o: required");
    char *end;
    long n = strtol(handover, &end, 10);
    if (*end || n < 1 || n > 99999)
        return cli_fail(baton_error_set(BATON_EINVALID, "--handover: '%.20s' is not a handover number", handover));
    baton_store *store;
    baton_session *s;
    baton_oid_hex commit;
    json_t *summary = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_transfer_export(s, argv[optind], (int)n, output, &summary, commit);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    const json_t *counts = json_object_get(json_object_get(summary, "manifest"), "counts");
    printf("%s\n", output);
    fprintf(stderr, _("transfer file written: %lld versions, %lld journal entries, %lld handovers; sha256 %s; "
                    "recorded in revision %.12s\n"),
            (long long)json_integer_value(json_object_get(counts, "versions")),
            (long long)json_integer_value(json_object_get(counts, "journal")),
            (long long)json_integer_value(json_object_get(counts, "handovers")), s_of(summary, "sha256"), commit);
    json_decref(summary);
    return EXIT_OK;
}

static void print_report(const json_t *r)
{
    const json_t *h = json_object_get(r, "handover"), *b = json_object_get(r, "basis"), *n = json_object_get(r, "counts");
    if (s_of(r, "signer"))
        printf("signer:        %s\n", s_of(r, "signer"));
    if (json_object_get(r, "trusted"))
        printf("trusted:       %s%s%s\n", json_is_true(json_object_get(r, "trusted")) ? _("yes, as ") : _("NO"),
               s_of(r, "trusted_as") ? s_of(r, "trusted_as") : "", "");
    /* the organisation is the trusted key's name; what the file says of itself is only a claim */
    if (s_of(r, "organisation"))
        printf("organisation:  %s (store %s)\n", s_of(r, "organisation"), s_of(r, "store_id"));
    const char *claim = s_of(r, "claimed_organisation");
    if (claim && (!s_of(r, "organisation") || strcmp(claim, s_of(r, "organisation")) != 0))
        printf("claims to be:  %s (%s)\n", claim,
               s_of(r, "organisation") ? _("the file's own words; the key is trusted under the name above")
                                       : _("the file's own words, not verified"));
    if (s_of(r, "case"))
        printf("case:          %s, handover %lld (%s), created %s\n", s_of(r, "case"),
               (long long)json_integer_value(json_object_get(h, "number")), s_of(h, "kind"), s_of(r, "created"));
    if (b) {
        printf("basis:         %s %s; scope:", s_of(b, "kind"), s_of(b, "ref"));
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(b, "scope"), i, x) printf("%s%s", i ? ", " : " ", json_string_value(x));
        printf("\n");
    }
    if (n)
        printf("contains:      %lld versions, %lld journal entries, %lld handovers, the packet (html, text)\n",
               (long long)json_integer_value(json_object_get(n, "versions")),
               (long long)json_integer_value(json_object_get(n, "journal")),
               (long long)json_integer_value(json_object_get(n, "handovers")));
    if (s_of(r, "sha256"))
        printf("sha256:        %s\n", s_of(r, "sha256"));
    printf("integrity:     %s\n", json_is_true(json_object_get(r, "ok")) || json_object_get(r, "trusted")
                                      ? _("ok: the hash and the signature check out")
                                      : _("FAILED"));
}

static int verify(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton transfer verify FILE [--json]",
                              "usage: baton transfer verify FILE [--json]\n\n"
                              "Checks a transfer file: its signer and whether this store trusts it, the\n"
                              "organisation, what it contains, and its integrity (sha256 and signature).\n"
                              "Exits non-zero on any problem: tampering, truncation, an untrusted or unknown\n"
                              "signer, an unknown format version.\n",
                              1, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    json_t *report = NULL;
    if ((rc = cli_open_store(&c, &store)))
        return cli_fail(rc);
    rc = baton_transfer_verify(store, argv[optind], &report);
    baton_store_free(store);
    if (c.json)
        cli_print_json(report);
    else if (report)
        print_report(report);
    json_decref(report);
    return rc ? cli_fail(rc) : EXIT_OK;
}

static int import(int argc, char **argv)
{
    enum { O_CONTACT = 1, O_UNTRUSTED };
    static const struct option opts[] = {{"contact", required_argument, NULL, O_CONTACT},
                                         {"allow-untrusted", no_argument, NULL, O_UNTRUSTED},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton transfer import FILE [--contact STAFF] [--allow-untrusted]";
    cli_common c = {0};
    const char *contact = NULL;
    int untrusted = 0, opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_CONTACT)
            contact = optarg;
        else if (opt == O_UNTRUSTED)
            untrusted = 1;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton transfer import FILE [--contact STAFF] [--allow-untrusted]\n\n"
                        "Verifies the file, then creates the case here with its history replayed as commits\n"
                        "(original authors and dates, a Baton-Source trailer), its journal and handovers,\n"
                        "and a handover on this side pending acknowledgement by the new contact person\n"
                        "(--contact, default: you). The sender's staff become inactive staff records. A\n"
                        "signer this store does not trust is refused unless --allow-untrusted, which is\n"
                        "recorded. Importing the same file twice changes nothing. On any failure nothing\n"
                        "is written.\n");
    if (argc - optind != 1)
        return cli_usage_error(usage, "expected the transfer FILE");
    baton_store *store;
    baton_session *s;
    baton_oid_hex commit;
    json_t *report = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_transfer_import(s, argv[optind], contact, untrusted, &report, commit);
    cli_close(store, s);
    if (rc == 0 && untrusted && json_is_false(json_object_get(report, "trusted")))
        fprintf(stderr, _("baton: warning: the signer (key %s) is not trusted here; imported anyway "
                        "(--allow-untrusted), and the handover records it\n"), s_of(report, "signer"));
    if (rc == 0 && json_integer_value(json_object_get(report, "outside_basis")) > 0)
        fprintf(stderr, _("baton: warning: the file held more than its basis covers (%lld parts: fields, journal "
                        "entries or handover details); only what the basis covers was imported\n"),
                (long long)json_integer_value(json_object_get(report, "outside_basis")));
    if (rc == 0 && json_is_true(json_object_get(report, "already_imported")))
        fprintf(stderr, _("baton: case %s was already imported from this file; nothing changed\n"), s_of(report, "case"));
    else if (rc == 0)
        fprintf(stderr, _("imported case %s in revision %.12s; handover %lld waits for %s to acknowledge it\n"),
                s_of(report, "case"), commit, (long long)json_integer_value(json_object_get(report, "handover_here")),
                s_of(report, "contact"));
    if (rc == 0)
        printf("%s\n", s_of(report, "case"));
    json_decref(report);
    return rc ? cli_fail(rc) : EXIT_OK;
}

int cmd_transfer(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"export", export_, N_("write a handover's signed transfer file")},
        {"verify", verify, N_("check a transfer file: signer, trust, contents, integrity")},
        {"import", import, N_("import a verified transfer file as a case with its history")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("transfer", subs, argc, argv);
}
