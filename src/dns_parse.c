/* dns_parse.c - DNS wire format: names, records, responses, and the
 * helpers over struct dns_answer.  No I/O; every input is hostile. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/dns_parse.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* Compression pointers followed per name at most (the strictly backwards
 * rule already guarantees termination; this bounds the work). */
#define NAME_MAX_HOPS 64
/* Records kept per answer at most. */
#define ANSWER_MAX_RR 4096

static uint16_t
get16(const unsigned char *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
get32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void
put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)(v & 0xff);
}

/* Bytes written as \X in names: the separator and master-file specials. */
static bool
name_special(unsigned char c)
{
    return c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' ||
           c == ';' || c == '@' || c == '$';
}

/* Append one label's bytes in presentation form; false if out is full. */
static bool
label_append(char *out, size_t outsz, size_t *pos,
             const unsigned char *lab, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = lab[i];
        char tmp[5];
        size_t tl;

        if (c < 0x21 || c > 0x7e) {
            tmp[0] = '\\';
            tmp[1] = (char)('0' + c / 100);
            tmp[2] = (char)('0' + c / 10 % 10);
            tmp[3] = (char)('0' + c % 10);
            tl = 4;
        } else if (name_special(c)) {
            tmp[0] = '\\';
            tmp[1] = (char)c;
            tl = 2;
        } else {
            tmp[0] = (char)c;
            tl = 1;
        }
        if (*pos + tl >= outsz)
            return false;
        memcpy(out + *pos, tmp, tl);
        *pos += tl;
    }
    out[*pos] = '\0';
    return true;
}

bool
dns_name_read(const unsigned char *pkt, size_t len, size_t *off,
              char *out, size_t outsz)
{
    size_t pos = *off, end = 0, limit = *off, wire = 1, o = 0;
    bool jumped = false;
    int hops = 0;

    if (outsz == 0)
        return false;
    out[0] = '\0';
    for (;;) {
        unsigned c;

        if (pos >= len)
            return false;
        c = pkt[pos];
        if ((c & 0xc0) == 0xc0) {
            size_t ptr;

            if (pos + 1 >= len)
                return false;
            ptr = ((size_t)(c & 0x3f) << 8) | pkt[pos + 1];
            /* Strictly backwards of every position already used. */
            if (ptr >= limit || ++hops > NAME_MAX_HOPS)
                return false;
            if (!jumped) {
                end = pos + 2;
                jumped = true;
            }
            limit = ptr;
            pos = ptr;
            continue;
        }
        if ((c & 0xc0) != 0)
            return false;           /* extended or obsolete label types */
        if (c == 0) {
            if (!jumped)
                end = pos + 1;
            break;
        }
        if (pos + 1 + c > len)
            return false;
        wire += c + 1;
        if (wire > DNS_WIRE_NAME_MAX)
            return false;
        if (o > 0) {
            if (o + 1 >= outsz)
                return false;
            out[o++] = '.';
            out[o] = '\0';
        }
        if (!label_append(out, outsz, &o, pkt + pos + 1, c))
            return false;
        pos += 1 + c;
    }
    *off = end;
    return true;
}

bool
dns_name_to_wire(const char *name, unsigned char *wire, size_t *wlen)
{
    const char *p = name;
    size_t w = 0;

    *wlen = 0;
    if (name == NULL)
        return false;
    if (p[0] == '\0' || (p[0] == '.' && p[1] == '\0')) {
        wire[0] = 0;
        *wlen = 1;
        return true;
    }
    while (*p != '\0') {
        size_t lenpos = w, n = 0;

        if (w + 1 >= DNS_WIRE_NAME_MAX)
            return false;
        w++;
        while (*p != '\0' && *p != '.') {
            unsigned c = (unsigned char)*p++;

            if (c == '\\') {
                if (p[0] >= '0' && p[0] <= '9') {
                    if (!(p[1] >= '0' && p[1] <= '9' &&
                          p[2] >= '0' && p[2] <= '9'))
                        return false;
                    c = (unsigned)(p[0] - '0') * 100 +
                        (unsigned)(p[1] - '0') * 10 +
                        (unsigned)(p[2] - '0');
                    if (c > 255)
                        return false;
                    p += 3;
                } else if (*p == '\0') {
                    return false;
                } else {
                    c = (unsigned char)*p++;
                }
            }
            if (n >= 63 || w + 1 >= DNS_WIRE_NAME_MAX)
                return false;
            wire[w++] = (unsigned char)c;
            n++;
        }
        if (n == 0)
            return false;           /* empty label */
        wire[lenpos] = (unsigned char)n;
        if (*p == '.') {
            p++;
            if (*p == '\0')
                break;              /* one trailing dot */
        }
    }
    if (w + 1 > DNS_WIRE_NAME_MAX)
        return false;
    wire[w++] = 0;
    *wlen = w;
    return true;
}

