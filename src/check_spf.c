/* check_spf.c - the spf step of `mailready check` (check_spf.h): the lint
 * of the record and of the records it includes, the include tree, and the
 * --server-ip verdicts, which come from the evaluator of spf_eval.h.
 */
#include <stdlib.h>
#include <string.h>

#include "mailready/check_spf.h"
#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/spf_eval.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* A UDP answer without EDNS holds at most this many bytes (RFC 1035). */
#define UDP_PLAIN_MAX 512

enum node_state {
    NODE_PENDING,
    NODE_OK,
    NODE_NONE,          /* no SPF record (NXDOMAIN, NODATA or no v=spf1) */
    NODE_MULTIPLE,
    NODE_SYNTAX,
    NODE_DNSERR,
    NODE_LOOP,          /* already among its ancestors: not followed */
    NODE_MACRO,         /* target depends on the sender: not followed */
    NODE_CUT            /* past the depth or text bound: not followed */
};

static const char *const node_state_names[] = {
    [NODE_PENDING] = "pending",
    [NODE_OK] = "ok",
    [NODE_NONE] = "missing",
    [NODE_MULTIPLE] = "multiple",
    [NODE_SYNTAX] = "syntax",
    [NODE_DNSERR] = "dns_error",
    [NODE_LOOP] = "loop",
    [NODE_MACRO] = "macro",
    [NODE_CUT] = "not_followed",
};

struct tree_node {
    struct spf_state *st;
    struct tree_node *parent;
    struct tree_node **kids;
    size_t nkids, cap;
    int depth;
    char *domain;
    char *via;                  /* the include/redirect term, NULL: root */
    enum node_state state;
    enum dns_status dns_status;
    size_t nrecords;            /* SPF records at the name */
    char *multiple;             /* NODE_MULTIPLE: the records, quoted */
    size_t wire;                /* estimated size of the TXT answer */
    struct spf_record *rec;
    struct spf_error err;
    unsigned own, subtotal;
    unsigned number;            /* lookup ordinal of the via term */
};

/* A void-lookup probe of one a, mx or exists term with a literal target. */
struct void_probe {
    struct tree_node *node;
    const struct spf_term *term;
    int pending;
    int voids;                  /* answers that were void */
    int answers;
    size_t mx_hosts;            /* mx: MX records in the answer */
};

/* RFC 7208 §5.6 with the spirit of +all: a range that covers a good part
 * of the Internet is reported like +all.  IPv4 prefixes shorter than /8
 * (at least two /8 blocks, 33 million addresses) and IPv6 prefixes
 * shorter than /16; documented in help/{en,es}/spf.txt and the man
 * page. */
#define SPF_WIDE_PREFIX4 8
#define SPF_WIDE_PREFIX6 16

/* A lint query in flight; st becomes NULL when the state is freed first
 * (a re-check in the wizard) and the answer is then dropped. */
struct lint_ask {
    struct spf_state *st;
    void (*fn)(void *p, const struct dns_answer *a);
    void *p;
    struct lint_ask *prev, *next;
};

struct spf_state {
    struct check_ctx *ctx;
    struct lint_ask *asks;
    struct tree_node *root;
    size_t nnodes;              /* at most CHECK_SPF_TREE_MAX_NODES */
    size_t text;                /* bytes of record text kept, but the
                                 * root's */
    bool cut;                   /* a bound of check_spf.h was reached */
    struct void_probe **probes;
    size_t nprobes, capprobes;
    struct spf_eval **evals;    /* one per --server-ip */
    char **eval_ips;
    size_t nevals;
};

static void tree_fetch(struct tree_node *n);

static void
lint_cb(void *arg, const struct dns_answer *a)
{
    struct lint_ask *q = arg;
    struct spf_state *st = q->st;

    if (st != NULL) {
        if (q->prev != NULL)
            q->prev->next = q->next;
        else
            st->asks = q->next;
        if (q->next != NULL)
            q->next->prev = q->prev;
        /* Cancelled (dns_free()): record nothing, ask nothing more. */
        if (a->status != DNS_CANCELLED)
            q->fn(q->p, a);
    }
    free(q);
}

/* dns_query() for the lint: name is already escaped. */
static void
lint_query(struct spf_state *st, const char *name, uint16_t type,
           void (*fn)(void *p, const struct dns_answer *a), void *p)
{
    struct lint_ask *q = xcalloc(1, sizeof(*q));

    q->st = st;
    q->fn = fn;
    q->p = p;
    q->next = st->asks;
    if (st->asks != NULL)
        st->asks->prev = q;
    st->asks = q;
    dns_query(st->ctx->dns, name, type, lint_cb, q);
}

