/* fuzz_state.c - libFuzzer harness: the state file loader (state.h):
 * JSON as state_load() reads it, state_from_json(), and a round trip
 * through state_to_json(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "mailready/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *j, *j2;
    struct state *st = NULL, *st2 = NULL, *cl;
    struct state_diff diff;

    j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (j == NULL)
        return 0;
    if (state_from_json(j, &st) == RC_OK) {
        (void)state_status(st);
        cl = state_clone(st);
        j2 = state_to_json(cl);
        if (state_from_json(j2, &st2) != RC_OK)
            abort();            /* what we write, we must read */
        state_diff(st, st2, &diff);
        state_diff_fini(&diff);
        state_diff(NULL, st, &diff);
        state_diff_fini(&diff);
        state_free(st2);
        json_decref(j2);
        state_free(cl);
        state_free(st);
    }
    json_decref(j);
    return 0;
}
