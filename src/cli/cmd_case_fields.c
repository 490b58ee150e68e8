/* baton case fields: every field of a case that 'case set' can change, with what it takes, read
 * from the same field tables the validator uses, so the list can never drift from the rules. */
#include "cli.h"

#include <baton/record.h>

#include <stdio.h>
#include <string.h>

/* Fields that change only through a command of their own, and which one. */
static const char *elsewhere(const char *path)
{
    static const struct {
        const char *prefix, *how;
    } map[] = {
        {"contact", "changes only through a handover: baton handover staff"},
        {"consents", "baton consent add|set"},
        {"exports", "written by baton transfer export"},
        {"closed", "set by Baton when the status becomes closed or transferred"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        size_t n = strlen(map[i].prefix);
        if (strncmp(path, map[i].prefix, n) == 0 && (path[n] == '\0' || path[n] == '.' || path[n] == '['))
            return map[i].how;
    }
    return NULL;
}

static void walk(const baton_field *fields, const char *prefix, json_t *out)
{
    for (const baton_field *f = fields; f->name; f++) {
        char path[200], what[400];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", f->name);
        if (f->kind == BATON_FIELD_OBJECT) {
            walk(f->fields, path, out);
            continue;
        }
        if (f->kind == BATON_FIELD_ARRAY && f->fields && f->fields->kind == BATON_FIELD_OBJECT && f->key) {
            /* a list of elements, each addressed by its id: plan.measures[m2].status */
            char item[220];
            snprintf(item, sizeof item, "%s[%s]", path, strcmp(f->key, "staff") == 0 ? "STAFF" : "ID");
            walk(f->fields->fields, item, out);
            continue;
        }
        cli_field_takes(f, what, sizeof what);
        const char *note = elsewhere(path);
        if (!note && (f->flags & BATON_FIELD_READONLY))
            note = _("cannot be changed");
        json_array_append_new(out, json_pack("{s:s, s:s, s:b, s:s?}", "field", path, "takes", what, "required",
                                             (f->flags & BATON_FIELD_REQUIRED) != 0, "note", note));
    }
}

int cmd_case_fields(int argc, char **argv)
{
    cli_common c = {0};
    int rc = cli_parse_common(argc, argv, "baton case fields [--json]",
                              "usage: baton case fields [--json]\n\n"
                              "Every field of a case, by the dotted path 'baton case set ID FIELD VALUE' takes,\n"
                              "with what it takes (a date, one of a list of values, a staff id, ...), whether it\n"
                              "is required, and the fields that change only through a command of their own.\n"
                              "Elements of a list are named by their id: plan.measures[m2].status,\n"
                              "guardians[g1].phone, team[STAFF].role.\n",
                              0, &c);
    if (rc >= 0)
        return rc;
    json_t *list = json_array();
    walk(baton_record_spec(BATON_RECORD_CASE)->fields, "", list);
    if (c.json) {
        cli_print_json(list);
    } else {
        size_t i;
        json_t *x;
        json_array_foreach(list, i, x) {
            const char *note = json_string_value(json_object_get(x, "note"));
            cli_print_padded(json_string_value(json_object_get(x, "field")), 40);
            printf(" %s%s%s%s%s\n", json_string_value(json_object_get(x, "takes")),
                   json_is_true(json_object_get(x, "required")) ? "; " : "",
                   json_is_true(json_object_get(x, "required")) ? _("required") : "", note ? "; " : "",
                   note ? note : "");
        }
    }
    json_decref(list);
    return EXIT_OK;
}
