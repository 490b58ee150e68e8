/* The JSON Schemas in schemas/ and the C field tables (src/lib/schema.c) state the same rules:
 * this walks every table alongside its schema and fails on any difference in members, required
 * members, types, enums, lengths, list sizes, integer ranges, formats or id patterns. The record
 * corpus (tests/e2e/t_schema.sh) then checks verdicts; this checks the rules themselves, so a
 * field added on one side only cannot slip through for want of a record that uses it. */
#include "unit.h"

#include <baton/record.h>

#include <stdio.h>
#include <string.h>

#define SHORT_PATTERN "^[^\\u0000-\\u001f]*$"
#define TEXT_PATTERN "^[^\\u0000-\\u0008\\u000b-\\u001f]*$"
#define ID_PATTERN "^[a-z0-9][a-z0-9._-]{0,31}$"
#define LOCALID_PATTERN "^[a-z][0-9]{1,6}$"
#define DATE_PATTERN "^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$"
#define DATETIME_PATTERN "^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"

typedef struct {
    const json_t *root; /* the schema document, for $ref */
    char problems[8192];
} walk;

static void problem(walk *w, const char *path, const char *what)
{
    size_t n = strlen(w->problems);
    snprintf(w->problems + n, sizeof w->problems - n, "%s: %s\n", path[0] ? path : "(record)", what);
}

/* A schema node with its local $ref followed (#/$defs/x). */
static const json_t *deref(walk *w, const json_t *s)
{
    const char *ref = json_string_value(json_object_get(s, "$ref"));
    if (ref && strncmp(ref, "#/$defs/", 8) == 0)
        return json_object_get(json_object_get(w->root, "$defs"), ref + 8);
    return s;
}

static const char *sget(const json_t *s, const char *k) { return json_string_value(json_object_get(s, k)); }

static void expect_str(walk *w, const char *path, const json_t *s, const char *key, const char *want)
{
    const char *have = sget(s, key);
    if (!have || strcmp(have, want) != 0) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s is %s%s%s, the C rule says %s", key, have ? "\"" : "", have ? have : "missing",
                 have ? "\"" : "", want);
        problem(w, path, msg);
    }
}

static void expect_int(walk *w, const char *path, const json_t *s, const char *key, long long want)
{
    const json_t *v = json_object_get(s, key);
    if (!json_is_integer(v) || json_integer_value(v) != want) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s should be %lld", key, want);
        problem(w, path, msg);
    }
}

static void expect_absent(walk *w, const char *path, const json_t *s, const char *key)
{
    if (json_object_get(s, key)) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s is not a C rule here", key);
        problem(w, path, msg);
    }
}

static void compare(walk *w, const baton_field *f, const json_t *node, const char *path);

static void compare_object(walk *w, const baton_field *fields, const json_t *s, const char *path)
{
    char sub[512];
    expect_str(w, path, s, "type", "object");
    if (!json_is_false(json_object_get(s, "additionalProperties")))
        problem(w, path, "additionalProperties must be false (the C validator refuses unknown fields)");
    const json_t *props = json_object_get(s, "properties"), *req = json_object_get(s, "required");
    size_t nfields = 0, nreq = 0;
    for (const baton_field *m = fields; m->name; m++) {
        nfields++;
        snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", m->name);
        const json_t *ms = json_object_get(props, m->name);
        if (!ms) {
            problem(w, sub, "in the C table, missing from the schema");
            continue;
        }
        int required = 0;
        size_t i;
        json_t *r;
        json_array_foreach(req, i, r) required |= strcmp(json_string_value(r), m->name) == 0;
        if (required != !!(m->flags & BATON_FIELD_REQUIRED))
            problem(w, sub, required ? "required in the schema only" : "required in C only");
        nreq += required;
        compare(w, m, ms, sub);
    }
    if (json_object_size(props) != nfields) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)props, k, v) {
            const baton_field *m = fields;
            while (m->name && strcmp(m->name, k) != 0)
                m++;
            if (!m->name) {
                snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", k);
                problem(w, sub, "in the schema, missing from the C table");
            }
        }
    }
    if (json_array_size(req) != nreq)
        problem(w, path, "required names a member that is not there");
}

