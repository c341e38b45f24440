/* dns.c - the asynchronous DNS layer: cache, merged queries, delivery
 * queue, zone files and forced answers in front of live DNS.  The only
 * user of <ares.h> (c-ares 1.18: ares_send, ares_getsock, ares_timeout,
 * ares_process_fd).
 *
 * Every (name, type) has one entry: it is in flight (a c-ares query, or a
 * live query for the target of a zone CNAME) or answered.  Callers wait on
 * an entry; answered entries sit on the ready queue until dns_process() or
 * dns_run() hands the answer to each waiter, so no callback ever runs
 * inside dns_query().
 *
 * Two c-ares channels: UDP (ARES_FLAG_IGNTC: a truncated answer comes back
 * to us) and TCP (ARES_FLAG_USEVC), where we ask again after a truncated
 * UDP answer with a full time-out of its own; c-ares 1.18 would give its
 * own TCP retry only the per-try share of the UDP time-out.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ares.h>

#include "mailready/dns.h"
#include "mailready/dns_parse.h"
#include "mailready/dns_zone.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* EDNS0 UDP payload size we announce (DNS flag day 2020). */
#define DNS_EDNS_SIZE 1232
/* A deadline that never comes (a zone CNAME waiting for live DNS). */
#define NEVER DBL_MAX
/* Shortest per-try timeout we give c-ares. */
#define DNS_MIN_TRY_MS 50
/* Channels to the resolver, sockets per channel; one channel more per
 * server asked directly (dns_query_at()). */
#define DNS_NCH 2
#define DNS_MAX_SOCKS ((DNS_NCH + DNS_DIRECT_MAX) * ARES_GETSOCK_MAXNUM)
#define DNS_IO_MAX_FDS 256      /* dns_run(): fds of ios at once */

struct waiter {
    dns_cb cb;
    void *arg;
    bool internal;          /* a zone CNAME chain waiting for live DNS */
    struct dns_group *grp;  /* counted there while pending, or NULL */
    struct waiter *next;
};

struct live;

struct entry {
    struct dns *d;
    char *key;                  /* canonical lower-case name, or NULL */
    char *name;                 /* canonical, case as first asked */
    uint16_t type;
    int srv;                    /* 0: the resolver; i + 1: direct[i] */
    struct dns_answer *ans;     /* NULL while in flight */
    struct dns_answer *partial; /* zone CNAME chain waiting for live */
    struct waiter *waiters, **wtail;
    struct live *live;          /* c-ares query in flight */
    double started;             /* ms, monotonic */
    double deadline;
    unsigned long prio;         /* of the group that first asked */
    unsigned long last_prio;    /* highest prio of a group that asked */
    bool pinned;                /* asked outside any group: kept */
    bool in_table;
    bool queued;
    bool waiting;               /* on the wait list for a slot */
    bool wait_tcp;              /* ... to be sent over TCP */
    struct entry *wnext;        /* wait list */
    struct entry *hnext;        /* hash chain */
    struct entry *qnext;        /* ready queue */
    struct entry *fprev, *fnext;    /* in-flight list */
    struct entry *all;          /* every entry, for dns_free() */
};

/* One c-ares query.  It outlives its entry when our own deadline answers
 * first: c-ares calls back later and the callback finds e == NULL. */
struct live {
    struct dns *d;
    struct entry *e;
    bool tcp;
};

/* A callback still owed DNS_CANCELLED while dns_free() cancels. */
struct cancel {
    dns_cb cb;
    void *arg;
    char *name;
    uint16_t type;
    struct dns_group *grp;
    struct cancel *next;
};

struct force {
    char *key;
    uint16_t type;
    enum dns_status status;
};

/* One server asked directly, recursion not desired. */
struct direct {
    char addr[INET6_ADDRSTRLEN];
    unsigned port;
    char *desc;                 /* "ADDR#PORT, direct" for the trace */
    ares_channel ch;
};

struct io {
    const struct dns_io_ops *ops;
    void *arg;
    struct dns_group *grp;
    bool over;
    struct io *next;
};

struct dns {
    struct io *ios;             /* dns_io_add(), newest first */
    ares_channel ch;            /* UDP (truncated answers come back) */
    ares_channel tcp_ch;        /* TCP, after a truncated UDP answer */
    bool have_ch, have_tcp;
    bool destroying;
    bool cancelling;            /* dns_free() delivers DNS_CANCELLED */
    struct cancel *chead, **ctail;
    size_t ncancel_new;         /* queries asked while cancelling */
    struct dns_opts opts;
    unsigned timeout_ms;
    double deadline_ms;
    double run_end;             /* ms, monotonic; 0: no query yet */
    char *desc;
    struct dns_zones *zones;
    struct force *force;
    size_t nforce;
    struct entry **bucket;
    size_t nbucket, nentry;
    struct entry *all;
    struct entry *qhead, **qtail;
    struct entry *inflight;
    size_t npending;            /* callers' callbacks not run yet */
    size_t nqueries;
    size_t query_cap;
    struct dns_group *cur_grp;  /* group of the queries asked now */
    struct entry *whead, *wtail;    /* waiting for a slot, by prio */
    size_t nwaiting;
    size_t nlive;               /* c-ares queries outstanding */
    size_t nsent, max_out;
    size_t nentries_all;        /* entries held (cache and in flight) */
    double qps_next;            /* ms: the next send allowed (--qps) */
    double t0;
    ares_socket_t socks[DNS_MAX_SOCKS];
    int sock_ch[DNS_MAX_SOCKS];     /* 0: ch, 1: tcp_ch, 2 + i:
                                     * direct[i] */
    struct direct direct[DNS_DIRECT_MAX];
    size_t ndirect;
    int nsocks;
};

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static size_t
entry_hash(const char *key, uint16_t type)
{
    size_t h = 2166136261u ^ type;

    for (; *key != '\0'; key++) {
        h ^= (unsigned char)*key;
        h *= 16777619u;
    }
    return h;
}

/* ---- trace -------------------------------------------------------------- */

/* A name for the trace: its presentation form (printable ASCII, \DDD
 * escapes) when it is a valid name, else made visible-safe.  Caller
 * frees. */
static char *
trace_name(const char *name)
{
    char canon[DNS_NAME_BUF];

    if (name != NULL && dns_name_canon(name, false, canon, sizeof(canon)))
        return xstrdup(canon);
    return str_visible(name ? name : "", name ? strlen(name) : 0);
}

