/* test_export.c - the records the saved answers imply, per step, the
 * master-file and DNS-panel forms of a record, and the checklist: one
 * document rendered in every format says every item, in the language of
 * the translation table it is given; -o writes files in place or
 * atomically as export_write() promises. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
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
    struct rc_err err = { 0 };

    (void)unused;
    if (preset_load(path, &presets, &err) != RC_OK) {
        fprintf(stderr, "%s\n", err.nargs > 1 ? err.args[1] : "?");
        rc_err_fini(&err);
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

/* ---- the checklist ------------------------------------------------------ */

/* A translation table of the test's own: a few words "translated" with a
 * marker, everything else as is; a finding's message formatted from its
 * msgid with its arguments. */
static const char *
t_gettext(const char *msgid)
{
    if (strcmp(msgid, "Not checked yet.") == 0)
        return "TR-not-checked-yet";
    if (strcmp(msgid, "Mail DNS checklist for %s") == 0)
        return "TR-checklist %s";
    if (strcmp(msgid, "Records someone else publishes:") == 0)
        return "TR-elsewhere";
    return msgid;
}

static const char *
t_ngettext(const char *one, const char *many, unsigned long n)
{
    return n == 1 ? one : many;
}

static char *
t_finding_message(const struct finding *f)
{
    const char *a[FINDING_MAX_ARGS];

    for (int i = 0; i < FINDING_MAX_ARGS; i++)
        a[i] = i < f->nargs ? f->args[i] : "";
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    return xasprintf(f->msgid, a[0], a[1], a[2], a[3], a[4], a[5]);
#pragma GCC diagnostic pop
}

static const char *
t_status_word(enum check_status st)
{
    return st == ST_OK ? "WORD-OK" : st == ST_FAIL ? "WORD-FAIL"
           : st == ST_WARN ? "WORD-WARN" : "WORD-ERROR";
}

static const char *
t_status_tag(enum check_status st, bool utf8)
{
    (void)utf8;
    return st == ST_OK ? "[ok]" : "[no]";
}

static const char *
t_sev_tag(enum sev s, bool utf8)
{
    (void)utf8;
    return s == SEV_INFO ? "[i]" : "[!]";
}

static const struct export_tr test_tr = {
    .gettext_fn = t_gettext,
    .ngettext_fn = t_ngettext,
    .finding_message = t_finding_message,
    .status_word = t_status_word,
    .status_tag = t_status_tag,
    .sev_tag = t_sev_tag,
};

/* A saved result for step: status, one finding with one argument. */
static void
step_set(struct state *s, enum check_step step, enum check_status st,
         enum sev sev, const char *id, const char *msgid, const char *arg)
{
    struct state_step *ss = &s->steps[step];

    ss->present = true;
    ss->status = st;
    ss->checked_at = 1764806400;       /* 2025-12-04 00:00 UTC */
    ss->first_passed_at = st == ST_OK ? 1764720000 : 0;
    ss->findings = xcalloc(1, sizeof(*ss->findings));
    ss->n_findings = 1;
    ss->findings[0].id = xstrdup(id);
    ss->findings[0].sev = sev;
    ss->findings[0].msgid = xstrdup(msgid);
    ss->findings[0].args[0] = xstrdup(arg);
    ss->findings[0].nargs = 1;
}

/* The state of a.example: MX fails, SPF passes, DMARC warns, DKIM and
 * PTR were never checked; the answers: an own server, a report address. */
static struct state *
sample_state(void)
{
    struct state *s = state_new("a.example");

    state_strs_add(&s->answers.server_ips, "45.67.89.10");
    s->answers.hostname = xstrdup("mail.a.example");
    state_strs_add(&s->answers.dmarc_rua, "dmarc@a.example");
    s->checked_at = 1764806400;
    step_set(s, STEP_MX, ST_FAIL, SEV_FAIL, "MX_MISSING",
             "MX-FINDING %s has no MX record", "a.example");
    step_set(s, STEP_SPF, ST_OK, SEV_INFO, "SPF_OK",
             "SPF-FINDING the record %s is fine", "v=spf1 mx -all");
    step_set(s, STEP_DMARC, ST_WARN, SEV_WARN, "DMARC_RUA_INVALID",
             "DMARC-FINDING bad rua %s",
             "mailto:evil@x.example,https://x.example/<script>");
    return s;
}

