/* What a staff member holds in the active cases (contact person, team roles, measures they are
 * responsible for, open follow-ups they own, handovers waiting for them), and moving all of it to
 * others in one commit when they leave, so that nothing they owed is left with nobody. */
#include "baton/handover.h"
#include "baton/staff.h"

#include "baton/case.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/journal.h"
#include "baton/record.h"
#include "handover_internal.h"
#include "journal_internal.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATTEMPTS 20

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int is(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static void hold(json_t *out, const char *case_id, const char *kind, const char *ref)
{
    json_array_append_new(out, json_pack("{s:s, s:s, s:s?}", "case", case_id, "kind", kind, "ref", ref));
}

/* What id holds in one active case (doc, its journal and handovers), appended to out. */
static void holdings_of_case(const json_t *doc, const json_t *journal, const json_t *handovers, const char *id,
                             json_t *out)
{
    const char *cid = str(doc, "id");
    size_t i;
    json_t *x;
    if (is(str(json_object_get(doc, "contact"), "staff"), id))
        hold(out, cid, "contact", NULL);
    json_array_foreach(json_object_get(doc, "team"), i, x) if (is(str(x, "staff"), id)) hold(out, cid, "team",
                                                                                               str(x, "role"));
    json_array_foreach(json_object_get(json_object_get(doc, "plan"), "measures"), i, x) {
        const char *status = str(x, "status");
        if (is(str(x, "responsible"), id) && (is(status, "active") || is(status, "planned")))
            hold(out, cid, "measure", str(x, "id"));
    }
    json_array_foreach(journal, i, x) {
        const json_t *fu = json_object_get(x, "follow_up");
        if (fu && is(str(fu, "owner"), id) && json_array_size(json_object_get(x, "corrected_by")) == 0 &&
            !json_object_get(x, "closed_by"))
            hold(out, cid, "follow_up", str(x, "id"));
    }
    json_array_foreach(handovers, i, x) {
        char n[24];
        snprintf(n, sizeof n, "%lld", (long long)json_integer_value(json_object_get(x, "number")));
        if (is(str(json_object_get(x, "to"), "staff"), id) && !json_object_get(x, "acknowledged") &&
            !baton_handover_lapsed(doc, x))
            hold(out, cid, "handover", n);
    }
}

/* Every holding of id in the active cases at head, case by case. */
static int holdings_at(baton_store *store, const char *head, const char *id, json_t **out)
{
    json_t *cases;
    *out = NULL;
    int rc = baton_case_list_unchecked(store, head, NULL, "active", &cases);
    if (rc)
        return rc;
    json_t *list = json_array();
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        json_t *journal = NULL, *handovers = NULL;
        if ((rc = baton_journal_list_unchecked(store, head, str(c, "id"), &journal)) ||
            (rc = baton_handover_read_all(store, head, str(c, "id"), &handovers))) {
            json_decref(journal);
            break;
        }
        holdings_of_case(c, journal, handovers, id, list);
        json_decref(journal);
        json_decref(handovers);
    }
    json_decref(cases);
    if (rc)
        json_decref(list);
    else
        *out = list;
    return rc;
}

int baton_staff_holdings(baton_session *s, const char *id, json_t **out)
{
    json_t *rec;
    baton_oid_hex head;
    *out = NULL;
    /* coordinators and leaders plan a leave; anyone may see their own */
    int rc = strcmp(id, s->who.id) == 0 ? 0 : baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc || (rc = baton_staff_get(s->store, NULL, id, &rec)))
        return rc;
    json_decref(rec);
    return (rc = baton_store_head(s->store, head)) ? rc : holdings_at(s->store, head, id, out);
}