static void
trace_query(struct dns *d, const struct entry *e, const char *name,
            const char *via)
{
    char *vis;

    if (d->opts.trace == NULL)
        return;
    vis = trace_name(name);
    fprintf(d->opts.trace, "dns %9.1f ms  query  %s %s (%s)\n",
            now_ms() - d->t0, vis, dns_type_name(e->type), via);
    free(vis);
    fflush(d->opts.trace);
}

/* One line: the answer, then every record ("owner. TTL TYPE rdata";
 * dns_rr_format() escapes every byte that is not printable ASCII). */
static void
trace_answer(struct dns *d, const struct dns_answer *a)
{
    struct strbuf sb = STRBUF_INIT;
    char *vis;

    if (d->opts.trace == NULL)
        return;
    vis = trace_name(a->qname);
    strbuf_addf(&sb, "dns %9.1f ms  answer %s %s %s in %.1f ms%s%s",
                now_ms() - d->t0, vis, dns_type_name(a->qtype),
                dns_status_name(a->status), a->elapsed_ms,
                a->from_zone ? " (zone)" : "", a->ad ? " (AD)" : "");
    free(vis);
    for (size_t i = 0; i < a->nrr; i++) {
        const struct dns_rr *rr = &a->rr[i];
        char *rd = dns_rr_format(rr);
        char *o = trace_name(rr->owner);

        strbuf_addf(&sb, "%s %s. %lu %s %s", i ? ";" : ":", o,
                    (unsigned long)rr->ttl, dns_type_name(rr->type), rd);
        free(rd);
        free(o);
    }
    fprintf(d->opts.trace, "%s\n", strbuf_str(&sb));
    fflush(d->opts.trace);
    strbuf_fini(&sb);
}

/* ---- entries, queue ----------------------------------------------------- */

