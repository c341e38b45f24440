/* test_gen_dmarc.c - the DMARC record builder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mailready/gen_dmarc.h"

static void
gen_dmarc__monitor_stage__p_none_first(void **state)
{
    static const char *const rua[] = { "dmarc@example.com" };
    struct gen_dmarc_opts o = { GEN_DMARC_NONE, GEN_DMARC_INHERIT, rua, 1,
                                false, false };
    struct gen_dmarc d;

    (void)state;
    assert_int_equal(gen_dmarc_build("example.com", &o, &d), RC_OK);
    assert_string_equal(d.record,
                        "v=DMARC1; p=none; rua=mailto:dmarc@example.com");
    assert_null(strstr(d.record, "pct="));
    assert_int_equal(d.n_auth, 0);
    gen_dmarc_fini(&d);
}

static void
gen_dmarc__all_answers__tags_in_order(void **state)
{
    static const char *const rua[] = {
        "mailto:Reports@Example.COM", "x@dmarc.report-host.net",
        "mailto:Reports@example.com",
    };
    struct gen_dmarc_opts o = { GEN_DMARC_REJECT, GEN_DMARC_QUARANTINE, rua,
                                3, true, true };
    struct gen_dmarc d;

    (void)state;
    assert_int_equal(gen_dmarc_build("example.com", &o, &d), RC_OK);
    assert_string_equal(d.record,
                        "v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=s;"
                        " rua=mailto:Reports@example.com,"
                        "mailto:x@dmarc.report-host.net");
    /* Only the outside destination needs an authorization record. */
    assert_int_equal(d.n_auth, 1);
    assert_string_equal(d.auth[0],
                        "example.com._report._dmarc.dmarc.report-host.net");
    gen_dmarc_fini(&d);
}

static void
gen_dmarc__sp_equal_to_p__left_out(void **state)
{
    struct gen_dmarc_opts o = { GEN_DMARC_QUARANTINE, GEN_DMARC_QUARANTINE,
                                NULL, 0, false, false };
    struct gen_dmarc d;

    (void)state;
    assert_int_equal(gen_dmarc_build("example.com", &o, &d), RC_OK);
    assert_string_equal(d.record, "v=DMARC1; p=quarantine");
    gen_dmarc_fini(&d);
}

static void
gen_dmarc__related_hosts__no_authorization(void **state)
{
    static const char *const rua[] = { "r@reports.shop.example.com",
                                       "r@example.com" };
    struct gen_dmarc_opts o = { GEN_DMARC_NONE, GEN_DMARC_INHERIT, rua, 2,
                                false, false };
    struct gen_dmarc d;

    (void)state;
    assert_int_equal(gen_dmarc_build("shop.example.com", &o, &d), RC_OK);
    assert_int_equal(d.n_auth, 0);
    gen_dmarc_fini(&d);
}

/* Without the DNS tree walk a sibling cannot be told from another
 * organisation (b.co.uk vs a.co.uk): the record is listed, to be safe. */
static void
gen_dmarc__sibling_host__authorization_listed(void **state)
{
    static const char *const rua[] = { "r@mail.example.com" };
    struct gen_dmarc_opts o = { GEN_DMARC_NONE, GEN_DMARC_INHERIT, rua, 1,
                                false, false };
    struct gen_dmarc d;

    (void)state;
    assert_int_equal(gen_dmarc_build("shop.example.com", &o, &d), RC_OK);
    assert_int_equal(d.n_auth, 1);
    assert_string_equal(d.auth[0],
                        "shop.example.com._report._dmarc.mail.example.com");
    gen_dmarc_fini(&d);
}

static void
gen_dmarc__bad_addresses__refused(void **state)
{
    static const char *const bad[] = {
        "nobody", "a,b@example.com", "a@example.com;p=none",
        "a!10m@example.com", "a b@example.com", "a@", "@example.com",
        "a@bad_host.com", "a..b@example.com", "a@localhost",
    };
    struct gen_dmarc_opts o = { GEN_DMARC_NONE, GEN_DMARC_INHERIT, NULL, 1,
                                false, false };
    struct gen_dmarc d;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        o.rua = &bad[i];
        assert_int_equal(gen_dmarc_build("example.com", &o, &d),
                         RC_INVALID);
        assert_null(d.record);
        assert_non_null(d.why);
        assert_string_equal(d.bad, bad[i]);
        gen_dmarc_fini(&d);
    }
}

static void
gen_dmarc__policy_names(void **state)
{
    enum gen_dmarc_policy p;

    (void)state;
    assert_true(gen_dmarc_policy_parse("Reject", &p));
    assert_int_equal(p, GEN_DMARC_REJECT);
    assert_true(gen_dmarc_policy_parse("none", &p));
    assert_int_equal(p, GEN_DMARC_NONE);
    assert_false(gen_dmarc_policy_parse("monitor", &p));
    assert_string_equal(gen_dmarc_policy_name(GEN_DMARC_QUARANTINE),
                        "quarantine");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_dmarc__monitor_stage__p_none_first),
        cmocka_unit_test(gen_dmarc__all_answers__tags_in_order),
        cmocka_unit_test(gen_dmarc__sp_equal_to_p__left_out),
        cmocka_unit_test(gen_dmarc__related_hosts__no_authorization),
        cmocka_unit_test(gen_dmarc__sibling_host__authorization_listed),
        cmocka_unit_test(gen_dmarc__bad_addresses__refused),
        cmocka_unit_test(gen_dmarc__policy_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
