/* The sections of a case page below its header: the plan (perspectives, predictability, the
 * 24-hour view across school, leisure time and home, measures, focus points), and the people
 * around the child (the responsibility map, the guardians and how they want to hear from us, who
 * may read the case, its handovers with their packets). What a reader may see of it is the
 * library's to decide; this file only lays it out. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <string.h>

/* baton_settings (school, leisure, home), each in words */
static const char *const setting_labels[] = {N_("At school"), N_("In leisure time"), N_("At home")};

static void section_begin(web_page *o, const char *id, const char *title)
{
    WEB_RAW(o, "<section id=\"");
    web_text(o, id);
    WEB_RAW(o, "\"><h2>");
    web_t(o, title);
    WEB_RAW(o, "</h2>\n");
}

static void dt_dd(web_page *o, const char *label, const char *value)
{
    if (!value)
        return;
    WEB_RAW(o, "<dt>");
    web_t(o, label);
    WEB_RAW(o, "</dt><dd>");
    web_text(o, value);
    WEB_RAW(o, "</dd>");
}

static int measure_active(const json_t *m)
{
    const char *st = web_field(m, "status");
    return !st || strcmp(st, "active") == 0 || strcmp(st, "planned") == 0;
}

/* One day across the child's three settings: what is hard, and what is done about it, side by
 * side, so a reader sees at once whether school, leisure time and home pull the same way. */
static void day_view(web_req *q, const json_t *plan)
{
    web_page *o = &q->page;
    const json_t *ch = json_object_get(plan, "challenges");
    section_begin(o, "day", N_("The 24-hour view"));
    WEB_RAW(o, "<table class=\"day\"><thead><tr><td></td>");
    for (size_t k = 0; k < 3; k++) {
        WEB_RAW(o, "<th scope=\"col\">");
        web_t(o, setting_labels[k]);
        WEB_RAW(o, "</th>");
    }
    WEB_RAW(o, "</tr></thead><tbody><tr><th scope=\"row\">");
    web_t(o, "Challenges");
    WEB_RAW(o, "</th>");
    for (size_t k = 0; k < 3; k++) {
        WEB_RAW(o, "<td class=\"text\">");
        web_text(o, web_field(ch, baton_settings[k]));
        WEB_RAW(o, "</td>");
    }
    WEB_RAW(o, "</tr><tr><th scope=\"row\">");
    web_t(o, "Measures");
    WEB_RAW(o, "</th>");
    for (size_t k = 0; k < 3; k++) {
        WEB_RAW(o, "<td><ul>");
        size_t i;
        json_t *m;
        json_array_foreach(json_object_get(plan, "measures"), i, m) {
            const char *setting = web_field(m, "setting");
            if (!measure_active(m) || !setting || strcmp(setting, baton_settings[k]) != 0)
                continue;
            WEB_RAW(o, "<li>");
            web_text(o, web_field(m, "description"));
            WEB_RAW(o, "</li>");
        }
        WEB_RAW(o, "</ul></td>");
    }
    WEB_RAW(o, "</tr></tbody></table>\n</section>\n");
}

static void measures(web_req *q, const json_t *plan)
{
    web_page *o = &q->page;
    section_begin(o, "measures", N_("Measures"));
    size_t i;
    json_t *m;
    int any = 0;
    json_array_foreach(json_object_get(plan, "measures"), i, m) {
        any = 1;
        WEB_RAW(o, "<article class=\"entry\"><h3>");
        web_text(o, web_field(m, "description"));
        WEB_RAW(o, "</h3><dl>");
        const char *setting = web_field(m, "setting");
        for (size_t k = 0; k < 3; k++)
            if (setting && strcmp(setting, baton_settings[k]) == 0)
                dt_dd(o, N_("Setting"), dgettext("baton", setting_labels[k]));
        dt_dd(o, N_("Status"), baton_i18n_word(web_field(m, "status")));
        dt_dd(o, N_("Goal"), web_field(m, "goal"));
        dt_dd(o, N_("Responsible"), web_staff_name(q, web_field(m, "responsible")));
        dt_dd(o, N_("Review by"), web_field(m, "review_by"));
        dt_dd(o, N_("Outcome"), web_field(m, "outcome"));
        WEB_RAW(o, "</dl></article>\n");
    }
    if (!any)
        web_para(o, "No measures yet.");
    WEB_RAW(o, "</section>\n");
}

