/* The `baton` command: one table of commands, each in its own cmd_<name>.c, found at a glance
 * (the way git's builtins and tmux's cmd-*.c are). */
#include "cli.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

static const cli_command commands[] = {
    {"init", cmd_init, "create a new store"},
    {"staff", cmd_staff, "the staff directory: add, list, show, leave"},
    {"case", cmd_case, "support-plan cases: new, list, show, set, edit, log, diff"},
    {"measure", cmd_measure, "add, change or remove a measure of a case"},
    {"focus", cmd_focus, "add, comment on or remove a focus point of a case"},
    {"guardian", cmd_guardian, "guardians and their communication agreement"},
    {"team", cmd_team, "who works with the child and is responsible for what"},
    {"journal", cmd_journal, "log contacts, meetings, observations, status updates, decisions"},
    {"followup", cmd_followup, "close the follow-up of a journal entry"},
    {"due", cmd_due, "what is owed, by whom, and since when"},
    {"search", cmd_search, "full-text search of the plans, now or across every version"},
    {"reindex", cmd_reindex, "rebuild the search index from git"},
    {"fsck", cmd_fsck, "check git objects and that the index agrees with git"},
    {"validate", cmd_validate, "check record files against Baton's rules"},
    {"config", cmd_config, "show or change the store's settings"},
    {NULL, NULL, NULL},
};

static int usage(FILE *out, int code)
{
    fprintf(out, "usage: baton [--store PATH] [--as STAFF] <command> [<subcommand>] [options]\n\n");
    for (const cli_command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "\nThe store is --store PATH, else $BATON_STORE, else the current directory or a parent.\n"
                 "Writes are made as --as STAFF or $BATON_USER.\n"
                 "Run 'baton <command> --help' for the options of one.\n"
                 "Exit codes: 0 ok, 1 error, 2 usage, 3 conflict, 4 not found.\n");
    return code;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    bindtextdomain("baton", getenv("BATON_LOCALEDIR") ? getenv("BATON_LOCALEDIR") : "/usr/local/share/locale");
    textdomain("baton");

    int i = 1;
    /* options before the command apply to it, like git's -C */
    while (i < argc && argv[i][0] == '-') {
        if ((strcmp(argv[i], "--store") == 0 || strcmp(argv[i], "--as") == 0) && i + 1 < argc) {
            setenv(strcmp(argv[i], "--store") == 0 ? "BATON_STORE" : "BATON_USER", argv[i + 1], 1);
            i += 2;
        } else if (strncmp(argv[i], "--store=", 8) == 0) {
            setenv("BATON_STORE", argv[i] + 8, 1);
            i++;
        } else if (strncmp(argv[i], "--as=", 5) == 0) {
            setenv("BATON_USER", argv[i] + 5, 1);
            i++;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            return usage(stdout, EXIT_OK);
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("baton %s\n", BATON_VERSION);
            return EXIT_OK;
        } else {
            return cli_usage_error("baton [--store PATH] [--as STAFF] <command> ...", "unknown option: %s", argv[i]);
        }
    }
    if (i >= argc)
        return usage(stderr, EXIT_USAGE);
    if (strcmp(argv[i], "help") == 0)
        return usage(stdout, EXIT_OK);
    for (const cli_command *c = commands; c->name; c++)
        if (strcmp(c->name, argv[i]) == 0)
            return c->run(argc - i, argv + i);
    return cli_usage_error(NULL, "'%s' is not a baton command; see 'baton --help'", argv[i]);
}
