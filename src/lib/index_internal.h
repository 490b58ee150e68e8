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
};

/* A query as people type it, as FTS5 syntax (query.c): each word or phrase a quoted string, so
 * '-', ':', '.' and '/' separate words; AND, OR, NOT, parentheses and a final '*' kept. A query
 * that cannot be read is BATON_EUSAGE saying what is wrong. *out is freed by the caller. */
int baton_query_fts5(const char *query, char **out);

#endif
