/* check_dkim.c - the DKIM step: the key records at the selectors given
 * with --selector, or found by trying well-known selectors all at once
 * (data/selectors.txt plus dated YYYYMM forms).  Records are followed
 * through CNAME (Microsoft 365 delegates so), their strings joined, their
 * tags parsed and their keys decoded (RFC 6376 §3.6.1, RFC 8463); key
 * sizes are judged by RFC 8301.  --dkim-key compares a private key file
 * with the published key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailready/check_dkim.h"
#include "mailready/dkim.h"
#include "mailready/name.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* Bounds against hostile or silly input. */
#define DKIM_MAX_SELECTORS 256
#define DKIM_MAX_HOPS 8
#define DKIM_SELECTOR_FILE_MAX (64 * 1024)

struct dkim_sel {
    struct dkim_state *st;
    char *selector;
    char *qname;                    /* SELECTOR._domainkey.DOMAIN */
    bool given;                     /* from --selector */
    const struct dns_answer *ans;   /* the answer holding the data */
    int hops;                       /* CNAME re-queries done */
};

struct dkim_state {
    struct check_ctx *ctx;
    struct dkim_sel *sel;
    size_t nsel;
    const struct dns_answer *txt;   /* the domain's TXT (its SPF) */
    bool list_unreadable;
    int keys_found;
};

/* --- the domain's SPF, shared by the DMARC and PTR steps --- */

static bool
is_spf1(const char *s, size_t len)
{
    return len >= 6 && str_nieq(s, "v=spf1", 6) &&
           (len == 6 || s[6] == ' ');
}

void
check_spf_view(const struct dns_answer *txt, struct check_spf_view *out)
{
    const struct dns_rr *rr = NULL;
    bool only_all = false;

    memset(out, 0, sizeof(*out));
    if (txt == NULL || dns_status_is_error(txt->status))
        return;
    out->known = true;
    while ((rr = dns_answer_next(txt, DNS_T_TXT, rr)) != NULL) {
        size_t len;
        char *s = dns_txt_join(rr, &len);

        if (is_spf1(s, len)) {
            out->n_spf++;
            /* Exactly one term after the version: "-all". */
            const char *p = s + 6;
            size_t terms = 0;
            bool all = false;
            while (*p != '\0') {
                while (*p == ' ')
                    p++;
                if (*p == '\0')
                    break;
                const char *q = p;
                while (*q != '\0' && *q != ' ')
                    q++;
                terms++;
                all = (size_t)(q - p) == 4 && str_nieq(p, "-all", 4);
                p = q;
            }
            only_all = terms == 1 && all;
        }
        free(s);
    }
    out->no_mail = out->n_spf == 1 && only_all;
}

/* --- the selector list --- */

static bool
selector_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > 200 || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (const char *p = s; *p != '\0'; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
        if (c == '.' && p[1] == '.')
            return false;
    }
    return true;
}

static void
list_add(char ***v, size_t *n, const char *s, size_t len)
{
    char *x = xstrndup(s, len);

    str_lower(x);
    if (!selector_ok(x) || *n >= DKIM_MAX_SELECTORS) {
        free(x);
        return;
    }
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*v)[i], x) == 0) {
            free(x);
            return;
        }
    }
    *v = xreallocarray(*v, *n + 1, sizeof(**v));
    (*v)[(*n)++] = x;
}

