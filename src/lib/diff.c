/* Record diffs walk both versions alongside the field table, so list entries are matched by
 * their id (a removed measure is one removal, not a shift of every later one) and the paths
 * printed are the same ones `case set` accepts. */
#include "baton/diff.h"
#include "baton/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void baton_diff_free(baton_diff *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].path);
        free(d->items[i].old_value);
        free(d->items[i].new_value);
    }
    free(d->items);
    d->items = NULL;
    d->count = d->cap = 0;
}

static char *show(const json_t *v)
{
    if (!v)
        return NULL;
    if (json_is_string(v))
        return strdup(json_string_value(v));
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

static int push(baton_diff *d, const char *path, const json_t *a, const json_t *b)
{
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        baton_diff_item *items = realloc(d->items, cap * sizeof *items);
        if (!items)
            return baton_error_set(BATON_ERROR, "out of memory");
        d->items = items;
        d->cap = cap;
    }
    baton_diff_item *it = &d->items[d->count++];
    it->path = strdup(path);
    it->op = !a ? BATON_DIFF_ADDED : !b ? BATON_DIFF_REMOVED : BATON_DIFF_CHANGED;
    it->old_value = show(a);
    it->new_value = show(b);
    return 0;
}

static const json_t *find_by_key(const json_t *arr, const char *key, const json_t *want)
{
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item) {
        if (json_equal(json_object_get(item, key), (json_t *)want))
            return item;
    }
    return NULL;
}

static int walk(baton_diff *d, const json_t *a, const json_t *b, const baton_field *f, const char *path)
{
    char sub[512];
    int rc = 0;
    /* the national id never shows in a diff, whoever asks for one */
    if ((!a && !b) || (f->flags & BATON_FIELD_SECRET))
        return 0;
    if (f->kind == BATON_FIELD_OBJECT) {
        for (const baton_field *m = f->fields; m->name && rc == 0; m++) {
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", m->name);
            rc = walk(d, json_object_get(a, m->name), json_object_get(b, m->name), m, sub);
        }
        return rc;
    }
    if (f->kind == BATON_FIELD_ARRAY && f->fields->kind == BATON_FIELD_OBJECT) {
        size_t i;
        json_t *item;
        if (!f->key) {
            size_t n = json_array_size(a) > json_array_size(b) ? json_array_size(a) : json_array_size(b);
            for (i = 0; i < n && rc == 0; i++) {
                snprintf(sub, sizeof sub, "%s[%zu]", path, i);
                rc = walk(d, json_array_get(a, i), json_array_get(b, i), f->fields, sub);
            }
            return rc;
        }
        json_array_foreach(a, i, item) {
            const json_t *k = json_object_get(item, f->key);
            snprintf(sub, sizeof sub, "%s[%s]", path, json_string_value(k) ? json_string_value(k) : "?");
            if ((rc = walk(d, item, find_by_key(b, f->key, k), f->fields, sub)))
                return rc;
        }
        json_array_foreach(b, i, item) {
            const json_t *k = json_object_get(item, f->key);
            if (find_by_key(a, f->key, k))
                continue;
            snprintf(sub, sizeof sub, "%s[%s]", path, json_string_value(k) ? json_string_value(k) : "?");
            if ((rc = walk(d, NULL, item, f->fields, sub)))
                return rc;
        }
        return 0;
    }
    if (a && b && json_equal((json_t *)a, (json_t *)b))
        return 0;
    return push(d, path, a, b);
}

int baton_diff_records(const json_t *old, const json_t *new_, baton_record_kind kind, baton_diff *out)
{
    memset(out, 0, sizeof *out);
    int rc = walk(out, old, new_, baton_record_spec(kind), "");
    if (rc)
        baton_diff_free(out);
    return rc;
}

json_t *baton_diff_fields(const baton_diff *d)
{
    json_t *list = json_array();
    for (size_t i = 0; i < d->count; i++) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", d->items[i].path);
        char *close = strchr(buf, ']');
        if (close)
            close[1] = '\0';
        size_t j;
        json_t *seen;
        int dup = 0;
        json_array_foreach(list, j, seen) dup = dup || strcmp(json_string_value(seen), buf) == 0;
        if (!dup)
            json_array_append_new(list, json_string(buf));
    }
    return list;
}

/* ---- word diff ---- */

typedef struct {
    const char *p;
    size_t n;
} token;

