/* cli_check.c - `mailready check DOMAIN [options]`: every check, no screen,
 * for people, scripts, cron and monitoring. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailready/check_auth.h"
#include "mailready/check_intent.h"
#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/journey.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/state.h"
#include "mailready/util.h"

/* What check takes besides the common options. */
struct check_args {
    bool save;
    bool since_last;
    const char *batch;          /* --batch FILE, or NULL */
    bool details;
    unsigned wait_s;            /* --wait, 0: not given */
    const char *steps;          /* --steps LIST, or NULL: the default */
    unsigned smtp_port;         /* --smtp-port, 0: 25 */
    unsigned https_port;        /* --https-port, 0: 443 */
    const char *ca_file;        /* --ca-file, or NULL */
};

/* --wait alone: this many seconds at most. */
#define CHECK_WAIT_DEFAULT 900

/* --max-inflight when --batch is given without it. */
#define CHECK_BATCH_INFLIGHT 200

static const struct cli_opt check_own[] = {
    {
        .name = "--save", .arg = CLI_ARG_FLAG, .dest = CLI_DEST_CMD,
        .off = offsetof(struct check_args, save),
        .help = N_("store the result in the saved state"),
    },
    {
        .name = "--since-last", .arg = CLI_ARG_FLAG, .dest = CLI_DEST_CMD,
        .off = offsetof(struct check_args, since_last),
        .help = N_("print only what changed since the saved state"),
    },
    {
        .name = "--batch", .arg = CLI_ARG_STR, .metavar = N_("FILE"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct check_args, batch),
        .help = N_("check every domain of FILE, one a line (- for\n"
                   "standard input; # starts a comment)"),
    },
    {
        .name = "--details", .arg = CLI_ARG_FLAG, .dest = CLI_DEST_CMD,
        .off = offsetof(struct check_args, details),
        .help = N_("with --batch: the full report of each domain,\n"
                   "not one line"),
    },
    {
        .name = "--wait", .arg = CLI_ARG_UINT, .metavar = N_("[SECONDS]"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct check_args, wait_s),
        .min = 1, .max = 86400, .value_optional = true,
        .dflt = CHECK_WAIT_DEFAULT,
        .help = N_("check again until the resolver sees what the\n"
                   "name servers publish (default 900 s; exit 3\n"
                   "when the time runs out)"),
    },
    {
        .name = "--steps", .arg = CLI_ARG_STR, .metavar = N_("LIST"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct check_args, steps),
        .help = N_("check only these steps, comma-separated, or all:\n"
                   "mx,spf,dkim,dmarc,ptr,smtp (default: all but smtp,\n"
                   "the delivery step, which connects to port 25)"),
    },
    {
        .name = "--smtp-port", .arg = CLI_ARG_UINT, .metavar = N_("N"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct check_args, smtp_port),
        .min = 1, .max = 65535,
        .help = N_("advanced: connect to the mail servers on port N\n"
                   "instead of 25 (tests, unusual setups)"),
    },
    {
        .name = "--https-port", .arg = CLI_ARG_UINT, .metavar = N_("N"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct check_args, https_port),
        .min = 1, .max = 65535,
        .help = N_("advanced: fetch the MTA-STS policy from port N\n"
                   "instead of 443"),
    },
    {
        .name = "--ca-file", .arg = CLI_ARG_STR, .metavar = N_("FILE"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct check_args, ca_file),
        .help = N_("advanced: trust the CA certificates of FILE (PEM)\n"
                   "besides the system's"),
    },
    {
        .name = "--max-inflight", .arg = CLI_ARG_UINT, .metavar = N_("N"),
        .dest = CLI_DEST_COMMON,
        .off = offsetof(struct cli_common, max_inflight),
        .min = 1, .max = 10000,
        .help = N_("at most N DNS queries outstanding at once\n"
                   "(1 to 10000; default 200 with --batch, else no limit)"),
    },
    {
        .name = "--qps", .arg = CLI_ARG_UINT, .metavar = N_("N"),
        .dest = CLI_DEST_COMMON, .off = offsetof(struct cli_common, qps),
        .min = 1, .max = 100000,
        .help = N_("send at most N DNS queries a second\n"
                   "(1 to 100000; default no limit)"),
    },
};

static const struct cli_opt *const check_shared[] = {
    &cli_opt_json, &cli_opt_server_ip, &cli_opt_selector,
    &cli_opt_hostname, &cli_opt_dkim_key, CLI_OPTS_DNS, &cli_opt_lang,
    &cli_opt_state_dir, &cli_opt_dmarc_monitor_days,
    &cli_opt_no_authoritative, &cli_opt_auth_port,
};

