/* The organisation's signing key and the senders it trusts. The Ed25519 private key lives in a
 * file of its own (mode 0600, never in git); its location is in the store config. Trusted
 * senders are records in git (trust/<fingerprint>.json), so who trusted whom, and when, is in the
 * history like everything else. */
#ifndef BATON_KEY_H
#define BATON_KEY_H

#include "baton/session.h"
#include "baton/staff.h"
#include "baton/store.h"

#include <jansson.h>

#define BATON_PUBLIC_KEY_B64 45 /* 44 characters of base64 and a NUL */
#define BATON_FINGERPRINT_HEX 33

/* Creates the signing key (keys/signing.key under the store unless path is given, relative to
 * the store) and records its location in the config, as one commit made by the session (a
 * coordinator or leader). Refused if the store already has a key. */
int baton_key_generate(baton_session *s, const char *path, baton_oid_hex commit);

/* The public half of the store's key, in base64, and its fingerprint. BATON_ENOTFOUND without a key. */
int baton_key_public(baton_store *store, char pk_b64[BATON_PUBLIC_KEY_B64], char fingerprint[BATON_FINGERPRINT_HEX]);

/* Signs data with the store's key (64-byte detached Ed25519 signature). */
int baton_key_sign(baton_store *store, const void *data, size_t len, unsigned char sig[64],
                   char pk_b64[BATON_PUBLIC_KEY_B64]);

/* Signs a JSON document with the store's key: sets its public_key (base64) and its signature (hex,
 * Ed25519 over the document's canonical JSON without the signature member). */
int baton_key_sign_json(baton_store *store, json_t *doc);
/* Checks such a document's signature against the public_key it names; BATON_EINVALID naming the
 * problem. fingerprint (optional) receives the key's. */
int baton_key_verify_json(const json_t *doc, char fingerprint[BATON_FINGERPRINT_HEX]);
/* The fingerprint of a base64 public key: the first 16 bytes of its sha256, in hex. */
int baton_key_fingerprint(const char *pk_b64, char fingerprint[BATON_FINGERPRINT_HEX]);

/* Trusts a sender's public key (base64, or a file holding it) under an organisation name, as the
 * session (a coordinator or leader). */
int baton_key_trust(baton_session *s, const char *key_or_file, const char *organisation, baton_oid_hex commit);
/* Revokes a trusted sender's key (a coordinator or leader, with a reason): its transfer files no
 * longer verify or import here, not even with --allow-untrusted, and it is never trusted again.
 * The trust record stays, marked revoked (when, by whom); the reason is in the commit. */
int baton_key_revoke(baton_session *s, const char *fingerprint, const char *reason, baton_oid_hex commit);
/* Every sender this store has trusted, revoked ones marked (JSON array of trust records). */
int baton_key_list(baton_store *store, json_t **out);
/* The trust record of a fingerprint: BATON_ENOTFOUND if never trusted, BATON_EDENIED if revoked. */
int baton_key_trusted(baton_store *store, const char *fingerprint, json_t **out);

#endif
