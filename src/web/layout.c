/* What every page shares: its top and bottom, the error page, redirects and cookies, instants in
 * the store's time zone, a word-by-word diff, and the stylesheet. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *web_field(const json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

void web_cookie_add(web_req *q, const char *cookie)
{
    if (q->ncookies < 2)
        snprintf(q->cookies[q->ncookies++], sizeof q->cookies[0], "%s", cookie);
}

void web_redirect(web_req *q, const char *to)
{
    q->status = 303;
    snprintf(q->location, sizeof q->location, "%s", to);
}

/* The page's top: the language, the title, and for a logged-in person their name and logout. */
void web_head(web_req *q, const char *title)
{
    web_page *o = &q->page;
    WEB_RAW(o, "<!DOCTYPE html>\n<html lang=\"");
    web_text(o, q->lang ? q->lang : "en");
    WEB_RAW(o, "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
               "initial-scale=1\"><title>");
    web_text(o, title);
    WEB_RAW(o, " — Baton</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body><header><a href=\"/\">"
               "Baton</a>");
    if (q->s) {
        WEB_RAW(o, "<a href=\"/search\">");
        web_t(o, "Search");
        WEB_RAW(o, "</a>");
        /* the staff directory for those the library lets administer it */
        if (baton_access_check(q->s, BATON_ACCESS_ADMIN, NULL, NULL) == 0) {
            WEB_RAW(o, "<a href=\"/staff\">");
            web_t(o, "Staff");
            WEB_RAW(o, "</a><a href=\"/audit\">");
            web_t(o, "Access log");
            WEB_RAW(o, "</a>");
        }
        baton_error_clear();
    }
    if (q->s && q->binding[0]) {
        WEB_RAW(o, "<span class=\"who\">");
        web_text(o, web_staff_name(q, q->staff));
        WEB_RAW(o, "</span>");
        /* behind single sign-on the password is the identity provider's, and so is logging out:
         * through the proxy's logout (--sso-logout), or not from here at all */
        if (!q->remote_user) {
            WEB_RAW(o, "<a href=\"/password\">");
            web_t(o, "Password");
            WEB_RAW(o, "</a>");
        }
        if (q->remote_user && q->options->sso_logout) {
            /* a link, not a form: the proxy's logout goes on to the identity provider, another
             * origin, where no form of this site may lead (form-action 'self') */
            WEB_RAW(o, "<a href=\"");
            web_text(o, q->options->sso_logout);
            WEB_RAW(o, "\">");
            web_t(o, "Log out");
            WEB_RAW(o, "</a>");
        } else if (!q->remote_user) {
            web_form(q, "/logout");
            WEB_RAW(o, "<button type=\"submit\">");
            web_t(o, "Log out");
            WEB_RAW(o, "</button></form>");
        }
    }
    WEB_RAW(o, "</header><main>\n<h1>");
    web_text(o, title);
    WEB_RAW(o, "</h1>\n");
}

void web_foot(web_req *q) { WEB_RAW(&q->page, "</main></body></html>\n"); }

void web_error_page(web_req *q, int status, const char *message)
{
    /* the message is often the library's last error, which the page's header may clear */
    char said[1200];
    snprintf(said, sizeof said, "%s", message ? message : "");
    message = said;
    web_page_free(&q->page);
    q->status = status;
    q->location[0] = '\0';
    q->csp[0] = '\0';
    if (!q->lang)
        q->lang = baton_i18n_pick(q->accept_language, "en");
    const char *title = status == 404 ? N_("Not found") : status == 403 ? N_("Not allowed") : N_("Something went wrong");
    web_head(q, dgettext("baton", title));
    WEB_RAW(&q->page, "<p class=\"error\">");
    web_text(&q->page, message);
    WEB_RAW(&q->page, "</p>\n<p><a href=\"/\">");
    web_t(&q->page, "Back to your overview");
    WEB_RAW(&q->page, "</a></p>\n");
    web_foot(q);
}

/* An error of the library as a page: its code decides the status, its message (already in the
 * request's language) is what the page says. */
void web_library_error(web_req *q, int rc)
{
    int status = rc == BATON_ENOTFOUND   ? 404
                 : rc == BATON_EDENIED   ? 403
                 : rc == BATON_EINVALID  ? 400
                 : rc == BATON_EUSAGE    ? 400
                 : rc == BATON_ECONFLICT ? 409
                 : rc == BATON_EBUSY     ? 503
                                         : 500;
    web_error_page(q, status, baton_error_last());
}


/* An instant as the store's people read it. */
void web_when(web_req *q, time_t t)
{
    char stamp[21];
    baton_datetime_format(stamp, t);
    web_stamp(q, stamp);
}