static struct entry *
table_find(const struct dns *d, const char *key, uint16_t type)
{
    struct entry *e = d->bucket[entry_hash(key, type) % d->nbucket];

    for (; e != NULL; e = e->hnext)
        if (e->type == type && strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

static void
table_grow(struct dns *d)
{
    size_t nb = d->nbucket * 2;
    struct entry **b = xcalloc(nb, sizeof(*b));

    for (size_t i = 0; i < d->nbucket; i++) {
        struct entry *e = d->bucket[i], *next;

        for (; e != NULL; e = next) {
            size_t h = entry_hash(e->key, e->type) % nb;

            next = e->hnext;
            e->hnext = b[h];
            b[h] = e;
        }
    }
    free(d->bucket);
    d->bucket = b;
    d->nbucket = nb;
}

static void
table_remove(struct dns *d, struct entry *e)
{
    struct entry **pp = &d->bucket[entry_hash(e->key, e->type) % d->nbucket];

    for (; *pp != NULL; pp = &(*pp)->hnext)
        if (*pp == e) {
            *pp = e->hnext;
            e->hnext = NULL;
            e->in_table = false;
            d->nentry--;
            return;
        }
}

static struct entry *
entry_new(struct dns *d, const char *key, uint16_t type)
{
    struct entry *e = xcalloc(1, sizeof(*e));

    e->d = d;
    e->key = key ? xstrdup(key) : NULL;
    e->type = type;
    e->wtail = &e->waiters;
    e->started = now_ms();
    e->prio = d->cur_grp != NULL ? d->cur_grp->prio : 0;
    e->all = d->all;
    d->all = e;
    d->nentries_all++;
    if (key != NULL) {
        size_t h;

        if (d->nentry >= d->nbucket)
            table_grow(d);
        h = entry_hash(key, type) % d->nbucket;
        e->hnext = d->bucket[h];
        d->bucket[h] = e;
        e->in_table = true;
        d->nentry++;
    }
    return e;
}

static void
queue_entry(struct dns *d, struct entry *e)
{
    if (e->queued || e->ans == NULL || e->waiters == NULL)
        return;
    e->queued = true;
    e->qnext = NULL;
    *d->qtail = e;
    d->qtail = &e->qnext;
}

static void
inflight_add(struct dns *d, struct entry *e)
{
    e->fprev = NULL;
    e->fnext = d->inflight;
    if (d->inflight != NULL)
        d->inflight->fprev = e;
    d->inflight = e;
}

static void
inflight_remove(struct dns *d, struct entry *e)
{
    if (e->fprev != NULL)
        e->fprev->fnext = e->fnext;
    else if (d->inflight == e)
        d->inflight = e->fnext;
    if (e->fnext != NULL)
        e->fnext->fprev = e->fprev;
    e->fprev = e->fnext = NULL;
}

/* Give e its answer (taken over) and queue it for delivery. */
static void
entry_answer(struct dns *d, struct entry *e, struct dns_answer *a)
{
    if (e->live != NULL) {
        e->live->e = NULL;
        e->live = NULL;
    }
    inflight_remove(d, e);
    a->elapsed_ms = now_ms() - e->started;
    e->ans = a;
    trace_answer(d, a);
    queue_entry(d, e);
}

static void
add_waiter(struct dns *d, struct entry *e, dns_cb cb, void *arg,
           bool internal)
{
    struct waiter *w = xmalloc(sizeof(*w));

    w->cb = cb;
    w->arg = arg;
    w->internal = internal;
    w->grp = internal ? NULL : d->cur_grp;
    w->next = NULL;
    *e->wtail = w;
    e->wtail = &w->next;
    if (!internal)
        d->npending++;
    if (w->grp != NULL) {
        w->grp->pending++;
        if (w->grp->prio > e->last_prio)
            e->last_prio = w->grp->prio;
    } else if (!internal) {
        e->pinned = true;
    }
    queue_entry(d, e);
}

/* Run the callbacks of the entries queued now; entries queued by those
 * callbacks wait for the next call, so the caller's loop stays live. */
static void
deliver(struct dns *d)
{
    struct entry *stop = NULL, *e;

    if (d->qhead == NULL)
        return;
    for (e = d->qhead; e != NULL; e = e->qnext)
        stop = e;
    while ((e = d->qhead) != NULL) {
        struct waiter *w, *next;
        bool last = e == stop;

        d->qhead = e->qnext;
        if (d->qhead == NULL)
            d->qtail = &d->qhead;
        e->queued = false;
        e->qnext = NULL;
        w = e->waiters;
        e->waiters = NULL;
        e->wtail = &e->waiters;
        for (; w != NULL; w = next) {
            struct dns_group *saved = d->cur_grp;

            next = w->next;
            if (!w->internal)
                d->npending--;
            if (w->grp != NULL)
                w->grp->pending--;
            /* What the callback asks belongs to the same group. */
            d->cur_grp = w->grp;
            w->cb(w->arg, e->ans);
            d->cur_grp = saved;
            free(w);
        }
        if (last)
            break;
    }
}

/* ---- live DNS ------------------------------------------------------------ */

static enum dns_status
status_of_ares(int st)
{
    switch (st) {
    case ARES_ENODATA:
        return DNS_NODATA;
    case ARES_ENOTFOUND:
        return DNS_NXDOMAIN;
    case ARES_ESERVFAIL:
        return DNS_SERVFAIL;
    case ARES_EREFUSED:
        return DNS_REFUSED;
    case ARES_ETIMEOUT:
        return DNS_TIMEOUT;
    case ARES_EBADRESP:
        return DNS_MALFORMED;
    default:
        return DNS_ERROR;
    }
}

static void live_send(struct dns *d, struct entry *e, const char *name,
                      bool tcp);

/* A UDP answer to ask again over TCP: TC set, or as long as the buffer we
 * announced (c-ares cuts a longer one to that size when told to ignore
 * TC, so it may be incomplete). */
static bool
udp_truncated(const unsigned char *abuf, int alen)
{
    return (alen >= 3 && (abuf[2] & 0x02) != 0) || alen >= DNS_EDNS_SIZE;
}

static void
ares_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct live *lv = arg;
    struct entry *e = lv->e;
    struct dns *d = lv->d;
    bool tcp = lv->tcp;
    struct dns_answer *a;

    (void)timeouts;
    if (d->nlive > 0)
        d->nlive--;
    if (d->destroying || e == NULL) {
        free(lv);
        return;
    }
    e->live = NULL;
    free(lv);
    if (e->srv == 0 && !tcp && abuf != NULL && alen > 0 && udp_truncated(abuf, alen)) {
        inflight_remove(d, e);
        live_send(d, e, e->name, true);
        return;
    }
    /* Prefer the RCODE and records of the raw answer to the status. */
    if (abuf != NULL && alen > 0) {
        a = dns_parse(abuf, (size_t)alen, e->name, e->type);
    } else {
        a = dns_answer_new(e->name, e->type);
        a->status = status_of_ares(status);
    }
    entry_answer(d, e, a);
}

/* Send e to live DNS now (over TCP after a truncated UDP answer).  Past
 * the run's deadline nothing is sent: the answer is DNS_TIMEOUT. */
static void
send_now(struct dns *d, struct entry *e, const char *name, bool tcp)
{
    unsigned char q[DNS_QUERY_MAX];
    size_t qlen;
    struct live *lv;
    double now = now_ms();

    if (!dns_build_query(name, e->type, DNS_EDNS_SIZE, q, &qlen)) {
        struct dns_answer *a = dns_answer_new(name, e->type);

        entry_answer(d, e, a);
        return;
    }
    if (e->srv > 0)
        q[2] &= (unsigned char)~0x01;   /* RD off: the server's own data */
    if (d->run_end > 0 && now >= d->run_end) {
        struct dns_answer *a = dns_answer_new(name, e->type);

        trace_query(d, e, name, "past the deadline: not sent");
        a->status = DNS_TIMEOUT;
        entry_answer(d, e, a);
        return;
    }
    lv = xmalloc(sizeof(*lv));
    lv->d = d;
    lv->e = e;
    lv->tcp = tcp;
    d->nlive++;
    d->nsent++;
    if (d->nlive > d->max_out)
        d->max_out = d->nlive;
    if (d->opts.qps > 0) {
        if (d->qps_next < now)
            d->qps_next = now;
        d->qps_next += 1000.0 / d->opts.qps;
    }
    e->live = lv;
    e->deadline = now + d->timeout_ms;
    if (d->run_end > 0 && e->deadline > d->run_end)
        e->deadline = d->run_end;
    inflight_add(d, e);
    if (e->srv > 0) {
        trace_query(d, e, name, d->direct[e->srv - 1].desc);
        ares_send(d->direct[e->srv - 1].ch, q, (int)qlen, ares_cb, lv);
        return;
    }
    if (tcp && d->opts.trace != NULL) {
        char *via = xasprintf("%s, TCP", d->desc);

        trace_query(d, e, name, via);
        free(via);
    } else {
        trace_query(d, e, name, d->desc);
    }
    /* c-ares may call back from within ares_send() (no server). */
    ares_send(tcp ? d->tcp_ch : d->ch, q, (int)qlen, ares_cb, lv);
}

/* May a query go out now (--max-inflight, --qps)? */
static bool
slot_free(const struct dns *d, double now)
{
    if (d->opts.max_inflight > 0 && d->nlive >= d->opts.max_inflight)
        return false;
    return d->opts.qps == 0 || now >= d->qps_next;
}

/* Ask live DNS for e, at once when a slot is free and nobody waits,
 * else on the wait list, in prio order (equal prio: first come first
 * sent); its time-out starts when it is sent. */
static void
live_send(struct dns *d, struct entry *e, const char *name, bool tcp)
{
    struct entry **pp;

    if (d->whead == NULL && slot_free(d, now_ms())) {
        send_now(d, e, name, tcp);
        return;
    }
    e->waiting = true;
    e->wait_tcp = tcp;
    e->deadline = NEVER;
    e->wnext = NULL;
    inflight_add(d, e);
    d->nwaiting++;
    if (d->wtail != NULL && d->wtail->prio <= e->prio) {
        d->wtail->wnext = e;
        d->wtail = e;
        return;
    }
    for (pp = &d->whead; *pp != NULL && (*pp)->prio <= e->prio;
         pp = &(*pp)->wnext)
        ;
    e->wnext = *pp;
    *pp = e;
    if (e->wnext == NULL)
        d->wtail = e;
}

static struct entry *
wait_pop(struct dns *d)
{
    struct entry *e = d->whead;

    d->whead = e->wnext;
    if (d->whead == NULL)
        d->wtail = NULL;
    e->wnext = NULL;
    e->waiting = false;
    d->nwaiting--;
    inflight_remove(d, e);
    return e;
}

/* Send what waits while slots are free; past the run's deadline every
 * waiting query is answered DNS_TIMEOUT (send_now() does). */
static void
pump(struct dns *d)
{
    double now = now_ms();
    bool late = d->run_end > 0 && now >= d->run_end;

    while (d->whead != NULL && (late || slot_free(d, now))) {
        struct entry *e = wait_pop(d);

        send_now(d, e, e->name, e->wait_tcp);
    }
}

/* ---- resolving an entry ------------------------------------------------- */

static void query_srv(struct dns *d, int srv, const char *name,
                      uint16_t type, dns_cb cb, void *arg, bool internal);
#define query(d, name, type, cb, arg, internal) \
    query_srv((d), 0, (name), (type), (cb), (arg), (internal))

/* The live answer for the target of a zone CNAME chain arrived. */
static void
follow_cb(void *arg, const struct dns_answer *la)
{
    struct entry *e = arg;
    struct dns_answer *p = e->partial;

    e->partial = NULL;
    for (size_t i = 0; i < la->nrr; i++)
        dns_rr_copy(dns_answer_add(p), &la->rr[i]);
    dns_answer_finish(p, la->status == DNS_NXDOMAIN ? 3 : 0);
    if (dns_status_is_error(la->status))
        p->status = la->status;
    p->from_zone = true;
    entry_answer(e->d, e, p);
}

static enum dns_status
forced_status(const struct dns *d, const char *key, uint16_t type,
              bool *found)
{
    for (size_t i = d->nforce; i-- > 0;)
        if (d->force[i].type == type && strcmp(d->force[i].key, key) == 0) {
            *found = true;
            return d->force[i].status;
        }
    *found = false;
    return DNS_ERROR;
}

static void
resolve(struct dns *d, struct entry *e, const char *name)
{
    struct dns_answer *a = dns_answer_new(name, e->type);
    enum dns_zone_result zr;
    char *follow = NULL;
    bool forced;
    enum dns_status fst;

    if (++d->nqueries > d->query_cap) {
        a->status = DNS_ERROR;
        entry_answer(d, e, a);
        return;
    }
    if (e->srv > 0) {
        /* A server asked directly: neither zones nor forced answers. */
        if (d->opts.offline) {
            entry_answer(d, e, a);      /* DNS_ERROR */
            return;
        }
        dns_answer_free(a);
        live_send(d, e, name, false);
        return;
    }
    fst = forced_status(d, e->key, e->type, &forced);
    if (forced) {
        a->status = fst;
        entry_answer(d, e, a);
        return;
    }
    zr = dns_zones_lookup(d->zones, a, &follow);
    if (zr == DNS_ZONE_ANSWER) {
        trace_query(d, e, name, "zone");
        entry_answer(d, e, a);
        return;
    }
    if (zr == DNS_ZONE_FOLLOW) {
        trace_query(d, e, name, "zone");
        if (d->opts.offline) {
            dns_answer_finish(a, 0);
            a->status = DNS_ERROR;
            entry_answer(d, e, a);
        } else {
            e->partial = a;
            inflight_add(d, e);
            e->deadline = NEVER;
            query(d, follow, e->type, follow_cb, e, true);
        }
        free(follow);
        return;
    }
    if (d->opts.offline) {
        entry_answer(d, e, a);      /* DNS_ERROR */
        return;
    }
    dns_answer_free(a);
    live_send(d, e, name, false);
}

/* ---- public API ---------------------------------------------------------- */

static bool
parse_resolver(const char *s, struct ares_addr_port_node *n)
{
    char host[64];
    const char *port = NULL;
    unsigned long p = 53;
    size_t hl;

    memset(n, 0, sizeof(*n));
    if (s[0] == '[') {
        const char *close = strchr(s, ']');

        if (close == NULL)
            return false;
        hl = (size_t)(close - s - 1);
        if (hl >= sizeof(host))
            return false;
        memcpy(host, s + 1, hl);
        host[hl] = '\0';
        if (close[1] == ':')
            port = close + 2;
        else if (close[1] != '\0')
            return false;
        n->family = AF_INET6;
    } else {
        const char *c = strchr(s, ':');

        if (c != NULL && strchr(c + 1, ':') == NULL) {
            hl = (size_t)(c - s);
            port = c + 1;
            n->family = AF_INET;
        } else {
            hl = strlen(s);
            n->family = c ? AF_INET6 : AF_INET;
        }
        if (hl >= sizeof(host))
            return false;
        memcpy(host, s, hl);
        host[hl] = '\0';
    }
    if (port != NULL && !str_to_uint(port, 1, 65535, &p))
        return false;
    if (n->family == AF_INET) {
        if (inet_pton(AF_INET, host, &n->addr.addr4) != 1)
            return false;
    } else if (inet_pton(AF_INET6, host, &n->addr.addr6) != 1) {
        return false;
    }
    n->udp_port = (int)p;
    n->tcp_port = (int)p;
    return true;
}

/* How many servers the system configuration gives c-ares. */
static int
count_system_servers(void)
{
    ares_channel ch;
    struct ares_addr_port_node *list = NULL;
    int n = 0;

    if (ares_init(&ch) != ARES_SUCCESS)
        return 1;
    if (ares_get_servers_ports(ch, &list) == ARES_SUCCESS) {
        for (struct ares_addr_port_node *p = list; p != NULL; p = p->next)
            n++;
        ares_free_data(list);
    }
    ares_destroy(ch);
    return n > 0 ? n : 1;
}

static enum rc
channel_init(struct dns *d, struct rc_err *err)
{
    struct ares_options o;
    struct ares_addr_port_node *nodes = NULL;
    size_t nres = d->opts.n_resolvers;
    unsigned nservers;
    int st;
    enum rc rc = RC_OK;

    if (nres > 0) {
        nodes = xcalloc(nres, sizeof(*nodes));
        for (size_t i = 0; i < nres; i++) {
            if (!parse_resolver(d->opts.resolvers[i], &nodes[i])) {
                char *v = str_visible(d->opts.resolvers[i],
                                      strlen(d->opts.resolvers[i]));

                rc_err_set(err, 0, N_("invalid resolver address '%s' (use "
                                      "ADDR, ADDR:PORT or [IPv6]:PORT)"),
                           1, v);
                free(v);
                rc = RC_INVALID;
                goto out;
            }
            nodes[i].next = i + 1 < nres ? &nodes[i + 1] : NULL;
        }
        nservers = (unsigned)nres;
    } else {
        nservers = (unsigned)count_system_servers();
    }
    memset(&o, 0, sizeof(o));
    /* EDNS0 with 1232 bytes; ARES_FLAG_IGNTC: a truncated UDP answer
     * comes back to ares_cb(), which asks again on the TCP channel.
     * NOCHECKRESP: c-ares 1.18 turns a SERVFAIL or REFUSED answer into
     * ECONNREFUSED after its retries; we want the RCODE itself.
     * STAYOPEN: no new socket per burst. */
    o.flags = ARES_FLAG_EDNS | ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES |
              ARES_FLAG_NOCHECKRESP | ARES_FLAG_STAYOPEN | ARES_FLAG_IGNTC;
    o.ednspsz = DNS_EDNS_SIZE;
    /* c-ares 1.18 tries every server once per round and doubles the
     * timeout each round: two rounds take 3 * nservers * timeout.  Our
     * own deadline in check_deadlines() bounds the rest. */
    o.tries = 2;
    o.timeout = (int)(d->timeout_ms / (3u * nservers));
    if (o.timeout < DNS_MIN_TRY_MS)
        o.timeout = DNS_MIN_TRY_MS;
    for (int c = 0; c < DNS_NCH; c++) {
        ares_channel *ch = c == 0 ? &d->ch : &d->tcp_ch;

        if (c == 1) {
            /* TCP: one try per server, the time-out shared among them
             * (a TCP connection retransmits by itself). */
            o.flags = (o.flags & ~ARES_FLAG_IGNTC) | ARES_FLAG_USEVC;
            o.tries = 1;
            o.timeout = (int)(d->timeout_ms / nservers);
            if (o.timeout < DNS_MIN_TRY_MS)
                o.timeout = DNS_MIN_TRY_MS;
        }
        st = ares_init_options(ch, &o, ARES_OPT_FLAGS | ARES_OPT_EDNSPSZ |
                               ARES_OPT_TRIES | ARES_OPT_TIMEOUTMS);
        if (st != ARES_SUCCESS) {
            rc_err_set(err, 0, N_("cannot start the resolver: %s"), 1,
                       ares_strerror(st));
            rc = RC_DNS;
            goto out;
        }
        if (c == 0)
            d->have_ch = true;
        else
            d->have_tcp = true;
        if (nodes != NULL) {
            st = ares_set_servers_ports(*ch, nodes);
            if (st != ARES_SUCCESS) {
                rc_err_set(err, 0, N_("cannot set the resolvers: %s"), 1,
                           ares_strerror(st));
                rc = RC_DNS;
                goto out;
            }
        }
    }
out:
    free(nodes);
    return rc;
}

enum rc
dns_new(const struct dns_opts *opts, struct dns **out, struct rc_err *err)
{
    struct dns *d = xcalloc(1, sizeof(*d));
    struct strbuf sb = STRBUF_INIT;
    enum rc rc;

    *out = NULL;
    d->opts = *opts;
    d->timeout_ms = opts->timeout_ms ? opts->timeout_ms : 5000;
    d->deadline_ms = opts->deadline_ms ? (double)opts->deadline_ms
                                       : 3.0 * d->timeout_ms;
    d->t0 = now_ms();
    d->query_cap = opts->query_cap ? opts->query_cap : DNS_QUERY_CAP;
    d->nbucket = 256;
    d->bucket = xcalloc(d->nbucket, sizeof(*d->bucket));
    d->qtail = &d->qhead;
    d->ctail = &d->chead;
    d->zones = dns_zones_new();
    if (opts->n_resolvers == 0) {
        strbuf_adds(&sb, "system");
    } else {
        for (size_t i = 0; i < opts->n_resolvers; i++) {
            char *v = str_visible(opts->resolvers[i],
                                  strlen(opts->resolvers[i]));

            strbuf_addf(&sb, "%s%s", i ? ", " : "", v);
            free(v);
        }
    }
    d->desc = strbuf_detach(&sb);
    for (size_t i = 0; i < opts->n_zone_files; i++) {
        rc = dns_zones_load_file(d->zones, opts->zone_files[i], err);
        if (rc != RC_OK)
            goto fail;
    }
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
        rc_err_set(err, 0, N_("cannot initialise c-ares"), 0);
        rc = RC_DNS;
        goto fail;
    }
    rc = channel_init(d, err);
    if (rc != RC_OK) {
        if (d->have_ch)
            ares_destroy(d->ch);
        if (d->have_tcp)
            ares_destroy(d->tcp_ch);
        d->have_ch = d->have_tcp = false;
        ares_library_cleanup();
        goto fail;
    }
    *out = d;
    return RC_OK;
fail:
    dns_free(d);
    return rc;
}

