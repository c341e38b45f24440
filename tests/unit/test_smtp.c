/* test_smtp.c - the SMTP reply parser of the delivery probe: multi-line
 * replies, CRLF and LF, STARTTLS in an EHLO reply, bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/smtp.h"

static long
parse(const char *s, int *code, bool *starttls, char *first)
{
    *starttls = false;
    return smtp_reply_parse(s, strlen(s), code, starttls, first);
}

static void
smtp__banner__one_line(void **state)
{
    char first[SMTP_LINE_MAX + 1];
    const char *s = "220 mx.example.com ESMTP Postfix\r\n";
    bool tls;
    int code;

    (void)state;
    assert_int_equal(parse(s, &code, &tls, first), (long)strlen(s));
    assert_int_equal(code, 220);
    assert_string_equal(first, "mx.example.com ESMTP Postfix");
    assert_false(tls);
}

static void
smtp__ehlo__multiline_with_starttls(void **state)
{
    char first[SMTP_LINE_MAX + 1];
    const char *s = "250-mx.example.com\r\n250-PIPELINING\r\n"
                    "250-starttls\r\n250 CHUNKING\r\nextra";
    bool tls;
    int code;

    (void)state;
    assert_int_equal(parse(s, &code, &tls, first),
                     (long)(strlen(s) - strlen("extra")));
    assert_int_equal(code, 250);
    assert_string_equal(first, "mx.example.com");
    assert_true(tls);
}

static void
smtp__ehlo__starttls_must_be_the_keyword(void **state)
{
    char first[SMTP_LINE_MAX + 1];
    bool tls;
    int code;

    (void)state;
    assert_true(parse("250-x\n250-STARTTLSX\n250 X-STARTTLS\n", &code, &tls,
                      first) > 0);
    assert_false(tls);
    /* LF alone and a bare code end a reply too. */
    assert_true(parse("250-x\n250\n", &code, &tls, first) > 0);
    assert_int_equal(code, 250);
}

static void
smtp__incomplete__needs_more(void **state)
{
    char first[SMTP_LINE_MAX + 1];
    bool tls;
    int code;

    (void)state;
    assert_int_equal(parse("220 mx.exa", &code, &tls, first), 0);
    assert_int_equal(parse("250-one\r\n250-two\r\n", &code, &tls, first), 0);
}

static void
smtp__malformed__refused(void **state)
{
    char first[SMTP_LINE_MAX + 1];
    char *big;
    bool tls;
    int code;

    (void)state;
    assert_int_equal(parse("HTTP/1.1 400 Bad\r\n", &code, &tls, first), -1);
    assert_int_equal(parse("22\r\n", &code, &tls, first), -1);
    assert_int_equal(parse("220_x\r\n", &code, &tls, first), -1);
    /* The code must not change inside one reply. */
    assert_int_equal(parse("250-a\r\n251 b\r\n", &code, &tls, first), -1);
    /* An overlong line, complete or not. */
    big = malloc(SMTP_LINE_MAX + 10);
    memset(big, 'a', SMTP_LINE_MAX + 8);
    memcpy(big, "220 ", 4);
    big[SMTP_LINE_MAX + 8] = '\n';
    big[SMTP_LINE_MAX + 9] = '\0';
    assert_int_equal(parse(big, &code, &tls, first), -1);
    big[SMTP_LINE_MAX + 8] = '\0';
    assert_int_equal(parse(big, &code, &tls, first), -1);
    free(big);
}

static void
smtp__too_many_lines__refused(void **state)
{
    char first[SMTP_LINE_MAX + 1];
    size_t n = (SMTP_REPLY_LINES_MAX + 1) * 6 + 1;
    char *s = malloc(n + 6);
    size_t k = 0;
    bool tls;
    int code;

    (void)state;
    for (int i = 0; i <= SMTP_REPLY_LINES_MAX; i++) {
        memcpy(s + k, "250-a\n", 6);
        k += 6;
    }
    memcpy(s + k, "250 a\n", 7);
    assert_int_equal(parse(s, &code, &tls, first), -1);
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(smtp__banner__one_line),
        cmocka_unit_test(smtp__ehlo__multiline_with_starttls),
        cmocka_unit_test(smtp__ehlo__starttls_must_be_the_keyword),
        cmocka_unit_test(smtp__incomplete__needs_more),
        cmocka_unit_test(smtp__malformed__refused),
        cmocka_unit_test(smtp__too_many_lines__refused),
    };

    return cmocka_run_group_tests_name("smtp", tests, NULL, NULL);
}
