/* test_check_auth.c - the comparison of the authoritative view: servers
 * with each other (answers, SOA serials), the resolver with them, and how
 * long a cache may keep the old answer (RFC 2308 negative TTL). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/check_auth.h"
#include "mailready/dns_parse.h"
#include "mailready/util.h"

#define NAME "_dmarc.a.test"

/* An answer for NAME TXT: rcode, AA, one TXT record of text (NULL:
 * none) with ttl; a SOA in the authority when soa_ttl is not 0. */
static struct dns_answer *
ans(unsigned rcode, bool aa, const char *text, uint32_t ttl,
    uint32_t soa_ttl, uint32_t soa_min, uint32_t serial)
{
    struct dns_answer *a = dns_answer_new(NAME, DNS_T_TXT);

    if (text != NULL) {
        struct dns_rr *rr = dns_answer_add(a);

        rr->owner = xstrdup(NAME);
        rr->type = DNS_T_TXT;
        rr->rclass = 1;
        rr->ttl = ttl;
        rr->u.txt.n = 1;
        rr->u.txt.s = xcalloc(1, sizeof(char *));
        rr->u.txt.len = xcalloc(1, sizeof(size_t));
        rr->u.txt.s[0] = xstrdup(text);
        rr->u.txt.len[0] = strlen(text);
    }
    dns_answer_finish(a, rcode);
    a->aa = aa;
    if (soa_ttl != 0) {
        a->has_soa = true;
        a->soa_ttl = soa_ttl;
        a->soa_minimum = soa_min;
        a->soa_serial = serial;
    }
    return a;
}

static struct dns_answer *
status_ans(enum dns_status st)
{
    struct dns_answer *a = dns_answer_new(NAME, DNS_T_TXT);

    a->status = st;
    return a;
}

struct fixture {
    struct auth_view v;
    struct auth_server srv[4];
    struct dns_answer *own[8];
    size_t nown;
};

static const struct dns_answer *
keep(struct fixture *f, struct dns_answer *a)
{
    f->own[f->nown++] = a;
    return a;
}

static void
setup(struct fixture *f, size_t nsrv)
{
    memset(f, 0, sizeof(*f));
    f->v.name = (char *)NAME;
    f->v.type = DNS_T_TXT;
    f->v.srv = f->srv;
    f->v.nsrv = nsrv;
    for (size_t k = 0; k < nsrv; k++) {
        f->srv[k].name = (char *)"ns.a.test";
        f->srv[k].addr = (char *)"127.0.0.2";
    }
}

static void
teardown(struct fixture *f)
{
    for (size_t i = 0; i < f->nown; i++)
        dns_answer_free(f->own[i]);
}

static void
auth__all_agree__agrees(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 2);
    f.srv[0].ans = keep(&f, ans(0, true, "v=DMARC1; p=none", 300, 0, 0, 0));
    f.srv[1].ans = keep(&f, ans(0, true, "v=DMARC1; p=none", 300, 0, 0, 0));
    f.v.res_ans = keep(&f, ans(0, false, "v=DMARC1; p=none", 77, 0, 0, 0));
    check_auth_compare(&f.v);
    assert_int_equal(f.v.resolver, AUTH_RES_AGREES);
    assert_false(f.v.disagree);
    assert_int_equal(f.srv[0].status, AUTH_SRV_SAME);
    assert_int_equal(f.srv[1].status, AUTH_SRV_SAME);
    assert_int_equal(f.v.n_published, 2);
    assert_int_equal(f.v.stale_for_max_s, 0);
    teardown(&f);
}

static void
auth__added_cached_nxdomain__negative_ttl(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 2);
    f.srv[0].ans = keep(&f, ans(0, true, "v=DMARC1; p=none", 300, 0, 0, 0));
    f.srv[1].ans = keep(&f, ans(0, true, "v=DMARC1; p=none", 300, 0, 0, 0));
    /* A cache's NXDOMAIN: SOA TTL left 250, MINIMUM 120 -> 120. */
    f.v.res_ans = keep(&f, ans(3, false, NULL, 0, 250, 120, 1));
    check_auth_compare(&f.v);
    assert_int_equal(f.v.resolver, AUTH_RES_STALE);
    assert_int_equal(f.v.stale_for_max_s, 120);
    /* SOA TTL below MINIMUM: the TTL counts (RFC 2308 5). */
    f.v.res_ans = keep(&f, ans(3, false, NULL, 0, 40, 120, 1));
    check_auth_compare(&f.v);
    assert_int_equal(f.v.stale_for_max_s, 40);
    teardown(&f);
}

