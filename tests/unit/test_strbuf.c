/* test_strbuf.c - the growable string buffer (strbuf.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/strbuf.h"
#include "mailready/util.h"

static void
strbuf__empty__reads_as_empty_string(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    char *s;

    (void)state;
    assert_null(sb.s);
    assert_string_equal(strbuf_str(&sb), "");
    strbuf_reset(&sb);                  /* no buffer yet: fine */
    assert_int_equal(sb.len, 0);
    s = strbuf_detach(&sb);             /* "" the caller frees */
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    strbuf_fini(&sb);
    strbuf_fini(&sb);                   /* twice: fine */
}

static void
strbuf__add__appends_and_terminates(void **state)
{
    struct strbuf sb;

    (void)state;
    strbuf_init(&sb);
    strbuf_add(&sb, "abcdef", 3);
    strbuf_adds(&sb, "-x");
    strbuf_addc(&sb, '!');
    strbuf_add(&sb, "", 0);
    assert_string_equal(strbuf_str(&sb), "abc-x!");
    assert_int_equal(sb.len, 6);
    assert_true(sb.cap > sb.len);
    /* a NUL byte is kept inside, the length says so */
    strbuf_add(&sb, "a\0b", 3);
    assert_int_equal(sb.len, 9);
    assert_memory_equal(sb.s + 6, "a\0b", 4);
    strbuf_reset(&sb);
    assert_int_equal(sb.len, 0);
    assert_string_equal(strbuf_str(&sb), "");
    strbuf_adds(&sb, "again");
    assert_string_equal(strbuf_str(&sb), "again");
    strbuf_fini(&sb);
    assert_null(sb.s);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.cap, 0);
}

static void
strbuf__addf__formats_any_length(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    char big[5000];

    (void)state;
    strbuf_addf(&sb, "%s=%d", "n", 42);
    strbuf_addf(&sb, "%s", "");
    strbuf_addf(&sb, "[%05d]", 7);
    assert_string_equal(strbuf_str(&sb), "n=42[00007]");
    /* longer than any first buffer */
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    strbuf_addf(&sb, "<%s>", big);
    assert_int_equal(sb.len, 11 + 2 + sizeof(big) - 1);
    assert_int_equal(sb.s[sb.len - 1], '>');
    assert_int_equal(sb.s[sb.len], '\0');
    assert_int_equal(sb.s[12], 'x');
    strbuf_fini(&sb);
}

static void
strbuf__grows__one_byte_at_a_time(void **state)
{
    struct strbuf sb = STRBUF_INIT;

    (void)state;
    for (size_t i = 0; i < 100000; i++)
        strbuf_addc(&sb, (char)('a' + i % 26));
    assert_int_equal(sb.len, 100000);
    assert_int_equal(strlen(sb.s), 100000);
    assert_true(sb.cap >= 100001);
    assert_int_equal(sb.s[99999], 'a' + 99999 % 26);
    strbuf_fini(&sb);
}

static void
strbuf__detach__hands_over_and_resets(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    char *s;

    (void)state;
    strbuf_adds(&sb, "owned");
    s = strbuf_detach(&sb);
    assert_string_equal(s, "owned");
    assert_null(sb.s);
    assert_int_equal(sb.len, 0);
    assert_int_equal(sb.cap, 0);
    strbuf_adds(&sb, "new");            /* usable again */
    assert_string_equal(strbuf_str(&sb), "new");
    assert_true(strbuf_str(&sb) != s);
    free(s);
    strbuf_fini(&sb);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strbuf__empty__reads_as_empty_string),
        cmocka_unit_test(strbuf__add__appends_and_terminates),
        cmocka_unit_test(strbuf__addf__formats_any_length),
        cmocka_unit_test(strbuf__grows__one_byte_at_a_time),
        cmocka_unit_test(strbuf__detach__hands_over_and_resets),
    };

    return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
