/* Records: the JSON documents Baton keeps in git (case, staff member, store metadata).
 * A record is a jansson json_t. Its shape is described once, by a field table (baton_field),
 * and that one table drives validation, `case set` value coercion and unknown-field errors.
 * the schemas/ JSON Schemas state the same rules for outside tools; tests hold both to agreement. */
#ifndef BATON_RECORD_H
#define BATON_RECORD_H

#include <jansson.h>
#include <stddef.h>

typedef enum {
    BATON_RECORD_CASE,
    BATON_RECORD_STAFF,
    BATON_RECORD_STORE,
    BATON_RECORD_JOURNAL,
    BATON_RECORD_HANDOVER,
    BATON_RECORD_TRUST,
    BATON_RECORD_ERASURE
} baton_record_kind;

/* The sections of a handover packet, in packet order: the scope of a consent or a legal basis
 * is a list of these. NULL-terminated. */
extern const char *const baton_packet_sections[];
/* The roles a staff member may have. NULL-terminated. */
extern const char *const baton_staff_roles[];
/* What single sign-on's header may name (config sso_match). NULL-terminated. */
extern const char *const baton_sso_matches[];
/* The values of the schema's other lists a person picks from (a case's status; a measure's
 * setting; a communication agreement's frequency, channels, topics and detail; a journal entry's
 * channel). NULL-terminated. */
extern const char *const baton_case_statuses[];
extern const char *const baton_settings[];
extern const char *const baton_agreement_frequencies[];
extern const char *const baton_channels[];
extern const char *const baton_agreement_topics[];
extern const char *const baton_agreement_details[];

typedef enum {
    BATON_FIELD_OBJECT,
    BATON_FIELD_ARRAY,
    BATON_FIELD_STRING, /* short single-line text */
    BATON_FIELD_TEXT,   /* long text, newlines and tabs allowed */
    BATON_FIELD_DATE,   /* YYYY-MM-DD */
    BATON_FIELD_DATETIME, /* YYYY-MM-DDTHH:MM:SSZ, UTC */
    BATON_FIELD_WHEN,   /* a DATE or a DATETIME: when something happened, as precisely as known */
    BATON_FIELD_BOOL,
    BATON_FIELD_INT,
    BATON_FIELD_ENUM,
    BATON_FIELD_STAFF,  /* a staff id, referring to the staff directory */
    BATON_FIELD_ID,     /* the record's own id (case id, staff id) */
    BATON_FIELD_LOCALID,/* element id inside a case: m1, f2, g1 */
    BATON_FIELD_EMAIL,
    BATON_FIELD_PHONE,
    BATON_FIELD_OID,    /* a git object id: 40 lowercase hex digits (the revision a handover was made at) */
    BATON_FIELD_HEX,    /* lowercase hex digits, exactly `max` of them (sha256: 64, a key fingerprint: 32) */
    BATON_FIELD_PUBKEY, /* an Ed25519 public key in base64 (43 characters and '=') */
    BATON_FIELD_ZONE    /* an IANA time zone name: Europe/Copenhagen, UTC */
} baton_field_kind;

enum {
    BATON_FIELD_REQUIRED = 1 << 0,
    BATON_FIELD_READONLY = 1 << 1, /* may not change once written */
    BATON_FIELD_SECRET = 1 << 2    /* hidden from output unless asked for (national id) */
};

typedef struct baton_field {
    const char *name;
    baton_field_kind kind;
    unsigned flags;
    const char *const *values;        /* ENUM: NULL-terminated allowed values */
    const struct baton_field *fields; /* OBJECT: members, ended by {NULL}; ARRAY: the item */
    size_t max;                       /* strings: max characters; arrays: max items; INT: the largest value */
    const char *key;                  /* ARRAY of objects: member naming each element */
    long long min;                    /* INT: the smallest value */
} baton_field;

/* Limits stated in the README and the schemas. */
#define BATON_SHORT_MAX 200
#define BATON_TEXT_MAX 10000
/* Handover numbers name files (handovers/0001.json): 1 to 9999. */
#define BATON_HANDOVER_MAX 9999
/* The store format this library reads and writes (baton.json "format"). */
#define BATON_STORE_FORMAT 1

