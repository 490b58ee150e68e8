/* Transfer files. Export gathers only what the handover's basis covers, from the versions up to
 * the revision the case was handed over at; versions whose shared part did not change are left
 * out, and their subjects are written anew from the shared fields, so nothing outside the scope
 * travels, not even a field's name. Verify trusts nothing in the file before its hash and
 * signature check out, and bounds every size it meets. Import replays the history as one chain
 * of commits moved into place by a single compare-and-swap: all of it lands, or none. */
#include "baton/transfer.h"

#include "baton/case.h"
#include "baton/date.h"
#include "baton/diff.h"
#include "baton/error.h"
#include "baton/file.h"
#include "baton/handover.h"
#include "baton/history.h"
#include "baton/journal.h"
#include "baton/key.h"
#include "baton/packet.h"
#include "baton/record.h"
#include "baton/staff.h"
#include "case_internal.h"
#include "handover_internal.h"
#include "journal_internal.h"
#include "session_internal.h"
#include "unchecked.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "BATONTX"
#define MAGIC_LEN 7

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int in_scope(const json_t *scope, const char *section)
{
    size_t i;
    json_t *s;
    json_array_foreach(scope, i, s) if (strcmp(json_string_value(s), section) == 0) return 1;
    return 0;
}

/* The case record as far as the scope reaches: the header fields, and the fields of shared
 * sections. The national id, consents and exports never travel. */
static json_t *scoped_record(const json_t *doc, const json_t *scope)
{
    json_t *out = json_deep_copy(doc);
    json_object_del(json_object_get(out, "child"), "national_id");
    json_object_del(out, "consents");
    json_object_del(out, "exports");
    const char *top[] = {"guardians", "team"};
    for (size_t i = 0; i < 2; i++) {
        const char *sec = baton_packet_section_of(top[i]);
        if (sec && !in_scope(scope, sec))
            json_object_del(out, top[i]);
    }
    json_t *plan = json_object_get(out, "plan");
    json_t *keep = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(plan, key, v) {
        char path[128];
        snprintf(path, sizeof path, "plan.%s", key);
        const char *sec = baton_packet_section_of(path);
        if (sec && in_scope(scope, sec))
            json_object_set(keep, key, v);
    }
    json_object_set_new(out, "plan", keep);
    return out;
}

/* The journal as far as the scope reaches: only if the journal is shared, never a restricted
 * entry, and without the links to entries written later. NULL if nothing travels. */
static json_t *shareable_journal(const json_t *journal, const json_t *scope)
{
    if (!in_scope(scope, "journal") || !json_is_array(journal))
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(journal, i, e) {
        if (json_is_true(json_object_get(e, "restricted")))
            continue;
        json_t *c = json_deep_copy(e);
        json_object_del(c, "corrected_by");
        json_object_del(c, "closed_by");
        json_array_append_new(out, c);
    }
    return out;
}

/* Every handover up to `upto`, as a process record: reasons are free text and stay home. */
static json_t *shareable_handovers(const json_t *handovers, json_int_t upto)
{
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(handovers, i, x) {
        if (json_integer_value(json_object_get(x, "number")) > upto)
            continue;
        json_t *c = json_deep_copy(x);
        json_object_del(c, "reason");
        json_object_del(c, "pending");
        /* when the guardians were told travels as a fact of the handover, the journal or not */
        const json_t *gi = json_object_get(c, "guardians_informed");
        if (gi && str(gi, "date")) {
            json_t *cl = json_object_get(c, "checklist");
            if (!cl)
                json_object_set_new(c, "checklist", cl = json_object());
            json_object_set_new(cl, "guardians_informed", json_pack("{s:s, s:s?}", "date", str(gi, "date"), "channel",
                                                                   str(gi, "channel")));
        }
        json_object_del(c, "guardians_informed");
        json_array_append_new(out, c);
    }
    return out;
}

static void name_ref(const char *path, const char *id, void *ctx)
{
    (void)path;
    json_object_set_new(ctx, id, json_true());
}

/* {id: {name}} of every staff member the shared versions, journal and handovers name. */
static json_t *staff_names(baton_store *store, const json_t *versions, const json_t *journal, const json_t *handovers)
{
    json_t *ids = json_object(), *out = json_object(), *x;
    size_t i;
    json_array_foreach(versions, i, x) {
        baton_record_staff_refs(json_object_get(x, "record"), BATON_RECORD_CASE, name_ref, ids);
        if (str(x, "staff") && *str(x, "staff"))
            json_object_set_new(ids, str(x, "staff"), json_true());
    }
    json_array_foreach(journal, i, x) baton_record_staff_refs(x, BATON_RECORD_JOURNAL, name_ref, ids);
    json_array_foreach(handovers, i, x) baton_record_staff_refs(x, BATON_RECORD_HANDOVER, name_ref, ids);
    const char *id;
    json_t *v;
    json_object_foreach(ids, id, v) {
        json_t *rec;
        if (baton_staff_get(store, NULL, id, &rec) == 0 && str(rec, "name"))
            json_object_set_new(out, id, json_pack("{s:s}", "name", str(rec, "name")));
        json_decref(rec);
        baton_error_clear();
    }
    json_decref(ids);
    return out;
}

/* "set plan.strengths, plan.measures[m1]": what changed in the shared part. */
static char *shared_subject(const json_t *before, const json_t *after)
{
    baton_diff d;
    if (!before)
        return strdup("create case");
    if (baton_diff_records(before, after, BATON_RECORD_CASE, &d))
        return strdup("update");
    json_t *fields = baton_diff_fields(&d);
    baton_diff_free(&d);
    char buf[300] = "change ";
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) {
        size_t used = strlen(buf);
        if (used + strlen(json_string_value(f)) + 8 >= sizeof buf) {
            strncat(buf, ", ...", sizeof buf - used - 1);
            break;
        }
        snprintf(buf + used, sizeof buf - used, "%s%s", i ? ", " : "", json_string_value(f));
    }
    json_decref(fields);
    return strdup(buf);
}

static void datetime(char out[21], time_t t) { baton_datetime_format(out, t); }

/* ---- export ---- */

