/* Handovers. A handover and the change it makes to the case (a new contact person, a new context,
 * the transferred status) are one commit, so the record of who took over can never disagree with
 * the case. Handover numbers are claimed like journal entry numbers: under a guard on the
 * case's handovers directory, rebuilt and retried when another writer got there first. A bulk
 * handover is one commit over all its cases: all or nothing. */
#include "baton/handover.h"

#include "baton/case.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/journal.h"
#include "baton/record.h"
#include "case_internal.h"
#include "handover_internal.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ATTEMPTS 20

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

void baton_handover_dir(const char *case_id, char *out, size_t n)
{
    char dir[96];
    baton_case_dir(case_id, dir, sizeof dir);
    snprintf(out, n, "%s/handovers", dir);
}

void baton_handover_path(const char *case_id, int number, char *out, size_t n)
{
    char dir[128];
    baton_handover_dir(case_id, dir, sizeof dir);
    snprintf(out, n, "%s/%04d.json", dir, number % 100000);
}

int baton_date_add_working_days(const char *date, int n, char out[11])
{
    int64_t days;
    if (baton_date_to_days(date, &days))
        return BATON_EINVALID;
    while (n > 0) {
        days++;
        int weekday = (int)((days + 4) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
        if (weekday != 0 && weekday != 6)
            n--;
    }
    return baton_date_add_days("1970-01-01", days, out);
}

int baton_scope_parse(const char *spec, const char *what, json_t **out)
{
    int given[16] = {0};
    const char *s = spec ? spec : "";
    *out = NULL;
    while (*s) {
        size_t n = strcspn(s, ",");
        while (n > 0 && *s == ' ')
            s++, n--;
        size_t len = n;
        while (len > 0 && s[len - 1] == ' ')
            len--;
        int found = -1;
        for (int i = 0; baton_packet_sections[i]; i++)
            if (strlen(baton_packet_sections[i]) == len && strncmp(baton_packet_sections[i], s, len) == 0)
                found = i;
        if (found < 0) {
            char allowed[256] = "";
            for (int i = 0; baton_packet_sections[i]; i++) {
                strncat(allowed, baton_packet_sections[i], sizeof allowed - strlen(allowed) - 2);
                if (baton_packet_sections[i + 1])
                    strncat(allowed, ",", sizeof allowed - strlen(allowed) - 1);
            }
            return baton_error_set(BATON_EINVALID, "%s: '%.*s' is not a packet section (%s)", what, (int)(len > 40 ? 40 : len),
                                   s, allowed);
        }
        given[found] = 1;
        s += n;
        if (*s == ',')
            s++;
    }
    json_t *arr = json_array();
    for (int i = 0; baton_packet_sections[i]; i++)
        if (given[i])
            json_array_append_new(arr, json_string(baton_packet_sections[i]));
    if (json_array_size(arr) == 0) {
        json_decref(arr);
        return baton_error_set(BATON_EINVALID, "%s: name at least one packet section", what);
    }
    *out = arr;
    return 0;
}

/* ---- reading ---- */

int baton_handover_read_all(baton_store *store, const char *rev, const char *case_id, json_t **out)
{
    char dir[128];
    baton_handover_dir(case_id, dir, sizeof dir);
    /* file names are zero-padded: tree order is number order */
    return baton_store_read_records(store, rev, dir, BATON_RECORD_HANDOVER, "_version", out);
}

static int pending(const json_t *h)
{
    return str(json_object_get(h, "to"), "staff") && !json_object_get(h, "acknowledged");
}

int baton_handover_lapsed(const json_t *case_doc, const json_t *h)
{
    const char *to = str(json_object_get(h, "to"), "staff"), *kind = str(h, "kind");
    if (!to)
        return 0; /* to a receiver outside: nobody here acknowledges it */
    if (kind && strcmp(kind, "onboarding") == 0) {
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(case_doc, "team"), k, m) if (strcmp(str(m, "staff"), to) == 0) return 0;
        return 1;
    }
    const char *contact = str(json_object_get(case_doc, "contact"), "staff");
    return !contact || strcmp(contact, to) != 0;
}