bool
check_dkim_selector_list(const char *datadir, long long now, char ***out,
                         size_t *n)
{
    char *path = NULL, *buf = NULL;
    FILE *f = NULL;
    size_t len = 0;
    bool ok = false;
    time_t t = (time_t)now;
    struct tm tm;

    *out = NULL;
    *n = 0;
    if (datadir != NULL) {
        path = xasprintf("%s/selectors.txt", datadir);
        f = fopen(path, "r");
    }
    if (f != NULL) {
        buf = xmalloc(DKIM_SELECTOR_FILE_MAX + 1);
        len = fread(buf, 1, DKIM_SELECTOR_FILE_MAX, f);
        ok = !ferror(f);
        fclose(f);
        buf[len] = '\0';
        for (char *line = buf; ok && line < buf + len;) {
            char *nl = strchr(line, '\n');
            char *end = nl != NULL ? nl : buf + len;
            char *hash = memchr(line, '#', (size_t)(end - line));
            char *a = line, *b = hash != NULL ? hash : end;

            while (a < b && (*a == ' ' || *a == '\t'))
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t' ||
                             b[-1] == '\r'))
                b--;
            if (b > a)
                list_add(out, n, a, (size_t)(b - a));
            line = end + 1;
        }
    }
    /* Dated forms: this month and the ones before it. */
    if (gmtime_r(&t, &tm) != NULL) {
        int y = tm.tm_year + 1900, m = tm.tm_mon + 1;

        for (int i = 0; i < CHECK_DKIM_DATED_MONTHS; i++) {
            char d[16];
            int len_d = snprintf(d, sizeof(d), "%04d%02d", y, m);
            if (len_d > 0 && (size_t)len_d < sizeof(d))
                list_add(out, n, d, (size_t)len_d);
            if (--m == 0) {
                m = 12;
                y--;
            }
        }
    }
    free(buf);
    free(path);
    return ok;
}

/* --- queries --- */

static void on_sel(void *arg, const struct dns_answer *ans);

static void
on_sel(void *arg, const struct dns_answer *ans)
{
    struct dkim_sel *s = arg;

    /* dns_free() with the run in flight: record nothing, ask nothing. */
    if (ans->status == DNS_CANCELLED)
        return;
    s->ans = ans;
    /* An authoritative server answers a CNAME to another zone with the
     * CNAME alone: ask again at its target. */
    if ((ans->status == DNS_OK || ans->status == DNS_NODATA) &&
        dns_answer_count(ans, DNS_T_TXT) == 0 &&
        !name_eq(ans->canon, ans->qname) && s->hops < DKIM_MAX_HOPS) {
        s->hops++;
        dns_query(s->st->ctx->dns, ans->canon, DNS_T_TXT, on_sel, s);
    }
}

static void
on_txt(void *arg, const struct dns_answer *ans)
{
    struct dkim_state *st = arg;

    /* dns_free() with the run in flight: record nothing, ask nothing. */
    if (ans->status == DNS_CANCELLED)
        return;
    st->txt = ans;
}

static void
add_sel(struct dkim_state *st, const char *sel, bool given)
{
    struct dkim_sel *s;

    st->sel = xreallocarray(st->sel, st->nsel + 1, sizeof(*st->sel));
    s = &st->sel[st->nsel++];
    memset(s, 0, sizeof(*s));
    s->st = st;
    s->selector = xstrdup(sel);
    s->qname = xasprintf("%s._domainkey.%s", sel, st->ctx->opts->domain);
    s->given = given;
}

static void
dkim_start(struct check_ctx *ctx)
{
    struct dkim_state *st = xcalloc(1, sizeof(*st));
    const struct check_opts *o = ctx->opts;

    st->ctx = ctx;
    st->keys_found = -1;
    ctx->state[STEP_DKIM] = st;
    dns_query(ctx->dns, o->domain, DNS_T_TXT, on_txt, st);
    if (o->n_selectors > 0) {
        for (size_t i = 0; i < o->n_selectors && i < DKIM_MAX_SELECTORS;
             i++)
            add_sel(st, o->selectors[i], true);
    } else {
        char **list;
        size_t n;

        st->list_unreadable = !check_dkim_selector_list(
            o->datadir, (long long)time(NULL), &list, &n);
        for (size_t i = 0; i < n; i++) {
            add_sel(st, list[i], false);
            free(list[i]);
        }
        free(list);
    }
    /* Every selector at once: discovery costs one round trip. */
    for (size_t i = 0; i < st->nsel; i++)
        dns_query(ctx->dns, st->sel[i].qname, DNS_T_TXT, on_sel,
                  &st->sel[i]);
}