static struct tree_node *
node_new(struct spf_state *st, struct tree_node *parent, const char *domain,
         const char *via)
{
    struct tree_node *n = xcalloc(1, sizeof(*n));

    n->st = st;
    n->parent = parent;
    n->depth = parent != NULL ? parent->depth + 1 : 0;
    n->domain = str_without_dot(domain);
    n->via = via != NULL ? xstrdup(via) : NULL;
    spf_error_init(&n->err);
    st->nnodes++;
    if (parent != NULL) {
        if (parent->nkids == parent->cap) {
            parent->cap = parent->cap ? parent->cap * 2 : 4;
            parent->kids = xreallocarray(parent->kids, parent->cap,
                                         sizeof(*parent->kids));
        }
        parent->kids[parent->nkids++] = n;
    }
    return n;
}

static void
node_free(struct tree_node *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->domain);
    free(n->via);
    free(n->multiple);
    spf_record_free(n->rec);
    spf_error_fini(&n->err);
    free(n);
}

/* Size of the TXT answer over UDP: header, question, and each record
 * with a compressed owner name. */
static size_t
txt_wire_size(const struct dns_answer *a)
{
    size_t size = 12 + strlen(a->qname) + 2 + 4;

    for (size_t i = 0; i < a->nrr; i++) {
        const struct dns_rr *rr = &a->rr[i];
        size_t rd = 0;

        if (rr->type == DNS_T_TXT) {
            for (size_t k = 0; k < rr->u.txt.n; k++)
                rd += 1 + rr->u.txt.len[k];
        } else if (rr->type == DNS_T_CNAME) {
            rd = strlen(rr->u.name) + 2;
        }
        size += 2 + 10 + rd;
    }
    return size;
}

static void
on_probe(void *arg, const struct dns_answer *a)
{
    struct void_probe *p = arg;

    p->pending--;
    if (dns_status_is_error(a->status))
        return;
    p->answers++;
    if (spf_eval_is_void(a))
        p->voids++;
    else if (a->qtype == DNS_T_MX)
        p->mx_hosts = dns_answer_count(a, DNS_T_MX);
}

static void
probe_add(struct tree_node *n, const struct spf_term *t, const char *name)
{
    struct spf_state *st = n->st;
    struct void_probe *p = xcalloc(1, sizeof(*p));
    char *esc = spf_name_escape(name);

    p->node = n;
    p->term = t;
    if (st->nprobes == st->capprobes) {
        st->capprobes = st->capprobes ? st->capprobes * 2 : 16;
        st->probes = xreallocarray(st->probes, st->capprobes,
                                   sizeof(*st->probes));
    }
    st->probes[st->nprobes++] = p;
    if (t->mech == SPF_MECH_A) {
        p->pending = 2;
        lint_query(st, esc, DNS_T_A, on_probe, p);
        lint_query(st, esc, DNS_T_AAAA, on_probe, p);
    } else {
        p->pending = 1;
        lint_query(st, esc, t->mech == SPF_MECH_MX ? DNS_T_MX : DNS_T_A,
                   on_probe, p);
    }
    free(esc);
}

static bool
is_ancestor(const struct tree_node *n, const char *domain)
{
    for (; n != NULL; n = n->parent)
        if (name_eq(n->domain, domain))
            return true;
    return false;
}

static void
tree_follow(struct tree_node *n, const struct spf_term *t)
{
    struct spf_state *st = n->st;
    struct tree_node *kid;
    char *name;

    /* past the node bound, includes are not even added to the tree (a
     * followed record may hold hundreds of them) */
    if (st->nnodes >= CHECK_SPF_TREE_MAX_NODES) {
        st->cut = true;
        return;
    }
    if (spf_has_macro(t->spec)) {
        kid = node_new(st, n, t->spec, t->text);
        kid->state = NODE_MACRO;
        return;
    }
    name = str_without_dot(t->spec);
    kid = node_new(st, n, name, t->text);
    if (is_ancestor(n, name)) {
        kid->state = NODE_LOOP;
    } else if (kid->depth > CHECK_SPF_TREE_MAX_DEPTH) {
        kid->state = NODE_CUT;
        st->cut = true;
    } else {
        tree_fetch(kid);
    }
    free(name);
}

/* Several SPF records at one name: each is shown as published, so that
 * the admin sees which is which.  At most SPF_MULTIPLE_SHOWN records of
 * at most SPF_MULTIPLE_TEXT bytes each; control characters made visible
 * (str_visible). */
#define SPF_MULTIPLE_SHOWN 4
#define SPF_MULTIPLE_TEXT 300
static void
quote_record(struct strbuf *sb, const char *s, size_t len, size_t index)
{
    char *v;

    if (index >= SPF_MULTIPLE_SHOWN)
        return;
    v = str_visible(s, len > SPF_MULTIPLE_TEXT ? SPF_MULTIPLE_TEXT : len);
    strbuf_addf(sb, "%s\"%s%s\"", index > 0 ? "; " : "", v,
                len > SPF_MULTIPLE_TEXT ? "..." : "");
    free(v);
}

