/* baton due: what is owed today, most overdue first: follow-ups, reviews, focus points, the
 * contact with the home that was agreed, agreements due for a new talk, and cases whose contact
 * person has left. */
#include "cli.h"

#include <string.h>

static const char usage[] = "baton due [--staff STAFF] [--as-of DATE] [--all] [--json]";

int cmd_due(int argc, char **argv)
{
    enum { O_STAFF = 1, O_ASOF, O_ALL };
    static const struct option opts[] = {{"staff", required_argument, NULL, O_STAFF},
                                         {"as-of", required_argument, NULL, O_ASOF},
                                         {"all", no_argument, NULL, O_ALL},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    cli_common c = {0};
    baton_due_options o = {0};
    int opt, rc;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_option(&c, opt, optarg))
            continue;
        if (opt == O_STAFF)
            o.staff = optarg;
        else if (opt == O_ASOF)
            o.as_of = optarg;
        else if (opt == O_ALL)
            o.all = 1;
        else
            return cli_bad_option(usage, argv);
    }
    if (c.help)
        return cli_help("usage: baton due [--staff STAFF] [--as-of DATE] [--all] [--json]\n\n"
                        "What is owed, most overdue first, with the case, who owes it and since when:\n"
                        "  - open follow-ups of journal entries past their date\n"
                        "  - active or planned measures past their review date\n"
                        "  - focus points past their follow-up date\n"
                        "  - guardians whose agreed frequency (weekly 7 days, fortnightly 14, monthly 31;\n"
                        "    on_news never) has run out since the last logged contact or meeting with them\n"
                        "  - communication agreements older than the store's review period (baton config)\n"
                        "  - cases whose contact person has left\n"
                        "  - closed cases whose retention ends within 90 days (baton config)\n"
                        "An item is 'due' on its day and 'overdue' after it.\n"
                        "  --staff STAFF  only what STAFF owes\n"
                        "  --as-of DATE   as things stand on DATE (default: today)\n"
                        "  --all          also everything open that falls due later ('in N days')\n");
    if (optind != argc)
        return cli_usage_error(usage, "unexpected argument: %s", argv[optind]);
    if (o.as_of && !baton_date_valid(o.as_of))
        return cli_fail(baton_error_set(BATON_EINVALID, "--as-of: not a date (YYYY-MM-DD): '%.40s'", o.as_of));
    baton_store *store;
    baton_session *s;
    json_t *items;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_due_list(s, &o, &items);
    cli_close(store, s);
    cli_page_output();
    if (rc)
        return cli_fail(rc == BATON_ENOTFOUND && o.staff ? baton_error_prefix(rc, "--staff: ") : rc);
    if (c.json) {
        cli_print_json(items);
    } else {
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            char what[512], late[32];
            json_int_t days = json_integer_value(json_object_get(it, "days_overdue"));
            if (days > 0)
                snprintf(late, sizeof late, _("%lld days overdue"), (long long)days);
            else if (days < 0)
                snprintf(late, sizeof late, _("in %lld days"), (long long)-days);
            else
                snprintf(late, sizeof late, "%s", _("due today"));
            baton_due_describe(it, what, sizeof what);
            const char *owner = json_string_value(json_object_get(it, "owner"));
            char who[128];
            snprintf(who, sizeof who, "%s%s", owner ? owner : _("(coordinator)"),
                     json_is_false(json_object_get(it, "owner_active")) ? _(" (has left)") : "");
            printf("%s %s  %s  %s %s %s\n", cli_pad(late, 18), json_string_value(json_object_get(it, "due")),
                   json_string_value(json_object_get(it, "case")),
                   cli_pad(json_string_value(json_object_get(it, "child")), 20), cli_pad(who, 12), what);
        }
        if (json_array_size(items) == 0)
            printf("%s\n", _("Nothing is due."));
    }
    json_decref(items);
    return EXIT_OK;
}
