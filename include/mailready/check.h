/* check.h - the check runner.
 *
 * A run checks one domain for every step at once: each step's start()
 * sends its first queries through struct dns; their callbacks send the next
 * ones.  Because the dns layer merges identical queries and caches answers,
 * steps may ask for the same names freely (PTR re-asks the MX records; it
 * costs nothing).  When no query is pending, finish() runs for each step
 * in step order; it may read the results of earlier steps.  The runner does
 * no I/O of its own and never blocks: the CLI calls dns_run(), the wizard
 * polls.
 */
#ifndef MAILREADY_CHECK_H
#define MAILREADY_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "mailready/dns.h"
#include "mailready/finding.h"

enum check_step {
    STEP_MX,
    STEP_SPF,
    STEP_DKIM,
    STEP_DMARC,
    STEP_PTR,
    STEP_SMTP,          /* delivery: SMTP, STARTTLS, certificates */
    STEP_COUNT
};

struct check_intent;
struct check_auth;

struct check_opts {
    const char *domain;                 /* A-label, normalised */
    const char *const *server_ips;      /* --server-ip, literal addresses */
    size_t n_server_ips;
    const char *const *selectors;       /* --selector */
    size_t n_selectors;
    const char *hostname;               /* --hostname, or NULL */
    const char *dkim_key;               /* --dkim-key FILE, or NULL */
    const char *datadir;                /* data files (selectors, presets) */
    const struct check_intent *intent;  /* the admin's declared setup
                                         * (check_intent.h), or NULL */
    bool authoritative;                 /* ask the zone's own name
                                         * servers too (check_auth.h) */
    unsigned auth_port;                 /* their port; 0: 53 */
    unsigned smtp_port;                 /* --smtp-port; 0: 25 */
    unsigned https_port;                /* --https-port (the MTA-STS
                                         * policy); 0: 443 */
    unsigned smtp_timeout_ms;           /* per SMTP connection; 0: 10 s */
    const char *ca_file;                /* --ca-file, or NULL */
};

struct check_result {
    enum check_step step;
    bool ran;                   /* the step was part of the run */
    struct findings findings;
    json_t *records;            /* JSON array of what was found; owned.
                                 * Elements are strings (a record in
                                 * presentation form) or objects; an object
                                 * may carry "display" (text, may hold
                                 * newlines) for the text report. */
};

struct check_ctx {
    struct dns *dns;                    /* borrowed */
    const struct check_opts *opts;      /* borrowed */
    struct check_result res[STEP_COUNT];
    void *state[STEP_COUNT];            /* private to each step */
    unsigned steps;                     /* mask of steps in this run */
    bool finished;
    struct check_auth *auth;            /* the authoritative view when
                                         * opts->authoritative, else
                                         * NULL; owned */
    bool auth_evaluated;
    bool grp_only;                      /* check_run_poll() waits for
                                         * this run's queries only (a
                                         * batch); else for every query
                                         * of the struct dns (the wizard
                                         * asks more beside the run) */
    struct dns_group grp;               /* this run's queries (several
                                         * runs may share one struct
                                         * dns); set grp.prio before
                                         * check_run_start() to rank
                                         * them (lower goes first) */
};

struct check_step_ops {
    const char *name;                   /* "mx" */
    const char *title;                  /* N_() "Mail servers (MX)" */
    void (*start)(struct check_ctx *ctx);
    void (*finish)(struct check_ctx *ctx);     /* may be NULL */
    void (*free_state)(void *state);           /* may be NULL */
};

#define CHECK_ALL_STEPS ((1u << STEP_COUNT) - 1)
/* What a run checks unless told otherwise: the DNS steps.  The delivery
 * step connects to the mail servers (port 25), which many networks block
 * and which a check of DNS alone must not do behind the admin's back: it
 * runs when asked for (check --steps, the wizard's Delivery screen). */
#define CHECK_DEFAULT_STEPS (CHECK_ALL_STEPS & ~(1u << STEP_SMTP))

const struct check_step_ops *check_step_ops(enum check_step step);
/* STEP_MX -> "mx" (every step has a name, built or not); NULL if out of
 * range. */
const char *check_step_name(enum check_step step);
/* "mx" -> STEP_MX; returns -1 if unknown. */
int check_step_from_name(const char *name);

void check_ctx_init(struct check_ctx *ctx, struct dns *dns,
                    const struct check_opts *opts);
/* The steps' callbacks use their state until they have run: while a run
 * is in flight, dns_free() the struct dns first (each pending callback
 * gets DNS_CANCELLED, records nothing and asks nothing more), then call
 * this.  Never call check_run_poll() after that dns_free(). */
void check_ctx_fini(struct check_ctx *ctx);

/* Start the steps in mask; returns at once. */
void check_run_start(struct check_ctx *ctx, unsigned mask);
/* Call after dns_process(): when nothing is pending (with grp_only:
 * nothing of this run; other runs on the same struct dns may be), runs
 * the finish hooks once and returns true. */
bool check_run_poll(struct check_ctx *ctx);
/* Start and run to the end (CLI). */
void check_run_all(struct check_ctx *ctx, unsigned mask);

/* The step's result, borrowed. */
struct check_result *check_result_of(struct check_ctx *ctx,
                                     enum check_step step);
enum check_status check_step_status(const struct check_ctx *ctx,
                                    enum check_step step);
enum check_status check_run_status(const struct check_ctx *ctx);

/* Record a DNS error status as a SEV_ERROR finding DNS_TIMEOUT,
 * DNS_SERVFAIL or DNS_ERROR (REFUSED, malformed, truncated, CNAME loop,
 * other) about name/type.  DNS_CANCELLED records nothing. */
void check_add_dns_error(struct findings *fs, const struct dns_answer *a);

/* Append a record string to res->records (copied, made visible-safe). */
void check_add_record(struct check_result *res, const char *text);

#endif