bool
dns_name_canon(const char *name, bool lower, char *out, size_t outsz)
{
    unsigned char wire[DNS_WIRE_NAME_MAX];
    size_t wlen, off = 0;

    if (outsz > 0)
        out[0] = '\0';
    if (!dns_name_to_wire(name, wire, &wlen))
        return false;
    /* Length bytes are at most 63 ('?'), below 'A': lower-casing the
     * whole wire form only touches label bytes. */
    if (lower)
        for (size_t i = 0; i < wlen; i++)
            if (wire[i] >= 'A' && wire[i] <= 'Z')
                wire[i] = (unsigned char)(wire[i] - 'A' + 'a');
    return dns_name_read(wire, wlen, &off, out, outsz);
}

bool
dns_name_eq(const char *a, const char *b)
{
    return str_ieq(a, b);
}

/* ---- records ---------------------------------------------------------- */

static char *
read_name_dup(const unsigned char *pkt, size_t len, size_t *off)
{
    char buf[DNS_NAME_BUF];

    if (!dns_name_read(pkt, len, off, buf, sizeof(buf)))
        return NULL;
    return xstrdup(buf);
}

static bool
read_txt(const unsigned char *pkt, size_t start, size_t end,
         struct dns_rr *rr)
{
    size_t n = 0, p = start;

    while (p < end) {
        size_t l = pkt[p];

        if (p + 1 + l > end)
            return false;
        p += 1 + l;
        n++;
    }
    rr->u.txt.n = n;
    rr->u.txt.s = n ? xcalloc(n, sizeof(char *)) : NULL;
    rr->u.txt.len = n ? xcalloc(n, sizeof(size_t)) : NULL;
    p = start;
    for (size_t i = 0; i < n; i++) {
        size_t l = pkt[p];

        rr->u.txt.s[i] = xmalloc(l + 1);
        memcpy(rr->u.txt.s[i], pkt + p + 1, l);
        rr->u.txt.s[i][l] = '\0';
        rr->u.txt.len[i] = l;
        p += 1 + l;
    }
    return true;
}

static bool
read_rdata(const unsigned char *pkt, size_t len, size_t rd, size_t rdend,
           struct dns_rr *rr)
{
    size_t p = rd, rdlen = rdend - rd;

    switch (rr->type) {
    case DNS_T_A:
        if (rdlen != 4)
            return false;
        memcpy(rr->u.addr, pkt + rd, 4);
        return true;
    case DNS_T_AAAA:
        if (rdlen != 16)
            return false;
        memcpy(rr->u.addr, pkt + rd, 16);
        return true;
    case DNS_T_MX:
        if (rdlen < 3)
            return false;
        rr->u.mx.pref = get16(pkt + rd);
        p = rd + 2;
        rr->u.mx.host = read_name_dup(pkt, len, &p);
        return rr->u.mx.host != NULL && p == rdend;
    case DNS_T_CNAME:
    case DNS_T_NS:
    case DNS_T_PTR:
        rr->u.name = read_name_dup(pkt, len, &p);
        return rr->u.name != NULL && p == rdend;
    case DNS_T_SOA:
        rr->u.soa.mname = read_name_dup(pkt, len, &p);
        if (rr->u.soa.mname == NULL || p > rdend)
            return false;
        rr->u.soa.rname = read_name_dup(pkt, len, &p);
        if (rr->u.soa.rname == NULL || p + 20 != rdend)
            return false;
        rr->u.soa.serial = get32(pkt + p);
        rr->u.soa.refresh = get32(pkt + p + 4);
        rr->u.soa.retry = get32(pkt + p + 8);
        rr->u.soa.expire = get32(pkt + p + 12);
        rr->u.soa.minimum = get32(pkt + p + 16);
        return true;
    case DNS_T_TXT:
    case DNS_T_SPF:
        return read_txt(pkt, rd, rdend, rr);
    default:
        rr->u.raw.len = rdlen;
        rr->u.raw.data = xmalloc(rdlen ? rdlen : 1);
        if (rdlen)
            memcpy(rr->u.raw.data, pkt + rd, rdlen);
        return true;
    }
}

