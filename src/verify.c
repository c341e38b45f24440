/* verify.c - DKIM, SPF and DMARC of a received message (verify.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "mailready/dkim.h"
#include "mailready/dmarc.h"
#include "mailready/i18n.h"
#include "mailready/msg.h"
#include "mailready/net.h"
#include "mailready/spf_eval.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"
#include "mailready/verify.h"

enum q_kind { Q_KEY, Q_DMARC };

struct vquery {
    struct verify *v;
    enum q_kind kind;
    size_t i;
    bool answered;
    enum dns_status status;
    char **txt;             /* the TXT strings, joined per record */
    size_t *txtlen;
    size_t ntxt;
};

struct vsig {
    size_t hidx;
    struct dkim_sig sig;
    enum dkim_reason parse;
    char *detail;
    struct vquery q;
};

struct verify {
    struct msg m;
    struct verify_opts o;
    char *o_ip, *o_helo, *o_mail_from;
    struct vsig *sigs;
    size_t nsigs;
    const char *walk[DMARC_WALK_MAX];
    size_t nwalk;
    struct vquery dq[DMARC_WALK_MAX];
    struct spf_eval *spf;
    struct verify_result r;
};

const char *
verify_dmarc_res_name(enum verify_dmarc_res r)
{
    switch (r) {
    case VERIFY_DMARC_PASS: return "pass";
    case VERIFY_DMARC_FAIL: return "fail";
    case VERIFY_DMARC_NONE: return "none";
    case VERIFY_DMARC_TEMPERROR: return "temperror";
    }
    return "temperror";
}

static char *
trim_dup(const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return xstrndup(s, n);
}

/* s with RFC 5322 comments removed (quoted strings kept). */
static char *
strip_comments(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    int depth = 0;
    bool q = false;

    for (; *s; s++) {
        if (*s == '\\' && s[1] != '\0') {
            if (depth == 0)
                strbuf_add(&sb, s, 2);
            s++;
            continue;
        }
        if (!q && *s == '(') {
            if (depth < 64)
                depth++;
            continue;
        }
        if (!q && *s == ')' && depth > 0) {
            depth--;
            if (depth == 0)
                strbuf_addc(&sb, ' ');
            continue;
        }
        if (depth > 0)
            continue;
        if (*s == '"')
            q = !q;
        strbuf_addc(&sb, *s);
    }
    return strbuf_detach(&sb);
}

char *
verify_from_domain(const char *value, const char **why)
{
    char *v = strip_comments(value), *addr = NULL, *dom = NULL;
    const char *p, *lt = NULL, *gt, *at;
    bool q = false;
    int angle = 0, commas = 0;

    *why = NULL;
    for (p = v; *p; p++) {
        if (*p == '"')
            q = !q;
        else if (!q && *p == '<')
            angle++;
        else if (!q && *p == '>')
            angle--;
        else if (!q && angle == 0 && *p == ',')
            commas++;
        else if (!q && angle == 0 && *p == ':')
            commas += 1000;     /* a group */
        if (!q && *p == '<' && lt == NULL)
            lt = p;
    }
    if (commas > 0) {
        *why = N_("The From field holds more than one address: DMARC "
                  "cannot pick one.");
        goto out;
    }
    if (lt != NULL) {
        gt = strchr(lt, '>');
        if (gt == NULL) {
            *why = N_("The From address is malformed.");
            goto out;
        }
        addr = trim_dup(lt + 1, (size_t)(gt - lt - 1));
    } else {
        addr = trim_dup(v, strlen(v));
    }
    at = strrchr(addr, '@');
    if (at == NULL || at[1] == '\0' || at == addr) {
        *why = N_("The From address has no domain.");
        goto out;
    }
    dom = xstrdup(at + 1);
    for (char *c = dom; *c; c++) {
        unsigned char ch = (unsigned char)*c;
        if (ch <= ' ' || ch == '>' || ch == '<' || ch == '"' || ch >= 0x7f ||
            ch == '[') {
            free(dom);
            dom = NULL;
            *why = N_("The From domain is not a valid domain name.");
            goto out;
        }
    }
    str_lower(dom);
    {
        size_t n = strlen(dom);
        if (n > 0 && dom[n - 1] == '.')
            dom[n - 1] = '\0';
    }
out:
    free(addr);
    free(v);
    return dom;
}

