/* baton focus: focus points (Danish, maths, well-being, ...) with how school and home support
 * them, when they are followed up, and comments from the child, guardians and staff. */
#include "cli.h"

#include <string.h>

static const cli_entry_field fields[] = {
    {"area", "area", 0, 0},
    {"text", "text", 0, 0},
    {"school", "support_school", 0, 0},
    {"home", "support_home", 0, 0},
    {"follow-up", "follow_up", 0, 0},
    {NULL, NULL, 0, 0},
};
static const char *const required[] = {"area", "text", NULL};

static const cli_entry_kind focus = {
    "focus", "plan.focus_points", "f", "F", fields, required, NULL, N_("--school and --home say how school and home support the focus point;\n"
    "--follow-up YYYY-MM-DD is when it is followed up.\n")};

static int add(int argc, char **argv) { return cli_entry_add(&focus, argc, argv); }
static int set(int argc, char **argv) { return cli_entry_set(&focus, argc, argv); }
static int rm(int argc, char **argv) { return cli_entry_remove(&focus, argc, argv); }

typedef struct {
    const char *focus_id, *by, *text, *date;
} comment_ctx;

static int add_comment(json_t *doc, const baton_identity *as, void *vctx)
{
    comment_ctx *cc = vctx;
    char path[96], today[11];
    snprintf(path, sizeof path, "plan.focus_points[%s].comments", cc->focus_id);
    if (baton_record_entry_index(doc, BATON_RECORD_CASE, "plan.focus_points", cc->focus_id) < 0)
        return baton_error_set(BATON_ENOTFOUND, "focus %s: no such focus point in this case", cc->focus_id);
    const baton_field *spec;
    json_t *list;
    int rc = baton_record_path_lookup(doc, BATON_RECORD_CASE, path, &spec, &list);
    if (rc)
        return rc;
    if (!list) {
        list = json_array();
        json_t *fp = json_array_get(json_object_get(json_object_get(doc, "plan"), "focus_points"),
                                    (size_t)baton_record_entry_index(doc, BATON_RECORD_CASE, "plan.focus_points", cc->focus_id));
        json_object_set_new(fp, "comments", list);
    }
    baton_date_today(today);
    json_t *c = json_pack("{s:s, s:s, s:s}", "by", cc->by, "text", cc->text, "date", cc->date ? cc->date : today);
    if (!c)
        return baton_error_set(BATON_EINVALID, "--text: not valid UTF-8");
    json_object_set_new(c, "staff", json_string(as->id));
    json_array_append_new(list, c);
    /* name problems by option, not by path */
    rc = baton_field_validate(c, spec->fields, "comment");
    if (rc && strncmp(baton_error_last(), "comment.", 8) == 0) {
        char msg[1200];
        snprintf(msg, sizeof msg, "--%s", baton_error_last() + 8);
        return baton_error_set(rc, "%s", msg);
    }
    return 0;
}

static int comment(int argc, char **argv)
{
    enum { O_BY = 1, O_TEXT, O_DATE };
    static const struct option opts[] = {{"by", required_argument, NULL, O_BY},
                                         {"text", required_argument, NULL, O_TEXT},
                                         {"date", required_argument, NULL, O_DATE},
                                         {"base", required_argument, NULL, OPT_BASE},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    static const char usage[] = "baton focus comment ID F --by child|guardian|staff --text TEXT [--date YYYY-MM-DD]";
    cli_common c = {0};
    comment_ctx cc = {0};
    const char *base_rev = NULL;
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        switch (opt) {
        case O_BY: cc.by = optarg; break;
        case O_TEXT: cc.text = optarg; break;
        case O_DATE: cc.date = optarg; break;
        case OPT_BASE: base_rev = optarg; break;
        default: return cli_bad_option(usage, argv);
        }
    }
    if (c.help)
        return cli_help("usage: baton focus comment ID F --by child|guardian|staff --text TEXT [--date YYYY-MM-DD]\n\n"
                        "Records a comment on focus point F, said by the child, a guardian or staff\n"
                        "(written down by you). --date defaults to today.\n");
    if (argc - optind != 2)
        return cli_usage_error(usage, "expected ID and F");
    if (!cc.by || !cc.text)
        return cli_usage_error(usage, "%s: required", !cc.by ? "--by" : "--text");
    cc.focus_id = argv[optind + 1];
    char what[96];
    snprintf(what, sizeof what, "comment on focus %s", cc.focus_id);
    int rc = cli_case_update(&c, argv[optind], base_rev, what, add_comment, &cc);
    return rc ? cli_fail(rc) : EXIT_OK;
}

int cmd_focus(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"add", add, N_("add a focus point")},
        {"set", set, N_("change a focus point: baton focus set ID F --follow-up 2027-02-01")},
        {"comment", comment, N_("add a comment by the child, a guardian or staff")},
        {"remove", rm, N_("remove a focus point")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("focus", subs, argc, argv);
}
