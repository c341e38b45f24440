/* check_smtp.c - the delivery step (see check_smtp.h).
 *
 * For each MX host of the domain, its A and AAAA records; for each
 * address (private ones too: a LAN, a test bed), an SMTP probe (smtp.h)
 * and the PTR of the address.  The probes run in parallel inside the one
 * poll loop (dns_io_add()); finish() words what they found.
 *
 * A connection that fails (refused, no answer, no route) is never a
 * verdict on the server: many networks and clouds block outgoing port 25,
 * so it is "could not check" (SEV_ERROR), with how to tell.  The
 * certificate problems other than expiry are warnings: without MTA-STS in
 * enforce mode a sender uses TLS without checking the certificate
 * (RFC 3207, RFC 7672 §1.3 "opportunistic"); enforce makes them fail
 * (RFC 8461 §4.2).  The certificate's expiry fails at once: some senders
 * (DANE, MTA-STS) refuse to deliver, and it is always a mistake. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/check_smtp.h"
#include "mailready/http.h"
#include "mailready/gen_mtasts.h"
#include "mailready/mtasts.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/smtp.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

#define SMTP_MAX_HOSTS 16
#define SMTP_MAX_ADDRS 32
#define SMTP_MAX_PTR 8

struct smtp_state;

struct smtp_host {
    struct smtp_state *st;
    char *host;
    const struct dns_answer *a, *aaaa;
};

struct smtp_addr {
    struct smtp_state *st;
    struct smtp_host *h;
    struct ipaddr ip;
    char text[64];
    char rev[80];
    struct smtp_probe *probe;
    bool over;
    const struct dns_answer *ptr;
};

struct smtp_state {
    struct check_ctx *ctx;
    struct smtp_tls *tls;
    const char *tls_why;        /* smtp_tls_new() failed: why */
    const struct dns_answer *mx;
    struct smtp_host *hosts[SMTP_MAX_HOSTS];
    size_t nhosts;
    struct smtp_addr *addrs[SMTP_MAX_ADDRS];
    size_t naddrs;
    bool too_many;
    bool enforce;               /* MTA-STS policy in mode enforce */
    /* MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) */
    const struct dns_answer *sts_txt, *rpt_txt;
    const struct dns_answer *sts_addr[2];       /* A, AAAA */
    int sts_addr_left;
    char *sts_host;             /* "mta-sts.DOMAIN" */
    char *sts_url;
    struct http *fetch;
    bool fetch_over;
    bool sts_record_ok;
    struct mtasts_policy policy;
    bool policy_ok;
};

static char *
vis(const char *s)
{
    return str_visible(s, strlen(s));
}

/* ---- the probes in the dns loop ------------------------------------- */

static int
io_pollfds(void *arg, struct pollfd *fds, int max)
{
    return smtp_probe_pollfds(((struct smtp_addr *)arg)->probe, fds, max);
}

static int
io_timeout(void *arg, int max_ms)
{
    return smtp_probe_timeout_ms(((struct smtp_addr *)arg)->probe, max_ms);
}

static bool
io_process(void *arg, const struct pollfd *fds, int nfds)
{
    return smtp_probe_process(((struct smtp_addr *)arg)->probe, fds, nfds);
}

static void
io_done(void *arg, bool cancelled)
{
    struct smtp_addr *a = arg;

    if (!cancelled)
        a->over = true;
}

static const struct dns_io_ops probe_io = {
    .pollfds = io_pollfds,
    .timeout_ms = io_timeout,
    .process = io_process,
    .done = io_done,
};

static void
on_ptr(void *arg, const struct dns_answer *ans)
{
    struct smtp_addr *a = arg;

    if (ans->status != DNS_CANCELLED)
        a->ptr = ans;
}

static void
add_addr(struct smtp_host *h, const struct ipaddr *ip)
{
    struct smtp_state *st = h->st;
    const struct check_opts *o = st->ctx->opts;
    struct smtp_probe_opts po;
    struct smtp_addr *a;

    for (size_t i = 0; i < st->naddrs; i++)
        if (st->addrs[i]->h == h &&
            memcmp(&st->addrs[i]->ip, ip, sizeof(*ip)) == 0)
            return;
    if (st->naddrs == SMTP_MAX_ADDRS) {
        st->too_many = true;
        return;
    }
    a = xcalloc(1, sizeof(*a));
    a->st = st;
    a->h = h;
    a->ip = *ip;
    net_format(ip, a->text, sizeof(a->text));
    net_reverse_name(ip, a->rev, sizeof(a->rev));
    st->addrs[st->naddrs++] = a;
    dns_query(st->ctx->dns, a->rev, DNS_T_PTR, on_ptr, a);
    if (st->tls == NULL && st->tls_why != NULL)
        return;                 /* the CA file is unusable: reported */
    memset(&po, 0, sizeof(po));
    po.host = h->host;
    po.addr = *ip;
    po.port = o->smtp_port;
    po.timeout_ms = o->smtp_timeout_ms;
    po.tls = st->tls;
    if (smtp_probe_start(&po, &a->probe) != RC_OK)
        return;
    dns_io_add(st->ctx->dns, &probe_io, a);
}

