/* What is owed, and by whom, as of a day: the follow-ups, reviews and contacts with the home
 * that the plans and the journal promise. This is the list a coordinator or teacher reads in
 * the morning; each item says the case, who owes it, and since when. */
#ifndef BATON_DUE_H
#define BATON_DUE_H

#include "baton/session.h"
#include "baton/store.h"

#include <jansson.h>

typedef struct {
    const char *as_of; /* YYYY-MM-DD; NULL: today */
    const char *staff; /* only what this staff member owes; NULL: everything */
    int all;           /* also what falls due later (state "upcoming", days_overdue < 0) */
    size_t limit;      /* at most this many items, the most urgent first (0: all); only the cases of
                          those are read and logged */
    size_t *total;     /* when given: how many items there are in all, before the limit */
    const char *const *kinds; /* only items of these kinds (NULL-terminated; NULL: every kind) */
    size_t offset;     /* with limit, a page further on: the items after this many, in the same
                          order (a page of a list too long for one) */
} baton_due_options;

/* The items due on or before as_of (with all: every open item, whatever its date), most overdue
 * first, as a JSON array of objects:
 *   case, child, kind, ref, owner, due (date), days_overdue (0: due today), state (due|overdue|upcoming),
 *   detail (what the item is about: a measure's description, a guardian's name, ...).
 * kind is one of:
 *   follow_up         an open follow-up of a journal entry (ref: the entry; owner: its owner)
 *   measure_review    an active or planned measure past review_by (ref: m1; owner: responsible)
 *   focus_follow_up   a focus point past its follow-up date (ref: f1; owner: contact person)
 *   guardian_contact  a guardian whose agreed frequency has run out since the last logged
 *                     contact with them, or since the agreement (ref: g1; owner: contact person)
 *   agreement_review  a communication agreement older than the store's review period (ref: g1)
 *   contact_inactive  the contact person has left (owner: null: the coordinator's to hand over)
 *   handover_ack      a handover its receiver has not acknowledged (ref: h2; owner: the receiver;
 *                     due: the day it was made); onboarding_ack the same for an onboarding
 *   guardians_not_informed  a staff or context handover no journal contact entry with a guardian
 *                     names (ref: h2; owner: who made it; due: 5 working days after it was made)
 *   emergency_access  someone opened the case outside their scope (break-the-glass) in the last 30
 *                     days (owner: the contact person; due: the day; detail: who and why)
 *   retention_ends    a closed or transferred case whose retention (config retention_years_after_closing,
 *                     retention_years_after_18) ends within 90 days (owner: null, a coordinator's to
 *                     archive and erase or keep; due: 90 days before the end; detail: the end)
 * Items owed by a known staff member carry owner_active (false: they have left, and the item
 * needs a new owner). Only active cases owe anything, but for the guardians of a transferred one
 * and the retention of a closed or transferred one. An unknown staff filter is BATON_ENOTFOUND. Only cases the session may read are in the list, each logged as read. */
int baton_due_list(baton_session *s, const baton_due_options *opts, json_t **out);

/* What an item of baton_due_list asks of its owner, in words, in the calling thread's language
 * ("review measure m2: Billedskema ved morgenstart"; the detail cut to one line of 50
 * characters, but who opened a case in an emergency and why, which is never cut). */
void baton_due_describe(const json_t *item, char *out, size_t n);

/* Days a guardian may go without news under an agreed frequency (weekly 7, fortnightly 14,
 * monthly 31); 0 for on_news, which never runs out, and for anything unknown. */
int baton_due_frequency_days(const char *frequency);

#endif