static int build_payload(baton_store *store, const char *case_id, const json_t *h, json_t **out)
{
    const json_t *basis = json_object_get(h, "basis");
    const json_t *scope = json_object_get(basis, "scope");
    const char *rev = str(h, "revision");
    int number = (int)json_integer_value(json_object_get(h, "number"));
    baton_case_version *log = NULL;
    size_t nlog = 0;
    json_t *versions = json_array(), *journal = NULL, *handovers = NULL, *prev = NULL, *content = NULL;
    char *html = NULL, *text = NULL;
    size_t hlen, tlen;
    int rc = baton_case_log_unchecked(store, rev, case_id, &log, &nlog);
    for (size_t i = nlog; rc == 0 && i-- > 0;) {
        json_t *doc;
        if (log[i].problem)
            continue; /* a version that broke the rules (written outside Baton) does not travel */
        if ((rc = baton_case_load_unchecked(store, log[i].commit, case_id, &doc, NULL)))
            break;
        json_t *shared = scoped_record(doc, scope);
        json_decref(doc);
        if (prev && json_equal(prev, shared)) {
            json_decref(shared);
            continue;
        }
        char when[21], *subject = shared_subject(prev, shared);
        datetime(when, log[i].when);
        json_t *v = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:O}", "commit", log[i].commit, "author", "name",
                              log[i].author_name, "email", log[i].author_email, "date", when, "staff", log[i].staff,
                              "subject", subject ? subject : "update", "record", shared);
        free(subject);
        if (v && log[i].reason)
            json_object_set_new(v, "reason", json_string(log[i].reason));
        if (!v)
            rc = baton_error_set(BATON_ERROR, "export: version %s cannot be written", log[i].commit);
        else
            json_array_append_new(versions, v);
        json_decref(prev);
        prev = shared;
    }
    baton_case_log_free(log, nlog);
    json_decref(prev);
    if (rc == 0 && in_scope(scope, "journal")) {
        json_t *all = NULL;
        /* as it is now: what was recorded after the handover (telling the guardians) travels too */
        if ((rc = baton_journal_list_unchecked(store, NULL, case_id, &all)) == 0)
            journal = shareable_journal(all, scope);
        json_decref(all);
    }
    if (rc == 0 && (rc = baton_handover_list_unchecked(store, NULL, case_id, &handovers)) == 0) {
        json_t *kept = shareable_handovers(handovers, number);
        json_decref(handovers);
        handovers = kept;
    }
    if (rc == 0)
        rc = baton_packet_unchecked(store, case_id, number, BATON_FORMAT_HTML, NULL, &html, &hlen);
    if (rc == 0)
        rc = baton_packet_unchecked(store, case_id, number, BATON_FORMAT_TEXT, NULL, &text, &tlen);
    if (rc == 0) {
        char hh[65], th[65], created[21];
        baton_sha256_hex(html, hlen, hh);
        baton_sha256_hex(text, tlen, th);
        datetime(created, baton_now());
        json_t *ho = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "number", json_object_get(h, "number"), "kind",
                               json_object_get(h, "kind"), "made", json_object_get(h, "made"), "from",
                               json_object_get(h, "from"), "to", json_object_get(h, "to"), "revision",
                               json_object_get(h, "revision"));
        json_t *manifest = json_pack(
            "{s:i, s:s, s:s, s:s, s:s, s:o, s:s, s:O, s:{s:I, s:I, s:I}}", "format", BATON_TRANSFER_FORMAT,
            "organisation", baton_store_organisation(store), "store_id", baton_store_id(store), "language",
            baton_store_language(store), "case", case_id, "handover", ho, "created", created, "basis", basis, "counts",
            "versions", (json_int_t)json_array_size(versions), "journal", (json_int_t)json_array_size(journal),
            "handovers", (json_int_t)json_array_size(handovers));
        content = json_pack("{s:o, s:O, s:o, s:{s:s, s:s, s:s, s:s, s:s}}", "manifest", manifest, "versions", versions,
                            "handovers", handovers, "packet", "language", baton_store_language(store), "html", html,
                            "html_sha256", hh, "text", text, "text_sha256", th);
        if (content)
            json_object_set_new(content, "staff",
                                staff_names(store, json_object_get(content, "versions"), journal, handovers));
        handovers = NULL;
        if (content && journal)
            json_object_set(content, "journal", journal);
        if (!content)
            rc = baton_error_set(BATON_ERROR, "export: the content cannot be written");
    }
    free(html);
    free(text);
    json_decref(versions);
    json_decref(journal);
    json_decref(handovers);
    if (rc) {
        json_decref(content);
        return rc;
    }
    /* {"manifest":..., "content":{versions, journal, handovers, packet}} */
    json_t *manifest = json_incref(json_object_get(content, "manifest"));
    json_object_del(content, "manifest");
    *out = json_pack("{s:o, s:o}", "manifest", manifest, "content", content);
    return *out ? 0 : baton_error_set(BATON_ERROR, "out of memory");
}

/* The file's bytes: magic, then zlib of the integrity line and the payload. */
int baton_transfer_seal(baton_store *store, const char *payload, size_t plen, unsigned char **out, size_t *outlen,
                        char sha[65])
{
    unsigned char sig[64];
    char pk[BATON_PUBLIC_KEY_B64], sig64[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_ORIGINAL)];
    int rc = baton_key_sign(store, payload, plen, sig, pk);
    if (rc)
        return rc;
    baton_sha256_hex(payload, plen, sha);
    sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    char line[512];
    int n = snprintf(line, sizeof line, "{\"format\":%d,\"public_key\":\"%s\",\"sha256\":\"%s\",\"signature\":\"%s\"}\n",
                     BATON_TRANSFER_FORMAT, pk, sha, sig64);
    size_t rawlen = (size_t)n + plen;
    unsigned char *raw = malloc(rawlen);
    if (!raw)
        return baton_error_set(BATON_ERROR, "out of memory");
    memcpy(raw, line, (size_t)n);
    memcpy(raw + n, payload, plen);
    uLongf zlen = compressBound((uLong)rawlen);
    unsigned char *file = malloc(MAGIC_LEN + 1 + zlen);
    if (!file) {
        free(raw);
        return baton_error_set(BATON_ERROR, "out of memory");
    }
    memcpy(file, MAGIC "1", MAGIC_LEN + 1);
    int z = compress2(file + MAGIC_LEN + 1, &zlen, raw, (uLong)rawlen, 9);
    free(raw);
    if (z != Z_OK) {
        free(file);
        return baton_error_set(BATON_ERROR, "export: compression failed (zlib %d)", z);
    }
    /* the checksum of the container itself: a flipped padding bit inflates to the same content, but
     * it is still not the file that was sent */
    size_t body = MAGIC_LEN + 1 + zlen;
    unsigned char *sealed = realloc(file, body + crypto_hash_sha256_BYTES);
    if (!sealed) {
        free(file);
        return baton_error_set(BATON_ERROR, "out of memory");
    }
    crypto_hash_sha256(sealed + body, sealed, body);
    *out = sealed;
    *outlen = body + crypto_hash_sha256_BYTES;
    return 0;
}