bool
verify_received(const char *value, char **helo, char **ip)
{
    const char *p = value, *h, *he, *lb, *rb, *by;

    *helo = *ip = NULL;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!str_nieq(p, "from", 4) || (p[4] != ' ' && p[4] != '\t'))
        return false;
    h = p + 4;
    while (*h == ' ' || *h == '\t')
        h++;
    he = h;
    while (*he && *he != ' ' && *he != '\t' && *he != '(' && *he != ';')
        he++;
    if (he == h)
        return false;
    /* the address: [ADDR] before " by " */
    by = strstr(he, " by ");
    lb = strchr(he, '[');
    if (lb == NULL || (by != NULL && lb > by))
        return false;
    rb = strchr(lb, ']');
    if (rb == NULL || rb - lb > 60)
        return false;
    lb++;
    if (str_nieq(lb, "IPv6:", 5))
        lb += 5;
    {
        char *a = xstrndup(lb, (size_t)(rb - lb));
        struct ipaddr x;
        if (!net_parse(a, &x)) {
            free(a);
            return false;
        }
        *ip = a;
    }
    *helo = xstrndup(h, (size_t)(he - h));
    return true;
}

void
verify_ar_fini(struct verify_ar *a)
{
    free(a->authserv);
    free(a->method);
    free(a->result);
    free(a->props);
    free(a->d);
    memset(a, 0, sizeof(*a));
}

/* Next whitespace-separated word of *p (a quoted string is one word). */
static char *
next_word(const char **p, const char *end)
{
    const char *s = *p, *e;
    bool q = false;

    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s >= end)
        return NULL;
    e = s;
    while (e < end && (q || (*e != ' ' && *e != '\t'))) {
        if (*e == '"')
            q = !q;
        e++;
    }
    *p = e;
    return xstrndup(s, (size_t)(e - s));
}

void
verify_ar_parse(const char *value, struct verify_ar **ar, size_t *n,
                size_t max)
{
    char *v = strip_comments(value), *serv = NULL;
    const char *p = v, *semi;
    bool first = true;

    while (*p && *n < max) {
        semi = strchr(p, ';');
        const char *end = semi != NULL ? semi : p + strlen(p);
        const char *w = p;
        char *word = next_word(&w, end);

        if (first) {
            serv = xstrdup(word != NULL ? word : "");
            first = false;
        } else if (word != NULL) {
            char *eq = strchr(word, '=');
            if (eq != NULL && eq != word) {
                struct verify_ar *a;
                struct strbuf props = STRBUF_INIT;
                char *slash;

                *ar = xreallocarray(*ar, *n + 1, sizeof(**ar));
                a = &(*ar)[(*n)++];
                memset(a, 0, sizeof(*a));
                *eq = '\0';
                if ((slash = strchr(word, '/')) != NULL)
                    *slash = '\0';
                a->authserv = xstrdup(serv);
                a->method = xstrdup(word);
                str_lower(a->method);
                a->result = xstrdup(eq + 1);
                str_lower(a->result);
                for (char *pw; (pw = next_word(&w, end)) != NULL;) {
                    if (props.len < 400) {
                        if (props.len > 0)
                            strbuf_addc(&props, ' ');
                        strbuf_adds(&props, pw);
                    }
                    if (a->d == NULL && str_nieq(pw, "header.d=", 9))
                        a->d = xstrdup(pw + 9);
                    else if (a->d == NULL && str_nieq(pw, "header.i=", 9)) {
                        const char *at = strrchr(pw, '@');
                        a->d = xstrdup(at != NULL ? at + 1 : pw + 9);
                    }
                    free(pw);
                }
                if (a->d != NULL)
                    str_lower(a->d);
                a->props = strbuf_detach(&props);
            } else if (str_ieq(word, "none")) {
                /* "none": no authentication was done */
            }
        }
        free(word);
        if (semi == NULL)
            break;
        p = semi + 1;
    }
    free(serv);
    free(v);
}