void baton_holding_text(const json_t *h, char *out, size_t n)
{
    const char *kind = str(h, "kind"), *c = str(h, "case"), *ref = str(h, "ref");
    /* in the user's language, like the refusal it goes into (and the lines of what moved) */
    if (is(kind, "contact"))
        snprintf(out, n, dgettext("baton", "contact person of case %s"), c);
    else if (is(kind, "team"))
        snprintf(out, n, dgettext("baton", "team member (%s) of case %s"), ref, c);
    else if (is(kind, "measure"))
        snprintf(out, n, dgettext("baton", "responsible for measure %s of case %s"), ref, c);
    else if (is(kind, "follow_up"))
        snprintf(out, n, dgettext("baton", "owner of follow-up %s of case %s"), ref, c);
    else
        snprintf(out, n, dgettext("baton", "receiver of pending handover %s of case %s"), ref, c);
}

int baton_staff_leave_check(baton_store *store, const char *id, json_t **blocking)
{
    baton_oid_hex head;
    json_t *held;
    *blocking = NULL;
    int rc = baton_store_head(store, head);
    if (rc || (rc = holdings_at(store, head, id, &held)))
        return rc;
    size_t n = json_array_size(held);
    if (n == 0) {
        json_decref(held);
        return 0;
    }
    char list[1600] = "", one[200];
    size_t i, shown = 0;
    json_t *h;
    json_array_foreach(held, i, h) {
        baton_holding_text(h, one, sizeof one);
        if (strlen(list) + strlen(one) + 40 >= sizeof list)
            break;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? "; " : "", one);
        shown++;
    }
    if (shown < n)
        snprintf(list + strlen(list), sizeof list - strlen(list), dgettext("baton", "; and %zu more"), n - shown);
    *blocking = held;
    return baton_error_set(BATON_EINVALID,
                           dngettext("baton",
                                     "staff member '%s' still holds %zu thing in active cases: %s; hand them over "
                                     "first ('baton handover staff --from %s --to STAFF' moves all of it)",
                                     "staff member '%s' still holds %zu things in active cases: %s; hand them over "
                                     "first ('baton handover staff --from %s --to STAFF' moves all of it)",
                                     n),
                           id, n, list, id);
}

/* ---- moving everything ---- */

/* The receiver of case_id: the one --to, or the map's. NULL if the map names nobody for it. */
static const char *receiver(const char *to, const baton_handover_pair *map, size_t nmap, const char *case_id)
{
    if (to)
        return to;
    for (size_t i = 0; i < nmap; i++)
        if (strcmp(map[i].case_id, case_id) == 0)
            return map[i].to;
    return NULL;
}

/* The journal entries (and the guards on their directories) that go into the commit beside the parts. */
typedef struct {
    baton_change *ch;
    char **data;
    char (*paths)[200];
    baton_oid_hex *bases;
    size_t n, cap;
} extra_changes;

static void extra_clear(extra_changes *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->data[i]);
    free(x->ch);
    free(x->data);
    free(x->paths);
    free(x->bases);
    memset(x, 0, sizeof *x);
}

/* A new file (record != NULL), or a guard that the directory path is still at base. */
static int extra_add(extra_changes *x, const char *path, const json_t *record, const char *base, const char *label)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        baton_change *ch = realloc(x->ch, cap * sizeof *ch);
        char **data = ch ? realloc(x->data, cap * sizeof *data) : NULL;
        char(*paths)[200] = data ? realloc(x->paths, cap * sizeof *paths) : NULL;
        baton_oid_hex *bases = paths ? realloc(x->bases, cap * sizeof *bases) : NULL;
        if (ch)
            x->ch = ch;
        if (data)
            x->data = data;
        if (paths)
            x->paths = paths;
        if (bases)
            x->bases = bases;
        if (!bases)
            return baton_error_set(BATON_ERROR, "out of memory");
        x->cap = cap;
    }
    size_t i = x->n;
    snprintf(x->paths[i], sizeof x->paths[0], "%s", path);
    snprintf(x->bases[i], sizeof x->bases[0], "%s", record ? "" : base);
    x->data[i] = record ? baton_record_dump(record) : NULL;
    if (record && !x->data[i])
        return BATON_ERROR;
    x->ch[i] = (baton_change){x->paths[i], x->data[i], x->data[i] ? strlen(x->data[i]) : 0, x->bases[i], label,
                              record ? 0 : 1};
    x->n++;
    return 0;
}

