/* Dotted field paths (`plan.measures[m2].goal`), the way people name one field on the command
 * line. Elements of lists are addressed by their id, which stays put when others are removed,
 * or by position. Resolution goes through the field table, so an unknown field is an error that
 * names it, and `case set` knows whether "true" is a boolean or a text. */
#include "baton/date.h"
#include "baton/error.h"
#include "baton/record.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char name[64];
    char key[64];
    int has_key;
} segment;

/* Splits the next segment off *p; returns 1 on a segment, 0 at the end, -1 on a syntax error. */
static int next_segment(const char **p, segment *seg)
{
    const char *s = *p;
    if (!*s)
        return 0;
    size_t n = strcspn(s, ".[");
    if (n == 0 || n >= sizeof seg->name)
        return -1;
    memcpy(seg->name, s, n);
    seg->name[n] = '\0';
    s += n;
    seg->has_key = 0;
    if (*s == '[') {
        const char *close = strchr(s, ']');
        size_t k = close ? (size_t)(close - s - 1) : 0;
        if (!close || k == 0 || k >= sizeof seg->key)
            return -1;
        memcpy(seg->key, s + 1, k);
        seg->key[k] = '\0';
        seg->has_key = 1;
        s = close + 1;
    }
    if (*s == '.') {
        s++;
        if (!*s)
            return -1;
    } else if (*s) {
        return -1;
    }
    *p = s;
    return 1;
}

static json_t *find_element(json_t *arr, const baton_field *f, const char *key)
{
    char *end;
    long idx = strtol(key, &end, 10);
    if (isdigit((unsigned char)key[0]) && *end == '\0')
        return idx >= 0 && (size_t)idx < json_array_size(arr) ? json_array_get(arr, (size_t)idx) : NULL;
    if (!f->key)
        return NULL;
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item) {
        const char *k = json_string_value(json_object_get(item, f->key));
        if (k && strcmp(k, key) == 0)
            return item;
    }
    return NULL;
}

/* Walks path; with create, missing objects on the way are added. On success *spec is the last
 * field, *parent the object holding it (NULL if it could not exist yet) and *value its value. */
static int walk(json_t *doc, baton_record_kind kind, const char *path, int create, const baton_field **spec,
                json_t **parent, json_t **value, char *last_name)
{
    const baton_field *f = baton_record_spec(kind);
    json_t *cur = doc;
    const char *p = path;
    segment seg;
    char done[512] = "";
    int r;
    *parent = NULL;
    while ((r = next_segment(&p, &seg)) == 1) {
        if (f->kind != BATON_FIELD_OBJECT)
            return baton_error_set(BATON_EINVALID, "%s: has no field '%s'", done, seg.name);
        const baton_field *m = f->fields;
        while (m->name && strcmp(m->name, seg.name) != 0)
            m++;
        size_t used = strlen(done);
        snprintf(done + used, sizeof done - used, "%s%s", used ? "." : "", seg.name);
        if (!m->name)
            return baton_error_set(BATON_EINVALID, "%s: unknown field", done);
        json_t *obj = cur;
        json_t *next = obj ? json_object_get(obj, seg.name) : NULL;
        if (seg.has_key) {
            used = strlen(done);
            snprintf(done + used, sizeof done - used, "[%s]", seg.key);
            if (m->kind != BATON_FIELD_ARRAY || m->fields->kind != BATON_FIELD_OBJECT)
                return baton_error_set(BATON_EINVALID, "%s: '%s' is not a list of entries", done, seg.name);
            json_t *el = next ? find_element(next, m, seg.key) : NULL;
            if (!el)
                return baton_error_set(BATON_ENOTFOUND, "%s: no such entry", done);
            f = m->fields;
            cur = el;
            continue;
        }
        if (!next && create && m->kind == BATON_FIELD_OBJECT && *p && obj) {
            next = json_object();
            json_object_set_new(obj, seg.name, next);
        }
        *parent = obj;
        snprintf(last_name, 64, "%s", seg.name);
        f = m;
        cur = next;
    }
    if (r < 0 || path[0] == '\0')
        return baton_error_set(BATON_EINVALID, "'%s' is not a field path (like plan.challenges.home or plan.measures[m1].goal)", path);
    *spec = f;
    *value = cur;
    return 0;
}

