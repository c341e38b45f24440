/* check_spf.c - check_host() of RFC 7208 over struct dns, and the spf step
 * of `mailready check`: the lint, the include tree and --server-ip.
 *
 * The evaluator runs the record's terms strictly left to right and counts
 * lookups and void lookups in that order (§4.6.4), but it does not wait
 * for one answer before asking the next question when it need not: as
 * soon as a record is parsed, every target whose domain-spec has no macro
 * is asked for ("prefetch"), and the records of includes found that way
 * are prefetched in turn.  The dns layer merges those queries with the
 * real ones and caches the answers, so the evaluation itself usually finds
 * its answers ready.  Prefetching changes no result and no count.
 *
 * Choices where RFC 7208 leaves a count open, stated once here:
 *  - Void lookups (§4.6.4) are counted per term, from the term's own query:
 *    the A or AAAA query of "a", the MX query of "mx", the PTR query of
 *    "ptr" and the A query of "exists".  The A/AAAA queries of the names an
 *    mx or ptr term returns are not counted: the RFC counts "terms", and an
 *    MX host without an AAAA record would otherwise turn every IPv6 client
 *    into a void lookup.  A target name that cannot be asked in DNS after
 *    macro expansion (empty or over-long label) is treated as not existing
 *    and is not counted either: no query is made.  The exp= lookup is never
 *    counted (it comes after the result).
 *  - More than 10 MX records for one mx term is a permerror (§4.6.4),
 *    whatever their order; a ptr term and %{p} use the first 10 PTR names.
 *  - %{p} costs no lookup of its own: the term whose domain-spec holds it
 *    has been counted.  It is "unknown" when nothing validates.
 *  - A DNS error on the PTR query of a ptr term, or on the address query of
 *    one of its names, is no match (§5.5); every other DNS error during
 *    evaluation is temperror (§5), except for exp= (§6.2: no explanation).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "mailready/check_spf.h"
#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* Most queries one evaluation sends ahead of need. */
#define SPF_PREFETCH_MAX 64
/* Deepest include/redirect chain prefetched. */
#define SPF_PREFETCH_DEPTH 10

/* Reasons of permerror and temperror (struct spf_verdict.why). */
#define W_MULTIPLE N_("%1$s has more than one SPF record.")
#define W_LIMIT N_("More than 10 DNS lookups are needed: %1$s in the " \
                   "record of %2$s is the 11th.")
#define W_VOID N_("More than 2 DNS lookups found nothing (void lookups): " \
                  "%1$s in the record of %2$s is the 3rd.")
#define W_MX_LIMIT N_("%1$s in the record of %2$s finds more than 10 MX " \
                      "records.")
#define W_INCLUDE_NONE N_("%1$s in the record of %2$s points to %3$s, " \
                          "which has no SPF record.")
#define W_REDIRECT_NONE N_("%1$s in the record of %2$s points to %3$s, " \
                           "which has no SPF record.")
#define W_DNS N_("The DNS query for %1$s %2$s failed (%3$s).")

struct spf_eval;
struct frame;

typedef void (*ask_fn)(struct spf_eval *ev, struct frame *fr, size_t idx,
                       const struct dns_answer *a);

/* One query in flight.  When the evaluation is freed first, ev becomes
 * NULL and the answer is dropped. */
struct ask {
    struct spf_eval *ev;
    struct frame *fr;
    ask_fn fn;
    size_t idx;
    struct ask *prev, *next;
};

enum name_state { NS_PENDING, NS_NOMATCH, NS_MATCH, NS_ERROR };

/* The names of an mx or ptr term (or of %{p}), asked in parallel. */
struct batch {
    size_t n, waiting;
    char *names[SPF_MAX_NAMES];
    enum name_state st[SPF_MAX_NAMES];
    enum dns_status err[SPF_MAX_NAMES];
};

enum resume { R_TERM, R_EXP, R_EXP_TEXT };

/* One check_host() invocation: the top, an include or a redirect. */
struct frame {
    struct spf_eval *ev;
    struct frame *parent;
    struct frame *next_all;
    bool is_include;            /* evaluated for an include term */
    bool is_redirect;
    bool exp_ok;                /* exp= applies (not under an include) */
    char *domain;
    struct spf_record *rec;
    size_t ti;                  /* current term; nterms: the redirect */
    bool counted;               /* the current term has been counted */
    enum resume resume;
    struct batch batch;
    char *exp_raw;
    /* outcome */
    enum spf_result result;
    char *decider;
    char *decider_domain;
    char *exp_text;
    const char *why;
    char *why_args[3];
};

struct spf_eval {
    struct dns *dns;
    char *sender;               /* local@domain, for the macros */
    char *helo;
    char *receiver;
    struct ipaddr ip;
    long long now;
    uint16_t atype;             /* DNS_T_A or DNS_T_AAAA for the client */
    FILE *trace;
    struct frame *frames;       /* every frame, for freeing */
    struct ask *asks;           /* queries in flight */
    unsigned lookups, voids;
    unsigned prefetches;
    bool ptr_prefetched;
    /* %{p} */
    int p_state;                /* 0 not asked, 1 asking, 2 known */
    struct batch p;
    struct frame *p_waiter;
    bool done;
    struct spf_verdict v;
};

static void frame_run(struct frame *fr);
static void frame_finish(struct frame *fr, enum spf_result r);
static void frame_exp(struct frame *fr);
static void frame_exp_text(struct frame *fr);
static struct frame *frame_new(struct spf_eval *ev, struct frame *parent,
                               const char *domain);
