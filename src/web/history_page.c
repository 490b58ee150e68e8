/* A case's history: every version with who and why, and what changed between any two. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void web_history(web_req *q, const char *id)
{
    baton_case_version *v = NULL;
    size_t n = 0;
    json_t *doc;
    int rc = baton_case_load(q->s, NULL, id, &doc, NULL);
    if (rc == 0)
        rc = baton_case_log(q->s, NULL, id, &v, &n);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    web_case_head(q, doc, N_("Every version of the case"));
    json_decref(doc);
    WEB_RAW(o, "<p><a href=\"/case/");
    web_text(o, id);
    WEB_RAW(o, "\">");
    web_t(o, "The case as it is now");
    WEB_RAW(o, "</a></p>\n");
    WEB_TABLE(o, N_("When"), N_("Who"), N_("What changed"), N_("Why"));
    for (size_t i = 0; i < n; i++) {
        /* what this version's commit changed (the first version: what the case began with) */
        WEB_RAW(o, "<tr><td><a href=\"/case/");
        web_text(o, id);
        WEB_RAW(o, "/diff?to=");
        web_text(o, v[i].commit);
        WEB_RAW(o, "\">");
        web_when(q, v[i].when);
        WEB_RAW(o, "</a>");
        WEB_RAW(o, "</td><td>");
        web_text(o, v[i].author_name);
        WEB_RAW(o, "</td><td>");
        web_text(o, v[i].subject);
        size_t k;
        json_t *f;
        json_array_foreach(v[i].fields, k, f) {
            WEB_RAW(o, " <code>");
            web_text(o, json_string_value(f));
            WEB_RAW(o, "</code>");
        }
        WEB_RAW(o, "</td><td>");
        web_text(o, v[i].reason);
        WEB_RAW(o, "</td></tr>\n");
    }
    WEB_RAW(o, "</tbody></table>\n");
    web_foot(q);
    baton_case_log_free(v, n);
}


void web_diff(web_req *q, const char *id)
{
    baton_diff d = {0};
    baton_oid_hex from, to;
    const char *want_from = web_field(q->query, "from"), *want_to = web_field(q->query, "to");
    json_t *doc;
    int rc = baton_case_load(q->s, NULL, id, &doc, NULL);
    if (rc == 0)
        rc = baton_case_diff(q->s, id, want_from && *want_from ? want_from : NULL, want_to && *want_to ? want_to : NULL,
                             &d, from, to);
    if (rc) {
        json_decref(doc);
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    web_case_head(q, doc, N_("What changed"));
    json_decref(doc);
    WEB_RAW(o, "<p><code>");
    web_text(o, from[0] ? from : "-");
    WEB_RAW(o, "</code> → <code>");
    web_text(o, to);
    WEB_RAW(o, "</code> <a href=\"/case/");
    web_text(o, id);
    WEB_RAW(o, "/history\">");
    web_t(o, "Every version of the case");
    WEB_RAW(o, "</a></p>\n");
    if (d.count == 0) {
        web_para(o, "Nothing changed.");
    }
    WEB_RAW(o, "<dl class=\"diff\">\n");
    for (size_t i = 0; i < d.count; i++) {
        const baton_diff_item *it = &d.items[i];
        WEB_RAW(o, "<dt><code>");
        web_text(o, it->path);
        WEB_RAW(o, "</code></dt><dd>");
        web_word_diff(o, it->op == BATON_DIFF_ADDED ? NULL : it->old_value, it->op == BATON_DIFF_REMOVED ? NULL : it->new_value);
        WEB_RAW(o, "</dd>\n");
    }
    WEB_RAW(o, "</dl>\n");
    web_foot(q);
    baton_diff_free(&d);
}