static void
auth__negative_without_soa__zone_soa(void **state)
{
    struct fixture f;
    struct dns_answer *soa = dns_answer_new("a.test", DNS_T_SOA);
    struct dns_rr *rr = dns_answer_add(soa);

    (void)state;
    rr->owner = xstrdup("a.test");
    rr->type = DNS_T_SOA;
    rr->ttl = 600;
    rr->u.soa.mname = xstrdup("ns.a.test");
    rr->u.soa.rname = xstrdup("h.a.test");
    rr->u.soa.serial = 9;
    rr->u.soa.minimum = 90;
    dns_answer_finish(soa, 0);
    setup(&f, 1);
    keep(&f, soa);
    f.srv[0].ans = keep(&f, ans(0, true, "v=DMARC1; p=none", 300, 0, 0, 0));
    f.srv[0].soa = soa;
    f.v.res_ans = keep(&f, ans(0, false, NULL, 0, 0, 0, 0));   /* NODATA */
    check_auth_compare(&f.v);
    assert_int_equal(f.v.resolver, AUTH_RES_STALE);
    assert_int_equal(f.v.stale_for_max_s, 90);
    assert_true(f.srv[0].has_serial);
    assert_int_equal(f.srv[0].serial, 9);
    teardown(&f);
}

static void
auth__changed__remaining_ttl(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 2);
    f.srv[0].ans = keep(&f, ans(0, true, "v=DMARC1; p=reject", 300, 0, 0, 0));
    f.srv[1].ans = keep(&f, ans(0, true, "v=DMARC1; p=reject", 300, 0, 0, 0));
    f.v.res_ans = keep(&f, ans(0, false, "v=DMARC1; p=none", 42, 0, 0, 0));
    check_auth_compare(&f.v);
    assert_int_equal(f.v.resolver, AUTH_RES_STALE);
    assert_int_equal(f.v.stale_for_max_s, 42);
    assert_ptr_equal(f.v.ref_ans, f.srv[0].ans);
    teardown(&f);
}

static void
auth__removed__old_record_ttl(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 1);
    f.srv[0].ans = keep(&f, ans(3, true, NULL, 0, 600, 120, 5));
    f.v.res_ans = keep(&f, ans(0, false, "v=DKIM1; p=", 200, 0, 0, 0));
    check_auth_compare(&f.v);
    assert_int_equal(f.v.resolver, AUTH_RES_STALE);
    assert_int_equal(f.v.stale_for_max_s, 200);
    assert_int_equal(f.v.n_published, 0);
    assert_int_equal(f.srv[0].serial, 5);
    teardown(&f);
}

static void
auth__newest_serial_is_reference__other_missing(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 2);
    f.srv[0].ans = keep(&f, ans(3, true, NULL, 0, 600, 120, 1));
    f.srv[1].ans = keep(&f, ans(0, true, "v=DMARC1; p=none", 300, 600, 120,
                                2));
    f.v.res_ans = keep(&f, ans(3, false, NULL, 0, 100, 120, 1));
    check_auth_compare(&f.v);
    assert_true(f.v.disagree);
    assert_int_equal(f.srv[0].status, AUTH_SRV_MISSING);
    assert_int_equal(f.srv[1].status, AUTH_SRV_SAME);
    assert_int_equal(f.v.n_published, 1);
    assert_int_equal(f.v.resolver, AUTH_RES_UNKNOWN);
    teardown(&f);
}

static void
auth__serial_wraps__rfc1982(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 2);
    /* 3 is newer than 0xfffffff0 (RFC 1982 arithmetic). */
    f.srv[0].ans = keep(&f, ans(0, true, "old", 300, 600, 60, 0xfffffff0u));
    f.srv[1].ans = keep(&f, ans(0, true, "new", 300, 600, 60, 3));
    check_auth_compare(&f.v);
    assert_int_equal(f.srv[1].status, AUTH_SRV_SAME);
    assert_int_equal(f.srv[0].status, AUTH_SRV_DIFFERENT);
    teardown(&f);
}

