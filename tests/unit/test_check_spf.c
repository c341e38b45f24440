/* test_check_spf.c - check_host() over zone text (no network): results,
 * deciding terms, lookup and void counts, DNS errors a server cannot
 * produce (forced), and the spf step's lint and include tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/check.h"
#include "mailready/check_spf.h"
#include "mailready/spf_eval.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"
#include "test_err.h"

static const char head[] =
    "$TTL 300\n"
    "@ SOA ns.t.test. h.t.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.t.test.\n";

struct force {
    const char *name;
    uint16_t type;
    enum dns_status status;
};

/* A struct dns answering from two zones, t.test and o.test (body_t and
 * body_o), with forced statuses. */
static struct dns *
fake_dns(const char *body_t, const char *body_o, const struct force *f,
         size_t nf)
{
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    char *t = xasprintf("$ORIGIN t.test.\n%s%s", head, body_t);
    char *ot = xasprintf("$ORIGIN o.test.\n%s%s", head,
                         body_o != NULL ? body_o : "");

    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    if (dns_load_zone_text(d, t, "t.test", &err) != RC_OK)
        fail_msg("zone t.test: %s", errtext(&err));
    if (dns_load_zone_text(d, ot, "o.test", &err) != RC_OK)
        fail_msg("zone o.test: %s", errtext(&err));
    for (size_t i = 0; i < nf; i++)
        dns_force_status(d, f[i].name, f[i].type, f[i].status);
    free(t);
    free(ot);
    return d;
}

/* Load one more zone. */
static void
add_zone(struct dns *d, const char *origin, const char *body)
{
    struct rc_err err = { 0 };
    char *t = xasprintf("$ORIGIN %s.\n%s%s", origin, head, body);

    if (dns_load_zone_text(d, t, origin, &err) != RC_OK)
        fail_msg("zone %s: %s", origin, err);
    free(t);
}

struct outcome {
    enum spf_result result;
    char mech[256];
    char exp[256];
    char why[512];
    unsigned lookups, voids;
};

static void
eval_in(struct dns *d, const char *ip, const char *sender, const char *helo,
        const char *domain, struct outcome *out)
{
    struct spf_request req;
    struct spf_eval *ev;
    const struct spf_verdict *v;

    memset(&req, 0, sizeof(req));
    memset(out, 0, sizeof(*out));
    assert_true(net_parse(ip, &req.ip));
    req.sender = sender;
    req.helo = helo;
    req.domain = domain;
    req.now = 1700000000;
    ev = spf_eval_start(d, &req);
    dns_run(d);
    assert_true(spf_eval_done(ev));
    v = spf_eval_verdict(ev);
    out->result = v->result;
    str_copy(out->mech, v->mechanism != NULL ? v->mechanism : "",
             sizeof(out->mech));
    str_copy(out->exp, v->explanation != NULL ? v->explanation : "",
             sizeof(out->exp));
    if (v->why != NULL)
        snprintf(out->why, sizeof(out->why), "%s|%s|%s|%s", v->why,
                 v->why_args[0], v->why_args[1], v->why_args[2]);
    out->lookups = v->lookups;
    out->voids = v->void_lookups;
    spf_eval_free(ev);
}

/* Evaluate ip for sender@t.test over the two zones. */
static struct outcome
eval(const char *body_t, const char *body_o, const struct force *f,
     size_t nf, const char *ip)
{
    struct dns *d = fake_dns(body_t, body_o, f, nf);
    struct outcome out;

    eval_in(d, ip, "user@t.test", "mail.t.test", NULL, &out);
    dns_free(d);
    return out;
}

static void
check_host__results_and_deciding_term(void **state)
{
    static const char z[] =
        "@ TXT \"v=spf1 ip4:45.67.89.0/24 ip6:2a01:4f8::/32 a:mail.t.test "
        "~ip4:45.67.90.1 ?ip4:45.67.90.2 -all\"\n"
        "mail A 45.67.91.1\n";
    struct outcome o;

    (void)state;
    o = eval(z, NULL, NULL, 0, "45.67.89.77");
    assert_int_equal(o.result, SPF_RES_PASS);
    assert_string_equal(o.mech, "ip4:45.67.89.0/24");
    assert_int_equal(o.lookups, 0);
    o = eval(z, NULL, NULL, 0, "2a01:4f8:1::2");
    assert_int_equal(o.result, SPF_RES_PASS);
    assert_string_equal(o.mech, "ip6:2a01:4f8::/32");
    o = eval(z, NULL, NULL, 0, "45.67.91.1");
    assert_int_equal(o.result, SPF_RES_PASS);
    assert_string_equal(o.mech, "a:mail.t.test");
    assert_int_equal(o.lookups, 1);
    o = eval(z, NULL, NULL, 0, "45.67.90.1");
    assert_int_equal(o.result, SPF_RES_SOFTFAIL);
    o = eval(z, NULL, NULL, 0, "45.67.90.2");
    assert_int_equal(o.result, SPF_RES_NEUTRAL);
    assert_string_equal(o.mech, "?ip4:45.67.90.2");
    o = eval(z, NULL, NULL, 0, "::ffff:45.67.90.9");   /* mapped: IPv4 */
    assert_int_equal(o.result, SPF_RES_FAIL);
    assert_string_equal(o.mech, "-all");
    assert_string_equal(o.exp, "");
    o = eval("@ TXT \"v=spf1 ip4:1.2.3.4\"\n", NULL, NULL, 0, "5.6.7.8");
    assert_int_equal(o.result, SPF_RES_NEUTRAL);
    assert_string_equal(o.mech, "");            /* no term matched */
    o = eval("@ TXT \"not spf\"\n", NULL, NULL, 0, "5.6.7.8");
    assert_int_equal(o.result, SPF_RES_NONE);
}

