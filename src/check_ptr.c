/* check_ptr.c - the PTR step.  For each mail server address (--server-ip,
 * else the A/AAAA of the domain's MX hosts): the PTR record, forward
 * confirmation (some PTR name resolves back to the address: FCrDNS), the
 * name matching the server (--hostname, else the MX host that led to the
 * address), and names that look generic or dynamic.  When there is no PTR
 * the reverse zone's SOA says who can set one.
 *
 * Queries: MX -> A/AAAA -> PTR -> A/AAAA of each PTR name (and, only when
 * a PTR is missing, SOA at each level of the reverse name). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/check_dkim.h"
#include "mailready/check_ptr.h"
#include "mailready/dmarc.h"
#include "mailready/name.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

#define PTR_MAX_ADDRS 32
#define PTR_MAX_HOSTS 32
#define PTR_MAX_NAMES 8         /* PTR names followed per address */
#define PTR_MAX_SOA 33          /* levels of a reverse name */
#define PTR_MAX_HOPS 8

/* --- generic names --- */

struct run {
    size_t start, end;          /* digit run [start, end) */
    unsigned long v;
};

/* Strong words: an ISP's generic name on their own. */
static const char *const strong_words[] = {
    "dynamic", "dyn", "dhcp", "dialup", "dial", "pool", "ppp", "pppoe",
    "dsl", "adsl", "vdsl", "xdsl", "sdsl", "cable", "customer",
    "customers", "cust", "client", "clients", "broadband", "residential",
    "resi", "cpe", "unassigned", "unknown", "hsd", "fios", "ftth",
    "subscriber", "dyndsl", "dslam", "dip", "catv", "nat",
};

/* Weak words: generic only together with numbers or another weak word
 * (static-ip, host-12-34, rev123). */
static const char *const weak_words[] = {
    "static", "ip", "host", "rev", "reverse", "user", "users", "home",
    "addr", "ptr", "in", "arpa", "node", "gw", "net", "broad",
};

static bool
word_in(const char *w, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
            return true;
    return false;
}

static bool
is_lower_alpha(int c)
{
    return c >= 'a' && c <= 'z';
}

/* Octets (in order or reversed, all four or three in a row) found as
 * consecutive numbers separated by one of "-._x"? */
