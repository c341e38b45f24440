/* test_dkim_verify.c - the message splitter (msg.c), DKIM-Signature tag
 * validation, canonicalization (RFC 6376 §3.4.6 examples), header
 * selection (§5.4.2), the RFC 8463 appendix A example verified, and the
 * verify helpers (From domain, Received hop, Authentication-Results). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/dkim_verify.h"
#include "mailready/msg.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"
#include "mailready/verify.h"

/* RFC 8463 appendix A.3, the ed25519 signature, and its key (A.2). */
static const char rfc8463_msg[] =
    "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
    " subject : date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
    " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n"
    "From: Joe SixPack <joe@football.example.com>\r\n"
    "To: Suzie Q <suzie@shopping.example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";
static const char rfc8463_key[] =
    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

static void
parse_msg(const char *text, struct msg *m)
{
    struct rc_err err = { 0 };

    assert_int_equal(msg_parse(text, strlen(text), m, &err), RC_OK);
    rc_err_fini(&err);
}

static void
canon_body__rfc6376_example(void **state)
{
    static const char body[] = " C \r\nD \t E\r\n\r\n\r\n";
    struct strbuf sb = STRBUF_INIT;

    (void)state;
    dkim_canon_body(DKIM_CANON_RELAXED, body, strlen(body), &sb);
    assert_string_equal(strbuf_str(&sb), " C\r\nD E\r\n");
    strbuf_reset(&sb);
    dkim_canon_body(DKIM_CANON_SIMPLE, body, strlen(body), &sb);
    assert_string_equal(strbuf_str(&sb), " C \r\nD \t E\r\n");
    strbuf_fini(&sb);
}

static void
canon_body__empty_and_unterminated(void **state)
{
    struct strbuf sb = STRBUF_INIT;

    (void)state;
    dkim_canon_body(DKIM_CANON_SIMPLE, "", 0, &sb);
    assert_string_equal(strbuf_str(&sb), "\r\n");
    strbuf_reset(&sb);
    dkim_canon_body(DKIM_CANON_RELAXED, "\r\n\r\n", 4, &sb);
    assert_int_equal(sb.len, 0);
    strbuf_reset(&sb);
    dkim_canon_body(DKIM_CANON_SIMPLE, "abc", 3, &sb);
    assert_string_equal(strbuf_str(&sb), "abc\r\n");
    strbuf_reset(&sb);
    /* a lone LF is a byte of the line, not a line end */
    dkim_canon_body(DKIM_CANON_RELAXED, "a \n b\r\n", 7, &sb);
    assert_string_equal(strbuf_str(&sb), "a \n b\r\n");
    strbuf_fini(&sb);
}

static void
canon_header__rfc6376_example(void **state)
{
    struct msg m;
    struct strbuf sb = STRBUF_INIT;

    (void)state;
    parse_msg("A: X\r\nB : Y\t\r\n\tZ  \r\n\r\nbody\r\n", &m);
    assert_int_equal(m.nh, 2);
    for (size_t k = 0; k < m.nh; k++)
        dkim_canon_header(DKIM_CANON_RELAXED, m.h[k].raw, m.h[k].len,
                          m.h[k].name_len, &sb);
    assert_string_equal(strbuf_str(&sb), "a:X\r\nb:Y Z\r\n");
    strbuf_reset(&sb);
    for (size_t k = 0; k < m.nh; k++)
        dkim_canon_header(DKIM_CANON_SIMPLE, m.h[k].raw, m.h[k].len,
                          m.h[k].name_len, &sb);
    assert_string_equal(strbuf_str(&sb), "A: X\r\nB : Y\t\r\n\tZ  \r\n");
    strbuf_fini(&sb);
    msg_fini(&m);
}

static void
msg__lf_made_crlf_and_limits(void **state)
{
    struct msg m;
    struct rc_err err = { 0 };
    struct strbuf sb = STRBUF_INIT;

    (void)state;
    parse_msg("From: a@b\nSubject: x\n y\n\nline\n", &m);
    assert_true(m.lf_only);
    assert_int_equal(m.nh, 2);
    assert_int_equal(m.body_len, 6);
    assert_memory_equal(m.body, "line\r\n", 6);
    assert_true(msg_header_is(&m.h[1], "subject"));
    assert_int_equal(m.h[1].len, strlen("Subject: x\r\n y"));
    msg_fini(&m);
    assert_int_equal(msg_parse("no colon here\n\n", 15, &m, &err),
                     RC_PARSE);
    assert_non_null(err.msgid);
    rc_err_fini(&err);
    for (int k = 0; k <= MSG_MAX_HEADERS; k++)
        strbuf_adds(&sb, "X: y\r\n");
    assert_int_equal(msg_parse(sb.s, sb.len, &m, &err), RC_TOOLONG);
    rc_err_fini(&err);
    strbuf_reset(&sb);
    strbuf_adds(&sb, "X: ");
    for (unsigned k = 0; k < MSG_MAX_FIELD; k++)
        strbuf_addc(&sb, 'a');
    assert_int_equal(msg_parse(sb.s, sb.len, &m, &err), RC_TOOLONG);
    rc_err_fini(&err);
    strbuf_fini(&sb);
}

