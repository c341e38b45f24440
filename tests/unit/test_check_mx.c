/* test_check_mx.c - the MX rules over zone text (no network). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/check.h"
#include "mailready/check_mx.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"
#include "test_err.h"

static const char head[] =
    "$ORIGIN t.test.\n$TTL 300\n"
    "@ SOA ns.t.test. h.t.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.t.test.\nns A 45.67.89.2\n";

/* Run the MX step on domain with zone body; the ids found, space-separated
 * and sorted as found, go to ids; returns the step status. */
static enum check_status
run_mx(const char *domain, const char *body, char *ids, size_t size,
       const char *force_name, enum dns_status force)
{
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    char *text = xasprintf("%s%s", head, body);
    struct check_opts co;
    struct check_ctx ctx;
    struct strbuf sb = STRBUF_INIT;

    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    if (dns_load_zone_text(d, text, "t.test", &err) != RC_OK)
        fail_msg("zone: %s", errtext(&err));
    if (force_name != NULL) {
        dns_force_status(d, force_name, DNS_T_A, force);
        dns_force_status(d, force_name, DNS_T_AAAA, force);
        dns_force_status(d, force_name, DNS_T_MX, force);
    }
    memset(&co, 0, sizeof(co));
    co.domain = domain;
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, 1u << STEP_MX);
    const struct findings *fs = &ctx.res[STEP_MX].findings;
    for (size_t i = 0; i < fs->n; i++) {
        if (sb.len > 0)
            strbuf_addc(&sb, ' ');
        strbuf_adds(&sb, fs->v[i].id);
        /* Every id used has a catalog entry. */
        assert_non_null(finding_info_find(fs->v[i].id));
    }
    str_copy(ids, strbuf_str(&sb), size);
    enum check_status st = check_step_status(&ctx, STEP_MX);
    strbuf_fini(&sb);
    check_ctx_fini(&ctx);
    dns_free(d);
    free(text);
    return st;
}

#define EXPECT(domain, body, want_ids, want_st)                           \
    do {                                                                  \
        char ids_[256];                                                   \
        enum check_status st_ = run_mx(domain, body, ids_, sizeof(ids_),  \
                                       NULL, DNS_OK);                     \
        assert_string_equal(ids_, want_ids);                              \
        assert_int_equal(st_, want_st);                                   \
    } while (0)

static void
mx__clean__no_findings(void **state)
{
    (void)state;
    EXPECT("t.test", "@ MX 10 mx1\n@ MX 20 mx2\nmx1 A 45.67.89.10\n"
           "mx2 AAAA 2a01:4f8:1::25\n", "", ST_OK);
}

static void
mx__null_mx__alone_info_mixed_fail(void **state)
{
    (void)state;
    EXPECT("t.test", "@ MX 0 .\n", "MX_NULL", ST_OK);
    EXPECT("t.test", "@ MX 0 .\n@ MX 10 mx1\nmx1 A 45.67.89.10\n",
           "MX_NULL_MIXED", ST_FAIL);
    EXPECT("t.test", "@ MX 5 .\n", "MX_NULL_PREFERENCE", ST_WARN);
}

static void
mx__missing__fallback_or_fail(void **state)
{
    (void)state;
    EXPECT("t.test", "@ A 45.67.89.20\n", "MX_MISSING", ST_WARN);
    EXPECT("t.test", "@ TXT \"x\"\n", "MX_MISSING", ST_FAIL);
    EXPECT("nope.t.test", "", "DOMAIN_NXDOMAIN", ST_FAIL);
}

static void
mx__bad_targets__found(void **state)
{
    (void)state;
    EXPECT("t.test", "@ MX 10 mail\nmail CNAME srv\nsrv A 45.67.89.10\n",
           "MX_TARGET_CNAME", ST_WARN);
    EXPECT("t.test", "@ MX 10 1.2.3.4.\n", "MX_TARGET_IP_LITERAL",
           ST_FAIL);
    EXPECT("t.test", "@ MX 10 mx1\nmx1 TXT \"no address\"\n",
           "MX_TARGET_NO_ADDRESS", ST_FAIL);
    EXPECT("t.test", "@ MX 10 gone\n", "MX_TARGET_NXDOMAIN", ST_FAIL);
    EXPECT("t.test", "@ MX 10 mx1\nmx1 A 10.0.0.25\n",
           "MX_TARGET_PRIVATE_ADDRESS", ST_FAIL);
    EXPECT("t.test", "@ MX 10 mx1\nmx1 AAAA 2001:db8::25\n",
           "MX_TARGET_PRIVATE_ADDRESS", ST_FAIL);
    EXPECT("t.test", "@ MX 10 mx1\nmx1 A 100.64.1.1\n",
           "MX_TARGET_PRIVATE_ADDRESS", ST_FAIL);
}

static void
mx__bad_backup__only_warns(void **state)
{
    (void)state;
    EXPECT("t.test", "@ MX 10 mx1\n@ MX 20 mx2\nmx1 A 45.67.89.10\n"
           "mx2 A 192.168.1.2\n", "MX_TARGET_PRIVATE_ADDRESS", ST_WARN);
    EXPECT("t.test", "@ MX 10 mx1\nmx1 A 45.67.89.10\nmx1 A 10.1.1.1\n",
           "MX_TARGET_PRIVATE_ADDRESS", ST_WARN);
}

static void
mx__dns_errors__could_not_check(void **state)
{
    char ids[256];

    (void)state;
    assert_int_equal(run_mx("t.test", "@ MX 10 mx1\nmx1 A 45.67.89.10\n",
                            ids, sizeof(ids), "t.test", DNS_TIMEOUT),
                     ST_ERROR);
    assert_string_equal(ids, "DNS_TIMEOUT");
    assert_int_equal(run_mx("t.test", "@ MX 10 mx1\nmx1 A 45.67.89.10\n",
                            ids, sizeof(ids), "mx1.t.test", DNS_SERVFAIL),
                     ST_ERROR);
    assert_string_equal(ids, "DNS_SERVFAIL");
    /* A broken backup is no failure while the primary could not be
     * checked: the step is "could not check". */
    assert_int_equal(run_mx("t.test", "@ MX 10 mx1\n@ MX 20 mx2\n"
                            "mx1 A 45.67.89.10\nmx2 A 10.0.0.2\n",
                            ids, sizeof(ids), "mx1.t.test", DNS_TIMEOUT),
                     ST_ERROR);
    assert_string_equal(ids, "DNS_TIMEOUT MX_TARGET_PRIVATE_ADDRESS");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mx__clean__no_findings),
        cmocka_unit_test(mx__null_mx__alone_info_mixed_fail),
        cmocka_unit_test(mx__missing__fallback_or_fail),
        cmocka_unit_test(mx__bad_targets__found),
        cmocka_unit_test(mx__bad_backup__only_warns),
        cmocka_unit_test(mx__dns_errors__could_not_check),
    };

    return cmocka_run_group_tests_name("check_mx", tests, NULL, NULL);
}
