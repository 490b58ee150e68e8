/* The add/set/remove commands for the lists inside a case (measures, focus points, guardians,
 * team), driven by one table per list. Options map to fields of the entry; validation errors
 * about those fields come back under the option's name (`--review-by: not a date`). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const cli_entry_kind *kind;
    const char *key;      /* entry key (set/remove; add with a positional key) */
    char new_key[40];     /* add: the key given to the new entry */
    json_t *values;       /* field -> string or array of strings */
    int adding;
    int index;            /* position of the entry in its list, for error messages */
    char what[200];       /* commit subject, completed once the new entry's key is known */
} entry_ctx;

/* "plan.measures[2].review_by: x" or "plan.measures[m2].review_by: x" -> "--review-by: x" */
static int rename_error(int rc, const entry_ctx *e)
{
    int index = e->index;
    const char *msg = baton_error_last();
    char by_index[160], by_key[160];
    snprintf(by_index, sizeof by_index, "%s[%d].", e->kind->list_path, index);
    snprintf(by_key, sizeof by_key, "%s[%s].", e->kind->list_path, e->key ? e->key : e->new_key);
    const char *rest = NULL;
    if (strncmp(msg, by_index, strlen(by_index)) == 0)
        rest = msg + strlen(by_index);
    else if (strncmp(msg, by_key, strlen(by_key)) == 0)
        rest = msg + strlen(by_key);
    if (!rest)
        return rc;
    for (const cli_entry_field *f = e->kind->fields; f->option; f++)
        if (cli_rename_field(rest, f->field, "--", f->option))
            break;
    return rc;
}

static int entry_mutate(json_t *doc, const baton_identity *as, void *vctx)
{
    entry_ctx *e = vctx;
    const cli_entry_kind *k = e->kind;
    (void)as;
    if (!e->adding && (e->index = baton_record_entry_index(doc, BATON_RECORD_CASE, k->list_path, e->key)) < 0)
        return baton_error_set(BATON_ENOTFOUND, "%s %s: no such %s in this case", k->group, e->key, k->group);
    int rc = baton_record_entry_put(doc, BATON_RECORD_CASE, k->list_path, e->adding, e->adding && k->prefix ? NULL : e->key,
                                    k->prefix, e->values, k->defaults, e->new_key);
    if (e->adding && e->new_key[0]) {
        e->index = baton_record_entry_index(doc, BATON_RECORD_CASE, k->list_path, e->new_key);
        snprintf(e->what, sizeof e->what, "add %s %s", k->group, e->new_key);
    }
    return rc;
}

/* Parses the entry options of argv into e->values; positional arguments are left in argv. */
static int parse_entry_options(const cli_entry_kind *k, int argc, char **argv, cli_common *c, entry_ctx *e,
                               const char **base_rev, const char *usage)
{
    size_t nf = 0;
    while (k->fields[nf].option)
        nf++;
    static const struct option common[] = {CLI_COMMON_OPTIONS, {"base", required_argument, NULL, OPT_BASE},
                                           {NULL, 0, NULL, 0}};
    size_t nc = sizeof common / sizeof *common;
    struct option *opts = calloc(nf + nc, sizeof *opts);
    if (!opts)
        return baton_error_set(BATON_ERROR, "out of memory");
    for (size_t i = 0; i < nf; i++)
        opts[i] = (struct option){k->fields[i].option, required_argument, NULL, 2000 + (int)i};
    memcpy(opts + nf, common, sizeof common);
    e->values = json_object();
    int opt, rc = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(c, opt, optarg))
            continue;
        if (opt == OPT_BASE) {
            *base_rev = optarg;
            continue;
        }
        if (opt < 2000 || opt >= 2000 + (int)nf) {
            rc = cli_bad_option(usage, argv) ? BATON_EUSAGE : 0;
            break;
        }
        const cli_entry_field *f = &k->fields[opt - 2000];
        if (!baton_utf8_valid(optarg, strlen(optarg))) {
            rc = baton_error_set(BATON_EINVALID, "--%s: not valid UTF-8", f->option);
            break;
        }
        if (!f->list) {
            json_object_set_new(e->values, f->field, json_string(optarg));
            continue;
        }
        json_t *arr = json_object_get(e->values, f->field);
        if (!arr) {
            arr = json_array();
            json_object_set_new(e->values, f->field, arr);
        }
        const char *s = optarg;
        do {
            size_t n = f->split ? strcspn(s, ",") : strlen(s);
            while (n > 0 && *s == ' ')
                s++, n--;
            if (n > 0)
                json_array_append_new(arr, json_stringn(s, n));
            s += n;
        } while (f->split && *s++ == ',');
    }
    free(opts);
    return rc;
}