static void
on_tree_txt(void *arg, const struct dns_answer *a)
{
    struct tree_node *n = arg;
    struct strbuf shown = STRBUF_INIT;
    char *found = NULL;
    size_t flen = 0;

    n->dns_status = a->status;
    if (dns_status_is_error(a->status)) {
        n->state = NODE_DNSERR;
        return;
    }
    if (a->status == DNS_OK) {
        n->wire = txt_wire_size(a);
        for (const struct dns_rr *rr = dns_answer_next(a, DNS_T_TXT, NULL);
             rr != NULL; rr = dns_answer_next(a, DNS_T_TXT, rr)) {
            size_t len;
            char *s = dns_txt_join(rr, &len);

            if (spf_is_record(s, len)) {
                quote_record(&shown, s, len, n->nrecords);
                if (n->nrecords++ == 0) {
                    found = s;
                    flen = len;
                    continue;
                }
            }
            free(s);
        }
    }
    if (n->nrecords == 0) {
        n->state = NODE_NONE;
        strbuf_fini(&shown);
        return;
    }
    if (n->nrecords > 1) {
        n->state = NODE_MULTIPLE;
        if (n->nrecords > SPF_MULTIPLE_SHOWN)
            strbuf_adds(&shown, "; ...");
        n->multiple = strbuf_detach(&shown);
        free(found);
        return;
    }
    strbuf_fini(&shown);
    if (spf_record_parse(found, flen, &n->rec, &n->err) != RC_OK) {
        n->state = NODE_SYNTAX;
        free(found);
        return;
    }
    free(found);
    /* past the text bound, the record is neither kept nor followed */
    if (n->parent != NULL &&
        strlen(n->rec->text) > CHECK_SPF_TREE_MAX_TEXT - n->st->text) {
        spf_record_free(n->rec);
        n->rec = NULL;
        n->state = NODE_CUT;
        n->st->cut = true;
        return;
    }
    if (n->parent != NULL)
        n->st->text += strlen(n->rec->text);
    n->state = NODE_OK;
    for (size_t i = 0; i < n->rec->nterms; i++) {
        const struct spf_term *t = &n->rec->terms[i];
        char *name;

        if (t->type == SPF_TERM_REDIRECT && !n->rec->has_all) {
            tree_follow(n, t);
            continue;
        }
        if (t->type != SPF_TERM_MECH)
            continue;
        if (t->mech == SPF_MECH_INCLUDE) {
            tree_follow(n, t);
            continue;
        }
        if (t->mech != SPF_MECH_A && t->mech != SPF_MECH_MX &&
            t->mech != SPF_MECH_EXISTS)
            continue;
        if (t->spec != NULL && spf_has_macro(t->spec))
            continue;
        name = str_without_dot(t->spec != NULL ? t->spec : n->domain);
        if (spf_name_queryable(name))
            probe_add(n, t, name);
        free(name);
    }
}

static void
tree_fetch(struct tree_node *n)
{
    char *esc = spf_name_escape(n->domain);

    n->state = NODE_PENDING;
    lint_query(n->st, esc, DNS_T_TXT, on_tree_txt, n);
    free(esc);
}

static void
spf_start(struct check_ctx *ctx)
{
    struct spf_state *st = xcalloc(1, sizeof(*st));
    const struct check_opts *o = ctx->opts;

    st->ctx = ctx;
    ctx->state[STEP_SPF] = st;
    st->root = node_new(st, NULL, o->domain, NULL);
    tree_fetch(st->root);
    if (o->n_server_ips > 0) {
        st->evals = xcalloc(o->n_server_ips, sizeof(*st->evals));
        st->eval_ips = xcalloc(o->n_server_ips, sizeof(*st->eval_ips));
    }
    for (size_t i = 0; i < o->n_server_ips; i++) {
        struct spf_request req;
        char *sender;

        memset(&req, 0, sizeof(req));
        if (!net_parse(o->server_ips[i], &req.ip))
            continue;
        sender = xasprintf("postmaster@%s", o->domain);
        req.domain = o->domain;
        req.sender = sender;
        req.helo = o->domain;
        st->eval_ips[st->nevals] = xstrdup(o->server_ips[i]);
        st->evals[st->nevals++] = spf_eval_start(ctx->dns, &req);
        free(sender);
    }
}

static void
spf_free_state(void *p)
{
    struct spf_state *st = p;

    for (struct lint_ask *q = st->asks; q != NULL; q = q->next)
        q->st = NULL;
    node_free(st->root);
    for (size_t i = 0; i < st->nprobes; i++)
        free(st->probes[i]);
    free(st->probes);
    for (size_t i = 0; i < st->nevals; i++) {
        spf_eval_free(st->evals[i]);
        free(st->eval_ips[i]);
    }
    free(st->evals);
    free(st->eval_ips);
    free(st);
}

/* Lookup counts: own, subtotal, and the ordinal of each include/redirect
 * in evaluation order when nothing matches early. */
