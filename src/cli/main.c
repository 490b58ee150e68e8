/* The `baton` command: one table of commands, each in its own cmd_<name>.c, found at a glance
 * (the way git's builtins and tmux's cmd-*.c are). */
#include "cli.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const cli_command commands[] = {
    {"init", cmd_init, "create a new store"},
    {"staff", cmd_staff, "the staff directory: add, list, show, leave"},
    {"case", cmd_case, "support-plan cases: new, list, show, set, edit, log, diff"},
    {"measure", cmd_measure, "add, change or remove a measure of a case"},
    {"focus", cmd_focus, "add, comment on or remove a focus point of a case"},
    {"guardian", cmd_guardian, "guardians and their communication agreement"},
    {"team", cmd_team, "who works with the child and is responsible for what"},
    {"consent", cmd_consent, "the parents' consent to share parts of the record"},
    {"handover", cmd_handover, "hand a case over: new contact person, or the child moves on"},
    {"packet", cmd_packet, "render the handover packet of a case"},
    {"briefing", cmd_briefing, "one briefing for a whole class, for its new teacher; ack"},
    {"contact", cmd_contact, "every contact person a case has had"},
    {"transfer", cmd_transfer, "signed transfer files: export, verify, import"},
    {"key", cmd_key, "the signing key and the trusted senders"},
    {"journal", cmd_journal, "log contacts, meetings, observations, status updates, decisions"},
    {"followup", cmd_followup, "close the follow-up of a journal entry"},
    {"due", cmd_due, "what is owed, by whom, and since when"},
    {"search", cmd_search, "full-text search of the plans, now or across every version"},
    {"reindex", cmd_reindex, "rebuild the search index from git"},
    {"gc", cmd_gc, "pack the store's git objects"},
    {"audit", cmd_audit, "the access log: list, review, verify, export, purge, init"},
    {"fsck", cmd_fsck, "check git objects and that the index agrees with git"},
    {"validate", cmd_validate, "check record files against Baton's rules"},
    {"config", cmd_config, "show or change the store's settings"},
    {NULL, NULL, NULL},
};

#ifndef BATON_LOCALEDIR
#define BATON_LOCALEDIR "/usr/local/share/locale"
#endif

/* The catalogues: $BATON_LOCALEDIR, else locale/ beside the binary (a build tree), else the
 * installed ones. */
void cli_bind_locale(void)
{
    char dir[4096];
    const char *env = getenv("BATON_LOCALEDIR");
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 16);
    const char *use = BATON_LOCALEDIR;
    if (env && *env) {
        use = env;
    } else if (n > 0) {
        dir[n] = '\0';
        char *slash = strrchr(dir, '/');
        struct stat st;
        if (slash) {
            strcpy(slash, "/locale");
            if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
                use = dir;
        }
    }
    bindtextdomain("baton", use);
    bind_textdomain_codeset("baton", "UTF-8");
    textdomain("baton");
}

static int usage(FILE *out, int code)
{
    fprintf(out, "usage: baton [--store PATH] [--as STAFF] <command> [<subcommand>] [options]\n\n");
    for (const cli_command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "\nThe store is --store PATH, else $BATON_STORE, else the current directory or a parent.\n"
                 "Every command runs as --as STAFF or $BATON_USER, trusted as given (the local administrator's\n"
                 "path): what that staff member may read and change follows the need-to-know policy, and every\n"
                 "read is logged. --purpose TEXT records why; --emergency PURPOSE opens a case outside your scope\n"
                 "(logged as emergency access and shown to its contact person).\n"
                 "Run 'baton <command> --help' for the options of one.\n"
                 "Exit codes: 0 ok, 1 error, 2 usage, 3 conflict, 4 not found.\n");
    return code;
}

int main(int argc, char **argv)
{
    cli_guard_output();
    /* every file baton writes (the store, packets, exports) is about a child: the owner's alone */
    umask(077);
    setlocale(LC_ALL, "");
    cli_bind_locale();

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
