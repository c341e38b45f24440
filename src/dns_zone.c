/* dns_zone.c - zone files as a DNS source.  The only user of ldns: it
 * parses the master file; each record is turned into wire form and read
 * back with dns_rr_read(), so zone answers look exactly like live ones. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "mailready/dns_parse.h"
#include "mailready/dns_zone.h"
#include "mailready/file.h"
#include "mailready/util.h"

/* CNAMEs followed inside the zones for one answer at most. */
#define ZONE_MAX_HOPS 16
/* Largest zone file we read (the messages below say "64 MiB"). */
#define ZONE_FILE_MAX ((size_t)64 << 20)

struct znode {
    char *key;              /* canonical, lower case */
    struct dns_rr *rr;
    size_t nrr;
    bool has_ns;
    bool has_cname;
    struct znode *next;     /* hash chain */
};

struct zone {
    char *apex;             /* canonical, lower case */
    struct znode **bucket;
    size_t nbucket;
    size_t nnode;
};

struct dns_zones {
    struct zone **z;
    size_t n;
};

static size_t
key_hash(const char *s)
{
    size_t h = 2166136261u;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

/* The parent of a canonical name ("a.b" -> "b", "a" -> ""), NULL for the
 * root.  Honours \. and \DDD escapes. */
static const char *
parent_of(const char *key)
{
    const char *p = key;

    if (*key == '\0')
        return NULL;
    while (*p != '\0') {
        if (*p == '\\') {
            p++;
            if (*p >= '0' && *p <= '9') {
                for (int i = 0; i < 3 && *p != '\0'; i++)
                    p++;
            } else if (*p != '\0') {
                p++;
            }
            continue;
        }
        if (*p == '.')
            return p + 1;
        p++;
    }
    return p;               /* "" */
}

static bool
key_in_zone(const char *key, const char *apex)
{
    for (const char *p = key; p != NULL; p = parent_of(p))
        if (strcmp(p, apex) == 0)
            return true;
    return false;
}

static struct znode *
zone_find(const struct zone *z, const char *key)
{
    struct znode *n = z->bucket[key_hash(key) % z->nbucket];

    for (; n != NULL; n = n->next)
        if (strcmp(n->key, key) == 0)
            return n;
    return NULL;
}

static void
zone_grow(struct zone *z)
{
    size_t nb = z->nbucket * 2;
    struct znode **b = xcalloc(nb, sizeof(*b));

    for (size_t i = 0; i < z->nbucket; i++) {
        struct znode *n = z->bucket[i], *next;

        for (; n != NULL; n = next) {
            size_t h = key_hash(n->key) % nb;

            next = n->next;
            n->next = b[h];
            b[h] = n;
        }
    }
    free(z->bucket);
    z->bucket = b;
    z->nbucket = nb;
}

static struct znode *
zone_node(struct zone *z, const char *key)
{
    struct znode *n = zone_find(z, key);
    size_t h;

    if (n != NULL)
        return n;
    if (z->nnode >= z->nbucket)
        zone_grow(z);
    n = xcalloc(1, sizeof(*n));
    n->key = xstrdup(key);
    h = key_hash(key) % z->nbucket;
    n->next = z->bucket[h];
    z->bucket[h] = n;
    z->nnode++;
    return n;
}

static struct zone *
zone_new(const char *apex)
{
    struct zone *z = xcalloc(1, sizeof(*z));

    z->apex = xstrdup(apex);
    z->nbucket = 64;
    z->bucket = xcalloc(z->nbucket, sizeof(*z->bucket));
    zone_node(z, apex);
    return z;
}

static void
zone_free(struct zone *z)
{
    if (z == NULL)
        return;
    for (size_t i = 0; i < z->nbucket; i++) {
        struct znode *n = z->bucket[i], *next;

        for (; n != NULL; n = next) {
            next = n->next;
            for (size_t k = 0; k < n->nrr; k++)
                dns_rr_fini(&n->rr[k]);
            free(n->rr);
            free(n->key);
            free(n);
        }
    }
    free(z->bucket);
    free(z->apex);
    free(z);
}

/* Add rr (taken over) to the zone, with the empty non-terminals above
 * it.  Records outside the zone are dropped, as NSD does. */
static void
zone_add(struct zone *z, struct dns_rr *rr)
{
    char key[DNS_NAME_BUF];
    struct znode *n;

    if (!dns_name_canon(rr->owner, true, key, sizeof(key)) ||
        !key_in_zone(key, z->apex)) {
        dns_rr_fini(rr);
        return;
    }
    n = zone_node(z, key);
    n->rr = xreallocarray(n->rr, n->nrr + 1, sizeof(*n->rr));
    n->rr[n->nrr++] = *rr;
    memset(rr, 0, sizeof(*rr));
    if (n->rr[n->nrr - 1].type == DNS_T_NS && strcmp(key, z->apex) != 0)
        n->has_ns = true;
    if (n->rr[n->nrr - 1].type == DNS_T_CNAME)
        n->has_cname = true;
    for (const char *p = parent_of(key); p != NULL && strcmp(p, z->apex);
         p = parent_of(p))
        zone_node(z, p);
}

/* ldns record -> struct dns_rr through wire form. */
static bool
rr_from_ldns(const ldns_rr *lr, struct dns_rr *out)
{
    uint8_t *wire = NULL;
    size_t size = 0, off = 0;
    bool ok;

    if (ldns_rr2wire(&wire, lr, LDNS_SECTION_ANSWER, &size) !=
        LDNS_STATUS_OK)
        return false;
    ok = dns_rr_read(wire, size, &off, out) && off == size;
    if (!ok && out->owner != NULL)
        dns_rr_fini(out);
    free(wire);
    return ok;
}

struct dns_zones *
dns_zones_new(void)
{
    return xcalloc(1, sizeof(struct dns_zones));
}

void
dns_zones_free(struct dns_zones *zs)
{
    if (zs == NULL)
        return;
    for (size_t i = 0; i < zs->n; i++)
        zone_free(zs->z[i]);
    free(zs->z);
    free(zs);
}

bool
dns_zones_empty(const struct dns_zones *zs)
{
    return zs == NULL || zs->n == 0;
}

static enum rc
add_ldns_rr(struct zone *z, const ldns_rr *lr, const char *fname,
            struct rc_err *err)
{
    struct dns_rr rr;

    if (ldns_rr_get_class(lr) != LDNS_RR_CLASS_IN)
        return RC_OK;
    if (!rr_from_ldns(lr, &rr)) {
        char type[16];

        snprintf(type, sizeof(type), "%u", (unsigned)ldns_rr_get_type(lr));
        rc_err_set(err, 0, N_("%1$s: cannot use a record of type %2$s"), 2,
                   fname, type);
        return RC_PARSE;
    }
    zone_add(z, &rr);
    return RC_OK;
}

/* Read every record of fp with ldns_rr_new_frm_fp_l() (not
 * ldns_zone_new_frm_fp_l(), which leaks on a syntax error in ldns 1.8).
 * The first SOA goes to *soa, the rest to list. */
static enum rc
read_records(FILE *fp, const char *fname, const char *origin,
             ldns_rr **soa, ldns_rr_list *list, struct rc_err *err)
{
    ldns_rdf *orig = NULL, *prev = NULL;
    uint32_t ttl = 3600;
    int line = 0;       /* ldns counts the newline of the bad line too */
    enum rc rc = RC_OK;

    if (origin != NULL && origin[0] != '\0') {
        orig = ldns_dname_new_frm_str(origin);
        if (orig == NULL) {
            rc_err_set(err, 0, N_("%s: bad origin"), 1, fname);
            return RC_PARSE;
        }
    }
    while (!feof(fp)) {
        ldns_rr *rr = NULL;
        ldns_status st = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &orig, &prev,
                                              &line);

        if (st == LDNS_STATUS_OK) {
            if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && *soa == NULL) {
                *soa = rr;
            } else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
                ldns_rr_free(rr);   /* a second SOA, as NSD: ignored */
            } else if (!ldns_rr_list_push_rr(list, rr)) {
                ldns_rr_free(rr);
                rc_err_set(err, ENOMEM, N_("Cannot read the zone file %s"),
                           1, fname);
                rc = RC_NOMEM;
                break;
            }
            continue;
        }
        if (rr != NULL)
            ldns_rr_free(rr);
        /* ldns reports a read error as an empty line: without this the
         * loop would never see EOF (a directory, /dev/zero). */
        if (ferror(fp)) {
            rc_err_set(err, EIO, N_("The zone file %s could not be read"), 1,
                       fname);
            rc = RC_IO;
            break;
        }
        if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
            st == LDNS_STATUS_SYNTAX_ORIGIN)
            continue;
        char ln[16];

        snprintf(ln, sizeof(ln), "%d", line);
        /* ldns's own words for the error are quoted as they are. */
        if (st == LDNS_STATUS_SYNTAX_INCLUDE)
            rc_err_set(err, 0, N_("%1$s:%2$s: $INCLUDE is not supported"),
                       2, fname, ln);
        else
            rc_err_set(err, 0, N_("%1$s:%2$s: %3$s"), 3, fname, ln,
                       ldns_get_errorstr_by_id(st));
        rc = RC_PARSE;
        break;
    }
    if (orig != NULL)
        ldns_rdf_deep_free(orig);
    if (prev != NULL)
        ldns_rdf_deep_free(prev);
    return rc;
}