int baton_handover_list_unchecked(baton_store *store, const char *rev, const char *case_id, json_t **out)
{
    json_t *doc, *journal;
    int rc = baton_case_load_unchecked(store, rev, case_id, &doc, NULL);
    if (rc)
        return rc;
    json_decref(doc);
    if ((rc = baton_journal_list_unchecked(store, rev, case_id, &journal)))
        return rc;
    rc = baton_handover_list_journal(store, rev, case_id, journal, out);
    json_decref(journal);
    return rc;
}

int baton_handover_list_journal(baton_store *store, const char *rev, const char *case_id, const json_t *journal,
                                json_t **out)
{
    json_t *list;
    int rc = baton_handover_read_all(store, rev, case_id, &list);
    if (rc)
        return rc;
    size_t i, j;
    json_t *h, *e;
    json_array_foreach(list, i, h) {
        json_object_del(h, "_version");
        json_object_set_new(h, "pending", json_boolean(pending(h)));
        json_int_t n = json_integer_value(json_object_get(h, "number"));
        json_array_foreach(journal, j, e) {
            const char *kind = str(e, "kind");
            if (json_object_get(h, "guardians_informed") || !kind || strcmp(kind, "contact") != 0 ||
                json_array_size(json_object_get(e, "corrected_by")) || !json_array_size(json_object_get(e, "guardians")) ||
                json_integer_value(json_object_get(e, "handover")) != n || !json_object_get(e, "handover"))
                continue;
            json_t *info = json_pack("{s:s%, s:s, s:O}", "date", str(e, "at"), (size_t)10, "entry", str(e, "id"),
                                     "guardians", json_object_get(e, "guardians"));
            if (str(e, "channel"))
                json_object_set_new(info, "channel", json_string(str(e, "channel")));
            json_object_set_new(h, "guardians_informed", info);
        }
        /* a handover that came from another organisation says when its sender told them */
        const json_t *sent = json_object_get(json_object_get(h, "checklist"), "guardians_informed");
        if (!json_object_get(h, "guardians_informed") && sent) {
            json_t *info = json_deep_copy(sent);
            json_object_set_new(info, "by_sender", json_true());
            json_object_set_new(h, "guardians_informed", info);
        }
    }
    *out = list;
    return 0;
}

int baton_handover_list(baton_session *s, const char *rev, const char *case_id, json_t **out)
{
    *out = NULL;
    int rc = baton_session_open_case(s, rev, case_id, "handovers", NULL);
    return rc ? rc : baton_handover_list_unchecked(s->store, rev, case_id, out);
}

int baton_handover_find(baton_session *s, const char *case_id, const char *to, int pending_only, json_t **out)
{
    json_t *cases = NULL, *doc = NULL, *list = json_array(), *shown = json_array();
    int rc;
    *out = NULL;
    /* one case: read (and logged) as such, break-the-glass included; every case: those readable */
    if (case_id) {
        if ((rc = baton_session_open_case(s, NULL, case_id, "handover list", &doc)) == 0)
            cases = json_pack("[o]", doc);
    } else if ((rc = baton_case_list_unchecked(s->store, NULL, NULL, NULL, &cases)) == 0) {
        baton_session_filter(s, cases, NULL);
    }
    size_t i, j;
    json_t *c, *h;
    json_array_foreach(cases, i, c) {
        json_t *hs;
        if (rc || (rc = baton_handover_list_unchecked(s->store, NULL, str(c, "id"), &hs)))
            break;
        int any = 0;
        json_array_foreach(hs, j, h) {
            if (pending_only && !json_is_true(json_object_get(h, "pending")))
                continue;
            if (to && (!str(json_object_get(h, "to"), "staff") || strcmp(str(json_object_get(h, "to"), "staff"), to)))
                continue;
            json_array_append(list, h);
            any = 1;
        }
        if (any)
            json_array_append(shown, json_object_get(c, "id"));
        json_decref(hs);
    }
    if (rc == 0 && !case_id)
        rc = baton_session_log(s, "read", shown, "handover list");
    json_decref(shown);
    json_decref(cases);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}

int baton_handover_get(baton_session *s, const char *rev, const char *case_id, int number, json_t **out)
{
    *out = NULL;
    int rc = baton_session_open_case(s, rev, case_id, "handover", NULL);
    return rc ? rc : baton_handover_get_unchecked(s->store, rev, case_id, number, out);
}

