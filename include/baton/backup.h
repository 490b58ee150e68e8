/* Backups to git remotes, and restoring a store from one. One disk must not hold the only copy
 * of these records. The history goes as git objects (refs/heads/main and the access log's
 * anchors on refs/baton/audit); what git does not hold (audit.db, auth.db and the signing key)
 * goes beside it, copied consistently and encrypted with the store's backup key, on
 * refs/baton/backup. Every push replaces what the remote had (a forced push), so a history that
 * an erasure rewrote is forgotten by the backup at its next push, once the remote is gc'd. */
#ifndef BATON_BACKUP_H
#define BATON_BACKUP_H
#include "baton/session.h"
#include "baton/store.h"
#include <jansson.h>
/* Where the backup key lives, relative to the store. A restore needs a copy of it: kept apart
 * from the backups, or they can be read by whoever holds them. */
#define BATON_BACKUP_KEY "keys/backup.key"
/* Adds a backup remote (a name of letters, digits and '-', and a git URL: a path, git://,
 * http(s)://, ssh) and makes the backup key if the store has none. For coordinators and leaders.
 * report: name, url, key (the key file's path), key_created. */
int baton_backup_add(baton_session *s, const char *name, const char *url, json_t **report);
/* The backup remotes: [{name, url}]. */
int baton_backup_list(baton_store *store, json_t **out);
/* Removes a backup remote (what it holds stays there). For coordinators and leaders. */
int baton_backup_remove(baton_session *s, const char *name);
/* Pushes to the named remote, or to every one when name is NULL, and logs each push. For
 * coordinators and leaders. report: [{name, url, head, files: {name: bytes}}]. */
int baton_backup_push(baton_session *s, const char *name, json_t **report);
/* Makes a new store at dir (missing or empty) from the backup at url, decrypting with the key
 * file at key_path; the index is built afresh and the access log verified. On any failure nothing
 * is left at dir. report: head, audit_entries, files. */
int baton_backup_restore(const char *url, const char *dir, const char *key_path, json_t **report);
#endif
