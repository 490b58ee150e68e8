/* The pages of baton serve. Each asks the library for what it shows through a session of the
 * logged-in person: the access policy and the access log are the library's, never the page's.
 * Everything a page writes goes through the escaping writer (html.c). */
#include "pages.h"

#include <libintl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_(s) s /* marks a message for the catalogues (tools/pot); translated where it is shown */

static const char *field(const json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static void add_cookie(web_req *q, const char *cookie)
{
    if (q->ncookies < 2)
        snprintf(q->cookies[q->ncookies++], sizeof q->cookies[0], "%s", cookie);
}

static void redirect(web_req *q, const char *to)
{
    q->status = 303;
    snprintf(q->location, sizeof q->location, "%s", to);
}

/* The page's top: the language, the title, and for a logged-in person their name and logout. */
static void head(web_req *q, const char *title)
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
            WEB_RAW(o, "</a>");
        }
        baton_error_clear();
    }
    if (q->s && q->binding[0]) {
        char csrf[BATON_TOKEN_CHARS + 1];
        WEB_RAW(o, "<span class=\"who\">");
        web_text(o, q->staff);
        WEB_RAW(o, "</span>");
        /* behind single sign-on, logging out is the identity provider's */
        if (!q->remote_user) {
            WEB_RAW(o, "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"");
            if (baton_auth_csrf(q->store, q->binding, csrf) == 0)
                web_text(o, csrf);
            WEB_RAW(o, "\"><button type=\"submit\">");
            web_t(o, "Log out");
            WEB_RAW(o, "</button></form>");
        }
    }
    WEB_RAW(o, "</header><main>\n<h1>");
    web_text(o, title);
    WEB_RAW(o, "</h1>\n");
}

static void foot(web_req *q) { WEB_RAW(&q->page, "</main></body></html>\n"); }

void web_error_page(web_req *q, int status, const char *message)
{
    web_page_free(&q->page);
    q->status = status;
    q->location[0] = '\0';
    if (!q->lang)
        q->lang = baton_i18n_pick(q->accept_language, "en");
    const char *title = status == 404 ? N_("Not found") : status == 403 ? N_("Not allowed") : N_("Something went wrong");
    head(q, dgettext("baton", title));
    WEB_RAW(&q->page, "<p class=\"error\">");
    web_text(&q->page, message);
    WEB_RAW(&q->page, "</p>\n<p><a href=\"/\">");
    web_t(&q->page, "Back to your overview");
    WEB_RAW(&q->page, "</a></p>\n");
    foot(q);
}

/* An error of the library as a page: its code decides the status, its message (already in the
 * request's language) is what the page says. */
static void library_error(web_req *q, int rc)
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

/* ---- logging in and out ---- */

