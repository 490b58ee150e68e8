/* Searching the index. The MATCH runs over distinct texts; spans then say which records held a
 * hit and from which version to which, so `--history` can tell when a text first and last
 * appeared without scanning versions. Snippets mark matches with \001 and \002 so each front
 * end can highlight its own way.
 *
 * Ranking: bm25 (FTS5's rank) when the query and each of its phrases match at most RANK_LIMIT
 * texts. bm25 needs every match of every phrase counted and scored, so its cost grows with how
 * common the words are; any other query (a very common word: a third of all texts or more) is
 * answered newest text first instead, which FTS5 reads straight from its index and stops after
 * the LIMIT. Which of the two a query gets is decided by counting matches up to RANK_LIMIT + 1,
 * newest first, which costs at most that many steps a phrase. Such hits carry rank 0. */
#include "baton/case.h"
#include "baton/error.h"
#include "baton/history.h"
#include "baton/index.h"
#include "hooks.h"
#include "index_internal.h"
#include "session_internal.h"

#include <git2.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The MATCH runs alone, best first, with a LIMIT (?10): FTS5 can then stop early instead of
 * ranking and snippeting every matching text. Spans and filters are joined outside it; when the
 * filters leave fewer hits than asked for, baton_search asks the inner query for more. */
#define RANK_LIMIT 500

static sqlite3_int64 rank_limit(void)
{
    /* a test build may lower it, to reach the newest-first order with few texts */
    return (sqlite3_int64)BATON_HOOK_NUMBER("BATON_RANK_LIMIT", RANK_LIMIT);
}

#define SEARCH_SELECT                                                                                                  \
    "SELECT d.case_id, c.child, d.kind, tf.s, m.snip, m.rank, lower(hex(fc.commit_id)), fv.time, fa.s,"                \
    "       lower(hex(lc.commit_id)), lv.time, m.tid"
/* ranked: the best ?10 texts by bm25; their snippets are made afterwards for the hits shown only,
 * as many of these texts are older versions the filters leave out */
#define SEARCH_RANKED                                                                                                  \
    "  FROM (SELECT rowid AS tid, rank, NULL AS snip FROM fts WHERE fts MATCH ?1 ORDER BY rank LIMIT ?10) m"
/* recent: the newest ?10 texts, in the index's own order (mostly current: snippets made here,
 * as FTS5 finds one text of a very common word by its rowid slowly) */
#define SEARCH_RECENT                                                                                                  \
    "  FROM (SELECT rowid AS tid, 0.0 AS rank, snippet(fts, 0, char(1), char(2), '…', 24) AS snip"                   \
    "          FROM fts WHERE fts MATCH ?1 ORDER BY rowid DESC LIMIT ?10) m"
/* recent, for a reader who may read few cases (a teacher): their hits are scattered among many
 * texts, and a snippet made for every candidate cost most of such a search (60-100 ms on 5,000
 * cases); their few hits get theirs afterwards, one by one, as ranked ones do */
#define SEARCH_RECENT_BARE                                                                                             \
    "  FROM (SELECT rowid AS tid, 0.0 AS rank, NULL AS snip FROM fts WHERE fts MATCH ?1 ORDER BY rowid DESC LIMIT ?10) m"
