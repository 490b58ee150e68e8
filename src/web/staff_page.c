/* The staff directory, for coordinators: handing over everything a leaving colleague holds. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the staff directory, for coordinators ---- */

/* GET /staff: everyone active, and for each a form that hands all they hold over to a colleague
 * and marks them as left (one commit, the library's baton_handover_from). Coordinators only: the
 * library's own check says who. */
void web_staff(web_req *q)
{
    json_t *list = NULL;
    int rc = baton_access_check(q->s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc == 0)
        rc = baton_staff_list(q->store, &list);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    web_head(q, dgettext("baton", "Staff"));
    WEB_TABLE(o, N_("Name"), N_("Role"), N_("When they leave"));
    size_t i, j;
    json_t *x, *y;
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
        json_array_foreach(list, j, y) {
            if (j == i || !json_is_true(json_object_get(y, "active")))
                continue;
            WEB_RAW(o, "<option value=\"");
            web_text(o, web_field(y, "id"));
            WEB_RAW(o, "\">");
            web_text(o, web_field(y, "name"));
            WEB_RAW(o, "</option>");
        }
        WEB_RAW(o, "</select> <button type=\"submit\">");
        web_t(o, "and mark as left");
        WEB_RAW(o, "</button></form></td></tr>\n");
    }
    WEB_RAW(o, "</tbody></table>\n");
    web_foot(q);
    json_decref(list);
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
