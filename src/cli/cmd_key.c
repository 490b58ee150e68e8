/* baton key: the organisation's signing key (generate, show) and the senders this store trusts
 * (trust, revoke, list). */
#include "cli.h"

#include <string.h>

static int generate(int argc, char **argv)
{
    enum { O_PATH = 1 };
    static const struct option opts[] = {{"path", required_argument, NULL, O_PATH}, CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton key generate [--path FILE]";
    cli_common c = {0};
    const char *path = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt != O_PATH)
            return cli_bad_option(usage, argv);
        path = optarg;
    }
    if (c.help)
        return cli_help("usage: baton key generate [--path FILE]\n\n"
                        "Creates the organisation's Ed25519 signing key for transfer files, in a file of\n"
                        "mode 0600 inside the store directory (default keys/signing.key; never in git), and\n"
                        "records its location in the store config. A store has one key.\n");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    baton_store *store;
    baton_session *s;
    baton_oid_hex commit;
    char pk[BATON_PUBLIC_KEY_B64], fp[BATON_FINGERPRINT_HEX];
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    if ((rc = baton_key_generate(s, path, commit)) == 0)
        rc = baton_key_public(store, pk, fp);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf("public key:  %s\nfingerprint: %s\n", pk, fp);
    return EXIT_OK;
}

static int show(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton key show [--json]",
                              "usage: baton key show [--json]\n\n"
                              "The store's public key (give it to the organisations that receive your\n"
                              "transfer files: 'baton key trust KEY --name ...') and its fingerprint.\n",
                              0, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    char pk[BATON_PUBLIC_KEY_B64], fp[BATON_FINGERPRINT_HEX];
    if ((rc = cli_open_store(&c, &store)))
        return cli_fail(rc);
    rc = baton_key_public(store, pk, fp);
    const char *org = rc == 0 ? baton_store_organisation(store) : "";
    if (rc == 0 && c.json) {
        json_t *o = json_pack("{s:s, s:s, s:s}", "public_key", pk, "fingerprint", fp, "organisation", org);
        cli_print_json(o);
        json_decref(o);
    } else if (rc == 0) {
        printf("public key:  %s\nfingerprint: %s\norganisation: %s\n", pk, fp, org);
    }
    baton_store_free(store);
    return rc ? cli_fail(rc) : EXIT_OK;
}

static int trust(int argc, char **argv)
{
    enum { O_NAME = 1 };
    static const struct option opts[] = {{"name", required_argument, NULL, O_NAME}, CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton key trust FILE|KEY --name ORGANISATION";
    cli_common c = {0};
    const char *name = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt != O_NAME)
            return cli_bad_option(usage, argv);
        name = optarg;
    }
    if (c.help)
        return cli_help("usage: baton key trust FILE|KEY --name ORGANISATION\n\n"
                        "Trusts a sending organisation's public key (base64, or a file holding it, such as\n"
                        "the output of 'baton key show'): its transfer files then verify and import here.\n");
    if (argc - optind != 1)
        return cli_usage_error(usage, "expected the KEY or a FILE holding it");
    if (!name)
        return cli_usage_error(usage, "--name: required");
    baton_store *store;
    baton_session *s;
    baton_oid_hex commit;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_key_trust(s, argv[optind], name, commit);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf("%.12s\n", commit);
    return EXIT_OK;
}

static int revoke(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton key revoke FINGERPRINT --reason TEXT",
                              "usage: baton key revoke FINGERPRINT --reason TEXT\n\n"
                              "Stops trusting a sender's key (lost, leaked, or the organisation made a new one):\n"
                              "its transfer files no longer verify or import here, not even with\n"
                              "--allow-untrusted, and the key is never trusted again. The trust record stays,\n"
                              "marked revoked; the reason is in the history. Coordinators and leaders only.\n",
                              1, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    baton_session *s;
    baton_oid_hex commit;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_key_revoke(s, argv[optind], c.reason, commit);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf("%.12s\n", commit);
    return EXIT_OK;
}

static int list(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton key list [--json]",
                              "usage: baton key list [--json]\n\nThe senders this store trusts, and the keys it revoked.\n", 0, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    json_t *keys;
    if ((rc = cli_open_store(&c, &store)))
        return cli_fail(rc);
    rc = baton_key_list(store, &keys);
    baton_store_free(store);
    if (rc)
        return cli_fail(rc);
    if (c.json) {
        cli_print_json(keys);
    } else {
        size_t i;
        json_t *k;
        json_array_foreach(keys, i, k) {
            printf("%s  %s  (%s %s, %s", json_string_value(json_object_get(k, "fingerprint")),
                   json_string_value(json_object_get(k, "organisation")), _("added"),
                   json_string_value(json_object_get(k, "added")), json_string_value(json_object_get(k, "by")));
            if (json_object_get(k, "revoked"))
                printf("; %s %s, %s", _("REVOKED"), json_string_value(json_object_get(k, "revoked")),
                       json_string_value(json_object_get(k, "revoked_by")));
            printf(")\n");
        }
        if (json_array_size(keys) == 0)
            fprintf(stderr, "baton: %s\n", _("no trusted senders yet"));
    }
    json_decref(keys);
    return EXIT_OK;
}

int cmd_key(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"generate", generate, N_("create the organisation's signing key")},
        {"show", show, N_("print the public key and its fingerprint")},
        {"trust", trust, N_("trust a sender's key: baton key trust KEY --name ORGANISATION")},
        {"revoke", revoke, N_("stop trusting a sender's key: baton key revoke FINGERPRINT --reason TEXT")},
        {"list", list, N_("the senders this store trusts, and the keys it revoked")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("key", subs, argc, argv);
}