static void
on_host_addr(void *arg, const struct dns_answer *ans)
{
    struct smtp_host *h = arg;
    const struct dns_rr *rr = NULL;
    uint16_t type = ans->qtype;

    if (ans->status == DNS_CANCELLED)
        return;
    if (type == DNS_T_A)
        h->a = ans;
    else
        h->aaaa = ans;
    if (ans->status != DNS_OK)
        return;
    while ((rr = dns_answer_next(ans, type, rr)) != NULL) {
        struct ipaddr ip;

        net_from_bytes(&ip, type == DNS_T_A ? AF_INET : AF_INET6,
                       rr->u.addr);
        add_addr(h, &ip);
    }
}

static void
on_mx(void *arg, const struct dns_answer *ans)
{
    struct smtp_state *st = arg;
    const struct dns_rr *rr = NULL;

    if (ans->status == DNS_CANCELLED)
        return;
    st->mx = ans;
    if (ans->status != DNS_OK)
        return;
    while ((rr = dns_answer_next(ans, DNS_T_MX, rr)) != NULL) {
        struct smtp_host *h;
        bool dup = false;

        if (rr->u.mx.host[0] == '\0')
            continue;
        for (size_t i = 0; i < st->nhosts; i++)
            if (name_eq(st->hosts[i]->host, rr->u.mx.host))
                dup = true;
        if (dup)
            continue;
        if (st->nhosts == SMTP_MAX_HOSTS) {
            st->too_many = true;
            break;
        }
        h = xcalloc(1, sizeof(*h));
        h->st = st;
        h->host = str_without_dot(rr->u.mx.host);
        st->hosts[st->nhosts++] = h;
        dns_query(st->ctx->dns, h->host, DNS_T_A, on_host_addr, h);
        dns_query(st->ctx->dns, h->host, DNS_T_AAAA, on_host_addr, h);
    }
}

/* ---- MTA-STS ------------------------------------------------------- */

static int
fetch_pollfds(void *arg, struct pollfd *fds, int max)
{
    return http_pollfds(((struct smtp_state *)arg)->fetch, fds, max);
}

static int
fetch_timeout(void *arg, int max_ms)
{
    return http_timeout_ms(((struct smtp_state *)arg)->fetch,
                           max_ms < 0 ? 1000 : max_ms);
}

static bool
fetch_process(void *arg, const struct pollfd *fds, int nfds)
{
    return http_process(((struct smtp_state *)arg)->fetch, fds, nfds);
}

static void
fetch_done(void *arg, bool cancelled)
{
    if (!cancelled)
        ((struct smtp_state *)arg)->fetch_over = true;
}

static const struct dns_io_ops fetch_io = {
    .pollfds = fetch_pollfds,
    .timeout_ms = fetch_timeout,
    .process = fetch_process,
    .done = fetch_done,
};

#define STS_MAX_ADDRS 8

/* Both address answers are in: fetch the policy from those addresses
 * (the run's DNS, not the system's). */
static void
start_fetch(struct smtp_state *st)
{
    const struct check_opts *o = st->ctx->opts;
    unsigned port = o->https_port ? o->https_port : 443;
    char *resolve[STS_MAX_ADDRS];
    size_t n = 0;
    struct http_opts ho;

    for (int k = 0; k < 2; k++) {
        const struct dns_answer *a = st->sts_addr[k];
        uint16_t type = k == 0 ? DNS_T_A : DNS_T_AAAA;
        const struct dns_rr *rr = NULL;

        if (a == NULL || a->status != DNS_OK)
            continue;
        while ((rr = dns_answer_next(a, type, rr)) != NULL &&
               n < STS_MAX_ADDRS) {
            struct ipaddr ip;
            char buf[64];

            net_from_bytes(&ip, k == 0 ? AF_INET : AF_INET6, rr->u.addr);
            net_format(&ip, buf, sizeof(buf));
            resolve[n++] = xasprintf(k == 0 ? "%s:%u:%s" : "%s:%u:[%s]",
                                     st->sts_host, port, buf);
        }
    }
    if (n == 0)
        return;                 /* no address: reported by finish() */
    if (port == 443)
        st->sts_url = xasprintf("https://%s/.well-known/mta-sts.txt",
                                st->sts_host);
    else
        st->sts_url = xasprintf("https://%s:%u/.well-known/mta-sts.txt",
                                st->sts_host, port);
    memset(&ho, 0, sizeof(ho));
    ho.timeout_ms = o->smtp_timeout_ms ? o->smtp_timeout_ms : 10000;
    ho.max_body = MTASTS_POLICY_MAX;
    ho.ca_file = o->ca_file;
    ho.resolve = (const char *const *)resolve;
    ho.nresolve = n;
    ho.any_status = true;
    if (http_get_start_opts(st->sts_url, &ho, &st->fetch) == RC_OK)
        dns_io_add(st->ctx->dns, &fetch_io, st);
    for (size_t i = 0; i < n; i++)
        free(resolve[i]);
}

static void
on_sts_addr(void *arg, const struct dns_answer *ans)
{
    struct smtp_state *st = arg;

    if (ans->status == DNS_CANCELLED)
        return;
    st->sts_addr[ans->qtype == DNS_T_A ? 0 : 1] = ans;
    if (--st->sts_addr_left == 0)
        start_fetch(st);
}

/* The one TXT record of the answer that is_v() accepts, joined (caller
 * frees), or NULL; *count gets how many there are. */
