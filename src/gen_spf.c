/* gen_spf.c - SPF record builder. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/gen.h"
#include "mailready/gen_spf.h"
#include "mailready/net.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

struct term {
    char *text;             /* "ip4:1.2.3.4", "mx", "include:x" */
    unsigned lookups;
    size_t order;
};

struct terms {
    struct term *v;
    size_t n;
};

static bool
terms_has(const struct terms *t, const char *text)
{
    for (size_t i = 0; i < t->n; i++)
        if (str_ieq(t->v[i].text, text))
            return true;
    return false;
}

/* Takes ownership of text. */
static void
terms_add(struct terms *t, char *text, unsigned lookups)
{
    if (terms_has(t, text)) {
        free(text);
        return;
    }
    t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
    t->v[t->n].text = text;
    t->v[t->n].lookups = lookups;
    t->v[t->n].order = t->n;
    t->n++;
}

static void
terms_free(struct terms *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].text);
    free(t->v);
}

/* "ip4:..." / "ip6:..." for an address or network, or NULL with *why. */
static char *
ip_term(const char *s, const char **why)
{
    struct ipaddr ip;
    unsigned prefix;
    char buf[64];

    if (!net_parse_cidr(s, &ip, &prefix)) {
        *why = N_("\"%s\" is not an IPv4 or IPv6 address or network");
        return NULL;
    }
    if (!net_is_global(&ip, NULL)) {
        *why = N_("%s is not a public address: receivers never see mail "
                  "from it, so it does not belong in SPF");
        return NULL;
    }
    net_format(&ip, buf, sizeof(buf));
    if (prefix == (ip.family == AF_INET ? 32u : 128u))
        return xasprintf("ip%c:%s", ip.family == AF_INET ? '4' : '6', buf);
    if (prefix == 0) {
        *why = N_("%s matches every address; that is not a sender list");
        return NULL;
    }
    return xasprintf("ip%c:%s/%u", ip.family == AF_INET ? '4' : '6', buf,
                     prefix);
}

static int
by_cost(const void *a, const void *b)
{
    const struct term *x = a, *y = b;

    if (x->lookups != y->lookups)
        return x->lookups > y->lookups ? -1 : 1;
    /* Equal cost: suggest dropping the later one. */
    return x->order > y->order ? -1 : (x->order < y->order);
}

static void
suggest_drops(const struct terms *t, unsigned total, struct gen_spf *out)
{
    struct term *c = xreallocarray(NULL, t->n ? t->n : 1, sizeof(*c));
    size_t n = 0;

    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].lookups > 0)
            c[n++] = t->v[i];
    qsort(c, n, sizeof(*c), by_cost);
    out->drop = xreallocarray(NULL, n ? n : 1, sizeof(*out->drop));
    out->drop_lookups = xreallocarray(NULL, n ? n : 1,
                                      sizeof(*out->drop_lookups));
    for (size_t i = 0; i < n && total > GEN_SPF_MAX_LOOKUPS; i++) {
        out->drop[out->n_drop] = xstrdup(c[i].text);
        out->drop_lookups[out->n_drop] = c[i].lookups;
        out->n_drop++;
        total -= c[i].lookups;
    }
    free(c);
}

enum rc
gen_spf_build(const struct gen_spf_opts *o, struct gen_spf *out)
{
    struct terms t = { NULL, 0 };
    struct strbuf sb = STRBUF_INIT;
    unsigned total = 0;
    enum rc rc = RC_OK;

    memset(out, 0, sizeof(*out));
    out->lookups_exact = true;
    for (size_t i = 0; i < o->n_ips; i++) {
        const char *why = NULL;
        char *term = ip_term(o->ips[i], &why);

        if (term == NULL) {
            out->why = why;
            out->bad = str_visible(o->ips[i], strnlen(o->ips[i], 256));
            rc = RC_INVALID;
            goto out;
        }
        terms_add(&t, term, 0);
    }
    if (o->mx)
        terms_add(&t, xstrdup("mx"), 1);
    for (size_t i = 0; i < o->n_includes; i++) {
        const struct gen_spf_include *inc = &o->includes[i];
        unsigned cost = inc->lookups;

        if (!gen_name_ok(inc->domain)) {
            out->why = N_("\"%s\" is not a domain name that SPF can "
                          "include");
            out->bad = str_visible(inc->domain, strnlen(inc->domain, 256));
            rc = RC_INVALID;
            goto out;
        }
        if (cost == 0) {
            cost = 1;
            out->lookups_exact = false;
        }
        char *term = xasprintf("include:%s", inc->domain);
        str_lower(term);
        terms_add(&t, term, cost);
    }
    for (size_t i = 0; i < t.n; i++)
        total += t.v[i].lookups;
    out->lookups = total;
    if (total > GEN_SPF_MAX_LOOKUPS) {
        suggest_drops(&t, total, out);
        rc = RC_TOOLONG;
        goto out;
    }
    if (t.n == 0) {
        out->record = xstrdup(GEN_SPF_NO_MAIL);
        goto out;
    }
    strbuf_adds(&sb, "v=spf1");
    for (size_t i = 0; i < t.n; i++)
        strbuf_addf(&sb, " %s", t.v[i].text);
    strbuf_adds(&sb, o->hard_fail ? " -all" : " ~all");
    out->record = strbuf_detach(&sb);
out:
    terms_free(&t);
    return rc;
}

void
gen_spf_fini(struct gen_spf *s)
{
    free(s->record);
    for (size_t i = 0; i < s->n_drop; i++)
        free(s->drop[i]);
    free(s->drop);
    free(s->drop_lookups);
    free(s->bad);
    memset(s, 0, sizeof(*s));
}
