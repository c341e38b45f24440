/* check_auth.c - the authoritative view (check_auth.h): the zone's own
 * name servers asked directly, compared with each other and with the
 * resolver. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/check_auth.h"
#include "mailready/dns_parse.h"
#include "mailready/i18n.h"
#include "mailready/net.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* Bounds: a hostile zone cannot make us ask forever. */
#define AUTH_MAX_VIEWS 20
#define AUTH_MAX_SUFFIX 8       /* NS questions per name */
#define AUTH_MAX_HOSTS 6        /* NS hosts per zone */
#define AUTH_MAX_ZONES 8
#define AUTH_MAX_MXHOSTS 4      /* MX hosts whose addresses are viewed */
#define AUTH_ZONE_SRV 8         /* servers asked per zone */

enum qkind { Q_RES, Q_NS, Q_ADDR, Q_SOA, Q_DIRECT };

struct zsrv {
    char *host;
    char addr[INET6_ADDRSTRLEN];
    const struct dns_answer *soa;
};

struct zone {
    char *name;
    char *hosts[AUTH_MAX_HOSTS];
    size_t nhosts;
    const struct dns_answer *addr[AUTH_MAX_HOSTS][2];   /* A, AAAA */
    struct zsrv srv[AUTH_ZONE_SRV];
    size_t nsrv;
    size_t addr_pending;        /* A and AAAA questions not answered */
    bool ready;                 /* srv[] filled */
};

/* NS of one suffix; apex: the owner of the SOA a negative answer came
 * with (the zone that holds the name, RFC 2308 3), canonical, or NULL. */
struct nsq {
    char *name;
    const struct dns_answer *ans;
    char *apex;
};

/* One query's destination. */
struct qarg {
    struct check_auth *a;
    enum qkind kind;
    size_t i, j;                /* view/suffix/zone, host/server */
    int fam;
    struct qarg *next;
};

struct check_auth {
    struct check_ctx *ctx;
    unsigned mask;
    unsigned port;
    struct auth_view v[AUTH_MAX_VIEWS];
    size_t nv;
    struct nsq nq[AUTH_MAX_VIEWS * (AUTH_MAX_SUFFIX + 1)];
    size_t nnq;
    struct zone z[AUTH_MAX_ZONES];
    size_t nz;
    size_t pending;
    size_t naddr;               /* distinct server addresses asked */
    bool decided[AUTH_MAX_VIEWS];   /* own answer and cut known */
    bool done[AUTH_MAX_VIEWS];      /* direct questions sent, or none */
    bool mx_hosts_added;
    bool cancelled;
    struct qarg *args;
};

static void auth_cb(void *arg, const struct dns_answer *ans);

static void
ask(struct check_auth *a, enum qkind k, size_t i, size_t j, int fam,
    const char *addr, const char *name, uint16_t type)
{
    struct qarg *q = xcalloc(1, sizeof(*q));

    q->a = a;
    q->kind = k;
    q->i = i;
    q->j = j;
    q->fam = fam;
    q->next = a->args;
    a->args = q;
    a->pending++;
    if (addr != NULL)
        dns_query_at(a->ctx->dns, addr, a->port, name, type, auth_cb, q);
    else
        dns_query(a->ctx->dns, name, type, auth_cb, q);
}

static void
view_add(struct check_auth *a, enum check_step step, const char *name,
         uint16_t type)
{
    char canon[DNS_NAME_BUF];
    struct auth_view *v;

    if (a->nv >= AUTH_MAX_VIEWS || !(a->mask & (1u << step)) ||
        !dns_name_canon(name, true, canon, sizeof(canon)) ||
        canon[0] == '\0')
        return;
    v = &a->v[a->nv++];
    memset(v, 0, sizeof(*v));
    v->step = step;
    v->name = xstrdup(canon);
    v->type = type;
    v->resolver = AUTH_RES_UNKNOWN;
}

