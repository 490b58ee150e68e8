/* Handover packets: what a receiver reads, rendered from the case at the handover's revision and
 * its history. The packet is first built as a model (a JSON object holding only the sections the
 * handover's basis covers), then rendered as text, markdown, HTML or JSON. The same inputs always
 * give the same bytes; the last line of every format is a sha256 of everything before it. */
#ifndef BATON_PACKET_H
#define BATON_PACKET_H

#include "baton/session.h"
#include "baton/store.h"

#include <jansson.h>
#include <stddef.h>

typedef enum { BATON_FORMAT_TEXT, BATON_FORMAT_MARKDOWN, BATON_FORMAT_HTML, BATON_FORMAT_JSON } baton_format;

/* "text", "markdown" (or "md"), "html", "json"; BATON_EINVALID names the value. */
int baton_format_parse(const char *s, baton_format *out);

/* The model of the packet of handover `number` of case_id (0: the latest; a case without any
 * handover gives a preview of its current state). The sections are those of the handover's
 * basis, or all of them for a handover inside the organisation:
 *   header (always): child, from -> to, the dates, the revision, the basis
 *   strengths, voices, predictability (prominent for context transitions), challenges, measures,
 *   focus, communication, team, follow_ups, journal (since the last handover, or 90 days),
 *   changes (field-level diff since the last handover, limited to fields in scope), checklist
 *   provenance (always): the store, the revision, the handover record's version
 * Restricted journal entries are never in a packet. The session must be allowed to read the case
 * (the read is logged). */
int baton_packet_model(baton_session *s, const char *case_id, int number, json_t **out);

/* Renders a model in the store's language (lang: da, sv, nb, en) as bytes (NUL-terminated, freed
 * by the caller). Headings come from the gettext catalogues (po/); values are escaped for the
 * format. */
int baton_packet_render(const json_t *model, baton_format format, const char *lang, char **out, size_t *len);

/* Renders the packet of a handover in one go, in the store's language, read by the session. A
 * handover received from another organisation is shown as a Baton document holding the sender's
 * text packet, escaped: the sender's HTML is never passed on as it came. */
int baton_packet(baton_session *s, const char *case_id, int number, baton_format format, char **out, size_t *len);

/* The same in another language than the store's (lang: da, sv, nb, en; NULL: the store's), for a
 * reader who reads another: the web front end renders in the reader's language. */
int baton_packet_in(baton_session *s, const char *case_id, int number, baton_format format, const char *lang,
                    char **out, size_t *len);

/* The packet of a received handover byte for byte as it came (html or text), for its sha256 or to
 * pass it on as a file. Never for showing: a front end shows baton_packet instead. */
int baton_packet_original(baton_session *s, const char *case_id, int number, baton_format format, char **out,
                          size_t *len);

/* The packet section a case field path belongs to (plan.measures[m1].goal -> measures), or NULL
 * for the header fields every packet shows (child, context, status, ...). consents -> checklist. */
const char *baton_packet_section_of(const char *path);

/* Lower-case hex sha256 of data into out (65 bytes). */
void baton_sha256_hex(const void *data, size_t len, char out[65]);

#endif