static void
vquery_fini(struct vquery *q)
{
    for (size_t k = 0; k < q->ntxt; k++)
        free(q->txt[k]);
    free(q->txt);
    free(q->txtlen);
    q->txt = NULL;
    q->txtlen = NULL;
    q->ntxt = 0;
}

static void
on_answer(void *arg, const struct dns_answer *ans)
{
    struct vquery *q = arg;

    q->answered = true;
    q->status = ans->status;
    if (ans->status == DNS_CANCELLED)
        return;
    for (const struct dns_rr *rr = dns_answer_next(ans, DNS_T_TXT, NULL);
         rr != NULL && q->ntxt < 16;
         rr = dns_answer_next(ans, DNS_T_TXT, rr)) {
        size_t len;
        char *t = dns_txt_join(rr, &len);
        q->txt = xreallocarray(q->txt, q->ntxt + 1, sizeof(*q->txt));
        q->txtlen = xreallocarray(q->txtlen, q->ntxt + 1,
                                  sizeof(*q->txtlen));
        q->txt[q->ntxt] = t;
        q->txtlen[q->ntxt++] = len;
    }
}

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

enum rc
verify_new(const char *buf, size_t len, const struct verify_opts *o,
           struct verify **out, struct rc_err *err)
{
    struct verify *v = xcalloc(1, sizeof(*v));
    enum rc rc;

    *out = NULL;
    rc = msg_parse(buf, len, &v->m, err);
    if (rc != RC_OK) {
        free(v);
        return rc;
    }
    if (o != NULL)
        v->o = *o;
    v->o_ip = dup_or_null(v->o.ip);
    v->o_helo = dup_or_null(v->o.helo);
    v->o_mail_from = dup_or_null(v->o.mail_from);
    if (v->o.now == 0)
        v->o.now = (long long)time(NULL);
    *out = v;
    return RC_OK;
}

/* A name we may ask DNS for: LDH labels and underscores. */
static bool
dns_safe(const char *s)
{
    if (*s == '\0' || strlen(s) > 253)
        return false;
    for (; *s; s++)
        if (!ascii_is_alnum((unsigned char)*s) && *s != '-' && *s != '.' &&
            *s != '_')
            return false;
    return true;
}

/* The addr-spec inside a Return-Path value: "" for <>, NULL if none. */
static char *
return_path(const char *value)
{
    char *v = strip_comments(value), *r = NULL;
    const char *lt = strchr(v, '<'), *gt;

    if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
        r = trim_dup(lt + 1, (size_t)(gt - lt - 1));
    else
        r = trim_dup(v, strlen(v));
    free(v);
    return r;
}