static char *
one_record(const struct dns_answer *a, bool (*is_v)(const char *, size_t),
           size_t *count)
{
    const struct dns_rr *rr = NULL;
    char *found = NULL;

    *count = 0;
    if (a == NULL || a->status != DNS_OK)
        return NULL;
    while ((rr = dns_answer_next(a, DNS_T_TXT, rr)) != NULL) {
        size_t len;
        char *t = dns_txt_join(rr, &len);

        if (!is_v(t, len) || memchr(t, '\0', len) != NULL) {
            free(t);
            continue;
        }
        (*count)++;
        if (found == NULL)
            found = t;
        else
            free(t);
    }
    if (*count != 1) {
        free(found);
        return NULL;
    }
    return found;
}

static void
on_sts_txt(void *arg, const struct dns_answer *ans)
{
    struct smtp_state *st = arg;
    char id[MTASTS_ID_MAX + 1];
    const char *why;
    size_t count;
    char *rec;

    if (ans->status == DNS_CANCELLED)
        return;
    st->sts_txt = ans;
    rec = one_record(ans, mtasts_record_is_sts, &count);
    if (rec == NULL)
        return;
    st->sts_record_ok = mtasts_record_parse(rec, strlen(rec), id, &why)
                        == RC_OK;
    free(rec);
    /* RFC 8461 §3.1: an invalid record means no policy; the policy is
     * still fetched to report on it as it would be once fixed. */
    st->sts_addr_left = 2;
    dns_query(st->ctx->dns, st->sts_host, DNS_T_A, on_sts_addr, st);
    dns_query(st->ctx->dns, st->sts_host, DNS_T_AAAA, on_sts_addr, st);
}

static void
on_rpt_txt(void *arg, const struct dns_answer *ans)
{
    struct smtp_state *st = arg;

    if (ans->status != DNS_CANCELLED)
        st->rpt_txt = ans;
}

static void
smtp_start(struct check_ctx *ctx)
{
    struct smtp_state *st = xcalloc(1, sizeof(*st));

    st->ctx = ctx;
    ctx->state[STEP_SMTP] = st;
    if (smtp_tls_new(ctx->opts->ca_file, &st->tls, &st->tls_why) != RC_OK)
        st->tls = NULL;
    dns_query(ctx->dns, ctx->opts->domain, DNS_T_MX, on_mx, st);
    st->sts_host = xasprintf("mta-sts.%s", ctx->opts->domain);
    {
        char *n = xasprintf("_mta-sts.%s", ctx->opts->domain);

        dns_query(ctx->dns, n, DNS_T_TXT, on_sts_txt, st);
        free(n);
        n = xasprintf("_smtp._tls.%s", ctx->opts->domain);
        dns_query(ctx->dns, n, DNS_T_TXT, on_rpt_txt, st);
        free(n);
    }
}

static void
smtp_free_state(void *p)
{
    struct smtp_state *st = p;

    for (size_t i = 0; i < st->naddrs; i++) {
        smtp_probe_free(st->addrs[i]->probe);
        free(st->addrs[i]);
    }
    for (size_t i = 0; i < st->nhosts; i++) {
        free(st->hosts[i]->host);
        free(st->hosts[i]);
    }
    smtp_tls_free(st->tls);
    http_free(st->fetch);
    mtasts_policy_fini(&st->policy);
    free(st->sts_host);
    free(st->sts_url);
    free(st);
}

/* ---- findings -------------------------------------------------------- */

/* The banner's name is the MX host or one of the address's PTR names. */
static bool
banner_name_ok(const struct smtp_addr *a, const char *name,
               char *ptrs, size_t size)
{
    const struct dns_rr *rr = NULL;
    bool ok = name_eq(name, a->h->host);
    size_t used = 0;
    int n = 0;

    ptrs[0] = '\0';
    if (a->ptr == NULL || a->ptr->status != DNS_OK)
        return ok;
    while ((rr = dns_answer_next(a->ptr, DNS_T_PTR, rr)) != NULL &&
           n++ < SMTP_MAX_PTR) {
        char *v;
        int k;

        if (name_eq(name, rr->u.name))
            ok = true;
        v = str_without_dot(rr->u.name);
        k = snprintf(ptrs + used, size - used, "%s%s", used ? ", " : "", v);
        free(v);
        if (k < 0 || (size_t)k >= size - used) {
            ptrs[used] = '\0';
            break;
        }
        used += (size_t)k;
    }
    return ok;
}

static const char *
outcome_name(enum smtp_outcome oc)
{
    switch (oc) {
    case SMTP_R_DONE: return "done";
    case SMTP_R_REFUSED: return "refused";
    case SMTP_R_NO_ANSWER: return "no-answer";
    case SMTP_R_UNREACHABLE: return "unreachable";
    case SMTP_R_STALLED: return "stalled";
    case SMTP_R_CLOSED: return "closed";
    case SMTP_R_REJECTED: return "rejected";
    case SMTP_R_PROTOCOL: return "protocol-error";
    case SMTP_R_TLS_FAILED: return "tls-failed";
    }
    return "?";
}

