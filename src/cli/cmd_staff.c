/* baton staff: the staff directory. Whoever writes must be in it and active. */
#include "cli.h"

#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char add_usage[] =
    "baton staff add ID --name NAME --email EMAIL --role teacher|pedagogue|coordinator|psychologist|leader|other "
    "[--institution I] [--sso-id ID]";
static const char add_help[] =
    N_("usage: baton staff add ID --name NAME --email EMAIL --role ROLE [--institution I] [--sso-id ID] [--as STAFF]\n\n"
    "Adds a staff member. ROLE is teacher, pedagogue, coordinator, psychologist, leader or other.\n"
    "--sso-id is their id at the single sign-on provider (a UNI-Login uniid, a SAML NameID), for\n"
    "stores whose sso_match is sso_id (see 'baton staff sso').\n"
    "The very first staff member of a store may be added without --as; after that, --as is required.\n");

static int staff_add(int argc, char **argv)
{
    enum { O_NAME = 1, O_EMAIL, O_ROLE, O_INST, O_SSO };
    static const struct option opts[] = {{"name", required_argument, NULL, O_NAME},
                                         {"email", required_argument, NULL, O_EMAIL},
                                         {"role", required_argument, NULL, O_ROLE},
                                         {"institution", required_argument, NULL, O_INST},
                                         {"sso-id", required_argument, NULL, O_SSO},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    const char *vals[6] = {0};
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt >= O_NAME && opt <= O_SSO)
            vals[opt] = optarg;
        else
            return cli_bad_option(add_usage, argv);
    }
    if (c.help)
        return cli_help(add_help);
    if (argc - optind != 1)
        return cli_usage_error(add_usage, "expected one staff ID");
    static const char *const names[] = {NULL, "name", "email", "role", "institution", "sso_id"};
    for (int i = O_NAME; i <= O_ROLE; i++)
        if (!vals[i])
            return cli_usage_error(add_usage, "--%s: required", names[i]);

    json_t *rec = json_object();
    json_t *id = json_string(argv[optind]);
    json_object_set_new(rec, "id", id ? id : json_null());
    json_object_set_new(rec, "active", json_true());
    for (int i = O_NAME; i <= O_SSO; i++) {
        if (!vals[i])
            continue;
        if (!baton_utf8_valid(vals[i], strlen(vals[i]))) {
            json_decref(rec);
            return cli_fail(baton_error_set(BATON_EINVALID, "--%s: not valid UTF-8", i == O_SSO ? "sso-id" : names[i]));
        }
        json_object_set_new(rec, names[i], json_string(vals[i]));
    }
    baton_store *store;
    baton_session *s = NULL;
    int rc = cli_open_store(&c, &store);
    if (rc) {
        json_decref(rec);
        return cli_fail(rc);
    }
    /* the very first member adds themselves: a BATON_USER left over from another store does not
     * count; after that every addition is made as someone from the directory */
    int first = baton_staff_empty(store);
    if (!first) {
        baton_store_free(store);
        if ((rc = cli_session(&c, &store, &s))) {
            store = NULL;
            goto out;
        }
    }
    /* field errors read as argument errors: "email: ..." -> "--email: ..." */
    if ((rc = baton_record_validate(rec, BATON_RECORD_STAFF, NULL))) {
        char m[1200];
        snprintf(m, sizeof m, "%s", baton_error_last());
        if (strncmp(m, "sso_id", 6) == 0)
            m[3] = '-';
        rc = baton_error_set(rc, "%s%s", strncmp(m, "id:", 3) == 0 ? "staff " : "--", m);
        goto out;
    }
    baton_oid_hex commit;
    rc = first ? baton_staff_add_first(store, rec, c.reason, commit) : baton_staff_add(s, rec, c.reason, commit);
out:
    json_decref(rec);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf("%s\n", argv[optind]);
    return EXIT_OK;
}

static void print_staff(const json_t *s)
{
    const char *inst = json_string_value(json_object_get(s, "institution"));
    printf("%s %s %s %s %s%s\n", cli_pad(json_string_value(json_object_get(s, "id")), 16),
           cli_pad(json_string_value(json_object_get(s, "name")), 28),
           cli_pad(json_string_value(json_object_get(s, "role")), 13),
           cli_pad(json_string_value(json_object_get(s, "email")), 30), inst ? inst : "",
           json_is_true(json_object_get(s, "active")) ? "" : "  (left)");
}

static int staff_list(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    static const char usage[] = "baton staff list [--all] [--json]";
    cli_common c = {0};
    int opt, all = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == 'a')
            all = 1;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton staff list [--all] [--json]\n\nLists active staff; --all includes those who left.\n");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    baton_store *store;
    json_t *list;
    int rc = cli_open_store(&c, &store);
    if (rc)
        return cli_fail(rc);
    rc = baton_staff_list(store, &list);
    cli_page_output();
    baton_store_free(store);
    if (rc)
        return cli_fail(rc);
    json_t *shown = json_array();
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s) {
        if (all || json_is_true(json_object_get(s, "active")))
            json_array_append(shown, s);
    }
    if (c.json)
        cli_print_json(shown);
    else
        json_array_foreach(shown, i, s) print_staff(s);
    json_decref(shown);
    json_decref(list);
    return EXIT_OK;
}

