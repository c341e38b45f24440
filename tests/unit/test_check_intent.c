/* test_check_intent.c - the live records against the declared setup:
 * MX_NOT_DECLARED_SERVER, SPF_DECLARED_SENDER_NOT_AUTHORIZED and
 * SERVER_IP_NOT_PUBLIC, run through the check runner over zone text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/check.h"
#include "mailready/check_intent.h"
#include "mailready/util.h"
#include "test_err.h"

static const char zone[] =
    "$ORIGIN i.test.\n$TTL 300\n"
    "@ SOA ns.i.test. h.i.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.i.test.\nns A 45.67.89.2\n"
    "@ MX 10 mx.other.i.test.\nmx.other A 45.67.89.99\n"
    "mail A 45.67.89.25\n"
    "@ TXT \"v=spf1 mx -all\"\n"
    "$ORIGIN g.test.\n"
    "@ SOA ns.g.test. h.g.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.g.test.\n"
    "@ MX 10 mail.g.test.\nmail A 45.67.89.25\n"
    "@ TXT \"v=spf1 ip4:45.67.89.25 include:_spf.google.com -all\"\n"
    "$ORIGIN _spf.google.com.\n"
    "@ TXT \"v=spf1 ip4:64.233.160.0/19 ~all\"\n";

static struct preset_list *presets;

static int
setup(void **unused)
{
    const char *dir = getenv("MAILREADY_DATADIR");
    char *path = xasprintf("%s/providers.json", dir != NULL ? dir : "data");
    int r = preset_load(path, &presets, NULL) == RC_OK ? 0 : -1;

    (void)unused;
    free(path);
    return r;
}

static int
teardown(void **unused)
{
    (void)unused;
    preset_list_free(presets);
    return 0;
}

/* Check domain with the declared answers; the findings of step. */
static void
run(const char *domain, const struct state_answers *a, struct check_ctx *ctx,
    struct dns **d, struct check_opts *o, struct check_intent *ci)
{
    struct dns_opts dopts;
    struct rc_err err = { 0 };

    memset(&dopts, 0, sizeof(dopts));
    dopts.offline = true;
    assert_int_equal(dns_new(&dopts, d, &err), RC_OK);
    if (dns_load_zone_text(*d, zone, "i.test", &err) != RC_OK)
        fail_msg("zone: %s", errtext(&err));
    check_intent_build(ci, domain, a, presets);
    memset(o, 0, sizeof(*o));
    o->domain = domain;
    o->server_ips = (const char *const *)a->server_ips.v;
    o->n_server_ips = a->server_ips.n;
    o->intent = ci;
    check_ctx_init(ctx, *d, o);
    check_run_all(ctx, (1u << STEP_MX) | (1u << STEP_SPF));
}

static void
done(struct check_ctx *ctx, struct dns *d, struct check_intent *ci)
{
    dns_free(d);
    check_ctx_fini(ctx);
    check_intent_fini(ci);
}

static void
intent__own_server_not_in_mx__warns(void **unused)
{
    struct state_answers a;
    struct check_ctx ctx;
    struct check_opts o;
    struct check_intent ci;
    struct dns *d;

    (void)unused;
    memset(&a, 0, sizeof(a));
    state_strs_add(&a.providers, "own");
    state_strs_add(&a.server_ips, "45.67.89.25");
    state_str_set(&a.hostname, "mail.i.test");
    run("i.test", &a, &ctx, &d, &o, &ci);
    assert_true(findings_has(&ctx.res[STEP_MX].findings,
                             "MX_NOT_DECLARED_SERVER"));
    assert_int_equal(check_step_status(&ctx, STEP_MX), ST_WARN);
    done(&ctx, d, &ci);

    /* The MX host's address is the declared one: no finding. */
    state_strs_clear(&a.server_ips);
    state_strs_add(&a.server_ips, "45.67.89.99");
    state_str_set(&a.hostname, "mx.other.i.test");
    run("i.test", &a, &ctx, &d, &o, &ci);
    assert_false(findings_has(&ctx.res[STEP_MX].findings,
                              "MX_NOT_DECLARED_SERVER"));
    done(&ctx, d, &ci);

    /* A server that only sends says nothing about the MX. */
    a.own_send_only = true;
    state_strs_add(&a.server_ips, "45.67.89.25");
    run("i.test", &a, &ctx, &d, &o, &ci);
    assert_false(findings_has(&ctx.res[STEP_MX].findings,
                              "MX_NOT_DECLARED_SERVER"));
    done(&ctx, d, &ci);
    state_answers_fini(&a);
}

static void
intent__provider_include__required(void **unused)
{
    struct state_answers a;
    struct check_ctx ctx;
    struct check_opts o;
    struct check_intent ci;
    struct dns *d;

    (void)unused;
    memset(&a, 0, sizeof(a));
    state_strs_add(&a.providers, "google");
    run("i.test", &a, &ctx, &d, &o, &ci);
    assert_true(findings_has(&ctx.res[STEP_SPF].findings,
                             "SPF_DECLARED_SENDER_NOT_AUTHORIZED"));
    /* The MX does not go to Google either. */
    assert_true(findings_has(&ctx.res[STEP_MX].findings,
                             "MX_NOT_DECLARED_SERVER"));
    done(&ctx, d, &ci);
    run("g.test", &a, &ctx, &d, &o, &ci);
    assert_false(findings_has(&ctx.res[STEP_SPF].findings,
                              "SPF_DECLARED_SENDER_NOT_AUTHORIZED"));
    done(&ctx, d, &ci);
    state_answers_fini(&a);
}

static void
intent__private_address__warns_with_range(void **unused)
{
    static const char *const cases[][2] = {
        { "10.1.2.3", "1" }, { "192.168.1.10", "1" }, { "100.64.0.1", "1" },
        { "192.0.2.10", "1" }, { "2001:db8::25", "1" }, { "fd00::1", "1" },
        { "45.67.89.25", "0" }, { "2a01:4f8::1", "0" },
    };
    struct check_ctx ctx;
    struct check_opts o;
    struct check_intent ci;
    struct dns *d;

    (void)unused;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct state_answers a;

        memset(&a, 0, sizeof(a));
        state_strs_add(&a.server_ips, cases[i][0]);
        run("g.test", &a, &ctx, &d, &o, &ci);
        if (findings_has(&ctx.res[STEP_SPF].findings,
                         "SERVER_IP_NOT_PUBLIC") != (cases[i][1][0] == '1'))
            fail_msg("%s: SERVER_IP_NOT_PUBLIC expected %s", cases[i][0],
                     cases[i][1]);
        done(&ctx, d, &ci);
        state_answers_fini(&a);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intent__own_server_not_in_mx__warns),
        cmocka_unit_test(intent__provider_include__required),
        cmocka_unit_test(intent__private_address__warns_with_range),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