static void frame_start(struct frame *fr);
static void prefetch_record(struct spf_eval *ev, const char *domain,
                            const struct spf_record *rec, size_t depth);

/* ---- queries ---- */

static void
ask_cb(void *arg, const struct dns_answer *a)
{
    struct ask *q = arg;
    struct spf_eval *ev = q->ev;

    if (ev == NULL) {
        free(q);
        return;
    }
    if (q->prev != NULL)
        q->prev->next = q->next;
    else
        ev->asks = q->next;
    if (q->next != NULL)
        q->next->prev = q->prev;
    q->fn(ev, q->fr, q->idx, a);
    free(q);
}

/* Ask name (raw, unescaped) / type; fn(ev, fr, idx, answer) later. */
static void
ask(struct spf_eval *ev, struct frame *fr, const char *name, uint16_t type,
    ask_fn fn, size_t idx)
{
    struct ask *q = xcalloc(1, sizeof(*q));
    char *esc = spf_name_escape(name);

    q->ev = ev;
    q->fr = fr;
    q->fn = fn;
    q->idx = idx;
    q->next = ev->asks;
    if (ev->asks != NULL)
        ev->asks->prev = q;
    ev->asks = q;
    dns_query(ev->dns, esc, type, ask_cb, q);
    free(esc);
}

static bool
is_void(const struct dns_answer *a)
{
    return a->status == DNS_NXDOMAIN || a->status == DNS_NODATA ||
           (a->status == DNS_OK && dns_answer_count(a, a->qtype) == 0);
}

/* true if an address record of the answer is within prefix of ip. */
static bool
answer_has_addr(const struct dns_answer *a, const struct ipaddr *ip,
                int prefix)
{
    uint16_t type = ip->family == AF_INET ? DNS_T_A : DNS_T_AAAA;
    unsigned plen = prefix >= 0 ? (unsigned)prefix
                                : ip->family == AF_INET ? 32 : 128;

    if (a->status != DNS_OK)
        return false;
    for (const struct dns_rr *rr = dns_answer_next(a, type, NULL); rr;
         rr = dns_answer_next(a, type, rr)) {
        struct ipaddr x;

        net_from_bytes(&x, ip->family, rr->u.addr);
        if (net_match(&x, ip, plen))
            return true;
    }
    return false;
}

static char *
strip_dot(const char *s)
{
    size_t n = strlen(s);

    if (n > 0 && s[n - 1] == '.')
        n--;
    return xstrndup(s, n);
}

/* ---- the verdict helpers ---- */

static void
trace(struct spf_eval *ev, const struct frame *fr, const char *term,
      const char *what)
{
    char *d, *t;

    if (ev->trace == NULL)
        return;
    d = str_visible(fr->domain, strlen(fr->domain));
    t = term != NULL ? str_visible(term, strlen(term)) : xstrdup("-");
    fprintf(ev->trace, "spf: %s: %s: %s (lookups %u, void %u)\n", d, t,
            what, ev->lookups, ev->voids);
    free(d);
    free(t);
}

static void
set_why(struct frame *fr, const char *why, const char *a1, const char *a2,
        const char *a3)
{
    const char *args[3] = { a1, a2, a3 };

    fr->why = why;
    for (int i = 0; i < 3; i++) {
        free(fr->why_args[i]);
        fr->why_args[i] = xstrdup(args[i] != NULL ? args[i] : "");
    }
}

static void
set_decider(struct frame *fr, const char *term, const char *domain)
{
    free(fr->decider);
    free(fr->decider_domain);
    fr->decider = term != NULL ? xstrdup(term) : NULL;
    fr->decider_domain = domain != NULL ? xstrdup(domain) : NULL;
}

static void
frame_error(struct frame *fr, enum spf_result r, const struct spf_term *t,
            const char *why, const char *a1, const char *a2, const char *a3)
{
    set_why(fr, why, a1, a2, a3);
    set_decider(fr, t != NULL ? t->text : NULL,
                t != NULL ? fr->domain : NULL);
    trace(fr->ev, fr, t != NULL ? t->text : NULL, spf_result_name(r));
    frame_finish(fr, r);
}

static void
frame_dns_error(struct frame *fr, const struct spf_term *t,
                const struct dns_answer *a)
{
    frame_error(fr, SPF_RES_TEMPERROR, t, W_DNS, a->qname,
                dns_type_name(a->qtype), dns_status_name(a->status));
}

static const struct spf_term *
cur_term(const struct frame *fr)
{
    if (fr->ti < fr->rec->nterms)
        return &fr->rec->terms[fr->ti];
    return &fr->rec->terms[fr->rec->redirect];
}

static void
term_nomatch(struct frame *fr)
{
    trace(fr->ev, fr, cur_term(fr)->text, "no match");
    fr->ti++;
    fr->counted = false;
    frame_run(fr);
}

static void
term_match(struct frame *fr)
{
    const struct spf_term *t = cur_term(fr);

    trace(fr->ev, fr, t->text, "match");
    set_decider(fr, t->text, fr->domain);
    if (t->qualifier == SPF_RES_FAIL && fr->exp_ok && fr->rec->exp >= 0) {
        fr->result = SPF_RES_FAIL;
        fr->resume = R_EXP;
        frame_exp(fr);
        return;
    }
    frame_finish(fr, t->qualifier);
}

/* Count a void lookup; false (and permerror) past the limit. */
static bool
count_void(struct frame *fr)
{
    struct spf_eval *ev = fr->ev;

    ev->voids++;
    if (ev->voids > SPF_MAX_VOID_LOOKUPS) {
        frame_error(fr, SPF_RES_PERMERROR, cur_term(fr), W_VOID,
                    cur_term(fr)->text, fr->domain, NULL);
        return false;
    }
    return true;
}

