/* Keys: libsodium's Ed25519 (crypto_sign). The private key file is written with O_EXCL and mode
 * 0600 and fsynced before the config names it, so a store never points at a key that is not
 * there; the file holds a version line and the 64-byte secret key in base64. */
#include "baton/key.h"

#include "baton/case.h"
#include "baton/config.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/record.h"
#include "session_internal.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_HEADER "baton-ed25519-secret-key 1\n"

static int sodium_ready(void)
{
    if (sodium_init() < 0)
        return baton_error_set(BATON_ERROR, "libsodium could not be initialised");
    return 0;
}

static void b64(const unsigned char *bin, size_t n, char *out, size_t outlen)
{
    sodium_bin2base64(out, outlen, bin, n, sodium_base64_VARIANT_ORIGINAL);
}

static int unb64(const char *s, unsigned char *bin, size_t n)
{
    size_t got = 0;
    if (sodium_base642bin(bin, n, s, strlen(s), " \n\r\t", &got, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        got != n)
        return -1;
    return 0;
}

int baton_key_fingerprint(const char *pk_b64, char fingerprint[BATON_FINGERPRINT_HEX])
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], h[crypto_hash_sha256_BYTES];
    int rc = sodium_ready();
    if (rc)
        return rc;
    if (!pk_b64 || unb64(pk_b64, pk, sizeof pk))
        return baton_error_set(BATON_EINVALID, "not an Ed25519 public key (44 characters of base64)");
    crypto_hash_sha256(h, pk, sizeof pk);
    sodium_bin2hex(fingerprint, BATON_FINGERPRINT_HEX, h, 16);
    return 0;
}

static void key_file(baton_store *store, const char *rel, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", baton_store_path(store), rel);
}

static const char *configured_key(baton_store *store)
{
    return baton_store_config_string(store, "signing_key");
}

int baton_secret_read(const char *path, const char *header, unsigned char *bin, size_t n)
{
    char buf[512];
    FILE *f = fopen(path, "r");
    if (!f)
        return baton_error_set(errno == ENOENT ? BATON_ENOTFOUND : BATON_ERROR, "%s: %s", path, strerror(errno));
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    int bad = strncmp(buf, header, strlen(header)) != 0 || unb64(buf + strlen(header), bin, n);
    sodium_memzero(buf, sizeof buf);
    return bad ? baton_error_set(BATON_EINVALID, "%s: not a Baton key file of this kind", path) : 0;
}

int baton_secret_write(const char *path, const char *header, const unsigned char *bin, size_t n)
{
    char text[512];
    if (strlen(header) + sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL) + 2 > sizeof text)
        return baton_error_set(BATON_ERROR, "key too long");
    memcpy(text, header, strlen(header));
    b64(bin, n, text + strlen(header), sizeof text - strlen(header) - 1);
    strcat(text, "\n");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        sodium_memzero(text, sizeof text);
        return baton_error_set(errno == EEXIST ? BATON_EEXISTS : BATON_ERROR, "%s: %s", path, strerror(errno));
    }
    size_t len = strlen(text);
    int ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    close(fd);
    sodium_memzero(text, sizeof text);
    if (!ok) {
        unlink(path);
        return baton_error_set(BATON_ERROR, "%s: cannot write the key", path);
    }
    return baton_fsync_dir(path);
}

static int read_secret(baton_store *store, unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
    const char *rel = configured_key(store);
    char path[4200];
    if (!rel)
        return baton_error_set(BATON_ENOTFOUND, "this store has no signing key (create one with 'baton key generate')");
    key_file(store, rel, path, sizeof path);
    int rc = baton_secret_read(path, KEY_HEADER, sk, crypto_sign_SECRETKEYBYTES);
    return rc ? baton_error_prefix(BATON_ERROR, "signing key: ") : 0;
}