struct check_auth *
check_auth_new(struct check_ctx *ctx, unsigned mask, unsigned port)
{
    struct check_auth *a = xcalloc(1, sizeof(*a));
    const struct check_opts *o = ctx->opts;

    a->ctx = ctx;
    a->mask = mask;
    a->port = port ? port : 53;
    if (o->domain == NULL)
        return a;
    view_add(a, STEP_SPF, o->domain, DNS_T_TXT);
    for (size_t i = 0; i < o->n_selectors && i < 4; i++) {
        char *n = xasprintf("%s._domainkey.%s", o->selectors[i], o->domain);

        view_add(a, STEP_DKIM, n, DNS_T_TXT);
        free(n);
    }
    {
        char *n = xasprintf("_dmarc.%s", o->domain);

        view_add(a, STEP_DMARC, n, DNS_T_TXT);
        free(n);
    }
    /* PTR: the reverse name of each address given (published by whoever
     * owns the address), and the host name's own address record, which
     * confirms it (published in the admin's zone). */
    {
        bool v4 = false, v6 = false;

        for (size_t i = 0; i < o->n_server_ips && i < 2; i++) {
            struct ipaddr ip;
            char rev[128];

            if (!net_parse(o->server_ips[i], &ip))
                continue;
            net_unmap(&ip);
            if (ip.family == AF_INET6)
                v6 = true;
            else
                v4 = true;
            view_add(a, STEP_PTR,
                     net_reverse_name(&ip, rev, sizeof(rev)), DNS_T_PTR);
        }
        if (o->hostname != NULL && v4)
            view_add(a, STEP_PTR, o->hostname, DNS_T_A);
        if (o->hostname != NULL && v6)
            view_add(a, STEP_PTR, o->hostname, DNS_T_AAAA);
    }
    /* Last: the MX hosts' views come after it (add_mx_hosts()), and a
     * step's views are one run of the array (check_auth_views()). */
    view_add(a, STEP_MX, o->domain, DNS_T_MX);
    return a;
}

void
check_auth_free(struct check_auth *a)
{
    struct qarg *q, *next;

    if (a == NULL)
        return;
    for (q = a->args; q != NULL; q = next) {
        next = q->next;
        free(q);
    }
    for (size_t i = 0; i < a->nv; i++) {
        for (size_t k = 0; k < a->v[i].nsrv; k++) {
            free(a->v[i].srv[k].name);
            free(a->v[i].srv[k].addr);
        }
        free(a->v[i].srv);
        free(a->v[i].name);
        free(a->v[i].zone);
    }
    for (size_t i = 0; i < a->nnq; i++) {
        free(a->nq[i].name);
        free(a->nq[i].apex);
    }
    for (size_t i = 0; i < a->nz; i++) {
        free(a->z[i].name);
        for (size_t k = 0; k < a->z[i].nhosts; k++)
            free(a->z[i].hosts[k]);
        for (size_t k = 0; k < a->z[i].nsrv; k++)
            free(a->z[i].srv[k].host);
    }
    free(a);
}

/* Number of labels of a canonical name ("" is 0); escaped dots are not
 * label ends. */
static size_t
nlabels(const char *n)
{
    size_t k = n[0] != '\0';

    for (const char *p = n; *p != '\0'; p++) {
        if (p[0] == '\\' && p[1] != '\0')
            p++;
        else if (*p == '.')
            k++;
    }
    return k;
}

/* The name after the first label, or NULL at the last one. */
static const char *
parent_of(const char *n)
{
    for (const char *p = n; *p != '\0'; p++) {
        if (p[0] == '\\' && p[1] != '\0')
            p++;
        else if (*p == '.')
            return p + 1;
    }
    return NULL;
}

static size_t
nsq_index(struct check_auth *a, const char *name, bool add)
{
    for (size_t i = 0; i < a->nnq; i++)
        if (strcmp(a->nq[i].name, name) == 0)
            return i;
    if (!add || a->nnq >= ARRAY_LEN(a->nq))
        return SIZE_MAX;
    a->nq[a->nnq].name = xstrdup(name);
    a->nq[a->nnq].ans = NULL;
    return a->nnq++;
}

/* true when apex is a proper suffix of name (whole labels). */
static bool
below(const char *name, const char *apex)
{
    for (const char *s = parent_of(name); s != NULL; s = parent_of(s))
        if (dns_name_eq(s, apex))
            return true;
    return false;
}

static void
ask_ns(struct check_auth *a, const char *s)
{
    size_t k;

    if (nsq_index(a, s, false) != SIZE_MAX)
        return;
    k = nsq_index(a, s, true);
    if (k != SIZE_MAX)
        ask(a, Q_NS, k, 0, 0, NULL, s, DNS_T_NS);
}

/* The first questions of view i: the name itself (merged with the steps'
 * own question) and NS of its suffixes with two labels or more, the
 * first AUTH_MAX_SUFFIX of them.  A reverse name under ip6.arpa has 34
 * labels and its cut is at any nibble: only NS of the name itself is
 * asked, whose negative answer names the zone's apex (its SOA), and
 * auth_cb() asks NS of that apex (one question more, one round). */
static void
view_start(struct check_auth *a, size_t i)
{
    const char *s = a->v[i].name;
    size_t n = 0, max = AUTH_MAX_SUFFIX;

    if (below(s, "ip6.arpa"))
        max = 1;
    ask(a, Q_RES, i, 0, 0, NULL, s, a->v[i].type);
    for (; s != NULL && nlabels(s) >= 2 && n < max; s = parent_of(s), n++)
        ask_ns(a, s);
}

