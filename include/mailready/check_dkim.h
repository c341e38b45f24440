/* check_dkim.h - the DKIM step (RFC 6376 §3.6, RFC 8463, RFC 8301). */
#ifndef MAILREADY_CHECK_DKIM_H
#define MAILREADY_CHECK_DKIM_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "mailready/check.h"

extern const struct check_step_ops check_dkim_ops;
extern const struct finding_info check_dkim_findings[];

/* Dated selectors (YYYYMM) tried in discovery: the current month and the
 * months before it, this many in all. */
#define CHECK_DKIM_DATED_MONTHS 12

/* After the DKIM step's finish(): at how many selectors (given or
 * discovered) it found key records, usable or not (a broken key is the
 * DKIM step's finding, not a missing key); -1 if the step did not run or
 * could not tell. */
int check_dkim_keys_found(const struct check_ctx *ctx);

/* The selectors named in the DKIM step's records (its "selector"
 * fields: where a key record was found, given or discovered), each once,
 * in order; only names usable as selectors.  Works on a run's records and
 * on saved ones.  Strings borrowed from records; returns how many (at
 * most max). */
size_t check_dkim_record_selectors(const json_t *records, const char **out,
                                   size_t max);

/* The domain's own SPF as seen in its TXT answer (NULL allowed). */
struct check_spf_view {
    bool known;         /* the TXT answer was definite (no DNS error) */
    int n_spf;          /* records starting with v=spf1 */
    bool no_mail;       /* exactly one, and it is "v=spf1 -all" */
};

void check_spf_view(const struct dns_answer *txt, struct check_spf_view *out);

/* The selectors discovery tries: those of datadir/selectors.txt, then the
 * dated ones for the month of now (epoch seconds).  *out (caller frees
 * each and the array) and *n.  Returns false if the file could not be
 * read (the dated ones are still returned). */
bool check_dkim_selector_list(const char *datadir, long long now,
                              char ***out, size_t *n);

#endif