static void
add_record(struct check_result *res, const struct smtp_addr *a,
           const struct smtp_result *r, unsigned port)
{
    json_t *o = json_object();
    struct strbuf sb;
    char *v;

    strbuf_init(&sb);
    json_object_set_new(o, "host", json_string(a->h->host));
    json_object_set_new(o, "address", json_string(a->text));
    json_object_set_new(o, "port", json_integer(port));
    json_object_set_new(o, "result", json_string(outcome_name(r->outcome)));
    v = vis(a->h->host);
    strbuf_addf(&sb, "%s [%s]:%u: %s", v, a->text, port,
                outcome_name(r->outcome));
    free(v);
    if (r->banner != NULL) {
        v = vis(r->banner);
        json_object_set_new(o, "banner", json_string(v));
        strbuf_addf(&sb, "\n  220 %s", v);
        free(v);
    }
    if (r->ehlo_ok) {
        json_object_set_new(o, "starttls", json_boolean(r->starttls));
        strbuf_addf(&sb, "\n  STARTTLS: %s", r->starttls ? "yes" : "no");
    }
    if (r->tls) {
        json_t *c = json_object();

        json_object_set_new(o, "tls_version",
                            json_string(r->tls_version_name));
        strbuf_addf(&sb, "\n  %s", r->tls_version_name);
        if (r->cert.present) {
            json_object_set_new(c, "subject", json_string(r->cert.subject));
            json_object_set_new(c, "names", json_string(r->cert.names));
            json_object_set_new(c, "not_after",
                                json_string(r->cert.not_after));
            json_object_set_new(c, "days_left",
                                json_integer(r->cert.days_left));
            json_object_set_new(c, "trusted",
                                json_boolean(r->cert.chain_ok));
            json_object_set_new(c, "name_ok",
                                json_boolean(r->cert.name_ok));
            json_object_set_new(c, "self_signed",
                                json_boolean(r->cert.self_signed));
            strbuf_addf(&sb, ", %s, DNS:%s, notAfter %s",
                          r->cert.subject, r->cert.names,
                          r->cert.not_after);
        }
        json_object_set_new(o, "certificate", c);
    }
    if (r->outcome != SMTP_R_DONE) {
        v = vis(r->err);
        json_object_set_new(o, "error", json_string(v));
        strbuf_addf(&sb, "\n  %s", v);
        free(v);
    }
    json_object_set_new(o, "display", json_string(strbuf_str(&sb)));
    strbuf_fini(&sb);
    json_array_append_new(res->records, o);
}

static void
check_addr(struct smtp_state *st, struct check_result *res,
           struct smtp_addr *a)
{
    struct findings *fs = &res->findings;
    const struct smtp_result *r = smtp_probe_result(a->probe);
    unsigned port = st->ctx->opts->smtp_port ? st->ctx->opts->smtp_port
                                             : 25;
    enum sev cert_sev = st->enforce ? SEV_FAIL : SEV_WARN;
    char where[400], ptrs[600];
    char *host = vis(a->h->host);
    const char *why = NULL;

    snprintf(where, sizeof(where), "%s [%s]:%u", host, a->text, port);
    add_record(res, a, r, port);
    if (!net_is_global(&a->ip, &why))
        finding_add(fs, SEV_INFO, "SMTP_ADDR_NOT_GLOBAL",
                    N_("%1$s is a %2$s address: it was checked from here, "
                       "but it cannot be reached from the Internet."),
                    where, why);
    switch (r->outcome) {
    case SMTP_R_DONE:
    case SMTP_R_TLS_FAILED:
        break;
    case SMTP_R_REFUSED:
    case SMTP_R_NO_ANSWER:
    case SMTP_R_UNREACHABLE:
    case SMTP_R_STALLED:
    case SMTP_R_CLOSED:
    case SMTP_R_REJECTED:
    case SMTP_R_PROTOCOL: {
        char *err = vis(r->err);

        finding_add(fs, SEV_ERROR, "SMTP_CONNECT_FAILED",
                    N_("Could not talk SMTP with %1$s from here (%2$s): "
                       "not checked. This network may block outgoing "
                       "port 25."), where, err);
        free(err);
        goto out;
    }
    }
    if (r->banner_name != NULL) {
        char *bn = vis(r->banner_name);
        bool ok = banner_name_ok(a, r->banner_name, ptrs, sizeof(ptrs));

        /* Not the MX name, and the PTR could not be looked up: not
         * checked, not a mismatch. */
        if (!ok && a->ptr != NULL && dns_status_is_error(a->ptr->status)) {
            check_add_dns_error(fs, a->ptr);
        } else if (!ok) {
            char *p = vis(ptrs[0] != '\0' ? ptrs : "-");

            finding_add(fs, SEV_WARN, "SMTP_BANNER_NAME_MISMATCH",
                        N_("%1$s greets with the name %2$s, which is "
                           "neither the MX name nor the PTR name of the "
                           "address (%3$s)."), where, bn, p);
            free(p);
        }
        free(bn);
    }
    if (r->ehlo_ok && !r->starttls) {
        finding_add(fs, st->enforce ? SEV_FAIL : SEV_WARN,
                    "SMTP_NO_STARTTLS",
                    N_("%1$s does not offer STARTTLS: mail to it travels "
                       "unencrypted."), where);
        goto out;
    }
    if (r->outcome == SMTP_R_TLS_FAILED) {
        char *err = vis(r->err);

        finding_add(fs, cert_sev, "TLS_HANDSHAKE_FAILED",
                    N_("%1$s offers STARTTLS but TLS could not be set up "
                       "(%2$s)."), where, err);
        free(err);
        goto out;
    }
    if (!r->tls)
        goto out;
    /* RFC 8996: TLS 1.0 and 1.1 MUST NOT be used.  A sender that keeps to
     * it falls back to clear text, unless MTA-STS enforce forbids that
     * (RFC 8461 §5): then the mail is not delivered. */
    if (r->tls_version < 0x0303)            /* TLS 1.2 */
        finding_add(fs, cert_sev, "TLS_VERSION_OLD",
                    N_("%1$s uses %2$s: TLS 1.2 or later is needed."),
                    where, r->tls_version_name);
    if (!r->cert.present)
        goto out;
    if (r->cert.days_left < 0)
        finding_add(fs, SEV_FAIL, "TLS_CERT_EXPIRED",
                    N_("The certificate of %1$s expired on %2$s."),
                    where, r->cert.not_after);
    else if (r->cert.days_left < CHECK_SMTP_EXPIRY_WARN_DAYS)
        finding_add(fs, SEV_WARN, "TLS_CERT_EXPIRING",
                    N_("The certificate of %1$s expires soon, on %2$s."),
                    where, r->cert.not_after);
    if (!r->cert.name_ok) {
        char *names = vis(r->cert.names[0] != '\0' ? r->cert.names
                                                   : r->cert.subject);

        finding_add(fs, cert_sev, "TLS_CERT_NAME_MISMATCH",
                    N_("The certificate of %1$s does not cover the name "
                       "%2$s (it is for: %3$s)."), where, host, names);
        free(names);
    }
    if (r->cert.self_signed)
        finding_add(fs, cert_sev, "TLS_CERT_SELF_SIGNED",
                    N_("The certificate of %1$s is self-signed."), where);
    else if (!r->cert.chain_ok) {
        char *err = vis(r->cert.verify_err);

        finding_add(fs, cert_sev, "TLS_CERT_UNTRUSTED",
                    N_("The certificate of %1$s is not trusted: %2$s."),
                    where, err);
        free(err);
    }
out:
    free(host);
}

