/* The due list. Everything is read at one head, so the list is a consistent picture of one
 * moment. A journal entry that was corrected no longer counts: its correction speaks for it (a
 * wrong follow-up is withdrawn by correcting the entry without one). A logged contact or
 * meeting with a guardian restarts that guardian's clock.
 *
 * What each case owes does not depend on who asks or on the day: the index's catch-up works it
 * out whenever a case changes (baton_due_case_raw, into index.db's due_items), twice, once as
 * it reads to those who may read restricted journal entries and once with them withheld. Listing
 * is then a query: the items due by the day asked for, of the cases the session may read, in the
 * view its role gives it, plus what depends on the day or the staff directory (a contact person
 * who has left, emergency access in the last 30 days, whether an owner is still here). A reader
 * who wrote restricted entries without the role to read others' sees a view of their own: those
 * few cases are worked out from git as they always were (due_scan, also the reference the tests
 * compare the index with). */
#include "baton/due.h"
#include "due_internal.h"
#include "handover_internal.h"
#include "session_internal.h"
#include "unchecked.h"

#include "baton/buf.h"
#include "baton/case.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/handover.h"
#include "baton/journal.h"
#include "baton/staff.h"
#include "index_internal.h"
#include "journal_internal.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(s) dgettext("baton", s)

int baton_due_frequency_days(const char *frequency)
{
    if (!frequency)
        return 0;
    if (strcmp(frequency, "weekly") == 0)
        return 7;
    if (strcmp(frequency, "fortnightly") == 0)
        return 14;
    if (strcmp(frequency, "monthly") == 0)
        return 31;
    return 0;
}

typedef struct {
    const char *as_of; /* NULL: raw, every item of the case whatever its date (for the index) */
    const char *staff;
    int all;
    json_t *out;
    size_t limit, *total;
    const char *const *kinds;
    baton_session *session; /* NULL when raw */
    int withheld;           /* raw: as read by someone restricted entries are withheld from */
    size_t beyond;          /* items the index counted past the limit, and so did not fetch */
    size_t offset;          /* with limit: the items after this many */
} due_ctx;

static const char *str(const json_t *obj, const char *key) { return json_string_value(json_object_get(obj, key)); }

/* Adds an item when due is on or before as_of, or at all with ctx->all (and the owner passes the filter). */
static void add_item(due_ctx *ctx, const json_t *c, const char *kind, const char *ref, const char *owner,
                     const char *due, const char *detail)
{
    int64_t late;
    if (!ctx->as_of) {
        if (due)
            json_array_append_new(ctx->out, json_pack("{s:s, s:s?, s:s?, s:s, s:s?}", "kind", kind, "ref", ref, "owner",
                                                      owner, "due", due, "detail", detail));
        return;
    }
    if (!due || baton_date_diff(ctx->as_of, due, &late) || (late < 0 && !ctx->all))
        return;
    if (ctx->staff && (!owner || strcmp(owner, ctx->staff) != 0))
        return;
    /* built key by key (a list of thousands: no format string to parse for each) */
    json_t *item = json_object();
    const char *child = str(json_object_get(c, "child"), "name");
    if (!item)
        return;
    json_object_set_new(item, "case", json_string(str(c, "id")));
    json_object_set_new(item, "child", child ? json_string(child) : json_null());
    json_object_set_new(item, "kind", json_string(kind));
    json_object_set_new(item, "ref", ref ? json_string(ref) : json_null());
    json_object_set_new(item, "owner", owner ? json_string(owner) : json_null());
    json_object_set_new(item, "due", json_string(due));
    json_object_set_new(item, "days_overdue", json_integer((json_int_t)late));
    json_object_set_new(item, "state", json_string(late > 0 ? "overdue" : late == 0 ? "due" : "upcoming"));
    json_object_set_new(item, "detail", detail ? json_string(detail) : json_null());
    json_array_append_new(ctx->out, item);
}

static int live(const json_t *entry) { return json_array_size(json_object_get(entry, "corrected_by")) == 0; }