/* ---- %{p} (§7.3) ---- */

static void p_ready(struct spf_eval *ev);

static void
on_p_addr(struct spf_eval *ev, struct frame *fr, size_t idx,
          const struct dns_answer *a)
{
    (void)fr;
    ev->p.st[idx] = answer_has_addr(a, &ev->ip, -1) ? NS_MATCH
                                                    : NS_NOMATCH;
    if (--ev->p.waiting == 0)
        p_ready(ev);
}

static void
on_p_ptr(struct spf_eval *ev, struct frame *fr, size_t idx,
         const struct dns_answer *a)
{
    (void)idx;
    (void)fr;
    if (a->status == DNS_OK) {
        for (const struct dns_rr *rr = dns_answer_next(a, DNS_T_PTR, NULL);
             rr != NULL && ev->p.n < SPF_MAX_NAMES;
             rr = dns_answer_next(a, DNS_T_PTR, rr)) {
            ev->p.names[ev->p.n] = strip_dot(rr->u.name);
            ev->p.st[ev->p.n] = NS_PENDING;
            ev->p.n++;
        }
    }
    if (ev->p.n == 0) {
        p_ready(ev);
        return;
    }
    ev->p.waiting = ev->p.n;
    for (size_t i = 0; i < ev->p.n; i++)
        ask(ev, NULL, ev->p.names[i], ev->atype, on_p_addr, i);
}

static void
p_ready(struct spf_eval *ev)
{
    struct frame *fr = ev->p_waiter;

    ev->p_state = 2;
    ev->p_waiter = NULL;
    if (fr == NULL)
        return;
    switch (fr->resume) {
    case R_TERM:
        frame_run(fr);
        break;
    case R_EXP:
        frame_exp(fr);
        break;
    case R_EXP_TEXT:
        frame_exp_text(fr);
        break;
    }
}

/* The validated name for <domain>: the domain itself, else a subdomain of
 * it, else any validated name; NULL ("unknown") if none. */
static const char *
p_choose(const struct spf_eval *ev, const char *domain)
{
    const char *any = NULL, *sub = NULL;

    for (size_t i = 0; i < ev->p.n; i++) {
        if (ev->p.st[i] != NS_MATCH)
            continue;
        if (name_eq(ev->p.names[i], domain))
            return ev->p.names[i];
        if (sub == NULL && name_is_subdomain(ev->p.names[i], domain))
            sub = ev->p.names[i];
        if (any == NULL)
            any = ev->p.names[i];
    }
    return sub != NULL ? sub : any;
}

/* false if the frame must wait for %{p}: it resumes at fr->resume. */
static bool
need_p(struct frame *fr, const char *s)
{
    struct spf_eval *ev = fr->ev;
    char rev[80];

    if (s == NULL || !spf_macro_uses(s, 'p') || ev->p_state == 2)
        return false;
    ev->p_waiter = fr;
    if (ev->p_state == 0) {
        ev->p_state = 1;
        net_reverse_name(&ev->ip, rev, sizeof(rev));
        ask(ev, NULL, rev, DNS_T_PTR, on_p_ptr, 0);
    }
    return true;
}

static void
macro_env(const struct frame *fr, struct spf_macro_env *env)
{
    const struct spf_eval *ev = fr->ev;

    memset(env, 0, sizeof(*env));
    env->sender = ev->sender;
    env->domain = fr->domain;
    env->ip = ev->ip;
    env->helo = ev->helo;
    env->validated = ev->p_state == 2 ? p_choose(ev, fr->domain) : NULL;
    env->receiver = ev->receiver;
    env->now = ev->now;
}

/* The target name of a term: 1 and *out set, 0 waiting for %{p}, -1 when
 * the expansion is no name DNS can be asked. */
static int
frame_target(struct frame *fr, const char *spec, char **out)
{
    struct spf_macro_env env;
    char *x = NULL;

    *out = NULL;
    if (spec == NULL) {
        *out = xstrdup(fr->domain);
        return 1;
    }
    if (need_p(fr, spec))
        return 0;
    macro_env(fr, &env);
    if (spf_expand_domain(spec, &env, &x) != RC_OK)
        return -1;
    if (!spf_name_queryable(x)) {
        free(x);
        return -1;
    }
    *out = x;
    return 1;
}

/* ---- mechanisms ---- */

static void
on_a(struct spf_eval *ev, struct frame *fr, size_t idx,
     const struct dns_answer *a)
{
    const struct spf_term *t = cur_term(fr);

    (void)idx;
    if (dns_status_is_error(a->status)) {
        frame_dns_error(fr, t, a);
        return;
    }
    if (is_void(a)) {
        if (count_void(fr))
            term_nomatch(fr);
        return;
    }
    if (answer_has_addr(a, &ev->ip, ev->ip.family == AF_INET ? t->cidr4
                                                            : t->cidr6))
        term_match(fr);
    else
        term_nomatch(fr);
}

static void
on_exists(struct spf_eval *ev, struct frame *fr, size_t idx,
          const struct dns_answer *a)
{
    (void)ev;
    (void)idx;
    if (dns_status_is_error(a->status)) {
        frame_dns_error(fr, cur_term(fr), a);
        return;
    }
    if (is_void(a)) {
        if (count_void(fr))
            term_nomatch(fr);
        return;
    }
    term_match(fr);
}

static void
batch_clear(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->names[i]);
    memset(b, 0, sizeof(*b));
}

/* Ask the address of every name of the frame's batch (the names an mx or
 * ptr term returned); no names at all is no match. */