int baton_transfer_export(baton_session *sess, const char *case_id, int number, const char *path, json_t **summary,
                          baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    json_t *h = NULL, *payload = NULL, *old = NULL;
    unsigned char *file = NULL;
    size_t flen = 0;
    char *text = NULL, sha[65], tmp[4300] = "";
    baton_oid_hex version;
    if (summary)
        *summary = NULL;
    json_t *now;
    int rc = baton_case_load_unchecked(store, NULL, case_id, &now, NULL);
    if (rc)
        return rc;
    /* the child's data leaves the organisation: a coordinator or leader in scope, and logged */
    if ((rc = baton_access_check(sess, BATON_ACCESS_TRANSITION, now, NULL)) == 0)
        rc = baton_session_log_one(sess, "export", case_id, path);
    json_decref(now);
    if (rc || (rc = baton_handover_get_unchecked(store, NULL, case_id, number, &h)))
        return rc;
    if (!json_object_get(h, "basis")) {
        rc = baton_error_set(BATON_EINVALID,
                             "handover %lld of case %s has no basis for sharing: only a handover with the parents' "
                             "consent or a statutory duty (--basis) can be exported",
                             (long long)json_integer_value(json_object_get(h, "number")), case_id);
        goto out;
    }
    if ((rc = build_payload(store, case_id, h, &payload)))
        goto out;
    text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text) {
        rc = baton_error_set(BATON_ERROR, "out of memory");
        goto out;
    }
    if ((rc = baton_transfer_seal(store, text, strlen(text), &file, &flen, sha)))
        goto out;
    if (flen > BATON_TRANSFER_MAX_BYTES) {
        rc = baton_error_set(BATON_EINVALID, "export: the transfer file would pass the 64 MiB limit");
        goto out;
    }
    if ((rc = baton_file_stage(path, file, flen, tmp, sizeof tmp)))
        goto out;
    /* the export is recorded on the case before the file takes its name */
    if ((rc = baton_case_load_unchecked(store, NULL, case_id, &old, version)) == 0) {
        json_t *doc = json_deep_copy(old), *to = json_object_get(h, "to"), *r = json_object_get(to, "receiver");
        char who[500], created[21];
        if (r)
            snprintf(who, sizeof who, "%s <%s>", str(r, "name"), str(r, "email"));
        else
            snprintf(who, sizeof who, "%s", str(to, "staff") ? str(to, "staff") : "?");
        snprintf(created, sizeof created, "%s", str(json_object_get(payload, "manifest"), "created"));
        json_t *exports = json_object_get(doc, "exports");
        if (!exports)
            json_object_set_new(doc, "exports", exports = json_array());
        json_array_append_new(exports, json_pack("{s:O, s:s, s:s, s:s, s:O}", "handover", json_object_get(h, "number"),
                                                 "created", created, "to", who, "sha256", sha, "scope",
                                                 json_object_get(json_object_get(h, "basis"), "scope")));
        if ((rc = baton_case_check(store, old, doc)) == 0) {
            char subject[64], *data = NULL, *msg = NULL, cpath[128], label[64];
            snprintf(subject, sizeof subject, "export for handover %lld",
                     (long long)json_integer_value(json_object_get(h, "number")));
            baton_case_path(case_id, cpath, sizeof cpath);
            snprintf(label, sizeof label, "case %s", case_id);
            if ((rc = baton_case_change(as, case_id, doc, subject, NULL, &data, &msg)) == 0) {
                baton_change ch = {cpath, data, strlen(data), version, label, 0};
                baton_commit_options co = {as->name, as->email, msg, 0};
                rc = baton_store_commit(store, &ch, 1, &co, commit);
            }
            free(data);
            free(msg);
        }
        json_decref(doc);
    }
    if (rc == 0)
        rc = baton_file_finish(tmp, path, 1);
    if (rc == 0 && summary)
        *summary = json_pack("{s:O, s:s, s:I}", "manifest", json_object_get(payload, "manifest"), "sha256", sha,
                             "bytes", (json_int_t)flen);
out:
    if (rc)
        baton_file_finish(tmp, path, 0);
    free(file);
    free(text);
    json_decref(payload);
    json_decref(old);
    json_decref(h);
    return rc;
}

/* ---- reading ---- */

typedef struct {
    json_t *integrity;
    char *payload; /* NUL-terminated */
    size_t plen;
    json_t *doc;   /* the parsed payload */
    char sha[65];
    char fingerprint[BATON_FINGERPRINT_HEX];
} loaded;

static void loaded_free(loaded *l)
{
    json_decref(l->integrity);
    json_decref(l->doc);
    free(l->payload);
    memset(l, 0, sizeof *l);
}

/* Inflates at most limit bytes; more is a bomb, less than a whole stream is a truncation. */
static int inflate_bounded(const unsigned char *in, size_t inlen, size_t limit, unsigned char **out, size_t *outlen)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return baton_error_set(BATON_ERROR, "zlib cannot start");
    size_t cap = inlen * 4 < limit ? (inlen * 4 > 4096 ? inlen * 4 : 4096) : limit;
    unsigned char *buf = malloc(cap + 1);
    int zr = Z_OK;
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)inlen;
    size_t have = 0;
    while (buf) {
        if (have == cap) {
            if (cap >= limit) {
                free(buf);
                inflateEnd(&z);
                return baton_error_set(BATON_EINVALID, "the file inflates past the limit of %zu bytes (a "
                                                       "decompression bomb?); refused", limit);
            }
            cap = cap * 2 < limit ? cap * 2 : limit;
            unsigned char *bigger = realloc(buf, cap + 1);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
        }
        z.next_out = buf + have;
        z.avail_out = (uInt)(cap - have);
        zr = inflate(&z, Z_NO_FLUSH);
        have = cap - z.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr != Z_OK) {
            free(buf);
            inflateEnd(&z);
            if (zr == Z_BUF_ERROR)
                return baton_error_set(BATON_EINVALID, "the file is truncated");
            return baton_error_set(BATON_EINVALID, "the file is damaged (zlib: %s)", z.msg ? z.msg : "data error");
        }
        if (z.avail_in == 0 && z.avail_out != 0) {
            free(buf);
            inflateEnd(&z);
            return baton_error_set(BATON_EINVALID, "the file is truncated");
        }
    }
    size_t left = z.avail_in;
    inflateEnd(&z);
    if (!buf)
        return baton_error_set(BATON_ERROR, "out of memory");
    if (left) {
        free(buf);
        return baton_error_set(BATON_EINVALID, "the file has %zu bytes after its end; refused", left);
    }
    buf[have] = '\0';
    *out = buf;
    *outlen = have;
    return 0;
}

static int hex64(const char *s) { return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64; }

/* Everything about the file that can be checked without a store: it verifies against the key it
 * names. Trust is the caller's question. */
