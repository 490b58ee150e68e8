/* Columns that line up whatever the names hold: padding counts the columns a text takes on a
 * terminal (libunistring's width), not its bytes, so æ, ø, å and decomposed letters line up too. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <unistr.h>
#include <uniwidth.h>

/* Each call gets one of these in turn, so that several padded values fit in one printf. */
#define PADS 8
static char pads[PADS][1024];
static int next_pad;

int cli_width(const char *s)
{
    size_t n = strlen(s);
    if (u8_check((const uint8_t *)s, n))
        return (int)n; /* not UTF-8: count bytes */
    int w = u8_strwidth((const uint8_t *)s, "UTF-8");
    return w < 0 ? (int)n : w;
}

const char *cli_pad(const char *s, int width)
{
    char *out = pads[next_pad];
    next_pad = (next_pad + 1) % PADS;
    s = s ? s : "";
    int fill = width - cli_width(s);
    snprintf(out, sizeof pads[0], "%s%*s", s, fill > 0 ? fill : 0, "");
    return out;
}

void cli_print_padded(const char *s, int width) { fputs(cli_pad(s, width), stdout); }
