/* Texts a person types into one-line fields that end up in commit messages and the access log (a
 * reason, a purpose). A newline there could forge a commit trailer or a log line, a control
 * character could rewrite a terminal, and a national id number must never sit in a commit message
 * that travels with every clone. */
#include "baton/error.h"
#include "baton/record.h"
#include "baton/session.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int valid_day_month(int d, int m) { return m >= 1 && m <= 12 && ((d >= 1 && d <= 31) || (d >= 61 && d <= 91)); }

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Digits of a candidate: 6 or 8, then an optional '-' or '+', then 4; and a date where a Danish
 * CPR number (DDMMYY) or a Swedish personnummer or samordningsnummer ((YY)YYMMDD, day + 60 for
 * the latter) has one. */
static int national_id_at(const char *s, size_t *len)
{
    size_t d = strspn(s, "0123456789");
    const char *rest = s + d;
    size_t sep = (*rest == '-' || *rest == '+') ? 1 : 0;
    size_t tail = strspn(rest + sep, "0123456789");
    if (!sep && (d == 10 || d == 12)) { /* all digits: 6+4 or 8+4 */
        tail = 4;
        d -= 4;
    } else if (!(sep && tail == 4 && (d == 6 || d == 8))) {
        return 0;
    }
    if (d != 6 && d != 8)
        return 0;
    *len = d + sep + tail;
    if (d == 8) {
        int y = num(s, 4);
        return y >= 1900 && y <= 2099 && valid_day_month(num(s + 6, 2), num(s + 4, 2));
    }
    return valid_day_month(num(s, 2), num(s + 2, 2)) || valid_day_month(num(s + 4, 2), num(s + 2, 2));
}

int baton_line_check(const char *text, size_t max, const char *what)
{
    size_t n = strlen(text);
    if (!baton_utf8_valid(text, n))
        return baton_error_set(BATON_EINVALID, "%s: not valid UTF-8", what);
    if (baton_utf8_length(text) > max)
        return baton_error_set(BATON_EINVALID, "%s: too long (at most %zu characters)", what, max);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '\n' || *p == '\r')
            return baton_error_set(BATON_EINVALID, "%s: must be one line (no line breaks)", what);
        if (*p < 0x20 || *p == 0x7f)
            return baton_error_set(BATON_EINVALID, "%s: contains a control character", what);
        /* C1 controls (U+0080..U+009F) act like escapes on some terminals */
        if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            return baton_error_set(BATON_EINVALID, "%s: contains a control character", what);
    }
    for (size_t i = 0; i < n; i++) {
        size_t len;
        if (isdigit((unsigned char)text[i]) && (i == 0 || !isdigit((unsigned char)text[i - 1])) &&
            national_id_at(text + i, &len) && !isdigit((unsigned char)text[i + len]))
            return baton_error_set(BATON_EINVALID,
                                   "%s: must not contain a national id number (CPR or personnummer); refer to the "
                                   "case by its id",
                                   what);
    }
    return 0;
}
