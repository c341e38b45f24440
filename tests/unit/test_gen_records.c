/* test_gen_records.c - every record a domain needs, from presets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/gen_records.h"
#include "mailready/util.h"

static struct preset_list *presets;

static int
setup(void **state)
{
    const char *dir = getenv("MAILREADY_DATADIR");
    char path[1024];
    struct rc_err err = { 0 };

    (void)state;
    snprintf(path, sizeof(path), "%s/providers.json",
             dir != NULL ? dir : "data");
    if (preset_load(path, &presets, &err) != RC_OK) {
        fprintf(stderr, "%s\n", err.nargs > 1 ? err.args[1] : "?");
        rc_err_fini(&err);
        return -1;
    }
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    preset_list_free(presets);
    return 0;
}

/* The rdata of the n-th record of type at owner, or NULL. */
static const char *
rr_get(const struct gen_rrs *l, const char *owner, uint16_t type, int n)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].type == type && strcmp(l->v[i].owner, owner) == 0 &&
            n-- == 0)
            return l->v[i].rdata;
    return NULL;
}

static void
opts_init(struct gen_records_opts *o, const struct preset **p, size_t n)
{
    memset(o, 0, sizeof(*o));
    o->domain = "example.com";
    o->presets = p;
    o->n_presets = n;
    o->dmarc_sp = GEN_DMARC_INHERIT;
}

static void
gen_records__google__mx_spf_dmarc_and_dkim_note(void **state)
{
    static const char *const rua[] = { "dmarc@example.com" };
    const struct preset *p[] = { preset_find(presets, "google") };
    struct gen_records_opts o;
    struct gen_records r;

    (void)state;
    opts_init(&o, p, 1);
    o.rua = rua;
    o.n_rua = 1;
    assert_int_equal(gen_records_build(&o, &r), RC_OK);
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_MX, 0),
                        "1 smtp.google.com.");
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_TXT, 0),
                        "v=spf1 include:_spf.google.com ~all");
    assert_string_equal(rr_get(&r.rrs, "_dmarc.example.com", DNS_T_TXT, 0),
                        "v=DMARC1; p=none; rua=mailto:dmarc@example.com");
    assert_true(findings_has(&r.notes, "GEN_DKIM_CONSOLE"));
    assert_false(findings_has(&r.notes, "GEN_DMARC_NO_RUA"));
    assert_false(r.no_mail);
    assert_int_equal(r.external.n, 0);
    gen_records_fini(&r);
}

static void
gen_records__own_server__mx_address_spf_ptr(void **state)
{
    static const char *const ips[] = { "91.198.174.192",
                                       "2a02:ec80:300:ed1a::1" };
    const struct preset *p[] = { preset_find(presets, "own") };
    struct gen_records_opts o;
    struct gen_records r;

    (void)state;
    opts_init(&o, p, 1);
    o.mx_host = "mail.example.com";
    o.ips = ips;
    o.n_ips = 2;
    o.spf_hard_fail = true;
    o.dmarc_stage_set = true;
    o.dmarc_p = GEN_DMARC_QUARANTINE;
    assert_int_equal(gen_records_build(&o, &r), RC_OK);
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_MX, 0),
                        "10 mail.example.com.");
    assert_string_equal(rr_get(&r.rrs, "mail.example.com", DNS_T_A, 0),
                        "91.198.174.192");
    assert_string_equal(rr_get(&r.rrs, "mail.example.com", DNS_T_AAAA, 0),
                        "2a02:ec80:300:ed1a::1");
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_TXT, 0),
                        "v=spf1 ip4:91.198.174.192 "
                        "ip6:2a02:ec80:300:ed1a::1 -all");
    assert_string_equal(rr_get(&r.rrs, "_dmarc.example.com", DNS_T_TXT, 0),
                        "v=DMARC1; p=quarantine");
    assert_int_equal(r.n_ptr, 2);
    assert_string_equal(r.ptr[0]->hostname, "mail.example.com");
    assert_string_equal(r.ptr[0]->reverse, "192.174.198.91.in-addr.arpa");
    assert_true(findings_has(&r.notes, "GEN_DKIM_OWN"));
    gen_records_fini(&r);
}

static void
gen_records__own_without_ips__spf_mx(void **state)
{
    struct gen_records_opts o;
    struct gen_records r;

    (void)state;
    opts_init(&o, NULL, 0);
    o.mx_host = "mx.hosting.example.net";
    assert_int_equal(gen_records_build(&o, &r), RC_OK);
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_MX, 0),
                        "10 mx.hosting.example.net.");
    /* --mx-host alone is one's own server: its MX hosts send. */
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_TXT, 0),
                        "v=spf1 mx ~all");
    gen_records_fini(&r);
}

