/* baton backup add|list|remove|push, and baton restore: copies of the store on git remotes, and a
 * new store made from one (backup.h says what goes where). */
#include "cli.h"

static int add(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton backup add NAME URL",
                              "usage: baton backup add NAME URL\n\n"
                              "Adds a git remote to back the store up to: a path, git://, http(s):// or ssh.\n"
                              "The remote must be a bare repository that accepts pushes (git init --bare).\n"
                              "The first backup makes the store's backup key, keys/backup.key: a restore\n"
                              "needs it, so keep a copy of it apart from the backups.\n",
                              2, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    baton_session *s;
    json_t *report = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_backup_add(s, argv[optind], argv[optind + 1], &report);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    if (c.json)
        cli_print_json(report);
    else {
        printf(_("backup %s added: %s\n"), argv[optind], argv[optind + 1]);
        if (json_is_true(json_object_get(report, "key_created")))
            printf(_("the backup key is %s: a restore needs it, keep a copy apart from the backups\n"),
                   json_string_value(json_object_get(report, "key")));
    }
    json_decref(report);
    return EXIT_OK;
}

static int list(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton backup list [--json]",
                              "usage: baton backup list [--json]\n\nThe backup remotes: name and URL.\n", 0, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    json_t *out = NULL;
    if ((rc = cli_open_store(&c, &store)))
        return cli_fail(rc);
    rc = baton_backup_list(store, &out);
    baton_store_free(store);
    if (rc)
        return cli_fail(rc);
    if (c.json)
        cli_print_json(out);
    else {
        size_t i;
        json_t *b;
        json_array_foreach(out, i, b) printf("%s\t%s\n", json_string_value(json_object_get(b, "name")),
                                             json_string_value(json_object_get(b, "url")));
    }
    json_decref(out);
    return EXIT_OK;
}

static int remove_(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton backup remove NAME",
                              "usage: baton backup remove NAME\n\n"
                              "Stops backing up to NAME. What the remote holds stays there.\n",
                              1, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    baton_session *s;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_backup_remove(s, argv[optind]);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf(_("backup %s removed\n"), argv[optind]);
    return EXIT_OK;
}

static int push(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    static const char usage[] = "baton backup push [NAME] [--json]";
    cli_common c = {0};
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (!cli_common_option(&c, opt, optarg))
            return cli_bad_option(usage, argv);
    if (c.help)
        return cli_help("usage: baton backup push [NAME] [--json]\n\n"
                        "Pushes the store to the backup NAME, or to every backup: the history, its\n"
                        "access-log anchors, and the access log, the passwords and the signing key\n"
                        "encrypted with the backup key. Each push replaces what the remote held, so a\n"
                        "history an erasure rewrote is forgotten there too, once the remote is gc'd.\n");
    if (argc - optind > 1)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind + 1]);
    baton_store *store;
    baton_session *s;
    json_t *report = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_backup_push(s, optind < argc ? argv[optind] : NULL, &report);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    if (c.json)
        cli_print_json(report);
    else {
        size_t i;
        json_t *b;
        json_array_foreach(report, i, b) printf(_("pushed to %s (%s): head %.12s\n"),
                                                json_string_value(json_object_get(b, "name")),
                                                json_string_value(json_object_get(b, "url")),
                                                json_string_value(json_object_get(b, "head")));
    }
    json_decref(report);
    return EXIT_OK;
}

int cmd_backup(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"add", add, N_("add a git remote to back up to: baton backup add NAME URL")},
        {"list", list, N_("the backup remotes")},
        {"remove", remove_, N_("stop backing up to a remote")},
        {"push", push, N_("push the store to its backups")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("backup", subs, argc, argv);
}

int cmd_restore(int argc, char **argv)
{
    enum { O_KEY = 1 };
    static const struct option opts[] = {{"key", required_argument, NULL, O_KEY}, CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    static const char usage[] = "baton restore URL DIR --key FILE [--json]";
    cli_common c = {0};
    const char *key = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_KEY)
            key = optarg;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton restore URL DIR --key FILE [--json]\n\n"
                        "Makes a new store in DIR (missing or empty) from the backup at URL, opening its\n"
                        "encrypted files with the backup key FILE (the store's keys/backup.key). The\n"
                        "index is built afresh and the access log is verified against the history; on\n"
                        "any failure nothing is left in DIR. Check the result with 'baton fsck'.\n");
    if (argc - optind != 2)
        return cli_usage_error(usage, argc - optind < 2 ? "give URL and DIR" : "unexpected argument: %s",
                               argv[optind + 2 < argc ? optind + 2 : optind]);
    if (!key)
        return cli_usage_error(usage, "--key: give the backup key file");
    json_t *report = NULL;
    rc = baton_backup_restore(argv[optind], argv[optind + 1], key, &report);
    if (rc)
        return cli_fail(rc);
    if (c.json)
        cli_print_json(report);
    else
        printf(_("restored %s: head %.12s, %lld access-log entries verified\n"), argv[optind + 1],
               json_string_value(json_object_get(report, "head")),
               (long long)json_integer_value(json_object_get(report, "audit_entries")));
    json_decref(report);
    return EXIT_OK;
}
