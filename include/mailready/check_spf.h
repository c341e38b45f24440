/* check_spf.h - the SPF step of `mailready check` and the check_host()
 * evaluator of RFC 7208 §4 over struct dns (used by `mailready spf`).
 *
 * The evaluator never blocks: check_spf_eval_start() sends the first
 * query and returns; the answers drive it from dns_process()/dns_run().
 * It is done when check_spf_eval_done() says so (at the latest when
 * dns_pending() is 0).
 */
#ifndef MAILREADY_CHECK_SPF_H
#define MAILREADY_CHECK_SPF_H

#include <stdbool.h>
#include <stdio.h>

#include "mailready/check.h"
#include "mailready/dns.h"
#include "mailready/net.h"
#include "mailready/spf.h"

extern const struct check_step_ops check_spf_ops;
extern const struct finding_info check_spf_findings[];

/* What check_host() is asked (RFC 7208 §4.1). */
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
    char *mech_domain;      /* domain of the record holding it, or NULL */
    char *explanation;      /* the exp= text of a fail, or NULL */
    /* For permerror and temperror: an N_() sentence and up to three
     * string arguments (%1$s, %2$s, %3$s; pass all three). */
    const char *why;
    char *why_args[3];
    unsigned lookups;       /* DNS-querying terms evaluated (§4.6.4) */
    unsigned void_lookups;
};

struct spf_eval;

/* Start check_host() for req (copied).  Never NULL. */
struct spf_eval *check_spf_eval_start(struct dns *dns,
                                      const struct spf_request *req);
bool check_spf_eval_done(const struct spf_eval *ev);
/* The verdict (borrowed, valid until check_spf_eval_free()); its result
 * is temperror while not done. */
const struct spf_verdict *check_spf_eval_verdict(const struct spf_eval *ev);
/* May be called with queries in flight: their answers are then ignored. */
void check_spf_eval_free(struct spf_eval *ev);

#endif
