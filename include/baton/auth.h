/* Local passwords, for the web front end's login: argon2id hashes (libsodium's crypto_pwhash_str)
 * in <store>/auth.db, mode 0600 and never in git. A password hash is no part of a case's history:
 * it must not travel with a clone, a push or a backup of the repository. */
#ifndef BATON_AUTH_H
#define BATON_AUTH_H

#include "baton/session.h"
#include "baton/store.h"

/* Sets staff's password: the session's own, or anyone's by a coordinator (admin). The person must
 * be in the staff directory and not have left. The password: 12 to 1,024 bytes of valid UTF-8
 * without control characters, at least 12 characters; BATON_EINVALID naming "password"
 * otherwise, and nothing written. Logged in the access log (action "password", the staff id). */
int baton_auth_password_set(baton_session *s, const char *staff, const char *password);

/* 0 when password is staff's; BATON_EDENIED with one message whatever the reason (no such person,
 * left, no password set, a wrong one), so a login says nothing about which it was. */
int baton_auth_password_check(baton_store *store, const char *staff, const char *password);

/* ---- logins (the web front end's sessions) ---- */

#define BATON_TOKEN_CHARS 43 /* 256 random bits, base64url without padding */

/* Logs staff in from address (the client's, for throttling): on the right password, a new
 * session token (BATON_TOKEN_CHARS + 1 bytes: hand it to the client, it is stored only hashed).
 * Throttled: after 5 failures for one account, or 20 from one address, within 15 minutes, every
 * attempt is refused (BATON_EBUSY, saying for how long) until the oldest of them is 15 minutes
 * old, the right password included. Else BATON_EDENIED as baton_auth_password_check. */
int baton_auth_login(baton_store *store, const char *staff, const char *password, const char *address,
                     char token[BATON_TOKEN_CHARS + 1]);

/* The staff id of the login token belongs to (staff: 64 bytes), and its use now noted; BATON_EDENIED
 * when there is no such login, or it has been idle longer than the store's session_idle_minutes
 * (30), or began longer ago than session_max_hours (10), or its person has left. An ended login
 * is removed. */
int baton_auth_session(baton_store *store, const char *token, char staff[64]);

/* The anti-forgery token for a login's forms (BATON_TOKEN_CHARS + 1 bytes): an HMAC of the login
 * token under a key of this store's (made once, kept in auth.db), so a page can carry it without
 * the server remembering it, and no other login's token fits. */
int baton_auth_csrf(baton_store *store, const char *token, char csrf[BATON_TOKEN_CHARS + 1]);
/* 0 when presented is the anti-forgery token of the login token, else BATON_EDENIED. */
int baton_auth_csrf_check(baton_store *store, const char *token, const char *presented);

/* Ends the login of token (no error if there was none). */
int baton_auth_logout(baton_store *store, const char *token);

#endif
