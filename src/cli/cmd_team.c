/* baton team: who works with the child, in which role, responsible for what. The contact person
 * is named on the case itself; the team is everyone around them. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const cli_entry_field fields[] = {
    {"role", "role", 0, 0},
    {"responsible-for", "responsible_for", 1, 0},
    {"follows-up", "follows_up", 0, 0},
    {"hands-over", "hands_over", 0, 0},
    {NULL, NULL, 0, 0},
};
static const char *const required[] = {"role", NULL};

static const cli_entry_kind team = {
    "team", "team", NULL, "STAFF", fields, required, NULL, N_("STAFF is a staff id. --role is free text (\"class teacher\", \"PPR psychologist\");\n"
    "repeat --responsible-for for each responsibility.\n"
    "--follows-up yes: this person follows up on the agreements made with the home.\n"
    "--hands-over yes: this person hands knowledge over when the child moves on.\n"
    "Without anyone named, both fall to the contact person.\n")};

static int add(int argc, char **argv) { return cli_entry_add(&team, argc, argv); }
static int rm(int argc, char **argv) { return cli_entry_remove(&team, argc, argv); }
static int set(int argc, char **argv) { return cli_entry_set(&team, argc, argv); }

/* "hanne.k (Hanne Demo-Kristensen)", or the bare id when the directory does not know it. */
static void print_person(baton_store *store, const char *id)
{
    json_t *rec;
    if (baton_staff_get(store, NULL, id, &rec) == 0) {
        printf("%s (%s%s)", id, json_string_value(json_object_get(rec, "name")),
               json_is_true(json_object_get(rec, "active")) ? "" : _(", has left"));
        json_decref(rec);
    } else {
        printf("%s", id);
    }
}

/* Everyone on the team flagged with duty, or else the contact person, who holds it by default. */
static void print_duty(baton_store *store, const json_t *members, const char *duty, const char *contact)
{
    size_t i, named = 0;
    json_t *m;
    json_array_foreach(members, i, m) {
        if (!json_is_true(json_object_get(m, duty)))
            continue;
        printf("%s", named++ ? ", " : "");
        print_person(store, json_string_value(json_object_get(m, "staff")));
    }
    if (!named) {
        print_person(store, contact);
        printf(" [%s]", _("the contact person, as nobody else is named"));
    }
    printf("\n");
}

static int show(int argc, char **argv)
{
    cli_common c = {0};
    int done = cli_parse_common(argc, argv, "baton team show ID [--json]",
                                "usage: baton team show ID [--json]\n\n"
                                "Who is responsible for what in a case, at a glance: whom the parents contact,\n"
                                "who follows up on agreements, who hands knowledge over, and who does what.\n",
                                1, &c);
    if (done >= 0)
        return done;
    baton_store *store;
    baton_session *s;
    json_t *doc;
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    if ((rc = baton_case_load(s, NULL, argv[optind], &doc, NULL))) {
        cli_close(store, s);
        return cli_fail(rc);
    }
    json_t *contact = json_object_get(doc, "contact"), *members = json_object_get(doc, "team");
    const char *contact_id = json_string_value(json_object_get(contact, "staff"));
    if (c.json) {
        json_t *follows = json_array(), *hands = json_array();
        size_t i;
        json_t *m;
        json_array_foreach(members, i, m) {
            if (json_is_true(json_object_get(m, "follows_up")))
                json_array_append(follows, json_object_get(m, "staff"));
            if (json_is_true(json_object_get(m, "hands_over")))
                json_array_append(hands, json_object_get(m, "staff"));
        }
        if (!json_array_size(follows))
            json_array_append_new(follows, json_string(contact_id));
        if (!json_array_size(hands))
            json_array_append_new(hands, json_string(contact_id));
        json_t *out = json_pack("{s:O, s:o, s:o, s:o}", "contact", contact, "team",
                                members ? json_incref(members) : json_array(), "follows_up", follows, "hands_over", hands);
        cli_print_json(out);
        json_decref(out);
    } else {
        fputs(cli_pad(_("Parents contact:"), 28), stdout);
        print_person(store, contact_id);
        printf(", %s %s\n", _("contact person since"), json_string_value(json_object_get(contact, "since")));
        fputs(cli_pad(_("Follows up on agreements:"), 28), stdout);
        print_duty(store, members, "follows_up", contact_id);
        fputs(cli_pad(_("Hands knowledge over:"), 28), stdout);
        print_duty(store, members, "hands_over", contact_id);
        printf("%s\n", _("Who does what:"));
        size_t i, j;
        json_t *m, *r;
        if (json_array_size(members) == 0)
            printf("  %s\n", _("(nobody on the team besides the contact person)"));
        json_array_foreach(members, i, m) {
            printf("  ");
            print_person(store, json_string_value(json_object_get(m, "staff")));
            printf(" - %s\n", json_string_value(json_object_get(m, "role")));
            json_array_foreach(json_object_get(m, "responsible_for"), j, r) printf("      - %s\n", json_string_value(r));
        }
    }
    json_decref(doc);
    cli_close(store, s);
    cli_page_output();
    return EXIT_OK;
}

