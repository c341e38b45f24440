/* test_export.c - the records the saved answers imply, per step, and the
 * master-file and DNS-panel forms of a record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/gen_dkim.h"
#include "mailready/util.h"

static struct preset_list *presets;

static int
setup(void **unused)
{
    const char *dir = getenv("MAILREADY_DATADIR");
    char *path = xasprintf("%s/providers.json", dir != NULL ? dir : "data");
    char *err = NULL;

    (void)unused;
    if (preset_load(path, &presets, &err) != RC_OK) {
        fprintf(stderr, "%s\n", err);
        free(err);
        free(path);
        return -1;
    }
    free(path);
    return 0;
}

static int
teardown(void **unused)
{
    (void)unused;
    preset_list_free(presets);
    return 0;
}

/* The rdata of the first record of type at owner in l, or NULL. */
static const char *
rr_get(const struct gen_rrs *l, const char *owner, uint16_t type)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].type == type && strcmp(l->v[i].owner, owner) == 0)
            return l->v[i].rdata;
    return NULL;
}

static void
export__no_answers__no_guessed_records(void **unused)
{
    struct state *s = state_new("a.example");
    struct export_plan p;

    (void)unused;
    export_plan_build("a.example", &s->answers, presets, &p);
    /* Never a null MX for a domain we know nothing about. */
    for (int i = 0; i < STEP_COUNT; i++)
        assert_int_equal(p.rrs[i].n, 0);
    assert_true(findings_has(&p.notes[STEP_MX], "EXPORT_NO_ANSWERS"));
    assert_true(findings_has(&p.notes[STEP_DKIM], "EXPORT_NO_DKIM_KEY"));
    export_plan_fini(&p);
    state_free(s);
}

static void
export__own_server__records_per_step(void **unused)
{
    struct state *s = state_new("a.example");
    struct export_plan p;

    (void)unused;
    state_strs_add(&s->answers.server_ips, "45.67.89.10");
    s->answers.hostname = xstrdup("mail.a.example");
    state_strs_add(&s->answers.dmarc_rua, "dmarc@a.example");
    export_plan_build("a.example", &s->answers, presets, &p);
    assert_string_equal(rr_get(&p.rrs[STEP_MX], "a.example", DNS_T_MX),
                        "10 mail.a.example.");
    assert_string_equal(rr_get(&p.rrs[STEP_MX], "mail.a.example",
                               DNS_T_A), "45.67.89.10");
    assert_string_equal(rr_get(&p.rrs[STEP_SPF], "a.example", DNS_T_TXT),
                        "v=spf1 ip4:45.67.89.10 ~all");
    assert_string_equal(rr_get(&p.rrs[STEP_DMARC], "_dmarc.a.example",
                               DNS_T_TXT),
                        "v=DMARC1; p=none; rua=mailto:dmarc@a.example");
    assert_string_equal(rr_get(&p.elsewhere[STEP_PTR],
                               "10.89.67.45.in-addr.arpa", DNS_T_PTR),
                        "mail.a.example.");
    /* No DKIM key: the generator's advice to make one. */
    assert_int_equal(p.rrs[STEP_DKIM].n, 0);
    assert_true(findings_has(&p.notes[STEP_DKIM], "GEN_DKIM_OWN"));
    export_plan_fini(&p);
    state_free(s);
}