static void
tree_count(struct tree_node *n, unsigned *running)
{
    size_t k = 0;

    n->own = 0;
    n->subtotal = 0;
    if (n->rec == NULL)
        return;
    n->own = spf_record_lookup_terms(n->rec);
    n->subtotal = n->own;
    for (size_t i = 0; i < n->rec->nterms; i++) {
        const struct spf_term *t = &n->rec->terms[i];
        bool follows = (t->type == SPF_TERM_MECH &&
                        t->mech == SPF_MECH_INCLUDE) ||
                       (t->type == SPF_TERM_REDIRECT && !n->rec->has_all);

        if (t->type == SPF_TERM_MECH &&
            (t->mech == SPF_MECH_A || t->mech == SPF_MECH_MX ||
             t->mech == SPF_MECH_PTR || t->mech == SPF_MECH_EXISTS ||
             t->mech == SPF_MECH_INCLUDE))
            ++*running;
        else if (follows)
            ++*running;
        if (!follows || k >= n->nkids)
            continue;
        n->kids[k]->number = *running;
        tree_count(n->kids[k], running);
        n->subtotal += n->kids[k]->subtotal;
        k++;
    }
}

static char *
visible(const char *s)
{
    return str_visible(s, strlen(s));
}

static json_t *
tree_json(const struct tree_node *n)
{
    json_t *o = json_object();
    json_t *kids = json_array();
    char *d = visible(n->domain);

    json_object_set_new(o, "domain", json_string(d));
    free(d);
    if (n->via != NULL) {
        char *v = visible(n->via);

        json_object_set_new(o, "via", json_string(v));
        json_object_set_new(o, "lookup_number", json_integer(n->number));
        json_object_set_new(o, "over_limit",
                            json_boolean(n->number > SPF_MAX_LOOKUPS));
        free(v);
    }
    json_object_set_new(o, "status",
                        json_string(node_state_names[n->state]));
    if (n->state == NODE_DNSERR)
        json_object_set_new(o, "dns_status",
                            json_string(dns_status_name(n->dns_status)));
    if (n->rec != NULL) {
        char *r = visible(n->rec->text);

        json_object_set_new(o, "record", json_string(r));
        free(r);
    }
    json_object_set_new(o, "lookups", json_integer(n->own));
    json_object_set_new(o, "subtotal", json_integer(n->subtotal));
    for (size_t i = 0; i < n->nkids; i++)
        json_array_append_new(kids, tree_json(n->kids[i]));
    json_object_set_new(o, "children", kids);
    return o;
}

static const char *
qualifier_text(const struct spf_term *t)
{
    return t->qual_char == '+' ? "+all" : t->qual_char == '?' ? "?all"
         : t->qual_char == '~' ? "~all" : t->qual_char == '-' ? "-all"
         : "all";
}

static const struct tree_node *policy_node(const struct tree_node *n);

/* A match in n's record is a pass for the domain: the root, or a record
 * reached only through includes without a -, ~ or ? qualifier (and
 * redirects). */
static bool
passes_through(const struct tree_node *n)
{
    for (; n->parent != NULL; n = n->parent)
        if (n->via == NULL || strchr("-~?", n->via[0]) != NULL)
            return false;
    return true;
}

/* The prefix length of an ip4/ip6 term (no cidr: the whole address). */
static int
wide_prefix(const struct spf_term *t)
{
    if (t->mech == SPF_MECH_IP4)
        return t->cidr4 >= 0 ? t->cidr4 : 32;
    return t->cidr6 >= 0 ? t->cidr6 : 128;
}

/* A pass-qualified ip4 or ip6 term wider than the thresholds above. */
static bool
range_too_wide(const struct spf_term *t)
{
    if (t->qualifier != SPF_RES_PASS)
        return false;
    if (t->mech == SPF_MECH_IP4)
        return wide_prefix(t) < SPF_WIDE_PREFIX4;
    if (t->mech == SPF_MECH_IP6)
        return wide_prefix(t) < SPF_WIDE_PREFIX6;
    return false;
}

