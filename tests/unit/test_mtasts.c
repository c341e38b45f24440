/* test_mtasts.c - MTA-STS (RFC 8461) and TLS-RPT (RFC 8460): the TXT
 * records, the policy file, the mx pattern match, the generator. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/mtasts.h"

static enum rc
rec(const char *s, char *id, const char **why)
{
    return mtasts_record_parse(s, strlen(s), id, why);
}

static void
mtasts__record__valid_forms(void **state)
{
    char id[MTASTS_ID_MAX + 1];
    const char *why = NULL;

    (void)state;
    assert_int_equal(rec("v=STSv1; id=20160831085700Z", id, &why), RC_OK);
    assert_string_equal(id, "20160831085700Z");
    assert_int_equal(rec("v=STSv1;id=abc;", id, &why), RC_OK);
    assert_int_equal(rec("v=STSv1 ;\tid=abc ; ext=x.y", id, &why), RC_OK);
    assert_int_equal(rec("v=STSv1; id=12345678901234567890123456789012",
                         id, &why), RC_OK);
    assert_true(mtasts_record_is_sts("v=STSv1; id=1", 13));
    assert_true(mtasts_record_is_sts("v=STSv1", 7));
    assert_false(mtasts_record_is_sts("v=STSv10; id=1", 14));
    assert_false(mtasts_record_is_sts("v=spf1 -all", 11));
}

static void
mtasts__record__invalid_forms(void **state)
{
    char id[MTASTS_ID_MAX + 1];
    const char *why = NULL;

    (void)state;
    assert_int_equal(rec("v=STSv1", id, &why), RC_PARSE);
    assert_string_equal(why, "it has no id field");
    assert_int_equal(rec("v=STSv1; id=", id, &why), RC_PARSE);
    assert_int_equal(rec("v=STSv1; id=abc-def", id, &why), RC_PARSE);
    assert_int_equal(rec("v=STSv1; id=123456789012345678901234567890123",
                         id, &why), RC_PARSE);
    assert_string_equal(why, "id is longer than 32 characters");
    assert_int_equal(rec("v=STSv1; id=1; id=2", id, &why), RC_PARSE);
    assert_int_equal(rec("id=1; v=STSv1", id, &why), RC_PARSE);
    assert_int_equal(rec("v=STSv1 id=1", id, &why), RC_PARSE);
    assert_int_equal(rec("v=STSv1; id=1;; x=y", id, &why), RC_PARSE);
}

static enum rc
pol(const char *s, struct mtasts_policy *p, const char **why, unsigned *ln)
{
    return mtasts_policy_parse(s, strlen(s), p, why, ln);
}

static void
mtasts__policy__crlf_and_lf(void **state)
{
    struct mtasts_policy p;
    const char *why = NULL;
    unsigned ln;

    (void)state;
    assert_int_equal(pol("version: STSv1\r\nmode: enforce\r\n"
                         "mx: mail.example.com\r\nmx: *.example.net\r\n"
                         "max_age: 604800\r\n", &p, &why, &ln), RC_OK);
    assert_int_equal(p.mode, MTASTS_MODE_ENFORCE);
    assert_int_equal(p.max_age, 604800);
    assert_int_equal(p.nmx, 2);
    assert_string_equal(p.mx[1], "*.example.net");
    mtasts_policy_fini(&p);
    assert_int_equal(pol("version: STSv1\nmode: testing\nmx: MX.Example.COM\n"
                         "max_age:86400\nfuture: ignored", &p, &why, &ln),
                     RC_OK);
    assert_int_equal(p.mode, MTASTS_MODE_TESTING);
    assert_string_equal(p.mx[0], "mx.example.com");
    mtasts_policy_fini(&p);
    /* mode none needs no mx. */
    assert_int_equal(pol("version: STSv1\nmode: none\nmax_age: 0\n", &p,
                         &why, &ln), RC_OK);
    mtasts_policy_fini(&p);
}