static void focus_points(web_req *q, const json_t *plan)
{
    web_page *o = &q->page;
    section_begin(o, "focus", N_("Focus points"));
    size_t i, k;
    json_t *f, *c;
    int any = 0;
    json_array_foreach(json_object_get(plan, "focus_points"), i, f) {
        any = 1;
        WEB_RAW(o, "<article class=\"entry\"><h3>");
        web_text(o, web_field(f, "area"));
        WEB_RAW(o, "</h3><dl>");
        dt_dd(o, N_("Focus"), web_field(f, "text"));
        dt_dd(o, N_("Support at school"), web_field(f, "support_school"));
        dt_dd(o, N_("Support at home"), web_field(f, "support_home"));
        dt_dd(o, N_("Follow up"), web_field(f, "follow_up"));
        WEB_RAW(o, "</dl>");
        json_array_foreach(json_object_get(f, "comments"), k, c) {
            WEB_RAW(o, "<p class=\"meta\">");
            web_t(o, "Comment");
            WEB_RAW(o, " (");
            web_text(o, web_field(c, "by"));
            WEB_RAW(o, ", ");
            web_text(o, web_field(c, "date"));
            WEB_RAW(o, "): ");
            web_text(o, web_field(c, "text"));
            WEB_RAW(o, "</p>");
        }
        WEB_RAW(o, "</article>\n");
    }
    if (!any)
        web_para(o, "No focus points yet.");
    WEB_RAW(o, "</section>\n");
}

void web_case_plan(web_req *q, const json_t *doc)
{
    web_page *o = &q->page;
    const json_t *plan = json_object_get(doc, "plan");
    /* what works and the strengths first: the plan starts from what goes well */
    section_begin(o, "strengths", N_("Strengths and what works"));
    web_block(o, N_("What works"), web_field(plan, "works_well"));
    web_block(o, N_("Strengths"), web_field(plan, "strengths"));
    if (!web_field(plan, "works_well") && !web_field(plan, "strengths"))
        web_para(o, "Nothing recorded.");
    WEB_RAW(o, "</section>\n");
    if (web_field(plan, "child_perspective") || web_field(plan, "guardian_perspective")) {
        section_begin(o, "voices", N_("Perspectives"));
        web_block(o, N_("The child"), web_field(plan, "child_perspective"));
        web_block(o, N_("The guardians"), web_field(plan, "guardian_perspective"));
        WEB_RAW(o, "</section>\n");
    }
    const json_t *np = json_object_get(plan, "needs_predictability");
    if (np || web_field(plan, "transition_notes")) {
        section_begin(o, "predictability", N_("Predictability and transitions"));
        WEB_RAW(o, "<dl>");
        dt_dd(o, N_("Needs predictability"),
              dgettext("baton", !np ? N_("not stated") : json_is_true(np) ? N_("yes") : N_("no")));
        WEB_RAW(o, "</dl>");
        web_block(o, N_("Transition notes"), web_field(plan, "transition_notes"));
        WEB_RAW(o, "</section>\n");
    }
    day_view(q, plan);
    measures(q, plan);
    focus_points(q, plan);
}

/* Who does what around the child: the contact person, then the team with their roles and what
 * each answers for. */
static void responsibility_map(web_req *q, const json_t *doc)
{
    web_page *o = &q->page;
    const json_t *contact = json_object_get(doc, "contact");
    section_begin(o, "team", N_("Who does what"));
    WEB_TABLE(o, N_("Name"), N_("Role"), N_("responsible for"));
    WEB_RAW(o, "<tr><td>");
    web_text(o, web_staff_name(q, web_field(contact, "staff")));
    WEB_RAW(o, "</td><td>");
    web_t(o, "Contact person");
    WEB_RAW(o, " (");
    web_t(o, "since");
    WEB_RAW(o, " ");
    web_text(o, web_field(contact, "since"));
    WEB_RAW(o, ")</td><td>");
    web_t(o, "whom the parents contact");
    WEB_RAW(o, "</td></tr>\n");
    size_t i, k;
    json_t *m, *r;
    json_array_foreach(json_object_get(doc, "team"), i, m) {
        WEB_RAW(o, "<tr><td>");
        web_text(o, web_staff_name(q, web_field(m, "staff")));
        WEB_RAW(o, "</td><td>");
        web_text(o, web_field(m, "role"));
        WEB_RAW(o, "</td><td>");
        int first = 1;
        json_array_foreach(json_object_get(m, "responsible_for"), k, r) {
            if (!first)
                WEB_RAW(o, ", ");
            web_text(o, json_string_value(r));
            first = 0;
        }
        if (json_is_true(json_object_get(m, "follows_up"))) {
            if (!first)
                WEB_RAW(o, "; ");
            web_t(o, "follows up on the agreements with the home");
            first = 0;
        }
        if (json_is_true(json_object_get(m, "hands_over"))) {
            if (!first)
                WEB_RAW(o, "; ");
            web_t(o, "hands over when the child moves on");
        }
        WEB_RAW(o, "</td></tr>\n");
    }
    WEB_RAW(o, "</tbody></table>\n</section>\n");
}

