/* The `baton` command: one table of commands, each in its own cmd_<name>.c, found at a glance
 * (the way git's builtins and tmux's cmd-*.c are). */
#include "cli.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const cli_command commands[] = {
    {"init", cmd_init, N_("create a new store")},
    {"staff", cmd_staff, N_("the staff directory: add, list, show, leave, passwd, sso")},
    {"case", cmd_case, N_("support-plan cases: new, list, show, set, edit, log, diff, access, fields")},
    {"measure", cmd_measure, N_("add, change or remove a measure of a case")},
    {"focus", cmd_focus, N_("add, comment on or remove a focus point of a case")},
    {"guardian", cmd_guardian, N_("guardians and their communication agreement")},
    {"team", cmd_team, N_("who works with the child and is responsible for what")},
    {"consent", cmd_consent, N_("the parents' consent to share parts of the record")},
    {"handover", cmd_handover, N_("hand a case over: new contact person, or the child moves on")},
    {"packet", cmd_packet, N_("render the handover packet of a case")},
    {"briefing", cmd_briefing, N_("one briefing for a whole class, for its new teacher; ack")},
    {"contact", cmd_contact, N_("every contact person a case has had")},
    {"transfer", cmd_transfer, N_("signed transfer files: export, verify, import")},
    {"key", cmd_key, N_("the signing key and the trusted senders")},
    {"journal", cmd_journal, N_("log contacts, meetings, observations, status updates, decisions")},
    {"followup", cmd_followup, N_("close the follow-up of a journal entry")},
    {"due", cmd_due, N_("what is owed, by whom, and since when")},
    {"search", cmd_search, N_("full-text search of the plans, now or across every version")},
    {"reindex", cmd_reindex, N_("rebuild the search index from git")},
    {"gc", cmd_gc, N_("pack the store's git objects")},
    {"backup", cmd_backup, N_("copies of the store on git remotes: add, list, remove, push")},
    {"restore", cmd_restore, N_("make a new store from a backup")},
    {"archive", cmd_archive, N_("the archive package of a closed case: export, verify")},
    {"audit", cmd_audit, N_("the access log: list, review, verify, export, purge, init")},
    {"fsck", cmd_fsck, N_("check the whole store against Baton's rules, the access log and the index")},
    {"validate", cmd_validate, N_("check record files against Baton's rules")},
    {"config", cmd_config, N_("show or change the store's settings")},
    {"serve", cmd_serve, N_("serve the store to a browser: the web front end")},
    {NULL, NULL, NULL},
};

#ifndef BATON_LOCALEDIR
#define BATON_LOCALEDIR "/usr/local/share/locale"
#endif

/* The catalogues: $BATON_LOCALEDIR, else locale/ beside the binary (a build tree), else
 * ../share/locale from the binary (installed under any PREFIX, wherever it was built for), else
 * the PREFIX it was built with. */
void cli_bind_locale(void)
{
    char dir[4096];
    const char *env = getenv("BATON_LOCALEDIR");
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 32);
    const char *use = BATON_LOCALEDIR;
    struct stat st;
    if (env && *env) {
        use = env;
    } else if (n > 0) {
        dir[n] = '\0';
        char *slash = strrchr(dir, '/');
        if (slash) {
            strcpy(slash, "/locale");
            if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
                use = dir;
            } else {
                strcpy(slash, "/../share/locale");
                if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
                    use = dir;
            }
        }
    }
    bindtextdomain("baton", use);
    bind_textdomain_codeset("baton", "UTF-8");
    textdomain("baton");
}

static int usage(FILE *out, int code)
{
    fprintf(out, _("usage: baton [--store PATH] [--as STAFF] <command> [<subcommand>] [options]\n\n"));
    for (const cli_command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, _(c->summary));
    fprintf(out, _("\nThe store is --store PATH, else $BATON_STORE, else the current directory or a parent.\n"
                 "Every command runs as --as STAFF or $BATON_USER, trusted as given (the local administrator's\n"
                 "path): what that staff member may read and change follows the need-to-know policy, and every\n"
                 "read is logged. --purpose TEXT records why; --emergency PURPOSE opens a case outside your scope\n"
                 "(logged as emergency access and shown to its contact person).\n"
                 "Run 'baton <command> --help' for the options of one.\n"
                 "Exit codes: 0 ok, 1 error, 2 usage, 3 conflict, 4 not found, 5 busy (try again).\n"));
    return code;
}

int main(int argc, char **argv)
{
    cli_guard_output();
    /* every file baton writes (the store, packets, exports) is about a child: the owner's alone */
    umask(077);
    setlocale(LC_ALL, "");
    cli_bind_locale();
    /* the messages' language is this thread's (i18n.h), so a document can be written in its
     * store's language whatever the reader's: LANGUAGE, which would override that, is read and
     * then left out; without a locale for the language, gettext keeps following the environment */
    if (baton_i18n_use(baton_i18n_from_env()) == 0)
        unsetenv("LANGUAGE");
    baton_error_clear();
    /* getopt's own complaints would say it a second time: cli_bad_option says it once */
    opterr = 0;

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
        } else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
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
    const char *names[64];
    size_t n = 0;
    for (const cli_command *c = commands; c->name; c++) {
        if (strcmp(c->name, argv[i]) == 0)
            return c->run(argc - i, argv + i);
        if (n < 64)
            names[n++] = c->name;
    }
    const char *near = cli_suggest(argv[i], names, n);
    if (near)
        return cli_usage_error(NULL, "'%s' is not a baton command; did you mean '%s'?", argv[i], near);
    return cli_usage_error(NULL, "'%s' is not a baton command; see 'baton --help'", argv[i]);
}
