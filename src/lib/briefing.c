/* The class briefing: what a new class teacher reads before the first lesson. An overview of the
 * class's children with a plan, then one page per child in the order a teacher needs it: what
 * works and strengths first, predictability, the measures at school, focus points, whom the
 * parents talk to and how they want to hear from the school, the open follow-ups that concern
 * the reader, and the status updates of the last 30 days. Same emitters, escaping and print
 * rules as the packet; a page break between children. */
#include "baton/class.h"

#include "baton/case.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/journal.h"
#include "baton/record.h"
#include "render_internal.h"
#include "session_internal.h"
#include "unchecked.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(s) dgettext("baton", s)

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int member(const json_t *doc, const char *staff)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(doc, "team"), i, m) if (strcmp(str(m, "staff"), staff) == 0) return 1;
    return 0;
}

static json_t *child_page(baton_store *store, const json_t *doc, const char *for_staff, const char *today)
{
    const json_t *plan = json_object_get(doc, "plan");
    const char *contact = str(json_object_get(doc, "contact"), "staff");
    json_t *page = json_pack("{s:O, s:O, s:O, s:b, s:o}", "case", json_object_get(doc, "id"), "name",
                             json_object_get(json_object_get(doc, "child"), "name"), "born",
                             json_object_get(json_object_get(doc, "child"), "born"), "needs_predictability",
                             json_is_true(json_object_get(plan, "needs_predictability")), "contact",
                             baton_person_json(store, contact));
    const char *keys[] = {"works_well", "strengths", "transition_notes"};
    for (size_t i = 0; i < 3; i++)
        if (json_object_get(plan, keys[i]))
            json_object_set(page, keys[i], json_object_get(plan, keys[i]));
    json_t *measures = json_array(), *x;
    const char *next = NULL;
    size_t i;
    json_array_foreach(json_object_get(plan, "measures"), i, x) {
        const char *st = str(x, "status");
        if (!st || (strcmp(st, "active") != 0 && strcmp(st, "planned") != 0))
            continue;
        if (!next || strcmp(str(x, "review_by"), next) < 0)
            next = str(x, "review_by");
        if (strcmp(str(x, "setting"), "school") != 0)
            continue;
        json_t *m = json_pack("{s:O, s:O, s:O, s:o, s:O}", "id", json_object_get(x, "id"), "description",
                              json_object_get(x, "description"), "goal", json_object_get(x, "goal"), "responsible",
                              baton_person_json(store, str(x, "responsible")), "review_by",
                              json_object_get(x, "review_by"));
        json_array_append_new(measures, m);
    }
    json_object_set_new(page, "next_review", next ? json_string(next) : json_null());
    json_object_set_new(page, "measures", measures);
    json_t *fp = json_object_get(plan, "focus_points");
    json_object_set_new(page, "focus_points", fp ? json_deep_copy(fp) : json_array());
    json_t *guardians = json_array();
    json_array_foreach(json_object_get(doc, "guardians"), i, x) json_array_append(guardians, x);
    json_object_set_new(page, "guardians", guardians);

    json_t *journal = NULL, *follow = json_array(), *updates = json_array();
    char since[11];
    baton_date_add_days(today, -30, since);
    if (baton_journal_list_unchecked(store, NULL, str(doc, "id"), &journal) == 0) {
        json_array_foreach(journal, i, x) {
            /* a briefing is a document handed to a new teacher: restricted entries stay out of it */
            if (json_array_size(json_object_get(x, "corrected_by")) || json_is_true(json_object_get(x, "restricted")))
                continue;
            const json_t *fu = json_object_get(x, "follow_up");
            if (fu && !json_object_get(x, "closed_by") && (!for_staff || strcmp(str(fu, "owner"), for_staff) == 0))
                json_array_append_new(follow, json_pack("{s:O, s:O, s:o, s:O}", "entry", json_object_get(x, "id"),
                                                        "date", json_object_get(fu, "date"), "owner",
                                                        baton_person_json(store, str(fu, "owner")), "text",
                                                        json_object_get(x, "text")));
            if (strcmp(str(x, "kind"), "status_update") == 0 && strncmp(str(x, "at"), since, 10) >= 0)
                json_array_append_new(updates, json_pack("{s:O, s:O, s:o, s:O}", "entry", json_object_get(x, "id"),
                                                         "at", json_object_get(x, "at"), "by",
                                                         baton_person_json(store, str(x, "by")), "text",
                                                         json_object_get(x, "text")));
        }
        json_decref(journal);
    }
    json_object_set_new(page, "follow_ups", follow);
    json_object_set_new(page, "status_updates", updates);
    return page;
}