static int load(const char *path, loaded *l, json_t *report)
{
    unsigned char *raw = NULL, *inflated = NULL;
    size_t rawlen = 0, ilen = 0;
    int rc = 0;
    memset(l, 0, sizeof *l);
    if ((rc = baton_file_read(path, BATON_TRANSFER_MAX_BYTES, (char **)&raw, &rawlen)))
        return rc;
    if (rawlen < MAGIC_LEN + 1 || memcmp(raw, MAGIC, MAGIC_LEN) != 0) {
        free(raw);
        return baton_error_set(BATON_EINVALID, "%s: not a Baton transfer file", path);
    }
    if (raw[MAGIC_LEN] != '0' + BATON_TRANSFER_FORMAT) {
        int v = raw[MAGIC_LEN];
        free(raw);
        if (v >= '0' && v <= '9')
            return baton_error_set(BATON_EINVALID, "%s: transfer format version %c is not supported (this Baton "
                                                   "reads version %d)", path, v, BATON_TRANSFER_FORMAT);
        return baton_error_set(BATON_EINVALID, "%s: not a Baton transfer file", path);
    }
    unsigned char check[crypto_hash_sha256_BYTES];
    if (rawlen < MAGIC_LEN + 1 + sizeof check + 8) {
        free(raw);
        return baton_error_set(BATON_EINVALID, "%s: the file is truncated", path);
    }
    size_t body = rawlen - sizeof check;
    crypto_hash_sha256(check, raw, body);
    if (sodium_memcmp(check, raw + body, sizeof check) != 0) {
        free(raw);
        return baton_error_set(BATON_EINVALID, "%s: the file is damaged or truncated: its checksum does not match",
                               path);
    }
    size_t limit = BATON_TRANSFER_BASE_BYTES + BATON_TRANSFER_MAX_RATIO * rawlen;
    if (limit > BATON_TRANSFER_MAX_BYTES)
        limit = BATON_TRANSFER_MAX_BYTES;
    rc = inflate_bounded(raw + MAGIC_LEN + 1, body - MAGIC_LEN - 1, limit, &inflated, &ilen);
    free(raw);
    if (rc)
        return baton_error_prefix(rc, "transfer file: ");
    char *nl = memchr(inflated, '\n', ilen < 4096 ? ilen : 4096);
    if (!nl) {
        free(inflated);
        return baton_error_set(BATON_EINVALID, "transfer file: no integrity line");
    }
    json_error_t jerr;
    l->integrity = json_loadb((const char *)inflated, (size_t)(nl - (char *)inflated), JSON_REJECT_DUPLICATES, &jerr);
    const char *pk = str(l->integrity, "public_key"), *sha = str(l->integrity, "sha256"), *sig = str(l->integrity, "signature");
    json_t *fmt = json_object_get(l->integrity, "format");
    if (!json_is_object(l->integrity) || !pk || !hex64(sha) || !sig || !json_is_integer(fmt)) {
        free(inflated);
        loaded_free(l);
        return baton_error_set(BATON_EINVALID, "transfer file: the integrity line is damaged");
    }
    if (json_integer_value(fmt) != BATON_TRANSFER_FORMAT) {
        long long v = (long long)json_integer_value(fmt);
        free(inflated);
        loaded_free(l);
        return baton_error_set(BATON_EINVALID, "transfer file: format version %lld is not supported (this Baton "
                                               "reads version %d)", v, BATON_TRANSFER_FORMAT);
    }
    l->plen = ilen - (size_t)(nl + 1 - (char *)inflated);
    l->payload = malloc(l->plen + 1);
    if (!l->payload) {
        free(inflated);
        loaded_free(l);
        return baton_error_set(BATON_ERROR, "out of memory");
    }
    memcpy(l->payload, nl + 1, l->plen);
    l->payload[l->plen] = '\0';
    free(inflated);
    if ((rc = baton_key_fingerprint(pk, l->fingerprint))) {
        loaded_free(l);
        return baton_error_set(BATON_EINVALID, "transfer file: the signer's key is damaged");
    }
    json_object_set_new(report, "signer", json_string(l->fingerprint));
    json_object_set_new(report, "public_key", json_string(pk));
    baton_sha256_hex(l->payload, l->plen, l->sha);
    json_object_set_new(report, "sha256", json_string(l->sha));
    if (strcmp(l->sha, sha) != 0) {
        loaded_free(l);
        return baton_error_set(BATON_EINVALID, "integrity check failed: the content does not match its sha256 (the "
                                               "file was changed after it was signed)");
    }
    unsigned char pkb[crypto_sign_PUBLICKEYBYTES], sigb[crypto_sign_BYTES];
    size_t got = 0;
    if (sodium_init() < 0 ||
        sodium_base642bin(pkb, sizeof pkb, pk, strlen(pk), NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) ||
        got != sizeof pkb ||
        sodium_base642bin(sigb, sizeof sigb, sig, strlen(sig), NULL, &got, NULL, sodium_base64_VARIANT_ORIGINAL) ||
        got != sizeof sigb ||
        crypto_sign_verify_detached(sigb, (const unsigned char *)l->payload, l->plen, pkb) != 0) {
        loaded_free(l);
        return baton_error_set(BATON_EINVALID, "integrity check failed: the signature does not verify");
    }
    if ((rc = baton_record_parse(l->payload, l->plen, "transfer content", &l->doc))) {
        loaded_free(l);
        return rc;
    }
    return 0;
}

static int count_ok(const json_t *arr, size_t max, const char *what)
{
    if (arr && !json_is_array(arr))
        return baton_error_set(BATON_EINVALID, "transfer content: %s is not a list", what);
    if (json_array_size(arr) > max)
        return baton_error_set(BATON_EINVALID, "transfer content: more than %zu %s; refused", max, what);
    return 0;
}