static const struct cli_cmd check_cmd = {
    .name = "check",
    .usage = N_("Usage: mailready check DOMAIN [OPTION]...\n"
                "       mailready check --batch FILE [OPTION]...\n"
                "Check the mail DNS records of DOMAIN: MX, SPF, DKIM, DMARC, "
                "PTR.\n"),
    .own = check_own,
    .nown = ARRAY_LEN(check_own),
    .shared = check_shared,
    .nshared = ARRAY_LEN(check_shared),
    .max_args = 1,
    .epilogue = N_("Exit status: 0 all good, 1 warnings, 2 failures, 3 could "
                   "not check.\n"),
};

static double
mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --wait: check again until the resolver agrees with the name servers
 * (and they with each other), at most wait_s seconds; a progress line on
 * stderr when it is a terminal.  false when the time ran out. */
static bool
check_wait(struct check_ctx *ctx, struct dns *dns, unsigned wait_s,
           unsigned mask)
{
    bool tty = isatty(STDERR_FILENO) == 1;
    double end = mono_s() + wait_s;

    while (!check_auth_settled(ctx->auth)) {
        double left = end - mono_s();
        unsigned long step = 10;
        size_t nv;

        if (left <= 0)
            break;
        /* Ask again soon after the shortest stale TTL runs out. */
        for (int i = 0; i < STEP_COUNT; i++) {
            const struct auth_view *v = check_auth_views(ctx->auth, i, &nv);

            for (size_t k = 0; k < nv; k++)
                if (v[k].resolver == AUTH_RES_STALE &&
                    v[k].stale_for_max_s + 1 < step)
                    step = v[k].stale_for_max_s + 1;
        }
        if (step < 1)
            step = 1;
        for (unsigned long t = 0; t < step && end - mono_s() > 0; t++) {
            if (tty) {
                fprintf(stderr, "\r\033[K");
                fprintf(stderr, _("Waiting for your resolver to see what "
                                  "the name servers publish: %.0f s "
                                  "left"), end - mono_s());
                fflush(stderr);
            }
            sleep(1);
        }
        dns_clear_cache(dns);
        check_run_all(ctx, mask);
    }
    if (tty) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
    return check_auth_settled(ctx->auth);
}

/* "mx,ptr" or "all" into a step mask; 0 (after a message) if a name is
 * unknown. */
static unsigned
steps_mask(const char *list)
{
    unsigned mask = 0;
    const char *p = list;

    if (str_ieq(list, "all"))
        return CHECK_ALL_STEPS;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        char name[16];
        int st = -1;

        if (n > 0 && n < sizeof(name)) {
            memcpy(name, p, n);
            name[n] = '\0';
            st = check_step_from_name(name);
        }
        if (st < 0) {
            char *v = str_visible(p, n);

            cli_errorf(_("mailready: unknown step '%s' in --steps "
                         "(the steps: mx, spf, dkim, dmarc, ptr, "
                         "smtp, or all)\n"), v);
            free(v);
            return 0;
        }
        mask |= 1u << st;
        p += n;
        if (*p == ',')
            p++;
    }
    if (mask == 0)
        cli_errorf(_("mailready: --steps needs at least one step\n"));
    return mask;
}

