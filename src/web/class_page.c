/* A class, as a new class teacher meets it: the children with a plan in it, one briefing for all
 * of them (or only those whose team they are on), joining the teams of the whole class in one
 * step, and acknowledging the briefing once it is read. Who may join whom to the teams is the
 * library's to decide (a coordinator, usually). */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The class the query names, or an error page saying what is wrong with it. */
static int class_of(web_req *q, const json_t *args, baton_class *c)
{
    int rc = baton_class_parse(web_field(args, "context"), c);
    if (rc)
        web_library_error(q, rc);
    return rc;
}

void web_class_url(const baton_class *c, const char *path, char *out, size_t n)
{
    char spec[410];
    snprintf(spec, sizeof spec, "%s%s%s", c->institution, c->group[0] ? ":" : "", c->group);
    /* the spec goes into a query string: anything but letters, digits and a few marks is escaped */
    size_t w = (size_t)snprintf(out, n, "%s?context=", path);
    for (const unsigned char *p = (const unsigned char *)spec; *p && w + 4 < n; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._:", *p))
            out[w++] = (char)*p;
        else
            w += (size_t)snprintf(out + w, n - w, "%%%02X", *p);
    }
    out[w < n ? w : n - 1] = '\0';
}

/* GET /class?context=INSTITUTION[:GROUP] */
void web_class(web_req *q)
{
    baton_class c;
    json_t *cases = NULL;
    if (class_of(q, q->query, &c))
        return;
    int rc = baton_class_cases(q->s, &c, &cases);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    char title[420], url[1400];
    snprintf(title, sizeof title, "%s %s", c.institution, c.group);
    web_head(q, title);
    if (json_array_size(cases) == 0) {
        web_para(o, "No active case in this class that you may read.");
    } else {
        WEB_TABLE(o, N_("Child"), N_("Contact person"));
        size_t i;
        json_t *x;
        json_array_foreach(cases, i, x) {
            WEB_RAW(o, "<tr><td>");
            web_case_link(o, web_field(x, "id"), "", web_field(json_object_get(x, "child"), "name"));
            WEB_RAW(o, "</td><td>");
            web_text(o, web_staff_name(q, web_field(json_object_get(x, "contact"), "staff")));
            WEB_RAW(o, "</td></tr>\n");
        }
        WEB_RAW(o, "</tbody></table>\n");
    }
    WEB_RAW(o, "<h2>");
    web_t(o, "Class briefing");
    WEB_RAW(o, "</h2>\n<p><a href=\"");
    web_class_url(&c, "/class/briefing", url, sizeof url);
    web_text(o, url);
    WEB_RAW(o, "\">");
    web_t(o, "The briefing for the whole class (print-ready)");
    WEB_RAW(o, "</a> · <a href=\"");
    web_text(o, url);
    WEB_RAW(o, "&amp;mine=1\">");
    web_t(o, "only the children whose team I am on");
    WEB_RAW(o, "</a></p>\n");
    web_class_url(&c, "/class/ack", url, sizeof url);
    web_form(q, url);
    WEB_RAW(o, "<p><button type=\"submit\">");
    web_t(o, "I have read the briefing: acknowledge it");
    WEB_RAW(o, "</button></p></form>\n<h2>");
    web_t(o, "Join the teams of the whole class");
    WEB_RAW(o, "</h2>\n");
    web_class_url(&c, "/class/join", url, sizeof url);
    web_form(q, url);
    WEB_RAW(o, "<p><label for=\"staff\">");
    web_t(o, "Staff member");
    WEB_RAW(o, "</label> <select id=\"staff\" name=\"staff\">");
    web_staff_options(q, q->staff, NULL);
    WEB_RAW(o, "</select> <label for=\"role\">");
    web_t(o, "Role");
    WEB_RAW(o, "</label> <input id=\"role\" name=\"role\" required> <button type=\"submit\">");
    web_t(o, "Join");
    WEB_RAW(o, "</button></p></form>\n");
    web_foot(q);
    json_decref(cases);
}

/* POST /class/join?context=...: staff joins the team of every active case of the class, each with
 * an onboarding handover to acknowledge, in one commit. */
void web_class_join(web_req *q)
{
    baton_class c;
    json_t *made = NULL;
    baton_oid_hex commit;
    if (class_of(q, q->query, &c))
        return;
    int rc = baton_team_join(q->s, &c, web_field(q->form, "staff"), web_field(q->form, "role"), NULL, 0, NULL, &made,
                             commit);
    json_decref(made);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    char url[1400];
    web_class_url(&c, "/class", url, sizeof url);
    web_redirect(q, url);
}

/* POST /class/ack?context=...: the reader acknowledges every onboarding of theirs in the class. */
void web_class_ack(web_req *q)
{
    baton_class c;
    json_t *acked = NULL;
    baton_oid_hex commit;
    if (class_of(q, q->query, &c))
        return;
    int rc = baton_briefing_ack(q->s, &c, NULL, &acked, commit);
    json_decref(acked);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_redirect(q, "/");
}
