/* test_gen_mx.c - MX records and host templates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/gen.h"
#include "mailready/gen_mx.h"

static void
gen_mx__template__dots_become_dashes(void **state)
{
    char *h = NULL;

    (void)state;
    assert_int_equal(gen_mx_expand("{domain_dashes}.mail.protection."
                                   "outlook.com", "shop.example.co.uk", &h),
                     RC_OK);
    assert_string_equal(h, "shop-example-co-uk.mail.protection.outlook.com");
    free(h);
    assert_int_equal(gen_mx_expand("mx.{domain}", "example.com", &h), RC_OK);
    assert_string_equal(h, "mx.example.com");
    free(h);
    assert_int_equal(gen_mx_expand("ASPMX.L.GOOGLE.COM", "example.com", &h),
                     RC_OK);
    assert_string_equal(h, "aspmx.l.google.com");
    free(h);
}

static void
gen_mx__template__refuses_what_it_cannot_know(void **state)
{
    char *h = (char *)"x";

    (void)state;
    /* How a '-' in the domain is kept is not documented: no guess. */
    assert_int_equal(gen_mx_expand("{domain_dashes}.mail.protection."
                                   "outlook.com", "my-shop.com", &h),
                     RC_UNSUPPORTED);
    assert_null(h);
    assert_int_equal(gen_mx_expand("{tenant}.example.net", "example.com",
                                   &h), RC_INVALID);
    assert_int_equal(gen_mx_expand("bad host.{domain}", "example.com", &h),
                     RC_INVALID);
    assert_null(h);
}

static void
gen_mx__rdata__formats_and_validates(void **state)
{
    char *r = NULL;
    struct gen_rr rr = { (char *)"example.com", DNS_T_MX, NULL, NULL };
    char *line;

    (void)state;
    assert_int_equal(gen_mx_rdata(10, "Mail.Example.com", &r), RC_OK);
    assert_string_equal(r, "10 mail.example.com.");
    free(r);
    assert_int_equal(gen_mx_rdata(0, "smtp.google.com.", &r), RC_OK);
    assert_string_equal(r, "0 smtp.google.com.");
    free(r);
    assert_int_equal(gen_mx_rdata(70000, "mx.example.com", &r), RC_INVALID);
    assert_int_equal(gen_mx_rdata(10, "localhost", &r), RC_INVALID);
    assert_int_equal(gen_mx_rdata(10, "192.0.2.1", &r), RC_INVALID);
    assert_null(r);
    /* The null MX line. */
    rr.rdata = (char *)GEN_MX_NULL;
    line = gen_rr_format(&rr, 3600);
    assert_string_equal(line, "example.com. 3600 IN MX 0 .");
    free(line);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_mx__template__dots_become_dashes),
        cmocka_unit_test(gen_mx__template__refuses_what_it_cannot_know),
        cmocka_unit_test(gen_mx__rdata__formats_and_validates),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
