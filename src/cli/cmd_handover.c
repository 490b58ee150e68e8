/* baton handover: hand a case over when staff change (one case, or all of someone's cases in one
 * go), or when the child moves to another context; tick the checklist; acknowledge; list and
 * show. The packet itself is `baton packet`. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *s_of(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int parse_number(const char *s, const char *what, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || v > 99999 || s[0] == '\0')
        return baton_error_set(BATON_EINVALID, "%s: '%.20s' is not a handover number", what, s);
    *out = (int)v;
    return 0;
}

/* Reads "CASE STAFF" lines (blank lines and # comments ignored) into pairs. */
static int read_map(const char *file, baton_handover_pair **pairs, size_t *n, char **buf_out)
{
    char *buf;
    size_t len;
    int rc = cli_read_file(file, &buf, &len);
    *pairs = NULL;
    *n = 0;
    *buf_out = NULL;
    if (rc)
        return baton_error_set(rc, "--map: %s: cannot read", file);
    size_t cap = 16;
    baton_handover_pair *p = malloc(cap * sizeof *p);
    int line = 0;
    for (char *s = buf, *next; s && *s; s = next) {
        line++;
        next = strchr(s, '\n');
        if (next)
            *next++ = '\0';
        char *hash = strchr(s, '#');
        if (hash)
            *hash = '\0';
        char *save = NULL;
        char *a = strtok_r(s, " \t\r", &save), *b = a ? strtok_r(NULL, " \t\r", &save) : NULL,
             *extra = b ? strtok_r(NULL, " \t\r", &save) : NULL;
        if (!a)
            continue;
        if (!b || extra) {
            free(p);
            free(buf);
            return baton_error_set(BATON_EINVALID, "--map: %s line %d: expected CASE STAFF", file, line);
        }
        if (*n == cap)
            p = realloc(p, (cap *= 2) * sizeof *p);
        p[(*n)++] = (baton_handover_pair){a, b};
    }
    *pairs = p;
    *buf_out = buf;
    return 0;
}

static const char staff_usage[] =
    "baton handover staff ID --to STAFF | --from STAFF --to STAFF | --from STAFF --map FILE [--reason TEXT]";

static int staff(int argc, char **argv)
{
    enum { O_TO = 1, O_FROM, O_MAP };
    static const struct option opts[] = {{"to", required_argument, NULL, O_TO},
                                         {"from", required_argument, NULL, O_FROM},
                                         {"map", required_argument, NULL, O_MAP},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    const char *to = NULL, *from = NULL, *map = NULL;
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        switch (opt) {
        case O_TO: to = optarg; break;
        case O_FROM: from = optarg; break;
        case O_MAP: map = optarg; break;
        default: return cli_bad_option(staff_usage, argv);
        }
    }
    if (c.help)
        return cli_help(
            "usage: baton handover staff ID --to STAFF [--reason TEXT]\n"
            "       baton handover staff --from STAFF --to STAFF [--reason TEXT]\n"
            "       baton handover staff --from STAFF --map FILE [--reason TEXT]\n\n"
            "Hands a case over to a new contact person: the handover is recorded (who, from, to,\n"
            "when, why, the revision) and the contact person moves, in one commit. This is the only\n"
            "way the contact person changes.\n"
            "With --from, everything that person holds in the active cases moves at once, all or\n"
            "nothing in one commit: the cases where they are the contact person (each with a\n"
            "handover), their team roles, the active and planned measures they are responsible\n"
            "for, and their open follow-ups (each gets a correction naming the new owner); to one\n"
            "receiver (--to), or with --map FILE one receiver per case (lines of 'CASE STAFF';\n"
            "every case they hold anything in must be named). After that, 'baton staff leave'\n"
            "goes through.\n");
    int nargs = argc - optind;
    baton_handover_pair *pairs = NULL;
    size_t n = 0;
    char *mapbuf = NULL;
    baton_store *store = NULL;
    baton_session *s = NULL;
    if (from && nargs != 0)
        return cli_usage_error(staff_usage, "give either a case ID or --from, not both");
    if (!from && nargs != 1)
        return cli_usage_error(staff_usage, "expected a case ID, or --from STAFF");
    if (map && !from)
        return cli_usage_error(staff_usage, "--map goes with --from");
    if ((map != NULL) == (to != NULL))
        return map ? cli_usage_error(staff_usage, "give --to or --map, not both")
                   : cli_usage_error(staff_usage, "--to: required");
    if (map && (rc = read_map(map, &pairs, &n, &mapbuf)))
        return cli_fail(rc);
    json_t *made = NULL;
    baton_oid_hex commit;
    if ((rc = cli_session(&c, &store, &s)) == 0) {
        baton_handover_pair one = {argv[optind], to};
        rc = from ? baton_handover_from(s, from, to, pairs, n, c.reason, &made, commit)
                  : baton_handover_staff(s, &one, 1, c.reason, &made, commit);
    }
    if (rc == 0) {
        size_t i, k;
        json_t *m, *h;
        json_array_foreach(made, i, m) {
            if (json_object_get(m, "number") && !json_is_null(json_object_get(m, "number")))
                printf("%s %s %lld\n", s_of(m, "case"), _("handover"),
                       (long long)json_integer_value(json_object_get(m, "number")));
            /* what else moved with it, one line each, on stderr */
            json_array_foreach(json_object_get(m, "moved"), k, h) {
                char line[300];
                if (strcmp(s_of(h, "kind"), "contact") == 0)
                    continue;
                baton_holding_text(h, line, sizeof line);
                fprintf(stderr, "  %s %s\n", _("moved:"), line);
            }
        }
        fprintf(stderr, _("%zu case(s) handed over in revision %.12s\n"), json_array_size(made), commit);
        json_decref(made);
    }
    free(pairs);
    free(mapbuf);
    cli_close(store, s);
    return rc ? cli_fail(rc) : EXIT_OK;
}

