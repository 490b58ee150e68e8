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

#endif
