/* The search index (<store>/index.db): derived from git, deletable at any time, caught up from
 * the last commit it indexed whenever it is opened. Each distinct (field, text) is indexed once
 * in FTS5; a "span" says which record held that text from which version to which, so the index
 * grows with new content, not with the number of versions. Journal entries and handovers become
 * further record kinds of the same tables. */
#ifndef BATON_INDEX_H
#define BATON_INDEX_H

#include "baton/store.h"

#include <jansson.h>

#include <stddef.h>
#include <time.h>

typedef struct baton_index baton_index;

/* Called while catching up: done and total commits. */
typedef void (*baton_index_progress)(size_t done, size_t total, void *ctx);

/* Opens (creating if needed) the index of store and catches it up to the head. */
int baton_index_open(baton_index **out, baton_store *store, baton_index_progress progress, void *ctx);
void baton_index_free(baton_index *idx);
/* Deletes index.db and builds it again from git. */
int baton_index_rebuild(baton_store *store, baton_index_progress progress, void *ctx);

typedef struct {
    size_t texts;    /* distinct (field, text) rows */
    size_t spans;    /* (text, record, first, last version) rows */
    size_t versions; /* record versions */
    size_t records;  /* indexed records (cases, later journal entries and handovers) */
    char last_commit[41];
} baton_index_stats;

int baton_index_stats_get(baton_index *idx, baton_index_stats *out);
/* The bytes of distinct text the index covers (inflated): what its size is measured against. */
int baton_index_text_bytes(baton_index *idx, size_t *out);

/* The versions of case id as of rev (NULL: head), newest first, from the index's version map:
 * no walk of the history. (baton_case_log in history.h uses this.) */
struct baton_case_version;
int baton_index_case_log(baton_index *idx, const char *id, const char *rev, struct baton_case_version **out,
                         size_t *n);

/* The ids of the active cases whose context is institution (and group, unless "" or NULL), by
 * the child's name: a class, without reading every case. */
int baton_index_class_cases(baton_index *idx, const char *institution, const char *group, json_t **ids);
/* The ids of the cases whose contact person is contact now (and whose status is status, unless
 * NULL), by id: a person's own cases, without reading every case. */
int baton_index_contact_cases(baton_index *idx, const char *contact, const char *status, json_t **ids);

/* Compares the index with one built afresh from git. Returns 0, or BATON_ERROR describing the
 * first difference. (baton_fsck in fsck.h checks the objects and the rules.) */
int baton_index_verify(baton_store *store);

typedef struct {
    int history;          /* every version, journal and handovers; else current versions */
    const char *case_id;  /* only this case */
    const char *field;    /* only this field path or its sub-fields (plan.measures) */
    const char *contact;  /* only cases whose contact person is this staff id */
    const char *status;   /* active|closed|transferred (current search defaults to active) */
    time_t since, until;  /* the text was present at some time in [since, until]; 0 = open */
    int limit;            /* 0: 20 */
} baton_search_options;

typedef struct {
    char case_id[33];
    char child[201];
    char kind[16];       /* case (later: journal, handover) */
    char field[256];
    char *snippet;       /* the text with matches between \001 and \002 */
    double rank;         /* bm25: lower is better */
    char first_commit[41];
    time_t first_time;
    char first_author[128];
    char last_commit[41]; /* "" while the text is still present */
    time_t last_time;
} baton_search_hit;

/* Searches as the session: words as people type them (query.c: AND, OR, NOT, "phrases",
 * prefix*). Only texts of cases the session may read come back (and restricted journal entries
 * only to those who may read them): nothing else is returned, counted or snippeted. The search
 * and every case it shows are logged. A malformed query is BATON_EUSAGE saying what is wrong. */
struct baton_session;
int baton_search(struct baton_session *s, baton_index *idx, const char *query, const baton_search_options *opts,
                 baton_search_hit **hits, size_t *n);
void baton_search_hits_free(baton_search_hit *hits, size_t n);

#endif
