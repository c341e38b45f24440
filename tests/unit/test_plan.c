/* test_plan.c - plan_build(): never weaker than live, merge not replace,
 * CNAMEs first, nothing to do said, errors are not guessed over, and the
 * plan applied then planned again gives nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mailready/gen.h"
#include "mailready/mtasts.h"
#include "mailready/plan.h"
#include "mailready/util.h"

#define D "example.com"

static struct export_plan tg;
static struct plan_live live;
static struct plan pl;

static int
setup(void **unused)
{
    (void)unused;
    memset(&tg, 0, sizeof(tg));
    memset(&live, 0, sizeof(live));
    memset(&pl, 0, sizeof(pl));
    tg.ttl = 3600;
    for (int i = 0; i < STEP_COUNT; i++) {
        gen_rrs_init(&tg.rrs[i]);
        gen_rrs_init(&tg.elsewhere[i]);
        findings_init(&tg.notes[i]);
    }
    return 0;
}

static int
teardown(void **unused)
{
    (void)unused;
    export_plan_fini(&tg);
    plan_live_fini(&live);
    plan_fini(&pl);
    return 0;
}

/* Live records: n presentation forms; TXT ones are given unquoted. */
static void
have(const char *name, uint16_t type, size_t n, ...)
{
    const char *data[8], *text[8];
    char *q[8];
    va_list ap;

    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        q[i] = type == DNS_T_TXT ? gen_txt_quote(s, strlen(s)) : xstrdup(s);
        data[i] = q[i];
        text[i] = type == DNS_T_TXT ? s : NULL;
    }
    va_end(ap);
    plan_live_add(&live, name, type, n > 0 ? DNS_OK : DNS_NODATA, 300,
                  data, text, n);
    for (size_t i = 0; i < n; i++)
        free(q[i]);
}

/* Every type the fetch asks at name, empty unless given before. */
static void
fill(const char *name)
{
    static const uint16_t t[] = {
        DNS_T_CNAME, DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT
    };
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        bool there = false;
        for (size_t k = 0; k < live.n; k++)
            there |= live.v[k].type == t[i] &&
                     strcmp(live.v[k].name, name) == 0;
        if (!there)
            have(name, t[i], 0);
    }
}

/* A new target over the same live records. */
static void
retarget(void)
{
    export_plan_fini(&tg);
    memset(&tg, 0, sizeof(tg));
    tg.ttl = 3600;
}

static void
want(enum check_step st, const char *owner, uint16_t type, const char *rd)
{
    gen_rrs_add(&tg.rrs[st], owner, type, rd, NULL);
}

static void
build(bool allow_weaker, bool p_explicit, bool all_explicit)
{
    struct plan_opts o = {
        .domain = D, .allow_weaker = allow_weaker,
        .dmarc_p_explicit = p_explicit, .spf_all_explicit = all_explicit,
    };

    plan_fini(&pl);
    for (int st = 0; st < STEP_COUNT; st++)
        for (size_t i = 0; i < tg.rrs[st].n; i++)
            fill(tg.rrs[st].v[i].owner);
    plan_build(&live, &tg, &o, &pl);
}

/* The data of change i, checked to be action/type at name. */
static const char *
change(size_t i, enum plan_action act, const char *name, uint16_t type)
{
    assert_true(i < pl.n);
    assert_int_equal(pl.v[i].action, act);
    assert_string_equal(pl.v[i].name, name);
    assert_int_equal(pl.v[i].type, type);
    return pl.v[i].data;
}

/* Apply the plan to live: what is there after nsupdate. */
static void
apply(void)
{
    struct plan_live next;

    memset(&next, 0, sizeof(next));
    for (size_t s = 0; s < live.n; s++) {
        const struct plan_rrset *r = &live.v[s];
        const char *data[16], *text[16];
        char *own[16];
        size_t n = 0, nown = 0;

        for (size_t i = 0; i < r->n; i++) {
            bool gone = false;
            for (size_t c = 0; c < pl.n; c++)
                gone |= pl.v[c].action == PLAN_DELETE &&
                        pl.v[c].type == r->type &&
                        strcmp(pl.v[c].name, r->name) == 0 &&
                        strcmp(pl.v[c].data, r->data[i]) == 0;
            if (!gone) {
                data[n] = r->data[i];
                text[n++] = r->text[i];
            }
        }
        for (size_t c = 0; c < pl.n; c++)
            if (pl.v[c].action == PLAN_ADD && pl.v[c].type == r->type &&
                strcmp(pl.v[c].name, r->name) == 0) {
                data[n] = pl.v[c].data;
                if (r->type == DNS_T_TXT) {
                    /* The joined text of the quoted strings. */
                    const char *p = pl.v[c].data;
                    char *t = xmalloc(strlen(p) + 1), *o = t;
                    for (; *p != '\0'; p++)
                        if (*p == '\\' && p[1] != '\0')
                            *o++ = *++p;
                        else if (*p != '"' && !(*p == ' ' && p[-1] == '"'))
                            *o++ = *p;
                    *o = '\0';
                    own[nown++] = t;
                    text[n++] = t;
                } else {
                    text[n++] = NULL;
                }
            }
        plan_live_add(&next, r->name, r->type, n > 0 ? DNS_OK : DNS_NODATA,
                      r->ttl, data, text, n);
        for (size_t i = 0; i < nown; i++)
            free(own[i]);
    }
    for (size_t i = 0; i < live.n_spf; i++)
        plan_live_add_spf(&next, live.spf[i].ip, SPF_RES_PASS);
    plan_live_fini(&live);
    live = next;
}