static void
dkim_free_state(void *p)
{
    struct dkim_state *st = p;

    for (size_t i = 0; i < st->nsel; i++) {
        free(st->sel[i].selector);
        free(st->sel[i].qname);
    }
    free(st->sel);
    free(st);
}

int
check_dkim_keys_found(const struct check_ctx *ctx)
{
    const struct dkim_state *st = ctx->state[STEP_DKIM];

    if (!(ctx->steps & (1u << STEP_DKIM)) || st == NULL)
        return -1;
    return st->keys_found;
}

size_t
check_dkim_record_selectors(const json_t *records, const char **out,
                            size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < json_array_size(records) && n < max; i++) {
        const char *sel = json_string_value(json_object_get(
            json_array_get(records, i), "selector"));
        char *al = NULL, *ul = NULL;
        const char *why = NULL;
        bool ok, seen = false;

        if (sel == NULL || strlen(sel) > 63)
            continue;
        ok = name_normalize(sel, true, true, &al, &ul, &why) == RC_OK;
        free(al);
        free(ul);
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(out[k], sel) == 0;
        if (ok && !seen)
            out[n++] = sel;
    }
    return n;
}

/* --- judging one record --- */

static char *
vis(const char *s)
{
    return str_visible(s, strlen(s));
}

static char *
num(unsigned long v)
{
    return xasprintf("%lu", v);
}

static const char *
type_name(enum dkim_key_type t)
{
    return t == DKIM_KEY_ED25519 ? "Ed25519" : t == DKIM_KEY_RSA ? "RSA" :
           "?";
}

static void
add_key_record(struct check_result *res, const struct dkim_sel *s,
               const char *txt, size_t len, const char *summary)
{
    json_t *o = json_object();
    char *name = vis(s->qname), *rec = str_visible(txt, len);
    char *canon = vis(s->ans->canon);
    char *disp;

    json_object_set_new(o, "selector", json_string(s->selector));
    json_object_set_new(o, "name", json_string(name));
    if (!name_eq(s->ans->canon, s->qname)) {
        json_object_set_new(o, "cname", json_string(canon));
        disp = xasprintf("%s -> %s%s%s\n  %s", name, canon,
                         summary[0] != '\0' ? ": " : "", summary, rec);
    } else {
        disp = xasprintf("%s%s%s\n  %s", name,
                         summary[0] != '\0' ? ": " : "", summary, rec);
    }
    json_object_set_new(o, "record", json_string(rec));
    json_object_set_new(o, "key", json_string(summary));
    json_object_set_new(o, "display", json_string(disp));
    json_array_append_new(res->records, o);
    free(name);
    free(rec);
    free(canon);
    free(disp);
}

/* The last character-string of the TXT record is 255 bytes long. */
static bool
ends_with_full_string(const struct dns_rr *rr)
{
    return rr->u.txt.n > 0 && rr->u.txt.len[rr->u.txt.n - 1] == 255;
}

