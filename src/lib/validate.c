/* The record validator: walks a document alongside its field table and reports every problem
 * with the field path (`plan.measures[2].review_by: not a date (YYYY-MM-DD)`), so that a person
 * fixing a record in an editor sees all of them at once. */
#include "baton/date.h"
#include "baton/error.h"
#include "baton/record.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void baton_errors_free(baton_errors *errs)
{
    if (!errs)
        return;
    for (size_t i = 0; i < errs->count; i++)
        free(errs->items[i]);
    free(errs->items);
    errs->items = NULL;
    errs->count = errs->cap = 0;
}

void baton_errors_add(baton_errors *errs, const char *message)
{
    if (errs->count == errs->cap) {
        size_t cap = errs->cap ? errs->cap * 2 : 8;
        char **items = realloc(errs->items, cap * sizeof *items);
        if (!items)
            return;
        errs->items = items;
        errs->cap = cap;
    }
    errs->items[errs->count++] = strdup(message);
}

typedef struct {
    baton_errors *errs;
    int failed;
} vstate;

__attribute__((format(printf, 3, 4))) static void fail(vstate *st, const char *path, const char *fmt, ...)
{
    char msg[1024], line[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s: %s", path[0] ? path : "(record)", msg);
    if (!st->failed)
        baton_error_set(BATON_EINVALID, "%s", line);
    st->failed++;
    if (st->errs)
        baton_errors_add(st->errs, line);
}

int baton_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        unsigned cp;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if ((size_t)(end - p) <= n)
            return 0;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        /* overlong forms, surrogates and values past U+10FFFF are not UTF-8 */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return 0;
        p += n + 1;
    }
    return 1;
}

size_t baton_utf8_length(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

static int valid_id(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '.' || c == '_' || c == '-'));
        if (!ok)
            return 0;
    }
    return 1;
}

static int valid_localid(const char *s)
{
    if (s[0] < 'a' || s[0] > 'z')
        return 0;
    size_t n = strlen(s + 1);
    if (n < 1 || n > 6)
        return 0;
    for (size_t i = 1; s[i]; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int valid_email(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || strlen(s) > 254)
        return 0;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ')
            return 0;
    const char *dot = strrchr(at + 1, '.');
    return dot && dot > at + 1 && dot[1] != '\0';
}

static int valid_phone(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 25)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (i == 0 && c == '+') || (i > 0 && (c == ' ' || c == '-'))))
            return 0;
    }
    return s[0] == '+' ? (s[1] >= '0' && s[1] <= '9') : 1;
}

/* Control characters are refused; long texts may keep newlines and tabs. */
static const char *bad_char(const char *s, int text)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 && !(text && (*p == '\n' || *p == '\t')))
            return "contains a control character";
    return NULL;
}

static void check_value(vstate *st, const json_t *v, const baton_field *f, const char *path);

static void check_object(vstate *st, const json_t *v, const baton_field *fields, const char *path)
{
    char sub[512];
    const char *key;
    json_t *member;
    json_object_foreach((json_t *)v, key, member) {
        const baton_field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", key);
        if (!f->name)
            fail(st, sub, "unknown field");
        else
            check_value(st, member, f, sub);
    }
    for (const baton_field *f = fields; f->name; f++) {
        if ((f->flags & BATON_FIELD_REQUIRED) && !json_object_get(v, f->name)) {
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", f->name);
            fail(st, sub, "required");
        }
    }
}

static void check_array(vstate *st, const json_t *v, const baton_field *f, const char *path)
{
    char sub[512];
    size_t n = json_array_size(v);
    if (n > f->max)
        fail(st, path, "too many items (%zu, at most %zu)", n, f->max);
    if (n == 0 && (f->flags & BATON_FIELD_REQUIRED))
        fail(st, path, "must not be empty");
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(v, i);
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        check_value(st, item, f->fields, sub);
        /* elements are addressed by key (or, for enum lists, by value): both must be unique */
        for (size_t j = 0; j < i; j++) {
            const json_t *other = json_array_get(v, j);
            const json_t *a = f->key ? json_object_get(item, f->key) : item;
            const json_t *b = f->key ? json_object_get(other, f->key) : other;
            if ((f->key || f->fields->kind == BATON_FIELD_ENUM || f->fields->kind == BATON_FIELD_LOCALID) && a && b && json_is_string(a) &&
                json_equal((json_t *)a, (json_t *)b)) {
                if (f->key)
                    snprintf(sub, sizeof sub, "%s[%zu].%s", path, i, f->key);
                fail(st, sub, "duplicate value '%s'", json_string_value(a));
                break;
            }
        }
    }
}

