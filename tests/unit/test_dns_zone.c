/* test_dns_zone.c - zone text as a DNS source, through the public dns.h
 * interface (offline: nothing leaves the process). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "mailready/dns.h"
#include "mailready/dns_parse.h"
#include "mailready/dns_zone.h"
#include "mailready/util.h"
#include "test_err.h"

static const char zone_text[] =
    "$ORIGIN example.test.\n"
    "$TTL 300\n"
    "@        IN SOA ns1 hostmaster 2026112801 3600 600 86400 300\n"
    "@        NS    ns1\n"
    "ns1      A     93.184.216.34\n"
    "@        MX    10 mx1\n"
    "@        MX    20 mx2.other.test.\n"
    "@        TXT   \"v=spf1 \" \"-all\"\n"
    "mx1      A     93.184.216.35\n"
    "mx1      AAAA  2606:2800:220:1::35\n"
    "a.b.c    A     93.184.216.36\n"
    "*.wild   A     93.184.216.37\n"
    "*.wild   TXT   \"wild\"\n"
    "www      CNAME mx1\n"
    "alias    CNAME www\n"
    "loop1    CNAME loop2\n"
    "loop2    CNAME loop1\n"
    "ext      CNAME target.elsewhere.test.\n"
    "sub      NS    ns.sub\n"
    "ns.sub   A     93.184.216.38\n"
    "nullmx   MX    0 .\n"
    "Mixed    TXT   \"a\\\"b\\\\c\" \"\\007\"\n";

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

static struct dns *
new_dns(void)
{
    struct dns_opts o = { .offline = true, .timeout_ms = 1000 };
    struct dns *d = NULL;
    struct rc_err err = { 0 };

    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_null(err.msgid);
    assert_int_equal(dns_load_zone_text(d, zone_text, "example.test", &err),
                     RC_OK);
    assert_null(err.msgid);
    return d;
}

/* Ask one name/type and run until answered. */
static const struct dns_answer *
ask(struct dns *d, const char *name, uint16_t type)
{
    struct got g = { 0, NULL };

    dns_query(d, name, type, got_cb, &g);
    assert_int_equal(g.calls, 0);
    dns_run(d);
    assert_int_equal(g.calls, 1);
    assert_non_null(g.a);
    return g.a;
}

static void
zone__data__ok(void **state)
{
    struct dns *d = new_dns();
    const struct dns_answer *a = ask(d, "Example.Test.", DNS_T_MX);
    const struct dns_rr *rr;
    char *s;

    (void)state;
    assert_int_equal(a->status, DNS_OK);
    assert_true(a->from_zone);
    assert_string_equal(a->qname, "Example.Test");
    assert_int_equal(dns_answer_count(a, DNS_T_MX), 2);
    rr = dns_answer_next(a, DNS_T_MX, NULL);
    assert_int_equal(rr->u.mx.pref, 10);
    assert_string_equal(rr->u.mx.host, "mx1.example.test");
    assert_int_equal(rr->ttl, 300);
    s = dns_rr_format(rr);
    assert_string_equal(s, "10 mx1.example.test.");
    free(s);
    rr = dns_answer_next(a, DNS_T_MX, rr);
    assert_string_equal(rr->u.mx.host, "mx2.other.test");
    assert_null(dns_answer_next(a, DNS_T_MX, rr));
    dns_free(d);
}

static void
zone__txt__strings_kept_apart(void **state)
{
    struct dns *d = new_dns();
    const struct dns_answer *a = ask(d, "example.test", DNS_T_TXT);
    const struct dns_rr *rr = dns_answer_next(a, DNS_T_TXT, NULL);
    size_t len;
    char *s;

    (void)state;
    assert_int_equal(a->status, DNS_OK);
    assert_non_null(rr);
    assert_int_equal(rr->u.txt.n, 2);
    assert_string_equal(rr->u.txt.s[0], "v=spf1 ");
    assert_int_equal(rr->u.txt.len[1], 4);
    s = dns_txt_join(rr, &len);
    assert_string_equal(s, "v=spf1 -all");
    assert_int_equal(len, 11);
    free(s);
    a = ask(d, "mixed.example.test", DNS_T_TXT);
    rr = dns_answer_next(a, DNS_T_TXT, NULL);
    assert_non_null(rr);
    s = dns_rr_format(rr);
    assert_string_equal(s, "\"a\\\"b\\\\c\" \"\\007\"");
    free(s);
    dns_free(d);
}