#define SEARCH_REST                                                                                                    \
    "  JOIN texts t ON t.id = m.tid"                                                                                   \
    "  JOIN strs tf ON tf.id = t.field"                                                                                \
    "  JOIN spans s ON s.text_id = m.tid"                                                                              \
    "  JOIN docs d ON d.id = s.doc_id"                                                                                 \
    "  JOIN cases c ON c.case_id = d.case_id"                                                                          \
    "  JOIN versions fv ON fv.id = s.first_version"                                                                    \
    "  JOIN commits fc ON fc.seq = fv.seq"                                                                             \
    "  JOIN strs fa ON fa.id = fv.author"                                                                              \
    "  LEFT JOIN versions lv ON lv.id = s.last_version"                                                                \
    "  LEFT JOIN commits lc ON lc.seq = lv.seq"                                                                        \
    " WHERE (?2 OR s.last_version IS NULL)"                                                                            \
    "   AND (?3 IS NULL OR d.case_id = ?3)"                                                                            \
    "   AND (?4 IS NULL OR tf.s = ?4 OR substr(tf.s, 1, length(?4) + 1) IN (?4 || '.', ?4 || '['))"                   \
    "   AND (?5 IS NULL OR c.contact = ?5)"                                                                            \
    "   AND (?6 IS NULL OR c.status = ?6)"                                                                             \
    "   AND (?7 = 0 OR s.last_version IS NULL OR lv.time >= ?7)"                                                       \
    "   AND (?8 = 0 OR fv.time <= ?8)"                                                                                 \
    /* need to know (policy.h): the cases the session may read, and restricted entries only for                        \
     * those who may read them; filtered here, before the LIMIT, so nothing is shown or counted                        \
     * that the session may not read */                                                                                \
    "   AND (EXISTS (SELECT 1 FROM case_staff cs WHERE cs.case_id = d.case_id AND cs.staff = ?11)"                     \
    "        OR (?12 AND (?13 IS NULL OR c.institution = ?13)))"                                                       \
    "   AND (d.restricted = 0 OR d.author = ?11 OR (?14 AND (?13 IS NULL OR c.institution = ?13)))"
#define SEARCH_ORDER_RANKED " ORDER BY m.rank, d.case_id, tf.s, fv.id LIMIT ?9"
#define SEARCH_ORDER_RECENT " ORDER BY m.tid DESC, d.case_id, tf.s, fv.id LIMIT ?9"

static const char search_ranked_sql[] = SEARCH_SELECT SEARCH_RANKED SEARCH_REST SEARCH_ORDER_RANKED;
static const char search_recent_sql[] = SEARCH_SELECT SEARCH_RECENT SEARCH_REST SEARCH_ORDER_RECENT;
static const char search_recent_bare_sql[] = SEARCH_SELECT SEARCH_RECENT_BARE SEARCH_REST SEARCH_ORDER_RECENT;
/* one text's snippet (few texts match a ranked query, so finding one of them is quick) */
static const char search_snippet_sql[] =
    "SELECT snippet(fts, 0, char(1), char(2), '…', 24) FROM fts WHERE fts MATCH ?1 AND rowid = ?2";
/* how many texts match, counted newest first and no further than ?2 */
static const char search_capped_sql[] =
    "SELECT count(*) FROM (SELECT rowid FROM fts WHERE fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)";

/* The phrases of a query as baton_query_fts5 writes it (each typed word or phrase a quoted
 * string, a prefix followed by " *"), each an FTS5 query of its own. */
static json_t *phrases_of(const char *fts)
{
    json_t *list = json_array();
    for (const char *p = fts; *p; p++) {
        if (*p != '"')
            continue;
        const char *q = p + 1;
        while (*q && !(q[0] == '"' && q[1] != '"'))
            q += q[0] == '"' ? 2 : 1;
        if (!*q)
            break;
        size_t len = (size_t)(q - p) + 1;
        if (strncmp(q + 1, " *", 2) == 0)
            len += 2;
        json_array_append_new(list, json_stringn(p, len));
        p = q;
    }
    return list;
}

/* How many texts match fts, counted newest first and no further than most + 1. */
static sqlite3_int64 capped_count(baton_index *idx, const char *fts, sqlite3_int64 most)
{
    sqlite3_int64 n = -1;
    sqlite3_bind_text(idx->search_capped, 1, fts, -1, SQLITE_STATIC);
    sqlite3_bind_int64(idx->search_capped, 2, most + 1);
    if (sqlite3_step(idx->search_capped) == SQLITE_ROW)
        n = sqlite3_column_int64(idx->search_capped, 0);
    sqlite3_reset(idx->search_capped);
    return n;
}

void baton_search_hits_free(baton_search_hit *hits, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(hits[i].snippet);
    free(hits);
}

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t n)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    snprintf(out, n, "%s", v ? (const char *)v : "");
}

