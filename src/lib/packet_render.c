/* The handover packet, rendered from its model: header, then the sections the model holds in
 * packet order (what works and strengths first), then provenance and the sha256 line. Every
 * heading and fixed word goes through gettext, in the store's language. */
#include "baton/packet.h"
#include "session_internal.h"
#include "unchecked.h"

#include "baton/case.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/handover.h"
#include "baton/record.h"
#include "baton/i18n.h"
#include "render_internal.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T(s) dgettext("baton", s)
/* marks a string for the catalogues where it is looked up later, from a table */
#define N_(s) s

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* The word for an enum value in the document's language (i18n.c). */
static const char *word(const char *value) { return baton_i18n_word(value); }

static void context_text(const json_t *c, char *out, size_t n)
{
    snprintf(out, n, "%s, %s%s%s%s%s", word(str(c, "kind")), str(c, "institution") ? str(c, "institution") : "?",
             str(c, "group") ? ", " : "", str(c, "group") ? str(c, "group") : "", str(c, "municipality") ? ", " : "",
             str(c, "municipality") ? str(c, "municipality") : "");
}

static void party_text(const json_t *p, char *out, size_t n)
{
    const json_t *r = json_object_get(p, "receiver");
    char who[400] = "";
    if (json_object_get(p, "staff"))
        baton_person_text(json_object_get(p, "staff"), who, sizeof who);
    else if (r)
        snprintf(who, sizeof who, "%s <%s>", str(r, "name"), str(r, "email"));
    if (json_object_get(p, "context")) {
        char ctx[700];
        context_text(json_object_get(p, "context"), ctx, sizeof ctx);
        snprintf(out, n, "%s%s%s", who, who[0] ? " — " : "", ctx);
    } else {
        snprintf(out, n, "%s", who);
    }
}

static void list_text(const json_t *arr, char *out, size_t n, int translate)
{
    size_t i, used = 0;
    json_t *v;
    out[0] = '\0';
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(v);
        char one[400];
        if (s)
            snprintf(one, sizeof one, "%s", translate ? word(s) : s);
        else
            baton_person_text(v, one, sizeof one);
        used += (size_t)snprintf(out + used, used < n ? n - used : 0, "%s%s", i ? ", " : "", one);
        if (used >= n)
            break;
    }
}

static void header(baton_out *o, const json_t *m)
{
    const json_t *h = json_object_get(m, "handover");
    char buf[1200];
    snprintf(buf, sizeof buf, "%s (%s)", str(json_object_get(m, "child"), "name"), str(json_object_get(m, "child"), "born"));
    baton_doc_field(o, T("Child"), buf);
    baton_doc_field(o, T("Case"), str(m, "case"));
    if (h) {
        static const char *const kinds[] = {N_("staff change"), N_("context transition"), N_("onboarding")};
        const char *k = str(h, "kind");
        const char *kind = strcmp(k, "staff") == 0 ? kinds[0] : strcmp(k, "context") == 0 ? kinds[1] : kinds[2];
        snprintf(buf, sizeof buf, "%lld, %s", (long long)json_integer_value(json_object_get(h, "number")), T(kind));
        baton_doc_field(o, T("Handover"), buf);
        party_text(json_object_get(h, "from"), buf, sizeof buf);
        baton_doc_field(o, T("From"), buf);
        party_text(json_object_get(h, "to"), buf, sizeof buf);
        baton_doc_field(o, T("To"), buf);
        baton_doc_field(o, T("Date of the handover"), str(h, "made"));
        baton_person_text(json_object_get(h, "by"), buf, sizeof buf);
        baton_doc_field(o, T("Made by"), buf);
        const json_t *prev = json_object_get(h, "previous");
        if (prev) {
            snprintf(buf, sizeof buf, "%lld, %s", (long long)json_integer_value(json_object_get(prev, "number")),
                     str(prev, "made"));
            baton_doc_field(o, T("Previous handover"), buf);
        }
        baton_doc_field(o, T("Reason"), str(h, "reason"));
        const json_t *b = json_object_get(h, "basis");
        if (b) {
            char scope[600];
            list_text(json_object_get(b, "scope"), scope, sizeof scope, 1);
            snprintf(buf, sizeof buf, "%s %s; %s: %s", word(str(b, "kind")), str(b, "ref"), T("shared sections"), scope);
            baton_doc_field(o, T("Basis for sharing"), buf);
        }
    } else {
        context_text(json_object_get(m, "context"), buf, sizeof buf);
        baton_doc_field(o, T("Context"), buf);
        baton_doc_field(o, T("Date"), str(m, "date"));
        baton_doc_note(o, T("Preview: this case has not been handed over yet."));
    }
    baton_doc_field(o, T("Revision"), str(m, "revision"));
    baton_doc_header_end(o);
}

