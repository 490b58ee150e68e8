/* Sessions: an authenticated staff member, their role and scope, and why they are here. The one
 * place where reads are authorised and logged (writes are logged by the commit path, from the
 * session that made them), so that no front end can show a child's data the log does not hold. */
#include "baton/session.h"

#include "baton/audit.h"
#include "baton/error.h"
#include "baton/sso.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int baton_session_open(baton_session **out, baton_store *store, const baton_session_options *o)
{
    *out = NULL;
    int rc;
    baton_session *s = calloc(1, sizeof *s);
    if (!s)
        return baton_error_set(BATON_ERROR, "out of memory");
    s->store = store;
    snprintf(s->via, sizeof s->via, "%s", o && o->via ? o->via : "cli");
    s->log_at_flush = o && o->log_at_flush;
    /* no session without an access log that can record what it does */
    if ((rc = baton_audit_ready(store)))
        goto fail;
    if ((rc = baton_identity_load(store, o ? o->staff : NULL, &s->who)) ||
        (rc = baton_staff_get(store, NULL, s->who.id, &s->record)))
        goto fail;
    /* a login too weak for a child's data opens no session at all: nothing can be shown through it */
    if ((rc = baton_sso_assurance_check(store, o ? o->assurance : NULL)))
        goto fail;
    if (o && o->purpose && *o->purpose) {
        if ((rc = baton_line_check(o->purpose, 500, "--purpose")))
            goto fail;
        snprintf(s->purpose, sizeof s->purpose, "%s", o->purpose);
    }
    if (o && o->emergency) {
        if ((rc = baton_line_check(o->emergency, 500, "--emergency")))
            goto fail;
        if (baton_utf8_length(o->emergency) < 10) {
            rc = baton_error_set(BATON_EINVALID, "--emergency: say why this case must be opened now (at least 10 "
                                                 "characters); it is logged and shown to the contact person");
            goto fail;
        }
        snprintf(s->emergency, sizeof s->emergency, "%s", o->emergency);
    }
    *out = s;
    return 0;
fail:
    baton_session_free(s);
    return rc;
}

int baton_session_flush(baton_session *s)
{
    size_t n = json_array_size(s ? s->pending : NULL);
    if (n == 0)
        return 0;
    baton_audit_entry *e = calloc(n, sizeof *e);
    if (!e)
        return baton_error_set(BATON_ERROR, "out of memory");
    size_t i;
    json_t *x;
    json_array_foreach(s->pending, i, x) {
        const char *g = json_string_value(json_object_get(x, "action"));
        e[i] = (baton_audit_entry){s->who.id, g, json_string_value(json_object_get(x, "case")),
                                   json_string_value(json_object_get(x, "query")),
                                   json_string_value(json_object_get(x, "purpose")), NULL};
    }
    int rc = baton_audit_append_many(s->store, e, n);
    free(e);
    if (rc == 0)
        json_array_clear(s->pending);
    return rc;
}

void baton_session_free(baton_session *s)
{
    if (!s)
        return;
    /* kept entries are written even when the front end did not ask (it should have, before it
     * showed anything) */
    if (baton_session_flush(s) != 0)
        baton_error_clear();
    json_decref(s->pending);
    json_decref(s->record);
    free(s);
}

baton_store *baton_session_store(const baton_session *s) { return s->store; }

const baton_identity *baton_session_identity(const baton_session *s) { return &s->who; }

const char *baton_session_role(const baton_session *s) { return json_string_value(json_object_get(s->record, "role")); }

const char *baton_session_institution(const baton_session *s)
{
    const char *i = json_string_value(json_object_get(s->record, "institution"));
    return i ? i : "";
}

const char *baton_session_purpose(const baton_session *s) { return s->purpose; }

int baton_session_read_one(baton_session *s, const json_t *case_doc, int *emergency)
{
    *emergency = 0;
    int rc = baton_access_check(s, BATON_ACCESS_READ, case_doc, NULL);
    if (rc == BATON_EDENIED && s->emergency[0]) {
        baton_error_clear();
        *emergency = 1;
        return 0;
    }
    return rc;
}