int baton_search(baton_session *s, baton_index *idx, const char *query, const baton_search_options *opts,
                 baton_search_hit **hits, size_t *count)
{
    sqlite3_stmt *st;
    *hits = NULL;
    *count = 0;
    if (!query || !*query)
        return baton_error_set(BATON_EUSAGE, "search: the query is empty");
    char *fts;
    int qrc = baton_query_fts5(query, &fts);
    if (qrc)
        return qrc;
    if (baton_index_prepared(idx, &idx->search_ranked, search_ranked_sql) ||
        baton_index_prepared(idx, &idx->search_recent, search_recent_sql) ||
        baton_index_prepared(idx, &idx->search_capped, search_capped_sql) ||
        baton_index_prepared(idx, &idx->search_snippet, search_snippet_sql) ||
        baton_index_prepared(idx, &idx->search_recent_bare, search_recent_bare_sql)) {
        free(fts);
        return baton_error_set(BATON_ERROR, "search: %s", sqlite3_errmsg(idx->db));
    }
    /* bm25 when every phrase of the query matches few texts (bm25 counts every match of each
     * phrase, whatever the query as a whole matches: "rare AND common" costs what "common"
     * does); newest first otherwise */
    sqlite3_int64 ceiling = -1, most = rank_limit();
    json_t *phrases = phrases_of(fts);
    int ranked = 1;
    size_t pi;
    json_t *phrase;
    json_array_foreach(phrases, pi, phrase) if (ranked && json_array_size(phrases) > 1 &&
                                                capped_count(idx, json_string_value(phrase), most) > most)
        ranked = 0;
    json_decref(phrases);
    if (ranked)
        ceiling = capped_count(idx, fts, most);
    if (ceiling > most)
        ceiling = -1; /* unknown: counted only if the filters leave the first round short */
    int wide = baton_policy_role_scope(s->record, BATON_ACCESS_READ);
    st = ceiling >= 0 ? idx->search_ranked : wide ? idx->search_recent : idx->search_recent_bare;
    int limit = opts->limit > 0 ? opts->limit : 20;
    const char *status = opts->status ? opts->status : (opts->history ? NULL : "active");
    sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, opts->history ? 1 : 0);
    sqlite3_bind_text(st, 3, opts->case_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, opts->field, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, opts->contact, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)opts->since);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)opts->until);
    sqlite3_bind_int(st, 9, limit);
    const char *inst = baton_session_institution(s);
    sqlite3_bind_text(st, 11, s->who.id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 12, baton_policy_role_scope(s->record, BATON_ACCESS_READ));
    sqlite3_bind_text(st, 13, inst[0] ? inst : NULL, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 14, baton_policy_role_scope(s->record, BATON_ACCESS_READ_RESTRICTED));
    baton_search_hit *h = calloc((size_t)limit, sizeof *h);
    size_t n = 0;
    int r = SQLITE_DONE;
    /* texts first, then their filters: a reader whose role reads cases at large (the filters drop
     * little: older versions, closed cases, what is outside their institution) starts with a
     * quarter more candidates than hits, as a newest-first round makes a snippet for every
     * candidate (four times as many made a psychologist's search page cost 1.7 times as much);
     * one who may read few cases starts with four times as many. A round left short is widened
     * by what the last one let through, at most 8 times. */
    sqlite3_int64 inner = wide ? (sqlite3_int64)limit + limit / 4 : (sqlite3_int64)limit * 4;
    for (;;) {
        sqlite3_bind_int64(st, 10, inner);
        n = 0;
        while ((r = sqlite3_step(st)) == SQLITE_ROW && n < (size_t)limit) {
            baton_search_hit *x = &h[n++];
            free(x->snippet);
            copy_col(st, 0, x->case_id, sizeof x->case_id);
            copy_col(st, 1, x->child, sizeof x->child);
            copy_col(st, 2, x->kind, sizeof x->kind);
            copy_col(st, 3, x->field, sizeof x->field);
            x->snippet = strdup(sqlite3_column_text(st, 4) ? (const char *)sqlite3_column_text(st, 4) : "");
            x->rank = sqlite3_column_double(st, 5);
            copy_col(st, 6, x->first_commit, sizeof x->first_commit);
            x->first_time = (time_t)sqlite3_column_int64(st, 7);
            copy_col(st, 8, x->first_author, sizeof x->first_author);
            copy_col(st, 9, x->last_commit, sizeof x->last_commit);
            x->last_time = (time_t)sqlite3_column_int64(st, 10);
            if (!sqlite3_column_text(st, 4)) { /* ranked: made below */
                sqlite3_bind_text(idx->search_snippet, 1, fts, -1, SQLITE_STATIC);
                sqlite3_bind_int64(idx->search_snippet, 2, sqlite3_column_int64(st, 11));
                const unsigned char *snip = sqlite3_step(idx->search_snippet) == SQLITE_ROW
                                                ? sqlite3_column_text(idx->search_snippet, 0)
                                                : NULL;
                free(x->snippet);
                x->snippet = strdup(snip ? (const char *)snip : "");
                sqlite3_reset(idx->search_snippet);
            }
        }
        if ((r != SQLITE_ROW && r != SQLITE_DONE) || n >= (size_t)limit)
            break;
        if (ceiling < 0)
            ceiling = capped_count(idx, fts, INT64_MAX - 1); /* all of them: the inner LIMIT's ceiling */
        if (inner >= ceiling)
            break;
        /* as many again as the last round's yield says are needed, and half that again */
        sqlite3_int64 next = n > 0 ? inner * limit * 3 / (2 * (sqlite3_int64)n) : inner * 8;
        inner = next > inner * 8 ? inner * 8 : next > inner ? next : inner * 2;
        sqlite3_reset(st);
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        /* baton_query_fts5 wrote the FTS5 syntax, so an error here is the index's, not the query's */
        int rc = baton_error_set(BATON_ERROR, "search: the search index could not answer (%s); 'baton reindex' "
                                              "rebuilds it",
                                 sqlite3_errmsg(idx->db));
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        baton_search_hits_free(h, limit);
        free(fts);
        return rc;
    }
    for (size_t k = n; k < (size_t)limit; k++) { /* left from a shorter retry */
        free(h[k].snippet);
        h[k].snippet = NULL;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    free(fts);
    /* a search is a read of every case it shows (and, showing none, still a search) */
    json_t *ids = json_array(), *seen = json_object();
    for (size_t k = 0; k < n; k++)
        if (!json_object_get(seen, h[k].case_id)) {
            json_object_set_new(seen, h[k].case_id, json_true());
            json_array_append_new(ids, json_string(h[k].case_id));
        }
    int lrc = baton_session_log(s, "search", ids, query);
    json_decref(ids);
    json_decref(seen);
    if (lrc) {
        baton_search_hits_free(h, limit);
        return lrc;
    }
    *hits = h;
    *count = n;
    return 0;
}

