/* One request as the pages see it (pages.c), and what they answer with (server.c sends it). */
#ifndef BATON_WEB_PAGES_H
#define BATON_WEB_PAGES_H

#include "web.h"

#include <time.h>

typedef struct {
    const web_options *options;
    const char *method, *url, *accept_language;
    const char *cookie_session, *cookie_pre;
    const char *remote_user; /* the trusted header's value, when the request came from the trusted proxy */
    const char *assurance;   /* the login's assurance level the proxy passed (same condition), or NULL */
    const json_t *form;
    const json_t *query; /* the URL's ?name=value arguments, decoded */
    char address[64];
    /* the answer */
    int status;
    web_page page;
    const char *content_type;
    char location[1536];
    char cookies[2][160];
    int ncookies;
    /* while the pages work */
    baton_store *store;
    baton_session *s;
    char staff[64];
    char binding[BATON_TOKEN_CHARS + 1]; /* what forms' anti-forgery tokens are bound to: the login
                                            token, or behind a trusted proxy a digest of the person */
    const char *lang;
    char csp[200]; /* a page's own Content-Security-Policy (a document's style by its hash), or "" */
    json_t *directory; /* the staff directory, once a page has wanted a name */
    char csrf[BATON_TOKEN_CHARS + 1]; /* this request's forms' anti-forgery token (made once) */
} web_req;

/* Answers the request (GET or POST from this server's own origin). */
void web_route(web_req *q);
/* Packing out of the requests (upkeep.c): init once before serving; after a write, starts
 * `baton gc --auto` in a process of its own when it is due and none is running. */
void web_upkeep_init(void);
void web_upkeep_after_write(const web_options *o, baton_store *store);
/* A page that says what went wrong, with its status. */
void web_error_page(web_req *q, int status, const char *message);
void web_req_free(web_req *q);

#define N_(s) s /* marks a message for the catalogues (tools/pot); translated where it is shown */

/* ---- what every page shares (layout.c) ---- */
/* a string member of o, or NULL */
const char *web_field(const json_t *o, const char *key);
void web_cookie_add(web_req *q, const char *cookie);
/* 303 to a path of this server */
void web_redirect(web_req *q, const char *to);
/* the page's top: the language, the title, the header with the person's links; its bottom */
void web_head(web_req *q, const char *title);
void web_foot(web_req *q);
/* the top of a page about a case: the child's name, then what the page is (a msgid) */
void web_case_head(web_req *q, const json_t *doc, const char *subtitle);
/* an error of the library as a page: its code decides the status, its message what the page says */
void web_library_error(web_req *q, int rc);
/* an instant as the store's people read it */
void web_when(web_req *q, time_t t);
/* the same for a stored UTC stamp (2026-08-11T09:30:00Z) */
void web_stamp(web_req *q, const char *stamp);
/* one text's change, word by word: what went out struck through, what came in underlined */
void web_word_diff(web_page *o, const char *before, const char *after);
/* <form method="post" action="action"> with the request's anti-forgery token; the caller closes it */
void web_form(web_req *q, const char *action);
/* <h3>label</h3><p>text</p>, nothing when text is NULL */
void web_block(web_page *o, const char *label, const char *text);
/* the staff directory (baton_staff_list), read once per request */
const json_t *web_directory(web_req *q);
/* <option>s of the active staff, by name: have selected, except left out (either may be NULL) */
void web_staff_options(web_req *q, const char *have, const char *except);
/* a field of a form or of the query that says something: NULL when missing or empty */
const char *web_arg(const json_t *args, const char *key);
/* a form's text as the record keeps it: browsers send line ends as CR LF, the record keeps LF
 * (a copy to free; NULL for NULL) */
char *web_lines(const char *text);
/* a staff member's name from the directory (read once per request), or the id when it has none */
const char *web_staff_name(web_req *q, const char *id);
/* path?context=INSTITUTION:GROUP, escaped for a URL */
void web_class_url(const baton_class *c, const char *path, char *out, size_t n);
/* GET /style.css */
void web_style(web_req *q);

/* ---- a form's fields (forms.c) ---- */
/* WEB_CHOICE: one of choices (a select); WEB_CHOICES: any of them (checkboxes of one name, which
 * the server joins with commas, as the library takes a list) */
enum { WEB_TEXT, WEB_AREA, WEB_DATE, WEB_STAFF, WEB_CHOICE, WEB_CHOICES, WEB_CHECK };
typedef struct {
    const char *name, *label; /* the form's name for it; a msgid */
    int type, required;
    const char *const *choices; /* values, shown in the reader's words (an optional one may be left empty) */
} web_form_field;
/* <option>s of values, shown in the reader's words, have selected; first an empty one labelled
 * none, unless none is NULL */
void web_option_list(web_page *o, const char *const *values, const char *have, const char *none);
/* one field with its label, holding what a refused POST sent (nothing on a GET) */
void web_form_input(web_req *q, const web_form_field *f);

/* ---- the pages, one file each ---- */
void web_login_page(web_req *q, int status, const char *message);
void web_login_post(web_req *q);
void web_logout_post(web_req *q);
void web_dashboard(web_req *q);
void web_ack_post(web_req *q, const char *id);
void web_followup_close(web_req *q, const char *id);
void web_edit(web_req *q, const char *id, int post);
void web_staff(web_req *q);
void web_staff_new(web_req *q);
void web_staff_leave(web_req *q, const char *id);
void web_case(web_req *q, const char *id);
void web_search(web_req *q);
void web_history(web_req *q, const char *id);
void web_diff(web_req *q, const char *id);
void web_packet(web_req *q, const char *id);
void web_briefing(web_req *q);
void web_class(web_req *q);
void web_audit(web_req *q);
void web_audit_review(web_req *q);
void web_audit_export(web_req *q);
void web_measure(web_req *q, const char *id, int post);
void web_focus(web_req *q, const char *id, int post);
void web_journal(web_req *q, const char *id, int post);
void web_guardian(web_req *q, const char *id, int post);
void web_checklist(web_req *q, const char *id, int post);
void web_transition(web_req *q, const char *id, int post);
void web_handover(web_req *q, const char *id, int post);
void web_password(web_req *q, int post);
void web_class_join(web_req *q);
void web_class_ack(web_req *q);
/* the sections of a case page (case_plan.c): rev is NULL for the case as it is now */
void web_case_plan(web_req *q, const json_t *doc);
void web_case_people(web_req *q, const json_t *doc, const char *rev);

#endif