/* The date of the last logged contact or meeting with guardian gid, or NULL. */
static const char *last_contact(const json_t *journal, const char *gid, char out[11])
{
    size_t i, j;
    json_t *e, *g;
    out[0] = '\0';
    json_array_foreach(journal, i, e) {
        const char *kind = str(e, "kind");
        if (!live(e) || !kind || (strcmp(kind, "contact") != 0 && strcmp(kind, "meeting") != 0))
            continue;
        json_array_foreach(json_object_get(e, "guardians"), j, g) {
            const char *at = json_string_value(g) && strcmp(json_string_value(g), gid) == 0 ? str(e, "at") : NULL;
            if (at && strncmp(at, out, 10) > 0)
                snprintf(out, 11, "%.10s", at);
        }
    }
    return out[0] ? out : NULL;
}

/* Handovers owe an acknowledgement from their receiver (from the day they were made), and the
 * guardians must hear of a new contact person or context within 5 working days. */
/* journal: the case's, already read (NULL: read it here) */
static int handover_items(due_ctx *ctx, baton_store *store, const char *rev, const json_t *c, const json_t *journal)
{
    json_t *list, *own = NULL;
    int rc = journal ? 0 : baton_journal_list_unchecked(store, rev, str(c, "id"), &own);
    if (rc == 0)
        rc = baton_handover_list_journal(store, rev, str(c, "id"), journal ? journal : own, &list);
    json_decref(own);
    if (rc)
        return rc;
    size_t i;
    json_t *h;
    /* the handovers before the last one received from another organisation are the sender's
     * history: what they still asked for was the sender's to do, not anyone's here */
    json_int_t received = 0;
    json_array_foreach(list, i, h) if (json_object_get(h, "source")) received =
        json_integer_value(json_object_get(h, "number"));
    json_array_foreach(list, i, h) {
        char ref[16], made[11], deadline[11];
        if (json_integer_value(json_object_get(h, "number")) < received && !json_object_get(h, "source"))
            continue;
        snprintf(ref, sizeof ref, "h%lld", (long long)json_integer_value(json_object_get(h, "number")));
        snprintf(made, sizeof made, "%.10s", str(h, "made"));
        const char *kind = str(h, "kind");
        int active = strcmp(str(c, "status"), "active") == 0;
        int lapsed = baton_handover_lapsed(c, h);
        if (active && !lapsed && json_is_true(json_object_get(h, "pending")))
            add_item(ctx, c, strcmp(kind, "onboarding") == 0 ? "onboarding_ack" : "handover_ack", ref,
                     str(json_object_get(h, "to"), "staff"), made, kind);
        if (strcmp(kind, "onboarding") != 0 && !json_object_get(h, "guardians_informed") &&
            baton_date_add_working_days(made, 5, deadline) == 0)
            add_item(ctx, c, "guardians_not_informed", ref, str(h, "by"), deadline, kind);
    }
    json_decref(list);
    return 0;
}

/* A case whose contact person has left (staff: id -> record with active, left), owed by nobody. */
static void contact_left(due_ctx *ctx, const json_t *c, const json_t *staff)
{
    const char *contact = str(json_object_get(c, "contact"), "staff");
    const json_t *person = contact ? json_object_get(staff, contact) : NULL;
    if (person && !json_is_true(json_object_get(person, "active")))
        add_item(ctx, c, "contact_inactive", NULL, NULL,
                 str(person, "left") ? str(person, "left") : str(json_object_get(c, "contact"), "since"), contact);
}

static int case_items(due_ctx *ctx, baton_store *store, const char *rev, const json_t *c, const json_t *staff,
                      long review_months)
{
    const json_t *plan = json_object_get(c, "plan");
    const char *contact = str(json_object_get(c, "contact"), "staff");
    size_t i;
    json_t *x;

    contact_left(ctx, c, staff);

    json_array_foreach(json_object_get(plan, "measures"), i, x) {
        const char *status = str(x, "status");
        if (status && (strcmp(status, "active") == 0 || strcmp(status, "planned") == 0))
            add_item(ctx, c, "measure_review", str(x, "id"), str(x, "responsible"), str(x, "review_by"),
                     str(x, "description"));
    }
    json_array_foreach(json_object_get(plan, "focus_points"), i, x)
        add_item(ctx, c, "focus_follow_up", str(x, "id"), contact, str(x, "follow_up"), str(x, "area"));

    json_t *journal;
    int rc = baton_journal_list_unchecked(store, rev, str(c, "id"), &journal);
    if (rc)
        return rc;
    /* the due list shows entry texts: restricted ones only to those who may read them */
    if (ctx->session)
        baton_journal_restricted_filter(ctx->session, c, journal);
    else if (ctx->withheld)
        baton_journal_withhold_restricted(journal, NULL);
    json_array_foreach(journal, i, x) {
        const json_t *fu = json_object_get(x, "follow_up");
        if (fu && live(x) && !json_object_get(x, "closed_by"))
            add_item(ctx, c, "follow_up", str(x, "id"), str(fu, "owner"), str(fu, "date"), str(x, "text"));
    }
    if ((rc = handover_items(ctx, store, rev, c, journal)))
        goto out;
    json_array_foreach(json_object_get(c, "guardians"), i, x) {
        const json_t *ag = json_object_get(x, "agreement");
        const char *agreed = str(ag, "agreed_on");
        if (!ag || !agreed)
            continue;
        char due[11], last[11];
        int days = baton_due_frequency_days(str(ag, "frequency"));
        if (days > 0) {
            const char *since = last_contact(journal, str(x, "id"), last);
            if (!since || strcmp(since, agreed) < 0)
                since = agreed;
            if (baton_date_add_days(since, days, due) == 0)
                add_item(ctx, c, "guardian_contact", str(x, "id"), contact, due, str(x, "name"));
        }
        if (review_months > 0 && baton_date_add_months(agreed, (int)review_months, due) == 0)
            add_item(ctx, c, "agreement_review", str(x, "id"), contact, due, str(x, "name"));
    }
out:
    json_decref(journal);
    return rc;
}