static void login_page(web_req *q, int status, const char *message)
{
    web_page_free(&q->page);
    q->status = status;
    /* before a login, the form's anti-forgery token belongs to a random cookie of its own */
    char pre[BATON_TOKEN_CHARS + 1], csrf[BATON_TOKEN_CHARS + 1];
    const char *have = q->cookie_pre;
    if (!have || strlen(have) != BATON_TOKEN_CHARS) {
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(pre, sizeof pre, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        char cookie[160];
        snprintf(cookie, sizeof cookie, "baton_pre=%s", pre);
        add_cookie(q, cookie);
        have = pre;
    }
    head(q, dgettext("baton", "Log in"));
    web_page *o = &q->page;
    if (message) {
        WEB_RAW(o, "<p class=\"error\" role=\"alert\">");
        web_text(o, message);
        WEB_RAW(o, "</p>\n");
    }
    WEB_RAW(o, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"");
    if (baton_auth_csrf(q->store, have, csrf) == 0)
        web_text(o, csrf);
    WEB_RAW(o, "\">\n<p><label for=\"staff\">");
    web_t(o, "Staff id");
    WEB_RAW(o, "</label> <input id=\"staff\" name=\"staff\" autocomplete=\"username\" required></p>\n"
               "<p><label for=\"password\">");
    web_t(o, "Password");
    WEB_RAW(o, "</label> <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" "
               "required></p>\n<p><button type=\"submit\">");
    web_t(o, "Log in");
    WEB_RAW(o, "</button></p></form>\n");
    foot(q);
}

static void login_post(web_req *q)
{
    if (!q->cookie_pre || baton_auth_csrf_check(q->store, q->cookie_pre, field(q->form, "csrf")) != 0) {
        login_page(q, 403, baton_error_last());
        return;
    }
    char token[BATON_TOKEN_CHARS + 1];
    int rc = baton_auth_login(q->store, field(q->form, "staff"), field(q->form, "password"), q->address, token);
    if (rc) {
        login_page(q, rc == BATON_EBUSY ? 429 : 403, baton_error_last());
        return;
    }
    /* a new token at every login, never one the browser brought: no session fixation */
    char cookie[160];
    snprintf(cookie, sizeof cookie, "baton_session=%s", token);
    add_cookie(q, cookie);
    add_cookie(q, "baton_pre=; Max-Age=0");
    redirect(q, "/");
}

static void logout_post(web_req *q)
{
    if (q->cookie_session && baton_auth_csrf_check(q->store, q->cookie_session, field(q->form, "csrf")) != 0) {
        web_error_page(q, 403, baton_error_last());
        return;
    }
    baton_auth_logout(q->store, q->cookie_session);
    add_cookie(q, "baton_session=; Max-Age=0");
    redirect(q, "/login");
}

/* ---- the pages of a logged-in person ---- */

static void dashboard(web_req *q)
{
    web_page *o = &q->page;
    json_t *cases = NULL, *due = NULL, *waiting = NULL;
    size_t i;
    json_t *x;
    int rc = baton_case_list(q->s, NULL, q->staff, "active", &cases);
    baton_due_options d = {NULL, q->staff, 0};
    if (rc == 0)
        rc = baton_due_list(q->s, &d, &due);
    if (rc == 0)
        rc = baton_handover_find(q->s, NULL, q->staff, 1, &waiting);
    if (rc) {
        library_error(q, rc);
        goto out;
    }
    head(q, dgettext("baton", "Your overview"));
    WEB_RAW(o, "<section><h2>");
    web_t(o, "Your cases");
    WEB_RAW(o, "</h2>\n");
    if (json_array_size(cases) == 0) {
        web_para(o, "You are the contact person of no active case.");
    } else {
        WEB_RAW(o, "<table><thead><tr><th scope=\"col\">");
        web_t(o, "Child");
        WEB_RAW(o, "</th><th scope=\"col\">");
        web_t(o, "Context");
        WEB_RAW(o, "</th></tr></thead><tbody>\n");
        json_array_foreach(cases, i, x) {
            const json_t *ctx = json_object_get(x, "context");
            WEB_RAW(o, "<tr><td><a href=\"/case/");
            web_text(o, field(x, "id"));
            WEB_RAW(o, "\">");
            web_text(o, field(json_object_get(x, "child"), "name"));
            WEB_RAW(o, "</a></td><td>");
            web_text(o, field(ctx, "institution"));
            WEB_RAW(o, " ");
            web_text(o, field(ctx, "group"));
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
            web_text(o, field(x, "due"));
            WEB_RAW(o, "</time> <a href=\"/case/");
            web_text(o, field(x, "case"));
            WEB_RAW(o, "\">");
            web_text(o, field(x, "child"));
            WEB_RAW(o, "</a>: ");
            web_text(o, what);
            WEB_RAW(o, "</li>\n");
        }
        WEB_RAW(o, "</ul>\n");
    }
    WEB_RAW(o, "</section>\n<section><h2>");
    web_t(o, "Handovers waiting for you");
    WEB_RAW(o, "</h2>\n");
    if (json_array_size(waiting) == 0) {
        web_para(o, "No handover waits for your acknowledgement.");
    } else {
        WEB_RAW(o, "<ul>\n");
        char csrf[BATON_TOKEN_CHARS + 1] = "";
        baton_auth_csrf(q->store, q->binding, csrf);
        json_array_foreach(waiting, i, x) {
            WEB_RAW(o, "<li>");
            web_case_link(o, field(x, "case"), "", field(x, "case"));
            WEB_RAW(o, " ");
            web_t(o, "Handover");
            WEB_RAW(o, " ");
            web_int(o, json_integer_value(json_object_get(x, "number")));
            /* read it, then say so: the form acknowledges this one handover */
            WEB_RAW(o, "<form method=\"post\" action=\"/case/");
            web_text(o, field(x, "case"));
            WEB_RAW(o, "/ack\"><input type=\"hidden\" name=\"csrf\" value=\"");
            web_text(o, csrf);
            WEB_RAW(o, "\"><input type=\"hidden\" name=\"number\" value=\"");
            web_int(o, json_integer_value(json_object_get(x, "number")));
            WEB_RAW(o, "\"><button type=\"submit\">");
            web_t(o, "I have read it: acknowledge");
            WEB_RAW(o, "</button></form></li>\n");
        }
        WEB_RAW(o, "</ul>\n");
    }
    WEB_RAW(o, "</section>\n");
    foot(q);
out:
    json_decref(cases);
    json_decref(due);
    json_decref(waiting);
}

/* POST /case/ID/ack: the receiver acknowledges handover number (the library checks they are). */
static void ack_post(web_req *q, const char *id)
{
    const char *number = field(q->form, "number");
    char *end = NULL;
    long n = number ? strtol(number, &end, 10) : 0;
    if (!number || *end || n < 1 || n > 100000) {
        web_error_page(q, 400, dgettext("baton", "number: not a handover number"));
        return;
    }
    baton_oid_hex commit;
    int rc = baton_handover_ack(q->s, id, (int)n, NULL, commit);
    if (rc) {
        library_error(q, rc);
        return;
    }
    redirect(q, "/");
}

static void word_diff(web_page *o, const char *before, const char *after);

/* ---- editing the plan's texts ---- */

static const struct {
    const char *path, *label;
} edit_fields[] = {
    {"plan.works_well", N_("What works")},          {"plan.strengths", N_("Strengths")},
    {"plan.challenges.school", N_("At school")},    {"plan.challenges.leisure", N_("In leisure time")},
    {"plan.challenges.home", N_("At home")},
};
#define NEDIT (sizeof edit_fields / sizeof *edit_fields)

/* The text at a dotted path of doc (plan.challenges.home), or NULL. */
static const char *text_at(const json_t *doc, const char *path)
{
    char part[64];
    const json_t *v = doc;
    for (const char *p = path; v && *p;) {
        size_t n = strcspn(p, ".");
        snprintf(part, sizeof part, "%.*s", (int)n, p);
        v = json_object_get(v, part);
        p += n + (p[n] == '.');
    }
    return json_string_value(v);
}

typedef struct {
    const json_t *form;
} edit_ctx;

static int apply_edit(json_t *doc, const baton_identity *as, void *ctx)
{
    const edit_ctx *e = ctx;
    (void)as;
    for (size_t i = 0; i < NEDIT; i++) {
        const char *v = field(e->form, edit_fields[i].path);
        if (!v)
            continue;
        /* an emptied field is removed; the text otherwise as typed (browsers send CR LF) */
        char *clean = strdup(v), *w = clean;
        for (const char *r = v; *r; r++)
            if (*r != '\r')
                *w++ = *r;
        *w = '\0';
        int rc = baton_record_path_set(doc, BATON_RECORD_CASE, edit_fields[i].path, clean);
        free(clean);
        if (rc)
            return rc;
    }
    return 0;
}

/* The form: each text as given (the person's own after a refused save), the base revision it was
 * read at, and after a conflict what the case holds now beside it, word by word. */
static void edit_form(web_req *q, const char *id, const json_t *doc, const json_t *mine, const char *base,
                      const char *message)
{
    web_page *o = &q->page;
    char csrf[BATON_TOKEN_CHARS + 1] = "";
    baton_auth_csrf(q->store, q->binding, csrf);
    head(q, field(json_object_get(doc, "child"), "name"));
    WEB_RAW(o, "<h2>");
    web_t(o, "Edit the plan");
    WEB_RAW(o, "</h2>\n");
    if (message) {
        WEB_RAW(o, "<p class=\"error\" role=\"alert\">");
        web_text(o, message);
        WEB_RAW(o, "</p>\n");
    }
    WEB_RAW(o, "<form method=\"post\" action=\"/case/");
    web_text(o, id);
    WEB_RAW(o, "/edit\"><input type=\"hidden\" name=\"csrf\" value=\"");
    web_text(o, csrf);
    WEB_RAW(o, "\"><input type=\"hidden\" name=\"base\" value=\"");
    web_text(o, base);
    WEB_RAW(o, "\">\n");
    for (size_t i = 0; i < NEDIT; i++) {
        const char *now = text_at(doc, edit_fields[i].path);
        const char *theirs = mine ? field(mine, edit_fields[i].path) : NULL;
        WEB_RAW(o, "<p><label for=\"f");
        web_int(o, (long long)i);
        WEB_RAW(o, "\">");
        web_t(o, edit_fields[i].label);
        WEB_RAW(o, "</label><br><textarea id=\"f");
        web_int(o, (long long)i);
        WEB_RAW(o, "\" name=\"");
        web_text(o, edit_fields[i].path);
        WEB_RAW(o, "\" rows=\"4\" cols=\"70\">");
        web_text(o, theirs ? theirs : now);
        WEB_RAW(o, "</textarea></p>\n");
        if (mine && theirs && strcmp(theirs, now ? now : "") != 0) {
            WEB_RAW(o, "<p class=\"meta\">");
            web_t(o, "The case holds now, against your text:");
            WEB_RAW(o, " ");
            word_diff(o, now ? now : "", theirs);
            WEB_RAW(o, "</p>\n");
        }
    }
    WEB_RAW(o, "<p><label for=\"reason\">");
    web_t(o, "Why (optional)");
    WEB_RAW(o, "</label> <input id=\"reason\" name=\"reason\" size=\"60\" value=\"");
    web_text(o, mine ? field(mine, "reason") : NULL);
    WEB_RAW(o, "\"></p>\n<p><button type=\"submit\">");
    web_t(o, "Save");
    WEB_RAW(o, "</button> <a href=\"/case/");
    web_text(o, id);
    WEB_RAW(o, "\">");
    web_t(o, "Back to the case");
    WEB_RAW(o, "</a></p></form>\n");
    foot(q);
}

static void edit_page(web_req *q, const char *id, int post)
{
    json_t *doc;
    baton_oid_hex head_rev;
    int rc = baton_case_load(q->s, NULL, id, &doc, NULL);
    if (rc == 0 && baton_store_head(q->store, head_rev) != 0)
        rc = BATON_ERROR;
    if (rc) {
        library_error(q, rc);
        return;
    }
    if (!post) {
        edit_form(q, id, doc, NULL, head_rev, NULL);
        json_decref(doc);
        return;
    }
    const char *base = field(q->form, "base"), *reason = field(q->form, "reason");
    edit_ctx e = {q->form};
    baton_oid_hex commit;
    rc = baton_case_update(q->s, id, base && *base ? base : NULL, "edit the plan on the web", reason && *reason ? reason : NULL,
                           apply_edit, &e, commit);
    if (rc == 0) {
        char to[128];
        snprintf(to, sizeof to, "/case/%s", id);
        redirect(q, to);
        json_decref(doc);
        return;
    }
    /* refused: the form again, with what the person wrote, so nothing is lost */
    char message[1200];
    snprintf(message, sizeof message, "%s", baton_error_last());
    q->status = rc == BATON_ECONFLICT ? 409 : rc == BATON_EDENIED ? 403 : 400;
    web_page_free(&q->page);
    edit_form(q, id, doc, q->form, rc == BATON_ECONFLICT ? head_rev : (base ? base : head_rev),
              rc == BATON_ECONFLICT ? dgettext("baton", "Someone changed the case since you opened it. Your text is "
                                                        "kept below, beside what the case holds now: save again to "
                                                        "replace it, or change your text first.")
                                    : message);
    json_decref(doc);
}

/* ---- the staff directory, for coordinators ---- */

/* GET /staff: everyone active, and for each a form that hands all they hold over to a colleague
 * and marks them as left (one commit, the library's baton_handover_from). Coordinators only: the
 * library's own check says who. */
static void staff_page(web_req *q)
{
    json_t *list = NULL;
    int rc = baton_access_check(q->s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc == 0)
        rc = baton_staff_list(q->store, &list);
    if (rc) {
        library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    char csrf[BATON_TOKEN_CHARS + 1] = "";
    baton_auth_csrf(q->store, q->binding, csrf);
    head(q, dgettext("baton", "Staff"));
    WEB_RAW(o, "<table><thead><tr><th scope=\"col\">");
    web_t(o, "Name");
    WEB_RAW(o, "</th><th scope=\"col\">");
    web_t(o, "Role");
    WEB_RAW(o, "</th><th scope=\"col\">");
    web_t(o, "When they leave");
    WEB_RAW(o, "</th></tr></thead><tbody>\n");
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(list, i, x) {
        if (!json_is_true(json_object_get(x, "active")))
            continue;
        const char *id = field(x, "id");
        WEB_RAW(o, "<tr><td>");
        web_text(o, field(x, "name"));
        WEB_RAW(o, " (");
        web_text(o, id);
        WEB_RAW(o, ")</td><td>");
        web_text(o, baton_i18n_word(field(x, "role")));
        WEB_RAW(o, "</td><td><form method=\"post\" action=\"/staff/");
        web_text(o, id);
        WEB_RAW(o, "/leave\"><input type=\"hidden\" name=\"csrf\" value=\"");
        web_text(o, csrf);
        WEB_RAW(o, "\"><label for=\"to-");
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
            web_text(o, field(y, "id"));
            WEB_RAW(o, "\">");
            web_text(o, field(y, "name"));
            WEB_RAW(o, "</option>");
        }
        WEB_RAW(o, "</select> <button type=\"submit\">");
        web_t(o, "and mark as left");
        WEB_RAW(o, "</button></form></td></tr>\n");
    }
    WEB_RAW(o, "</tbody></table>\n");
    foot(q);
    json_decref(list);
}

/* POST /staff/ID/leave: everything ID holds moves to `to` in one commit, then ID leaves (a second
 * commit: should it be refused, what moved stays moved, and the page says why). */
static void leave_post(web_req *q, const char *id)
{
    json_t *made = NULL;
    baton_oid_hex commit;
    json_t *blocking = NULL;
    int rc = baton_handover_from(q->s, id, field(q->form, "to"), NULL, 0, NULL, &made, commit);
    /* all they held has moved: now their leaving goes through */
    if (rc == 0)
        rc = baton_staff_leave(q->s, id, NULL, &blocking, commit);
    json_decref(made);
    json_decref(blocking);
    if (rc) {
        library_error(q, rc);
        return;
    }
    redirect(q, "/staff");
}

static void block(web_page *o, const char *label, const char *text)
{
    if (!text)
        return;
    WEB_RAW(o, "<h3>");
    web_t(o, label);
    WEB_RAW(o, "</h3>\n<p class=\"text\">");
    web_text(o, text);
    WEB_RAW(o, "</p>\n");
}

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
        web_text(o, field(e, "at"));
        WEB_RAW(o, " · ");
        web_text(o, baton_i18n_word(field(e, "kind")));
        WEB_RAW(o, " · ");
        web_text(o, field(e, "by"));
        WEB_RAW(o, "</h3>\n");
        if (json_is_true(json_object_get(e, "withheld"))) {
            WEB_RAW(o, "<p><em>");
            web_t(o, "A restricted entry: only coordinators and psychologists of the case may read it.");
            WEB_RAW(o, "</em></p>");
        } else {
            WEB_RAW(o, "<p class=\"text\">");
            web_text(o, field(e, "text"));
            WEB_RAW(o, "</p>");
        }
        WEB_RAW(o, "</article>\n");
    }
    WEB_RAW(o, "</section>\n");
    json_decref(all);
}

