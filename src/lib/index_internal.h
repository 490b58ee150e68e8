/* The index handle, shared by index.c (building) and search.c (querying). */
#ifndef BATON_INDEX_INTERNAL_H
#define BATON_INDEX_INTERNAL_H

#include "baton/index.h"

#include <sqlite3.h>

struct baton_index {
    baton_store *store;
    sqlite3 *db;
    int quiet; /* catching up without warnings (a fresh index built to compare with) */
};

#endif