int
cli_check(int argc, char **argv)
{
    struct cli_common com;
    struct check_opts opts;
    struct cli_target tg;
    const char *domain_arg;
    char *alabel = NULL, *ulabel = NULL;
    struct dns *dns = NULL;
    struct state *old = NULL, *cur = NULL;
    bool save, since_last, can_save = true;
    struct check_args ca = { false, false, NULL, false, 0, NULL, 0, 0,
                             NULL };
    unsigned mask = CHECK_DEFAULT_STEPS;
    struct cli_args pa = { .com = &com, .tg = &tg, .cmd = &ca };
    int r, ret = CLI_EXIT_ERROR;

    cli_common_init(&com);
    memset(&opts, 0, sizeof(opts));
    memset(&tg, 0, sizeof(tg));
    r = cli_parse(&check_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN)
        return r;
    if (ca.batch != NULL && pa.nargs > 0) {
        cli_errorf(_("mailready: give either DOMAIN or --batch FILE, "
                     "not both\n"));
        return CLI_EXIT_ERROR;
    }
    if (ca.batch == NULL && ca.details) {
        cli_errorf(_("mailready: --details goes with --batch\n"));
        return CLI_EXIT_ERROR;
    }
    if (ca.wait_s > 0 && (ca.batch != NULL || com.no_auth)) {
        cli_errorf(_("mailready: --wait needs one DOMAIN and the name "
                     "servers (not --batch, not --no-authoritative)\n"));
        return CLI_EXIT_ERROR;
    }
    if (pa.nargs == 0 && ca.batch == NULL) {
        cli_help(stderr, &check_cmd);
        return CLI_EXIT_ERROR;
    }
    if (ca.steps != NULL && (mask = steps_mask(ca.steps)) == 0)
        return CLI_EXIT_ERROR;
    if (com.offline && (mask & (1u << STEP_SMTP))) {
        cli_errorf(_("mailready: the delivery step (smtp) connects to "
                     "the mail servers, which --no-network does not "
                     "allow\n"));
        return CLI_EXIT_ERROR;
    }
    save = ca.save;
    since_last = ca.since_last;
    if (tg.dkim_key != NULL && tg.nsels != 1) {
        cli_errorf(_("mailready: --dkim-key needs exactly one "
                     "--selector\n"));
        return CLI_EXIT_ERROR;
    }
    if (ca.batch != NULL) {
        struct cli_batch_args ba = { ca.batch, save, since_last,
                                     ca.details };

        if (com.max_inflight == 0)
            com.max_inflight = CHECK_BATCH_INFLIGHT;
        return cli_check_batch(&com, &tg, &ba);
    }
    domain_arg = pa.args[0];
    if (!cli_domain(domain_arg, &alabel, &ulabel))
        return CLI_EXIT_ERROR;
    opts.hostname = tg.hostname;
    opts.dkim_key = tg.dkim_key;

    /* Read in any case: the DMARC journey is dated from the state. */
    old = cli_state_load(&com, alabel, &can_save);
    if (save || since_last) {
        if (old != NULL)
            cli_answers_defaults(&old->answers, tg.ips, &tg.nips,
                                 ARRAY_LEN(tg.ips), tg.sels, &tg.nsels,
                                 ARRAY_LEN(tg.sels), &opts);
    }

    dns = cli_dns_new(&com);
    if (dns == NULL)
        goto out;
    opts.domain = alabel;
    opts.server_ips = tg.ips;
    opts.n_server_ips = tg.nips;
    opts.selectors = tg.sels;
    opts.n_selectors = tg.nsels;
    opts.datadir = i18n_datadir();
    opts.authoritative = !com.no_auth;
    opts.auth_port = com.auth_port;
    opts.smtp_port = ca.smtp_port;
    opts.https_port = ca.https_port;
    opts.smtp_timeout_ms = com.timeout_s * 1000;
    opts.ca_file = ca.ca_file;

    struct check_ctx ctx;
    struct check_intent intent;
    time_t now = time(NULL);
    enum check_status status;

    cli_intent_of(&intent, alabel, old != NULL ? &old->answers : NULL, tg.ips,
              tg.nips);
    opts.intent = &intent;

    check_ctx_init(&ctx, dns, &opts);
    struct journey_dmarc jd;

    check_run_all(&ctx, mask);
    bool wait_timeout = ca.wait_s > 0 &&
                        !check_wait(&ctx, dns, ca.wait_s, mask);
    journey_dmarc_apply(&ctx, old, com.dmarc_monitor_days, now, &jd);
    status = check_run_status(&ctx);
    if (save || since_last) {
        cur = old != NULL ? state_clone(old) : state_new(alabel);
        state_update_from_ctx(cur, &ctx, now);
        journey_dmarc_note(cur, &jd);
        cli_answers_store(&cur->answers, &opts);
    }
    if (since_last && com.json) {
        json_t *j = cli_since_json(old, cur, ulabel, status);
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(j);
    } else if (since_last) {
        cli_since_text(stdout, old, cur, ulabel);
    } else if (com.json) {
        json_t *j = cli_report_json(&ctx, ulabel, (long long)now);
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(j);
    } else {
        cli_report_text(stdout, &ctx, ulabel);
    }
    fflush(stdout);
    /* A result that could not be saved is an error of the run, below a
     * failure of the setup (fail beats could-not-check). */
    if (save && (!can_save || !cli_state_save(&com, cur)))
        status = check_status_worse(status, ST_ERROR);
    ret = check_status_exit(status);
    if (wait_timeout) {
        cli_errorf(_("mailready: after %u seconds your resolver still "
                     "does not see what the name servers publish (see "
                     "the report); giving up\n"), ca.wait_s);
        ret = CLI_EXIT_ERROR;
    }
    check_ctx_fini(&ctx);
    check_intent_fini(&intent);
out:
    state_free(old);
    state_free(cur);
    dns_free(dns);
    free(alabel);
    free(ulabel);
    return ret;
}
