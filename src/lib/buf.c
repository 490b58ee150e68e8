/* The growing buffer of buf.h: written once, for the documents, the search queries and the web
 * pages alike. */
#include "baton/buf.h"

#include <stdlib.h>
#include <string.h>

int baton_buf_reserve(baton_buf *b, size_t n)
{
    if (b->oom)
        return -1;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return -1;
        }
        b->p = p;
        b->cap = cap;
    }
    return 0;
}

void baton_buf_added(baton_buf *b, size_t n)
{
    b->n += n;
    b->p[b->n] = '\0';
}

void baton_buf_put(baton_buf *b, const void *s, size_t n)
{
    if (baton_buf_reserve(b, n))
        return;
    memcpy(b->p + b->n, s, n);
    baton_buf_added(b, n);
}

void baton_buf_str(baton_buf *b, const char *s) { baton_buf_put(b, s, strlen(s)); }

void baton_buf_free(baton_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}