static void
start_spf(struct verify *v, struct dns *dns)
{
    struct verify_spf *s = &v->r.spf;
    struct spf_request req;
    char *local = NULL, *dom = NULL;

    for (size_t k = 0; k < v->m.nh && (s->ip == NULL); k++) {
        if (!msg_header_is(&v->m.h[k], "Received"))
            continue;
        char *t = msg_header_text(&v->m.h[k]);
        char *h, *ip;
        if (verify_received(t, &h, &ip)) {
            s->helo = h;
            s->ip = ip;
        }
        free(t);
    }
    if (v->o_ip != NULL) {
        free(s->ip);
        s->ip = xstrdup(v->o_ip);
    }
    if (v->o_helo != NULL) {
        free(s->helo);
        s->helo = xstrdup(v->o_helo);
    }
    if (v->o_mail_from != NULL) {
        s->mail_from = xstrdup(v->o_mail_from);
    } else {
        long rp = msg_find(&v->m, "Return-Path", 0);
        if (rp >= 0) {
            char *t = msg_header_text(&v->m.h[rp]);
            s->mail_from = return_path(t);
            free(t);
        }
    }
    memset(&req, 0, sizeof(req));
    if (s->ip == NULL || !net_parse(s->ip, &req.ip)) {
        s->why = N_("No Received field names the address the message came "
                    "from (give it with --ip).");
        return;
    }
    s->have_ip = true;
    if (s->mail_from == NULL) {
        s->why = N_("The message has no Return-Path field (give the "
                    "envelope sender with --mail-from).");
        return;
    }
    spf_sender_split(s->mail_from[0] != '\0' ? s->mail_from :
                     (s->helo != NULL ? s->helo : ""), &local, &dom);
    str_lower(dom);
    s->domain = dom;
    free(local);
    if (!dns_safe(dom)) {
        s->why = N_("The envelope sender's domain is not a valid domain "
                    "name.");
        return;
    }
    req.domain = dom;
    req.sender = s->mail_from;
    req.helo = s->helo;
    req.now = v->o.now;
    v->spf = spf_eval_start(dns, &req);
}

/* The i= of an ARC-Seal, if higher than *max (RFC 8617: 1 to 50). */
static void
arc_instance(const struct msg_header *h, unsigned *max)
{
    struct dkim_tags tags = { NULL, 0 };
    struct dkim_error err = { NULL, NULL };
    const char *val, *i;
    size_t vlen;
    unsigned long n;

    msg_header_value(h, &val, &vlen);
    if (dkim_tags_parse(val, vlen, &tags, &err) == RC_OK &&
        (i = dkim_tags_get(&tags, "i")) != NULL &&
        str_to_uint(i, 1, 50, &n) && n > *max)
        *max = (unsigned)n;
    dkim_tags_fini(&tags);
    dkim_error_fini(&err);
}