static void
zone__null_mx__format(void **state)
{
    struct dns *d = new_dns();
    const struct dns_answer *a = ask(d, "nullmx.example.test", DNS_T_MX);
    const struct dns_rr *rr = dns_answer_next(a, DNS_T_MX, NULL);
    char *s;

    (void)state;
    assert_non_null(rr);
    assert_string_equal(rr->u.mx.host, "");
    s = dns_rr_format(rr);
    assert_string_equal(s, "0 .");
    free(s);
    dns_free(d);
}

static void
zone__nodata_nxdomain_ent(void **state)
{
    struct dns *d = new_dns();

    (void)state;
    assert_int_equal(ask(d, "mx1.example.test", DNS_T_TXT)->status,
                     DNS_NODATA);
    assert_int_equal(ask(d, "nope.example.test", DNS_T_A)->status,
                     DNS_NXDOMAIN);
    assert_int_equal(ask(d, "x.nope.example.test", DNS_T_A)->status,
                     DNS_NXDOMAIN);
    /* Empty non-terminals exist. */
    assert_int_equal(ask(d, "c.example.test", DNS_T_A)->status, DNS_NODATA);
    assert_int_equal(ask(d, "b.c.example.test", DNS_T_A)->status,
                     DNS_NODATA);
    assert_int_equal(ask(d, "a.b.c.example.test", DNS_T_A)->status, DNS_OK);
    dns_free(d);
}

static void
zone__wildcard__synthesised(void **state)
{
    struct dns *d = new_dns();
    const struct dns_answer *a = ask(d, "Foo.wild.example.test", DNS_T_A);
    const struct dns_rr *rr = dns_answer_next(a, DNS_T_A, NULL);

    (void)state;
    assert_int_equal(a->status, DNS_OK);
    assert_non_null(rr);
    assert_string_equal(rr->owner, "Foo.wild.example.test");
    assert_memory_equal(rr->u.addr, "\x5d\xb8\xd8\x25", 4);
    a = ask(d, "x.y.wild.example.test", DNS_T_A);
    assert_int_equal(a->status, DNS_OK);
    assert_int_equal(ask(d, "foo.wild.example.test", DNS_T_MX)->status,
                     DNS_NODATA);
    /* The wildcard's parent is an empty non-terminal, not synthesised. */
    assert_int_equal(ask(d, "wild.example.test", DNS_T_A)->status,
                     DNS_NODATA);
    dns_free(d);
}

static void
zone__cname__followed(void **state)
{
    struct dns *d = new_dns();
    const struct dns_answer *a = ask(d, "alias.example.test", DNS_T_A);

    (void)state;
    assert_int_equal(a->status, DNS_OK);
    assert_int_equal(a->nrr, 3);
    assert_string_equal(a->canon, "mx1.example.test");
    assert_int_equal(dns_answer_count(a, DNS_T_A), 1);
    /* Asking for the CNAME itself does not follow it. */
    a = ask(d, "alias.example.test", DNS_T_CNAME);
    assert_int_equal(a->status, DNS_OK);
    assert_int_equal(a->nrr, 1);
    assert_string_equal(a->canon, "alias.example.test");
    a = ask(d, "www.example.test", DNS_T_TXT);
    assert_int_equal(a->status, DNS_NODATA);
    assert_string_equal(a->canon, "mx1.example.test");
    dns_free(d);
}

