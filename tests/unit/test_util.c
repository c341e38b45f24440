/* test_util.c - str_visible(): what keeps DNS text from reaching a
 * terminal raw. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/util.h"

static void
expect_vis(const char *in, size_t len, const char *want)
{
    char *v = str_visible(in, len);

    assert_string_equal(v, want);
    free(v);
}

static void
visible__controls_and_bad_utf8__escaped(void **state)
{
    (void)state;
    expect_vis("plain", 5, "plain");
    expect_vis("\x1b[2J\x07\r\b", 7, "\\x1B[2J\\x07\\x0D\\x08");
    expect_vis("a\0b", 3, "a\\x00b");
    expect_vis("del\x7f", 4, "del\\x7F");
    /* C1 as UTF-8 (U+009B), a lone 0x9B, invalid UTF-8. */
    expect_vis("\xc2\x9b" "2J", 4, "\\xC2\\x9B2J");
    expect_vis("\x9b", 1, "\\x9B");
    expect_vis("\xff\xfe\xc3(", 4, "\\xFF\\xFE\\xC3(");
    /* Bidi override and isolate; plain UTF-8 kept. */
    expect_vis("\xe2\x80\xae" "x", 4, "\\xE2\\x80\\xAEx");
    expect_vis("\xe2\x81\xa6" "x", 4, "\\xE2\\x81\\xA6x");
    expect_vis("espa\xc3\xb1" "a", 7, "espa\xc3\xb1" "a");
}

static void
visible__backslash__doubled(void **state)
{
    (void)state;
    /* A literal backslash from DNS is doubled, so that "\x1B" as text
     * differs from an escaped ESC. */
    expect_vis("\\x1B", 4, "\\\\x1B");
    expect_vis("a\\", 2, "a\\\\");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(visible__controls_and_bad_utf8__escaped),
        cmocka_unit_test(visible__backslash__doubled),
    };

    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