static void
judge_key_problem(struct findings *fs, const char *where,
                  const struct dkim_key_record *r,
                  const struct dkim_key_info *ki, const struct dns_rr *rr)
{
    char *got = num(ki->decoded_len), *want = num(ki->der_declared);
    char *k = vis(r->k);

    switch (ki->problem) {
    case DKIM_KEY_TRUNCATED:
        if (r->p_raw_len == 255 || ends_with_full_string(rr))
            finding_add(fs, SEV_FAIL, "DKIM_KEY_INVALID",
                        N_("The DKIM key at %1$s is cut short: it holds "
                           "%2$s bytes of a key that declares %3$s. It "
                           "looks cut at 255 characters, as DNS panels "
                           "that take one TXT string do; publish the key "
                           "split into strings of at most 255 characters."),
                        where, got, want);
        else
            finding_add(fs, SEV_FAIL, "DKIM_KEY_INVALID",
                        N_("The DKIM key at %1$s is cut short: it holds "
                           "%2$s bytes of a key that declares %3$s."),
                        where, got, want);
        break;
    case DKIM_KEY_BAD_BASE64:
        finding_add(fs, SEV_FAIL, "DKIM_KEY_INVALID",
                    N_("The p= value of the DKIM record at %1$s is not "
                       "valid base64."), where);
        break;
    case DKIM_KEY_NOT_A_KEY:
        finding_add(fs, SEV_FAIL, "DKIM_KEY_INVALID",
                    N_("The p= value of the DKIM record at %1$s decodes, "
                       "but it is not a public key."), where);
        break;
    case DKIM_KEY_WRONG_TYPE:
        finding_add(fs, SEV_FAIL, "DKIM_KEY_INVALID",
                    N_("The DKIM record at %1$s holds a key that is not "
                       "RSA, but its k= is %2$s."), where, k);
        break;
    case DKIM_KEY_ED25519_SIZE:
        finding_add(fs, SEV_FAIL, "DKIM_KEY_INVALID",
                    N_("The Ed25519 key at %1$s is %2$s bytes long; RFC "
                       "8463 publishes the bare 32-byte key, not a "
                       "SubjectPublicKeyInfo."), where, got);
        break;
    case DKIM_KEY_UNKNOWN_TYPE:
        finding_add(fs, SEV_FAIL, "DKIM_KEY_INVALID",
                    N_("The DKIM record at %1$s has the key type k=%2$s, "
                       "which verifiers do not know (rsa and ed25519 "
                       "are defined)."), where, k);
        break;
    case DKIM_KEY_OK:
    default:
        break;
    }
    free(got);
    free(want);
    free(k);
}

/* Judge one TXT record at a selector. */
static void
judge_record(struct check_result *res, const struct dkim_sel *s,
             const struct dns_rr *rr)
{
    struct findings *fs = &res->findings;
    struct dkim_key_record *r = NULL;
    struct dkim_error err = { NULL, NULL };
    struct dkim_key_info ki;
    size_t len;
    char *txt = dns_txt_join(rr, &len);
    char *where = vis(s->ans->canon);
    char *summary = NULL;

    if (dkim_key_record_parse(txt, len, &r, &err) != RC_OK) {
        finding_add(fs, SEV_FAIL, "DKIM_SYNTAX", err.msgid, where,
                    err.detail != NULL ? err.detail : "");
        add_key_record(res, s, txt, len, "");
        goto out;
    }
    if (!r->email) {
        char *sv = vis(r->s);
        finding_add(fs, SEV_FAIL, "DKIM_SYNTAX",
                    N_("The DKIM record at %1$s has s=%2$s, which does not "
                       "include email: verifiers will not use it for "
                       "mail."), where, sv);
        free(sv);
    }
    if (r->revoked) {
        finding_add(fs, SEV_WARN, "DKIM_KEY_REVOKED",
                    N_("The DKIM key at %1$s is revoked (empty p=): mail "
                       "signed with this selector fails DKIM."), where);
        add_key_record(res, s, txt, len, "");
        goto out;
    }
    dkim_key_decode(r->type, r->p, &ki);
    if (ki.problem != DKIM_KEY_OK) {
        judge_key_problem(fs, where, r, &ki, rr);
        add_key_record(res, s, txt, len, "");
        goto out;
    }
    if (r->type == DKIM_KEY_RSA)
        summary = xasprintf("RSA %u bits", ki.bits);
    else
        summary = xasprintf("%s", type_name(r->type));
    add_key_record(res, s, txt, len, summary);
    if (r->type == DKIM_KEY_RSA && ki.bits < 2048) {
        char *b = num(ki.bits);
        if (ki.bits < 1024)
            finding_add(fs, SEV_FAIL, "DKIM_KEY_WEAK",
                        N_("The DKIM key at %1$s is RSA with %2$s bits: "
                           "verifiers reject keys under 1024 bits (RFC "
                           "8301)."), where, b);
        else
            finding_add(fs, SEV_WARN, "DKIM_KEY_WEAK",
                        N_("The DKIM key at %1$s is RSA with %2$s bits; "
                           "2048 bits is recommended (RFC 8301)."),
                        where, b);
        free(b);
    }
    if (!r->sha256) {
        char *h = vis(r->h);
        finding_add(fs, SEV_FAIL, "DKIM_HASH_SHA1",
                    N_("The DKIM record at %1$s allows only h=%2$s; "
                       "verifiers no longer accept SHA-1 signatures (RFC "
                       "8301)."), where, h);
        free(h);
    }
    if (r->testing)
        finding_add(fs, SEV_WARN, "DKIM_TESTING",
                    N_("The DKIM record at %1$s has t=y (testing): "
                       "verifiers may treat failures as if unsigned."),
                    where);
out:
    dkim_key_record_free(r);
    dkim_error_fini(&err);
    free(summary);
    free(where);
    free(txt);
}

