/* The document emitters shared by the packet and the class briefing renderers: one set of
 * operations, each written once per format. */
#ifndef BATON_RENDER_INTERNAL_H
#define BATON_RENDER_INTERNAL_H

#include "baton/buf.h"
#include "baton/packet.h"

#include <jansson.h>
#include <locale.h>

#include <stddef.h>

typedef struct {
    baton_buf b;
    baton_format format;
    int oom;
    const char *zone; /* the time zone instants are shown in (NULL: UTC) */
} baton_out;

void baton_out_put(baton_out *o, const char *s, size_t n);
void baton_out_str(baton_out *o, const char *s);
void baton_out_fmt(baton_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void baton_out_esc(baton_out *o, const char *s, const char *indent);

/* running: whom the document is about, and date: its date, both at the top of every printed page
 * (HTML), with the page number at the bottom. */
void baton_doc_begin(baton_out *o, const char *lang, const char *title, const char *running, const char *date);
void baton_doc_header_end(baton_out *o);
void baton_doc_section_begin(baton_out *o, const char *title, int prominent, int new_page);
void baton_doc_section_end(baton_out *o);
void baton_doc_field(baton_out *o, const char *label, const char *value);
void baton_doc_block(baton_out *o, const char *label, const char *text);
void baton_doc_note(baton_out *o, const char *text);
void baton_doc_entry_begin(baton_out *o, const char *title);
void baton_doc_entry_field(baton_out *o, const char *label, const char *value);
void baton_doc_entry_end(baton_out *o);
/* lines: label, value pairs; then the sha256 line */
void baton_doc_end(baton_out *o, const char *const *lines, size_t nlines);
/* Hands the finished document's bytes to the caller (NUL-terminated), or fails if memory ran out. */
int baton_doc_take(baton_out *o, char **out, size_t *len);

/* A staff member as documents show them: {id, name} from the directory ({id} if unknown). */
json_t *baton_person_json(baton_store *store, const char *id);

/* A person as a reader knows them ({id, name}, or an id): by name, an id only when the directory
 * has no name for them. */
void baton_person_text(const json_t *p, char *out, size_t n);

/* A simple table: a header row, then rows of cells (values, escaped). */
void baton_doc_table(baton_out *o, const char *const *headers, size_t ncols, const json_t *rows);
/* A heading inside a section (h3). */
void baton_doc_subheading(baton_out *o, const char *title);

/* Switches the calling thread's messages to lang for the rendering of one document (i18n.c:
 * uselocale, nothing process-wide), and back. */
typedef struct {
    locale_t prev;
} baton_i18n_state;
void baton_i18n_begin(const char *lang, baton_i18n_state *st);
void baton_i18n_end(baton_i18n_state *st);

#endif
