/* What other parts of libbaton need to add journal entries to a commit of their own (moving a
 * follow-up when its owner leaves), without going through baton_journal_add. */
#ifndef BATON_JOURNAL_INTERNAL_H
#define BATON_JOURNAL_INTERNAL_H

#include "baton/journal.h"
#include "baton/staff.h"
#include "baton/store.h"

#include <jansson.h>

/* Where the next entries of case_id go at head: the journal directory, its tree id as read ("" if
 * there is none yet: the guard of the commit) and the next free number. */
int baton_journal_slot(baton_store *store, const char *head, const char *case_id, char dir[128], baton_oid_hex dir_id,
                       long *next);
/* Sorts stored entries by time and links them as the journal reads them: corrected_by on each
 * corrected entry, closed_by on each closed follow-up. */
int baton_journal_link(json_t *entries);
/* Gives entry its id j<n>, case and recorded time, and its path in dir. */
void baton_journal_number(json_t *entry, const char *case_id, const char *dir, long n, char path[200]);
/* A correction of entry that moves its open follow-up to owner, written by as (not yet numbered). */
json_t *baton_journal_move_follow_up(const json_t *entry, const char *owner, const baton_identity *as);
/* Withholds the restricted entries of entries (their text, follow-up and guardians go; that they
 * exist stays), except those written by reader (NULL: withholds them all). */
void baton_journal_withhold_restricted(json_t *entries, const char *reader);

#endif