/* Most overdue first, then by case, kind and ref: the keys taken out of each item once. */
typedef struct {
    json_int_t days;
    const char *keys[3];
    json_t *item;
} due_order;

static int by_urgency(const void *a, const void *b)
{
    const due_order *x = a, *y = b;
    if (x->days != y->days)
        return x->days > y->days ? -1 : 1;
    for (size_t i = 0; i < 3; i++) {
        int c = strcmp(x->keys[i], y->keys[i]);
        if (c)
            return c;
    }
    return 0;
}

static int sort_by_urgency(json_t *items)
{
    static const char *const keys[] = {"case", "kind", "ref"};
    size_t n = json_array_size(items);
    due_order *o = malloc((n ? n : 1) * sizeof *o);
    if (!o)
        return baton_error_set(BATON_ERROR, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(items, i);
        o[i].days = json_integer_value(json_object_get(x, "days_overdue"));
        for (size_t k = 0; k < 3; k++)
            o[i].keys[k] = str(x, keys[k]) ? str(x, keys[k]) : "";
        o[i].item = json_incref(x);
    }
    qsort(o, n, sizeof *o, by_urgency);
    json_array_clear(items);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, o[i].item);
    free(o);
    return 0;
}

/* What one case owes at rev, as a session reads it (ctx->session) or raw for the index. */
/* A closed or transferred case whose retention ends within 90 days: the store's rules count from
 * the day it closed (a case closed before Baton kept that day: from the day it opened, so it is
 * reviewed early, never erased early: erasure is a coordinator's command) and from the child's
 * 18th birthday; with both, the later end counts. Due 90 days before the end, owed by nobody: a
 * coordinator archives and erases it, or keeps it. */
static void retention_item(due_ctx *ctx, baton_store *store, const json_t *c)
{
    long after_closing = store ? baton_store_config_int(store, "retention_years_after_closing", -1) : -1;
    long after_18 = store ? baton_store_config_int(store, "retention_years_after_18", -1) : -1;
    const char *closed = str(c, "closed") ? str(c, "closed") : str(c, "opened");
    const char *born = str(json_object_get(c, "child"), "born");
    char end[11] = "", d[11], due[11];
    if (after_closing >= 0 && closed && baton_date_add_months(closed, (int)after_closing * 12, d) == 0)
        snprintf(end, sizeof end, "%s", d);
    if (after_18 >= 0 && born && baton_date_add_months(born, (int)(18 + after_18) * 12, d) == 0 && strcmp(d, end) > 0)
        snprintf(end, sizeof end, "%s", d);
    if (end[0] && baton_date_add_days(end, -90, due) == 0)
        add_item(ctx, c, "retention_ends", NULL, NULL, due, end);
}

static int case_owes(due_ctx *ctx, baton_store *store, const char *rev, const json_t *c, const json_t *staff,
                     long months)
{
    const char *status = str(c, "status");
    if (strcmp(status, "active") != 0)
        retention_item(ctx, store, c);
    /* a case that left still owes the guardians word of where it went */
    if (strcmp(status, "active") == 0)
        return case_items(ctx, store, rev, c, staff, months);
    if (strcmp(status, "transferred") == 0)
        return handover_items(ctx, store, rev, c, NULL);
    return 0;
}