int baton_key_generate(baton_session *s, const char *path, baton_oid_hex commit)
{
    baton_store *store = s->store;
    const baton_identity *as = &s->who;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    char file[4200];
    const char *rel = path && *path ? path : "keys/signing.key";
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc == 0)
        rc = sodium_ready();
    if (rc)
        return rc;
    if (configured_key(store))
        return baton_error_set(BATON_EEXISTS, "this store already has a signing key (%s)", configured_key(store));
    if (rel[0] == '/' || strstr(rel, ".."))
        return baton_error_set(BATON_EINVALID, "--path: give a path inside the store, like keys/signing.key");
    key_file(store, rel, file, sizeof file);
    if ((rc = baton_file_make_parent(file)))
        return rc;
    crypto_sign_keypair(pk, sk);
    rc = baton_secret_write(file, KEY_HEADER, sk, sizeof sk);
    sodium_memzero(sk, sizeof sk);
    if (rc)
        return rc;
    if ((rc = baton_config_write(store, as, "signing_key", rel, NULL, commit)))
        unlink(file); /* the config never names a key that is not there, nor the reverse */
    return rc;
}

int baton_key_public(baton_store *store, char pk_b64[BATON_PUBLIC_KEY_B64], char fingerprint[BATON_FINGERPRINT_HEX])
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    int rc = sodium_ready();
    if (rc || (rc = read_secret(store, sk)))
        return rc;
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    sodium_memzero(sk, sizeof sk);
    b64(pk, sizeof pk, pk_b64, BATON_PUBLIC_KEY_B64);
    return baton_key_fingerprint(pk_b64, fingerprint);
}

int baton_key_sign(baton_store *store, const void *data, size_t len, unsigned char sig[64],
                   char pk_b64[BATON_PUBLIC_KEY_B64])
{
    unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
    int rc = sodium_ready();
    if (rc || (rc = read_secret(store, sk)))
        return rc;
    crypto_sign_detached(sig, NULL, data, len, sk);
    crypto_sign_ed25519_sk_to_pk(pk, sk);
    sodium_memzero(sk, sizeof sk);
    b64(pk, sizeof pk, pk_b64, BATON_PUBLIC_KEY_B64);
    return 0;
}

/* The bytes a document's signature covers: its canonical JSON without the signature member. */
static char *signed_bytes(const json_t *doc)
{
    json_t *copy = json_deep_copy(doc);
    json_object_del(copy, "signature");
    char *data = baton_record_dump(copy);
    json_decref(copy);
    return data;
}

int baton_key_sign_json(baton_store *store, json_t *doc)
{
    unsigned char sig[crypto_sign_BYTES];
    char pk_b64[BATON_PUBLIC_KEY_B64], fp[BATON_FINGERPRINT_HEX], hex[2 * crypto_sign_BYTES + 1];
    int rc = baton_key_public(store, pk_b64, fp);
    if (rc)
        return rc;
    json_object_set_new(doc, "public_key", json_string(pk_b64));
    char *data = signed_bytes(doc);
    if (!data)
        return BATON_ERROR;
    rc = baton_key_sign(store, data, strlen(data), sig, pk_b64);
    free(data);
    if (rc == 0) {
        sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
        json_object_set_new(doc, "signature", json_string(hex));
    }
    return rc;
}

int baton_key_verify_json(const json_t *doc, char fingerprint[BATON_FINGERPRINT_HEX])
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    const char *pk_b64 = json_string_value(json_object_get(doc, "public_key"));
    const char *sig_hex = json_string_value(json_object_get(doc, "signature"));
    size_t got = 0;
    int rc = sodium_ready();
    if (rc)
        return rc;
    if (!pk_b64 || unb64(pk_b64, pk, sizeof pk))
        return baton_error_set(BATON_EINVALID, "public_key: not an Ed25519 public key");
    if (!sig_hex || sodium_hex2bin(sig, sizeof sig, sig_hex, strlen(sig_hex), NULL, &got, NULL) != 0 ||
        got != sizeof sig)
        return baton_error_set(BATON_EINVALID, "signature: not 64 bytes in hex");
    char *data = signed_bytes(doc);
    int bad = !data || crypto_sign_verify_detached(sig, (const unsigned char *)data, strlen(data), pk) != 0;
    free(data);
    if (bad)
        return baton_error_set(BATON_EINVALID, "the signature does not verify: the document was changed, or not "
                                               "signed by the key it names");
    return fingerprint ? baton_key_fingerprint(pk_b64, fingerprint) : 0;
}