/* Compare --dkim-key with the keys at the selectors. */
static void
compare_key(struct dkim_state *st, struct check_result *res)
{
    const char *path = st->ctx->opts->dkim_key;
    char *vpath = vis(path);
    bool any = false, matched = false;
    enum rc file_rc = RC_OK;

    for (size_t i = 0; i < st->nsel && !matched; i++) {
        const struct dkim_sel *s = &st->sel[i];
        const struct dns_rr *rr = NULL;

        if (s->ans == NULL || s->ans->status != DNS_OK)
            continue;
        while ((rr = dns_answer_next(s->ans, DNS_T_TXT, rr)) != NULL) {
            struct dkim_key_record *r = NULL;
            struct dkim_key_info ki;
            size_t len;
            char *txt = dns_txt_join(rr, &len);
            bool m = false;
            enum rc rc;

            if (dkim_key_record_parse(txt, len, &r, NULL) == RC_OK &&
                !r->revoked) {
                dkim_key_decode(r->type, r->p, &ki);
                if (ki.problem == DKIM_KEY_OK) {
                    any = true;
                    rc = dkim_key_compare_file(path, r->type, r->p, &m);
                    if (rc != RC_OK)
                        file_rc = rc;
                    else if (m)
                        matched = true;
                }
            }
            dkim_key_record_free(r);
            free(txt);
        }
    }
    if (matched) {
        finding_add(&res->findings, SEV_INFO, "DKIM_KEY_MATCHES",
                    N_("The private key in %1$s matches the published "
                       "DKIM key."), vpath);
    } else if (file_rc == RC_IO) {
        finding_add(&res->findings, SEV_ERROR, "DKIM_KEY_FILE",
                    N_("The private key file %1$s could not be read."),
                    vpath);
    } else if (file_rc != RC_OK) {
        finding_add(&res->findings, SEV_ERROR, "DKIM_KEY_FILE",
                    N_("The file %1$s holds no PEM private key that could "
                       "be read (is it encrypted?)."), vpath);
    } else if (any) {
        finding_add(&res->findings, SEV_FAIL, "DKIM_KEY_MISMATCH",
                    N_("The private key in %1$s does not match the DKIM "
                       "key published in DNS: mail signed with it fails "
                       "DKIM."), vpath);
    }
    free(vpath);
}

