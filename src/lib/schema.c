/* The field tables of every record kind: the single C statement of what a valid record is.
 * schemas/case.schema.json and schemas/staff.schema.json say the same for outside validators;
 * when a field changes here, it changes there in the same commit. */
#include "baton/record.h"

#include <stddef.h>

#define REQ BATON_FIELD_REQUIRED
#define RO BATON_FIELD_READONLY
#define SECRET BATON_FIELD_SECRET
#define END {NULL, 0, 0, NULL, NULL, 0, NULL, 0}

#define F_STR(n, fl) {n, BATON_FIELD_STRING, fl, NULL, NULL, BATON_SHORT_MAX, NULL}
#define F_TEXT(n, fl) {n, BATON_FIELD_TEXT, fl, NULL, NULL, BATON_TEXT_MAX, NULL}
#define F_DATE(n, fl) {n, BATON_FIELD_DATE, fl, NULL, NULL, 0, NULL}
#define F_BOOL(n, fl) {n, BATON_FIELD_BOOL, fl, NULL, NULL, 0, NULL}
#define F_INT(n, fl, lo, hi) {n, BATON_FIELD_INT, fl, NULL, NULL, hi, NULL, lo}
#define F_ENUM(n, fl, v) {n, BATON_FIELD_ENUM, fl, v, NULL, 0, NULL}
#define F_STAFF(n, fl) {n, BATON_FIELD_STAFF, fl, NULL, NULL, 0, NULL}
#define F_OBJ(n, fl, f) {n, BATON_FIELD_OBJECT, fl, NULL, f, 0, NULL}
#define F_ARR(n, fl, item, maxn, k) {n, BATON_FIELD_ARRAY, fl, NULL, item, maxn, k}
#define F_HEX(n, fl, len) {n, BATON_FIELD_HEX, fl, NULL, NULL, len, NULL}
#define F_DATETIME(n, fl) {n, BATON_FIELD_DATETIME, fl, NULL, NULL, 0, NULL}

const char *const baton_case_statuses[] = {"active", "closed", "transferred", NULL};
static const char *const context_kinds[] = {"daycare", "school", "leisure", "special_school", "other", NULL};
const char *const baton_agreement_frequencies[] = {"weekly", "fortnightly", "monthly", "on_news", NULL};
const char *const baton_channels[] = {"aula", "email", "phone", "meeting", "sms", "other", NULL};
const char *const baton_agreement_topics[] = {"progress", "challenges", "both", NULL};
const char *const baton_agreement_details[] = {"brief", "detailed", NULL};
const char *const baton_settings[] = {"school", "leisure", "home", NULL};
static const char *const measure_status[] = {"planned", "active", "completed", "stopped", NULL};
static const char *const comment_by[] = {"child", "guardian", "staff", NULL};
const char *const baton_sso_matches[] = {"email", "sso_id", "staff_id", NULL};
const char *const baton_staff_roles[] = {"teacher", "pedagogue", "coordinator", "psychologist", "leader", "other", NULL};
static const char *const languages[] = {"da", "sv", "nb", "en", NULL};
const char *const baton_packet_sections[] = {"strengths", "voices", "predictability", "challenges", "measures",
                                             "focus", "communication", "team", "follow_ups", "journal",
                                             "changes", "checklist", NULL};
static const char *const basis_kinds[] = {"consent", "statutory", NULL};
static const char *const handover_kinds[] = {"staff", "context", "onboarding", NULL};

/* ---- case ---- */

static const baton_field child_fields[] = {
    F_STR("name", REQ),
    F_DATE("born", REQ),
    {"national_id", BATON_FIELD_STRING, SECRET, NULL, NULL, 20, NULL},
    END};

static const baton_field context_fields[] = {
    F_ENUM("kind", REQ, context_kinds),
    F_STR("institution", REQ),
    F_STR("group", 0),
    F_STR("municipality", 0),
    END};

static const baton_field contact_fields[] = {
    F_STAFF("staff", REQ),
    F_DATE("since", REQ),
    END};

static const baton_field text_item = F_STR("", 0);

static const baton_field team_member_fields[] = {
    F_STAFF("staff", REQ),
    F_STR("role", REQ),
    F_ARR("responsible_for", 0, &text_item, 20, NULL),
    F_BOOL("follows_up", 0), /* follows up on the agreements made with the home */
    F_BOOL("hands_over", 0), /* hands knowledge over when the child moves on */
    END};
static const baton_field team_member = F_OBJ("", 0, team_member_fields);

static const baton_field channel_item = F_ENUM("", 0, baton_channels);

static const baton_field agreement_fields[] = {
    F_ENUM("frequency", REQ, baton_agreement_frequencies),
    F_ARR("channels", REQ, &channel_item, 6, NULL),
    F_ENUM("topics", REQ, baton_agreement_topics),
    F_ENUM("detail", REQ, baton_agreement_details),
    F_DATE("agreed_on", REQ),
    END};