static void
spf_ok_is_kept(void **unused)
{
    (void)unused;
    have(D, DNS_T_TXT, 1, "v=spf1 mx -all");
    plan_live_add_spf(&live, "81.7.12.34", SPF_RES_PASS);
    want(STEP_SPF, D, DNS_T_TXT, "v=spf1 ip4:81.7.12.34 ~all");
    build(false, false, false);
    assert_int_equal(pl.n, 0);
    assert_int_equal(pl.status, PLAN_NOTHING);
    assert_int_equal(plan_exit(&pl), 0);
}

static void
spf_gains_term_keeps_hard_fail(void **unused)
{
    (void)unused;
    have(D, DNS_T_TXT, 2, "v=spf1 mx -all", "google-site-verification=x");
    plan_live_add_spf(&live, "81.7.12.34", SPF_RES_FAIL);
    want(STEP_SPF, D, DNS_T_TXT, "v=spf1 ip4:81.7.12.34 ~all");
    build(false, false, false);
    assert_int_equal(pl.n, 2);
    assert_string_equal(change(0, PLAN_DELETE, D, DNS_T_TXT),
                        "\"v=spf1 mx -all\"");
    assert_string_equal(change(1, PLAN_ADD, D, DNS_T_TXT),
                        "\"v=spf1 mx ip4:81.7.12.34 -all\"");
    assert_int_equal(plan_exit(&pl), 1);
    apply();
    build(false, false, false);
    assert_int_equal(pl.n, 0);
}

static void
spf_two_records_merged(void **unused)
{
    (void)unused;
    have(D, DNS_T_TXT, 2, "v=spf1 mx ~all",
         "v=spf1 include:_spf.google.com -all");
    want(STEP_SPF, D, DNS_T_TXT, "v=spf1 ip4:81.7.12.34 ~all");
    build(false, false, false);
    assert_int_equal(pl.n, 3);
    change(0, PLAN_DELETE, D, DNS_T_TXT);
    change(1, PLAN_DELETE, D, DNS_T_TXT);
    assert_string_equal(change(2, PLAN_ADD, D, DNS_T_TXT),
        "\"v=spf1 include:_spf.google.com mx ip4:81.7.12.34 -all\"");
    assert_true(findings_has(&pl.findings, "PLAN_SPF_MERGED"));
    apply();
    build(false, false, false);
    assert_int_equal(pl.n, 0);
}

static void
spf_plus_all_is_raised_and_redirect_kept(void **unused)
{
    (void)unused;
    have(D, DNS_T_TXT, 1, "v=spf1 a +all");
    want(STEP_SPF, D, DNS_T_TXT, "v=spf1 ip4:81.7.12.34 ~all");
    build(false, false, false);
    assert_string_equal(change(1, PLAN_ADD, D, DNS_T_TXT),
                        "\"v=spf1 a ip4:81.7.12.34 ~all\"");
    plan_live_fini(&live);
    have(D, DNS_T_TXT, 1, "v=spf1 redirect=_spf.example.net");
    build(false, false, false);
    assert_string_equal(change(1, PLAN_ADD, D, DNS_T_TXT),
        "\"v=spf1 ip4:81.7.12.34 redirect=_spf.example.net\"");
    assert_true(findings_has(&pl.findings, "PLAN_SPF_REDIRECT_KEPT"));
}