static void
export__provider_and_key_file__dkim_record(void **unused)
{
    struct state *s = state_new("b.example");
    struct gen_dkim_key *k = NULL;
    char path[] = "/tmp/mr-export-key-XXXXXX";
    struct export_plan p;
    int fd, err = 0;

    (void)unused;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    assert_int_equal(gen_dkim_keypair(GEN_DKIM_ED25519, 0, &k), RC_OK);
    assert_int_equal(gen_dkim_write_key(k, path, &err), RC_OK);

    state_strs_add(&s->answers.providers, "google");
    /* A sending host whose name is not the MX: PTR requests still. */
    state_strs_add(&s->answers.server_ips, "45.67.89.11");
    s->answers.hostname = xstrdup("out.b.example");
    state_answers_selector_add(&s->answers, "s1")->key_path = xstrdup(path);
    state_answers_selector_add(&s->answers, "s2")->key_path =
        xstrdup("/nonexistent/s2.private");
    s->answers.dmarc_policy = STATE_POLICY_QUARANTINE;
    export_plan_build("b.example", &s->answers, presets, &p);

    /* MX from the provider, not the host name. */
    const char *mx = rr_get(&p.rrs[STEP_MX], "b.example", DNS_T_MX);
    assert_non_null(mx);
    assert_null(strstr(mx, "out.b.example"));
    char *want = gen_dkim_record(k);
    assert_string_equal(rr_get(&p.rrs[STEP_DKIM], "s1._domainkey.b.example",
                               DNS_T_TXT), want);
    free(want);
    assert_true(findings_has(&p.notes[STEP_DKIM],
                             "EXPORT_DKIM_KEY_UNREADABLE"));
    assert_false(findings_has(&p.notes[STEP_DKIM], "GEN_DKIM_OWN"));
    assert_string_equal(rr_get(&p.rrs[STEP_DMARC], "_dmarc.b.example",
                               DNS_T_TXT), "v=DMARC1; p=quarantine");
    assert_string_equal(rr_get(&p.elsewhere[STEP_PTR],
                               "11.89.67.45.in-addr.arpa", DNS_T_PTR),
                        "out.b.example.");
    assert_false(findings_has(&p.notes[STEP_PTR], "GEN_PTR_NO_HOST"));
    const char *spf = rr_get(&p.rrs[STEP_SPF], "b.example", DNS_T_TXT);
    assert_non_null(spf);
    assert_non_null(strstr(spf, "include:_spf.google.com"));
    assert_non_null(strstr(spf, "ip4:45.67.89.11"));

    export_plan_fini(&p);
    state_free(s);
    gen_dkim_key_free(k);
    unlink(path);
}

static void
export__unknown_provider__noted(void **unused)
{
    struct state *s = state_new("c.example");
    struct export_plan p;

    (void)unused;
    state_strs_add(&s->answers.providers, "no-such-provider");
    state_strs_add(&s->answers.server_ips, "45.67.89.12");
    export_plan_build("c.example", &s->answers, presets, &p);
    assert_true(findings_has(&p.notes[STEP_MX], "EXPORT_UNKNOWN_PROVIDER"));
    assert_non_null(rr_get(&p.rrs[STEP_SPF], "c.example", DNS_T_TXT));
    export_plan_fini(&p);
    state_free(s);
}

static void
export__wizard_answers__used(void **unused)
{
    struct state *s = state_new("d.example");
    struct export_plan p;

    (void)unused;
    state_strs_add(&s->answers.server_ips, "45.67.89.13");
    s->answers.hostname = xstrdup("mail.d.example");
    s->answers.dmarc_policy = STATE_POLICY_REJECT;
    /* The key file is gone, the copy of its record kept with it is not. */
    state_answers_set_key(&s->answers, "w1", "/nonexistent/w1.private",
                          "ed25519", "v=DKIM1; k=ed25519; p=AAAA");
    s->answers.dmarc_sp = STATE_POLICY_QUARANTINE;
    s->answers.dmarc_strict = true;
    export_plan_build("d.example", &s->answers, presets, &p);
    assert_string_equal(rr_get(&p.rrs[STEP_DMARC], "_dmarc.d.example",
                               DNS_T_TXT),
                        "v=DMARC1; p=reject; sp=quarantine; adkim=s; "
                        "aspf=s");
    assert_string_equal(rr_get(&p.rrs[STEP_DKIM], "w1._domainkey.d.example",
                               DNS_T_TXT), "v=DKIM1; k=ed25519; p=AAAA");
    assert_false(findings_has(&p.notes[STEP_DKIM],
                              "EXPORT_DKIM_KEY_UNREADABLE"));
    export_plan_fini(&p);
    state_free(s);
}