int baton_handover_get_unchecked(baton_store *store, const char *rev, const char *case_id, int number, json_t **out)
{
    json_t *list;
    int rc = baton_handover_list_unchecked(store, rev, case_id, &list);
    *out = NULL;
    if (rc)
        return rc;
    size_t n = json_array_size(list);
    if (n == 0) {
        json_decref(list);
        return baton_error_set(BATON_ENOTFOUND, "case %s has no handover yet", case_id);
    }
    json_t *h = NULL;
    if (number == 0) {
        h = json_array_get(list, n - 1);
    } else {
        size_t i;
        json_t *x;
        json_array_foreach(list, i, x) if (json_integer_value(json_object_get(x, "number")) == number) h = x;
    }
    if (!h) {
        json_decref(list);
        return baton_error_set(BATON_ENOTFOUND, "case %s has no handover %d", case_id, number);
    }
    *out = json_incref(h);
    json_decref(list);
    return 0;
}

/* ---- writing ---- */

void baton_part_clear(baton_part *p)
{
    json_decref(p->old);
    json_decref(p->doc);
    json_decref(p->record);
    free(p->case_data);
    free(p->data);
    memset(p, 0, sizeof *p);
}

void baton_now_stamp(char out[21])
{
    char today[11];
    baton_datetime_format(out, baton_now());
    baton_date_today(today);
    /* a pinned today (BATON_TODAY, for demos and tests) wins over the clock */
    if (strncmp(out, today, 10) != 0)
        snprintf(out, 21, "%sT12:00:00Z", today);
}

/* Reads case id at head into p and starts its handover record (number, case, kind, made, by,
 * revision). Refuses cases that are not active. */
int baton_part_open(baton_store *store, const baton_identity *as, const char *head, const char *id, const char *kind,
                     baton_part *p)
{
    int rc;
    json_t *existing;
    snprintf(p->id, sizeof p->id, "%s", id);
    if ((rc = baton_case_load_unchecked(store, head, id, &p->old, p->version)))
        return rc == BATON_ENOTFOUND ? baton_error_set(rc, "no case with id '%.40s'", id) : rc;
    const char *status = str(p->old, "status");
    if (!status || strcmp(status, "active") != 0)
        return baton_error_set(BATON_EINVALID, "case %s is %s: only active cases are handed over", id,
                               status ? status : "without status");
    baton_handover_dir(id, p->dir, sizeof p->dir);
    rc = baton_store_entry_id(store, head, p->dir, p->dir_id);
    if (rc == BATON_ENOTFOUND)
        p->dir_id[0] = '\0';
    else if (rc)
        return rc;
    if ((rc = baton_handover_read_all(store, head, id, &existing)))
        return rc;
    json_int_t next = 1;
    size_t i;
    json_t *x;
    json_array_foreach(existing, i, x) if (json_integer_value(json_object_get(x, "number")) >= next) next =
        json_integer_value(json_object_get(x, "number")) + 1;
    json_decref(existing);
    char made[21];
    baton_now_stamp(made);
    p->doc = json_deep_copy(p->old);
    p->record = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "number", next, "case", id, "kind", kind, "made", made,
                          "by", as->id, "revision", head);
    baton_handover_path(id, (int)next, p->path, sizeof p->path);
    baton_case_path(id, p->case_path, sizeof p->case_path);
    snprintf(p->label, sizeof p->label, "case %s", id);
    return p->record ? 0 : baton_error_set(BATON_ERROR, "out of memory");
}

/* Validates the new case state and the handover record, and serialises both. */
int baton_part_close(baton_store *store, const baton_identity *as, baton_part *p, const char *reason)
{
    int rc;
    if ((rc = baton_case_check(store, p->old, p->doc)))
        return rc;
    if (reason && *reason) {
        json_t *r = json_string(reason);
        if (!r)
            return baton_error_set(BATON_EINVALID, "--reason: not valid UTF-8");
        json_object_set_new(p->record, "reason", r);
        if ((rc = baton_reason_check(reason, p->old)))
            return rc;
    }
    if (p->record && (rc = baton_record_validate(p->record, BATON_RECORD_HANDOVER, NULL)))
        return rc;
    char *msg = NULL;
    if (!json_equal(p->old, p->doc)) {
        if ((rc = baton_case_change(as, p->id, p->doc, "handover", NULL, &p->case_data, &msg)))
            return rc;
        free(msg);
    }
    if (!p->record)
        return 0;
    p->data = baton_record_dump(p->record);
    return p->data ? 0 : baton_error_set(BATON_ERROR, "out of memory");
}