static void
dkim_finish(struct check_ctx *ctx)
{
    struct dkim_state *st = ctx->state[STEP_DKIM];
    struct check_result *res = &ctx->res[STEP_DKIM];
    struct findings *fs = &res->findings;
    struct check_spf_view spf;
    const struct dns_answer *first_err = NULL;
    int found = 0;

    check_spf_view(st->txt, &spf);
    if (spf.no_mail) {
        char *d = vis(ctx->opts->domain);
        finding_add(fs, SEV_INFO, "DKIM_NOT_NEEDED",
                    N_("%1$s sends no mail (its SPF is \"v=spf1 -all\"), "
                       "so it needs no DKIM key."), d);
        free(d);
        st->keys_found = 0;
        return;
    }
    for (size_t i = 0; i < st->nsel; i++) {
        struct dkim_sel *s = &st->sel[i];
        const struct dns_answer *a = s->ans;
        const struct dns_rr *rr = NULL;
        size_t nkeys = 0, ntxt;

        if (a == NULL)
            continue;
        if (dns_status_is_error(a->status)) {
            if (s->given)
                check_add_dns_error(fs, a);
            else if (first_err == NULL)
                first_err = a;
            continue;
        }
        ntxt = a->status == DNS_OK ? dns_answer_count(a, DNS_T_TXT) : 0;
        if (!s->given) {
            /* Discovery: only records that look like keys count, since
             * a wildcard TXT may answer any name. */
            while ((rr = dns_answer_next(a, DNS_T_TXT, rr)) != NULL) {
                size_t len;
                char *t = dns_txt_join(rr, &len);
                if (dkim_looks_like_key(t, len))
                    nkeys++;
                free(t);
            }
            if (nkeys == 0)
                continue;
        } else if (ntxt == 0) {
            char *q = vis(s->qname);
            finding_add(fs, SEV_FAIL, "DKIM_KEY_MISSING",
                        N_("There is no DKIM key at %1$s (%2$s)."), q,
                        a->status == DNS_OK ? "NODATA" :
                        dns_status_name(a->status));
            free(q);
            continue;
        }
        found++;
        if (ntxt > 1) {
            char *q = vis(a->canon), *n = num(ntxt);
            finding_add(fs, SEV_WARN, "DKIM_MULTIPLE_RECORDS",
                        N_("%1$s has %2$s TXT records; verifiers may pick "
                           "any one of them, so signatures fail at "
                           "random."), q, n);
            free(q);
            free(n);
        }
        rr = NULL;
        while ((rr = dns_answer_next(a, DNS_T_TXT, rr)) != NULL) {
            if (!s->given) {
                size_t len;
                char *t = dns_txt_join(rr, &len);
                bool k = dkim_looks_like_key(t, len);
                free(t);
                if (!k)
                    continue;
            }
            judge_record(res, s, rr);
        }
    }
    st->keys_found = found;
    if (ctx->opts->n_selectors == 0 && found == 0) {
        if (first_err != NULL) {
            check_add_dns_error(fs, first_err);
            st->keys_found = -1;
        } else {
            char *n = num(st->nsel);
            finding_add(fs, SEV_WARN, "DKIM_NO_SELECTOR",
                        N_("No DKIM key was found at any of the %1$s "
                           "well-known selectors tried. A key at another "
                           "selector cannot be seen from DNS: give it "
                           "with --selector."), n);
            free(n);
        }
        if (st->list_unreadable) {
            char *p = xasprintf("%s/selectors.txt",
                                ctx->opts->datadir != NULL ?
                                ctx->opts->datadir : "?");
            char *vp = vis(p);
            finding_add(fs, SEV_ERROR, "DKIM_SELECTOR_LIST",
                        N_("The list of well-known selectors %1$s could "
                           "not be read; only dated selectors were "
                           "tried."), vp);
            free(vp);
            free(p);
        }
    }
    if (ctx->opts->dkim_key != NULL)
        compare_key(st, res);
}

const struct check_step_ops check_dkim_ops = {
    .name = "dkim",
    .title = N_("Signatures (DKIM)"),
    .start = dkim_start,
    .finish = dkim_finish,
    .free_state = dkim_free_state,
};

