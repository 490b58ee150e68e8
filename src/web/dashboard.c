/* The overview every person opens first: their cases, what is due for them, and the handovers
 * waiting for their acknowledgement. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the pages of a logged-in person ---- */

/* What is due, a page at a time: the most urgent first, then ?due=N for the items after the
 * first N. A coordinator may owe a thousand things; a page of follow-up forms is for working
 * through, and every item shown is a read of its case. */
#define DUE_PAGE 25

/* A link to the overview's page of due items starting at from. */
static void due_page_link(web_page *o, size_t from, const char *msgid)
{
    WEB_RAW(o, "<a href=\"/?due=");
    web_int(o, (long long)from);
    WEB_RAW(o, "\">");
    web_t(o, msgid);
    WEB_RAW(o, "</a>");
}

void web_dashboard(web_req *q)
{
    web_page *o = &q->page;
    json_t *cases = NULL, *due = NULL, *waiting = NULL;
    size_t i;
    json_t *x;
    const char *from_arg = web_arg(q->query, "due");
    char *end = NULL;
    long from = from_arg ? strtol(from_arg, &end, 10) : 0;
    if (from_arg && (*end || from < 0 || from > 1000000 || from % DUE_PAGE)) {
        web_error_page(q, 400, dgettext("baton", "due: not a page of the list (0, 25, 50, ...)"));
        return;
    }
    int rc = baton_case_summaries(q->s, q->staff, "active", &cases);
    /* the most urgent first, a page of them; the rest are counted */
    size_t total = 0;
    baton_due_options d = {NULL, q->staff, 0, DUE_PAGE, &total, NULL, (size_t)from};
    if (rc == 0)
        rc = baton_due_list(q->s, &d, &due);
    /* the handovers waiting for this person are what is due for them of those kinds (found through
     * the index, not by reading every case's handovers) */
    static const char *const acks[] = {"handover_ack", "onboarding_ack", NULL};
    baton_due_options w = {NULL, q->staff, 0, 0, NULL, acks};
    json_t *owed = NULL;
    if (rc == 0)
        rc = baton_due_list(q->s, &w, &owed);
    waiting = json_array();
    json_array_foreach(owed, i, x) {
        /* the library gave only those kinds: each names its handover (h2) */
        const char *ref = web_field(x, "ref");
        if (ref && ref[0] == 'h')
            json_array_append_new(waiting, json_pack("{s:s?, s:s?, s:I}", "case", web_field(x, "case"), "child",
                                                     web_field(x, "child"), "number", (json_int_t)atol(ref + 1)));
    }
    json_decref(owed);
    if (rc) {
        web_library_error(q, rc);
        goto out;
    }
    if (from > 0 && json_array_size(due) == 0) {
        web_error_page(q, 404, dgettext("baton", "due: the list is shorter than that; its first page is /"));
        goto out;
    }
    web_head(q, dgettext("baton", "Your overview"));
    WEB_RAW(o, "<section><h2>");
    web_t(o, "Your cases");
    WEB_RAW(o, "</h2>\n");
    if (json_array_size(cases) == 0) {
        web_para(o, "You are the contact person of no active case.");
    } else {
        WEB_TABLE(o, N_("Child"), N_("Context"));
        json_array_foreach(cases, i, x) {
            const json_t *ctx = json_object_get(x, "context");
            WEB_RAW(o, "<tr><td><a href=\"/case/");
            web_text(o, web_field(x, "id"));
            WEB_RAW(o, "\">");
            web_text(o, web_field(json_object_get(x, "child"), "name"));
            WEB_RAW(o, "</a></td><td>");
            web_text(o, web_field(ctx, "institution"));
            WEB_RAW(o, " ");
            web_text(o, web_field(ctx, "group"));
            WEB_RAW(o, "</td></tr>\n");
        }
        WEB_RAW(o, "</tbody></table>\n");
    }
    WEB_RAW(o, "</section>\n<section><h2>");
    web_t(o, "Due for you");
    WEB_RAW(o, "</h2>\n");
    if (json_array_size(due) == 0) {
        web_para(o, "Nothing is due.");
    } else {
        WEB_RAW(o, "<ul>\n");
        json_array_foreach(due, i, x) {
            char what[600];
            baton_due_describe(x, what, sizeof what);
            WEB_RAW(o, "<li><time>");
            web_text(o, web_field(x, "due"));
            WEB_RAW(o, "</time> <a href=\"/case/");
            web_text(o, web_field(x, "case"));
            WEB_RAW(o, "\">");
            web_text(o, web_field(x, "child"));
            WEB_RAW(o, "</a>: ");
            web_text(o, what);
            /* a follow-up is closed where it is listed: a note of what was done, then done */
            const char *kind = web_field(x, "kind");
            if (kind && strcmp(kind, "follow_up") == 0 && web_field(x, "ref")) {
                char action[160];
                snprintf(action, sizeof action, "/case/%s/followup", web_field(x, "case"));
                web_form(q, action);
                WEB_RAW(o, "<input type=\"hidden\" name=\"entry\" value=\"");
                web_text(o, web_field(x, "ref"));
                WEB_RAW(o, "\"><label for=\"note-");
                web_int(o, (long long)i);
                WEB_RAW(o, "\">");
                web_t(o, "What was done (optional)");
                WEB_RAW(o, "</label> <input id=\"note-");
                web_int(o, (long long)i);
                WEB_RAW(o, "\" name=\"note\"> <button type=\"submit\">");
                web_t(o, "Done");
                WEB_RAW(o, "</button></form>");
            }
            WEB_RAW(o, "</li>\n");
        }
        WEB_RAW(o, "</ul>\n");
    }
    if (total > json_array_size(due) || from > 0) {
        /* where this page is in the whole list, and the way to the pages beside it */
        WEB_RAW(o, "<p class=\"meta\">");
        web_t(o, "Shown:");
        WEB_RAW(o, " ");
        web_int(o, json_array_size(due) ? from + 1 : 0);
        WEB_RAW(o, "–");
        web_int(o, from + (long)json_array_size(due));
        WEB_RAW(o, " ");
        web_t(o, "of");
        WEB_RAW(o, " ");
        web_int(o, (long long)total);
        WEB_RAW(o, "</p>\n<nav><p>");
        if (from > 0)
            due_page_link(o, (size_t)(from - DUE_PAGE), N_("More urgent"));
        if (from > 0 && (size_t)from + DUE_PAGE < total)
            WEB_RAW(o, " · ");
        if ((size_t)from + DUE_PAGE < total)
            due_page_link(o, (size_t)from + DUE_PAGE, N_("Less urgent"));
        WEB_RAW(o, "</p></nav>\n");
    }
    WEB_RAW(o, "</section>\n<section><h2>");
    web_t(o, "Handovers waiting for you");
    WEB_RAW(o, "</h2>\n");
    if (json_array_size(waiting) == 0) {
        web_para(o, "No handover waits for your acknowledgement.");
    } else {
        WEB_RAW(o, "<ul>\n");
        json_array_foreach(waiting, i, x) {
            WEB_RAW(o, "<li>");
            web_case_link(o, web_field(x, "case"), "", web_field(x, "child") ? web_field(x, "child") : web_field(x, "case"));
            WEB_RAW(o, " ");
            web_t(o, "Handover");
            WEB_RAW(o, " ");
            web_int(o, json_integer_value(json_object_get(x, "number")));
            /* read it, then say so: the form acknowledges this one handover */
            char action[128];
            snprintf(action, sizeof action, "/case/%s/ack", web_field(x, "case"));
            web_form(q, action);
            WEB_RAW(o, "<input type=\"hidden\" name=\"number\" value=\"");
            web_int(o, json_integer_value(json_object_get(x, "number")));
            WEB_RAW(o, "\"><button type=\"submit\">");
            web_t(o, "I have read it: acknowledge");
            WEB_RAW(o, "</button></form></li>\n");
        }
        WEB_RAW(o, "</ul>\n");
    }
    WEB_RAW(o, "</section>\n<section><h2>");
    /* a new class teacher starts from the class, not from a child */
    web_t(o, "A class");
    WEB_RAW(o, "</h2>\n<form method=\"get\" action=\"/class\"><p><label for=\"context\">");
    web_t(o, "School and class (Nordskolen:5.A)");
    WEB_RAW(o, "</label> <input id=\"context\" name=\"context\" required> <button type=\"submit\">");
    web_t(o, "Show");
    WEB_RAW(o, "</button></p></form>\n</section>\n");
    web_foot(q);
out:
    json_decref(cases);
    json_decref(due);
    json_decref(waiting);
}

/* POST /case/ID/ack: the receiver acknowledges handover number (the library checks they are). */
void web_ack_post(web_req *q, const char *id)
{
    const char *number = web_field(q->form, "number");
    char *end = NULL;
    long n = number ? strtol(number, &end, 10) : 0;
    if (!number || *end || n < 1 || n > 100000) {
        web_error_page(q, 400, dgettext("baton", "number: not a handover number"));
        return;
    }
    baton_oid_hex commit;
    int rc = baton_handover_ack(q->s, id, (int)n, NULL, commit);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_redirect(q, "/");
}

/* POST /case/ID/followup: closes the follow-up of entry (the library checks it is open, and who may). */
void web_followup_close(web_req *q, const char *id)
{
    char *clean = web_lines(web_arg(q->form, "note")), entry[16];
    baton_oid_hex commit;
    int rc = baton_followup_close(q->s, id, web_field(q->form, "entry"), clean, NULL, entry, commit);
    free(clean);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_redirect(q, "/");
}