static const char context_usage[] =
    "baton handover context ID --to-context KIND:INSTITUTION[:GROUP[:MUNICIPALITY]] (--to STAFF | --receiver "
    "\"NAME <EMAIL>\") [--basis consent|statutory --basis-ref REF [--scope SECTIONS]] [--reason TEXT]";

static int context(int argc, char **argv)
{
    enum { O_CTX = 1, O_TO, O_RECEIVER, O_BASIS, O_REF, O_SCOPE };
    static const struct option opts[] = {{"to-context", required_argument, NULL, O_CTX},
                                         {"to", required_argument, NULL, O_TO},
                                         {"receiver", required_argument, NULL, O_RECEIVER},
                                         {"basis", required_argument, NULL, O_BASIS},
                                         {"basis-ref", required_argument, NULL, O_REF},
                                         {"scope", required_argument, NULL, O_SCOPE},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    baton_handover_context_options o = {0};
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        switch (opt) {
        case O_CTX: o.to_context = optarg; break;
        case O_TO: o.to_staff = optarg; break;
        case O_RECEIVER: o.receiver = optarg; break;
        case O_BASIS: o.basis = optarg; break;
        case O_REF: o.basis_ref = optarg; break;
        case O_SCOPE: o.scope = optarg; break;
        default: return cli_bad_option(context_usage, argv);
        }
    }
    if (c.help)
        return cli_help(
            "usage: baton handover context ID --to-context KIND:INSTITUTION[:GROUP[:MUNICIPALITY]]\n"
            "                              (--to STAFF | --receiver \"NAME <EMAIL>\")\n"
            "                              [--basis consent|statutory --basis-ref REF [--scope SECTIONS]]\n\n"
            "The child moves to another context: daycare to school, grade to grade, school to\n"
            "after-school club, school to school, municipality to municipality.\n"
            "  --to STAFF        a receiver inside the organisation: the context and the contact\n"
            "                    person move, and the case stays here\n"
            "  --receiver \"NAME <EMAIL>\"  a receiver outside the organisation: the case becomes\n"
            "                    transferred and read-only; the packet is what leaves\n"
            "  --basis consent --basis-ref c1   the parents' consent recorded on the case\n"
            "                    (baton consent add); the packet holds only its scope\n"
            "  --basis statutory --basis-ref TEXT   a statutory duty, named\n"
            "  --scope SECTIONS  narrow what is shared: strengths, voices, predictability,\n"
            "                    challenges, measures, focus, communication, team, follow_ups,\n"
            "                    journal, changes, checklist (comma-separated)\n"
            "Sharing outside the organisation needs a basis; without one nothing is written.\n");
    if (argc - optind != 1)
        return cli_usage_error(context_usage, "expected the case ID");
    o.case_id = argv[optind];
    baton_store *store;
    baton_session *s;
    int number = 0;
    baton_oid_hex commit;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_handover_context(s, &o, c.reason, &number, commit);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf("%s %s %d\n", o.case_id, _("handover"), number);
    fprintf(stderr, _("handover %d recorded in revision %.12s%s\n"), number, commit,
            o.receiver ? "; the case is now transferred and read-only" : "");
    return EXIT_OK;
}

static const char checklist_usage[] =
    "baton handover checklist ID N [--meeting-held DATE] [--child-prepared DATE] [--known-adult DATE] [--note TEXT]";

