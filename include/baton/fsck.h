/* The store's own check: is this what Baton would have written? Git checks bytes; Baton's rules
 * say more, and git is a peer anyone with access can push to. fsck reads the whole history and
 * reports every place where it breaks a rule, each with the path, the commit and the rule. */
#ifndef BATON_FSCK_H
#define BATON_FSCK_H

#include "baton/session.h"
#include "baton/store.h"

#include <jansson.h>

/* The rules, as named in findings:
 *   object            a git object reachable from the head is missing or damaged
 *   record            a record breaks its schema or record rules, or is not where its ids say
 *   canonical         a record is valid but not in canonical form (sorted keys, two-space indent)
 *   unknown-file      a file Baton never writes
 *   append-only       a journal entry changed or removed; a handover removed or its read-only
 *                     fields changed; a case, staff or trust record removed; a read-only field changed
 *   contact-handover  the contact person changed without a handover to them in the same commit
 *   unknown-staff     a record names a staff id the directory does not hold (at that commit)
 *   author            the commit's author is not the staff member its Baton-Staff trailer names
 *   trailer           the Baton trailers are missing, malformed, repeated or unknown, or
 *                     Baton-Source names no recorded import
 *   merge             a merge commit (Baton never writes one)
 *   permissions       the store directory or one of its files is open to other users
 *   audit             the access log is damaged, its chain broken, or it does not match its anchors
 *   audit-commit      an access-log entry names a commit that is no longer in the history
 *   index             the search index differs from one built afresh (run 'baton reindex')
 * findings receives a JSON array of {rule, path, commit, message} in history order (path and
 * commit may be null). Returns 0 when the check ran, whatever it found; an error otherwise. For
 * coordinators and leaders (the session). */
int baton_fsck(baton_session *s, json_t **findings);

#endif
