/* A class's cases, and the three things a new class teacher does with all of them at once: join
 * their teams (with an onboarding handover each), leave them, and acknowledge the onboarding.
 * Each is one commit over every case it touches, all or nothing, rebuilt and retried when another
 * writer moved the head. */
#include "baton/class.h"

#include "baton/case.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/handover.h"
#include "baton/index.h"
#include "baton/record.h"
#include "case_internal.h"
#include "handover_internal.h"
#include "session_internal.h"
#include "unchecked.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ATTEMPTS 20

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

int baton_class_parse(const char *spec, baton_class *out)
{
    memset(out, 0, sizeof *out);
    if (!spec || !*spec)
        return baton_error_set(BATON_EINVALID, "--context: required (INSTITUTION[:GROUP])");
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    if (n == 0 || n >= sizeof out->institution || (colon && (colon[1] == '\0' || strlen(colon + 1) >= sizeof out->group)))
        return baton_error_set(BATON_EINVALID, "--context: '%.60s' is not INSTITUTION[:GROUP]", spec);
    if (!baton_utf8_valid(spec, strlen(spec)))
        return baton_error_set(BATON_EINVALID, "--context: not valid UTF-8");
    memcpy(out->institution, spec, n);
    if (colon)
        snprintf(out->group, sizeof out->group, "%s", colon + 1);
    return 0;
}

static int in_class(const json_t *doc, const baton_class *c)
{
    const json_t *ctx = json_object_get(doc, "context");
    const char *inst = str(ctx, "institution"), *group = str(ctx, "group");
    if (!inst || strcmp(inst, c->institution) != 0)
        return 0;
    return !c->group[0] || (group && strcmp(group, c->group) == 0);
}

static int by_child(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int r = strcmp(str(json_object_get(x, "child"), "name"), str(json_object_get(y, "child"), "name"));
    return r ? r : strcmp(str(x, "id"), str(y, "id"));
}

static int cases_at(baton_store *store, const char *rev, const baton_class *c, json_t **out)
{
    json_t *all;
    int rc = baton_case_list_unchecked(store, rev, NULL, "active", &all);
    *out = NULL;
    if (rc)
        return rc;
    size_t n = 0, i;
    json_t *x, **items = malloc((json_array_size(all) + 1) * sizeof *items);
    json_array_foreach(all, i, x) if (in_class(x, c)) items[n++] = x;
    qsort(items, n, sizeof *items, by_child);
    json_t *list = json_array();
    for (i = 0; i < n; i++)
        json_array_append(list, items[i]);
    free(items);
    json_decref(all);
    *out = list;
    return 0;
}

static int in_class_of(const json_t *doc, const void *c) { return in_class(doc, c); }

int baton_class_cases_unchecked(baton_store *store, const baton_class *c, json_t **out)
{
    /* reading: the index names the class's cases, so only they are read */
    baton_index *idx;
    json_t *ids;
    *out = NULL;
    if (baton_index_open(&idx, store, NULL, NULL) != 0)
        return cases_at(store, NULL, c, out);
    int rc = baton_index_class_cases(idx, c->institution, c->group, &ids);
    baton_index_free(idx);
    if (rc)
        return cases_at(store, NULL, c, out);
    return baton_case_load_kept(store, ids, in_class_of, c, out);
}