/* Owe cb DNS_CANCELLED for name/type. */
static void
cancel_add(struct dns *d, dns_cb cb, void *arg, const char *name,
           uint16_t type, struct dns_group *grp)
{
    struct cancel *c = xmalloc(sizeof(*c));

    c->cb = cb;
    c->arg = arg;
    c->grp = grp;
    c->name = xstrndup(name != NULL ? name : "", DNS_NAME_MAX);
    c->type = type;
    c->next = NULL;
    *d->ctail = c;
    d->ctail = &c->next;
}

/* Every callback not run yet gets DNS_CANCELLED once, queries asked from
 * those callbacks too; internal waiters (zone CNAME chains) are dropped. */
static void
cancel_all(struct dns *d)
{
    struct cancel *c;

    d->cancelling = true;
    for (struct entry *e = d->all; e != NULL; e = e->all) {
        struct waiter *w, *wn;

        for (w = e->waiters; w != NULL; w = wn) {
            wn = w->next;
            if (!w->internal)
                cancel_add(d, w->cb, w->arg,
                           e->name ? e->name : e->ans ? e->ans->qname : "",
                           e->type, w->grp);
            free(w);
        }
        e->waiters = NULL;
        e->wtail = &e->waiters;
    }
    while ((c = d->chead) != NULL) {
        struct dns_answer *a;

        d->chead = c->next;
        if (d->chead == NULL)
            d->ctail = &d->chead;
        a = dns_answer_new(c->name, c->type);
        a->status = DNS_CANCELLED;
        d->npending--;
        if (c->grp != NULL)
            c->grp->pending--;
        d->cur_grp = c->grp;
        c->cb(c->arg, a);
        d->cur_grp = NULL;
        dns_answer_free(a);
        free(c->name);
        free(c);
    }
}