void
verify_start(struct verify *v, struct dns *dns)
{
    const char *why = NULL;
    long from = msg_find(&v->m, "From", 0);

    v->r.lf_only = v->m.lf_only;
    /* DKIM signatures, top first */
    for (size_t k = 0; k < v->m.nh; k++) {
        const struct msg_header *h = &v->m.h[k];

        if (str_nieq(h->raw, "ARC-", 4) && h->name_len > 4) {
            v->r.n_arc++;
            if (msg_header_is(h, "ARC-Seal"))
                arc_instance(h, &v->r.arc_instances);
            continue;
        }
        if (!msg_header_is(h, "DKIM-Signature"))
            continue;
        if (v->nsigs >= VERIFY_MAX_SIGS) {
            v->r.dkim_skipped++;
            continue;
        }
        /* one array for all: the queries point into it */
        if (v->sigs == NULL)
            v->sigs = xcalloc(VERIFY_MAX_SIGS, sizeof(*v->sigs));
        struct vsig *s = &v->sigs[v->nsigs++];
        memset(s, 0, sizeof(*s));
        s->hidx = k;
        s->parse = dkim_sig_parse(h, v->o.now, &s->sig, &s->detail);
        s->q.v = v;
        s->q.kind = Q_KEY;
        s->q.i = v->nsigs - 1;
        if (s->parse != DKIM_R_NONE || v->o.key != NULL)
            continue;
        if (!dns_safe(s->sig.s) || !dns_safe(s->sig.d)) {
            s->parse = DKIM_R_BAD_TAG;
            s->detail = xstrdup(dns_safe(s->sig.d) ? "s" : "d");
            continue;
        }
        char *name = xasprintf("%s._domainkey.%s", s->sig.s, s->sig.d);
        dns_query(dns, name, DNS_T_TXT, on_answer, &s->q);
        free(name);
    }
    /* the From domain and its DMARC tree walk */
    if (from < 0) {
        v->r.dmarc.from_problem = N_("The message has no From field.");
    } else if (msg_find(&v->m, "From", (size_t)from + 1) >= 0) {
        v->r.dmarc.from_problem = N_("The message has more than one From "
                                     "field: DMARC cannot pick one.");
    } else {
        char *t = msg_header_text(&v->m.h[from]);
        v->r.dmarc.from_domain = verify_from_domain(t, &why);
        v->r.dmarc.from_problem = why;
        free(t);
        if (v->r.dmarc.from_domain != NULL &&
            !dns_safe(v->r.dmarc.from_domain)) {
            free(v->r.dmarc.from_domain);
            v->r.dmarc.from_domain = NULL;
            v->r.dmarc.from_problem = N_("The From domain is not a valid "
                                         "domain name.");
        }
    }
    if (v->r.dmarc.from_domain != NULL) {
        v->nwalk = dmarc_walk_names(v->r.dmarc.from_domain, v->walk);
        for (size_t k = 0; k < v->nwalk; k++) {
            char *name = xasprintf("_dmarc.%s", v->walk[k]);
            v->dq[k].v = v;
            v->dq[k].kind = Q_DMARC;
            v->dq[k].i = k;
            dns_query(dns, name, DNS_T_TXT, on_answer, &v->dq[k]);
            free(name);
        }
    }
    start_spf(v, dns);
    /* Authentication-Results, top first (the receiver's own is on top) */
    for (size_t k = 0; k < v->m.nh; k++) {
        if (!msg_header_is(&v->m.h[k], "Authentication-Results"))
            continue;
        char *t = msg_header_text(&v->m.h[k]);
        verify_ar_parse(t, &v->r.ar, &v->r.nar, VERIFY_MAX_AR);
        free(t);
    }
}

/* d aligns with the From domain: strict equal, relaxed the same
 * Organizational Domain (d= at or under it). */
static bool
aligned(const char *d, const struct verify_dmarc *dm, char mode)
{
    const char *from = dm->from_domain, *org = dm->org_domain;
    size_t dl, ol;

    if (d == NULL || from == NULL)
        return false;
    if (str_ieq(d, from))
        return true;
    if (mode == 's' || org == NULL)
        return false;
    dl = strlen(d);
    ol = strlen(org);
    return str_ieq(d, org) ||
           (dl > ol && d[dl - ol - 1] == '.' && str_ieq(d + dl - ol, org));
}

