/* test_check_dkim.c - the DKIM step (check_dkim.c) over zone text: keys
 * given with --selector or discovered, CNAME'd selectors (one to a name
 * without TXT crashed before commit 24acae1), every finding, --dkim-key,
 * and the helpers other steps and the state use. */
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

#define ED "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
/* An RSA key of 1024 bits (made with openssl for this test). */
#define RSA1024 \
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDmcIRlgI2/hKL/eb+UtXrPfrCR" \
    "L3XicNXnjngn27NanINhTyB58BcLQ8ujM6NJnRLNGqAay1aOrUGirhAZIvKTshug" \
    "V/k1ebEzKV0Hc0Sg7N8Gc8vWINWLjJ6uDCtC0IEE5FjmS0L8gJj1HfJY1DvSd0+T" \
    "AoU58Xb9pCgipC+ZXwIDAQAB"

static const char zone_k[] =
    "$ORIGIN k.test.\n$TTL 300\n"
    "@ SOA ns.k.test. h.k.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.k.test.\nns A 45.67.89.2\n"
    "@ TXT \"v=spf1 mx -all\"\n"
    "www A 45.67.89.80\n"
    /* a selector CNAME'd to a name without TXT */
    "cn._domainkey CNAME www\n"
    /* Microsoft 365 style: CNAME'd into the provider's zone */
    "ms._domainkey CNAME ms._domainkey.o.test.\n"
    "loop1._domainkey CNAME loop2._domainkey\n"
    "loop2._domainkey CNAME loop1._domainkey\n"
    "ed._domainkey TXT \"v=DKIM1; k=ed25519; p=" ED "\"\n"
    "weak._domainkey TXT \"v=DKIM1; k=rsa; p=\" \"" RSA1024 "\"\n"
    "sha1._domainkey TXT \"v=DKIM1; h=sha1; k=ed25519; p=" ED "\"\n"
    "testing._domainkey TXT \"v=DKIM1; t=y; k=ed25519; p=" ED "\"\n"
    "two._domainkey TXT \"v=DKIM1; k=ed25519; p=" ED "\"\n"
    "two._domainkey TXT \"v=DKIM1; k=ed25519; t=s; p=" ED "\"\n"
    "b64._domainkey TXT \"v=DKIM1; k=rsa; p=!!not*base64\"\n"
    "syntax._domainkey TXT \"v=DKIM1; k=ed25519; p\"\n"
    "revoked._domainkey TXT \"v=DKIM1; k=rsa; p=\"\n"
    "default._domainkey TXT \"v=DKIM1; k=ed25519; p=" ED "\"\n";

static const char zone_o[] =
    "$ORIGIN o.test.\n$TTL 300\n"
    "@ SOA ns.o.test. h.o.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.o.test.\n"
    "ms._domainkey TXT \"v=DKIM1; k=ed25519; p=" ED "\"\n";

/* The reproduction of issue 19 item 1: a wildcard CNAME. */
static const char zone_wild[] =
    "$ORIGIN wild.test.\n$TTL 300\n"
    "@ SOA ns.wild.test. h.wild.test. 1 7200 3600 1209600 300\n"
    "@ NS ns.wild.test.\n"
    "* CNAME www\n"
    "www A 45.67.89.80\n";

struct force {
    const char *name;
    uint16_t type;
    enum dns_status st;
};

struct outcome {
    char ids[512];
    enum check_status status;
    json_t *records;            /* a copy: json_decref() */
    int keys_found;
};

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    struct strbuf sb = STRBUF_INIT;
    char buf[4096];
    size_t n;

    if (f == NULL)
        fail_msg("cannot open %s", path);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_add(&sb, buf, n);
    fclose(f);
    return strbuf_detach(&sb);
}

/* Run the DKIM step for domain over the zones above (and gen-clean.test
 * from tests/zones/). */
