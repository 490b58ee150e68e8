/* The index handle, shared by index.c (building) and search.c (querying). */
#ifndef BATON_INDEX_INTERNAL_H
#define BATON_INDEX_INTERNAL_H

#include "baton/index.h"

#include <sqlite3.h>

struct baton_index {
    baton_store *store;
    sqlite3 *db;
    int quiet; /* catching up without warnings (a fresh index built to compare with) */
    sqlite3_stmt *search_ranked, *search_recent, *search_capped, *search_snippet,
        *search_recent_bare; /* search.c: prepared once per index */
    sqlite3_stmt *due_one, *due_person, *due_own, *due_left; /* due.c: the same */
    sqlite3_stmt *due_items[32], *due_count[32];             /* ... by the list's shape */
    sqlite3_stmt *contact_cases;                             /* search.c: the same */
    sqlite3_stmt *case_summaries;                            /* case.c: the same */
    char caught_up[41]; /* the head this index last caught up to: while it is the head, no
                           catching up is needed, nor a look at the index's meta */
};

/* A case the session may read, as index.db knows it (policy.h, the same test as search's): ?1 the
 * reader, ?2 whether their role reads within a scope, ?3 its institution (NULL: all), ?4 whether
 * the role reads restricted entries, bound by baton_index_bind_reader. ID and INST: the case's id
 * and its institution as the statement has them (the role's scope is tried first: for a
 * coordinator it decides without a look at the case's team or its institution). */
#define INDEX_READER_MAY_READ(ID, INST)                                                                        \
    "((?2 AND (?3 IS NULL OR " INST " = ?3))"                                                                 \
    " OR EXISTS (SELECT 1 FROM case_staff cs WHERE cs.case_id = " ID " AND cs.staff = ?1))"
struct baton_session;
void baton_index_bind_reader(sqlite3_stmt *st, struct baton_session *s);

/* The statement in *slot, prepared the first time the index is asked for it and kept with it
 * (its user resets it after use): 0, or -1 with SQLite's message in the index's connection. */
int baton_index_prepared(baton_index *idx, sqlite3_stmt **slot, const char *sql);

/* A query as people type it, as FTS5 syntax (query.c): each word or phrase a quoted string, so
 * '-', ':', '.' and '/' separate words; AND, OR, NOT, parentheses and a final '*' kept. A query
 * that cannot be read is BATON_EUSAGE saying what is wrong. *out is freed by the caller. */
int baton_query_fts5(const char *query, char **out);

#endif
