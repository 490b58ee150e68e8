/* baton serve: libmicrohttpd with a thread per connection. A request may wait on the store's
 * lock or an fsync, and libmicrohttpd's manual asks blocking handlers for this mode; libbaton is
 * safe for it because nothing in it changes process-wide state, and each request opens its own
 * store handle (with its own libgit2 repository and SQLite connections) on its own thread.
 *
 * Every response carries the same security headers; every POST must come from this server's own
 * origin and carry the form's anti-forgery token; the login cookie is HttpOnly, SameSite=Strict
 * (and Secure behind TLS); the body of a request is at most 64 KiB. */
#include "web.h"

#include "pages.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libintl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BODY_LIMIT (64 * 1024)

typedef struct {
    struct MHD_PostProcessor *pp;
    json_t *form;
    size_t value_base; /* where the value now arriving starts in its field's joined text */
    size_t body;
    int too_big, not_form;
} request;

static const char *const security_headers[][2] = {
    {"Content-Security-Policy",
     "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"},
    {"Cache-Control", "no-store"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Content-Type-Options", "nosniff"},
};

static enum MHD_Result form_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                  const char *content_type, const char *encoding, const char *data, uint64_t off,
                                  size_t size)
{
    request *r = cls;
    (void)kind, (void)filename, (void)content_type, (void)encoding;
    json_t *have = json_object_get(r->form, key);
    size_t had = have ? json_string_length(have) : 0;
    /* a value comes in pieces (off counts within it); a field named again (checkboxes of one
     * name) joins the field's text with a comma, as the library takes a list */
    int again = off == 0 && had > 0;
    if (off == 0)
        r->value_base = had + (size_t)again;
    if (r->value_base + off != had + (size_t)again)
        return MHD_NO;
    char *joined = malloc(had + 1 + size + 1);
    if (!joined)
        return MHD_NO;
    if (had)
        memcpy(joined, json_string_value(have), had);
    if (again)
        joined[had++] = ',';
    memcpy(joined + had, data, size);
    joined[had + size] = '\0';
    json_t *v = json_stringn_nocheck(joined, had + size);
    free(joined);
    json_object_set_new(r->form, key, v);
    return MHD_YES;
}

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    if (key && value && baton_utf8_valid(value, strlen(value)) && !json_object_get(cls, key))
        json_object_set_new(cls, key, json_string(value));
    return MHD_YES;
}

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    request *r = *con_cls;
    (void)cls, (void)c, (void)toe;
    if (!r)
        return;
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    json_decref(r->form);
    free(r);
    *con_cls = NULL;
}

/* The address of the client, for throttling logins. */
static void client_address(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    if (ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out, (socklen_t)n);
    else if (ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out, (socklen_t)n);
}

static enum MHD_Result respond(struct MHD_Connection *c, const web_options *o, web_req *q)
{
    static const char oom[] = "out of memory\n";
    if (q->page.oom) { /* never half a page */
        q->status = 500;
        q->content_type = "text/plain; charset=utf-8";
        q->location[0] = '\0';
        q->ncookies = 0;
    }
    struct MHD_Response *resp = q->page.oom ? MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom,
                                                                                MHD_RESPMEM_PERSISTENT)
                                            : MHD_create_response_from_buffer(q->page.n, q->page.p,
                                                                              MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    for (size_t i = 0; i < sizeof security_headers / sizeof *security_headers; i++)
        MHD_add_response_header(resp, security_headers[i][0],
                                i == 0 && q->csp[0] && !q->page.oom ? q->csp : security_headers[i][1]);
    MHD_add_response_header(resp, "Content-Type", q->content_type ? q->content_type : "text/html; charset=utf-8");
    if (q->location[0])
        MHD_add_response_header(resp, "Location", q->location);
    for (int i = 0; i < q->ncookies; i++) {
        char cookie[256];
        snprintf(cookie, sizeof cookie, "%s; Path=/; HttpOnly; SameSite=Strict%s", q->cookies[i],
                 o->secure ? "; Secure" : "");
        MHD_add_response_header(resp, "Set-Cookie", cookie);
    }
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)q->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* A POST is this server's own: its Origin is the origin the browser reached us at. Under our own
 * Referrer-Policy: no-referrer, a browser sends "Origin: null" even for a form of ours (the Fetch
 * standard serialises the origin as null under that policy); it then says where the request came
 * from in Sec-Fetch-Site, which a page can neither set nor forge, and only "same-origin" counts.
 * (Browsers send Sec-Fetch-Site only to https and to localhost: over plain HTTP to another
 * address a form cannot prove where it came from, and is refused. Serve behind TLS.) */
