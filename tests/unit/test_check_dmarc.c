/* test_check_dmarc.c - the DMARC and DKIM steps over zone text: DNS
 * errors are "could not check", never the admin's failure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/check.h"
#include "mailready/check_dkim.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"
#include "test_err.h"

static const char zone[] =
    "$ORIGIN d.test.\n$TTL 300\n"
    "@ SOA ns.d.test. h.d.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.d.test.\nns A 45.67.89.2\n"
    "@ TXT \"v=spf1 -all\"\n"
    "own TXT \"v=spf1 mx -all\"\n"
    "_dmarc.own TXT \"v=DMARC1; p=reject; rua=mailto:d@own.d.test\"\n"
    "sub.own A 45.67.89.3\n"
    "sub.own TXT \"v=spf1 mx -all\"\n"
    "_dmarc TXT \"v=DMARC1; p=reject\"\n"
    "s1._domainkey.own TXT \"v=DKIM1; k=rsa; p=\"\n"
    "nm1 TXT \"v=spf1   -ALL \"\n"
    "nm2 TXT \"v=spf1 redirect=d.test\"\n"
    "nm3 TXT \"v=spf1 -all\"\nnm3 TXT \"v=spf1 mx -all\"\n"
    "nm4 TXT \"v=spf1 ~all\"\n";

struct force {
    const char *name;
    uint16_t type;
    enum dns_status st;
};

/* Run steps (mask) on domain; ids of step, space-separated, in order. */
static enum check_status
run(const char *domain, unsigned mask, enum check_step step,
    const char *const *sels, size_t nsel, const struct force *f,
    char *ids, size_t size)
{
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct check_opts co;
    struct check_ctx ctx;
    struct strbuf sb = STRBUF_INIT;
    enum check_status st;

    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    if (dns_load_zone_text(d, zone, "d.test", &err) != RC_OK)
        fail_msg("zone: %s", errtext(&err));
    for (; f != NULL && f->name != NULL; f++)
        dns_force_status(d, f->name, f->type, f->st);
    memset(&co, 0, sizeof(co));
    co.domain = domain;
    co.selectors = sels;
    co.n_selectors = nsel;
    co.datadir = "data";
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, mask);
    const struct findings *fs = &ctx.res[step].findings;
    for (size_t i = 0; i < fs->n; i++) {
        if (sb.len > 0)
            strbuf_addc(&sb, ' ');
        strbuf_adds(&sb, fs->v[i].id);
    }
    str_copy(ids, strbuf_str(&sb), size);
    st = check_step_status(&ctx, step);
    strbuf_fini(&sb);
    check_ctx_fini(&ctx);
    dns_free(d);
    return st;
}

#define DM (1u << STEP_DMARC)

static void
dmarc__own_record__ok(void **state)
{
    char ids[256];

    (void)state;
    /* TLD "test" is outside the zones (offline: DNS_ERROR): ignored. */
    assert_int_equal(run("own.d.test", DM, STEP_DMARC, NULL, 0, NULL, ids,
                         sizeof(ids)), ST_OK);
    assert_string_equal(ids, "");
}

static void
dmarc__servfail_at_domain__error_not_missing(void **state)
{
    static const struct force f[] = {
        { "_dmarc.own.d.test", DNS_T_TXT, DNS_SERVFAIL },
        { NULL, 0, 0 }
    };
    char ids[256];

    (void)state;
    assert_int_equal(run("own.d.test", DM, STEP_DMARC, NULL, 0, f, ids,
                         sizeof(ids)), ST_ERROR);
    assert_string_equal(ids, "DNS_SERVFAIL");
}

static void
dmarc__inherited_and_parent_timeout(void **state)
{
    static const struct force f[] = {
        { "_dmarc.own.d.test", DNS_T_TXT, DNS_TIMEOUT },
        { NULL, 0, 0 }
    };
    char ids[256];

    (void)state;
    /* sub.own.d.test: own.d.test has a record, d.test too: the fewest
     * labels (d.test) is the org domain and its record applies. */
    assert_int_equal(run("sub.own.d.test", DM, STEP_DMARC, NULL, 0, NULL,
                         ids, sizeof(ids)), ST_WARN);
    assert_string_equal(ids, "DMARC_INHERITED DMARC_NO_RUA");
    /* A timeout on a parent that could change the verdict. */
    assert_int_equal(run("sub.own.d.test", DM, STEP_DMARC, NULL, 0, f,
                         ids, sizeof(ids)), ST_ERROR);
    assert_non_null(strstr(ids, "DNS_TIMEOUT"));
}