int baton_parts_commit(baton_store *store, const baton_identity *as, baton_part *parts, size_t n, const char *message,
                       baton_oid_hex commit)
{
    return baton_parts_commit_with(store, as, parts, n, NULL, 0, message, commit);
}

int baton_parts_commit_with(baton_store *store, const baton_identity *as, baton_part *parts, size_t n,
                            const baton_change *extra, size_t nextra, const char *message, baton_oid_hex commit)
{
    baton_change *ch = calloc(n * 3 + nextra + 1, sizeof *ch);
    size_t k = 0;
    if (!ch)
        return baton_error_set(BATON_ERROR, "out of memory");
    for (size_t i = 0; i < n; i++) {
        baton_part *p = &parts[i];
        if (p->case_data)
            ch[k++] = (baton_change){p->case_path, p->case_data, strlen(p->case_data), p->version, p->label, 0};
        if (!p->data)
            continue; /* the case changed without a handover record (a team role or measure moved) */
        ch[k++] = (baton_change){p->path, p->data, strlen(p->data), "", p->label, 0};
        ch[k++] = (baton_change){p->dir, NULL, 0, p->dir_id, p->label, 1};
    }
    for (size_t i = 0; i < nextra; i++)
        ch[k++] = extra[i];
    baton_commit_options co = {as->name, as->email, message, 0};
    int rc = baton_store_commit(store, ch, k, &co, commit);
    free(ch);
    return rc;
}

int baton_staff_check_active(baton_store *store, const char *to, const char *what)
{
    json_t *rec;
    int rc = baton_staff_get(store, NULL, to, &rec);
    if (rc == BATON_ENOTFOUND)
        return baton_error_set(rc, "%s: unknown staff member '%.40s' (see 'baton staff list')", what, to);
    if (rc)
        return rc;
    int active = json_is_true(json_object_get(rec, "active"));
    json_decref(rec);
    return active ? 0 : baton_error_set(BATON_EINVALID, "%s: '%s' is no longer active staff", what, to);
}

static void set_contact(json_t *doc, const char *staff)
{
    char today[11];
    baton_date_today(today);
    json_object_set_new(doc, "contact", json_pack("{s:s, s:s}", "staff", staff, "since", today));
}

int baton_handover_staff(baton_session *sess, const baton_handover_pair *pairs, size_t n, const char *reason,
                         json_t **made, baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    int rc = 0;
    if (made)
        *made = NULL;
    if (n == 0)
        return baton_error_set(BATON_EINVALID, "nothing to hand over");
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(pairs[i].case_id, pairs[j].case_id) == 0)
                return baton_error_set(BATON_EINVALID, "case %s is named twice", pairs[i].case_id);
        if (!pairs[i].to || !*pairs[i].to)
            return baton_error_set(BATON_EINVALID, "--to: required: who takes over case %s", pairs[i].case_id);
        if ((rc = baton_staff_check_active(store, pairs[i].to, "--to")))
            return rc;
    }
    baton_part *parts = calloc(n, sizeof *parts);
    if (!parts)
        return baton_error_set(BATON_ERROR, "out of memory");
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        baton_oid_hex head;
        if ((rc = baton_store_head(store, head)))
            break;
        for (size_t i = 0; i < n && rc == 0; i++) {
            baton_part *p = &parts[i];
            if ((rc = baton_part_open(store, as, head, pairs[i].case_id, "staff", p)) ||
                (rc = baton_access_check(sess, BATON_ACCESS_HANDOVER, p->old, NULL)))
                break;
            const char *from = str(json_object_get(p->old, "contact"), "staff");
            if (from && strcmp(from, pairs[i].to) == 0) {
                rc = baton_error_set(BATON_EINVALID, "--to: '%s' is already the contact person of case %s", from,
                                     p->id);
                break;
            }
            json_object_set_new(p->record, "from", json_pack("{s:s}", "staff", from));
            json_object_set_new(p->record, "to", json_pack("{s:s}", "staff", pairs[i].to));
            set_contact(p->doc, pairs[i].to);
            rc = baton_part_close(store, as, p, reason);
        }
        char subject[200];
        if (n == 1)
            snprintf(subject, sizeof subject, "case %s: handover %lld (staff)", parts[0].id,
                     (long long)json_integer_value(json_object_get(parts[0].record, "number")));
        else
            snprintf(subject, sizeof subject, "handover: %zu cases", n);
        char *msg = rc ? NULL : baton_commit_message(subject, reason, n == 1 ? parts[0].id : NULL, as->id);
        if (rc == 0 && !msg)
            rc = baton_error_set(BATON_ERROR, "out of memory");
        if (rc == 0)
            rc = baton_parts_commit(store, as, parts, n, msg, commit);
        free(msg);
        if (rc == 0 && made) {
            *made = json_array();
            for (size_t i = 0; i < n; i++)
                json_array_append_new(*made, json_pack("{s:s, s:O}", "case", parts[i].id, "number",
                                                       json_object_get(parts[i].record, "number")));
        }
        for (size_t i = 0; i < n; i++)
            baton_part_clear(&parts[i]);
        if (rc != BATON_ECONFLICT)
            break;
        /* another save moved one of the cases, or took the next handover number: read again */
    }
    free(parts);
    return rc;
}

