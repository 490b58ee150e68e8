/* Rendering documents (handover packets; later class briefings) as text, markdown, HTML or JSON
 * from their model. One walk over the model drives all formats through a handful of emitters
 * (section, field, block, entry), so the formats cannot drift apart in what they show. Every
 * value from a record is escaped for its format; headings come from gettext in the store's
 * language. The last line is a sha256 of all the bytes before it, so a printed or mailed packet
 * can be checked against the store. */
#include "baton/packet.h"

#include "baton/error.h"
#include "baton/record.h"
#include "render_internal.h"

#include <libintl.h>
#include <locale.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(s) dgettext("baton", s)

/* ---- output buffer ---- */

void baton_out_put(baton_out *o, const char *s, size_t n) { baton_buf_put(&o->b, s, n); }

void baton_out_str(baton_out *o, const char *s) { baton_out_put(o, s, strlen(s)); }

void baton_out_fmt(baton_out *o, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof buf) {
        baton_out_put(o, buf, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        o->b.oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    baton_out_put(o, big, (size_t)n);
    free(big);
}

/* A value from a record, made safe for the format. Text and JSON keep it as it is (JSON is
 * escaped by jansson); markdown backslash-escapes what would become markup; HTML escapes the
 * five characters that could open a tag or an attribute. indent continues text lines. */
void baton_out_esc(baton_out *o, const char *s, const char *indent)
{
    for (const char *p = s ? s : ""; *p; p++) {
        char c = *p;
        if (c == '\n') {
            if (o->format == BATON_FORMAT_HTML)
                baton_out_str(o, "<br>\n");
            else if (o->format == BATON_FORMAT_MARKDOWN)
                baton_out_str(o, "  \n");
            else
                baton_out_str(o, "\n");
            if (indent && o->format == BATON_FORMAT_TEXT)
                baton_out_str(o, indent);
            continue;
        }
        if (o->format == BATON_FORMAT_HTML) {
            switch (c) {
            case '&': baton_out_str(o, "&amp;"); continue;
            case '<': baton_out_str(o, "&lt;"); continue;
            case '>': baton_out_str(o, "&gt;"); continue;
            case '"': baton_out_str(o, "&quot;"); continue;
            case '\'': baton_out_str(o, "&#39;"); continue;
            default: break;
            }
        } else if (o->format == BATON_FORMAT_MARKDOWN && strchr("\\`*_[]<>#|!~", c)) {
            baton_out_put(o, "\\", 1);
        }
        baton_out_put(o, &c, 1);
    }
}

void baton_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* ---- emitters ---- */

/* Printed on A4: every page names whom it is about and the document's date at the top and its
 * number at the bottom (the @page margin boxes); headings stay with what follows them, entries are
 * not split, and the closing lines (provenance and the sha256) never stand alone on a page. */
static const char css[] =
    "body{font-family:'DejaVu Serif',Georgia,serif;font-size:10pt;line-height:1.3;color:#111;max-width:180mm;"
    "margin:0 auto}"
    "h1{font-size:15pt;margin:0 0 4pt}h2{font-size:12pt;border-bottom:1px solid #888;margin:10pt 0 4pt;"
    "break-after:avoid-page}h3{font-size:10pt;margin:6pt 0 1pt;break-after:avoid-page}"
    "p{margin:1pt 0 4pt;orphans:2;widows:2}header p{margin:1pt 0}"
    ".prominent{border:2px solid #000;padding:4pt 8pt;background:#f3f3f3;break-inside:avoid-page}"
    ".entry{margin:3pt 0 6pt 10pt;break-inside:avoid-page}"
    "table{border-collapse:collapse;width:100%;margin:6pt 0}th,td{border:1px solid #999;padding:2pt 5pt;"
    "text-align:left;vertical-align:top;font-size:9.5pt}th{background:#eee}tr{break-inside:avoid-page}"
    ".note{font-style:italic;color:#444}.page{break-before:page}"
    "footer{margin-top:10pt;font-size:8pt;color:#333;border-top:1px solid #888;break-before:avoid-page;"
    "break-inside:avoid-page}"
    "footer p{margin:1pt 0;word-break:break-all}"
    "@media screen{body{margin:16mm auto}}";

/* A CSS string: every character but letters, digits and spaces as a six-digit escape, so that no
 * value can end the string or the rule it stands in. */
static void css_string(baton_out *o, const char *s)
{
    baton_out_str(o, "\"");
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned cp = *p;
        int extra = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
        if (extra)
            cp &= 0x3f >> extra;
        p++;
        for (int i = 0; i < extra && (*p & 0xc0) == 0x80; i++, p++)
            cp = (cp << 6) | (*p & 0x3f);
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == ' ')
            baton_out_fmt(o, "%c", (char)cp);
        else
            baton_out_fmt(o, "\\%06X", cp);
    }
    baton_out_str(o, "\"");
}

