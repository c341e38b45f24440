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

/* Run the PTR step on domain in zone z (origin r.test), with ips. */
static void
run_priv(const char *domain, const char *const *ips, size_t nips,
         struct run *out)
{
    static const char z[] =
        "$ORIGIN r.test.\n$TTL 300\n"
        "@ SOA ns.r.test. h.r.test. 1 7200 3600 1209600 300\n"
        "@ NS ns.r.test.\nns A 45.67.89.2\n"
        "priv MX 10 h1.r.test.\npriv TXT \"v=spf1 mx -all\"\n"
        "h1 A 10.0.0.5\nh1 AAAA fd00::5\n"
        "mixed MX 10 h1.r.test.\nmixed MX 20 h2.r.test.\n"
        "mixed TXT \"v=spf1 mx -all\"\n"
        "h2 A 45.67.90.7\n"
        "special MX 10 h3.r.test.\nspecial MX 20 h4.r.test.\n"
        "special MX 30 h5.r.test.\nspecial TXT \"v=spf1 mx -all\"\n"
        "h3 A 100.64.0.1\nh3 A 127.0.0.1\nh4 A 169.254.1.1\n"
        "h4 AAAA fe80::1\nh5 A 192.0.2.1\nh5 AAAA 2001:db8::1\n";
    static const char rz90[] =
        "$ORIGIN 90.67.45.in-addr.arpa.\n$TTL 300\n"
        "@ SOA ns.r.test. h.r.test. 1 7200 3600 1209600 300\n"
        "@ NS ns.r.test.\n";
    static const char rz10[] =
        "$ORIGIN 10.in-addr.arpa.\n$TTL 300\n"
        "@ SOA ns.r.test. h.r.test. 1 7200 3600 1209600 300\n"
        "@ NS ns.r.test.\n";
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct check_opts co;
    struct check_ctx ctx;
    struct strbuf sb = STRBUF_INIT;

    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_int_equal(dns_load_zone_text(d, z, "r.test", &err), RC_OK);
    assert_int_equal(dns_load_zone_text(d, rz90, "90.67.45.in-addr.arpa",
                                        &err), RC_OK);
    assert_int_equal(dns_load_zone_text(d, rz10, "10.in-addr.arpa", &err),
                     RC_OK);
    memset(&co, 0, sizeof(co));
    co.domain = domain;
    co.server_ips = ips;
    co.n_server_ips = nips;
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, 1u << STEP_PTR);
    const struct findings *fs = &ctx.res[STEP_PTR].findings;
    for (size_t i = 0; i < fs->n; i++) {
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
}

/* Issue 17, rule 6: MX host addresses that are not globally reachable
 * (RFC 1918, the IANA special-purpose registries) are not asked for PTR
 * and get no "ask your provider" text; the global ones still are; an
 * address given with --server-ip is always checked. */
static void
step__mx_addresses_not_global__not_asked(void **state)
{
    static const char *const given[] = { "10.0.0.5" };
    struct run r;

    (void)state;
    run_priv("priv.r.test", NULL, 0, &r);
    assert_string_equal(r.ids, "PTR_NOT_GLOBAL");
    assert_int_equal(r.st, ST_OK);
    assert_null(strstr(r.records, "10.0.0.5"));
    run_priv("special.r.test", NULL, 0, &r);
    assert_string_equal(r.ids, "PTR_NOT_GLOBAL");
    /* one global address among private ones: only it is checked */
    run_priv("mixed.r.test", NULL, 0, &r);
    assert_string_equal(r.ids, "PTR_MISSING");
    assert_null(strstr(r.records, "10.0.0.5"));
    assert_null(strstr(r.records, "fd00"));
    run_priv("priv.r.test", given, 1, &r);
    assert_string_equal(r.ids, "PTR_MISSING");
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
        cmocka_unit_test(step__mx_addresses_not_global__not_asked),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
