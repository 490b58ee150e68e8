/* Single sign-on behind a reverse proxy: the proxy (Apache with mod_auth_openidc or
 * mod_auth_mellon) authenticates the person with the municipality's identity provider and names
 * them in a header; the store maps that name to a staff record and never makes a new one. */
#ifndef BATON_SSO_H
#define BATON_SSO_H

#include "baton/store.h"

/* The active staff member the proxy's header value names, by the store's sso_match: their e-mail
 * (the default, case-insensitively), their sso_id, or their id. BATON_EDENIED, with words for the
 * person, when nobody has it, when two do, or when the one who does has left; each refusal is an
 * access-log entry (action "sso-refused", what was presented as its query). staff receives the id. */
int baton_sso_identify(baton_store *store, const char *value, char staff[64]);

/* 0 when a login at assurance level `level` (OIDC acr, SAML AuthnContextClassRef; NULL: the
 * provider sent none) may be shown a child's data under the store's sso_assurance_min; else
 * BATON_EDENIED saying which level is needed. */
int baton_sso_assurance_check(baton_store *store, const char *level);

/* The store's assurance settings are consistent: levels listed, and the minimum among them.
 * BATON_EINVALID naming the setting (baton config). */
int baton_sso_settings_check(const char *levels, const char *min);

#endif
