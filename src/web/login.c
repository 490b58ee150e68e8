/* Logging in and out with a local password (auth.c keeps the hashes and the sessions). */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* ---- logging in and out ---- */

void web_login_page(web_req *q, int status, const char *message)
{
    web_page_free(&q->page);
    q->status = status;
    /* before a login, the form's anti-forgery token belongs to a random cookie of its own */
    char pre[BATON_TOKEN_CHARS + 1];
    const char *have = q->cookie_pre;
    if (!have || strlen(have) != BATON_TOKEN_CHARS) {
        unsigned char raw[32];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(pre, sizeof pre, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        char cookie[160];
        snprintf(cookie, sizeof cookie, "baton_pre=%s", pre);
        web_cookie_add(q, cookie);
        have = pre;
    }
    web_head(q, dgettext("baton", "Log in"));
    web_page *o = &q->page;
    web_alert(o, message);
    if (baton_auth_csrf(q->store, have, q->csrf) != 0)
        baton_error_clear(); /* the form then fails its check, and says so */
    web_form(q, "/login");
    WEB_RAW(o, "\n<p><label for=\"staff\">");
    web_t(o, "Staff id");
    WEB_RAW(o, "</label> <input id=\"staff\" name=\"staff\" autocomplete=\"username\" required></p>\n"
               "<p><label for=\"password\">");
    web_t(o, "Password");
    WEB_RAW(o, "</label> <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" "
               "required></p>\n<p><button type=\"submit\">");
    web_t(o, "Log in");
    WEB_RAW(o, "</button></p></form>\n");
    web_foot(q);
}

void web_login_post(web_req *q)
{
    if (!q->cookie_pre || baton_auth_csrf_check(q->store, q->cookie_pre, web_field(q->form, "csrf")) != 0) {
        web_login_page(q, 403, baton_error_last());
        return;
    }
    char token[BATON_TOKEN_CHARS + 1];
    int rc = baton_auth_login(q->store, web_field(q->form, "staff"), web_field(q->form, "password"), q->address, token);
    if (rc) {
        web_login_page(q, rc == BATON_EBUSY ? 429 : 403, baton_error_last());
        return;
    }
    /* a new token at every login, never one the browser brought: no session fixation */
    char cookie[160];
    snprintf(cookie, sizeof cookie, "baton_session=%s", token);
    web_cookie_add(q, cookie);
    web_cookie_add(q, "baton_pre=; Max-Age=0");
    web_redirect(q, "/");
}

void web_logout_post(web_req *q)
{
    if (q->cookie_session && baton_auth_csrf_check(q->store, q->cookie_session, web_field(q->form, "csrf")) != 0) {
        web_error_page(q, 403, baton_error_last());
        return;
    }
    baton_auth_logout(q->store, q->cookie_session);
    web_cookie_add(q, "baton_session=; Max-Age=0");
    /* a single sign-on login ends at the proxy, which ends it at the identity provider: back at
     * Baton's login page the proxy would only log the person in again */
    web_redirect(q, q->remote_user && q->options->sso_logout ? q->options->sso_logout : "/login");
}

/* GET and POST /password: the person's own password, after the one they have now (a session left
 * open on a shared computer must not be enough to take the account over). */
void web_password(web_req *q, int post)
{
    const char *message = NULL;
    char said[1200];
    if (post) {
        const char *now = web_field(q->form, "current"), *want = web_field(q->form, "password"),
                   *again = web_field(q->form, "again");
        int rc = baton_auth_password_check(q->store, q->staff, now ? now : "");
        if (rc == 0 && (!again || !want || strcmp(want, again) != 0))
            rc = baton_error_set(BATON_EINVALID, "%s", dgettext("baton", "again: the two new passwords differ"));
        if (rc == 0)
            rc = baton_auth_password_set(q->s, q->staff, want);
        if (rc == 0) {
            web_redirect(q, "/");
            return;
        }
        snprintf(said, sizeof said, "%s", baton_error_last());
        message = said;
        q->status = rc == BATON_EDENIED ? 403 : 400;
    }
    web_page *o = &q->page;
    web_head(q, dgettext("baton", "Your password"));
    web_alert(o, message);
    web_form(q, "/password");
    WEB_RAW(o, "\n<p><label for=\"current\">");
    web_t(o, "Your password now");
    WEB_RAW(o, "</label> <input id=\"current\" name=\"current\" type=\"password\" autocomplete=\"current-password\" "
               "required></p>\n<p><label for=\"password\">");
    web_t(o, "New password (at least 12 characters)");
    WEB_RAW(o, "</label> <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" "
               "minlength=\"12\" required></p>\n<p><label for=\"again\">");
    web_t(o, "The new password again");
    WEB_RAW(o, "</label> <input id=\"again\" name=\"again\" type=\"password\" autocomplete=\"new-password\" "
               "minlength=\"12\" required></p>\n<p><button type=\"submit\">");
    web_t(o, "Change the password");
    WEB_RAW(o, "</button></p></form>\n");
    web_foot(q);
}
