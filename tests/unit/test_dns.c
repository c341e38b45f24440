/* test_dns.c - the c-ares side of dns.c, without the outside network:
 * a UDP socket on 127.0.0.1 that never answers, and a tiny responder
 * thread on 127.0.0.1 (UDP and TCP on the same port) with canned answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "mailready/check.h"
#include "mailready/dns.h"
#include "mailready/dns_parse.h"
#include "test_err.h"

/* ---- responder --------------------------------------------------------- */

enum mode {
    MODE_MX,        /* NOERROR: MX 10 mail.<qname> */
    MODE_TC,        /* UDP: TC bit and no answer; TCP: a big TXT answer */
    MODE_BIG_UDP,   /* a 1100-byte TXT answer over UDP (fits EDNS 1232) */
    MODE_SERVFAIL,  /* rcode 2 */
    MODE_DELAY,     /* MX, but 150 ms late for names starting "slow" */
    MODE_TC_SLOW,   /* as MODE_TC, the TCP answer tcp_delay_ms late */
    MODE_TC_TC,     /* UDP and TCP: TC bit and no answer */
    MODE_HUGE_UDP   /* two big TXT records (2.2 kB), over UDP without TC
                     * (a server that ignores the EDNS0 size) */
};

struct responder {
    int udp, tcp;
    int port;
    enum mode mode;
    pthread_t th;
    int stop_pipe[2];
    int n_udp, n_tcp;       /* queries seen (read after join) */
    int tcp_delay_ms;       /* MODE_TC_SLOW */
};

static size_t
put_big_txt(unsigned char *p)
{
    size_t n = 0;

    /* owner: pointer to the question; TXT IN TTL 60 */
    static const unsigned char hdr[] = { 0xc0, 0x0c, 0, 16, 0, 1,
                                         0, 0, 0, 60 };
    memcpy(p, hdr, sizeof(hdr));
    n = sizeof(hdr);
    /* rdata: 5 strings of 220 bytes = 1105 bytes */
    p[n++] = (unsigned char)(1105 >> 8);
    p[n++] = (unsigned char)(1105 & 0xff);
    for (int i = 0; i < 5; i++) {
        p[n++] = 220;
        memset(p + n, 'a' + i, 220);
        n += 220;
    }
    return n;
}

/* Build the answer to query q (qlen bytes) into r; returns its length,
 * 0 to stay silent. */
static size_t
respond(const struct responder *rs, const unsigned char *q, size_t qlen,
        bool tcp, unsigned char *r)
{
    size_t qend = 12, n;
    unsigned flags = 0x8180;

    if (qlen < 17)
        return 0;
    while (qend < qlen && q[qend] != 0)
        qend += (size_t)q[qend] + 1;
    qend += 5;                      /* root byte, type, class */
    if (qend > qlen)
        return 0;
    memcpy(r, q, qend);
    r[6] = r[7] = r[8] = r[9] = r[10] = r[11] = 0;
    n = qend;
    switch (rs->mode) {
    case MODE_SERVFAIL:
        flags = 0x8182;
        break;
    case MODE_TC:
    case MODE_TC_SLOW:
        if (!tcp) {
            flags |= 0x0200;
            break;
        }
        r[7] = 1;
        n += put_big_txt(r + n);
        break;
    case MODE_TC_TC:
        flags |= 0x0200;
        break;
    case MODE_HUGE_UDP:
        r[7] = 2;
        n += put_big_txt(r + n);
        n += put_big_txt(r + n);
        break;
    case MODE_BIG_UDP:
        r[7] = 1;
        n += put_big_txt(r + n);
        break;
    case MODE_MX:
    case MODE_DELAY: {
        static const unsigned char mx[] = {
            0xc0, 0x0c, 0, 15, 0, 1, 0, 0, 0, 60, 0, 9,
            0, 10, 4, 'm', 'a', 'i', 'l', 0xc0, 0x0c,
        };
        r[7] = 1;
        memcpy(r + n, mx, sizeof(mx));
        n += sizeof(mx);
        break;
    }
    }
    r[2] = (unsigned char)(flags >> 8);
    r[3] = (unsigned char)(flags & 0xff);
    return n;
}

static bool
is_slow(const unsigned char *q, size_t qlen)
{
    return qlen > 17 && q[12] >= 4 && memcmp(q + 13, "slow", 4) == 0;
}

static void
serve_tcp(struct responder *rs, int c)
{
    unsigned char q[600], r[4096];
    size_t got = 0, need = 2;
    struct pollfd pfd = { c, POLLIN, 0 };

    while (got < need && poll(&pfd, 1, 1000) > 0) {
        ssize_t k = read(c, q + got, need - got);

        if (k <= 0)
            return;
        got += (size_t)k;
        if (got == 2) {
            need = 2 + (size_t)(q[0] << 8 | q[1]);
            if (need > sizeof(q))
                return;
        }
    }
    if (got < need)
        return;
    rs->n_tcp++;
    if (rs->mode == MODE_TC_SLOW)
        poll(NULL, 0, rs->tcp_delay_ms);
    {
        size_t n = respond(rs, q + 2, need - 2, true, r + 2);

        r[0] = (unsigned char)(n >> 8);
        r[1] = (unsigned char)(n & 0xff);
        if (n > 0 && write(c, r, n + 2) < 0)
            return;
    }
}

