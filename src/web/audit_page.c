/* The access log, for coordinators and leaders (the library decides who): whether the log's chain
 * holds, its entries by case, person and date, the break-the-glass review of every emergency
 * access, and what a family's access request is answered with. Reading the log is itself logged
 * by the library. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOWN 500 /* entries on one page: the newest; the filters narrow the rest */

static void entries_table(web_req *q, const json_t *entries, int with_staff)
{
    web_page *o = &q->page;
    size_t n = json_array_size(entries), from = n > SHOWN ? n - SHOWN : 0;
    if (n == 0) {
        web_para(o, "No entries.");
        return;
    }
    if (from) {
        WEB_RAW(o, "<p class=\"meta\">");
        web_t(o, "The newest entries; narrow the rest down with the fields above. Entries in all:");
        WEB_RAW(o, " ");
        web_int(o, (long long)n);
        WEB_RAW(o, "</p>\n");
    }
    if (with_staff)
        WEB_TABLE(o, N_("When"), N_("Who"), N_("What"), N_("Case"), N_("Search terms"), N_("Purpose"));
    else
        WEB_TABLE(o, N_("When"), N_("What"), N_("Purpose"));
    for (size_t i = n; i-- > from;) {
        const json_t *e = json_array_get(entries, i);
        WEB_RAW(o, "<tr><td>");
        web_stamp(q, web_field(e, "time"));
        if (with_staff) {
            WEB_RAW(o, "</td><td>");
            web_text(o, web_staff_name(q, web_field(e, "staff")));
        }
        WEB_RAW(o, "</td><td>");
        web_text(o, baton_i18n_word(web_field(e, "action")));
        if (with_staff) {
            WEB_RAW(o, "</td><td>");
            if (web_field(e, "case"))
                web_case_link(o, web_field(e, "case"), "", web_field(e, "case"));
            WEB_RAW(o, "</td><td>");
            web_text(o, web_field(e, "query"));
        }
        WEB_RAW(o, "</td><td>");
        web_text(o, web_field(e, "purpose"));
        WEB_RAW(o, "</td></tr>\n");
    }
    WEB_RAW(o, "</tbody></table>\n");
}

static void filter_input(web_page *o, const char *name, const char *label, const char *type, const char *value)
{
    WEB_RAW(o, "<label for=\"");
    web_text(o, name);
    WEB_RAW(o, "\">");
    web_t(o, label);
    WEB_RAW(o, "</label> <input id=\"");
    web_text(o, name);
    WEB_RAW(o, "\" name=\"");
    web_text(o, name);
    WEB_RAW(o, "\" type=\"");
    web_text(o, type);
    WEB_RAW(o, "\" value=\"");
    web_text(o, value);
    WEB_RAW(o, "\"> ");
}

static void audit_links(web_page *o)
{
    WEB_RAW(o, "<p><a href=\"/audit\">");
    web_t(o, "Access log");
    WEB_RAW(o, "</a> · <a href=\"/audit/review\">");
    web_t(o, "Emergency access review");
    WEB_RAW(o, "</a> · <a href=\"/audit/export\">");
    web_t(o, "A family's access request");
    WEB_RAW(o, "</a></p>\n");
}

/* GET /audit?case=&staff=&since= */
void web_audit(web_req *q)
{
    json_t *report = NULL, *entries = NULL;
    const char *case_id = web_arg(q->query, "case"), *staff = web_arg(q->query, "staff"),
               *since = web_arg(q->query, "since");
    /* on request (it reads the whole chain): a log that does not verify is said above all else */
    int verify = web_field(q->query, "verify") != NULL;
    int verified = verify ? baton_audit_verify(q->s, &report) : 0;
    char verdict[1200];
    snprintf(verdict, sizeof verdict, "%s", verified ? baton_error_last() : "");
    if (verified == BATON_EDENIED) {
        json_decref(report);
        web_library_error(q, verified);
        return;
    }
    int rc = baton_audit_list(q->s, case_id, staff, since, &entries);
    if (rc) {
        json_decref(report);
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    web_head(q, dgettext("baton", "Access log"));
    audit_links(o);
    if (verified) {
        WEB_RAW(o, "<p class=\"error\" role=\"alert\">");
        web_t(o, "The access log does not verify:");
        WEB_RAW(o, " ");
        web_text(o, verdict);
        WEB_RAW(o, "</p>\n");
    } else if (verify) {
        WEB_RAW(o, "<p class=\"ok\" role=\"status\">");
        web_t(o, "The access log verifies: its chain is whole and agrees with its anchors in git. Entries:");
        WEB_RAW(o, " ");
        web_int(o, json_integer_value(json_object_get(report, "entries")));
        WEB_RAW(o, "</p>\n");
    }
    WEB_RAW(o, "<form method=\"get\" action=\"/audit\"><p><input type=\"hidden\" name=\"verify\" value=\"1\">"
               "<button type=\"submit\">");
    web_t(o, "Verify the chain now");
    WEB_RAW(o, "</button></p></form>\n<form method=\"get\" action=\"/audit\"><p>");
    filter_input(o, "case", N_("Case"), "text", case_id);
    filter_input(o, "staff", N_("Staff id"), "text", staff);
    filter_input(o, "since", N_("Since"), "date", since);
    WEB_RAW(o, "<button type=\"submit\">");
    web_t(o, "Show");
    WEB_RAW(o, "</button></p></form>\n");
    entries_table(q, entries, 1);
    web_foot(q);
    json_decref(report);
    json_decref(entries);
}

/* GET /audit/review?since=: every emergency access, with the purpose its reader gave */
void web_audit_review(web_req *q)
{
    json_t *entries = NULL;
    const char *since = web_arg(q->query, "since");
    int rc = baton_audit_review(q->s, since, &entries);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    web_head(q, dgettext("baton", "Emergency access review"));
    audit_links(o);
    web_para(o, "Every case opened outside the reader's own scope, with the purpose they gave (the last 30 days "
                "unless a date is given).");
    WEB_RAW(o, "<form method=\"get\" action=\"/audit/review\"><p>");
    filter_input(o, "since", N_("Since"), "date", since);
    WEB_RAW(o, "<button type=\"submit\">");
    web_t(o, "Show");
    WEB_RAW(o, "</button></p></form>\n");
    entries_table(q, entries, 1);
    web_foot(q);
    json_decref(entries);
}

/* GET /audit/export?case=ID[&staff=1]: what a family is told when they ask who has seen their
 * child's record: dates, what was done and why, and the staff only when asked for */
void web_audit_export(web_req *q)
{
    json_t *entries = NULL;
    const char *case_id = web_arg(q->query, "case");
    int with_staff = web_field(q->query, "staff") != NULL;
    int rc = case_id ? baton_audit_export(q->s, case_id, with_staff, &entries)
                     : baton_access_check(q->s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    web_head(q, dgettext("baton", "A family's access request"));
    audit_links(o);
    WEB_RAW(o, "<form method=\"get\" action=\"/audit/export\"><p>");
    filter_input(o, "case", N_("Case"), "text", case_id);
    WEB_RAW(o, "<input id=\"with-staff\" name=\"staff\" type=\"checkbox\" value=\"1\"");
    if (with_staff)
        WEB_RAW(o, " checked");
    WEB_RAW(o, "> <label for=\"with-staff\">");
    web_t(o, "with the staff who did it");
    WEB_RAW(o, "</label> <button type=\"submit\">");
    web_t(o, "Show");
    WEB_RAW(o, "</button></p></form>\n");
    if (case_id)
        entries_table(q, entries, with_staff);
    web_foot(q);
    json_decref(entries);
}
