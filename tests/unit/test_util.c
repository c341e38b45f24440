/* test_util.c - str_visible(): what keeps DNS text from reaching a
 * terminal raw; str_to_uint() and the locale-free ASCII helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/strbuf.h"
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

/* Each invisible or format character is escaped byte by byte, wherever it
 * stands. */
static void
visible__invisible_and_format__escaped(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "a\xc2\xad" "b", "a\\xC2\\xADb" },             /* U+00AD */
        { "a\xd8\x9c" "b", "a\\xD8\\x9Cb" },             /* U+061C */
        { "a\xe2\x80\x8b" "b", "a\\xE2\\x80\\x8Bb" },     /* U+200B */
        { "a\xe2\x80\x8c" "b", "a\\xE2\\x80\\x8Cb" },     /* U+200C */
        { "a\xe2\x80\x8d" "b", "a\\xE2\\x80\\x8Db" },     /* U+200D */
        { "a\xe2\x80\x8e" "b", "a\\xE2\\x80\\x8Eb" },     /* U+200E */
        { "a\xe2\x80\x8f" "b", "a\\xE2\\x80\\x8Fb" },     /* U+200F */
        { "a\xe2\x80\xa8" "b", "a\\xE2\\x80\\xA8b" },     /* U+2028 */
        { "a\xe2\x80\xa9" "b", "a\\xE2\\x80\\xA9b" },     /* U+2029 */
        { "a\xe2\x81\xa0" "b", "a\\xE2\\x81\\xA0b" },     /* U+2060 */
        { "a\xe2\x81\xa4" "b", "a\\xE2\\x81\\xA4b" },     /* U+2064 */
        { "a\xef\xbb\xbf" "b", "a\\xEF\\xBB\\xBFb" },     /* U+FEFF */
        { "\xf3\xa0\x80\x80", "\\xF3\\xA0\\x80\\x80" },  /* U+E0000 */
        { "\xf3\xa0\x80\xa1", "\\xF3\\xA0\\x80\\xA1" },  /* U+E0021 */
        { "\xf3\xa0\x81\xbf", "\\xF3\\xA0\\x81\\xBF" },  /* U+E007F */
        { "\xe3\x85\xa4", "\\xE3\\x85\\xA4" },          /* U+3164 */
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        expect_vis(cases[i].in, strlen(cases[i].in), cases[i].want);
    /* neighbours stay: U+2010 hyphen, U+2065 (unassigned), U+E0080 */
    expect_vis("\xe2\x80\x90", 3, "\xe2\x80\x90");
    expect_vis("\xe2\x81\xa5", 3, "\xe2\x81\xa5");
    expect_vis("\xf3\xa0\x82\x80", 4, "\xf3\xa0\x82\x80");
    /* a hidden rua: "mailto:d@evil.example" with a zero-width joiner */
    expect_vis("mailto:d@ev\xe2\x80\x8dil.example", 24,
               "mailto:d@ev\\xE2\\x80\\x8Dil.example");
}

/* Up to STR_VISIBLE_MAX_MARKS combining marks in a row are kept (accents,
 * Vietnamese, Hebrew points); the rest of a longer run is escaped. */
static void
visible__combining_runs__capped(void **state)
{
    struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
    char *v;

    (void)state;
    assert_int_equal(STR_VISIBLE_MAX_MARKS, 4);
    /* e + U+0301: kept; Vietnamese e + U+0302 + U+0301: kept */
    expect_vis("e\xcc\x81", 3, "e\xcc\x81");
    expect_vis("e\xcc\x82\xcc\x81", 5, "e\xcc\x82\xcc\x81");
    /* four U+0301 kept, the fifth and sixth escaped */
    strbuf_adds(&in, "x");
    strbuf_adds(&want, "x");
    for (int i = 0; i < 6; i++) {
        strbuf_adds(&in, "\xcc\x81");
        strbuf_adds(&want, i < 4 ? "\xcc\x81" : "\\xCC\\x81");
    }
    strbuf_adds(&in, "y\xcc\x81");            /* a new run */
    strbuf_adds(&want, "y\xcc\x81");
    v = str_visible(in.s, in.len);
    assert_string_equal(v, want.s);
    free(v);
    /* an unbounded run (200 marks) grows by escapes only */
    strbuf_fini(&in);
    strbuf_adds(&in, "z");
    for (int i = 0; i < 200; i++)
        strbuf_adds(&in, "\xcd\xa3");         /* U+0363 */
    v = str_visible(in.s, in.len);
    assert_int_equal(strlen(v), 1 + 4 * 2 + 196 * 8);
    assert_memory_equal(v + 9, "\\xCD\\xA3", 8);
    free(v);
    /* other marks count too: U+20DD (Me), U+FE0F (variation selector) */
    expect_vis("o\xe2\x83\x9d\xe2\x83\x9d\xe2\x83\x9d\xe2\x83\x9d"
               "\xef\xb8\x8f", 16,
               "o\xe2\x83\x9d\xe2\x83\x9d\xe2\x83\x9d\xe2\x83\x9d"
               "\\xEF\\xB8\\x8F");
    strbuf_fini(&in);
    strbuf_fini(&want);
}

static void
visible__same_in_any_locale(void **state)
{
    const char *in = "I\xc4\xb1i\xe2\x80\x8e\xcc\x81";
    char *c, *tr;

    (void)state;
    c = str_visible(in, strlen(in));
    if (setlocale(LC_ALL, "tr_TR.ISO-8859-9") == NULL &&
        setlocale(LC_ALL, "C.UTF-8") == NULL)
        skip();
    tr = str_visible(in, strlen(in));
    setlocale(LC_ALL, "C");
    assert_string_equal(c, tr);
    assert_string_equal(c, "I\xc4\xb1i\\xE2\\x80\\x8E\xcc\x81");
    free(c);
    free(tr);
}

static void
safe__same_escapes__backslash_kept(void **state)
{
    const char *in = "a\\xE2 \x1b\xe2\x80\x8f\\";
    char *v;

    (void)state;
    v = str_safe(in, strlen(in));
    assert_string_equal(v, "a\\xE2 \\x1B\\xE2\\x80\\x8F\\");
    free(v);
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
        cmocka_unit_test(visible__invisible_and_format__escaped),
        cmocka_unit_test(visible__combining_runs__capped),
        cmocka_unit_test(visible__same_in_any_locale),
        cmocka_unit_test(safe__same_escapes__backslash_kept),
        cmocka_unit_test(to_uint__small_max__no_wrap),
        cmocka_unit_test(to_uint__bounds_and_syntax),
        cmocka_unit_test(ascii__case_is_locale_free),
        cmocka_unit_test(without_dot__one_trailing_dot),
    };

    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
