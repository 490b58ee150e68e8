/* What every `baton` command shares: the options all of them take, finding the store and the
 * identity, and turning a libbaton error into `baton: <message>` and the documented exit code
 * (0 ok, 1 error, 2 usage, 3 conflict, 4 not found). */
#ifndef BATON_CLI_H
#define BATON_CLI_H

#include <baton/baton.h>

#include <getopt.h>
#include <libintl.h>
#include <stdio.h>

#define _(s) gettext(s)
/* marks a string for the catalogues where it is translated later (help texts in tables) */
#define N_(s) s

enum { EXIT_OK = 0, EXIT_ERR = 1, EXIT_USAGE = 2, EXIT_CONFLICT = 3, EXIT_NOTFOUND = 4, EXIT_BUSY = 5 };

/* Options common to every command; their short codes live above the printable range. */
enum { OPT_STORE = 1000, OPT_AS, OPT_JSON, OPT_REASON, OPT_HELP, OPT_BASE, OPT_PURPOSE, OPT_EMERGENCY };

#define CLI_COMMON_OPTIONS                                                                                    \
    {"store", required_argument, NULL, OPT_STORE}, {"as", required_argument, NULL, OPT_AS},                   \
        {"json", no_argument, NULL, OPT_JSON}, {"reason", required_argument, NULL, OPT_REASON},               \
        {"help", no_argument, NULL, OPT_HELP}, {"purpose", required_argument, NULL, OPT_PURPOSE},             \
        {"emergency", required_argument, NULL, OPT_EMERGENCY}

typedef struct {
    const char *store; /* --store, else BATON_STORE, else discovered */
    const char *as;    /* --as, else BATON_USER */
    const char *reason;
    const char *purpose; /* --purpose, else BATON_PURPOSE: why the data is read (the access log keeps it) */
    const char *emergency; /* --emergency: break-the-glass, why one case outside the reader's scope must be opened */
    int json;
    int help;
} cli_common;

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} cli_command;

/* Parses argv for a command that takes only the common options and exactly nargs positional
 * arguments (left at argv[optind]...). Returns -1 to go on, or the exit code to return now
 * (after --help, or a usage error). */
int cli_parse_common(int argc, char **argv, const char *usage, const char *help, int nargs, cli_common *c);

/* Handles a common option; returns 1 if opt was one. */
int cli_common_option(cli_common *c, int opt, const char *arg);
/* Prints `baton: <last error>` and returns the exit code for rc. */
int cli_fail(int rc);
int cli_exit_code(int rc);
/* Prints `baton: <message>` and the usage line to stderr; returns 2. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the help text to stdout; returns 0. */
int cli_help(const char *text);
/* Rejects an unknown option or missing argument reported by getopt ('?' or ':'). */
int cli_bad_option(const char *usage, char **argv);
/* From here on, stdout goes through a pager when it is a terminal (see output.c). */
void cli_page_output(void);
/* Display columns of s on a terminal, and s padded with spaces to width columns (one of a few
 * rotating buffers: several may be used in one printf); cli_print_padded prints it. */
int cli_width(const char *s);
const char *cli_pad(const char *s, int width);
void cli_print_padded(const char *s, int width);
int cmd_case_fields(int argc, char **argv);
/* What a field takes, in words ("a date, YYYY-MM-DD", "school | leisure | home"), and the field
 * of a record at a dotted path whose lists are passed through ("plan.measures.review_by"). */
#include <baton/record.h>
void cli_field_takes(const baton_field *f, char *out, size_t n);
const baton_field *cli_field_at(baton_record_kind kind, const char *path);
/* The candidate nearest to word (a typo away), or NULL: for "did you mean". */
const char *cli_suggest(const char *word, const char *const *candidates, size_t n);

/* The store (--store, BATON_STORE, or found from the current directory), refused while its access
 * log is missing or damaged; _as_is opens it all the same (for 'baton audit init'). */
int cli_open_store(const cli_common *c, baton_store **out);
int cli_open_store_as_is(const cli_common *c, baton_store **out);

/* The store and a session on it: the identity is --as or BATON_USER (the trusted local path: whoever
 * runs baton on the store's machine can read its files anyway), the purpose --purpose or
 * BATON_PURPOSE, break-the-glass --emergency. The library checks and logs every read and change
 * through the session. On failure nothing is left open. */