static void
finish_dkim(struct verify *v)
{
    v->r.dkim = xcalloc(v->nsigs + 1, sizeof(*v->r.dkim));
    v->r.ndkim = v->nsigs;
    for (size_t k = 0; k < v->nsigs; k++) {
        struct vsig *s = &v->sigs[k];
        struct verify_dkim *o = &v->r.dkim[k];
        struct dkim_check c;

        o->domain = dup_or_null(s->sig.d);
        o->selector = dup_or_null(s->sig.s);
        o->algorithm = dup_or_null(s->sig.a);
        if (s->parse != DKIM_R_NONE) {
            o->reason = s->parse;
            o->detail = s->detail;
            s->detail = NULL;
            switch (s->parse) {
            case DKIM_R_EXPIRED:
                o->result = DKIM_RES_FAIL;
                break;
            case DKIM_R_FROM_UNSIGNED:
            case DKIM_R_I_NOT_IN_D:
                o->result = DKIM_RES_PERMERROR;
                break;
            default:
                o->result = DKIM_RES_NEUTRAL;
                break;
            }
            continue;
        }
        if (v->o.key != NULL) {
            dkim_verify_sig(&v->m, s->hidx, &s->sig, NULL, 0, v->o.key, &c);
        } else {
            const struct vquery *q = &s->q;
            const char *txt = NULL;
            size_t tl = 0;

            memset(&c, 0, sizeof(c));
            if (!q->answered || dns_status_is_error(q->status)) {
                c.res = DKIM_RES_TEMPERROR;
                c.reason = DKIM_R_KEY_DNS;
            } else {
                for (size_t t = 0; t < q->ntxt && txt == NULL; t++)
                    if (dkim_looks_like_key(q->txt[t], q->txtlen[t])) {
                        txt = q->txt[t];
                        tl = q->txtlen[t];
                    }
                if (txt == NULL) {
                    c.res = DKIM_RES_PERMERROR;
                    c.reason = DKIM_R_KEY_MISSING;
                }
            }
            if (txt != NULL)
                dkim_verify_sig(&v->m, s->hidx, &s->sig, txt, tl, NULL, &c);
            else if (c.reason != DKIM_R_NONE)
                c.detail = xasprintf("%s._domainkey.%s", s->sig.s,
                                     s->sig.d);
        }
        if (c.detail == NULL && c.reason >= DKIM_R_KEY_MISSING &&
            c.reason <= DKIM_R_KEY_BAD)
            c.detail = xasprintf("%s._domainkey.%s", s->sig.s, s->sig.d);
        o->result = c.res;
        o->reason = c.reason;
        o->detail = c.detail;
        c.detail = NULL;
        o->body_ok = c.body_ok;
        o->would_pass = c.would_pass;
        o->key_bits = c.key_bits;
        o->testing = c.key_testing;
    }
}

static void
finish_dmarc(struct verify *v)
{
    struct verify_dmarc *dm = &v->r.dmarc;
    struct dmarc_walk_entry e[DMARC_WALK_MAX];
    struct dmarc_walk_result w;
    struct dmarc_record *rec = NULL;
    const char *rtxt[DMARC_WALK_MAX] = { NULL };
    size_t rlen[DMARC_WALK_MAX] = { 0 };

    dm->result = VERIFY_DMARC_NONE;
    dm->adkim = dm->aspf = 'r';
    if (dm->from_domain == NULL)
        return;
    for (size_t k = 0; k < v->nwalk; k++) {
        const struct vquery *q = &v->dq[k];
        size_t nrec = 0;

        e[k].name = v->walk[k];
        e[k].psd = 'u';
        if (!q->answered || dns_status_is_error(q->status)) {
            e[k].state = DMARC_WALK_ERROR;
            continue;
        }
        for (size_t t = 0; t < q->ntxt; t++)
            if (dmarc_is_record(q->txt[t], q->txtlen[t])) {
                nrec++;
                rtxt[k] = q->txt[t];
                rlen[k] = q->txtlen[t];
            }
        e[k].state = nrec == 0 ? DMARC_WALK_NONE :
                     nrec == 1 ? DMARC_WALK_RECORD : DMARC_WALK_MULTIPLE;
        if (nrec == 1 && dmarc_record_parse(rtxt[k], rlen[k], &rec) ==
            RC_OK) {
            e[k].psd = rec->psd;
            dmarc_record_free(rec);
            rec = NULL;
        }
    }
    dmarc_walk_eval(dm->from_domain, e, v->nwalk, &w);
    dm->org_domain = xstrdup(w.org != NULL ? w.org : dm->from_domain);
    if (w.policy >= 0 &&
        dmarc_record_parse(rtxt[w.policy], rlen[w.policy], &rec) == RC_OK) {
        dm->record_domain = xstrdup(v->walk[w.policy]);
        dm->policy = dmarc_applied_policy(rec, w.policy != 0, true);
        if (rec->adkim != 0)
            dm->adkim = rec->adkim;
        if (rec->aspf != 0)
            dm->aspf = rec->aspf;
        dmarc_record_free(rec);
    }
    /* alignment; a walk that could not reach every name leaves the
     * Organizational Domain, so relaxed alignment of another name than
     * the From domain itself, uncertain */
    bool by_dkim = false, by_spf = false, temp = false;
    for (size_t k = 0; k < v->r.ndkim; k++) {
        struct verify_dkim *d = &v->r.dkim[k];
        bool al = aligned(d->domain, dm, dm->adkim);
        d->aligned = al && d->result == DKIM_RES_PASS;
        if (d->aligned)
            by_dkim = true;
        if (al && d->result == DKIM_RES_TEMPERROR)
            temp = true;
        if (d->result == DKIM_RES_PASS && !d->aligned && w.uncertain &&
            dm->adkim != 's')
            temp = true;
    }
    /* with the null reverse path the HELO identity is the one SPF
     * authenticated (spf.domain is then the HELO name) */
    if (v->r.spf.domain != NULL && v->r.spf.mail_from != NULL) {
        bool al = aligned(v->r.spf.domain, dm, dm->aspf);
        v->r.spf.aligned = al && v->r.spf.result == SPF_RES_PASS;
        by_spf = v->r.spf.aligned;
        if (al && v->r.spf.result == SPF_RES_TEMPERROR)
            temp = true;
        if (!al && w.uncertain && dm->aspf != 's' &&
            v->r.spf.result == SPF_RES_PASS)
            temp = true;
    }
    dm->aligned_by = by_dkim && by_spf ? "dkim+spf" : by_dkim ? "dkim" :
                     by_spf ? "spf" : NULL;
    if (w.policy < 0 || dm->policy == DMARC_P_ABSENT)
        dm->result = w.uncertain ? VERIFY_DMARC_TEMPERROR :
                     VERIFY_DMARC_NONE;
    else if (by_dkim || by_spf)
        dm->result = VERIFY_DMARC_PASS;
    else
        dm->result = temp ? VERIFY_DMARC_TEMPERROR : VERIFY_DMARC_FAIL;
}

