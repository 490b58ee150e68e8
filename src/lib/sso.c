/* Single sign-on: who the trusted proxy says the person is, and whether their login is strong
 * enough to be shown a child's data. The proxy does the protocol (OIDC, SAML); the store only maps
 * the name it passes to a staff record, by the setting sso_match, and refuses, in the access log
 * too, anyone it cannot map to exactly one active staff member: a login never makes an account. */
#include "baton/sso.h"

#include "baton/audit.h"
#include "baton/error.h"
#include "baton/staff.h"
#include "store_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The refusal, in the access log: what was presented (and as what), the staff id when one was
 * found, and which refusal (unknown, ambiguous, left). 0 once it is written. */
static int log_refusal(baton_store *store, const char *match, const char *value, const char *staff, const char *why)
{
    char query[400];
    snprintf(query, sizeof query, "%s: %.300s", match, value);
    baton_audit_entry e = {staff ? staff : "-", "sso-refused", NULL, query, why, NULL};
    /* nothing is refused, or shown, that the log does not hold */
    return baton_audit_append(store, &e);
}

int baton_sso_identify(baton_store *store, const char *value, char staff[64])
{
    staff[0] = '\0';
    const char *match = baton_store_config_string(store, "sso_match");
    if (!match)
        match = "email";
    if (!value || !*value || strlen(value) > 300) {
        int rc = log_refusal(store, match, value && strlen(value) <= 300 ? value : "", NULL, "nobody named");
        return rc ? rc : baton_error_set(BATON_EDENIED, "the identity provider named nobody Baton can look up");
    }
    json_t *dir;
    int rc = baton_staff_directory(store, &dir);
    if (rc)
        return rc;
    const json_t *found = NULL;
    int many = 0;
    size_t i;
    json_t *x;
    json_array_foreach(dir, i, x) {
        const char *mine = json_string_value(json_object_get(x, strcmp(match, "staff_id") == 0 ? "id" : match));
        int same = mine && (strcmp(match, "email") == 0 ? strcasecmp(mine, value) == 0 : strcmp(mine, value) == 0);
        if (!same)
            continue;
        /* one who has left and a present one with the same address: the present one is meant */
        int active = json_is_true(json_object_get(x, "active"));
        if (found && active && json_is_true(json_object_get(found, "active")))
            many = 1;
        else if (!found || active)
            found = x;
    }
    char who[64] = "";
    if (found)
        snprintf(who, sizeof who, "%s", json_string_value(json_object_get(found, "id")));
    int left = found && !json_is_true(json_object_get(found, "active"));
    json_decref(dir);
    if (found && !many && !left) {
        snprintf(staff, 64, "%s", who);
        return 0;
    }
    rc = log_refusal(store, match, value, found && !many ? who : NULL, !found ? "unknown" : many ? "ambiguous" : "left");
    if (rc)
        return rc;
    if (!found)
        return baton_error_set(BATON_EDENIED, "you are not in this store's staff directory (your login names you by "
                                              "%s): ask a coordinator to add you, or to add this identity to your "
                                              "staff record",
                               strcmp(match, "staff_id") == 0 ? "staff id" : match);
    if (many)
        return baton_error_set(BATON_EDENIED, "more than one staff member has this identity (%s): a coordinator must "
                                              "correct the staff directory before you can log in",
                               match);
    return baton_error_set(BATON_EDENIED, "you have left, by the staff directory: a login no longer opens Baton for you");
}

/* The rank of level among the space-separated levels (1 = lowest), or 0. */
static int rank_of(const char *levels, const char *level)
{
    size_t n = strlen(level);
    int rank = 0;
    for (const char *p = levels; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        rank++;
        if (len == n && strncmp(p, level, n) == 0)
            return rank;
        p += len;
    }
    return 0;
}

int baton_sso_settings_check(const char *levels, const char *min)
{
    if (min && !levels)
        return baton_error_set(BATON_EINVALID, "sso_assurance_min: set sso_assurance_levels first (the provider's "
                                               "levels, lowest first, separated by spaces)");
    if (min && (strchr(min, ' ') || !rank_of(levels, min)))
        return baton_error_set(BATON_EINVALID, "sso_assurance_min: '%.100s' is not one of sso_assurance_levels (%.100s)",
                               min, levels);
    return 0;
}

int baton_sso_assurance_check(baton_store *store, const char *level)
{
    const char *levels = baton_store_config_string(store, "sso_assurance_levels"), *min = baton_store_config_string(store, "sso_assurance_min");
    if (!level || !*level || !min || !levels)
        return 0;
    int have = rank_of(levels, level), need = rank_of(levels, min);
    if (have && have >= need)
        return 0;
    return baton_error_set(BATON_EDENIED, "your login's assurance level (%.100s) is below what this store requires "
                                          "to show a child's data (%.100s): log out and log in again with a stronger "
                                          "method",
                           level, min);
}
