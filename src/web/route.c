/* From a request to its page: the login (cookie, or a trusted proxy's header), the form's
 * anti-forgery token, and the URL. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sodium.h>

/* ---- routing ---- */

/* The person the login cookie names (or, behind a trusted proxy, its header), with a session of
 * theirs; 0 when logged in. */
/* 0: the person is known and has a session; -1: not logged in (the login page); -2: refused with
 * a page of its own (single sign-on named nobody this store may let in, or a login too weak). */
static int logged_in(web_req *q)
{
    if (q->remote_user && *q->remote_user) {
        /* the proxy has logged them in: the store says who that is, and refuses anyone it cannot
         * map to one active staff member (in the access log too). Forms are bound to a digest of
         * who it is, which no one can turn into a form's token without the store's key */
        unsigned char digest[crypto_hash_sha256_BYTES];
        char what[128];
        if (baton_sso_identify(q->store, q->remote_user, q->staff) != 0) {
            web_error_page(q, 403, baton_error_last());
            return -2;
        }
        snprintf(what, sizeof what, "trusted header:%s", q->staff);
        crypto_hash_sha256(digest, (const unsigned char *)what, strlen(what));
        sodium_bin2base64(q->binding, sizeof q->binding, digest, sizeof digest, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    } else if (!q->cookie_session || baton_auth_session(q->store, q->cookie_session, q->staff) != 0) {
        return -1;
    } else {
        snprintf(q->binding, sizeof q->binding, "%s", q->cookie_session);
    }
    /* a login too weak for a child's data: said on a page of its own (the library refuses the
     * session all the same) */
    if (baton_sso_assurance_check(q->store, q->assurance) != 0) {
        web_error_page(q, 403, baton_error_last());
        return -2;
    }
    /* the page's reads are logged together, before it is sent (server.c) */
    baton_session_options so = {q->staff, NULL, NULL, "web", 1, q->assurance};
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

/* Each connection's thread keeps one store handle for all its requests (libmicrohttpd gives a
 * connection a thread of its own, and a store handle belongs to one thread at a time): opening a
 * store and its logs, and reading the staff directory, is most of a small page's cost. Settings
 * are read again when the head moved; the handle goes with the thread. */
static pthread_key_t store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void store_drop(void *store) { baton_store_free(store); }
static void store_key_make(void) { pthread_key_create(&store_key, store_drop); }

static int thread_store(const char *path, baton_store **out)
{
    pthread_once(&store_once, store_key_make);
    baton_store *s = pthread_getspecific(store_key);
    if (s) {
        *out = s;
        return baton_store_refresh(s);
    }
    int rc = baton_store_open(&s, path);
    if (rc)
        return rc;
    /* no request waits on a repack: the server runs gc by itself (upkeep.c) */
    baton_store_gc_defer(s);
    pthread_setspecific(store_key, s);
    *out = s;
    return 0;
}

void web_route(web_req *q)
{
    const char *url = q->url;
    int post = strcmp(q->method, "POST") == 0;
    q->lang = baton_i18n_pick(q->accept_language, "en");
    if (strcmp(url, "/style.css") == 0 && !post) {
        web_style(q);
        return;
    }
    int rc = thread_store(q->options->store, &q->store);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    q->lang = baton_i18n_pick(q->accept_language, baton_store_language(q->store));
    baton_i18n_use(q->lang);
    baton_error_clear();
    if (strcmp(url, "/login") == 0) {
        if (post)
            web_login_post(q);
        else
            web_login_page(q, 200, NULL);
        return;
    }
    if (strcmp(url, "/logout") == 0 && post) {
        web_logout_post(q);
        return;
    }
    int in = logged_in(q);
    if (in == -2)
        return;
    if (in != 0) {
        if (q->cookie_session)
            web_cookie_add(q, "baton_session=; Max-Age=0");
        web_redirect(q, "/login");
        return;
    }
    int rc_csrf = baton_auth_csrf(q->store, q->binding, q->csrf);
    if (rc_csrf) {
        web_library_error(q, rc_csrf);
        return;
    }
    if (post && baton_auth_csrf_check(q->store, q->binding, web_field(q->form, "csrf")) != 0) {
        web_error_page(q, 403, baton_error_last());
        return;
    }
    char id[64];
    /* a case's forms: the page on GET, the change on POST */
    static const struct {
        const char *suffix;
        void (*page)(web_req *q, const char *id, int post);
    } forms[] = {{"/edit", web_edit},         {"/measure", web_measure},   {"/focus", web_focus},
                 {"/guardian", web_guardian}, {"/journal", web_journal},   {"/handover", web_handover},
                 {"/checklist", web_checklist}, {"/transition", web_transition}};
    for (size_t k = 0; k < sizeof forms / sizeof *forms; k++)
        if (case_url(url, forms[k].suffix, id, sizeof id)) {
            forms[k].page(q, id, post);
            return;
        }
    if (strcmp(url, "/") == 0 && !post)
        web_dashboard(q);
    else if (strcmp(url, "/search") == 0 && !post)
        web_search(q);
    else if (strcmp(url, "/staff") == 0 && !post)
        web_staff(q);
    else if (strcmp(url, "/staff/new") == 0 && post)
        web_staff_new(q);
    else if (post && strncmp(url, "/staff/", 7) == 0 && strchr(url + 7, '/') && strcmp(strchr(url + 7, '/'), "/leave") == 0) {
        snprintf(id, sizeof id, "%.*s", (int)(strchr(url + 7, '/') - (url + 7)), url + 7);
        web_staff_leave(q, id);
    }
    else if (case_url(url, "", id, sizeof id) && !post)
        web_case(q, id);
    else if (case_url(url, "/followup", id, sizeof id) && post)
        web_followup_close(q, id);
    else if (case_url(url, "/ack", id, sizeof id) && post)
        web_ack_post(q, id);
    else if (case_url(url, "/history", id, sizeof id) && !post)
        web_history(q, id);
    else if (case_url(url, "/diff", id, sizeof id) && !post)
        web_diff(q, id);
    else if (case_url(url, "/packet", id, sizeof id) && !post)
        web_packet(q, id);
    else if (strcmp(url, "/password") == 0)
        web_password(q, post);
    else if (strcmp(url, "/audit") == 0 && !post)
        web_audit(q);
    else if (strcmp(url, "/audit/review") == 0 && !post)
        web_audit_review(q);
    else if (strcmp(url, "/audit/export") == 0 && !post)
        web_audit_export(q);
    else if (strcmp(url, "/class") == 0 && !post)
        web_class(q);
    else if (strcmp(url, "/class/briefing") == 0 && !post)
        web_briefing(q);
    else if (strcmp(url, "/class/join") == 0 && post)
        web_class_join(q);
    else if (strcmp(url, "/class/ack") == 0 && post)
        web_class_ack(q);
    else
        web_error_page(q, 404, dgettext("baton", "There is no such page."));
}

void web_req_free(web_req *q)
{
    web_page_free(&q->page);
    baton_session_free(q->s);
    json_decref(q->directory);
    q->directory = NULL;
    /* the store handle stays with the thread, for its next request */
    q->s = NULL;
    q->store = NULL;
    baton_i18n_use(NULL);
}
