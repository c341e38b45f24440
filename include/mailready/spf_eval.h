/* spf_eval.h - check_host() of RFC 7208 §4 over struct dns: the evaluator
 * behind `mailready spf` and the --server-ip verdicts of the spf step.
 *
 * The record parser and macro expansion it uses are pure code in spf.h;
 * the spf step of `mailready check` (lint, include tree, verdicts) is
 * check_spf.h and only calls the four functions below.
 *
 * The evaluator never blocks: spf_eval_start() sends the first query and
 * returns; the answers drive it from dns_process()/dns_run().  It is done
 * when spf_eval_done() says so (at the latest when dns_pending() is 0).
 * Besides the queries of the evaluation itself it sends at most 64
 * prefetch queries ahead of need; the dns layer merges and caches them.
 *
 * Ownership: struct spf_eval is opaque and owned by the caller from
 * spf_eval_start() until spf_eval_free().  The struct dns is borrowed and
 * must outlive the evaluation; spf_eval_free() may come first, with
 * queries still in flight (their answers are dropped when they come).
 * Everything in struct spf_verdict belongs to the evaluation.
 */
#ifndef MAILREADY_SPF_EVAL_H
#define MAILREADY_SPF_EVAL_H

#include <stdbool.h>
#include <stdio.h>

#include "mailready/dns.h"
#include "mailready/net.h"
#include "mailready/spf.h"

/* What check_host() is asked (RFC 7208 §4.1).  Copied by spf_eval_start():
 * the strings need not outlive the call; trace must outlive the
 * evaluation. */
struct spf_request {
    const char *domain;     /* <domain>; NULL: the sender's domain */
    const char *sender;     /* MAIL FROM; NULL or "": the null reverse
                             * path, the identity is postmaster@helo */
    const char *helo;       /* HELO/EHLO name, may be NULL */
    struct ipaddr ip;       /* the client (IPv4-mapped is unmapped) */
    const char *receiver;   /* %{r}, NULL: "unknown" */
    long long now;          /* %{t}; 0: the current time */
    FILE *trace;            /* each term and its outcome, or NULL */
};

struct spf_verdict {
    enum spf_result result;
    char *mechanism;        /* the deciding term as written; NULL when no
                             * term matched (the default neutral) */
    size_t mechanism_len;   /* its length: a term with a syntax error may
                             * hold a NUL (show it with str_visible()) */
    char *mech_domain;      /* domain of the record holding it, or NULL */
    char *explanation;      /* the exp= text of a fail, or NULL */
    /* For permerror and temperror: an N_() sentence and up to three
     * string arguments (%1$s, %2$s, %3$s; pass all three), visible-safe
     * already (str_visible(): a term with a NUL inside is whole). */
    const char *why;
    char *why_args[3];
    unsigned lookups;       /* DNS-querying terms evaluated (§4.6.4) */
    unsigned void_lookups;
};

struct spf_eval;

/* Start check_host() for req (copied).  Never NULL. */
struct spf_eval *spf_eval_start(struct dns *dns,
                                const struct spf_request *req);
bool spf_eval_done(const struct spf_eval *ev);
/* The verdict (borrowed, valid until spf_eval_free()); its result is
 * temperror while not done. */
const struct spf_verdict *spf_eval_verdict(const struct spf_eval *ev);
/* May be called with queries in flight: their answers are then ignored.
 * NULL is accepted. */
void spf_eval_free(struct spf_eval *ev);

/* true if a is a void lookup of RFC 7208 §4.6.4: NXDOMAIN, or no record
 * of the type asked.  The spf step's lint counts voids with it too. */
bool spf_eval_is_void(const struct dns_answer *a);

#endif