int baton_record_path_lookup(json_t *doc, baton_record_kind kind, const char *path, const baton_field **spec,
                             json_t **value)
{
    json_t *parent;
    char name[64];
    return walk(doc, kind, path, 0, spec, &parent, value, name);
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"true", "yes", "1", NULL}, *const no[] = {"false", "no", "0", NULL};
    for (int i = 0; yes[i]; i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(s, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

static json_t *string_list(const char *value, const char *path)
{
    json_t *arr;
    if (value[0] == '[') {
        json_error_t err;
        arr = json_loads(value, JSON_REJECT_DUPLICATES, &err);
        size_t i;
        json_t *item;
        int ok = json_is_array(arr);
        if (ok)
            json_array_foreach(arr, i, item) ok = ok && json_is_string(item);
        if (!ok) {
            json_decref(arr);
            baton_error_set(BATON_EINVALID, "%s: not a JSON list of strings", path);
            return NULL;
        }
        return arr;
    }
    arr = json_array();
    const char *s = value;
    while (*s) {
        size_t n = strcspn(s, ",");
        const char *a = s, *b = s + n;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a)
            json_array_append_new(arr, json_stringn(a, (size_t)(b - a)));
        s += n;
        if (*s == ',')
            s++;
    }
    return arr;
}

int baton_record_path_set(json_t *doc, baton_record_kind kind, const char *path, const char *value)
{
    const baton_field *f;
    json_t *parent, *cur;
    char name[64];
    int rc = walk(doc, kind, path, 1, &f, &parent, &cur, name);
    if (rc)
        return rc;
    if (!parent)
        return baton_error_set(BATON_EINVALID, "%s: cannot set a whole list entry; set one of its fields", path);
    if (f->flags & BATON_FIELD_READONLY)
        return baton_error_set(BATON_EINVALID, "%s: cannot be changed", path);
    if (f->kind == BATON_FIELD_OBJECT)
        return baton_error_set(BATON_EINVALID, "%s: is a group of fields; set one of them", path);
    if (f->kind == BATON_FIELD_ARRAY && f->fields->kind == BATON_FIELD_OBJECT)
        return baton_error_set(BATON_EINVALID, "%s: is a list of entries; use the add and remove commands", path);
    if (!baton_utf8_valid(value, strlen(value)))
        return baton_error_set(BATON_EINVALID, "%s: not valid UTF-8", path);
    if (value[0] == '\0') {
        if (f->flags & BATON_FIELD_REQUIRED)
            return baton_error_set(BATON_EINVALID, "%s: required, cannot be empty", path);
        json_object_del(parent, name);
        return 0;
    }
    json_t *nv = NULL;
    switch (f->kind) {
    case BATON_FIELD_BOOL: {
        int b;
        if (parse_bool(value, &b))
            return baton_error_set(BATON_EINVALID, "%s: '%s' is not true or false", path, value);
        nv = json_boolean(b);
        break;
    }
    case BATON_FIELD_INT: {
        char *end;
        long long v = strtoll(value, &end, 10);
        if (*end || v < 0 || !isdigit((unsigned char)value[0]))
            return baton_error_set(BATON_EINVALID, "%s: '%s' is not a whole number", path, value);
        nv = json_integer(v);
        break;
    }
    case BATON_FIELD_ARRAY:
        nv = string_list(value, path);
        if (!nv)
            return BATON_EINVALID;
        if (json_array_size(nv) == 0) {
            json_decref(nv);
            if (f->flags & BATON_FIELD_REQUIRED)
                return baton_error_set(BATON_EINVALID, "%s: required, cannot be empty", path);
            json_object_del(parent, name);
            return 0;
        }
        break;
    default:
        nv = json_string(value);
        break;
    }
    if (!nv)
        return baton_error_set(BATON_ERROR, "%s: out of memory", path);
    json_object_set_new(parent, name, nv);
    return 0;
}

/* The list at list_path and its table entry; the list is created when create is set. */
static int entry_list(json_t *doc, baton_record_kind kind, const char *list_path, int create, json_t **list,
                      const baton_field **spec)
{
    json_t *parent, *cur;
    char name[64];
    int rc = walk(doc, kind, list_path, 1, spec, &parent, &cur, name);
    if (rc)
        return rc;
    if ((*spec)->kind != BATON_FIELD_ARRAY || (*spec)->fields->kind != BATON_FIELD_OBJECT || !(*spec)->key)
        return baton_error_set(BATON_EINVALID, "%s: is not a list of entries", list_path);
    if (!cur && create) {
        cur = json_array();
        json_object_set_new(parent, name, cur);
    }
    *list = cur;
    return 0;
}

int baton_record_entry_index(json_t *doc, baton_record_kind kind, const char *list_path, const char *key)
{
    json_t *list;
    const baton_field *spec;
    if (entry_list(doc, kind, list_path, 0, &list, &spec) || !list)
        return -1;
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        const char *k = json_string_value(json_object_get(item, spec->key));
        if (k && strcmp(k, key) == 0)
            return (int)i;
    }
    return -1;
}