/* The policy text for the report: visible-safe, at most 20 lines. */
static void
add_policy_record(struct check_result *res, const char *url,
                  const char *body)
{
    json_t *o = json_object();
    struct strbuf sb;
    char *v = vis(url);
    int lines = 0;

    strbuf_init(&sb);
    json_object_set_new(o, "mta_sts_policy_url", json_string(v));
    strbuf_addf(&sb, "%s", v);
    free(v);
    for (const char *p = body; *p != '\0' && lines < 20; lines++) {
        size_t n = strcspn(p, "\r\n");

        v = str_visible(p, n);
        strbuf_addf(&sb, "\n  %s", v);
        free(v);
        p += n;
        if (*p == '\r')
            p++;
        if (*p == '\n')
            p++;
    }
    v = str_visible(body, strlen(body) > 2000 ? 2000 : strlen(body));
    json_object_set_new(o, "mta_sts_policy", json_string(v));
    free(v);
    {
        /* The mode of a valid policy, for the front ends (the text above
         * is escaped for display: its line ends no longer parse). */
        struct mtasts_policy pol;
        const char *why = NULL;
        unsigned line = 0;

        if (mtasts_policy_parse(body, strlen(body), &pol, &why, &line)
            == RC_OK)
            json_object_set_new(o, "mta_sts_mode", json_string(
                gen_mtasts_mode_name(pol.mode)));
        mtasts_policy_fini(&pol);
    }
    json_object_set_new(o, "display", json_string(strbuf_str(&sb)));
    strbuf_fini(&sb);
    json_array_append_new(res->records, o);
}

/* MTA-STS: the record, the policy fetched, its syntax, its mx lines.
 * Sets st->enforce for the certificate findings. */