/* join and leave: the whole class at once */
static int class_command(int argc, char **argv, int join)
{
    enum { O_CONTEXT = 1, O_ROLE, O_RESP };
    static const struct option opts[] = {{"context", required_argument, NULL, O_CONTEXT},
                                         {"role", required_argument, NULL, O_ROLE},
                                         {"responsible-for", required_argument, NULL, O_RESP},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    const char *usage = join ? "baton team join --context INSTITUTION[:GROUP] STAFF --role ROLE [--responsible-for TEXT]..."
                             : "baton team leave --context INSTITUTION[:GROUP] STAFF";
    cli_common c = {0};
    const char *context = NULL, *role = NULL;
    const char **resp = calloc((size_t)argc + 1, sizeof *resp);
    size_t nresp = 0;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_CONTEXT)
            context = optarg;
        else if (opt == O_ROLE && join)
            role = optarg;
        else if (opt == O_RESP && join)
            resp[nresp++] = optarg;
        else {
            free(resp);
            return cli_bad_option(usage, argv);
        }
    }
    if (c.help) {
        free(resp);
        return cli_help(join ? "usage: baton team join --context INSTITUTION[:GROUP] STAFF --role ROLE\n"
                               "                       [--responsible-for TEXT]...\n\n"
                               "Adds STAFF to the team of every active case in the class, in one commit, each\n"
                               "with an onboarding handover pending STAFF's acknowledgement (the contact person\n"
                               "does not change). Read them with 'baton briefing', acknowledge with 'baton\n"
                               "briefing ack'. The class matches exactly: 2.B is not 2.BX.\n"
                             : "usage: baton team leave --context INSTITUTION[:GROUP] STAFF\n\n"
                               "Takes STAFF off the team of every active case in the class, in one commit.\n"
                               "Refused where STAFF is the contact person: hand those cases over first.\n");
    }
    if (argc - optind != 1) {
        free(resp);
        return cli_usage_error(usage, "expected STAFF");
    }
    if (!context) {
        free(resp);
        return cli_usage_error(usage, "--context: required");
    }
    if (join && !role) {
        free(resp);
        return cli_usage_error(usage, "--role: required");
    }
    baton_class cls;
    baton_store *store = NULL;
    baton_session *s = NULL;
    baton_oid_hex commit;
    json_t *done = NULL;
    if ((rc = baton_class_parse(context, &cls)) == 0 && (rc = cli_session(&c, &store, &s)) == 0) {
        if (join)
            rc = baton_team_join(s, &cls, argv[optind], role, resp, nresp, c.reason, &done, commit);
        else
            rc = baton_team_leave(s, &cls, argv[optind], c.reason, &done, commit);
    }
    cli_close(store, s);
    free(resp);
    if (rc)
        return cli_fail(rc);
    size_t i;
    json_t *x;
    json_array_foreach(done, i, x) {
        if (join)
            printf("%s %s %lld\n", json_string_value(json_object_get(x, "case")), _("onboarding handover"),
                   (long long)json_integer_value(json_object_get(x, "number")));
        else
            printf("%s\n", json_string_value(x));
    }
    fprintf(stderr, "%zu case(s) in revision %.12s\n", json_array_size(done), commit);
    json_decref(done);
    return EXIT_OK;
}

static int join(int argc, char **argv) { return class_command(argc, argv, 1); }
static int leave(int argc, char **argv) { return class_command(argc, argv, 0); }

int cmd_team(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"add", add, N_("add a staff member to the team: baton team add ID STAFF --role ROLE")},
        {"set", set, N_("change a member's role or responsibilities")},
        {"remove", rm, N_("remove a staff member from the team")},
        {"show", show, N_("show the contact person and the team")},
        {"join", join, N_("join the team of every case in a class: baton team join --context SCHOOL:2.B STAFF --role R")},
        {"leave", leave, N_("leave the team of every case in a class")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("team", subs, argc, argv);
}