/* The structure of a signed payload: a signer can still send nonsense. */
static int check_structure(const json_t *doc, json_t *report)
{
    const json_t *m = json_object_get(doc, "manifest"), *c = json_object_get(doc, "content");
    const json_t *h = json_object_get(m, "handover"), *basis = json_object_get(m, "basis");
    int rc;
    if (!json_is_object(m) || !json_is_object(c) || !json_is_object(h) || !json_is_object(basis))
        return baton_error_set(BATON_EINVALID, "transfer content: manifest or content missing");
    if (json_integer_value(json_object_get(m, "format")) != BATON_TRANSFER_FORMAT)
        return baton_error_set(BATON_EINVALID, "transfer content: format version %lld is not supported",
                               (long long)json_integer_value(json_object_get(m, "format")));
    const char *need[] = {"organisation", "store_id", "case", "created", "language"};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++)
        if (!str(m, need[i]) || !*str(m, need[i]) || strlen(str(m, need[i])) > 200)
            return baton_error_set(BATON_EINVALID, "transfer manifest: %s missing or malformed", need[i]);
    if (!baton_datetime_valid(str(m, "created")))
        return baton_error_set(BATON_EINVALID, "transfer manifest: created is not a time");
    const json_t *versions = json_object_get(c, "versions"), *journal = json_object_get(c, "journal"),
                 *handovers = json_object_get(c, "handovers"), *packet = json_object_get(c, "packet");
    if ((rc = count_ok(versions, BATON_TRANSFER_MAX_VERSIONS, "versions")) ||
        (rc = count_ok(journal, BATON_TRANSFER_MAX_ENTRIES, "journal entries")) ||
        (rc = count_ok(handovers, BATON_TRANSFER_MAX_HANDOVERS, "handovers")))
        return rc;
    if (json_array_size(versions) == 0)
        return baton_error_set(BATON_EINVALID, "transfer content: no versions of the case");
    const json_t *staff = json_object_get(c, "staff");
    if (staff && (!json_is_object(staff) || json_object_size(staff) > 5000))
        return baton_error_set(BATON_EINVALID, "transfer content: the staff names are malformed");
    static const baton_field short_text = {"name", BATON_FIELD_STRING, 0, NULL, NULL, BATON_SHORT_MAX, NULL};
    const char *sid;
    json_t *sv;
    json_object_foreach((json_t *)staff, sid, sv) {
        if (!json_is_object(sv) || json_object_size(sv) != 1 || !str(sv, "name") ||
            baton_field_validate(json_object_get(sv, "name"), &short_text, "name") || strlen(sid) > 32 || !*sid)
            return baton_error_set(BATON_EINVALID, "transfer content: the staff name of '%.40s' is malformed", sid);
    }
    if (!json_is_object(packet) || !str(packet, "html") || !str(packet, "text"))
        return baton_error_set(BATON_EINVALID, "transfer content: the packet is missing");
    size_t i;
    json_t *x;
    json_array_foreach(versions, i, x) {
        if (!json_is_object(x) || !baton_datetime_valid(str(x, "date")) || !str(x, "commit") ||
            !json_is_object(json_object_get(x, "author")) || !str(x, "subject"))
            return baton_error_set(BATON_EINVALID, "transfer content: version %zu is malformed", i);
        if ((rc = baton_record_validate(json_object_get(x, "record"), BATON_RECORD_CASE, NULL)))
            return baton_error_prefix(rc, "transfer content: a version of the case: ");
        if (strcmp(str(json_object_get(x, "record"), "id"), str(m, "case")) != 0)
            return baton_error_set(BATON_EINVALID, "transfer content: version %zu belongs to another case", i);
    }
    json_array_foreach(journal, i, x) if ((rc = baton_record_validate(x, BATON_RECORD_JOURNAL, NULL))) return
        baton_error_prefix(rc, "transfer content: a journal entry: ");
    json_array_foreach(handovers, i, x) if ((rc = baton_record_validate(x, BATON_RECORD_HANDOVER, NULL))) return
        baton_error_prefix(rc, "transfer content: a handover: ");
    /* what the file says about its sender is a claim: only the trusted key names the organisation */
    json_object_set_new(report, "claimed_organisation", json_string(str(m, "organisation")));
    json_object_set_new(report, "store_id", json_string(str(m, "store_id")));
    json_object_set_new(report, "case", json_string(str(m, "case")));
    json_object_set(report, "handover", (json_t *)h);
    json_object_set_new(report, "created", json_string(str(m, "created")));
    json_object_set(report, "basis", (json_t *)basis);
    json_object_set_new(report, "counts", json_pack("{s:I, s:I, s:I}", "versions", (json_int_t)json_array_size(versions),
                                                    "journal", (json_int_t)json_array_size(journal), "handovers",
                                                    (json_int_t)json_array_size(handovers)));
    return 0;
}

static int verify(baton_store *store, const char *path, loaded *l, json_t **report_out)
{
    json_t *report = json_pack("{s:s, s:b}", "file", path, "ok", 0);
    *report_out = report;
    int rc = load(path, l, report);
    if (rc == 0)
        rc = check_structure(l->doc, report);
    if (rc == 0) {
        json_t *t;
        int trc = baton_key_trusted(store, l->fingerprint, &t);
        json_object_set_new(report, "trusted", json_boolean(trc == 0));
        if (trc == 0) {
            json_object_set_new(report, "trusted_as", json_string(str(t, "organisation")));
            json_object_set_new(report, "organisation", json_string(str(t, "organisation")));
            json_decref(t);
        } else if (trc == BATON_EDENIED) {
            /* a revoked key: baton_key_trusted said when and by whom */
            json_object_set_new(report, "revoked", json_true());
            rc = BATON_EDENIED;
        } else {
            rc = baton_error_set(BATON_EDENIED,
                                 "the signer (key %s) is not a trusted sender here (see 'baton key trust')",
                                 l->fingerprint);
        }
    }
    if (rc == 0)
        json_object_set_new(report, "ok", json_true());
    else
        json_object_set_new(report, "problem", json_string(baton_error_last()));
    if (rc && rc != BATON_EDENIED)
        loaded_free(l);
    return rc;
}

int baton_transfer_verify(baton_store *store, const char *path, json_t **report)
{
    loaded l;
    int rc = verify(store, path, &l, report);
    if (rc == 0 || rc == BATON_EDENIED)
        loaded_free(&l);
    return rc;
}

/* ---- import ---- */

typedef struct {
    json_t *map;      /* sender staff id -> id here */
    json_t *authors;  /* sender staff id -> {name, email} from the versions */
    const char *prefix;
} remap_ctx;

static const char *mapped(remap_ctx *r, const char *id)
{
    json_t *v = json_object_get(r->map, id);
    if (v)
        return json_string_value(v);
    char buf[64];
    snprintf(buf, sizeof buf, "%s-%s", r->prefix, id);
    buf[32] = '\0';
    while (strlen(buf) > 1 && strchr("._-", buf[strlen(buf) - 1]))
        buf[strlen(buf) - 1] = '\0';
    json_object_set_new(r->map, id, json_string(buf));
    return json_string_value(json_object_get(r->map, id));
}

/* Rewrites every staff reference of a record (as its field table says) to the ids here. */
static void remap(remap_ctx *r, json_t *v, const baton_field *f)
{
    if (!v)
        return;
    if (f->kind == BATON_FIELD_OBJECT) {
        for (const baton_field *m = f->fields; m->name; m++) {
            json_t *child = json_object_get(v, m->name);
            if (m->kind == BATON_FIELD_STAFF && json_is_string(child))
                json_object_set_new(v, m->name, json_string(mapped(r, json_string_value(child))));
            else
                remap(r, child, m);
        }
    } else if (f->kind == BATON_FIELD_ARRAY) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            if (f->fields->kind == BATON_FIELD_STAFF && json_is_string(item))
                json_array_set_new(v, i, json_string(mapped(r, json_string_value(item))));
            else
                remap(r, item, f->fields);
        }
    }
}

