/* The journal: append-only entries, one file each, so that what was written about a contact with
 * the home can be trusted later. Appending takes the next entry number; the journal directory's
 * tree id is held as a guard in the commit, so two writers can never both take the same number:
 * the loser is rebuilt on the winner's journal and takes the number after. */
#include "baton/journal.h"

#include "baton/case.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/handover.h"
#include "baton/record.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"
#include "json_internal.h"
#include "journal_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define APPEND_ATTEMPTS 20

const char *const baton_journal_user_kinds[] = {"contact", "meeting", "observation", "status_update", "decision",
                                                NULL};

void baton_journal_dir(const char *case_id, char *out, size_t n)
{
    char dir[96];
    baton_case_dir(case_id, dir, sizeof dir);
    snprintf(out, n, "%s/journal", dir);
}

int baton_journal_id_parse(const char *s, const char *what, char out[16])
{
    const char *digits = s && (s[0] == 'j' || s[0] == 'J') ? s + 1 : s;
    size_t n = digits ? strlen(digits) : 0;
    if (n < 1 || n > 6 || strspn(digits, "0123456789") != n || digits[0] == '0')
        return baton_error_set(BATON_EINVALID, "%s: '%.40s' is not a journal entry id (like j3)", what, s ? s : "");
    snprintf(out, 16, "j%s", digits);
    return 0;
}

static long entry_number(const json_t *entry)
{
    const char *id = json_string_value(json_object_get(entry, "id"));
    return id && id[0] == 'j' ? strtol(id + 1, NULL, 10) : 0;
}

static int by_time(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    const char *ax = json_string_value(json_object_get(x, "at")), *ay = json_string_value(json_object_get(y, "at"));
    int c = strcmp(ax ? ax : "", ay ? ay : "");
    if (c)
        return c;
    long nx = entry_number(x), ny = entry_number(y);
    return nx < ny ? -1 : nx > ny;
}

/* The stored entries, unsorted and without derived members. */
static int load_entries(baton_store *store, const char *rev, const char *case_id, json_t **out)
{
    char dir[128];
    baton_journal_dir(case_id, dir, sizeof dir);
    return baton_store_read_records(store, rev, dir, BATON_RECORD_JOURNAL, NULL, out);
}

static json_t *find_entry(const json_t *list, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) if (strcmp(json_string_value(json_object_get(e, "id")), id) == 0) return e;
    return NULL;
}

int baton_journal_list_unchecked(baton_store *store, const char *rev, const char *case_id, json_t **out)
{
    json_t *doc, *list;
    int rc = baton_case_load_unchecked(store, rev, case_id, &doc, NULL);
    if (rc)
        return rc;
    json_decref(doc);
    if ((rc = load_entries(store, rev, case_id, &list)))
        return rc;
    if ((rc = baton_journal_link(list))) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}

int baton_journal_link(json_t *list)
{
    size_t i;
    int rc = baton_json_sort(list, by_time);
    if (rc)
        return rc;
    json_t *e;
    json_array_foreach(list, i, e) {
        const char *corrects = json_string_value(json_object_get(e, "corrects"));
        const char *closes = json_string_value(json_object_get(e, "closes"));
        json_t *target;
        if (corrects && (target = find_entry(list, corrects))) {
            json_t *by = json_object_get(target, "corrected_by");
            if (!by)
                json_object_set_new(target, "corrected_by", by = json_array());
            json_array_append(by, json_object_get(e, "id"));
        }
        if (closes && (target = find_entry(list, closes)))
            json_object_set(target, "closed_by", json_object_get(e, "id"));
    }
    return 0;
}

/* What a reader who may not read a restricted entry sees of it: that it exists, when, by whom. */
static void withhold(json_t *entry)
{
    static const char *const keep[] = {"id", "case", "kind", "at", "recorded", "by", "restricted", "corrects", "closes",
                                       "corrected_by", "closed_by", NULL};
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(entry, tmp, key, v) {
        const char *const *k = keep;
        while (*k && strcmp(*k, key) != 0)
            k++;
        if (!*k)
            json_object_del(entry, key);
    }
    json_object_set_new(entry, "withheld", json_true());
}