static void section_strengths(baton_out *o, const json_t *s)
{
    baton_doc_section_begin(o, T("What works and the child's strengths"), 0, 0);
    baton_doc_block(o, T("What works"), str(s, "works_well"));
    baton_doc_block(o, T("Strengths"), str(s, "strengths"));
    if (!str(s, "works_well") && !str(s, "strengths"))
        baton_doc_note(o, T("Nothing recorded."));
    baton_doc_section_end(o);
}

static void section_voices(baton_out *o, const json_t *s)
{
    baton_doc_section_begin(o, T("The child's voice and the guardians' voice"), 0, 0);
    baton_doc_block(o, T("The child"), str(s, "child_perspective"));
    baton_doc_block(o, T("The guardians"), str(s, "guardian_perspective"));
    if (!str(s, "child_perspective") && !str(s, "guardian_perspective"))
        baton_doc_note(o, T("Nothing recorded."));
    baton_doc_section_end(o);
}

static void section_predictability(baton_out *o, const json_t *s)
{
    int needs = json_is_true(json_object_get(s, "needs_predictability"));
    baton_doc_section_begin(o, T("Predictability and transition"), json_is_true(json_object_get(s, "prominent")) && needs, 0);
    baton_doc_field(o, T("Needs predictability"), needs ? T("yes") : T("no"));
    baton_doc_block(o, T("Transition notes"), str(s, "transition_notes"));
    baton_doc_section_end(o);
}

static void section_challenges(baton_out *o, const json_t *s)
{
    const json_t *c = json_object_get(s, "challenges");
    baton_doc_section_begin(o, T("Challenges"), 0, 0);
    baton_doc_block(o, T("At school"), str(c, "school"));
    baton_doc_block(o, T("In leisure time"), str(c, "leisure"));
    baton_doc_block(o, T("At home"), str(c, "home"));
    if (!str(c, "school") && !str(c, "leisure") && !str(c, "home"))
        baton_doc_note(o, T("Nothing recorded."));
    baton_doc_section_end(o);
}

static void section_measures(baton_out *o, const json_t *s)
{
    size_t i;
    json_t *m;
    char buf[600];
    baton_doc_section_begin(o, T("Active measures"), 0, 0);
    json_array_foreach(json_object_get(s, "measures"), i, m) {
        snprintf(buf, sizeof buf, "%s — %s (%s)", str(m, "id"), word(str(m, "setting")), word(str(m, "status")));
        baton_doc_entry_begin(o, buf);
        baton_doc_entry_field(o, T("Measure"), str(m, "description"));
        baton_doc_entry_field(o, T("Goal"), str(m, "goal"));
        baton_person_text(json_object_get(m, "responsible"), buf, sizeof buf);
        baton_doc_entry_field(o, T("Responsible"), buf);
        baton_doc_entry_field(o, T("Started"), str(m, "start"));
        baton_doc_entry_field(o, T("Review by"), str(m, "review_by"));
        baton_doc_entry_end(o);
    }
    if (!json_array_size(json_object_get(s, "measures")))
        baton_doc_note(o, T("No active measures."));
    baton_doc_section_end(o);
}

static void section_focus(baton_out *o, const json_t *s)
{
    size_t i, j;
    json_t *f, *c;
    char buf[600];
    baton_doc_section_begin(o, T("Focus points"), 0, 0);
    json_array_foreach(json_object_get(s, "focus_points"), i, f) {
        snprintf(buf, sizeof buf, "%s — %s", str(f, "id"), str(f, "area"));
        baton_doc_entry_begin(o, buf);
        baton_doc_entry_field(o, T("Focus"), str(f, "text"));
        baton_doc_entry_field(o, T("Support at school"), str(f, "support_school"));
        baton_doc_entry_field(o, T("Support at home"), str(f, "support_home"));
        baton_doc_entry_field(o, T("Follow-up"), str(f, "follow_up"));
        json_array_foreach(json_object_get(f, "comments"), j, c) {
            snprintf(buf, sizeof buf, "%s, %s", word(str(c, "by")), str(c, "date"));
            char label[1024];
            snprintf(label, sizeof label, "%s (%s)", T("Comment"), buf);
            baton_doc_entry_field(o, label, str(c, "text"));
        }
        baton_doc_entry_end(o);
    }
    if (!json_array_size(json_object_get(s, "focus_points")))
        baton_doc_note(o, T("No focus points."));
    baton_doc_section_end(o);
}