static void
check_sts(struct smtp_state *st, struct check_result *res, const char *d)
{
    struct findings *fs = &res->findings;
    const char *why = NULL, *body = NULL, *err = NULL, *ctype = NULL;
    char id[MTASTS_ID_MAX + 1];
    size_t count = 0;
    char *rec, *name = vis(st->sts_host);
    long status = 0;
    unsigned line = 0;
    enum rc rc;

    if (st->sts_txt != NULL && dns_status_is_error(st->sts_txt->status)) {
        check_add_dns_error(fs, st->sts_txt);
        goto out;
    }
    rec = one_record(st->sts_txt, mtasts_record_is_sts, &count);
    if (count == 0) {
        finding_add(fs, SEV_INFO, "MTA_STS_RECORD_MISSING",
                    N_("%1$s has no MTA-STS policy (no \"v=STSv1\" record "
                       "at _mta-sts.%1$s): senders use TLS when offered but "
                       "fall back to clear text."), d);
        goto out;
    }
    if (count > 1) {
        finding_add(fs, SEV_WARN, "MTA_STS_RECORD_INVALID",
                    N_("_mta-sts.%1$s has more than one \"v=STSv1\" record: "
                       "senders ignore them all."), d);
    } else if (mtasts_record_parse(rec, strlen(rec), id, &why) != RC_OK) {
        char *r = vis(rec);

        finding_add(fs, SEV_WARN, "MTA_STS_RECORD_INVALID",
                    N_("The MTA-STS record \"%1$s\" is not valid (%2$s): "
                       "senders ignore it."), r, why);
        findings_msgid_arg(fs, 1);
        free(r);
    } else {
        check_add_record(res, rec);
    }
    free(rec);
    if (count > 1)
        goto out;
    if (st->fetch == NULL) {
        finding_add(fs, SEV_FAIL, "MTA_STS_POLICY_FETCH",
                    N_("The MTA-STS policy cannot be fetched: %1$s has no "
                       "address."), name);
        goto out;
    }
    rc = http_result(st->fetch, &body, &err);
    http_meta(st->fetch, &status, &ctype);
    if (rc != RC_OK) {
        char *e = vis(err != NULL ? err : "?");
        char *u = vis(st->sts_url);
        bool tls = http_failed_tls(st->fetch);

        finding_add(fs, tls || rc == RC_TOOLONG ? SEV_FAIL : SEV_ERROR,
                    "MTA_STS_POLICY_FETCH",
                    N_("The MTA-STS policy could not be fetched from %1$s: "
                       "%2$s."), u, e);
        free(u);
        free(e);
        goto out;
    }
    if (status != 200) {
        char *u = vis(st->sts_url);
        char code[24];

        snprintf(code, sizeof(code), "%ld", status);
        if (status >= 300 && status < 400)
            finding_add(fs, SEV_FAIL, "MTA_STS_POLICY_FETCH",
                        N_("%1$s answers with a redirect (HTTP %2$s); "
                           "senders never follow redirects for an MTA-STS "
                           "policy."), u, code);
        else
            finding_add(fs, SEV_FAIL, "MTA_STS_POLICY_FETCH",
                        N_("%1$s answers HTTP %2$s, not 200: senders find "
                           "no policy."), u, code);
        free(u);
        goto out;
    }
    add_policy_record(res, st->sts_url, body);
    if (ctype == NULL || !str_nieq(ctype, "text/plain", 10) ||
        (ctype[10] != '\0' && ctype[10] != ';' && ctype[10] != ' ')) {
        char *c = vis(ctype != NULL ? ctype : "-");

        finding_add(fs, SEV_FAIL, "MTA_STS_POLICY_CONTENT_TYPE",
                    N_("The MTA-STS policy is served as %1$s, not "
                       "text/plain: senders reject it."), c);
        free(c);
        goto out;
    }
    if (mtasts_policy_parse(body, strlen(body), &st->policy, &why, &line)
        != RC_OK) {
        char ln[24];

        snprintf(ln, sizeof(ln), "%u", line);
        if (line > 0)
            finding_add(fs, SEV_FAIL, "MTA_STS_POLICY_SYNTAX",
                        N_("The MTA-STS policy is not valid at line %1$s: "
                           "%2$s."), ln, why);
        else
            finding_add(fs, SEV_FAIL, "MTA_STS_POLICY_SYNTAX",
                        N_("The MTA-STS policy is not valid: %1$s."), why);
        findings_msgid_arg(fs, line > 0 ? 1 : 0);
        goto out;
    }
    st->policy_ok = true;
    st->enforce = st->sts_record_ok &&
                  st->policy.mode == MTASTS_MODE_ENFORCE;
    if (st->policy.mode == MTASTS_MODE_NONE)
        goto out;
    for (size_t i = 0; i < st->nhosts; i++) {
        if (mtasts_policy_covers(&st->policy, st->hosts[i]->host))
            continue;
        char *h = vis(st->hosts[i]->host);

        finding_add(fs, st->enforce ? SEV_FAIL : SEV_WARN,
                    "MTA_STS_MX_MISMATCH",
                    N_("The MX host %1$s matches no mx line of the MTA-STS "
                       "policy: under enforce, senders refuse to deliver "
                       "to it."), h);
        free(h);
    }
out:
    free(name);
}

static void
check_tlsrpt(struct smtp_state *st, struct check_result *res, const char *d)
{
    struct findings *fs = &res->findings;
    const char *why = NULL;
    size_t count = 0;
    char *rec;

    if (st->rpt_txt != NULL && dns_status_is_error(st->rpt_txt->status)) {
        check_add_dns_error(fs, st->rpt_txt);
        return;
    }
    rec = one_record(st->rpt_txt, mtasts_record_is_tlsrpt, &count);
    if (count == 0) {
        finding_add(fs, SEV_INFO, "TLSRPT_MISSING",
                    N_("%1$s asks for no TLS reports (no \"v=TLSRPTv1\" "
                       "record at _smtp._tls.%1$s): you will not hear of "
                       "senders that fail to use TLS with your servers."),
                    d);
        return;
    }
    if (count > 1) {
        finding_add(fs, SEV_WARN, "TLSRPT_INVALID",
                    N_("_smtp._tls.%1$s has more than one \"v=TLSRPTv1\" "
                       "record: senders ignore them all."), d);
        return;
    }
    if (mtasts_tlsrpt_parse(rec, strlen(rec), &why) != RC_OK) {
        char *r = vis(rec);

        finding_add(fs, SEV_WARN, "TLSRPT_INVALID",
                    N_("The TLS-RPT record \"%1$s\" is not valid (%2$s): "
                       "senders ignore it."), r, why);
        findings_msgid_arg(fs, 1);
        free(r);
    } else {
        check_add_record(res, rec);
    }
    free(rec);
}