void baton_journal_withhold_restricted(json_t *entries, const char *reader)
{
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) {
        const char *by = json_string_value(json_object_get(e, "by"));
        if (json_is_true(json_object_get(e, "restricted")) && !(reader && by && strcmp(by, reader) == 0))
            withhold(e);
    }
}

int baton_journal_restricted_filter(baton_session *s, const json_t *case_doc, json_t *entries)
{
    char why[160];
    int may = baton_access_check(s, BATON_ACCESS_READ_RESTRICTED, case_doc, why) == 0;
    baton_error_clear();
    if (!may)
        baton_journal_withhold_restricted(entries, s->who.id);
    return 0;
}

int baton_journal_list(baton_session *s, const char *rev, const char *case_id, json_t **out)
{
    json_t *doc;
    *out = NULL;
    int rc = baton_session_open_case(s, rev, case_id, "journal", &doc);
    if (rc == 0 && (rc = baton_journal_list_unchecked(s->store, rev, case_id, out)) == 0)
        baton_journal_restricted_filter(s, doc, *out);
    json_decref(doc);
    return rc;
}

/* ---- appending ---- */

static int check_kind(const char *kind)
{
    for (const char *const *k = baton_journal_user_kinds; *k; k++)
        if (strcmp(*k, kind) == 0)
            return 0;
    if (strcmp(kind, "follow_up_done") == 0)
        return baton_error_set(BATON_EINVALID, "kind: follow_up_done entries are written by 'baton followup done'");
    return baton_error_set(BATON_EINVALID, "kind: '%.40s' is not one of contact|meeting|observation|status_update|decision",
                           kind);
}

/* `at` in its stored form: a date stays a date, a time becomes YYYY-MM-DDTHH:MM:SSZ. */
static int normalise_at(const char *at, char out[21])
{
    time_t t;
    int date_only;
    char today[11];
    baton_date_today(today);
    if (!at) {
        baton_datetime_format(out, baton_now());
        /* a pinned today (BATON_TODAY) wins over the clock, so that demos and tests agree */
        if (strncmp(out, today, 10) != 0)
            snprintf(out, 21, "%s", today);
        return 0;
    }
    if (baton_datetime_parse(at, &t, &date_only))
        return baton_error_prefix(BATON_EINVALID, "at: ");
    if (date_only)
        snprintf(out, 21, "%.10s", at);
    else
        baton_datetime_format(out, t);
    if (strncmp(out, today, 10) > 0)
        return baton_error_set(BATON_EINVALID, "at: '%s' is in the future (today is %s)", out, today);
    return 0;
}

static int check_staff(baton_store *store, const char *id, const char *field)
{
    json_t *rec;
    int rc = baton_staff_get(store, NULL, id, &rec);
    if (rc == BATON_ENOTFOUND)
        return baton_error_set(BATON_ENOTFOUND, "%s: unknown staff member '%.40s' (see 'baton staff list')", field, id);
    if (rc)
        return rc;
    int active = json_is_true(json_object_get(rec, "active"));
    json_decref(rec);
    return active ? 0 : baton_error_set(BATON_EINVALID, "%s: '%s' is no longer active staff", field, id);
}

/* Sorts the people of --with into the case's guardians (by id or by name) and everyone else. */
static int resolve_with(const json_t *case_doc, const baton_journal_new *e, json_t *entry)
{
    json_t *guardians = json_array(), *names = json_array();
    for (size_t i = 0; i < e->nwith; i++) {
        const char *w = e->with[i];
        if (!w || !*w) {
            json_decref(guardians);
            json_decref(names);
            return baton_error_set(BATON_EINVALID, "with: must not be empty");
        }
        const char *gid = NULL;
        size_t k;
        json_t *g;
        json_array_foreach(json_object_get(case_doc, "guardians"), k, g) {
            const char *id = json_string_value(json_object_get(g, "id"));
            const char *name = json_string_value(json_object_get(g, "name"));
            if ((id && strcmp(id, w) == 0) || (name && strcasecmp(name, w) == 0)) {
                gid = id;
                break;
            }
        }
        json_t *v = gid ? json_string(gid) : json_string(w);
        if (!v) {
            json_decref(guardians);
            json_decref(names);
            return baton_error_set(BATON_EINVALID, "with: not valid UTF-8");
        }
        json_t *into = gid ? guardians : names;
        int dup = 0;
        size_t j;
        json_t *x;
        json_array_foreach(into, j, x) dup |= json_equal(x, v);
        if (dup)
            json_decref(v);
        else
            json_array_append_new(into, v);
    }
    if (json_array_size(guardians))
        json_object_set(entry, "guardians", guardians);
    if (json_array_size(names))
        json_object_set(entry, "with", names);
    json_decref(guardians);
    json_decref(names);
    return 0;
}

