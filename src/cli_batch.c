/* cli_batch.c - `mailready check --batch FILE`: many domains over one DNS
 * layer (issue 18).  Reads the domains, hands them to the scheduler
 * (batch.c) and writes each result as it is handed back, in input
 * order: JSON Lines, or one summary line per domain (--details: the full
 * report).  A progress line goes to stderr when it is a terminal. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mailready/batch.h"
#include "mailready/check_intent.h"
#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/journey.h"
#include "mailready/name.h"
#include "mailready/present.h"
#include "mailready/state.h"
#include "mailready/util.h"

/* Longest line of a batch file we read, newline excluded. */
#define BATCH_LINE_MAX 1024
/* Domains in flight for each query the cap lets out at once, and the
 * least and most of them: enough to keep the cap busy while the oldest
 * domains wait on their chains, few enough to bound memory. */
#define BATCH_WINDOW_PER_QUERY 2
#define BATCH_WINDOW_MIN 16
#define BATCH_WINDOW_MAX 1024

struct dom {
    char *alabel, *ulabel;
    unsigned long line;
    const char *ips[STATE_MAX_SERVER_IPS];
    const char *sels[STATE_MAX_SELECTORS];
    size_t nips, nsels;
    struct state *old;          /* --save, --since-last */
    bool can_save;
    struct check_intent intent; /* as a single check builds it */
};

struct run {
    const struct cli_common *com;
    const struct cli_target *tg;
    const struct cli_batch_args *ba;
    FILE *in;
    const char *fname;          /* for messages, visible-safe */
    unsigned long line;
    unsigned long total;        /* domains in the file, 0: unknown */
    enum check_status worst;
    unsigned long nfail, nbad;
    bool progress, shown;
    double t0, last_tick;
    bool utf8;
};

static double
mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Why read_line() dropped a line. */
enum line_bad { LINE_TOO_LONG = -1, LINE_NUL = -2 };

/* Read one line into buf (NUL-terminated, newline dropped).  Returns 0 at
 * the end, 1 for a line, or an enum line_bad for a line too long or
 * holding a NUL byte (read to its end and dropped). */
static int
read_line(FILE *in, char *buf, size_t size)
{
    size_t n = 0;
    int c;
    bool got = false, toolong = false, nul = false;

    while ((c = getc(in)) != EOF) {
        got = true;
        if (c == '\n')
            break;
        if (c == '\0')
            nul = true;
        if (n + 1 < size)
            buf[n++] = (char)c;
        else
            toolong = true;
    }
    buf[n] = '\0';
    if (!got)
        return 0;
    if (toolong)
        return LINE_TOO_LONG;
    return nul ? LINE_NUL : 1;
}

/* The domain on a line: blanks around it and a "#" comment dropped;
 * NULL for a line with nothing else. */
static char *
line_domain(char *s)
{
    char *hash = strchr(s, '#'), *end;

    if (hash != NULL)
        *hash = '\0';
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
                       end[-1] == '\r'))
        *--end = '\0';
    return *s != '\0' ? s : NULL;
}

static void
progress_clear(struct run *r)
{
    if (r->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        r->shown = false;
    }
}

static void
bad_line(struct run *r, const char *text, const char *msg)
{
    char *vis = str_visible(text, strnlen(text, 80));

    progress_clear(r);
    /* TRANSLATORS: a line of a --batch file that is skipped: file name,
     * line number, the line's text, why. */
    cli_errorf(_("mailready: %1$s:%2$lu: '%3$s' skipped: %4$s\n"),
               r->fname, r->line, vis, msg);
    free(vis);
    r->nbad++;
    r->worst = check_status_worse(r->worst, ST_ERROR);
}