static int same_origin(struct MHD_Connection *c, const web_options *o)
{
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    char want[300];
    if (!origin || !host)
        return 0;
    if (strcmp(origin, "null") == 0)
        return site && strcmp(site, "same-origin") == 0;
    snprintf(want, sizeof want, "%s://%s", o->secure ? "https" : "http", host);
    return strcmp(origin, want) == 0;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    const web_options *o = cls;
    request *r = *con_cls;
    (void)version;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->form = json_object();
        *con_cls = r;
        if (strcmp(method, "POST") == 0) {
            r->pp = MHD_create_post_processor(c, 8192, form_field, r);
            r->not_form = r->pp == NULL;
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        r->body += *upload_data_size;
        if (r->body > BODY_LIMIT)
            r->too_big = 1;
        else if (r->pp && MHD_post_process(r->pp, upload_data, *upload_data_size) != MHD_YES)
            r->not_form = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    web_req q = {0};
    q.options = o;
    q.status = 200;
    q.method = method;
    q.url = url;
    q.form = r->form;
    json_t *query = json_object();
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_arg, query);
    q.query = query;
    q.cookie_session = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "baton_session");
    q.cookie_pre = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "baton_pre");
    client_address(c, q.address, sizeof q.address);
    int via_proxy = o->trusted_proxy && strcmp(q.address, o->trusted_proxy) == 0;
    /* behind the trusted proxy every request comes from its address: the client's is the one it
     * added last to X-Forwarded-For (what comes before that, anyone could have written) */
    const char *forwarded = via_proxy ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For") : NULL;
    if (forwarded) {
        const char *last = strrchr(forwarded, ',');
        char client[64];
        unsigned char probe[sizeof(struct in6_addr)];
        snprintf(client, sizeof client, "%s", last ? last + 1 : forwarded);
        char *s = client, *e;
        while (*s == ' ')
            s++;
        for (e = s + strlen(s); e > s && e[-1] == ' '; e--)
            ;
        *e = '\0';
        if (inet_pton(AF_INET, s, probe) == 1 || inet_pton(AF_INET6, s, probe) == 1)
            snprintf(q.address, sizeof q.address, "%s", s);
    }
    q.accept_language = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    /* single sign-on: the proxy in front names the person, and only that proxy may */
    if (o->trust_header && via_proxy) {
        q.remote_user = MHD_lookup_connection_value(c, MHD_HEADER_KIND, o->trust_header);
        if (o->trust_assurance && q.remote_user)
            q.assurance = MHD_lookup_connection_value(c, MHD_HEADER_KIND, o->trust_assurance);
    }
    /* refused before any page runs: said in the reader's language all the same */
    q.lang = baton_i18n_pick(q.accept_language, "en");
    baton_i18n_use(q.lang);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && strcmp(method, "POST") != 0)
        web_error_page(&q, 405, dgettext("baton", "this method is not served here"));
    else if (r->too_big)
        web_error_page(&q, 413, dgettext("baton", "the request is too large"));
    else if (strcmp(method, "POST") == 0 && r->not_form)
        web_error_page(&q, 415, dgettext("baton", "a form is expected (application/x-www-form-urlencoded)"));
    else if (strcmp(method, "POST") == 0 && !same_origin(c, o))
        web_error_page(&q, 403, dgettext("baton", "the form was not sent from Baton's own page (over plain HTTP to an "
                                "address other than 127.0.0.1 a browser cannot show that: serve Baton behind TLS)"));
    else
        web_route(&q);
    /* nothing leaves that the access log does not hold: the page's reads are written first */
    if (q.s && baton_session_flush(q.s) != 0)
        web_error_page(&q, 500, baton_error_last());
    enum MHD_Result ok = respond(c, o, &q);
    if (q.store && strcmp(method, "POST") == 0)
        web_upkeep_after_write(o, q.store);
    web_req_free(&q);
    json_decref(query);
    return ok;
}

static volatile sig_atomic_t stopping;
static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

int web_serve(const web_options *o)
{
    char host[64] = "127.0.0.1";
    long port = 8080;
    const char *colon = o->listen ? strrchr(o->listen, ':') : NULL;
    if (o->listen) {
        char *end;
        if (!colon || colon == o->listen || (size_t)(colon - o->listen) >= sizeof host)
            return baton_error_set(BATON_EUSAGE, "--listen: give ADDRESS:PORT, as 127.0.0.1:8080");
        memcpy(host, o->listen, (size_t)(colon - o->listen));
        host[colon - o->listen] = '\0';
        port = strtol(colon + 1, &end, 10);
        if (*end || port < 1 || port > 65535)
            return baton_error_set(BATON_EUSAGE, "--listen: '%s' is not a port (1 to 65535)", colon + 1);
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
        return baton_error_set(BATON_EUSAGE, "--listen: '%s' is not an IPv4 address", host);
    /* the store must open before we say we listen */
    baton_store *probe;
    int rc = baton_store_open(&probe, o->store);
    if (rc)
        return rc;
    baton_store_free(probe);
    web_upkeep_init();
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)port, NULL, NULL,
                         handle, (void *)o, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                         MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
                         /* request line and headers: at most this much, else libmicrohttpd answers 431 */
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024), MHD_OPTION_CONNECTION_TIMEOUT,
                         (unsigned)30, MHD_OPTION_END);
    if (!d)
        return baton_error_set(BATON_ERROR, "--listen: cannot listen on %s:%ld (%s)", host, port, strerror(errno));
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("baton: serving %s on http://%s:%ld/\n", o->store, host, port);
    fflush(stdout);
    while (!stopping)
        sleep(1); /* a signal ends the sleep at once */
    MHD_stop_daemon(d);
    return 0;
}