void
check_auth_start(struct check_auth *a)
{
    /* Every view's name and its suffixes' NS.  The MX hosts' views are
     * added when the MX answer comes (auth_cb()); each view then goes on
     * by itself (progress()). */
    for (size_t i = 0; i < a->nv; i++)
        view_start(a, i);
}

/* The A and AAAA of each MX host the resolver's answer names (the MX
 * step reads them), as views of the MX step. */
static void
add_mx_hosts(struct check_auth *a, const struct dns_answer *r)
{
    const struct dns_rr *rr = NULL;
    size_t n = 0;

    while ((rr = dns_answer_next(r, DNS_T_MX, rr)) != NULL &&
           n < AUTH_MAX_MXHOSTS) {
        char canon[DNS_NAME_BUF];
        bool dup = false;
        size_t first = a->nv;

        if (rr->u.mx.host == NULL || rr->u.mx.host[0] == '\0' ||
            !dns_name_canon(rr->u.mx.host, true, canon, sizeof(canon)) ||
            canon[0] == '\0')
            continue;
        for (size_t i = 0; i < a->nv; i++)
            if (a->v[i].step == STEP_MX && a->v[i].type == DNS_T_A &&
                strcmp(a->v[i].name, canon) == 0)
                dup = true;
        if (dup)
            continue;
        n++;
        view_add(a, STEP_MX, canon, DNS_T_A);
        view_add(a, STEP_MX, canon, DNS_T_AAAA);
        for (size_t i = first; i < a->nv; i++)
            view_start(a, i);
    }
}

/* A negative NS answer for a suffix names the apex of the zone that
 * holds it: ask NS of that apex when the walk did not. */
static void
follow_apex(struct check_auth *a, size_t k)
{
    const struct dns_answer *r = a->nq[k].ans;
    char canon[DNS_NAME_BUF];

    if (r == NULL || (r->status != DNS_NODATA && r->status != DNS_NXDOMAIN) ||
        r->soa_owner == NULL || !dns_name_eq(r->canon, r->qname) ||
        !dns_name_canon(r->soa_owner, true, canon, sizeof(canon)) ||
        nlabels(canon) < 2 || !below(a->nq[k].name, canon))
        return;
    a->nq[k].apex = xstrdup(canon);
    ask_ns(a, canon);
}

static bool
answer_usable(const struct dns_answer *r)
{
    return r != NULL && (r->status == DNS_OK || r->status == DNS_NODATA ||
                         r->status == DNS_NXDOMAIN);
}

static bool
has_ns(struct check_auth *a, size_t k)
{
    const struct dns_answer *r = k != SIZE_MAX ? a->nq[k].ans : NULL;

    return r != NULL && r->status == DNS_OK &&
           dns_name_eq(r->canon, r->qname);
}

/* The zone cut of a view: the apex the SOA of a negative NS answer at the
 * name (or the first suffix asked) names, when that apex has NS records;
 * else the longest suffix with NS records at the name itself (not
 * through a CNAME). */
static const char *
cut_of(struct check_auth *a, const char *name)
{
    for (const char *s = name; s != NULL && nlabels(s) >= 2;
         s = parent_of(s)) {
        size_t k = nsq_index(a, s, false), ka;

        if (k == SIZE_MAX)
            continue;
        if (has_ns(a, k))
            return s;
        if (a->nq[k].apex == NULL)
            continue;
        ka = nsq_index(a, a->nq[k].apex, false);
        if (has_ns(a, ka))
            return a->nq[ka].name;
    }
    return NULL;
}

/* Every suffix NS question of name answered (and the apex questions
 * their negative answers led to): its cut can be told. */
static bool
chain_answered(struct check_auth *a, const char *name)
{
    for (const char *s = name; s != NULL && nlabels(s) >= 2;
         s = parent_of(s)) {
        size_t k = nsq_index(a, s, false), ka;

        if (k == SIZE_MAX)
            continue;
        if (a->nq[k].ans == NULL)
            return false;
        if (a->nq[k].apex == NULL)
            continue;
        ka = nsq_index(a, a->nq[k].apex, false);
        if (ka != SIZE_MAX && a->nq[ka].ans == NULL)
            return false;
    }
    return true;
}

static struct zone *
zone_find(struct check_auth *a, const char *name, size_t *zi)
{
    for (size_t i = 0; i < a->nz; i++)
        if (strcmp(a->z[i].name, name) == 0) {
            if (zi != NULL)
                *zi = i;
            return &a->z[i];
        }
    return NULL;
}

/* The zone cut: its name servers' addresses are asked once, by the first
 * view that needs them. */