/* "Name Surname <name@example.org>" */
static int parse_receiver(const char *spec, json_t **out)
{
    const char *lt = spec ? strrchr(spec, '<') : NULL;
    const char *gt = lt ? strchr(lt, '>') : NULL;
    *out = NULL;
    if (!lt || !gt || gt[1] != '\0')
        return baton_error_set(BATON_EINVALID, "--receiver: expected \"NAME <EMAIL>\": '%.60s'", spec ? spec : "");
    size_t nlen = (size_t)(lt - spec);
    while (nlen > 0 && spec[nlen - 1] == ' ')
        nlen--;
    json_t *name = json_stringn(spec, nlen), *email = json_stringn(lt + 1, (size_t)(gt - lt - 1));
    if (!name || !email || nlen == 0) {
        json_decref(name);
        json_decref(email);
        return baton_error_set(BATON_EINVALID, "--receiver: expected \"NAME <EMAIL>\": '%.60s'", spec);
    }
    *out = json_object();
    json_object_set_new(*out, "name", name);
    json_object_set_new(*out, "email", email);
    return 0;
}

/* The recorded basis for sharing: a consent on the case (its scope bounds the packet) or a
 * statute (all sections unless narrowed). */
static int make_basis(const json_t *case_doc, const baton_handover_context_options *o, json_t **out)
{
    json_t *scope = NULL, *allowed = NULL;
    int rc;
    *out = NULL;
    if (!o->basis_ref || !*o->basis_ref)
        return baton_error_set(BATON_EINVALID, "--basis-ref: required: the consent's id (c1) or the statute");
    if (o->scope && (rc = baton_scope_parse(o->scope, "--scope", &scope)))
        return rc;
    if (strcmp(o->basis, "consent") == 0) {
        size_t i;
        json_t *c, *consent = NULL;
        json_array_foreach(json_object_get(case_doc, "consents"), i, c) if (strcmp(str(c, "id"), o->basis_ref) == 0)
            consent = c;
        if (!consent) {
            json_decref(scope);
            return baton_error_set(BATON_ENOTFOUND,
                                   "--basis-ref: no consent '%.20s' on this case (record it with 'baton consent add')",
                                   o->basis_ref);
        }
        if (str(consent, "withdrawn")) {
            json_decref(scope);
            return baton_error_set(BATON_EINVALID, "--basis-ref: consent %s was withdrawn on %s", o->basis_ref,
                                   str(consent, "withdrawn"));
        }
        allowed = json_object_get(consent, "scope");
        if (!scope)
            scope = json_deep_copy(allowed);
        json_array_foreach(scope, i, c) {
            size_t j;
            json_t *a;
            int ok = 0;
            json_array_foreach(allowed, j, a) ok |= json_equal(a, c);
            if (!ok) {
                rc = baton_error_set(BATON_EINVALID, "--scope: '%s' is not covered by consent %s", json_string_value(c),
                                     o->basis_ref);
                json_decref(scope);
                return rc;
            }
        }
    } else if (strcmp(o->basis, "statutory") == 0) {
        if (!scope) {
            scope = json_array();
            for (int i = 0; baton_packet_sections[i]; i++)
                json_array_append_new(scope, json_string(baton_packet_sections[i]));
        }
    } else {
        json_decref(scope);
        return baton_error_set(BATON_EINVALID, "--basis: '%.40s' is not one of consent|statutory", o->basis);
    }
    json_t *ref = json_string(o->basis_ref);
    if (!ref) {
        json_decref(scope);
        return baton_error_set(BATON_EINVALID, "--basis-ref: not valid UTF-8");
    }
    *out = json_pack("{s:s, s:o, s:o}", "kind", o->basis, "ref", ref, "scope", scope);
    return 0;
}

