/* Shared plumbing of the command line, so each cmd_*.c holds only its own command. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_common_option(cli_common *c, int opt, const char *arg)
{
    switch (opt) {
    case OPT_STORE: c->store = arg; return 1;
    case OPT_AS: c->as = arg; return 1;
    case OPT_JSON: c->json = 1; return 1;
    case OPT_REASON: c->reason = arg; return 1;
    case OPT_HELP: c->help = 1; return 1;
    case OPT_PURPOSE: c->purpose = arg; return 1;
    case OPT_EMERGENCY: c->emergency = arg; return 1;
    default: return 0;
    }
}

int cli_parse_common(int argc, char **argv, const char *usage, const char *help, int nargs, cli_common *c)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (!cli_common_option(c, opt, optarg))
            return cli_bad_option(usage, argv);
    if (c->help)
        return cli_help(help);
    if (argc - optind != nargs)
        return nargs == 0 ? cli_usage_error(usage, "unexpected argument: %s", argv[optind])
                          : cli_usage_error(usage, ngettext("expected %d argument", "expected %d arguments", nargs), nargs);
    return -1;
}

int cli_exit_code(int rc)
{
    switch (rc) {
    case 0: return EXIT_OK;
    case BATON_EUSAGE: return EXIT_USAGE;
    case BATON_ECONFLICT: return EXIT_CONFLICT;
    case BATON_ENOTFOUND: return EXIT_NOTFOUND;
    case BATON_EBUSY: return EXIT_BUSY;
    default: return EXIT_ERR;
    }
}

int cli_fail(int rc)
{
    const char *msg = baton_error_last();
    fprintf(stderr, "baton: %s\n", msg && *msg ? msg : "unknown error");
    return cli_exit_code(rc);
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("baton: ", stderr);
    vfprintf(stderr, _(fmt), ap);
    fputc('\n', stderr);
    va_end(ap);
    if (usage)
        fprintf(stderr, _("usage: %s\n"), usage);
    return EXIT_USAGE;
}

int cli_help(const char *text)
{
    cli_page_output();
    fputs(_(text), stdout);
    return EXIT_OK;
}

/* Edit distance (insertions, deletions, substitutions, and swapping two neighbours). */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *cli_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(word);
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, candidates[i]);
        /* a prefix of a longer name counts as near too: --pur for --purpose */
        if (len >= 3 && strncmp(candidates[i], word, len) == 0)
            d = 1;
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

int cli_bad_option(const char *usage, char **argv)
{
    const char *opt = argv[optind - 1] ? argv[optind - 1] : "?";
    char name[64];
    snprintf(name, sizeof name, "%s", opt);
    char *eq = strchr(name, '=');
    if (eq)
        *eq = '\0';
    /* the options this command has: those its usage names, and everyone's */
    const char *cands[64];
    char words[64][40];
    size_t n = 0;
    static const char *const common[] = {"--store", "--as", "--json", "--reason", "--purpose", "--emergency", "--help"};
    for (size_t i = 0; i < sizeof common / sizeof *common; i++)
        cands[n++] = common[i];
    for (const char *p = usage ? strstr(usage, "--") : NULL; p && n < 64; p = strstr(p + 2, "--")) {
        size_t k = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-") + 2;
        if (k > 2 && k < sizeof words[0]) {
            snprintf(words[n], sizeof words[0], "%.*s", (int)k, p);
            cands[n] = words[n];
            n++;
        }
    }
    int known = 0;
    for (size_t i = 0; i < n; i++)
        known |= strcmp(cands[i], name) == 0;
    if (name[0] == '-' && name[1] != '-' && optopt && optopt < 256) {
        char short_opt[4] = {'-', (char)optopt, ' ', 0};
        snprintf(name, sizeof name, "-%c", optopt);
        known = usage && (strstr(usage, short_opt) || (strlen(usage) >= 2 && strcmp(usage + strlen(usage) - 2, name) == 0));
    }
    if (known)
        return cli_usage_error(usage, "%s: a value is required", name);
    const char *near = name[0] == '-' && name[1] == '-' ? cli_suggest(name, cands, n) : NULL;
    if (near)
        return cli_usage_error(usage, "unknown option %s; did you mean %s?", name, near);
    return cli_usage_error(usage, "unknown option %s", name);
}

/* What reading skipped (a record committed outside Baton that breaks its rules) goes to stderr
 * as it is met, beside whatever the command prints. */
static void print_warning(const char *message, void *ctx)
{
    (void)ctx;
    fprintf(stderr, "baton: warning: %s\n", message);
}

int cli_open_store_as_is(const cli_common *c, baton_store **out)
{
    const char *path = c->store ? c->store : getenv("BATON_STORE");
    int rc;
    char *found = NULL, cwd[4096];
    if (!path || !*path) {
        if (!getcwd(cwd, sizeof cwd))
            return baton_error_set(BATON_ERROR, "cannot read the current directory: %s", strerror(errno));
        if ((rc = baton_store_discover(&found, cwd)))
            return rc;
        path = found;
    }
    rc = baton_store_open(out, path);
    free(found);
    if (rc == 0)
        baton_store_on_warning(*out, print_warning, NULL);
    return rc;
}

