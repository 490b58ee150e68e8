/* JSON helpers libbaton's modules share and its users need not see. */
#ifndef BATON_JSON_INTERNAL_H
#define BATON_JSON_INTERNAL_H

#include <jansson.h>

/* Sorts a JSON array in place; cmp gets two json_t *const * (as qsort passes them). */
int baton_json_sort(json_t *array, int (*cmp)(const void *, const void *));

#endif