static void
spf_weaker_all_refused_unless_allowed(void **unused)
{
    (void)unused;
    have(D, DNS_T_TXT, 1, "v=spf1 ip4:81.7.12.34 -all");
    plan_live_add_spf(&live, "81.7.12.34", SPF_RES_PASS);
    want(STEP_SPF, D, DNS_T_TXT, "v=spf1 ip4:81.7.12.34 ~all");
    build(false, false, true);
    assert_int_equal(pl.n, 0);
    assert_true(pl.refused);
    assert_true(findings_has(&pl.findings, "PLAN_WEAKER"));
    assert_int_equal(plan_exit(&pl), 2);
    build(true, false, true);
    assert_string_equal(change(1, PLAN_ADD, D, DNS_T_TXT),
                        "\"v=spf1 ip4:81.7.12.34 ~all\"");
    assert_false(pl.refused);
}

static void
spf_over_ten_lookups_refused(void **unused)
{
    (void)unused;
    have(D, DNS_T_TXT, 1, "v=spf1 a mx include:a.example include:b.example "
         "include:c.example include:d.example include:e.example "
         "include:f.example include:g.example include:h.example -all");
    want(STEP_SPF, D, DNS_T_TXT, "v=spf1 include:_spf.google.com ~all");
    build(false, false, false);
    assert_int_equal(pl.n, 0);
    assert_true(findings_has(&pl.findings, "PLAN_SPF_TOO_MANY_LOOKUPS"));
    assert_int_equal(plan_exit(&pl), 2);
}

static void
dmarc_rua_never_dropped(void **unused)
{
    (void)unused;
    have("_dmarc." D, DNS_T_TXT, 1,
         "v=DMARC1; p=none; rua=mailto:dmarc@example.com");
    want(STEP_DMARC, "_dmarc." D, DNS_T_TXT, "v=DMARC1; p=none");
    build(false, false, false);
    assert_int_equal(pl.n, 0);
    /* A new address and a higher policy: added, the old kept. */
    retarget();
    want(STEP_DMARC, "_dmarc." D, DNS_T_TXT,
         "v=DMARC1; p=quarantine; adkim=s; "
         "rua=mailto:reports@example.com");
    build(false, true, false);
    assert_int_equal(pl.n, 2);
    assert_string_equal(change(1, PLAN_ADD, "_dmarc." D, DNS_T_TXT),
        "\"v=DMARC1; p=quarantine; "
        "rua=mailto:dmarc@example.com,mailto:reports@example.com; "
        "adkim=s\"");
    apply();
    build(false, true, false);
    assert_int_equal(pl.n, 0);
}

static void
dmarc_lower_policy_refused(void **unused)
{
    (void)unused;
    have("_dmarc." D, DNS_T_TXT, 1, "v=DMARC1; p=reject; aspf=s");
    want(STEP_DMARC, "_dmarc." D, DNS_T_TXT,
         "v=DMARC1; p=none; aspf=r; rua=mailto:d@example.com");
    build(false, true, false);
    assert_true(pl.refused);
    /* The rua is still added; p and aspf=s stay. */
    assert_string_equal(change(1, PLAN_ADD, "_dmarc." D, DNS_T_TXT),
        "\"v=DMARC1; p=reject; aspf=s; rua=mailto:d@example.com\"");
    /* Not asked explicitly (a default): kept without a refusal. */
    build(false, false, false);
    assert_false(pl.refused);
    build(true, true, false);
    assert_false(pl.refused);
    assert_string_equal(change(1, PLAN_ADD, "_dmarc." D, DNS_T_TXT),
        "\"v=DMARC1; p=none; aspf=s; rua=mailto:d@example.com\"");
}

static void
dmarc_two_records_merged(void **unused)
{
    (void)unused;
    have("_dmarc." D, DNS_T_TXT, 2, "v=DMARC1; p=none; rua=mailto:a@x.org",
         "v=DMARC1; p=quarantine; rua=mailto:b@example.com");
    want(STEP_DMARC, "_dmarc." D, DNS_T_TXT, "v=DMARC1; p=none");
    build(false, false, false);
    assert_int_equal(pl.n, 3);
    assert_string_equal(change(2, PLAN_ADD, "_dmarc." D, DNS_T_TXT),
        "\"v=DMARC1; p=quarantine; "
        "rua=mailto:a@x.org,mailto:b@example.com\"");
}

static void
cname_goes_first(void **unused)
{
    (void)unused;
    have(D, DNS_T_MX, 1, "10 mail.example.com.");
    have("mail." D, DNS_T_CNAME, 1, "host.example.net.");
    want(STEP_MX, D, DNS_T_MX, "10 mail.example.com.");
    want(STEP_MX, "mail." D, DNS_T_A, "81.7.12.34");
    build(false, false, false);
    assert_int_equal(pl.n, 2);
    assert_string_equal(change(0, PLAN_DELETE, "mail." D, DNS_T_CNAME),
                        "host.example.net.");
    assert_string_equal(change(1, PLAN_ADD, "mail." D, DNS_T_A),
                        "81.7.12.34");
    apply();
    build(false, false, false);
    assert_int_equal(pl.n, 0);
}