static void
zone_open(struct check_auth *a, const char *cut)
{
    const struct dns_answer *r;
    const struct dns_rr *rr = NULL;
    size_t zi = a->nz;
    struct zone *z;

    if (zone_find(a, cut, NULL) != NULL || a->nz >= AUTH_MAX_ZONES)
        return;
    z = &a->z[a->nz++];
    memset(z, 0, sizeof(*z));
    z->name = xstrdup(cut);
    r = a->nq[nsq_index(a, cut, false)].ans;
    while ((rr = dns_answer_next(r, DNS_T_NS, rr)) != NULL &&
           z->nhosts < AUTH_MAX_HOSTS) {
        char canon[DNS_NAME_BUF];

        if (rr->u.name == NULL ||
            !dns_name_canon(rr->u.name, true, canon, sizeof(canon)))
            continue;
        z->hosts[z->nhosts++] = xstrdup(canon);
    }
    for (size_t h = 0; h < z->nhosts; h++) {
        z->addr_pending += 2;
        ask(a, Q_ADDR, zi, h, 0, NULL, z->hosts[h], DNS_T_A);
        ask(a, Q_ADDR, zi, h, 1, NULL, z->hosts[h], DNS_T_AAAA);
    }
    z->ready = z->nhosts == 0;
}

/* What view i needs once its own answer and its cut are known. */
static void
view_decide(struct check_auth *a, size_t i)
{
    struct auth_view *v = &a->v[i];
    const char *cut;

    if (v->res_ans->from_zone || v->res_ans->aa) {
        v->own_authority = true;
        v->resolver = AUTH_RES_AGREES;
        return;
    }
    /* The resolver could not answer: the step says "not checked"
     * already, and there is nothing to compare the servers with. */
    if (dns_status_is_error(v->res_ans->status))
        return;
    cut = cut_of(a, v->name);
    if (cut == NULL)
        return;
    v->zone = xstrdup(cut);
    zone_open(a, cut);
}

static bool
addr_known(const struct check_auth *a, const char *addr)
{
    for (size_t zi = 0; zi < a->nz; zi++)
        for (size_t k = 0; k < a->z[zi].nsrv; k++)
            if (strcmp(a->z[zi].srv[k].addr, addr) == 0)
                return true;
    return false;
}

/* Every address of zone zi's name servers is in: the servers, and the
 * SOA of the zone asked of each. */
static void
zone_ready(struct check_auth *a, size_t zi)
{
    struct zone *z = &a->z[zi];

    for (size_t h = 0; h < z->nhosts; h++)
        for (int f = 0; f < 2; f++) {
            const struct dns_answer *r = z->addr[h][f];
            uint16_t t = f ? DNS_T_AAAA : DNS_T_A;
            const struct dns_rr *rr = NULL;

            while ((rr = dns_answer_next(r, t, rr)) != NULL &&
                   z->nsrv < AUTH_ZONE_SRV) {
                struct zsrv *s = &z->srv[z->nsrv];
                bool dup = false;

                if (inet_ntop(f ? AF_INET6 : AF_INET, rr->u.addr,
                              s->addr, sizeof(s->addr)) == NULL)
                    continue;
                for (size_t k = 0; k < z->nsrv; k++)
                    if (strcmp(z->srv[k].addr, s->addr) == 0)
                        dup = true;
                if (dup)
                    continue;
                /* dns_query_at() keeps one channel per distinct
                 * address: the budget counts addresses, shared by the
                 * zones they serve. */
                if (!addr_known(a, s->addr)) {
                    if (a->naddr >= DNS_DIRECT_MAX)
                        continue;
                    a->naddr++;
                }
                s->host = xstrdup(z->hosts[h]);
                z->nsrv++;
            }
        }
    for (size_t k = 0; k < z->nsrv; k++)
        ask(a, Q_SOA, zi, k, 0, z->srv[k].addr, z->name, DNS_T_SOA);
    z->ready = true;
}

/* View i's question, asked of each server of its zone. */
static void
view_direct(struct check_auth *a, size_t i, const struct zone *z)
{
    struct auth_view *v = &a->v[i];

    if (z->nsrv == 0)
        return;
    v->srv = xcalloc(z->nsrv, sizeof(*v->srv));
    v->nsrv = z->nsrv;
    for (size_t k = 0; k < z->nsrv; k++) {
        v->srv[k].name = str_visible(z->srv[k].host,
                                     strlen(z->srv[k].host));
        v->srv[k].addr = xstrdup(z->srv[k].addr);
        v->srv[k].status = AUTH_SRV_UNREACHABLE;
        ask(a, Q_DIRECT, i, k, 0, z->srv[k].addr, v->name, v->type);
    }
}

/* Each view goes on as soon as what it waits for is in, not in rounds
 * shared with the others: a view whose cut is known from the first
 * answers asks its servers while the MX hosts' views still look for
 * theirs, and an MX host in a zone already known costs one question
 * (NS of its name) before the direct ones. */
