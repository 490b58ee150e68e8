/* One request as the pages see it (pages.c), and what they answer with (server.c sends it). */
#ifndef BATON_WEB_PAGES_H
#define BATON_WEB_PAGES_H

#include "web.h"

typedef struct {
    const web_options *options;
    const char *method, *url, *accept_language;
    const char *cookie_session, *cookie_pre;
    const char *remote_user; /* the trusted header's value, when the request came from the trusted proxy */
    const json_t *form;
    const json_t *query; /* the URL's ?name=value arguments, decoded */
    char address[64];
    /* the answer */
    int status;
    web_page page;
    const char *content_type;
    char location[256];
    char cookies[2][160];
    int ncookies;
    /* while the pages work */
    baton_store *store;
    baton_session *s;
    char staff[64];
    char binding[BATON_TOKEN_CHARS + 1]; /* what forms' anti-forgery tokens are bound to: the login
                                            token, or behind a trusted proxy a digest of the person */
    const char *lang;
} web_req;

/* Answers the request (GET or POST from this server's own origin). */
void web_route(web_req *q);
/* A page that says what went wrong, with its status. */
void web_error_page(web_req *q, int status, const char *message);
void web_req_free(web_req *q);

#endif