static bool
src_next(void *arg, struct batch_item *it)
{
    struct run *r = arg;
    char buf[BATCH_LINE_MAX + 1];
    const char *why = NULL;
    int got;

    while ((got = read_line(r->in, buf, sizeof(buf))) != 0) {
        char *text, *alabel = NULL, *ulabel = NULL;
        struct dom *dm;

        r->line++;
        if (got == LINE_TOO_LONG) {
            char *msg = xasprintf(_("the line is longer than %d bytes"),
                                  BATCH_LINE_MAX);

            bad_line(r, buf, msg);
            free(msg);
            continue;
        }
        if (got == LINE_NUL) {
            bad_line(r, buf, _("the line holds a NUL byte"));
            continue;
        }
        text = line_domain(buf);
        if (text == NULL)
            continue;
        if (name_normalize(text, false, false, &alabel, &ulabel,
                           &why) != RC_OK) {
            char *msg = xasprintf(_("not a valid domain name: %s"),
                                  _(why));

            bad_line(r, text, msg);
            free(msg);
            continue;
        }
        dm = xcalloc(1, sizeof(*dm));
        dm->alabel = alabel;
        dm->ulabel = ulabel;
        dm->line = r->line;
        dm->can_save = true;
        memcpy(dm->ips, r->tg->ips, sizeof(dm->ips));
        memcpy(dm->sels, r->tg->sels, sizeof(dm->sels));
        dm->nips = r->tg->nips;
        dm->nsels = r->tg->nsels;
        it->opts.hostname = r->tg->hostname;
        it->opts.dkim_key = r->tg->dkim_key;
        /* Read in any case, as a single check does: the DMARC journey
         * is dated from the state. */
        progress_clear(r);
        dm->old = cli_state_load(r->com, alabel, &dm->can_save);
        if (r->ba->save || r->ba->since_last) {
            if (dm->old != NULL)
                cli_answers_defaults(&dm->old->answers, dm->ips, &dm->nips,
                                     ARRAY_LEN(dm->ips), dm->sels,
                                     &dm->nsels, ARRAY_LEN(dm->sels),
                                     &it->opts);
        }
        it->opts.domain = dm->alabel;
        it->opts.server_ips = dm->ips;
        it->opts.n_server_ips = dm->nips;
        it->opts.selectors = dm->sels;
        it->opts.n_selectors = dm->nsels;
        it->opts.datadir = i18n_datadir();
        cli_intent_of(&dm->intent, dm->alabel,
                      dm->old != NULL ? &dm->old->answers : NULL, dm->ips,
                      dm->nips);
        it->opts.intent = &dm->intent;
        it->user = dm;
        return true;
    }
    if (ferror(r->in)) {
        progress_clear(r);
        cli_errorf(_("mailready: cannot read %1$s: %2$s\n"), r->fname,
                   strerror(errno));
        r->worst = check_status_worse(r->worst, ST_ERROR);
    }
    return false;
}

/* The first finding of the worst severity over the run, or NULL. */
static const struct finding *
worst_finding(const struct check_ctx *ctx)
{
    const struct finding *best = NULL;
    enum check_status bst = ST_OK;

    for (int i = 0; i < STEP_COUNT; i++) {
        const struct check_result *res = &ctx->res[i];

        if (!res->ran)
            continue;
        for (size_t k = 0; k < res->findings.n; k++) {
            const struct finding *f = &res->findings.v[k];
            enum check_status st = sev_status(f->sev);

            if (st != ST_OK && (best == NULL ||
                                check_status_worse(st, bst) != bst)) {
                best = f;
                bst = st;
            }
        }
    }
    return best;
}

static void
summary_line(FILE *fp, struct check_ctx *ctx, const char *ulabel,
             enum check_status st, bool utf8)
{
    const struct finding *f = worst_finding(ctx);

    if (f == NULL) {
        /* TRANSLATORS: --batch, a domain with nothing to report: status
         * tag, domain, status word. */
        fprintf(fp, _("%1$s %2$s: %3$s\n"), present_status_tag(st, utf8),
                ulabel, present_status_word(st));
    } else {
        char *msg = present_finding_message(f);

        /* TRANSLATORS: --batch, one line per domain: status tag, domain,
         * status word, the worst finding's message. */
        fprintf(fp, _("%1$s %2$s: %3$s: %4$s\n"),
                present_status_tag(st, utf8), ulabel,
                present_status_word(st), msg);
        free(msg);
    }
}

static void
print_json_line(json_t *j)
{
    json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
}

static void
src_done(void *arg, struct batch_item *it)
{
    struct run *r = arg;
    struct dom *dm = it->user;
    struct check_ctx *ctx = &it->ctx;
    struct state *cur = NULL;
    time_t now = time(NULL);
    struct journey_dmarc jd;

    journey_dmarc_apply(ctx, dm->old, r->com->dmarc_monitor_days, now, &jd);
    enum check_status st = check_run_status(ctx);

    progress_clear(r);
    if (r->ba->save || r->ba->since_last) {
        cur = dm->old != NULL ? state_clone(dm->old)
                              : state_new(dm->alabel);
        state_update_from_ctx(cur, ctx, now);
        journey_dmarc_note(cur, &jd);
        cli_answers_store(&cur->answers, &it->opts);
    }
    if (r->ba->since_last) {
        struct state_diff d;
        bool changed;

        /* Only the domains that changed; each one as a single
         * --since-last would show it. */
        state_diff(dm->old, cur, &d);
        changed = d.n_changed > 0;
        state_diff_fini(&d);
        if (changed && r->com->json) {
            json_t *j = cli_since_json(dm->old, cur, dm->ulabel, st);

            print_json_line(j);
            json_decref(j);
        } else if (changed) {
            cli_since_text(stdout, dm->old, cur, dm->ulabel);
        }
    } else if (r->com->json) {
        json_t *j = cli_report_json(ctx, dm->ulabel, (long long)now);

        print_json_line(j);
        json_decref(j);
    } else if (r->ba->details) {
        cli_report_text(stdout, ctx, dm->ulabel);
        fputc('\n', stdout);
    } else {
        summary_line(stdout, ctx, dm->ulabel, st, r->utf8);
    }
    fflush(stdout);
    if (r->ba->save && (!dm->can_save || !cli_state_save(r->com, cur)))
        st = check_status_worse(st, ST_ERROR);
    if (st == ST_FAIL || st == ST_ERROR)
        r->nfail++;
    r->worst = check_status_worse(r->worst, st);
    state_free(cur);
    check_intent_fini(&dm->intent);
    state_free(dm->old);
    free(dm->alabel);
    free(dm->ulabel);
    free(dm);
}

