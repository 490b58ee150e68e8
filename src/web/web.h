/* The web front end (baton serve): a second front end over libbaton's public API, like the
 * command line. It holds no check of its own that the library does not make: every page opens a
 * session for the logged-in person and asks the library, which applies the access policy and
 * writes the access log. */
#ifndef BATON_WEB_H
#define BATON_WEB_H

#include <baton/baton.h>

#include <stddef.h>

typedef struct {
    const char *store;  /* the store's directory */
    const char *listen; /* "127.0.0.1:8080" */
    int secure;         /* behind TLS: cookies get Secure */
    const char *trust_header; /* single sign-on behind a proxy: the header naming the person... */
    const char *trusted_proxy; /* ...taken only from this address, and from no other */
    const char *trust_assurance; /* ... and the header with the login's assurance level (acr), if any */
    const char *sso_logout;   /* where logging out of a single sign-on login goes: the proxy's logout */
} web_options;

/* Serves until SIGINT or SIGTERM; prints the URL on stdout once it listens. */
int web_serve(const web_options *o);

/* ---- the page being written (html.c): every write of text goes through web_text, which
 * escapes it; markup is written with WEB_RAW, which takes string literals only ---- */
typedef baton_buf web_page;

void web_raw_(web_page *o, const char *markup);
/* "" lit "" compiles only for a string literal: no text from a record can be written unescaped */
#define WEB_RAW(o, lit) web_raw_((o), "" lit "")
/* text, escaped for HTML element content and attribute values alike */
void web_text(web_page *o, const char *text);
void web_int(web_page *o, long long n);
/* a translated literal (gettext), escaped like any text */
void web_t(web_page *o, const char *msgid);
/* <p>msgid, translated</p> */
void web_para(web_page *o, const char *msgid);
/* <a href="/case/ID">text</a> (a case's page; suffix: "" or "/history" and the like, a literal) */
void web_case_link(web_page *o, const char *id, const char *suffix, const char *text);
/* a whole HTML document the library rendered, every value in it escaped by its renderer */
void web_document(web_page *o, const char *html, size_t n);
/* <table> with a header row of headers (msgids, NULL-terminated), translated; the body follows */
void web_table_begin(web_page *o, const char *const *headers);
#define WEB_TABLE(o, ...) web_table_begin((o), (const char *const[]){__VA_ARGS__, NULL})
/* <p class="error" role="alert">message</p>, the words of a refusal (nothing for NULL) */
void web_alert(web_page *o, const char *message);
void web_page_free(web_page *o);

#endif
