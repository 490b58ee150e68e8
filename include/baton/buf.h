/* A growing byte buffer, the one every piece of libbaton and its front ends builds text in
 * (documents, search queries, web pages): it stays NUL-terminated, and a failed allocation is
 * remembered (oom) rather than reported at every write, so a writer checks once at the end. */
#ifndef BATON_BUF_H
#define BATON_BUF_H

#include <stddef.h>

typedef struct {
    char *p;
    size_t n, cap;
    int oom;
} baton_buf;

/* Appends n bytes of s; on a failed allocation sets oom, and every later write does nothing. */
void baton_buf_put(baton_buf *b, const void *s, size_t n);
void baton_buf_str(baton_buf *b, const char *s);
/* Room for n more bytes after the n already held, for a writer that fills them itself and then
 * calls baton_buf_added: 0, or -1 with oom set. */
int baton_buf_reserve(baton_buf *b, size_t n);
/* Counts n bytes written in place after a reserve, and keeps the buffer NUL-terminated. */
void baton_buf_added(baton_buf *b, size_t n);
void baton_buf_free(baton_buf *b);

#endif