void
dns_free(struct dns *d)
{
    struct entry *e, *next;

    if (d == NULL)
        return;
    d->destroying = true;
    while (d->ios != NULL) {
        struct io *io = d->ios;

        d->ios = io->next;
        io->ops->done(io->arg, true);
        free(io);
    }
    /* Both calls call back every c-ares query: freed there. */
    if (d->have_ch)
        ares_destroy(d->ch);
    if (d->have_tcp)
        ares_destroy(d->tcp_ch);
    for (size_t i = 0; i < d->ndirect; i++) {
        ares_destroy(d->direct[i].ch);
        free(d->direct[i].desc);
    }
    if (d->have_ch || d->have_tcp)
        ares_library_cleanup();
    d->have_ch = d->have_tcp = false;
    d->ndirect = 0;
    cancel_all(d);
    for (e = d->all; e != NULL; e = next) {
        struct waiter *w, *wn;

        next = e->all;
        for (w = e->waiters; w != NULL; w = wn) {
            wn = w->next;
            free(w);
        }
        dns_answer_free(e->partial);
        dns_answer_free(e->ans);
        free(e->key);
        free(e->name);
        free(e);
    }
    for (size_t i = 0; i < d->nforce; i++)
        free(d->force[i].key);
    free(d->force);
    free(d->bucket);
    dns_zones_free(d->zones);
    free(d->desc);
    free(d);
}