static void case_page(web_req *q, const char *id)
{
    json_t *doc;
    /* ?at=DATE (or a revision): the case as it was then */
    const char *at = field(q->query, "at");
    baton_oid_hex rev = "";
    int rc = at && *at ? baton_store_resolve(q->store, at, rev) : 0;
    if (rc == 0)
        rc = baton_case_load(q->s, rev[0] ? rev : NULL, id, &doc, NULL);
    if (rc) {
        library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    const json_t *plan = json_object_get(doc, "plan"), *ctx = json_object_get(doc, "context");
    head(q, field(json_object_get(doc, "child"), "name"));
    WEB_RAW(o, "<dl><dt>");
    web_t(o, "Case");
    WEB_RAW(o, "</dt><dd>");
    web_text(o, field(doc, "id"));
    WEB_RAW(o, "</dd><dt>");
    web_t(o, "Context");
    WEB_RAW(o, "</dt><dd>");
    web_text(o, field(ctx, "institution"));
    WEB_RAW(o, " ");
    web_text(o, field(ctx, "group"));
    WEB_RAW(o, "</dd><dt>");
    web_t(o, "Contact person (whom the parents contact)");
    WEB_RAW(o, "</dt><dd>");
    web_text(o, field(json_object_get(doc, "contact"), "staff"));
    WEB_RAW(o, "</dd></dl>\n");
    if (rev[0]) {
        WEB_RAW(o, "<p class=\"meta\">");
        web_t(o, "As it was on");
        WEB_RAW(o, " ");
        web_text(o, at);
        WEB_RAW(o, " (<code>");
        web_text(o, rev);
        WEB_RAW(o, "</code>). <a href=\"/case/");
        web_text(o, field(doc, "id"));
        WEB_RAW(o, "\">");
        web_t(o, "The case as it is now");
        WEB_RAW(o, "</a></p>\n");
    }
    WEB_RAW(o, "<form method=\"get\" action=\"/case/");
    web_text(o, field(doc, "id"));
    WEB_RAW(o, "\"><p><label for=\"at\">");
    web_t(o, "The case as it was on");
    WEB_RAW(o, "</label> <input id=\"at\" name=\"at\" type=\"date\" value=\"");
    web_text(o, at);
    WEB_RAW(o, "\"> <button type=\"submit\">");
    web_t(o, "Show");
    WEB_RAW(o, "</button></p></form>\n<p><a href=\"/case/");
    web_text(o, field(doc, "id"));
    WEB_RAW(o, "/history\">");
    web_t(o, "Every version of the case");
    WEB_RAW(o, "</a> · <a href=\"/case/");
    web_text(o, field(doc, "id"));
    WEB_RAW(o, "/edit\">");
    web_t(o, "Edit the plan");
    WEB_RAW(o, "</a></p>\n<section><h2>");
    /* what works and the strengths first: the plan starts from what goes well */
    web_t(o, "What works and the child's strengths");
    WEB_RAW(o, "</h2>\n");
    block(o, "What works", field(plan, "works_well"));
    block(o, "Strengths", field(plan, "strengths"));
    if (!field(plan, "works_well") && !field(plan, "strengths")) {
        web_para(o, "Nothing recorded.");
    }
    WEB_RAW(o, "</section>\n<section><h2>");
    web_t(o, "Challenges");
    WEB_RAW(o, "</h2>\n");
    const json_t *ch = json_object_get(plan, "challenges");
    block(o, "At school", field(ch, "school"));
    block(o, "In leisure time", field(ch, "leisure"));
    block(o, "At home", field(ch, "home"));
    WEB_RAW(o, "</section>\n<section><h2>");
    web_t(o, "Active measures");
    WEB_RAW(o, "</h2>\n");
    size_t i;
    json_t *m;
    int any = 0;
    json_array_foreach(json_object_get(plan, "measures"), i, m) {
        any = 1;
        WEB_RAW(o, "<article><h3>");
        web_text(o, field(m, "description"));
        WEB_RAW(o, "</h3><dl><dt>");
        web_t(o, "Goal");
        WEB_RAW(o, "</dt><dd>");
        web_text(o, field(m, "goal"));
        WEB_RAW(o, "</dd><dt>");
        web_t(o, "Responsible");
        WEB_RAW(o, "</dt><dd>");
        const json_t *who = json_object_get(m, "responsible");
        web_text(o, json_is_string(who) ? json_string_value(who) : field(who, "staff"));
        WEB_RAW(o, "</dd><dt>");
        web_t(o, "Review by");
        WEB_RAW(o, "</dt><dd>");
        web_text(o, field(m, "review_by"));
        WEB_RAW(o, "</dd></dl></article>\n");
    }
    if (!any) {
        web_para(o, "No active measures.");
    }
    WEB_RAW(o, "</section>\n");
    journal_section(q, id, rev[0] ? rev : NULL);
    foot(q);
    json_decref(doc);
}

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

/* An instant as the store's people read it. */
static void when(web_req *q, time_t t)
{
    char stamp[21], local[40];
    baton_datetime_format(stamp, t);
    baton_time_local(stamp, baton_store_time_zone(q->store), local, sizeof local);
    WEB_RAW(&q->page, "<time>");
    web_text(&q->page, local);
    WEB_RAW(&q->page, "</time>");
}

static void search_page(web_req *q)
{
    web_page *o = &q->page;
    const char *text = field(q->query, "q");
    int history = field(q->query, "history") != NULL;
    baton_search_hit *hits = NULL;
    size_t n = 0;
    int rc = 0;
    if (text && *text) {
        baton_index *idx;
        baton_search_options so = {0};
        so.history = history;
        so.limit = 50;
        if ((rc = baton_index_open(&idx, q->store, NULL, NULL)) == 0) {
            rc = baton_search(q->s, idx, text, &so, &hits, &n);
            baton_index_free(idx);
        }
        if (rc && rc != BATON_EUSAGE) {
            library_error(q, rc);
            return;
        }
    }
    head(q, dgettext("baton", "Search"));
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
    WEB_RAW(o, "</button></p></form>\n");
    if (rc == BATON_EUSAGE) {
        q->status = 400;
        WEB_RAW(o, "<p class=\"error\" role=\"alert\">");
        web_text(o, baton_error_last());
        WEB_RAW(o, "</p>\n");
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
            when(q, hits[i].first_time);
            if (plan_text)
                WEB_RAW(o, "</a>");
            WEB_RAW(o, " ");
            web_text(o, hits[i].first_author);
            if (hits[i].last_commit[0]) {
                WEB_RAW(o, " — ");
                web_t(o, "until");
                WEB_RAW(o, " ");
                when(q, hits[i].last_time);
            }
            WEB_RAW(o, "</p></li>\n");
        }
        WEB_RAW(o, "</ol>\n");
    }
    foot(q);
    baton_search_hits_free(hits, n);
}

