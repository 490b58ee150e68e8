/* What the index's catch-up asks of due.c: the items one case owes, whatever their date. */
#ifndef BATON_DUE_INTERNAL_H
#define BATON_DUE_INTERNAL_H

#include "baton/store.h"

#include <jansson.h>

/* Appends to out what case_doc (as read at rev) owes: one object per item with kind, ref, owner,
 * due and detail, as those who may read its restricted journal entries see it, or (withheld)
 * as those they are withheld from do. The contact person having left, emergency access and the
 * day are not in it: they are added when the list is asked for. */
int baton_due_case_raw(baton_store *store, const char *rev, const json_t *case_doc, long review_months, int withheld,
                       json_t *out);

#endif