static void
check_host__record_selection(void **state)
{
    struct outcome o;

    (void)state;
    o = eval("@ TXT \"v=spf1 -all\"\n@ TXT \"V=SPF1 +all\"\n", NULL, NULL, 0,
             "5.6.7.8");
    assert_int_equal(o.result, SPF_RES_PERMERROR);
    assert_true(strstr(o.why, "more than one SPF record") != NULL);
    /* strings are joined without a separator */
    o = eval("@ TXT \"v=spf1 ip4:\" \"5.6.7.8 -all\"\n@ TXT \"hello\"\n",
             NULL, NULL, 0, "5.6.7.8");
    assert_int_equal(o.result, SPF_RES_PASS);
    o = eval("@ TXT \"v=spf1\" \"-all\"\n", NULL, NULL, 0, "5.6.7.8");
    assert_int_equal(o.result, SPF_RES_NONE);
    /* a syntax error anywhere is permerror, even after a match */
    o = eval("@ TXT \"v=spf1 ip4:5.6.7.8 -all moo\"\n", NULL, NULL, 0,
             "5.6.7.8");
    assert_int_equal(o.result, SPF_RES_PERMERROR);
    assert_string_equal(o.mech, "moo");
    assert_true(strstr(o.why, "|moo|25|t.test") != NULL);
}