int baton_briefing_model(baton_session *s, const baton_class *c, const char *for_staff, json_t **out)
{
    baton_store *store = s->store;
    json_t *cases, *children = json_array();
    char today[11];
    int rc;
    *out = NULL;
    if (for_staff) {
        json_t *rec;
        if ((rc = baton_staff_get(store, NULL, for_staff, &rec))) {
            json_decref(children);
            return baton_error_prefix(rc, "--for: ");
        }
        json_decref(rec);
    }
    /* the cases this reader may read, each logged; then only those the briefing is for */
    if ((rc = baton_class_cases_unchecked(store, c, &cases))) {
        json_decref(children);
        return rc;
    }
    json_t *ids;
    baton_session_filter(s, cases, &ids);
    size_t k = json_array_size(cases);
    while (for_staff && k-- > 0)
        if (!member(json_array_get(cases, k), for_staff)) {
            json_array_remove(cases, k);
            json_array_remove(ids, k);
        }
    char what[460];
    snprintf(what, sizeof what, "briefing %s%s%s", c->institution, c->group[0] ? ":" : "", c->group);
    rc = baton_session_log(s, "read", ids, what);
    json_decref(ids);
    if (rc) {
        json_decref(cases);
        json_decref(children);
        return rc;
    }
    baton_date_today(today);
    size_t i;
    json_t *x;
    json_array_foreach(cases, i, x) {
        if (for_staff && !member(x, for_staff))
            continue;
        json_array_append_new(children, child_page(store, x, for_staff, today));
    }
    json_decref(cases);
    *out = json_pack("{s:{s:s, s:s}, s:s, s:o, s:o}", "class", "institution", c->institution, "group", c->group, "date",
                     today, "for", for_staff ? baton_person_json(store, for_staff) : json_null(), "children", children);
    json_object_set_new(*out, "store", json_pack("{s:s, s:s, s:s}", "organisation", baton_store_organisation(store),
                                                 "language", baton_store_language(store), "time_zone",
                                                 baton_store_time_zone(store)));
    return 0;
}


static void page(baton_out *o, const json_t *ch)
{
    char buf[1200], title[600];
    size_t i;
    json_t *x;
    snprintf(title, sizeof title, "%s (%s)", str(ch, "name"), str(ch, "born"));
    int needs = json_is_true(json_object_get(ch, "needs_predictability"));
    baton_doc_section_begin(o, title, 0, 1);

    baton_doc_subheading(o, T("What works and the child's strengths"));
    baton_doc_block(o, T("What works"), str(ch, "works_well"));
    baton_doc_block(o, T("Strengths"), str(ch, "strengths"));
    if (!str(ch, "works_well") && !str(ch, "strengths"))
        baton_doc_note(o, T("Nothing recorded."));

    baton_doc_subheading(o, T("Predictability and transition"));
    baton_doc_field(o, T("Needs predictability"), needs ? T("yes") : T("no"));
    baton_doc_block(o, T("Transition notes"), str(ch, "transition_notes"));

    baton_doc_subheading(o, T("Active measures at school"));
    json_array_foreach(json_object_get(ch, "measures"), i, x) {
        snprintf(buf, sizeof buf, "%s — %s", str(x, "id"), str(x, "description"));
        baton_doc_entry_begin(o, buf);
        baton_doc_entry_field(o, T("Goal"), str(x, "goal"));
        baton_person_text(json_object_get(x, "responsible"), buf, sizeof buf);
        baton_doc_entry_field(o, T("Responsible"), buf);
        baton_doc_entry_field(o, T("Review by"), str(x, "review_by"));
        baton_doc_entry_end(o);
    }
    if (!json_array_size(json_object_get(ch, "measures")))
        baton_doc_note(o, T("No active measures."));

    baton_doc_subheading(o, T("Focus points"));
    json_array_foreach(json_object_get(ch, "focus_points"), i, x) {
        snprintf(buf, sizeof buf, "%s — %s", str(x, "id"), str(x, "area"));
        baton_doc_entry_begin(o, buf);
        baton_doc_entry_field(o, T("Focus"), str(x, "text"));
        baton_doc_entry_field(o, T("Support at school"), str(x, "support_school"));
        baton_doc_entry_field(o, T("Support at home"), str(x, "support_home"));
        baton_doc_entry_field(o, T("Follow-up"), str(x, "follow_up"));
        baton_doc_entry_end(o);
    }
    if (!json_array_size(json_object_get(ch, "focus_points")))
        baton_doc_note(o, T("No focus points."));

    baton_doc_subheading(o, T("The parents and the school"));
    baton_person_text(json_object_get(ch, "contact"), buf, sizeof buf);
    baton_doc_field(o, T("Contact person (whom the parents contact)"), buf);
    json_array_foreach(json_object_get(ch, "guardians"), i, x) {
        snprintf(buf, sizeof buf, "%s (%s)", str(x, "name"), str(x, "relation"));
        baton_doc_entry_begin(o, buf);
        baton_doc_entry_field(o, T("Phone"), str(x, "phone"));
        baton_doc_entry_field(o, T("E-mail"), str(x, "email"));
        const json_t *a = json_object_get(x, "agreement");
        if (a) {
            char channels[300] = "";
            size_t k;
            json_t *cch;
            json_array_foreach(json_object_get(a, "channels"), k, cch) {
                size_t used = strlen(channels);
                snprintf(channels + used, sizeof channels - used, "%s%s", k ? ", " : "", T(json_string_value(cch)));
            }
            snprintf(buf, sizeof buf, "%s; %s; %s: %s; %s: %s", T(str(a, "frequency")), channels, T("About"),
                     T(str(a, "topics")), T("Detail"), T(str(a, "detail")));
            baton_doc_entry_field(o, T("How they want to hear from the school"), buf);
        } else {
            baton_doc_entry_field(o, NULL, T("No communication agreement yet."));
        }
        baton_doc_entry_end(o);
    }

    baton_doc_subheading(o, T("Open follow-ups"));
    json_array_foreach(json_object_get(ch, "follow_ups"), i, x) {
        char owner[400];
        baton_person_text(json_object_get(x, "owner"), owner, sizeof owner);
        snprintf(buf, sizeof buf, "%s — %s %s, %s", str(x, "entry"), T("due by"), str(x, "date"), owner);
        baton_doc_entry_begin(o, buf);
        baton_doc_entry_field(o, NULL, str(x, "text"));
        baton_doc_entry_end(o);
    }
    if (!json_array_size(json_object_get(ch, "follow_ups")))
        baton_doc_note(o, T("No open follow-ups."));

    baton_doc_subheading(o, T("Status updates of the last 30 days"));
    json_array_foreach(json_object_get(ch, "status_updates"), i, x) {
        char by[400];
        char at[40];
        baton_person_text(json_object_get(x, "by"), by, sizeof by);
        baton_time_local(str(x, "at"), o->zone, at, sizeof at);
        snprintf(buf, sizeof buf, "%s %s — %s", str(x, "entry"), at, by);
        baton_doc_entry_begin(o, buf);
        baton_doc_entry_field(o, NULL, str(x, "text"));
        baton_doc_entry_end(o);
    }
    if (!json_array_size(json_object_get(ch, "status_updates")))
        baton_doc_note(o, T("No status updates in the last 30 days."));
    baton_doc_section_end(o);
}