bool
dns_rr_read(const unsigned char *pkt, size_t len, size_t *off,
            struct dns_rr *rr)
{
    size_t p = *off, rdlen;
    char owner[DNS_NAME_BUF];

    memset(rr, 0, sizeof(*rr));
    if (!dns_name_read(pkt, len, &p, owner, sizeof(owner)))
        return false;
    if (p + 10 > len)
        return false;
    rr->type = get16(pkt + p);
    rr->rclass = get16(pkt + p + 2);
    rr->ttl = get32(pkt + p + 4);
    if (rr->ttl & 0x80000000u)
        rr->ttl = 0;                /* RFC 2181 8: treat as zero */
    rdlen = get16(pkt + p + 8);
    p += 10;
    if (rdlen > len - p)
        return false;
    if (!read_rdata(pkt, len, p, p + rdlen, rr)) {
        dns_rr_fini(rr);
        return false;
    }
    rr->owner = xstrdup(owner);
    *off = p + rdlen;
    return true;
}

void
dns_rr_fini(struct dns_rr *rr)
{
    free(rr->owner);
    switch (rr->type) {
    case DNS_T_A:
    case DNS_T_AAAA:
        break;
    case DNS_T_MX:
        free(rr->u.mx.host);
        break;
    case DNS_T_CNAME:
    case DNS_T_NS:
    case DNS_T_PTR:
        free(rr->u.name);
        break;
    case DNS_T_SOA:
        free(rr->u.soa.mname);
        free(rr->u.soa.rname);
        break;
    case DNS_T_TXT:
    case DNS_T_SPF:
        for (size_t i = 0; i < rr->u.txt.n; i++)
            free(rr->u.txt.s[i]);
        free(rr->u.txt.s);
        free(rr->u.txt.len);
        break;
    default:
        free(rr->u.raw.data);
        break;
    }
    memset(rr, 0, sizeof(*rr));
}

void
dns_rr_copy(struct dns_rr *dst, const struct dns_rr *src)
{
    *dst = *src;
    dst->owner = src->owner ? xstrdup(src->owner) : NULL;
    switch (src->type) {
    case DNS_T_A:
    case DNS_T_AAAA:
        break;
    case DNS_T_MX:
        dst->u.mx.host = src->u.mx.host ? xstrdup(src->u.mx.host) : NULL;
        break;
    case DNS_T_CNAME:
    case DNS_T_NS:
    case DNS_T_PTR:
        dst->u.name = src->u.name ? xstrdup(src->u.name) : NULL;
        break;
    case DNS_T_SOA:
        dst->u.soa.mname = src->u.soa.mname ? xstrdup(src->u.soa.mname)
                                            : NULL;
        dst->u.soa.rname = src->u.soa.rname ? xstrdup(src->u.soa.rname)
                                            : NULL;
        break;
    case DNS_T_TXT:
    case DNS_T_SPF:
        if (src->u.txt.n == 0) {
            dst->u.txt.s = NULL;
            dst->u.txt.len = NULL;
            break;
        }
        dst->u.txt.s = xcalloc(src->u.txt.n, sizeof(char *));
        dst->u.txt.len = xcalloc(src->u.txt.n, sizeof(size_t));
        for (size_t i = 0; i < src->u.txt.n; i++) {
            size_t l = src->u.txt.len[i];

            dst->u.txt.s[i] = xmalloc(l + 1);
            memcpy(dst->u.txt.s[i], src->u.txt.s[i], l + 1);
            dst->u.txt.len[i] = l;
        }
        break;
    default:
        dst->u.raw.data = xmalloc(src->u.raw.len ? src->u.raw.len : 1);
        if (src->u.raw.len)
            memcpy(dst->u.raw.data, src->u.raw.data, src->u.raw.len);
        break;
    }
}

/* ---- answers ---------------------------------------------------------- */

struct dns_answer *
dns_answer_new(const char *qname, uint16_t qtype)
{
    struct dns_answer *a = xcalloc(1, sizeof(*a));
    size_t n = strlen(qname);

    if (n > 1 && qname[n - 1] == '.' && qname[n - 2] != '\\')
        n--;
    else if (n == 1 && qname[0] == '.')
        n = 0;
    a->qname = xstrndup(qname, n);
    a->qtype = qtype;
    a->canon = a->qname;
    a->status = DNS_ERROR;
    return a;
}