static void history_page(web_req *q, const char *id)
{
    baton_case_version *v = NULL;
    size_t n = 0;
    json_t *doc;
    int rc = baton_case_load(q->s, NULL, id, &doc, NULL);
    if (rc == 0)
        rc = baton_case_log(q->s, NULL, id, &v, &n);
    if (rc) {
        library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    head(q, field(json_object_get(doc, "child"), "name"));
    json_decref(doc);
    WEB_RAW(o, "<h2>");
    web_t(o, "Every version of the case");
    WEB_RAW(o, "</h2>\n<p><a href=\"/case/");
    web_text(o, id);
    WEB_RAW(o, "\">");
    web_t(o, "The case as it is now");
    WEB_RAW(o, "</a></p>\n<table><thead><tr><th scope=\"col\">");
    web_t(o, "When");
    WEB_RAW(o, "</th><th scope=\"col\">");
    web_t(o, "Who");
    WEB_RAW(o, "</th><th scope=\"col\">");
    web_t(o, "What changed");
    WEB_RAW(o, "</th><th scope=\"col\">");
    web_t(o, "Why");
    WEB_RAW(o, "</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        /* what this version's commit changed (the first version: what the case began with) */
        WEB_RAW(o, "<tr><td><a href=\"/case/");
        web_text(o, id);
        WEB_RAW(o, "/diff?to=");
        web_text(o, v[i].commit);
        WEB_RAW(o, "\">");
        when(q, v[i].when);
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
    foot(q);
    baton_case_log_free(v, n);
}

/* One text's change, word by word: what went out struck through, what came in underlined. */
static void word_diff(web_page *o, const char *before, const char *after)
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

static void diff_page(web_req *q, const char *id)
{
    baton_diff d = {0};
    baton_oid_hex from, to;
    const char *want_from = field(q->query, "from"), *want_to = field(q->query, "to");
    json_t *doc;
    int rc = baton_case_load(q->s, NULL, id, &doc, NULL);
    if (rc == 0)
        rc = baton_case_diff(q->s, id, want_from && *want_from ? want_from : NULL, want_to && *want_to ? want_to : NULL,
                             &d, from, to);
    if (rc) {
        json_decref(doc);
        library_error(q, rc);
        return;
    }
    web_page *o = &q->page;
    head(q, field(json_object_get(doc, "child"), "name"));
    json_decref(doc);
    WEB_RAW(o, "<h2>");
    web_t(o, "What changed");
    WEB_RAW(o, "</h2>\n<p><code>");
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
        word_diff(o, it->op == BATON_DIFF_ADDED ? NULL : it->old_value, it->op == BATON_DIFF_REMOVED ? NULL : it->new_value);
        WEB_RAW(o, "</dd>\n");
    }
    WEB_RAW(o, "</dl>\n");
    foot(q);
    baton_diff_free(&d);
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

static void style(web_req *q)
{
    q->content_type = "text/css; charset=utf-8";
    WEB_RAW(&q->page, STYLE_CSS);
}

/* ---- routing ---- */

/* The person the login cookie names (or, behind a trusted proxy, its header), with a session of
 * theirs; 0 when logged in. */
static int logged_in(web_req *q)
{
    if (q->remote_user && *q->remote_user) {
        /* the proxy has logged them in: forms are bound to a digest of who it says, which no one
         * can turn into a form's token without the store's key */
        unsigned char digest[crypto_hash_sha256_BYTES];
        char what[128];
        snprintf(q->staff, sizeof q->staff, "%s", q->remote_user);
        snprintf(what, sizeof what, "trusted header:%s", q->staff);
        crypto_hash_sha256(digest, (const unsigned char *)what, strlen(what));
        sodium_bin2base64(q->binding, sizeof q->binding, digest, sizeof digest, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    } else if (!q->cookie_session || baton_auth_session(q->store, q->cookie_session, q->staff) != 0) {
        return -1;
    } else {
        snprintf(q->binding, sizeof q->binding, "%s", q->cookie_session);
    }
    baton_session_options so = {q->staff, NULL, NULL, "web"};
    return baton_session_open(&q->s, q->store, &so) == 0 ? 0 : -1;
}

/* Whether url is /case/ID followed by exactly suffix ("" for the case page itself); the id into
 * out. What an id may hold is the library's to say (an unknown one is 404 from there). */
static int case_url(const char *url, const char *suffix, char *out, size_t n)
{
    if (strncmp(url, "/case/", 6) != 0 || !url[6])
        return 0;
    const char *id = url + 6, *slash = strchr(id, '/');
    size_t len = slash ? (size_t)(slash - id) : strlen(id);
    if (len == 0 || len >= n || strcmp(slash ? slash : "", suffix) != 0)
        return 0;
    memcpy(out, id, len);
    out[len] = '\0';
    return 1;
}

void web_route(web_req *q)
{
    const char *url = q->url;
    int post = strcmp(q->method, "POST") == 0;
    q->lang = baton_i18n_pick(q->accept_language, "en");
    if (strcmp(url, "/style.css") == 0 && !post) {
        style(q);
        return;
    }
    int rc = baton_store_open(&q->store, q->options->store);
    if (rc) {
        library_error(q, rc);
        return;
    }
    q->lang = baton_i18n_pick(q->accept_language, baton_store_language(q->store));
    baton_i18n_use(q->lang);
    baton_error_clear();
    if (strcmp(url, "/login") == 0) {
        if (post)
            login_post(q);
        else
            login_page(q, 200, NULL);
        return;
    }
    if (strcmp(url, "/logout") == 0 && post) {
        logout_post(q);
        return;
    }
    if (logged_in(q) != 0) {
        if (q->cookie_session)
            add_cookie(q, "baton_session=; Max-Age=0");
        redirect(q, "/login");
        return;
    }
    if (post && baton_auth_csrf_check(q->store, q->binding, field(q->form, "csrf")) != 0) {
        web_error_page(q, 403, baton_error_last());
        return;
    }
    char id[64];
    if (strcmp(url, "/") == 0 && !post)
        dashboard(q);
    else if (strcmp(url, "/search") == 0 && !post)
        search_page(q);
    else if (strcmp(url, "/staff") == 0 && !post)
        staff_page(q);
    else if (post && strncmp(url, "/staff/", 7) == 0 && strchr(url + 7, '/') && strcmp(strchr(url + 7, '/'), "/leave") == 0) {
        snprintf(id, sizeof id, "%.*s", (int)(strchr(url + 7, '/') - (url + 7)), url + 7);
        leave_post(q, id);
    }
    else if (case_url(url, "", id, sizeof id) && !post)
        case_page(q, id);
    else if (case_url(url, "/edit", id, sizeof id))
        edit_page(q, id, post);
    else if (case_url(url, "/ack", id, sizeof id) && post)
        ack_post(q, id);
    else if (case_url(url, "/history", id, sizeof id) && !post)
        history_page(q, id);
    else if (case_url(url, "/diff", id, sizeof id) && !post)
        diff_page(q, id);
    else
        web_error_page(q, 404, dgettext("baton", "There is no such page."));
}

void web_req_free(web_req *q)
{
    web_page_free(&q->page);
    baton_session_free(q->s);
    baton_store_free(q->store);
    q->s = NULL;
    q->store = NULL;
    baton_i18n_use(NULL);
}
