/* test_gen_mtasts.c - the MTA-STS and TLS-RPT builder: policy from the
 * MX records, id from the policy, the two TXT records. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/dns.h"
#include "mailready/gen_mtasts.h"

static void
gen_mtasts__policy_from_mx__parses_and_covers(void **state)
{
    struct gen_rrs mx;
    struct gen_mtasts_opts o;
    struct gen_mtasts g;
    struct mtasts_policy p;
    const char *why = NULL;
    unsigned line = 0;
    char id[MTASTS_ID_MAX + 1];

    (void)state;
    gen_rrs_init(&mx);
    gen_rrs_add(&mx, "example.com", DNS_T_MX, "10 MX1.example.com.", NULL);
    gen_rrs_add(&mx, "example.com", DNS_T_MX, "20 mx2.example.com.", NULL);
    gen_rrs_add(&mx, "example.com", DNS_T_MX, "30 mx1.example.com.", NULL);
    gen_rrs_add(&mx, "mx1.example.com", DNS_T_A, "192.0.2.1", NULL);
    memset(&o, 0, sizeof(o));
    o.domain = "example.com";
    o.mx = &mx;
    o.sts = true;
    o.mode = MTASTS_MODE_TESTING;
    gen_mtasts_build(&o, &g);
    assert_non_null(g.policy);
    assert_int_equal(g.nmx, 2);
    assert_string_equal(g.policy, "version: STSv1\r\nmode: testing\r\n"
                        "mx: mx1.example.com\r\nmx: mx2.example.com\r\n"
                        "max_age: 604800\r\n");
    assert_int_equal(mtasts_policy_parse(g.policy, strlen(g.policy), &p,
                                         &why, &line), RC_OK);
    assert_int_equal(p.mode, MTASTS_MODE_TESTING);
    assert_true(mtasts_policy_covers(&p, "mx2.example.com."));
    mtasts_policy_fini(&p);
    assert_string_equal(g.sts_owner, "_mta-sts.example.com");
    assert_int_equal(mtasts_record_parse(g.sts_txt, strlen(g.sts_txt), id,
                                         &why), RC_OK);
    assert_string_equal(id, g.id);
    assert_null(g.rpt_owner);
    assert_null(g.rpt_txt);

    /* Another mode: another policy, another id. */
    char first[MTASTS_ID_MAX + 1];
    memcpy(first, g.id, sizeof(first));
    gen_mtasts_fini(&g);
    o.mode = MTASTS_MODE_ENFORCE;
    gen_mtasts_build(&o, &g);
    assert_non_null(strstr(g.policy, "mode: enforce\r\n"));
    assert_string_not_equal(first, g.id);
    gen_mtasts_fini(&g);
    gen_rrs_fini(&mx);
}

static void
gen_mtasts__null_mx_or_none__no_policy(void **state)
{
    struct gen_rrs mx;
    struct gen_mtasts_opts o;
    struct gen_mtasts g;

    (void)state;
    gen_rrs_init(&mx);
    gen_rrs_add(&mx, "example.com", DNS_T_MX, "0 .", NULL);
    memset(&o, 0, sizeof(o));
    o.domain = "example.com";
    o.mx = &mx;
    o.sts = true;
    gen_mtasts_build(&o, &g);
    assert_null(g.policy);
    assert_null(g.sts_txt);
    assert_string_equal(g.id, "");
    gen_mtasts_fini(&g);
    o.sts = false;
    o.tls_rua = "tls@example.com";
    gen_mtasts_build(&o, &g);
    assert_null(g.policy);
    assert_string_equal(g.rpt_owner, "_smtp._tls.example.com");
    assert_string_equal(g.rpt_txt,
                        "v=TLSRPTv1; rua=mailto:tls@example.com");
    gen_mtasts_fini(&g);
    gen_rrs_fini(&mx);
}

static void
gen_mtasts__rua_forms__parse(void **state)
{
    static const char *const in[] = {
        "a@example.com", "mailto:a@example.com",
        "https://reports.example.com/tls"
    };
    const char *why = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        char *u = gen_mtasts_rua(in[i]);
        char *t = NULL;
        size_t n;

        assert_true(strncmp(u, "mailto:", 7) == 0 ||
                    strncmp(u, "https://", 8) == 0);
        n = strlen(u) + 32;
        t = malloc(n);
        snprintf(t, n, "v=TLSRPTv1; rua=%s", u);
        assert_int_equal(mtasts_tlsrpt_parse(t, strlen(t), &why), RC_OK);
        free(t);
        free(u);
    }
}

static void
gen_mtasts__mode_names__round_trip(void **state)
{
    static const char *const names[] = { "none", "testing", "enforce" };
    enum mtasts_mode m;

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        assert_true(gen_mtasts_mode_parse(names[i], &m));
        assert_string_equal(gen_mtasts_mode_name(m), names[i]);
    }
    assert_false(gen_mtasts_mode_parse("Enforce", &m));
    assert_false(gen_mtasts_mode_parse("", &m));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_mtasts__policy_from_mx__parses_and_covers),
        cmocka_unit_test(gen_mtasts__null_mx_or_none__no_policy),
        cmocka_unit_test(gen_mtasts__rua_forms__parse),
        cmocka_unit_test(gen_mtasts__mode_names__round_trip),
    };

    return cmocka_run_group_tests_name("gen_mtasts", tests, NULL, NULL);
}
