/* test_check_ptr.c - generic-name heuristics and the PTR step over zone
 * text (forward and reverse zones, IPv4 and IPv6; no network). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/check.h"
#include "mailready/check_ptr.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"
#include "test_err.h"

static bool
generic(const char *name, const char *addr)
{
    struct ipaddr ip;

    if (addr == NULL)
        return check_ptr_looks_generic(name, NULL, NULL);
    assert_true(net_parse(addr, &ip));
    return check_ptr_looks_generic(name, &ip, NULL);
}

static void
generic__address_forms(void **state)
{
    (void)state;
    assert_true(generic("c-73-15-22-11.hsd1.ca.comcast.net", "73.15.22.11"));
    assert_true(generic("11.22.15.73.example.net", "73.15.22.11"));
    assert_true(generic("host-073-015-022-011.example.net", "73.15.22.11"));
    assert_true(generic("ip073015022011.example.net", "73.15.22.11"));
    assert_true(generic("x490f160b.example.net", "73.15.22.11"));
    assert_true(generic("ec2-54-93-1-2.eu-central-1.compute.amazonaws.com",
                        "54.93.1.2"));
    assert_true(generic("dsl-187-156-12.example.mx", "201.187.156.12"));
    assert_true(generic("2a01-4f8-c17-b8f--2.example.net",
                        "2a01:4f8:c17:b8f::2"));
    assert_true(generic("2a0104f80c170b8f0000000000000002.example.net",
                        "2a01:4f8:c17:b8f::2"));
}

static void
generic__words(void **state)
{
    (void)state;
    assert_true(generic("dynamic-pool.isp.example", NULL));
    assert_true(generic("abc123.dsl.isp.example", NULL));
    assert_true(generic("customer.isp.example.net", NULL));
    assert_true(generic("ppp12.isp.example", NULL));
    assert_true(generic("static-ip.isp.example", NULL));
    assert_true(generic("host-12-34.isp.example", NULL));
    assert_true(generic("rev123.isp.example", NULL));
    assert_true(generic("unassigned.isp.example", NULL));
}

static void
generic__mail_names_are_not(void **state)
{
    (void)state;
    assert_false(generic("mail.example.com", "73.15.22.11"));
    assert_false(generic("mx1.example.com", "73.15.22.1"));
    assert_false(generic("mail-12.example.com", "12.15.22.11"));
    assert_false(generic("smtp.dynamics-consulting.com", NULL));
    assert_false(generic("mail2.poolsupply.com", NULL));
    assert_false(generic("mx.cable.com", NULL));
    assert_false(generic("static.example.com", NULL));
    assert_false(generic("host2.example.com", NULL));
    assert_false(generic("out-1.mail.example.com", "1.2.3.4"));
    assert_false(generic("mail.liverpool.example", NULL));
    assert_false(generic("mx.example.com", "2a01:4f8:c17:b8f::2"));
}

static const char fwd_zone[] =
    "$ORIGIN p.test.\n$TTL 300\n"
    "@ SOA ns.p.test. h.p.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.p.test.\nns A 45.67.89.2\n"
    "@ MX 10 mx.p.test.\n"
    "@ TXT \"v=spf1 mx -all\"\n"
    "mx A 45.67.89.10\n"
    "mx AAAA 2a03:4000:1::10\n"
    "other A 45.67.89.11\n"
    "13-89-67-45.dyn A 45.67.89.13\n";

static const char rev4_zone[] =
    "$ORIGIN 89.67.45.in-addr.arpa.\n$TTL 300\n"
    "@ SOA ns.hoster.example. noc.hoster.example. 1 7200 3600 1209600 300\n"
    "@ NS ns.hoster.example.\n"
    "10 PTR mx.p.test.\n"
    "11 PTR other.p.test.\n"
    "11 PTR mx.p.test.\n"
    "12 PTR unconfirmed.p.test.\n"
    "13 PTR 13-89-67-45.dyn.p.test.\n";

static const char rev6_zone[] =
    "$ORIGIN 0.0.0.0.1.0.0.0.0.0.0.4.3.0.a.2.ip6.arpa.\n$TTL 300\n"
    "@ SOA ns.hoster.example. noc.hoster.example. 1 7200 3600 1209600 300\n"
    "@ NS ns.hoster.example.\n"
    "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR mx.p.test.\n";

struct run {
    char ids[512];
    enum check_status st;
    char records[2048];
};

static void
run_ptr(const char *const *ips, size_t nips, const char *hostname,
        const char *extra, struct run *out)
{
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    char *f = xasprintf("%s%s", fwd_zone, extra);
    struct check_opts co;
    struct check_ctx ctx;
    struct strbuf sb = STRBUF_INIT;

    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    if (dns_load_zone_text(d, f, "p.test", &err) != RC_OK ||
        dns_load_zone_text(d, rev4_zone, "89.67.45.in-addr.arpa",
                           &err) != RC_OK ||
        dns_load_zone_text(d, rev6_zone,
                           "0.0.0.0.1.0.0.0.0.0.0.4.3.0.a.2.ip6.arpa",
                           &err) != RC_OK)
        fail_msg("zone: %s", errtext(&err));
    memset(&co, 0, sizeof(co));
    co.domain = "p.test";
    co.server_ips = ips;
    co.n_server_ips = nips;
    co.hostname = hostname;
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, 1u << STEP_PTR);
    const struct findings *fs = &ctx.res[STEP_PTR].findings;
    for (size_t i = 0; i < fs->n; i++) {
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            if (strcmp(fs->v[k].id, fs->v[i].id) == 0)
                dup = true;
        if (dup)
            continue;
        if (sb.len > 0)
            strbuf_addc(&sb, ' ');
        strbuf_adds(&sb, fs->v[i].id);
    }
    str_copy(out->ids, strbuf_str(&sb), sizeof(out->ids));
    out->st = check_step_status(&ctx, STEP_PTR);
    char *recs = json_dumps(ctx.res[STEP_PTR].records, 0);
    str_copy(out->records, recs, sizeof(out->records));
    free(recs);
    strbuf_fini(&sb);
    check_ctx_fini(&ctx);
    dns_free(d);
    free(f);
}

static void
step__mx_addresses_v4_v6__ok(void **state)
{
    struct run r;

    (void)state;
    run_ptr(NULL, 0, NULL, "", &r);
    assert_string_equal(r.ids, "");
    assert_int_equal(r.st, ST_OK);
    assert_non_null(strstr(r.records, "PTR mx.p.test -> 45.67.89.10"));
    assert_non_null(strstr(r.records, "ip6.arpa"));
}

static void
step__findings_per_address(void **state)
{
    static const char *const multi[] = { "45.67.89.11" };
    static const char *const unconf[] = { "45.67.89.12" };
    static const char *const gen[] = { "45.67.89.13" };
    static const char *const none[] = { "45.67.89.14" };
    struct run r;

    (void)state;
    /* Two PTRs; mx.p.test confirms; no hostname to match. */
    run_ptr(multi, 1, NULL, "", &r);
    assert_string_equal(r.ids, "PTR_MULTIPLE");
    /* One record (one line) per PTR name, no escaped newline. */
    assert_null(strstr(r.records, "\\x0A"));
    assert_non_null(strstr(r.records, "\", \"11.89.67.45.in-addr.arpa PTR"));
    run_ptr(unconf, 1, NULL, "", &r);
    assert_string_equal(r.ids, "PTR_NOT_CONFIRMED");
    assert_int_equal(r.st, ST_FAIL);
    run_ptr(gen, 1, NULL, "", &r);
    assert_string_equal(r.ids, "PTR_GENERIC");
    run_ptr(none, 1, NULL, "", &r);
    assert_string_equal(r.ids, "PTR_MISSING");
    /* The MX address with another --hostname. */
    run_ptr(NULL, 0, "smtp.p.test", "", &r);
    assert_string_equal(r.ids, "PTR_HOSTNAME_MISMATCH");
}