static void check_string(vstate *st, const json_t *v, const baton_field *f, const char *path)
{
    const char *s = json_string_value(v);
    size_t bytes = json_string_length(v);
    if (strlen(s) != bytes) {
        fail(st, path, "contains a NUL character");
        return;
    }
    if (!baton_utf8_valid(s, bytes)) {
        fail(st, path, "not valid UTF-8");
        return;
    }
    if (bytes == 0) {
        fail(st, path, "must not be empty");
        return;
    }
    switch (f->kind) {
    case BATON_FIELD_STRING:
    case BATON_FIELD_TEXT: {
        size_t max = f->max ? f->max : BATON_SHORT_MAX;
        size_t len = baton_utf8_length(s);
        const char *why = bad_char(s, f->kind == BATON_FIELD_TEXT);
        if (len > max)
            fail(st, path, "too long (%zu characters, at most %zu)", len, max);
        else if (why)
            fail(st, path, "%s", why);
        break;
    }
    case BATON_FIELD_DATE:
        if (!baton_date_valid(s))
            fail(st, path, "not a date (YYYY-MM-DD): '%.40s'", s);
        break;
    case BATON_FIELD_DATETIME:
        if (!baton_datetime_valid(s))
            fail(st, path, "not a UTC time (YYYY-MM-DDTHH:MM:SSZ): '%.40s'", s);
        break;
    case BATON_FIELD_WHEN:
        if (!baton_date_valid(s) && !baton_datetime_valid(s))
            fail(st, path, "not a date or UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ): '%.40s'", s);
        break;
    case BATON_FIELD_ENUM: {
        const char *const *e = f->values;
        while (*e && strcmp(*e, s) != 0)
            e++;
        if (!*e) {
            char allowed[256] = "";
            for (e = f->values; *e; e++) {
                strncat(allowed, *e, sizeof allowed - strlen(allowed) - 2);
                if (e[1])
                    strncat(allowed, "|", sizeof allowed - strlen(allowed) - 1);
            }
            fail(st, path, "'%.40s' is not one of %s", s, allowed);
        }
        break;
    }
    case BATON_FIELD_STAFF:
    case BATON_FIELD_ID:
        if (!valid_id(s))
            fail(st, path, "'%.40s' is not a valid id (1-32 of a-z 0-9 . _ -, starting with a letter or digit)", s);
        break;
    case BATON_FIELD_LOCALID:
        if (!valid_localid(s))
            fail(st, path, "'%.40s' is not a valid element id (a letter and a number, like m3)", s);
        break;
    case BATON_FIELD_OID:
        if (strlen(s) != 40 || strspn(s, "0123456789abcdef") != 40)
            fail(st, path, "'%.44s' is not a revision (40 hex digits)", s);
        break;
    case BATON_FIELD_HEX:
        if (strlen(s) != f->max || strspn(s, "0123456789abcdef") != f->max)
            fail(st, path, "'%.70s' is not %zu lowercase hex digits", s, f->max);
        break;
    case BATON_FIELD_PUBKEY:
        if (strlen(s) != 44 || s[43] != '=' ||
            strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") != 43)
            fail(st, path, "'%.50s' is not an Ed25519 public key in base64", s);
        break;
    case BATON_FIELD_ZONE: {
        /* the name's form only: whether this machine knows the zone is asked when it is set */
        size_t len = strlen(s);
        int ok = len > 0 && len <= 64 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
                 strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") == len &&
                 !strstr(s, "//") && s[len - 1] != '/';
        if (!ok)
            fail(st, path, "'%.70s' is not a time zone name (like Europe/Copenhagen)", s);
        break;
    }
    case BATON_FIELD_EMAIL:
        if (!valid_email(s))
            fail(st, path, "'%.60s' is not an e-mail address", s);
        break;
    case BATON_FIELD_PHONE:
        if (!valid_phone(s))
            fail(st, path, "'%.40s' is not a phone number (digits, spaces, dashes, optional leading +)", s);
        break;
    default:
        break;
    }
}

static const char *kind_noun(baton_field_kind k)
{
    switch (k) {
    case BATON_FIELD_OBJECT: return "an object";
    case BATON_FIELD_ARRAY: return "a list";
    case BATON_FIELD_BOOL: return "true or false";
    case BATON_FIELD_INT: return "a whole number";
    default: return "a string";
    }
}

static void check_value(vstate *st, const json_t *v, const baton_field *f, const char *path)
{
    int ok;
    switch (f->kind) {
    case BATON_FIELD_OBJECT: ok = json_is_object(v); break;
    case BATON_FIELD_ARRAY: ok = json_is_array(v); break;
    case BATON_FIELD_BOOL: ok = json_is_boolean(v); break;
    case BATON_FIELD_INT: ok = json_is_integer(v); break;
    default: ok = json_is_string(v); break;
    }
    if (!ok) {
        fail(st, path, "must be %s", kind_noun(f->kind));
        return;
    }
    switch (f->kind) {
    case BATON_FIELD_OBJECT: check_object(st, v, f->fields, path); break;
    case BATON_FIELD_ARRAY: check_array(st, v, f, path); break;
    case BATON_FIELD_INT: {
        json_int_t n = json_integer_value(v);
        if (n < f->min || (f->max && (unsigned long long)n > f->max))
            fail(st, path, "%lld is out of range (%lld to %zu)", (long long)n, f->min, f->max);
        break;
    }
    case BATON_FIELD_BOOL: break;
    default: check_string(st, v, f, path); break;
    }
}

/* What a field table cannot say about a case: consents are given by the case's own guardians,
 * and a child is not born in the future. (The JSON Schema cannot say either; the README and the
 * schema's description do.) */
static void check_case(vstate *st, const json_t *doc)
{
    size_t i, j, k;
    json_t *c, *g, *x;
    char path[64], today[11];
    json_array_foreach(json_object_get(doc, "consents"), i, c) {
        json_array_foreach(json_object_get(c, "given_by"), j, g) {
            int found = 0;
            json_array_foreach(json_object_get(doc, "guardians"), k, x) found |=
                json_is_string(g) && json_equal(json_object_get(x, "id"), g);
            snprintf(path, sizeof path, "consents[%zu].given_by[%zu]", i, j);
            if (!found && json_is_string(g))
                fail(st, path, "'%.40s' is not a guardian of this case", json_string_value(g));
        }
    }
    const char *status = json_string_value(json_object_get(doc, "status"));
    if (status && strcmp(status, "active") == 0 && json_object_get(doc, "closed"))
        fail(st, "closed", "only a closed or transferred case has a closing day");
    const char *born = json_string_value(json_object_get(json_object_get(doc, "child"), "born"));
    baton_date_today(today);
    if (born && baton_date_valid(born) && strcmp(born, today) > 0)
        fail(st, "child.born", "%s is in the future (today is %s)", born, today);
}

int baton_record_validate(const json_t *doc, baton_record_kind kind, baton_errors *errs)
{
    vstate st = {errs, 0};
    const baton_field *root = baton_record_spec(kind);
    if (!json_is_object(doc)) {
        fail(&st, "", "a %s record must be a JSON object", root->name);
        return BATON_EINVALID;
    }
    check_object(&st, doc, root->fields, "");
    if (kind == BATON_RECORD_CASE)
        check_case(&st, doc);
    /* what a field table cannot say: a journal entry closing a follow-up names the entry it
     * closes, and every other entry has a text (the JSON Schema says it with if/then/else) */
    if (kind == BATON_RECORD_JOURNAL) {
        const char *k = json_string_value(json_object_get(doc, "kind"));
        if (k && strcmp(k, "follow_up_done") == 0 && !json_object_get(doc, "closes"))
            fail(&st, "closes", "required when kind is follow_up_done");
        else if (k && strcmp(k, "follow_up_done") != 0 && !json_object_get(doc, "text"))
            fail(&st, "text", "required");
    }
    /* a revocation says when and by whom, both or neither */
    if (kind == BATON_RECORD_TRUST && !json_object_get(doc, "revoked") != !json_object_get(doc, "revoked_by"))
        fail(&st, json_object_get(doc, "revoked") ? "revoked_by" : "revoked", "required with %s",
             json_object_get(doc, "revoked") ? "revoked" : "revoked_by");
    return st.failed ? BATON_EINVALID : 0;
}

int baton_field_validate(const json_t *v, const baton_field *f, const char *path)
{
    vstate st = {NULL, 0};
    check_value(&st, v, f, path);
    return st.failed ? BATON_EINVALID : 0;
}

/* ---- staff references ---- */

static void staff_refs(const json_t *v, const baton_field *f, const char *path, baton_staff_ref_fn fn, void *ctx)
{
    char sub[512];
    if (!v)
        return;
    if (f->kind == BATON_FIELD_OBJECT && json_is_object(v)) {
        for (const baton_field *m = f->fields; m->name; m++) {
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", m->name);
            staff_refs(json_object_get(v, m->name), m, sub, fn, ctx);
        }
    } else if (f->kind == BATON_FIELD_ARRAY && json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            staff_refs(item, f->fields, sub, fn, ctx);
        }
    } else if (f->kind == BATON_FIELD_STAFF && json_is_string(v)) {
        fn(path, json_string_value(v), ctx);
    }
}

void baton_record_staff_refs(const json_t *doc, baton_record_kind kind, baton_staff_ref_fn fn, void *ctx)
{
    staff_refs(doc, baton_record_spec(kind), "", fn, ctx);
}