static int set_string(json_t *obj, const char *key, const char *value)
{
    json_t *v = json_string(value);
    if (!v)
        return baton_error_set(BATON_EINVALID, "%s: not valid UTF-8", key);
    json_object_set_new(obj, key, v);
    return 0;
}

/* Builds the entry from e, checked against the case and its journal as they are at rev. */
static int build_entry(baton_store *store, const json_t *case_doc, const json_t *journal, const baton_identity *as,
                       const baton_journal_new *e, const char *closes, json_t **out)
{
    int rc = 0;
    char at[21];
    json_t *entry = json_object();
    *out = NULL;
    const char *kind = e->kind;
    if (e->corrects) {
        char cid[16];
        if ((rc = baton_journal_id_parse(e->corrects, "corrects", cid)))
            goto fail;
        const json_t *target = find_entry(journal, cid);
        if (!target) {
            rc = baton_error_set(BATON_ENOTFOUND, "corrects: no entry %s in the journal of this case", cid);
            goto fail;
        }
        if (json_object_get(target, "closes")) {
            rc = baton_error_set(BATON_EINVALID, "corrects: %s closes a follow-up; it cannot be corrected", cid);
            goto fail;
        }
        if (!kind)
            kind = json_string_value(json_object_get(target, "kind"));
        json_object_set_new(entry, "corrects", json_string(cid));
    }
    if (closes) {
        kind = "follow_up_done";
        json_object_set_new(entry, "closes", json_string(closes));
    } else {
        if (!kind || !*kind) {
            rc = baton_error_set(BATON_EINVALID, "kind: required (contact|meeting|observation|status_update|decision)");
            goto fail;
        }
        if ((rc = check_kind(kind)))
            goto fail;
        if (!e->text || !*e->text) {
            rc = baton_error_set(BATON_EINVALID, "text: required");
            goto fail;
        }
    }
    if ((rc = set_string(entry, "kind", kind)))
        goto fail;
    if (e->text && *e->text && (rc = set_string(entry, "text", e->text)))
        goto fail;
    if ((rc = normalise_at(e->at, at)))
        goto fail;
    json_object_set_new(entry, "at", json_string(at));
    json_object_set_new(entry, "by", json_string(as->id));
    if ((rc = resolve_with(case_doc, e, entry)))
        goto fail;
    if (e->channel && (rc = set_string(entry, "channel", e->channel)))
        goto fail;
    if (e->follow_up || e->owner) {
        if (!e->follow_up) {
            rc = baton_error_set(BATON_EINVALID, "follow_up.date: required with an owner");
            goto fail;
        }
        if (!e->owner || !*e->owner) {
            rc = baton_error_set(BATON_EINVALID, "follow_up.owner: required: every follow-up has an owner");
            goto fail;
        }
        if (!baton_date_valid(e->follow_up)) {
            rc = baton_error_set(BATON_EINVALID, "follow_up.date: not a date (YYYY-MM-DD): '%.40s'", e->follow_up);
            goto fail;
        }
        json_t *fu = json_object();
        json_object_set_new(entry, "follow_up", fu);
        json_object_set_new(fu, "date", json_string(e->follow_up));
        if ((rc = set_string(fu, "owner", e->owner)))
            goto fail;
    }
    if (e->handover) {
        json_t *h;
        if (strcmp(kind, "contact") != 0 || !json_object_get(entry, "guardians")) {
            rc = baton_error_set(BATON_EINVALID, "handover: only a contact entry with a guardian (--with) informs the "
                                                 "guardians of a handover");
            goto fail;
        }
        if ((rc = baton_handover_get_unchecked(store, NULL, json_string_value(json_object_get(case_doc, "id")),
                                               e->handover, &h))) {
            if (rc == BATON_ENOTFOUND)
                rc = baton_error_set(rc, "handover: case %s has no handover %d",
                                     json_string_value(json_object_get(case_doc, "id")), e->handover);
            goto fail;
        }
        json_decref(h);
        json_object_set_new(entry, "handover", json_integer(e->handover));
    }
    *out = entry;
    return 0;
fail:
    json_decref(entry);
    return rc;
}