static int staff_show(int argc, char **argv)
{
    cli_common c = {0};
    int done = cli_parse_common(argc, argv, "baton staff show ID [--json]",
                                "usage: baton staff show ID [--json]\n\nShows one staff member.\n", 1, &c);
    if (done >= 0)
        return done;
    baton_store *store;
    json_t *rec;
    int rc = cli_open_store(&c, &store);
    if (rc)
        return cli_fail(rc);
    rc = baton_staff_get(store, NULL, argv[optind], &rec);
    baton_store_free(store);
    if (rc)
        return cli_fail(rc);
    if (c.json) {
        cli_print_json(rec);
    } else {
        const char *keys[] = {"id", "name", "email", "role", "institution", "left", "sso_id"};
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
            const char *v = json_string_value(json_object_get(rec, keys[k]));
            if (v)
                printf("%-12s %s\n", keys[k], v);
        }
        printf("%-12s %s\n", "active", json_is_true(json_object_get(rec, "active")) ? "yes" : "no");
    }
    json_decref(rec);
    return EXIT_OK;
}

static int staff_leave(int argc, char **argv)
{
    cli_common c = {0};
    int done = cli_parse_common(argc, argv, "baton staff leave ID [--reason TEXT] --as STAFF",
                                "usage: baton staff leave ID [--reason TEXT] --as STAFF\n\n"
                                "Marks a staff member as having left. Refused while they are the contact person\n"
                                "of any active case: those cases are listed and must be handed over first.\n",
                                1, &c);
    if (done >= 0)
        return done;
    baton_store *store;
    baton_session *s;
    json_t *blocking = NULL;
    baton_oid_hex commit;
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    rc = baton_staff_leave(s, argv[optind], c.reason, &blocking, commit);
    cli_close(store, s);
    json_decref(blocking);
    if (rc)
        return cli_fail(rc);
    printf(_("%s has left; their records stay in the history\n"), argv[optind]);
    return EXIT_OK;
}

/* One line from f, without its line end; NULL at end of input. */
static char *read_line(FILE *f, char *buf, size_t n)
{
    if (!fgets(buf, (int)n, f))
        return NULL;
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

/* The new password: typed twice without echo on a terminal, else one line of standard input. */
static int read_password(const char *id, char *out, size_t n)
{
    if (!isatty(STDIN_FILENO))
        return read_line(stdin, out, n) ? 0 : baton_error_set(BATON_EINVALID, "password: none on standard input");
    struct termios was, quiet;
    char again[1100];
    if (tcgetattr(STDIN_FILENO, &was) != 0)
        return baton_error_set(BATON_ERROR, "password: cannot read the terminal");
    quiet = was;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    fprintf(stderr, _("New password for %s: "), id);
    int got = read_line(stdin, out, n) != NULL;
    fprintf(stderr, "\n%s", _("Again: "));
    got = got && read_line(stdin, again, sizeof again) != NULL;
    fprintf(stderr, "\n");
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &was);
    int same = got && strcmp(out, again) == 0;
    explicit_bzero(again, sizeof again);
    if (!got)
        return baton_error_set(BATON_EINVALID, "password: none typed");
    return same ? 0 : baton_error_set(BATON_EINVALID, "password: the two did not match; nothing was changed");
}

static int staff_passwd(int argc, char **argv)
{
    cli_common c = {0};
    int done = cli_parse_common(argc, argv, "baton staff passwd ID --as STAFF",
                                "usage: baton staff passwd ID --as STAFF\n\n"
                                "Sets the password ID logs in to the web front end with: your own, or anyone's\n"
                                "as a coordinator. Typed twice on a terminal, else one line of standard input.\n"
                                "At least 12 characters. Kept as an argon2id hash in the store's auth.db (never\n"
                                "in git); the change is logged.\n",
                                1, &c);
    if (done >= 0)
        return done;
    baton_store *store;
    baton_session *s;
    char password[1100];
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    rc = read_password(argv[optind], password, sizeof password);
    if (rc == 0)
        rc = baton_auth_password_set(s, argv[optind], password);
    explicit_bzero(password, sizeof password);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf(_("password set for %s\n"), argv[optind]);
    return EXIT_OK;
}

static int staff_sso(int argc, char **argv)
{
    cli_common c = {0};
    int done = cli_parse_common(argc, argv, "baton staff sso ID SSO-ID [--reason TEXT] --as STAFF",
                                "usage: baton staff sso ID SSO-ID [--reason TEXT] --as STAFF\n\n"
                                "Sets who ID is at the single sign-on provider: a UNI-Login uniid, a SAML NameID or\n"
                                "an OIDC subject, as the proxy in front of 'baton serve' passes it. Used when the\n"
                                "store's sso_match is sso_id ('baton config sso_match sso_id'); with the default,\n"
                                "email, the staff record's e-mail is matched instead. An empty SSO-ID removes it.\n"
                                "Refused when another staff member has it: one login, one person.\n",
                                2, &c);
    if (done >= 0)
        return done;
    baton_store *store;
    baton_session *s;
    baton_oid_hex commit;
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    rc = baton_staff_set_sso(s, argv[optind], argv[optind + 1], c.reason, commit);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf("%s\n", commit);
    return EXIT_OK;
}

int cmd_staff(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"add", staff_add, N_("add a staff member")},
        {"list", staff_list, N_("list staff")},
        {"show", staff_show, N_("show one staff member")},
        {"leave", staff_leave, N_("mark a staff member as having left")},
        {"passwd", staff_passwd, N_("set a password for the web front end")},
        {"sso", staff_sso, N_("set who a staff member is at the single sign-on provider")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("staff", subs, argc, argv);
}