int baton_class_cases(baton_session *s, const baton_class *c, json_t **out)
{
    json_t *ids;
    char what[460];
    int rc = baton_class_cases_unchecked(s->store, c, out);
    if (rc)
        return rc;
    baton_session_filter(s, *out, &ids);
    snprintf(what, sizeof what, "class %s%s%s", c->institution, c->group[0] ? ":" : "", c->group);
    rc = baton_session_log(s, "read", ids, what);
    json_decref(ids);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* Every case of the list the session may change, or BATON_EDENIED naming the first it may not: a
 * change to a whole class is all or nothing. */
static int may_change_all(baton_session *s, const json_t *cases)
{
    size_t i;
    json_t *x;
    json_array_foreach(cases, i, x) {
        int rc = baton_access_check(s, BATON_ACCESS_CHANGE, x, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

static void class_name(const baton_class *c, char *out, size_t n)
{
    snprintf(out, n, "%s%s%s", c->institution, c->group[0] ? " " : "", c->group);
}

static int on_team(const json_t *doc, const char *staff)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(doc, "team"), i, m) if (strcmp(str(m, "staff"), staff) == 0) return 1;
    return 0;
}

int baton_team_join(baton_session *sess, const baton_class *c, const char *staff, const char *role,
                    const char *const *responsible_for, size_t nresp, const char *reason, json_t **made,
                    baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    int rc;
    char name[420];
    class_name(c, name, sizeof name);
    if (made)
        *made = NULL;
    if ((rc = baton_staff_check_active(store, staff, "STAFF")))
        return rc;
    if (!role || !*role)
        return baton_error_set(BATON_EINVALID, "--role: required");
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        baton_oid_hex head;
        json_t *cases = NULL;
        baton_part *parts = NULL;
        size_t n = 0, i;
        json_t *x;
        if ((rc = baton_store_head(store, head)) || (rc = cases_at(store, head, c, &cases)))
            return rc;
        if (json_array_size(cases) == 0) {
            json_decref(cases);
            return baton_error_set(BATON_ENOTFOUND, "--context: no active case in %s", name);
        }
        if ((rc = may_change_all(sess, cases))) {
            json_decref(cases);
            return rc;
        }
        parts = calloc(json_array_size(cases), sizeof *parts);
        json_array_foreach(cases, i, x) {
            if (rc)
                break;
            const char *contact = str(json_object_get(x, "contact"), "staff");
            if (strcmp(contact, staff) == 0 || on_team(x, staff))
                continue;
            baton_part *p = &parts[n++];
            if ((rc = baton_part_open(store, as, head, str(x, "id"), "onboarding", p)))
                break;
            json_t *member = json_pack("{s:s, s:s}", "staff", staff, "role", role);
            if (!member) {
                rc = baton_error_set(BATON_EINVALID, "--role: not valid UTF-8");
                break;
            }
            if (nresp) {
                json_t *r = json_array();
                for (size_t k = 0; k < nresp; k++)
                    json_array_append_new(r, json_string(responsible_for[k]));
                json_object_set_new(member, "responsible_for", r);
            }
            json_t *team = json_object_get(p->doc, "team");
            if (!team)
                json_object_set_new(p->doc, "team", team = json_array());
            json_array_append_new(team, member);
            json_object_set_new(p->record, "from", json_pack("{s:s}", "staff", contact));
            json_object_set_new(p->record, "to", json_pack("{s:s}", "staff", staff));
            if ((rc = baton_part_close(store, as, p, reason))) {
                /* the team's field errors read as the options they came from */
                const char *m = baton_error_last(), *dot = strstr(m, "].");
                if (dot && strncmp(m, "team[", 5) == 0) {
                    char copy[1200];
                    snprintf(copy, sizeof copy, "--%s", dot + 2);
                    for (char *u = copy; *u && *u != ':'; u++)
                        if (*u == '_')
                            *u = '-';
                    rc = baton_error_set(rc, "%s", copy);
                }
            }
        }
        if (rc == 0 && n == 0)
            rc = baton_error_set(BATON_EINVALID, "'%s' is already on the team, or the contact person, of every case in %s",
                                 staff, name);
        if (rc == 0) {
            char subject[600];
            snprintf(subject, sizeof subject, "class %s: %s joins the team of %zu case(s)", name, staff, n);
            char *msg = baton_commit_message(subject, reason, NULL, as->id);
            rc = msg ? baton_parts_commit(store, as, parts, n, msg, commit) : baton_error_set(BATON_ERROR, "out of memory");
            free(msg);
        }
        if (rc == 0 && made) {
            *made = json_array();
            for (i = 0; i < n; i++)
                json_array_append_new(*made, json_pack("{s:s, s:O}", "case", parts[i].id, "number",
                                                       json_object_get(parts[i].record, "number")));
        }
        for (i = 0; i < n; i++)
            baton_part_clear(&parts[i]);
        free(parts);
        json_decref(cases);
        if (rc != BATON_ECONFLICT)
            return rc;
    }
    return rc;
}

/* Case files changed together in one commit: each expected at the version it was read at. */
typedef struct {
    baton_change *ch;
    char **data;
    char (*paths)[160];
    char (*labels)[64];
    size_t n;
} change_set;

static int change_set_init(change_set *s, size_t cap)
{
    memset(s, 0, sizeof *s);
    s->ch = calloc(cap + 1, sizeof *s->ch);
    s->data = calloc(cap + 1, sizeof *s->data);
    s->paths = calloc(cap + 1, sizeof *s->paths);
    s->labels = calloc(cap + 1, sizeof *s->labels);
    return s->ch && s->data && s->paths && s->labels ? 0 : baton_error_set(BATON_ERROR, "out of memory");
}

static void change_set_add(change_set *s, const char *path, char *data, const char *expect, const char *label)
{
    snprintf(s->paths[s->n], sizeof s->paths[0], "%s", path);
    snprintf(s->labels[s->n], sizeof s->labels[0], "%s", label);
    s->data[s->n] = data;
    s->ch[s->n] = (baton_change){s->paths[s->n], data, data ? strlen(data) : 0, expect, s->labels[s->n], 0};
    s->n++;
}

static int change_set_commit(baton_store *store, const baton_identity *as, change_set *s, const char *subject,
                             const char *reason, baton_oid_hex commit)
{
    char *msg = baton_commit_message(subject, reason, NULL, as->id);
    if (!msg)
        return baton_error_set(BATON_ERROR, "out of memory");
    baton_commit_options co = {as->name, as->email, msg, 0};
    int rc = baton_store_commit(store, s->ch, s->n, &co, commit);
    free(msg);
    return rc;
}

static void change_set_free(change_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->data[i]);
    free(s->ch);
    free(s->data);
    free(s->paths);
    free(s->labels);
}