static void
fmt_secs(char *buf, size_t size, double s)
{
    unsigned long t = s > 0 && s < 1e7 ? (unsigned long)(s + 0.5) : 0;

    if (t >= 3600)
        snprintf(buf, size, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60,
                 t % 60);
    else
        snprintf(buf, size, "%lu:%02lu", t / 60, t % 60);
}

static void
src_tick(void *arg, const struct batch_progress *p)
{
    struct run *r = arg;
    double now = mono_s(), el = now - r->t0;
    double rate = el > 0 ? (double)p->done / el : 0;
    char left[32];

    if (!r->progress || now - r->last_tick < 0.2)
        return;
    r->last_tick = now;
    if (r->total > 0 && p->done <= r->total) {
        if (rate > 0)
            fmt_secs(left, sizeof(left),
                     (double)(r->total - p->done) / rate);
        else
            snprintf(left, sizeof(left), "-:--");
        /* TRANSLATORS: --batch progress on a terminal: done, total,
         * failed or not checked so far, domains per second, time left
         * (m:ss). */
        fputc('\r', stderr);
        fprintf(stderr, _("%1$lu/%2$lu done, %3$lu failed, %4$.1f/s, "
                          "%5$s left"), p->done, r->total, r->nfail,
                rate, left);
    } else {
        /* TRANSLATORS: --batch progress when the total is not known
         * (standard input): done, failed so far, domains per second. */
        fputc('\r', stderr);
        fprintf(stderr, _("%1$lu done, %2$lu failed, %3$.1f/s"),
                p->done, r->nfail, rate);
    }
    fputs("\033[K", stderr);
    fflush(stderr);
    r->shown = true;
}

/* Domains in a regular file (for the progress line); 0 if unknown. */
static unsigned long
count_domains(FILE *in)
{
    struct stat sb;
    char buf[BATCH_LINE_MAX + 1];
    unsigned long n = 0;
    int got;

    if (fstat(fileno(in), &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    while ((got = read_line(in, buf, sizeof(buf))) != 0)
        if (got > 0 && line_domain(buf) != NULL)
            n++;
    if (fseek(in, 0, SEEK_SET) != 0) {
        clearerr(in);
        return 0;
    }
    clearerr(in);
    return n;
}

int
cli_check_batch(const struct cli_common *com, const struct cli_target *tg,
                const struct cli_batch_args *ba)
{
    struct cli_common bc = *com;
    struct run r;
    struct dns *dns;
    struct batch_opts bo;
    struct batch_ops ops = { src_next, src_done, src_tick };
    bool is_stdin = strcmp(ba->file, "-") == 0;
    char *vis = str_visible(ba->file, strlen(ba->file));
    int ret = CLI_EXIT_ERROR;
    size_t window;

    memset(&r, 0, sizeof(r));
    r.com = com;
    r.tg = tg;
    r.ba = ba;
    r.fname = is_stdin ? _("standard input") : vis;
    r.in = is_stdin ? stdin : fopen(ba->file, "r");
    if (r.in == NULL) {
        cli_errorf(_("mailready: cannot open %1$s: %2$s\n"), vis,
                   strerror(errno));
        free(vis);
        return CLI_EXIT_ERROR;
    }
    r.utf8 = present_utf8();
    r.progress = isatty(STDERR_FILENO) && !com->trace;
    if (r.progress)
        r.total = count_domains(r.in);
    /* The run's deadline of a single check would cut a long batch short:
     * here it bounds the whole batch only when --deadline is given; each
     * answer still gets --timeout. */
    if (bc.deadline_s == 0)
        bc.deadline_s = UINT_MAX / 1000;
    dns = cli_dns_new(&bc);
    if (dns == NULL)
        goto out;
    window = (size_t)com->max_inflight * BATCH_WINDOW_PER_QUERY;
    if (window < BATCH_WINDOW_MIN)
        window = BATCH_WINDOW_MIN;
    if (window > BATCH_WINDOW_MAX)
        window = BATCH_WINDOW_MAX;
    bo.window = window;
    bo.mask = CHECK_DEFAULT_STEPS;
    r.t0 = mono_s();
    batch_run(dns, &bo, &ops, &r);
    progress_clear(&r);
    ret = check_status_exit(r.worst);
    dns_free(dns);
out:
    if (!is_stdin)
        fclose(r.in);
    free(vis);
    return ret;
}