/* Words and the whitespace between them are separate tokens, so spacing survives the diff. */
static token *tokenize(const char *s, size_t *count)
{
    size_t cap = 16, n = 0;
    token *t = malloc(cap * sizeof *t);
    while (t && *s) {
        int space = *s == ' ' || *s == '\n' || *s == '\t';
        const char *start = s;
        while (*s && (*s == ' ' || *s == '\n' || *s == '\t') == space)
            s++;
        if (n == cap) {
            cap *= 2;
            token *nt = realloc(t, cap * sizeof *t);
            if (!nt) {
                free(t);
                return NULL;
            }
            t = nt;
        }
        t[n].p = start;
        t[n].n = (size_t)(s - start);
        n++;
    }
    *count = n;
    return t;
}

static int tok_eq(token a, token b) { return a.n == b.n && memcmp(a.p, b.p, a.n) == 0; }

typedef struct {
    baton_word_span *spans;
    int n;
    int cap;
} spans_buf;

static void emit(spans_buf *sb, baton_word_op op, const token *t, size_t from, size_t to)
{
    if (from >= to)
        return;
    size_t len = 0;
    for (size_t i = from; i < to; i++)
        len += t[i].n;
    if (sb->n > 0 && sb->spans[sb->n - 1].op == op) {
        baton_word_span *last = &sb->spans[sb->n - 1];
        size_t old = strlen(last->text);
        char *text = realloc(last->text, old + len + 1);
        if (!text)
            return;
        last->text = text;
        for (size_t i = from; i < to; i++, old += t[i - 1].n)
            memcpy(text + old, t[i].p, t[i].n);
        text[old] = '\0';
        return;
    }
    if (sb->n == sb->cap) {
        int cap = sb->cap ? sb->cap * 2 : 8;
        baton_word_span *s = realloc(sb->spans, (size_t)cap * sizeof *s);
        if (!s)
            return;
        sb->spans = s;
        sb->cap = cap;
    }
    char *text = malloc(len + 1);
    if (!text)
        return;
    size_t off = 0;
    for (size_t i = from; i < to; i++) {
        memcpy(text + off, t[i].p, t[i].n);
        off += t[i].n;
    }
    text[off] = '\0';
    sb->spans[sb->n].op = op;
    sb->spans[sb->n].text = text;
    sb->n++;
}

int baton_diff_words(const char *old, const char *new_, baton_word_span **out)
{
    size_t na, nb;
    token *a = tokenize(old ? old : "", &na), *b = tokenize(new_ ? new_ : "", &nb);
    spans_buf sb = {NULL, 0, 0};
    if (!a || !b) {
        free(a);
        free(b);
        return -1;
    }
    size_t pre = 0, suf = 0;
    while (pre < na && pre < nb && tok_eq(a[pre], b[pre]))
        pre++;
    while (suf < na - pre && suf < nb - pre && tok_eq(a[na - 1 - suf], b[nb - 1 - suf]))
        suf++;
    emit(&sb, BATON_WORD_SAME, a, 0, pre);
    size_t m = na - pre - suf, n = nb - pre - suf;
    /* LCS over the middle; beyond a few million cells, showing the middle as replaced is
     * still correct and keeps the cost bounded for pathological inputs. */
    if (m > 0 && n > 0 && (m + 1) * (n + 1) <= 4000000) {
        unsigned *L = calloc((m + 1) * (n + 1), sizeof *L);
        if (L) {
            const token *x = a + pre, *y = b + pre;
            for (size_t i = m; i-- > 0;)
                for (size_t j = n; j-- > 0;)
                    L[i * (n + 1) + j] = tok_eq(x[i], y[j]) ? L[(i + 1) * (n + 1) + j + 1] + 1
                                         : L[(i + 1) * (n + 1) + j] >= L[i * (n + 1) + j + 1]
                                             ? L[(i + 1) * (n + 1) + j]
                                             : L[i * (n + 1) + j + 1];
            size_t i = 0, j = 0;
            while (i < m || j < n) {
                if (i < m && j < n && tok_eq(x[i], y[j])) {
                    emit(&sb, BATON_WORD_SAME, x, i, i + 1);
                    i++, j++;
                } else if (i < m && (j == n || L[(i + 1) * (n + 1) + j] >= L[i * (n + 1) + j + 1])) {
                    emit(&sb, BATON_WORD_DELETED, x, i, i + 1);
                    i++;
                } else {
                    emit(&sb, BATON_WORD_INSERTED, y, j, j + 1);
                    j++;
                }
            }
            free(L);
            m = n = 0;
        }
    }
    emit(&sb, BATON_WORD_DELETED, a, pre, pre + m);
    emit(&sb, BATON_WORD_INSERTED, b, pre, pre + n);
    emit(&sb, BATON_WORD_SAME, a, na - suf, na);
    free(a);
    free(b);
    *out = sb.spans;
    return sb.n;
}

void baton_word_spans_free(baton_word_span *spans, int n)
{
    for (int i = 0; i < n; i++)
        free(spans[i].text);
    free(spans);
}