static void
host_addresses_kept_when_one_matches(void **unused)
{
    (void)unused;
    have("mail." D, DNS_T_A, 2, "81.7.12.34", "81.7.12.35");
    want(STEP_MX, "mail." D, DNS_T_A, "81.7.12.34");
    build(false, false, false);
    assert_int_equal(pl.n, 0);
    /* None is the declared one: the old address is replaced. */
    plan_live_fini(&live);
    have("mail." D, DNS_T_A, 1, "81.7.12.99");
    build(false, false, false);
    assert_int_equal(pl.n, 2);
    assert_string_equal(change(0, PLAN_DELETE, "mail." D, DNS_T_A),
                        "81.7.12.99");
    assert_string_equal(change(1, PLAN_ADD, "mail." D, DNS_T_A),
                        "81.7.12.34");
}

static void
hijacked_mx_replaced(void **unused)
{
    (void)unused;
    have(D, DNS_T_MX, 1, "10 mx.evil.example.");
    want(STEP_MX, D, DNS_T_MX, "10 mail.example.com.");
    build(false, false, false);
    assert_int_equal(pl.n, 2);
    assert_string_equal(change(0, PLAN_DELETE, D, DNS_T_MX),
                        "10 mx.evil.example.");
    assert_string_equal(change(1, PLAN_ADD, D, DNS_T_MX),
                        "10 mail.example.com.");
    /* The same MX with another case and no dot is the same record. */
    plan_live_fini(&live);
    have(D, DNS_T_MX, 1, "10 MAIL.example.com");
    build(false, false, false);
    assert_int_equal(pl.n, 0);
}

static void
dkim_key_compared_not_text(void **unused)
{
    (void)unused;
    have("s1._domainkey." D, DNS_T_TXT, 1, "v=DKIM1; k=rsa; p=AB CD");
    want(STEP_DKIM, "s1._domainkey." D, DNS_T_TXT, "v=DKIM1; p=ABCD");
    build(false, false, false);
    assert_int_equal(pl.n, 0);
    retarget();
    want(STEP_DKIM, "s1._domainkey." D, DNS_T_TXT, "v=DKIM1; p=EFGH");
    build(false, false, false);
    assert_int_equal(pl.n, 2);
    change(0, PLAN_DELETE, "s1._domainkey." D, DNS_T_TXT);
    change(1, PLAN_ADD, "s1._domainkey." D, DNS_T_TXT);
}

static void
dns_error_is_not_guessed_over(void **unused)
{
    const char *none[1] = { NULL };

    (void)unused;
    plan_live_add(&live, D, DNS_T_TXT, DNS_SERVFAIL, 0, none, none, 0);
    want(STEP_SPF, D, DNS_T_TXT, "v=spf1 ip4:81.7.12.34 ~all");
    want(STEP_DMARC, "_dmarc." D, DNS_T_TXT, "v=DMARC1; p=none");
    build(false, false, false);
    assert_int_equal(pl.status, PLAN_ERROR);
    assert_int_equal(plan_exit(&pl), 3);
    assert_true(findings_has(&pl.findings, "PLAN_DNS_ERROR"));
    /* The other step still gets its change. */
    assert_int_equal(pl.n, 1);
    assert_int_equal(pl.v[0].step, STEP_DMARC);
}

static void
unloadable_change_refused(void **unused)
{
    char owner[100];

    (void)unused;
    memset(owner, 'a', 70);
    strcpy(owner + 70, "." D);
    want(STEP_MX, owner, DNS_T_A, "81.7.12.34");
    build(false, false, false);
    assert_int_equal(pl.n, 0);
    assert_true(findings_has(&pl.findings, "PLAN_UNSAFE"));
    assert_int_equal(plan_exit(&pl), 2);
}

static void
long_txt_split(void **unused)
{
    char rec[400];

    (void)unused;
    strcpy(rec, "v=DKIM1; p=");
    memset(rec + 11, 'A', 380);
    rec[391] = '\0';
    want(STEP_DKIM, "s1._domainkey." D, DNS_T_TXT, rec);
    build(false, false, false);
    const char *d = change(0, PLAN_ADD, "s1._domainkey." D, DNS_T_TXT);
    assert_non_null(strstr(d, "\" \""));
    assert_true(strcspn(d + 1, "\"") <= 255);
}

