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
    "nm4 TXT \"v=spf1 ~all\"\n"
    /* report destinations at r.test (issue 17, rules 1 and 2) */
    "_dmarc.ov1 TXT \"v=DMARC1; p=reject; rua=mailto:a@eq.r.test\"\n"
    "_dmarc.ov2 TXT \"v=DMARC1; p=reject; rua=mailto:a@diff.r.test\"\n"
    "_dmarc.ov3 TXT \"v=DMARC1; p=reject; rua=mailto:a@eq.r.test; "
    "ruf=mailto:f@diff.r.test\"\n"
    "_dmarc.ov4 TXT \"v=DMARC1; p=reject; rua=mailto:a@diff.r.test\"\n"
    "_dmarc.wc1 TXT \"v=DMARC1; p=reject; rua=mailto:a@w.r.test\"\n"
    "_dmarc.wc2 TXT \"v=DMARC1; p=reject; rua=mailto:a@w2.r.test\"\n"
    "_dmarc.wc3 TXT \"v=DMARC1; p=reject; rua=mailto:a@w3.r.test\"\n"
    "_dmarc.wc4 TXT \"v=DMARC1; p=reject; rua=mailto:a@w4.r.test\"\n"
    "_dmarc.wc5 TXT \"v=DMARC1; p=reject; rua=mailto:a@nw.r.test\"\n"
    "_dmarc.wc6 TXT \"v=DMARC1; p=reject; rua=mailto:a@w5.r.test\"\n"
    /* rule 5: np= for a domain that does not exist */
    "_dmarc.np TXT \"v=DMARC1; p=none; sp=quarantine; np=reject; "
    "psd=n; rua=mailto:a@np.d.test\"\n"
    "here.np A 45.67.89.4\n"
    /* rule 7: a NUL inside a value */
    "nul TXT \"v=spf1 -all\"\n"
    "_dmarc.nul TXT \"v=DMARC1; p=reject; rua=mailto:a@d.test\\000x; "
    "sp=reject\"\n"
    "nul2 TXT \"v=spf1 -all\"\n"
    "_dmarc.nul2 TXT \"v=DMARC1; p=reject\\000; rua=mailto:a@d.test\"\n"
    /* rule 8: characters a URI cannot hold */
    "uri TXT \"v=spf1 -all\"\n"
    "_dmarc.uri TXT \"v=DMARC1; p=reject; rua=mailto:\\\"r\\\"@d.test\"\n";

static const char rzone[] =
    "$ORIGIN r.test.\n$TTL 300\n"
    "@ SOA ns.r.test. h.r.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.r.test.\nns A 45.67.90.2\n"
    /* an override at the host itself: reports go there */
    "ov1.d.test._report._dmarc.eq TXT \"v=DMARC1; rua=mailto:b@eq.r.test\"\n"
    /* an override at another host: no report to either */
    "ov2.d.test._report._dmarc.diff TXT \"v=DMARC1; "
    "rua=mailto:b@other.r.test\"\n"
    /* ruf to diff, whose authorization overrides ruf to another host */
    "ov3.d.test._report._dmarc.eq TXT \"v=DMARC1\"\n"
    "ov3.d.test._report._dmarc.diff TXT \"v=DMARC1; "
    "ruf=mailto:x@elsewhere.test\"\n"
    /* rua to diff, whose authorization overrides only ruf */
    "ov4.d.test._report._dmarc.diff TXT \"v=DMARC1; "
    "ruf=mailto:x@elsewhere.test\"\n"
    /* the wildcard; wc2 exists with other data, wc3 is an empty
     * non-terminal, wc4 has its own record as well */
    "*._report._dmarc.w TXT \"v=DMARC1\"\n"
    "*._report._dmarc.w2 TXT \"v=DMARC1\"\n"
    "wc2.d.test._report._dmarc.w2 A 45.67.90.3\n"
    "*._report._dmarc.w3 TXT \"v=DMARC1\"\n"
    "x.wc3.d.test._report._dmarc.w3 TXT \"v=DMARC1\"\n"
    "*._report._dmarc.w4 TXT \"v=DMARC1\"\n"
    "wc4.d.test._report._dmarc.w4 TXT \"v=DMARC1\"\n"
    /* w5: the wildcard, and another name under d.test: the closest
     * encloser is then d.test._report._dmarc.w5, which has no wildcard */
    "*._report._dmarc.w5 TXT \"v=DMARC1\"\n"
    "other.d.test._report._dmarc.w5 TXT \"v=DMARC1\"\n"
    /* nw: nothing at all */
    "nw A 45.67.90.4\n";

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
    if (dns_load_zone_text(d, rzone, "r.test", &err) != RC_OK)
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

