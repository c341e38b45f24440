/* test_gen_ptr.c - the pieces of a PTR change request. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mailready/gen_ptr.h"

static void
gen_ptr__ipv4__reverse_name_and_host(void **state)
{
    struct gen_ptr_request *r = NULL;
    const char *why;

    (void)state;
    assert_int_equal(gen_ptr_request_new("91.198.174.192", "Mail.Example.com.",
                                         &r, &why), RC_OK);
    assert_string_equal(r->address, "91.198.174.192");
    assert_false(r->ipv6);
    assert_string_equal(r->reverse, "192.174.198.91.in-addr.arpa");
    assert_string_equal(r->hostname, "mail.example.com");
    assert_null(r->contact);
    assert_null(r->zone);
    gen_ptr_request_set_soa(r, "174.198.91.in-addr.arpa", "ns0.wikimedia.org",
                            "hostmaster.wikimedia.org");
    assert_string_equal(r->zone, "174.198.91.in-addr.arpa");
    assert_string_equal(r->nameserver, "ns0.wikimedia.org");
    assert_string_equal(r->contact, "hostmaster@wikimedia.org");
    gen_ptr_request_free(r);
}

static void
gen_ptr__ipv6__nibbles(void **state)
{
    struct gen_ptr_request *r = NULL;
    const char *why;

    (void)state;
    assert_int_equal(gen_ptr_request_new("2A02:EC80:300:ED1A::1",
                                         "mail.example.com", &r, &why),
                     RC_OK);
    assert_true(r->ipv6);
    assert_string_equal(r->address, "2a02:ec80:300:ed1a::1");
    assert_string_equal(r->reverse,
                        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
                        "a.1.d.e.0.0.3.0.0.8.c.e.2.0.a.2.ip6.arpa");
    gen_ptr_request_free(r);
}

static void
gen_ptr__bad_input__refused(void **state)
{
    struct gen_ptr_request *r = NULL;
    const char *why = NULL;

    (void)state;
    assert_int_equal(gen_ptr_request_new("10.1.2.3", "mail.example.com", &r,
                                         &why), RC_INVALID);
    assert_non_null(why);
    assert_null(r);
    assert_int_equal(gen_ptr_request_new("mail.example.com", "x.example.com",
                                         &r, &why), RC_INVALID);
    assert_int_equal(gen_ptr_request_new("91.198.174.192", "mail", &r, &why),
                     RC_INVALID);
    assert_null(r);
}

static void
gen_ptr__rname__escaped_dot(void **state)
{
    char *e;

    (void)state;
    e = gen_ptr_rname_to_email("john\\.doe.example.net.");
    assert_string_equal(e, "john.doe@example.net");
    free(e);
    assert_null(gen_ptr_rname_to_email("localhost"));
    assert_null(gen_ptr_rname_to_email(".example.net"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_ptr__ipv4__reverse_name_and_host),
        cmocka_unit_test(gen_ptr__ipv6__nibbles),
        cmocka_unit_test(gen_ptr__bad_input__refused),
        cmocka_unit_test(gen_ptr__rname__escaped_dot),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