/* Findings about one node of the tree. */
static void
lint_node(struct tree_node *n, struct findings *fs,
          const struct tree_node *policy)
{
    char *d = visible(n->domain);
    char *pd = n->parent != NULL ? visible(n->parent->domain) : NULL;
    char *via = n->via != NULL ? visible(n->via) : NULL;
    char num[24];

    switch (n->state) {
    case NODE_NONE:
        if (n->parent == NULL)
            finding_add(fs, SEV_FAIL, "SPF_MISSING",
                        N_("%1$s has no SPF record."), d);
        else
            finding_add(fs, SEV_FAIL, "SPF_INCLUDE_MISSING",
                        N_("%1$s in the SPF record of %2$s points to %3$s, "
                           "which has no SPF record."), via, pd, d);
        break;
    case NODE_MULTIPLE:
        snprintf(num, sizeof(num), "%zu", n->nrecords);
        finding_add(fs, SEV_FAIL, "SPF_MULTIPLE",
                    N_("%1$s has %2$s SPF records; it must have exactly "
                       "one. They are: %3$s"), d, num,
                    n->multiple != NULL ? n->multiple : "");
        break;
    case NODE_SYNTAX: {
        char *term = str_visible(n->err.term, n->err.term_len);

        snprintf(num, sizeof(num), "%zu", n->err.pos + 1);
        findings_addl(fs, SEV_FAIL, "SPF_SYNTAX", n->err.msgid, NULL, 0,
                      term, num, d, (const char *)NULL);
        free(term);
        break;
    }
    case NODE_DNSERR:
        finding_add(fs, SEV_ERROR, "SPF_TEMPERROR",
                    N_("The SPF record of %1$s could not be read: the DNS "
                       "query failed (%2$s). Not checked."), d,
                    dns_status_name(n->dns_status));
        break;
    case NODE_LOOP:
        finding_add(fs, SEV_FAIL, "SPF_INCLUDE_LOOP",
                    N_("%1$s in the SPF record of %2$s points back to %3$s: "
                       "the includes form a loop."), via, pd, d);
        break;
    default:
        break;
    }
    if (n->rec != NULL) {
        bool after_all = false;

        for (size_t i = 0; i < n->rec->nterms; i++) {
            const struct spf_term *t = &n->rec->terms[i];
            char *tt;

            if (t->type != SPF_TERM_MECH)
                continue;
            tt = visible(t->text);
            if (!after_all && passes_through(n) && range_too_wide(t)) {
                snprintf(num, sizeof(num), "%d", wide_prefix(t));
                finding_add(fs, SEV_FAIL, "SPF_RANGE_ALL",
                            N_("The SPF record of %1$s has %2$s: a /%3$s "
                               "range passes a large part of the Internet, "
                               "so almost any server may send mail as "
                               "%4$s, as with +all."), d, tt, num,
                            n->st->ctx->opts->domain);
            }
            if (t->mech == SPF_MECH_ALL)
                after_all = true;
            if (t->mech == SPF_MECH_PTR)
                finding_add(fs, SEV_WARN, "SPF_PTR_MECHANISM",
                            N_("The SPF record of %1$s uses %2$s; RFC 7208 "
                               "says not to use ptr."), d, tt);
            /* +all in an included record passes everyone through an
             * include that passes (no qualifier or "+") */
            if (t->mech == SPF_MECH_ALL && t->qualifier == SPF_RES_PASS &&
                n != policy && n->parent != NULL &&
                strchr("-~?", n->via[0]) == NULL)
                finding_add(fs, SEV_FAIL, "SPF_PLUS_ALL",
                            N_("The SPF record of %1$s ends in %2$s: every "
                               "server on the Internet may send mail as "
                               "%3$s."), d, qualifier_text(t),
                            n->st->ctx->opts->domain);
            free(tt);
        }
    }
    for (size_t i = 0; i < n->nkids; i++)
        lint_node(n->kids[i], fs, policy);
    free(d);
    free(pd);
    free(via);
}

/* The record that decides when nothing matches: the root, or the end of
 * its chain of redirects. */
static const struct tree_node *
policy_node(const struct tree_node *n)
{
    while (n->rec != NULL && !n->rec->has_all && n->rec->redirect >= 0) {
        const struct tree_node *next = NULL;

        for (size_t i = 0; i < n->nkids; i++)
            if (str_nieq(n->kids[i]->via, "redirect=", 9))
                next = n->kids[i];
        if (next == NULL || next->rec == NULL)
            return NULL;
        n = next;
    }
    return n;
}

static void
lint_all(const struct tree_node *root, struct findings *fs,
         const char *domain)
{
    const struct tree_node *p = policy_node(root);
    const struct spf_term *all = NULL;
    char *d;

    if (p == NULL || p->rec == NULL)
        return;
    for (size_t i = 0; i < p->rec->nterms; i++)
        if (p->rec->terms[i].type == SPF_TERM_MECH &&
            p->rec->terms[i].mech == SPF_MECH_ALL && all == NULL)
            all = &p->rec->terms[i];
    d = visible(p->domain);
    if (all == NULL && p->rec->redirect < 0)
        finding_add(fs, SEV_WARN, "SPF_NO_ALL",
                    N_("The SPF record of %1$s has no \"all\" at the end "
                       "and no redirect=: servers it does not list get "
                       "neutral."), d);
    else if (all != NULL && all->qualifier == SPF_RES_PASS)
        finding_add(fs, SEV_FAIL, "SPF_PLUS_ALL",
                    N_("The SPF record of %1$s ends in %2$s: every server "
                       "on the Internet may send mail as %3$s."), d,
                    qualifier_text(all), domain);
    else if (all != NULL && all->qualifier == SPF_RES_NEUTRAL)
        finding_add(fs, SEV_WARN, "SPF_NEUTRAL_ALL",
                    N_("The SPF record of %1$s ends in ?all: it says "
                       "nothing about servers it does not list."), d);
    free(d);
}