static void compare_string(walk *w, const baton_field *f, const json_t *s, const char *path)
{
    expect_str(w, path, s, "type", "string");
    switch (f->kind) {
    case BATON_FIELD_STRING:
        expect_int(w, path, s, "minLength", 1);
        expect_int(w, path, s, "maxLength", (long long)(f->max ? f->max : BATON_SHORT_MAX));
        expect_str(w, path, s, "pattern", SHORT_PATTERN);
        break;
    case BATON_FIELD_TEXT:
        expect_int(w, path, s, "minLength", 1);
        expect_int(w, path, s, "maxLength", (long long)(f->max ? f->max : BATON_TEXT_MAX));
        expect_str(w, path, s, "pattern", TEXT_PATTERN);
        break;
    case BATON_FIELD_DATE:
        expect_str(w, path, s, "format", "date");
        expect_str(w, path, s, "pattern", DATE_PATTERN);
        break;
    case BATON_FIELD_DATETIME:
        expect_str(w, path, s, "format", "date-time");
        expect_str(w, path, s, "pattern", DATETIME_PATTERN);
        break;
    case BATON_FIELD_STAFF:
    case BATON_FIELD_ID:
        expect_str(w, path, s, "pattern", ID_PATTERN);
        break;
    case BATON_FIELD_LOCALID:
        expect_str(w, path, s, "pattern", LOCALID_PATTERN);
        break;
    case BATON_FIELD_EMAIL:
        expect_int(w, path, s, "maxLength", 254);
        break;
    case BATON_FIELD_PHONE:
        expect_int(w, path, s, "minLength", 3);
        expect_int(w, path, s, "maxLength", 25);
        break;
    case BATON_FIELD_OID:
        expect_str(w, path, s, "pattern", "^[0-9a-f]{40}$");
        break;
    case BATON_FIELD_HEX: {
        char want[32];
        snprintf(want, sizeof want, "^[0-9a-f]{%zu}$", f->max);
        expect_str(w, path, s, "pattern", want);
        break;
    }
    case BATON_FIELD_PUBKEY:
        expect_str(w, path, s, "pattern", "^[A-Za-z0-9+/]{43}=$");
        break;
    case BATON_FIELD_ZONE:
        expect_int(w, path, s, "maxLength", 64);
        expect_str(w, path, s, "pattern", "^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$");
        break;
    default:
        break;
    }
}

static void compare(walk *w, const baton_field *f, const json_t *node, const char *path)
{
    const json_t *s = deref(w, node);
    if (!s) {
        problem(w, path, "a $ref that leads nowhere");
        return;
    }
    switch (f->kind) {
    case BATON_FIELD_OBJECT:
        compare_object(w, f->fields, s, path);
        break;
    case BATON_FIELD_ARRAY: {
        char sub[512];
        expect_str(w, path, s, "type", "array");
        expect_int(w, path, s, "maxItems", (long long)f->max);
        if (f->flags & BATON_FIELD_REQUIRED)
            expect_int(w, path, s, "minItems", 1);
        else
            expect_absent(w, path, s, "minItems");
        /* C refuses duplicates in lists of enum values and of element ids */
        int unique = f->fields->kind == BATON_FIELD_ENUM || f->fields->kind == BATON_FIELD_LOCALID;
        if (unique != json_is_true(json_object_get(s, "uniqueItems")))
            problem(w, path, unique ? "uniqueItems missing (C refuses duplicates)" : "uniqueItems is not a C rule here");
        snprintf(sub, sizeof sub, "%s[]", path);
        compare(w, f->fields, json_object_get(s, "items"), sub);
        break;
    }
    case BATON_FIELD_BOOL:
        expect_str(w, path, s, "type", "boolean");
        break;
    case BATON_FIELD_INT:
        expect_str(w, path, s, "type", "integer");
        expect_int(w, path, s, "minimum", f->min);
        if (f->max)
            expect_int(w, path, s, "maximum", (long long)f->max);
        else
            expect_absent(w, path, s, "maximum");
        break;
    case BATON_FIELD_ENUM: {
        const json_t *e = json_object_get(s, "enum");
        size_t n = 0;
        for (const char *const *v = f->values; *v; v++, n++) {
            const char *have = json_string_value(json_array_get(e, n));
            if (!have || strcmp(have, *v) != 0) {
                problem(w, path, "enum values differ from the C table (or their order)");
                break;
            }
        }
        if (json_array_size(e) != n)
            problem(w, path, "enum has a different number of values");
        break;
    }
    case BATON_FIELD_WHEN: {
        const json_t *any = json_object_get(s, "anyOf");
        baton_field date = *f, datetime = *f;
        date.kind = BATON_FIELD_DATE;
        datetime.kind = BATON_FIELD_DATETIME;
        if (json_array_size(any) != 2) {
            problem(w, path, "a date or a time: anyOf of two");
            break;
        }
        compare(w, &date, json_array_get(any, 0), path);
        compare(w, &datetime, json_array_get(any, 1), path);
        break;
    }
    default:
        compare_string(w, f, s, path);
        break;
    }
}