static void
batch_ask(struct spf_eval *ev, struct frame *fr, ask_fn fn)
{
    struct batch *b = &fr->batch;

    if (b->n == 0) {
        term_nomatch(fr);
        return;
    }
    b->waiting = b->n;
    for (size_t i = 0; i < b->n; i++)
        ask(ev, fr, b->names[i], ev->atype, fn, i);
}

static void
on_mx_addr(struct spf_eval *ev, struct frame *fr, size_t idx,
           const struct dns_answer *a)
{
    const struct spf_term *t = cur_term(fr);
    struct batch *b = &fr->batch;

    b->err[idx] = a->status;
    if (dns_status_is_error(a->status))
        b->st[idx] = NS_ERROR;
    else if (answer_has_addr(a, &ev->ip, ev->ip.family == AF_INET
                                             ? t->cidr4 : t->cidr6))
        b->st[idx] = NS_MATCH;
    else
        b->st[idx] = NS_NOMATCH;
    if (--b->waiting > 0)
        return;
    /* decide as if the names had been asked one after the other */
    for (size_t i = 0; i < b->n; i++) {
        if (b->st[i] == NS_ERROR) {
            char *n = b->names[i];
            enum dns_status es = b->err[i];

            b->names[i] = NULL;
            batch_clear(b);
            frame_error(fr, SPF_RES_TEMPERROR, t, W_DNS, n,
                        dns_type_name(ev->atype), dns_status_name(es));
            free(n);
            return;
        }
        if (b->st[i] == NS_MATCH) {
            batch_clear(b);
            term_match(fr);
            return;
        }
    }
    batch_clear(b);
    term_nomatch(fr);
}

static void
on_mx(struct spf_eval *ev, struct frame *fr, size_t idx,
      const struct dns_answer *a)
{
    const struct spf_term *t = cur_term(fr);
    struct batch *b = &fr->batch;

    (void)idx;
    if (dns_status_is_error(a->status)) {
        frame_dns_error(fr, t, a);
        return;
    }
    if (is_void(a)) {
        if (count_void(fr))
            term_nomatch(fr);
        return;
    }
    if (dns_answer_count(a, DNS_T_MX) > SPF_MAX_NAMES) {
        frame_error(fr, SPF_RES_PERMERROR, t, W_MX_LIMIT, t->text,
                    fr->domain, NULL);
        return;
    }
    batch_clear(b);
    for (const struct dns_rr *rr = dns_answer_next(a, DNS_T_MX, NULL);
         rr != NULL; rr = dns_answer_next(a, DNS_T_MX, rr)) {
        char *h = strip_dot(rr->u.mx.host);

        if (!spf_name_queryable(h)) {   /* the null MX "." */
            free(h);
            continue;
        }
        b->names[b->n] = h;
        b->st[b->n] = NS_PENDING;
        b->n++;
    }
    batch_ask(ev, fr, on_mx_addr);
}

static void
on_ptr_addr(struct spf_eval *ev, struct frame *fr, size_t idx,
            const struct dns_answer *a)
{
    struct batch *b = &fr->batch;
    bool match;

    /* a DNS error skips the name (§5.5) */
    b->st[idx] = answer_has_addr(a, &ev->ip, -1) ? NS_MATCH : NS_NOMATCH;
    if (--b->waiting > 0)
        return;
    match = false;
    for (size_t i = 0; i < b->n; i++)
        if (b->st[i] == NS_MATCH)
            match = true;
    batch_clear(b);
    if (match)
        term_match(fr);
    else
        term_nomatch(fr);
}

/* State kept between the PTR answer and the names: the target. */
static void
on_ptr(struct spf_eval *ev, struct frame *fr, size_t idx,
       const struct dns_answer *a)
{
    const struct spf_term *t = cur_term(fr);
    struct batch *b = &fr->batch;
    char *target = NULL;
    size_t seen = 0;

    (void)idx;
    if (dns_status_is_error(a->status)) {
        term_nomatch(fr);               /* §5.5: no match */
        return;
    }
    if (is_void(a)) {
        if (count_void(fr))
            term_nomatch(fr);
        return;
    }
    /* the target was expanded before the query; expand again (same
     * result: %{p} is known by now if it was needed) */
    if (frame_target(fr, t->spec, &target) != 1) {
        term_nomatch(fr);
        return;
    }
    batch_clear(b);
    for (const struct dns_rr *rr = dns_answer_next(a, DNS_T_PTR, NULL);
         rr != NULL && seen < SPF_MAX_NAMES;
         rr = dns_answer_next(a, DNS_T_PTR, rr), seen++) {
        char *n = strip_dot(rr->u.name);

        /* only names in the target domain can make it match, so only
         * they are validated */
        if (!spf_name_queryable(n) || !name_is_subdomain(n, target)) {
            free(n);
            continue;
        }
        b->names[b->n] = n;
        b->st[b->n] = NS_PENDING;
        b->n++;
    }
    free(target);
    batch_ask(ev, fr, on_ptr_addr);
}

/* ---- include and redirect ---- */