static void *
responder_main(void *arg)
{
    struct responder *rs = arg;
    struct {
        unsigned char q[600];
        size_t qlen;
        struct sockaddr_storage from;
        socklen_t fromlen;
        struct timespec due;
        bool used;
    } later[8];

    memset(later, 0, sizeof(later));
    for (;;) {
        struct pollfd p[3] = {
            { rs->udp, POLLIN, 0 }, { rs->tcp, POLLIN, 0 },
            { rs->stop_pipe[0], POLLIN, 0 },
        };
        struct timespec now;

        if (poll(p, 3, 10) < 0 && errno != EINTR)
            break;
        if (p[2].revents)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        for (int i = 0; i < 8; i++) {
            unsigned char r[4096];
            size_t n;

            if (!later[i].used || now.tv_sec < later[i].due.tv_sec ||
                (now.tv_sec == later[i].due.tv_sec &&
                 now.tv_nsec < later[i].due.tv_nsec))
                continue;
            later[i].used = false;
            n = respond(rs, later[i].q, later[i].qlen, false, r);
            sendto(rs->udp, r, n, 0, (struct sockaddr *)&later[i].from,
                   later[i].fromlen);
        }
        if (p[0].revents & POLLIN) {
            unsigned char q[600], r[4096];
            struct sockaddr_storage from;
            socklen_t fl = sizeof(from);
            ssize_t k = recvfrom(rs->udp, q, sizeof(q), 0,
                                 (struct sockaddr *)&from, &fl);

            if (k > 0) {
                size_t n;

                rs->n_udp++;
                if (rs->mode == MODE_DELAY && is_slow(q, (size_t)k)) {
                    for (int i = 0; i < 8; i++) {
                        if (later[i].used)
                            continue;
                        memcpy(later[i].q, q, (size_t)k);
                        later[i].qlen = (size_t)k;
                        later[i].from = from;
                        later[i].fromlen = fl;
                        later[i].due = now;
                        later[i].due.tv_nsec += 150 * 1000000L;
                        if (later[i].due.tv_nsec >= 1000000000L) {
                            later[i].due.tv_sec++;
                            later[i].due.tv_nsec -= 1000000000L;
                        }
                        later[i].used = true;
                        break;
                    }
                    continue;
                }
                n = respond(rs, q, (size_t)k, false, r);
                if (n > 0)
                    sendto(rs->udp, r, n, 0, (struct sockaddr *)&from, fl);
            }
        }
        if (p[1].revents & POLLIN) {
            int c = accept(rs->tcp, NULL, NULL);

            if (c >= 0) {
                serve_tcp(rs, c);
                close(c);
            }
        }
    }
    return NULL;
}

/* The loopback address of family with port. */
static socklen_t
loopback(int family, int port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_loopback;
        s6->sin6_port = htons((uint16_t)port);
        return sizeof(*s6);
    }
    {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        s4->sin_port = htons((uint16_t)port);
        return sizeof(*s4);
    }
}

/* A UDP socket on the loopback address of family (port 0: any); *port
 * gets the port.  -1 if that family has no loopback here. */
static int
udp_socket_af(int family, int *port)
{
    struct sockaddr_storage ss;
    socklen_t sl = loopback(family, *port, &ss);
    int s = socket(family, SOCK_DGRAM, 0);

    if (s < 0)
        return -1;
    if (bind(s, (struct sockaddr *)&ss, sl) != 0 ||
        getsockname(s, (struct sockaddr *)&ss, &sl) != 0) {
        close(s);
        return -1;
    }
    *port = family == AF_INET6
            ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
            : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return s;
}

static int
udp_socket(int *port)
{
    int s = udp_socket_af(AF_INET, port);

    assert_true(s >= 0);
    return s;
}

/* Start a responder on the loopback of family; false if there is none. */
static bool
responder_start_af(struct responder *rs, enum mode mode, int family)
{
    struct sockaddr_storage ss;
    int one = 1;

    memset(rs, 0, sizeof(*rs));
    rs->mode = mode;
    rs->udp = rs->tcp = -1;
    /* Find a port free for both UDP and TCP. */
    for (int tries = 0; tries < 50; tries++) {
        socklen_t sl;

        rs->port = 0;
        rs->udp = udp_socket_af(family, &rs->port);
        if (rs->udp < 0)
            return false;
        rs->tcp = socket(family, SOCK_STREAM, 0);
        assert_true(rs->tcp >= 0);
        setsockopt(rs->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        sl = loopback(family, rs->port, &ss);
        if (bind(rs->tcp, (struct sockaddr *)&ss, sl) == 0 &&
            listen(rs->tcp, 8) == 0)
            break;
        close(rs->udp);
        close(rs->tcp);
        rs->udp = rs->tcp = -1;
    }
    assert_true(rs->tcp >= 0);
    assert_int_equal(pipe(rs->stop_pipe), 0);
    assert_int_equal(pthread_create(&rs->th, NULL, responder_main, rs), 0);
    return true;
}

static void
responder_start(struct responder *rs, enum mode mode)
{
    assert_true(responder_start_af(rs, mode, AF_INET));
}

static void
responder_stop(struct responder *rs)
{
    assert_int_equal(write(rs->stop_pipe[1], "x", 1), 1);
    pthread_join(rs->th, NULL);
    close(rs->udp);
    close(rs->tcp);
    close(rs->stop_pipe[0]);
    close(rs->stop_pipe[1]);
}

/* ---- helpers ------------------------------------------------------------ */

struct got {
    int calls;
    const struct dns_answer *a;
};

static void
got_cb(void *arg, const struct dns_answer *a)
{
    struct got *g = arg;

    g->calls++;
    g->a = a;
}

static double
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static struct dns *
dns_at_deadline(int port, unsigned timeout_ms, unsigned deadline_ms,
                FILE *trace)
{
    char addr[64];
    const char *res[1] = { addr };
    struct dns_opts o = { .resolvers = res, .n_resolvers = 1,
                          .timeout_ms = timeout_ms,
                          .deadline_ms = deadline_ms, .trace = trace };
    struct dns *d = NULL;
    struct rc_err err = { 0 };

    snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_null(err.msgid);
    assert_string_equal(dns_resolver_desc(d), addr);
    return d;
}

static struct dns *
dns_at(int port, unsigned timeout_ms, FILE *trace)
{
    return dns_at_deadline(port, timeout_ms, 0, trace);
}

/* ---- tests --------------------------------------------------------------- */

static void
live__blackhole__timeout_in_time(void **state)
{
    int port = 0;
    int s = udp_socket(&port);
    struct dns *d = dns_at(port, 600, NULL);
    struct got g = { 0, NULL };
    double t0, ms;

    (void)state;
    t0 = mono_ms();
    dns_query(d, "example.test", DNS_T_MX, got_cb, &g);
    assert_int_equal(g.calls, 0);
    dns_run(d);
    ms = mono_ms() - t0;
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.a->status, DNS_TIMEOUT);
    assert_true(dns_status_is_error(g.a->status));
    assert_true(ms >= 300.0);
    assert_true(ms < 1800.0);
    dns_free(d);
    close(s);
}

/* ---- cancellation (issue 11 item 1) ---------------------------------- */

/* One waiter: how often it was called, with what, and whether dns_free()
 * had returned by then. */
struct cancelled {
    int calls;
    enum dns_status st;
    char qname[64];
    uint16_t qtype;
    bool after_free;
};