static void
progress(struct check_auth *a)
{
    for (size_t i = 0; i < a->nv; i++) {
        struct auth_view *v = &a->v[i];
        struct zone *z;

        if (a->done[i])
            continue;
        if (!a->decided[i]) {
            if (v->res_ans == NULL || !chain_answered(a, v->name))
                continue;
            a->decided[i] = true;
            view_decide(a, i);
        }
        if (v->zone == NULL) {
            a->done[i] = true;
            continue;
        }
        z = zone_find(a, v->zone, NULL);
        if (z == NULL) {
            a->done[i] = true;
        } else if (z->ready) {
            a->done[i] = true;
            view_direct(a, i, z);
        }
    }
}

static void
auth_cb(void *arg, const struct dns_answer *ans)
{
    struct qarg *q = arg;
    struct check_auth *a = q->a;

    a->pending--;
    if (ans->status == DNS_CANCELLED) {
        a->cancelled = true;
        return;
    }
    if (a->cancelled)
        return;
    switch (q->kind) {
    case Q_RES:
        a->v[q->i].res_ans = ans;
        if (a->v[q->i].step == STEP_MX && a->v[q->i].type == DNS_T_MX &&
            ans->status == DNS_OK && !a->mx_hosts_added) {
            a->mx_hosts_added = true;
            add_mx_hosts(a, ans);
        }
        break;
    case Q_NS:
        a->nq[q->i].ans = ans;
        follow_apex(a, q->i);
        break;
    case Q_ADDR:
        a->z[q->i].addr[q->j][q->fam] = ans;
        if (--a->z[q->i].addr_pending == 0)
            zone_ready(a, q->i);
        break;
    case Q_SOA:
        a->z[q->i].srv[q->j].soa = ans;
        break;
    case Q_DIRECT:
        a->v[q->i].srv[q->j].ans = ans;
        break;
    }
    progress(a);
}

/* ---- comparison ------------------------------------------------------- */

static int
cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static const struct dns_rr *
cname_at_qname(const struct dns_answer *r)
{
    for (size_t i = 0; i < r->nrr; i++)
        if (r->rr[i].type == DNS_T_CNAME && r->rr[i].owner != NULL &&
            dns_name_eq(r->rr[i].owner, r->qname))
            return &r->rr[i];
    return NULL;
}

/* What an answer says, comparable between servers: the CNAME at the name
 * if there is one, else the records of type sorted; "" for none.
 * *ttl gets the least TTL among them (0 for none).  Caller frees. */
static char *
signature(const struct dns_answer *r, uint16_t type, uint32_t *ttl)
{
    const struct dns_rr *c = cname_at_qname(r), *rr = NULL;
    struct strbuf sb = STRBUF_INIT;
    char **v = NULL;
    size_t n = 0;

    *ttl = 0;
    if (c != NULL) {
        char *f = dns_rr_format(c);

        *ttl = c->ttl;
        strbuf_addf(&sb, "CNAME %s", f);
        free(f);
        return strbuf_detach(&sb);
    }
    while ((rr = dns_answer_next(r, type, rr)) != NULL) {
        v = xreallocarray(v, n + 1, sizeof(*v));
        v[n++] = dns_rr_format(rr);
        if (n == 1 || rr->ttl < *ttl)
            *ttl = rr->ttl;
    }
    if (n > 1)                  /* v is NULL when n is 0 */
        qsort(v, n, sizeof(*v), cmp_str);
    for (size_t i = 0; i < n; i++) {
        strbuf_addf(&sb, "%s\n", v[i]);
        free(v[i]);
    }
    free(v);
    strbuf_adds(&sb, "");
    return strbuf_detach(&sb);
}

/* RFC 1982 serial number arithmetic: s1 > s2. */
static bool
serial_gt(uint32_t s1, uint32_t s2)
{
    return (s1 < s2 && s2 - s1 > 0x80000000u) ||
           (s1 > s2 && s1 - s2 < 0x80000000u);
}

static const struct dns_rr *
soa_rr(const struct dns_answer *r)
{
    return r != NULL && r->status == DNS_OK
               ? dns_answer_next(r, DNS_T_SOA, NULL) : NULL;
}

/* RFC 2308 5: the negative TTL is the least of the SOA's TTL and its
 * MINIMUM field. */
static uint32_t
neg_ttl(uint32_t ttl, uint32_t minimum)
{
    return ttl < minimum ? ttl : minimum;
}