static const baton_field guardian_fields[] = {
    {"id", BATON_FIELD_LOCALID, REQ | RO, NULL, NULL, 0, NULL},
    F_STR("name", REQ),
    F_STR("relation", REQ),
    {"phone", BATON_FIELD_PHONE, 0, NULL, NULL, 0, NULL},
    {"email", BATON_FIELD_EMAIL, 0, NULL, NULL, 0, NULL},
    F_OBJ("agreement", 0, agreement_fields),
    END};
static const baton_field guardian = F_OBJ("", 0, guardian_fields);

static const baton_field challenges_fields[] = {
    F_TEXT("school", 0),
    F_TEXT("leisure", 0),
    F_TEXT("home", 0),
    END};

static const baton_field measure_fields[] = {
    {"id", BATON_FIELD_LOCALID, REQ | RO, NULL, NULL, 0, NULL},
    F_ENUM("setting", REQ, baton_settings),
    F_TEXT("description", REQ),
    F_TEXT("goal", REQ),
    F_STAFF("responsible", REQ),
    F_DATE("start", REQ),
    F_DATE("review_by", REQ),
    F_ENUM("status", REQ, measure_status),
    F_TEXT("outcome", 0),
    END};
static const baton_field measure = F_OBJ("", 0, measure_fields);

static const baton_field comment_fields[] = {
    F_ENUM("by", REQ, comment_by),
    F_TEXT("text", REQ),
    F_DATE("date", REQ),
    F_STAFF("staff", 0),
    END};
static const baton_field comment = F_OBJ("", 0, comment_fields);

static const baton_field focus_fields[] = {
    {"id", BATON_FIELD_LOCALID, REQ | RO, NULL, NULL, 0, NULL},
    F_STR("area", REQ),
    F_TEXT("text", REQ),
    F_TEXT("support_school", 0),
    F_TEXT("support_home", 0),
    F_DATE("follow_up", 0),
    F_ARR("comments", 0, &comment, 200, NULL),
    END};
static const baton_field focus = F_OBJ("", 0, focus_fields);

static const baton_field section_item = F_ENUM("", 0, baton_packet_sections);
static const baton_field guardian_id_item = {"", BATON_FIELD_LOCALID, 0, NULL, NULL, 0, NULL};

/* Parents' consent to share: who gave it, when, for which packet sections, and for what. */
static const baton_field consent_fields[] = {
    {"id", BATON_FIELD_LOCALID, REQ | RO, NULL, NULL, 0, NULL},
    F_ARR("given_by", REQ, &guardian_id_item, 10, NULL),
    F_DATE("date", REQ),
    F_ARR("scope", REQ, &section_item, 12, NULL),
    F_STR("purpose", 0),
    F_DATE("withdrawn", 0),
    END};
static const baton_field consent = F_OBJ("", 0, consent_fields);

/* A transfer file that left with a handover: what, when, to whom, and its hash. */
static const baton_field export_fields[] = {
    F_INT("handover", REQ, 1, BATON_HANDOVER_MAX),
    F_DATETIME("created", REQ),
    F_STR("to", REQ),
    F_HEX("sha256", REQ, 64),
    F_ARR("scope", REQ, &section_item, 12, NULL),
    END};
static const baton_field export_item = F_OBJ("", 0, export_fields);

static const baton_field plan_fields[] = {
    F_TEXT("strengths", 0),
    F_TEXT("works_well", 0),
    F_TEXT("child_perspective", 0),
    F_TEXT("guardian_perspective", 0),
    F_OBJ("challenges", 0, challenges_fields),
    F_BOOL("needs_predictability", 0),
    F_TEXT("transition_notes", 0),
    F_ARR("measures", 0, &measure, 200, "id"),
    F_ARR("focus_points", 0, &focus, 100, "id"),
    END};

static const baton_field case_fields[] = {
    {"id", BATON_FIELD_ID, REQ | RO, NULL, NULL, 0, NULL},
    F_ENUM("status", REQ, baton_case_statuses),
    {"opened", BATON_FIELD_DATE, REQ | RO, NULL, NULL, 0, NULL},
    F_DATE("closed", 0), /* the day it was closed or transferred: Baton sets it with the status */
    F_OBJ("child", REQ, child_fields),
    F_OBJ("context", REQ, context_fields),
    F_OBJ("contact", REQ, contact_fields),
    F_ARR("team", 0, &team_member, 50, "staff"),
    F_ARR("guardians", 0, &guardian, 10, "id"),
    F_ARR("consents", 0, &consent, 50, "id"),
    F_ARR("exports", 0, &export_item, 100, NULL),
    F_OBJ("plan", REQ, plan_fields),
    END};