int baton_due_case_raw(baton_store *store, const char *rev, const json_t *case_doc, long review_months, int withheld,
                       json_t *out)
{
    due_ctx ctx = {NULL, NULL, 1, out, 0, NULL, NULL, NULL, withheld};
    return case_owes(&ctx, store, rev, case_doc, NULL, review_months);
}

/* A case as the items need it: its id, the child's name and the contact person. */
static json_t *case_stub(const char *id, const char *child, const char *contact)
{
    return json_pack("{s:s, s:{s:s}, s:{s:s}}", "id", id, "child", "name", child ? child : "", "contact", "staff",
                     contact ? contact : "");
}

/* What every listing adds at the end: emergency access of the last 30 days to the cases shown
 * (scope: id -> case), whether each owner is still here, the order, and the read of every
 * case the list shows. */
static int finish(baton_session *s, due_ctx *ctx, const json_t *staff, const json_t *scope, const json_t *emergencies)
{
    size_t i;
    json_t *x;
    /* break-the-glass: the contact person hears, for 30 days, that someone opened the case outside
     * their scope, who and why */
    json_array_foreach(emergencies, i, x) {
        const char *cid = str(x, "case");
        const json_t *c = cid ? json_object_get(scope, cid) : NULL;
        if (!c)
            continue;
        char date[11], detail[800];
        snprintf(date, sizeof date, "%.10s", str(x, "time"));
        snprintf(detail, sizeof detail, "%s: %s", str(x, "staff"), str(x, "purpose") ? str(x, "purpose") : "");
        add_item(ctx, c, "emergency_access", NULL, str(json_object_get(c, "contact"), "staff"), date, detail);
    }

    /* work owed by someone who has left is work nobody is doing: say so */
    json_array_foreach(ctx->out, i, x) {
        const char *owner = str(x, "owner");
        const json_t *person = owner ? json_object_get(staff, owner) : NULL;
        if (person)
            json_object_set_new(x, "owner_active", json_boolean(json_is_true(json_object_get(person, "active"))));
    }
    for (size_t k = json_array_size(ctx->out); ctx->kinds && k-- > 0;) {
        const char *kind = str(json_array_get(ctx->out, k), "kind");
        int wanted = 0;
        for (const char *const *w = ctx->kinds; *w && !wanted; w++)
            wanted = kind && strcmp(kind, *w) == 0;
        if (!wanted)
            json_array_remove(ctx->out, k);
    }
    int rc = sort_by_urgency(ctx->out);
    if (rc)
        return rc;
    if (ctx->total)
        *ctx->total = json_array_size(ctx->out) + ctx->beyond;
    if (ctx->limit && ctx->offset) {
        json_t *page = json_array();
        for (size_t k = ctx->offset; k < json_array_size(ctx->out); k++)
            json_array_append(page, json_array_get(ctx->out, k));
        json_decref(ctx->out);
        ctx->out = page;
    }
    while (ctx->limit && json_array_size(ctx->out) > ctx->limit)
        json_array_remove(ctx->out, json_array_size(ctx->out) - 1);
    /* every case the list shows is a read of that case */
    json_t *shown = json_array(), *seen = json_object();
    json_array_foreach(ctx->out, i, x) {
        const char *cid = str(x, "case");
        if (!json_object_get(seen, cid)) {
            json_object_set_new(seen, cid, json_true());
            json_array_append_new(shown, json_string(cid));
        }
    }
    rc = baton_session_log(s, "read", shown, "due");
    json_decref(shown);
    json_decref(seen);
    return rc;
}

/* The due list worked out from git, case by case, for the cases in only (NULL: every case the
 * session may read). */
static int due_scan(baton_session *s, due_ctx *ctx, const char *head, const json_t *staff, const json_t *only,
                    json_t *scope)
{
    json_t *cases = NULL;
    size_t i;
    json_t *x;
    int rc = baton_case_list_unchecked(s->store, head, NULL, NULL, &cases);
    if (rc)
        return rc;
    /* what the session may read, and nothing else: due shows children's names and entry texts */
    baton_session_filter(s, cases, NULL);
    long months = baton_store_config_int(s->store, "agreement_review_months", 6);
    json_array_foreach(cases, i, x) {
        if (only && !json_object_get(only, str(x, "id")))
            continue;
        json_object_set(scope, str(x, "id"), x);
        if ((rc = case_owes(ctx, s->store, head, x, staff, months)))
            break;
    }
    json_decref(cases);
    return rc;
}