/* Every item of the document, and the data of each, in out. */
static void
assert_every_item(const char *out, enum export_format fmt, const char *name)
{
    static const char *const everywhere[] = {
        "TR-checklist a.example",
        /* every step, checked or not */
        "Mail servers (MX)", "Allowed senders (SPF)",
        "Signatures (DKIM)", "Policy (DMARC)", "Reverse DNS (PTR)",
        "WORD-FAIL", "WORD-OK", "WORD-WARN",
        "TR-not-checked-yet", "Last checked: 2025-12-04 00:00 UTC",
        "First passed: 2025-12-03 00:00 UTC",
        "What to do:", "Nothing to do; notes:",
        "MX-FINDING a.example has no MX record",
        "SPF-FINDING the record v=spf1 mx -all is fine",
        "DMARC-FINDING bad rua",
        "Records to publish in your zone:", "TR-elsewhere",
        "10.89.67.45.in-addr.arpa.", "Overall: WORD-FAIL",
        "Long values are cut across lines", "Zone snippet",
        "a.example. 3600 IN MX 10 mail.a.example.",
    };
    static const char *const in_tables[] = {
        "10 mail.a.example.",
        "v=DMARC1; p=none; rua=mailto:dmarc@a.example",
        "45.67.89.10", "mail.a.example.",
    };

    if (fmt == EXPORT_ZONE) {
        assert_non_null(strstr(out, "; TR-checklist a.example\n"));
        assert_non_null(strstr(out, "$TTL 3600\n"));
        assert_non_null(strstr(out, "a.example. 3600 IN MX 10 "
                                    "mail.a.example.\n"));
        assert_non_null(strstr(out, "_dmarc.a.example. 3600 IN TXT "));
        return;
    }
    for (size_t i = 0; i < ARRAY_LEN(everywhere); i++)
        if (strstr(out, everywhere[i]) == NULL)
            fail_msg("%s: \"%s\" missing", name, everywhere[i]);
    for (size_t i = 0; i < ARRAY_LEN(in_tables); i++)
        if (strstr(out, in_tables[i]) == NULL)
            fail_msg("%s: \"%s\" missing", name, in_tables[i]);
    /* The passing step (SPF) asks for nothing: no record of its own. */
    assert_null(strstr(out, "Replace any other SPF record"));
}

static void
export__every_format__says_every_item(void **unused)
{
    static const struct {
        enum export_format fmt;
        const char *name;
    } fmts[] = {
        { EXPORT_TXT, "txt" }, { EXPORT_MD, "md" },
        { EXPORT_HTML, "html" }, { EXPORT_ZONE, "zone" },
    };
    struct state *s = sample_state();
    struct export_plan p;
    struct export_doc doc;

    (void)unused;
    export_plan_build("a.example", &s->answers, presets, &p);
    /* Delivery did not run and has nothing to publish: no item (it
     * would say "not checked" and make the whole list so). */
    s->steps[STEP_SMTP].present = true;
    export_doc_build(&doc, s, &p, NULL, "a.example", NULL, true, 1764806400);
    assert_int_equal(doc.n, STEP_COUNT);
    s->steps[STEP_SMTP].present = false;
    export_doc_build(&doc, s, &p, NULL, "a.example", NULL, true, 1764806400);
    assert_int_equal(doc.n, STEP_COUNT - 1);
    assert_int_equal(doc.overall, ST_FAIL);
    for (size_t i = 0; i < ARRAY_LEN(fmts); i++) {
        char *out = export_render(&doc, fmts[i].fmt, &test_tr, false);

        assert_every_item(out, fmts[i].fmt, fmts[i].name);
        free(out);
    }
    export_plan_fini(&p);
    state_free(s);
}

/* What a Markdown renderer would make a link: an '@' or "scheme:" or
 * "www." outside a code span. */
static void
assert_md_inert(const char *md)
{
    const char *p = md;

    while (*p != '\0') {
        if (*p == '`') {
            size_t n = strspn(p, "`");
            char *close = xstrndup(p, n);
            const char *end = strstr(p + n, close);

            free(close);
            assert_non_null(end);
            p = end + n;
            continue;
        }
        if (*p == '@' || strncmp(p, "://", 3) == 0 ||
            strncmp(p, "mailto:", 7) == 0 || strncmp(p, "www.", 4) == 0)
            fail_msg("a link outside code: %.40s", p);
        if (*p == '<' && (p == md || p[-1] != '\\'))
            fail_msg("raw HTML outside code: %.40s", p);
        p++;
    }
}