/* ---- journal entry (cases/<xx>/<id>/journal/<ts>-<n>.json) ---- */

static const char *const journal_kinds[] = {"contact", "meeting", "observation", "status_update", "decision",
                                            "follow_up_done", NULL};

static const baton_field follow_up_fields[] = {
    F_DATE("date", REQ),
    F_STAFF("owner", REQ),
    END};

static const baton_field guardian_ref = {"", BATON_FIELD_LOCALID, 0, NULL, NULL, 0, NULL};

static const baton_field journal_fields[] = {
    {"id", BATON_FIELD_LOCALID, REQ | RO, NULL, NULL, 0, NULL},
    {"case", BATON_FIELD_ID, REQ | RO, NULL, NULL, 0, NULL},
    F_ENUM("kind", REQ, journal_kinds),
    {"at", BATON_FIELD_WHEN, REQ, NULL, NULL, 0, NULL},
    {"recorded", BATON_FIELD_DATETIME, REQ, NULL, NULL, 0, NULL},
    F_STAFF("by", REQ),
    F_TEXT("text", 0), /* required except on follow_up_done (journal.c, and the JSON Schema) */
    F_ARR("with", 0, &text_item, 20, NULL),
    F_ARR("guardians", 0, &guardian_ref, 10, NULL),
    F_ENUM("channel", 0, baton_channels),
    F_OBJ("follow_up", 0, follow_up_fields),
    {"corrects", BATON_FIELD_LOCALID, 0, NULL, NULL, 0, NULL},
    {"closes", BATON_FIELD_LOCALID, 0, NULL, NULL, 0, NULL},
    F_INT("handover", 0, 1, BATON_HANDOVER_MAX), /* a contact telling the guardians about handover N */
    F_BOOL("restricted", 0), /* readable by coordinators and psychologists in scope, and its author */
    END};

/* ---- handover (cases/<xx>/<id>/handovers/<nnnn>.json) ---- */

static const baton_field receiver_fields[] = {
    F_STR("name", REQ),
    {"email", BATON_FIELD_EMAIL, REQ, NULL, NULL, 0, NULL},
    END};

static const baton_field party_fields[] = {
    F_STAFF("staff", 0),
    F_OBJ("receiver", 0, receiver_fields), /* someone outside the organisation */
    F_OBJ("context", 0, context_fields),
    END};

static const baton_field basis_fields[] = {
    F_ENUM("kind", REQ, basis_kinds),
    F_STR("ref", REQ), /* the consent's id (c1), or the statute */
    F_ARR("scope", REQ, &section_item, 12, NULL),
    END};

static const baton_field tick_fields[] = {
    F_DATE("date", REQ),
    F_STAFF("by", REQ),
    F_STR("note", 0),
    END};

/* On a handover received from another organisation: when the sender told the guardians. (Here it
 * is read from the journal: a contact entry with the guardians and the handover's number.) */
static const baton_field informed_fields[] = {
    F_DATE("date", REQ),
    F_ENUM("channel", 0, baton_channels),
    END};

static const baton_field checklist_fields[] = {
    F_OBJ("meeting_held", 0, tick_fields),
    F_OBJ("child_prepared", 0, tick_fields),
    F_OBJ("known_adult", 0, tick_fields),
    F_OBJ("guardians_informed", 0, informed_fields),
    END};

static const baton_field ack_fields[] = {
    F_STAFF("by", REQ),
    {"at", BATON_FIELD_DATETIME, REQ, NULL, NULL, 0, NULL},
    END};

/* Where an imported handover came from. */
static const baton_field source_fields[] = {
    F_STR("organisation", REQ),
    {"store_id", BATON_FIELD_STRING, REQ, NULL, NULL, 64, NULL},
    {"case", BATON_FIELD_ID, REQ, NULL, NULL, 0, NULL},
    F_INT("handover", REQ, 1, BATON_HANDOVER_MAX),
    F_DATETIME("created", REQ),
    F_HEX("sha256", REQ, 64),
    F_HEX("signer", REQ, 32), /* the signing key's fingerprint */
    F_BOOL("trusted", REQ),
    F_HEX("packet_sha256", 0, 64),
    END};

static const baton_field handover_fields[] = {
    F_INT("number", REQ | RO, 1, BATON_HANDOVER_MAX),
    {"case", BATON_FIELD_ID, REQ | RO, NULL, NULL, 0, NULL},
    F_ENUM("kind", REQ | RO, handover_kinds),
    {"made", BATON_FIELD_DATETIME, REQ | RO, NULL, NULL, 0, NULL},
    F_STAFF("by", REQ | RO),
    F_TEXT("reason", 0),
    {"revision", BATON_FIELD_OID, REQ | RO, NULL, NULL, 0, NULL},
    F_OBJ("from", REQ, party_fields),
    F_OBJ("to", REQ, party_fields),
    F_OBJ("basis", 0, basis_fields),
    F_OBJ("checklist", 0, checklist_fields),
    F_OBJ("acknowledged", 0, ack_fields),
    F_OBJ("source", 0, source_fields),
    END};