enum rc
dns_load_zone_text(struct dns *d, const char *text, const char *origin,
                   struct rc_err *err)
{
    return dns_zones_load_text(d->zones, text, origin, err);
}

void
dns_force_status(struct dns *d, const char *name, uint16_t type,
                 enum dns_status status)
{
    char key[DNS_NAME_BUF];
    struct entry *e;

    if (!dns_name_canon(name, true, key, sizeof(key)))
        return;
    d->force = xreallocarray(d->force, d->nforce + 1, sizeof(*d->force));
    d->force[d->nforce].key = xstrdup(key);
    d->force[d->nforce].type = type;
    d->force[d->nforce].status = status;
    d->nforce++;
    /* A cached answer must not hide the forced one. */
    e = table_find(d, key, type);
    if (e != NULL && e->ans != NULL)
        table_remove(d, e);
}

/* true if name is well formed (labels of 1..63 bytes, escapes counted as
 * one byte) but longer than 255 bytes in wire form: a name built by
 * joining parts (_dmarc.DOMAIN, SELECTOR._domainkey.DOMAIN) that cannot
 * exist in the DNS. */
static bool
name_too_long(const char *name)
{
    size_t wire = 1, label = 0;
    const char *p = name;

    while (*p != '\0') {
        if (*p == '.') {
            if (label == 0 || label > 63)
                return false;
            wire += label + 1;
            label = 0;
            p++;
            continue;
        }
        if (p[0] == '\\' && isdigit((unsigned char)p[1]) &&
            isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]))
            p += 4;
        else if (p[0] == '\\' && p[1] != '\0')
            p += 2;
        else if (p[0] == '\\')
            return false;
        else
            p++;
        label++;
    }
    if (label > 63)
        return false;
    if (label > 0)
        wire += label + 1;
    return wire > DNS_WIRE_NAME_MAX;
}

static void
query_srv(struct dns *d, int srv, const char *name, uint16_t type,
          dns_cb cb, void *arg, bool internal)
{
    char key[DNS_NAME_BUF + 64], canon[DNS_NAME_BUF];
    struct entry *e;

    if (d->cancelling) {
        /* From a callback given DNS_CANCELLED: nothing is sent. */
        if (internal || d->ncancel_new >= DNS_QUERY_CAP)
            return;
        d->ncancel_new++;
        d->npending++;
        if (d->cur_grp != NULL)
            d->cur_grp->pending++;
        cancel_add(d, cb, arg, name, type, d->cur_grp);
        if (d->opts.trace != NULL) {
            char *vis = trace_name(name);

            fprintf(d->opts.trace, "dns %9.1f ms  query  %s %s (while "
                    "cancelling: not sent)\n", now_ms() - d->t0, vis,
                    dns_type_name(type));
            free(vis);
            fflush(d->opts.trace);
        }
        return;
    }
    if (d->run_end == 0)
        d->run_end = now_ms() + d->deadline_ms;
    if (name == NULL || !dns_name_canon(name, false, canon, sizeof(canon)) ||
        canon[0] == '\0') {
        struct dns_answer *a;

        e = entry_new(d, NULL, type);
        e->srv = srv;
        a = dns_answer_new(name ? name : "", type);
        if (name != NULL && name_too_long(name))
            dns_answer_finish(a, 3);        /* cannot exist: NXDOMAIN */
        if (strlen(a->qname) > DNS_NAME_MAX) {
            free(a->qname);
            a->qname = xstrndup(name, DNS_NAME_MAX);
            a->canon = a->qname;
        }
        add_waiter(d, e, cb, arg, internal);
        entry_answer(d, e, a);
        return;
    }
    dns_name_canon(canon, true, key, sizeof(key));
    if (srv > 0) {
        /* A space never appears in a canonical name (it is \032). */
        size_t kl = strlen(key);

        snprintf(key + kl, sizeof(key) - kl, " %s#%u",
                 d->direct[srv - 1].addr, d->direct[srv - 1].port);
    }
    e = table_find(d, key, type);
    if (e != NULL) {
        add_waiter(d, e, cb, arg, internal);
        return;
    }
    e = entry_new(d, key, type);
    e->srv = srv;
    e->name = xstrdup(canon);
    add_waiter(d, e, cb, arg, internal);
    resolve(d, e, canon);
}

void
dns_query(struct dns *d, const char *name, uint16_t type, dns_cb cb,
          void *arg)
{
    query(d, name, type, cb, arg, false);
}

/* The index + 1 of the channel to addr#port, made if new; 0 when addr is
 * not an address or DNS_DIRECT_MAX channels exist already. */