static void
zone__wildcard_cname_and_other_zone__followed(void **state)
{
    struct dns *d = new_dns();
    const struct dns_answer *a;
    const struct dns_rr *rr;
    struct rc_err err = { 0 };

    (void)state;
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN other.test.\n"
        "$TTL 60\n"
        "@ SOA ns hm 1 2 3 4 5\n"
        "*.w CNAME mx1.example.test.\n"
        "to-other CNAME host.example.test.\n"
        "host.example.test. A 93.184.216.50\n"
        "null TXT \\# 0\n"
        "spf SPF \"v=spf1 -all\"\n", NULL, &err), RC_OK);
    a = ask(d, "x.w.other.test", DNS_T_AAAA);
    assert_int_equal(a->status, DNS_OK);
    assert_int_equal(a->nrr, 2);
    assert_string_equal(a->rr[0].owner, "x.w.other.test");
    assert_int_equal(a->rr[0].type, DNS_T_CNAME);
    assert_string_equal(a->canon, "mx1.example.test");
    /* A record outside the zone's apex is dropped, as NSD does. */
    a = ask(d, "to-other.other.test", DNS_T_A);
    assert_int_equal(a->status, DNS_NXDOMAIN);
    assert_int_equal(a->nrr, 1);
    assert_string_equal(a->canon, "host.example.test");
    /* TXT with RDLENGTH 0: zero strings, accepted. */
    a = ask(d, "null.other.test", DNS_T_TXT);
    assert_int_equal(a->status, DNS_OK);
    rr = dns_answer_next(a, DNS_T_TXT, NULL);
    assert_non_null(rr);
    assert_int_equal(rr->u.txt.n, 0);
    assert_int_equal(rr->ttl, 60);
    a = ask(d, "spf.other.test", DNS_T_SPF);
    assert_int_equal(a->status, DNS_OK);
    assert_int_equal(dns_answer_count(a, DNS_T_SPF), 1);
    assert_int_equal(ask(d, "spf.other.test", DNS_T_TXT)->status,
                     DNS_NODATA);
    dns_free(d);
}

static void
zone__cname_loop__error(void **state)
{
    struct dns *d = new_dns();
    const struct dns_answer *a = ask(d, "loop1.example.test", DNS_T_A);

    (void)state;
    /* A loop is no answer: "could not check", never "missing". */
    assert_int_equal(a->status, DNS_CNAME_LOOP);
    assert_true(dns_status_is_error(a->status));
    assert_int_equal(a->nrr, 2);
    dns_free(d);
}

static void
zone__outside_or_delegated__offline_error(void **state)
{
    struct dns *d = new_dns();
    const struct dns_answer *a;

    (void)state;
    assert_int_equal(ask(d, "example.org", DNS_T_A)->status, DNS_ERROR);
    assert_int_equal(ask(d, "sub.example.test", DNS_T_A)->status, DNS_ERROR);
    assert_int_equal(ask(d, "www.sub.example.test", DNS_T_MX)->status,
                     DNS_ERROR);
    /* The apex NS is the zone's own data, not a delegation. */
    assert_int_equal(ask(d, "example.test", DNS_T_NS)->status, DNS_OK);
    /* A CNAME out of the zones keeps the chain, then cannot go on. */
    a = ask(d, "ext.example.test", DNS_T_A);
    assert_int_equal(a->status, DNS_ERROR);
    assert_int_equal(a->nrr, 1);
    assert_string_equal(a->canon, "target.elsewhere.test");
    dns_free(d);
}

static void
zone__forced_status__wins(void **state)
{
    struct dns *d = new_dns();

    (void)state;
    assert_int_equal(ask(d, "example.test", DNS_T_MX)->status, DNS_OK);
    dns_force_status(d, "EXAMPLE.test.", DNS_T_MX, DNS_SERVFAIL);
    dns_force_status(d, "mx1.example.test", DNS_T_A, DNS_TIMEOUT);
    assert_int_equal(ask(d, "example.test", DNS_T_MX)->status,
                     DNS_SERVFAIL);
    assert_int_equal(ask(d, "mx1.example.test", DNS_T_A)->status,
                     DNS_TIMEOUT);
    assert_true(dns_status_is_error(DNS_TIMEOUT));
    assert_false(dns_status_is_error(DNS_NXDOMAIN));
    dns_free(d);
}