int baton_record_entry_add(json_t *doc, baton_record_kind kind, const char *list_path, const char *key_value,
                           const char *prefix, char *key_out)
{
    json_t *list;
    const baton_field *spec;
    int rc = entry_list(doc, kind, list_path, 1, &list, &spec);
    if (rc)
        return rc;
    if (key_value) {
        if (!baton_utf8_valid(key_value, strlen(key_value)))
            return baton_error_set(BATON_EINVALID, "%s: not valid UTF-8", list_path);
        if (baton_record_entry_index(doc, kind, list_path, key_value) >= 0)
            return baton_error_set(BATON_EEXISTS, "%s[%s]: already there", list_path, key_value);
        snprintf(key_out, 40, "%s", key_value);
    } else {
        long max = 0;
        size_t i, plen = strlen(prefix);
        json_t *item;
        json_array_foreach(list, i, item) {
            const char *k = json_string_value(json_object_get(item, spec->key));
            if (k && strncmp(k, prefix, plen) == 0) {
                long v = strtol(k + plen, NULL, 10);
                max = v > max ? v : max;
            }
        }
        snprintf(key_out, 40, "%s%ld", prefix, max + 1);
    }
    json_array_append_new(list, json_pack("{s:s}", spec->key, key_out));
    return 0;
}

int baton_record_entry_remove(json_t *doc, baton_record_kind kind, const char *list_path, const char *key)
{
    json_t *list, *parent, *cur;
    const baton_field *spec;
    char name[64];
    int rc = entry_list(doc, kind, list_path, 0, &list, &spec);
    if (rc)
        return rc;
    int idx = baton_record_entry_index(doc, kind, list_path, key);
    if (idx < 0)
        return baton_error_set(BATON_ENOTFOUND, "%s[%s]: no such entry", list_path, key);
    json_array_remove(list, (size_t)idx);
    /* an empty list and a missing one mean the same: keep one canonical form */
    if (json_array_size(list) == 0 && walk(doc, kind, list_path, 0, &spec, &parent, &cur, name) == 0 && parent)
        json_object_del(parent, name);
    return 0;
}

int baton_record_entry_put(json_t *doc, baton_record_kind kind, const char *list_path, int adding, const char *key,
                           const char *prefix, const json_t *values, const char *const *defaults, char *key_out)
{
    char added[40] = "";
    int rc;
    if (adding) {
        if ((rc = baton_record_entry_add(doc, kind, list_path, key, prefix, added)))
            return rc;
        key = added;
        if (key_out)
            snprintf(key_out, 40, "%s", added);
    } else if (baton_record_entry_index(doc, kind, list_path, key) < 0) {
        return baton_error_set(BATON_ENOTFOUND, "%s[%s]: no such entry", list_path, key);
    }
    json_t *all = json_deep_copy(values);
    if (!all)
        return baton_error_set(BATON_ERROR, "out of memory");
    char today[11];
    baton_date_today(today);
    for (const char *const *d = defaults; added[0] && d && *d; d += 2)
        if (!json_object_get(all, d[0]))
            json_object_set_new(all, d[0], json_string(strcmp(d[1], "@today") == 0 ? today : d[1]));
    const char *field;
    json_t *v;
    rc = 0;
    json_object_foreach(all, field, v) {
        char path[256];
        snprintf(path, sizeof path, "%s[%s].%s", list_path, key, field);
        char *text = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_COMPACT);
        rc = text ? baton_record_path_set(doc, kind, path, text) : baton_error_set(BATON_ERROR, "out of memory");
        free(text);
        if (rc)
            break;
    }
    json_decref(all);
    return rc ? rc : baton_record_validate(doc, kind, NULL);
}