int baton_briefing_render(const json_t *model, baton_format format, const char *lang, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (format == BATON_FORMAT_JSON) {
        *out = baton_record_dump(model);
        *len = *out ? strlen(*out) : 0;
        return *out ? 0 : BATON_ERROR;
    }
    baton_i18n_state st;
    baton_i18n_begin(lang, &st);
    baton_out o = {0};
    o.format = format;
    o.zone = str(json_object_get(model, "store"), "time_zone");
    const json_t *c = json_object_get(model, "class");
    char title[700], buf[600], class_name[500];
    snprintf(title, sizeof title, "%s: %s%s%s", T("Class briefing"), str(c, "institution"), str(c, "group")[0] ? " " : "",
             str(c, "group"));
    snprintf(class_name, sizeof class_name, "%s%s%s", str(c, "institution"), str(c, "group")[0] ? " " : "",
             str(c, "group"));
    baton_doc_begin(&o, lang, title, class_name, str(model, "date"));
    baton_doc_field(&o, T("Date"), str(model, "date"));
    if (json_is_object(json_object_get(model, "for"))) {
        baton_person_text(json_object_get(model, "for"), buf, sizeof buf);
        baton_doc_field(&o, T("For"), buf);
    }
    baton_doc_header_end(&o);
    baton_doc_section_begin(&o, T("The children with a support plan"), 0, 0);
    const char *headers[] = {T("Child"), T("Needs predictability"), T("Contact person"), T("Next review")};
    json_t *rows = json_array();
    size_t i;
    json_t *ch;
    json_array_foreach(json_object_get(model, "children"), i, ch) {
        char contact[400];
        baton_person_text(json_object_get(ch, "contact"), contact, sizeof contact);
        const char *next = str(ch, "next_review");
        json_array_append_new(rows, json_pack("[s, s, s, s]", str(ch, "name"),
                                              json_is_true(json_object_get(ch, "needs_predictability")) ? T("yes") : T("no"),
                                              contact, next ? next : "—"));
    }
    baton_doc_table(&o, headers, 4, rows);
    json_decref(rows);
    if (json_array_size(json_object_get(model, "children")) == 0)
        baton_doc_note(&o, T("No children with a support plan in this class."));
    baton_doc_section_end(&o);
    json_array_foreach(json_object_get(model, "children"), i, ch) page(&o, ch);
    const json_t *store = json_object_get(model, "store");
    const char *lines[] = {T("Organisation"), str(store, "organisation")};
    baton_doc_end(&o, lines, 2);
    baton_i18n_end(&st);
    return baton_doc_take(&o, out, len);
}