int cli_session(const cli_common *c, baton_store **store, baton_session **s);
void cli_close(baton_store *store, baton_session *s);

/* Changes a case through baton_case_update ("what" as the subject) and prints the new revision.
 * fn returns 0 or an error code. */
typedef baton_case_mutator cli_case_mutator;
int cli_case_update(const cli_common *c, const char *id, const char *base_rev, const char *what,
                    cli_case_mutator fn, void *ctx);

/* Binds the gettext catalogues (main.c). */
void cli_bind_locale(void);

/* Makes stdout and stderr show every control character they are given (but newline and tab)
 * instead of passing it to the terminal (output.c); called once, first thing in main. */
void cli_guard_output(void);
/* Writes one of baton's own terminal escapes (bold, colour) past the guard. */
void cli_style(const char *escape);

/* Prints a JSON value to stdout (pretty), followed by a newline. */
void cli_print_json(const json_t *v);
/* 1 when stdout is a terminal (for colour). */
int cli_tty(void);

/* Reads a whole file (or "-" for stdin). */
int cli_read_file(const char *path, char **buf, size_t *len);

/* Sub-command dispatch inside a command group (`baton case <sub>`). */
int cli_dispatch(const char *group, const cli_command *subs, int argc, char **argv);

/* The commands. */
int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_staff(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_case_new(int argc, char **argv);
int cmd_case_list(int argc, char **argv);
int cmd_case_show(int argc, char **argv);
int cmd_case_set(int argc, char **argv);
int cmd_case_edit(int argc, char **argv);
int cmd_case_log(int argc, char **argv);
int cmd_case_diff(int argc, char **argv);
int cmd_case_access(int argc, char **argv);
int cmd_case_erase(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_focus(int argc, char **argv);
int cmd_guardian(int argc, char **argv);
int cmd_team(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_reindex(int argc, char **argv);
int cmd_fsck(int argc, char **argv);
int cmd_journal(int argc, char **argv);
int cmd_followup(int argc, char **argv);
int cmd_due(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_handover(int argc, char **argv);
int cmd_contact(int argc, char **argv);
int cmd_consent(int argc, char **argv);
int cmd_packet(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_transfer(int argc, char **argv);
int cmd_briefing(int argc, char **argv);
int cmd_gc(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_archive(int argc, char **argv);

/* Rewrites a library error that starts with a field name ("follow_up.owner: ...") to name the
 * option the user typed ("--owner: ..."). map holds field, option pairs, NULL-ended. */
int cli_rename_fields(int rc, const char *const *map);
/* The one rewrite behind it: when msg is "<field>[i]: ..." or "<field>: ...", the last error
 * becomes "<prefix><name>: ..." and 1 is returned. msg may point into the last error. */
int cli_rename_field(const char *msg, const char *field, const char *prefix, const char *name);

/* Readable, sectioned view of a case (render_case.c). */
void cli_render_case(FILE *out, const json_t *doc, int show_secret);

#endif

/* ---- entry commands (entry.c): measure, focus, guardian, team ---- */

typedef struct {
    const char *option; /* --review-by */
    const char *field;  /* review_by, or agreement.frequency (inside the entry) */
    int list;           /* the option may repeat; values form a list */
    int split;          /* ... and each value may hold several, comma-separated */
} cli_entry_field;

typedef struct {
    const char *group;     /* "measure" */
    const char *list_path; /* "plan.measures" */
    const char *prefix;    /* "m": entries get ids m1, m2, ...; NULL: keyed by a positional */
    const char *key_name;  /* what the key is called in usage ("M", "STAFF") */
    const cli_entry_field *fields;
    const char *const *required; /* options that `add` requires */
    const char *const *defaults; /* field, value pairs set on add when not given ("@today" = today) */
    const char *add_help;
} cli_entry_kind;

int cli_entry_add(const cli_entry_kind *k, int argc, char **argv);
int cli_entry_set(const cli_entry_kind *k, int argc, char **argv);
int cli_entry_remove(const cli_entry_kind *k, int argc, char **argv);