/* Parse the DKIM-Signature field "DKIM-Signature: <value>". */
static enum dkim_reason
sig_of(const char *value, long long now, char **detail)
{
    char *text = xasprintf("DKIM-Signature: %s\r\nFrom: a@b\r\n\r\n",
                           value);
    struct msg m;
    struct dkim_sig sig;
    enum dkim_reason r;

    parse_msg(text, &m);
    r = dkim_sig_parse(&m.h[0], now, &sig, detail);
    dkim_sig_fini(&sig);
    msg_fini(&m);
    free(text);
    return r;
}

#define GOOD "v=1; a=rsa-sha256; d=ex.test; s=s1; bh=AAAA; b=AAAA; "

static void
sig_tags__validation(void **state)
{
    static const struct {
        const char *value;
        enum dkim_reason want;
        const char *detail;
    } cases[] = {
        { GOOD "h=from:to", DKIM_R_NONE, NULL },
        { GOOD "h=From : To; c=relaxed/simple; q=dns/txt; l=10; t=5; x=999",
          DKIM_R_NONE, NULL },
        { "v=1; a=rsa-sha256; d=ex.test; s=s1; b=AAAA; h=from",
          DKIM_R_MISSING_TAG, "bh" },
        { "v=2; a=rsa-sha256; d=ex.test; s=s1; bh=AAAA; b=AAAA; h=from",
          DKIM_R_VERSION, "2" },
        { "v=1; a=rsa-md5; d=ex.test; s=s1; bh=AAAA; b=AAAA; h=from",
          DKIM_R_UNKNOWN_ALG, "rsa-md5" },
        { GOOD "h=to:subject", DKIM_R_FROM_UNSIGNED, NULL },
        { GOOD "h=from; i=joe@other.test", DKIM_R_I_NOT_IN_D, NULL },
        { GOOD "h=from; i=@sub.ex.test", DKIM_R_NONE, NULL },
        { GOOD "h=from; c=bogus", DKIM_R_BAD_TAG, "c" },
        { GOOD "h=from; q=http", DKIM_R_BAD_TAG, "q" },
        { GOOD "h=from; l=ten", DKIM_R_BAD_TAG, "l" },
        { GOOD "h=from; t=10; x=5", DKIM_R_BAD_TAG, "x" },
        { GOOD "h=from; x=5", DKIM_R_EXPIRED, NULL },
        { GOOD "h=from;; h=to", DKIM_R_SYNTAX, NULL },
        { GOOD "h=from::to", DKIM_R_BAD_TAG, "h" },
        { "v=1; a=rsa-sha256; d=ex.test; s=s1; bh=AAAA; b=!!; h=from",
          DKIM_R_BAD_TAG, "b" },
    };

    (void)state;
    for (size_t k = 0; k < ARRAY_LEN(cases); k++) {
        char *detail = NULL;
        enum dkim_reason r = sig_of(cases[k].value, 100, &detail);

        if (r != cases[k].want)
            fail_msg("case %zu (%s): reason %d, want %d", k, cases[k].value,
                     (int)r, (int)cases[k].want);
        if (cases[k].detail != NULL)
            assert_string_equal(detail, cases[k].detail);
        free(detail);
    }
}

static void
select__bottom_up_each_once(void **state)
{
    struct msg m;
    char *names[] = { (char *)"subject", (char *)"Subject",
                      (char *)"subject", (char *)"from", (char *)"x-none" };
    long idx[5];

    (void)state;
    parse_msg("Subject: 1\r\nFrom: a@b\r\nDKIM-Signature: v=1\r\n"
              "Subject: 2\r\n\r\n", &m);
    dkim_select_headers(&m, names, 5, 2, idx);
    assert_int_equal(idx[0], 3);    /* the bottom one first */
    assert_int_equal(idx[1], 0);
    assert_int_equal(idx[2], -1);   /* none left: signs its absence */
    assert_int_equal(idx[3], 1);
    assert_int_equal(idx[4], -1);
    msg_fini(&m);
}

