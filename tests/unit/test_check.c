/* test_check.c - the check runner (check.c): step names and tables, the
 * finding catalog, start/poll/finish over zone text, re-runs, the run's
 * status, and the two helpers every step uses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/check.h"
#include "mailready/util.h"
#include "test_err.h"

static const char zone[] =
    "$ORIGIN c.test.\n$TTL 300\n"
    "@ SOA ns.c.test. h.c.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.c.test.\nns A 45.67.89.2\n"
    "@ MX 10 mx.c.test.\nmx A 45.67.89.25\n"
    "@ TXT \"v=spf1 mx ?all\"\n";

static struct dns *
zone_dns(void)
{
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };

    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    if (dns_load_zone_text(d, zone, "c.test", &err) != RC_OK)
        fail_msg("zone: %s", errtext(&err));
    return d;
}

static void
check__step_names__both_ways(void **state)
{
    (void)state;
    for (int i = 0; i < STEP_COUNT; i++) {
        const char *n = check_step_name((enum check_step)i);
        const struct check_step_ops *ops = check_step_ops(i);

        assert_non_null(n);
        assert_int_equal(check_step_from_name(n), i);
        assert_non_null(ops);
        assert_string_equal(ops->name, n);
        assert_non_null(ops->title);
        assert_non_null(ops->start);
    }
    assert_string_equal(check_step_name(STEP_DMARC), "dmarc");
    assert_int_equal(check_step_from_name("SPF"), STEP_SPF);
    assert_int_equal(check_step_from_name("spf "), -1);
    assert_int_equal(check_step_from_name(""), -1);
    assert_null(check_step_name(STEP_COUNT));
    assert_null(check_step_name((enum check_step)-1));
    assert_null(check_step_ops(STEP_COUNT));
}

static void
check__catalog__ids_unique_and_complete(void **state)
{
    const struct finding_info *fi, *fj;
    size_t n = 0;

    (void)state;
    for (size_t i = 0; (fi = finding_info_at(i)) != NULL; i++) {
        n++;
        assert_non_null(fi->title);
        assert_non_null(fi->why);
        assert_non_null(fi->fix);
        assert_true(strcmp(fi->step, "general") == 0 ||
                    check_step_from_name(fi->step) >= 0);
        for (size_t k = 0; k < i; k++) {
            fj = finding_info_at(k);
            if (strcmp(fi->id, fj->id) == 0)
                fail_msg("finding id %s twice in the catalog", fi->id);
        }
        assert_ptr_equal(finding_info_find(fi->id), fi);
    }
    assert_true(n > 40);
    assert_non_null(finding_info_find("dns_timeout"));    /* any case */
    assert_string_equal(finding_info_find("SPF_MISSING")->step, "spf");
    assert_null(finding_info_find("NO_SUCH_FINDING"));
}

static void
check__poll__waits_for_dns_then_finishes_once(void **state)
{
    struct dns *d = zone_dns();
    struct check_opts co;
    struct check_ctx ctx;
    size_t n;

    (void)state;
    memset(&co, 0, sizeof(co));
    co.domain = "c.test";
    co.datadir = "data";
    check_ctx_init(&ctx, d, &co);
    check_run_start(&ctx, (1u << STEP_MX) | (1u << STEP_SPF));
    assert_true(ctx.res[STEP_MX].ran);
    assert_true(ctx.res[STEP_SPF].ran);
    assert_false(ctx.res[STEP_DKIM].ran);
    assert_int_equal(ctx.steps, (1u << STEP_MX) | (1u << STEP_SPF));
    /* dns_query() never answers from within: queries are pending */
    assert_true(dns_pending(d) > 0);
    assert_false(check_run_poll(&ctx));
    assert_int_equal(json_array_size(ctx.res[STEP_SPF].records), 0);
    dns_run(d);
    assert_true(check_run_poll(&ctx));
    assert_true(ctx.finished);
    /* the SPF tree is the step's first record; ?all is a warning */
    assert_int_equal(json_array_size(ctx.res[STEP_SPF].records), 1);
    assert_true(findings_has(&ctx.res[STEP_SPF].findings,
                             "SPF_NEUTRAL_ALL"));
    n = ctx.res[STEP_SPF].findings.n;
    assert_true(check_run_poll(&ctx));              /* finish runs once */
    assert_int_equal(ctx.res[STEP_SPF].findings.n, n);
    assert_int_equal(json_array_size(ctx.res[STEP_SPF].records), 1);
    assert_int_equal(check_step_status(&ctx, STEP_SPF), ST_WARN);
    assert_int_equal(check_step_status(&ctx, STEP_MX), ST_OK);
    assert_int_equal(check_run_status(&ctx), ST_WARN);
    check_ctx_fini(&ctx);
    dns_free(d);
}