const struct finding_info check_dkim_findings[] = {
    { "DKIM_NO_SELECTOR", "dkim",
      N_("No DKIM key found at the well-known selectors."),
      N_("DKIM signs your mail so that receivers can tell it really comes "
         "from your domain, and DMARC needs it to pass when mail is "
         "forwarded. A key can only be found by its selector: one that is "
         "not on the list of well-known selectors cannot be seen."),
      N_("If you sign mail, run the check again with --selector NAME "
         "(the s= of the DKIM-Signature header in a message you sent). "
         "If you do not, turn on DKIM signing at your mail provider or "
         "server and publish its key.") },
    { "DKIM_KEY_MISSING", "dkim",
      N_("No DKIM key at the selector given."),
      N_("Receivers look the key up at SELECTOR._domainkey.DOMAIN; without "
         "it every signature made with that selector fails."),
      N_("Publish the TXT record your mail provider or signing software "
         "gives you at that name, or check the selector's spelling.") },
    { "DKIM_MULTIPLE_RECORDS", "dkim",
      N_("More than one TXT record at a DKIM selector."),
      N_("RFC 6376 lets verifiers use any one of them, so some of your "
         "signatures may fail depending on which record they pick."),
      N_("Keep a single DKIM record at each selector; use a new selector "
         "for a new key.") },
    { "DKIM_SYNTAX", "dkim",
      N_("The DKIM record is not valid."),
      N_("Verifiers ignore a key record they cannot parse, and every "
         "signature with that selector fails."),
      N_("Publish the record exactly as your provider gives it: "
         "\"v=DKIM1; k=rsa; p=...\", tags separated by semicolons, each "
         "tag once.") },
    { "DKIM_KEY_INVALID", "dkim",
      N_("The DKIM key cannot be decoded."),
      N_("A key that is cut short, not base64 or not a key makes every "
         "signature with this selector fail. DNS panels that take a "
         "single TXT string often cut long keys at 255 characters."),
      N_("Publish the whole p= value again. If your DNS panel cuts it, "
         "split the value into several quoted strings of at most 255 "
         "characters in the same record.") },
    { "DKIM_KEY_REVOKED", "dkim",
      N_("The DKIM key is revoked."),
      N_("An empty p= means the key was withdrawn; signatures made with "
         "it fail."),
      N_("If this selector is still used for signing, publish its key "
         "again, or make your mail server sign with a selector that has "
         "a key.") },
    { "DKIM_KEY_WEAK", "dkim",
      N_("The DKIM key is too short."),
      N_("RFC 8301 requires at least 1024-bit RSA keys and recommends "
         "2048; receivers reject or distrust shorter ones."),
      N_("Generate a 2048-bit RSA key (mailready keygen), publish it at "
         "a new selector and switch signing to it.") },
    { "DKIM_HASH_SHA1", "dkim",
      N_("The DKIM key allows only SHA-1."),
      N_("RFC 8301 forbids SHA-1 for DKIM; verifiers treat such "
         "signatures as invalid."),
      N_("Remove h= from the record (or set h=sha256) and sign with "
         "rsa-sha256.") },
    { "DKIM_TESTING", "dkim",
      N_("The DKIM key is in testing mode."),
      N_("t=y asks verifiers not to treat failed signatures differently "
         "from unsigned mail, so DKIM gives little protection."),
      N_("Once signing works, remove t=y from the record.") },
    { "DKIM_KEY_MISMATCH", "dkim",
      N_("The private key does not match the published key."),
      N_("Mail signed with this private key fails DKIM, because receivers "
         "check it against the key in DNS."),
      N_("Publish the public key of this private key (mailready keygen "
         "can print it), or give the program that signs your mail "
         "(OpenDKIM, rspamd) the private key "
         "that belongs to the published one.") },
    { "DKIM_KEY_MATCHES", "dkim",
      N_("The private key matches the published key."),
      N_("Signatures made with this key verify against DNS."), "" },
    { "DKIM_KEY_FILE", "dkim",
      N_("The private key file could not be used."),
      N_("The comparison with the published key was not done."),
      N_("Give a readable, unencrypted PEM private key file with "
         "--dkim-key.") },
    { "DKIM_NOT_NEEDED", "dkim",
      N_("The domain sends no mail: no DKIM key needed."),
      N_("Its SPF record \"v=spf1 -all\" says no server sends mail for it, "
         "so there is nothing to sign."), "" },
    { "DKIM_SELECTOR_LIST", "dkim",
      N_("The list of well-known selectors could not be read."),
      N_("Only the date-like selectors (such as 202611) were tried."),
      N_("Reinstall mailready, or set MAILREADY_DATADIR to the directory "
         "holding selectors.txt.") },
    { NULL, NULL, NULL, NULL, NULL }
};