/* ---- the version map ---- */

int baton_index_case_log(baton_index *idx, const char *id, const char *rev, baton_case_version **out, size_t *count)
{
    sqlite3_stmt *st;
    sqlite3_int64 upto = -1;
    *out = NULL;
    *count = 0;
    if (rev) {
        git_oid rid;
        memset(&rid, 0, sizeof rid);
        int full = strlen(rev) == GIT_OID_HEXSZ && git_oid_fromstr(&rid, rev) == 0;
        if (sqlite3_prepare_v2(idx->db, "SELECT seq FROM commits WHERE substr(commit_id, 1, 4) = substr(?1, 1, 4)"
                                        " AND commit_id = ?1", -1, &st, NULL) != SQLITE_OK)
            return baton_error_set(BATON_ERROR, "index: %s", sqlite3_errmsg(idx->db));
        sqlite3_bind_blob(st, 1, rid.id, GIT_OID_RAWSZ, SQLITE_STATIC);
        if (full && sqlite3_step(st) == SQLITE_ROW)
            upto = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (upto < 0)
            return baton_error_set(BATON_ENOTFOUND, "no such revision in the first-parent history: %.12s", rev);
    }
    if (sqlite3_prepare_v2(idx->db,
                           "SELECT lower(hex(c.commit_id)), lower(hex(v.blob)), v.time, a.s, e.s, st.s, su.s, v.reason,"
                           "       fl.s, v.problem"
                           "  FROM versions v JOIN docs d ON d.id = v.doc_id JOIN commits c ON c.seq = v.seq"
                           "  JOIN strs a ON a.id = v.author JOIN strs e ON e.id = v.email JOIN strs st ON st.id = v.staff"
                           "  JOIN strs su ON su.id = v.subject LEFT JOIN strs fl ON fl.id = v.fields"
                           " WHERE d.case_id = ?1 AND d.name = 'case.json' AND (?2 < 0 OR v.seq <= ?2)"
                           " ORDER BY v.id DESC",
                           -1, &st, NULL) != SQLITE_OK)
        return baton_error_set(BATON_ERROR, "index: %s", sqlite3_errmsg(idx->db));
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, upto);
    size_t n = 0, cap = 0;
    baton_case_version *v = NULL;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        /* a deletion (plain git) ends the history seen from here */
        if (strcmp((const char *)sqlite3_column_text(st, 1), "0000000000000000000000000000000000000000") == 0) {
            if (n == 0)
                continue;
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            baton_case_version *more = realloc(v, cap * sizeof *more);
            if (!more)
                break;
            v = more;
        }
        baton_case_version *x = &v[n++];
        memset(x, 0, sizeof *x);
        copy_col(st, 0, x->commit, sizeof x->commit);
        copy_col(st, 1, x->version, sizeof x->version);
        x->when = (time_t)sqlite3_column_int64(st, 2);
        copy_col(st, 3, x->author_name, sizeof x->author_name);
        copy_col(st, 4, x->author_email, sizeof x->author_email);
        copy_col(st, 5, x->staff, sizeof x->staff);
        x->subject = strdup(sqlite3_column_text(st, 6) ? (const char *)sqlite3_column_text(st, 6) : "");
        x->reason = sqlite3_column_text(st, 7) ? strdup((const char *)sqlite3_column_text(st, 7)) : NULL;
        const char *f = (const char *)sqlite3_column_text(st, 8);
        x->fields = f ? json_loads(f, 0, NULL) : NULL;
        if (!x->fields)
            x->fields = json_array();
        x->problem = sqlite3_column_text(st, 9) ? strdup((const char *)sqlite3_column_text(st, 9)) : NULL;
    }
    sqlite3_finalize(st);
    if (n == 0) {
        free(v);
        return baton_error_set(BATON_ENOTFOUND, "no case with id '%s'", id);
    }
    *out = v;
    *count = n;
    return 0;
}