static void section_communication(baton_out *o, const json_t *s)
{
    size_t i;
    json_t *g;
    char buf[600];
    baton_doc_section_begin(o, T("Communication with the guardians"), 0, 0);
    json_array_foreach(json_object_get(s, "guardians"), i, g) {
        snprintf(buf, sizeof buf, "%s (%s)", str(g, "name"), str(g, "relation"));
        baton_doc_entry_begin(o, buf);
        baton_doc_entry_field(o, T("Phone"), str(g, "phone"));
        baton_doc_entry_field(o, T("E-mail"), str(g, "email"));
        const json_t *a = json_object_get(g, "agreement");
        if (a) {
            baton_doc_entry_field(o, T("How often"), word(str(a, "frequency")));
            list_text(json_object_get(a, "channels"), buf, sizeof buf, 1);
            baton_doc_entry_field(o, T("Channels"), buf);
            baton_doc_entry_field(o, T("About"), word(str(a, "topics")));
            baton_doc_entry_field(o, T("Detail"), word(str(a, "detail")));
            baton_doc_entry_field(o, T("Agreed on"), str(a, "agreed_on"));
        } else {
            baton_doc_entry_field(o, NULL, T("No communication agreement yet."));
        }
        baton_doc_entry_end(o);
    }
    if (!json_array_size(json_object_get(s, "guardians")))
        baton_doc_note(o, T("No guardians recorded."));
    baton_doc_section_end(o);
}

static void section_team(baton_out *o, const json_t *s)
{
    size_t i, j;
    json_t *m, *r;
    char buf[1200];
    baton_doc_section_begin(o, T("Team and responsibilities"), 0, 0);
    baton_person_text(json_object_get(s, "contact"), buf, sizeof buf);
    baton_doc_field(o, T("Contact person (whom the parents contact)"), buf);
    list_text(json_object_get(s, "follows_up"), buf, sizeof buf, 0);
    baton_doc_field(o, T("Follows up on agreements"), buf);
    list_text(json_object_get(s, "hands_over"), buf, sizeof buf, 0);
    baton_doc_field(o, T("Hands knowledge over"), buf);
    json_array_foreach(json_object_get(s, "members"), i, m) {
        char who[500];
        baton_person_text(json_object_get(m, "staff"), who, sizeof who);
        snprintf(buf, sizeof buf, "%s — %s", who, str(m, "role"));
        baton_doc_entry_begin(o, buf);
        json_array_foreach(json_object_get(m, "responsible_for"), j, r)
            baton_doc_entry_field(o, T("Responsible for"), json_string_value(r));
        baton_doc_entry_end(o);
    }
    baton_doc_section_end(o);
}

static void section_follow_ups(baton_out *o, const json_t *s)
{
    size_t i;
    json_t *f;
    char buf[600];
    baton_doc_section_begin(o, T("Open follow-ups"), 0, 0);
    json_array_foreach(json_object_get(s, "follow_ups"), i, f) {
        baton_person_text(json_object_get(f, "owner"), buf, sizeof buf);
        char title[800];
        snprintf(title, sizeof title, "%s — %s %s, %s", str(f, "entry"), T("due by"), str(f, "date"), buf);
        baton_doc_entry_begin(o, title);
        baton_doc_entry_field(o, NULL, str(f, "text"));
        baton_doc_entry_end(o);
    }
    if (!json_array_size(json_object_get(s, "follow_ups")))
        baton_doc_note(o, T("No open follow-ups."));
    baton_doc_section_end(o);
}

