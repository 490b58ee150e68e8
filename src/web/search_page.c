/* Search, in the current texts or in every version, with the hits the library lets the reader
 * see. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A snippet from search: the matches between \001 and \002, marked. */
static void snippet(web_page *o, const char *s)
{
    char part[2048];
    size_t n = 0;
    for (const char *p = s ? s : "";; p++) {
        if (*p && *p != '\001' && *p != '\002' && n + 1 < sizeof part) {
            part[n++] = *p;
            continue;
        }
        part[n] = '\0';
        web_text(o, part);
        n = 0;
        if (!*p)
            break;
        if (*p == '\001')
            WEB_RAW(o, "<mark>");
        else if (*p == '\002')
            WEB_RAW(o, "</mark>");
        else
            part[n++] = *p;
    }
}

/* the filters a reader picks from (values of the library's search options) */
static const char *const parts[] = {"plan", "plan.works_well", "plan.strengths", "plan.challenges", "plan.measures",
                                    "plan.focus_points", "guardians", "journal", NULL};

static void select_of(web_page *o, const char *name, const char *label, const char *const *values, const char *have)
{
    WEB_RAW(o, "<label for=\"");
    web_text(o, name);
    WEB_RAW(o, "\">");
    web_t(o, label);
    WEB_RAW(o, "</label> <select id=\"");
    web_text(o, name);
    WEB_RAW(o, "\" name=\"");
    web_text(o, name);
    WEB_RAW(o, "\">");
    web_option_list(o, values, have, dgettext("baton", "any"));
    WEB_RAW(o, "</select> ");
}

static void date_of(web_page *o, const char *name, const char *label, const char *have)
{
    WEB_RAW(o, "<label for=\"");
    web_text(o, name);
    WEB_RAW(o, "\">");
    web_t(o, label);
    WEB_RAW(o, "</label> <input type=\"date\" id=\"");
    web_text(o, name);
    WEB_RAW(o, "\" name=\"");
    web_text(o, name);
    WEB_RAW(o, "\" value=\"");
    web_text(o, have);
    WEB_RAW(o, "\"> ");
}

void web_search(web_req *q)
{
    web_page *o = &q->page;
    const char *text = web_field(q->query, "q");
    int history = web_field(q->query, "history") != NULL, mine = web_field(q->query, "mine") != NULL;
    const char *status = web_arg(q->query, "status"), *part = web_arg(q->query, "field"), *since = web_arg(q->query, "since"), *until = web_arg(q->query, "until");
    baton_search_hit *hits = NULL;
    size_t n = 0;
    int rc = 0;
    char refused[1200] = "";
    if (text && *text) {
        baton_index *idx;
        baton_search_options so = {0};
        so.history = history;
        so.limit = 50;
        so.status = status;
        so.field = part;
        so.contact = mine ? q->staff : NULL;
        int date_only;
        if (since && baton_datetime_parse(since, &so.since, &date_only))
            rc = baton_error_set(BATON_EUSAGE, "since: not a date (YYYY-MM-DD): '%.40s'", since);
        else if (until && baton_datetime_parse(until, &so.until, &date_only))
            rc = baton_error_set(BATON_EUSAGE, "until: not a date (YYYY-MM-DD): '%.40s'", until);
        /* until a date: all of that day */
        if (until && date_only)
            so.until += 86399;
        if (rc == 0 && (rc = baton_index_open(&idx, q->store, NULL, NULL)) == 0) {
            rc = baton_search(q->s, idx, text, &so, &hits, &n);
            baton_index_free(idx);
        }
        if (rc == BATON_EUSAGE) {
            /* said on the page, below the form the header comes before (which clears the error) */
            snprintf(refused, sizeof refused, "%s", baton_error_last());
        }
        if (rc && rc != BATON_EUSAGE) {
            web_library_error(q, rc);
            return;
        }
    }
    web_head(q, dgettext("baton", "Search"));
    WEB_RAW(o, "<form method=\"get\" action=\"/search\" role=\"search\"><p><label for=\"q\">");
    web_t(o, "Words to find");
    WEB_RAW(o, "</label> <input id=\"q\" name=\"q\" type=\"search\" value=\"");
    web_text(o, text);
    WEB_RAW(o, "\"> <input id=\"history\" name=\"history\" type=\"checkbox\" value=\"1\"");
    if (history)
        WEB_RAW(o, " checked");
    WEB_RAW(o, "> <label for=\"history\">");
    web_t(o, "in every version, not only the current one");
    WEB_RAW(o, "</label> <button type=\"submit\">");
    web_t(o, "Search");
    WEB_RAW(o, "</button></p>\n<p>");
    select_of(o, "field", N_("In"), parts, part);
    select_of(o, "status", N_("Cases"), baton_case_statuses, status);
    date_of(o, "since", N_("Present since"), since);
    date_of(o, "until", N_("until"), until);
    WEB_RAW(o, "<input id=\"mine\" name=\"mine\" type=\"checkbox\" value=\"1\"");
    if (mine)
        WEB_RAW(o, " checked");
    WEB_RAW(o, "> <label for=\"mine\">");
    web_t(o, "only the cases I am the contact person of");
    WEB_RAW(o, "</label></p></form>\n");
    if (rc == BATON_EUSAGE) {
        q->status = 400;
        web_alert(o, refused);
    } else if (text && *text && n == 0) {
        web_para(o, "No text matches.");
    } else if (n) {
        WEB_RAW(o, "<ol class=\"hits\">\n");
        for (size_t i = 0; i < n; i++) {
            WEB_RAW(o, "<li>");
            web_case_link(o, hits[i].case_id, "", hits[i].child);
            WEB_RAW(o, " <code>");
            web_text(o, hits[i].field);
            WEB_RAW(o, "</code><p>");
            snippet(o, hits[i].snippet);
            WEB_RAW(o, "</p><p class=\"meta\">");
            /* a plan's text links to the change that brought it in (a journal entry is its own) */
            int plan_text = strcmp(hits[i].kind, "case") == 0;
            if (plan_text) {
                WEB_RAW(o, "<a href=\"/case/");
                web_text(o, hits[i].case_id);
                WEB_RAW(o, "/diff?to=");
                web_text(o, hits[i].first_commit);
                WEB_RAW(o, "\">");
            }
            web_when(q, hits[i].first_time);
            if (plan_text)
                WEB_RAW(o, "</a>");
            WEB_RAW(o, " ");
            web_text(o, hits[i].first_author);
            if (hits[i].last_commit[0]) {
                WEB_RAW(o, " — ");
                web_t(o, "until");
                WEB_RAW(o, " ");
                web_when(q, hits[i].last_time);
            }
            WEB_RAW(o, "</p></li>\n");
        }
        WEB_RAW(o, "</ol>\n");
    }
    web_foot(q);
    baton_search_hits_free(hits, n);
}
