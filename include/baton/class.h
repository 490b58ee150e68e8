/* A class: the active cases whose context is one institution and, optionally, one group in it
 * ("Demoskolen:2.B"). A new class teacher joins the team of every child with a plan in the class
 * at once, reads one briefing for all of them, and acknowledges it in one go. Matching is exact:
 * 2.B is not 2.BX, and the 2.B of one school is not the 2.B of another. */
#ifndef BATON_CLASS_H
#define BATON_CLASS_H

#include "baton/packet.h"
#include "baton/session.h"
#include "baton/staff.h"
#include "baton/store.h"

#include <jansson.h>

typedef struct {
    char institution[201];
    char group[201]; /* "": every group of the institution */
} baton_class;

/* Parses INSTITUTION[:GROUP]; errors name --context. */
int baton_class_parse(const char *spec, baton_class *out);

/* The active cases of the class at head that the session may read, sorted by the child's name
 * (each is logged as read). */
int baton_class_cases(baton_session *s, const baton_class *c, json_t **out);

/* Adds staff to the team of every active case of the class (role, responsibilities), and gives
 * each case an onboarding handover pending staff's acknowledgement, all in one commit made by the
 * session, who must be allowed to change every one of the cases. Cases where staff is the contact
 * person or already on the team are left as they are. made receives {case, number} for each
 * onboarding. */
int baton_team_join(baton_session *s, const baton_class *c, const char *staff, const char *role,
                    const char *const *responsible_for, size_t nresp, const char *reason, json_t **made,
                    baton_oid_hex commit);

/* Takes staff off the team of every active case of the class, in one commit (the session must be
 * allowed to change every one). Refused, naming the cases, where staff is the contact person:
 * those are handed over first. */
int baton_team_leave(baton_session *s, const baton_class *c, const char *staff, const char *reason,
                     json_t **changed, baton_oid_hex commit);

/* Acknowledges, as the session, every pending onboarding handover to them in the class, in one
 * commit. */
int baton_briefing_ack(baton_session *s, const baton_class *c, const char *reason, json_t **acked,
                       baton_oid_hex commit);

/* One document for the class: an overview of its children (needs predictability, contact person,
 * next review), then a page per child: what works and strengths; predictability and transition
 * notes; active measures at school with goals; focus points; whom the parents talk to and how
 * they want to hear from the school; the open follow-ups that concern the reader; the status
 * updates of the last 30 days. With for_staff, only cases where that person is on the team. Only
 * the cases the session may read are in it, and each is logged as read. */
int baton_briefing_model(baton_session *s, const baton_class *c, const char *for_staff, json_t **out);
int baton_briefing_render(const json_t *model, baton_format format, const char *lang, char **out, size_t *len);

#endif