static void section_journal(baton_out *o, const json_t *s)
{
    size_t i;
    json_t *e;
    char buf[800], title[1200];
    snprintf(buf, sizeof buf, "%s %s", T("Journal since"), str(s, "since"));
    baton_doc_section_begin(o, buf, 0, 0);
    json_array_foreach(json_object_get(s, "entries"), i, e) {
        char who[400];
        char at[40];
        baton_person_text(json_object_get(e, "by"), who, sizeof who);
        baton_time_local(str(e, "at"), o->zone, at, sizeof at);
        snprintf(title, sizeof title, "%s %s — %s%s%s, %s", str(e, "id"), at, word(str(e, "kind")),
                 str(e, "channel") ? ", " : "", str(e, "channel") ? word(str(e, "channel")) : "", who);
        baton_doc_entry_begin(o, title);
        if (str(e, "corrects"))
            baton_doc_entry_field(o, T("Corrects"), str(e, "corrects"));
        if (str(e, "closes"))
            baton_doc_entry_field(o, T("Closes the follow-up of"), str(e, "closes"));
        if (json_array_size(json_object_get(e, "with"))) {
            list_text(json_object_get(e, "with"), buf, sizeof buf, 0);
            baton_doc_entry_field(o, T("With"), buf);
        }
        baton_doc_entry_field(o, NULL, str(e, "text"));
        baton_doc_entry_end(o);
    }
    if (!json_array_size(json_object_get(s, "entries")))
        baton_doc_note(o, T("No journal entries in this period."));
    baton_doc_section_end(o);
}

static void section_changes(baton_out *o, const json_t *s)
{
    size_t i;
    json_t *c;
    baton_doc_section_begin(o, T("What changed since the last handover"), 0, 0);
    if (json_is_true(json_object_get(s, "first"))) {
        baton_doc_note(o, T("This is the first handover of the case: there is nothing earlier to compare with."));
    } else {
        json_array_foreach(json_object_get(s, "changes"), i, c) {
            char title[400];
            snprintf(title, sizeof title, "%s (%s)", str(c, "field"), word(str(c, "op")));
            baton_doc_entry_begin(o, title);
            baton_doc_entry_field(o, T("Before"), str(c, "old"));
            baton_doc_entry_field(o, T("Now"), str(c, "new"));
            baton_doc_entry_end(o);
        }
        if (!json_array_size(json_object_get(s, "changes")))
            baton_doc_note(o, T("Nothing changed since the last handover."));
    }
    baton_doc_section_end(o);
}

static void tick_line(baton_out *o, const char *label, const json_t *t)
{
    char buf[600], who[300] = "";
    if (json_object_get(t, "by"))
        baton_person_text(json_object_get(t, "by"), who, sizeof who);
    if (json_is_object(t))
        snprintf(buf, sizeof buf, "%s (%s, %s%s%s)", T("done"), str(t, "date"), who, str(t, "note") ? ": " : "",
                 str(t, "note") ? str(t, "note") : "");
    else
        snprintf(buf, sizeof buf, "%s", T("not yet"));
    baton_doc_field(o, label, buf);
}

static void section_checklist(baton_out *o, const json_t *s)
{
    char buf[600];
    baton_doc_section_begin(o, T("Checklist"), 0, 0);
    const json_t *gi = json_object_get(s, "guardians_informed");
    if (json_is_object(gi)) {
        char where[120];
        if (str(gi, "entry"))
            snprintf(where, sizeof where, "%s %s", T("journal"), str(gi, "entry"));
        else
            snprintf(where, sizeof where, "%s", T("recorded by the sending organisation"));
        snprintf(buf, sizeof buf, "%s (%s%s%s, %s)", T("done"), str(gi, "date"), str(gi, "channel") ? ", " : "",
                 str(gi, "channel") ? word(str(gi, "channel")) : "", where);
        baton_doc_field(o, T("Guardians informed"), buf);
    } else {
        baton_doc_field(o, T("Guardians informed"), T("not yet"));
    }
    tick_line(o, T("Handover meeting held"), json_object_get(s, "meeting_held"));
    tick_line(o, T("Child prepared"), json_object_get(s, "child_prepared"));
    if (json_object_get(s, "known_adult"))
        tick_line(o, T("A known adult involved in the start"), json_object_get(s, "known_adult"));
    const json_t *a = json_object_get(s, "acknowledged");
    if (json_is_object(a)) {
        char who[300], at[40];
        baton_person_text(json_object_get(a, "by"), who, sizeof who);
        baton_time_local(str(a, "at"), o->zone, at, sizeof at);
        snprintf(buf, sizeof buf, "%s, %s", who, at);
        baton_doc_field(o, T("Acknowledged by the receiver"), buf);
    } else {
        baton_doc_field(o, T("Acknowledged by the receiver"),
                    json_is_true(json_object_get(s, "pending")) ? T("not yet") : T("on the receiving side"));
    }
    baton_doc_section_end(o);
}