/* Where the receiver's word and ours differ, say the likely cause. */
static void
finish_ar(struct verify *v)
{
    for (size_t k = 0; k < v->r.nar; k++) {
        struct verify_ar *a = &v->r.ar[k];

        if (strcmp(a->method, "dkim") == 0 && a->d != NULL) {
            const struct verify_dkim *d = NULL;
            for (size_t j = 0; j < v->r.ndkim && d == NULL; j++)
                if (v->r.dkim[j].domain != NULL &&
                    str_ieq(v->r.dkim[j].domain, a->d))
                    d = &v->r.dkim[j];
            if (d == NULL)
                continue;
            bool theirs = strcmp(a->result, "pass") == 0;
            bool ours = d->result == DKIM_RES_PASS;
            if (theirs == ours)
                continue;
            if (theirs && d->reason == DKIM_R_BODY_HASH)
                a->note = N_("The receiver saw a valid body: the body was "
                             "changed after it arrived (a forwarder, a "
                             "list or the mailbox).");
            else if (theirs && d->reason == DKIM_R_SIGNATURE)
                a->note = N_("The receiver saw valid header fields: one "
                             "was changed after it arrived, or the key "
                             "changed since.");
            else if (theirs && d->reason >= DKIM_R_KEY_MISSING &&
                     d->reason <= DKIM_R_KEY_SHORT)
                a->note = N_("The key changed since the message was sent "
                             "(removed, revoked or replaced).");
            else if (theirs)
                a->note = N_("The receiver accepted what mailready does "
                             "not (see the reason above).");
            else
                a->note = N_("The receiver failed what verifies now: the "
                             "key may have been fixed since, or it had a "
                             "DNS problem.");
        } else if (strcmp(a->method, "spf") == 0 && v->r.spf.have_ip &&
                   v->spf != NULL) {
            if (strcmp(a->result, spf_result_name(v->r.spf.result)) != 0)
                a->note = N_("The receiver's SPF result differs: the SPF "
                             "record changed since, or it saw another "
                             "sending address.");
        } else if (strcmp(a->method, "dmarc") == 0) {
            if (strcmp(a->result,
                       verify_dmarc_res_name(v->r.dmarc.result)) != 0)
                a->note = N_("The receiver's DMARC result differs: see the "
                             "DKIM and SPF results above.");
        }
    }
}