/* Everything that can be checked once the entry has its id and time. */
static int check_entry(baton_store *store, json_t *entry, const json_t *case_doc, const char *reason)
{
    int rc = baton_record_validate(entry, BATON_RECORD_JOURNAL, NULL);
    if (rc)
        return rc;
    const char *owner = json_string_value(json_object_get(json_object_get(entry, "follow_up"), "owner"));
    if (owner && (rc = check_staff(store, owner, "follow_up.owner")))
        return rc;
    if (reason && (rc = baton_reason_check(reason, case_doc)))
        return rc;
    return 0;
}

/* <recorded>-<n>.json: one past the highest n */
static int max_number(const char *name, int is_dir, void *ctx)
{
    long *next = ctx;
    const char *dash = strrchr(name, '-');
    long n = dash && !is_dir ? strtol(dash + 1, NULL, 10) : 0;
    if (n >= *next)
        *next = n + 1;
    return 0;
}

int baton_journal_slot(baton_store *store, const char *head, const char *case_id, char dir[128], baton_oid_hex dir_id,
                       long *next)
{
    baton_journal_dir(case_id, dir, 128);
    *next = 1;
    int rc = baton_store_entry_id(store, head, dir, dir_id);
    if (rc == BATON_ENOTFOUND) {
        dir_id[0] = '\0';
        rc = 0;
    }
    /* the next number comes from the file names alone */
    return rc ? rc : baton_store_list(store, head, dir, max_number, next);
}

void baton_journal_number(json_t *entry, const char *case_id, const char *dir, long n, char path[200])
{
    char id[16], recorded[21], stamp[20];
    time_t now = baton_now();
    struct tm tm;
    snprintf(id, sizeof id, "j%ld", n % 10000000);
    baton_datetime_format(recorded, now);
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    json_object_set_new(entry, "id", json_string(id));
    json_object_set_new(entry, "case", json_string(case_id));
    json_object_set_new(entry, "recorded", json_string(recorded));
    snprintf(path, 200, "%s/%s-%ld.json", dir, stamp, n);
}

json_t *baton_journal_move_follow_up(const json_t *entry, const char *owner, const baton_identity *as)
{
    /* the correction says what the entry said, with the new owner: it speaks for the entry from now on */
    json_t *c = json_deep_copy(entry);
    static const char *const drop[] = {"id", "case", "recorded", "corrected_by", "closed_by", "corrects", "handover",
                                       NULL};
    for (const char *const *k = drop; *k; k++)
        json_object_del(c, *k);
    char at[21];
    normalise_at(NULL, at);
    json_object_set_new(c, "at", json_string(at));
    json_object_set_new(c, "by", json_string(as->id));
    json_object_set_new(c, "corrects", json_incref(json_object_get(entry, "id")));
    json_object_set_new(json_object_get(c, "follow_up"), "owner", json_string(owner));
    return c;
}

