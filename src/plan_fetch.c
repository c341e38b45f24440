/* plan_fetch.c - what is live at every name a target touches, asked all
 * at once through struct dns (see plan.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/dns.h"
#include "mailready/http.h"
#include "mailready/mtasts.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/plan.h"
#include "mailready/spf_eval.h"
#include "mailready/util.h"

/* The types asked at each touched name: enough to see a CNAME next to
 * other data, which no zone may hold. */
static const uint16_t fetch_types[] = {
    DNS_T_CNAME, DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT
};

/* Names of at most this many labels are walked for the zone's SOA. */
#define FETCH_SOA_MAX 16

struct fetch_q {
    struct plan_fetch *f;
    char *name;
    uint16_t type;
    size_t soa_labels;          /* SOA queries: labels of name */
};

/* Most check_host() evaluations of one fetch (one per address). */
#define FETCH_SPF_MAX 32

/* Addresses of mta-sts.DOMAIN the policy is fetched from, at most. */
#define FETCH_STS_ADDRS 8

struct plan_fetch {
    struct plan_live live;
    struct plan_fetch_opts o;
    struct dns *dns;
    char *sts_host;             /* "mta-sts.DOMAIN", when asked */
    char *sts_resolve[FETCH_STS_ADDRS];  /* "HOST:PORT:ADDR" */
    size_t n_resolve;
    int sts_left;               /* address answers still to come */
    bool sts_dns_error;
    struct http *http;
    size_t zone_labels;         /* labels of live.zone; 0: none yet */
    struct spf_eval *ev[FETCH_SPF_MAX];
    char *ev_ip[FETCH_SPF_MAX];
    size_t n_ev;
    bool collected;
};

static void sts_addr_cb(void *arg, const struct dns_answer *a);

static size_t
count_labels(const char *s)
{
    size_t n = *s != '\0' ? 1 : 0;

    for (; *s != '\0'; s++)
        if (*s == '.')
            n++;
    return n;
}

static void
fetch_cb(void *arg, const struct dns_answer *a)
{
    struct fetch_q *q = arg;
    struct plan_fetch *f = q->f;

    if (a->status == DNS_CANCELLED) {
        free(q->name);
        free(q);
        return;
    }
    if (q->type == DNS_T_SOA) {
        /* The zone is the longest name with an SOA of its own. */
        for (const struct dns_rr *rr = dns_answer_next(a, DNS_T_SOA, NULL);
             rr != NULL; rr = dns_answer_next(a, DNS_T_SOA, rr))
            if (name_eq(rr->owner, q->name) &&
                q->soa_labels > f->zone_labels) {
                free(f->live.zone);
                f->live.zone = xstrdup(q->name);
                str_lower(f->live.zone);
                f->zone_labels = q->soa_labels;
            }
    } else {
        const char *data[256], *text[256];
        char *own[2][256];
        size_t n = 0;
        uint32_t ttl = 0;
        enum dns_status st = a->status;

        /* Only records at the name itself: through a CNAME the data is
         * the alias target's, not this name's. */
        for (size_t i = 0; st == DNS_OK && i < a->nrr && n < 256; i++) {
            const struct dns_rr *rr = &a->rr[i];

            if (rr->type != q->type || !name_eq(rr->owner, q->name))
                continue;
            if (n == 0)
                ttl = rr->ttl;
            own[0][n] = dns_rr_format(rr);
            own[1][n] = rr->type == DNS_T_TXT ? dns_txt_join(rr, NULL) :
                        NULL;
            data[n] = own[0][n];
            text[n] = own[1][n];
            n++;
        }
        if (st == DNS_OK && n == 0)
            st = DNS_NODATA;
        plan_live_add(&f->live, q->name, q->type, st, ttl, data, text, n);
        for (size_t i = 0; i < n; i++) {
            free(own[0][i]);
            free(own[1][i]);
        }
    }
    free(q->name);
    free(q);
}

static void
ask(struct dns *d, struct plan_fetch *f, const char *name, uint16_t type,
    size_t labels)
{
    struct fetch_q *q = xcalloc(1, sizeof(*q));

    q->f = f;
    q->name = xstrdup(name);
    str_lower(q->name);
    q->type = type;
    q->soa_labels = labels;
    dns_query(d, name, type, fetch_cb, q);
}