/* "Page {page} of {pages}" as a CSS content value: the words as strings, the numbers as counters. */
static void css_page_counter(baton_out *o, const char *pattern)
{
    const char *p = pattern;
    while (*p) {
        const char *next = strchr(p, '{');
        size_t n = next ? (size_t)(next - p) : strlen(p);
        if (n) {
            char part[200];
            snprintf(part, sizeof part, "%.*s", (int)(n < sizeof part - 1 ? n : sizeof part - 1), p);
            css_string(o, part);
            baton_out_str(o, " ");
        }
        if (!next)
            break;
        if (strncmp(next, "{pages}", 7) == 0) {
            baton_out_str(o, "counter(pages) ");
            p = next + 7;
        } else if (strncmp(next, "{page}", 6) == 0) {
            baton_out_str(o, "counter(page) ");
            p = next + 6;
        } else {
            css_string(o, "{");
            baton_out_str(o, " ");
            p = next + 1;
        }
    }
}

void baton_person_text(const json_t *p, char *out, size_t n)
{
    const char *name = json_string_value(json_object_get(p, "name")), *id = json_string_value(json_object_get(p, "id"));
    snprintf(out, n, "%s", name ? name : id ? id : json_string_value(p) ? json_string_value(p) : "?");
}

void baton_doc_begin(baton_out *o, const char *lang, const char *title, const char *running, const char *date)
{
    switch (o->format) {
    case BATON_FORMAT_HTML:
        baton_out_fmt(o, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>", lang);
        baton_out_esc(o, title, NULL);
        baton_out_fmt(o, "</title>\n<style>%s", css);
        baton_out_str(o, "@page{size:A4;margin:16mm 15mm;@top-left{content:");
        css_string(o, running);
        baton_out_str(o, ";font:8pt sans-serif;color:#444}@top-right{content:");
        css_string(o, date);
        baton_out_str(o, ";font:8pt sans-serif;color:#444}@bottom-center{content:");
        css_page_counter(o, T("Page {page} of {pages}"));
        baton_out_str(o, ";font:8pt sans-serif;color:#444}}</style>\n</head>\n<body>\n<header>\n<h1>");
        baton_out_esc(o, title, NULL);
        baton_out_str(o, "</h1>\n");
        break;
    case BATON_FORMAT_MARKDOWN:
        baton_out_str(o, "# ");
        baton_out_esc(o, title, NULL);
        baton_out_str(o, "\n\n");
        break;
    default: {
        size_t n = baton_utf8_length(title);
        baton_out_esc(o, title, NULL);
        baton_out_str(o, "\n");
        for (size_t i = 0; i < n; i++)
            baton_out_str(o, "=");
        baton_out_str(o, "\n");
    }
    }
}

void baton_doc_header_end(baton_out *o)
{
    if (o->format == BATON_FORMAT_HTML)
        baton_out_str(o, "</header>\n");
}

void baton_doc_section_begin(baton_out *o, const char *title, int prominent, int new_page)
{
    switch (o->format) {
    case BATON_FORMAT_HTML:
        if (prominent || new_page)
            baton_out_fmt(o, "<section class=\"%s%s%s\">\n<h2>", prominent ? "prominent" : "",
                          prominent && new_page ? " " : "", new_page ? "page" : "");
        else
            baton_out_str(o, "<section>\n<h2>");
        baton_out_esc(o, title, NULL);
        baton_out_str(o, "</h2>\n");
        break;
    case BATON_FORMAT_MARKDOWN:
        baton_out_str(o, prominent ? "\n## ⚠ " : "\n## ");
        baton_out_esc(o, title, NULL);
        baton_out_str(o, "\n\n");
        break;
    default: {
        baton_out_str(o, "\n");
        if (prominent)
            baton_out_str(o, "!! ");
        baton_out_esc(o, title, NULL);
        baton_out_str(o, prominent ? " !!\n" : "\n");
        size_t n = baton_utf8_length(title) + (prominent ? 6 : 0);
        for (size_t i = 0; i < n; i++)
            baton_out_str(o, "-");
        baton_out_str(o, "\n");
    }
    }
}

void baton_doc_section_end(baton_out *o)
{
    if (o->format == BATON_FORMAT_HTML)
        baton_out_str(o, "</section>\n");
}

/* label: short value on one line */
void baton_doc_field(baton_out *o, const char *label, const char *value)
{
    if (!value)
        return;
    switch (o->format) {
    case BATON_FORMAT_HTML:
        baton_out_str(o, "<p><b>");
        baton_out_esc(o, label, NULL);
        baton_out_str(o, ":</b> ");
        baton_out_esc(o, value, NULL);
        baton_out_str(o, "</p>\n");
        break;
    case BATON_FORMAT_MARKDOWN:
        baton_out_str(o, "**");
        baton_out_esc(o, label, NULL);
        baton_out_str(o, ":** ");
        baton_out_esc(o, value, NULL);
        baton_out_str(o, "  \n");
        break;
    default:
        baton_out_esc(o, label, NULL);
        baton_out_str(o, ": ");
        baton_out_esc(o, value, "    ");
        baton_out_str(o, "\n");
    }
}

/* label, then a long text of its own */
void baton_doc_block(baton_out *o, const char *label, const char *text)
{
    if (!text)
        return;
    switch (o->format) {
    case BATON_FORMAT_HTML:
        baton_out_str(o, "<h3>");
        baton_out_esc(o, label, NULL);
        baton_out_str(o, "</h3>\n<p>");
        baton_out_esc(o, text, NULL);
        baton_out_str(o, "</p>\n");
        break;
    case BATON_FORMAT_MARKDOWN:
        baton_out_str(o, "**");
        baton_out_esc(o, label, NULL);
        baton_out_str(o, "**\n\n");
        baton_out_esc(o, text, NULL);
        baton_out_str(o, "\n\n");
        break;
    default:
        baton_out_esc(o, label, NULL);
        baton_out_str(o, ":\n    ");
        baton_out_esc(o, text, "    ");
        baton_out_str(o, "\n");
    }
}

void baton_doc_note(baton_out *o, const char *text)
{
    switch (o->format) {
    case BATON_FORMAT_HTML:
        baton_out_str(o, "<p class=\"note\">");
        baton_out_esc(o, text, NULL);
        baton_out_str(o, "</p>\n");
        break;
    case BATON_FORMAT_MARKDOWN:
        baton_out_str(o, "_");
        baton_out_esc(o, text, NULL);
        baton_out_str(o, "_\n\n");
        break;
    default:
        baton_out_str(o, "(");
        baton_out_esc(o, text, "    ");
        baton_out_str(o, ")\n");
    }
}

void baton_doc_entry_begin(baton_out *o, const char *title)
{
    switch (o->format) {
    case BATON_FORMAT_HTML:
        baton_out_str(o, "<div class=\"entry\">\n<h3>");
        baton_out_esc(o, title, NULL);
        baton_out_str(o, "</h3>\n");
        break;
    case BATON_FORMAT_MARKDOWN:
        baton_out_str(o, "- **");
        baton_out_esc(o, title, NULL);
        baton_out_str(o, "**\n");
        break;
    default:
        baton_out_str(o, "  * ");
        baton_out_esc(o, title, "    ");
        baton_out_str(o, "\n");
    }
}

void baton_doc_entry_field(baton_out *o, const char *label, const char *value)
{
    if (!value)
        return;
    switch (o->format) {
    case BATON_FORMAT_HTML:
        if (label) {
            baton_doc_field(o, label, value);
        } else {
            baton_out_str(o, "<p>");
            baton_out_esc(o, value, NULL);
            baton_out_str(o, "</p>\n");
        }
        break;
    case BATON_FORMAT_MARKDOWN:
        baton_out_str(o, "  - ");
        if (label) {
            baton_out_esc(o, label, NULL);
            baton_out_str(o, ": ");
        }
        baton_out_esc(o, value, NULL);
        baton_out_str(o, "\n");
        break;
    default:
        baton_out_str(o, "      ");
        if (label) {
            baton_out_esc(o, label, NULL);
            baton_out_str(o, ": ");
        }
        baton_out_esc(o, value, "        ");
        baton_out_str(o, "\n");
    }
}

void baton_doc_entry_end(baton_out *o)
{
    if (o->format == BATON_FORMAT_HTML)
        baton_out_str(o, "</div>\n");
    else if (o->format == BATON_FORMAT_MARKDOWN)
        baton_out_str(o, "\n");
}

void baton_doc_subheading(baton_out *o, const char *title)
{
    switch (o->format) {
    case BATON_FORMAT_HTML:
        baton_out_str(o, "<h3>");
        baton_out_esc(o, title, NULL);
        baton_out_str(o, "</h3>\n");
        break;
    case BATON_FORMAT_MARKDOWN:
        baton_out_str(o, "### ");
        baton_out_esc(o, title, NULL);
        baton_out_str(o, "\n\n");
        break;
    default:
        baton_out_str(o, "\n");
        baton_out_esc(o, title, NULL);
        baton_out_str(o, ":\n");
    }
}

/* Pads s to width characters (not bytes: names have æ, ø, å). */
static void padded(baton_out *o, const char *s, size_t width)
{
    baton_out_esc(o, s, NULL);
    for (size_t n = baton_utf8_length(s); n < width; n++)
        baton_out_str(o, " ");
}

void baton_doc_table(baton_out *o, const char *const *headers, size_t ncols, const json_t *rows)
{
    size_t width[16] = {0}, i, k;
    json_t *row;
    ncols = ncols > 16 ? 16 : ncols;
    for (k = 0; k < ncols; k++)
        width[k] = baton_utf8_length(headers[k]);
    json_array_foreach(rows, i, row) for (k = 0; k < ncols; k++) {
        const char *v = json_string_value(json_array_get(row, k));
        size_t n = v ? baton_utf8_length(v) : 0;
        if (n > width[k])
            width[k] = n;
    }
    switch (o->format) {
    case BATON_FORMAT_HTML:
        baton_out_str(o, "<table>\n<tr>");
        for (k = 0; k < ncols; k++) {
            baton_out_str(o, "<th>");
            baton_out_esc(o, headers[k], NULL);
            baton_out_str(o, "</th>");
        }
        baton_out_str(o, "</tr>\n");
        json_array_foreach(rows, i, row) {
            baton_out_str(o, "<tr>");
            for (k = 0; k < ncols; k++) {
                baton_out_str(o, "<td>");
                baton_out_esc(o, json_string_value(json_array_get(row, k)), NULL);
                baton_out_str(o, "</td>");
            }
            baton_out_str(o, "</tr>\n");
        }
        baton_out_str(o, "</table>\n");
        break;
    case BATON_FORMAT_MARKDOWN:
        for (k = 0; k < ncols; k++) {
            baton_out_str(o, "| ");
            baton_out_esc(o, headers[k], NULL);
            baton_out_str(o, " ");
        }
        baton_out_str(o, "|\n");
        for (k = 0; k < ncols; k++)
            baton_out_str(o, "| --- ");
        baton_out_str(o, "|\n");
        json_array_foreach(rows, i, row) {
            for (k = 0; k < ncols; k++) {
                baton_out_str(o, "| ");
                baton_out_esc(o, json_string_value(json_array_get(row, k)), NULL);
                baton_out_str(o, " ");
            }
            baton_out_str(o, "|\n");
        }
        baton_out_str(o, "\n");
        break;
    default:
        for (k = 0; k < ncols; k++) {
            padded(o, headers[k], k + 1 < ncols ? width[k] + 2 : 0);
        }
        baton_out_str(o, "\n");
        json_array_foreach(rows, i, row) {
            for (k = 0; k < ncols; k++) {
                const char *v = json_string_value(json_array_get(row, k));
                padded(o, v ? v : "", k + 1 < ncols ? width[k] + 2 : 0);
            }
            baton_out_str(o, "\n");
        }
    }
}

/* The closing provenance lines and the sha256 of everything before the hash line. */
void baton_doc_end(baton_out *o, const char *const *lines, size_t nlines)
{
    if (o->format == BATON_FORMAT_HTML)
        baton_out_str(o, "<footer>\n");
    else
        baton_out_str(o, o->format == BATON_FORMAT_MARKDOWN ? "\n---\n\n" : "\n");
    for (size_t i = 0; i < nlines; i += 2)
        baton_doc_field(o, lines[i], lines[i + 1]);
    char hex[65];
    if (o->b.oom)
        return;
    baton_sha256_hex(o->b.p, o->b.n, hex);
    const char *label = T("sha256 of everything above this line");
    switch (o->format) {
    case BATON_FORMAT_HTML:
        baton_out_fmt(o, "<p class=\"sha\">%s: %s</p>\n</footer>\n</body>\n</html>\n", label, hex);
        break;
    case BATON_FORMAT_MARKDOWN:
        baton_out_fmt(o, "**%s:** %s\n", label, hex);
        break;
    default:
        baton_out_fmt(o, "%s: %s\n", label, hex);
    }
}

int baton_doc_take(baton_out *o, char **out, size_t *len)
{
    if (o->b.oom) {
        baton_buf_free(&o->b);
        return baton_error_set(BATON_ERROR, "out of memory");
    }
    *out = o->b.p;
    *len = o->b.n;
    return 0;
}