static int checklist(int argc, char **argv)
{
    enum { O_MEETING = 1, O_CHILD, O_ADULT, O_NOTE };
    static const struct option opts[] = {{"meeting-held", required_argument, NULL, O_MEETING},
                                         {"child-prepared", required_argument, NULL, O_CHILD},
                                         {"known-adult", required_argument, NULL, O_ADULT},
                                         {"note", required_argument, NULL, O_NOTE},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    baton_handover_ticks t = {0};
    char today[11];
    int opt, rc, number;
    baton_date_today(today);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        const char *v = optarg && strcmp(optarg, "today") == 0 ? today : optarg;
        switch (opt) {
        case O_MEETING: t.meeting_held = v; break;
        case O_CHILD: t.child_prepared = v; break;
        case O_ADULT: t.known_adult = v; break;
        case O_NOTE: t.note = optarg; break;
        default: return cli_bad_option(checklist_usage, argv);
        }
    }
    if (c.help)
        return cli_help("usage: baton handover checklist ID N [--meeting-held DATE] [--child-prepared DATE]\n"
                        "                                [--known-adult DATE] [--note TEXT]\n\n"
                        "Ticks items of handover N's checklist, each with the date it was done (or 'today'):\n"
                        "  --meeting-held     the two parties held a handover meeting\n"
                        "  --child-prepared   the child was prepared for the change\n"
                        "  --known-adult      a known adult took part in the start (context transitions)\n"
                        "'Guardians informed' is ticked by logging the contact in the journal:\n"
                        "  baton journal add ID --kind contact --with G --channel C --handover N --text ...\n");
    if (argc - optind != 2)
        return cli_usage_error(checklist_usage, "expected the case ID and the handover number N");
    if ((rc = parse_number(argv[optind + 1], "N", &number)))
        return cli_fail(rc);
    baton_store *store;
    baton_session *s;
    baton_oid_hex commit;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_handover_checklist(s, argv[optind], number, &t, c.reason, commit);
    cli_close(store, s);
    if (rc == BATON_EUSAGE)
        return cli_usage_error(checklist_usage, "%s", baton_error_last());
    if (rc)
        return cli_fail(rc);
    printf("%.12s\n", commit);
    return EXIT_OK;
}

static int ack(int argc, char **argv)
{
    cli_common c = {0};
    int number, rc = cli_parse_common(argc, argv, "baton handover ack ID N --as STAFF",
                                      "usage: baton handover ack ID N --as STAFF\n\n"
                                      "The receiver acknowledges having read handover N (the time is recorded).\n"
                                      "Only the receiver may.\n",
                                      2, &c);
    if (rc >= 0)
        return rc;
    if ((rc = parse_number(argv[optind + 1], "N", &number)))
        return cli_fail(rc);
    baton_store *store;
    baton_session *s;
    baton_oid_hex commit;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_handover_ack(s, argv[optind], number, c.reason, commit);
    cli_close(store, s);
    if (rc)
        return cli_fail(rc);
    printf("%.12s\n", commit);
    return EXIT_OK;
}

/* "laerer1" or "Name <email>" */
static void party(char *out, size_t n, const json_t *p)
{
    const json_t *r = json_object_get(p, "receiver");
    if (s_of(p, "staff"))
        snprintf(out, n, "%s", s_of(p, "staff"));
    else if (r)
        snprintf(out, n, "%s <%s>", s_of(r, "name"), s_of(r, "email"));
    else
        snprintf(out, n, "?");
}

static void print_summary(const json_t *h)
{
    char from[300], to[300];
    party(from, sizeof from, json_object_get(h, "from"));
    party(to, sizeof to, json_object_get(h, "to"));
    const json_t *a = json_object_get(h, "acknowledged"), *gi = json_object_get(h, "guardians_informed");
    printf("%s  %-3lld %-10s %.10s  %s -> %s  ", s_of(h, "case"), (long long)json_integer_value(json_object_get(h, "number")),
           s_of(h, "kind"), s_of(h, "made"), from, to);
    if (a)
        printf("%s %s %.10s", _("acknowledged by"), s_of(a, "by"), s_of(a, "at"));
    else if (json_is_true(json_object_get(h, "pending")))
        printf("%s", _("PENDING acknowledgement"));
    else
        printf("%s", _("acknowledged on the receiving side"));
    printf("; %s %s\n", _("guardians informed:"), gi ? s_of(gi, "date") : _("not yet"));
}

static const char list_usage[] = "baton handover list [--pending] [--to STAFF] [--case ID] [--json]";

