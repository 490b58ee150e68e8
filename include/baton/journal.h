/* The journal of a case: every contact with the home, meeting, observation, status update and
 * decision, one file each (cases/<xx>/<id>/journal/<recorded>-<n>.json). Entries are
 * append-only: nothing is edited or deleted in place. A correction is a new entry that names the
 * entry it corrects, and closing a follow-up is a new entry that names the entry it closes. */
#ifndef BATON_JOURNAL_H
#define BATON_JOURNAL_H

#include "baton/session.h"
#include "baton/staff.h"
#include "baton/store.h"

#include <jansson.h>

/* What a new entry says. Only kind and text are required (text is optional when correcting,
 * when it keeps nothing of the corrected entry but its place). */
typedef struct {
    const char *kind;          /* contact|meeting|observation|status_update|decision; with corrects: default
                                  the corrected entry's kind */
    const char *text;
    const char *const *with;   /* who took part: a guardian id (g1) or name, or anyone else by name */
    size_t nwith;
    const char *channel;       /* aula|email|phone|meeting|sms|other */
    const char *at;            /* when it happened: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z; NULL: now */
    const char *follow_up;     /* a date by which someone must follow up ... */
    const char *owner;         /* ... and who (required together) */
    const char *corrects;      /* the id of the entry this one corrects */
    int handover;              /* > 0: this contact tells the guardians about handover N */
    int restricted;            /* readable only by coordinators and psychologists in scope (and its
                                  author); never in a packet, a transfer or another reader's search */
} baton_journal_new;

/* The kinds of entry a person may add (follow_up_done is written by closing a follow-up).
 * NULL-terminated. */
extern const char *const baton_journal_user_kinds[];

/* "cases/<xx>/<id>/journal". */
void baton_journal_dir(const char *case_id, char *out, size_t n);

/* Appends an entry to the journal of case_id as one commit, made by the session (who may change
 * the case). Everything is checked first: the case exists and is not transferred, kind, channel, dates, owner (known, active
 * staff), the corrected entry exists. Errors name the field (kind, at, follow_up.owner, ...).
 * The new entry's id (j1, j2, ...) goes to id_out (16 bytes). Concurrent appends to the same
 * journal both land: each claims the next number, and a writer that lost the race takes the
 * number after. */
int baton_journal_add(baton_session *s, const char *case_id, const baton_journal_new *e, const char *reason,
                      char id_out[16], baton_oid_hex commit);

/* Closes the follow-up of entry `entry` with a follow_up_done entry (note optional). Refused when
 * the entry has no follow-up or it is already closed. */
int baton_followup_close(baton_session *s, const char *case_id, const char *entry, const char *note,
                         const char *reason, char id_out[16], baton_oid_hex commit);

/* Every entry of the journal at rev (NULL: head), in the order things happened (at, then id), read
 * by the session (logged). Each entry gets two derived members that are not stored: "corrected_by"
 * (ids of the entries correcting it) and, for an entry with a follow-up, "closed_by" (the entry
 * closing it). A restricted entry the session may not read keeps only id, kind, times and author,
 * with "withheld": true. */
int baton_journal_list(baton_session *s, const char *rev, const char *case_id, json_t **out);

/* Entry ids are written j<n>; "7" is taken to mean j7. Copies the normal form into out (16 bytes),
 * or returns BATON_EINVALID naming what. */
int baton_journal_id_parse(const char *s, const char *what, char out[16]);

#endif