static bool freed;      /* set once dns_free() has returned */

static void
cancelled_cb(void *arg, const struct dns_answer *a)
{
    struct cancelled *c = arg;

    c->calls++;
    c->st = a->status;
    snprintf(c->qname, sizeof(c->qname), "%s", a->qname);
    c->qtype = a->qtype;
    c->after_free = freed;
    assert_int_equal(a->nrr, 0);
}

/* Let the queries leave, but not be answered. */
static void
spin(struct dns *d, int rounds)
{
    for (int i = 0; i < rounds; i++) {
        struct pollfd fds[16];
        int n = dns_pollfds(d, fds, 16);

        poll(fds, (nfds_t)n, 10);
        dns_process(d, fds, n);
    }
}

static void
live__free_with_queries_out__each_cancelled_once(void **state)
{
    int port = 0;
    int s = udp_socket(&port);
    struct dns *d = dns_at(port, 5000, NULL);
    struct got g = { 0, NULL };
    struct cancelled c[5];
    struct rc_err err = { 0 };

    (void)state;
    memset(c, 0, sizeof(c));
    freed = false;
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN z.test.\n"
        "@ 300 SOA ns hm 1 2 3 4 5\n"
        "out 300 CNAME elsewhere.test.\n", NULL, &err), RC_OK);
    dns_query(d, "a.test", DNS_T_MX, cancelled_cb, &c[0]);
    dns_query(d, "A.test.", DNS_T_MX, cancelled_cb, &c[1]);  /* merged */
    dns_query(d, "out.z.test", DNS_T_A, cancelled_cb, &c[2]);
    dns_query(d, "z.test", DNS_T_SOA, got_cb, &g);
    spin(d, 3);
    assert_int_equal(g.calls, 1);
    assert_int_equal(dns_pending(d), 3);
    /* Answered (from the zone) but not delivered yet, and a bad name
     * answered DNS_ERROR but not delivered yet: cancelled too. */
    dns_query(d, "z.test", DNS_T_SOA, cancelled_cb, &c[3]);
    dns_query(d, "a..b", DNS_T_TXT, cancelled_cb, &c[4]);
    assert_int_equal(dns_pending(d), 5);
    dns_free(d);
    freed = true;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(c[i].calls, 1);
        assert_int_equal(c[i].st, DNS_CANCELLED);
        assert_false(c[i].after_free);
    }
    assert_string_equal(c[0].qname, "a.test");
    assert_int_equal(c[0].qtype, DNS_T_MX);
    assert_string_equal(c[2].qname, "out.z.test");
    assert_int_equal(c[2].qtype, DNS_T_A);
    assert_int_equal(c[3].qtype, DNS_T_SOA);
    assert_int_equal(g.calls, 1);
    /* Let a late datagram arrive: nothing is left to call. */
    poll(NULL, 0, 20);
    for (int i = 0; i < 5; i++)
        assert_int_equal(c[i].calls, 1);
    close(s);
}

/* A callback that asks again when cancelled (as a careless step would). */
struct requery {
    struct dns *d;
    int calls;
    int again;              /* how many more times to ask */
    size_t pending_seen;
    struct cancelled next;  /* the query asked from the callback */
};

static void
requery_cb(void *arg, const struct dns_answer *a)
{
    struct requery *r = arg;

    r->calls++;
    assert_int_equal(a->status, DNS_CANCELLED);
    r->pending_seen = dns_pending(r->d);
    if (r->again > 0) {
        r->again--;
        dns_query(r->d, "again.test", DNS_T_TXT, cancelled_cb, &r->next);
        /* Never called back inside dns_query(), cancelling or not. */
        assert_int_equal(r->next.calls, 0);
        assert_int_equal(dns_pending(r->d), r->pending_seen + 1);
    }
}

static void
forever_cb(void *arg, const struct dns_answer *a)
{
    struct requery *r = arg;

    r->calls++;
    assert_int_equal(a->status, DNS_CANCELLED);
    dns_query(r->d, "forever.test", DNS_T_A, forever_cb, r);
}

static void
live__query_from_cancelled_callback__cancelled_too(void **state)
{
    int port = 0;
    int s = udp_socket(&port);
    struct dns *d = dns_at(port, 5000, NULL);
    struct requery r, f;

    (void)state;
    memset(&r, 0, sizeof(r));
    memset(&f, 0, sizeof(f));
    freed = false;
    r.d = f.d = d;
    r.again = 1;
    dns_query(d, "first.test", DNS_T_MX, requery_cb, &r);
    spin(d, 2);
    dns_free(d);
    freed = true;
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.next.calls, 1);
    assert_int_equal(r.next.st, DNS_CANCELLED);
    assert_string_equal(r.next.qname, "again.test");
    assert_false(r.next.after_free);

    /* One that asks again on every cancelled answer cannot keep
     * dns_free() from returning. */
    d = dns_at(port, 5000, NULL);
    f.d = d;
    dns_query(d, "forever.test", DNS_T_A, forever_cb, &f);
    dns_free(d);
    assert_true(f.calls > 1);
    assert_true(f.calls <= 5001);
    close(s);
}

/* The check steps on DNS_CANCELLED: a run in flight is thrown away with
 * dns_free(), then check_ctx_fini() (the order dns.h gives).  Steps
 * record no finding and ask nothing more. */