static void
dkim__given_selector_errors_and_revoked(void **state)
{
    static const char *const s1[] = { "s1" };
    static const char *const s2[] = { "s2" };
    static const struct force f[] = {
        { "s2._domainkey.own.d.test", DNS_T_TXT, DNS_SERVFAIL },
        { NULL, 0, 0 }
    };
    char ids[256];

    (void)state;
    assert_int_equal(run("own.d.test", 1u << STEP_DKIM, STEP_DKIM, s1, 1,
                         NULL, ids, sizeof(ids)), ST_WARN);
    assert_string_equal(ids, "DKIM_KEY_REVOKED");
    assert_int_equal(run("own.d.test", 1u << STEP_DKIM, STEP_DKIM, s2, 1,
                         f, ids, sizeof(ids)), ST_ERROR);
    assert_string_equal(ids, "DNS_SERVFAIL");
}

static void
dkim__discovery_and_no_mail(void **state)
{
    char ids[256];

    (void)state;
    /* No key at any well-known selector. */
    assert_int_equal(run("sub.own.d.test", 1u << STEP_DKIM, STEP_DKIM,
                         NULL, 0, NULL, ids, sizeof(ids)), ST_WARN);
    assert_string_equal(ids, "DKIM_NO_SELECTOR");
    /* d.test says v=spf1 -all: no key needed. */
    assert_int_equal(run("d.test", 1u << STEP_DKIM, STEP_DKIM, NULL, 0,
                         NULL, ids, sizeof(ids)), ST_OK);
    assert_string_equal(ids, "DKIM_NOT_NEEDED");
}

static void
spf_view__no_mail_only_for_exactly_minus_all(void **state)
{
    static const struct {
        const char *domain;
        const char *ids;
    } cases[] = {
        { "nm1.d.test", "DKIM_NOT_NEEDED" },    /* spaces, case */
        { "nm2.d.test", "DKIM_NO_SELECTOR" },   /* redirect */
        { "nm3.d.test", "DKIM_NO_SELECTOR" },   /* two SPF records */
        { "nm4.d.test", "DKIM_NO_SELECTOR" },   /* ~all */
    };
    char ids[256];

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        run(cases[i].domain, 1u << STEP_DKIM, STEP_DKIM, NULL, 0, NULL, ids,
            sizeof(ids));
        assert_string_equal(ids, cases[i].ids);
    }
}

static void
dkim__selector_list__file_and_dated(void **state)
{
    char **v;
    size_t n;
    bool has_google = false, has_202611 = false, has_202512 = false;
    bool has_202511 = false;

    (void)state;
    /* 2026-11-28T00:00:00Z */
    assert_true(check_dkim_selector_list("data", 1795824000LL, &v, &n));
    for (size_t i = 0; i < n; i++) {
        has_google |= strcmp(v[i], "google") == 0;
        has_202611 |= strcmp(v[i], "202611") == 0;
        has_202512 |= strcmp(v[i], "202512") == 0;
        has_202511 |= strcmp(v[i], "202511") == 0;
        free(v[i]);
    }
    free(v);
    assert_true(has_google);
    assert_true(has_202611);
    assert_true(has_202512);
    assert_false(has_202511);       /* 12 months: 2025-12 .. 2026-11 */
    assert_false(check_dkim_selector_list("/nonexistent", 1795824000LL,
                                          &v, &n));
    assert_int_equal(n, CHECK_DKIM_DATED_MONTHS);
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dmarc__own_record__ok),
        cmocka_unit_test(dmarc__servfail_at_domain__error_not_missing),
        cmocka_unit_test(dmarc__inherited_and_parent_timeout),
        cmocka_unit_test(dkim__given_selector_errors_and_revoked),
        cmocka_unit_test(dkim__discovery_and_no_mail),
        cmocka_unit_test(spf_view__no_mail_only_for_exactly_minus_all),
        cmocka_unit_test(dkim__selector_list__file_and_dated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