static int append(baton_session *sess, const char *case_id, const baton_journal_new *e,
                  const char *closes_arg, const char *reason, char id_out[16], baton_oid_hex commit)
{
    baton_store *store = sess->store;
    const baton_identity *as = &sess->who;
    int rc = 0;
    for (int attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
        baton_oid_hex head, dir_id = "";
        json_t *case_doc = NULL, *journal = NULL, *entry = NULL;
        char dir[128], path[200], closes[16] = "";
        if ((rc = baton_store_head(store, head)))
            return rc;
        if ((rc = baton_case_load_unchecked(store, head, case_id, &case_doc, NULL)))
            return rc == BATON_ENOTFOUND ? baton_error_set(rc, "no case with id '%.40s'", case_id) : rc;
        if ((rc = baton_access_check(sess, BATON_ACCESS_CHANGE, case_doc, NULL))) {
            json_decref(case_doc);
            return rc;
        }
        const char *status = json_string_value(json_object_get(case_doc, "status"));
        /* a transferred case is read-only, but the guardians must still hear where it went */
        if (status && strcmp(status, "transferred") == 0 && !e->handover) {
            json_decref(case_doc);
            return baton_error_set(BATON_EINVALID,
                                   "case %s was transferred and is read-only (only a contact entry telling the "
                                   "guardians of the handover, with --handover N, can still be added)",
                                   case_id);
        }
        /* the entries themselves are read only when this one refers to another */
        long next = 1;
        rc = baton_journal_slot(store, head, case_id, dir, dir_id, &next);
        if (rc == 0 && (closes_arg || e->corrects))
            rc = load_entries(store, head, case_id, &journal);
        else if (rc == 0)
            journal = json_array();
        if (rc == 0 && closes_arg) {
            if ((rc = baton_journal_id_parse(closes_arg, "ENTRY", closes)) == 0) {
                json_t *target = find_entry(journal, closes);
                size_t i;
                json_t *x;
                if (!target)
                    rc = baton_error_set(BATON_ENOTFOUND, "ENTRY: no entry %s in the journal of case %s", closes, case_id);
                else if (!json_object_get(target, "follow_up"))
                    rc = baton_error_set(BATON_EINVALID, "ENTRY: %s has no follow-up to close", closes);
                json_array_foreach(journal, i, x) {
                    const char *c = json_string_value(json_object_get(x, "closes"));
                    const char *k = json_string_value(json_object_get(x, "corrects"));
                    const char *xid = json_string_value(json_object_get(x, "id"));
                    if (rc == 0 && c && strcmp(c, closes) == 0)
                        rc = baton_error_set(BATON_EINVALID, "ENTRY: the follow-up of %s was already closed by %s",
                                             closes, xid);
                    if (rc == 0 && k && strcmp(k, closes) == 0)
                        rc = baton_error_set(BATON_EINVALID,
                                             "ENTRY: %s was corrected by %s; the correction's follow-up is the one "
                                             "that counts",
                                             closes, xid);
                }
            }
        }
        if (rc == 0)
            rc = build_entry(store, case_doc, journal, as, e, closes_arg ? closes : NULL, &entry);
        /* a restricted entry stays restricted in what follows it: its correction, its closing */
        if (rc == 0) {
            const json_t *target = find_entry(journal, closes_arg ? closes : e->corrects ? json_string_value(
                                                                               json_object_get(entry, "corrects"))
                                                                                         : "");
            if (e->restricted || json_is_true(json_object_get(target, "restricted")))
                json_object_set_new(entry, "restricted", json_true());
        }

        char id[16] = "";
        if (rc == 0) {
            baton_journal_number(entry, case_id, dir, next, path);
            snprintf(id, sizeof id, "%s", json_string_value(json_object_get(entry, "id")));
            rc = check_entry(store, entry, case_doc, reason);
        }
        char *data = NULL, *msg = NULL;
        if (rc == 0) {
            char subject[160], label[80];
            snprintf(subject, sizeof subject, "case %s: journal %s (%s)", case_id, id,
                     json_string_value(json_object_get(entry, "kind")));
            snprintf(label, sizeof label, "journal of case %s", case_id);
            data = baton_record_dump(entry);
            msg = baton_commit_message(subject, reason, case_id, as->id);
            if (!data || !msg) {
                rc = baton_error_set(BATON_ERROR, "out of memory");
            } else {
                baton_change ch[2] = {{path, data, strlen(data), "", label, 0}, {dir, NULL, 0, dir_id, label, 1}};
                baton_commit_options co = {as->name, as->email, msg, 0};
                rc = baton_store_commit(store, ch, 2, &co, commit);
            }
        }
        free(data);
        free(msg);
        json_decref(entry);
        json_decref(journal);
        json_decref(case_doc);
        if (rc == 0) {
            snprintf(id_out, 16, "%s", id);
            return 0;
        }
        if (rc != BATON_ECONFLICT)
            return rc;
        /* someone appended meanwhile: look again and take the next number */
    }
    return rc;
}

int baton_journal_add(baton_session *s, const char *case_id, const baton_journal_new *e, const char *reason,
                      char id_out[16], baton_oid_hex commit)
{
    return append(s, case_id, e, NULL, reason, id_out, commit);
}

int baton_followup_close(baton_session *s, const char *case_id, const char *entry, const char *note,
                         const char *reason, char id_out[16], baton_oid_hex commit)
{
    baton_journal_new e = {0};
    e.text = note;
    return append(s, case_id, &e, entry ? entry : "", reason, id_out, commit);
}
