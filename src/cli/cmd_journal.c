/* baton journal: log every contact with the home, meeting, observation, status update and
 * decision, and read the journal back with each correction printed under the entry it corrects.
 * There is deliberately no command that edits or removes an entry. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* The library names fields of the entry; the user typed options. */
static const char *const option_names[] = {"follow_up.date", "--follow-up", "follow_up.owner", "--owner",
                                           "kind", "--kind", "text", "--text", "at", "--at", "with", "--with",
                                           "channel", "--channel", "corrects", "--corrects",
                                           "handover", "--handover", NULL};

static const char add_usage[] =
    "baton journal add ID --kind KIND --text TEXT [--with NAME]... [--channel CHANNEL] [--at WHEN]\n"
    "                     [--follow-up DATE --owner STAFF] [--corrects ENTRY] [--handover N] [--restricted]\n"
    "                     [--reason TEXT]";
static const char add_help[] =
    N_("usage: baton journal add ID --kind KIND --text TEXT [--with NAME]... [--channel CHANNEL]\n"
    "                         [--at WHEN] [--follow-up DATE --owner STAFF] [--corrects ENTRY]\n\n"
    "Appends an entry to the case's journal. Entries are never changed afterwards; to correct one,\n"
    "add a new entry with --corrects ENTRY, and it is shown under the entry it corrects.\n"
    "  --kind KIND        contact, meeting, observation, status_update or decision\n"
    "  --text TEXT        what happened, what was said or decided\n"
    "  --with NAME        who took part; a guardian's id (g1) or name links the entry to that\n"
    "                     guardian (a contact or meeting then restarts their agreed frequency)\n"
    "  --channel CHANNEL  aula, email, phone, meeting, sms or other\n"
    "  --at WHEN          when it happened: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (default: now)\n"
    "  --follow-up DATE   someone must follow up by this date: --owner STAFF says who\n"
    "  --corrects ENTRY   this entry corrects ENTRY (j3); the kind defaults to ENTRY's\n"
    "  --handover N       this contact tells the guardians about handover N (its checklist's\n"
    "                     'guardians informed', with this entry's date and channel)\n"
    "  --restricted       only coordinators and psychologists in the case's scope (and you) may\n"
    "                     read it; others see that it exists, never its text; it is never in a\n"
    "                     packet, a briefing, a transfer file or anyone else's search\n"
    "Prints the new entry's id (j1, j2, ...).\n");

static int add(int argc, char **argv)
{
    enum { O_KIND = 1, O_TEXT, O_WITH, O_CHANNEL, O_AT, O_FOLLOW, O_OWNER, O_CORRECTS, O_HANDOVER, O_RESTRICTED };
    static const struct option opts[] = {{"kind", required_argument, NULL, O_KIND},
                                         {"text", required_argument, NULL, O_TEXT},
                                         {"with", required_argument, NULL, O_WITH},
                                         {"channel", required_argument, NULL, O_CHANNEL},
                                         {"at", required_argument, NULL, O_AT},
                                         {"follow-up", required_argument, NULL, O_FOLLOW},
                                         {"owner", required_argument, NULL, O_OWNER},
                                         {"corrects", required_argument, NULL, O_CORRECTS},
                                         {"handover", required_argument, NULL, O_HANDOVER},
                                         {"restricted", no_argument, NULL, O_RESTRICTED},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    baton_journal_new e = {0};
    const char **with = calloc((size_t)argc + 1, sizeof *with);
    int opt;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        switch (opt) {
        case O_KIND: e.kind = optarg; break;
        case O_TEXT: e.text = optarg; break;
        case O_WITH: with[e.nwith++] = optarg; break;
        case O_CHANNEL: e.channel = optarg; break;
        case O_AT: e.at = optarg; break;
        case O_FOLLOW: e.follow_up = optarg; break;
        case O_OWNER: e.owner = optarg; break;
        case O_CORRECTS: e.corrects = optarg; break;
        case O_RESTRICTED: e.restricted = 1; break;
        case O_HANDOVER: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 99999) {
                free(with);
                return cli_fail(baton_error_set(BATON_EINVALID, "--handover: '%.20s' is not a handover number", optarg));
            }
            e.handover = (int)v;
            break;
        }
        default: free(with); return cli_bad_option(add_usage, argv);
        }
    }
    e.with = with;
    int rc;
    if (c.help) {
        free(with);
        return cli_help(add_help);
    }
    if (argc - optind != 1) {
        free(with);
        return cli_usage_error(add_usage, "expected the case ID");
    }
    if (!e.kind && !e.corrects) {
        free(with);
        return cli_usage_error(add_usage, "--kind: required");
    }
    if (!e.text) {
        free(with);
        return cli_usage_error(add_usage, "--text: required");
    }
    baton_store *store;
    baton_session *s;
    char id[16];
    baton_oid_hex commit;
    if ((rc = cli_session(&c, &store, &s)) == 0) {
        rc = baton_journal_add(s, argv[optind], &e, c.reason, id, commit);
        cli_close(store, s);
    }
    free(with);
    if (rc)
        return cli_fail(cli_rename_fields(rc, option_names));
    printf("%s\n", id);
    fprintf(stderr, _("journal entry %s added (revision %.12s)\n"), id, commit);
    return EXIT_OK;
}