static int render_json(const json_t *model, char **out, size_t *len)
{
    json_t *copy = json_deep_copy(model);
    char *body = json_dumps(copy, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!body) {
        json_decref(copy);
        return baton_error_set(BATON_ERROR, "out of memory");
    }
    char hex[65];
    /* the hash covers the model as rendered without it */
    baton_sha256_hex(body, strlen(body), hex);
    free(body);
    json_object_set_new(copy, "sha256", json_string(hex));
    *out = baton_record_dump(copy);
    json_decref(copy);
    if (!*out)
        return BATON_ERROR;
    *len = strlen(*out);
    return 0;
}

int baton_packet_render(const json_t *model, baton_format format, const char *lang, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (format == BATON_FORMAT_JSON)
        return render_json(model, out, len);
    baton_i18n_state st;
    baton_i18n_begin(lang, &st);
    baton_out o = {0};
    o.format = format;
    o.zone = str(json_object_get(model, "store"), "time_zone");
    char title[600];
    snprintf(title, sizeof title, "%s: %s", T("Handover packet"), str(json_object_get(model, "child"), "name"));
    baton_doc_begin(&o, lang, title, str(json_object_get(model, "child"), "name"), str(model, "date"));
    header(&o, model);
    static const struct {
        const char *key;
        void (*fn)(baton_out *, const json_t *);
    } renderers[] = {
        {"strengths", section_strengths},   {"voices", section_voices},       {"predictability", section_predictability},
        {"challenges", section_challenges}, {"measures", section_measures},   {"focus", section_focus},
        {"communication", section_communication}, {"team", section_team},     {"follow_ups", section_follow_ups},
        {"journal", section_journal},       {"changes", section_changes},     {"checklist", section_checklist},
    };
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(model, "sections"), i, s) {
        for (size_t k = 0; k < sizeof renderers / sizeof *renderers; k++)
            if (strcmp(renderers[k].key, str(s, "key")) == 0)
                renderers[k].fn(&o, s);
    }
    const json_t *store = json_object_get(model, "store");
    const char *lines[] = {T("Organisation"), str(store, "organisation"), T("Store"), str(store, "id"),
                           T("Case revision"), str(model, "revision")};
    baton_doc_end(&o, lines, sizeof lines / sizeof *lines);
    baton_i18n_end(&st);
    return baton_doc_take(&o, out, len);
}

/* The path of what came with an imported handover: received/<n>.html or .txt. */
static void received_path(const char *case_id, const json_t *h, int html, char *out, size_t n)
{
    char dir[96];
    baton_case_dir(case_id, dir, sizeof dir);
    snprintf(out, n, "%s/received/%04lld.%s", dir, (long long)json_integer_value(json_object_get(h, "number")) % 100000,
             html ? "html" : "txt");
}

/* An imported handover's packet was written by another organisation: its HTML is kept byte for
 * byte (its sha256 is the sender's), but never shown as it is, since whatever it holds would run
 * as this organisation's page. It is shown as a Baton document: who sent it (the trusted key's
 * name), and the packet's own text, escaped for the format. */