static int
direct_find(struct dns *d, const char *addr, unsigned port)
{
    struct ares_addr_port_node node;
    struct ares_options o;
    char norm[INET6_ADDRSTRLEN];
    struct direct *dr;

    memset(&node, 0, sizeof(node));
    if (addr == NULL || port == 0 || port > 65535)
        return 0;
    if (inet_pton(AF_INET, addr, &node.addr.addr4) == 1) {
        node.family = AF_INET;
        inet_ntop(AF_INET, &node.addr.addr4, norm, sizeof(norm));
    } else if (inet_pton(AF_INET6, addr, &node.addr.addr6) == 1) {
        node.family = AF_INET6;
        inet_ntop(AF_INET6, &node.addr.addr6, norm, sizeof(norm));
    } else {
        return 0;
    }
    for (size_t i = 0; i < d->ndirect; i++)
        if (d->direct[i].port == port && strcmp(d->direct[i].addr, norm) == 0)
            return (int)i + 1;
    if (d->ndirect >= DNS_DIRECT_MAX || !d->have_ch)
        return 0;
    dr = &d->direct[d->ndirect];
    memset(&o, 0, sizeof(o));
    /* Not IGNTC: c-ares asks again over TCP itself after TC. */
    o.flags = ARES_FLAG_EDNS | ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES |
              ARES_FLAG_NOCHECKRESP | ARES_FLAG_STAYOPEN |
              ARES_FLAG_NORECURSE;
    o.ednspsz = DNS_EDNS_SIZE;
    o.tries = 2;
    o.timeout = (int)(d->timeout_ms / 3u);
    if (o.timeout < DNS_MIN_TRY_MS)
        o.timeout = DNS_MIN_TRY_MS;
    if (ares_init_options(&dr->ch, &o, ARES_OPT_FLAGS | ARES_OPT_EDNSPSZ |
                          ARES_OPT_TRIES | ARES_OPT_TIMEOUTMS) !=
        ARES_SUCCESS)
        return 0;
    node.udp_port = (int)port;
    node.tcp_port = (int)port;
    node.next = NULL;
    if (ares_set_servers_ports(dr->ch, &node) != ARES_SUCCESS) {
        ares_destroy(dr->ch);
        return 0;
    }
    snprintf(dr->addr, sizeof(dr->addr), "%s", norm);
    dr->port = port;
    dr->desc = xasprintf("%s#%u, direct", norm, port);
    d->ndirect++;
    return (int)d->ndirect;
}

void
dns_query_at(struct dns *d, const char *addr, unsigned port,
             const char *name, uint16_t type, dns_cb cb, void *arg)
{
    int srv = d->cancelling ? 0 : direct_find(d, addr, port);

    if (srv == 0 && !d->cancelling) {
        /* Answered DNS_ERROR, never sent: an entry of its own. */
        struct entry *e = entry_new(d, NULL, type);

        add_waiter(d, e, cb, arg, false);
        entry_answer(d, e, dns_answer_new(name ? name : "", type));
        return;
    }
    query_srv(d, srv, name, type, cb, arg, false);
}

void
dns_override(struct dns *d, const struct dns_answer *a)
{
    char key[DNS_NAME_BUF];
    struct entry *e;
    struct dns_answer *c;

    if (!dns_name_canon(a->qname, true, key, sizeof(key)))
        return;
    e = table_find(d, key, a->qtype);
    if (e != NULL) {
        if (e->ans == NULL)
            return;             /* in flight: its waiters get that */
        table_remove(d, e);     /* stays on d->all: answers stay valid */
    }
    c = dns_answer_new(a->qname, a->qtype);
    for (size_t i = 0; i < a->nrr; i++)
        dns_rr_copy(dns_answer_add(c), &a->rr[i]);
    dns_answer_finish(c, a->status == DNS_NXDOMAIN ? 3 : 0);
    if (a->status != DNS_OK && a->status != DNS_NODATA &&
        a->status != DNS_NXDOMAIN)
        c->status = a->status;
    c->aa = a->aa;
    c->has_soa = a->has_soa;
    c->soa_ttl = a->soa_ttl;
    c->soa_minimum = a->soa_minimum;
    c->soa_serial = a->soa_serial;
    c->soa_owner = a->soa_owner != NULL ? xstrdup(a->soa_owner) : NULL;
    e = entry_new(d, key, a->qtype);
    e->name = xstrdup(c->qname);
    e->pinned = true;
    e->ans = c;
    c->elapsed_ms = 0;
}

size_t
dns_pending(const struct dns *d)
{
    return d->npending;
}

struct dns_group *
dns_group_set(struct dns *d, struct dns_group *g)
{
    struct dns_group *old = d->cur_grp;

    d->cur_grp = g;
    return old;
}

void
dns_add_query_cap(struct dns *d, size_t n)
{
    d->query_cap = n > SIZE_MAX - d->query_cap ? SIZE_MAX
                                               : d->query_cap + n;
}

size_t
dns_trim(struct dns *d, unsigned long below)
{
    struct entry **pp = &d->all, *e;
    size_t n = 0;

    while ((e = *pp) != NULL) {
        if (e->ans == NULL || e->queued || e->waiters != NULL ||
            e->partial != NULL || e->live != NULL || e->waiting ||
            e->pinned || e->last_prio >= below) {
            pp = &e->all;
            continue;
        }
        *pp = e->all;
        if (e->in_table)
            table_remove(d, e);
        dns_answer_free(e->ans);
        free(e->key);
        free(e->name);
        free(e);
        n++;
    }
    d->nentries_all -= n;
    return n;
}

void
dns_stats_get(const struct dns *d, struct dns_stats *st)
{
    st->entries = d->nentries_all;
    st->sent = d->nsent;
    st->max_outstanding = d->max_out;
    st->waiting = d->nwaiting;
}

static ares_channel
channel_of(struct dns *d, int c)
{
    if (c >= DNS_NCH)
        return d->direct[c - DNS_NCH].ch;
    return c == 0 ? d->ch : d->tcp_ch;
}

static bool
have_channel(const struct dns *d, int c)
{
    if (c >= DNS_NCH)
        return (size_t)(c - DNS_NCH) < d->ndirect;
    return c == 0 ? d->have_ch : d->have_tcp;
}

static int
nchannels(const struct dns *d)
{
    return DNS_NCH + (int)d->ndirect;
}

static int ares_pollfds(struct dns *d, struct pollfd *fds, int max);

void
dns_io_add(struct dns *d, const struct dns_io_ops *ops, void *arg)
{
    struct io *io = xcalloc(1, sizeof(*io));

    io->ops = ops;
    io->arg = arg;
    if (d->destroying || d->cancelling) {
        ops->done(arg, true);
        free(io);
        return;
    }
    io->grp = d->cur_grp;
    io->next = d->ios;
    d->ios = io;
    d->npending++;
    if (io->grp != NULL)
        io->grp->pending++;
}

static int
io_pollfds(struct dns *d, struct pollfd *fds, int n, int max)
{
    for (struct io *io = d->ios; io != NULL; io = io->next)
        if (!io->over && n < max)
            n += io->ops->pollfds(io->arg, fds + n, max - n);
    return n;
}

/* Run the done() of every io that is over; what they add comes first in
 * the list and is not over. */