static void
cancel__check_run_in_flight__nothing_recorded(void **state)
{
    int port = 0;
    int s = udp_socket(&port);
    char *tbuf = NULL;
    size_t tlen = 0;
    FILE *trace = open_memstream(&tbuf, &tlen);
    struct dns *d = dns_at(port, 5000, trace);
    const char *ips[1] = { "192.0.2.1" };
    const char *sels[2] = { "s1", "s2" };
    struct check_opts o = { .domain = "example.test", .server_ips = ips,
                            .n_server_ips = 1, .selectors = sels,
                            .n_selectors = 2 };
    struct check_ctx ctx;
    unsigned mask = CHECK_ALL_STEPS;
    struct rc_err err = { 0 };

    (void)state;
    /* Some answers come from the zone at once (and make the steps ask
     * more), the rest go to a server that never answers. */
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN example.test.\n"
        "@ 300 SOA ns hm 1 2 3 4 5\n"
        "@ 300 MX 10 mx.elsewhere.test.\n"
        "@ 300 MX 20 mx2\n"
        "mx2 300 A 192.0.2.2\n"
        "@ 300 TXT \"v=spf1 include:a.elsewhere.test mx "
        "a:x.elsewhere.test -all\"\n"
        "_dmarc 300 TXT \"v=DMARC1; p=none; rua=mailto:d@rep.test\"\n"
        "s1._domainkey 300 CNAME s1.dkim.elsewhere.test.\n",
        NULL, &err), RC_OK);
    check_ctx_init(&ctx, d, &o);
    check_run_start(&ctx, mask);
    spin(d, 5);
    assert_false(check_run_poll(&ctx));
    assert_true(dns_pending(d) > 0);
    dns_free(d);
    for (int i = 0; i < STEP_COUNT; i++)
        assert_int_equal(ctx.res[i].findings.n, 0);
    check_ctx_fini(&ctx);
    fclose(trace);
    /* Something was in flight, and nothing new was asked from it. */
    assert_non_null(strstr(tbuf, "query  mx.elsewhere.test A"));
    assert_non_null(strstr(tbuf, "query  a.elsewhere.test TXT"));
    assert_non_null(strstr(tbuf, "query  s1.dkim.elsewhere.test TXT"));
    assert_null(strstr(tbuf, "while cancelling"));
    free(tbuf);
    close(s);
}

/* ---- several runs on one struct dns, the in-flight cap (issue 18) ------- */

/* Datagrams waiting on s, counted and read (a server that never
 * answers). */
static int
drain_count(int s)
{
    unsigned char buf[1500];
    int n = 0;

    while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
        n++;
    return n;
}

static void
cap__max_inflight__rest_wait(void **state)
{
    int port = 0;
    int s = udp_socket(&port);
    char addr[64];
    const char *res[1] = { addr };
    struct dns_opts o = { .resolvers = res, .n_resolvers = 1,
                          .timeout_ms = 5000, .max_inflight = 2 };
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct dns_stats st;
    struct cancelled c[5];
    char name[32];

    (void)state;
    memset(c, 0, sizeof(c));
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "n%d.test", i);
        dns_query(d, name, DNS_T_TXT, cancelled_cb, &c[i]);
    }
    spin(d, 5);
    dns_stats_get(d, &st);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.max_outstanding, 2);
    assert_int_equal(st.waiting, 3);
    assert_int_equal(drain_count(s), 2);     /* on the wire: two */
    assert_int_equal(dns_pending(d), 5);
    /* The waiting ones are cancelled like the others. */
    dns_free(d);
    for (int i = 0; i < 5; i++)
        assert_int_equal(c[i].calls, 1);
    close(s);
}

/* --qps: queries go out one per 1/qps seconds, the rest wait (checked
 * with bounds that a slow machine cannot break: never more sent than the
 * time allows; all five take at least four intervals). */
static void
cap__qps__spaced(void **state)
{
    int port = 0;
    int s = udp_socket(&port);
    char addr[64];
    const char *res[1] = { addr };
    struct dns_opts o = { .resolvers = res, .n_resolvers = 1,
                          .timeout_ms = 5000, .qps = 20 };
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct dns_stats st;
    struct cancelled c[5];
    char name[32];
    double t0, ms;

    (void)state;
    memset(c, 0, sizeof(c));
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    t0 = mono_ms();
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "q%d.test", i);
        dns_query(d, name, DNS_T_TXT, cancelled_cb, &c[i]);
    }
    do {
        spin(d, 1);
        dns_stats_get(d, &st);
        ms = mono_ms() - t0;
        /* One at once, then one per 50 ms at most. */
        assert_true((double)st.sent <= 1.0 + ms / 50.0 + 0.01);
    } while (st.sent < 5 && ms < 5000);
    assert_int_equal(st.sent, 5);
    assert_true(ms >= 4 * 50.0 - 1.0);
    assert_int_equal(drain_count(s), 5);
    dns_free(d);
    close(s);
}

struct grp_got {
    struct dns *d;
    int calls;
    const char *more;       /* asked from the callback, or NULL */
};

static void
grp_cb(void *arg, const struct dns_answer *a)
{
    struct grp_got *g = arg;

    (void)a;
    g->calls++;
    if (g->more != NULL) {
        const char *m = g->more;

        g->more = NULL;
        dns_query(g->d, m, DNS_T_TXT, grp_cb, g);
    }
}

/* Each group counts its own queries, those asked from its callbacks
 * too, and a query two groups share counts in both. */
static void
group__pending_counted_per_group(void **state)
{
    struct dns_opts o = { .offline = true };
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct dns_group g1 = { 0, 1 }, g2 = { 0, 2 };
    struct grp_got a1 = { NULL, 0, "x.z.test" }, a2 = { NULL, 0, NULL };
    struct grp_got b = { NULL, 0, NULL };

    (void)state;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    a1.d = a2.d = b.d = d;
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN z.test.\n"
        "@ 300 SOA ns hm 1 2 3 4 5\n"
        "x 300 TXT \"x\"\n", NULL, &err), RC_OK);
    assert_null(dns_group_set(d, &g1));
    dns_query(d, "z.test", DNS_T_SOA, grp_cb, &a1);
    dns_query(d, "shared.z.test", DNS_T_TXT, grp_cb, &a2);
    assert_ptr_equal(dns_group_set(d, &g2), &g1);
    dns_query(d, "shared.z.test", DNS_T_TXT, grp_cb, &b);
    dns_group_set(d, NULL);
    assert_int_equal(g1.pending, 2);
    assert_int_equal(g2.pending, 1);
    spin(d, 1);
    /* a1 asked x.z.test from its callback: g1's, not g2's. */
    assert_int_equal(a1.calls, 1);
    assert_int_equal(g1.pending, 1);
    assert_int_equal(g2.pending, 0);
    assert_int_equal(b.calls, 1);
    spin(d, 1);
    assert_int_equal(a1.calls, 2);
    assert_int_equal(g1.pending, 0);
    assert_int_equal(dns_pending(d), 0);
    dns_free(d);
}

/* dns_trim(): what only ended groups asked for goes; what a later group
 * or a caller outside any group asked for stays. */