static void
child_done(struct frame *fr, struct frame *child)
{
    const struct spf_term *t = cur_term(fr);

    if (child->is_redirect) {
        if (child->result == SPF_RES_NONE) {
            frame_error(fr, SPF_RES_PERMERROR, t, W_REDIRECT_NONE, t->text,
                        fr->domain, child->domain);
            return;
        }
        /* the result, deciding term and explanation are the target's */
        set_decider(fr, child->decider, child->decider_domain);
        if (child->why != NULL)
            set_why(fr, child->why, child->why_args[0], child->why_args[1],
                    child->why_args[2]);
        free(fr->exp_text);
        fr->exp_text = child->exp_text;
        child->exp_text = NULL;
        frame_finish(fr, child->result);
        return;
    }
    switch (child->result) {
    case SPF_RES_PASS:
        term_match(fr);
        break;
    case SPF_RES_FAIL:
    case SPF_RES_SOFTFAIL:
    case SPF_RES_NEUTRAL:
        term_nomatch(fr);
        break;
    case SPF_RES_NONE:
        frame_error(fr, SPF_RES_PERMERROR, t, W_INCLUDE_NONE, t->text,
                    fr->domain, child->domain);
        break;
    case SPF_RES_TEMPERROR:
    case SPF_RES_PERMERROR:
        set_why(fr, child->why, child->why_args[0], child->why_args[1],
                child->why_args[2]);
        set_decider(fr, child->decider != NULL ? child->decider : t->text,
                    child->decider != NULL ? child->decider_domain
                                           : fr->domain);
        trace(fr->ev, fr, t->text, spf_result_name(child->result));
        frame_finish(fr, child->result);
        break;
    }
}

static void
start_child(struct frame *fr, const char *name, bool redirect)
{
    struct frame *c = frame_new(fr->ev, fr, name);

    c->is_include = !redirect || fr->is_include;
    c->is_redirect = redirect;
    c->exp_ok = redirect && fr->exp_ok;
    frame_start(c);
}

/* ---- the term loop ---- */


/* Count term t, once, against the limit of 10 DNS-querying terms (§4.6.4);
 * false (and the frame ends in permerror) past the limit. */
static bool
count_term(struct spf_eval *ev, struct frame *fr, const struct spf_term *t)
{
    if (fr->counted)
        return true;
    fr->counted = true;
    ev->lookups++;
    if (ev->lookups > SPF_MAX_LOOKUPS) {
        frame_error(fr, SPF_RES_PERMERROR, t, W_LIMIT, t->text, fr->domain,
                    NULL);
        return false;
    }
    return true;
}

static void
frame_run(struct frame *fr)
{
    struct spf_eval *ev = fr->ev;
    const struct spf_record *rec = fr->rec;

    while (fr->ti < rec->nterms) {
        const struct spf_term *t = &rec->terms[fr->ti];
        char *name = NULL;
        char rev[80];
        int st;

        if (t->type != SPF_TERM_MECH) {
            fr->ti++;
            continue;
        }
        switch (t->mech) {
        case SPF_MECH_ALL:
            term_match(fr);
            return;
        case SPF_MECH_IP4:
        case SPF_MECH_IP6: {
            int fam = t->mech == SPF_MECH_IP4 ? AF_INET : AF_INET6;
            int p = fam == AF_INET ? t->cidr4 : t->cidr6;

            if (ev->ip.family == fam &&
                net_match(&t->net, &ev->ip,
                          p >= 0 ? (unsigned)p : fam == AF_INET ? 32 : 128)) {
                term_match(fr);
                return;
            }
            trace(ev, fr, t->text, "no match");
            fr->ti++;
            continue;
        }
        default:
            break;
        }
        if (!count_term(ev, fr, t))
            return;
        fr->resume = R_TERM;
        st = frame_target(fr, t->spec, &name);
        if (st == 0)
            return;                     /* resumes when %{p} is known */
        if (st < 0) {
            /* no name to ask: the target does not exist */
            if (t->mech == SPF_MECH_INCLUDE) {
                frame_error(fr, SPF_RES_PERMERROR, t, W_INCLUDE_NONE,
                            t->text, fr->domain, t->spec);
                return;
            }
            term_nomatch(fr);
            return;
        }
        switch (t->mech) {
        case SPF_MECH_A:
            ask(ev, fr, name, ev->atype, on_a, 0);
            break;
        case SPF_MECH_MX:
            ask(ev, fr, name, DNS_T_MX, on_mx, 0);
            break;
        case SPF_MECH_EXISTS:
            ask(ev, fr, name, DNS_T_A, on_exists, 0);
            break;
        case SPF_MECH_PTR:
            net_reverse_name(&ev->ip, rev, sizeof(rev));
            ask(ev, fr, rev, DNS_T_PTR, on_ptr, 0);
            break;
        case SPF_MECH_INCLUDE:
            start_child(fr, name, false);
            break;
        default:
            break;
        }
        free(name);
        return;
    }

    /* no mechanism matched: redirect=, else neutral (§4.7, §6.1) */
    if (rec->redirect >= 0) {
        const struct spf_term *t = &rec->terms[rec->redirect];
        char *name = NULL;
        int st;

        if (!count_term(ev, fr, t))
            return;
        fr->resume = R_TERM;
        st = frame_target(fr, t->spec, &name);
        if (st == 0)
            return;
        if (st < 0) {
            frame_error(fr, SPF_RES_PERMERROR, t, W_REDIRECT_NONE, t->text,
                        fr->domain, t->spec);
            return;
        }
        trace(ev, fr, t->text, "redirect");
        start_child(fr, name, true);
        free(name);
        return;
    }
    trace(ev, fr, NULL, "no term matched: neutral");
    set_decider(fr, NULL, NULL);
    frame_finish(fr, SPF_RES_NEUTRAL);
}

/* ---- exp= (§6.2) ---- */

