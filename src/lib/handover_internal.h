/* What libbaton's handover, class and import code share: one case's part of a handover commit
 * (the case as read and as it will be, and the handover record), and reading handover files with
 * the version each was read at. */
#ifndef BATON_HANDOVER_INTERNAL_H
#define BATON_HANDOVER_INTERNAL_H

#include "baton/handover.h"

/* One case's baton_part of a handover commit. */
typedef struct {
    char id[40];
    json_t *old, *doc;       /* the case as read, and as it will be */
    baton_oid_hex version;   /* of case.json as read */
    baton_oid_hex dir_id;    /* of the handovers directory as read ("" if none) */
    json_t *record;          /* the handover */
    char case_path[128], dir[128], path[160], label[64];
    char *case_data, *data;
} baton_part;


void baton_part_clear(baton_part *p);
/* Reads case id at head into p and starts its handover record (number, case, kind, made, by,
 * revision). Refuses cases that are not active. */
int baton_part_open(baton_store *store, const baton_identity *as, const char *head, const char *id, const char *kind,
                    baton_part *p);
/* Validates the new case state and the handover record, and serialises both. */
int baton_part_close(baton_store *store, const baton_identity *as, baton_part *p, const char *reason);
/* All parts as one commit: each case (if changed), its handover file, and a guard on its handovers/. */
int baton_parts_commit(baton_store *store, const baton_identity *as, baton_part *parts, size_t n, const char *message,
                       baton_oid_hex commit);
/* The same, with more changes in the commit (the journal entries that move follow-ups). A part
 * without a handover record (record NULL) writes only its case. */
int baton_parts_commit_with(baton_store *store, const baton_identity *as, baton_part *parts, size_t n,
                            const baton_change *extra, size_t nextra, const char *message, baton_oid_hex commit);
/* Refused (BATON_EINVALID, naming each) while id holds anything in an active case; then *blocking
 * receives the holdings (see baton_staff_holdings). */
int baton_staff_leave_check(baton_store *store, const char *id, json_t **blocking);
/* baton_handover_list for a case known to exist, with its journal at rev already read (due reads
 * it anyway, once per case). */
int baton_handover_list_journal(baton_store *store, const char *rev, const char *case_id, const json_t *journal,
                                json_t **out);
void baton_handover_path(const char *case_id, int number, char *out, size_t n);
/* Known, active staff, or an error naming `what`. */
int baton_staff_check_active(baton_store *store, const char *id, const char *what);
/* A pending handover that no longer asks for an acknowledgement: an onboarding whose receiver has
 * left the team again, or a handover whose receiver is no longer the contact person (handed on). */
int baton_handover_lapsed(const json_t *case_doc, const json_t *h);
/* Now as stored (YYYY-MM-DDTHH:MM:SSZ); a pinned BATON_TODAY wins over the clock. */
void baton_now_stamp(char out[21]);

#endif