/* ---- list ---- */

static const char *guardian_name(const json_t *case_doc, const char *gid)
{
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(case_doc, "guardians"), i, g) {
        const char *id = json_string_value(json_object_get(g, "id"));
        if (id && strcmp(id, gid) == 0)
            return json_string_value(json_object_get(g, "name"));
    }
    return NULL;
}

static const char *s_of(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void print_entry(const json_t *e, const json_t *case_doc, const json_t *all, int depth);

static void print_corrections(const json_t *target, const json_t *case_doc, const json_t *all, int depth)
{
    size_t i;
    json_t *x;
    json_array_foreach(all, i, x) {
        const char *k = s_of(x, "corrects");
        if (k && strcmp(k, s_of(target, "id")) == 0)
            print_entry(x, case_doc, all, depth + 1);
    }
}

static void print_entry(const json_t *e, const json_t *case_doc, const json_t *all, int depth)
{
    char pad[32];
    snprintf(pad, sizeof pad, "%*s", depth * 4, "");
    const char *kind = s_of(e, "kind");
    printf("%s%s %s %s", pad, cli_pad(s_of(e, "id"), 4), cli_pad(s_of(e, "at"), 20), cli_pad(kind, 14));
    if (s_of(e, "channel"))
        printf(" %s", s_of(e, "channel"));
    printf("  %s %s", _("by"), s_of(e, "by"));
    if (s_of(e, "corrects"))
        printf("  (%s %s)", _("corrects"), s_of(e, "corrects"));
    if (s_of(e, "closes"))
        printf("  (%s %s)", _("closes the follow-up of"), s_of(e, "closes"));
    if (json_is_true(json_object_get(e, "restricted")))
        printf("  [%s]", _("restricted"));
    printf("\n");
    if (json_is_true(json_object_get(e, "withheld"))) {
        printf("%s     (%s)\n", pad, _("a restricted entry: only coordinators and psychologists of the case may read it"));
        print_corrections(e, case_doc, all, depth);
        return;
    }
    size_t i, shown = 0;
    json_t *x;
    json_array_foreach(json_object_get(e, "guardians"), i, x) {
        const char *name = guardian_name(case_doc, json_string_value(x));
        if (shown++ == 0)
            printf("%s     ", pad);
        else
            printf(", ");
        printf("%s (%s)", name ? name : "?", json_string_value(x));
    }
    json_array_foreach(json_object_get(e, "with"), i, x) {
        if (shown++ == 0)
            printf("%s     ", pad);
        else
            printf(", ");
        printf("%s", json_string_value(x));
    }
    if (shown)
        printf("  (%s)\n", _("with"));
    if (s_of(e, "text")) {
        const char *t = s_of(e, "text");
        printf("%s     ", pad);
        for (; *t; t++) {
            putchar(*t);
            if (*t == '\n')
                printf("%s     ", pad);
        }
        printf("\n");
    }
    const json_t *fu = json_object_get(e, "follow_up");
    if (fu) {
        printf("%s     %s %s, %s %s", pad, _("follow-up by"), s_of(fu, "date"), _("owner"), s_of(fu, "owner"));
        if (json_array_size(json_object_get(e, "corrected_by")))
            printf(" [%s]\n", _("withdrawn by the correction"));
        else if (s_of(e, "closed_by"))
            printf(" [%s %s]\n", _("closed by"), s_of(e, "closed_by"));
        else
            printf(" [%s]\n", _("open"));
    }
    print_corrections(e, case_doc, all, depth);
}

static const char list_usage[] = "baton journal list ID [--since DATE] [--kind KIND] [--json]";

static int list(int argc, char **argv)
{
    enum { O_SINCE = 1, O_KIND };
    static const struct option opts[] = {{"since", required_argument, NULL, O_SINCE},
                                         {"kind", required_argument, NULL, O_KIND},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    const char *since = NULL, *kind = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_SINCE)
            since = optarg;
        else if (opt == O_KIND)
            kind = optarg;
        else
            return cli_bad_option(list_usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton journal list ID [--since DATE] [--kind KIND] [--json]\n\n"
                        "The journal of a case, oldest first. A correction is printed, indented, under\n"
                        "the entry it corrects; a follow-up says whether it is open, closed or withdrawn.\n"
                        "  --since DATE   only entries that happened on or after DATE\n"
                        "  --kind KIND    only contact, meeting, observation, status_update, decision or\n"
                        "                 follow_up_done entries\n");
    if (argc - optind != 1)
        return cli_usage_error(list_usage, "expected the case ID");
    if (since && !baton_date_valid(since))
        return cli_fail(baton_error_set(BATON_EINVALID, "--since: not a date (YYYY-MM-DD): '%.40s'", since));
    if (kind) {
        static const char *const kinds[] = {"contact", "meeting", "observation", "status_update", "decision",
                                            "follow_up_done", NULL};
        const char *const *k = kinds;
        while (*k && strcmp(*k, kind) != 0)
            k++;
        if (!*k)
            return cli_fail(baton_error_set(
                BATON_EINVALID,
                "--kind: '%.40s' is not one of contact|meeting|observation|status_update|decision|follow_up_done", kind));
    }
    baton_store *store;
    baton_session *s;
    json_t *all = NULL, *case_doc = NULL;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_journal_list(s, NULL, argv[optind], &all);
    if (rc == 0)
        rc = baton_case_load(s, NULL, argv[optind], &case_doc, NULL);
    cli_close(store, s);
    cli_page_output();
    if (rc) {
        json_decref(case_doc);
        return cli_fail(rc);
    }
    json_t *shown = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(all, i, e) {
        if (since && strncmp(s_of(e, "at"), since, 10) < 0)
            continue;
        if (kind && strcmp(s_of(e, "kind"), kind) != 0)
            continue;
        json_array_append(shown, e);
    }
    if (c.json) {
        cli_print_json(shown);
    } else {
        json_array_foreach(shown, i, e) {
            /* corrections are printed under their entry, unless the filter left that entry out */
            const char *k = s_of(e, "corrects");
            int target_shown = 0;
            size_t j;
            json_t *t;
            json_array_foreach(shown, j, t) target_shown |= k && strcmp(s_of(t, "id"), k) == 0;
            if (!target_shown)
                print_entry(e, case_doc, all, 0);
        }
        if (json_array_size(shown) == 0)
            fprintf(stderr, "baton: %s\n", _("no journal entries"));
    }
    json_decref(shown);
    json_decref(all);
    json_decref(case_doc);
    return EXIT_OK;
}

int cmd_journal(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"add", add, N_("append an entry: baton journal add ID --kind contact --text TEXT")},
        {"list", list, N_("the journal of a case, corrections under the entries they correct")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("journal", subs, argc, argv);
}
