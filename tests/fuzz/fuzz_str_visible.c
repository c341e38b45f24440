/* fuzz_str_visible.c - libFuzzer harness: str_visible() (util.h).  The
 * oracle (oracle_text.h, independent of util.c): the output is valid
 * UTF-8 with no control, format or invisible character and no run of more
 * than 4 zero-width characters; made visible again it changes only where
 * it holds a backslash; and plain text (Latin, Greek, Cyrillic, Hebrew,
 * CJK, with at most 4 marks in a row) comes out unchanged. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/util.h"
#include "oracle_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *why, const char *text)
{
    fprintf(stderr, "fuzz_str_visible: %s in \"%s\"\n", why, text);
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *v = str_visible((const char *)data, size);
    size_t n = strlen(v);
    const char *why = oracle_text_problem(v, n, 0);
    char *again;

    if (why != NULL)
        fail(why, v);
    again = str_visible(v, n);
    if (strcmp(again, v) != 0 && strchr(v, '\\') == NULL)
        fail("not stable", v);
    /* plain text without a backslash is left as it is */
    if (memchr(data, '\\', size) == NULL &&
        oracle_text_plain((const char *)data, size) &&
        (n != size || memcmp(v, data, size) != 0))
        fail("safe text changed", v);
    free(again);
    free(v);
    return 0;
}