int baton_handover_context(baton_session *sess, const baton_handover_context_options *o, const char *reason,
                           int *number, baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    json_t *to_ctx = NULL, *receiver = NULL;
    int rc;
    if (!o->to_context)
        return baton_error_set(BATON_EINVALID, "--to-context: required (KIND:INSTITUTION[:GROUP[:MUNICIPALITY]])");
    if ((rc = baton_context_parse(o->to_context, &to_ctx))) {
        const char *rest = strchr(baton_error_last(), ':');
        return baton_error_set(rc, "--to-context%s", rest ? rest : ": invalid");
    }
    if ((o->to_staff != NULL) == (o->receiver != NULL)) {
        json_decref(to_ctx);
        return baton_error_set(BATON_EINVALID, "--to or --receiver: give exactly one: a staff member who takes over "
                                               "here, or \"NAME <EMAIL>\" outside the organisation");
    }
    if (o->receiver && (rc = parse_receiver(o->receiver, &receiver))) {
        json_decref(to_ctx);
        return rc;
    }
    if (o->to_staff && (rc = baton_staff_check_active(store, o->to_staff, "--to"))) {
        json_decref(to_ctx);
        return rc;
    }
    if (receiver && !o->basis) {
        json_decref(to_ctx);
        json_decref(receiver);
        return baton_error_set(BATON_EINVALID, "--basis: required: sharing with a receiver outside the organisation "
                                               "needs the parents' consent or a statutory duty");
    }
    baton_part p = {0};
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        baton_oid_hex head;
        json_t *basis = NULL;
        if ((rc = baton_store_head(store, head)) || (rc = baton_part_open(store, as, head, o->case_id, "context", &p)) ||
            (rc = baton_access_check(sess, BATON_ACCESS_TRANSITION, p.old, NULL)))
            goto next;
        if (o->basis && (rc = make_basis(p.old, o, &basis)))
            goto next;
        if (!o->basis && o->scope) {
            rc = baton_error_set(BATON_EINVALID, "--scope: goes with --basis");
            goto next;
        }
        const char *from = str(json_object_get(p.old, "contact"), "staff");
        json_object_set_new(p.record, "from", json_pack("{s:s, s:O}", "staff", from, "context",
                                                        json_object_get(p.old, "context")));
        if (receiver) {
            json_object_set_new(p.record, "to", json_pack("{s:O, s:O}", "receiver", receiver, "context", to_ctx));
            char today[11];
            baton_date_today(today);
            json_object_set_new(p.doc, "status", json_string("transferred"));
            json_object_set_new(p.doc, "closed", json_string(today)); /* retention counts from it */
        } else {
            json_object_set_new(p.record, "to", json_pack("{s:s, s:O}", "staff", o->to_staff, "context", to_ctx));
            json_object_set(p.doc, "context", to_ctx);
            if (strcmp(from, o->to_staff) != 0)
                set_contact(p.doc, o->to_staff);
        }
        if (basis)
            json_object_set_new(p.record, "basis", basis);
        if ((rc = baton_part_close(store, as, &p, reason)))
            goto next;
        char subject[200];
        snprintf(subject, sizeof subject, "case %s: handover %lld (context%s)", p.id,
                 (long long)json_integer_value(json_object_get(p.record, "number")), receiver ? ", leaves" : "");
        char *msg = baton_commit_message(subject, reason, p.id, as->id);
        rc = msg ? baton_parts_commit(store, as, &p, 1, msg, commit) : baton_error_set(BATON_ERROR, "out of memory");
        free(msg);
        if (rc == 0 && number)
            *number = (int)json_integer_value(json_object_get(p.record, "number"));
    next:
        baton_part_clear(&p);
        if (rc != BATON_ECONFLICT)
            break;
    }
    json_decref(to_ctx);
    json_decref(receiver);
    return rc;
}

