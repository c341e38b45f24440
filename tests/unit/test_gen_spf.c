/* test_gen_spf.c - the SPF record builder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "mailready/gen_spf.h"
#include "mailready/util.h"

static void
gen_spf__nothing__sends_no_mail(void **state)
{
    struct gen_spf_opts o = { 0 };
    struct gen_spf s;

    (void)state;
    assert_int_equal(gen_spf_build(&o, &s), RC_OK);
    assert_string_equal(s.record, "v=spf1 -all");
    assert_int_equal(s.lookups, 0);
    gen_spf_fini(&s);
    /* -all even when ~all was asked: nothing may send. */
    o.hard_fail = false;
    assert_int_equal(gen_spf_build(&o, &s), RC_OK);
    assert_string_equal(s.record, GEN_SPF_NO_MAIL);
    gen_spf_fini(&s);
}

static void
gen_spf__includes_and_ips__order_kept(void **state)
{
    static const struct gen_spf_include inc[] = {
        { "spf.protection.outlook.com", 1 },
        { "_spf.google.com", 4 },
        { "sendgrid.net", 0 },
    };
    static const char *const ips[] = {
        "91.198.174.192", "2a02:ec80:300:ed1a::1", "185.15.58.0/24",
        "91.198.174.192",
    };
    struct gen_spf_opts o = { inc, 3, ips, 4, false, true };
    struct gen_spf s;

    (void)state;
    assert_int_equal(gen_spf_build(&o, &s), RC_OK);
    assert_string_equal(s.record,
                        "v=spf1 ip4:91.198.174.192 ip6:2a02:ec80:300:ed1a::1"
                        " ip4:185.15.58.0/24"
                        " include:spf.protection.outlook.com"
                        " include:_spf.google.com include:sendgrid.net"
                        " -all");
    assert_int_equal(s.lookups, 6);
    assert_false(s.lookups_exact);
    gen_spf_fini(&s);
}

static void
gen_spf__soft_fail_and_mx(void **state)
{
    static const struct gen_spf_include inc[] = { { "mailgun.org", 2 } };
    struct gen_spf_opts o = { inc, 1, NULL, 0, true, false };
    struct gen_spf s;

    (void)state;
    assert_int_equal(gen_spf_build(&o, &s), RC_OK);
    assert_string_equal(s.record, "v=spf1 mx include:mailgun.org ~all");
    assert_int_equal(s.lookups, 3);
    assert_true(s.lookups_exact);
    gen_spf_fini(&s);
}

static void
gen_spf__over_ten_lookups__refused_naming_drops(void **state)
{
    static const struct gen_spf_include inc[] = {
        { "a.example.net", 4 },
        { "b.example.net", 1 },
        { "c.example.net", 5 },
        { "d.example.net", 1 },
    };
    struct gen_spf_opts o = { inc, 4, NULL, 0, false, false };
    struct gen_spf s;

    (void)state;
    assert_int_equal(gen_spf_build(&o, &s), RC_TOOLONG);
    assert_null(s.record);
    assert_int_equal(s.lookups, 11);
    assert_int_equal(s.n_drop, 1);
    assert_string_equal(s.drop[0], "include:c.example.net");
    assert_int_equal(s.drop_lookups[0], 5);
    gen_spf_fini(&s);

    /* Exactly 10 is allowed. */
    o.n_includes = 3;
    assert_int_equal(gen_spf_build(&o, &s), RC_OK);
    assert_int_equal(s.lookups, 10);
    gen_spf_fini(&s);
}

static void
gen_spf__equal_costs__drops_the_later(void **state)
{
    struct gen_spf_include inc[11];
    char names[11][16];
    struct gen_spf_opts o = { inc, 11, NULL, 0, false, false };
    struct gen_spf s;

    (void)state;
    for (int i = 0; i < 11; i++) {
        str_copy(names[i], "x.example.net", sizeof(names[i]));
        names[i][0] = (char)('a' + i);
        inc[i].domain = names[i];
        inc[i].lookups = 1;
    }
    assert_int_equal(gen_spf_build(&o, &s), RC_TOOLONG);
    assert_int_equal(s.n_drop, 1);
    assert_string_equal(s.drop[0], "include:k.example.net");
    gen_spf_fini(&s);
}

static void
gen_spf__bad_input__refused(void **state)
{
    static const char *const priv[] = { "192.168.1.10" };
    static const char *const junk[] = { "mail.example.com" };
    static const char *const any[] = { "0.0.0.0/0" };
    static const struct gen_spf_include bad[] = { { "x y.com", 1 } };
    struct gen_spf_opts o = { NULL, 0, priv, 1, false, false };
    struct gen_spf s;

    (void)state;
    assert_int_equal(gen_spf_build(&o, &s), RC_INVALID);
    assert_string_equal(s.bad, "192.168.1.10");
    assert_non_null(s.why);
    gen_spf_fini(&s);
    o.ips = junk;
    assert_int_equal(gen_spf_build(&o, &s), RC_INVALID);
    assert_string_equal(s.bad, "mail.example.com");
    gen_spf_fini(&s);
    o.ips = any;
    assert_int_equal(gen_spf_build(&o, &s), RC_INVALID);
    gen_spf_fini(&s);
    o.n_ips = 0;
    o.includes = bad;
    o.n_includes = 1;
    assert_int_equal(gen_spf_build(&o, &s), RC_INVALID);
    assert_string_equal(s.bad, "x y.com");
    gen_spf_fini(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_spf__nothing__sends_no_mail),
        cmocka_unit_test(gen_spf__includes_and_ips__order_kept),
        cmocka_unit_test(gen_spf__soft_fail_and_mx),
        cmocka_unit_test(gen_spf__over_ten_lookups__refused_naming_drops),
        cmocka_unit_test(gen_spf__equal_costs__drops_the_later),
        cmocka_unit_test(gen_spf__bad_input__refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