static void
verify__rfc8463_example(void **state)
{
    struct msg m;
    struct dkim_sig sig;
    struct dkim_check c;
    char *detail = NULL, *t;

    (void)state;
    parse_msg(rfc8463_msg, &m);
    assert_int_equal(dkim_sig_parse(&m.h[0], 1600000000, &sig, &detail),
                     DKIM_R_NONE);
    dkim_verify_sig(&m, 0, &sig, rfc8463_key, strlen(rfc8463_key), NULL,
                    &c);
    assert_int_equal(c.res, DKIM_RES_PASS);
    assert_int_equal(c.key_bits, 256);
    dkim_check_fini(&c);
    /* revoked key */
    dkim_verify_sig(&m, 0, &sig, "v=DKIM1; k=ed25519; p=", 22, NULL, &c);
    assert_int_equal(c.res, DKIM_RES_PERMERROR);
    assert_int_equal(c.reason, DKIM_R_KEY_REVOKED);
    dkim_check_fini(&c);
    /* an RSA key for an ed25519 signature */
    dkim_verify_sig(&m, 0, &sig, "v=DKIM1; k=rsa; p=AAAA", 22, NULL, &c);
    assert_int_equal(c.reason, DKIM_R_KEY_TYPE);
    dkim_check_fini(&c);
    dkim_sig_fini(&sig);
    msg_fini(&m);

    /* the body changed */
    t = xstrdup(rfc8463_msg);
    memcpy(strstr(t, "We lost"), "We  won", 7);
    parse_msg(t, &m);
    dkim_sig_parse(&m.h[0], 0, &sig, &detail);
    dkim_verify_sig(&m, 0, &sig, rfc8463_key, strlen(rfc8463_key), NULL,
                    &c);
    assert_int_equal(c.res, DKIM_RES_FAIL);
    assert_int_equal(c.reason, DKIM_R_BODY_HASH);
    dkim_check_fini(&c);
    dkim_sig_fini(&sig);
    msg_fini(&m);
    free(t);

    /* a signed header changed: the body is intact */
    t = xstrdup(rfc8463_msg);
    memcpy(strstr(t, "Is dinner"), "Is lunch ", 9);
    parse_msg(t, &m);
    dkim_sig_parse(&m.h[0], 0, &sig, &detail);
    dkim_verify_sig(&m, 0, &sig, rfc8463_key, strlen(rfc8463_key), NULL,
                    &c);
    assert_int_equal(c.reason, DKIM_R_SIGNATURE);
    assert_true(c.body_ok);
    dkim_check_fini(&c);
    dkim_sig_fini(&sig);
    msg_fini(&m);
    free(t);
}

static void
helpers__from_received_ar(void **state)
{
    const char *why;
    char *d, *helo, *ip;
    struct verify_ar *ar = NULL;
    size_t n = 0;

    (void)state;
    d = verify_from_domain(" \"Ana, M.\" (work) <ana@Ex.Test>", &why);
    assert_string_equal(d, "ex.test");
    free(d);
    assert_null(verify_from_domain("a@x.test, b@y.test", &why));
    assert_non_null(why);
    assert_null(verify_from_domain("undisclosed", &why));
    assert_true(verify_received(
        "from mail.ex.test (mail.ex.test [192.0.2.1]) by mx.r with ESMTPS",
        &helo, &ip));
    assert_string_equal(helo, "mail.ex.test");
    assert_string_equal(ip, "192.0.2.1");
    free(helo);
    free(ip);
    assert_true(verify_received("from h ([IPv6:2001:db8::1]) by x", &helo,
                                &ip));
    assert_string_equal(ip, "2001:db8::1");
    free(helo);
    free(ip);
    assert_false(verify_received("by mailer.internal with HTTP", &helo,
                                 &ip));
    assert_false(verify_received("from a by b [192.0.2.1]", &helo, &ip));
    verify_ar_parse("mx.google.com; dkim=pass (2048-bit) header.i=@ex.test "
                    "header.s=s1; spf=softfail smtp.mailfrom=ex.test; "
                    "dmarc=fail (p=REJECT) header.from=ex.test", &ar, &n, 8);
    assert_int_equal(n, 3);
    assert_string_equal(ar[0].authserv, "mx.google.com");
    assert_string_equal(ar[0].method, "dkim");
    assert_string_equal(ar[0].d, "ex.test");
    assert_string_equal(ar[1].result, "softfail");
    assert_string_equal(ar[2].props, "header.from=ex.test");
    for (size_t k = 0; k < n; k++)
        verify_ar_fini(&ar[k]);
    free(ar);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canon_body__rfc6376_example),
        cmocka_unit_test(canon_body__empty_and_unterminated),
        cmocka_unit_test(canon_header__rfc6376_example),
        cmocka_unit_test(msg__lf_made_crlf_and_limits),
        cmocka_unit_test(sig_tags__validation),
        cmocka_unit_test(select__bottom_up_each_once),
        cmocka_unit_test(verify__rfc8463_example),
        cmocka_unit_test(helpers__from_received_ar),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