static void
check__rerun__starts_from_nothing(void **state)
{
    struct dns *d = zone_dns();
    struct check_opts co;
    struct check_ctx ctx;
    size_t n;

    (void)state;
    memset(&co, 0, sizeof(co));
    co.domain = "c.test";
    co.datadir = "data";
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, 1u << STEP_SPF);
    n = ctx.res[STEP_SPF].findings.n;
    assert_true(n > 0);
    check_run_all(&ctx, 1u << STEP_SPF);
    assert_int_equal(ctx.res[STEP_SPF].findings.n, n);
    assert_int_equal(json_array_size(ctx.res[STEP_SPF].records), 1);
    /* another mask: the steps of the run before are cleared */
    check_run_all(&ctx, 1u << STEP_MX);
    assert_false(ctx.res[STEP_SPF].ran);
    assert_int_equal(ctx.res[STEP_SPF].findings.n, 0);
    assert_int_equal(json_array_size(ctx.res[STEP_SPF].records), 0);
    /* a step that did not run does not count in the run's status */
    assert_int_equal(check_run_status(&ctx), ST_OK);
    assert_ptr_equal(check_result_of(&ctx, STEP_MX), &ctx.res[STEP_MX]);
    assert_int_equal(check_result_of(&ctx, STEP_PTR)->step, STEP_PTR);
    check_ctx_fini(&ctx);
    dns_free(d);
}

static void
check__dns_error__finding_per_status(void **state)
{
    static const struct {
        enum dns_status st;
        const char *id;
    } cases[] = {
        { DNS_TIMEOUT, "DNS_TIMEOUT" },
        { DNS_SERVFAIL, "DNS_SERVFAIL" },
        { DNS_REFUSED, "DNS_ERROR" },
        { DNS_ERROR, "DNS_ERROR" },
    };
    struct dns_answer a;
    struct findings fs;
    char name[] = "a\x1b[2J.c.test";

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        memset(&a, 0, sizeof(a));
        a.status = cases[i].st;
        a.qname = name;
        a.qtype = DNS_T_TXT;
        a.canon = name;
        findings_init(&fs);
        check_add_dns_error(&fs, &a);
        assert_int_equal(fs.n, 1);
        assert_string_equal(fs.v[0].id, cases[i].id);
        assert_int_equal(fs.v[0].sev, SEV_ERROR);
        /* the name from DNS made visible, the type by name */
        assert_string_equal(fs.v[0].args[0], "a\\x1B[2J.c.test");
        assert_string_equal(fs.v[0].args[1], "TXT");
        assert_int_equal(findings_status(&fs), ST_ERROR);
        findings_fini(&fs);
    }
}

static void
check__add_record__made_visible(void **state)
{
    struct check_result res;

    (void)state;
    memset(&res, 0, sizeof(res));
    res.records = json_array();
    check_add_record(&res, "v=spf1 -all");
    check_add_record(&res, "x\x07y\xe2\x80\x8bz");
    assert_int_equal(json_array_size(res.records), 2);
    assert_string_equal(json_string_value(json_array_get(res.records, 0)),
                        "v=spf1 -all");
    assert_string_equal(json_string_value(json_array_get(res.records, 1)),
                        "x\\x07y\\xE2\\x80\\x8Bz");
    json_decref(res.records);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check__step_names__both_ways),
        cmocka_unit_test(check__catalog__ids_unique_and_complete),
        cmocka_unit_test(check__poll__waits_for_dns_then_finishes_once),
        cmocka_unit_test(check__rerun__starts_from_nothing),
        cmocka_unit_test(check__dns_error__finding_per_status),
        cmocka_unit_test(check__add_record__made_visible),
    };

    return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