static bool
embeds_ipv4(const char *s, const unsigned char o[4])
{
    struct run r[64];
    size_t nr = 0, len = strlen(s);

    for (size_t i = 0; i < len && nr < ARRAY_LEN(r);) {
        if (!ascii_is_digit((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        unsigned long v = 0;
        while (j < len && ascii_is_digit((unsigned char)s[j])) {
            if (v < 100000000)
                v = v * 10 + (unsigned long)(s[j] - '0');
            j++;
        }
        /* Twelve digits: four zero-padded octets with no separator. */
        if (j - i == 12) {
            unsigned long q[4];
            for (int k = 0; k < 4; k++) {
                q[k] = 0;
                for (int m = 0; m < 3; m++)
                    q[k] = q[k] * 10 + (unsigned long)(s[i + k * 3 + m]
                                                       - '0');
            }
            if ((q[0] == o[0] && q[1] == o[1] && q[2] == o[2] &&
                 q[3] == o[3]) ||
                (q[0] == o[3] && q[1] == o[2] && q[2] == o[1] &&
                 q[3] == o[0]))
                return true;
        }
        r[nr].start = i;
        r[nr].end = j;
        r[nr].v = j - i <= 3 ? v : 1000;
        nr++;
        i = j;
    }
    for (size_t i = 0; i + 2 < nr + 0 && i + 2 < ARRAY_LEN(r); i++) {
        /* Runs i..i+2 (and i+3) must be separated by one char. */
        size_t k, max = 1;
        for (k = i; k + 1 < nr && k < i + 3; k++) {
            size_t gap = r[k + 1].start - r[k].end;
            char c = s[r[k].end];
            if (gap != 1 || strchr("-._x", c) == NULL)
                break;
            max++;
        }
        if (max < 3)
            continue;
        unsigned long v[4] = { r[i].v, r[i + 1].v, r[i + 2].v,
                               max >= 4 ? r[i + 3].v : 9999 };
        if (max >= 4 &&
            ((v[0] == o[0] && v[1] == o[1] && v[2] == o[2] &&
              v[3] == o[3]) ||
             (v[0] == o[3] && v[1] == o[2] && v[2] == o[1] &&
              v[3] == o[0])))
            return true;
        /* Three octets: the last three, or the first three, in order or
         * reversed. */
        for (int off = 0; off <= 1; off++) {
            if (v[0] == o[off] && v[1] == o[off + 1] && v[2] == o[off + 2])
                return true;
            if (v[0] == o[3 - off] && v[1] == o[2 - off] &&
                v[2] == o[1 - off])
                return true;
        }
    }
    return false;
}

static bool
contains(const char *hay, const char *needle)
{
    return needle[0] != '\0' && strstr(hay, needle) != NULL;
}

static bool
embeds_hex(const char *s, const struct ipaddr *ip)
{
    static const char hex[] = "0123456789abcdef";
    char full[33], buf[64], tmp[64];
    size_t nb = ip->family == AF_INET ? 4 : 16;

    for (size_t i = 0; i < nb; i++) {
        full[i * 2] = hex[ip->a[i] >> 4];
        full[i * 2 + 1] = hex[ip->a[i] & 0xf];
    }
    full[nb * 2] = '\0';
    if (contains(s, full))
        return true;
    if (ip->family != AF_INET6)
        return false;
    /* The interface identifier alone (16 hex digits). */
    if (contains(s, full + 16))
        return true;
    /* inet_ntop form with ':' -> '-' ("2a01-4f8-c17-b8f--2"). */
    net_format(ip, buf, sizeof(buf));
    for (char *p = buf; *p != '\0'; p++)
        if (*p == ':')
            *p = '-';
    if (strlen(buf) >= 8 && contains(s, buf))
        return true;
    /* Eight zero-padded groups joined with '-'. */
    size_t k = 0;
    for (int g = 0; g < 8; g++) {
        if (g > 0)
            tmp[k++] = '-';
        memcpy(tmp + k, full + g * 4, 4);
        k += 4;
    }
    tmp[k] = '\0';
    return contains(s, tmp);
}

bool
check_ptr_looks_generic(const char *name, const struct ipaddr *ip,
                        const char **why)
{
    char *s = xstrdup(name);
    bool generic = false;
    const char *rule = NULL;
    int labels;

    str_lower(s);
    if (ip != NULL && ip->family == AF_INET && embeds_ipv4(s, ip->a)) {
        rule = "address";
        generic = true;
        goto out;
    }
    if (ip != NULL && embeds_hex(s, ip)) {
        rule = "address-hex";
        generic = true;
        goto out;
    }
    if (str_iendswith(s, ".in-addr.arpa") || str_iendswith(s, ".ip6.arpa")) {
        rule = "reverse-name";
        generic = true;
        goto out;
    }
    /* Words, in the labels left of the last two (the registered domain
     * is the provider's own name and may hold any word). */
    labels = name_label_count(s);
    if (labels < 3)
        goto out;
    {
        const char *suffix = dmarc_name_suffix(s, 2);
        size_t hostlen = (size_t)(suffix - s);
        size_t i = 0;

        while (i < hostlen && !generic) {
            size_t end = i;
            int weak = 0, runs = 0;
            size_t maxrun = 0;

            while (end < hostlen && s[end] != '.')
                end++;
            for (size_t k = i; k < end;) {
                size_t j = k;
                if (is_lower_alpha((unsigned char)s[k])) {
                    while (j < end && is_lower_alpha((unsigned char)s[j]))
                        j++;
                    if (word_in(s + k, j - k, strong_words,
                                ARRAY_LEN(strong_words))) {
                        rule = "word";
                        generic = true;
                    } else if (word_in(s + k, j - k, weak_words,
                                       ARRAY_LEN(weak_words))) {
                        weak++;
                    }
                } else if (ascii_is_digit((unsigned char)s[k])) {
                    while (j < end && ascii_is_digit((unsigned char)s[j]))
                        j++;
                    runs++;
                    if (j - k > maxrun)
                        maxrun = j - k;
                } else {
                    j++;
                }
                k = j;
            }
            if (!generic && weak > 0 &&
                (weak >= 2 || runs >= 2 || maxrun >= 3)) {
                rule = "weak-word";
                generic = true;
            }
            i = end + 1;
        }
    }
out:
    if (why != NULL)
        *why = rule;
    free(s);
    return generic;
}

/* --- the step --- */

struct ptr_state;

struct ptr_fwd {
    char *name;                     /* a PTR target */
    const struct dns_answer *ans;   /* its A or AAAA */
};

struct ptr_addr {
    struct ptr_state *st;
    struct ipaddr ip;
    char text[64];
    char rev[80];
    bool given;                     /* from --server-ip */
    int hops;                       /* CNAMEs followed for the PTR */
    char *hosts[PTR_MAX_HOSTS];     /* MX hosts that led to it */
    size_t nhosts;
    const struct dns_answer *ptr;
    struct ptr_fwd fwd[PTR_MAX_NAMES];
    size_t nfwd;
    const struct dns_answer *soa[PTR_MAX_SOA];
    size_t nsoa;
};

struct ptr_host {
    struct ptr_state *st;
    char *host;
};

struct ptr_state {
    struct check_ctx *ctx;
    const struct dns_answer *mx, *txt;
    struct ptr_addr *addr[PTR_MAX_ADDRS];
    size_t naddr;
    struct ptr_host *hosts[PTR_MAX_HOSTS];
    size_t nhosts;
    const struct dns_answer *host_err;  /* first failed MX host lookup */
    size_t nonglobal;                   /* MX host addresses skipped: not
                                         * globally reachable */
    bool too_many;
};

struct ptr_slot {
    const struct dns_answer **where;
};

static void
on_slot(void *arg, const struct dns_answer *ans)
{
    struct ptr_slot *s = arg;

    /* DNS_CANCELLED (dns_free() with the run in flight): keep nothing. */
    if (ans->status != DNS_CANCELLED)
        *s->where = ans;
    free(s);
}

static void
query_slot(struct check_ctx *ctx, const char *name, uint16_t type,
           const struct dns_answer **where)
{
    struct ptr_slot *s = xmalloc(sizeof(*s));

    s->where = where;
    dns_query(ctx->dns, name, type, on_slot, s);
}

/* Ask SOA at every level of the reverse name, longest first. */
static void
ask_soa(struct ptr_addr *a)
{
    const char *p = a->rev;
    const char *stop = a->ip.family == AF_INET ? "in-addr.arpa" :
                       "ip6.arpa";

    while (p != NULL && !name_eq(p, stop) && a->nsoa < PTR_MAX_SOA) {
        query_slot(a->st->ctx, p, DNS_T_SOA, &a->soa[a->nsoa]);
        a->nsoa++;
        p = name_parent(p);
    }
}

static void
on_ptr(void *arg, const struct dns_answer *ans)
{
    struct ptr_addr *a = arg;
    const struct dns_rr *rr = NULL;
    uint16_t type = a->ip.family == AF_INET ? DNS_T_A : DNS_T_AAAA;

    /* dns_free() with the run in flight: record nothing, ask nothing. */
    if (ans->status == DNS_CANCELLED)
        return;
    a->ptr = ans;
    /* RFC 2317 classless delegation: a CNAME into another zone, which an
     * authoritative server answers alone.  Ask at its target. */
    if ((ans->status == DNS_OK || ans->status == DNS_NODATA) &&
        dns_answer_count(ans, DNS_T_PTR) == 0 &&
        !name_eq(ans->canon, ans->qname) && a->hops < PTR_MAX_HOPS) {
        a->hops++;
        dns_query(a->st->ctx->dns, ans->canon, DNS_T_PTR, on_ptr, a);
        return;
    }
    if (ans->status == DNS_NXDOMAIN || ans->status == DNS_NODATA ||
        (ans->status == DNS_OK && dns_answer_count(ans, DNS_T_PTR) == 0)) {
        ask_soa(a);
        return;
    }
    while ((rr = dns_answer_next(ans, DNS_T_PTR, rr)) != NULL &&
           a->nfwd < PTR_MAX_NAMES) {
        struct ptr_fwd *f = &a->fwd[a->nfwd++];

        f->name = xstrdup(rr->u.name);
        query_slot(a->st->ctx, f->name, type, &f->ans);
    }
}

static struct ptr_addr *
find_addr(struct ptr_state *st, const struct ipaddr *ip)
{
    for (size_t i = 0; i < st->naddr; i++)
        if (st->addr[i]->ip.family == ip->family &&
            memcmp(st->addr[i]->ip.a, ip->a, 16) == 0)
            return st->addr[i];
    return NULL;
}

static struct ptr_addr *
add_addr(struct ptr_state *st, const struct ipaddr *ip, bool given)
{
    struct ptr_addr *a;

    if (st->naddr == PTR_MAX_ADDRS) {
        st->too_many = true;
        return NULL;
    }
    a = xcalloc(1, sizeof(*a));
    a->st = st;
    a->ip = *ip;
    a->given = given;
    net_format(ip, a->text, sizeof(a->text));
    net_reverse_name(ip, a->rev, sizeof(a->rev));
    st->addr[st->naddr++] = a;
    dns_query(st->ctx->dns, a->rev, DNS_T_PTR, on_ptr, a);
    return a;
}

static void
on_host_addr(void *arg, const struct dns_answer *ans)
{
    struct ptr_host *h = arg;
    struct ptr_state *st = h->st;
    uint16_t type = ans->qtype;
    const struct dns_rr *rr = NULL;
    bool given_mode = st->ctx->opts->n_server_ips > 0;

    /* dns_free() with the run in flight: record nothing, ask nothing. */
    if (ans->status == DNS_CANCELLED)
        return;
    if (dns_status_is_error(ans->status) && st->host_err == NULL)
        st->host_err = ans;
    if (ans->status != DNS_OK)
        return;
    while ((rr = dns_answer_next(ans, type, rr)) != NULL) {
        struct ipaddr ip;
        struct ptr_addr *a;

        net_from_bytes(&ip, type == DNS_T_A ? AF_INET : AF_INET6,
                       rr->u.addr);
        a = find_addr(st, &ip);
        /* An MX host's address that is not globally reachable (RFC 1918,
         * the IANA special-purpose registries) sends no Internet mail:
         * no PTR is asked for it; the MX step warns about it. */
        if (a == NULL && !given_mode && !net_is_global(&ip, NULL)) {
            st->nonglobal++;
            continue;
        }
        if (a == NULL && !given_mode)
            a = add_addr(st, &ip, false);
        if (a == NULL)
            continue;
        bool dup = false;
        for (size_t i = 0; i < a->nhosts; i++)
            if (name_eq(a->hosts[i], h->host))
                dup = true;
        if (!dup && a->nhosts < PTR_MAX_HOSTS)
            a->hosts[a->nhosts++] = xstrdup(h->host);
    }
}

static void
on_mx(void *arg, const struct dns_answer *ans)
{
    struct ptr_state *st = arg;
    const struct dns_rr *rr = NULL;

    /* dns_free() with the run in flight: record nothing, ask nothing. */
    if (ans->status == DNS_CANCELLED)
        return;
    st->mx = ans;
    if (ans->status != DNS_OK)
        return;
    while ((rr = dns_answer_next(ans, DNS_T_MX, rr)) != NULL) {
        struct ptr_host *h;
        bool dup = false;

        if (rr->u.mx.host[0] == '\0' || st->nhosts == PTR_MAX_HOSTS)
            continue;
        for (size_t i = 0; i < st->nhosts; i++)
            if (name_eq(st->hosts[i]->host, rr->u.mx.host))
                dup = true;
        if (dup)
            continue;
        h = xcalloc(1, sizeof(*h));
        h->st = st;
        h->host = xstrdup(rr->u.mx.host);
        st->hosts[st->nhosts++] = h;
        dns_query(st->ctx->dns, h->host, DNS_T_A, on_host_addr, h);
        dns_query(st->ctx->dns, h->host, DNS_T_AAAA, on_host_addr, h);
    }
}

static void
ptr_start(struct check_ctx *ctx)
{
    struct ptr_state *st = xcalloc(1, sizeof(*st));
    const struct check_opts *o = ctx->opts;

    st->ctx = ctx;
    ctx->state[STEP_PTR] = st;
    query_slot(ctx, o->domain, DNS_T_TXT, &st->txt);
    dns_query(ctx->dns, o->domain, DNS_T_MX, on_mx, st);
    for (size_t i = 0; i < o->n_server_ips; i++) {
        struct ipaddr ip;

        if (!net_parse(o->server_ips[i], &ip))
            continue;
        net_unmap(&ip);
        if (find_addr(st, &ip) == NULL)
            add_addr(st, &ip, true);
    }
}

static void
ptr_free_state(void *p)
{
    struct ptr_state *st = p;

    for (size_t i = 0; i < st->naddr; i++) {
        struct ptr_addr *a = st->addr[i];
        for (size_t k = 0; k < a->nhosts; k++)
            free(a->hosts[k]);
        for (size_t k = 0; k < a->nfwd; k++)
            free(a->fwd[k].name);
        free(a);
    }
    for (size_t i = 0; i < st->nhosts; i++) {
        free(st->hosts[i]->host);
        free(st->hosts[i]);
    }
    free(st);
}

static char *
vis(const char *s)
{
    return str_visible(s, strlen(s));
}

/* The answer holds the address ip (A or AAAA at its canonical name). */
static bool
answer_has(const struct dns_answer *ans, const struct ipaddr *ip)
{
    uint16_t type = ip->family == AF_INET ? DNS_T_A : DNS_T_AAAA;
    const struct dns_rr *rr = NULL;

    if (ans == NULL || ans->status != DNS_OK)
        return false;
    while ((rr = dns_answer_next(ans, type, rr)) != NULL) {
        struct ipaddr x;

        net_from_bytes(&x, ip->family, rr->u.addr);
        if (memcmp(x.a, ip->a, 16) == 0)
            return true;
    }
    return false;
}

/* What the PTR name resolves to, for the report: its addresses of the
 * family asked, or the answer's status. */
static void
add_forward(struct strbuf *sb, const struct dns_answer *ans, int family)
{
    uint16_t type = family == AF_INET ? DNS_T_A : DNS_T_AAAA;
    const struct dns_rr *rr = NULL;
    int n = 0;

    if (ans == NULL || ans->status != DNS_OK ||
        dns_answer_count(ans, type) == 0) {
        strbuf_adds(sb, ans == NULL ? "?" :
                    dns_status_name(ans->status == DNS_OK ? DNS_NODATA :
                                    ans->status));
        return;
    }
    while ((rr = dns_answer_next(ans, type, rr)) != NULL && n < 4) {
        struct ipaddr x;
        char buf[64];

        net_from_bytes(&x, family, rr->u.addr);
        strbuf_addf(sb, "%s%s", n++ > 0 ? ", " : "",
                    net_format(&x, buf, sizeof(buf)));
    }
}

/* PTR_MISSING with who can set it (the reverse zone's SOA). */
static void
report_missing(struct findings *fs, const struct ptr_addr *a,
               const char *want)
{
    const struct dns_rr *soa = NULL;
    const struct dns_answer *zone = NULL;
    char *ip = vis(a->text), *rec = NULL;

    for (size_t i = 0; i < a->nsoa && soa == NULL; i++) {
        const struct dns_answer *s = a->soa[i];
        if (s != NULL && s->status == DNS_OK &&
            (soa = dns_answer_next(s, DNS_T_SOA, NULL)) != NULL)
            zone = s;
    }
    if (want != NULL)
        rec = xasprintf("%s. PTR %s.", a->rev, want);
    if (soa != NULL) {
        char *z = vis(zone->canon), *m = vis(soa->u.soa.mname);
        char *r = xstrdup(soa->u.soa.rname), *vr;

        /* The SOA RNAME's first unescaped dot is the '@'. */
        for (char *p = r; *p != '\0'; p++) {
            if (*p == '\\' && p[1] != '\0') {
                p++;
                continue;
            }
            if (*p == '.') {
                *p = '@';
                break;
            }
        }
        vr = vis(r);
        if (rec != NULL) {
            char *vrec = vis(rec);
            finding_add(fs, SEV_FAIL, "PTR_MISSING",
                        N_("%1$s has no PTR record. Only the holder of the "
                           "address can set it: its reverse zone %2$s is "
                           "run from %3$s (contact %4$s). Ask your "
                           "provider for: %5$s"), ip, z, m, vr, vrec);
            free(vrec);
        } else {
            finding_add(fs, SEV_FAIL, "PTR_MISSING",
                        N_("%1$s has no PTR record. Only the holder of the "
                           "address can set it: its reverse zone %2$s is "
                           "run from %3$s (contact %4$s). Ask your "
                           "provider for a PTR record naming your mail "
                           "server."), ip, z, m, vr);
        }
        free(z);
        free(m);
        free(r);
        free(vr);
    } else if (rec != NULL) {
        char *vrec = vis(rec);
        finding_add(fs, SEV_FAIL, "PTR_MISSING",
                    N_("%1$s has no PTR record. Only the provider of the "
                       "address (your ISP or cloud) can set it. Ask them "
                       "for: %2$s"), ip, vrec);
        free(vrec);
    } else {
        finding_add(fs, SEV_FAIL, "PTR_MISSING",
                    N_("%1$s has no PTR record. Only the provider of the "
                       "address (your ISP or cloud) can set it. Ask them "
                       "for a PTR record naming your mail server."), ip);
    }
    free(rec);
    free(ip);
}

/* A host name for a sentence: "U-label (A-label)" when it has an IDN
 * label (RFC 5890), as the domain is shown; else the name.  Visible-safe;
 * caller frees. */
static char *
host_both(const char *name)
{
    char *a = NULL, *u = NULL, *both, *v;
    const char *why = NULL;

    if (name_normalize(name, true, true, &a, &u, &why) == RC_OK &&
        strcmp(a, u) != 0)
        both = xasprintf("%s (%s)", u, a);
    else
        both = xstrdup(name);
    v = vis(both);
    free(both);
    free(a);
    free(u);
    return v;
}

static void
check_addr(struct check_ctx *ctx, struct check_result *res,
           const struct ptr_addr *a)
{
    struct findings *fs = &res->findings;
    const char *want = ctx->opts->hostname;
    const struct dns_answer *fwd_err = NULL;
    struct strbuf names = STRBUF_INIT, disp = STRBUF_INIT;
    bool confirmed = false, match = false, generic = false;
    const char *generic_name = NULL;
    char *ip = vis(a->text);

    if (want == NULL && a->nhosts > 0)
        want = a->hosts[0];
    if (a->ptr == NULL)
        goto out;
    if (dns_status_is_error(a->ptr->status)) {
        check_add_dns_error(fs, a->ptr);
        goto out;
    }
    if (a->nfwd == 0) {
        report_missing(fs, a, want);
        strbuf_addf(&disp, "%s PTR: %s", a->rev,
                    dns_status_name(a->ptr->status));
        goto out;
    }
    for (size_t i = 0; i < a->nfwd; i++) {
        const struct ptr_fwd *f = &a->fwd[i];
        bool ok = answer_has(f->ans, &a->ip);

        if (ok)
            confirmed = true;
        else if (f->ans != NULL && dns_status_is_error(f->ans->status))
            fwd_err = f->ans;
        if (ctx->opts->hostname != NULL) {
            if (name_eq(f->name, ctx->opts->hostname))
                match = true;
        } else {
            for (size_t k = 0; k < a->nhosts; k++)
                if (name_eq(f->name, a->hosts[k]))
                    match = true;
        }
        if (!generic && check_ptr_looks_generic(f->name, &a->ip, NULL)) {
            generic = true;
            generic_name = f->name;
        }
        if (names.len > 0)
            strbuf_adds(&names, ", ");
        strbuf_adds(&names, f->name);
        /* One record per PTR name (a record is one line). */
        if (disp.len > 0) {
            check_add_record(res, strbuf_str(&disp));
            strbuf_reset(&disp);
        }
        strbuf_addf(&disp, "%s PTR %s -> ", a->rev, f->name);
        add_forward(&disp, f->ans, a->ip.family);
    }
    if (a->nfwd > 1) {
        char *n = vis(strbuf_str(&names));
        finding_add(fs, SEV_WARN, "PTR_MULTIPLE",
                    N_("%1$s has several PTR records (%2$s); receivers "
                       "may check any one of them."), ip, n);
        free(n);
    }
    if (!confirmed) {
        if (fwd_err != NULL) {
            check_add_dns_error(fs, fwd_err);
        } else {
            char *n = vis(strbuf_str(&names));
            finding_add(fs, SEV_FAIL, "PTR_NOT_CONFIRMED",
                        N_("The PTR name of %1$s (%2$s) does not resolve "
                           "back to %1$s: reverse DNS is not "
                           "forward-confirmed."), ip, n);
            free(n);
        }
    }
    if (want != NULL && !match) {
        char *n = vis(strbuf_str(&names)), *w = host_both(want);
        finding_add(fs, SEV_WARN, "PTR_HOSTNAME_MISMATCH",
                    N_("The PTR record of %1$s names %2$s, not the mail "
                       "server's name %3$s."), ip, n, w);
        free(n);
        free(w);
    }
    if (generic) {
        char *g = vis(generic_name);
        finding_add(fs, SEV_WARN, "PTR_GENERIC",
                    N_("The PTR name of %1$s, %2$s, looks like a provider's "
                       "generic or dynamic name; many receivers distrust "
                       "such senders."), ip, g);
        free(g);
    }
out:
    if (disp.len > 0)
        check_add_record(res, strbuf_str(&disp));
    strbuf_fini(&names);
    strbuf_fini(&disp);
    free(ip);
}

static void
ptr_finish(struct check_ctx *ctx)
{
    struct ptr_state *st = ctx->state[STEP_PTR];
    struct check_result *res = &ctx->res[STEP_PTR];
    struct findings *fs = &res->findings;
    struct check_spf_view spf;
    char *d = vis(ctx->opts->domain);

    check_spf_view(st->txt, &spf);
    if (spf.no_mail && ctx->opts->n_server_ips == 0) {
        finding_add(fs, SEV_INFO, "PTR_NOT_NEEDED",
                    N_("%1$s sends no mail (its SPF is \"v=spf1 -all\"), "
                       "so no server of it needs a PTR record."), d);
        goto out;
    }
    if (st->naddr == 0) {
        if (st->mx != NULL && dns_status_is_error(st->mx->status)) {
            check_add_dns_error(fs, st->mx);
        } else if (st->host_err != NULL) {
            check_add_dns_error(fs, st->host_err);
        } else if (st->nonglobal > 0) {
            finding_add(fs, SEV_INFO, "PTR_NOT_GLOBAL",
                        N_("The MX hosts of %1$s have only addresses that "
                           "cannot be reached from the Internet, which "
                           "send no Internet mail: their reverse DNS was "
                           "not checked. Give your sending server's "
                           "public address with --server-ip."), d);
        } else {
            finding_add(fs, SEV_INFO, "PTR_NO_SERVER_IP",
                        N_("No mail server address to check for %1$s: it "
                           "has no MX host with an address. Give your "
                           "sending server's address with --server-ip."),
                        d);
        }
        goto out;
    }
    for (size_t i = 0; i < st->naddr; i++)
        check_addr(ctx, res, st->addr[i]);
out:
    free(d);
}

const struct check_step_ops check_ptr_ops = {
    .name = "ptr",
    .title = N_("Reverse DNS (PTR)"),
    .start = ptr_start,
    .finish = ptr_finish,
    .free_state = ptr_free_state,
};

const struct finding_info check_ptr_findings[] = {
    { "PTR_MISSING", "ptr",
      N_("A mail server address has no PTR record."),
      N_("Most receivers refuse or distrust mail from an address without "
         "reverse DNS. The PTR record lives in the reverse zone of the "
         "address, which belongs to whoever holds the address (your ISP, "
         "hosting or cloud provider), not in your domain's zone."),
      N_("Ask the provider of the address to set its PTR record to your "
         "mail server's name (many cloud panels have a \"reverse DNS\" "
         "field), and make that name resolve back to the address.") },
    { "PTR_NOT_CONFIRMED", "ptr",
      N_("Reverse DNS is not confirmed: the PTR name does not lead back "
         "to the address."),
      N_("Receiving servers look up the name the PTR gives, then the "
         "address of that name. When it is not the same address, they "
         "treat the server as having no reverse DNS, and refuse its mail "
         "or mark it as spam."),
      N_("Create the A record yourself, in your own zone at your DNS "
         "provider: the PTR name (mail.example.com, say) pointing to the "
         "server's IP address, or an AAAA record for an IPv6 address. The "
         "owner of the address is not needed for this. Only if the PTR "
         "gives a name that is not yours, ask the owner of the address to "
         "change it to your server's name.") },
    { "PTR_MULTIPLE", "ptr",
      N_("An address has more than one PTR record."),
      N_("Receivers may look at any one of them; a mail server should have "
         "exactly one name in reverse DNS."),
      N_("Ask the provider of the address to keep a single PTR record: "
         "your mail server's name.") },
    { "PTR_GENERIC", "ptr",
      N_("The PTR name looks generic or dynamic."),
      N_("Names with the address in them, or words like dynamic, dsl, pool "
         "or customer, mark access lines; spam filters score mail from "
         "them badly."),
      N_("Ask the provider for a PTR record with your mail server's own "
         "name, such as mail.example.com.") },
    { "PTR_HOSTNAME_MISMATCH", "ptr",
      N_("The PTR name is not the mail server's name."),
      N_("A mail server should greet (HELO/EHLO) with the same name its "
         "address has in reverse DNS; receivers compare them."),
      N_("Set the PTR record to the server's host name, or give the right "
         "name with --hostname.") },
    { "PTR_NO_SERVER_IP", "ptr",
      N_("No mail server address to check."),
      N_("Reverse DNS is checked for the addresses of your mail servers: "
         "the MX hosts, or those given with --server-ip."),
      N_("Run the check with --server-ip ADDRESS for each server that "
         "sends your mail.") },
    { "PTR_NOT_GLOBAL", "ptr",
      N_("The MX hosts have only private or special addresses."),
      N_("Addresses that are not globally reachable (RFC 1918 private "
         "ranges, loopback, link-local, shared and the other ranges of the "
         "IANA special-purpose registries) never send mail on the "
         "Internet, so their reverse DNS does not matter to receivers. The "
         "MX step reports the addresses themselves."),
      N_("Give the public address your mail leaves from with --server-ip "
         "to check its PTR record.") },
    { "PTR_NOT_NEEDED", "ptr",
      N_("The domain sends no mail: no PTR needed."),
      N_("Its SPF record \"v=spf1 -all\" says no server sends mail for it, "
         "so no sending address needs reverse DNS."), "" },
    { NULL, NULL, NULL, NULL, NULL }
};