void
check_auth_compare(struct auth_view *v)
{
    char **sig = xcalloc(v->nsrv ? v->nsrv : 1, sizeof(*sig));
    bool *usable = xcalloc(v->nsrv ? v->nsrv : 1, sizeof(*usable));
    size_t nuse = 0, ref = SIZE_MAX, best_count = 0;
    bool have_max = false, distinct = false, serials_differ = false;
    uint32_t max_serial = 0, ttl;
    char *rsig;

    v->n_published = 0;
    v->disagree = false;
    v->stale_for_max_s = 0;
    v->ref_ans = NULL;
    if (v->own_authority) {
        v->resolver = AUTH_RES_AGREES;
        goto out;
    }
    v->resolver = AUTH_RES_UNKNOWN;
    for (size_t k = 0; k < v->nsrv; k++) {
        struct auth_server *s = &v->srv[k];
        const struct dns_answer *r = s->ans;
        const struct dns_rr *soa = soa_rr(s->soa);

        s->has_serial = false;
        if (soa != NULL) {
            s->has_serial = true;
            s->serial = soa->u.soa.serial;
        } else if (r != NULL && r->has_soa) {
            s->has_serial = true;
            s->serial = r->soa_serial;
        }
        if (r == NULL || r->status == DNS_TIMEOUT)
            s->status = AUTH_SRV_UNREACHABLE;
        else if (r->status == DNS_REFUSED)
            s->status = AUTH_SRV_REFUSED;
        else if (r->status == DNS_SERVFAIL ||
                 (answer_usable(r) && !r->aa))
            s->status = AUTH_SRV_LAME;
        else if (!answer_usable(r))
            s->status = AUTH_SRV_UNREACHABLE;
        else
            usable[k] = true;
        if (!usable[k]) {
            s->has_serial = s->has_serial && s->status != AUTH_SRV_LAME &&
                            s->status != AUTH_SRV_REFUSED;
            continue;
        }
        nuse++;
        sig[k] = signature(r, v->type, &ttl);
        if (s->has_serial) {
            if (have_max && s->serial != max_serial)
                serials_differ = true;
            if (!have_max || serial_gt(s->serial, max_serial))
                max_serial = s->serial;
            have_max = true;
        }
    }
    if (nuse == 0)
        goto out;
    /* The reference: among the servers with the newest serial (all when
     * none has one), the answer most of them give. */
    for (size_t k = 0; k < v->nsrv; k++) {
        size_t count = 0;

        if (!usable[k] || (have_max && v->srv[k].has_serial &&
                           v->srv[k].serial != max_serial))
            continue;
        if (have_max && !v->srv[k].has_serial)
            continue;
        for (size_t m = 0; m < v->nsrv; m++)
            if (usable[m] && strcmp(sig[m], sig[k]) == 0)
                count++;
        if (count > best_count) {
            best_count = count;
            ref = k;
        }
    }
    if (ref == SIZE_MAX)
        goto out;
    v->ref_ans = v->srv[ref].ans;
    for (size_t k = 0; k < v->nsrv; k++) {
        if (!usable[k])
            continue;
        if (strcmp(sig[k], sig[ref]) == 0) {
            v->srv[k].status = AUTH_SRV_SAME;
            if (sig[ref][0] != '\0')
                v->n_published++;
        } else {
            distinct = true;
            v->srv[k].status = sig[k][0] == '\0' && sig[ref][0] != '\0'
                                   ? AUTH_SRV_MISSING : AUTH_SRV_DIFFERENT;
        }
    }
    v->disagree = distinct || serials_differ;
    if (distinct || !answer_usable(v->res_ans))
        goto out;
    rsig = signature(v->res_ans, v->type, &ttl);
    if (strcmp(rsig, sig[ref]) == 0) {
        v->resolver = AUTH_RES_AGREES;
    } else {
        const struct dns_rr *soa = soa_rr(v->srv[ref].soa);

        v->resolver = AUTH_RES_STALE;
        /* How long the cache may keep what it has: what is left of the
         * TTL of its records, or of its negative answer (the SOA it
         * sent), else the zone's own negative TTL. */
        if (rsig[0] != '\0')
            v->stale_for_max_s = ttl;
        else if (v->res_ans->has_soa)
            v->stale_for_max_s = neg_ttl(v->res_ans->soa_ttl,
                                         v->res_ans->soa_minimum);
        else if (soa != NULL)
            v->stale_for_max_s = neg_ttl(soa->ttl, soa->u.soa.minimum);
        else if (v->srv[ref].ans->has_soa)
            v->stale_for_max_s = neg_ttl(v->srv[ref].ans->soa_ttl,
                                         v->srv[ref].ans->soa_minimum);
    }
    free(rsig);
out:
    for (size_t k = 0; k < v->nsrv; k++)
        free(sig[k]);
    free(sig);
    free(usable);
}

