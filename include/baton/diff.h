/* Field-level differences between two versions of a record: what a person reviewing a change
 * wants to see ("plan.measures[m2].goal changed"), not a line diff of JSON. Long texts get a
 * word diff, so one changed word in a paragraph does not show as the whole paragraph twice. */
#ifndef BATON_DIFF_H
#define BATON_DIFF_H

#include "baton/record.h"

#include <jansson.h>
#include <stddef.h>

typedef enum { BATON_DIFF_ADDED, BATON_DIFF_REMOVED, BATON_DIFF_CHANGED } baton_diff_op;

typedef struct {
    char *path;      /* plan.measures[m2].goal: list entries by id */
    baton_diff_op op;
    char *old_value; /* text as shown: strings as they are, other values as compact JSON */
    char *new_value;
} baton_diff_item;

typedef struct {
    baton_diff_item *items;
    size_t count;
    size_t cap;
} baton_diff;

/* Leaf-by-leaf differences from old to new (either may be NULL: everything added/removed). */
int baton_diff_records(const json_t *old, const json_t *new_, baton_record_kind kind, baton_diff *out);
void baton_diff_free(baton_diff *d);

/* The changed fields as a short list for logs: entries collapse to `plan.measures[m2]`.
 * Returns a JSON array of unique paths in order of appearance. */
json_t *baton_diff_fields(const baton_diff *d);

typedef enum { BATON_WORD_SAME, BATON_WORD_DELETED, BATON_WORD_INSERTED } baton_word_op;

typedef struct {
    baton_word_op op;
    char *text;
} baton_word_span;

/* Word diff of two texts: spans to print in order. Returns the number of spans (or -1). */
int baton_diff_words(const char *old, const char *new_, baton_word_span **spans);
void baton_word_spans_free(baton_word_span *spans, int n);

#endif