static void
smtp_finish(struct check_ctx *ctx)
{
    struct smtp_state *st = ctx->state[STEP_SMTP];
    struct check_result *res = &ctx->res[STEP_SMTP];
    struct findings *fs = &res->findings;
    char *d = vis(ctx->opts->domain);
    const struct dns_answer *host_err = NULL;

    if (st->tls_why != NULL) {
        char *f = vis(ctx->opts->ca_file != NULL ? ctx->opts->ca_file : "");

        finding_add(fs, SEV_ERROR, "SMTP_CA_FILE",
                    N_("The CA file %1$s could not be used (%2$s): the "
                       "delivery step was not checked."), f, st->tls_why);
        free(f);
        goto out;
    }
    check_sts(st, res, d);
    check_tlsrpt(st, res, d);
    if (st->mx != NULL && dns_status_is_error(st->mx->status)) {
        check_add_dns_error(fs, st->mx);
        goto out;
    }
    for (size_t i = 0; i < st->nhosts; i++) {
        const struct smtp_host *h = st->hosts[i];

        if (h->a != NULL && dns_status_is_error(h->a->status))
            host_err = h->a;
        else if (h->aaaa != NULL && dns_status_is_error(h->aaaa->status))
            host_err = h->aaaa;
    }
    if (st->naddrs == 0) {
        if (host_err != NULL)
            check_add_dns_error(fs, host_err);
        else
            finding_add(fs, SEV_INFO, "SMTP_NO_SERVER",
                        N_("%1$s has no MX host with an address: there is "
                           "no mail server to connect to."), d);
        goto out;
    }
    if (host_err != NULL)
        check_add_dns_error(fs, host_err);
    if (st->too_many)
        finding_add(fs, SEV_INFO, "SMTP_TOO_MANY",
                    N_("%1$s has more mail server addresses than are "
                       "probed; only the first ones were checked."), d);
    for (size_t i = 0; i < st->naddrs; i++)
        if (st->addrs[i]->probe != NULL)
            check_addr(st, res, st->addrs[i]);
out:
    free(d);
}

const struct check_step_ops check_smtp_ops = {
    .name = "smtp",
    .title = N_("Delivery"),
    .start = smtp_start,
    .finish = smtp_finish,
    .free_state = smtp_free_state,
};