static void
trim__drops_what_only_ended_groups_asked(void **state)
{
    struct dns_opts o = { .offline = true };
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct dns_group g1 = { 0, 1 }, g5 = { 0, 5 };
    struct grp_got a = { NULL, 0, NULL };
    struct dns_stats st;

    (void)state;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    a.d = d;
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN z.test.\n"
        "@ 300 SOA ns hm 1 2 3 4 5\n"
        "a 300 TXT \"a\"\n"
        "shared 300 TXT \"s\"\n", NULL, &err), RC_OK);
    dns_group_set(d, &g1);
    dns_query(d, "a.z.test", DNS_T_TXT, grp_cb, &a);
    dns_query(d, "shared.z.test", DNS_T_TXT, grp_cb, &a);
    dns_group_set(d, &g5);
    dns_query(d, "shared.z.test", DNS_T_TXT, grp_cb, &a);
    dns_query(d, "b.z.test", DNS_T_TXT, grp_cb, &a);
    dns_group_set(d, NULL);
    dns_query(d, "z.test", DNS_T_SOA, grp_cb, &a);        /* pinned */
    dns_group_set(d, &g1);
    dns_query(d, "c.z.test", DNS_T_TXT, grp_cb, &a);
    dns_group_set(d, NULL);
    assert_int_equal(dns_trim(d, 2), 0);        /* nothing answered yet */
    dns_run(d);
    assert_int_equal(a.calls, 6);
    dns_stats_get(d, &st);
    assert_int_equal(st.entries, 5);
    /* g1 ended: a.z.test and c.z.test go; shared (g5 too), b (g5) and
     * the SOA (no group) stay. */
    assert_int_equal(dns_trim(d, 2), 2);
    dns_stats_get(d, &st);
    assert_int_equal(st.entries, 3);
    /* Asked again: answered again. */
    dns_group_set(d, &g5);
    dns_query(d, "a.z.test", DNS_T_TXT, grp_cb, &a);
    dns_group_set(d, NULL);
    dns_run(d);
    assert_int_equal(a.calls, 7);
    assert_int_equal(dns_trim(d, 6), 3);
    dns_stats_get(d, &st);
    assert_int_equal(st.entries, 1);
    dns_free(d);
}

/* ---- the run's deadline (issue 19 item 5) -------------------------------- */

/* Asks "slowN.test" MX one after the other (a chain, like SPF includes). */
struct chain {
    struct dns *d;
    int answered, timeouts, after_timeout;
    double last_ms;
};

static void
chain_cb(void *arg, const struct dns_answer *a)
{
    struct chain *c = arg;
    char name[32];

    c->answered++;
    if (a->status == DNS_TIMEOUT) {
        if (c->timeouts++ > 0)
            c->after_timeout++;
    } else {
        assert_int_equal(a->status, DNS_OK);
    }
    if (c->answered >= 40)
        return;
    snprintf(name, sizeof(name), "slow%d.test", c->answered);
    dns_query(c->d, name, DNS_T_MX, chain_cb, c);
}

static double
run_chain(int port, unsigned timeout_ms, unsigned deadline_ms,
          struct chain *c)
{
    char addr[64];
    const char *res[1] = { addr };
    struct dns_opts o = { .resolvers = res, .n_resolvers = 1,
                          .timeout_ms = timeout_ms,
                          .deadline_ms = deadline_ms };
    struct rc_err err = { 0 };
    double t0;

    memset(c, 0, sizeof(*c));
    snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
    assert_int_equal(dns_new(&o, &c->d, &err), RC_OK);
    t0 = mono_ms();
    dns_query(c->d, "slow0.test", DNS_T_MX, chain_cb, c);
    dns_run(c->d);
    c->last_ms = mono_ms() - t0;
    assert_int_equal(dns_pending(c->d), 0);
    dns_free(c->d);
    return c->last_ms;
}

/* After the deadline: live queries are time-outs at once, zone answers
 * still come; dns_clear_cache() starts a new run with a new clock. */
static void
live__past_the_deadline__zone_still_answers(void **state)
{
    int port = 0;
    int s = udp_socket(&port);
    struct dns *d = dns_at_deadline(port, 100, 150, NULL);
    struct got g = { 0, NULL };
    struct rc_err err = { 0 };
    double t0, ms;

    (void)state;
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN z.test.\n"
        "@ 300 SOA ns hm 1 2 3 4 5\n"
        "@ 300 MX 10 mx\n", NULL, &err), RC_OK);
    dns_query(d, "a.test", DNS_T_MX, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.a->status, DNS_TIMEOUT);
    poll(NULL, 0, 80);                  /* past the 150 ms */
    t0 = mono_ms();
    dns_query(d, "b.test", DNS_T_MX, got_cb, &g);
    dns_run(d);
    ms = mono_ms() - t0;
    assert_int_equal(g.calls, 2);
    assert_int_equal(g.a->status, DNS_TIMEOUT);
    assert_true(ms < 50.0);
    dns_query(d, "z.test", DNS_T_MX, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.a->status, DNS_OK);
    dns_clear_cache(d);
    t0 = mono_ms();
    dns_query(d, "c.test", DNS_T_MX, got_cb, &g);
    dns_run(d);
    ms = mono_ms() - t0;
    assert_int_equal(g.calls, 4);
    assert_int_equal(g.a->status, DNS_TIMEOUT);
    assert_true(ms >= 90.0);
    dns_free(d);
    close(s);
}

static void
live__slow_chain__ends_at_the_deadline(void **state)
{
    struct responder rs;
    struct chain c;
    double ms;

    (void)state;
    /* Every answer 150 ms late, under the 250 ms time-out: 40 of them
     * one after the other would take 6 s. */
    responder_start(&rs, MODE_DELAY);
    ms = run_chain(rs.port, 250, 500, &c);
    assert_true(ms >= 450.0);
    assert_true(ms < 800.0);
    /* Answers in time, then the pending one is a time-out, and every
     * query asked after the deadline too (answered at once, unsent). */
    assert_int_equal(c.answered, 40);
    assert_true(c.answered - c.timeouts >= 2);
    assert_true(c.timeouts >= 30);
    assert_int_equal(c.after_timeout, c.timeouts - 1);
    /* The default deadline: 3 x timeout_ms. */
    ms = run_chain(rs.port, 250, 0, &c);
    assert_true(ms >= 700.0);
    assert_true(ms < 1050.0);
    assert_true(c.timeouts >= 1);
    responder_stop(&rs);
}