static void
auth__same_data_other_serial__disagree(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 2);
    f.srv[0].ans = keep(&f, ans(3, true, NULL, 0, 600, 60, 4));
    f.srv[1].ans = keep(&f, ans(3, true, NULL, 0, 600, 60, 5));
    f.v.res_ans = keep(&f, ans(3, false, NULL, 0, 60, 60, 4));
    check_auth_compare(&f.v);
    assert_true(f.v.disagree);
    assert_int_equal(f.srv[0].status, AUTH_SRV_SAME);
    assert_int_equal(f.srv[1].status, AUTH_SRV_SAME);
    teardown(&f);
}

static void
auth__bad_servers__named_never_compared(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 4);
    f.srv[0].ans = keep(&f, status_ans(DNS_TIMEOUT));
    f.srv[1].ans = keep(&f, status_ans(DNS_REFUSED));
    f.srv[2].ans = keep(&f, ans(0, false, "cached", 300, 0, 0, 0));
    f.srv[3].ans = keep(&f, ans(0, true, "v=spf1 -all", 300, 0, 0, 0));
    f.v.res_ans = keep(&f, ans(0, false, "v=spf1 -all", 30, 0, 0, 0));
    check_auth_compare(&f.v);
    assert_int_equal(f.srv[0].status, AUTH_SRV_UNREACHABLE);
    assert_int_equal(f.srv[1].status, AUTH_SRV_REFUSED);
    assert_int_equal(f.srv[2].status, AUTH_SRV_LAME);
    assert_int_equal(f.srv[3].status, AUTH_SRV_SAME);
    assert_false(f.v.disagree);
    assert_int_equal(f.v.resolver, AUTH_RES_AGREES);
    teardown(&f);
}

static void
auth__no_server_answers__unknown(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 2);
    f.srv[0].ans = keep(&f, status_ans(DNS_TIMEOUT));
    f.srv[1].ans = NULL;
    f.v.res_ans = keep(&f, ans(0, false, "x", 30, 0, 0, 0));
    check_auth_compare(&f.v);
    assert_int_equal(f.v.resolver, AUTH_RES_UNKNOWN);
    assert_int_equal(f.srv[1].status, AUTH_SRV_UNREACHABLE);
    assert_null(f.v.ref_ans);
    teardown(&f);
}

static void
auth__resolver_error__unknown(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 1);
    f.srv[0].ans = keep(&f, ans(0, true, "x", 30, 0, 0, 0));
    f.v.res_ans = keep(&f, status_ans(DNS_SERVFAIL));
    check_auth_compare(&f.v);
    assert_int_equal(f.v.resolver, AUTH_RES_UNKNOWN);
    teardown(&f);
}

static void
auth__own_authority__agrees(void **state)
{
    struct fixture f;

    (void)state;
    setup(&f, 0);
    f.v.own_authority = true;
    f.v.res_ans = keep(&f, ans(0, true, "x", 30, 0, 0, 0));
    check_auth_compare(&f.v);
    assert_int_equal(f.v.resolver, AUTH_RES_AGREES);
    assert_int_equal(f.v.stale_for_max_s, 0);
    teardown(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth__all_agree__agrees),
        cmocka_unit_test(auth__added_cached_nxdomain__negative_ttl),
        cmocka_unit_test(auth__negative_without_soa__zone_soa),
        cmocka_unit_test(auth__changed__remaining_ttl),
        cmocka_unit_test(auth__removed__old_record_ttl),
        cmocka_unit_test(auth__newest_serial_is_reference__other_missing),
        cmocka_unit_test(auth__serial_wraps__rfc1982),
        cmocka_unit_test(auth__same_data_other_serial__disagree),
        cmocka_unit_test(auth__bad_servers__named_never_compared),
        cmocka_unit_test(auth__no_server_answers__unknown),
        cmocka_unit_test(auth__resolver_error__unknown),
        cmocka_unit_test(auth__own_authority__agrees),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
