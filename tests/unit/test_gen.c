/* test_gen.c - generated records in master-file form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/gen.h"

static void
gen__txt_quote__escapes(void **state)
{
    char *q;

    (void)state;
    q = gen_txt_quote("a\"b\\c\x01", 6);
    assert_string_equal(q, "\"a\\\"b\\\\c\\001\"");
    free(q);
    q = gen_txt_quote("", 0);
    assert_string_equal(q, "\"\"");
    free(q);
}

static void
gen__txt_quote__splits_at_255_raw_bytes(void **state)
{
    char text[600];
    char *q;

    (void)state;
    memset(text, 'x', sizeof(text));
    text[254] = '"';    /* escaped, still one byte of the first string */
    q = gen_txt_quote(text, 510);
    /* Two strings of 255 bytes: 2 + 256 (with the escape) + 1 + 2 + 255. */
    assert_int_equal(strlen(q), 2 + 256 + 1 + 2 + 255);
    assert_int_equal(q[257], '"');
    assert_int_equal(q[258], ' ');
    free(q);
    q = gen_txt_quote(text + 300, 255);
    assert_null(strchr(q, ' '));
    free(q);
    q = gen_txt_quote(text + 300, 256);
    assert_non_null(strstr(q, "\" \"x\""));
    free(q);
}

static void
gen__rr_format__lines(void **state)
{
    struct gen_rrs l;
    char *line;

    (void)state;
    gen_rrs_init(&l);
    gen_rrs_add(&l, "example.com", DNS_T_TXT, "v=spf1 -all", NULL);
    gen_rrs_add(&l, "mail.example.com", DNS_T_A, "91.198.174.192", NULL);
    assert_int_equal(l.n, 2);
    line = gen_rr_format(&l.v[0], 3600);
    assert_string_equal(line, "example.com. 3600 IN TXT \"v=spf1 -all\"");
    free(line);
    line = gen_rr_format(&l.v[1], 0);
    assert_string_equal(line, "mail.example.com. IN A 91.198.174.192");
    free(line);
    gen_rrs_fini(&l);
    assert_int_equal(l.n, 0);
}

static void
gen__name_ok(void **state)
{
    (void)state;
    assert_true(gen_name_ok("_spf.google.com"));
    assert_true(gen_name_ok("s1._domainkey.example.com"));
    assert_false(gen_name_ok("example.com."));
    assert_false(gen_name_ok("a..b"));
    assert_false(gen_name_ok("-a.b"));
    assert_false(gen_name_ok("a b.com"));
    assert_false(gen_name_ok(""));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen__txt_quote__escapes),
        cmocka_unit_test(gen__txt_quote__splits_at_255_raw_bytes),
        cmocka_unit_test(gen__rr_format__lines),
        cmocka_unit_test(gen__name_ok),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
