/* baton contact: every contact person a case has had, with from/to dates and the handover behind
 * each change, so parents and colleagues can see who was responsible when. */
#include "cli.h"

int cmd_contact(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton contact ID [--json]",
                              "usage: baton contact ID [--json]\n\n"
                              "Every contact person the case has had, oldest first, with the dates and the\n"
                              "handover behind each change.\n",
                              1, &c);
    if (rc >= 0)
        return rc;
    baton_store *store;
    baton_session *s;
    json_t *periods;
    if ((rc = cli_session(&c, &store, &s)))
        return cli_fail(rc);
    rc = baton_contact_history(s, argv[optind], &periods);
    cli_close(store, s);
    cli_page_output();
    if (rc)
        return cli_fail(rc);
    if (c.json) {
        cli_print_json(periods);
    } else {
        size_t i;
        json_t *p;
        json_array_foreach(periods, i, p) {
            const char *to = json_string_value(json_object_get(p, "to"));
            json_t *h = json_object_get(p, "handover");
            printf("%s %s .. %s  ", cli_pad(json_string_value(json_object_get(p, "staff")), 16),
                   json_string_value(json_object_get(p, "from")), cli_pad(to ? to : _("now"), 10));
            if (json_is_integer(h))
                printf("%s %lld\n", _("by handover"), (long long)json_integer_value(h));
            else
                printf("%s\n", _("from the start"));
        }
    }
    json_decref(periods);
    return EXIT_OK;
}