/* Moves what from holds in the case of p (its holdings hs) to `to`: contact (with a handover
 * record), team role, measures and open follow-ups (corrections naming the new owner). */
static int move_case(baton_session *sess, const char *head, baton_part *p, const json_t *hs, const char *from,
                     const char *to, const char *reason, extra_changes *extra)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    int contact = 0, follow_ups = 0, rc;
    size_t i;
    json_t *h;
    json_array_foreach(hs, i, h) {
        contact |= is(str(h, "kind"), "contact");
        follow_ups |= is(str(h, "kind"), "follow_up");
    }
    if ((rc = baton_access_check(sess, contact ? BATON_ACCESS_HANDOVER : BATON_ACCESS_CHANGE, p->old, NULL)))
        return rc;
    if (contact) {
        char today[11];
        baton_date_today(today);
        json_object_set_new(p->record, "from", json_pack("{s:s}", "staff", from));
        json_object_set_new(p->record, "to", json_pack("{s:s}", "staff", to));
        json_object_set_new(p->doc, "contact", json_pack("{s:s, s:s}", "staff", to, "since", today));
    } else {
        /* nobody new becomes the contact person: no handover record, only the case changes */
        json_decref(p->record);
        p->record = NULL;
    }
    /* the team: from's place goes to `to`, unless `to` is on the team or the contact already */
    json_t *team = json_object_get(p->doc, "team");
    int to_near = is(str(json_object_get(p->doc, "contact"), "staff"), to);
    json_array_foreach(team, i, h) to_near |= is(str(h, "staff"), to);
    for (i = json_array_size(team); i-- > 0;) {
        json_t *m = json_array_get(team, i);
        if (!is(str(m, "staff"), from))
            continue;
        if (to_near)
            json_array_remove(team, i);
        else
            json_object_set_new(m, "staff", json_string(to));
    }
    json_array_foreach(json_object_get(json_object_get(p->doc, "plan"), "measures"), i, h) {
        const char *status = str(h, "status");
        if (is(str(h, "responsible"), from) && (is(status, "active") || is(status, "planned")))
            json_object_set_new(h, "responsible", json_string(to));
    }
    if (follow_ups) {
        /* open follow-ups: a correction of each, naming the new owner, in the same commit; the
         * journal directory as read is its guard, so a concurrent entry makes this a conflict */
        char dir[128], path[200], label[80];
        baton_oid_hex dir_id;
        long next;
        json_t *journal = NULL, *e;
        size_t k;
        snprintf(label, sizeof label, "journal of case %s", p->id);
        if ((rc = baton_journal_slot(store, head, p->id, dir, dir_id, &next)) ||
            (rc = baton_journal_list_unchecked(store, head, p->id, &journal)))
            return rc;
        json_array_foreach(hs, i, h) {
            if (rc || !is(str(h, "kind"), "follow_up"))
                continue;
            json_array_foreach(journal, k, e) {
                if (!is(str(e, "id"), str(h, "ref")))
                    continue;
                json_t *moved = baton_journal_move_follow_up(e, to, as);
                baton_journal_number(moved, p->id, dir, next++, path);
                if ((rc = baton_record_validate(moved, BATON_RECORD_JOURNAL, NULL)) == 0)
                    rc = extra_add(extra, path, moved, NULL, label);
                json_decref(moved);
                break;
            }
        }
        json_decref(journal);
        if (rc || (rc = extra_add(extra, dir, NULL, dir_id, label)))
            return rc;
    }
    return baton_part_close(store, as, p, reason);
}

