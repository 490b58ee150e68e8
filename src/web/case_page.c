/* A child's case as it is now, or as it was on a date: what works first, then the challenges,
 * the measures and the journal. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The journal, newest first: what was said and done with the home and at school. A restricted
 * entry the reader may not read comes from the library without its text, and says so. */
static void journal_section(web_req *q, const char *id, const char *rev)
{
    web_page *o = &q->page;
    json_t *all = NULL;
    if (baton_journal_list(q->s, rev, id, &all) != 0) {
        baton_error_clear();
        return;
    }
    WEB_RAW(o, "<section><h2>");
    web_t(o, "Journal");
    WEB_RAW(o, "</h2>\n");
    if (json_array_size(all) == 0) {
        web_para(o, "No journal entries yet.");
    }
    for (size_t i = json_array_size(all); i-- > 0;) {
        const json_t *e = json_array_get(all, i);
        WEB_RAW(o, "<article class=\"entry\"><h3>");
        web_stamp(q, web_field(e, "at"));
        WEB_RAW(o, " · ");
        web_text(o, baton_i18n_word(web_field(e, "kind")));
        WEB_RAW(o, " · ");
        web_text(o, web_staff_name(q, web_field(e, "by")));
        WEB_RAW(o, "</h3>\n");
        if (json_is_true(json_object_get(e, "withheld"))) {
            WEB_RAW(o, "<p><em>");
            web_t(o, "A restricted entry: only coordinators and psychologists of the case may read it.");
            WEB_RAW(o, "</em></p>");
        } else {
            WEB_RAW(o, "<p class=\"text\">");
            web_text(o, web_field(e, "text"));
            WEB_RAW(o, "</p>");
        }
        WEB_RAW(o, "</article>\n");
    }
    WEB_RAW(o, "</section>\n");
    json_decref(all);
}

void web_case(web_req *q, const char *id)
{
    json_t *doc;
    /* ?at=DATE (or a revision): the case as it was then */
    const char *at = web_field(q->query, "at");
    baton_oid_hex rev = "";
    int rc = at && *at ? baton_store_resolve(q->store, at, rev) : 0;
    if (rc == 0)
        rc = baton_case_load(q->s, rev[0] ? rev : NULL, id, &doc, NULL);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    const json_t *ctx = json_object_get(doc, "context");
    web_head(q, web_field(json_object_get(doc, "child"), "name"));
    WEB_RAW(o, "<dl><dt>");
    web_t(o, "Case");
    WEB_RAW(o, "</dt><dd>");
    web_text(o, web_field(doc, "id"));
    WEB_RAW(o, "</dd><dt>");
    web_t(o, "Context");
    WEB_RAW(o, "</dt><dd>");
    web_text(o, web_field(ctx, "institution"));
    WEB_RAW(o, " ");
    web_text(o, web_field(ctx, "group"));
    WEB_RAW(o, "</dd><dt>");
    web_t(o, "Contact person (whom the parents contact)");
    WEB_RAW(o, "</dt><dd>");
    web_text(o, web_staff_name(q, web_field(json_object_get(doc, "contact"), "staff")));
    WEB_RAW(o, "</dd></dl>\n");
    if (rev[0]) {
        WEB_RAW(o, "<p class=\"meta\">");
        web_t(o, "As it was on");
        WEB_RAW(o, " ");
        web_text(o, at);
        WEB_RAW(o, " (<code>");
        web_text(o, rev);
        WEB_RAW(o, "</code>). <a href=\"/case/");
        web_text(o, web_field(doc, "id"));
        WEB_RAW(o, "\">");
        web_t(o, "The case as it is now");
        WEB_RAW(o, "</a></p>\n");
    }
    WEB_RAW(o, "<form method=\"get\" action=\"/case/");
    web_text(o, web_field(doc, "id"));
    WEB_RAW(o, "\"><p><label for=\"at\">");
    web_t(o, "The case as it was on");
    WEB_RAW(o, "</label> <input id=\"at\" name=\"at\" type=\"date\" value=\"");
    web_text(o, at);
    WEB_RAW(o, "\"> <button type=\"submit\">");
    web_t(o, "Show");
    WEB_RAW(o, "</button></p></form>\n<p><a href=\"/case/");
    web_text(o, web_field(doc, "id"));
    WEB_RAW(o, "/history\">");
    web_t(o, "Every version of the case");
    WEB_RAW(o, "</a> · ");
    web_case_link(o, web_field(doc, "id"), "/packet", dgettext("baton", "Handover packet"));
    if (!rev[0]) {
        /* the forms the library lets this reader send */
        static const struct {
            const char *suffix, *label;
            baton_access access;
        } forms[] = {{"/edit", N_("Edit the plan"), BATON_ACCESS_CHANGE},
                     {"/journal", N_("Add to the journal"), BATON_ACCESS_CHANGE},
                     {"/measure", N_("Add a measure"), BATON_ACCESS_CHANGE},
                     {"/focus", N_("Add a focus point"), BATON_ACCESS_CHANGE},
                     {"/guardian", N_("Add a guardian and the communication agreement"), BATON_ACCESS_CHANGE},
                     {"/handover", N_("Hand the case over to a colleague"), BATON_ACCESS_HANDOVER},
                     {"/transition", N_("A move to another context"), BATON_ACCESS_TRANSITION}};
        for (size_t k = 0; k < sizeof forms / sizeof *forms; k++) {
            if (baton_access_check(q->s, forms[k].access, doc, NULL) != 0)
                continue;
            WEB_RAW(o, " · ");
            web_case_link(o, web_field(doc, "id"), forms[k].suffix, dgettext("baton", forms[k].label));
        }
        baton_error_clear();
    }
    baton_class cls;
    char spec[410], url[1400];
    snprintf(spec, sizeof spec, "%s:%s", web_field(ctx, "institution") ? web_field(ctx, "institution") : "",
             web_field(ctx, "group") ? web_field(ctx, "group") : "");
    if (baton_class_parse(spec, &cls) == 0) {
        web_class_url(&cls, "/class", url, sizeof url);
        WEB_RAW(o, " · <a href=\"");
        web_text(o, url);
        WEB_RAW(o, "\">");
        web_t(o, "The class");
        WEB_RAW(o, "</a>");
    }
    baton_error_clear();
    WEB_RAW(o, "</p>\n");
    web_case_plan(q, doc);
    web_case_people(q, doc, rev[0] ? rev : NULL);
    journal_section(q, id, rev[0] ? rev : NULL);
    web_foot(q);
    json_decref(doc);
}