typedef struct {
    baton_store *store;
    const baton_identity *as;
    const json_t *manifest, *content, *last_record;
    const char *case_id, *contact, *fingerprint, *sha, *sender;
    int trusted;
    remap_ctx *rc;
    int number;
    /* the tail step's memory */
    baton_change ch[5];
    char *data[5];
    char paths[5][200];
    char *msg;
} tail_ctx;

static void tail_clear(tail_ctx *t)
{
    for (int i = 0; i < 5; i++) {
        free(t->data[i]);
        t->data[i] = NULL;
    }
    free(t->msg);
    t->msg = NULL;
}

/* The last commit: the case takes its place here (active, the new contact person, the new
 * context) and a handover on this side, pending acknowledgement, names the commit before it. */
static int import_tail(void *vctx, const char *parent, baton_commit_step *out)
{
    tail_ctx *t = vctx;
    tail_clear(t);
    json_t *doc = json_deep_copy(t->last_record);
    const json_t *h = json_object_get(t->manifest, "handover");
    char today[11], made[21];
    baton_date_today(today);
    baton_now_stamp(made);
    json_object_set_new(doc, "status", json_string("active"));
    const char *prev_contact = str(json_object_get(doc, "contact"), "staff");
    json_t *from = json_pack("{s:s?}", "staff", prev_contact);
    if (json_object_get(json_object_get(h, "from"), "context"))
        json_object_set(from, "context", json_object_get(json_object_get(h, "from"), "context"));
    json_object_set_new(doc, "contact", json_pack("{s:s, s:s}", "staff", t->contact, "since", today));
    /* the sender's staff work with the child no more: their team places end, and the measures they
     * were responsible for pass to the contact person here */
    json_object_del(doc, "team");
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(json_object_get(doc, "plan"), "measures"), i, m) {
        const char *status = str(m, "status");
        if (status && (strcmp(status, "active") == 0 || strcmp(status, "planned") == 0))
            json_object_set_new(m, "responsible", json_string(t->contact));
    }
    const json_t *to_ctx = json_object_get(json_object_get(h, "to"), "context");
    if (to_ctx)
        json_object_set(doc, "context", (json_t *)to_ctx);
    const json_t *packet = json_object_get(t->content, "packet");
    json_t *rec = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:s, s:O}, s:O, s:{s:s, s:s, s:s, s:O, s:s, s:s, "
                            "s:s, s:b, s:s}}",
                            "number", t->number, "case", t->case_id, "kind", "context", "made", made, "by", t->as->id,
                            "revision", parent, "from", from, "to", "staff", t->contact, "context",
                            to_ctx ? to_ctx : json_object_get(doc, "context"), "basis",
                            json_object_get(t->manifest, "basis"), "source", "organisation",
                            t->sender, "store_id", str(t->manifest, "store_id"), "case",
                            t->case_id, "handover", json_object_get(h, "number"), "created",
                            str(t->manifest, "created"), "sha256", t->sha, "signer", t->fingerprint, "trusted",
                            t->trusted, "packet_sha256", str(packet, "html_sha256"));
    int rc = rec ? baton_record_validate(rec, BATON_RECORD_HANDOVER, NULL)
                 : baton_error_set(BATON_EINVALID, "transfer content: the handover cannot be recorded");
    if (rc == 0)
        rc = baton_record_validate(doc, BATON_RECORD_CASE, NULL);
    char dir[128];
    baton_case_dir(t->case_id, dir, sizeof dir);
    if (rc == 0) {
        baton_case_path(t->case_id, t->paths[0], sizeof t->paths[0]);
        snprintf(t->paths[1], sizeof t->paths[1], "%s/handovers/%04d.json", dir, t->number);
        snprintf(t->paths[2], sizeof t->paths[2], "%s/received/%04d.html", dir, t->number);
        snprintf(t->paths[3], sizeof t->paths[3], "%s/received/%04d.txt", dir, t->number);
        t->data[0] = baton_record_dump(doc);
        t->data[1] = baton_record_dump(rec);
        t->data[2] = strdup(str(packet, "html"));
        t->data[3] = strdup(str(packet, "text"));
        char subject[160];
        snprintf(subject, sizeof subject, "case %s: handover %d (context, received)", t->case_id, t->number);
        t->msg = baton_commit_message(subject, NULL, t->case_id, t->as->id);
        for (int k = 0; k < 4; k++)
            t->ch[k] = (baton_change){t->paths[k], t->data[k], t->data[k] ? strlen(t->data[k]) : 0, NULL, NULL, 0};
        if (!t->data[0] || !t->data[1] || !t->data[2] || !t->data[3] || !t->msg)
            rc = baton_error_set(BATON_ERROR, "out of memory");
        *out = (baton_commit_step){t->ch, 4, {t->as->name, t->as->email, t->msg, 0}};
    }
    json_decref(doc);
    json_decref(rec);
    return rc;
}

/* An imported handover here that came from this very file. */
static int already_imported(baton_store *store, const char *case_id, const char *sha)
{
    json_t *list;
    if (baton_handover_list_unchecked(store, NULL, case_id, &list))
        return 0;
    size_t i;
    json_t *h;
    int found = 0;
    json_array_foreach(list, i, h) {
        const char *s = str(json_object_get(h, "source"), "sha256");
        found |= s && strcmp(s, sha) == 0;
    }
    json_decref(list);
    return found;
}

