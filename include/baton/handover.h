/* Handovers: when staff change, and when a child moves to another context. A handover is a record
 * (cases/<xx>/<id>/handovers/<nnnn>.json: who, from, to, why, kind, the revision the case was
 * handed over at, the legal basis for sharing, a checklist and the acknowledgement) written in the
 * same commit as the change it makes to the case. Changing the contact person is always a
 * handover; nothing else can do it. */
#ifndef BATON_HANDOVER_H
#define BATON_HANDOVER_H

#include "baton/session.h"
#include "baton/staff.h"
#include "baton/store.h"

#include <jansson.h>

/* "cases/<xx>/<id>/handovers". */
void baton_handover_dir(const char *case_id, char *out, size_t n);

typedef struct {
    const char *case_id;
    const char *to; /* the receiving staff member */
} baton_handover_pair;

/* Hands each case over to its receiver as the new contact person, all in one commit made by the
 * session (who may hand over every one of them): all or nothing. Every case must be active, every
 * receiver known, active staff and not already the contact person, and no case may appear twice.
 * made (optional) receives a JSON array of {case, number}. */
int baton_handover_staff(baton_session *s, const baton_handover_pair *pairs, size_t n, const char *reason,
                         json_t **made, baton_oid_hex commit);

/* Everything `from` holds in the active cases (baton_staff_holdings) moves in one commit made by
 * the session, all or nothing: to `to`, or case by case to the receivers of map (which must name
 * every case from holds anything in, and no other). Where from is the contact person, the case
 * gets a staff handover to its receiver; team roles and the measures from is responsible for move
 * to the receiver (a receiver already on the team keeps their own place), and each open follow-up
 * from owns gets a correction naming the receiver. Pending handovers to from lapse with it. Then
 * baton_staff_leave goes through. made (optional) receives [{case, number (or null), moved}]. */
int baton_handover_from(baton_session *s, const char *from, const char *to, const baton_handover_pair *map,
                        size_t nmap, const char *reason, json_t **made, baton_oid_hex commit);

typedef struct {
    const char *case_id;
    const char *to_context; /* KIND:INSTITUTION[:GROUP[:MUNICIPALITY]] */
    const char *to_staff;   /* a receiver inside the organisation: the new contact person */
    const char *receiver;   /* or one outside it: "NAME <EMAIL>" */
    const char *basis;      /* consent|statutory: required when the receiver is outside */
    const char *basis_ref;  /* the consent's id (c1), or the statute that requires the sharing */
    const char *scope;      /* comma-separated packet sections; NULL: the consent's scope, or all */
} baton_handover_context_options;

/* A context transition as one commit, made by the session (a coordinator or leader in the case's
 * scope). Inside the organisation the context and the contact person move; to a receiver outside
 * it the case becomes transferred and read-only. Errors name the option (--to-context, --basis,
 * --scope, ...). number receives the handover's number. */
int baton_handover_context(baton_session *s, const baton_handover_context_options *o, const char *reason,
                           int *number, baton_oid_hex commit);

/* Every handover of a case at rev (NULL: head), by number, read by the session (logged). Each
 * carries the derived member "guardians_informed" ({date, channel, entry}) when a journal contact
 * entry with a guardian names it, and "pending" (true while a receiver inside the organisation has
 * not acknowledged). */
int baton_handover_list(baton_session *s, const char *rev, const char *case_id, json_t **out);
/* The handovers of every case the session may read (or of case_id alone), by case and number;
 * to (optional) keeps those handed to that staff member, pending_only those not yet acknowledged.
 * Each case shown is logged as read. */
int baton_handover_find(baton_session *s, const char *case_id, const char *to, int pending_only, json_t **out);
/* One handover (number 0: the latest). BATON_ENOTFOUND names what is missing. */
int baton_handover_get(baton_session *s, const char *rev, const char *case_id, int number, json_t **out);

typedef struct {
    const char *meeting_held;   /* dates (YYYY-MM-DD) the items were done; NULL: leave as is */
    const char *child_prepared;
    const char *known_adult;    /* context transitions only */
    const char *note;           /* kept with each item ticked now */
} baton_handover_ticks;

/* Ticks checklist items. "Guardians informed" is not ticked here: it is a journal contact entry
 * that names the handover (journal add --handover N). */
int baton_handover_checklist(baton_session *s, const char *case_id, int number, const baton_handover_ticks *ticks,
                             const char *reason, baton_oid_hex commit);

/* Records that the receiver has read the handover; only the receiver (the session) may. */
int baton_handover_ack(baton_session *s, const char *case_id, int number, const char *reason, baton_oid_hex commit);

/* Every contact person the case has had, oldest first: {staff, from, to (null: now), handover
 * (null for the first)}. Read by the session (logged). */
int baton_contact_history(baton_session *s, const char *case_id, json_t **out);

/* Parses a comma-separated list of packet sections into a JSON array (in packet order);
 * errors name `what`. */
int baton_scope_parse(const char *spec, const char *what, json_t **out);

/* date + n working days (Monday to Friday) into out. */
int baton_date_add_working_days(const char *date, int n, char out[11]);

#endif
