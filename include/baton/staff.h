/* The staff directory (staff/<id>.json) and identity: every write is made as a known, active
 * staff member, whose name and e-mail become the git author of the commit. */
#ifndef BATON_STAFF_H
#define BATON_STAFF_H

#include "baton/store.h"

#include <jansson.h>

typedef struct {
    char id[40];
    char name[256];
    char email[256];
} baton_identity;

/* Loads the staff member id as the author of writes. BATON_EDENIED when unknown or inactive. */
int baton_identity_load(baton_store *store, const char *id, baton_identity *out);

/* Staff record of id at rev (NULL: head). BATON_ENOTFOUND if unknown. */
int baton_staff_get(baton_store *store, const char *rev, const char *id, json_t **out);
/* Every staff record at head, as a JSON array sorted by id. */
int baton_staff_list(baton_store *store, json_t **out);
/* The same list without a copy: a reference to the one the store keeps (json_decref it when done),
 * for readers that only read it. It must not be changed. */
int baton_staff_directory(baton_store *store, json_t **out);
/* 1 when the directory has nobody yet: the first member may be added without an identity. */
int baton_staff_empty(baton_store *store);

/* Adds a staff record (validated; its id must be new), as the session: a coordinator or leader. */
struct baton_session;
int baton_staff_add(struct baton_session *s, json_t *record, const char *reason, baton_oid_hex commit);
/* The store's first staff member, who adds themselves (and is the author): only while the directory
 * is empty. */
int baton_staff_add_first(baton_store *store, json_t *record, const char *reason, baton_oid_hex commit);

/* Marks id inactive, as the session (a coordinator or leader). Refused (BATON_EINVALID, the
 * message naming each item) while id holds anything in an active case (see baton_staff_holdings);
 * then *blocking receives those holdings, so they can be handed over (baton_handover_from). */
int baton_staff_leave(struct baton_session *s, const char *id, const char *reason, json_t **blocking,
                      baton_oid_hex commit);

/* Sets (or with NULL or "", removes) id's identity at the single sign-on provider (sso_id: a
 * uniid, a SAML NameID), as the session (a coordinator or leader); refused (BATON_EEXISTS) when
 * another staff member has it. */
int baton_staff_set_sso(struct baton_session *s, const char *id, const char *sso_id, const char *reason,
                        baton_oid_hex commit);

/* What id holds in the active cases now, as a JSON array of {case, kind, ref}: kind "contact"
 * (the contact person), "team" (ref: the role), "measure" (responsible for an active or planned
 * measure; ref: its id), "follow_up" (owner of an open follow-up; ref: the entry) or "handover"
 * (receiver of a pending handover; ref: its number). For coordinators and leaders, or oneself. */
int baton_staff_holdings(struct baton_session *s, const char *id, json_t **out);
/* One holding in words: "responsible for measure m1 of case 7kq2m9". */
void baton_holding_text(const json_t *holding, char *out, size_t n);

/* "staff/<id>.json" into out. */
void baton_staff_path(const char *id, char *out, size_t n);

#endif
