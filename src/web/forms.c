/* The forms that add to a case: a journal entry (with a follow-up, or restricted), a measure, a
 * focus point, and handing the case to a colleague. Each is one commit by the person, made by the
 * library, which checks it; a refused form comes back with what the person typed and the
 * library's words for what is wrong, so nothing typed is lost. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { TEXT, AREA, DATE, SETTING, STAFF, KIND, CHANNEL, CHECK };

typedef struct {
    const char *name, *label;
    int type, required;
} form_field;

static const char *const settings[] = {"school", "leisure", "home", NULL};
static const char *const kinds[] = {"contact", "meeting", "observation", "status_update", "decision", NULL};
static const char *const channels[] = {"", "aula", "email", "phone", "meeting", "sms", "other", NULL};

/* The value the form holds now: what the person sent, or nothing yet. */
static const char *value_of(web_req *q, const char *name)
{
    return strcmp(q->method, "POST") == 0 ? web_field(q->form, name) : NULL;
}

static void options(web_page *o, const char *const *values, const char *have)
{
    for (const char *const *v = values; *v; v++) {
        WEB_RAW(o, "<option value=\"");
        web_text(o, *v);
        WEB_RAW(o, "\"");
        if (have && strcmp(have, *v) == 0)
            WEB_RAW(o, " selected");
        WEB_RAW(o, ">");
        web_text(o, **v ? baton_i18n_word(*v) : "");
        WEB_RAW(o, "</option>");
    }
}

static void staff_options(web_req *q, const char *have)
{
    web_page *o = &q->page;
    size_t i;
    json_t *x;
    json_array_foreach(web_directory(q), i, x) {
        if (!json_is_true(json_object_get(x, "active")))
            continue;
        WEB_RAW(o, "<option value=\"");
        web_text(o, web_field(x, "id"));
        WEB_RAW(o, "\"");
        if (have && strcmp(have, web_field(x, "id")) == 0)
            WEB_RAW(o, " selected");
        WEB_RAW(o, ">");
        web_text(o, web_field(x, "name"));
        WEB_RAW(o, "</option>");
    }
}

static void field_input(web_req *q, const form_field *f)
{
    web_page *o = &q->page;
    const char *v = value_of(q, f->name);
    WEB_RAW(o, "<p><label for=\"");
    web_text(o, f->name);
    WEB_RAW(o, "\">");
    web_t(o, f->label);
    WEB_RAW(o, "</label>");
    if (f->type == AREA)
        WEB_RAW(o, "<br>");
    else
        WEB_RAW(o, " ");
    switch (f->type) {
    case AREA:
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
    case SETTING:
    case KIND:
    case CHANNEL:
    case STAFF:
        WEB_RAW(o, "<select id=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\" name=\"");
        web_text(o, f->name);
        WEB_RAW(o, "\">");
        if (f->type == STAFF) {
            if (!f->required)
                WEB_RAW(o, "<option value=\"\"></option>");
            staff_options(q, v);
        } else {
            options(o, f->type == SETTING ? settings : f->type == KIND ? kinds : channels, v);
        }
        WEB_RAW(o, "</select>");
        break;
    case CHECK:
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
        if (f->type == DATE)
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
    WEB_RAW(o, "</p>\n");
}

/* The page of a form about case id: its heading, the error of a refused try, its fields, and the
 * way back. */
static void form_page(web_req *q, const char *id, const char *suffix, const char *title, const form_field *fields,
                      const char *message)
{
    json_t *doc = NULL;
    int rc = baton_case_load(q->s, NULL, id, &doc, NULL);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    web_case_head(q, doc, title);
    json_decref(doc);
    if (message) {
        WEB_RAW(o, "<p class=\"error\" role=\"alert\">");
        web_text(o, message);
        WEB_RAW(o, "</p>\n");
    }
    char action[128];
    snprintf(action, sizeof action, "/case/%s%s", id, suffix);
    web_form(q, action);
    WEB_RAW(o, "\n");
    for (const form_field *f = fields; f->name; f++)
        field_input(q, f);
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
    {"setting", N_("Setting"), SETTING, 1},     {"description", N_("What"), AREA, 1},
    {"goal", N_("Goal"), AREA, 1},               {"responsible", N_("Responsible"), STAFF, 1},
    {"review_by", N_("Review by"), DATE, 1},     {NULL, NULL, 0, 0},
};
static const char *const measure_defaults[] = {"status", "active", "start", "@today", NULL};

static const form_field focus_fields[] = {
    {"area", N_("Area"), TEXT, 1},
    {"text", N_("Focus"), AREA, 1},
    {"support_school", N_("Support at school"), AREA, 0},
    {"support_home", N_("Support at home"), AREA, 0},
    {"follow_up", N_("Follow up"), DATE, 0},
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

/* ---- the journal ---- */

static const form_field journal_fields[] = {
    {"kind", N_("Kind"), KIND, 1},
    {"text", N_("What happened"), AREA, 1},
    {"at", N_("When (empty: now)"), DATE, 0},
    {"channel", N_("Channel"), CHANNEL, 0},
    {"follow_up", N_("Follow up by"), DATE, 0},
    {"owner", N_("Who follows up"), STAFF, 0},
    {"restricted", N_("Restricted: only coordinators and psychologists of the case may read it"), CHECK, 0},
    {NULL, NULL, 0, 0},
};

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

void web_journal(web_req *q, const char *id, int post)
{
    const char *title = N_("Add to the journal");
    if (!post) {
        form_page(q, id, "/journal", title, journal_fields, NULL);
        return;
    }
    char *text = web_lines(web_field(q->form, "text")), id_out[16];
    baton_journal_new e = {0};
    e.kind = nonempty(web_field(q->form, "kind"));
    e.text = text;
    e.at = nonempty(web_field(q->form, "at"));
    e.channel = nonempty(web_field(q->form, "channel"));
    e.follow_up = nonempty(web_field(q->form, "follow_up"));
    e.owner = nonempty(web_field(q->form, "owner"));
    e.restricted = web_field(q->form, "restricted") != NULL;
    baton_oid_hex commit;
    int rc = baton_journal_add(q->s, id, &e, NULL, id_out, commit);
    free(text);
    form_done(q, rc, id, "/journal", title, journal_fields);
}

/* ---- handing the case to a colleague ---- */

static const form_field handover_fields[] = {
    {"to", N_("New contact person"), STAFF, 1},
    {"reason", N_("Why (optional)"), TEXT, 0},
    {NULL, NULL, 0, 0},
};

void web_handover(web_req *q, const char *id, int post)
{
    const char *title = N_("Hand the case over to a colleague");
    if (!post) {
        form_page(q, id, "/handover", title, handover_fields, NULL);
        return;
    }
    baton_handover_pair p = {id, nonempty(web_field(q->form, "to"))};
    baton_oid_hex commit;
    int rc = baton_handover_staff(q->s, &p, 1, nonempty(web_field(q->form, "reason")), NULL, commit);
    form_done(q, rc, id, "/handover", title, handover_fields);
}