static void
run(const char *domain, const char *const *sels, size_t nsel,
    const struct force *f, const char *dkim_key, const char *datadir,
    struct outcome *out)
{
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    char *gen;
    struct check_opts co;
    struct check_ctx ctx;
    const struct findings *fs;

    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    gen = read_file("tests/zones/gen-clean.test.zone");
    if (dns_load_zone_text(d, zone_k, "k.test", &err) != RC_OK ||
        dns_load_zone_text(d, zone_o, "o.test", &err) != RC_OK ||
        dns_load_zone_text(d, zone_wild, "wild.test", &err) != RC_OK ||
        dns_load_zone_text(d, gen, "gen-clean.test", &err) != RC_OK)
        fail_msg("zone: %s", errtext(&err));
    free(gen);
    for (; f != NULL && f->name != NULL; f++)
        dns_force_status(d, f->name, f->type, f->st);
    memset(&co, 0, sizeof(co));
    co.domain = domain;
    co.selectors = sels;
    co.n_selectors = nsel;
    co.dkim_key = dkim_key;
    co.datadir = datadir != NULL ? datadir : "data";
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, 1u << STEP_DKIM);
    fs = &ctx.res[STEP_DKIM].findings;
    out->ids[0] = '\0';
    for (size_t i = 0; i < fs->n; i++) {
        if (out->ids[0] != '\0')
            strncat(out->ids, " ", sizeof(out->ids) - strlen(out->ids) - 1);
        strncat(out->ids, fs->v[i].id,
                sizeof(out->ids) - strlen(out->ids) - 1);
    }
    out->status = check_step_status(&ctx, STEP_DKIM);
    out->records = json_deep_copy(ctx.res[STEP_DKIM].records);
    out->keys_found = check_dkim_keys_found(&ctx);
    check_ctx_fini(&ctx);
    dns_free(d);
}

/* One --selector; the findings' ids. */
static void
given(const char *domain, const char *sel, struct outcome *out)
{
    const char *sels[1] = { sel };

    run(domain, sels, 1, NULL, NULL, NULL, out);
}

static void
dkim__cname_without_txt__key_missing(void **state)
{
    struct outcome r;

    (void)state;
    given("k.test", "cn", &r);
    assert_string_equal(r.ids, "DKIM_KEY_MISSING");
    assert_int_equal(r.status, ST_FAIL);
    assert_int_equal(json_array_size(r.records), 0);
    assert_int_equal(r.keys_found, 0);
    json_decref(r.records);
}

static void
dkim__wildcard_cname__no_crash_in_discovery(void **state)
{
    struct outcome r;

    (void)state;
    /* every well-known selector is a CNAME to www, which has no TXT */
    run("wild.test", NULL, 0, NULL, NULL, NULL, &r);
    assert_string_equal(r.ids, "DKIM_NO_SELECTOR");
    assert_int_equal(r.keys_found, 0);
    json_decref(r.records);
    given("wild.test", "any", &r);
    assert_string_equal(r.ids, "DKIM_KEY_MISSING");
    json_decref(r.records);
}

static void
dkim__cname_to_provider__key_found_with_cname(void **state)
{
    struct outcome r;
    json_t *o;

    (void)state;
    given("k.test", "ms", &r);
    assert_string_equal(r.ids, "");
    assert_int_equal(r.status, ST_OK);
    assert_int_equal(r.keys_found, 1);
    assert_int_equal(json_array_size(r.records), 1);
    o = json_array_get(r.records, 0);
    assert_string_equal(json_string_value(json_object_get(o, "selector")),
                        "ms");
    assert_string_equal(json_string_value(json_object_get(o, "cname")),
                        "ms._domainkey.o.test");
    assert_string_equal(json_string_value(json_object_get(o, "key")),
                        "Ed25519");
    json_decref(r.records);
}

static void
dkim__cname_loop__bounded(void **state)
{
    struct outcome r;

    (void)state;
    given("k.test", "loop1", &r);
    /* no key, whatever the layer makes of the loop; above all no hang */
    assert_true(strcmp(r.ids, "DKIM_KEY_MISSING") == 0 ||
                strcmp(r.ids, "DNS_ERROR") == 0);
    assert_int_equal(json_array_size(r.records), 0);
    json_decref(r.records);
}