/* The guardians, and the agreement on how often and about what they hear from us. */
static void guardians(web_req *q, const json_t *doc)
{
    web_page *o = &q->page;
    section_begin(o, "guardians", N_("Guardians"));
    size_t i, k;
    json_t *g, *ch;
    if (json_array_size(json_object_get(doc, "guardians")) == 0)
        web_para(o, "No guardians recorded.");
    json_array_foreach(json_object_get(doc, "guardians"), i, g) {
        const json_t *ag = json_object_get(g, "agreement");
        WEB_RAW(o, "<article class=\"entry\"><h3>");
        web_text(o, web_field(g, "name"));
        if (web_field(g, "relation")) {
            WEB_RAW(o, " (");
            web_text(o, baton_i18n_word(web_field(g, "relation")));
            WEB_RAW(o, ")");
        }
        WEB_RAW(o, "</h3><dl>");
        dt_dd(o, N_("Phone"), web_field(g, "phone"));
        dt_dd(o, N_("E-mail"), web_field(g, "email"));
        if (ag) {
            dt_dd(o, N_("Hears from us"), baton_i18n_word(web_field(ag, "frequency")));
            WEB_RAW(o, "<dt>");
            web_t(o, "Channels");
            WEB_RAW(o, "</dt><dd>");
            json_array_foreach(json_object_get(ag, "channels"), k, ch) {
                if (k)
                    WEB_RAW(o, ", ");
                web_text(o, baton_i18n_word(json_string_value(ch)));
            }
            WEB_RAW(o, "</dd>");
            dt_dd(o, N_("About"), baton_i18n_word(web_field(ag, "topics")));
            dt_dd(o, N_("Detail"), baton_i18n_word(web_field(ag, "detail")));
            dt_dd(o, N_("Agreed on"), web_field(ag, "agreed_on"));
        }
        WEB_RAW(o, "</dl>");
        if (!ag)
            web_para(o, "No communication agreement yet.");
        WEB_RAW(o, "</article>\n");
    }
    WEB_RAW(o, "</section>\n");
}

/* The case's handovers, each with its packet. */
static void handovers(web_req *q, const char *id, const char *rev)
{
    web_page *o = &q->page;
    json_t *all = NULL;
    if (baton_handover_list(q->s, rev, id, &all) != 0) {
        baton_error_clear();
        return;
    }
    section_begin(o, "handovers", N_("Handovers"));
    if (json_array_size(all) == 0)
        web_para(o, "No handovers yet.");
    else
        WEB_RAW(o, "<ul>\n");
    size_t i;
    json_t *h;
    json_array_foreach(all, i, h) {
        char href[128];
        snprintf(href, sizeof href, "/packet?number=%lld", (long long)json_integer_value(json_object_get(h, "number")));
        WEB_RAW(o, "<li>");
        web_case_link(o, id, href, dgettext("baton", "Handover packet"));
        WEB_RAW(o, " ");
        web_int(o, json_integer_value(json_object_get(h, "number")));
        WEB_RAW(o, ": ");
        web_stamp(q, web_field(h, "made"));
        WEB_RAW(o, " ");
        web_text(o, web_staff_name(q, web_field(json_object_get(h, "from"), "staff")));
        WEB_RAW(o, " → ");
        web_text(o, web_staff_name(q, web_field(json_object_get(h, "to"), "staff")));
        snprintf(href, sizeof href, "/checklist?number=%lld", (long long)json_integer_value(json_object_get(h, "number")));
        WEB_RAW(o, " · ");
        web_case_link(o, id, href, dgettext("baton", "checklist"));
        if (json_is_true(json_object_get(h, "pending"))) {
            WEB_RAW(o, " <strong>");
            web_t(o, "not yet acknowledged");
            WEB_RAW(o, "</strong>");
        }
        WEB_RAW(o, "</li>\n");
    }
    if (json_array_size(all))
        WEB_RAW(o, "</ul>\n");
    WEB_RAW(o, "</section>\n");
    json_decref(all);
}

/* Everyone who may read the case now, and by which rule: what a coordinator checks before they
 * answer a parent who asks who sees their child's plan. */
static void access(web_req *q, const char *id)
{
    web_page *o = &q->page;
    json_t *who = NULL;
    if (baton_case_access(q->s, id, &who) != 0) {
        baton_error_clear();
        return;
    }
    section_begin(o, "access", N_("Who may read the case"));
    WEB_TABLE(o, N_("Name"), N_("Role"), N_("Why"));
    size_t i;
    json_t *x;
    json_array_foreach(who, i, x) {
        WEB_RAW(o, "<tr><td>");
        web_text(o, web_field(x, "name") ? web_field(x, "name") : web_field(x, "staff"));
        WEB_RAW(o, "</td><td>");
        web_text(o, baton_i18n_word(web_field(x, "role")));
        WEB_RAW(o, "</td><td>");
        web_text(o, web_field(x, "rule"));
        WEB_RAW(o, "</td></tr>\n");
    }
    WEB_RAW(o, "</tbody></table>\n</section>\n");
    json_decref(who);
}

void web_case_people(web_req *q, const json_t *doc, const char *rev)
{
    const char *id = web_field(doc, "id");
    responsibility_map(q, doc);
    guardians(q, doc);
    handovers(q, id, rev);
    /* who may read it now: a question about today, not about a past version */
    if (!rev)
        access(q, id);
}
