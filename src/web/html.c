/* The one writer every page goes through: text is escaped (& < > " '), markup comes only from
 * string literals (WEB_RAW), so a record's text can never become markup. */
#include "web.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(web_page *o, const char *s, size_t n) { baton_buf_put(o, s, n); }

void web_raw_(web_page *o, const char *markup) { put(o, markup, strlen(markup)); }

void web_text(web_page *o, const char *text)
{
    const char *from = text ? text : "";
    for (const char *p = from; *p; p++) {
        const char *esc = *p == '&'    ? "&amp;"
                          : *p == '<'  ? "&lt;"
                          : *p == '>'  ? "&gt;"
                          : *p == '"'  ? "&quot;"
                          : *p == '\'' ? "&#39;"
                                       : NULL;
        if (!esc)
            continue;
        put(o, from, (size_t)(p - from));
        put(o, esc, strlen(esc));
        from = p + 1;
    }
    put(o, from, strlen(from));
}

void web_int(web_page *o, long long n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", n);
    put(o, buf, strlen(buf));
}

void web_t(web_page *o, const char *msgid) { web_text(o, dgettext("baton", msgid)); }

void web_para(web_page *o, const char *msgid)
{
    WEB_RAW(o, "<p>");
    web_t(o, msgid);
    WEB_RAW(o, "</p>\n");
}

void web_case_link(web_page *o, const char *id, const char *suffix, const char *text)
{
    WEB_RAW(o, "<a href=\"/case/");
    web_text(o, id);
    web_text(o, suffix);
    WEB_RAW(o, "\">");
    web_text(o, text);
    WEB_RAW(o, "</a>");
}

void web_document(web_page *o, const char *html, size_t n) { put(o, html, n); }

void web_page_free(web_page *o) { baton_buf_free(o); }

void web_table_begin(web_page *o, const char *const *headers)
{
    WEB_RAW(o, "<table><thead><tr>");
    for (const char *const *h = headers; *h; h++) {
        WEB_RAW(o, "<th scope=\"col\">");
        web_t(o, *h);
        WEB_RAW(o, "</th>");
    }
    WEB_RAW(o, "</tr></thead><tbody>\n");
}

void web_alert(web_page *o, const char *message)
{
    if (!message)
        return;
    WEB_RAW(o, "<p class=\"error\" role=\"alert\">");
    web_text(o, message);
    WEB_RAW(o, "</p>\n");
}