/* Loads handover number of case_id at head for an update; version receives its blob id. */
static int load_for_update(baton_store *store, const char *case_id, int number, json_t **out, baton_oid_hex version)
{
    json_t *list, *h = NULL;
    int rc = baton_handover_read_all(store, NULL, case_id, &list);
    *out = NULL;
    if (rc)
        return rc;
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) if (json_integer_value(json_object_get(x, "number")) == number) h = x;
    if (!h) {
        json_decref(list);
        json_t *doc;
        if ((rc = baton_case_load_unchecked(store, NULL, case_id, &doc, NULL)))
            return rc;
        json_decref(doc);
        return baton_error_set(BATON_ENOTFOUND, "case %s has no handover %d", case_id, number);
    }
    snprintf(version, 41, "%s", str(h, "_version"));
    json_object_del(h, "_version");
    *out = json_incref(h);
    json_decref(list);
    return 0;
}

static int update(baton_store *store, const baton_identity *as, const char *case_id, json_t *h, const char *version,
                  const char *what, const char *reason, baton_oid_hex commit)
{
    int rc = baton_record_validate(h, BATON_RECORD_HANDOVER, NULL);
    json_t *doc = NULL;
    if (rc == 0)
        rc = baton_case_load_unchecked(store, NULL, case_id, &doc, NULL);
    if (rc == 0 && reason)
        rc = baton_reason_check(reason, doc);
    json_decref(doc);
    if (rc)
        return rc;
    char path[160], subject[200], label[80];
    int number = (int)json_integer_value(json_object_get(h, "number"));
    baton_handover_path(case_id, number, path, sizeof path);
    snprintf(subject, sizeof subject, "case %s: handover %d: %s", case_id, number, what);
    snprintf(label, sizeof label, "handover %d of case %s", number, case_id);
    char *data = baton_record_dump(h), *msg = baton_commit_message(subject, reason, case_id, as->id);
    if (data && msg) {
        baton_change ch = {path, data, strlen(data), version, label, 0};
        baton_commit_options co = {as->name, as->email, msg, 0};
        rc = baton_store_commit(store, &ch, 1, &co, commit);
    } else {
        rc = baton_error_set(BATON_ERROR, "out of memory");
    }
    free(data);
    free(msg);
    return rc;
}

static int tick(json_t *checklist, const char *item, const char *date, const char *option, const baton_identity *as,
                const char *note)
{
    if (!date)
        return 0;
    char today[11];
    baton_date_today(today);
    if (!baton_date_valid(date))
        return baton_error_set(BATON_EINVALID, "%s: not a date (YYYY-MM-DD): '%.40s'", option, date);
    if (strcmp(date, today) > 0)
        return baton_error_set(BATON_EINVALID, "%s: '%s' is in the future (today is %s)", option, date, today);
    json_t *t = json_pack("{s:s, s:s}", "date", date, "by", as->id);
    if (note && *note) {
        json_t *n = json_string(note);
        if (!n) {
            json_decref(t);
            return baton_error_set(BATON_EINVALID, "--note: not valid UTF-8");
        }
        json_object_set_new(t, "note", n);
    }
    json_object_set_new(checklist, item, t);
    return 0;
}