static int remove_mutate(json_t *doc, const baton_identity *as, void *vctx)
{
    entry_ctx *e = vctx;
    (void)as;
    int rc = baton_record_entry_remove(doc, BATON_RECORD_CASE, e->kind->list_path, e->key);
    if (rc == BATON_ENOTFOUND)
        return baton_error_set(rc, "%s %s: no such %s in this case", e->kind->group, e->key, e->kind->group);
    return rc;
}

static int entry_command(const cli_entry_kind *k, int argc, char **argv, int mode)
{
    enum { ADD, SET, REMOVE };
    char usage[512];
    const char *verb = mode == ADD ? "add" : mode == SET ? "set" : "remove";
    int need = mode == ADD ? (k->prefix ? 1 : 2) : 2;
    snprintf(usage, sizeof usage, "baton %s %s ID%s%s%s", k->group, verb, need == 2 ? " " : "",
             need == 2 ? k->key_name : "", mode == REMOVE ? " [--reason TEXT]" : " [options]; see --help");
    cli_common c = {0};
    entry_ctx e = {k, NULL, "", NULL, mode == ADD, -1};
    const char *base_rev = NULL;
    int rc = parse_entry_options(k, argc, argv, &c, &e, &base_rev, usage);
    if (rc == BATON_EUSAGE) {
        json_decref(e.values);
        return EXIT_USAGE;
    }
    if (rc) {
        json_decref(e.values);
        return cli_fail(rc);
    }
    if (c.help) {
        json_decref(e.values);
        printf(_("usage: %s\n"), usage);
        putchar('\n');
        if (mode != REMOVE) {
            printf(_("Options (each sets one field of the %s):\n"), k->group);
            for (const cli_entry_field *f = k->fields; f->option; f++) {
                char path[200], what[400], opt[64];
                snprintf(path, sizeof path, "%s.%s", k->list_path, f->field);
                const baton_field *bf = cli_field_at(BATON_RECORD_CASE, path);
                if (bf)
                    cli_field_takes(bf, what, sizeof what);
                else
                    snprintf(what, sizeof what, "%s", f->field);
                int required = 0;
                for (const char *const *r = k->required; mode == ADD && r && *r; r++)
                    required |= strcmp(*r, f->option) == 0;
                snprintf(opt, sizeof opt, "--%s", f->option);
                printf("  %s %s%s%s\n", cli_pad(opt, 20), what, required ? _("; required") : "",
                       f->list ? _("; may repeat") : "");
            }
        }
        if (k->add_help && mode == ADD)
            printf("\n%s", _(k->add_help));
        printf("\nAlso: --reason TEXT, --base REV, --as STAFF, --store PATH.\n");
        return EXIT_OK;
    }
    if (argc - optind != need) {
        json_decref(e.values);
        return cli_usage_error(usage, "expected %s", need == 2 ? (mode == ADD ? "ID and STAFF" : "ID and the entry") : "ID");
    }
    const char *id = argv[optind];
    e.key = need == 2 ? argv[optind + 1] : NULL;
    if (mode == ADD) {
        for (const char *const *r = k->required; r && *r; r++) {
            const cli_entry_field *f = k->fields;
            while (f->option && strcmp(f->option, *r) != 0)
                f++;
            if (f->option && !json_object_get(e.values, f->field)) {
                json_decref(e.values);
                return cli_usage_error(usage, "--%s: required", *r);
            }
        }
    }
    if (mode == SET && json_object_size(e.values) == 0) {
        json_decref(e.values);
        return cli_usage_error(usage, "nothing to set: give at least one option");
    }
    if (mode == REMOVE) {
        snprintf(e.what, sizeof e.what, "remove %s %s", k->group, e.key);
        rc = cli_case_update(&c, id, base_rev, e.what, remove_mutate, &e);
    } else {
        if (mode == SET)
            snprintf(e.what, sizeof e.what, "set %s %s", k->group, e.key);
        rc = cli_case_update(&c, id, base_rev, e.what, entry_mutate, &e);
        if (rc && rc != BATON_ECONFLICT)
            rc = rename_error(rc, &e);
    }
    json_decref(e.values);
    if (rc)
        return cli_fail(rc);
    if (mode == ADD && k->prefix)
        fprintf(stderr, "%s %s added\n", k->group, e.new_key);
    return EXIT_OK;
}

int cli_entry_add(const cli_entry_kind *k, int argc, char **argv) { return entry_command(k, argc, argv, 0); }
int cli_entry_set(const cli_entry_kind *k, int argc, char **argv) { return entry_command(k, argc, argv, 1); }
int cli_entry_remove(const cli_entry_kind *k, int argc, char **argv) { return entry_command(k, argc, argv, 2); }