unsigned
check_auth_eval(struct check_auth *a)
{
    bool override = false;

    for (size_t i = 0; i < a->nv; i++) {
        struct auth_view *v = &a->v[i];

        /* Each server's SOA answer (asked once per zone). */
        for (size_t zi = 0; v->zone != NULL && zi < a->nz; zi++)
            if (strcmp(a->z[zi].name, v->zone) == 0)
                for (size_t k = 0; k < v->nsrv && k < a->z[zi].nsrv; k++)
                    v->srv[k].soa = a->z[zi].srv[k].soa;
        check_auth_compare(v);
        if (v->resolver == AUTH_RES_STALE && !v->disagree &&
            v->ref_ans != NULL && cname_at_qname(v->ref_ans) == NULL) {
            dns_override(a->ctx->dns, v->ref_ans);
            override = true;
        }
    }
    /* Other steps may read the same names (DKIM reads the domain's TXT
     * too): every step of the run follows the servers. */
    return override ? a->mask : 0;
}

/* ---- findings, JSON --------------------------------------------------- */

const struct finding_info check_auth_finding_catalog[] = {
    { "DNS_NS_DISAGREE", "general",
      N_("The domain's name servers give different answers."),
      N_("Each resolver asks one of the name servers at random, so some "
         "receivers see the new record and others the old one. Right "
         "after a change this lasts until the secondary servers load the "
         "new version of the zone (its SOA serial)."),
      N_("Wait a few minutes and check again. If it lasts, make sure the "
         "zone's serial was raised and that every name server transfers "
         "the zone from the primary.") },
    { "DNS_NS_UNREACHABLE", "general",
      N_("A name server of the domain did not answer."),
      N_("What that server publishes could not be checked. It is not a "
         "fault of the record; a server that never answers makes every "
         "lookup of the domain slower."),
      N_("Check again later. If it lasts, ask your DNS provider whether "
         "the server listed in the NS records is still in service.") },
    { "DNS_NS_REFUSED", "general",
      N_("A name server of the domain refuses to answer for it."),
      N_("It is listed in the domain's NS records but does not serve the "
         "zone (a lame delegation): resolvers that ask it get no answer "
         "and try the others, slower."),
      N_("Load the zone on that server, or remove it from the NS records "
         "at the zone and at the registrar.") },
    { "DNS_NS_LAME", "general",
      N_("A name server of the domain answers without authority."),
      N_("It is listed in the domain's NS records but does not hold the "
         "zone (a lame delegation): what it says is not the domain's "
         "data."),
      N_("Load the zone on that server, or remove it from the NS records "
         "at the zone and at the registrar.") },
    { "DNS_RESOLVER_STALE", "general",
      N_("Your resolver still has the old answer in its cache."),
      N_("A resolver keeps an answer for its TTL, and a \"no such record\" "
         "for the zone's negative TTL (SOA minimum). The name servers "
         "already publish the new answer; this check follows them."),
      "" },
    { NULL, NULL, NULL, NULL, NULL }
};

static bool
said_before(const struct check_auth *a, size_t i, const struct auth_server *s)
{
    const struct auth_view *v = &a->v[i];

    for (size_t j = 0; j < i; j++) {
        const struct auth_view *w = &a->v[j];

        if (w->step != v->step || w->zone == NULL || v->zone == NULL ||
            strcmp(w->zone, v->zone) != 0)
            continue;
        for (size_t k = 0; k < w->nsrv; k++)
            if (w->srv[k].status == s->status &&
                strcmp(w->srv[k].addr, s->addr) == 0)
                return true;
    }
    return false;
}