static void check_kind(baton_record_kind kind, const char *file)
{
    char path[256];
    json_error_t err;
    snprintf(path, sizeof path, "schemas/%s", file);
    json_t *schema = json_load_file(path, 0, &err);
    ck_assert_msg(schema != NULL, "%s: %s (run from the source tree)", path, err.text);
    walk w = {schema, ""};
    compare_object(&w, baton_record_spec(kind)->fields, schema, "");
    ck_assert_msg(w.problems[0] == '\0', "%s and the C table differ:\n%s", file, w.problems);
    json_decref(schema);
}

START_TEST(case_schema_matches) { check_kind(BATON_RECORD_CASE, "case.schema.json"); }
END_TEST
START_TEST(staff_schema_matches) { check_kind(BATON_RECORD_STAFF, "staff.schema.json"); }
END_TEST
START_TEST(store_schema_matches) { check_kind(BATON_RECORD_STORE, "store.schema.json"); }
END_TEST
START_TEST(journal_schema_matches) { check_kind(BATON_RECORD_JOURNAL, "journal.schema.json"); }
END_TEST
START_TEST(handover_schema_matches) { check_kind(BATON_RECORD_HANDOVER, "handover.schema.json"); }
END_TEST
START_TEST(trust_schema_matches) { check_kind(BATON_RECORD_TRUST, "trust.schema.json"); }
END_TEST
START_TEST(erasure_schema_matches) { check_kind(BATON_RECORD_ERASURE, "erasure.schema.json"); }
END_TEST

/* The comparison itself must be able to fail: a schema with one rule loosened is caught. */
START_TEST(a_loosened_schema_is_caught)
{
    json_error_t err;
    json_t *schema = json_load_file("schemas/staff.schema.json", 0, &err);
    ck_assert_ptr_nonnull(schema);
    json_object_set_new(json_object_get(json_object_get(schema, "properties"), "role"), "enum",
                        json_pack("[s, s]", "teacher", "overlord"));
    json_object_del(json_object_get(schema, "properties"), "left");
    walk w = {schema, ""};
    compare_object(&w, baton_record_spec(BATON_RECORD_STAFF)->fields, schema, "");
    ck_assert_ptr_nonnull(strstr(w.problems, "role: enum"));
    ck_assert_ptr_nonnull(strstr(w.problems, "left: in the C table, missing from the schema"));
    json_decref(schema);
}
END_TEST

Suite *schema_suite(void)
{
    Suite *s = suite_create("schema");
    TCase *t = tcase_create("schemas agree with the C tables");
    tcase_add_test(t, case_schema_matches);
    tcase_add_test(t, staff_schema_matches);
    tcase_add_test(t, store_schema_matches);
    tcase_add_test(t, journal_schema_matches);
    tcase_add_test(t, handover_schema_matches);
    tcase_add_test(t, trust_schema_matches);
    tcase_add_test(t, erasure_schema_matches);
    tcase_add_test(t, a_loosened_schema_is_caught);
    suite_add_tcase(s, t);
    return s;
}
