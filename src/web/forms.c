/* The forms that add to a case: a journal entry (with a follow-up, or restricted), a measure, a
 * focus point, and handing the case to a colleague. Each is one commit by the person, made by the
 * library, which checks it; a refused form comes back with what the person typed and the
 * library's words for what is wrong, so nothing typed is lost. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef web_form_field form_field;

/* (the values offered are the schema's own lists: baton/record.h, baton/journal.h) */

/* Whether value is one of a comma-joined list. */
static int among(const char *list, const char *value)
{
    size_t n = strlen(value);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, value, n) == 0)
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

/* The value the form holds now: what the person sent, or nothing yet. */
static const char *value_of(web_req *q, const char *name)
{
    return strcmp(q->method, "POST") == 0 ? web_field(q->form, name) : NULL;
}

void web_option_list(web_page *o, const char *const *values, const char *have, const char *none)
{
    if (none) {
        WEB_RAW(o, "<option value=\"\"");
        if (have && !*have)
            WEB_RAW(o, " selected");
        WEB_RAW(o, ">");
        web_text(o, none);
        WEB_RAW(o, "</option>");
    }
    for (const char *const *v = values; *v; v++) {
        WEB_RAW(o, "<option value=\"");
        web_text(o, *v);
        WEB_RAW(o, "\"");
        if (have && strcmp(have, *v) == 0)
            WEB_RAW(o, " selected");
        WEB_RAW(o, ">");
        web_text(o, baton_i18n_word(*v));
        WEB_RAW(o, "</option>");
    }
}

void web_form_input(web_req *q, const web_form_field *f)
{
    web_page *o = &q->page;
    const char *v = value_of(q, f->name);
    if (f->type == WEB_CHOICES) { /* a group of checkboxes is named by its legend */
        WEB_RAW(o, "<fieldset><legend>");
        web_t(o, f->label);
        WEB_RAW(o, "</legend>");
    } else {
        WEB_RAW(o, "<p><label for=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\">");
        web_t(o, f->label);
        WEB_RAW(o, "</label>");
    }
    if (f->type == WEB_AREA)
        WEB_RAW(o, "<br>");
    else
        WEB_RAW(o, " ");
    switch (f->type) {
    case WEB_AREA:
        WEB_RAW(o, "<textarea rows=\"4\" cols=\"70\" id=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\" name=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\"");
        if (f->required)
            WEB_RAW(o, " required");
        WEB_RAW(o, ">");
        web_text(o, v);
        WEB_RAW(o, "</textarea>");
        break;
    case WEB_CHOICES:
        for (const char *const *c = f->choices; *c; c++) {
            WEB_RAW(o, "<label><input type=\"checkbox\" name=\"");
            web_text(o, f->name);
            WEB_RAW(o, "\" value=\"");
            web_text(o, *c);
            WEB_RAW(o, "\"");
            if (v && among(v, *c))
                WEB_RAW(o, " checked");
            WEB_RAW(o, "> ");
            web_text(o, baton_i18n_word(*c));
            WEB_RAW(o, "</label> ");
        }
        break;
    case WEB_CHOICE:
    case WEB_STAFF:
        WEB_RAW(o, "<select id=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\" name=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\">");
        if (f->type == WEB_STAFF) {
            if (!f->required)
                WEB_RAW(o, "<option value=\"\"></option>");
            web_staff_options(q, v, NULL);
        } else {
            web_option_list(o, f->choices, v, f->required ? NULL : "");
        }
        WEB_RAW(o, "</select>");
        break;
    case WEB_CHECK:
        WEB_RAW(o, "<input type=\"checkbox\" value=\"1\" id=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\" name=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\"");
        if (v)
            WEB_RAW(o, " checked");
        WEB_RAW(o, ">");
        break;
    default:
        if (f->type == WEB_DATE)
            WEB_RAW(o, "<input type=\"date\" id=\"");
        else
            WEB_RAW(o, "<input size=\"50\" id=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\" name=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\" value=\"");
        web_text(o, v);
        WEB_RAW(o, "\"");
        if (f->required)
            WEB_RAW(o, " required");
        WEB_RAW(o, ">");
    }
    if (f->type == WEB_CHOICES)
        WEB_RAW(o, "</fieldset>\n");
    else
        WEB_RAW(o, "</p>\n");
}