static void
zone__merged_queries__every_waiter_once(void **state)
{
    struct dns *d = new_dns();
    struct got g[4];

    (void)state;
    memset(g, 0, sizeof(g));
    dns_query(d, "mx1.example.test", DNS_T_A, got_cb, &g[0]);
    dns_query(d, "MX1.example.test.", DNS_T_A, got_cb, &g[1]);
    dns_query(d, "mx1.example.test", DNS_T_AAAA, got_cb, &g[2]);
    dns_query(d, "mx1.example.test", DNS_T_A, got_cb, &g[3]);
    assert_int_equal(dns_pending(d), 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(g[i].calls, 0);
    dns_run(d);
    assert_int_equal(dns_pending(d), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(g[i].calls, 1);
    assert_ptr_equal(g[0].a, g[1].a);
    assert_ptr_equal(g[0].a, g[3].a);
    assert_ptr_not_equal(g[0].a, g[2].a);
    assert_int_equal(g[2].a->status, DNS_OK);
    /* A cached answer is not delivered synchronously either. */
    memset(g, 0, sizeof(g));
    dns_query(d, "mx1.example.test", DNS_T_A, got_cb, &g[0]);
    assert_int_equal(g[0].calls, 0);
    assert_int_equal(dns_timeout_ms(d, 1000), 0);
    dns_process(d, NULL, 0);
    assert_int_equal(g[0].calls, 1);
    dns_free(d);
}

struct chain {
    struct dns *d;
    int depth;
    int calls;
    enum dns_status last;
};

static void
chain_cb(void *arg, const struct dns_answer *a)
{
    struct chain *c = arg;

    c->calls++;
    c->last = a->status;
    /* Re-entrant queries from a callback, some cached, some not. */
    if (c->depth-- > 0) {
        dns_query(c->d, "example.test", DNS_T_MX, chain_cb, c);
        dns_query(c->d, c->depth % 2 ? "nope.example.test" : "mx1.example.test",
                  DNS_T_A, chain_cb, c);
    }
}

static void
zone__reentrant_callbacks__all_delivered(void **state)
{
    struct dns *d = new_dns();
    struct chain c = { d, 5, 0, DNS_ERROR };

    (void)state;
    dns_query(d, "example.test", DNS_T_MX, chain_cb, &c);
    dns_run(d);
    assert_int_equal(dns_pending(d), 0);
    assert_int_equal(c.calls, 11);
    dns_free(d);
}

static void
zone__clear_cache__old_answers_stay_valid(void **state)
{
    struct dns *d = new_dns();
    const struct dns_answer *a1 = ask(d, "example.test", DNS_T_MX);
    const struct dns_answer *a2;

    (void)state;
    dns_clear_cache(d);
    a2 = ask(d, "example.test", DNS_T_MX);
    assert_ptr_not_equal(a1, a2);
    assert_string_equal(a1->qname, "example.test");
    assert_int_equal(a1->status, DNS_OK);
    dns_free(d);
}

static void
zone__bad_names__error(void **state)
{
    struct dns *d = new_dns();
    char longname[400];

    (void)state;
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_int_equal(ask(d, "", DNS_T_A)->status, DNS_ERROR);
    assert_int_equal(ask(d, ".", DNS_T_A)->status, DNS_ERROR);
    assert_int_equal(ask(d, "a..example.test", DNS_T_A)->status, DNS_ERROR);
    assert_int_equal(ask(d, longname, DNS_T_A)->status, DNS_ERROR);
    dns_free(d);
}

static void
zone__name_too_long_to_exist__nxdomain(void **state)
{
    struct dns *d = new_dns();
    /* _dmarc. and a name of 253 characters (63.63.63.48.example.test):
     * 260 characters, too long to exist. */
    static const size_t lens[] = { 63, 63, 63, 48 };
    char name[300] = "_dmarc.";
    size_t n = strlen(name);
    const struct dns_answer *a;

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
        memset(name + n, (int)('a' + i), lens[i]);
        n += lens[i];
        name[n++] = '.';
    }
    str_copy(name + n, "example.test", sizeof(name) - n);
    assert_int_equal(strlen(name), 260);
    a = ask(d, name, DNS_T_TXT);
    assert_int_equal(a->status, DNS_NXDOMAIN);
    assert_int_equal(a->nrr, 0);
    /* The name itself, 253 characters, is asked as usual. */
    assert_int_equal(ask(d, name + 7, DNS_T_TXT)->status, DNS_NXDOMAIN);
    /* A bad escape is still an error. */
    assert_int_equal(ask(d, "a\\", DNS_T_A)->status, DNS_ERROR);
    dns_free(d);
}

static void
zone__query_cap__error(void **state)
{
    struct dns *d = new_dns();
    struct got g = { 0, NULL };
    int nx = 0, err = 0;

    (void)state;
    for (int i = 0; i < 5001; i++) {
        char name[64];

        snprintf(name, sizeof(name), "n%d.example.test", i);
        g.a = NULL;
        dns_query(d, name, DNS_T_A, got_cb, &g);
        dns_run(d);
        if (g.a->status == DNS_NXDOMAIN)
            nx++;
        else if (g.a->status == DNS_ERROR)
            err++;
    }
    assert_int_equal(nx, 5000);
    assert_int_equal(err, 1);
    dns_free(d);
}

static void
zone__parse_error__has_line(void **state)
{
    struct dns_opts o = { .offline = true };
    struct dns *d = NULL;
    struct rc_err err = { 0 };

    (void)state;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_int_not_equal(dns_load_zone_text(d,
        "$ORIGIN bad.test.\n"
        "@ SOA ns hm 1 2 3 4 5\n"
        "www A 1.2.3.4.5\n", NULL, &err), RC_OK);
    assert_non_null(err.msgid);
    assert_non_null(strstr(errtext(&err), "zone text:3:"));
    rc_err_fini(&err);
    rc_err_fini(&err);
    assert_int_not_equal(dns_load_zone_text(d, "www 300 IN A 1.2.3.4\n",
                                            "nosoa.test", &err), RC_OK);
    assert_non_null(strstr(errtext(&err), "no SOA"));
    rc_err_fini(&err);
    rc_err_fini(&err);
    assert_int_not_equal(dns_load_zone_text(d,
        "$ORIGIN inc.test.\n"
        "@ SOA ns hm 1 2 3 4 5\n"
        "$INCLUDE /etc/passwd\n", NULL, &err), RC_OK);
    assert_non_null(strstr(errtext(&err), "zone text:3: $INCLUDE"));
    rc_err_fini(&err);
    dns_free(d);
}

static void
zone__zone_file__origin_from_name(void **state)
{
    char dir[] = "/tmp/mr-zone-XXXXXX";
    char path[128];
    const char *files[1];
    struct dns_opts o = { .offline = true };
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/file.test.zone", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("@ 300 IN SOA ns hm 1 2 3 4 5\n"
          "@ 300 IN MX 10 mx\n"
          "mx 300 IN A 93.184.216.40\n", fp);
    fclose(fp);
    files[0] = path;
    o.zone_files = files;
    o.n_zone_files = 1;
    assert_int_equal(dns_new(&o, &d, &err), RC_OK);
    assert_int_equal(ask(d, "file.test", DNS_T_MX)->status, DNS_OK);
    assert_int_equal(ask(d, "mx.file.test", DNS_T_A)->status, DNS_OK);
    assert_string_equal(dns_resolver_desc(d), "system");
    dns_free(d);
    unlink(path);
    rmdir(dir);
    /* A missing file is reported with its name. */
    o.zone_files = (const char *const[]){ "/nonexistent/x.zone" };
    assert_int_not_equal(dns_new(&o, &d, &err), RC_OK);
    assert_null(d);
    assert_non_null(strstr(errtext(&err), "/nonexistent/x.zone"));
    rc_err_fini(&err);
}

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* dns_new() with path as the only zone file fails at once with a message
 * holding want and the path. */