static void
on_exp_txt(struct spf_eval *ev, struct frame *fr, size_t idx,
           const struct dns_answer *a)
{
    const struct dns_rr *rr;
    size_t len;
    char *s;

    (void)ev;
    (void)idx;
    /* any DNS error, no record or more than one: no explanation */
    if (a->status != DNS_OK || dns_answer_count(a, DNS_T_TXT) != 1) {
        frame_finish(fr, SPF_RES_FAIL);
        return;
    }
    rr = dns_answer_next(a, DNS_T_TXT, NULL);
    s = dns_txt_join(rr, &len);
    if (strlen(s) != len || !spf_macro_string_valid(s, len, true)) {
        free(s);
        frame_finish(fr, SPF_RES_FAIL);
        return;
    }
    fr->exp_raw = s;
    fr->resume = R_EXP_TEXT;
    frame_exp_text(fr);
}

static void
frame_exp(struct frame *fr)
{
    const struct spf_term *t = &fr->rec->terms[fr->rec->exp];
    char *name = NULL;
    int st = frame_target(fr, t->spec, &name);

    if (st == 0)
        return;
    if (st < 0) {
        frame_finish(fr, SPF_RES_FAIL);
        return;
    }
    ask(fr->ev, fr, name, DNS_T_TXT, on_exp_txt, 0);
    free(name);
}

static void
frame_exp_text(struct frame *fr)
{
    struct spf_macro_env env;
    char *x = NULL;

    if (need_p(fr, fr->exp_raw))
        return;
    macro_env(fr, &env);
    if (spf_macro_expand(fr->exp_raw, &env, true, &x) == RC_OK) {
        free(fr->exp_text);
        fr->exp_text = x;
    }
    frame_finish(fr, SPF_RES_FAIL);
}

/* ---- record lookup (§4.4, §4.5) ---- */

static void
on_txt(struct spf_eval *ev, struct frame *fr, size_t idx,
       const struct dns_answer *a)
{
    char *found = NULL;
    size_t flen = 0, n = 0;
    struct spf_error err;

    (void)idx;
    if (dns_status_is_error(a->status)) {
        frame_error(fr, SPF_RES_TEMPERROR, NULL, W_DNS, a->qname,
                    dns_type_name(a->qtype), dns_status_name(a->status));
        return;
    }
    if (a->status == DNS_OK) {
        for (const struct dns_rr *rr = dns_answer_next(a, DNS_T_TXT, NULL);
             rr != NULL; rr = dns_answer_next(a, DNS_T_TXT, rr)) {
            size_t len;
            char *s = dns_txt_join(rr, &len);

            if (spf_is_record(s, len)) {
                n++;
                if (found == NULL) {
                    found = s;
                    flen = len;
                    continue;
                }
            }
            free(s);
        }
    }
    if (n == 0) {
        trace(ev, fr, NULL, "no SPF record: none");
        frame_finish(fr, SPF_RES_NONE);
        return;
    }
    if (n > 1) {
        free(found);
        frame_error(fr, SPF_RES_PERMERROR, NULL, W_MULTIPLE, fr->domain,
                    NULL, NULL);
        return;
    }
    if (spf_record_parse(found, flen, &fr->rec, &err) != RC_OK) {
        char pos[24];

        snprintf(pos, sizeof(pos), "%zu", err.pos + 1);
        set_why(fr, err.msgid, err.term, pos, fr->domain);
        set_decider(fr, err.term, fr->domain);
        spf_error_fini(&err);
        free(found);
        trace(ev, fr, NULL, "syntax error: permerror");
        frame_finish(fr, SPF_RES_PERMERROR);
        return;
    }
    free(found);
    prefetch_record(ev, fr->domain, fr->rec, 0);
    frame_run(fr);
}

static struct frame *
frame_new(struct spf_eval *ev, struct frame *parent, const char *domain)
{
    struct frame *fr = xcalloc(1, sizeof(*fr));

    fr->ev = ev;
    fr->parent = parent;
    fr->domain = strip_dot(domain);
    fr->next_all = ev->frames;
    ev->frames = fr;
    return fr;
}

static void
frame_start(struct frame *fr)
{
    /* §4.3: a malformed domain gives none at once, with no query */
    if (!spf_domain_valid(fr->domain)) {
        trace(fr->ev, fr, NULL, "not a valid domain: none");
        frame_finish(fr, SPF_RES_NONE);
        return;
    }
    ask(fr->ev, fr, fr->domain, DNS_T_TXT, on_txt, 0);
}

static void
frame_finish(struct frame *fr, enum spf_result r)
{
    struct spf_eval *ev = fr->ev;
    struct spf_verdict *v = &ev->v;

    fr->result = r;
    if (fr->parent != NULL) {
        child_done(fr->parent, fr);
        return;
    }
    v->result = r;
    v->mechanism = fr->decider != NULL ? xstrdup(fr->decider) : NULL;
    v->mech_domain = fr->decider_domain != NULL
                         ? xstrdup(fr->decider_domain) : NULL;
    v->explanation = r == SPF_RES_FAIL && fr->exp_text != NULL
                         ? xstrdup(fr->exp_text) : NULL;
    if (r == SPF_RES_PERMERROR || r == SPF_RES_TEMPERROR) {
        v->why = fr->why;
        for (int i = 0; i < 3; i++)
            v->why_args[i] = xstrdup(fr->why_args[i] != NULL
                                         ? fr->why_args[i] : "");
    }
    v->lookups = ev->lookups;
    v->void_lookups = ev->voids;
    ev->done = true;
    if (ev->trace != NULL)
        fprintf(ev->trace, "spf: result %s (lookups %u, void %u)\n",
                spf_result_name(r), ev->lookups, ev->voids);
}

/* ---- prefetch ---- */

