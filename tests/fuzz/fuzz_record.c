/* libFuzzer target: the record parser and validator, for every record kind, and the field-level
 * diff between two parsed records. Anything may come in; nothing may crash, leak or overflow.
 * And the canonical form must be a fixed point: what Baton writes, it reads back to the same
 * bytes and the same verdict (else one content could be stored as two blobs). */
#include <baton/baton.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *doc = NULL;
    if (baton_record_parse((const char *)data, size, "fuzz", &doc) != 0)
        return 0;
    baton_errors errs = {0};
    for (int k = BATON_RECORD_CASE; k <= BATON_RECORD_TRUST; k++) {
        baton_record_validate(doc, (baton_record_kind)k, &errs);
        baton_errors_free(&errs);
    }
    char *dumped = baton_record_dump(doc);
    if (!dumped)
        abort();
    json_t *again = NULL;
    if (baton_record_parse(dumped, strlen(dumped), "fuzz (dumped)", &again) != 0)
        abort(); /* Baton wrote something it cannot read */
    char *redumped = baton_record_dump(again);
    if (!redumped || strcmp(dumped, redumped) != 0)
        abort(); /* the canonical form is not canonical */
    if ((baton_record_validate(doc, BATON_RECORD_CASE, NULL) == 0) !=
        (baton_record_validate(again, BATON_RECORD_CASE, NULL) == 0))
        abort(); /* the verdict changed across a write and a read */
    free(redumped);
    json_decref(again);
    free(dumped);
    baton_diff d;
    if (baton_diff_records(NULL, doc, BATON_RECORD_CASE, &d) == 0)
        baton_diff_free(&d);
    json_t *copy = json_deep_copy(doc);
    baton_record_path_set(copy, BATON_RECORD_CASE, "plan.strengths", "fuzz");
    json_decref(copy);
    json_decref(doc);
    return 0;
}
