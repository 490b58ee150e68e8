/* The index handle, shared by index.c (building) and search.c (querying). */
#ifndef BATON_INDEX_INTERNAL_H
#define BATON_INDEX_INTERNAL_H

#include "baton/index.h"

#include <sqlite3.h>

struct baton_index {
    baton_store *store;
    sqlite3 *db;
};

#endif