void
check_auth_findings(const struct check_auth *a, struct check_ctx *ctx)
{
    for (size_t i = 0; i < a->nv; i++) {
        const struct auth_view *v = &a->v[i];
        struct findings *fs = &ctx->res[v->step].findings;
        const char *type = dns_type_name(v->type);
        char *name = str_visible(v->name, strlen(v->name));
        char *zone = v->zone ? str_visible(v->zone, strlen(v->zone))
                             : xstrdup(name);

        if (v->disagree) {
            char *pub = xasprintf("%zu", v->n_published);
            char *tot = xasprintf("%zu", v->nsrv);
            bool same_data = true;

            for (size_t k = 0; k < v->nsrv; k++)
                if (v->srv[k].status == AUTH_SRV_DIFFERENT ||
                    v->srv[k].status == AUTH_SRV_MISSING)
                    same_data = false;
            if (same_data)
                finding_add(fs, SEV_WARN, "DNS_NS_DISAGREE",
                            N_("The name servers of %1$s serve different "
                               "versions of the zone (SOA serials differ): "
                               "not all of them have the latest one yet."),
                            zone);
            else
                findings_addl(fs, SEV_WARN, "DNS_NS_DISAGREE",
                              NP_("The name servers of %1$s give different "
                                  "answers for %2$s %3$s: the newest is "
                                  "published on %4$s of %5$s name server.",
                                  "The name servers of %1$s give different "
                                  "answers for %2$s %3$s: the newest is "
                                  "published on %4$s of %5$s name "
                                  "servers."),
                              (unsigned long)v->nsrv, zone, name, type, pub,
                              tot, (const char *)NULL);
            free(pub);
            free(tot);
        }
        for (size_t k = 0; k < v->nsrv; k++) {
            const struct auth_server *s = &v->srv[k];

            /* A server that refuses the zone, or is lame for it, is
             * named once per step, not for each name of the zone. */
            if ((s->status == AUTH_SRV_REFUSED ||
                 s->status == AUTH_SRV_LAME) && said_before(a, i, s))
                continue;
            switch (s->status) {
            case AUTH_SRV_UNREACHABLE:
                finding_add(fs, SEV_ERROR, "DNS_NS_UNREACHABLE",
                            N_("The name server %1$s (%2$s) did not answer "
                               "for %3$s %4$s: not checked there."),
                            s->name, s->addr, name, type);
                break;
            case AUTH_SRV_REFUSED:
                finding_add(fs, SEV_WARN, "DNS_NS_REFUSED",
                            N_("The name server %1$s (%2$s) refuses to "
                               "answer for the zone %3$s it is listed "
                               "for."), s->name, s->addr, zone);
                break;
            case AUTH_SRV_LAME:
                finding_add(fs, SEV_WARN, "DNS_NS_LAME",
                            N_("The name server %1$s (%2$s) answers for "
                               "the zone %3$s without authority: it does "
                               "not serve it."), s->name, s->addr, zone);
                break;
            default:
                break;
            }
        }
        if (v->resolver == AUTH_RES_STALE && !v->disagree) {
            unsigned long min = (v->stale_for_max_s + 59) / 60;
            char *m = xasprintf("%lu", min ? min : 1);

            findings_addl(fs, SEV_INFO, "DNS_RESOLVER_STALE",
                          NP_("Your resolver still has the old answer for "
                              "%1$s %2$s; the name servers already publish "
                              "the new one and this step follows them. "
                              "Your resolver will see it within %3$s "
                              "minute.",
                              "Your resolver still has the old answer for "
                              "%1$s %2$s; the name servers already publish "
                              "the new one and this step follows them. "
                              "Your resolver will see it within %3$s "
                              "minutes."),
                          min ? min : 1, name, type, m, (const char *)NULL);
            free(m);
        }
        free(name);
        free(zone);
    }
}

const struct auth_view *
check_auth_views(const struct check_auth *a, enum check_step step,
                 size_t *n)
{
    size_t first = SIZE_MAX, k = 0;

    for (size_t i = 0; a != NULL && i < a->nv; i++)
        if (a->v[i].step == step) {
            if (first == SIZE_MAX)
                first = i;
            k++;
        }
    *n = k;
    return first == SIZE_MAX ? NULL : &a->v[first];
}

bool
check_auth_settled(const struct check_auth *a)
{
    for (size_t i = 0; a != NULL && i < a->nv; i++)
        if (a->v[i].resolver == AUTH_RES_STALE || a->v[i].disagree)
            return false;
    return true;
}

const char *
check_auth_srv_status_name(enum auth_srv_status s)
{
    static const char *const names[] = {
        "same", "different", "missing", "unreachable", "refused", "lame"
    };

    return (unsigned)s < ARRAY_LEN(names) ? names[s] : "unreachable";
}

const char *
check_auth_resolver_name(enum auth_resolver r)
{
    return r == AUTH_RES_AGREES ? "agrees"
           : r == AUTH_RES_STALE ? "stale" : "unknown";
}

json_t *
check_auth_view_json(const struct auth_view *v)
{
    json_t *o = json_object(), *servers = json_array();
    char *vis = str_visible(v->name, strlen(v->name));

    json_object_set_new(o, "name", json_string(vis));
    free(vis);
    json_object_set_new(o, "type", json_string(dns_type_name(v->type)));
    if (v->zone != NULL) {
        vis = str_visible(v->zone, strlen(v->zone));
        json_object_set_new(o, "zone", json_string(vis));
        free(vis);
    } else {
        json_object_set_new(o, "zone", json_null());
    }
    for (size_t k = 0; k < v->nsrv; k++) {
        const struct auth_server *s = &v->srv[k];
        json_t *j = json_object();

        json_object_set_new(j, "name", json_string(s->name));
        json_object_set_new(j, "address", json_string(s->addr));
        json_object_set_new(j, "status", json_string(
                                check_auth_srv_status_name(s->status)));
        json_object_set_new(j, "serial", s->has_serial
                                ? json_integer((json_int_t)s->serial)
                                : json_null());
        json_array_append_new(servers, j);
    }
    json_object_set_new(o, "servers", servers);
    json_object_set_new(o, "resolver",
                        json_string(check_auth_resolver_name(v->resolver)));
    json_object_set_new(o, "stale_for_max_s",
                        json_integer((json_int_t)v->stale_for_max_s));
    return o;
}