int baton_handover_checklist(baton_session *sess, const char *case_id, int number, const baton_handover_ticks *t,
                             const char *reason, baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    json_t *h, *doc;
    baton_oid_hex version;
    if (!t->meeting_held && !t->child_prepared && !t->known_adult)
        return baton_error_set(BATON_EUSAGE, "nothing to tick: give --meeting-held, --child-prepared or --known-adult "
                                             "(guardians are informed by 'baton journal add ID --kind contact "
                                             "--handover N ...')");
    int rc = baton_case_load_unchecked(store, NULL, case_id, &doc, NULL);
    if (rc == 0) {
        rc = baton_access_check(sess, BATON_ACCESS_CHANGE, doc, NULL);
        json_decref(doc);
    }
    if (rc || (rc = load_for_update(store, case_id, number, &h, version)))
        return rc;
    if (t->known_adult && strcmp(str(h, "kind"), "context") != 0) {
        json_decref(h);
        return baton_error_set(BATON_EINVALID, "--known-adult: only for context transitions");
    }
    json_t *checklist = json_object_get(h, "checklist");
    if (!checklist)
        json_object_set_new(h, "checklist", checklist = json_object());
    if ((rc = tick(checklist, "meeting_held", t->meeting_held, "--meeting-held", as, t->note)) == 0 &&
        (rc = tick(checklist, "child_prepared", t->child_prepared, "--child-prepared", as, t->note)) == 0 &&
        (rc = tick(checklist, "known_adult", t->known_adult, "--known-adult", as, t->note)) == 0)
        rc = update(store, as, case_id, h, version, "checklist", reason, commit);
    json_decref(h);
    return rc;
}

int baton_handover_ack(baton_session *sess, const char *case_id, int number, const char *reason,
                       baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    json_t *h;
    baton_oid_hex version;
    int rc = load_for_update(store, case_id, number, &h, version);
    if (rc)
        return rc;
    const char *receiver = str(json_object_get(h, "to"), "staff");
    const json_t *ack = json_object_get(h, "acknowledged");
    if (!receiver)
        rc = baton_error_set(BATON_EINVALID, "handover %d of case %s went outside the organisation: the receiving "
                                             "side acknowledges it there", number, case_id);
    else if (strcmp(receiver, as->id) != 0)
        rc = baton_error_set(BATON_EDENIED, "--as: only the receiver (%s) may acknowledge handover %d of case %s",
                             receiver, number, case_id);
    else if (ack)
        rc = baton_error_set(BATON_EINVALID, "handover %d of case %s was already acknowledged by %s at %s", number,
                             case_id, str(ack, "by"), str(ack, "at"));
    if (rc == 0) {
        char at[21];
        baton_now_stamp(at);
        json_object_set_new(h, "acknowledged", json_pack("{s:s, s:s}", "by", as->id, "at", at));
        rc = update(store, as, case_id, h, version, "acknowledged", reason, commit);
    }
    json_decref(h);
    return rc;
}

int baton_contact_history(baton_session *s, const char *case_id, json_t **out)
{
    baton_store *store = s->store;
    json_t *doc, *list;
    *out = NULL;
    int rc = baton_session_open_case(s, NULL, case_id, "contact history", &doc);
    if (rc)
        return rc;
    if ((rc = baton_handover_read_all(store, NULL, case_id, &list))) {
        json_decref(doc);
        return rc;
    }
    json_t *periods = json_array(), *cur = NULL;
    size_t i;
    json_t *h;
    json_array_foreach(list, i, h) {
        const char *from = str(json_object_get(h, "from"), "staff");
        const char *to = str(json_object_get(h, "to"), "staff");
        if (!cur && from) {
            cur = json_pack("{s:s, s:s, s:n, s:n}", "staff", from, "from", str(doc, "opened"), "to", "handover");
            json_array_append_new(periods, cur);
        }
        if (!to || !from || strcmp(from, to) == 0 || strcmp(str(h, "kind"), "onboarding") == 0)
            continue;
        char made[11];
        snprintf(made, sizeof made, "%.10s", str(h, "made"));
        json_object_set_new(cur, "to", json_string(made));
        cur = json_pack("{s:s, s:s, s:n, s:O}", "staff", to, "from", made, "to", "handover",
                        json_object_get(h, "number"));
        json_array_append_new(periods, cur);
    }
    if (!cur)
        json_array_append_new(periods, json_pack("{s:s, s:s, s:n, s:n}", "staff",
                                                 str(json_object_get(doc, "contact"), "staff"), "from",
                                                 str(doc, "opened"), "to", "handover"));
    json_decref(list);
    json_decref(doc);
    *out = periods;
    return 0;
}