static void
gen_records__no_mail__null_mx_and_reject(void **state)
{
    struct gen_records_opts o;
    struct gen_records r;

    (void)state;
    opts_init(&o, NULL, 0);
    assert_int_equal(gen_records_build(&o, &r), RC_OK);
    assert_true(r.no_mail);
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_MX, 0), "0 .");
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_TXT, 0),
                        "v=spf1 -all");
    assert_string_equal(rr_get(&r.rrs, "_dmarc.example.com", DNS_T_TXT, 0),
                        "v=DMARC1; p=reject");
    assert_true(findings_has(&r.notes, "GEN_NO_MAIL"));
    gen_records_fini(&r);
}

static void
gen_records__two_receivers__refused(void **state)
{
    const struct preset *p[] = { preset_find(presets, "google"),
                                 preset_find(presets, "zoho") };
    struct gen_records_opts o;
    struct gen_records r;

    (void)state;
    opts_init(&o, p, 2);
    assert_int_equal(gen_records_build(&o, &r), RC_INVALID);
    assert_true(findings_has(&r.notes, "GEN_TWO_RECEIVERS"));
    gen_records_fini(&r);
}

static void
gen_records__microsoft__template_or_mx_host(void **state)
{
    const struct preset *p[] = { preset_find(presets, "microsoft365") };
    struct gen_records_opts o;
    struct gen_records r;

    (void)state;
    opts_init(&o, p, 1);
    assert_int_equal(gen_records_build(&o, &r), RC_OK);
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_MX, 0),
                        "0 example-com.mail.protection.outlook.com.");
    assert_true(findings_has(&r.notes, "GEN_MX_TENANT"));
    gen_records_fini(&r);
    o.domain = "my-shop.com";
    assert_int_equal(gen_records_build(&o, &r), RC_INVALID);
    assert_true(findings_has(&r.notes, "GEN_MX_TEMPLATE"));
    gen_records_fini(&r);
    o.mx_host = "my-shop-com.a1b2.mx.microsoft";
    assert_int_equal(gen_records_build(&o, &r), RC_OK);
    assert_string_equal(rr_get(&r.rrs, "my-shop.com", DNS_T_MX, 0),
                        "10 my-shop-com.a1b2.mx.microsoft.");
    gen_records_fini(&r);
}

static void
gen_records__sending_only__cnames_and_no_mx(void **state)
{
    const struct preset *p[] = { preset_find(presets, "mandrill"),
                                 preset_find(presets, "mailgun") };
    struct gen_records_opts o;
    struct gen_records r;

    (void)state;
    opts_init(&o, p, 2);
    assert_int_equal(gen_records_build(&o, &r), RC_OK);
    assert_null(rr_get(&r.rrs, "example.com", DNS_T_MX, 0));
    assert_true(findings_has(&r.notes, "GEN_NO_MX"));
    assert_string_equal(rr_get(&r.rrs, "mte1._domainkey.example.com",
                               DNS_T_CNAME, 0), "dkim1.mandrillapp.com.");
    assert_string_equal(rr_get(&r.rrs, "mte2._domainkey.example.com",
                               DNS_T_CNAME, 0), "dkim2.mandrillapp.com.");
    assert_true(findings_has(&r.notes, "GEN_SPF_UNKNOWN"));
    assert_true(findings_has(&r.notes, "GEN_SPF_RETURN_PATH"));
    gen_records_fini(&r);
}

static void
gen_records__spf_over_limit__refused(void **state)
{
    static const char json[] =
        "{\"providers\":["
        "{\"id\":\"a\",\"name\":\"A\",\"kind\":\"sending\",\"spf\":"
        "{\"value\":{\"include\":\"spf.a.example.net\",\"lookups\":6},"
        "\"source\":\"https://a.example.net\",\"checked\":\"2026-11-28\"}},"
        "{\"id\":\"b\",\"name\":\"B\",\"kind\":\"sending\",\"spf\":"
        "{\"value\":{\"include\":\"spf.b.example.net\",\"lookups\":5},"
        "\"source\":\"https://b.example.net\",\"checked\":\"2026-11-28\"}}"
        "]}";
    struct preset_list *l = NULL;
    struct gen_records_opts o;
    struct gen_records r;
    struct rc_err err = { 0 };

    (void)state;
    assert_int_equal(preset_load_text(json, &l, &err), RC_OK);
    const struct preset *p[] = { preset_find(l, "a"), preset_find(l, "b") };
    opts_init(&o, p, 2);
    assert_int_equal(gen_records_build(&o, &r), RC_TOOLONG);
    assert_true(findings_has(&r.notes, "GEN_SPF_TOO_MANY"));
    for (size_t i = 0; i < r.notes.n; i++)
        if (strcmp(r.notes.v[i].id, "GEN_SPF_TOO_MANY") == 0) {
            assert_string_equal(r.notes.v[i].args[0], "11");
            assert_string_equal(r.notes.v[i].args[1],
                                "include:spf.a.example.net");
        }
    gen_records_fini(&r);
    preset_list_free(l);
}

