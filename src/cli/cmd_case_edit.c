/* baton case edit: the whole record in $EDITOR, the way `git commit` works. Errors reopen the
 * file with the problems as comments on top; an unchanged file aborts; an edit whose base
 * version has since changed is a conflict, and the edited text is kept so no work is lost. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] = "baton case edit ID [--file F] [--reason TEXT] [--base REV] [--show-national-id]";
static const char help[] =
    N_("usage: baton case edit ID [--file F] [--reason TEXT] [--base REV] [--show-national-id] [--as STAFF]\n\n"
    "Opens the case record in $VISUAL or $EDITOR (default vi). Lines starting with # at the top\n"
    "are ignored. On save the record is validated; on errors the file reopens with the errors\n"
    "listed as comments. Leaving the file unchanged aborts without writing. Opening a case is a\n"
    "read like case show (it goes into the access log), and the child's national id is left out\n"
    "of the file, and kept as it is, unless --show-national-id.\n"
    "  --file F      take the new record from F (- for stdin) instead of an editor\n"
    "  --base REV    the revision the edit was based on (default: the head when the edit starts);\n"
    "                if the case has changed since, the save is refused as a conflict (exit 3)\n"
    "  --reason TEXT why, kept in the history\n");

/* Drops the leading comment lines (# ...) that carry instructions and errors. */
static const char *skip_comments(const char *s)
{
    while (*s == '#') {
        const char *nl = strchr(s, '\n');
        if (!nl)
            return s + strlen(s);
        s = nl + 1;
    }
    return s;
}

static int write_file(const char *path, const char *header, const char *body)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return baton_error_set(BATON_ERROR, "%s: %s", path, strerror(errno));
    fputs(header, f);
    fputs(body, f);
    if (fclose(f))
        return baton_error_set(BATON_ERROR, "%s: %s", path, strerror(errno));
    return 0;
}

static int run_editor(const char *path)
{
    const char *ed = getenv("VISUAL");
    if (!ed || !*ed)
        ed = getenv("EDITOR");
    if (!ed || !*ed)
        ed = "vi";
    char *cmd = NULL;
    /* through the shell, like git, so EDITOR="code --wait" works; the path is ours and safe */
    if (asprintf(&cmd, "%s '%s'", ed, path) < 0)
        return baton_error_set(BATON_ERROR, "out of memory");
    int st = system(cmd);
    free(cmd);
    if (st != 0)
        return baton_error_set(BATON_ERROR, "the editor (%s) exited with an error; nothing written", ed);
    return 0;
}

/* Subject for the commit: the fields that changed. */
static void subject_for(const json_t *old, const json_t *doc, char *out, size_t n)
{
    baton_diff d;
    snprintf(out, n, "edit");
    if (baton_diff_records(old, doc, BATON_RECORD_CASE, &d))
        return;
    json_t *fields = baton_diff_fields(&d);
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) {
        size_t used = strlen(out);
        if (used + strlen(json_string_value(f)) + 8 >= n) {
            snprintf(out + used, n - used, ", ...");
            break;
        }
        snprintf(out + used, n - used, "%s%s", i ? ", " : " ", json_string_value(f));
    }
    json_decref(fields);
    baton_diff_free(&d);
}

/* Parses, validates and saves text. EINVALID leaves the full error list in errs. A national id
 * left out of the edited text (it was hidden) is kept as it was. */
static int try_save(baton_session *s, const json_t *old, const char *text, const char *base, const char *reason,
                    const char *what_file, baton_errors *errs, baton_oid_hex commit)
{
    json_t *doc;
    int rc = baton_record_parse(text, strlen(text), what_file, &doc);
    if (rc) {
        baton_errors_add(errs, baton_error_last());
        return rc;
    }
    const json_t *nid = json_object_get(json_object_get(old, "child"), "national_id");
    json_t *child = json_object_get(doc, "child");
    if (nid && json_is_object(child) && !json_object_get(child, "national_id"))
        json_object_set(child, "national_id", (json_t *)nid);
    if (baton_record_validate(doc, BATON_RECORD_CASE, errs)) {
        json_decref(doc);
        return BATON_EINVALID;
    }
    char what[300];
    subject_for(old, doc, what, sizeof what);
    rc = baton_case_save(s, old, doc, base, what, reason, commit);
    if (rc == BATON_EINVALID || rc == BATON_ENOTFOUND)
        baton_errors_add(errs, baton_error_last());
    json_decref(doc);
    return rc;
}