static void
on_prefetch_none(struct spf_eval *ev, struct frame *fr, size_t idx,
                 const struct dns_answer *a)
{
    (void)ev;
    (void)fr;
    (void)idx;
    (void)a;
}

static bool
prefetch_ok(struct spf_eval *ev)
{
    if (ev->prefetches >= SPF_PREFETCH_MAX)
        return false;
    ev->prefetches++;
    return true;
}

static void
on_prefetch_mx(struct spf_eval *ev, struct frame *fr, size_t idx,
               const struct dns_answer *a)
{
    size_t n = 0;

    (void)fr;
    (void)idx;
    if (a->status != DNS_OK || dns_answer_count(a, DNS_T_MX) > SPF_MAX_NAMES)
        return;
    for (const struct dns_rr *rr = dns_answer_next(a, DNS_T_MX, NULL);
         rr != NULL && n < SPF_MAX_NAMES;
         rr = dns_answer_next(a, DNS_T_MX, rr), n++) {
        char *h = strip_dot(rr->u.mx.host);

        if (spf_name_queryable(h) && prefetch_ok(ev))
            ask(ev, NULL, h, ev->atype, on_prefetch_none, 0);
        free(h);
    }
}

static void
on_prefetch_txt(struct spf_eval *ev, struct frame *fr, size_t idx,
                const struct dns_answer *a)
{
    char *found = NULL;
    size_t flen = 0, n = 0;
    struct spf_record *rec = NULL;
    struct spf_error err;
    char *domain;

    (void)fr;
    if (a->status != DNS_OK || idx > SPF_PREFETCH_DEPTH)
        return;
    for (const struct dns_rr *rr = dns_answer_next(a, DNS_T_TXT, NULL);
         rr != NULL; rr = dns_answer_next(a, DNS_T_TXT, rr)) {
        size_t len;
        char *s = dns_txt_join(rr, &len);

        if (spf_is_record(s, len) && n++ == 0) {
            found = s;
            flen = len;
            continue;
        }
        free(s);
    }
    if (n == 1 && spf_record_parse(found, flen, &rec, &err) == RC_OK) {
        domain = strip_dot(a->qname);
        prefetch_record(ev, domain, rec, idx);
        free(domain);
        spf_record_free(rec);
    } else if (n == 1) {
        spf_error_fini(&err);
    }
    free(found);
}

static void
prefetch_record(struct spf_eval *ev, const char *domain,
                const struct spf_record *rec, size_t depth)
{
    for (size_t i = 0; i < rec->nterms; i++) {
        const struct spf_term *t = &rec->terms[i];
        char *name;
        char rev[80];

        if (t->type == SPF_TERM_REDIRECT ? rec->has_all
                                         : t->type != SPF_TERM_MECH)
            continue;
        if (t->type == SPF_TERM_MECH &&
            (t->mech == SPF_MECH_ALL || t->mech == SPF_MECH_IP4 ||
             t->mech == SPF_MECH_IP6))
            continue;
        if (t->type == SPF_TERM_MECH && t->mech == SPF_MECH_PTR) {
            if (!ev->ptr_prefetched && prefetch_ok(ev)) {
                ev->ptr_prefetched = true;
                net_reverse_name(&ev->ip, rev, sizeof(rev));
                ask(ev, NULL, rev, DNS_T_PTR, on_prefetch_none, 0);
            }
            continue;
        }
        if (t->spec != NULL && spf_has_macro(t->spec))
            continue;
        name = strip_dot(t->spec != NULL ? t->spec : domain);
        if (!spf_name_queryable(name) || !prefetch_ok(ev)) {
            free(name);
            continue;
        }
        if (t->type == SPF_TERM_REDIRECT || t->mech == SPF_MECH_INCLUDE)
            ask(ev, NULL, name, DNS_T_TXT, on_prefetch_txt, depth + 1);
        else if (t->mech == SPF_MECH_MX)
            ask(ev, NULL, name, DNS_T_MX, on_prefetch_mx, 0);
        else if (t->mech == SPF_MECH_A)
            ask(ev, NULL, name, ev->atype, on_prefetch_none, 0);
        else
            ask(ev, NULL, name, DNS_T_A, on_prefetch_none, 0);
        free(name);
    }
}

/* ---- public ---- */

struct spf_eval *
check_spf_eval_start(struct dns *dns, const struct spf_request *req)
{
    struct spf_eval *ev = xcalloc(1, sizeof(*ev));
    const char *helo = req->helo != NULL ? req->helo : "";
    char *local, *sdomain;
    struct frame *top;

    ev->dns = dns;
    ev->ip = req->ip;
    net_unmap(&ev->ip);
    ev->atype = ev->ip.family == AF_INET ? DNS_T_A : DNS_T_AAAA;
    ev->helo = xstrdup(helo);
    ev->receiver = req->receiver != NULL ? xstrdup(req->receiver) : NULL;
    ev->now = req->now != 0 ? req->now : (long long)time(NULL);
    ev->trace = req->trace;
    ev->v.result = SPF_RES_TEMPERROR;
    /* §2.4: the null reverse path checks postmaster@HELO; §4.3: a missing
     * local-part is "postmaster" */
    if (req->sender == NULL || req->sender[0] == '\0')
        spf_sender_split(helo, &local, &sdomain);
    else
        spf_sender_split(req->sender, &local, &sdomain);
    ev->sender = xasprintf("%s@%s", local, sdomain);
    top = frame_new(ev, NULL,
                    req->domain != NULL ? req->domain : sdomain);
    top->exp_ok = true;
    free(local);
    free(sdomain);
    frame_start(top);
    return ev;
}

