/* A session: who is acting, in which role and scope, and why. Every read and every change of a
 * child's data goes through one: the library checks the need-to-know policy (policy.h) and writes
 * the access log in one place, whichever front end built the session.
 *
 * The command line builds a session from --as STAFF or BATON_USER: that is the trusted local
 * administrator's path, because whoever may run baton on the machine that holds the store can
 * read its files with plain git anyway. The web front end builds one from a login. */
#ifndef BATON_SESSION_H
#define BATON_SESSION_H

#include "baton/staff.h"
#include "baton/store.h"

#include <jansson.h>

typedef struct baton_session baton_session;

typedef struct {
    const char *staff;     /* the authenticated staff id: known and active */
    const char *purpose;   /* why the data is read, kept in the access log (one line, no national id) */
    const char *emergency; /* break-the-glass: why this person must open one case outside their scope
                              (one line); such a read is logged as emergency access */
    const char *via;       /* the front end, for the log ("cli", "web"; NULL: "cli") */
    int log_at_flush;      /* the entries of the session's reads are kept, and written together in one
                              durable transaction by baton_session_flush: a server calls it before it
                              answers, and answers nothing when it fails (one fsync per page, where a
                              page of five reads took five) */
    const char *assurance; /* single sign-on: the login's assurance level as the identity provider sent
                              it (OIDC acr, SAML AuthnContextClassRef), or NULL; a session below the
                              store's sso_assurance_min is refused (baton_sso_assurance_check) */
} baton_session_options;

/* Opens a session on store (which must outlive it). BATON_EDENIED when the staff member is unknown,
 * inactive or their record is invalid; BATON_EINVALID naming --purpose or --emergency when either
 * is not one plain line. */
int baton_session_open(baton_session **out, baton_store *store, const baton_session_options *o);
/* Writes the entries a session opened with log_at_flush has kept (nothing when there are none).
 * Whatever was read must not be shown when this fails. baton_session_free flushes what is left. */
int baton_session_flush(baton_session *s);
void baton_session_free(baton_session *s);

baton_store *baton_session_store(const baton_session *s);
const baton_identity *baton_session_identity(const baton_session *s);
const char *baton_session_role(const baton_session *s);
/* The session's institution, or "" for staff without one (municipality-wide, like PPR). */
const char *baton_session_institution(const baton_session *s);
const char *baton_session_purpose(const baton_session *s);

/* Checks a one-line text typed by a person (a reason, a purpose): valid UTF-8, no control
 * character (a newline could forge a commit trailer or a log line), at most max characters, and
 * nothing that looks like a Danish or Swedish national id number. Errors name `what`. */
int baton_line_check(const char *text, size_t max, const char *what);

#endif