enum rc
dns_zones_load(struct dns_zones *zs, FILE *fp, const char *fname,
               const char *origin, struct rc_err *err)
{
    ldns_rr *lsoa = NULL;
    ldns_rr_list *rrs = ldns_rr_list_new();
    struct zone *z = NULL;
    struct dns_rr soa;
    char apex[DNS_NAME_BUF];
    enum rc rc;

    if (rrs == NULL) {
        rc_err_set(err, ENOMEM, N_("Cannot read the zone file %s"), 1,
                   fname);
        return RC_NOMEM;
    }
    rc = read_records(fp, fname, origin, &lsoa, rrs, err);
    if (rc != RC_OK)
        goto out;
    rc = RC_PARSE;
    if (lsoa == NULL) {
        rc_err_set(err, 0, N_("%s: no SOA record"), 1, fname);
        goto out;
    }
    if (!rr_from_ldns(lsoa, &soa)) {
        rc_err_set(err, 0, N_("%s: bad SOA record"), 1, fname);
        goto out;
    }
    if (!dns_name_canon(soa.owner, true, apex, sizeof(apex))) {
        dns_rr_fini(&soa);
        rc_err_set(err, 0, N_("%s: bad SOA owner"), 1, fname);
        goto out;
    }
    for (size_t i = 0; i < zs->n; i++)
        if (strcmp(zs->z[i]->apex, apex) == 0) {
            dns_rr_fini(&soa);
            rc_err_set(err, 0, N_("%1$s: zone %2$s is already loaded"), 2,
                       fname, apex[0] ? apex : ".");
            rc = RC_EXISTS;
            goto out;
        }
    z = zone_new(apex);
    zone_add(z, &soa);
    for (size_t i = 0; i < ldns_rr_list_rr_count(rrs); i++)
        if (add_ldns_rr(z, ldns_rr_list_rr(rrs, i), fname, err) != RC_OK)
            goto out;
    zs->z = xreallocarray(zs->z, zs->n + 1, sizeof(*zs->z));
    zs->z[zs->n++] = z;
    z = NULL;
    rc = RC_OK;
out:
    zone_free(z);
    if (lsoa != NULL)
        ldns_rr_free(lsoa);
    ldns_rr_list_deep_free(rrs);
    return rc;
}

