/* The staff directory, for coordinators: adding a new colleague, and handing over everything a
 * leaving colleague holds. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the staff directory, for coordinators ---- */

/* GET /staff: everyone active, and for each a form that hands all they hold over to a colleague
 * and marks them as left (one commit, the library's baton_handover_from). Coordinators only: the
 * library's own check says who. */
static const web_form_field new_fields[] = {
    {"id", N_("Staff id (letters, digits, dots)"), WEB_TEXT, 1, NULL},
    {"name", N_("Name"), WEB_TEXT, 1, NULL},
    {"email", N_("E-mail"), WEB_TEXT, 1, NULL},
    {"role", N_("Role"), WEB_CHOICE, 1, baton_staff_roles},
    {"institution", N_("Institution"), WEB_TEXT, 0, NULL},
    {"sso_id", N_("Single sign-on id (a uniid or NameID; only where the store matches logins by it)"), WEB_TEXT, 0,
     NULL},
    {NULL, NULL, 0, 0, NULL},
};

static void staff_page(web_req *q, const char *message)
{
    json_t *list = NULL;
    int rc = baton_access_check(q->s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc == 0)
        rc = baton_staff_directory(q->store, &list);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    web_head(q, dgettext("baton", "Staff"));
    WEB_TABLE(o, N_("Name"), N_("Role"), N_("When they leave"));
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) {
        if (!json_is_true(json_object_get(x, "active")))
            continue;
        const char *id = web_field(x, "id");
        WEB_RAW(o, "<tr><td>");
        web_text(o, web_field(x, "name"));
        WEB_RAW(o, " (");
        web_text(o, id);
        WEB_RAW(o, ")</td><td>");
        web_text(o, baton_i18n_word(web_field(x, "role")));
        char action[128];
        snprintf(action, sizeof action, "/staff/%s/leave", id);
        WEB_RAW(o, "</td><td>");
        web_form(q, action);
        WEB_RAW(o, "<label for=\"to-");
        web_text(o, id);
        WEB_RAW(o, "\">");
        web_t(o, "Hand everything over to");
        WEB_RAW(o, "</label> <select id=\"to-");
        web_text(o, id);
        WEB_RAW(o, "\" name=\"to\">");
        web_staff_options(q, NULL, id);
        WEB_RAW(o, "</select> <button type=\"submit\">");
        web_t(o, "and mark as left");
        WEB_RAW(o, "</button></form></td></tr>\n");
    }
    WEB_RAW(o, "</tbody></table>\n<h2 id=\"new\">");
    web_t(o, "A new colleague");
    WEB_RAW(o, "</h2>\n");
    web_alert(o, message);
    web_form(q, "/staff/new");
    for (const web_form_field *f = new_fields; f->name; f++)
        web_form_input(q, f);
    WEB_RAW(o, "<p><button type=\"submit\">");
    web_t(o, "Add");
    WEB_RAW(o, "</button></p></form>\n");
    web_foot(q);
    json_decref(list);
}

void web_staff(web_req *q) { staff_page(q, NULL); }

/* POST /staff/new: a new staff record, as the session (a coordinator or leader, the library says) */
void web_staff_new(web_req *q)
{
    json_t *rec = json_object();
    for (const web_form_field *f = new_fields; f->name; f++) {
        const char *v = web_field(q->form, f->name);
        if (v && *v)
            json_object_set_new(rec, f->name, json_string(v));
    }
    json_object_set_new(rec, "active", json_true());
    baton_oid_hex commit;
    int rc = baton_staff_add(q->s, rec, NULL, commit);
    json_decref(rec);
    if (rc == 0) {
        web_redirect(q, "/staff");
        return;
    }
    char message[1200];
    snprintf(message, sizeof message, "%s", baton_error_last());
    baton_error_clear();
    web_page_free(&q->page);
    staff_page(q, message);
    if (q->status < 400)
        q->status = rc == BATON_EDENIED ? 403 : rc == BATON_EEXISTS ? 409 : 400;
}

/* POST /staff/ID/leave: everything ID holds moves to `to` in one commit, then ID leaves (a second
 * commit: should it be refused, what moved stays moved, and the page says why). */
void web_staff_leave(web_req *q, const char *id)
{
    json_t *made = NULL;
    baton_oid_hex commit;
    json_t *blocking = NULL;
    int rc = baton_handover_from(q->s, id, web_field(q->form, "to"), NULL, 0, NULL, &made, commit);
    /* all they held has moved: now their leaving goes through */
    if (rc == 0)
        rc = baton_staff_leave(q->s, id, NULL, &blocking, commit);
    json_decref(made);
    json_decref(blocking);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_redirect(q, "/staff");
}