struct dns_rr *
dns_answer_add(struct dns_answer *a)
{
    struct dns_rr *rr;

    a->rr = xreallocarray(a->rr, a->nrr + 1, sizeof(*a->rr));
    rr = &a->rr[a->nrr++];
    memset(rr, 0, sizeof(*rr));
    return rr;
}

static const char *
cname_target(const struct dns_answer *a, const char *owner)
{
    for (size_t i = 0; i < a->nrr; i++)
        if (a->rr[i].type == DNS_T_CNAME && a->rr[i].owner != NULL &&
            a->rr[i].u.name != NULL && dns_name_eq(a->rr[i].owner, owner))
            return a->rr[i].u.name;
    return NULL;
}

void
dns_answer_finish(struct dns_answer *a, unsigned rcode)
{
    const char *cur = a->qname;
    bool loop = false;

    if (a->qtype != DNS_T_CNAME) {
        size_t hops = 0;
        const char *next;

        while ((next = cname_target(a, cur)) != NULL) {
            if (++hops > a->nrr) {
                loop = true;
                break;
            }
            cur = next;
        }
    }
    a->canon = cur;
    switch (rcode) {
    case 0:
        if (loop)
            a->status = DNS_CNAME_LOOP;
        else if (dns_answer_next(a, a->qtype, NULL) != NULL)
            a->status = DNS_OK;
        else
            a->status = DNS_NODATA;
        break;
    case 2:
        a->status = DNS_SERVFAIL;
        break;
    case 3:
        a->status = DNS_NXDOMAIN;
        break;
    case 5:
        a->status = DNS_REFUSED;
        break;
    default:
        a->status = DNS_ERROR;
        break;
    }
}

void
dns_answer_free(struct dns_answer *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->nrr; i++)
        dns_rr_fini(&a->rr[i]);
    free(a->rr);
    free(a->qname);
    free(a->soa_owner);
    free(a);
}

/* An answer whose records cannot be used: none kept, status st. */
static void
answer_unusable(struct dns_answer *a, enum dns_status st)
{
    for (size_t i = 0; i < a->nrr; i++)
        dns_rr_fini(&a->rr[i]);
    free(a->rr);
    a->rr = NULL;
    a->nrr = 0;
    a->canon = a->qname;
    a->status = st;
}

struct dns_answer *
dns_parse(const unsigned char *pkt, size_t len, const char *qname,
          uint16_t qtype)
{
    struct dns_answer *a;
    char qbuf[DNS_NAME_BUF] = "";
    uint16_t flags, qd, an, ns, qt = 0;
    size_t off = 12;

    if (pkt == NULL || len < 12) {
        a = dns_answer_new(qname ? qname : "", qtype);
        a->status = DNS_MALFORMED;
        return a;
    }
    flags = get16(pkt + 2);
    qd = get16(pkt + 4);
    an = get16(pkt + 6);
    ns = get16(pkt + 8);
    if (qd == 1) {
        if (!dns_name_read(pkt, len, &off, qbuf, sizeof(qbuf)) ||
            off + 4 > len)
            qd = 2;                 /* reported as malformed below */
        else
            qt = get16(pkt + off);
        off += 4;
    }
    a = dns_answer_new(qname ? qname : qbuf, qtype ? qtype : qt);
    a->ad = (flags & 0x0020) != 0;
    a->aa = (flags & 0x0400) != 0;
    if (!(flags & 0x8000) || qd > 1 || (qd == 0 && qname == NULL) ||
        (flags >> 11 & 0xf) != 0 || an > ANSWER_MAX_RR) {
        answer_unusable(a, DNS_MALFORMED);
        return a;
    }
    /* TC: part of the answer is missing (the records may even be cut
     * mid-section).  dns.c asks again over TCP after a truncated UDP
     * answer; one still truncated cannot be completed: neither an empty
     * set nor part of one may pass for the answer. */
    if (flags & 0x0200) {
        answer_unusable(a, DNS_TRUNCATED);
        return a;
    }
    for (unsigned i = 0; i < an; i++) {
        struct dns_rr rr;

        if (!dns_rr_read(pkt, len, &off, &rr)) {
            answer_unusable(a, DNS_MALFORMED);
            return a;
        }
        *dns_answer_add(a) = rr;
    }
    /* The authority section, for the zone's SOA only (negative TTL,
     * serial): a record that cannot be read ends the search, never the
     * answer. */
    for (unsigned i = 0; i < ns && i < ANSWER_MAX_RR; i++) {
        struct dns_rr rr;

        if (!dns_rr_read(pkt, len, &off, &rr))
            break;
        if (rr.type == DNS_T_SOA && !a->has_soa) {
            a->has_soa = true;
            a->soa_ttl = rr.ttl;
            a->soa_minimum = rr.u.soa.minimum;
            a->soa_serial = rr.u.soa.serial;
            a->soa_owner = rr.owner != NULL ? xstrdup(rr.owner) : NULL;
        }
        dns_rr_fini(&rr);
    }
    dns_answer_finish(a, flags & 0xf);
    return a;
}

