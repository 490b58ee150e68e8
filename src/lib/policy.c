/* The need-to-know policy (policy.h), as one pure function of a staff record, an action and a case,
 * so that every front end, the access check and `baton case access` all read the same rules. */
#include "baton/policy.h"

#include "baton/error.h"
#include "baton/i18n.h"
#include "session_internal.h"
#include "store_internal.h"
#include "unchecked.h"
#include "json_internal.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the rule is said in the calling thread's language (the web page's, or the CLI's LANGUAGE) */
#define T(s) dgettext("baton", s)

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

static int is(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* The staff member's institution is the case's, or they have none (municipality-wide). */
static int in_scope(const json_t *staff, const json_t *case_doc, char *where, size_t n)
{
    const char *mine = str(staff, "institution");
    const char *theirs = str(json_object_get(case_doc, "context"), "institution");
    if (!mine || !*mine) {
        snprintf(where, n, "%s", T("municipality-wide"));
        return 1;
    }
    snprintf(where, n, T("at %s"), mine);
    return case_doc && is(mine, theirs);
}

static const char *team_role(const json_t *case_doc, const char *id)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(case_doc, "team"), i, m) if (is(str(m, "staff"), id)) return str(m, "role");
    return NULL;
}

static long pending_to(const json_t *handovers, const char *id)
{
    size_t i;
    json_t *h;
    json_array_foreach(handovers, i, h) {
        if (is(str(json_object_get(h, "to"), "staff"), id) && !json_object_get(h, "acknowledged"))
            return (long)json_integer_value(json_object_get(h, "number"));
    }
    return 0;
}

int baton_policy_role_scope(const json_t *staff, baton_access access)
{
    const char *role = str(staff, "role");
    if (access == BATON_ACCESS_READ)
        return is(role, "coordinator") || is(role, "leader") || is(role, "psychologist");
    if (access == BATON_ACCESS_READ_RESTRICTED)
        return is(role, "coordinator") || is(role, "psychologist");
    return 0;
}

const char *baton_policy_rule(const json_t *staff, baton_access access, const json_t *case_doc,
                              const json_t *handovers, char *why, size_t n)
{
    const char *id = str(staff, "id"), *role = str(staff, "role");
    char where[256];
    if (!id || !json_is_true(json_object_get(staff, "active")))
        return NULL;
    int scoped = in_scope(staff, case_doc, where, sizeof where);
    int contact = case_doc && is(str(json_object_get(case_doc, "contact"), "staff"), id);
    const char *team = case_doc ? team_role(case_doc, id) : NULL;
    int coordinator = is(role, "coordinator"), leader = is(role, "leader");
    switch (access) {
    case BATON_ACCESS_READ:
        if (contact)
            snprintf(why, n, "%s", T("contact person"));
        else if (team)
            snprintf(why, n, T("team member (%s)"), team);
        else if (baton_policy_role_scope(staff, access) && scoped)
            snprintf(why, n, "%s %s", baton_i18n_word(role), where);
        else if (pending_to(handovers, id))
            snprintf(why, n, T("receiver of pending handover %ld"), pending_to(handovers, id));
        else
            return NULL;
        return why;
    case BATON_ACCESS_READ_RESTRICTED:
        if (baton_policy_role_scope(staff, access) && scoped)
            snprintf(why, n, "%s %s", baton_i18n_word(role), where);
        else
            return NULL;
        return why;
    case BATON_ACCESS_CHANGE:
        if (contact)
            snprintf(why, n, "%s", T("contact person"));
        else if (team)
            snprintf(why, n, T("team member (%s)"), team);
        else if (coordinator && scoped)
            snprintf(why, n, "%s %s", baton_i18n_word("coordinator"), where);
        else
            return NULL;
        return why;
    case BATON_ACCESS_HANDOVER:
        if (contact)
            snprintf(why, n, "%s", T("contact person"));
        else if (coordinator && scoped)
            snprintf(why, n, "%s %s", baton_i18n_word("coordinator"), where);
        else
            return NULL;
        return why;
    case BATON_ACCESS_TRANSITION:
    case BATON_ACCESS_CREATE:
        if ((coordinator || leader) && scoped)
            snprintf(why, n, "%s %s", baton_i18n_word(role), where);
        else
            return NULL;
        return why;
    case BATON_ACCESS_ADMIN:
        if (coordinator || leader)
            snprintf(why, n, "%s", baton_i18n_word(role));
        else
            return NULL;
        return why;
    }
    return NULL;
}