enum rc
dns_zones_load_file(struct dns_zones *zs, const char *path,
                    struct rc_err *err)
{
    const char *base = strrchr(path, '/');
    char *origin = NULL, *text = NULL;
    size_t n, len;
    FILE *fp;
    enum rc rc;

    /* A regular file only, bounded (file_read(): a FIFO never blocks,
     * a directory or /dev/zero never spins). */
    rc = file_read(path, ZONE_FILE_MAX, &text, &len, err);
    if (rc == RC_INVALID)
        rc_err_set(err, 0, N_("The zone file %s is not a regular file."), 1,
                   path);
    else if (rc == RC_TOOLONG)
        rc_err_set(err, 0, N_("The zone file %s is larger than 64 MiB."), 1,
                   path);
    else if (rc != RC_OK)
        rc_err_set(err, err != NULL ? err->errnum : 0,
                   N_("The zone file %s could not be read"), 1, path);
    if (rc != RC_OK)
        return rc;
    base = base ? base + 1 : path;
    n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".zone") == 0)
        origin = xstrndup(base, n - 5);
    /* fmemopen() of 0 bytes fails: give it the NUL. */
    fp = fmemopen(text, len > 0 ? len : 1, "r");
    if (fp == NULL) {
        rc_err_set(err, errno, N_("The zone file %s could not be read"), 1,
                   path);
        rc = RC_IO;
    } else {
        rc = dns_zones_load(zs, fp, path, origin, err);
        fclose(fp);
    }
    free(text);
    free(origin);
    return rc;
}

enum rc
dns_zones_load_text(struct dns_zones *zs, const char *text,
                    const char *origin, struct rc_err *err)
{
    FILE *fp;
    enum rc rc;

    fp = fmemopen((void *)text, strlen(text), "r");
    if (fp == NULL) {
        rc_err_set(err, errno, N_("The zone file %s could not be read"), 1,
                   "zone text");
        return RC_IO;
    }
    rc = dns_zones_load(zs, fp, "zone text", origin, err);
    fclose(fp);
    return rc;
}

