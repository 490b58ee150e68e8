/* The packet model: everything a receiver needs, gathered from the case at the handover's
 * revision, the journal at that revision, the previous handover (for what changed since) and the
 * handover record itself (checklist and acknowledgement). Only sections in the basis's scope are
 * gathered at all, so a field outside the scope cannot leak into any format. */
#include "baton/packet.h"
#include "session_internal.h"
#include "unchecked.h"

#include "baton/case.h"
#include "baton/date.h"
#include "baton/diff.h"
#include "baton/error.h"
#include "baton/handover.h"
#include "baton/journal.h"
#include "baton/record.h"
#include "baton/staff.h"
#include "render_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

int baton_format_parse(const char *s, baton_format *out)
{
    if (s && strcmp(s, "text") == 0)
        *out = BATON_FORMAT_TEXT;
    else if (s && (strcmp(s, "markdown") == 0 || strcmp(s, "md") == 0))
        *out = BATON_FORMAT_MARKDOWN;
    else if (s && strcmp(s, "html") == 0)
        *out = BATON_FORMAT_HTML;
    else if (s && strcmp(s, "json") == 0)
        *out = BATON_FORMAT_JSON;
    else
        return baton_error_set(BATON_EINVALID, "--format: '%.20s' is not one of text|markdown|html|json", s ? s : "");
    return 0;
}

static int in_scope(const json_t *scope, const char *section)
{
    size_t i;
    json_t *s;
    if (!scope)
        return 1;
    json_array_foreach(scope, i, s) if (strcmp(json_string_value(s), section) == 0) return 1;
    return 0;
}