static int received_packet(baton_store *store, const char *case_id, const json_t *h, baton_format format, const char *lang, char **out,
                           size_t *len)
{
    char path[200], *text = NULL;
    size_t tlen;
    const json_t *src = json_object_get(h, "source");
    received_path(case_id, h, 0, path, sizeof path);
    int rc = baton_store_read(store, NULL, path, &text, &tlen, NULL);
    if (rc)
        return rc;
    if (format == BATON_FORMAT_JSON) {
        json_t *m = json_pack("{s:s, s:O, s:O, s:s%}", "case", case_id, "number", json_object_get(h, "number"),
                              "source", src, "text", text, tlen);
        free(text);
        if (!m)
            return baton_error_set(BATON_EINVALID, "the received packet of case %s is not valid UTF-8", case_id);
        rc = render_json(m, out, len);
        json_decref(m);
        return rc;
    }
    baton_i18n_state st;
    baton_i18n_begin(lang, &st);
    baton_out o = {0};
    o.format = format;
    o.zone = baton_store_time_zone(store);
    char title[300], buf[600], sent[40];
    snprintf(title, sizeof title, "%s: %s", T("Received handover packet"), case_id);
    baton_time_local(str(src, "created"), o.zone, sent, sizeof sent);
    baton_doc_begin(&o, lang, title, case_id, sent);
    baton_doc_field(&o, T("Case"), case_id);
    snprintf(buf, sizeof buf, "%lld, %s", (long long)json_integer_value(json_object_get(h, "number")),
             T("received from another organisation"));
    baton_doc_field(&o, T("Handover"), buf);
    /* the sender's text counts its own handovers: say which one it calls this */
    snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(json_object_get(src, "handover")));
    baton_doc_field(&o, T("Sender's handover number"), buf);
    baton_doc_field(&o, T("Sent by"), str(src, "organisation"));
    baton_doc_field(&o, T("Signed with key"), str(src, "signer"));
    baton_doc_field(&o, T("Key trusted here"), json_is_true(json_object_get(src, "trusted")) ? T("yes") : T("NO"));
    baton_doc_field(&o, T("Sent"), sent);
    baton_doc_header_end(&o);
    baton_doc_section_begin(&o, T("The packet as it came"), 0, 0);
    baton_doc_note(&o, T("Written by the sending organisation; shown as text. The original HTML is kept unchanged "
                         "for its sha256: 'baton packet ID N --original -o FILE' writes it to a file."));
    baton_doc_block(&o, T("Packet"), text);
    baton_doc_section_end(&o);
    free(text);
    const char *lines[] = {T("Organisation"), baton_store_organisation(store), T("sha256 of the original packet"),
                           str(src, "packet_sha256")};
    baton_doc_end(&o, lines, sizeof lines / sizeof *lines);
    baton_i18n_end(&st);
    return baton_doc_take(&o, out, len);
}

int baton_packet_original(baton_session *s, const char *case_id, int number, baton_format format, char **out,
                          size_t *len)
{
    json_t *h;
    char path[200];
    *out = NULL;
    int rc = baton_session_open_case(s, NULL, case_id, "packet", NULL);
    if (rc || (rc = baton_handover_get_unchecked(s->store, NULL, case_id, number, &h)))
        return rc;
    if (!json_object_get(h, "source")) {
        rc = baton_error_set(BATON_EINVALID, "--original: handover %lld of case %s was made here, not received",
                             (long long)json_integer_value(json_object_get(h, "number")), case_id);
    } else if (format != BATON_FORMAT_HTML && format != BATON_FORMAT_TEXT) {
        rc = baton_error_set(BATON_EINVALID, "--format: a received packet came as html and text only");
    } else {
        received_path(case_id, h, format == BATON_FORMAT_HTML, path, sizeof path);
        rc = baton_store_read(s->store, NULL, path, out, len, NULL);
    }
    json_decref(h);
    return rc;
}

int baton_packet(baton_session *s, const char *case_id, int number, baton_format format, char **out, size_t *len)
{
    return baton_packet_in(s, case_id, number, format, NULL, out, len);
}

int baton_packet_in(baton_session *s, const char *case_id, int number, baton_format format, const char *lang,
                    char **out, size_t *len)
{
    int rc = baton_session_open_case(s, NULL, case_id, "packet", NULL);
    return rc ? rc : baton_packet_unchecked(s->store, case_id, number, format, lang, out, len);
}

int baton_packet_unchecked(baton_store *store, const char *case_id, int number, baton_format format, const char *lang,
                           char **out, size_t *len)
{
    if (!lang)
        lang = baton_store_language(store);
    json_t *model, *h;
    if (baton_handover_get_unchecked(store, NULL, case_id, number, &h) == 0) {
        int received = json_object_get(h, "source") != NULL;
        int rc = received ? received_packet(store, case_id, h, format, lang, out, len) : 0;
        json_decref(h);
        if (received)
            return rc;
    }
    int rc = baton_packet_model_unchecked(store, case_id, number, &model);
    if (rc)
        return rc;
    rc = baton_packet_render(model, format, lang, out, len);
    json_decref(model);
    return rc;
}
