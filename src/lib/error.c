/* The per-thread last error, the libgit2 way: return a code, keep the message aside. */
#include "baton/error.h"

#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_message[2048];
static _Thread_local int last_code;

const char *baton_error_last(void) { return last_message; }

int baton_error_last_code(void) { return last_code; }

int baton_error_set(int code, const char *fmt, ...)
{
    /* formatted aside first: callers may pass (a part of) the last message itself */
    char msg[sizeof last_message];
    va_list ap;
    va_start(ap, fmt);
    /* in the user's language where the catalogue has the message (the CLI binds it) */
    vsnprintf(msg, sizeof msg, dgettext("baton", fmt), ap);
    va_end(ap);
    memcpy(last_message, msg, sizeof msg);
    last_code = code;
    return code;
}

int baton_error_prefix(int code, const char *prefix)
{
    char copy[sizeof last_message];
    snprintf(copy, sizeof copy, "%s", last_message);
    return baton_error_set(code, "%s%s", prefix, copy);
}

void baton_error_clear(void)
{
    last_message[0] = '\0';
    last_code = 0;
}