static void
step__no_mail_and_no_address(void **state)
{
    struct run r;
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct check_opts co;
    struct check_ctx ctx;
    static const char z[] =
        "$ORIGIN q.test.\n$TTL 300\n"
        "@ SOA ns.q.test. h.q.test. 1 7200 3600 1209600 300\n"
        "@ NS ns.q.test.\nns A 45.67.89.2\n"
        "@ TXT \"v=spf1 -all\"\n"
        "n TXT \"v=spf1 a -all\"\n";

    (void)state;
    (void)r;
    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_int_equal(dns_load_zone_text(d, z, "q.test", &err), RC_OK);
    memset(&co, 0, sizeof(co));
    co.domain = "q.test";
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, 1u << STEP_PTR);
    assert_true(findings_has(&ctx.res[STEP_PTR].findings, "PTR_NOT_NEEDED"));
    assert_int_equal(check_step_status(&ctx, STEP_PTR), ST_OK);
    check_ctx_fini(&ctx);
    co.domain = "n.q.test";
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, 1u << STEP_PTR);
    assert_true(findings_has(&ctx.res[STEP_PTR].findings,
                             "PTR_NO_SERVER_IP"));
    assert_int_equal(ctx.res[STEP_PTR].findings.n, 1);
    check_ctx_fini(&ctx);
    dns_free(d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generic__address_forms),
        cmocka_unit_test(generic__words),
        cmocka_unit_test(generic__mail_names_are_not),
        cmocka_unit_test(step__mx_addresses_v4_v6__ok),
        cmocka_unit_test(step__findings_per_address),
        cmocka_unit_test(step__no_mail_and_no_address),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