/* A key given on the command line, or the first line of a file that holds one. */
static int read_public(const char *key_or_file, char out[BATON_PUBLIC_KEY_B64])
{
    char buf[512] = "";
    char fp[BATON_FINGERPRINT_HEX];
    FILE *f = strlen(key_or_file) != 44 ? fopen(key_or_file, "r") : NULL;
    if (f) {
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
    } else {
        snprintf(buf, sizeof buf, "%s", key_or_file);
    }
    /* the file may be `baton key show` output: take the first 44-character base64 word */
    char *save = NULL;
    for (char *w = strtok_r(buf, " \t\r\n:", &save); w; w = strtok_r(NULL, " \t\r\n:", &save)) {
        if (strlen(w) == 44 && baton_key_fingerprint(w, fp) == 0) {
            snprintf(out, BATON_PUBLIC_KEY_B64, "%s", w);
            return 0;
        }
    }
    return baton_error_set(BATON_EINVALID, "KEY: '%.60s' is neither an Ed25519 public key (base64) nor a file holding one",
                           key_or_file);
}

static void trust_path(const char *fingerprint, char *out, size_t n) { snprintf(out, n, "trust/%s.json", fingerprint); }

/* The trust record of a fingerprint as it stands, revoked or not; version (optional) receives its blob id. */
static int trust_record(baton_store *store, const char *fingerprint, json_t **out, char *version)
{
    char path[128], *buf;
    size_t len;
    *out = NULL;
    if (strlen(fingerprint) != 32 || strspn(fingerprint, "0123456789abcdef") != 32)
        return baton_error_set(BATON_ENOTFOUND, "no trusted sender with fingerprint '%.40s'", fingerprint);
    trust_path(fingerprint, path, sizeof path);
    int rc = baton_store_read(store, NULL, path, &buf, &len, version);
    if (rc == BATON_ENOTFOUND)
        return baton_error_set(rc, "no trusted sender with fingerprint %s", fingerprint);
    if (rc)
        return rc;
    rc = baton_record_from_git(store, NULL, path, BATON_RECORD_TRUST, buf, len, out);
    free(buf);
    return rc;
}