static void
live__canned_mx__ok(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g1 = { 0, NULL }, g2 = { 0, NULL };
    const struct dns_rr *rr;
    char *tbuf = NULL;
    size_t tlen = 0;
    FILE *trace = open_memstream(&tbuf, &tlen);

    (void)state;
    responder_start(&rs, MODE_MX);
    d = dns_at(rs.port, 2000, trace);
    dns_query(d, "Example.Test.", DNS_T_MX, got_cb, &g1);
    dns_query(d, "example.test", DNS_T_MX, got_cb, &g2);
    assert_int_equal(dns_pending(d), 2);
    dns_run(d);
    assert_int_equal(rs.n_udp, 1);
    assert_int_equal(g1.calls, 1);
    assert_int_equal(g2.calls, 1);
    assert_ptr_equal(g1.a, g2.a);
    assert_int_equal(g1.a->status, DNS_OK);
    assert_false(g1.a->from_zone);
    assert_string_equal(g1.a->qname, "Example.Test");
    rr = dns_answer_next(g1.a, DNS_T_MX, NULL);
    assert_non_null(rr);
    assert_string_equal(rr->u.mx.host, "mail.Example.Test");
    /* A control byte in a name goes out as itself and is shown as
     * \DDD in the answer and the trace. */
    dns_query(d, "x\ty.test", DNS_T_MX, got_cb, &g1);
    dns_run(d);
    assert_int_equal(g1.a->status, DNS_OK);
    assert_string_equal(g1.a->qname, "x\\009y.test");
    dns_free(d);
    responder_stop(&rs);
    /* Merged: one query on the wire for the first two. */
    assert_int_equal(rs.n_udp, 2);
    fclose(trace);
    assert_non_null(strstr(tbuf, "query  Example.Test MX"));
    assert_non_null(strstr(tbuf, "answer Example.Test MX OK"));
    assert_non_null(strstr(tbuf, "MX 10 mail.Example.Test."));
    assert_non_null(strstr(tbuf, "answer x\\009y.test MX OK"));
    assert_null(strchr(tbuf, '\t'));
    free(tbuf);
}

static void
live__truncated__retried_over_tcp(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g = { 0, NULL };
    const struct dns_rr *rr;

    (void)state;
    responder_start(&rs, MODE_TC);
    d = dns_at(rs.port, 2000, NULL);
    dns_query(d, "big.test", DNS_T_TXT, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.a->status, DNS_OK);
    rr = dns_answer_next(g.a, DNS_T_TXT, NULL);
    assert_non_null(rr);
    assert_int_equal(rr->u.txt.n, 5);
    assert_int_equal(rr->u.txt.len[4], 220);
    assert_int_equal(rr->u.txt.s[4][0], 'e');
    dns_free(d);
    responder_stop(&rs);
    assert_true(rs.n_udp >= 1);
    assert_true(rs.n_tcp >= 1);
}

/* Issue 19 item 6: the TCP retry gets the whole time-out, not the share
 * of one UDP try (1000 / 3 ms). */
static void
live__truncated__slow_tcp_answer_taken(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g = { 0, NULL };
    double t0, ms;

    (void)state;
    responder_start(&rs, MODE_TC_SLOW);
    rs.tcp_delay_ms = 700;
    d = dns_at(rs.port, 1000, NULL);
    t0 = mono_ms();
    dns_query(d, "big.test", DNS_T_TXT, got_cb, &g);
    dns_run(d);
    ms = mono_ms() - t0;
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.a->status, DNS_OK);
    assert_int_equal(dns_answer_count(g.a, DNS_T_TXT), 1);
    assert_true(ms >= 650.0);
    dns_free(d);
    responder_stop(&rs);
    assert_int_equal(rs.n_tcp, 1);
}

/* An answer over the 1232 bytes we announced, without TC: what c-ares
 * kept of it may be cut, so it is asked again over TCP. */
static void
live__oversized_udp__asked_over_tcp(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g = { 0, NULL };

    (void)state;
    responder_start(&rs, MODE_HUGE_UDP);
    d = dns_at(rs.port, 2000, NULL);
    dns_query(d, "big.test", DNS_T_TXT, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.a->status, DNS_OK);
    assert_int_equal(dns_answer_count(g.a, DNS_T_TXT), 2);
    dns_free(d);
    responder_stop(&rs);
    assert_int_equal(rs.n_tcp, 1);
}

/* Issue 19 item 7: still truncated over TCP: "could not check". */
static void
live__truncated_over_tcp_too__error(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g = { 0, NULL };
    char *tbuf = NULL;
    size_t tlen = 0;
    FILE *trace = open_memstream(&tbuf, &tlen);

    (void)state;
    responder_start(&rs, MODE_TC_TC);
    d = dns_at(rs.port, 2000, trace);
    dns_query(d, "example.test", DNS_T_TXT, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.a->status, DNS_TRUNCATED);
    assert_true(dns_status_is_error(g.a->status));
    assert_int_equal(g.a->nrr, 0);
    dns_free(d);
    responder_stop(&rs);
    assert_true(rs.n_udp >= 1);
    assert_true(rs.n_tcp >= 1);
    fclose(trace);
    assert_non_null(strstr(tbuf, ", TCP)"));
    assert_non_null(strstr(tbuf, "answer example.test TXT TRUNCATED"));
    free(tbuf);
}

static void
live__big_udp__no_tcp(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g = { 0, NULL };

    (void)state;
    responder_start(&rs, MODE_BIG_UDP);
    d = dns_at(rs.port, 2000, NULL);
    dns_query(d, "big.test", DNS_T_TXT, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.a->status, DNS_OK);
    assert_int_equal(dns_answer_count(g.a, DNS_T_TXT), 1);
    dns_free(d);
    responder_stop(&rs);
    /* EDNS0 announced 1232 bytes: the 1100-byte answer needs no TCP. */
    assert_int_equal(rs.n_tcp, 0);
}

static void
live__servfail__status(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g = { 0, NULL };

    (void)state;
    responder_start(&rs, MODE_SERVFAIL);
    d = dns_at(rs.port, 2000, NULL);
    dns_query(d, "broken.test", DNS_T_A, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.a->status, DNS_SERVFAIL);
    dns_free(d);
    responder_stop(&rs);
}