int cli_open_store(const cli_common *c, baton_store **out)
{
    int rc = cli_open_store_as_is(c, out);
    /* every command, not only those that show a child's data, waits for a whole access log */
    if (rc == 0 && (rc = baton_audit_ready(*out))) {
        baton_store_free(*out);
        *out = NULL;
    }
    return rc;
}

int cli_session(const cli_common *c, baton_store **store, baton_session **s)
{
    *s = NULL;
    int rc = cli_open_store(c, store);
    if (rc)
        return rc;
    baton_session_options o = {c->as ? c->as : getenv("BATON_USER"), c->purpose ? c->purpose : getenv("BATON_PURPOSE"),
                               c->emergency, "cli"};
    if ((rc = baton_session_open(s, *store, &o))) {
        if (rc == BATON_EDENIED)
            baton_error_prefix(rc, "a known, active staff identity is needed: ");
        baton_store_free(*store);
        *store = NULL;
    }
    return rc;
}

void cli_close(baton_store *store, baton_session *s)
{
    baton_session_free(s);
    baton_store_free(store);
}

void cli_print_json(const json_t *v)
{
    char *s = json_dumps(v, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (s) {
        puts(s);
        free(s);
    }
}

int cli_tty(void) { return isatty(STDOUT_FILENO) && !getenv("NO_COLOR"); }

int cli_read_file(const char *path, char **buf, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return baton_error_set(BATON_ENOTFOUND, "--file: %s: %s", path, strerror(errno));
    size_t cap = 8192, n = 0;
    char *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            if (cap > 64u * 1024 * 1024) {
                free(data);
                data = NULL;
                break;
            }
            char *bigger = realloc(data, cap *= 2);
            if (!bigger) {
                free(data);
                data = NULL;
                break;
            }
            data = bigger;
        }
    }
    int err = ferror(f);
    if (f != stdin)
        fclose(f);
    if (!data || err) {
        free(data);
        return baton_error_set(BATON_ERROR, "--file: %s: cannot read (or larger than 64 MiB)", path);
    }
    data[n] = '\0';
    *buf = data;
    *len = n;
    return 0;
}

int cli_dispatch(const char *group, const cli_command *subs, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        FILE *out = argc < 2 ? stderr : stdout;
        fprintf(out, _("usage: baton %s <command> [options]\n\n"), group);
        for (const cli_command *c = subs; c->name; c++)
            fprintf(out, "  %-10s %s\n", c->name, _(c->summary));
        fprintf(out, _("\nRun 'baton %s <command> --help' for the options of one.\n"), group);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *names[64];
    size_t n = 0;
    for (const cli_command *c = subs; c->name; c++) {
        if (strcmp(c->name, argv[1]) == 0)
            return c->run(argc - 1, argv + 1);
        if (n < 64)
            names[n++] = c->name;
    }
    const char *near = cli_suggest(argv[1], names, n);
    if (near)
        return cli_usage_error(NULL, "'%s' is not a 'baton %s' command; did you mean '%s'?", argv[1], group, near);
    return cli_usage_error(NULL, "'%s' is not a 'baton %s' command; see 'baton %s --help'", argv[1], group, group);
}

int cli_case_update(const cli_common *c, const char *id, const char *base_rev, const char *what,
                    cli_case_mutator fn, void *ctx)
{
    baton_store *store;
    baton_session *s;
    baton_oid_hex commit;
    int rc = cli_session(c, &store, &s);
    if (rc)
        return rc;
    rc = baton_case_update(s, id, base_rev, what, c->reason, fn, ctx, commit);
    if (rc == 0 && !commit[0])
        fprintf(stderr, _("baton: %s: the case already holds that; nothing written\n"), what);
    else if (rc == 0)
        printf("%.12s\n", commit);
    cli_close(store, s);
    return rc;
}

int cli_rename_field(const char *msg, const char *field, const char *prefix, const char *name)
{
    size_t n = strlen(field);
    if (strncmp(msg, field, n) != 0)
        return 0;
    const char *rest = msg + n;
    if (*rest == '[' && strchr(rest, ']')) /* with[2]: one option stands for the list */
        rest = strchr(rest, ']') + 1;
    if (*rest != ':')
        return 0;
    char copy[1400];
    snprintf(copy, sizeof copy, "%s%s%s", prefix, name, rest);
    baton_error_set(baton_error_last_code(), "%s", copy);
    return 1;
}

int cli_rename_fields(int rc, const char *const *map)
{
    for (const char *const *m = map; *m; m += 2)
        if (cli_rename_field(baton_error_last(), m[0], "", m[1]))
            break;
    return rc;
}
