/* Error codes and the per-thread last error message. Every libbaton function reports failure
 * through a negative return code; the human-readable reason is kept here so the library never
 * has to print, and front ends (CLI, later the web server) decide how to show it. */
#ifndef BATON_ERROR_H
#define BATON_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    BATON_OK = 0,
    BATON_ERROR = -1,     /* generic failure (I/O, libgit2, out of memory) */
    BATON_EINVALID = -2,  /* bad input: the message names the field or argument */
    BATON_ENOTFOUND = -3, /* unknown case, staff member, revision or store */
    BATON_ECONFLICT = -4, /* the record changed since the version an edit was based on */
    BATON_EEXISTS = -5,   /* something that must be new already exists */
    BATON_EUSAGE = -6,    /* a command was called the wrong way */
    BATON_EDENIED = -7,   /* the identity may not do this (unknown or inactive staff) */
    BATON_ERECORD = -8,   /* a record in git breaks Baton's rules (written outside Baton): the message
                             names its path and the revision it was read at */
    BATON_EBUSY = -9      /* another writer held the store past the wait's deadline: nothing was
                             written, try again */
} baton_error_code;

/* The message of the last error raised on this thread ("" if none). */
const char *baton_error_last(void);
/* The code that went with it. */
int baton_error_last_code(void);
/* Raise an error: stores the message and returns code, so callers can `return baton_error_set(...)`. */
int baton_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Puts prefix in front of the last message ("--at: " + "not a date ..."); returns code. */
int baton_error_prefix(int code, const char *prefix);
void baton_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