void web_stamp(web_req *q, const char *stamp)
{
    char local[40];
    if (!stamp)
        return;
    baton_time_local(stamp, baton_store_time_zone(q->store), local, sizeof local);
    WEB_RAW(&q->page, "<time>");
    web_text(&q->page, local);
    WEB_RAW(&q->page, "</time>");
}


/* One text's change, word by word: what went out struck through, what came in underlined. */
void web_word_diff(web_page *o, const char *before, const char *after)
{
    baton_word_span *spans = NULL;
    int n = baton_diff_words(before ? before : "", after ? after : "", &spans);
    if (n < 0) {
        web_text(o, after);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (spans[i].op == BATON_WORD_DELETED)
            WEB_RAW(o, "<del>");
        else if (spans[i].op == BATON_WORD_INSERTED)
            WEB_RAW(o, "<ins>");
        web_text(o, spans[i].text);
        if (spans[i].op == BATON_WORD_DELETED)
            WEB_RAW(o, "</del>");
        else if (spans[i].op == BATON_WORD_INSERTED)
            WEB_RAW(o, "</ins>");
    }
    baton_word_spans_free(spans, n);
}


#define STYLE_CSS \
    "body{font-family:sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.5}" \
    "header{display:flex;gap:1em;align-items:center;padding:.5em 1em;background:#1d3557;color:#fff}" \
    "header a{color:#fff;font-weight:bold}header form{margin-left:auto}" \
    "main{max-width:60em;margin:0 auto;padding:1em}" \
    "table{border-collapse:collapse}th,td{text-align:left;padding:.25em 1em .25em 0;border-bottom:1px solid #ccc}" \
    ".error{color:#9b1c1c;font-weight:bold}.text{white-space:pre-wrap}" \
    "a{color:#1d3557}button{font:inherit;padding:.25em .75em}input{font:inherit}" \
    "del{background:#fde2e2}ins{background:#dcf5e3}mark{background:#fff3b0}textarea{font:inherit;width:100%}"

void web_style(web_req *q)
{
    q->content_type = "text/css; charset=utf-8";
    WEB_RAW(&q->page, STYLE_CSS);
}

void web_form(web_req *q, const char *action)
{
    WEB_RAW(&q->page, "<form method=\"post\" action=\"");
    web_text(&q->page, action);
    WEB_RAW(&q->page, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
    web_text(&q->page, q->csrf);
    WEB_RAW(&q->page, "\">");
}

void web_block(web_page *o, const char *label, const char *text)
{
    if (!text)
        return;
    WEB_RAW(o, "<h3>");
    web_t(o, label);
    WEB_RAW(o, "</h3>\n<p class=\"text\">");
    web_text(o, text);
    WEB_RAW(o, "</p>\n");
}

const json_t *web_directory(web_req *q)
{
    if (!q->directory && baton_staff_directory(q->store, &q->directory) != 0) {
        baton_error_clear();
        q->directory = json_array();
    }
    return q->directory;
}

const char *web_staff_name(web_req *q, const char *id)
{
    if (!id)
        return "";
    size_t i;
    json_t *x;
    json_array_foreach(web_directory(q), i, x) {
        const char *sid = web_field(x, "id");
        if (sid && strcmp(sid, id) == 0 && web_field(x, "name"))
            return web_field(x, "name");
    }
    return id;
}

char *web_lines(const char *text)
{
    char *clean = text ? strdup(text) : NULL, *w = clean;
    if (!clean)
        return NULL;
    for (const char *r = text; *r; r++)
        if (*r != '\r')
            *w++ = *r;
    *w = '\0';
    return clean;
}

void web_case_head(web_req *q, const json_t *doc, const char *subtitle)
{
    web_head(q, web_field(json_object_get(doc, "child"), "name"));
    WEB_RAW(&q->page, "<h2>");
    web_t(&q->page, subtitle);
    WEB_RAW(&q->page, "</h2>\n");
}

void web_staff_options(web_req *q, const char *have, const char *except)
{
    web_page *o = &q->page;
    size_t i;
    json_t *x;
    json_array_foreach(web_directory(q), i, x) {
        const char *id = web_field(x, "id");
        if (!id || !json_is_true(json_object_get(x, "active")) || (except && strcmp(id, except) == 0))
            continue;
        WEB_RAW(o, "<option value=\"");
        web_text(o, id);
        WEB_RAW(o, "\"");
        if (have && strcmp(have, id) == 0)
            WEB_RAW(o, " selected");
        WEB_RAW(o, ">");
        web_text(o, web_field(x, "name"));
        WEB_RAW(o, "</option>");
    }
}

const char *web_arg(const json_t *args, const char *key)
{
    const char *v = web_field(args, key);
    return v && *v ? v : NULL;
}
