/* Signed transfer files: a case's history, journal, handovers and packet, within the scope of a
 * handover's legal basis, for a receiving school or municipality to verify and import.
 *
 * The file is the 8 bytes "BATONTX1" (the container format, version 1), one zlib stream, and the
 * 32-byte sha256 of everything before it (so that no bit of the file can change unnoticed, not
 * even one that inflates to the same content). Inflated, the stream is one line of integrity JSON
 *     {"format":1,"public_key":"<base64>","sha256":"<hex>","signature":"<base64>"}
 * then the payload: compact JSON {"manifest":{...},"content":{...}} (schemas/transfer.schema.json).
 * The sha256 and the Ed25519 signature are over the payload bytes exactly as they stand, so a
 * verifier never re-serialises what it checks. */
#ifndef BATON_TRANSFER_H
#define BATON_TRANSFER_H

#include "baton/session.h"
#include "baton/staff.h"
#include "baton/store.h"

#include <jansson.h>

#define BATON_TRANSFER_FORMAT 1
/* Bounds against hostile files: the inflated size may not pass 64 KiB + 250 x the file's size,
 * nor 64 MiB; no list may hold more than these. */
#define BATON_TRANSFER_MAX_BYTES (64u * 1024 * 1024)
#define BATON_TRANSFER_MAX_RATIO 250u
#define BATON_TRANSFER_BASE_BYTES (64u * 1024)
#define BATON_TRANSFER_MAX_VERSIONS 20000
#define BATON_TRANSFER_MAX_ENTRIES 20000
#define BATON_TRANSFER_MAX_HANDOVERS 1000

/* Writes the transfer file of handover `number` of case_id to path (whole or not at all), and
 * records the export on the case as one commit (case log shows it). Made by the session (a
 * coordinator or leader in the case's scope; the export is logged). Refused when the handover
 * has no basis for sharing. summary (optional) receives the manifest and the payload's sha256.
 * Restricted journal entries never travel. */
int baton_transfer_export(baton_session *s, const char *case_id, int number, const char *path, json_t **summary,
                          baton_oid_hex commit);

/* The bytes of a transfer file carrying payload (the JSON document export builds): signed with
 * the store's key, compressed, and checksummed; sha receives the payload's sha256. Export seals
 * with it, and the fuzzer, so that made-up payloads reach the checks behind the signature. */
int baton_transfer_seal(baton_store *store, const char *payload, size_t len, unsigned char **out, size_t *outlen,
                        char sha[65]);

/* Reads and checks a transfer file: container, size bounds, integrity, signature, format,
 * structure, and whether the signer is trusted here. report (always set when the file could be
 * read at all) says: signer (fingerprint), public_key, trusted, trusted_as, organisation,
 * store_id, case, handover, created, basis, counts, sha256, ok, problem. Returns 0 when all is
 * well; BATON_EINVALID for a damaged, tampered, truncated or unsupported file; BATON_EDENIED for
 * an untrusted signer. */
int baton_transfer_verify(baton_store *store, const char *path, json_t **report);

/* As the session (a coordinator or leader): verifies, then creates the case here with its history
 * replayed as commits (original authors
 * and dates, a Baton-Source trailer), its journal and handovers, and a handover on this side
 * pending acknowledgement by contact (NULL: as), all in one compare-and-swap of the head. The
 * sender's staff become inactive staff records named x<store>-<id>. An untrusted signer is
 * refused unless allow_untrusted, which is then recorded on the handover. Importing the same
 * file again changes nothing (report.already_imported). On any failure nothing is written. */
int baton_transfer_import(baton_session *s, const char *path, const char *contact, int allow_untrusted,
                          json_t **report, baton_oid_hex commit);

#endif
