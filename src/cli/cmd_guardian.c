/* baton guardian: the child's guardians and, for each, how they want to hear from the school:
 * how often, through which channels, about what, in how much detail, agreed when. */
#include "cli.h"

static const cli_entry_field fields[] = {
    {"name", "name", 0, 0},
    {"relation", "relation", 0, 0},
    {"phone", "phone", 0, 0},
    {"email", "email", 0, 0},
    {"frequency", "agreement.frequency", 0, 0},
    {"channel", "agreement.channels", 1, 1},
    {"topics", "agreement.topics", 0, 0},
    {"detail", "agreement.detail", 0, 0},
    {"agreed-on", "agreement.agreed_on", 0, 0},
    {NULL, NULL, 0, 0},
};
static const char *const required[] = {"name", "relation", NULL};

static const cli_entry_kind guardian = {
    "guardian", "guardians", "g", "G", fields, required, NULL, N_("The communication agreement is all of --frequency (weekly, fortnightly, monthly, on_news),\n"
    "--channel (aula, email, phone, meeting, sms, other; repeat or comma-separate), --topics\n"
    "(progress, challenges, both), --detail (brief, detailed) and --agreed-on YYYY-MM-DD.\n")};

static int add(int argc, char **argv) { return cli_entry_add(&guardian, argc, argv); }
static int set(int argc, char **argv) { return cli_entry_set(&guardian, argc, argv); }
static int rm(int argc, char **argv) { return cli_entry_remove(&guardian, argc, argv); }

int cmd_guardian(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"add", add, N_("add a guardian, optionally with the communication agreement")},
        {"set", set, N_("change a guardian's details or agreement: baton guardian set ID G --frequency weekly")},
        {"remove", rm, N_("remove a guardian")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("guardian", subs, argc, argv);
}
