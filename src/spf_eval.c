/* spf_eval.c - check_host() of RFC 7208 over struct dns (spf_eval.h).
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

#include "mailready/spf_eval.h"
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
    size_t decider_len;         /* a NUL may be inside (a bad term) */
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
    /* The run is being thrown away (dns_free()): nothing to evaluate,
     * nothing more to ask. */
    if (a->status != DNS_CANCELLED)
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

bool
spf_eval_is_void(const struct dns_answer *a)
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

/* The reason with arguments that are visible-safe already (a child's,
 * or made so by the caller). */
static void
set_why_vis(struct frame *fr, const char *why, const char *a1,
            const char *a2, const char *a3)
{
    const char *args[3] = { a1, a2, a3 };

    fr->why = why;
    for (int i = 0; i < 3; i++) {
        char *v = xstrdup(args[i] != NULL ? args[i] : "");
        free(fr->why_args[i]);
        fr->why_args[i] = v;
    }
}

/* The reason with arguments from DNS or the record: kept visible-safe
 * (str_visible()), so that a term holding a NUL can be shown whole. */
static void
set_why(struct frame *fr, const char *why, const char *a1, const char *a2,
        const char *a3)
{
    const char *args[3] = { a1, a2, a3 };
    char *v[3];

    for (int i = 0; i < 3; i++)
        v[i] = args[i] != NULL ? str_visible(args[i], strlen(args[i]))
                               : NULL;
    set_why_vis(fr, why, v[0], v[1], v[2]);
    for (int i = 0; i < 3; i++)
        free(v[i]);
}

/* The deciding term, len bytes (a term with a syntax error may hold a
 * NUL); a copy with a NUL after the len bytes. */
static void
set_decider_len(struct frame *fr, const char *term, size_t len,
                const char *domain)
{
    free(fr->decider);
    free(fr->decider_domain);
    fr->decider = NULL;
    fr->decider_len = 0;
    if (term != NULL) {
        fr->decider = xmalloc(len + 1);
        memcpy(fr->decider, term, len);
        fr->decider[len] = '\0';
        fr->decider_len = len;
    }
    fr->decider_domain = domain != NULL ? xstrdup(domain) : NULL;
}

static void
set_decider(struct frame *fr, const char *term, const char *domain)
{
    set_decider_len(fr, term, term != NULL ? strlen(term) : 0, domain);
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
            ev->p.names[ev->p.n] = str_without_dot(rr->u.name);
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
    if (spf_eval_is_void(a)) {
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
    if (spf_eval_is_void(a)) {
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
    if (spf_eval_is_void(a)) {
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
        char *h = str_without_dot(rr->u.mx.host);

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
    if (spf_eval_is_void(a)) {
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
        char *n = str_without_dot(rr->u.name);

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
        set_decider_len(fr, child->decider, child->decider_len,
                        child->decider_domain);
        if (child->why != NULL)
            set_why_vis(fr, child->why, child->why_args[0],
                        child->why_args[1], child->why_args[2]);
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
        set_why_vis(fr, child->why, child->why_args[0], child->why_args[1],
                    child->why_args[2]);
        if (child->decider != NULL)
            set_decider_len(fr, child->decider, child->decider_len,
                            child->decider_domain);
        else
            set_decider(fr, t->text, fr->domain);
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
        /* The whole term, a NUL inside included (err.term_len). */
        char *term = str_visible(err.term, err.term_len);
        char *dom = str_visible(fr->domain, strlen(fr->domain));
        set_why_vis(fr, err.msgid, term, pos, dom);
        free(term);
        free(dom);
        set_decider_len(fr, err.term, err.term_len, fr->domain);
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
    fr->domain = str_without_dot(domain);
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
    v->mechanism = NULL;
    v->mechanism_len = 0;
    if (fr->decider != NULL) {
        v->mechanism = xmalloc(fr->decider_len + 1);
        memcpy(v->mechanism, fr->decider, fr->decider_len + 1);
        v->mechanism_len = fr->decider_len;
    }
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
        char *h = str_without_dot(rr->u.mx.host);

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
        domain = str_without_dot(a->qname);
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
        name = str_without_dot(t->spec != NULL ? t->spec : domain);
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
spf_eval_start(struct dns *dns, const struct spf_request *req)
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
spf_eval_done(const struct spf_eval *ev)
{
    return ev->done;
}

const struct spf_verdict *
spf_eval_verdict(const struct spf_eval *ev)
{
    return &ev->v;
}

void
spf_eval_free(struct spf_eval *ev)
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