/* What a refusal says: what the session tried, and who may. */
static const char *const refused[][2] = {
    [BATON_ACCESS_READ] = {"read case", "not its contact person, on its team or receiving a handover of it, nor a "
                                        "coordinator, leader or psychologist in its scope (in an emergency, "
                                        "--emergency PURPOSE opens it; that is logged and shown to its contact person)"},
    [BATON_ACCESS_READ_RESTRICTED] = {"read the restricted journal entries of case",
                                      "only coordinators and psychologists in its scope may"},
    [BATON_ACCESS_CHANGE] = {"change case", "only its contact person, its team and coordinators in its scope may"},
    [BATON_ACCESS_HANDOVER] = {"hand over case", "only its contact person and coordinators in its scope may"},
    [BATON_ACCESS_TRANSITION] = {"move to another context or export case",
                                 "only coordinators and leaders in its scope may"},
    [BATON_ACCESS_CREATE] = {"create a case at", "only coordinators and leaders in its scope may"},
    [BATON_ACCESS_ADMIN] = {"do this", "only coordinators and leaders may change the staff directory, keys and "
                                       "settings, or read the access log"},
};

int baton_access_check(baton_session *s, baton_access access, const json_t *case_doc, char *why)
{
    char buf[160];
    char *w = why ? why : buf;
    if (baton_policy_rule(s->record, access, case_doc, NULL, w, 160))
        return 0;
    /* the receiver of a pending handover reads too: only then are the case's handovers needed */
    if (access == BATON_ACCESS_READ && case_doc && str(case_doc, "id")) {
        json_t *handovers = NULL;
        int found = 0;
        if (baton_handover_read_all(s->store, NULL, str(case_doc, "id"), &handovers) == 0)
            found = baton_policy_rule(s->record, access, case_doc, handovers, w, 160) != NULL;
        baton_error_clear();
        json_decref(handovers);
        if (found)
            return 0;
    }
    const char *role = str(s->record, "role");
    if (access == BATON_ACCESS_ADMIN || !case_doc)
        return baton_error_set(BATON_EDENIED, "%s (%s) may not %s: %s", s->who.id, role, refused[access][0],
                               refused[access][1]);
    const char *what = access == BATON_ACCESS_CREATE ? str(json_object_get(case_doc, "context"), "institution")
                                                     : str(case_doc, "id");
    return baton_error_set(BATON_EDENIED, "%s (%s) may not %s %s: %s", s->who.id, role, refused[access][0],
                           what ? what : "?", refused[access][1]);
}

static int by_staff(const void *a, const void *b)
{
    return strcmp(str(*(json_t *const *)a, "staff"), str(*(json_t *const *)b, "staff"));
}

int baton_case_access(baton_session *s, const char *case_id, json_t **out)
{
    json_t *doc = NULL, *staff = NULL, *handovers = NULL;
    *out = NULL;
    int rc = baton_session_open_case(s, NULL, case_id, "case access", &doc);
    if (rc == 0)
        rc = baton_staff_directory(s->store, &staff);
    if (rc == 0)
        rc = baton_handover_read_all(s->store, NULL, case_id, &handovers);
    if (rc) {
        json_decref(doc);
        json_decref(staff);
        return rc;
    }
    json_t *list = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(staff, i, x) {
        char why[160];
        if (!baton_policy_rule(x, BATON_ACCESS_READ, doc, handovers, why, sizeof why))
            continue;
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s?, s:s}", "staff", str(x, "id"), "name",
                                              str(x, "name"), "role", str(x, "role"), "institution",
                                              str(x, "institution"), "rule", why));
    }
    rc = baton_json_sort(list, by_staff);
    json_decref(doc);
    json_decref(staff);
    json_decref(handovers);
    if (rc)
        json_decref(list);
    else
        *out = list;
    return rc;
}