static void
mtasts__policy__syntax_errors(void **state)
{
    struct mtasts_policy p;
    const char *why = NULL;
    unsigned ln = 0;

    (void)state;
    assert_int_equal(pol("version: STSv2\nmode: enforce\nmx: a.b\n"
                         "max_age: 1\n", &p, &why, &ln), RC_PARSE);
    assert_string_equal(why, "version is not STSv1");
    assert_int_equal(ln, 1);
    mtasts_policy_fini(&p);
    assert_int_equal(pol("version: STSv1\nmode: strict\nmx: a.b\n"
                         "max_age: 1\n", &p, &why, &ln), RC_PARSE);
    assert_int_equal(ln, 2);
    mtasts_policy_fini(&p);
    assert_int_equal(pol("version: STSv1\nmode: enforce\nmx: a.b\n"
                         "max_age: 31557601\n", &p, &why, &ln), RC_PARSE);
    assert_string_equal(why, "max_age is over 31557600 seconds");
    mtasts_policy_fini(&p);
    assert_int_equal(pol("version: STSv1\nmode: enforce\nmax_age: 1\n",
                         &p, &why, &ln), RC_PARSE);
    assert_string_equal(why, "no mx line");
    mtasts_policy_fini(&p);
    assert_int_equal(pol("version: STSv1\nmode: enforce\nmx: a.*.b\n"
                         "max_age: 1\n", &p, &why, &ln), RC_PARSE);
    mtasts_policy_fini(&p);
    assert_int_equal(pol("<html>\n", &p, &why, &ln), RC_PARSE);
    mtasts_policy_fini(&p);
    assert_int_equal(pol("version: STSv1\nmode: enforce\nmx: a.b\n",
                         &p, &why, &ln), RC_PARSE);
    assert_string_equal(why, "max_age is missing");
    mtasts_policy_fini(&p);
}

static void
mtasts__mx_match__rfc8461_4_1(void **state)
{
    (void)state;
    assert_true(mtasts_mx_match("mail.example.com", "MAIL.example.com."));
    assert_true(mtasts_mx_match("*.example.com", "mx1.example.com"));
    /* The wildcard stands for exactly one label. */
    assert_false(mtasts_mx_match("*.example.com", "a.b.example.com"));
    assert_false(mtasts_mx_match("*.example.com", "example.com"));
    assert_false(mtasts_mx_match("*.example.com", ".example.com"));
    assert_false(mtasts_mx_match("mail.example.com", "mail.example.co"));
    assert_false(mtasts_mx_match("example.com", "mail.example.com"));
}

static void
mtasts__tlsrpt__records(void **state)
{
    const char *why = NULL;
    const char *ok[] = {
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com",
        "v=TLSRPTv1;rua=https://reports.example.com/tls",
        "v=TLSRPTv1; rua=mailto:a@example.com, https://r.example.com/x;",
    };
    const char *bad[] = {
        "v=TLSRPTv1",
        "v=TLSRPTv1; rua=tlsrpt@example.com",
        "v=TLSRPTv1; rua=http://r.example.com/",
        "v=TLSRPTv1; rua=mailto:nobody",
        "v=TLSRPTv2; rua=mailto:a@example.com",
        "rua=mailto:a@example.com; v=TLSRPTv1",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_int_equal(mtasts_tlsrpt_parse(ok[i], strlen(ok[i]), &why),
                         RC_OK);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(mtasts_tlsrpt_parse(bad[i], strlen(bad[i]), &why),
                         RC_PARSE);
}

static void
mtasts__generator__parses_and_id_follows_policy(void **state)
{
    const char *mx[] = { "mx1.example.com.", "MX2.example.com" };
    char *a = mtasts_policy_format(mx, 2, "testing", 86400);
    char *b = mtasts_policy_format(mx, 2, "enforce", 86400);
    char ida[MTASTS_ID_MAX + 1], ida2[MTASTS_ID_MAX + 1];
    char idb[MTASTS_ID_MAX + 1], id[MTASTS_ID_MAX + 1], txt[64];
    struct mtasts_policy p;
    const char *why = NULL;
    unsigned ln;

    (void)state;
    assert_int_equal(pol(a, &p, &why, &ln), RC_OK);
    assert_true(mtasts_policy_covers(&p, "mx1.example.com"));
    assert_true(mtasts_policy_covers(&p, "mx2.example.com"));
    mtasts_policy_fini(&p);
    mtasts_policy_id(a, ida);
    mtasts_policy_id(a, ida2);
    mtasts_policy_id(b, idb);
    assert_string_equal(ida, ida2);
    assert_string_not_equal(ida, idb);
    snprintf(txt, sizeof(txt), "v=STSv1; id=%s", ida);
    assert_int_equal(rec(txt, id, &why), RC_OK);
    free(a);
    free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mtasts__record__valid_forms),
        cmocka_unit_test(mtasts__record__invalid_forms),
        cmocka_unit_test(mtasts__policy__crlf_and_lf),
        cmocka_unit_test(mtasts__policy__syntax_errors),
        cmocka_unit_test(mtasts__mx_match__rfc8461_4_1),
        cmocka_unit_test(mtasts__tlsrpt__records),
        cmocka_unit_test(mtasts__generator__parses_and_id_follows_policy),
    };

    return cmocka_run_group_tests_name("mtasts", tests, NULL, NULL);
}