const char *baton_packet_section_of(const char *path)
{
    static const struct {
        const char *prefix, *section;
    } map[] = {
        {"plan.strengths", "strengths"},        {"plan.works_well", "strengths"},
        {"plan.child_perspective", "voices"},   {"plan.guardian_perspective", "voices"},
        {"plan.needs_predictability", "predictability"}, {"plan.transition_notes", "predictability"},
        {"plan.challenges", "challenges"},      {"plan.measures", "measures"},
        {"plan.focus_points", "focus"},         {"guardians", "communication"},
        {"team", "team"},                       {"contact", "team"},
        {"consents", "checklist"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        size_t n = strlen(map[i].prefix);
        if (strncmp(path, map[i].prefix, n) == 0 && (path[n] == '\0' || path[n] == '.' || path[n] == '['))
            return map[i].section;
    }
    return NULL;
}

json_t *baton_person_json(baton_store *store, const char *id)
{
    json_t *rec;
    if (!id)
        return json_null();
    if (baton_staff_get(store, NULL, id, &rec) != 0)
        return json_pack("{s:s}", "id", id);
    json_t *p = json_pack("{s:s, s:O}", "id", id, "name", json_object_get(rec, "name"));
    json_decref(rec);
    return p;
}

static void copy_if(json_t *dst, const json_t *src, const char *key)
{
    json_t *v = json_object_get(src, key);
    if (v)
        json_object_set(dst, key, v);
}

static json_t *party(baton_store *store, const json_t *p)
{
    json_t *out = json_object();
    if (str(p, "staff"))
        json_object_set_new(out, "staff", baton_person_json(store, str(p, "staff")));
    copy_if(out, p, "receiver");
    copy_if(out, p, "context");
    return out;
}

static json_t *section(const char *key)
{
    return json_pack("{s:s}", "key", key);
}

static int journal_since(const json_t *entry, const char *since) { return strncmp(str(entry, "at"), since, 10) >= 0; }

int baton_packet_model(baton_session *s, const char *case_id, int number, json_t **out)
{
    *out = NULL;
    int rc = baton_session_open_case(s, NULL, case_id, "packet", NULL);
    return rc ? rc : baton_packet_model_unchecked(s->store, case_id, number, out);
}

int baton_packet_model_unchecked(baton_store *store, const char *case_id, int number, json_t **out)
{
    json_t *handovers = NULL, *h = NULL, *prev = NULL, *doc = NULL, *journal = NULL, *model = NULL, *prev_doc = NULL;
    baton_oid_hex head;
    char rev[41];
    int rc;
    *out = NULL;
    if ((rc = baton_store_head(store, head)))
        return rc;
    if ((rc = baton_handover_list_unchecked(store, NULL, case_id, &handovers)))
        return rc;
    size_t i, nh = json_array_size(handovers);
    json_t *x;
    json_array_foreach(handovers, i, x) {
        json_int_t n = json_integer_value(json_object_get(x, "number"));
        if ((number == 0 && i == nh - 1) || n == number) {
            h = x;
            prev = i > 0 ? json_array_get(handovers, i - 1) : NULL;
        }
    }
    if (number != 0 && !h) {
        json_decref(handovers);
        return baton_error_set(BATON_ENOTFOUND, "case %s has no handover %d", case_id, number);
    }
    /* the case as it was handed over; without a handover, a preview of it now */
    snprintf(rev, sizeof rev, "%s", h ? str(h, "revision") : head);
    baton_commit_info info;
    if (baton_store_commit_info(store, rev, &info) != 0) {
        rc = baton_error_set(BATON_ENOTFOUND, "handover %lld of case %s was made in another organisation: only its "
                                              "record came along, not its packet",
                             (long long)json_integer_value(json_object_get(h, "number")), case_id);
        goto out;
    }
    baton_commit_info_clear(&info);
    if ((rc = baton_case_load_unchecked(store, rev, case_id, &doc, NULL)) ||
        (rc = baton_journal_list_unchecked(store, rev, case_id, &journal)))
        goto out;
    /* a packet goes to its receiver, and may travel further: restricted entries never do */
    for (size_t k = json_array_size(journal); k-- > 0;)
        if (json_is_true(json_object_get(json_array_get(journal, k), "restricted")))
            json_array_remove(journal, k);
    const json_t *basis = h ? json_object_get(h, "basis") : NULL;
    const json_t *scope = basis ? json_object_get(basis, "scope") : NULL;
    const json_t *plan = json_object_get(doc, "plan");
    /* the day a handover was made is the day where it was made: in the store's time zone */
    const char *zone = baton_store_time_zone(store);
    char made[11], since[11], prev_made[11] = "";
    if (h)
        baton_date_local(str(h, "made"), zone, made);
    else
        baton_date_today(made);
    if (prev)
        baton_date_local(str(prev, "made"), zone, prev_made);
    if (prev)
        snprintf(since, sizeof since, "%s", prev_made);
    else
        baton_date_add_days(made, -90, since);

    model = json_pack("{s:s, s:s, s:{s:O, s:O}, s:O, s:s, s:[]}", "case", case_id, "revision", rev, "child", "name",
                      json_object_get(json_object_get(doc, "child"), "name"), "born",
                      json_object_get(json_object_get(doc, "child"), "born"), "context", json_object_get(doc, "context"),
                      "date", made, "sections");
    json_t *sections = json_object_get(model, "sections");
    if (h) {
        json_t *ho = json_pack("{s:O, s:O, s:s, s:o, s:o, s:o}", "number", json_object_get(h, "number"), "kind",
                               json_object_get(h, "kind"), "made", made, "by", baton_person_json(store, str(h, "by")), "from",
                               party(store, json_object_get(h, "from")), "to", party(store, json_object_get(h, "to")));
        copy_if(ho, h, "reason");
        copy_if(ho, h, "basis");
        if (prev)
            json_object_set_new(ho, "previous", json_pack("{s:O, s:s}", "number", json_object_get(prev, "number"),
                                                          "made", prev_made));
        json_object_set_new(model, "handover", ho);
    }
    json_t *s;
    if (in_scope(scope, "strengths")) {
        json_array_append_new(sections, s = section("strengths"));
        copy_if(s, plan, "works_well");
        copy_if(s, plan, "strengths");
    }
    if (in_scope(scope, "voices")) {
        json_array_append_new(sections, s = section("voices"));
        copy_if(s, plan, "child_perspective");
        copy_if(s, plan, "guardian_perspective");
    }
    if (in_scope(scope, "predictability")) {
        json_array_append_new(sections, s = section("predictability"));
        json_object_set_new(s, "needs_predictability", json_boolean(json_is_true(json_object_get(plan, "needs_predictability"))));
        copy_if(s, plan, "transition_notes");
        json_object_set_new(s, "prominent", json_boolean(h && strcmp(str(h, "kind"), "context") == 0));
    }
    if (in_scope(scope, "challenges")) {
        json_array_append_new(sections, s = section("challenges"));
        json_t *ch = json_object_get(plan, "challenges");
        json_object_set_new(s, "challenges", ch ? json_deep_copy(ch) : json_object());
    }
    if (in_scope(scope, "measures")) {
        json_t *list = json_array();
        json_array_append_new(sections, s = section("measures"));
        json_array_foreach(json_object_get(plan, "measures"), i, x) {
            const char *st = str(x, "status");
            if (!st || (strcmp(st, "active") != 0 && strcmp(st, "planned") != 0))
                continue;
            json_t *m = json_deep_copy(x);
            json_object_set_new(m, "responsible", baton_person_json(store, str(x, "responsible")));
            json_array_append_new(list, m);
        }
        json_object_set_new(s, "measures", list);
    }
    if (in_scope(scope, "focus")) {
        json_array_append_new(sections, s = section("focus"));
        json_t *fp = json_object_get(plan, "focus_points");
        json_object_set_new(s, "focus_points", fp ? json_deep_copy(fp) : json_array());
    }
    if (in_scope(scope, "communication")) {
        json_t *list = json_array();
        json_array_append_new(sections, s = section("communication"));
        json_array_foreach(json_object_get(doc, "guardians"), i, x) json_array_append(list, x);
        json_object_set_new(s, "guardians", list);
    }
    if (in_scope(scope, "team")) {
        json_t *list = json_array(), *follows = json_array(), *hands = json_array();
        const char *contact = str(json_object_get(doc, "contact"), "staff");
        json_array_append_new(sections, s = section("team"));
        /* the receiver of a staff handover is who the parents contact from now on */
        const char *to = h ? str(json_object_get(h, "to"), "staff") : NULL;
        if (to && h && strcmp(str(h, "kind"), "onboarding") != 0)
            contact = to;
        json_object_set_new(s, "contact", baton_person_json(store, contact));
        json_array_foreach(json_object_get(doc, "team"), i, x) {
            json_t *m = json_deep_copy(x);
            json_object_set_new(m, "staff", baton_person_json(store, str(x, "staff")));
            json_array_append_new(list, m);
            if (json_is_true(json_object_get(x, "follows_up")))
                json_array_append_new(follows, baton_person_json(store, str(x, "staff")));
            if (json_is_true(json_object_get(x, "hands_over")))
                json_array_append_new(hands, baton_person_json(store, str(x, "staff")));
        }
        if (!json_array_size(follows))
            json_array_append_new(follows, baton_person_json(store, contact));
        if (!json_array_size(hands))
            json_array_append_new(hands, baton_person_json(store, contact));
        json_object_set_new(s, "members", list);
        json_object_set_new(s, "follows_up", follows);
        json_object_set_new(s, "hands_over", hands);
    }
    if (in_scope(scope, "follow_ups")) {
        json_t *list = json_array();
        json_array_append_new(sections, s = section("follow_ups"));
        json_array_foreach(journal, i, x) {
            const json_t *fu = json_object_get(x, "follow_up");
            if (!fu || json_object_get(x, "closed_by") || json_array_size(json_object_get(x, "corrected_by")))
                continue;
            json_array_append_new(list, json_pack("{s:O, s:O, s:o, s:O}", "entry", json_object_get(x, "id"), "date",
                                                  json_object_get(fu, "date"), "owner", baton_person_json(store, str(fu, "owner")),
                                                  "text", json_object_get(x, "text")));
        }
        json_object_set_new(s, "follow_ups", list);
    }
    if (in_scope(scope, "journal")) {
        json_t *list = json_array();
        json_array_append_new(sections, s = section("journal"));
        json_object_set_new(s, "since", json_string(since));
        json_array_foreach(journal, i, x) {
            if (!journal_since(x, since))
                continue;
            json_t *e = json_deep_copy(x);
            json_object_del(e, "recorded");
            json_object_del(e, "case");
            json_object_set_new(e, "by", baton_person_json(store, str(x, "by")));
            /* guardians by name, first, then anyone else who took part */
            json_t *with = json_array(), *g;
            size_t k, gi;
            json_array_foreach(json_object_get(x, "guardians"), k, g) {
                json_t *gd;
                json_array_foreach(json_object_get(doc, "guardians"), gi, gd) if (json_equal(json_object_get(gd, "id"), g))
                    json_array_append(with, json_object_get(gd, "name"));
            }
            json_array_foreach(json_object_get(x, "with"), k, g) json_array_append(with, g);
            json_object_del(e, "guardians");
            if (json_array_size(with))
                json_object_set(e, "with", with);
            json_decref(with);
            json_array_append_new(list, e);
        }
        json_object_set_new(s, "entries", list);
    }
    if (in_scope(scope, "changes")) {
        json_t *list = json_array();
        json_array_append_new(sections, s = section("changes"));
        if (prev) {
            baton_diff d;
            json_object_set_new(s, "since_revision", json_string(str(prev, "revision")));
            if ((rc = baton_case_load_unchecked(store, str(prev, "revision"), case_id, &prev_doc, NULL)) ||
                (rc = baton_diff_records(prev_doc, doc, BATON_RECORD_CASE, &d)))
                goto out;
            static const char *const ops[] = {"added", "removed", "changed"};
            for (size_t k = 0; k < d.count; k++) {
                const char *sec = baton_packet_section_of(d.items[k].path);
                /* a change is shown only where its field's section is shared */
                if (sec && !in_scope(scope, sec))
                    continue;
                if (!sec && strncmp(d.items[k].path, "child.", 6) != 0 && strncmp(d.items[k].path, "context", 7) != 0 &&
                    strcmp(d.items[k].path, "status") != 0)
                    continue;
                json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:s?}", "field", d.items[k].path, "op",
                                                      ops[d.items[k].op], "old", d.items[k].old_value, "new",
                                                      d.items[k].new_value));
            }
            baton_diff_free(&d);
        } else {
            json_object_set_new(s, "first", json_true());
        }
        json_object_set_new(s, "changes", list);
    }
    if (h && in_scope(scope, "checklist")) {
        json_array_append_new(sections, s = section("checklist"));
        const json_t *cl = json_object_get(h, "checklist");
        json_object_set_new(s, "guardians_informed",
                            json_object_get(h, "guardians_informed") ? json_deep_copy(json_object_get(h, "guardians_informed"))
                                                                     : json_null());
        const char *items[] = {"meeting_held", "child_prepared", "known_adult"};
        for (size_t k = 0; k < 3; k++) {
            if (k == 2 && strcmp(str(h, "kind"), "context") != 0)
                continue;
            json_t *t = json_object_get(cl, items[k]);
            json_t *c = t ? json_deep_copy(t) : json_null();
            if (t && str(t, "by"))
                json_object_set_new(c, "by", baton_person_json(store, str(t, "by")));
            json_object_set_new(s, items[k], c);
        }
        const json_t *a = json_object_get(h, "acknowledged");
        json_object_set_new(s, "acknowledged", a ? json_pack("{s:o, s:O}", "by", baton_person_json(store, str(a, "by")),
                                                             "at", json_object_get(a, "at"))
                                                 : json_null());
        json_object_set_new(s, "pending", json_boolean(json_is_true(json_object_get(h, "pending"))));
    }
    json_object_set_new(model, "store", json_pack("{s:s, s:s, s:s, s:s}", "organisation", baton_store_organisation(store),
                                                  "id", baton_store_id(store), "language", baton_store_language(store),
                                                  "time_zone", zone));
out:
    json_decref(handovers);
    json_decref(doc);
    json_decref(prev_doc);
    json_decref(journal);
    if (rc) {
        json_decref(model);
        return rc;
    }
    *out = model;
    return 0;
}
