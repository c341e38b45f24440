/* batch.h - many domains at once over one struct dns (issue 18).
 *
 * The scheduler keeps up to window domains in flight on one DNS layer
 * (one cache, one in-flight cap): it asks the source for the next
 * domain whenever a place is free, starts its check run, and hands the
 * finished runs to done() in input order.  A run that finishes early
 * waits for the ones before it, so at most window runs are held; when
 * the oldest one is slow, no new domain starts until it finishes (its
 * answers still time out by the DNS layer's rules).  Memory is bounded
 * by window, not by the number of domains: each run is freed once done()
 * returns, and the answers that only ended runs asked for are dropped
 * from the cache (dns_trim()).  Queries of older domains are sent first (struct dns_group
 * prio), so the head of the line keeps moving.
 *
 * The scheduler does no I/O of its own besides poll() on the DNS
 * sockets; the source and done() are the front end's.
 */
#ifndef MAILREADY_BATCH_H
#define MAILREADY_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/check.h"
#include "mailready/dns.h"

/* One domain of the batch.  The source fills opts (and user, its own
 * data: the strings opts points to live there); the scheduler owns ctx. */
struct batch_item {
    unsigned long seq;          /* 0, 1, ... in input order */
    struct check_opts opts;
    struct check_ctx ctx;
    void *user;
};

struct batch_progress {
    unsigned long started, done;
    size_t in_flight;           /* runs started, not yet handed over */
};

struct batch_ops {
    /* Fill it->opts and it->user for the next domain; false at the end
     * of the input (nothing filled).  May skip bad input itself. */
    bool (*next)(void *arg, struct batch_item *it);
    /* A finished run, in input order; it->ctx is complete.  Free what
     * it->user holds: the item is freed when this returns. */
    void (*done)(void *arg, struct batch_item *it);
    /* After each turn of the loop (at least once a second while it
     * runs), or NULL. */
    void (*tick)(void *arg, const struct batch_progress *p);
};

struct batch_opts {
    size_t window;              /* runs in flight at most; 0 means 64 */
    unsigned mask;              /* steps to run: CHECK_ALL_STEPS */
};

#define BATCH_WINDOW_DEFAULT 64

/* Run every domain the source gives, on d; returns when all are done.
 * Each domain gets DNS_QUERY_CAP more distinct queries on d. */
void batch_run(struct dns *d, const struct batch_opts *o,
               const struct batch_ops *ops, void *arg);

#endif