/* ---- lookup ----------------------------------------------------------- */

/* The zone with the longest apex that key is in, or NULL. */
static const struct zone *
zones_find(const struct dns_zones *zs, const char *key)
{
    const struct zone *best = NULL;

    for (size_t i = 0; i < zs->n; i++)
        if (key_in_zone(key, zs->z[i]->apex) &&
            (best == NULL || strlen(zs->z[i]->apex) > strlen(best->apex)))
            best = zs->z[i];
    return best;
}

/* key is at or below a delegation (NS records below the apex). */
static bool
zone_delegated(const struct zone *z, const char *key)
{
    for (const char *p = key; p != NULL && strcmp(p, z->apex) != 0;
         p = parent_of(p)) {
        const struct znode *n = zone_find(z, p);

        if (n != NULL && n->has_ns)
            return true;
    }
    return false;
}

/* RFC 4592: the wildcard at the closest encloser of key, or NULL. */
static const struct znode *
zone_wildcard(const struct zone *z, const char *key)
{
    char wkey[DNS_NAME_BUF + 2];

    for (const char *p = parent_of(key); p != NULL; p = parent_of(p)) {
        if (zone_find(z, p) == NULL)
            continue;
        if (p[0] == '\0')
            str_copy(wkey, "*", sizeof(wkey));
        else if ((size_t)snprintf(wkey, sizeof(wkey), "*.%s", p) >=
                 sizeof(wkey))
            return NULL;
        return zone_find(z, wkey);
    }
    return NULL;
}

static void
add_copy(struct dns_answer *ans, const struct dns_rr *rr, const char *owner)
{
    struct dns_rr *dst = dns_answer_add(ans);

    dns_rr_copy(dst, rr);
    if (owner != NULL) {
        free(dst->owner);
        dst->owner = xstrdup(owner);
    }
}

enum dns_zone_result
dns_zones_lookup(const struct dns_zones *zs, struct dns_answer *ans,
                 char **follow)
{
    char cur[DNS_NAME_BUF], key[DNS_NAME_BUF];
    char *seen[ZONE_MAX_HOPS + 1];
    size_t nseen = 0;
    enum dns_zone_result res = DNS_ZONE_ANSWER;

    *follow = NULL;
    if (dns_zones_empty(zs) ||
        !dns_name_canon(ans->qname, false, cur, sizeof(cur)))
        return DNS_ZONE_NONE;
    for (;;) {
        const struct zone *z;
        const struct znode *n;
        const struct dns_rr *cname = NULL;
        bool wild = false;

        if (!dns_name_canon(cur, true, key, sizeof(key))) {
            dns_answer_finish(ans, 0);
            break;
        }
        z = zones_find(zs, key);
        if (z == NULL || zone_delegated(z, key)) {
            if (nseen == 0) {
                res = DNS_ZONE_NONE;
            } else {
                *follow = xstrdup(cur);
                res = DNS_ZONE_FOLLOW;
            }
            break;
        }
        seen[nseen++] = xstrdup(key);
        n = zone_find(z, key);
        if (n == NULL) {
            n = zone_wildcard(z, key);
            wild = true;
        }
        if (n == NULL) {
            dns_answer_finish(ans, 3);
            break;
        }
        for (size_t i = 0; i < n->nrr; i++) {
            if (ans->qtype != DNS_T_CNAME && n->rr[i].type == DNS_T_CNAME) {
                cname = &n->rr[i];
                break;
            }
        }
        if (cname != NULL) {
            char tkey[DNS_NAME_BUF];
            bool loop = false;

            add_copy(ans, cname, wild ? cur : NULL);
            if (!dns_name_canon(cname->u.name, true, tkey, sizeof(tkey))) {
                dns_answer_finish(ans, 0);
                break;
            }
            for (size_t i = 0; i < nseen; i++)
                if (strcmp(seen[i], tkey) == 0)
                    loop = true;
            if (loop || nseen > ZONE_MAX_HOPS) {
                dns_answer_finish(ans, 0);
                break;
            }
            str_copy(cur, cname->u.name, sizeof(cur));
            continue;
        }
        for (size_t i = 0; i < n->nrr; i++)
            if (n->rr[i].type == ans->qtype)
                add_copy(ans, &n->rr[i], wild ? cur : NULL);
        dns_answer_finish(ans, 0);
        break;
    }
    for (size_t i = 0; i < nseen; i++)
        free(seen[i]);
    if (res != DNS_ZONE_NONE)
        ans->from_zone = true;
    return res;
}
