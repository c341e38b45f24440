/* batch.c - many check runs on one struct dns, in a bounded window, their
 * results handed over in input order (batch.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/batch.h"
#include "mailready/util.h"

/* Sockets we poll: c-ares keeps few (one UDP socket per server, a TCP
 * connection after a truncated answer). */
#define BATCH_MAX_FDS 64

struct batch {
    struct dns *d;
    const struct batch_ops *ops;
    void *arg;
    unsigned mask;
    struct batch_item **ring;   /* window places, oldest at head */
    bool *fin;                  /* the run at the same place finished */
    size_t window, head, count;
    bool eof;
    struct batch_progress prog;
    unsigned long trimmed_at;   /* prog.done at the last dns_trim() */
};

/* Start runs while places are free and the source has domains. */
static bool
fill(struct batch *b)
{
    bool any = false;

    while (!b->eof && b->count < b->window) {
        size_t at = (b->head + b->count) % b->window;
        struct batch_item *it = xcalloc(1, sizeof(*it));

        if (!b->ops->next(b->arg, it)) {
            free(it);
            b->eof = true;
            break;
        }
        it->seq = b->prog.started++;
        check_ctx_init(&it->ctx, b->d, &it->opts);
        it->ctx.grp.prio = it->seq;
        it->ctx.grp_only = true;
        dns_add_query_cap(b->d, DNS_QUERY_CAP);
        b->ring[at] = it;
        b->fin[at] = false;
        b->count++;
        check_run_start(&it->ctx, b->mask);
        any = true;
    }
    return any;
}

/* Mark the finished runs; hand over the oldest ones in order.  true if
 * one was handed over (a place is free). */
static bool
collect(struct batch *b)
{
    bool any = false;

    for (size_t i = 0; i < b->count; i++) {
        size_t at = (b->head + i) % b->window;

        if (!b->fin[at] && check_run_poll(&b->ring[at]->ctx))
            b->fin[at] = true;
    }
    while (b->count > 0 && b->fin[b->head]) {
        struct batch_item *it = b->ring[b->head];

        b->ops->done(b->arg, it);
        check_ctx_fini(&it->ctx);
        free(it);
        b->ring[b->head] = NULL;
        b->fin[b->head] = false;
        b->head = (b->head + 1) % b->window;
        b->count--;
        b->prog.done++;
        any = true;
    }
    /* Every run before the head has ended: what only they asked for
     * can go (a provider's include that the runs in flight still ask
     * for has their prio and stays). */
    if (any && b->prog.done - b->trimmed_at >= b->window / 4 + 1) {
        b->trimmed_at = b->prog.done;
        dns_trim(b->d, b->prog.done);
    }
    b->prog.in_flight = b->count;
    return any;
}

void
batch_run(struct dns *d, const struct batch_opts *o,
          const struct batch_ops *ops, void *arg)
{
    struct batch b;

    memset(&b, 0, sizeof(b));
    b.d = d;
    b.ops = ops;
    b.arg = arg;
    b.mask = o->mask;
    b.window = o->window ? o->window : BATCH_WINDOW_DEFAULT;
    b.ring = xcalloc(b.window, sizeof(*b.ring));
    b.fin = xcalloc(b.window, sizeof(*b.fin));
    for (;;) {
        struct pollfd fds[BATCH_MAX_FDS];
        int n, t;
        bool moved;

        moved = fill(&b);
        moved = collect(&b) || moved;
        if (ops->tick != NULL)
            ops->tick(arg, &b.prog);
        if (b.eof && b.count == 0)
            break;
        if (moved)
            continue;           /* refill before waiting */
        n = dns_pollfds(d, fds, BATCH_MAX_FDS);
        t = dns_timeout_ms(d, 1000);
        if (t != 0 && poll(fds, (nfds_t)n, t) < 0 && errno != EINTR)
            t = 0;
        if (t == 0)
            for (int i = 0; i < n; i++)
                fds[i].revents = 0;
        dns_process(d, fds, n);
    }
    free(b.ring);
    free(b.fin);
}