/* ---- trusted sender (trust/<fingerprint>.json) ---- */

static const baton_field trust_fields[] = {
    F_HEX("fingerprint", REQ | RO, 32),
    {"public_key", BATON_FIELD_PUBKEY, REQ | RO, NULL, NULL, 0, NULL},
    F_STR("organisation", REQ),
    F_DATE("added", REQ | RO),
    F_STAFF("by", REQ | RO),
    F_DATE("revoked", 0),
    F_STAFF("revoked_by", 0),
    END};

/* ---- erasure (erasures/<case-id>.json) ---- */

/* What is left of an erased case: its id, when and by whom, which history was rewritten, and the
 * digest of the access-log entries whose text went, signed with the store's key. */
static const baton_field erasure_fields[] = {
    {"case", BATON_FIELD_ID, REQ | RO, NULL, NULL, 0, NULL},
    F_DATE("erased", REQ | RO),
    F_STAFF("by", REQ | RO),
    {"old_head", BATON_FIELD_OID, REQ | RO, NULL, NULL, 0, NULL},
    F_INT("commits_rewritten", REQ | RO, 0, 0),
    F_INT("commits_dropped", REQ | RO, 0, 0),
    F_INT("audit_entries", REQ | RO, 0, 0),
    F_HEX("audit_sha256", REQ | RO, 64),
    {"public_key", BATON_FIELD_PUBKEY, REQ | RO, NULL, NULL, 0, NULL},
    F_HEX("signature", REQ | RO, 128),
    END};

/* ---- staff ---- */

static const baton_field staff_fields[] = {
    {"id", BATON_FIELD_ID, REQ | RO, NULL, NULL, 0, NULL},
    F_STR("name", REQ),
    {"email", BATON_FIELD_EMAIL, REQ, NULL, NULL, 0, NULL},
    F_ENUM("role", REQ, baton_staff_roles),
    F_STR("institution", 0),
    F_BOOL("active", REQ),
    F_DATE("left", 0),
    F_STR("sso_id", 0), /* the person at the identity provider (UNI-Login's uniid, a SAML NameID, OIDC sub) */
    END};

/* ---- store metadata (baton.json) ---- */

static const baton_field store_config_fields[] = {
    F_INT("agreement_review_months", 0, 0, 120), /* 0: agreements are never due for review */
    F_INT("audit_retention_days", 0, 1, 36500),
    F_INT("retention_years_after_closing", 0, 0, 100), /* a closed case is kept this long after it closed */
    F_INT("retention_years_after_18", 0, 0, 100),      /* ... and this long after the child turned 18 */
    F_INT("session_idle_minutes", 0, 1, 1440), /* a web login ends after this long unused (30) */
    F_INT("session_max_hours", 0, 1, 168),     /* and this long after it began, whatever (10) */
    F_STR("signing_key", 0), /* the private key file, relative to the store directory */
    {"time_zone", BATON_FIELD_ZONE, 0, NULL, NULL, 0, NULL}, /* how documents show times; default by language */
    F_ENUM("sso_match", 0, baton_sso_matches), /* what the proxy's header names: e-mail (default), sso_id, id */
    F_STR("sso_assurance_levels", 0), /* the provider's assurance levels, lowest first, space-separated */
    F_STR("sso_assurance_min", 0),    /* the lowest of them a child's data is shown at */
    END};

static const baton_field store_fields[] = {
    F_INT("format", REQ | RO, 1, BATON_STORE_FORMAT),
    {"store_id", BATON_FIELD_STRING, REQ | RO, NULL, NULL, 64, NULL},
    F_ENUM("language", REQ, languages),
    F_STR("organisation", REQ),
    F_DATE("created", REQ | RO),
    F_OBJ("config", 0, store_config_fields),
    END};

static const baton_field roots[] = {
    [BATON_RECORD_CASE] = F_OBJ("case", 0, case_fields),
    [BATON_RECORD_STAFF] = F_OBJ("staff", 0, staff_fields),
    [BATON_RECORD_STORE] = F_OBJ("store", 0, store_fields),
    [BATON_RECORD_JOURNAL] = F_OBJ("journal", 0, journal_fields),
    [BATON_RECORD_HANDOVER] = F_OBJ("handover", 0, handover_fields),
    [BATON_RECORD_TRUST] = F_OBJ("trust", 0, trust_fields),
    [BATON_RECORD_ERASURE] = F_OBJ("erasure", 0, erasure_fields),
};

const baton_field *baton_record_spec(baton_record_kind kind) { return &roots[kind]; }

const char *baton_record_kind_name(baton_record_kind kind) { return roots[kind].name; }