static void
live__late_answer__ignored(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g1 = { 0, NULL }, g2 = { 0, NULL };

    (void)state;
    responder_start(&rs, MODE_DELAY);
    /* Our deadline (60 ms) answers before c-ares (50 ms per try, two
     * tries, doubled) and before the responder (150 ms).  The run's
     * deadline is far: the last query below comes 300 ms later. */
    d = dns_at_deadline(rs.port, 60, 60000, NULL);
    dns_query(d, "slow.test", DNS_T_MX, got_cb, &g1);
    dns_run(d);
    assert_int_equal(g1.calls, 1);
    assert_int_equal(g1.a->status, DNS_TIMEOUT);
    /* Keep the loop running while the late answer arrives. */
    for (int i = 0; i < 30; i++) {
        struct pollfd fds[16];
        int n = dns_pollfds(d, fds, 16);
        int t = dns_timeout_ms(d, 10);

        poll(fds, (nfds_t)n, t);
        dns_process(d, fds, n);
    }
    assert_int_equal(g1.calls, 1);
    /* The struct dns still works, and the cached TIMEOUT stays. */
    dns_query(d, "fast.test", DNS_T_MX, got_cb, &g2);
    dns_run(d);
    assert_int_equal(g2.a->status, DNS_OK);
    dns_free(d);
    responder_stop(&rs);
}

static void
live__poll_loop__like_the_wizard(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g[3];
    const char *names[3] = { "a.test", "b.test", "c.test" };
    int rounds = 0;

    (void)state;
    memset(g, 0, sizeof(g));
    responder_start(&rs, MODE_MX);
    d = dns_at(rs.port, 2000, NULL);
    for (int i = 0; i < 3; i++)
        dns_query(d, names[i], DNS_T_MX, got_cb, &g[i]);
    while (dns_pending(d) > 0 && rounds++ < 500) {
        struct pollfd fds[16];
        int n = dns_pollfds(d, fds, 16);
        int t = dns_timeout_ms(d, 100);

        assert_true(t >= 0 && t <= 100);
        poll(fds, (nfds_t)n, t);
        dns_process(d, fds, n);
    }
    for (int i = 0; i < 3; i++) {
        assert_int_equal(g[i].calls, 1);
        assert_int_equal(g[i].a->status, DNS_OK);
    }
    dns_free(d);
    responder_stop(&rs);
}

static void
many_in_flight(void *arg, const struct dns_answer *a)
{
    int *ok = arg;

    if (a->status == DNS_OK && dns_answer_count(a, DNS_T_MX) == 1)
        (*ok)++;
}

static void
live__many_in_flight__all_answered(void **state)
{
    struct responder rs;
    struct dns *d;
    int ok = 0;

    (void)state;
    responder_start(&rs, MODE_MX);
    d = dns_at(rs.port, 3000, NULL);
    for (int i = 0; i < 300; i++) {
        char name[32];

        snprintf(name, sizeof(name), "n%d.test", i);
        dns_query(d, name, DNS_T_MX, many_in_flight, &ok);
        dns_query(d, name, DNS_T_MX, many_in_flight, &ok);
    }
    assert_int_equal(dns_pending(d), 600);
    dns_run(d);
    assert_int_equal(dns_pending(d), 0);
    assert_int_equal(ok, 600);
    dns_free(d);
    responder_stop(&rs);
    /* One per name, more only if the burst overflowed a socket buffer
     * and c-ares asked again. */
    assert_true(rs.n_udp >= 300 && rs.n_udp < 600);
}

static void
live__ipv6_resolver__ok(void **state)
{
    struct responder rs;
    char addr[64];
    const char *res[2] = { addr, NULL };
    struct dns_opts o = { .resolvers = res, .n_resolvers = 1,
                          .timeout_ms = 2000 };
    struct dns *d = NULL;
    struct got g = { 0, NULL };
    struct rc_err err = { 0 };

    (void)state;
    if (!responder_start_af(&rs, MODE_TC, AF_INET6))
        skip();
    /* [::1]:PORT, and TCP after truncation over IPv6 too. */
    snprintf(addr, sizeof(addr), "[::1]:%d", rs.port);
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    dns_query(d, "big.test", DNS_T_TXT, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.a->status, DNS_OK);
    assert_int_equal(dns_answer_count(g.a, DNS_T_TXT), 1);
    dns_free(d);
    responder_stop(&rs);
    assert_true(rs.n_tcp >= 1);
}

static void
resolvers__parsed(void **state)
{
    static const char *const good[] = {
        "127.0.0.1", "127.0.0.1:5353", "[::1]:5353", "::1", "[::1]",
    };
    static const char *const bad[] = {
        "127.0.0.1:0", "127.0.0.1:65536", "localhost", "[::1", "[::1]x",
        "1.2.3", "127.0.0.1:53x", "",
    };
    struct dns_opts o = { .n_resolvers = 1 };
    struct dns *d = NULL;
    struct rc_err err = { 0 };

    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        o.resolvers = &good[i];
        assert_int_equal(dns_new(&o, &d, &err), RC_OK);
        assert_string_equal(dns_resolver_desc(d), good[i]);
        dns_free(d);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        o.resolvers = &bad[i];
        assert_int_not_equal(dns_new(&o, &d, &err), RC_OK);
        assert_null(d);
        assert_non_null(err.msgid);
        assert_non_null(strstr(errtext(&err), "resolver"));
        rc_err_fini(&err);
        rc_err_fini(&err);
    }
    o.resolvers = good;
    o.n_resolvers = 3;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_string_equal(dns_resolver_desc(d),
                        "127.0.0.1, 127.0.0.1:5353, [::1]:5353");
    dns_free(d);
}

static void
zone_cname__followed_live(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g = { 0, NULL };
    struct rc_err err = { 0 };

    (void)state;
    responder_start(&rs, MODE_MX);
    d = dns_at(rs.port, 2000, NULL);
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN z.test.\n"
        "@ 300 SOA ns hm 1 2 3 4 5\n"
        "out 300 CNAME elsewhere.test.\n"
        "deleg 300 NS ns.elsewhere.test.\n", NULL, &err), RC_OK);
    dns_query(d, "out.z.test", DNS_T_MX, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.a->status, DNS_OK);
    assert_true(g.a->from_zone);
    assert_int_equal(g.a->nrr, 2);
    assert_string_equal(g.a->canon, "elsewhere.test");
    assert_int_equal(dns_answer_count(g.a, DNS_T_MX), 1);
    /* Below a delegation: live DNS. */
    dns_query(d, "x.deleg.z.test", DNS_T_MX, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.calls, 2);
    assert_int_equal(g.a->status, DNS_OK);
    assert_false(g.a->from_zone);
    dns_free(d);
    responder_stop(&rs);
}