/* What the index says of a case for the due list (INDEX_READER_MAY_READ: ?1 to ?4 the reader), ?5 the
 * case: full: this reader sees restricted entries here; own: they wrote some here without seeing
 * others' (a view of their own, worked out from git). */
#define DUE_FULL(INST) "(?4 AND (?3 IS NULL OR " INST " = ?3))"
#define DUE_OWN(ID) "EXISTS (SELECT 1 FROM docs dd WHERE dd.author = ?1 AND dd.case_id = " ID " AND dd.restricted = 1)"
static const char due_case_sql[] = "SELECT c.child, c.status, c.contact, c.contact_since, " DUE_FULL("c.institution")
                                   " AS full, " DUE_OWN("c.case_id") " AS own FROM cases c WHERE c.case_id = ?5 AND "
                                   INDEX_READER_MAY_READ("c.case_id", "c.institution");
/* an item of due_items d the session may read in the view its role gives it there, and not of a
 * case it reads in a view of its own (the case's institution is looked up only when it matters) */
#define DUE_INST "(SELECT institution FROM cases WHERE case_id = d.case_id)"
#define DUE_READABLE                                                                                           \
    " AND " INDEX_READER_MAY_READ("d.case_id", DUE_INST) " AND (d.views & CASE WHEN " DUE_FULL(DUE_INST)        \
    " THEN 1 ELSE 2 END) != 0 AND (" DUE_FULL(DUE_INST) " OR NOT " DUE_OWN("d.case_id") ")"

typedef struct {
    baton_session *s;
    sqlite3_stmt *one, *person;
    json_t *scope, *view, *own; /* case id -> stub; -> 1 (full) or 2 (withheld); -> true (own view) */
    json_t *out_of_scope;       /* case id -> true: asked, and not the session's to read */
    json_t *staff;              /* staff id -> {active, left}, for those looked up */
} due_cases;

/* Looks a person up once in the index's staff directory (staff: id -> {active, left}). */
static void due_person(due_cases *dc, const char *id)
{
    if (!id || json_object_get(dc->staff, id))
        return;
    sqlite3_stmt *st = dc->person;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        json_t *p = json_pack("{s:b}", "active", sqlite3_column_int(st, 0));
        if (sqlite3_column_text(st, 1))
            json_object_set_new(p, "left", json_string((const char *)sqlite3_column_text(st, 1)));
        json_object_set_new(dc->staff, id, p);
    }
    sqlite3_reset(st);
}

/* Looks case id up once: in scope (its stub and view), in a view of the reader's own, or not theirs. */
static void due_case(due_cases *dc, const char *id)
{
    if (json_object_get(dc->scope, id) || json_object_get(dc->own, id) || json_object_get(dc->out_of_scope, id))
        return;
    sqlite3_stmt *st = dc->one;
    sqlite3_bind_text(st, 5, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) {
        json_object_set_new(dc->out_of_scope, id, json_true());
    } else if (!sqlite3_column_int(st, 4) && sqlite3_column_int(st, 5)) {
        json_object_set_new(dc->own, id, json_true());
    } else {
        json_t *c = case_stub(id, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 2));
        json_object_set_new(c, "status", json_string((const char *)sqlite3_column_text(st, 1)));
        const char *since = (const char *)sqlite3_column_text(st, 3);
        if (since)
            json_object_set_new(json_object_get(c, "contact"), "since", json_string(since));
        json_object_set_new(dc->scope, id, c);
        json_object_set_new(dc->view, id, json_integer(sqlite3_column_int(st, 4) ? 1 : 2));
    }
    sqlite3_reset(st);
}