bool
dns_build_query(const char *name, uint16_t type, uint16_t edns_size,
                unsigned char *buf, size_t *len)
{
    size_t wlen, p;

    *len = 0;
    memset(buf, 0, 12);
    if (!dns_name_to_wire(name, buf + 12, &wlen))
        return false;
    /* RD, and AD: a validating resolver then says whether the answer
     * was validated (RFC 6840 5.7) without us asking for signatures. */
    put16(buf + 2, 0x0120);
    put16(buf + 4, 1);
    p = 12 + wlen;
    put16(buf + p, type);
    put16(buf + p + 2, 1);          /* IN */
    p += 4;
    if (edns_size != 0) {
        put16(buf + 10, 1);
        buf[p] = 0;                 /* root owner */
        put16(buf + p + 1, 41);     /* OPT */
        put16(buf + p + 3, edns_size);
        memset(buf + p + 5, 0, 6);  /* ext-rcode, version, flags, rdlen */
        p += 11;
    }
    *len = p;
    return true;
}

/* ---- helpers over answers (declared in dns.h) ------------------------- */

const char *
dns_status_name(enum dns_status s)
{
    switch (s) {
    case DNS_OK:
        return "OK";
    case DNS_NODATA:
        return "NODATA";
    case DNS_NXDOMAIN:
        return "NXDOMAIN";
    case DNS_SERVFAIL:
        return "SERVFAIL";
    case DNS_REFUSED:
        return "REFUSED";
    case DNS_TIMEOUT:
        return "TIMEOUT";
    case DNS_MALFORMED:
        return "MALFORMED";
    case DNS_ERROR:
        return "ERROR";
    case DNS_TRUNCATED:
        return "TRUNCATED";
    case DNS_CNAME_LOOP:
        return "CNAME_LOOP";
    case DNS_CANCELLED:
        return "CANCELLED";
    }
    return "ERROR";
}

static const struct {
    uint16_t type;
    const char *name;
} type_names[] = {
    { DNS_T_A, "A" }, { DNS_T_NS, "NS" }, { DNS_T_CNAME, "CNAME" },
    { DNS_T_SOA, "SOA" }, { DNS_T_PTR, "PTR" }, { 13, "HINFO" },
    { DNS_T_MX, "MX" }, { DNS_T_TXT, "TXT" }, { DNS_T_AAAA, "AAAA" },
    { 33, "SRV" }, { 35, "NAPTR" }, { 39, "DNAME" }, { 41, "OPT" },
    { 43, "DS" }, { 44, "SSHFP" }, { 46, "RRSIG" }, { 47, "NSEC" },
    { 48, "DNSKEY" }, { 50, "NSEC3" }, { 51, "NSEC3PARAM" },
    { 52, "TLSA" }, { 64, "SVCB" }, { 65, "HTTPS" }, { DNS_T_SPF, "SPF" },
    { 255, "ANY" }, { 257, "CAA" },
};

const char *
dns_type_name(uint16_t type)
{
    for (size_t i = 0; i < ARRAY_LEN(type_names); i++)
        if (type_names[i].type == type)
            return type_names[i].name;
    return "UNKNOWN";
}

bool
dns_status_is_error(enum dns_status s)
{
    return s != DNS_OK && s != DNS_NODATA && s != DNS_NXDOMAIN;
}

const struct dns_rr *
dns_answer_next(const struct dns_answer *a, uint16_t type,
                const struct dns_rr *prev)
{
    size_t i;
    const char *at;

    if (a == NULL || a->rr == NULL)
        return NULL;
    at = a->canon ? a->canon : a->qname;
    i = prev ? (size_t)(prev - a->rr) + 1 : 0;
    for (; i < a->nrr; i++)
        if (a->rr[i].type == type && a->rr[i].owner != NULL &&
            dns_name_eq(a->rr[i].owner, at))
            return &a->rr[i];
    return NULL;
}