/* Run the DMARC step; the JSON "policy" of its record into pol. */
static enum check_status
run_pol(const char *domain, char *ids, size_t size, char *pol, size_t psize)
{
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct check_opts co;
    struct check_ctx ctx;
    struct strbuf sb = STRBUF_INIT;
    enum check_status st;
    json_t *rec;

    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_int_equal(dns_load_zone_text(d, zone, "d.test", &err), RC_OK);
    memset(&co, 0, sizeof(co));
    co.domain = domain;
    co.datadir = "data";
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, DM);
    for (size_t i = 0; i < ctx.res[STEP_DMARC].findings.n; i++) {
        if (sb.len > 0)
            strbuf_addc(&sb, ' ');
        strbuf_adds(&sb, ctx.res[STEP_DMARC].findings.v[i].id);
    }
    str_copy(ids, strbuf_str(&sb), size);
    rec = json_array_get(ctx.res[STEP_DMARC].records, 0);
    str_copy(pol, rec != NULL ? json_string_value(json_object_get(rec,
             "policy")) : "-", psize);
    st = check_step_status(&ctx, STEP_DMARC);
    strbuf_fini(&sb);
    check_ctx_fini(&ctx);
    dns_free(d);
    return st;
}

/* RFC 9990 §3: an override URI in the authorization record at another
 * host than the destination means no report; at the same host it is
 * fine.  rua= and ruf= are judged for the destinations they serve. */
static void
dmarc__report_override__host_equal_vs_different(void **state)
{
    static const struct {
        const char *domain;
        const char *ids;
    } cases[] = {
        { "ov1.d.test", "" },
        { "ov2.d.test", "DMARC_RUA_OVERRIDE_FOREIGN" },
        { "ov3.d.test", "DMARC_RUA_OVERRIDE_FOREIGN" },
        { "ov4.d.test", "" },
    };
    char ids[512];

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        run(cases[i].domain, DM, STEP_DMARC, NULL, 0, NULL, ids,
            sizeof(ids));
        /* the domains have no SPF: the alignment notes are not ours */
        char *p = strstr(ids, " DMARC_WITHOUT_AUTH");
        if (p != NULL)
            *p = '\0';
        if (strcmp(ids, "DMARC_WITHOUT_AUTH") == 0)
            ids[0] = '\0';
        assert_string_equal(ids, cases[i].ids);
    }
}

/* RFC 4592 §2.2.1: the wildcard answers only for a name that does not
 * exist; the real name is asked, never the wildcard owner. */
static void
dmarc__report_wildcard__exact_wild_both_none(void **state)
{
    static const struct {
        const char *domain;
        const char *ids;
    } cases[] = {
        { "wc1.d.test", "" },                           /* wildcard */
        { "wc2.d.test", "DMARC_RUA_NOT_AUTHORIZED" },   /* other data */
        { "wc3.d.test", "DMARC_RUA_NOT_AUTHORIZED" },   /* non-terminal */
        { "wc4.d.test", "" },                           /* exact + wild */
        { "wc5.d.test", "DMARC_RUA_NOT_AUTHORIZED" },   /* neither */
        { "wc6.d.test", "DMARC_RUA_NOT_AUTHORIZED" },   /* encloser */
    };
    char ids[512];

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        run(cases[i].domain, DM, STEP_DMARC, NULL, 0, NULL, ids,
            sizeof(ids));
        char *p = strstr(ids, " DMARC_WITHOUT_AUTH");
        if (p != NULL)
            *p = '\0';
        if (strcmp(ids, "DMARC_WITHOUT_AUTH") == 0)
            ids[0] = '\0';
        assert_string_equal(ids, cases[i].ids);
    }
}