int baton_session_log(baton_session *s, const char *action, const json_t *case_ids, const char *query)
{
    size_t n = json_array_size(case_ids);
    int emergency = strcmp(action, "emergency") == 0;
    const char *purpose = emergency ? s->emergency : s->purpose;
    if (s->log_at_flush) {
        if (!s->pending && !(s->pending = json_array()))
            return baton_error_set(BATON_ERROR, "out of memory");
        for (size_t i = 0; i < (n ? n : 1); i++) {
            json_t *x = json_pack("{s:s, s:s?, s:s?, s:s?}", "action", action, "case",
                                  n ? json_string_value(json_array_get(case_ids, i)) : NULL, "query", query, "purpose",
                                  purpose[0] ? purpose : NULL);
            if (!x || json_array_append_new(s->pending, x))
                return baton_error_set(BATON_ERROR, "out of memory");
        }
        return 0;
    }
    if (n == 0) {
        /* a read that showed no case is still a read (a search that found nothing) */
        baton_audit_entry e = {s->who.id, action, NULL, query, purpose[0] ? purpose : NULL, NULL};
        return baton_audit_append(s->store, &e);
    }
    baton_audit_entry *e = calloc(n, sizeof *e);
    if (!e)
        return baton_error_set(BATON_ERROR, "out of memory");
    for (size_t i = 0; i < n; i++)
        e[i] = (baton_audit_entry){s->who.id, action, json_string_value(json_array_get(case_ids, i)), query,
                                   purpose[0] ? purpose : NULL, NULL};
    int rc = baton_audit_append_many(s->store, e, n);
    free(e);
    return rc;
}

int baton_session_log_one(baton_session *s, const char *action, const char *case_id, const char *query)
{
    json_t *ids = json_pack("[s]", case_id);
    int rc = baton_session_log(s, action, ids, query);
    json_decref(ids);
    return rc;
}

int baton_session_open_case(baton_session *s, const char *rev, const char *case_id, const char *query, json_t **out)
{
    json_t *doc;
    int emergency;
    if (out)
        *out = NULL;
    /* the case as it is now decides who may read it, at any revision */
    int rc = baton_case_load_unchecked(s->store, NULL, case_id, &doc, NULL);
    if (rc == BATON_ENOTFOUND && rev)
        rc = baton_case_load_unchecked(s->store, rev, case_id, &doc, NULL);
    if (rc == BATON_ERECORD) {
        /* the record now breaks the rules (written outside Baton): its last valid version says who
         * may read its history, which is where one finds out what happened */
        char msg[1600];
        snprintf(msg, sizeof msg, "%s", baton_error_last());
        baton_case_version *v = NULL;
        size_t n = 0, i = 0;
        if (baton_case_log_unchecked(s->store, NULL, case_id, &v, &n) == 0)
            while (i < n && v[i].problem)
                i++;
        rc = i < n ? baton_case_load_unchecked(s->store, v[i].commit, case_id, &doc, NULL) : BATON_ERECORD;
        baton_case_log_free(v, n);
        if (rc)
            return baton_error_set(BATON_ERECORD, "%s", msg);
    }
    if (rc)
        return rc;
    if ((rc = baton_session_read_one(s, doc, &emergency)) == 0)
        rc = baton_session_log_one(s, emergency ? "emergency" : "read", case_id, query);
    if (rc || !out)
        json_decref(doc);
    else
        *out = doc;
    return rc;
}

int baton_session_filter(baton_session *s, json_t *list, json_t **ids)
{
    json_t *kept = json_array();
    if (ids)
        *ids = json_array();
    size_t i;
    json_t *doc;
    json_array_foreach(list, i, doc) {
        if (baton_access_check(s, BATON_ACCESS_READ, doc, NULL) != 0) {
            baton_error_clear();
            continue;
        }
        json_array_append(kept, doc);
        if (ids)
            json_array_append(*ids, json_object_get(doc, "id"));
    }
    json_array_clear(list);
    json_array_extend(list, kept);
    json_decref(kept);
    return 0;
}