static int edit_interactive(baton_session *s, const json_t *old, const char *id, const char *base,
                            const char *reason, int show_secret, baton_oid_hex commit)
{
    json_t *shown_doc = json_deep_copy(old);
    if (!show_secret)
        json_object_del(json_object_get(shown_doc, "child"), "national_id");
    char *original = baton_record_dump(shown_doc);
    json_decref(shown_doc);
    char path[] = "/tmp/baton-edit-XXXXXX.json";
    char *text = NULL, *shown = NULL;
    size_t len;
    int rc, keep = 0;
    if (!original)
        return BATON_ERROR;
    int fd = mkstemps(path, 5); /* mode 0600: the record is about a child */
    if (fd < 0) {
        free(original);
        return baton_error_set(BATON_ERROR, "cannot create a temporary file: %s", strerror(errno));
    }
    close(fd);
    char header[512];
    snprintf(header, sizeof header,
             "# Editing case %s (version %.12s). Lines starting with # are ignored.\n"
             "# Save and quit to commit the change; quit without changes to abort.\n",
             id, base);
    if ((rc = write_file(path, header, original)))
        goto out;
    shown = strdup(original);
    for (;;) {
        if ((rc = run_editor(path)))
            break;
        free(text);
        text = NULL;
        if ((rc = cli_read_file(path, &text, &len)))
            break;
        const char *body = skip_comments(text);
        if (strcmp(body, shown) == 0) {
            rc = baton_error_set(BATON_EINVALID, strcmp(body, original) == 0 ? "no changes; edit aborted"
                                                                            : "errors not fixed; edit aborted");
            break;
        }
        baton_errors errs = {0};
        rc = try_save(s, old, body, base, reason, "edited record", &errs, commit);
        if (rc == BATON_ECONFLICT) {
            keep = 1;
            baton_errors_free(&errs);
            char msg[2048];
            snprintf(msg, sizeof msg, _("%s; your edited record is kept in %s"), baton_error_last(), path);
            baton_error_set(BATON_ECONFLICT, "%s", msg);
            break;
        }
        if (errs.count == 0) {
            baton_errors_free(&errs);
            break;
        }
        /* reopen with the problems listed on top */
        size_t cap = 256;
        for (size_t i = 0; i < errs.count; i++)
            cap += strlen(errs.items[i]) + 8;
        char *eh = malloc(cap);
        if (!eh) {
            baton_errors_free(&errs);
            rc = baton_error_set(BATON_ERROR, "out of memory");
            break;
        }
        size_t used = (size_t)snprintf(eh, cap, _("# The record was not saved. Fix these and save again:\n"));
        for (size_t i = 0; i < errs.count; i++)
            used += (size_t)snprintf(eh + used, cap - used, "#   %s\n", errs.items[i]);
        snprintf(eh + used, cap - used, "%s", header);
        baton_errors_free(&errs);
        free(shown);
        shown = strdup(body);
        rc = write_file(path, eh, shown);
        free(eh);
        if (rc)
            break;
    }
out:
    if (!keep)
        unlink(path);
    free(text);
    free(shown);
    free(original);
    return rc;
}

int cmd_case_edit(int argc, char **argv)
{
    enum { O_FILE = 1, O_NID };
    static const struct option opts[] = {{"file", required_argument, NULL, O_FILE},
                                         {"base", required_argument, NULL, OPT_BASE},
                                         {"show-national-id", no_argument, NULL, O_NID},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    const char *file = NULL, *base_rev = NULL;
    int opt, secret = 0;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_FILE)
            file = optarg;
        else if (opt == OPT_BASE)
            base_rev = optarg;
        else if (opt == O_NID)
            secret = 1;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help(help);
    if (argc - optind != 1)
        return cli_usage_error(usage, "expected one case ID");
    const char *id = argv[optind];
    baton_store *store;
    baton_session *s;
    json_t *old = NULL;
    baton_oid_hex version, commit = "";
    int rc = cli_session(&c, &store, &s);
    if (rc)
        return cli_fail(rc);
    /* opening the record is a read: checked and logged like case show */
    if ((rc = baton_case_load(s, NULL, id, &old, version)))
        goto out;
    if (base_rev) {
        baton_oid_hex at;
        char path[128];
        baton_case_path(id, path, sizeof path);
        if ((rc = baton_store_resolve(store, base_rev, at)) || (rc = baton_store_entry_id(store, at, path, version))) {
            baton_error_set(rc, "--base: no version of case %s at %.60s", id, base_rev);
            goto out;
        }
    }
    if (file) {
        char *text;
        size_t len;
        if ((rc = cli_read_file(file, &text, &len)))
            goto out;
        baton_errors errs = {0};
        char what[PATH_MAX + 16];
        snprintf(what, sizeof what, "--file %s", file);
        rc = try_save(s, old, skip_comments(text), version, c.reason, what, &errs, commit);
        free(text);
        /* every problem, in record order; the last one goes out through cli_fail */
        if (rc == BATON_EINVALID && errs.count > 0) {
            for (size_t i = 0; i + 1 < errs.count; i++)
                fprintf(stderr, "baton: %s\n", errs.items[i]);
            baton_error_set(rc, "%s", errs.items[errs.count - 1]);
        }
        baton_errors_free(&errs);
    } else {
        rc = edit_interactive(s, old, id, version, c.reason, secret, commit);
    }
    if (rc == 0 && !commit[0])
        fprintf(stderr, _("baton: the record is unchanged; nothing written\n"));
    else if (rc == 0)
        printf("%.12s\n", commit);
out:
    json_decref(old);
    cli_close(store, s);
    return rc ? cli_fail(rc) : EXIT_OK;
}