struct plan_fetch *
plan_fetch_start(struct dns *d, const char *domain,
                 const struct export_plan *target)
{
    return plan_fetch_start_opts(d, domain, target, NULL);
}

struct plan_fetch *
plan_fetch_start_opts(struct dns *d, const char *domain,
                      const struct export_plan *target,
                      const struct plan_fetch_opts *o)
{
    struct plan_fetch *f = xcalloc(1, sizeof(*f));
    const char *seen[256];
    size_t n_seen = 0;

    /* The apex and _dmarc always: a front end may build those records
     * after the run (the wizard's DMARC answers). */
    char *dmarc = xasprintf("_dmarc.%s", domain);
    const char *always[2] = { domain, dmarc };
    for (size_t k = 0; k < 2; k++) {
        seen[n_seen++] = always[k];
        for (size_t j = 0; j < ARRAY_LEN(fetch_types); j++)
            ask(d, f, always[k], fetch_types[j], 0);
    }
    for (int st = 0; st < STEP_COUNT; st++)
        for (size_t i = 0; i < target->rrs[st].n; i++) {
            const char *owner = target->rrs[st].v[i].owner;
            bool dup = false;

            for (size_t k = 0; k < n_seen && !dup; k++)
                dup = name_eq(seen[k], owner);
            if (dup || n_seen == ARRAY_LEN(seen))
                continue;
            seen[n_seen++] = owner;
            for (size_t k = 0; k < ARRAY_LEN(fetch_types); k++)
                ask(d, f, owner, fetch_types[k], 0);
        }
    /* check_host() of the live SPF for each address the target's SPF
     * names with no prefix: one that passes already needs no term. */
    for (size_t i = 0; i < target->rrs[STEP_SPF].n; i++) {
        const char *r = target->rrs[STEP_SPF].v[i].rdata;

        if (!str_nieq(r, "v=spf1 ", 7))
            continue;
        for (const char *p = r + 7; *p != '\0' && f->n_ev < FETCH_SPF_MAX;) {
            size_t n = strcspn(p, " ");
            char *term = xstrndup(p, n);
            struct spf_request req;

            memset(&req, 0, sizeof(req));
            if ((str_nieq(term, "ip4:", 4) || str_nieq(term, "ip6:", 4)) &&
                strchr(term, '/') == NULL && net_parse(term + 4, &req.ip)) {
                char *sender = xasprintf("postmaster@%s", domain);
                req.domain = domain;
                req.sender = sender;
                req.helo = domain;
                f->ev_ip[f->n_ev] = xstrdup(term + 4);
                f->ev[f->n_ev++] = spf_eval_start(d, &req);
                free(sender);
            }
            free(term);
            p += n;
            while (*p == ' ')
                p++;
        }
    }
    free(dmarc);
    /* The MTA-STS policy served now, when MTA-STS is asked for: its
     * mode decides what the plan may propose. */
    if (o != NULL)
        f->o = *o;
    f->dns = d;
    if (target->sts_asked && target->sts_policy != NULL && !f->o.no_https) {
        f->sts_host = xasprintf("mta-sts.%s", domain);
        f->sts_left = 2;
        dns_query(d, f->sts_host, DNS_T_A, sts_addr_cb, f);
        dns_query(d, f->sts_host, DNS_T_AAAA, sts_addr_cb, f);
    }
    /* The SOA of the domain and of each parent, in parallel. */
    const char *p = domain;
    size_t labels = count_labels(domain);
    for (size_t i = 0; *p != '\0' && i < FETCH_SOA_MAX; i++) {
        ask(d, f, p, DNS_T_SOA, labels--);
        const char *dot = strchr(p, '.');
        if (dot == NULL)
            break;
        p = dot + 1;
    }
    return f;
}

/* ---- the MTA-STS policy (RFC 8461 §3.3) ---- */

static int
http_io_pollfds(void *arg, struct pollfd *fds, int max)
{
    return http_pollfds(((struct plan_fetch *)arg)->http, fds, max);
}

static int
http_io_timeout(void *arg, int max_ms)
{
    return http_timeout_ms(((struct plan_fetch *)arg)->http, max_ms);
}

static bool
http_io_process(void *arg, const struct pollfd *fds, int nfds)
{
    return http_process(((struct plan_fetch *)arg)->http, fds, nfds);
}