/* A failed authorization query is "could not check", never a failure. */
static void
dmarc__report_auth_servfail__error(void **state)
{
    static const struct force f[] = {
        { "wc1.d.test._report._dmarc.w.r.test", DNS_T_TXT, DNS_SERVFAIL },
        { NULL, 0, 0 }
    };
    char ids[512];

    (void)state;
    run("wc1.d.test", DM, STEP_DMARC, NULL, 0, f, ids, sizeof(ids));
    assert_non_null(strstr(ids, "DNS_SERVFAIL"));
    assert_null(strstr(ids, "DMARC_RUA_NOT_AUTHORIZED"));
}

/* RFC 9989 §3.2.13, §4.10.1: np= for a domain that does not exist; sp=
 * for one that exists; p= for the organizational domain itself; sp= or
 * p= when np= is absent. */
static void
dmarc__nonexistent_domain__np_applies(void **state)
{
    char ids[512], pol[32];

    (void)state;
    run_pol("gone.np.d.test", ids, sizeof(ids), pol, sizeof(pol));
    assert_string_equal(pol, "reject");
    assert_string_equal(ids, "DMARC_INHERITED DMARC_NONEXISTENT_DOMAIN");
    run_pol("here.np.d.test", ids, sizeof(ids), pol, sizeof(pol));
    assert_string_equal(pol, "quarantine");
    assert_null(strstr(ids, "DMARC_NONEXISTENT_DOMAIN"));
    run_pol("np.d.test", ids, sizeof(ids), pol, sizeof(pol));
    assert_string_equal(pol, "none");
    assert_null(strstr(ids, "DMARC_NONEXISTENT_DOMAIN"));
    /* no np= at d.test: its p=reject applies */
    run_pol("gone.d.test", ids, sizeof(ids), pol, sizeof(pol));
    assert_string_equal(pol, "reject");
    assert_non_null(strstr(ids, "DMARC_NONEXISTENT_DOMAIN"));
}

/* RFC 9989 §4.8: a NUL inside a value does not cut the record: the value
 * is a syntax problem, the tags after it apply. */
static void
dmarc__nul_in_record__syntax_rest_applies(void **state)
{
    char ids[512], pol[32];

    (void)state;
    run_pol("nul.d.test", ids, sizeof(ids), pol, sizeof(pol));
    assert_string_equal(pol, "reject");
    assert_string_equal(ids, "DMARC_SYNTAX DMARC_NO_RUA");
    /* a bad p= with a usable rua=: p=none (§4.10.1) */
    run_pol("nul2.d.test", ids, sizeof(ids), pol, sizeof(pol));
    assert_string_equal(pol, "none");
    assert_string_equal(ids, "DMARC_SYNTAX");
}

/* RFC 3986 §2: a '"' in a report URI makes it invalid. */
static void
dmarc__uri_quote__invalid(void **state)
{
    char ids[512], pol[32];

    (void)state;
    run_pol("uri.d.test", ids, sizeof(ids), pol, sizeof(pol));
    assert_string_equal(ids, "DMARC_RUA_INVALID");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dmarc__own_record__ok),
        cmocka_unit_test(dmarc__servfail_at_domain__error_not_missing),
        cmocka_unit_test(dmarc__inherited_and_parent_timeout),
        cmocka_unit_test(dmarc__report_override__host_equal_vs_different),
        cmocka_unit_test(dmarc__report_wildcard__exact_wild_both_none),
        cmocka_unit_test(dmarc__report_auth_servfail__error),
        cmocka_unit_test(dmarc__nonexistent_domain__np_applies),
        cmocka_unit_test(dmarc__nul_in_record__syntax_rest_applies),
        cmocka_unit_test(dmarc__uri_quote__invalid),
        cmocka_unit_test(dkim__given_selector_errors_and_revoked),
        cmocka_unit_test(dkim__discovery_and_no_mail),
        cmocka_unit_test(spf_view__no_mail_only_for_exactly_minus_all),
        cmocka_unit_test(dkim__selector_list__file_and_dated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