int baton_handover_from(baton_session *sess, const char *from, const char *to, const baton_handover_pair *map,
                        size_t nmap, const char *reason, json_t **made, baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    json_t *rec;
    int rc;
    if (made)
        *made = NULL;
    if ((rc = baton_staff_get(store, NULL, from, &rec)))
        return baton_error_prefix(rc, "--from: ");
    json_decref(rec);
    if (!to && nmap == 0)
        return baton_error_set(BATON_EINVALID, "--to: required: who takes over from %s (or --map FILE)", from);
    if (to && (rc = baton_staff_check_active(store, to, "--to")))
        return rc;
    if (to && strcmp(to, from) == 0)
        return baton_error_set(BATON_EINVALID, "--to: '%s' is the one handing over", to);
    for (size_t i = 0; i < nmap; i++) {
        if ((rc = baton_staff_check_active(store, map[i].to, "--map")))
            return rc;
        if (strcmp(map[i].to, from) == 0)
            return baton_error_set(BATON_EINVALID, "--map: case %s goes to '%s', the one handing over",
                                   map[i].case_id, from);
        for (size_t j = 0; j < i; j++)
            if (strcmp(map[i].case_id, map[j].case_id) == 0)
                return baton_error_set(BATON_EINVALID, "--map: case %s is named twice", map[i].case_id);
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        baton_oid_hex head;
        json_t *held = NULL, *by_case = json_object();
        baton_part *parts = NULL;
        extra_changes extra = {0};
        size_t n = 0, i;
        json_t *h;
        if ((rc = baton_store_head(store, head)) || (rc = holdings_at(store, head, from, &held))) {
            json_decref(by_case);
            return rc;
        }
        json_array_foreach(held, i, h) {
            json_t *list = json_object_get(by_case, str(h, "case"));
            if (!list)
                json_object_set_new(by_case, str(h, "case"), list = json_array());
            json_array_append(list, h);
        }
        if (json_object_size(by_case) == 0)
            rc = baton_error_set(BATON_EINVALID, "--from: '%s' holds nothing in any active case", from);
        for (size_t k = 0; rc == 0 && k < nmap; k++)
            if (!json_object_get(by_case, map[k].case_id))
                rc = baton_error_set(BATON_EINVALID, "--map: '%s' holds nothing in case %s", from, map[k].case_id);
        parts = rc ? NULL : calloc(json_object_size(by_case), sizeof *parts);
        if (rc == 0 && !parts)
            rc = baton_error_set(BATON_ERROR, "out of memory");
        const char *cid;
        json_t *hs;
        json_object_foreach(by_case, cid, hs) {
            if (rc)
                break;
            const char *recv = receiver(to, map, nmap, cid);
            if (!recv) {
                rc = baton_error_set(BATON_EINVALID, "--map: no receiver for case %s of %s", cid, from);
                break;
            }
            baton_part *p = &parts[n++];
            if ((rc = baton_part_open(store, as, head, cid, "staff", p)) == 0)
                rc = move_case(sess, head, p, hs, from, recv, reason, &extra);
        }
        char subject[200];
        snprintf(subject, sizeof subject, "handover: everything %s held (%zu case%s)", from, n, n == 1 ? "" : "s");
        char *msg = rc ? NULL : baton_commit_message(subject, reason, n == 1 ? parts[0].id : NULL, as->id);
        if (rc == 0 && !msg)
            rc = baton_error_set(BATON_ERROR, "out of memory");
        if (rc == 0)
            rc = baton_parts_commit_with(store, as, parts, n, extra.ch, extra.n, msg, commit);
        free(msg);
        if (rc == 0 && made) {
            *made = json_array();
            for (i = 0; i < n; i++)
                json_array_append_new(*made, json_pack("{s:s, s:O?, s:O}", "case", parts[i].id, "number",
                                                       parts[i].record ? json_object_get(parts[i].record, "number")
                                                                       : NULL,
                                                       "moved", json_object_get(by_case, parts[i].id)));
        }
        for (i = 0; i < n; i++)
            baton_part_clear(&parts[i]);
        free(parts);
        extra_clear(&extra);
        json_decref(held);
        json_decref(by_case);
        if (rc != BATON_ECONFLICT)
            break;
        /* another save moved one of the cases meanwhile: read everything again */
    }
    return rc;
}