/* The page of a form about case id: its heading, the error of a refused try, its fields, and the
 * way back. */
static void form_page(web_req *q, const char *id, const char *suffix, const char *title, const form_field *fields,
                      const char *message)
{
    json_t *doc = NULL;
    /* a form is for those who may send it: the library says who (a reader who may not change the
     * case gets its refusal, not a form that would be refused) */
    baton_access access = strcmp(suffix, "/handover") == 0     ? BATON_ACCESS_HANDOVER
                          : strcmp(suffix, "/transition") == 0 ? BATON_ACCESS_TRANSITION
                                                               : BATON_ACCESS_CHANGE;
    int rc = baton_case_load(q->s, NULL, id, &doc, NULL);
    if (rc == 0 && (rc = baton_access_check(q->s, access, doc, NULL)))
        json_decref(doc);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    web_case_head(q, doc, title);
    json_decref(doc);
    web_alert(o, message);
    char action[128];
    snprintf(action, sizeof action, "/case/%s%s", id, suffix);
    web_form(q, action);
    WEB_RAW(o, "\n");
    for (const form_field *f = fields; f->name; f++)
        web_form_input(q, f);
    WEB_RAW(o, "<p><button type=\"submit\">");
    web_t(o, "Save");
    WEB_RAW(o, "</button> ");
    web_case_link(o, id, "", dgettext("baton", "Back to the case"));
    WEB_RAW(o, "</p></form>\n");
    web_foot(q);
}

/* After a form: to the case on success, else the form again with the person's input and why. */
static void form_done(web_req *q, int rc, const char *id, const char *suffix, const char *title,
                      const form_field *fields)
{
    if (rc == 0) {
        char to[128];
        snprintf(to, sizeof to, "/case/%s", id);
        web_redirect(q, to);
        return;
    }
    char message[1200];
    snprintf(message, sizeof message, "%s", baton_error_last());
    int status = rc == BATON_ECONFLICT ? 409 : rc == BATON_EDENIED ? 403 : rc == BATON_ENOTFOUND ? 404 : rc == BATON_EBUSY ? 503 : 400;
    web_page_free(&q->page);
    baton_error_clear();
    form_page(q, id, suffix, title, fields, message);
    if (q->status < 400) /* the form itself came: say the try was refused */
        q->status = status;
}

/* ---- lists of the plan: measures and focus points ---- */

static const form_field measure_fields[] = {
    {"setting", N_("Setting"), WEB_CHOICE, 1, baton_settings},     {"description", N_("What"), WEB_AREA, 1},
    {"goal", N_("Goal"), WEB_AREA, 1},               {"responsible", N_("Responsible"), WEB_STAFF, 1},
    {"review_by", N_("Review by"), WEB_DATE, 1},     {NULL, NULL, 0, 0},
};
static const char *const measure_defaults[] = {"status", "active", "start", "@today", NULL};

static const form_field focus_fields[] = {
    {"area", N_("Area"), WEB_TEXT, 1},
    {"text", N_("Focus"), WEB_AREA, 1},
    {"support_school", N_("Support at school"), WEB_AREA, 0},
    {"support_home", N_("Support at home"), WEB_AREA, 0},
    {"follow_up", N_("Follow up"), WEB_DATE, 0},
    {NULL, NULL, 0, 0},
};

typedef struct {
    const char *list_path, *prefix;
    const char *const *defaults;
    const form_field *fields;
    const json_t *form;
} entry_ctx;

static int add_entry(json_t *doc, const baton_identity *as, void *vctx)
{
    entry_ctx *e = vctx;
    (void)as;
    json_t *values = json_object();
    for (const form_field *f = e->fields; f->name; f++) {
        const char *v = web_field(e->form, f->name);
        if (!v || !*v)
            continue;
        char *clean = web_lines(v);
        if (clean)
            json_object_set_new(values, f->name, json_string(clean));
        free(clean);
    }
    int rc = baton_record_entry_put(doc, BATON_RECORD_CASE, e->list_path, 1, NULL, e->prefix, values, e->defaults,
                                    NULL);
    json_decref(values);
    return rc;
}