int baton_team_leave(baton_session *sess, const baton_class *c, const char *staff, const char *reason,
                     json_t **changed, baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    json_t *cases;
    char name[420], held[2048] = "";
    int rc;
    class_name(c, name, sizeof name);
    if (changed)
        *changed = NULL;
    json_t *rec;
    if ((rc = baton_staff_get(store, NULL, staff, &rec)))
        return baton_error_prefix(rc, "STAFF: ");
    json_decref(rec);
    if (reason && (rc = baton_reason_check(reason, NULL)))
        return rc;
    if ((rc = cases_at(store, NULL, c, &cases)))
        return rc;
    if ((rc = may_change_all(sess, cases))) {
        json_decref(cases);
        return rc;
    }
    size_t i;
    json_t *x;
    json_array_foreach(cases, i, x) {
        if (strcmp(str(json_object_get(x, "contact"), "staff"), staff) == 0) {
            size_t used = strlen(held);
            snprintf(held + used, sizeof held - used, "%s%s", used ? ", " : "", str(x, "id"));
        }
    }
    if (held[0]) {
        json_decref(cases);
        return baton_error_set(BATON_EINVALID,
                               "'%s' is the contact person of case(s) %s in %s: hand them over first (baton handover "
                               "staff ID --to STAFF)",
                               staff, held, name);
    }
    change_set set;
    if ((rc = change_set_init(&set, json_array_size(cases)))) {
        json_decref(cases);
        return rc;
    }
    json_t *list = json_array();
    json_array_foreach(cases, i, x) {
        if (rc || !on_team(x, staff))
            continue;
        json_t *old, *doc;
        baton_oid_hex version;
        if ((rc = baton_case_load_unchecked(store, NULL, str(x, "id"), &old, version)))
            break;
        doc = json_deep_copy(old);
        json_t *team = json_object_get(doc, "team");
        for (size_t k = json_array_size(team); k-- > 0;)
            if (strcmp(str(json_array_get(team, k), "staff"), staff) == 0)
                json_array_remove(team, k);
        if (json_array_size(team) == 0)
            json_object_del(doc, "team");
        char *data = NULL, *msg = NULL, path[128], label[64];
        if ((rc = baton_case_check(store, old, doc)) == 0 &&
            (rc = baton_case_change(as, str(x, "id"), doc, "team", NULL, &data, &msg)) == 0) {
            baton_case_path(str(x, "id"), path, sizeof path);
            snprintf(label, sizeof label, "case %s", str(x, "id"));
            /* version lives in the change set's own copy of the path's expectation */
            char *expect = strdup(version);
            change_set_add(&set, path, data, expect, label);
            json_array_append_new(list, json_string(str(x, "id")));
        }
        free(msg);
        json_decref(old);
        json_decref(doc);
    }
    if (rc == 0 && set.n == 0)
        rc = baton_error_set(BATON_EINVALID, "'%s' is on the team of no case in %s", staff, name);
    if (rc == 0) {
        char subject[600];
        snprintf(subject, sizeof subject, "class %s: %s leaves the team of %zu case(s)", name, staff, set.n);
        rc = change_set_commit(store, as, &set, subject, reason, commit);
    }
    for (size_t k = 0; k < set.n; k++)
        free((char *)set.ch[k].expect);
    change_set_free(&set);
    json_decref(cases);
    if (rc == 0 && changed)
        *changed = list;
    else
        json_decref(list);
    return rc;
}