/* MTA-STS: the target asks for mode m (and TLS reports to rua). */
static void
want_sts(enum mtasts_mode m, const char *rua)
{
    want(STEP_MX, D, DNS_T_MX, "10 mail." D ".");
    tg.sts_asked = true;
    tg.sts_mode = (int)m;
    free(tg.sts_policy);
    tg.sts_policy = xstrdup("(built by export_plan_build)");
    free(tg.tls_rua);
    tg.tls_rua = rua != NULL ? xstrdup(rua) : NULL;
    fill("_mta-sts." D);
    fill("_smtp._tls." D);
}

static void
sts_enforce_never_lowered(void **unused)
{
    (void)unused;
    have("_mta-sts." D, DNS_T_TXT, 1, "v=STSv1; id=live1");
    have("_smtp._tls." D, DNS_T_TXT, 1, "v=TLSRPTv1; rua=mailto:t@" D);
    plan_live_set_sts(&live, "version: STSv1\nmode: enforce\n"
                      "mx: mail." D "\nmax_age: 604800\n", NULL);
    want_sts(MTASTS_MODE_TESTING, "other@" D);
    build(false, false, false);
    assert_true(pl.refused);
    assert_int_equal(plan_exit(&pl), 2);
    /* The same policy as live, in mode enforce: nothing to publish. */
    assert_null(pl.sts_policy);
    assert_int_equal(plan_step_count(&pl, STEP_SMTP), 0);
    bool weaker = false, kept = false;
    for (size_t i = 0; i < pl.findings.n; i++) {
        weaker |= strcmp(pl.findings.v[i].id, "PLAN_WEAKER") == 0;
        kept |= strcmp(pl.findings.v[i].id, "PLAN_TLSRPT_KEPT") == 0;
    }
    assert_true(weaker);
    assert_true(kept);
    /* Allowed: testing, a new policy and a new id. */
    build(true, false, false);
    assert_false(pl.refused);
    assert_non_null(pl.sts_policy);
    assert_non_null(strstr(pl.sts_policy, "mode: testing\r\n"));
    assert_int_equal(plan_step_count(&pl, STEP_SMTP), 2);
    size_t at = pl.n - 2;       /* the last step's */
    assert_non_null(strstr(change(at, PLAN_DELETE, "_mta-sts." D,
                                  DNS_T_TXT), "id=live1"));
    assert_null(strstr(change(at + 1, PLAN_ADD, "_mta-sts." D, DNS_T_TXT),
                       "id=live1"));
}

static void
sts_new_then_nothing(void **unused)
{
    (void)unused;
    plan_live_set_sts(&live, NULL, "HTTP status 404");
    want_sts(MTASTS_MODE_TESTING, "t@" D);
    build(false, false, false);
    assert_int_equal(plan_exit(&pl), 1);
    assert_non_null(pl.sts_policy);
    assert_int_equal(plan_step_count(&pl, STEP_SMTP), 2);
    assert_true(strncmp(change(pl.n - 2, PLAN_ADD, "_mta-sts." D, DNS_T_TXT),
                        "\"v=STSv1; id=", 13) == 0);
    assert_string_equal(change(pl.n - 1, PLAN_ADD, "_smtp._tls." D,
                               DNS_T_TXT),
                        "\"v=TLSRPTv1; rua=mailto:t@" D "\"");
}

static void
sts_unreadable_is_could_not_check(void **unused)
{
    (void)unused;
    have("_mta-sts." D, DNS_T_TXT, 1, "v=STSv1; id=live1");
    plan_live_set_sts(&live, NULL, "Couldn't connect to server");
    want_sts(MTASTS_MODE_ENFORCE, NULL);
    build(false, false, false);
    assert_int_equal(plan_exit(&pl), 3);
    assert_int_equal(plan_step_count(&pl, STEP_SMTP), 0);
    assert_null(pl.sts_policy);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(spf_ok_is_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(spf_gains_term_keeps_hard_fail,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(spf_two_records_merged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            spf_plus_all_is_raised_and_redirect_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(
            spf_weaker_all_refused_unless_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(spf_over_ten_lookups_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dmarc_rua_never_dropped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dmarc_lower_policy_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dmarc_two_records_merged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(cname_goes_first, setup, teardown),
        cmocka_unit_test_setup_teardown(host_addresses_kept_when_one_matches,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(hijacked_mx_replaced, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dkim_key_compared_not_text, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(dns_error_is_not_guessed_over,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(unloadable_change_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(long_txt_split, setup, teardown),
        cmocka_unit_test_setup_teardown(sts_enforce_never_lowered, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sts_new_then_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sts_unreadable_is_could_not_check,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
