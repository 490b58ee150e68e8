/* Search queries as people type them, turned into FTS5's query syntax. People type what they
 * read in a plan: "skole-hjem-samtale", "kl. 08:15", "2.B", "SFO/klub". In FTS5's own syntax a
 * '-' or a ':' outside quotes is an operator or a column filter, and a '.' is an error; here
 * every word a person types becomes a quoted FTS5 string, so the tokenizer reads its '-', ':',
 * '.' and '/' as what separates words in the text (a phrase: "skole-hjem-samtale" finds those
 * three words in a row). What stays of the syntax: AND, OR, NOT (upper case), parentheses,
 * "quoted phrases" and a '*' at the end of a word or phrase for a prefix. A query that cannot be
 * read is refused with what is wrong in words, never with FTS5's or SQLite's message. */
#include "baton/buf.h"
#include "baton/error.h"
#include "index_internal.h"

#include <ctype.h>
#include <libintl.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_TERM, T_AND, T_OR, T_NOT, T_OPEN, T_CLOSE } tkind;

typedef baton_buf out_buf;

static int put(out_buf *o, const char *s, size_t n)
{
    baton_buf_put(o, s, n);
    return o->oom ? -1 : 0;
}

/* A word holds something to search for: a letter or digit (any non-ASCII character counts; the
 * tokenizer decides the rest). "-", "--" or "::" alone separate words and are left out. */
static int searchable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
            return 1;
    return 0;
}

/* text as one FTS5 string: in double quotes, any double quote doubled */
static int put_quoted(out_buf *o, const char *s, size_t n, int prefix)
{
    int rc = put(o, "\"", 1);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = s[i] == '"' ? put(o, "\"\"", 2) : put(o, s + i, 1);
    if (rc == 0)
        rc = put(o, prefix ? "\" *" : "\"", prefix ? 3 : 1);
    return rc;
}

/* AND, OR or NOT as a word of its own */
static int is_op(const char *p)
{
    size_t len = strcspn(p, " \t\n\r()\"");
    return (len == 3 && strncmp(p, "AND", 3) == 0) || (len == 2 && strncmp(p, "OR", 2) == 0) ||
           (len == 3 && strncmp(p, "NOT", 3) == 0);
}

#define N_(s) s /* marks a message for the catalogues (tools/pot) */

/* why: a message marked with N_, translated here */
static int refuse(const char *why)
{
    return baton_error_set(BATON_EUSAGE, "search: malformed query: %s", dgettext("baton", why));
}

static const char *op_name(tkind k) { return k == T_AND ? "AND" : k == T_OR ? "OR" : "NOT"; }

/* Checks where operators and parentheses stand, with what is wrong in words. */
static int check_order(const tkind *t, size_t n)
{
    int depth = 0;
    char msg[160];
    for (size_t i = 0; i < n; i++) {
        tkind prev = i ? t[i - 1] : T_OPEN, next = i + 1 < n ? t[i + 1] : T_CLOSE;
        int before = i > 0 && (prev == T_TERM || prev == T_CLOSE);
        int after = i + 1 < n && (next == T_TERM || next == T_OPEN);
        switch (t[i]) {
        case T_AND:
        case T_OR:
            if (!before || !after) {
                snprintf(msg, sizeof msg, dgettext("baton", "%s needs something to search for on each side (a %s b)"),
                         op_name(t[i]), op_name(t[i]));
                return refuse(msg);
            }
            break;
        case T_NOT:
            if (!before || !after)
                return refuse(N_("NOT needs something to search for on each side: 'a NOT b' finds a without b"));
            break;
        case T_OPEN:
            depth++;
            if (i + 1 < n && next == T_CLOSE)
                return refuse(N_("'()' holds nothing to search for"));
            break;
        case T_CLOSE:
            if (--depth < 0)
                return refuse(N_("a ')' has no '(' before it"));
            break;
        case T_TERM:
            break;
        }
    }
    if (depth > 0)
        return refuse(N_("a '(' is never closed"));
    return 0;
}

int baton_query_fts5(const char *query, char **out)
{
    out_buf o = {0};
    tkind *kinds = NULL;
    size_t n = 0, cap = 0, terms = 0;
    int rc = 0, pending_and = 0;
    const char *p = query;
    *out = NULL;
    while (rc == 0) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        tkind k = T_TERM;
        int emit = 1;
        /* FTS5 takes no implicit AND next to a parenthesis: say it */
        if (n > 0 && (kinds[n - 1] == T_TERM || kinds[n - 1] == T_CLOSE) && (*p == '(' || (*p != ')' && !is_op(p))))
            pending_and = 1;
        size_t mark = o.n;
        if (*p == '(' || *p == ')') {
            k = *p == '(' ? T_OPEN : T_CLOSE;
            rc = put(&o, *p == '(' ? "( " : ") ", 2);
            p++;
        } else if (*p == '"') {
            const char *end = strchr(p + 1, '"');
            if (!end) {
                rc = refuse(N_("a quoted phrase is never closed (a '\"' is missing)"));
                break;
            }
            /* "a phrase"* or "a phrase" * (FTS5's own spelling) */
            const char *star = end + 1 + strspn(end + 1, " \t");
            int prefix = *star == '*' && (star[1] == '\0' || strchr(" \t\n\r()", star[1]));
            emit = searchable(p + 1, (size_t)(end - p - 1));
            if (emit && (rc = put_quoted(&o, p + 1, (size_t)(end - p - 1), prefix)) == 0)
                rc = put(&o, " ", 1);
            p = prefix ? star + 1 : end + 1;
        } else {
            size_t len = strcspn(p, " \t\n\r()\"");
            if (is_op(p)) {
                k = p[0] == 'A' ? T_AND : p[0] == 'O' ? T_OR : T_NOT;
                if ((rc = put(&o, p, len)) == 0)
                    rc = put(&o, " ", 1);
            } else {
                int prefix = len > 0 && p[len - 1] == '*';
                size_t wlen = len - (size_t)prefix;
                if (memchr(p, '*', wlen)) {
                    rc = refuse(N_("'*' goes at the end of a word, as in skol*"));
                    break;
                }
                emit = searchable(p, wlen);
                if (!emit && prefix) {
                    rc = refuse(N_("a '*' needs the start of a word before it, as in skol*"));
                    break;
                }
                if (emit && (rc = put_quoted(&o, p, wlen, prefix)) == 0)
                    rc = put(&o, " ", 1);
            }
            p += len;
        }
        if (rc || !emit) {
            pending_and = 0;
            continue;
        }
        if (pending_and && k != T_AND && k != T_OR && k != T_NOT && k != T_CLOSE) {
            /* insert " AND " before what this token wrote */
            char *tail = strdup(o.p + mark);
            o.n = mark;
            rc = tail ? put(&o, "AND ", 4) : -1;
            if (rc == 0)
                rc = put(&o, tail, strlen(tail));
            free(tail);
            if (rc)
                break;
        }
        pending_and = 0;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            tkind *more = realloc(kinds, cap * sizeof *kinds);
            if (!more) {
                rc = baton_error_set(BATON_ERROR, "out of memory");
                break;
            }
            kinds = more;
        }
        kinds[n++] = k;
        terms += k == T_TERM;
    }
    if (rc == 0 && terms == 0)
        rc = refuse(N_("it holds no word to search for"));
    if (rc == 0)
        rc = check_order(kinds, n);
    free(kinds);
    if (rc) {
        free(o.p);
        return rc == -1 ? baton_error_set(BATON_ERROR, "out of memory") : rc;
    }
    *out = o.p;
    return 0;
}