int baton_key_trusted(baton_store *store, const char *fingerprint, json_t **out)
{
    int rc = trust_record(store, fingerprint, out, NULL);
    if (rc == 0 && json_object_get(*out, "revoked")) {
        rc = baton_error_set(BATON_EDENIED, "the sender key %s (%s) was revoked here on %s by %s", fingerprint,
                             json_string_value(json_object_get(*out, "organisation")),
                             json_string_value(json_object_get(*out, "revoked")),
                             json_string_value(json_object_get(*out, "revoked_by")));
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* One commit of a trust record, made by the session. */
static int trust_commit(baton_session *s, const json_t *rec, const char *subject, const char *reason,
                        const char *base, baton_oid_hex commit)
{
    char path[128];
    char *data = baton_record_dump(rec);
    char *msg = baton_commit_message(subject, reason, NULL, s->who.id);
    int rc;
    trust_path(json_string_value(json_object_get(rec, "fingerprint")), path, sizeof path);
    if (data && msg) {
        baton_change ch = {path, data, strlen(data), base, "trusted sender", 0};
        baton_commit_options co = {s->who.name, s->who.email, msg, 0};
        rc = baton_store_commit(s->store, &ch, 1, &co, commit);
    } else {
        rc = baton_error_set(BATON_ERROR, "out of memory");
    }
    free(data);
    free(msg);
    return rc;
}

int baton_key_trust(baton_session *s, const char *key_or_file, const char *organisation, baton_oid_hex commit)
{
    baton_store *store = s->store;
    const baton_identity *as = &s->who;
    char pk[BATON_PUBLIC_KEY_B64], fp[BATON_FINGERPRINT_HEX], today[11];
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc)
        return rc;
    if (!organisation || !*organisation)
        return baton_error_set(BATON_EINVALID, "--name: required: the organisation the key belongs to");
    if ((rc = read_public(key_or_file, pk)) || (rc = baton_key_fingerprint(pk, fp)))
        return rc;
    json_t *existing;
    if (trust_record(store, fp, &existing, NULL) == 0) {
        const char *revoked = json_string_value(json_object_get(existing, "revoked"));
        /* a revoked key may be in other hands now: it is never trusted again */
        rc = revoked ? baton_error_set(BATON_EEXISTS, "key %s was revoked on %s: it cannot be trusted again (the "
                                                      "organisation makes a new key)", fp, revoked)
                     : baton_error_set(BATON_EEXISTS, "key %s is already trusted as '%s'", fp,
                                       json_string_value(json_object_get(existing, "organisation")));
        json_decref(existing);
        return rc;
    }
    baton_date_today(today);
    json_t *rec = json_pack("{s:s, s:s, s:s?, s:s, s:s}", "fingerprint", fp, "public_key", pk, "organisation",
                            organisation, "added", today, "by", as->id);
    if (!rec)
        return baton_error_set(BATON_EINVALID, "--name: not valid UTF-8");
    if ((rc = baton_record_validate(rec, BATON_RECORD_TRUST, NULL)) == 0) {
        char subject[128];
        snprintf(subject, sizeof subject, "trust: add sender key %s", fp);
        rc = trust_commit(s, rec, subject, NULL, "", commit);
    } else if (strncmp(baton_error_last(), "organisation", 12) == 0) {
        rc = baton_error_set(rc, "--name%s", strchr(baton_error_last(), ':'));
    }
    json_decref(rec);
    return rc;
}

int baton_key_revoke(baton_session *s, const char *fingerprint, const char *reason, baton_oid_hex commit)
{
    char today[11], subject[128];
    baton_oid_hex version;
    json_t *rec;
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc)
        return rc;
    if (!reason || !*reason)
        return baton_error_set(BATON_EINVALID, "--reason: required: why the key is no longer trusted");
    if ((rc = baton_reason_check(reason, NULL)))
        return rc;
    if ((rc = trust_record(s->store, fingerprint, &rec, version)))
        return baton_error_prefix(rc, "FINGERPRINT: ");
    if (json_object_get(rec, "revoked")) {
        rc = baton_error_set(BATON_EEXISTS, "FINGERPRINT: key %s was already revoked on %s", fingerprint,
                             json_string_value(json_object_get(rec, "revoked")));
        json_decref(rec);
        return rc;
    }
    /* the record as read is the base: a concurrent change of it is a conflict, not lost */
    baton_date_today(today);
    json_object_set_new(rec, "revoked", json_string(today));
    json_object_set_new(rec, "revoked_by", json_string(s->who.id));
    snprintf(subject, sizeof subject, "trust: revoke sender key %s", fingerprint);
    if ((rc = baton_record_validate(rec, BATON_RECORD_TRUST, NULL)) == 0)
        rc = trust_commit(s, rec, subject, reason, version, commit);
    json_decref(rec);
    return rc;
}

typedef struct {
    baton_store *store;
    json_t *list;
} list_ctx;

static int collect(const char *name, int is_dir, void *vctx)
{
    list_ctx *ctx = vctx;
    char fp[64];
    size_t n = strlen(name);
    if (is_dir || n != 37 || strcmp(name + 32, ".json") != 0)
        return 0;
    snprintf(fp, sizeof fp, "%.32s", name);
    json_t *rec;
    int rc = trust_record(ctx->store, fp, &rec, NULL);
    if (rc)
        return baton_store_skip(ctx->store, rc);
    json_array_append_new(ctx->list, rec);
    return 0;
}

int baton_key_list(baton_store *store, json_t **out)
{
    list_ctx ctx = {store, json_array()};
    int rc = baton_store_list(store, NULL, "trust", collect, &ctx);
    if (rc) {
        json_decref(ctx.list);
        return rc;
    }
    *out = ctx.list;
    return 0;
}