int baton_briefing_ack(baton_session *sess, const baton_class *c, const char *reason, json_t **acked,
                       baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    json_t *cases;
    char name[420], at[21];
    int rc;
    class_name(c, name, sizeof name);
    if (acked)
        *acked = NULL;
    if (reason && (rc = baton_reason_check(reason, NULL)))
        return rc;
    if ((rc = cases_at(store, NULL, c, &cases)))
        return rc;
    baton_datetime_format(at, baton_now());
    change_set set;
    if ((rc = change_set_init(&set, json_array_size(cases) * 4 + 4))) {
        json_decref(cases);
        return rc;
    }
    json_t *list = json_array();
    size_t i, j;
    json_t *x, *h;
    json_array_foreach(cases, i, x) {
        json_t *hs;
        if (rc || (rc = baton_handover_read_all(store, NULL, str(x, "id"), &hs)))
            break;
        json_array_foreach(hs, j, h) {
            if (strcmp(str(h, "kind"), "onboarding") != 0 || json_object_get(h, "acknowledged") ||
                !str(json_object_get(h, "to"), "staff") || strcmp(str(json_object_get(h, "to"), "staff"), as->id) != 0)
                continue;
            if (set.n >= json_array_size(cases) * 4 + 4)
                break;
            char *expect = strdup(str(h, "_version")), path[160], label[64];
            json_object_del(h, "_version");
            json_object_set_new(h, "acknowledged", json_pack("{s:s, s:s}", "by", as->id, "at", at));
            int number = (int)json_integer_value(json_object_get(h, "number"));
            if ((rc = baton_record_validate(h, BATON_RECORD_HANDOVER, NULL))) {
                free(expect);
                break;
            }
            baton_handover_path(str(x, "id"), number, path, sizeof path);
            snprintf(label, sizeof label, "handover %d of case %s", number, str(x, "id"));
            change_set_add(&set, path, baton_record_dump(h), expect, label);
            json_array_append_new(list, json_pack("{s:s, s:i}", "case", str(x, "id"), "number", number));
        }
        json_decref(hs);
    }
    if (rc == 0 && set.n == 0)
        rc = baton_error_set(BATON_EINVALID, "'%s' has no pending onboarding handover in %s", as->id, name);
    if (rc == 0) {
        char subject[600];
        snprintf(subject, sizeof subject, "class %s: %s acknowledges the briefing (%zu case(s))", name, as->id, set.n);
        rc = change_set_commit(store, as, &set, subject, reason, commit);
    }
    for (size_t k = 0; k < set.n; k++)
        free((char *)set.ch[k].expect);
    change_set_free(&set);
    json_decref(cases);
    if (rc == 0 && acked)
        *acked = list;
    else
        json_decref(list);
    return rc;
}