static void
io_finish(struct dns *d)
{
    struct io **pp = &d->ios, *io;

    while ((io = *pp) != NULL) {
        struct dns_group *saved;

        if (!io->over) {
            pp = &io->next;
            continue;
        }
        *pp = io->next;
        d->npending--;
        if (io->grp != NULL)
            io->grp->pending--;
        saved = d->cur_grp;
        d->cur_grp = io->grp;
        io->ops->done(io->arg, false);
        d->cur_grp = saved;
        free(io);
        pp = &d->ios;           /* done() may have added ios in front */
    }
}

int
dns_pollfds(struct dns *d, struct pollfd *fds, int max)
{
    return io_pollfds(d, fds, ares_pollfds(d, fds, max), max);
}

static int
ares_pollfds(struct dns *d, struct pollfd *fds, int max)
{
    int n = 0;

    d->nsocks = 0;
    if (d->cancelling)
        return 0;
    for (int c = 0; c < nchannels(d); c++) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        unsigned bits;

        if (!have_channel(d, c))
            continue;
        /* Not ARES_GETSOCK_WRITABLE(): its 1 << 31 overflows an int. */
        bits = (unsigned)ares_getsock(channel_of(d, c), socks,
                                      ARES_GETSOCK_MAXNUM);
        for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            bool r = (bits >> i) & 1u;
            bool w = (bits >> (i + ARES_GETSOCK_MAXNUM)) & 1u;

            if (!r && !w)
                continue;
            d->sock_ch[d->nsocks] = c;
            d->socks[d->nsocks++] = socks[i];
            if (n >= max)
                continue;
            fds[n].fd = socks[i];
            fds[n].events = (short)((r ? POLLIN : 0) | (w ? POLLOUT : 0));
            fds[n].revents = 0;
            n++;
        }
    }
    return n;
}

int
dns_timeout_ms(struct dns *d, int max_ms)
{
    double t = max_ms < 0 ? NEVER : (double)max_ms;
    double now = now_ms();
    struct timeval tv;
    int ms;

    if (d->qhead != NULL)
        return 0;
    for (struct io *io = d->ios; io != NULL; io = io->next) {
        int it = io->over ? 0 : io->ops->timeout_ms(io->arg, max_ms);

        if (it >= 0 && (double)it < t)
            t = (double)it;
    }
    /* Every live query's deadline is at most the run's deadline. */
    for (struct entry *e = d->inflight; e != NULL; e = e->fnext)
        if (e->deadline - now < t)
            t = e->deadline - now;
    /* Waiting queries: the next --qps turn, the run's deadline. */
    if (d->whead != NULL) {
        if (d->opts.qps > 0 && (d->opts.max_inflight == 0 ||
                                d->nlive < d->opts.max_inflight) &&
            d->qps_next - now < t)
            t = d->qps_next - now;
        if (d->run_end > 0 && d->run_end - now < t)
            t = d->run_end - now;
    }
    /* c-ares may still run queries our deadline already answered. */
    for (int c = 0; c < nchannels(d); c++) {
        double at;

        if (!have_channel(d, c) ||
            ares_timeout(channel_of(d, c), NULL, &tv) == NULL)
            continue;
        at = (double)tv.tv_sec * 1000.0 + (double)tv.tv_usec / 1e3;
        if (at < t)
            t = at;
    }
    if (t <= 0)
        return 0;
    if (t >= (double)INT32_MAX)
        return max_ms < 0 && t == NEVER ? -1 : INT32_MAX;
    ms = (int)t;
    return (double)ms < t ? ms + 1 : ms;     /* round up: no busy loop */
}

/* The channel fd belongs to (as of the last dns_pollfds()), or -1. */
static int
sock_channel(const struct dns *d, int fd)
{
    for (int i = 0; i < d->nsocks; i++)
        if ((int)d->socks[i] == fd)
            return d->sock_ch[i];
    return -1;
}

static void
check_deadlines(struct dns *d)
{
    double now = now_ms();
    struct entry *e, *next;

    for (e = d->inflight; e != NULL; e = next) {
        next = e->fnext;
        if (e->live != NULL && e->deadline <= now) {
            struct dns_answer *a = dns_answer_new(e->name, e->type);

            a->status = DNS_TIMEOUT;
            entry_answer(d, e, a);
        }
    }
}

void
dns_process(struct dns *d, const struct pollfd *fds, int nfds)
{
    if (d->cancelling)
        return;
    for (int i = 0; i < nfds; i++) {
        ares_socket_t r = ARES_SOCKET_BAD, w = ARES_SOCKET_BAD;
        int c;

        if (fds[i].revents == 0)
            continue;
        c = sock_channel(d, fds[i].fd);
        if (c < 0 || !have_channel(d, c))
            continue;
        if (fds[i].revents & (POLLIN | POLLERR | POLLHUP))
            r = fds[i].fd;
        if (fds[i].revents & POLLOUT)
            w = fds[i].fd;
        ares_process_fd(channel_of(d, c), r, w);
    }
    /* Time-outs and retries of both channels. */
    for (int c = 0; c < nchannels(d); c++)
        if (have_channel(d, c))
            ares_process_fd(channel_of(d, c), ARES_SOCKET_BAD,
                            ARES_SOCKET_BAD);
    for (struct io *io = d->ios; io != NULL; io = io->next)
        if (!io->over && io->ops->process(io->arg, fds, nfds))
            io->over = true;
    pump(d);
    check_deadlines(d);
    deliver(d);
    io_finish(d);
}

void
dns_run(struct dns *d)
{
    if (d->cancelling)
        return;
    while (d->npending > 0) {
        struct pollfd fds[DNS_MAX_SOCKS + DNS_IO_MAX_FDS];
        int n, t;

        deliver(d);
        if (d->npending == 0)
            break;
        if (d->qhead == NULL && d->inflight == NULL && d->ios == NULL)
            break;              /* nothing can answer: never spin */
        n = dns_pollfds(d, fds, (int)ARRAY_LEN(fds));
        t = dns_timeout_ms(d, 1000);
        if (t != 0 && poll(fds, (nfds_t)n, t) < 0 && errno != EINTR)
            break;
        if (t == 0)
            for (int i = 0; i < n; i++)
                fds[i].revents = 0;
        dns_process(d, fds, n);
    }
}

void
dns_clear_cache(struct dns *d)
{
    for (size_t i = 0; i < d->nbucket; i++) {
        struct entry *e = d->bucket[i], *next;

        for (; e != NULL; e = next) {
            next = e->hnext;
            if (e->ans != NULL)
                table_remove(d, e);
        }
    }
    d->nqueries = 0;
    d->run_end = 0;
}

const char *
dns_resolver_desc(const struct dns *d)
{
    return d->desc;
}