static void
http_io_done(void *arg, bool cancelled)
{
    struct plan_fetch *f = arg;
    const char *body = NULL, *err = NULL, *ctype = NULL;
    long status = 0;

    if (cancelled)
        return;
    if (http_result(f->http, &body, &err) != RC_OK) {
        plan_live_set_sts(&f->live, NULL, err != NULL ? err : "error");
        return;
    }
    http_meta(f->http, &status, &ctype);
    if (status != 200) {
        char why[48];

        snprintf(why, sizeof(why), "HTTP status %ld", status);
        plan_live_set_sts(&f->live, NULL, why);
        return;
    }
    plan_live_set_sts(&f->live, body, NULL);
}

static const struct dns_io_ops http_io = {
    .pollfds = http_io_pollfds,
    .timeout_ms = http_io_timeout,
    .process = http_io_process,
    .done = http_io_done,
};

static void
sts_start_http(struct plan_fetch *f)
{
    unsigned port = f->o.https_port ? f->o.https_port : 443;
    struct http_opts ho;
    char *url;

    if (f->n_resolve == 0) {
        /* No address: nothing is served (or DNS could not tell). */
        if (f->sts_dns_error)
            plan_live_set_sts(&f->live, NULL, "DNS error");
        else
            plan_live_set_sts(&f->live, NULL, "no address");
        return;
    }
    url = port == 443 ?
          xasprintf("https://%s/.well-known/mta-sts.txt", f->sts_host) :
          xasprintf("https://%s:%u/.well-known/mta-sts.txt", f->sts_host,
                    port);
    memset(&ho, 0, sizeof(ho));
    ho.timeout_ms = f->o.timeout_ms ? f->o.timeout_ms : 10000;
    ho.max_body = MTASTS_POLICY_MAX;
    ho.ca_file = f->o.ca_file;
    ho.resolve = (const char *const *)f->sts_resolve;
    ho.nresolve = f->n_resolve;
    ho.any_status = true;
    if (http_get_start_opts(url, &ho, &f->http) == RC_OK)
        dns_io_add(f->dns, &http_io, f);
    else
        plan_live_set_sts(&f->live, NULL, "cannot start HTTPS");
    free(url);
}

static void
sts_addr_cb(void *arg, const struct dns_answer *a)
{
    struct plan_fetch *f = arg;
    unsigned port = f->o.https_port ? f->o.https_port : 443;
    uint16_t type = a->qtype;
    const struct dns_rr *rr = NULL;

    if (a->status == DNS_CANCELLED)
        return;
    if (dns_status_is_error(a->status))
        f->sts_dns_error = true;
    while (a->status == DNS_OK &&
           (rr = dns_answer_next(a, type, rr)) != NULL &&
           f->n_resolve < FETCH_STS_ADDRS) {
        struct ipaddr ip;
        char buf[64];

        net_from_bytes(&ip, type == DNS_T_A ? AF_INET : AF_INET6,
                       rr->u.addr);
        net_format(&ip, buf, sizeof(buf));
        f->sts_resolve[f->n_resolve++] =
            xasprintf(type == DNS_T_A ? "%s:%u:%s" : "%s:%u:[%s]",
                      f->sts_host, port, buf);
    }
    if (--f->sts_left == 0)
        sts_start_http(f);
}

const struct plan_live *
plan_fetch_live(struct plan_fetch *f)
{
    if (!f->collected) {
        for (size_t i = 0; i < f->n_ev; i++) {
            const struct spf_verdict *v = spf_eval_verdict(f->ev[i]);
            enum spf_result r = spf_eval_done(f->ev[i]) ? v->result :
                                SPF_RES_TEMPERROR;
            const char *m = v->mechanism;

            /* A pass by "all" (+all) is no pass of its own: the plan
             * raises that all, and the address would lose it. */
            if (r == SPF_RES_PASS && m != NULL &&
                (str_ieq(m, "all") || str_ieq(m, "+all")))
                r = SPF_RES_NEUTRAL;
            plan_live_add_spf(&f->live, f->ev_ip[i], r);
        }
        f->collected = true;
    }
    return &f->live;
}

void
plan_fetch_free(struct plan_fetch *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n_ev; i++) {
        spf_eval_free(f->ev[i]);
        free(f->ev_ip[i]);
    }
    plan_live_fini(&f->live);
    http_free(f->http);
    for (size_t i = 0; i < f->n_resolve; i++)
        free(f->sts_resolve[i]);
    free(f->sts_host);
    free(f);
}