/* Void lookups found statically, over the whole tree: terms whose target
 * is NXDOMAIN or has no record of the type asked ("a": neither A nor
 * AAAA, so that no client family is blamed for the other's gap). */
static unsigned
lint_voids(const struct spf_state *st, struct findings *fs)
{
    struct strbuf terms = STRBUF_INIT;
    unsigned n = 0;
    char num[24], *d;

    for (size_t i = 0; i < st->nprobes; i++) {
        const struct void_probe *p = st->probes[i];

        if (p->answers == 0 || p->voids < p->answers)
            continue;
        if (p->term->mech == SPF_MECH_A &&
            (p->answers < 2 || p->voids < 2))
            continue;
        n++;
        if (terms.len > 0)
            strbuf_adds(&terms, ", ");
        strbuf_adds(&terms, p->term->text);
    }
    if (n <= SPF_MAX_VOID_LOOKUPS) {
        strbuf_fini(&terms);
        return n;
    }
    snprintf(num, sizeof(num), "%u", n);
    d = visible(st->root->domain);
    {
        char *list = visible(strbuf_str(&terms));

        finding_add(fs, SEV_FAIL, "SPF_TOO_MANY_VOID_LOOKUPS",
                    N_("The SPF record of %1$s has %2$s terms whose names "
                       "do not exist or have no records (%3$s); receivers "
                       "give permerror after 2."), d, num, list);
        free(list);
    }
    free(d);
    strbuf_fini(&terms);
    return n;
}

/* RFC 7208 §4.6.4: an mx term whose name has more than 10 MX records
 * gives permerror whenever it is evaluated, whatever the sender, as
 * `mailready spf` does; terms after "all" are never evaluated. */
static void
lint_mx_hosts(const struct spf_state *st, struct findings *fs)
{
    for (size_t i = 0; i < st->nprobes; i++) {
        const struct void_probe *p = st->probes[i];
        const struct spf_record *r = p->node->rec;
        bool after_all = false;
        char num[24];

        if (p->term->mech != SPF_MECH_MX || p->mx_hosts <= SPF_MAX_NAMES ||
            r == NULL)
            continue;
        for (const struct spf_term *t = r->terms; t < p->term; t++)
            if (t->type == SPF_TERM_MECH && t->mech == SPF_MECH_ALL)
                after_all = true;
        if (after_all)
            continue;
        char *d = visible(p->node->domain), *tt = visible(p->term->text);
        snprintf(num, sizeof(num), "%zu", p->mx_hosts);
        finding_add(fs, SEV_FAIL, "SPF_MX_TOO_MANY_HOSTS",
                    N_("%1$s in the SPF record of %2$s finds %3$s MX "
                       "hosts, more than the 10 allowed: receivers give "
                       "permerror for every server not matched before "
                       "it."), tt, d, num);
        free(d);
        free(tt);
    }
}

static void
verdict_findings(struct spf_state *st, struct check_result *res)
{
    const char *domain = st->ctx->opts->domain;

    for (size_t i = 0; i < st->nevals; i++) {
        const struct spf_verdict *v = spf_eval_verdict(st->evals[i]);
        const char *ip = st->eval_ips[i];
        const char *rname = spf_result_name(v->result);
        char *mech = v->mechanism != NULL
                         ? str_visible(v->mechanism, v->mechanism_len)
                         : NULL;
        json_t *o = json_object();
        char *disp;

        if (!spf_eval_done(st->evals[i])) {
            finding_add(&res->findings, SEV_ERROR, "SPF_TEMPERROR",
                        N_("Checking the server %1$s for %2$s did not "
                           "finish. Not checked."), ip, domain);
            free(mech);
            json_decref(o);
            continue;
        }
        switch (v->result) {
        case SPF_RES_FAIL:
        case SPF_RES_SOFTFAIL:
        case SPF_RES_NEUTRAL:
        case SPF_RES_NONE:
            finding_add(&res->findings, SEV_FAIL,
                        "SPF_SERVER_NOT_AUTHORIZED",
                        N_("The server %1$s may not send mail for %2$s: "
                           "SPF gives %3$s."), ip, domain, rname);
            break;
        case SPF_RES_TEMPERROR:
            finding_add(&res->findings, SEV_ERROR, "SPF_TEMPERROR",
                        N_("Checking the server %1$s for %2$s met a DNS "
                           "error (temperror). Not checked."), ip, domain);
            break;
        case SPF_RES_PERMERROR:
            finding_add(&res->findings, SEV_FAIL, "SPF_PERMERROR",
                        N_("Checking the server %1$s for %2$s gives "
                           "permerror: receivers may reject its mail."),
                        ip, domain);
            break;
        case SPF_RES_PASS:
            break;
        }
        json_object_set_new(o, "server_ip", json_string(ip));
        json_object_set_new(o, "result", json_string(rname));
        json_object_set_new(o, "mechanism",
                            mech != NULL ? json_string(mech) : json_null());
        json_object_set_new(o, "lookups", json_integer(v->lookups));
        json_object_set_new(o, "void_lookups",
                            json_integer(v->void_lookups));
        disp = xasprintf("%s: %s%s%s", ip, rname,
                         mech != NULL ? " " : "", mech != NULL ? mech : "");
        json_object_set_new(o, "display", json_string(disp));
        json_array_append_new(res->records, o);
        free(disp);
        free(mech);
    }
}

