/* baton team: who works with the child, in which role, responsible for what. The contact person
 * is named on the case itself; the team is everyone around them. */
#include "cli.h"

#include <string.h>

static const cli_entry_field fields[] = {
    {"role", "role", 0, 0},
    {"responsible-for", "responsible_for", 1, 0},
    {NULL, NULL, 0, 0},
};
static const char *const required[] = {"role", NULL};

static const cli_entry_kind team = {
    "team", "team", NULL, "STAFF", fields, required, NULL,
    "STAFF is a staff id. --role is free text (\"class teacher\", \"PPR psychologist\");\n"
    "repeat --responsible-for for each responsibility.\n"};

static int add(int argc, char **argv) { return cli_entry_add(&team, argc, argv); }
static int rm(int argc, char **argv) { return cli_entry_remove(&team, argc, argv); }
static int set(int argc, char **argv) { return cli_entry_set(&team, argc, argv); }

static int show(int argc, char **argv)
{
    cli_common c = {0};
    int done = cli_parse_common(argc, argv, "baton team show ID [--json]",
                                "usage: baton team show ID [--json]\n\nThe contact person and the team of a case.\n",
                                1, &c);
    if (done >= 0)
        return done;
    baton_store *store;
    json_t *doc;
    int rc = cli_open_store(&c, &store);
    if (rc)
        return cli_fail(rc);
    rc = baton_case_load(store, NULL, argv[optind], &doc, NULL);
    baton_store_free(store);
    if (rc)
        return cli_fail(rc);
    json_t *contact = json_object_get(doc, "contact"), *members = json_object_get(doc, "team");
    if (c.json) {
        json_t *out = json_pack("{s:O, s:O}", "contact", contact, "team", members ? members : json_array());
        cli_print_json(out);
        json_decref(out);
    } else {
        printf("%s: %s (%s %s)\n", _("Contact person"), json_string_value(json_object_get(contact, "staff")),
               _("since"), json_string_value(json_object_get(contact, "since")));
        size_t i, j;
        json_t *m, *r;
        json_array_foreach(members, i, m) {
            printf("%-16s %s\n", json_string_value(json_object_get(m, "staff")),
                   json_string_value(json_object_get(m, "role")));
            json_array_foreach(json_object_get(m, "responsible_for"), j, r)
                printf("    - %s\n", json_string_value(r));
        }
    }
    json_decref(doc);
    return EXIT_OK;
}

int cmd_team(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"add", add, "add a staff member to the team: baton team add ID STAFF --role ROLE"},
        {"set", set, "change a member's role or responsibilities"},
        {"remove", rm, "remove a staff member from the team"},
        {"show", show, "show the contact person and the team"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("team", subs, argc, argv);
}