static void
export__markdown__addresses_are_code(void **unused)
{
    struct state *s = sample_state();
    struct export_plan p;
    struct export_doc doc;
    char *md, *html;

    (void)unused;
    export_plan_build("a.example", &s->answers, presets, &p);
    export_doc_build(&doc, s, &p, NULL, "a.example", NULL, false, 1764806400);
    md = export_render(&doc, EXPORT_MD, &test_tr, true);
    assert_md_inert(md);
    /* The address from DNS is there, as code. */
    assert_non_null(strstr(md, "`mailto:evil@x.example,https://x.example/"
                               "<script>`"));
    html = export_render(&doc, EXPORT_HTML, &test_tr, true);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<a "));
    assert_null(strstr(html, "href="));
    assert_non_null(strstr(html, "https://x.example/&lt;script&gt;"));
    free(md);
    free(html);
    export_plan_fini(&p);
    state_free(s);
}

/* ---- export -o ------------------------------------------------------------ */

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[256];
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return xstrdup(buf);
}

static void
export__write__files_links_and_devices(void **unused)
{
    char dir[] = "/tmp/mr-export-write-XXXXXX";
    struct rc_err err = { 0 };
    struct stat st;
    char *f, *l, *fifo, *sub, *got;

    (void)unused;
    assert_non_null(mkdtemp(dir));
    f = xasprintf("%s/c.txt", dir);
    l = xasprintf("%s/link.txt", dir);
    fifo = xasprintf("%s/fifo", dir);
    sub = xasprintf("%s/no/such/c.txt", dir);

    /* An existing file keeps its mode. */
    assert_int_equal(export_write(f, "one\n", 4, &err), RC_OK);
    assert_int_equal(chmod(f, 0640), 0);
    assert_int_equal(export_write(f, "two\n", 4, &err), RC_OK);
    assert_int_equal(stat(f, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    got = slurp(f);
    assert_string_equal(got, "two\n");
    free(got);

    /* A link is written through and stays a link. */
    assert_int_equal(symlink("c.txt", l), 0);
    assert_int_equal(export_write(l, "three\n", 6, &err), RC_OK);
    assert_int_equal(lstat(l, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    got = slurp(f);
    assert_string_equal(got, "three\n");
    free(got);

    /* A character device is written in place. */
    assert_int_equal(export_write("/dev/null", "x\n", 2, &err), RC_OK);
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));

    /* A directory is refused with its reason. */
    assert_int_equal(export_write(dir, "x\n", 2, &err), RC_INVALID);
    assert_int_equal(err.errnum, EISDIR);
    assert_non_null(err.msgid);
    assert_string_equal(err.args[0], dir);
    rc_err_fini(&err);

    /* A socket is refused: neither a file nor a stream to write to. */
    {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char *sock = xasprintf("%s/sock", dir);
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        assert_true(fd >= 0);
        str_copy(sa.sun_path, sock, sizeof(sa.sun_path));
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        assert_int_equal(export_write(sock, "x\n", 2, &err), RC_INVALID);
        assert_int_equal(err.errnum, 0);
        assert_non_null(strstr(err.msgid, "named pipe"));
        assert_int_equal(lstat(sock, &st), 0);
        assert_true(S_ISSOCK(st.st_mode));
        rc_err_fini(&err);
        close(fd);
        unlink(sock);
        free(sock);
    }

    /* A missing directory: the path that failed and its errno. */
    assert_int_equal(export_write(sub, "x\n", 2, &err), RC_IO);
    assert_int_equal(err.errnum, ENOENT);
    assert_non_null(strstr(err.args[0], "/no/such"));
    rc_err_fini(&err);

    /* A dangling link is refused. */
    assert_int_equal(unlink(f), 0);
    assert_int_equal(export_write(l, "x\n", 2, &err), RC_IO);
    assert_int_equal(err.errnum, ENOENT);
    rc_err_fini(&err);

    unlink(l);
    unlink(fifo);
    rmdir(dir);
    free(f);
    free(l);
    free(fifo);
    free(sub);
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
        cmocka_unit_test(export__every_format__says_every_item),
        cmocka_unit_test(export__markdown__addresses_are_code),
        cmocka_unit_test(export__write__files_links_and_devices),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
