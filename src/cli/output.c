/* What baton prints goes through a guard: any control character in it (but newline and tab) is
 * shown as what it is (^[ for ESC, <U+009B> for a C1 control) instead of reaching the terminal,
 * where it could rewrite the screen, forge a line, or set a window title. Values come from
 * records, commit messages and the access log, and plain git can put anything there. Baton's
 * own highlighting (bold search hits, coloured diffs) bypasses the guard through cli_style. */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    FILE *raw;
    int carry; /* 0xC2 held back: the next byte says whether it starts a C1 control */
} guard;

static guard out_guard, err_guard;
static FILE *raw_stdout;

static void put_visible(guard *g, unsigned char c)
{
    if (c == 0x7f)
        fputs("^?", g->raw);
    else {
        fputc('^', g->raw);
        fputc(c + 0x40, g->raw);
    }
}

static ssize_t guard_write(void *cookie, const char *buf, size_t size)
{
    guard *g = cookie;
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (g->carry) {
            g->carry = 0;
            if (c >= 0x80 && c <= 0x9f) {
                fprintf(g->raw, "<U+%04X>", c);
                continue;
            }
            fputc(0xc2, g->raw);
        }
        if (c == 0xc2) {
            g->carry = 1;
            continue;
        }
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            put_visible(g, c);
        else
            fputc(c, g->raw);
    }
    /* write through: the raw stream must not sit on data when the process exits */
    if (!g->carry)
        fflush(g->raw);
    return (ssize_t)size;
}

static int guard_close(void *cookie)
{
    guard *g = cookie;
    if (g->carry)
        fputc(0xc2, g->raw);
    g->carry = 0;
    return fflush(g->raw);
}

static FILE *wrap(FILE *raw, guard *g)
{
    cookie_io_functions_t io = {NULL, guard_write, NULL, guard_close};
    g->raw = raw;
    FILE *f = fopencookie(g, "w", io);
    if (f)
        setvbuf(f, NULL, _IOFBF, 8192);
    return f ? f : raw;
}

void cli_guard_output(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    raw_stdout = stdout;
    stdout = wrap(raw_stdout, &out_guard);
    stderr = wrap(stderr, &err_guard);
    setvbuf(stderr, NULL, _IOLBF, 1024);
}

/* Long output on a terminal goes through a pager ($BATON_PAGER, else $PAGER, else less -FRX, which
 * quits at once when it all fits); "" or "cat" turns it off, and output that is not a terminal
 * never pages. The guard stays in front of it. */
static FILE *pager;

static void close_pager(void)
{
    fflush(stdout);
    if (pager) {
        pclose(pager);
        pager = NULL;
    }
}

void cli_page_output(void)
{
    if (pager || !raw_stdout || !isatty(fileno(raw_stdout)))
        return;
    const char *cmd = getenv("BATON_PAGER");
    if (!cmd)
        cmd = getenv("PAGER");
    if (!cmd)
        cmd = "less -FRX";
    if (!*cmd || strcmp(cmd, "cat") == 0)
        return;
    fflush(stdout);
    FILE *p = popen(cmd, "w");
    if (!p)
        return;
    /* the reader may quit the pager before the end: the rest is not an error */
    signal(SIGPIPE, SIG_IGN);
    pager = p;
    out_guard.raw = p;
    raw_stdout = p;
    atexit(close_pager);
}

void cli_style(const char *escape)
{
    if (!raw_stdout) {
        fputs(escape, stdout);
        return;
    }
    fflush(stdout);
    fputs(escape, raw_stdout);
}