static void
finish_status(struct verify *v)
{
    struct verify_result *r = &v->r;
    bool warn = false;

    switch (r->dmarc.result) {
    case VERIFY_DMARC_PASS:
        break;
    case VERIFY_DMARC_TEMPERROR:
        r->status = VERIFY_ST_ERROR;
        return;
    case VERIFY_DMARC_FAIL:
    case VERIFY_DMARC_NONE:
        r->status = VERIFY_ST_FAIL;
        return;
    }
    for (size_t k = 0; k < r->ndkim; k++) {
        const struct verify_dkim *d = &r->dkim[k];
        if (d->reason == DKIM_R_SHA1)
            warn = true;
        if (d->result == DKIM_RES_PASS && !d->aligned)
            warn = true;
        if (d->result == DKIM_RES_PASS && d->algorithm != NULL &&
            strncmp(d->algorithm, "rsa-", 4) == 0 && d->key_bits < 2048)
            warn = true;
    }
    r->status = warn ? VERIFY_ST_WARN : VERIFY_ST_PASS;
}

void
verify_finish(struct verify *v)
{
    if (v->spf != NULL)
        v->r.spf.result = spf_eval_verdict(v->spf)->result;
    finish_dkim(v);
    finish_dmarc(v);
    finish_ar(v);
    finish_status(v);
}

const struct verify_result *
verify_result(const struct verify *v)
{
    return &v->r;
}

void
verify_free(struct verify *v)
{
    if (v == NULL)
        return;
    spf_eval_free(v->spf);
    for (size_t k = 0; k < v->nsigs; k++) {
        dkim_sig_fini(&v->sigs[k].sig);
        free(v->sigs[k].detail);
        vquery_fini(&v->sigs[k].q);
    }
    free(v->sigs);
    for (size_t k = 0; k < v->nwalk; k++)
        vquery_fini(&v->dq[k]);
    for (size_t k = 0; k < v->r.ndkim; k++) {
        free(v->r.dkim[k].domain);
        free(v->r.dkim[k].selector);
        free(v->r.dkim[k].algorithm);
        free(v->r.dkim[k].detail);
    }
    free(v->r.dkim);
    free(v->r.spf.ip);
    free(v->r.spf.helo);
    free(v->r.spf.mail_from);
    free(v->r.spf.domain);
    free(v->r.dmarc.from_domain);
    free(v->r.dmarc.record_domain);
    free(v->r.dmarc.org_domain);
    for (size_t k = 0; k < v->r.nar; k++)
        verify_ar_fini(&v->r.ar[k]);
    free(v->r.ar);
    free(v->o_ip);
    free(v->o_helo);
    free(v->o_mail_from);
    msg_fini(&v->m);
    free(v);
}

enum rc
verify_load_key(const char *path, struct evp_pkey_st **key,
                struct rc_err *err)
{
    FILE *fp = fopen(path, "r");
    EVP_PKEY *k;

    *key = NULL;
    if (fp == NULL) {
        rc_err_set(err, errno, N_("cannot read %s"), 1, path);
        return RC_IO;
    }
    k = PEM_read_PrivateKey(fp, NULL, NULL, (void *)"");
    if (k == NULL) {
        rewind(fp);
        k = PEM_read_PUBKEY(fp, NULL, NULL, (void *)"");
    }
    fclose(fp);
    if (k == NULL) {
        rc_err_set(err, 0, N_("%s holds no PEM key mailready can read"), 1,
                   path);
        return RC_CRYPTO;
    }
    *key = k;
    return RC_OK;
}
