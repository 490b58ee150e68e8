/* The archival export of a closed case: before it is erased, the whole case as a package an
 * archive can keep and check without Baton. A directory:
 *   manifest.json        format ("baton-archive 1"), case, status, organisation, store_id, exported
 *                        (UTC), exported_by, head (the commit it was taken at), files [{path,
 *                        sha256, bytes}], public_key (the organisation's Ed25519 key, base64) and
 *                        signature (hex, over the manifest's canonical JSON without it)
 *   records/             the case's files as git holds them now: case.json, journal/NAME.json,
 *                        handovers/NNNN.json (canonical JSON; schemas/ describes each field)
 *   history.json         every commit that changed the case, oldest first: commit, time, author,
 *                        email, staff, subject, reason, and files {path: the record, or null
 *                        when it was removed}
 *   packets/handover-NNNN.html  the packet of each handover, as its receiver read it
 *   access-log.json      the case's part of the access log: who read, searched, changed or
 *                        exported it, when and why
 * The package is written whole under a temporary name and renamed into place. */
#ifndef BATON_ARCHIVE_H
#define BATON_ARCHIVE_H
#include "baton/session.h"
#include <jansson.h>
/* Writes the package of a closed or transferred case to dir (which must not exist), signed with the
 * store's key, as the session: a coordinator or leader who may read the case's restricted entries.
 * The export is logged. report: case, dir, files, fingerprint. */
int baton_archive_export(baton_session *s, const char *case_id, const char *dir, json_t **report);
/* Checks a package without a store: the manifest's signature against the key it names, every file
 * it lists against its sha256 and size, and no file it does not list. BATON_EINVALID names the
 * first problem. report: case, organisation, exported, files, fingerprint (of the signing key,
 * to compare with the organisation's published one), ok. */
int baton_archive_verify(const char *dir, json_t **report);
#endif