int baton_index_contact_cases(baton_index *idx, const char *contact, const char *status, json_t **ids)
{
    *ids = NULL;
    if (baton_index_prepared(idx, &idx->contact_cases,
                             "SELECT case_id FROM cases WHERE contact = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY case_id"))
        return baton_error_set(BATON_ERROR, "index: %s", sqlite3_errmsg(idx->db));
    sqlite3_stmt *st = idx->contact_cases;
    sqlite3_bind_text(st, 1, contact, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    json_t *list = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(list, json_string((const char *)sqlite3_column_text(st, 0)));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    *ids = list;
    return 0;
}

int baton_index_class_cases(baton_index *idx, const char *institution, const char *group, json_t **ids)
{
    sqlite3_stmt *st;
    *ids = NULL;
    if (sqlite3_prepare_v2(idx->db,
                           "SELECT case_id FROM cases WHERE status = 'active' AND institution = ?1"
                           " AND (?2 = '' OR grp = ?2) ORDER BY child, case_id",
                           -1, &st, NULL) != SQLITE_OK)
        return baton_error_set(BATON_ERROR, "index: %s", sqlite3_errmsg(idx->db));
    sqlite3_bind_text(st, 1, institution, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, group ? group : "", -1, SQLITE_STATIC);
    json_t *list = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(list, json_string((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    *ids = list;
    return 0;
}