static void
dkim__each_key_finding(void **state)
{
    static const struct {
        const char *sel, *ids;
        enum check_status st;
    } cases[] = {
        { "ed", "", ST_OK },
        { "weak", "DKIM_KEY_WEAK", ST_WARN },
        { "sha1", "DKIM_HASH_SHA1", ST_FAIL },
        { "testing", "DKIM_TESTING", ST_WARN },
        { "two", "DKIM_MULTIPLE_RECORDS", ST_WARN },
        { "b64", "DKIM_KEY_INVALID", ST_FAIL },
        { "syntax", "DKIM_SYNTAX", ST_FAIL },
        { "revoked", "DKIM_KEY_REVOKED", ST_WARN },
        { "nokey", "DKIM_KEY_MISSING", ST_FAIL },
    };
    struct outcome r;

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        given("k.test", cases[i].sel, &r);
        if (strcmp(r.ids, cases[i].ids) != 0 || r.status != cases[i].st)
            fail_msg("selector %s: '%s' (status %d), want '%s' (%d)",
                     cases[i].sel, r.ids, (int)r.status, cases[i].ids,
                     (int)cases[i].st);
        json_decref(r.records);
    }
    given("k.test", "weak", &r);
    assert_string_equal(json_string_value(json_object_get(
        json_array_get(r.records, 0), "key")), "RSA 1024 bits");
    json_decref(r.records);
}

static void
dkim__dns_errors__not_checked(void **state)
{
    static const struct force f[] = {
        { "ed._domainkey.k.test", DNS_T_TXT, DNS_SERVFAIL },
        { "default._domainkey.k.test", DNS_T_TXT, DNS_TIMEOUT },
        { NULL, 0, 0 }
    };
    const char *sels[1] = { "ed" };
    struct outcome r;

    (void)state;
    run("k.test", sels, 1, f, NULL, NULL, &r);
    assert_string_equal(r.ids, "DNS_SERVFAIL");
    assert_int_equal(r.status, ST_ERROR);
    json_decref(r.records);
    /* discovery: "default" has the only key and times out: not a missing
     * key but "could not check" */
    run("k.test", NULL, 0, f, NULL, NULL, &r);
    assert_int_equal(r.status, ST_ERROR);
    assert_string_equal(r.ids, "DNS_TIMEOUT");
    assert_int_equal(r.keys_found, -1);
    json_decref(r.records);
}

static void
dkim__discovery__finds_the_well_known_selector(void **state)
{
    const char *sel[4];
    struct outcome r;

    (void)state;
    run("k.test", NULL, 0, NULL, NULL, NULL, &r);
    assert_string_equal(r.ids, "");
    assert_int_equal(r.keys_found, 1);
    assert_int_equal(check_dkim_record_selectors(r.records, sel, 4), 1);
    assert_string_equal(sel[0], "default");
    json_decref(r.records);
    /* an unreadable selector list: said, and the dated ones still tried */
    run("k.test", NULL, 0, NULL, NULL, "/nonexistent", &r);
    assert_string_equal(r.ids, "DKIM_NO_SELECTOR DKIM_SELECTOR_LIST");
    json_decref(r.records);
}

static void
dkim__private_key_file__compared(void **state)
{
    const char *sels[1] = { "s2026" };
    const char *ed[1] = { "ed" };
    struct outcome r;

    (void)state;
    run("gen-clean.test", sels, 1, NULL,
        "tests/data/gen-clean.test.s2026.private", NULL, &r);
    assert_string_equal(r.ids, "DKIM_KEY_MATCHES");
    assert_int_equal(r.status, ST_OK);
    json_decref(r.records);
    run("k.test", ed, 1, NULL, "tests/data/gen-clean.test.s2026.private",
        NULL, &r);
    assert_string_equal(r.ids, "DKIM_KEY_MISMATCH");
    json_decref(r.records);
    run("gen-clean.test", sels, 1, NULL, "/nonexistent/key.private", NULL,
        &r);
    assert_string_equal(r.ids, "DKIM_KEY_FILE");
    assert_int_equal(r.status, ST_ERROR);
    json_decref(r.records);
}