typedef struct {
    char **items;
    size_t count;
    size_t cap;
} baton_errors;

void baton_errors_free(baton_errors *errs);
/* Appends a copy of message to errs. */
void baton_errors_add(baton_errors *errs, const char *message);

/* The field table of a record kind; its `fields` are the top-level members. */
const baton_field *baton_record_spec(baton_record_kind kind);
const char *baton_record_kind_name(baton_record_kind kind);

/* Checks doc against the table. Returns 0, or BATON_EINVALID with the first error as the last
 * error message; when errs is given, every error ("path: problem") is appended to it. */
int baton_record_validate(const json_t *doc, baton_record_kind kind, baton_errors *errs);

/* Calls fn for every staff id the record names (its staff fields), with the field's path
 * (plan.measures[0].responsible). */
typedef void (*baton_staff_ref_fn)(const char *path, const char *staff_id, void *ctx);
void baton_record_staff_refs(const json_t *doc, baton_record_kind kind, baton_staff_ref_fn fn, void *ctx);

/* Checks one value against one field of a table, naming problems from path. */
int baton_field_validate(const json_t *v, const baton_field *f, const char *path);

/* Canonical form: UTF-8, sorted keys, two-space indent, trailing newline. Caller frees. */
char *baton_record_dump(const json_t *doc);

/* Parses JSON text. Duplicate keys and invalid UTF-8 are refused; the message starts with
 * `what` and gives line and column. */
int baton_record_parse(const char *buf, size_t len, const char *what, json_t **out);

/* Dotted paths into a record: `plan.challenges.home`, `plan.measures[m2].goal` (by element id),
 * `plan.measures[0].goal` (by position). Finds the field's table entry and, if present, its
 * value. Unknown fields are BATON_EINVALID naming the path. */
int baton_record_path_lookup(json_t *doc, baton_record_kind kind, const char *path,
                             const baton_field **spec, json_t **value);

/* Sets the field at path from its text form: booleans as true/false/yes/no, lists as a
 * comma-separated value or a JSON array, everything else as written. An empty value removes an
 * optional field. Missing parent objects are created. Does not validate the whole record. */
int baton_record_path_set(json_t *doc, baton_record_kind kind, const char *path, const char *value);

/* Appends an entry to the list at list_path (created if missing). Its key is key_value, or with
 * key_value NULL a fresh id: prefix and one more than the highest number in use (m1, m2, ...).
 * The key goes to key_out (40 bytes). BATON_EEXISTS if key_value is already there. */
int baton_record_entry_add(json_t *doc, baton_record_kind kind, const char *list_path, const char *key_value,
                           const char *prefix, char *key_out);
/* Adds or changes one entry of a list (measures, focus points, guardians, team), for every front
 * end alike. values maps the entry's field names to their text forms (as baton_record_path_set
 * takes them) or to arrays of strings. adding: a new entry, keyed key (or, with key NULL, a fresh
 * id from prefix), whose fields of defaults that values lacks are filled first (pairs: field,
 * value; "@today" is today's date); its key goes to key_out (40 bytes, optional). Otherwise the
 * entry with that key changes (BATON_ENOTFOUND when there is none). The whole record is validated
 * after; errors name the field by its path (plan.measures[m2].goal). */
int baton_record_entry_put(json_t *doc, baton_record_kind kind, const char *list_path, int adding, const char *key,
                           const char *prefix, const json_t *values, const char *const *defaults, char *key_out);
/* Removes the entry with that key from the list; BATON_ENOTFOUND names it if absent. */
int baton_record_entry_remove(json_t *doc, baton_record_kind kind, const char *list_path, const char *key);
/* Position of the entry with that key in the list, or -1. */
int baton_record_entry_index(json_t *doc, baton_record_kind kind, const char *list_path, const char *key);

/* 1 when s is valid UTF-8 of at most len bytes. */
int baton_utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8. */
size_t baton_utf8_length(const char *s);

#endif
