/* fuzz_str_visible.c - libFuzzer harness: str_visible() (util.h).  The
 * oracle: the output is valid UTF-8 with no C0, DEL or C1 control
 * character nor bidi override, and made visible again it changes only
 * where it holds a backslash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
    size_t len, i;
    unsigned long cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    if (cp >= 0x80 && cp <= 0x9f)
        return 0;                       /* C1 */
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
        return 0;                       /* bidi overrides, isolates */
    return len;
}

static void
check_safe(const char *v)
{
    const unsigned char *p = (const unsigned char *)v;
    size_t n = strlen(v), i = 0, l;

    while (i < n) {
        if (p[i] < 0x20 || p[i] == 0x7f)
            abort();
        l = utf8_len(p + i, n - i);
        if (l == 0)
            abort();
        i += l;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *v = str_visible((const char *)data, size);
    size_t n = strlen(v);
    char *again;

    check_safe(v);
    again = str_visible(v, n);
    if (strcmp(again, v) != 0 && strchr(v, '\\') == NULL)
        abort();
    free(again);
    free(v);
    return 0;
}