bool
check_spf_eval_done(const struct spf_eval *ev)
{
    return ev->done;
}

const struct spf_verdict *
check_spf_eval_verdict(const struct spf_eval *ev)
{
    return &ev->v;
}

void
check_spf_eval_free(struct spf_eval *ev)
{
    struct frame *fr, *next;

    if (ev == NULL)
        return;
    for (struct ask *q = ev->asks; q != NULL; q = q->next)
        q->ev = NULL;
    for (fr = ev->frames; fr != NULL; fr = next) {
        next = fr->next_all;
        spf_record_free(fr->rec);
        batch_clear(&fr->batch);
        free(fr->domain);
        free(fr->exp_raw);
        free(fr->exp_text);
        free(fr->decider);
        free(fr->decider_domain);
        for (int i = 0; i < 3; i++)
            free(fr->why_args[i]);
        free(fr);
    }
    batch_clear(&ev->p);
    free(ev->v.mechanism);
    free(ev->v.mech_domain);
    free(ev->v.explanation);
    for (int i = 0; i < 3; i++)
        free(ev->v.why_args[i]);
    free(ev->sender);
    free(ev->helo);
    free(ev->receiver);
    free(ev);
}

/* ==== the spf step of `mailready check` ==== */

/* Bounds on the include tree (hostile or broken DNS). */
#define TREE_MAX_NODES 200
#define TREE_MAX_DEPTH 20
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
    NODE_CUT            /* past the tree's size bounds: not followed */
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
};

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
    size_t nnodes;
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
    n->domain = strip_dot(domain);
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
    if (is_void(a))
        p->voids++;
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

    if (spf_has_macro(t->spec)) {
        kid = node_new(st, n, t->spec, t->text);
        kid->state = NODE_MACRO;
        return;
    }
    name = strip_dot(t->spec);
    kid = node_new(st, n, name, t->text);
    if (is_ancestor(n, name))
        kid->state = NODE_LOOP;
    else if (st->nnodes > TREE_MAX_NODES || kid->depth > TREE_MAX_DEPTH)
        kid->state = NODE_CUT;
    else
        tree_fetch(kid);
    free(name);
}

static void
on_tree_txt(void *arg, const struct dns_answer *a)
{
    struct tree_node *n = arg;
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

            if (spf_is_record(s, len) && n->nrecords++ == 0) {
                found = s;
                flen = len;
                continue;
            }
            free(s);
        }
    }
    if (n->nrecords == 0) {
        n->state = NODE_NONE;
        return;
    }
    if (n->nrecords > 1) {
        n->state = NODE_MULTIPLE;
        free(found);
        return;
    }
    if (spf_record_parse(found, flen, &n->rec, &n->err) != RC_OK) {
        n->state = NODE_SYNTAX;
        free(found);
        return;
    }
    free(found);
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
        name = strip_dot(t->spec != NULL ? t->spec : n->domain);
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
        st->evals[st->nevals++] = check_spf_eval_start(ctx->dns, &req);
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
        check_spf_eval_free(st->evals[i]);
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
                       "one."), d, num);
        break;
    case NODE_SYNTAX: {
        char *term = visible(n->err.term);

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
        for (size_t i = 0; i < n->rec->nterms; i++) {
            const struct spf_term *t = &n->rec->terms[i];
            char *tt;

            if (t->type != SPF_TERM_MECH)
                continue;
            tt = visible(t->text);
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

static void
verdict_findings(struct spf_state *st, struct check_result *res)
{
    const char *domain = st->ctx->opts->domain;

    for (size_t i = 0; i < st->nevals; i++) {
        const struct spf_verdict *v = check_spf_eval_verdict(st->evals[i]);
        const char *ip = st->eval_ips[i];
        const char *rname = spf_result_name(v->result);
        char *mech = v->mechanism != NULL ? visible(v->mechanism) : NULL;
        json_t *o = json_object();
        char *disp;

        if (!check_spf_eval_done(st->evals[i])) {
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
        if (root->wire > UDP_PLAIN_MAX) {
            snprintf(num, sizeof(num), "%zu", root->wire);
            finding_add(&res->findings, SEV_WARN, "SPF_RECORD_TOO_LONG",
                        N_("The TXT answer of %1$s is about %2$s bytes, "
                           "more than the 512 that fit in a plain UDP "
                           "answer."), d, num);
        }
    }
    o = tree_json(root);
    json_object_set_new(o, "total_lookups", json_integer(root->subtotal));
    json_object_set_new(o, "void_lookups", json_integer(voids));
    json_array_insert_new(res->records, 0, o);
    free(d);
    verdict_findings(st, res);
}

const struct check_step_ops check_spf_ops = {
    .name = "spf",
    .title = N_("Sender Policy Framework (SPF)"),
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
      N_("The SPF record needs more than 10 DNS lookups."),
      N_("RFC 7208 §4.6.4: include, a, mx, ptr, exists and redirect count, "
         "also inside included records. Past 10 the result is permerror "
         "for any server not matched before the limit."),
      N_("Use the include tree to see which branch costs most. Replace a "
         "and mx by ip4/ip6 where the addresses are stable, drop includes "
         "of services you no longer use, or ask a provider for a flatter "
         "include.") },
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
      N_("The domain's TXT answer is too big for a plain UDP answer."),
      N_("An answer over 512 bytes needs EDNS or TCP. Some resolvers and "
         "firewalls fail on that, and receivers then get temperror."),
      N_("Shorten the SPF record (fewer terms, includes instead of long "
         "ip4 lists) and delete TXT records at the domain that are no "
         "longer needed, such as old verification tokens.") },
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