size_t
dns_answer_count(const struct dns_answer *a, uint16_t type)
{
    size_t n = 0;

    for (const struct dns_rr *r = dns_answer_next(a, type, NULL); r;
         r = dns_answer_next(a, type, r))
        n++;
    return n;
}

char *
dns_txt_join(const struct dns_rr *rr, size_t *len)
{
    size_t total = 0, p = 0;
    char *s;

    if (rr->type == DNS_T_TXT || rr->type == DNS_T_SPF)
        for (size_t i = 0; i < rr->u.txt.n; i++)
            total += rr->u.txt.len[i];
    s = xmalloc(total + 1);
    if (rr->type == DNS_T_TXT || rr->type == DNS_T_SPF)
        for (size_t i = 0; i < rr->u.txt.n; i++) {
            memcpy(s + p, rr->u.txt.s[i], rr->u.txt.len[i]);
            p += rr->u.txt.len[i];
        }
    s[p] = '\0';
    if (len != NULL)
        *len = p;
    return s;
}

/* A name in rdata with its trailing dot; the root is ".". */
static void
add_target(struct strbuf *sb, const char *name)
{
    if (name == NULL || name[0] == '\0') {
        strbuf_addc(sb, '.');
        return;
    }
    strbuf_adds(sb, name);
    strbuf_addc(sb, '.');
}

static void
add_char_string(struct strbuf *sb, const char *s, size_t n)
{
    strbuf_addc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '"' || c == '\\')
            strbuf_addf(sb, "\\%c", c);
        else if (c < 0x20 || c > 0x7e)
            strbuf_addf(sb, "\\%03u", c);
        else
            strbuf_addc(sb, (char)c);
    }
    strbuf_addc(sb, '"');
}

char *
dns_rr_format(const struct dns_rr *rr)
{
    struct strbuf sb = STRBUF_INIT;
    char ip[INET6_ADDRSTRLEN];

    switch (rr->type) {
    case DNS_T_A:
        inet_ntop(AF_INET, rr->u.addr, ip, sizeof(ip));
        strbuf_adds(&sb, ip);
        break;
    case DNS_T_AAAA:
        inet_ntop(AF_INET6, rr->u.addr, ip, sizeof(ip));
        strbuf_adds(&sb, ip);
        break;
    case DNS_T_MX:
        strbuf_addf(&sb, "%u ", (unsigned)rr->u.mx.pref);
        add_target(&sb, rr->u.mx.host);
        break;
    case DNS_T_CNAME:
    case DNS_T_NS:
    case DNS_T_PTR:
        add_target(&sb, rr->u.name);
        break;
    case DNS_T_SOA:
        add_target(&sb, rr->u.soa.mname);
        strbuf_addc(&sb, ' ');
        add_target(&sb, rr->u.soa.rname);
        strbuf_addf(&sb, " %lu %lu %lu %lu %lu",
                    (unsigned long)rr->u.soa.serial,
                    (unsigned long)rr->u.soa.refresh,
                    (unsigned long)rr->u.soa.retry,
                    (unsigned long)rr->u.soa.expire,
                    (unsigned long)rr->u.soa.minimum);
        break;
    case DNS_T_TXT:
    case DNS_T_SPF:
        if (rr->u.txt.n == 0)
            strbuf_adds(&sb, "\\# 0");  /* RDLENGTH 0: RFC 3597 form */
        for (size_t i = 0; i < rr->u.txt.n; i++) {
            if (i > 0)
                strbuf_addc(&sb, ' ');
            add_char_string(&sb, rr->u.txt.s[i], rr->u.txt.len[i]);
        }
        break;
    default:
        /* RFC 3597 generic form. */
        strbuf_addf(&sb, "\\# %zu", rr->u.raw.len);
        if (rr->u.raw.len > 0)
            strbuf_addc(&sb, ' ');
        for (size_t i = 0; i < rr->u.raw.len; i++)
            strbuf_addf(&sb, "%02x", rr->u.raw.data[i]);
        break;
    }
    if (sb.s == NULL)
        strbuf_adds(&sb, "");
    return strbuf_detach(&sb);
}