static void
dkim__keys_found__minus_one_when_not_run(void **state)
{
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct check_opts co;
    struct check_ctx ctx;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_int_equal(dns_load_zone_text(d, zone_k, "k.test", &err), RC_OK);
    memset(&co, 0, sizeof(co));
    co.domain = "k.test";
    co.datadir = "data";
    check_ctx_init(&ctx, d, &co);
    assert_int_equal(check_dkim_keys_found(&ctx), -1);
    check_run_all(&ctx, 1u << STEP_MX);
    assert_int_equal(check_dkim_keys_found(&ctx), -1);
    check_ctx_fini(&ctx);
    dns_free(d);
}

static void
dkim__record_selectors__each_once_and_valid(void **state)
{
    json_t *recs = json_pack("[{s:s}, {s:s}, {s:s}, {s:s}, s, {s:i}, {s:s}]",
                             "selector", "s1", "selector", "s2",
                             "selector", "s1", "selector", "bad sel!",
                             "not an object", "selector", 7,
                             "selector", "s3");
    const char *out[8];

    (void)state;
    assert_non_null(recs);
    assert_int_equal(check_dkim_record_selectors(recs, out, 8), 3);
    assert_string_equal(out[0], "s1");
    assert_string_equal(out[1], "s2");
    assert_string_equal(out[2], "s3");
    /* max is honoured */
    assert_int_equal(check_dkim_record_selectors(recs, out, 1), 1);
    json_decref(recs);
}

static const struct dns_answer *got;

static void
on_answer(void *arg, const struct dns_answer *a)
{
    (void)arg;
    got = a;
}

static void
spf_view__counts_and_no_mail(void **state)
{
    static const char z[] =
        "$ORIGIN v.test.\n$TTL 300\n"
        "@ SOA ns.v.test. h.v.test. 1 7200 3600 1209600 300\n"
        "@ NS ns.v.test.\n"
        "none TXT \"hello\"\n"
        "one TXT \"v=spf1 -all\"\none TXT \"other\"\n"
        "two TXT \"v=spf1 -all\"\ntwo TXT \"v=spf1 mx -all\"\n"
        "mx TXT \"v=spf1 mx -all\"\n"
        "v2 TXT \"v=spf10 -all\"\n";
    static const struct {
        const char *name;
        int n_spf;
        bool no_mail;
    } cases[] = {
        { "none.v.test", 0, false },
        { "one.v.test", 1, true },
        { "two.v.test", 2, false },
        { "mx.v.test", 1, false },
        { "v2.v.test", 0, false },
        { "nx.v.test", 0, false },
    };
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct check_spf_view v;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.offline = true;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_int_equal(dns_load_zone_text(d, z, "v.test", &err), RC_OK);
    dns_force_status(d, "err.v.test", DNS_T_TXT, DNS_SERVFAIL);
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        got = NULL;
        dns_query(d, cases[i].name, DNS_T_TXT, on_answer, NULL);
        dns_run(d);
        assert_non_null(got);
        check_spf_view(got, &v);
        assert_true(v.known);
        if (v.n_spf != cases[i].n_spf || v.no_mail != cases[i].no_mail)
            fail_msg("%s: n_spf %d no_mail %d", cases[i].name, v.n_spf,
                     (int)v.no_mail);
    }
    got = NULL;
    dns_query(d, "err.v.test", DNS_T_TXT, on_answer, NULL);
    dns_run(d);
    check_spf_view(got, &v);
    assert_false(v.known);
    check_spf_view(NULL, &v);
    assert_false(v.known);
    assert_int_equal(v.n_spf, 0);
    dns_free(d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dkim__cname_without_txt__key_missing),
        cmocka_unit_test(dkim__wildcard_cname__no_crash_in_discovery),
        cmocka_unit_test(dkim__cname_to_provider__key_found_with_cname),
        cmocka_unit_test(dkim__cname_loop__bounded),
        cmocka_unit_test(dkim__each_key_finding),
        cmocka_unit_test(dkim__dns_errors__not_checked),
        cmocka_unit_test(dkim__discovery__finds_the_well_known_selector),
        cmocka_unit_test(dkim__private_key_file__compared),
        cmocka_unit_test(dkim__keys_found__minus_one_when_not_run),
        cmocka_unit_test(dkim__record_selectors__each_once_and_valid),
        cmocka_unit_test(spf_view__counts_and_no_mail),
    };

    return cmocka_run_group_tests_name("check_dkim", tests, NULL, NULL);
}
