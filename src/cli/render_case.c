/* The readable view of a case (`baton case show`): sections in the order a new colleague needs
 * them, strengths and what works before challenges. Headings go through gettext. */
#include "cli.h"

#include <string.h>

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static void heading(FILE *out, const char *title)
{
    fprintf(out, "\n%s\n", title);
    for (size_t i = 0, n = baton_utf8_length(title); i < n; i++)
        fputc('-', out);
    fputc('\n', out);
}

/* Prints a long text indented, keeping its own line breaks. */
static void text_block(FILE *out, const char *label, const char *text)
{
    if (!text)
        return;
    fprintf(out, "%s:\n", label);
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "    %.*s\n", (int)n, p);
        p += n;
        if (*p)
            p++;
    }
}

static void field(FILE *out, const char *label, const char *value)
{
    if (value)
        fprintf(out, "  %s %s\n", cli_pad(label, 22), value);
}

static void list_line(FILE *out, const char *label, const json_t *arr)
{
    if (!json_array_size(arr))
        return;
    fprintf(out, "  %s ", cli_pad(label, 22));
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) fprintf(out, "%s%s", i ? ", " : "", json_string_value(v));
    fputc('\n', out);
}

/* An enum value (a status, a kind, a frequency) in the reader's language, where the catalogue
 * has it: the documents' words (packet_render.c) and these. */
static const char *const more_words[] = {N_("closed"), N_("transferred"), N_("home"), N_("daycare"),
                                         N_("special_school"), NULL};

static const char *word(const char *v)
{
    (void)more_words;
    return v && *v ? _(v) : v;
}

void cli_render_case(FILE *out, const json_t *doc, int show_secret)
{
    const json_t *child = json_object_get(doc, "child"), *ctx = json_object_get(doc, "context");
    const json_t *contact = json_object_get(doc, "contact"), *plan = json_object_get(doc, "plan");
    size_t i;
    json_t *v;

    fprintf(out, "%s %s  (%s)\n", _("Case"), str(doc, "id"), word(str(doc, "status")));
    field(out, _("Child"), str(child, "name"));
    field(out, _("Born"), str(child, "born"));
    if (show_secret)
        field(out, _("National id"), str(child, "national_id"));
    field(out, _("Context"), word(str(ctx, "kind")));
    field(out, _("Institution"), str(ctx, "institution"));
    field(out, _("Group"), str(ctx, "group"));
    field(out, _("Municipality"), str(ctx, "municipality"));
    fprintf(out, "  %s %s (%s %s)\n", cli_pad(_("Contact person"), 22), str(contact, "staff"), _("since"),
            str(contact, "since"));
    field(out, _("Opened"), str(doc, "opened"));

    heading(out, _("Strengths and what works"));
    text_block(out, _("Strengths"), str(plan, "strengths"));
    text_block(out, _("What works"), str(plan, "works_well"));

    heading(out, _("Perspectives"));
    text_block(out, _("The child"), str(plan, "child_perspective"));
    text_block(out, _("The guardians"), str(plan, "guardian_perspective"));

    heading(out, _("Predictability and transitions"));
    json_t *np = json_object_get(plan, "needs_predictability");
    field(out, _("Needs predictability"), np ? (json_is_true(np) ? _("yes") : _("no")) : _("not stated"));
    text_block(out, _("Transition notes"), str(plan, "transition_notes"));

    const json_t *ch = json_object_get(plan, "challenges");
    heading(out, _("Challenges"));
    text_block(out, _("At school"), str(ch, "school"));
    text_block(out, _("In leisure time"), str(ch, "leisure"));
    text_block(out, _("At home"), str(ch, "home"));

    heading(out, _("Measures"));
    json_array_foreach(json_object_get(plan, "measures"), i, v) {
        fprintf(out, "[%s] %s, %s (%s %s, %s %s)\n", str(v, "id"), word(str(v, "setting")), word(str(v, "status")),
                _("responsible"), str(v, "responsible"), _("review by"), str(v, "review_by"));
        text_block(out, _("  What"), str(v, "description"));
        text_block(out, _("  Goal"), str(v, "goal"));
        text_block(out, _("  Outcome"), str(v, "outcome"));
    }

    heading(out, _("Focus points"));
    json_array_foreach(json_object_get(plan, "focus_points"), i, v) {
        const char *fu = str(v, "follow_up");
        fprintf(out, "[%s] %s%s%s\n", str(v, "id"), str(v, "area"), fu ? _(", follow up ") : "", fu ? fu : "");
        text_block(out, _("  Focus"), str(v, "text"));
        text_block(out, _("  Support at school"), str(v, "support_school"));
        text_block(out, _("  Support at home"), str(v, "support_home"));
        size_t j;
        json_t *cm;
        json_array_foreach(json_object_get(v, "comments"), j, cm)
            fprintf(out, "    %s (%s, %s): %s\n", _("Comment"), str(cm, "by"), str(cm, "date"), str(cm, "text"));
    }

    heading(out, _("Guardians"));
    json_array_foreach(json_object_get(doc, "guardians"), i, v) {
        fprintf(out, "[%s] %s (%s)\n", str(v, "id"), str(v, "name"), str(v, "relation"));
        field(out, _("Phone"), str(v, "phone"));
        field(out, _("E-mail"), str(v, "email"));
        const json_t *ag = json_object_get(v, "agreement");
        if (ag) {
            field(out, _("Hears from us"), word(str(ag, "frequency")));
            list_line(out, _("Channels"), json_object_get(ag, "channels"));
            field(out, _("About"), word(str(ag, "topics")));
            field(out, _("Detail"), word(str(ag, "detail")));
            field(out, _("Agreed on"), str(ag, "agreed_on"));
        } else {
            fprintf(out, "  %s\n", _("No communication agreement yet."));
        }
    }

    heading(out, _("Team"));
    json_array_foreach(json_object_get(doc, "team"), i, v) {
        fprintf(out, "%s %s\n", cli_pad(str(v, "staff"), 16), str(v, "role"));
        list_line(out, _("responsible for"), json_object_get(v, "responsible_for"));
    }
}