int baton_transfer_import(baton_session *sess, const char *path, const char *contact, int allow_untrusted,
                          json_t **report, baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    loaded l;
    commit[0] = '\0';
    *report = NULL;
    /* a case from outside comes in on a coordinator's or leader's word */
    int rc = baton_access_check(sess, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc)
        return rc;
    rc = verify(store, path, &l, report);
    int trusted = rc == 0;
    if (rc == BATON_EDENIED && json_is_true(json_object_get(*report, "revoked"))) {
        /* a revoked key may be in anyone's hands: what it signed is not taken in at all */
        loaded_free(&l);
        return baton_error_set(rc, "%s: refused, even with --allow-untrusted", str(*report, "problem"));
    }
    if (rc == BATON_EDENIED && !allow_untrusted) {
        loaded_free(&l);
        return baton_error_set(rc, "the signer (key %s) is not a trusted sender here: refused (trust it with 'baton "
                                   "key trust', or import with --allow-untrusted)",
                               str(*report, "signer"));
    }
    if (rc && rc != BATON_EDENIED)
        return rc;
    rc = 0;
    const json_t *m = json_object_get(l.doc, "manifest"), *c = json_object_get(l.doc, "content");
    const char *case_id = str(m, "case");
    const char *who = contact ? contact : as->id;
    json_t *existing = NULL, *rec = NULL;
    remap_ctx rm = {json_object(), json_object(), NULL};
    baton_commit_step *steps = NULL;
    size_t nsteps = 0;
    char **datas = NULL, **msgs = NULL;
    baton_change *changes = NULL;
    char (*paths)[200] = NULL;
    size_t nchanges = 0;
    tail_ctx t = {0};

    if (baton_case_load_unchecked(store, NULL, case_id, &existing, NULL) == 0) {
        json_decref(existing);
        if (already_imported(store, case_id, l.sha)) {
            json_object_set_new(*report, "already_imported", json_true());
            loaded_free(&l);
            json_decref(rm.map);
            json_decref(rm.authors);
            return 0;
        }
        /* case_id lives in the loaded file: say so before letting it go */
        rc = baton_error_set(BATON_EEXISTS, "case %s already exists in this store; nothing was imported", case_id);
        loaded_free(&l);
        json_decref(rm.map);
        json_decref(rm.authors);
        return rc;
    }
    if ((rc = baton_staff_get(store, NULL, who, &rec)) == 0) {
        if (!json_is_true(json_object_get(rec, "active")))
            rc = baton_error_set(BATON_EINVALID, "--contact: '%s' is no longer active staff", who);
        json_decref(rec);
    } else if (rc == BATON_ENOTFOUND) {
        rc = baton_error_set(rc, "--contact: unknown staff member '%.40s'", who);
    }
    char prefix[16];
    snprintf(prefix, sizeof prefix, "x%.4s", str(m, "store_id"));
    for (char *p = prefix; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            *p = '0';
    rm.prefix = prefix;

    /* remap staff references everywhere, and learn the sender staff's names from the versions */
    const json_t *versions = json_object_get(c, "versions");
    size_t nv = json_array_size(versions), i;
    json_t *x;
    json_t *records = json_array();
    /* only what the export could have sent under its basis comes in, whatever the file holds */
    const json_t *scope = json_object_get(json_object_get(m, "basis"), "scope");
    size_t outside = 0;
    json_array_foreach(versions, i, x) {
        json_t *r = scoped_record(json_object_get(x, "record"), scope);
        outside += !json_equal(r, json_object_get(x, "record"));
        remap(&rm, r, baton_record_spec(BATON_RECORD_CASE));
        json_array_append_new(records, r);
        const char *st = str(x, "staff");
        if (st && *st && !json_object_get(rm.authors, st))
            json_object_set(rm.authors, st, json_object_get(x, "author"));
    }
    const json_t *sent_journal = json_object_get(c, "journal"), *sent_handovers = json_object_get(c, "handovers");
    json_t *journal = shareable_journal(sent_journal, scope);
    json_t *handovers =
        shareable_handovers(sent_handovers, json_integer_value(json_object_get(json_object_get(m, "handover"), "number")));
    outside += !(journal ? json_equal(journal, sent_journal) : json_array_size(sent_journal) == 0);
    outside += !json_equal(handovers, sent_handovers) && !(json_array_size(handovers) == 0 && !sent_handovers);
    /* the sender as this store knows it: the trusted key's name, never the file's own word */
    char sender[240];
    if (trusted)
        snprintf(sender, sizeof sender, "%s", str(*report, "trusted_as"));
    else
        snprintf(sender, sizeof sender, "unverified sender (key %.16s)", l.fingerprint);
    json_array_foreach(journal, i, x) remap(&rm, x, baton_record_spec(BATON_RECORD_JOURNAL));
    int number = 1;
    json_array_foreach(handovers, i, x) {
        remap(&rm, x, baton_record_spec(BATON_RECORD_HANDOVER));
        if (json_integer_value(json_object_get(x, "number")) >= number)
            number = (int)json_integer_value(json_object_get(x, "number")) + 1;
    }
    json_array_foreach(versions, i, x) if (str(x, "staff") && *str(x, "staff")) mapped(&rm, str(x, "staff"));

    /* steps: the sender's staff (inactive), every version, the journal and handovers, then the tail */
    size_t cap_changes = json_object_size(rm.map) + nv + 2 * json_array_size(journal) + json_array_size(handovers) + 8;
    changes = calloc(cap_changes, sizeof *changes);
    datas = calloc(cap_changes, sizeof *datas);
    paths = calloc(cap_changes, sizeof *paths);
    steps = calloc(nv + 3, sizeof *steps);
    msgs = calloc(nv + 3, sizeof *msgs);
    if (!changes || !datas || !paths || !steps || !msgs)
        rc = rc ? rc : baton_error_set(BATON_ERROR, "out of memory");
    char today[11], subject[300];
    baton_date_today(today);
    size_t first = nchanges;
    const char *orig;
    json_t *mid;
    json_object_foreach(rm.map, orig, mid) {
        if (rc)
            break;
        json_t *have;
        if (baton_staff_get(store, NULL, json_string_value(mid), &have) == 0) {
            json_decref(have);
            continue;
        }
        const json_t *a = json_object_get(rm.authors, orig);
        /* their name as the sender's directory gave it, else as their commits did */
        const char *name = str(json_object_get(json_object_get(c, "staff"), orig), "name");
        if (!name)
            name = str(a, "name") ? str(a, "name") : orig;
        char email[300];
        snprintf(email, sizeof email, "%s", str(a, "email") ? str(a, "email") : "");
        if (!email[0])
            snprintf(email, sizeof email, "%s@transfer.invalid", json_string_value(mid));
        json_t *srec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "id", json_string_value(mid), "name", name,
                                 "email", email, "role", "other", "institution", sender, "active", 0, "left", today);
        if (!srec || baton_record_validate(srec, BATON_RECORD_STAFF, NULL)) {
            /* a sender without a usable address still gets a record that says where it came from */
            json_decref(srec);
            snprintf(email, sizeof email, "%s@transfer.invalid", json_string_value(mid));
            srec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "id", json_string_value(mid), "name", name, "email",
                             email, "role", "other", "institution", sender, "active", 0, "left", today);
        }
        if (!srec || (rc = baton_record_validate(srec, BATON_RECORD_STAFF, NULL))) {
            json_decref(srec);
            rc = rc ? baton_error_prefix(rc, "transfer content: a staff member: ")
                    : baton_error_set(BATON_EINVALID, "transfer content: a staff member cannot be recorded");
            break;
        }
        baton_staff_path(json_string_value(mid), paths[nchanges], sizeof paths[0]);
        datas[nchanges] = baton_record_dump(srec);
        changes[nchanges] = (baton_change){paths[nchanges], datas[nchanges], strlen(datas[nchanges]), "", "staff", 0};
        nchanges++;
        json_decref(srec);
    }
    if (rc == 0 && nchanges > first) {
        snprintf(subject, sizeof subject, "case %s: import the sending staff directory", case_id);
        size_t k = nsteps++;
        msgs[k] = baton_commit_message(subject, NULL, case_id, as->id);
        steps[k] = (baton_commit_step){changes + first, nchanges - first, {as->name, as->email, msgs[k], 0}};
    }
    char cpath[128];
    baton_case_path(case_id, cpath, sizeof cpath);
    json_array_foreach(versions, i, x) {
        if (rc)
            break;
        const json_t *a = json_object_get(x, "author");
        time_t when;
        int date_only;
        baton_datetime_parse(str(x, "date"), &when, &date_only);
        json_t *r = json_array_get(records, i);
        const char *st = str(x, "staff");
        char trailer[400];
        snprintf(subject, sizeof subject, "case %s: %.200s", case_id, str(x, "subject"));
        size_t n = strlen(subject) + (str(x, "reason") ? strlen(str(x, "reason")) : 0) + 600;
        char *msg = malloc(n);
        snprintf(trailer, sizeof trailer, "Baton-Case: %s\nBaton-Staff: %s\nBaton-Source: %s %s %s\n", case_id,
                 st && *st ? mapped(&rm, st) : as->id, str(m, "store_id"), str(x, "commit"), l.fingerprint);
        if (msg)
            snprintf(msg, n, "%s\n\n%s%s%s", subject, str(x, "reason") ? str(x, "reason") : "",
                     str(x, "reason") ? "\n\n" : "", trailer);
        size_t k = nsteps;
        msgs[k] = msg;
        datas[nchanges] = baton_record_dump(r);
        changes[nchanges] = (baton_change){cpath, datas[nchanges], datas[nchanges] ? strlen(datas[nchanges]) : 0,
                                           i == 0 ? "" : NULL, "imported case", 0};
        if (!msg || !datas[nchanges]) {
            rc = baton_error_set(BATON_ERROR, "out of memory");
            break;
        }
        steps[k] = (baton_commit_step){changes + nchanges, 1,
                                       {str(a, "name") ? str(a, "name") : "?",
                                        str(a, "email") ? str(a, "email") : "unknown@transfer.invalid", msg, when}};
        nsteps++;
        nchanges++;
    }
    first = nchanges;
    char dir[128];
    baton_case_dir(case_id, dir, sizeof dir);
    json_array_foreach(journal, i, x) {
        if (rc)
            break;
        /* the entry keeps its file name's form: <recorded, compact>-<n>.json */
        char stamp[32] = "", *o = stamp;
        for (const char *p = str(x, "recorded"); p && *p && o < stamp + sizeof stamp - 1; p++)
            if (*p != '-' && *p != ':')
                *o++ = *p;
        *o = '\0';
        snprintf(paths[nchanges], sizeof paths[0], "%s/journal/%s-%lld.json", dir, stamp,
                 strtoll(str(x, "id") + 1, NULL, 10));
        datas[nchanges] = baton_record_dump(x);
        changes[nchanges] = (baton_change){paths[nchanges], datas[nchanges], strlen(datas[nchanges]), "", "journal", 0};
        nchanges++;
    }
    /* what the sender's staff still owed is owed here by the contact person: each open follow-up
     * gets a correction naming them (the sender's entries stay as they were written) */
    json_t *linked = json_deep_copy(journal);
    long next = 1;
    json_array_foreach(linked, i, x) {
        long num = strtol(str(x, "id") + 1, NULL, 10);
        if (num >= next)
            next = num + 1;
    }
    if (rc == 0 && linked && (rc = baton_journal_link(linked)) == 0) {
        char jdir[128];
        baton_journal_dir(case_id, jdir, sizeof jdir);
        json_array_foreach(linked, i, x) {
            if (rc || !json_object_get(x, "follow_up") || json_object_get(x, "corrected_by") ||
                json_object_get(x, "closed_by"))
                continue;
            json_t *moved = baton_journal_move_follow_up(x, who, as);
            baton_journal_number(moved, case_id, jdir, next++, paths[nchanges]);
            if ((rc = baton_record_validate(moved, BATON_RECORD_JOURNAL, NULL)) == 0) {
                datas[nchanges] = baton_record_dump(moved);
                changes[nchanges] = (baton_change){paths[nchanges], datas[nchanges], strlen(datas[nchanges]), "",
                                                   "journal", 0};
                nchanges++;
            }
            json_decref(moved);
        }
    }
    json_decref(linked);
    json_array_foreach(handovers, i, x) {
        if (rc)
            break;
        snprintf(paths[nchanges], sizeof paths[0], "%s/handovers/%04lld.json", dir,
                 (long long)json_integer_value(json_object_get(x, "number")) % 100000);
        datas[nchanges] = baton_record_dump(x);
        changes[nchanges] = (baton_change){paths[nchanges], datas[nchanges], strlen(datas[nchanges]), "", "handover", 0};
        nchanges++;
    }
    if (rc == 0 && nchanges > first) {
        snprintf(subject, sizeof subject, "case %s: import the journal and handovers", case_id);
        size_t k = nsteps++;
        msgs[k] = baton_commit_message(subject, NULL, case_id, as->id);
        steps[k] = (baton_commit_step){changes + first, nchanges - first, {as->name, as->email, msgs[k], 0}};
    }
    if (rc == 0) {
        t = (tail_ctx){store, as, m, c, json_array_get(records, nv - 1), case_id, who, l.fingerprint, l.sha, sender,
                       trusted, &rm, number};
        rc = baton_store_commit_chain_tail(store, steps, nsteps, import_tail, &t, commit);
    }
    if (rc == 0) {
        json_object_set_new(*report, "imported", json_true());
        json_object_set_new(*report, "handover_here", json_integer(number));
        json_object_set_new(*report, "contact", json_string(who));
        json_object_set_new(*report, "sender", json_string(sender));
        if (outside)
            json_object_set_new(*report, "outside_basis", json_integer((json_int_t)outside));
        json_object_set(*report, "staff_map", rm.map);
    }
    tail_clear(&t);
    for (size_t k = 0; k < nchanges; k++)
        free(datas[k]);
    for (size_t k = 0; k < nsteps; k++)
        free(msgs[k]);
    free(datas);
    free(msgs);
    free(paths);
    free(changes);
    free(steps);
    json_decref(records);
    json_decref(journal);
    json_decref(handovers);
    json_decref(rm.map);
    json_decref(rm.authors);
    loaded_free(&l);
    return rc;
}
