/* baton case: create, list, show and set fields of support-plan cases. (edit, log and diff have
 * files of their own.) */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

int cmd_case(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"new", cmd_case_new, N_("create a case (prints its id)")},
        {"list", cmd_case_list, N_("list cases")},
        {"show", cmd_case_show, N_("show a case, now or at an earlier revision or date")},
        {"set", cmd_case_set, N_("set one field")},
        {"edit", cmd_case_edit, N_("edit the whole record in $EDITOR (or from --file)")},
        {"log", cmd_case_log, N_("list the versions of a case")},
        {"diff", cmd_case_diff, N_("field-level differences between two versions")},
        {"access", cmd_case_access, N_("everyone who may read the case now, and the rule that grants it")},
        {"fields", cmd_case_fields, N_("every field 'case set' can change, and what it takes")},
        {"erase", cmd_case_erase, N_("erase a closed case for good, from the whole history")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("case", subs, argc, argv);
}

static const char new_usage[] =
    "baton case new --child NAME --born YYYY-MM-DD --context KIND:INSTITUTION[:GROUP[:MUNICIPALITY]] "
    "--contact STAFF [--national-id ID] [--reason TEXT]";
static const char new_help[] =
    N_("usage: baton case new --child NAME --born YYYY-MM-DD\n"
    "                      --context KIND:INSTITUTION[:GROUP[:MUNICIPALITY]] --contact STAFF\n"
    "                      [--national-id ID] [--reason TEXT] [--as STAFF]\n\n"
    "Creates a case and prints its id alone on stdout.\n"
    "KIND is daycare, school, leisure, special_school or other, or the word for one in Danish,\n"
    "Swedish or Norwegian (skole, skola, dagtilbud, förskola, barnehage, fritid, sfo, fritidshem,\n"
    "specialskole, andet, ...); it is stored as the English name.\n"
    "The contact person is required: every case has exactly one, and they must be active staff.\n"
    "The national id is kept but never shown unless asked for (case show --show-national-id).\n");

int cmd_case_new(int argc, char **argv)
{
    enum { O_CHILD = 1, O_BORN, O_CONTEXT, O_CONTACT, O_NID };
    static const struct option opts[] = {{"child", required_argument, NULL, O_CHILD},
                                         {"born", required_argument, NULL, O_BORN},
                                         {"context", required_argument, NULL, O_CONTEXT},
                                         {"contact", required_argument, NULL, O_CONTACT},
                                         {"national-id", required_argument, NULL, O_NID},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    baton_case_new_options o = {0};
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        switch (opt) {
        case O_CHILD: o.child_name = optarg; break;
        case O_BORN: o.born = optarg; break;
        case O_CONTEXT: o.context = optarg; break;
        case O_CONTACT: o.contact = optarg; break;
        case O_NID: o.national_id = optarg; break;
        default: return cli_bad_option(new_usage, argv);
        }
    }
    if (c.help)
        return cli_help(new_help);
    if (optind != argc)
        return cli_usage_error(new_usage, "unexpected argument: %s", argv[optind]);
    if (o.child_name && !baton_utf8_valid(o.child_name, strlen(o.child_name)))
        return cli_fail(baton_error_set(BATON_EINVALID, "--child: not valid UTF-8"));
    baton_store *store;
    baton_session *s;
    char id[33];
    baton_oid_hex commit;
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    rc = baton_case_create(s, &o, c.reason, id, commit);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf("%s\n", id);
    return EXIT_OK;
}

static const char list_usage[] = "baton case list [--contact STAFF] [--status active|closed|transferred] [--json]";

int cmd_case_list(int argc, char **argv)
{
    enum { O_CONTACT = 1, O_STATUS };
    static const struct option opts[] = {{"contact", required_argument, NULL, O_CONTACT},
                                         {"status", required_argument, NULL, O_STATUS},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    const char *contact = NULL, *status = NULL;
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_CONTACT)
            contact = optarg;
        else if (opt == O_STATUS)
            status = optarg;
        else
            return cli_bad_option(list_usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton case list [--contact STAFF] [--status active|closed|transferred] [--json]\n\n"
                        "Lists cases: id, status, child, context and contact person.\n");
    if (optind != argc)
        return cli_usage_error(list_usage, "unexpected argument: %s", argv[optind]);
    if (status && strcmp(status, "active") && strcmp(status, "closed") && strcmp(status, "transferred"))
        return cli_fail(baton_error_set(BATON_EINVALID, "--status: '%s' is not one of active|closed|transferred", status));
    baton_store *store;
    baton_session *s;
    json_t *cases;
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    if (contact) {
        json_t *rec;
        if ((rc = baton_staff_get(store, NULL, contact, &rec)) == 0)
            json_decref(rec);
        else
            baton_error_set(rc, "--contact: unknown staff member '%s'", contact);
    }
    if (rc == 0)
        rc = baton_case_list(s, NULL, contact, status, &cases);
    cli_close(store, s);
    cli_page_output();
    if (rc)
        return cli_fail(rc);
    size_t i;
    json_t *doc;
    json_array_foreach(cases, i, doc) json_object_del(json_object_get(doc, "child"), "national_id");
    if (c.json) {
        cli_print_json(cases);
    } else {
        json_array_foreach(cases, i, doc) {
            json_t *ctx = json_object_get(doc, "context");
            const char *group = json_string_value(json_object_get(ctx, "group"));
            printf("%s %s %s %s%s%s  %s\n", cli_pad(json_string_value(json_object_get(doc, "id")), 12),
                   cli_pad(json_string_value(json_object_get(doc, "status")), 11),
                   cli_pad(json_string_value(json_object_get(json_object_get(doc, "child"), "name")), 28),
                   json_string_value(json_object_get(ctx, "institution")), group ? " " : "", group ? group : "",
                   json_string_value(json_object_get(json_object_get(doc, "contact"), "staff")));
        }
    }
    json_decref(cases);
    return EXIT_OK;
}

