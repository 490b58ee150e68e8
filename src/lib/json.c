/* Canonical JSON in and out. The same content must always give the same bytes, so that git
 * stores one blob per distinct record and diffs stay readable: sorted keys, two-space indent,
 * UTF-8 as is (no \u escapes), a trailing newline. Parsing refuses duplicate keys, which would
 * otherwise silently drop one of two values. */
#include "baton/error.h"
#include "baton/record.h"
#include "json_internal.h"

#include <stdlib.h>
#include <string.h>

char *baton_record_dump(const json_t *doc)
{
    char *s = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!s) {
        baton_error_set(BATON_ERROR, "could not serialise record (out of memory?)");
        return NULL;
    }
    size_t n = strlen(s);
    char *out = realloc(s, n + 2);
    if (!out) {
        free(s);
        baton_error_set(BATON_ERROR, "out of memory");
        return NULL;
    }
    out[n] = '\n';
    out[n + 1] = '\0';
    return out;
}

int baton_record_parse(const char *buf, size_t len, const char *what, json_t **out)
{
    json_error_t err;
    *out = NULL;
    if (!baton_utf8_valid(buf, len))
        return baton_error_set(BATON_EINVALID, "%s: not valid UTF-8", what);
    /* editors on Windows save UTF-8 with a byte-order mark; it carries no content */
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
        buf += 3;
        len -= 3;
    }
    json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
    if (!doc) {
        /* jansson names its own flag here; say what is wrong with the text instead */
        const char *text = strstr(err.text, "JSON_ALLOW_NUL") ? "\\u0000 (a NUL character) is not allowed" : err.text;
        return baton_error_set(BATON_EINVALID, "%s: malformed JSON at line %d, column %d: %s", what, err.line,
                               err.column, text);
    }
    *out = doc;
    return 0;
}

int baton_json_sort(json_t *array, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(array);
    json_t **items = malloc((n ? n : 1) * sizeof *items);
    if (!items)
        return baton_error_set(BATON_ERROR, "out of memory");
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(array, i));
    qsort(items, n, sizeof *items, cmp);
    json_array_clear(array);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(array, items[i]);
    free(items);
    return 0;
}