static void
spf_finish(struct check_ctx *ctx)
{
    struct spf_state *st = ctx->state[STEP_SPF];
    struct check_result *res = &ctx->res[STEP_SPF];
    struct tree_node *root;
    unsigned running = 0, voids = 0;
    json_t *o;
    char num[24], *d;

    if (st == NULL)
        return;
    root = st->root;
    tree_count(root, &running);
    lint_node(root, &res->findings, policy_node(root));
    d = visible(root->domain);
    if (root->state == NODE_OK) {
        lint_all(root, &res->findings, ctx->opts->domain);
        if (root->subtotal > SPF_MAX_LOOKUPS) {
            snprintf(num, sizeof(num), "%u", root->subtotal);
            finding_add(&res->findings, SEV_FAIL, "SPF_TOO_MANY_LOOKUPS",
                        N_("The SPF record of %1$s needs %2$s DNS lookups; "
                           "the limit is 10."), d, num);
        }
        voids = lint_voids(st, &res->findings);
        lint_mx_hosts(st, &res->findings);
        if (root->wire > UDP_PLAIN_MAX) {
            snprintf(num, sizeof(num), "%zu", root->wire);
            finding_add(&res->findings, SEV_WARN, "SPF_RECORD_TOO_LONG",
                        N_("The TXT answer of %1$s is about %2$s bytes, "
                           "more than the 512 that fit in a plain UDP "
                           "answer."), d, num);
        }
    }
    o = tree_json(root);
    if (st->cut)
        json_object_set_new(o, "cut_at",
                            json_integer((json_int_t)st->nnodes));
    json_object_set_new(o, "total_lookups", json_integer(root->subtotal));
    json_object_set_new(o, "void_lookups", json_integer(voids));
    json_array_insert_new(res->records, 0, o);
    free(d);
    verdict_findings(st, res);
}

const struct check_step_ops check_spf_ops = {
    .name = "spf",
    .title = N_("Allowed senders (SPF)"),
    .start = spf_start,
    .finish = spf_finish,
    .free_state = spf_free_state,
};