static void
gen_records__external_rua__authorization_record(void **state)
{
    static const char *const rua[] = { "mailto:r@reports.example.net" };
    const struct preset *p[] = { preset_find(presets, "ovh") };
    struct gen_records_opts o;
    struct gen_records r;

    (void)state;
    opts_init(&o, p, 1);
    o.rua = rua;
    o.n_rua = 1;
    assert_int_equal(gen_records_build(&o, &r), RC_OK);
    assert_int_equal(r.external.n, 1);
    assert_string_equal(r.external.v[0].owner,
                        "example.com._report._dmarc.reports.example.net");
    assert_string_equal(r.external.v[0].rdata, "v=DMARC1");
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_MX, 4),
                        "200 mx4.mail.ovh.net.");
    gen_records_fini(&r);
}

static void
gen_records__provider_and_own_sender__provider_mx_spf_both(void **state)
{
    static const char *const ips[] = { "91.198.174.192" };
    const struct preset *p[] = { preset_find(presets, "google"),
                                 preset_find(presets, "own") };
    struct gen_records_opts o;
    struct gen_records r;

    (void)state;
    /* Without the flag two servers would receive: refused, and the
     * note names the way out. */
    opts_init(&o, p, 2);
    o.ips = ips;
    o.n_ips = 1;
    assert_int_equal(gen_records_build(&o, &r), RC_INVALID);
    assert_true(findings_has(&r.notes, "GEN_TWO_RECEIVERS"));
    gen_records_fini(&r);

    o.own_send_only = true;
    o.send_host = "news.example.com";
    assert_int_equal(gen_records_build(&o, &r), RC_OK);
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_MX, 0),
                        "1 smtp.google.com.");
    assert_null(rr_get(&r.rrs, "example.com", DNS_T_MX, 1));
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_TXT, 0),
                        "v=spf1 ip4:91.198.174.192 "
                        "include:_spf.google.com ~all");
    /* The sending host: its address and PTR request, no MX. */
    assert_string_equal(rr_get(&r.rrs, "news.example.com", DNS_T_A, 0),
                        "91.198.174.192");
    assert_int_equal(r.n_ptr, 1);
    assert_string_equal(r.ptr[0]->hostname, "news.example.com");
    assert_true(findings_has(&r.notes, "GEN_DKIM_OWN"));
    assert_false(findings_has(&r.notes, "GEN_SPF_OWN_NO_IP"));
    gen_records_fini(&r);

    /* No address: the server cannot be listed, and the note says so. */
    o.n_ips = 0;
    o.send_host = "bad..name";
    assert_int_equal(gen_records_build(&o, &r), RC_INVALID);
    assert_true(findings_has(&r.notes, "GEN_HOST_BAD"));
    gen_records_fini(&r);
    o.send_host = NULL;
    assert_int_equal(gen_records_build(&o, &r), RC_OK);
    assert_string_equal(rr_get(&r.rrs, "example.com", DNS_T_TXT, 0),
                        "v=spf1 include:_spf.google.com ~all");
    assert_true(findings_has(&r.notes, "GEN_SPF_OWN_NO_IP"));
    gen_records_fini(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_records__google__mx_spf_dmarc_and_dkim_note),
        cmocka_unit_test(gen_records__own_server__mx_address_spf_ptr),
        cmocka_unit_test(gen_records__own_without_ips__spf_mx),
        cmocka_unit_test(gen_records__no_mail__null_mx_and_reject),
        cmocka_unit_test(gen_records__two_receivers__refused),
        cmocka_unit_test(
            gen_records__provider_and_own_sender__provider_mx_spf_both),
        cmocka_unit_test(gen_records__microsoft__template_or_mx_host),
        cmocka_unit_test(gen_records__sending_only__cnames_and_no_mx),
        cmocka_unit_test(gen_records__spf_over_limit__refused),
        cmocka_unit_test(gen_records__external_rua__authorization_record),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