static int list(int argc, char **argv)
{
    enum { O_PENDING = 1, O_TO, O_CASE };
    static const struct option opts[] = {{"pending", no_argument, NULL, O_PENDING},
                                         {"to", required_argument, NULL, O_TO},
                                         {"case", required_argument, NULL, O_CASE},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    int only_pending = 0, opt, rc;
    const char *to = NULL, *case_id = NULL;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        switch (opt) {
        case O_PENDING: only_pending = 1; break;
        case O_TO: to = optarg; break;
        case O_CASE: case_id = optarg; break;
        default: return cli_bad_option(list_usage, argv);
        }
    }
    if (c.help)
        return cli_help("usage: baton handover list [--pending] [--to STAFF] [--case ID] [--json]\n\n"
                        "Every handover, by case and number: kind, date, from -> to, whether it was\n"
                        "acknowledged and whether the guardians were informed.\n"
                        "  --pending   only those the receiver has not acknowledged yet\n"
                        "  --to STAFF  only those handed to STAFF\n");
    if (optind != argc)
        return cli_usage_error(list_usage, "unexpected argument: %s", argv[optind]);
    baton_store *store;
    baton_session *s;
    json_t *out = NULL, *h;
    size_t i;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    if (to) {
        json_t *rec;
        if ((rc = baton_staff_get(store, NULL, to, &rec)) == 0)
            json_decref(rec);
        else
            baton_error_prefix(rc, "--to: ");
    }
    if (rc == 0)
        rc = baton_handover_find(s, case_id, to, only_pending, &out);
    cli_close(store, s);
    cli_page_output();
    if (rc)
        return cli_fail(rc);
    if (c.json)
        cli_print_json(out);
    else
        json_array_foreach(out, i, h) print_summary(h);
    if (!c.json && json_array_size(out) == 0)
        fprintf(stderr, "baton: %s\n", _("no handovers"));
    json_decref(out);
    return EXIT_OK;
}

static void print_tick(const char *label, const json_t *t)
{
    printf("  [%c] %s", t ? 'x' : ' ', label);
    if (t)
        printf(" (%s, %s%s%s)", s_of(t, "date"), s_of(t, "by"), s_of(t, "note") ? ": " : "",
               s_of(t, "note") ? s_of(t, "note") : "");
    printf("\n");
}

static int show(int argc, char **argv)
{
    cli_common c = {0};
    int number, rc = cli_parse_common(argc, argv, "baton handover show ID N [--json]",
                                      "usage: baton handover show ID N [--json]\n\n"
                                      "One handover: who, from, to, why, the revision, the basis for sharing,\n"
                                      "the checklist and the acknowledgement.\n",
                                      2, &c);
    if (rc >= 0)
        return rc;
    if ((rc = parse_number(argv[optind + 1], "N", &number)))
        return cli_fail(rc);
    baton_store *store;
    baton_session *s;
    json_t *h;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_handover_get(s, NULL, argv[optind], number, &h);
    cli_close(store, s);
    cli_page_output();
    if (rc)
        return cli_fail(rc);
    if (c.json) {
        cli_print_json(h);
        json_decref(h);
        return EXIT_OK;
    }
    print_summary(h);
    printf("  %s %s, %s %.12s\n", _("made by"), s_of(h, "by"), _("at revision"), s_of(h, "revision"));
    if (s_of(h, "reason"))
        printf("  %s %s\n", _("reason:"), s_of(h, "reason"));
    const json_t *b = json_object_get(h, "basis");
    if (b) {
        printf("  %s %s (%s); %s", _("basis:"), s_of(b, "kind"), s_of(b, "ref"), _("scope:"));
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(b, "scope"), i, x) printf("%s%s", i ? ", " : " ", json_string_value(x));
        printf("\n");
    }
    const json_t *cl = json_object_get(h, "checklist"), *gi = json_object_get(h, "guardians_informed");
    printf("%s\n", _("Checklist:"));
    printf("  [%c] %s", gi ? 'x' : ' ', _("guardians informed"));
    if (gi && s_of(gi, "entry"))
        printf(" (%s%s%s, %s %s)", s_of(gi, "date"), s_of(gi, "channel") ? ", " : "",
               s_of(gi, "channel") ? s_of(gi, "channel") : "", _("journal"), s_of(gi, "entry"));
    else if (gi)
        printf(" (%s%s%s, %s)", s_of(gi, "date"), s_of(gi, "channel") ? ", " : "",
               s_of(gi, "channel") ? s_of(gi, "channel") : "", _("recorded by the sending organisation"));
    printf("\n");
    print_tick(_("handover meeting held"), json_object_get(cl, "meeting_held"));
    print_tick(_("child prepared"), json_object_get(cl, "child_prepared"));
    if (strcmp(s_of(h, "kind"), "context") == 0)
        print_tick(_("a known adult involved in the start"), json_object_get(cl, "known_adult"));
    json_decref(h);
    return EXIT_OK;
}

int cmd_handover(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"staff", staff, N_("a new contact person: baton handover staff ID --to STAFF (or --from A --to B)")},
        {"context", context, N_("the child moves on: baton handover context ID --to-context ... --to STAFF")},
        {"checklist", checklist, N_("tick checklist items of a handover")},
        {"ack", ack, N_("the receiver acknowledges a handover")},
        {"list", list, N_("every handover; --pending, --to STAFF")},
        {"show", show, N_("one handover with its checklist")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("handover", subs, argc, argv);
}
