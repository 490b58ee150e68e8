/* Need to know: who may see and change what. One policy for every front end, checked by the library
 * for the session (session.h) before it reads or writes a child's data:
 *
 *   read a case (its plan, journal, handovers, packet, history, diff, search hits):
 *       its contact person, its team members, the receiver of a handover of it still pending,
 *       and the coordinators, leaders and psychologists in scope
 *   read a restricted journal entry: coordinators and psychologists in scope, and its author
 *   change plan and journal: its contact person, its team members, coordinators in scope
 *   change the contact person (a staff handover): its contact person, coordinators in scope
 *   create a case, move it to another context, export it: coordinators and leaders in scope
 *   staff directory, keys, settings, the access log, fsck: coordinators and leaders
 *
 * "In scope": the staff member's institution is the case's (context.institution), or they have
 * none (municipality-wide staff, such as PPR). Staff who have left may do nothing.
 * Break-the-glass: any active staff member may read one case outside their scope when the session
 * gives an emergency purpose; it is logged as emergency access. */
#ifndef BATON_POLICY_H
#define BATON_POLICY_H

#include "baton/session.h"

#include <jansson.h>

typedef enum {
    BATON_ACCESS_READ,
    BATON_ACCESS_READ_RESTRICTED,
    BATON_ACCESS_CHANGE,
    BATON_ACCESS_HANDOVER,
    BATON_ACCESS_TRANSITION, /* context transitions and transfer export */
    BATON_ACCESS_CREATE,     /* a new case, in the context given */
    BATON_ACCESS_ADMIN       /* staff directory, keys, settings, access log */
} baton_access;

/* The rule by which a staff record may do `access` on the case doc (the case's handovers, for
 * pending receivers; may be NULL), written into why ("contact person", "team member (klasselærer)",
 * "coordinator at Demoskolen", ...), or NULL when none grants it. Pure: no store, no log. */
const char *baton_policy_rule(const json_t *staff, baton_access access, const json_t *case_doc,
                              const json_t *handovers, char *why, size_t n);

/* Whether the session may do `access` on case_doc (NULL for BATON_ACCESS_ADMIN): 0 with the rule in
 * why (optional, 160 bytes), or BATON_EDENIED saying what it would take. */
int baton_access_check(baton_session *s, baton_access access, const json_t *case_doc, char *why);

/* Everyone who may read case_id now, and the rule that grants it: a JSON array of
 * {staff, name, role, institution, rule}, by staff id. Needs read access to the case. */
int baton_case_access(baton_session *s, const char *case_id, json_t **out);

#endif