static void
check_host__malformed_domain_is_none_without_query(void **state)
{
    static const struct force f[] = {
        { "t.test", DNS_T_TXT, DNS_TIMEOUT },
    };
    struct dns *d = fake_dns("", NULL, f, 1);
    struct outcome o;

    (void)state;
    eval_in(d, "1.2.3.4", "x@a123456789012345678901234567890123456789012345"
            "678901234567890123.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_NONE);
    eval_in(d, "1.2.3.4", "", "[1.2.3.4]", NULL, &o);
    assert_int_equal(o.result, SPF_RES_NONE);
    eval_in(d, "1.2.3.4", "", "singlelabel", NULL, &o);
    assert_int_equal(o.result, SPF_RES_NONE);
    eval_in(d, "1.2.3.4", "x@t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_TEMPERROR);
    dns_free(d);
}

static void
check_host__lookup_limit_counts_left_to_right(void **state)
{
    static const char z[] =
        "@ TXT \"v=spf1 a include:inc.t.test ip4:1.2.3.4 mx -all\"\n"
        "@ A 9.9.9.9\n"
        "inc TXT \"v=spf1 a a a a a a a a\"\n"
        "inc A 9.9.9.8\n"
        "over TXT \"v=spf1 a include:inc.t.test a ip4:1.2.3.4 -all\"\n"
        "over A 9.9.9.9\n"
        "r TXT \"v=spf1 ip4:1.1.1.1 redirect=r.t.test\"\n"
        "u TXT \"v=spf1 -all redirect=nothere.t.test\"\n";
    struct dns *d = fake_dns(z, NULL, NULL, 0);
    struct outcome o;

    (void)state;
    /* 10 lookups, then ip4 matches: mx is never counted */
    eval_in(d, "1.2.3.4", "x@t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PASS);
    assert_int_equal(o.lookups, 10);
    /* the 11th is the a after the include */
    eval_in(d, "1.2.3.4", "x@over.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PERMERROR);
    assert_string_equal(o.mech, "a");
    assert_int_equal(o.lookups, 11);
    /* a redirect loop stops at the limit */
    eval_in(d, "1.2.3.4", "x@r.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PERMERROR);
    assert_string_equal(o.mech, "redirect=r.t.test");
    /* an unused redirect costs nothing */
    eval_in(d, "1.2.3.4", "x@u.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_FAIL);
    assert_int_equal(o.lookups, 0);
    dns_free(d);
}

static void
check_host__void_lookups(void **state)
{
    static const char z[] =
        "two TXT \"v=spf1 a:e1.t.test mx:e2.t.test ?all\"\n"
        "three TXT \"v=spf1 a:e1.t.test mx:e2.t.test exists:e3.t.test "
        "?all\"\n"
        "e2 A 1.1.1.1\n"
        /* MX hosts without addresses: not void lookups (our choice) */
        "mxs TXT \"v=spf1 mx a:e1.t.test mx:e2.t.test ?all\"\n"
        "mxs MX 10 h1.t.test.\nmxs MX 20 h2.t.test.\nmxs MX 30 h3.t.test.\n"
        "h1 TXT \"no address\"\n"
        /* an exp= that does not exist is not counted either */
        "x TXT \"v=spf1 a:e1.t.test a:e4.t.test exp=e5.t.test -all\"\n";
    struct dns *d = fake_dns(z, NULL, NULL, 0);
    struct outcome o;

    (void)state;
    eval_in(d, "1.2.3.4", "x@two.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_NEUTRAL);
    assert_int_equal(o.voids, 2);
    eval_in(d, "1.2.3.4", "x@three.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PERMERROR);
    assert_string_equal(o.mech, "exists:e3.t.test");
    assert_int_equal(o.voids, 3);
    eval_in(d, "1.2.3.4", "x@mxs.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_NEUTRAL);
    assert_int_equal(o.voids, 2);
    assert_int_equal(o.lookups, 3);
    eval_in(d, "1.2.3.4", "x@x.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_FAIL);
    assert_int_equal(o.voids, 2);
    assert_string_equal(o.exp, "");
    /* the A query of "a" for an IPv6 client is AAAA: e2 has none */
    eval_in(d, "2a01:4f8::1", "x@two.t.test", "h", NULL, &o);
    assert_int_equal(o.voids, 2);
    dns_free(d);
}

static void
check_host__mx_and_ptr_name_limits(void **state)
{
    struct strbuf z = STRBUF_INIT;
    struct dns *d;
    struct outcome o;

    (void)state;
    strbuf_adds(&z, "m11 TXT \"v=spf1 mx\"\nm10 TXT \"v=spf1 mx\"\n"
                    "p TXT \"v=spf1 ptr\"\npt TXT \"v=spf1 ptr:t.test\"\n"
                    "h A 1.2.3.5\n");
    for (int i = 0; i < 10; i++)
        strbuf_addf(&z, "m11 MX %d x%d.t.test.\nm10 MX %d x%d.t.test.\n", i,
                    i, i, i);
    strbuf_adds(&z, "m11 MX 10 h.t.test.\n");
    d = fake_dns(strbuf_str(&z), NULL, NULL, 0);
    add_zone(d, "5.3.2.1.in-addr.arpa",
             "@ PTR n0.t.test.\n@ PTR n1.t.test.\n@ PTR n2.t.test.\n"
             "@ PTR n3.t.test.\n@ PTR n4.t.test.\n@ PTR n5.t.test.\n"
             "@ PTR n6.t.test.\n@ PTR n7.t.test.\n@ PTR n8.t.test.\n"
             "@ PTR n9.t.test.\n@ PTR h.t.test.\n");
    strbuf_fini(&z);
    /* more than 10 MX records: permerror even though the 11th matches */
    eval_in(d, "1.2.3.5", "x@m11.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PERMERROR);
    assert_string_equal(o.mech, "mx");
    eval_in(d, "1.2.3.5", "x@m10.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_NEUTRAL);
    assert_int_equal(o.voids, 0);
    /* ptr uses the first 10 names: h.t.test is the 11th */
    eval_in(d, "1.2.3.5", "x@pt.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_NEUTRAL);
    dns_free(d);
}

/* The PTR zone lives under in-addr.arpa: o.test is not used here. */
static void
check_host__ptr_and_p_macro(void **state)
{
    static const char z[] =
        "@ TXT \"v=spf1 ptr -all exp=why.t.test\"\n"
        "why TXT \"%{c} is %{p}; %{i} via %{v} for %{d} at %{t}\"\n"
        "mx A 45.67.89.10\n"
        "other A 45.67.89.99\n"
        "e TXT \"v=spf1 exists:%{p}.ok.t.test -all\"\n"
        "mx.t.test.ok A 127.0.0.2\n";
    struct dns *d = fake_dns(z, NULL, NULL, 0);
    struct outcome o;

    (void)state;
    add_zone(d, "89.67.45.in-addr.arpa",
             "10 PTR mx.t.test.\n10 PTR other.t.test.\n"
             "11 PTR mx.t.test.\n");
    eval_in(d, "45.67.89.10", "x@t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PASS);
    assert_string_equal(o.mech, "ptr");
    eval_in(d, "45.67.89.11", "x@t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_FAIL);
    assert_string_equal(o.exp, "45.67.89.11 is unknown; 45.67.89.11 via "
                               "in-addr for t.test at 1700000000");
    eval_in(d, "45.67.89.10", "x@e.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PASS);
    assert_int_equal(o.lookups, 1);
    dns_free(d);
}

static void
check_host__include_redirect_exp_semantics(void **state)
{
    static const char z[] =
        "@ TXT \"v=spf1 include:o.test include:i2.o.test "
        "include:i3.o.test -all exp=why.t.test\"\n"
        "why TXT \"Not %{l} from %{i}.\"\n"
        "n TXT \"v=spf1 include:none.o.test -all\"\n"
        "rn TXT \"v=spf1 redirect=none.o.test\"\n"
        "r TXT \"v=spf1 exp=why.t.test redirect=o.test\"\n"
        "r2 TXT \"v=spf1 exp=why.t.test redirect=r3.t.test\"\n"
        "r3 TXT \"v=spf1 -all exp=why3.t.test\"\n"
        "why3 TXT \"three %{d}\"\n";
    static const char zo[] =
        "@ TXT \"v=spf1 ip4:7.7.7.7 -all exp=owhy.o.test\"\n"
        "owhy TXT \"from o\"\n"
        "i2 TXT \"v=spf1 ~ip4:8.8.8.8 ?all\"\n"
        "i3 TXT \"v=spf1 ip4:9.9.9.9\"\n";
    struct dns *d = fake_dns(z, zo, NULL, 0);
    struct outcome o;

    (void)state;
    eval_in(d, "7.7.7.7", "joe@t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PASS);
    assert_string_equal(o.mech, "include:o.test");
    /* fail, softfail and neutral of an include do not match */
    eval_in(d, "8.8.8.8", "joe@t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_FAIL);
    assert_int_equal(o.lookups, 3);
    assert_string_equal(o.exp, "Not joe from 8.8.8.8.");
    eval_in(d, "9.9.9.9", "joe@t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PASS);
    assert_string_equal(o.mech, "include:i3.o.test");
    /* include of a domain without SPF: permerror */
    eval_in(d, "9.9.9.9", "joe@n.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PERMERROR);
    assert_string_equal(o.mech, "include:none.o.test");
    eval_in(d, "9.9.9.9", "joe@rn.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_PERMERROR);
    /* redirect: the target's exp, not the redirecting record's */
    eval_in(d, "1.1.1.1", "joe@r.t.test", "h", NULL, &o);
    assert_int_equal(o.result, SPF_RES_FAIL);
    assert_string_equal(o.exp, "from o");
    assert_string_equal(o.mech, "-all");
    eval_in(d, "1.1.1.1", "joe@r2.t.test", "h", NULL, &o);
    assert_string_equal(o.exp, "three r3.t.test");
    dns_free(d);
}

/* DNS errors, including answers no server could make: forced. */
static void
check_host__dns_errors_where_the_rfc_puts_them(void **state)
{
    static const char z[] =
        "@ TXT \"v=spf1 include:inc.o.test -all\"\n"
        "a TXT \"v=spf1 a:h.o.test -all\"\n"
        "p TXT \"v=spf1 ptr ip4:1.2.3.4 -all\"\n"
        "m TXT \"v=spf1 mx:o.test -all\"\n"
        "x TXT \"v=spf1 -all exp=why.o.test\"\n"
        "e TXT \"v=spf1 exists:h.o.test -all\"\n";
    static const char zo[] =
        "inc TXT \"v=spf1 +all\"\n"
        "@ MX 10 m1.o.test.\n@ MX 20 m2.o.test.\n"
        "m1 A 1.2.3.4\nm2 A 4.3.2.1\n"
        "why TXT \"never\"\n";
    struct outcome o;

    (void)state;
    {
        const struct force f[] = {
            { "inc.o.test", DNS_T_TXT, DNS_SERVFAIL } };
        o = eval(z, zo, f, 1, "1.2.3.4");
        assert_int_equal(o.result, SPF_RES_TEMPERROR);
        assert_true(strstr(o.why, "inc.o.test") != NULL);
    }
    {
        const struct force f[] = {
            { "t.test", DNS_T_TXT, DNS_MALFORMED } };
        o = eval(z, zo, f, 1, "1.2.3.4");
        assert_int_equal(o.result, SPF_RES_TEMPERROR);
        assert_true(strstr(o.why, "MALFORMED") != NULL);
    }
    {
        const struct force f[] = { { "h.o.test", DNS_T_A, DNS_TIMEOUT } };
        struct dns *d = fake_dns(z, zo, f, 1);

        eval_in(d, "1.2.3.4", "x@a.t.test", "h", NULL, &o);
        assert_int_equal(o.result, SPF_RES_TEMPERROR);
        assert_string_equal(o.mech, "a:h.o.test");
        eval_in(d, "1.2.3.4", "x@e.t.test", "h", NULL, &o);
        assert_int_equal(o.result, SPF_RES_TEMPERROR);
        dns_free(d);
    }
    {
        /* a PTR error is no match (§5.5): ip4 decides */
        const struct force f[] = {
            { "4.3.2.1.in-addr.arpa", DNS_T_PTR, DNS_MALFORMED } };
        struct dns *d = fake_dns(z, zo, f, 1);

        eval_in(d, "1.2.3.4", "x@p.t.test", "h", NULL, &o);
        assert_int_equal(o.result, SPF_RES_PASS);
        assert_string_equal(o.mech, "ip4:1.2.3.4");
        dns_free(d);
    }
    {
        /* an address error of an MX host before the match: temperror */
        const struct force f[] = { { "m1.o.test", DNS_T_A, DNS_REFUSED } };
        struct dns *d = fake_dns(z, zo, f, 1);

        eval_in(d, "4.3.2.1", "x@m.t.test", "h", NULL, &o);
        assert_int_equal(o.result, SPF_RES_TEMPERROR);
        dns_free(d);
    }
    {
        /* exp= that cannot be read: fail without explanation */
        const struct force f[] = {
            { "why.o.test", DNS_T_TXT, DNS_SERVFAIL } };
        struct dns *d = fake_dns(z, zo, f, 1);

        eval_in(d, "4.3.2.1", "x@x.t.test", "h", NULL, &o);
        assert_int_equal(o.result, SPF_RES_FAIL);
        assert_string_equal(o.exp, "");
        dns_free(d);
    }
}

/* Freed while queries are in flight: their answers are dropped. */
static void
check_host__free_with_queries_in_flight(void **state)
{
    struct dns *d = fake_dns("@ TXT \"v=spf1 include:o.test -all\"\n",
                             "@ TXT \"v=spf1 a -all\"\n@ A 1.1.1.1\n",
                             NULL, 0);
    struct spf_request req;
    struct spf_eval *ev;

    (void)state;
    memset(&req, 0, sizeof(req));
    assert_true(net_parse("1.1.1.1", &req.ip));
    req.sender = "x@t.test";
    ev = spf_eval_start(d, &req);
    assert_false(spf_eval_done(ev));
    assert_int_equal(spf_eval_verdict(ev)->result, SPF_RES_TEMPERROR);
    spf_eval_free(ev);
    dns_run(d);
    dns_free(d);
}

/* ---- the spf step ---- */

static char ids[1024];

static json_t *
run_step(const char *body_t, const char *body_o, const char *server_ip)
{
    struct dns *d = fake_dns(body_t, body_o, NULL, 0);
    struct check_opts co;
    struct check_ctx ctx;
    const char *ips[1] = { server_ip };
    struct check_result *res;
    json_t *rec;

    memset(&co, 0, sizeof(co));
    co.domain = "t.test";
    co.server_ips = ips;
    co.n_server_ips = server_ip != NULL ? 1 : 0;
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, 1u << STEP_SPF);
    res = check_result_of(&ctx, STEP_SPF);
    ids[0] = '\0';
    for (size_t i = 0; i < res->findings.n; i++) {
        if (ids[0] != '\0')
            strncat(ids, " ", sizeof(ids) - strlen(ids) - 1);
        strncat(ids, res->findings.v[i].id, sizeof(ids) - strlen(ids) - 1);
    }
    rec = json_incref(json_array_get(res->records, 0));
    check_ctx_fini(&ctx);
    dns_free(d);
    return rec;
}

static void
step__clean_record_has_no_findings(void **state)
{
    json_t *r;

    (void)state;
    r = run_step("@ TXT \"v=spf1 mx include:o.test -all\"\n"
                 "@ MX 10 mail.t.test.\nmail A 45.67.89.10\n",
                 "@ TXT \"v=spf1 ip4:45.67.90.0/24 ~all\"\n", "45.67.89.10");
    assert_string_equal(ids, "");
    assert_int_equal(json_integer_value(json_object_get(r, "subtotal")), 2);
    assert_int_equal(json_integer_value(json_object_get(r, "lookups")), 2);
    assert_int_equal(json_array_size(json_object_get(r, "children")), 1);
    assert_string_equal(json_string_value(json_object_get(
        json_array_get(json_object_get(r, "children"), 0), "via")),
        "include:o.test");
    json_decref(r);
}

static void
step__include_tree_whole_past_the_limit(void **state)
{
    struct strbuf z = STRBUF_INIT;
    json_t *r, *kids;

    (void)state;
    strbuf_adds(&z, "@ TXT \"v=spf1");
    for (int i = 0; i < 6; i++)
        strbuf_addf(&z, " include:i%d.o.test", i);
    strbuf_adds(&z, " -all\"\n");
    r = run_step(strbuf_str(&z),
                 "i0 TXT \"v=spf1 a:x.o.test a:y.o.test ~all\"\n"
                 "x A 1.1.1.1\ny A 1.1.1.2\n"
                 "i1 TXT \"v=spf1 ip4:1.1.1.3 -all\"\n"
                 "i2 TXT \"v=spf1 include:i1.o.test -all\"\n"
                 "i3 TXT \"v=spf1 ip4:1.1.1.4 -all\"\n"
                 "i4 TXT \"v=spf1 include:i0.o.test -all\"\n"
                 "i5 TXT \"v=spf1 ip4:1.1.1.5 -all\"\n", NULL);
    strbuf_fini(&z);
    assert_string_equal(ids, "SPF_TOO_MANY_LOOKUPS");
    assert_int_equal(json_integer_value(json_object_get(r, "subtotal")), 12);
    kids = json_object_get(r, "children");
    assert_int_equal(json_array_size(kids), 6);
    /* i4 -> i0: the tree goes on past the 10th lookup */
    {
        json_t *i4 = json_array_get(kids, 4);
        json_t *i0 = json_array_get(json_object_get(i4, "children"), 0);

        assert_int_equal(json_integer_value(json_object_get(i4,
                                                            "subtotal")), 3);
        assert_int_equal(json_integer_value(json_object_get(i0,
                                                            "lookup_number")),
                         9);
        assert_true(json_is_true(json_object_get(json_array_get(kids, 5),
                                                 "over_limit")));
        assert_int_equal(json_integer_value(json_object_get(
            json_array_get(kids, 5), "lookup_number")), 12);
    }
    json_decref(r);
}

static void
step__each_lint_finding(void **state)
{
    json_t *r;

    (void)state;
    json_decref(run_step("@ TXT \"hello\"\n", NULL, NULL));
    assert_string_equal(ids, "SPF_MISSING");
    json_decref(run_step("@ TXT \"v=spf1 -all\"\n@ TXT \"v=spf1 mx -all\"\n",
                         NULL, NULL));
    assert_string_equal(ids, "SPF_MULTIPLE");
    json_decref(run_step("@ TXT \"v=spf1 ip4:1.2.3 -all\"\n", NULL, NULL));
    assert_string_equal(ids, "SPF_SYNTAX");
    json_decref(run_step("@ TXT \"v=spf1 include:o.test -all\"\n",
                         "@ TXT \"v=spf1 include:t.test -all\"\n", NULL));
    assert_string_equal(ids, "SPF_INCLUDE_LOOP");
    json_decref(run_step("@ TXT \"v=spf1 include:no.o.test -all\"\n", "",
                         NULL));
    assert_string_equal(ids, "SPF_INCLUDE_MISSING");
    json_decref(run_step("@ TXT \"v=spf1 mx all\"\n", NULL, NULL));
    assert_string_equal(ids, "SPF_PLUS_ALL");
    json_decref(run_step("@ TXT \"v=spf1 include:o.test -all\"\n",
                         "@ TXT \"v=spf1 +all\"\n", NULL));
    assert_string_equal(ids, "SPF_PLUS_ALL");
    json_decref(run_step("@ TXT \"v=spf1 ~include:o.test mx -all\"\n",
                         "@ TXT \"v=spf1 +all\"\n", NULL));
    assert_string_equal(ids, "");       /* its pass means softfail here */
    json_decref(run_step("@ TXT \"v=spf1 ?all\"\n", NULL, NULL));
    assert_string_equal(ids, "SPF_NEUTRAL_ALL");
    json_decref(run_step("@ TXT \"v=spf1 ip4:1.2.3.4\"\n", NULL, NULL));
    assert_string_equal(ids, "SPF_NO_ALL");
    json_decref(run_step("@ TXT \"v=spf1 ptr -all\"\n", NULL, NULL));
    assert_string_equal(ids, "SPF_PTR_MECHANISM");
    json_decref(run_step("@ TXT \"v=spf1 a:n1.o.test a:n2.o.test "
                         "exists:n3.o.test -all\"\n", "", NULL));
    assert_string_equal(ids, "SPF_TOO_MANY_VOID_LOOKUPS");
    json_decref(run_step("@ TXT \"v=spf1 ip4:1.2.3.4 -all\"\n", NULL,
                         "5.6.7.8"));
    assert_string_equal(ids, "SPF_SERVER_NOT_AUTHORIZED");
    /* redirect: the target's all decides */
    r = run_step("@ TXT \"v=spf1 redirect=o.test\"\n",
                 "@ TXT \"v=spf1 ?all\"\n", NULL);
    assert_string_equal(ids, "SPF_NEUTRAL_ALL");
    json_decref(r);
}

/* RFC 7208 §5.6: a pass-qualified range that covers a large part of the
 * Internet is reported like +all: IPv4 shorter than /8, IPv6 shorter than
 * /16; at the top, under an include that passes, not under ~include,
 * not with a - qualifier, not after "all". */
static void
step__wide_range_like_plus_all(void **state)
{
    static const struct {
        const char *rec;
        const char *ids;
    } top[] = {
        { "v=spf1 ip4:0.0.0.0/0 -all", "SPF_RANGE_ALL" },
        { "v=spf1 ip4:0.0.0.0/1 -all", "SPF_RANGE_ALL" },
        { "v=spf1 +ip4:128.0.0.0/1 -all", "SPF_RANGE_ALL" },
        { "v=spf1 ip4:10.0.0.0/7 -all", "SPF_RANGE_ALL" },
        { "v=spf1 ip4:10.0.0.0/8 -all", "" },
        { "v=spf1 ip4:10.0.0.0/9 -all", "" },
        { "v=spf1 ip4:1.2.3.4 -all", "" },
        { "v=spf1 ip6:::/0 -all", "SPF_RANGE_ALL" },
        { "v=spf1 ip6:2000::/3 -all", "SPF_RANGE_ALL" },
        { "v=spf1 ip6:2a00::/15 -all", "SPF_RANGE_ALL" },
        { "v=spf1 ip6:2a01::/16 -all", "" },
        { "v=spf1 ip6:2a01::/17 -all", "" },
        { "v=spf1 -ip4:0.0.0.0/0 -all", "" },
        { "v=spf1 ~ip4:0.0.0.0/0 -all", "" },
        { "v=spf1 ?ip4:0.0.0.0/1 -all", "" },
        { "v=spf1 -all ip4:0.0.0.0/0", "" },
    };
    static const struct {
        const char *rec_t, *rec_o;
        const char *ids;
    } inc[] = {
        { "v=spf1 include:o.test -all", "v=spf1 ip4:0.0.0.0/0 -all",
          "SPF_RANGE_ALL" },
        { "v=spf1 include:o.test -all", "v=spf1 ip4:0.0.0.0/1 ~all",
          "SPF_RANGE_ALL" },
        { "v=spf1 include:o.test -all", "v=spf1 ip4:10.0.0.0/8 -all", "" },
        { "v=spf1 include:o.test -all", "v=spf1 ip4:10.0.0.0/9 -all", "" },
        { "v=spf1 include:o.test -all", "v=spf1 ip6:::/0 -all",
          "SPF_RANGE_ALL" },
        { "v=spf1 ~include:o.test -all", "v=spf1 ip4:0.0.0.0/0 -all", "" },
        { "v=spf1 -include:o.test -all", "v=spf1 ip4:0.0.0.0/0 -all", "" },
        { "v=spf1 redirect=o.test", "v=spf1 ip4:0.0.0.0/0 -all",
          "SPF_RANGE_ALL" },
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(top); i++) {
        char *z = xasprintf("@ TXT \"%s\"\n", top[i].rec);

        json_decref(run_step(z, NULL, NULL));
        if (strcmp(ids, top[i].ids) != 0)
            fail_msg("%s: \"%s\", want \"%s\"", top[i].rec, ids,
                     top[i].ids);
        free(z);
    }
    for (size_t i = 0; i < ARRAY_LEN(inc); i++) {
        char *zt = xasprintf("@ TXT \"%s\"\n", inc[i].rec_t);
        char *zo = xasprintf("@ TXT \"%s\"\n", inc[i].rec_o);

        json_decref(run_step(zt, zo, NULL));
        if (strcmp(ids, inc[i].ids) != 0)
            fail_msg("%s -> %s: \"%s\", want \"%s\"", inc[i].rec_t,
                     inc[i].rec_o, ids, inc[i].ids);
        free(zt);
        free(zo);
    }
}

/* MX records 0..n-1 for name in zone text z. */
static void
add_mx(struct strbuf *z, const char *name, int n)
{
    for (int i = 0; i < n; i++)
        strbuf_addf(z, "%s MX %d x%d.o.test.\n", name, i, i);
}

/* RFC 7208 §4.6.4: mx with more than 10 MX hosts gives permerror for
 * every sender; the lint sees it without --server-ip, at the top, under
 * an include and under a redirect, and agrees with the evaluator. */
static void
step__mx_more_than_10_hosts(void **state)
{
    static const struct {
        const char *rec_t, *rec_o;
        int mx_t, mx_o;
        const char *ids;
    } cases[] = {
        { "v=spf1 mx -all", NULL, 10, 0, "" },
        { "v=spf1 mx -all", NULL, 11, 0, "SPF_MX_TOO_MANY_HOSTS" },
        { "v=spf1 mx:o.test -all", "v=spf1 -all", 0, 11,
          "SPF_MX_TOO_MANY_HOSTS" },
        { "v=spf1 include:o.test -all", "v=spf1 mx -all", 0, 10, "" },
        { "v=spf1 include:o.test -all", "v=spf1 mx -all", 0, 11,
          "SPF_MX_TOO_MANY_HOSTS" },
        { "v=spf1 -include:o.test -all", "v=spf1 mx -all", 0, 11,
          "SPF_MX_TOO_MANY_HOSTS" },
        { "v=spf1 redirect=o.test", "v=spf1 mx -all", 0, 11,
          "SPF_MX_TOO_MANY_HOSTS" },
        { "v=spf1 -all mx", NULL, 11, 0, "" },
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct strbuf zt = STRBUF_INIT, zo = STRBUF_INIT;
        struct outcome o;
        struct dns *d;

        strbuf_addf(&zt, "@ TXT \"%s\"\n", cases[i].rec_t);
        add_mx(&zt, "@", cases[i].mx_t);
        if (cases[i].rec_o != NULL)
            strbuf_addf(&zo, "@ TXT \"%s\"\n", cases[i].rec_o);
        add_mx(&zo, "@", cases[i].mx_o);
        for (int k = 0; k < 11; k++)
            strbuf_addf(&zo, "x%d A 45.67.90.%d\n", k, k + 1);
        json_decref(run_step(strbuf_str(&zt), strbuf_str(&zo), NULL));
        if (strcmp(ids, cases[i].ids) != 0)
            fail_msg("%s: \"%s\", want \"%s\"", cases[i].rec_t, ids,
                     cases[i].ids);
        /* the evaluator, for a sender the mx would match */
        d = fake_dns(strbuf_str(&zt), strbuf_str(&zo), NULL, 0);
        eval_in(d, "45.67.90.1", "x@t.test", "t.test", NULL, &o);
        if (cases[i].ids[0] != '\0')
            assert_int_equal(o.result, SPF_RES_PERMERROR);
        else
            assert_int_not_equal(o.result, SPF_RES_PERMERROR);
        dns_free(d);
        strbuf_fini(&zt);
        strbuf_fini(&zo);
    }
}

/* A re-check (or the end) while the step's queries are in flight. */
static void
step__freed_with_queries_in_flight(void **state)
{
    struct dns *d = fake_dns("@ TXT \"v=spf1 a include:o.test -all\"\n",
                             "@ TXT \"v=spf1 mx -all\"\n", NULL, 0);
    struct check_opts co;
    struct check_ctx ctx;
    const char *ips[1] = { "1.2.3.4" };

    (void)state;
    memset(&co, 0, sizeof(co));
    co.domain = "t.test";
    co.server_ips = ips;
    co.n_server_ips = 1;
    check_ctx_init(&ctx, d, &co);
    check_run_start(&ctx, 1u << STEP_SPF);
    check_run_start(&ctx, 1u << STEP_SPF);     /* again, at once */
    check_ctx_fini(&ctx);
    dns_run(d);
    dns_free(d);
}

static void
step__record_too_long(void **state)
{
    struct strbuf z = STRBUF_INIT;

    (void)state;
    strbuf_adds(&z, "@ TXT \"v=spf1 ip4:1.2.3.4 -all\"\n");
    for (int i = 0; i < 4; i++) {
        strbuf_adds(&z, "@ TXT \"verification-token=");
        for (int k = 0; k < 100; k++)
            strbuf_addc(&z, (char)('a' + (i + k) % 26));
        strbuf_adds(&z, "\"\n");
    }
    json_decref(run_step(strbuf_str(&z), NULL, NULL));
    strbuf_fini(&z);
    assert_string_equal(ids, "SPF_RECORD_TOO_LONG");
}

static size_t
count_nodes(const json_t *n)
{
    const json_t *kids = json_object_get(n, "children");
    size_t c = 1;

    for (size_t i = 0; i < json_array_size(kids); i++)
        c += count_nodes(json_array_get(kids, i));
    return c;
}

/* One include holding 30 includes of 30 includes each (issue 19: 199 of
 * 200 made 40,000 nodes and a 15 MB report): the tree stops at
 * CHECK_SPF_TREE_MAX_NODES nodes and says where it was cut. */
static void
step__include_fan_out__tree_cut_at_max_nodes(void **state)
{
    struct strbuf z = STRBUF_INIT;
    json_t *r;
    char *dump;

    (void)state;
    for (int f = 0; f < 30; f++) {
        strbuf_addf(&z, "f%d TXT \"v=spf1\"", f);      /* a string each */
        for (int g = 0; g < 30; g++)
            strbuf_addf(&z, " \" include:g%d.o.test\"", g);
        strbuf_adds(&z, " \" -all\"\n");
    }
    for (int g = 0; g < 30; g++)
        strbuf_addf(&z, "g%d TXT \"v=spf1 ip4:10.0.0.%d -all\"\n", g, g);
    strbuf_adds(&z, "fan TXT \"v=spf1\"");
    for (int f = 0; f < 30; f++)
        strbuf_addf(&z, " \" include:f%d.o.test\"", f);
    strbuf_adds(&z, " \" -all\"\n");
    r = run_step("@ TXT \"v=spf1 include:fan.o.test -all\"\n",
                 strbuf_str(&z), NULL);
    strbuf_fini(&z);
    assert_string_equal(ids, "SPF_TOO_MANY_LOOKUPS");
    assert_int_equal(count_nodes(r), CHECK_SPF_TREE_MAX_NODES);
    assert_int_equal(json_integer_value(json_object_get(r, "cut_at")),
                     CHECK_SPF_TREE_MAX_NODES);
    /* the nodes kept are counted: 1 + 1 + 30 + 30 * 30 would be 932 */
    assert_true(json_integer_value(json_object_get(r, "total_lookups")) >=
                CHECK_SPF_TREE_MAX_NODES - 1);
    dump = json_dumps(r, JSON_COMPACT);
    assert_true(strlen(dump) < 64 * 1024);
    free(dump);
    json_decref(r);
}

/* A chain of 25 includes: the 21st level is a node not followed. */
static void
step__include_chain__cut_at_max_depth(void **state)
{
    struct strbuf z = STRBUF_INIT;
    json_t *r, *n;
    int depth = 0;

    (void)state;
    for (int i = 0; i < 25; i++)
        strbuf_addf(&z, "d%d TXT \"v=spf1 include:d%d.o.test -all\"\n",
                    i, i + 1);
    strbuf_adds(&z, "d25 TXT \"v=spf1 -all\"\n");
    r = run_step("@ TXT \"v=spf1 include:d0.o.test -all\"\n",
                 strbuf_str(&z), NULL);
    strbuf_fini(&z);
    for (n = r; json_array_size(json_object_get(n, "children")) > 0;
         n = json_array_get(json_object_get(n, "children"), 0))
        depth++;
    assert_int_equal(depth, CHECK_SPF_TREE_MAX_DEPTH + 1);
    assert_string_equal(json_string_value(json_object_get(n, "status")),
                        "not_followed");
    assert_int_equal(json_integer_value(json_object_get(r, "cut_at")),
                     CHECK_SPF_TREE_MAX_DEPTH + 2);
    json_decref(r);
}

/* Ten includes of 4,000 bytes each: the records past 32 KiB of text are
 * neither kept nor followed. */
static void
step__big_records__cut_at_max_text(void **state)
{
    struct strbuf z = STRBUF_INIT;
    json_t *r, *kids;
    size_t kept = 0, cut = 0;

    (void)state;
    for (int i = 0; i < 10; i++) {
        strbuf_addf(&z, "b%d TXT ( \"v=spf1", i);
        for (int k = 0; k < 200; k++)
            strbuf_addf(&z, " ip4:10.%d.%d.0/24%s", i, k,
                        k % 10 == 9 ? "\"\n \"" : "");
        strbuf_adds(&z, " -all\" )\n");
    }
    r = run_step("@ TXT ( \"v=spf1 include:b0.o.test include:b1.o.test "
                 "include:b2.o.test include:b3.o.test include:b4.o.test\" "
                 "\" include:b5.o.test include:b6.o.test include:b7.o.test "
                 "include:b8.o.test include:b9.o.test -all\" )\n",
                 strbuf_str(&z), NULL);
    strbuf_fini(&z);
    kids = json_object_get(r, "children");
    assert_int_equal(json_array_size(kids), 10);
    for (size_t i = 0; i < 10; i++) {
        json_t *k = json_array_get(kids, i);
        const char *st = json_string_value(json_object_get(k, "status"));

        if (strcmp(st, "ok") == 0) {
            assert_true(strlen(json_string_value(json_object_get(
                k, "record"))) > 3000);
            kept++;
        } else {
            assert_string_equal(st, "not_followed");
            assert_null(json_object_get(k, "record"));
            cut++;
        }
    }
    assert_true(kept >= 7 && kept <= 9);
    assert_int_equal(kept + cut, 10);
    assert_int_equal(json_integer_value(json_object_get(r, "cut_at")), 11);
    json_decref(r);
}

/* A tree within the bounds has no "cut_at". */
static void
step__small_tree__not_cut(void **state)
{
    json_t *r;

    (void)state;
    r = run_step("@ TXT \"v=spf1 include:o.test -all\"\n",
                 "@ TXT \"v=spf1 ip4:10.0.0.1 -all\"\n", NULL);
    assert_null(json_object_get(r, "cut_at"));
    json_decref(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_host__results_and_deciding_term),
        cmocka_unit_test(check_host__record_selection),
        cmocka_unit_test(check_host__malformed_domain_is_none_without_query),
        cmocka_unit_test(check_host__lookup_limit_counts_left_to_right),
        cmocka_unit_test(check_host__void_lookups),
        cmocka_unit_test(check_host__mx_and_ptr_name_limits),
        cmocka_unit_test(check_host__ptr_and_p_macro),
        cmocka_unit_test(check_host__include_redirect_exp_semantics),
        cmocka_unit_test(check_host__dns_errors_where_the_rfc_puts_them),
        cmocka_unit_test(check_host__free_with_queries_in_flight),
        cmocka_unit_test(step__clean_record_has_no_findings),
        cmocka_unit_test(step__include_tree_whole_past_the_limit),
        cmocka_unit_test(step__each_lint_finding),
        cmocka_unit_test(step__wide_range_like_plus_all),
        cmocka_unit_test(step__mx_more_than_10_hosts),
        cmocka_unit_test(step__record_too_long),
        cmocka_unit_test(step__include_fan_out__tree_cut_at_max_nodes),
        cmocka_unit_test(step__include_chain__cut_at_max_depth),
        cmocka_unit_test(step__big_records__cut_at_max_text),
        cmocka_unit_test(step__small_tree__not_cut),
        cmocka_unit_test(step__freed_with_queries_in_flight),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
