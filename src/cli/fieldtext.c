/* What a field of a record takes, in words, from the validator's own tables: for 'case fields'
 * and for the options of 'measure add', 'guardian set' and the like. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

/* What a value of this kind looks like, in words. */
void cli_field_takes(const baton_field *f, char *out, size_t n)
{
    switch (f->kind) {
    case BATON_FIELD_STRING:
        snprintf(out, n, _("text, one line (up to %zu characters)"), f->max ? f->max : (size_t)BATON_SHORT_MAX);
        break;
    case BATON_FIELD_TEXT:
        snprintf(out, n, _("text, line breaks allowed (up to %zu characters)"), f->max ? f->max : (size_t)BATON_TEXT_MAX);
        break;
    case BATON_FIELD_DATE: snprintf(out, n, "%s", _("a date, YYYY-MM-DD")); break;
    case BATON_FIELD_DATETIME: snprintf(out, n, "%s", _("a time, YYYY-MM-DDTHH:MM:SSZ")); break;
    case BATON_FIELD_WHEN: snprintf(out, n, "%s", _("a date, or a date and time")); break;
    case BATON_FIELD_BOOL: snprintf(out, n, "true | false"); break;
    case BATON_FIELD_INT: snprintf(out, n, _("a whole number, %lld to %zu"), f->min, f->max); break;
    case BATON_FIELD_STAFF: snprintf(out, n, "%s", _("a staff id (active)")); break;
    case BATON_FIELD_EMAIL: snprintf(out, n, "%s", _("an e-mail address")); break;
    case BATON_FIELD_PHONE: snprintf(out, n, "%s", _("a phone number")); break;
    case BATON_FIELD_ENUM: {
        size_t used = 0;
        out[0] = '\0';
        for (const char *const *v = f->values; *v && used < n; v++)
            used += (size_t)snprintf(out + used, n - used, "%s%s", v == f->values ? "" : " | ", *v);
        break;
    }
    case BATON_FIELD_ARRAY:
        if (f->fields && f->fields->kind != BATON_FIELD_OBJECT) {
            char item[300];
            cli_field_takes(f->fields, item, sizeof item);
            snprintf(out, n, _("a comma-separated list of: %s"), item);
        } else {
            snprintf(out, n, "%s", _("a list"));
        }
        break;
    default: snprintf(out, n, "%s", _("an id")); break;
    }
}

const baton_field *cli_field_at(baton_record_kind kind, const char *path)
{
    const baton_field *f = baton_record_spec(kind);
    char part[64];
    const char *p = path;
    while (f && *p) {
        size_t n = strcspn(p, ".");
        snprintf(part, sizeof part, "%.*s", (int)(n < sizeof part - 1 ? n : sizeof part - 1), p);
        /* through a list of objects to its elements' members */
        if (f->kind == BATON_FIELD_ARRAY && f->fields && f->fields->kind == BATON_FIELD_OBJECT)
            f = f->fields;
        const baton_field *m = NULL;
        for (const baton_field *c = f->kind == BATON_FIELD_OBJECT ? f->fields : NULL; c && c->name; c++)
            if (strcmp(c->name, part) == 0)
                m = c;
        f = m;
        p += n;
        if (*p == '.')
            p++;
    }
    return f;
}
