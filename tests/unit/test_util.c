/* test_util.c - str_visible(): what keeps DNS text from reaching a
 * terminal raw; str_to_uint() and the locale-free ASCII helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
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

static void
to_uint__small_max__no_wrap(void **state)
{
    unsigned long v = 99;

    (void)state;
    /* max below 9: (max - d) used to wrap and let "9" through */
    assert_false(str_to_uint("9", 0, 5, &v));
    assert_false(str_to_uint("6", 0, 5, &v));
    assert_int_equal(v, 99);
    assert_true(str_to_uint("5", 0, 5, &v));
    assert_int_equal(v, 5);
    assert_false(str_to_uint("1", 0, 0, &v));
    assert_true(str_to_uint("0", 0, 0, &v));
    assert_int_equal(v, 0);
    assert_false(str_to_uint("10", 0, 8, &v));
    assert_true(str_to_uint("8", 0, 8, &v));
    assert_int_equal(v, 8);
}

static void
to_uint__bounds_and_syntax(void **state)
{
    unsigned long v = 0;

    (void)state;
    assert_true(str_to_uint("65535", 1, 65535, &v));
    assert_int_equal(v, 65535);
    assert_false(str_to_uint("65536", 1, 65535, &v));
    assert_false(str_to_uint("0", 1, 65535, &v));
    assert_true(str_to_uint("007", 1, 10, &v));
    assert_int_equal(v, 7);
    assert_true(str_to_uint("18446744073709551615", 0, ULONG_MAX, &v));
    assert_int_equal(v, ULONG_MAX);
    assert_false(str_to_uint("18446744073709551616", 0, ULONG_MAX, &v));
    assert_false(str_to_uint("", 0, 10, &v));
    assert_false(str_to_uint(NULL, 0, 10, &v));
    assert_false(str_to_uint("-1", 0, 10, &v));
    assert_false(str_to_uint("+1", 0, 10, &v));
    assert_false(str_to_uint(" 1", 0, 10, &v));
    assert_false(str_to_uint("1x", 0, 10, &v));
}

static void
ascii__case_is_locale_free(void **state)
{
    char s[] = "MiXeD.I.EXAMPLE";

    (void)state;
    assert_int_equal(ascii_to_lower('I'), 'i');
    assert_int_equal(ascii_to_lower('Z'), 'z');
    assert_int_equal(ascii_to_lower('['), '[');
    assert_int_equal(ascii_to_lower(0xdd), 0xdd);
    str_lower(s);
    assert_string_equal(s, "mixed.i.example");
    assert_true(str_ieq("INCLUDE", "include"));
    assert_false(str_ieq("includ", "include"));
    assert_true(str_nieq("REDIRECT=x", "redirect=y", 9));
    assert_true(str_iendswith("mail.EXAMPLE.com", ".example.COM"));
}

static void
without_dot__one_trailing_dot(void **state)
{
    char *s;

    (void)state;
    s = str_without_dot("a.example.");
    assert_string_equal(s, "a.example");
    free(s);
    s = str_without_dot("a..");
    assert_string_equal(s, "a.");
    free(s);
    s = str_without_dot("");
    assert_string_equal(s, "");
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(visible__controls_and_bad_utf8__escaped),
        cmocka_unit_test(visible__backslash__doubled),
        cmocka_unit_test(to_uint__small_max__no_wrap),
        cmocka_unit_test(to_uint__bounds_and_syntax),
        cmocka_unit_test(ascii__case_is_locale_free),
        cmocka_unit_test(without_dot__one_trailing_dot),
    };

    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