static void
export__own_send_only__provider_mx_and_ptr(void **unused)
{
    struct state *s = state_new("e.example");
    struct export_plan p;

    (void)unused;
    state_strs_add(&s->answers.providers, "google");
    state_strs_add(&s->answers.providers, "own");
    state_strs_add(&s->answers.server_ips, "45.67.89.14");
    s->answers.hostname = xstrdup("news.e.example");
    s->answers.own_send_only = true;
    export_plan_build("e.example", &s->answers, presets, &p);
    assert_string_equal(rr_get(&p.rrs[STEP_MX], "e.example", DNS_T_MX),
                        "1 smtp.google.com.");
    assert_string_equal(rr_get(&p.rrs[STEP_MX], "news.e.example",
                               DNS_T_A), "45.67.89.14");
    assert_string_equal(rr_get(&p.rrs[STEP_SPF], "e.example", DNS_T_TXT),
                        "v=spf1 ip4:45.67.89.14 include:_spf.google.com "
                        "~all");
    assert_string_equal(rr_get(&p.elsewhere[STEP_PTR],
                               "14.89.67.45.in-addr.arpa", DNS_T_PTR),
                        "news.e.example.");
    assert_int_equal(p.elsewhere[STEP_PTR].n, 1);
    assert_false(findings_has(&p.notes[STEP_MX], "GEN_TWO_RECEIVERS"));
    export_plan_fini(&p);
    state_free(s);
}

static void
export__relative_name(void **unused)
{
    char *r;

    (void)unused;
    r = export_relative_name("a.example", "a.example");
    assert_string_equal(r, "@");
    free(r);
    r = export_relative_name("_dmarc.A.example", "a.example");
    assert_string_equal(r, "_dmarc");
    free(r);
    r = export_relative_name("s1._domainkey.a.example", "a.example");
    assert_string_equal(r, "s1._domainkey");
    free(r);
    r = export_relative_name("xa.example", "a.example");
    assert_string_equal(r, "xa.example.");
    free(r);
    r = export_relative_name("10.89.67.45.in-addr.arpa", "a.example");
    assert_string_equal(r, "10.89.67.45.in-addr.arpa.");
    free(r);
}

static void
export__zone_record__fits_the_page(void **unused)
{
    struct gen_rr rr = { (char *)"_dmarc.a.example", DNS_T_TXT, NULL, NULL };
    char *long_txt = xmalloc(401), *line;

    (void)unused;
    /* Short: one line. */
    rr.rdata = (char *)"v=DMARC1; p=none";
    line = export_zone_record(&rr, 3600, EXPORT_ZONE_CHUNK, 4);
    assert_string_equal(line,
                        "_dmarc.a.example. 3600 IN TXT \"v=DMARC1; p=none\"");
    free(line);
    /* Long: strings of at most 60 bytes in parentheses, each line short;
     * joined they give the data back. */
    memset(long_txt, 'k', 400);
    long_txt[400] = '\0';
    rr.rdata = long_txt;
    line = export_zone_record(&rr, 3600, EXPORT_ZONE_CHUNK, 4);
    assert_non_null(strstr(line, "IN TXT (\n    \""));
    assert_non_null(strstr(line, "\" )"));
    size_t joined = 0, l = 0;
    for (const char *c = line; *c != '\0'; c++) {
        if (*c == '\n') {
            assert_true(l <= EXPORT_ZONE_WIDTH);
            l = 0;
            continue;
        }
        l++;
        if (*c == 'k')
            joined++;
    }
    assert_int_equal(joined, 400);
    free(line);

    /* Panel split: only above 255 bytes, strings of at most 255. */
    char **v = NULL;
    assert_int_equal(export_panel_split("v=spf1 -all", &v), 0);
    assert_null(v);
    size_t n = export_panel_split(long_txt, &v);
    assert_int_equal(n, 2);
    assert_int_equal(strlen(v[0]), 255 + 2);
    assert_int_equal(strlen(v[1]), 145 + 2);
    assert_int_equal(v[0][0], '"');
    export_chunks_free(v, n);
    free(long_txt);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(export__no_answers__no_guessed_records),
        cmocka_unit_test(export__own_server__records_per_step),
        cmocka_unit_test(export__provider_and_key_file__dkim_record),
        cmocka_unit_test(export__unknown_provider__noted),
        cmocka_unit_test(export__wizard_answers__used),
        cmocka_unit_test(export__own_send_only__provider_mx_and_ptr),
        cmocka_unit_test(export__relative_name),
        cmocka_unit_test(export__zone_record__fits_the_page),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