static void
zone_file_refused(const char *path, const char *want)
{
    const char *files[1] = { path };
    struct dns_opts o = { .offline = true, .zone_files = files,
                          .n_zone_files = 1 };
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    double t0 = now_ms();

    assert_int_not_equal(dns_new(&o, &d, &err), RC_OK);
    assert_true(now_ms() - t0 < 2000.0);
    assert_null(d);
    assert_non_null(err.msgid);
    if (strstr(errtext(&err), want) == NULL || strstr(errtext(&err), path) == NULL)
        fail_msg("%s: got \"%s\", want \"%s\"", path, err, want);
    rc_err_fini(&err);
}

/* Issue 19 item 3: a directory, /dev/zero and a FIFO spun or blocked
 * forever; a huge file was read whole. */
static void
zone__zone_file_not_regular_or_huge__refused(void **state)
{
    char dir[] = "/tmp/mr-zone-XXXXXX";
    char fifo[128], big[128];
    FILE *fp;

    (void)state;
    assert_non_null(mkdtemp(dir));
    zone_file_refused(dir, "is not a regular file");
    zone_file_refused("/dev/zero", "is not a regular file");
    snprintf(fifo, sizeof(fifo), "%s/fifo.test.zone", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    zone_file_refused(fifo, "is not a regular file");
    snprintf(big, sizeof(big), "%s/big.test.zone", dir);
    fp = fopen(big, "w");
    assert_non_null(fp);
    /* Sparse: 64 MiB + 1 byte without writing them. */
    assert_int_equal(fseek(fp, (64L << 20), SEEK_SET), 0);
    fputc('\n', fp);
    fclose(fp);
    zone_file_refused(big, "is larger than 64 MiB");
    unlink(big);
    unlink(fifo);
    rmdir(dir);
}

/* The read loop ends on a read error (ldns reports one as an empty
 * line): a directory opened as a stream gives EISDIR on every read. */
static void
zone__read_error__ends_the_loop(void **state)
{
    struct dns_zones *zs = dns_zones_new();
    struct rc_err err = { 0 };
    FILE *fp = fopen("/", "r");

    (void)state;
    if (fp == NULL)
        skip();
    assert_int_equal(dns_zones_load(zs, fp, "/", NULL, &err), RC_IO);
    assert_non_null(err.msgid);
    assert_non_null(strstr(errtext(&err), "could not be read"));
    rc_err_fini(&err);
    fclose(fp);
    dns_zones_free(zs);
}

static void
zone__longest_apex__wins(void **state)
{
    struct dns *d = new_dns();
    struct rc_err err = { 0 };

    (void)state;
    /* A child zone loaded next to the parent takes over below its apex,
     * even though the parent delegates it. */
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN sub.example.test.\n"
        "@ 300 SOA ns hm 1 2 3 4 5\n"
        "@ 300 NS ns\n"
        "www 300 A 93.184.216.41\n", NULL, &err), RC_OK);
    assert_int_equal(ask(d, "www.sub.example.test", DNS_T_A)->status,
                     DNS_OK);
    assert_int_equal(ask(d, "nx.sub.example.test", DNS_T_A)->status,
                     DNS_NXDOMAIN);
    assert_int_equal(dns_load_zone_text(d,
        "$ORIGIN sub.example.test.\n"
        "@ 300 SOA ns hm 1 2 3 4 5\n", NULL, &err), RC_EXISTS);
    rc_err_fini(&err);
    dns_free(d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zone__data__ok),
        cmocka_unit_test(zone__txt__strings_kept_apart),
        cmocka_unit_test(zone__null_mx__format),
        cmocka_unit_test(zone__nodata_nxdomain_ent),
        cmocka_unit_test(zone__wildcard__synthesised),
        cmocka_unit_test(zone__cname__followed),
        cmocka_unit_test(zone__wildcard_cname_and_other_zone__followed),
        cmocka_unit_test(zone__cname_loop__error),
        cmocka_unit_test(zone__outside_or_delegated__offline_error),
        cmocka_unit_test(zone__forced_status__wins),
        cmocka_unit_test(zone__merged_queries__every_waiter_once),
        cmocka_unit_test(zone__reentrant_callbacks__all_delivered),
        cmocka_unit_test(zone__clear_cache__old_answers_stay_valid),
        cmocka_unit_test(zone__bad_names__error),
        cmocka_unit_test(zone__name_too_long_to_exist__nxdomain),
        cmocka_unit_test(zone__query_cap__error),
        cmocka_unit_test(zone__parse_error__has_line),
        cmocka_unit_test(zone__zone_file__origin_from_name),
        cmocka_unit_test(zone__longest_apex__wins),
        cmocka_unit_test(zone__zone_file_not_regular_or_huge__refused),
        cmocka_unit_test(zone__read_error__ends_the_loop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
