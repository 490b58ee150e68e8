/* baton measure: the measures of a plan. For each: who does it, in which setting, toward which
 * goal, and when it is reviewed. */
#include "cli.h"

static const cli_entry_field fields[] = {
    {"setting", "setting", 0, 0},         {"description", "description", 0, 0}, {"goal", "goal", 0, 0},
    {"responsible", "responsible", 0, 0}, {"start", "start", 0, 0},             {"review-by", "review_by", 0, 0},
    {"status", "status", 0, 0},           {"outcome", "outcome", 0, 0},         {NULL, NULL, 0, 0},
};
static const char *const required[] = {"setting", "description", "goal", "responsible", "review-by", NULL};
static const char *const defaults[] = {"status", "active", "start", "@today", NULL};

static const cli_entry_kind measure = {
    "measure", "plan.measures", "m", "M", fields, required, defaults, N_("SETTING is school, leisure or home; STATUS planned, active (default), completed or stopped.\n"
    "--start defaults to today. Dates are YYYY-MM-DD. --responsible is a staff id.\n")};

static int add(int argc, char **argv) { return cli_entry_add(&measure, argc, argv); }
static int set(int argc, char **argv) { return cli_entry_set(&measure, argc, argv); }
static int rm(int argc, char **argv) { return cli_entry_remove(&measure, argc, argv); }

int cmd_measure(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"add", add, N_("add a measure (prints the new revision; the measure id goes to stderr)")},
        {"set", set, N_("change fields of a measure: baton measure set ID M --status completed")},
        {"remove", rm, N_("remove a measure (it stays in the history)")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("measure", subs, argc, argv);
}