const struct finding_info check_spf_findings[] = {
    { "SPF_MISSING", "spf",
      N_("The domain has no SPF record."),
      N_("Without SPF, receivers cannot tell your servers from forgers. "
         "Many providers put such mail in spam or reject it, and DMARC "
         "cannot pass through SPF."),
      N_("Publish one TXT record at the domain that starts with v=spf1 and "
         "lists the servers that send your mail, ending in -all or ~all, "
         "for example \"v=spf1 mx -all\".") },
    { "SPF_MULTIPLE", "spf",
      N_("The domain has more than one SPF record."),
      N_("RFC 7208 §4.5: with two or more v=spf1 records the result is "
         "permerror, so SPF fails for all your mail."),
      N_("Merge the records into one: keep a single v=spf1 TXT record with "
         "every mechanism you need, and delete the others.") },
    { "SPF_SYNTAX", "spf",
      N_("The SPF record has a syntax error."),
      N_("RFC 7208 §4.6: a record with any syntax error gives permerror, "
         "even if the error is after the term that would match. Receivers "
         "then treat your mail as unauthenticated."),
      N_("Correct or delete the term shown. Mechanisms are all, include, "
         "a, mx, ptr, ip4, ip6 and exists; modifiers are redirect= and "
         "exp=; terms are separated by single spaces.") },
    { "SPF_TOO_MANY_LOOKUPS", "spf",
      N_("The SPF record needs more than 10 DNS lookups, so it counts as "
         "broken."),
      N_("Each include, a, mx, ptr, exists and redirect costs one DNS "
         "lookup, and so do those inside the records it includes. After "
         "10, receiving servers stop and treat the record as broken "
         "(permerror, RFC 7208 section 4.6.4): mail from a server listed "
         "past that point is not authenticated."),
      N_("Look at the include tree, shown under the SPF record in "
         "mailready check and on the SPF step of the wizard, with the "
         "lookups of each branch. Remove the includes of services you no "
         "longer use, write the addresses of your own servers as ip4: and "
         "ip6: instead of a and mx, and ask a provider whose include costs "
         "many lookups for a shorter one.") },
    { "SPF_TOO_MANY_VOID_LOOKUPS", "spf",
      N_("More than two terms of the SPF record find nothing in DNS."),
      N_("RFC 7208 §4.6.4: after two lookups that return no answer "
         "(NXDOMAIN or no records), receivers stop with permerror."),
      N_("Delete the terms that name hosts or domains that do not exist "
         "any more, or correct their spelling.") },
    { "SPF_INCLUDE_LOOP", "spf",
      N_("SPF includes form a loop."),
      N_("A record that includes itself, directly or through others, "
         "never ends: receivers stop at the lookup limit with permerror."),
      N_("Remove the include or redirect that points back to a record "
         "higher in the tree.") },
    { "SPF_INCLUDE_MISSING", "spf",
      N_("An include or redirect points to a domain without an SPF record."),
      N_("RFC 7208 §5.2 and §6.1: an include or redirect whose target has "
         "no SPF record gives permerror when it is reached."),
      N_("Correct the domain name, or delete the include if the service "
         "is no longer used. Providers document the exact name to "
         "include.") },
    { "SPF_PLUS_ALL", "spf",
      N_("The SPF record allows every server (+all)."),
      N_("\"+all\" or a bare \"all\" passes any server on the Internet, so "
         "anyone can send mail that passes SPF as your domain."),
      N_("End the record with -all (reject what is not listed) or ~all "
         "(mark it as suspicious) after listing your real servers.") },
    { "SPF_RANGE_ALL", "spf",
      N_("The SPF record allows a huge address range, like +all."),
      N_("RFC 7208 §5.6: ip4: and ip6: pass every address in the range. "
         "A range such as ip4:0.0.0.0/0 or ip6:::/0, or one shorter than "
         "/8 for IPv4 or /16 for IPv6, lets almost any server send mail "
         "that passes SPF as your domain, also through an include."),
      N_("List only the addresses or the narrow ranges of your own "
         "servers, or use the include your mail provider documents.") },
    { "SPF_MX_TOO_MANY_HOSTS", "spf",
      N_("An mx term finds more than 10 MX hosts."),
      N_("RFC 7208 §4.6.4: evaluating mx may look up at most 10 MX hosts; "
         "with more, the mx term gives permerror, so SPF fails for every "
         "server not matched before it, also inside an include."),
      N_("Replace the mx term by ip4/ip6 ranges or a of the servers that "
         "really send mail, or reduce the MX records to 10 or fewer.") },
    { "SPF_NEUTRAL_ALL", "spf",
      N_("The SPF record ends in ?all (neutral)."),
      N_("Neutral says nothing about unlisted servers: forged mail is "
         "treated as if the domain had no SPF at all."),
      N_("Once every legitimate server is listed, change ?all to ~all, "
         "then to -all.") },
    { "SPF_NO_ALL", "spf",
      N_("The SPF record has no \"all\" at the end and no redirect=."),
      N_("Without a final all, servers not listed get the default result "
         "neutral, which protects nothing."),
      N_("Add -all (or ~all while testing) as the last term.") },
    { "SPF_PTR_MECHANISM", "spf",
      N_("The SPF record uses the ptr mechanism."),
      N_("RFC 7208 §5.5 says ptr should not be used: it is slow, puts load "
         "on the DNS servers of the address owners, and some receivers "
         "ignore it."),
      N_("Replace ptr by ip4/ip6 ranges, a, or mx for the servers it was "
         "meant to cover.") },
    { "SPF_RECORD_TOO_LONG", "spf",
      N_("The domain's TXT records are too big for a plain DNS answer."),
      N_("All the TXT records of the domain come back in one answer. Over "
         "512 bytes it needs EDNS or TCP, which some resolvers and "
         "firewalls block; the receiving server then gets a temporary "
         "error (temperror) and may delay your mail."),
      N_("First delete the TXT records of the domain that are no longer "
         "needed, such as old site verification tokens. If it is still "
         "too big, shorten the SPF record: remove what is listed twice and "
         "merge neighbouring addresses into a range such as "
         "ip4:192.0.2.0/28. Do not trade addresses for new includes: each "
         "one costs a DNS lookup out of the 10 allowed.") },
    { "SPF_TEMPERROR", "spf",
      N_("SPF could not be checked: a DNS query failed."),
      N_("A timeout or SERVFAIL stopped the check. This is not a fault of "
         "your record until it happens again; receivers give temperror "
         "and retry later."),
      N_("Run the check again later. If it persists, check the name "
         "servers of the domain shown.") },
    { "SPF_SERVER_NOT_AUTHORIZED", "spf",
      N_("A server you named is not authorised by SPF."),
      N_("Mail that this server sends for your domain gets fail, softfail "
         "or neutral at receivers, and often lands in spam or bounces."),
      N_("Add the server to the record, for example ip4:ADDRESS, or the "
         "include your mail provider documents.") },
    { "SPF_PERMERROR", "spf",
      N_("Checking a server you named gives permerror."),
      N_("With permerror, receivers cannot use your SPF record at all for "
         "this server's mail; DMARC treats it as failed."),
      N_("Correct the errors reported above (syntax, too many lookups, "
         "missing includes), then check again.") },
    { NULL, NULL, NULL, NULL, NULL }
};