static void entry_form(web_req *q, const char *id, int post, const char *suffix, const char *title,
                       const char *list_path, const char *prefix, const char *const *defaults,
                       const form_field *fields, const char *what)
{
    if (!post) {
        form_page(q, id, suffix, title, fields, NULL);
        return;
    }
    entry_ctx e = {list_path, prefix, defaults, fields, q->form};
    baton_oid_hex commit;
    int rc = baton_case_update(q->s, id, NULL, what, NULL, add_entry, &e, commit);
    form_done(q, rc, id, suffix, title, fields);
}

void web_measure(web_req *q, const char *id, int post)
{
    entry_form(q, id, post, "/measure", N_("Add a measure"), "plan.measures", "m", measure_defaults, measure_fields,
               "add measure on the web");
}

void web_focus(web_req *q, const char *id, int post)
{
    entry_form(q, id, post, "/focus", N_("Add a focus point"), "plan.focus_points", "f", NULL, focus_fields,
               "add focus point on the web");
}

/* ---- guardians and how they want to hear from us ---- */

static const form_field guardian_fields[] = {
    {"name", N_("Name"), WEB_TEXT, 1, NULL},
    {"relation", N_("Relation (mother, father, ...)"), WEB_TEXT, 1, NULL},
    {"phone", N_("Phone"), WEB_TEXT, 0, NULL},
    {"email", N_("E-mail"), WEB_TEXT, 0, NULL},
    {"agreement.frequency", N_("Hears from us"), WEB_CHOICE, 0, baton_agreement_frequencies},
    {"agreement.channels", N_("Channels"), WEB_CHOICES, 0, baton_channels},
    {"agreement.topics", N_("About"), WEB_CHOICE, 0, baton_agreement_topics},
    {"agreement.detail", N_("Detail"), WEB_CHOICE, 0, baton_agreement_details},
    {"agreement.agreed_on", N_("Agreed on"), WEB_DATE, 0, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void web_guardian(web_req *q, const char *id, int post)
{
    entry_form(q, id, post, "/guardian", N_("Add a guardian and the communication agreement"), "guardians", "g", NULL,
               guardian_fields, "add guardian on the web");
}

/* ---- the journal ---- */

static const form_field journal_fields[] = {
    {"kind", N_("Kind"), WEB_CHOICE, 1, baton_journal_user_kinds},
    {"text", N_("What happened"), WEB_AREA, 1},
    {"at", N_("When (empty: now)"), WEB_DATE, 0},
    {"channel", N_("Channel"), WEB_CHOICE, 0, baton_channels},
    {"follow_up", N_("Follow up by"), WEB_DATE, 0},
    {"owner", N_("Who follows up"), WEB_STAFF, 0},
    {"restricted", N_("Restricted: only coordinators and psychologists of the case may read it"), WEB_CHECK, 0},
    {NULL, NULL, 0, 0},
};

void web_journal(web_req *q, const char *id, int post)
{
    const char *title = N_("Add to the journal");
    if (!post) {
        form_page(q, id, "/journal", title, journal_fields, NULL);
        return;
    }
    char *text = web_lines(web_field(q->form, "text")), id_out[16];
    baton_journal_new e = {0};
    e.kind = web_arg(q->form, "kind");
    e.text = text;
    e.at = web_arg(q->form, "at");
    e.channel = web_arg(q->form, "channel");
    e.follow_up = web_arg(q->form, "follow_up");
    e.owner = web_arg(q->form, "owner");
    e.restricted = web_field(q->form, "restricted") != NULL;
    baton_oid_hex commit;
    int rc = baton_journal_add(q->s, id, &e, NULL, id_out, commit);
    free(text);
    form_done(q, rc, id, "/journal", title, journal_fields);
}

/* ---- handing the case to a colleague ---- */

static const form_field handover_fields[] = {
    {"to", N_("New contact person"), WEB_STAFF, 1},
    {"reason", N_("Why (optional)"), WEB_TEXT, 0},
    {NULL, NULL, 0, 0},
};

void web_handover(web_req *q, const char *id, int post)
{
    const char *title = N_("Hand the case over to a colleague");
    if (!post) {
        form_page(q, id, "/handover", title, handover_fields, NULL);
        return;
    }
    baton_handover_pair p = {id, web_arg(q->form, "to")};
    baton_oid_hex commit;
    int rc = baton_handover_staff(q->s, &p, 1, web_arg(q->form, "reason"), NULL, commit);
    form_done(q, rc, id, "/handover", title, handover_fields);
}

/* ---- a handover's checklist ---- */

static const form_field checklist_fields[] = {
    {"meeting_held", N_("Handover meeting held on"), WEB_DATE, 0, NULL},
    {"child_prepared", N_("The child prepared on"), WEB_DATE, 0, NULL},
    {"known_adult", N_("A known adult went along on (context transitions)"), WEB_DATE, 0, NULL},
    {"note", N_("Note"), WEB_TEXT, 0, NULL},
    {NULL, NULL, 0, 0, NULL},
};

/* GET and POST /case/ID/checklist?number=N */
void web_checklist(web_req *q, const char *id, int post)
{
    const char *title = N_("The handover's checklist");
    const char *number = web_field(q->query, "number");
    char *end = NULL, suffix[48];
    long n = number ? strtol(number, &end, 10) : 0;
    if (!number || *end || n < 1 || n > 9999) {
        web_error_page(q, 400, dgettext("baton", "number: not a handover number"));
        return;
    }
    snprintf(suffix, sizeof suffix, "/checklist?number=%ld", n);
    if (!post) {
        form_page(q, id, suffix, title, checklist_fields, NULL);
        return;
    }
    baton_handover_ticks ticks = {web_arg(q->form, "meeting_held"),
                                  web_arg(q->form, "child_prepared"),
                                  web_arg(q->form, "known_adult"), web_arg(q->form, "note")};
    baton_oid_hex commit;
    int rc = baton_handover_checklist(q->s, id, (int)n, &ticks, NULL, commit);
    form_done(q, rc, id, suffix, title, checklist_fields);
}

/* ---- a context transition: daycare to school, school to school, municipality to municipality ---- */

static const form_field transition_fields[] = {
    {"to_context", N_("The new context (kind:institution:group:municipality)"), WEB_TEXT, 1, NULL},
    {"to_staff", N_("Inside the organisation: the new contact person"), WEB_STAFF, 0, NULL},
    {"receiver", N_("Or outside it: the receiver (name <e-mail>)"), WEB_TEXT, 0, NULL},
    {"basis", N_("Basis for sharing (outside the organisation)"), WEB_CHOICE, 0, (const char *const[]){"", "consent", "statutory", NULL}},
    {"basis_ref", N_("The consent's id, or the rule that requires the sharing"), WEB_TEXT, 0, NULL},
    {"scope", N_("What the packet holds (empty: what the basis covers)"), WEB_CHOICES, 0, baton_packet_sections},
    {"reason", N_("Why (optional)"), WEB_TEXT, 0, NULL},
    {NULL, NULL, 0, 0, NULL},
};

void web_transition(web_req *q, const char *id, int post)
{
    const char *title = N_("A move to another context");
    if (!post) {
        form_page(q, id, "/transition", title, transition_fields, NULL);
        return;
    }
    baton_handover_context_options o = {id,
                                        web_arg(q->form, "to_context"),
                                        web_arg(q->form, "to_staff"),
                                        web_arg(q->form, "receiver"),
                                        web_arg(q->form, "basis"),
                                        web_arg(q->form, "basis_ref"),
                                        web_arg(q->form, "scope")};
    int number;
    baton_oid_hex commit;
    int rc = baton_handover_context(q->s, &o, web_arg(q->form, "reason"), &number, commit);
    form_done(q, rc, id, "/transition", title, transition_fields);
}