static void
zone_cname__live_servfail__kept(void **state)
{
    struct responder rs;
    struct dns *d;
    struct got g = { 0, NULL };
    struct rc_err err = { 0 };

    (void)state;
    responder_start(&rs, MODE_SERVFAIL);
    d = dns_at(rs.port, 2000, NULL);
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN z.test.\n"
        "@ 300 SOA ns hm 1 2 3 4 5\n"
        "out 300 CNAME elsewhere.test.\n", NULL, &err), RC_OK);
    dns_query(d, "out.z.test", DNS_T_A, got_cb, &g);
    dns_run(d);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.a->status, DNS_SERVFAIL);
    assert_int_equal(g.a->nrr, 1);
    assert_string_equal(g.a->canon, "elsewhere.test");
    dns_free(d);
    responder_stop(&rs);
}


/* ---- other I/O in the same loop (dns_io_add) ----------------------------- */

struct fake_io {
    int fd[2];
    int done, cancelled;
    struct dns *d;
    bool ask_more;              /* done() asks a query */
    int answered;
};

static int
fake_pollfds(void *arg, struct pollfd *fds, int max)
{
    struct fake_io *f = arg;

    if (max < 1)
        return 0;
    fds[0].fd = f->fd[0];
    fds[0].events = POLLIN;
    fds[0].revents = 0;
    return 1;
}

static int
fake_timeout(void *arg, int max_ms)
{
    (void)arg;
    return max_ms < 0 || max_ms > 5000 ? 5000 : max_ms;
}

static bool
fake_process(void *arg, const struct pollfd *fds, int nfds)
{
    struct fake_io *f = arg;

    for (int i = 0; i < nfds; i++)
        if (fds[i].fd == f->fd[0] && (fds[i].revents & POLLIN))
            return true;
    return false;
}

static void
fake_answered(void *arg, const struct dns_answer *a)
{
    struct fake_io *f = arg;

    if (a->status != DNS_CANCELLED)
        f->answered++;
}

static void
fake_done(void *arg, bool cancelled)
{
    struct fake_io *f = arg;

    if (cancelled) {
        f->cancelled++;
        return;
    }
    f->done++;
    if (f->ask_more)
        dns_query(f->d, "a.example", DNS_T_A, fake_answered, f);
}

static const struct dns_io_ops fake_ops = {
    .pollfds = fake_pollfds,
    .timeout_ms = fake_timeout,
    .process = fake_process,
    .done = fake_done,
};

/* An io counts as pending (in its group too) until done() ran; dns_run()
 * drives it with the queries, and what done() asks is answered before
 * dns_run() returns. */
static void
io__counted_and_driven__done_once(void **state)
{
    struct dns_opts o = { .offline = true };
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct dns_group g = { 0 };
    struct fake_io f = { .ask_more = true };

    (void)state;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN example.\n"
        "@ 300 SOA ns hm 1 2 3 4 5\n"
        "a 300 A 192.0.2.1\n", NULL, &err), RC_OK);
    assert_int_equal(pipe(f.fd), 0);
    f.d = d;
    dns_group_set(d, &g);
    dns_io_add(d, &fake_ops, &f);
    dns_group_set(d, NULL);
    assert_int_equal(dns_pending(d), 1);
    assert_int_equal(g.pending, 1);
    assert_int_equal(write(f.fd[1], "x", 1), 1);
    dns_run(d);
    assert_int_equal(f.done, 1);
    assert_int_equal(f.answered, 1);
    assert_int_equal(f.cancelled, 0);
    assert_int_equal(dns_pending(d), 0);
    assert_int_equal(g.pending, 0);
    dns_free(d);
    assert_int_equal(f.cancelled, 0);
    close(f.fd[0]);
    close(f.fd[1]);
}

/* dns_free() with an io pending: done(cancelled) exactly once. */
static void
io__free_while_pending__cancelled_once(void **state)
{
    struct dns_opts o = { .offline = true };
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    struct fake_io f = { 0 };
    struct pollfd fds[8];
    int n;

    (void)state;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_int_equal(pipe(f.fd), 0);
    f.d = d;
    dns_io_add(d, &fake_ops, &f);
    n = dns_pollfds(d, fds, 8);
    assert_int_equal(n, 1);
    assert_int_equal(fds[0].fd, f.fd[0]);
    assert_true(dns_timeout_ms(d, 100) <= 100);
    dns_process(d, fds, n);             /* nothing readable: still on */
    assert_int_equal(dns_pending(d), 1);
    dns_free(d);
    assert_int_equal(f.cancelled, 1);
    assert_int_equal(f.done, 0);
    close(f.fd[0]);
    close(f.fd[1]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(live__blackhole__timeout_in_time),
        cmocka_unit_test(live__free_with_queries_out__each_cancelled_once),
        cmocka_unit_test(live__query_from_cancelled_callback__cancelled_too),
        cmocka_unit_test(cancel__check_run_in_flight__nothing_recorded),
        cmocka_unit_test(live__slow_chain__ends_at_the_deadline),
        cmocka_unit_test(live__past_the_deadline__zone_still_answers),
        cmocka_unit_test(live__canned_mx__ok),
        cmocka_unit_test(live__truncated__retried_over_tcp),
        cmocka_unit_test(live__truncated__slow_tcp_answer_taken),
        cmocka_unit_test(live__truncated_over_tcp_too__error),
        cmocka_unit_test(live__oversized_udp__asked_over_tcp),
        cmocka_unit_test(live__big_udp__no_tcp),
        cmocka_unit_test(live__servfail__status),
        cmocka_unit_test(live__late_answer__ignored),
        cmocka_unit_test(live__poll_loop__like_the_wizard),
        cmocka_unit_test(live__many_in_flight__all_answered),
        cmocka_unit_test(live__ipv6_resolver__ok),
        cmocka_unit_test(resolvers__parsed),
        cmocka_unit_test(zone_cname__followed_live),
        cmocka_unit_test(zone_cname__live_servfail__kept),
        cmocka_unit_test(cap__max_inflight__rest_wait),
        cmocka_unit_test(cap__qps__spaced),
        cmocka_unit_test(group__pending_counted_per_group),
        cmocka_unit_test(trim__drops_what_only_ended_groups_asked),
        cmocka_unit_test(io__counted_and_driven__done_once),
        cmocka_unit_test(io__free_while_pending__cancelled_once),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