const struct finding_info check_smtp_findings[] = {
    { "SMTP_CONNECT_FAILED", "smtp",
      N_("Could not connect to a mail server on port 25 from here."),
      N_("This was not checked; it is not a verdict on your server. Many "
         "home networks, companies and cloud providers block outgoing "
         "port 25, so a connection from here can fail while the rest of "
         "the Internet reaches your server fine."),
      N_("Run the check from another network (a server at another "
         "provider, or a phone's connection). If it fails from there "
         "too, make sure the mail server is running, listens on port 25 "
         "on its public address, and that its firewall and your "
         "provider's let port 25 in.") },
    { "SMTP_ADDR_NOT_GLOBAL", "smtp",
      N_("A mail server address cannot be reached from the Internet."),
      N_("A private or local address (a LAN, a test bed) can be checked "
         "from a machine next to it, but senders on the Internet cannot "
         "use it."),
      N_("Give the MX host a public address in DNS if it is to receive "
         "mail from the Internet.") },
    { "SMTP_NO_SERVER", "smtp",
      N_("There is no mail server to connect to."),
      N_("Without an MX host with an address there is nothing to check "
         "for delivery."),
      "" },
    { "SMTP_TOO_MANY", "smtp",
      N_("Only the first mail server addresses were checked."),
      N_("The domain has more MX hosts or addresses than one check "
         "probes."),
      "" },
    { "SMTP_CA_FILE", "smtp",
      N_("The CA file could not be used."),
      N_("Certificates cannot be checked without it, so delivery was not "
         "checked."),
      N_("Give a readable file of PEM certificates.") },
    { "SMTP_BANNER_NAME_MISMATCH", "smtp",
      N_("The mail server greets with a name that is not its own."),
      N_("The name in the 220 greeting should be the server's name, the "
         "one its address's PTR record gives. Some receivers and spam "
         "filters distrust a server whose names do not agree."),
      N_("Set the server's name to the PTR name of its address (in "
         "Postfix: myhostname = mail.example.com in main.cf, then "
         "\"postfix reload\").") },
    { "SMTP_NO_STARTTLS", "smtp",
      N_("The mail server does not offer encryption (STARTTLS)."),
      N_("Mail to it travels in clear text that anyone on the way can "
         "read, and senders that insist on TLS cannot deliver."),
      N_("Get a certificate for the MX name (for example with certbot: "
         "certbot certonly --standalone -d mail.example.com) and turn TLS "
         "on (in Postfix: smtpd_tls_chain_files = the key and the "
         "fullchain file, smtpd_tls_security_level = may).") },
    { "TLS_HANDSHAKE_FAILED", "smtp",
      N_("The mail server offers STARTTLS but TLS fails."),
      N_("Senders then deliver in clear text, or not at all when they "
         "insist on TLS."),
      N_("Look at the mail server's log for TLS errors; check that its "
         "key and certificate files exist, are readable by it and match "
         "(in Postfix: smtpd_tls_chain_files).") },
    { "TLS_VERSION_OLD", "smtp",
      N_("The mail server uses an old TLS version."),
      N_("TLS 1.0 and 1.1 are deprecated (RFC 8996) and many senders no "
         "longer use them: they send without encryption instead, or, when "
         "your MTA-STS policy is in enforce mode, do not deliver at all."),
      N_("Update the mail server's TLS library and allow TLS 1.2 and 1.3 "
         "(in Postfix: smtpd_tls_protocols = >=TLSv1.2).") },
    { "TLS_CERT_EXPIRED", "smtp",
      N_("The mail server's certificate has expired."),
      N_("Senders that check certificates (MTA-STS, DANE) refuse to "
         "deliver, and the others see a broken setup."),
      N_("Renew the certificate (with certbot: certbot renew), point the "
         "server at the new files (in Postfix: smtpd_tls_chain_files) and "
         "reload it. Make renewal automatic (certbot's timer) and reload "
         "the mail server after each renewal.") },
    { "TLS_CERT_EXPIRING", "smtp",
      N_("The mail server's certificate expires soon."),
      N_("Once it expires, senders that check certificates stop "
         "delivering."),
      N_("Renew it now (with certbot: certbot renew) and check that "
         "renewal is automatic and reloads the mail server.") },
    { "TLS_CERT_NAME_MISMATCH", "smtp",
      N_("The mail server's certificate is not for the MX name."),
      N_("A sender that checks certificates (MTA-STS in enforce mode) "
         "compares the MX name with the names in the certificate and "
         "refuses to deliver when none matches."),
      N_("Get a certificate that includes the MX host name (with "
         "certbot: certbot certonly -d mail.example.com, the name of your "
         "MX record) and use it in the mail server (in Postfix: "
         "smtpd_tls_chain_files).") },
    { "TLS_CERT_SELF_SIGNED", "smtp",
      N_("The mail server's certificate is self-signed."),
      N_("No sender can verify it; senders that check certificates "
         "(MTA-STS in enforce mode) refuse to deliver."),
      N_("Replace it with a certificate from a public authority, for "
         "example a free one from Let's Encrypt with certbot, and use it "
         "in the mail server (in Postfix: smtpd_tls_chain_files).") },
    { "TLS_CERT_UNTRUSTED", "smtp",
      N_("The mail server's certificate is not trusted."),
      N_("Its chain does not lead to a known authority (often the "
         "intermediate certificate is missing), so senders that check "
         "certificates refuse to deliver."),
      N_("Serve the full chain, not just the certificate: in Postfix "
         "give the key and certbot's fullchain.pem in "
         "smtpd_tls_chain_files.") },
    { "MTA_STS_RECORD_MISSING", "smtp",
      N_("The domain has no MTA-STS policy."),
      N_("Without MTA-STS (RFC 8461) senders use TLS when your server "
         "offers it, but anyone on the way can strip it and read the "
         "mail."),
      N_("Publish a policy: the file at "
         "https://mta-sts.example.com/.well-known/mta-sts.txt and the "
         "_mta-sts TXT record. Start with mode: testing, and move to "
         "enforce once the TLS reports show no failures.") },
    { "MTA_STS_RECORD_INVALID", "smtp",
      N_("The MTA-STS record is not valid."),
      N_("Senders ignore an invalid _mta-sts record, or several, and so "
         "ignore the policy."),
      N_("Publish exactly one TXT record at _mta-sts: \"v=STSv1; id=\" "
         "followed by up to 32 letters or digits, a new id whenever the "
         "policy changes.") },
    { "MTA_STS_POLICY_FETCH", "smtp",
      N_("The MTA-STS policy could not be fetched."),
      N_("Senders fetch the policy over HTTPS from mta-sts.example.com "
         "with a valid certificate for that name, status 200 and no "
         "redirect; otherwise they act as if there were no policy."),
      N_("Serve the file /.well-known/mta-sts.txt on https://mta-sts. "
         "followed by your domain, with a certificate for that name (for "
         "example certbot certonly -d mta-sts.example.com), straight with "
         "status 200, without redirects.") },
    { "MTA_STS_POLICY_CONTENT_TYPE", "smtp",
      N_("The MTA-STS policy is not served as text/plain."),
      N_("RFC 8461 requires the media type text/plain; senders reject the "
         "policy otherwise."),
      N_("Make the web server send the file with Content-Type text/plain "
         "(nginx: default_type text/plain; in the location; Apache: "
         "ForceType text/plain).") },
    { "MTA_STS_POLICY_SYNTAX", "smtp",
      N_("The MTA-STS policy file is not valid."),
      N_("Senders ignore a policy they cannot read."),
      N_("Write the file as lines \"key: value\": version: STSv1, mode: "
         "testing (or enforce, or none), one mx: line per MX host (or "
         "*.example.com), and max_age: at most 31557600.") },
    { "MTA_STS_MX_MISMATCH", "smtp",
      N_("An MX host is not listed in the MTA-STS policy."),
      N_("Under mode enforce, senders deliver only to MX hosts that match "
         "an mx line of the policy; mail to the others is refused."),
      N_("Add an mx: line for every MX host to the policy file, then "
         "change the id of the _mta-sts record so that senders fetch it "
         "again.") },
    { "TLSRPT_MISSING", "smtp",
      N_("The domain asks for no TLS reports."),
      N_("With TLS-RPT (RFC 8460), senders send daily reports of the TLS "
         "failures they met with your servers."),
      N_("Publish a TXT record at _smtp._tls: \"v=TLSRPTv1; "
         "rua=mailto:tlsrpt@example.com\".") },
    { "TLSRPT_INVALID", "smtp",
      N_("The TLS-RPT record is not valid."),
      N_("Senders ignore an invalid _smtp._tls record, or several."),
      N_("Publish exactly one TXT record at _smtp._tls: \"v=TLSRPTv1; "
         "rua=\" followed by mailto: or https: addresses separated by "
         "commas.") },
    { NULL, NULL, NULL, NULL, NULL }
};