static const char show_usage[] = "baton case show ID [--at REV|DATE] [--json] [--show-national-id]";
static const char show_help[] =
    N_("usage: baton case show ID [--at REV|DATE] [--json] [--show-national-id]\n\n"
    "Shows a case in sections: the child and context, people, the plan, measures, focus points.\n"
    "  --at REV|DATE        as it was at a revision (commit id) or at the end of a date\n"
    "                       (YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS]Z, in UTC)\n"
    "  --json               the record as JSON\n"
    "  --show-national-id   include the child's national id (hidden otherwise)\n");

int cmd_case_show(int argc, char **argv)
{
    enum { O_AT = 1, O_NID };
    static const struct option opts[] = {{"at", required_argument, NULL, O_AT},
                                         {"show-national-id", no_argument, NULL, O_NID},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    const char *at = NULL;
    int opt, secret = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_AT)
            at = optarg;
        else if (opt == O_NID)
            secret = 1;
        else
            return cli_bad_option(show_usage, argv);
    }
    if (c.help)
        return cli_help(show_help);
    if (argc - optind != 1)
        return cli_usage_error(show_usage, "expected one case ID");
    baton_store *store;
    baton_session *s;
    json_t *doc = NULL;
    baton_oid_hex rev, version;
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    if (at && (rc = baton_store_resolve(store, at, rev)))
        baton_error_prefix(rc, "--at: ");
    if (rc == 0)
        rc = baton_case_load(s, at ? rev : NULL, argv[optind], &doc, version);
    cli_close(store, s);
    cli_page_output();
    if (rc)
        return cli_fail(rc);
    if (!secret)
        json_object_del(json_object_get(doc, "child"), "national_id");
    if (c.json)
        cli_print_json(doc);
    else
        cli_render_case(stdout, doc, secret);
    json_decref(doc);
    return EXIT_OK;
}

typedef struct {
    const char *field, *value;
} set_ctx;

static int set_field(json_t *doc, const baton_identity *as, void *vctx)
{
    const set_ctx *sc = vctx;
    (void)as;
    return baton_record_path_set(doc, BATON_RECORD_CASE, sc->field, sc->value);
}

static const char set_usage[] = "baton case set ID FIELD VALUE [--reason TEXT] [--base REV]";
static const char set_help[] =
    N_("usage: baton case set ID FIELD VALUE [--reason TEXT] [--base REV] [--as STAFF]\n\n"
    "Sets one field, named by its dotted path, and commits it as one change:\n"
    "  baton case set 7kq2m9xw4p plan.challenges.home \"Evenings are hard after school\"\n"
    "  baton case set 7kq2m9xw4p plan.needs_predictability true\n"
    "  baton case set 7kq2m9xw4p plan.measures[m2].status completed\n"
    "Lists take comma-separated values (or a JSON array); an empty VALUE removes an optional field.\n"
    "  --reason TEXT  why, kept in the history (never write the child's name: the case id says who)\n"
    "  --base REV     the revision this change was read at: if the case changed since,\n"
    "                 the save is refused as a conflict (exit 3)\n");

int cmd_case_set(int argc, char **argv)
{
    static const struct option opts[] = {{"base", required_argument, NULL, OPT_BASE}, CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    const char *base_rev = NULL;
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == OPT_BASE)
            base_rev = optarg;
        else
            return cli_bad_option(set_usage, argv);
    }
    if (c.help)
        return cli_help(set_help);
    if (argc - optind != 3)
        return cli_usage_error(set_usage, "expected ID, FIELD and VALUE");
    set_ctx sc = {argv[optind + 1], argv[optind + 2]};
    char what[300];
    snprintf(what, sizeof what, "set %s", sc.field);
    int rc = cli_case_update(&c, argv[optind], base_rev, what, set_field, &sc);
    return rc ? cli_fail(rc) : EXIT_OK;
}

int cmd_case_access(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton case access ID [--json]",
                              "usage: baton case access ID [--json]\n\n"
                              "Everyone who may read the case now, and the rule that grants it: its contact\n"
                              "person, its team, the receiver of a pending handover, and the coordinators,\n"
                              "leaders and psychologists in its scope (their institution is the case's, or\n"
                              "they have none). Asking is a read of the case, and logged.\n",
                              1, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    baton_session *s;
    json_t *who;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_case_access(s, argv[optind], &who);
    cli_close(store, s);
    cli_page_output();
    if (rc)
        return cli_fail(rc);
    if (c.json) {
        cli_print_json(who);
    } else {
        size_t i;
        json_t *x;
        json_array_foreach(who, i, x) printf("%s %s %s %s\n", cli_pad(json_string_value(json_object_get(x, "staff")), 16),
                                             cli_pad(json_string_value(json_object_get(x, "name")), 28),
                                             cli_pad(json_string_value(json_object_get(x, "role")), 13),
                                             json_string_value(json_object_get(x, "rule")));
    }
    json_decref(who);
    return EXIT_OK;
}