static int due_from_index(baton_session *s, due_ctx *ctx, const char *head, json_t *staff, json_t *scope,
                          const json_t *emergencies)
{
    baton_index *idx;
    int rc = baton_index_open(&idx, s->store, NULL, NULL);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    due_cases dc = {s, NULL, NULL, scope, json_object(), json_object(), json_object(), NULL};
    /* who is still here, as the index has the staff directory: looked up for the people the list
     * names, not read whole (a municipality has thousands) */
    if (baton_index_prepared(idx, &idx->due_person, "SELECT active, left FROM staff WHERE id = ?") ||
        baton_index_prepared(idx, &idx->due_one, due_case_sql) ||
        baton_index_prepared(idx, &idx->due_own,
                             "SELECT DISTINCT case_id FROM docs WHERE author = ? AND restricted = 1") ||
        baton_index_prepared(idx, &idx->due_left,
                             "SELECT c.case_id FROM cases c JOIN staff p ON p.id = c.contact"
                             " WHERE c.status = 'active' AND p.active = 0 ORDER BY c.case_id")) {
        rc = baton_error_set(BATON_ERROR, "index: %s", sqlite3_errmsg(idx->db));
        goto out;
    }
    dc.person = idx->due_person;
    dc.one = idx->due_one;
    dc.staff = staff;
    baton_index_bind_reader(dc.one, s);
    /* the cases where the reader wrote restricted entries: a view of their own, from git */
    st = idx->due_own;
    sqlite3_bind_text(st, 1, s->who.id, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW)
        due_case(&dc, (const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    /* a contact person who has left: from the staff directory, today (owed by nobody, so not in
     * one person's list) */
    st = idx->due_left;
    while (!ctx->staff && sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        due_case(&dc, id);
        const json_t *c = json_object_get(scope, id);
        if (c) {
            due_person(&dc, str(json_object_get(c, "contact"), "staff"));
            contact_left(ctx, c, staff);
        }
    }
    sqlite3_reset(st);
    st = NULL;
    /* the items, of the cases the session may read, in the view its role gives it there (a case
     * read in a view of the reader's own is worked out from git below), in order of urgency: only
     * as many as asked for are fetched (?20; -1: all), the rest counted (a coordinator owes a
     * thousand). The statements are kept by the list's shape: all or by date, for one person or
     * not, limited or not, and how many kinds (up to 3; more are prepared for the call alone). */
    {
        size_t nkinds = 0;
        while (ctx->kinds && ctx->kinds[nkinds] && nkinds < 20)
            nkinds++;
        size_t shape = (ctx->all ? 1u : 0u) | (ctx->staff ? 2u : 0u) | (ctx->limit ? 4u : 0u) | (nkinds << 3);
        int kept = shape < 32;
        baton_buf where = {0};
        baton_buf_str(&where, " FROM due_items d WHERE ");
        baton_buf_str(&where, ctx->all ? "1" : "d.due <= ?6");
        if (ctx->staff)
            baton_buf_str(&where, " AND d.owner = ?7");
        for (size_t k = 0; k < nkinds; k++) {
            char param[24];
            snprintf(param, sizeof param, "%s%zu", k == 0 ? " AND d.kind IN (?" : ", ?", 10 + k);
            baton_buf_str(&where, param);
        }
        if (nkinds)
            baton_buf_str(&where, ")");
        /* with a limit, what the session may not read must not take a place in it, nor be
         * counted; without one, each row's case is looked up once below, as it is anyway */
        if (ctx->limit)
            baton_buf_str(&where, DUE_READABLE);
        baton_buf items = {0}, count = {0};
        baton_buf_str(&items, "SELECT d.case_id, d.views, d.kind, d.ref, d.owner, d.due, d.detail");
        baton_buf_str(&items, where.p ? where.p : "");
        /* without a limit, finish() sorts them all anyway */
        baton_buf_str(&items, ctx->limit ? " ORDER BY d.due, d.case_id, d.kind, d.ref LIMIT ?30" : " LIMIT ?30");
        /* the rest are counted from the index alone (due_items_owner_order) */
        baton_buf_str(&count, "SELECT count(*)");
        baton_buf_str(&count, where.p ? where.p : "");
        sqlite3_stmt *cnt = NULL, *own_items = NULL, *own_count = NULL;
        if (where.oom || items.oom || count.oom)
            rc = baton_error_set(BATON_ERROR, "out of memory");
        else if (baton_index_prepared(idx, kept ? &idx->due_items[shape] : &own_items, items.p) ||
                 baton_index_prepared(idx, kept ? &idx->due_count[shape] : &own_count, count.p))
            rc = baton_error_set(BATON_ERROR, "index: %s", sqlite3_errmsg(idx->db));
        baton_buf_free(&where);
        baton_buf_free(&items);
        baton_buf_free(&count);
        if (rc == 0) {
            st = kept ? idx->due_items[shape] : own_items;
            cnt = ctx->limit && ctx->total ? (kept ? idx->due_count[shape] : own_count) : NULL;
            /* a page further on: the items before it are fetched too, as the few worked out
             * otherwise (a contact person who has left, emergency reads) are sorted in among them */
            sqlite3_bind_int64(st, 30, ctx->limit ? (sqlite3_int64)(ctx->limit + ctx->offset) : -1);
        }
        for (sqlite3_stmt *q = st; rc == 0 && q; q = q == st ? cnt : NULL) {
            if (ctx->limit)
                baton_index_bind_reader(q, s);
            sqlite3_bind_text(q, 6, ctx->as_of, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 7, ctx->staff, -1, SQLITE_STATIC);
            for (size_t k = 0; k < nkinds; k++)
                sqlite3_bind_text(q, (int)(10 + k), ctx->kinds[k], -1, SQLITE_STATIC);
        }
        size_t fetched = 0;
        while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
            const char *cid = (const char *)sqlite3_column_text(st, 0);
            due_case(&dc, cid);
            const json_t *v = json_object_get(dc.view, cid);
            fetched++;
            if (!v || !(sqlite3_column_int(st, 1) & (int)json_integer_value(v)))
                continue;
            add_item(ctx, json_object_get(scope, cid), (const char *)sqlite3_column_text(st, 2),
                     (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4),
                     (const char *)sqlite3_column_text(st, 5), (const char *)sqlite3_column_text(st, 6));
        }
        /* past the limit, a row is only counted: it cannot be among the most urgent */
        if (rc == 0 && cnt && sqlite3_step(cnt) == SQLITE_ROW && (size_t)sqlite3_column_int64(cnt, 0) > fetched)
            ctx->beyond = (size_t)sqlite3_column_int64(cnt, 0) - fetched;
        for (sqlite3_stmt *q = st; q; q = q == st ? cnt : NULL) {
            sqlite3_reset(q);
            sqlite3_clear_bindings(q);
        }
        sqlite3_finalize(own_items);
        sqlite3_finalize(own_count);
        st = NULL;
        if (rc)
            goto out;
    }
    /* the cases of emergency reads in the last 30 days, for finish() */
    size_t i;
    json_t *x;
    json_array_foreach(emergencies, i, x) if (str(x, "case")) due_case(&dc, str(x, "case"));
    /* the few cases read in a view of the reader's own */
    if (json_object_size(dc.own) > 0)
        rc = due_scan(s, ctx, head, staff, dc.own, scope);
    /* whether each owner the list names, and each emergency's contact person, is still here */
    json_array_foreach(ctx->out, i, x) due_person(&dc, str(x, "owner"));
    json_array_foreach(emergencies, i, x) {
        const json_t *c = str(x, "case") ? json_object_get(scope, str(x, "case")) : NULL;
        due_person(&dc, str(json_object_get(c, "contact"), "staff"));
    }
out:
    if (dc.one) {
        sqlite3_reset(dc.one);
        sqlite3_clear_bindings(dc.one);
    }
    if (dc.person) {
        sqlite3_reset(dc.person);
        sqlite3_clear_bindings(dc.person);
    }
    if (idx->due_own)
        sqlite3_clear_bindings(idx->due_own);
    json_decref(dc.view);
    json_decref(dc.own);
    json_decref(dc.out_of_scope);
    baton_index_free(idx);
    return rc;
}

int baton_due_list(baton_session *s, const baton_due_options *opts, json_t **out)
{
    baton_store *store = s->store;
    char today[11];
    baton_oid_hex head;
    json_t *staff_list = NULL, *staff = json_object(), *scope = json_object(), *emergencies = NULL;
    int rc;
    *out = NULL;
    if (opts && opts->as_of && !baton_date_valid(opts->as_of)) {
        json_decref(staff);
        json_decref(scope);
        return baton_error_set(BATON_EINVALID, "as of: not a date (YYYY-MM-DD): '%.40s'", opts->as_of);
    }
    baton_date_today(today);
    due_ctx ctx = {opts && opts->as_of ? opts->as_of : today, opts ? opts->staff : NULL, opts && opts->all,
                   json_array(), opts ? opts->limit : 0, opts ? opts->total : NULL, opts ? opts->kinds : NULL, s, 0,
                   0, opts ? opts->offset : 0};
    if ((rc = baton_store_head(store, head)))
        goto out;
    if (ctx.staff) {
        json_t *rec;
        if ((rc = baton_staff_get(store, head, ctx.staff, &rec)))
            goto out;
        json_decref(rec);
    }
    /* emergency reads of the last 30 days, read once: which cases they touch, and their items */
    char since[11];
    if (baton_date_add_days(ctx.as_of, -30, since) != 0 || baton_audit_emergencies(store, since, &emergencies) != 0)
        emergencies = json_array();
    baton_error_clear();
    int scan = 0;
#ifdef BATON_TEST_HOOKS
    /* test builds only: the list worked out from git, to compare the index's with */
    scan = getenv("BATON_DUE_SCAN") != NULL;
#endif
    if (scan) {
        if ((rc = baton_staff_list(store, &staff_list)))
            goto out;
        size_t i;
        json_t *x;
        json_array_foreach(staff_list, i, x) json_object_set(staff, str(x, "id"), x);
        rc = due_scan(s, &ctx, head, staff, NULL, scope);
    } else {
        rc = due_from_index(s, &ctx, head, staff, scope, emergencies);
    }
    if (rc == 0)
        rc = finish(s, &ctx, staff, scope, emergencies);
out:
    json_decref(emergencies);
    json_decref(scope);
    json_decref(staff_list);
    json_decref(staff);
    if (rc) {
        json_decref(ctx.out);
        return rc;
    }
    *out = ctx.out;
    return 0;
}

/* ---- in words ---- */

void baton_due_describe(const json_t *item, char *out, size_t n)
{
    const char *kind = json_string_value(json_object_get(item, "kind"));
    const char *ref = json_string_value(json_object_get(item, "ref"));
    const char *detail = json_string_value(json_object_get(item, "detail"));
    char what[160];
    if (strcmp(kind, "follow_up") == 0)
        snprintf(what, sizeof what, T("follow up on journal entry %s"), ref);
    else if (strcmp(kind, "measure_review") == 0)
        snprintf(what, sizeof what, T("review measure %s"), ref);
    else if (strcmp(kind, "focus_follow_up") == 0)
        snprintf(what, sizeof what, T("follow up on focus point %s"), ref);
    else if (strcmp(kind, "guardian_contact") == 0)
        snprintf(what, sizeof what, T("contact guardian %s as agreed"), ref);
    else if (strcmp(kind, "agreement_review") == 0)
        snprintf(what, sizeof what, T("renew the communication agreement with guardian %s"), ref);
    else if (strcmp(kind, "handover_ack") == 0)
        snprintf(what, sizeof what, T("acknowledge handover %s"), ref + 1);
    else if (strcmp(kind, "onboarding_ack") == 0)
        snprintf(what, sizeof what, T("read the class briefing and acknowledge onboarding handover %s"), ref + 1);
    else if (strcmp(kind, "guardians_not_informed") == 0)
        snprintf(what, sizeof what, T("tell the guardians about handover %s (log it: journal add --handover %s)"),
                 ref + 1, ref + 1);
    else if (strcmp(kind, "contact_inactive") == 0)
        snprintf(what, sizeof what, "%s", T("the contact person has left: hand the case over"));
    else if (strcmp(kind, "emergency_access") == 0)
        snprintf(what, sizeof what, "%s", T("opened outside their scope in an emergency (see it with the coordinator)"));
    else if (strcmp(kind, "retention_ends") == 0)
        snprintf(what, sizeof what, T("its retention ends on %s: archive it, then erase it (baton case erase) or keep it"),
                 detail ? detail : "?");
    else
        snprintf(what, sizeof what, "%s %s", kind, ref ? ref : "");
    /* the detail is a reminder, not the record: one line, cut at a character boundary */
    char brief[256] = "";
    if (detail && strstr(kind, "handover") == NULL && strcmp(kind, "guardians_not_informed") != 0 &&
        strcmp(kind, "onboarding_ack") != 0 && strcmp(kind, "retention_ends") != 0) {
        int whole = strcmp(kind, "emergency_access") == 0; /* who, and why: never cut */
        size_t cut = 0, chars = 0;
        while (detail[cut] && detail[cut] != '\n' && (whole || chars < 50)) {
            cut++;
            while ((detail[cut] & 0xc0) == 0x80)
                cut++;
            chars++;
        }
        snprintf(brief, sizeof brief, "%.*s%s", (int)cut, detail, detail[cut] ? "..." : "");
    }
    snprintf(out, n, "%s%s%s", what, brief[0] ? ": " : "", brief);
}
