/* cli_check.c - `mailready check DOMAIN [options]`: every check, no screen,
 * for people, scripts, cron and monitoring. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/state.h"
#include "mailready/util.h"

static void
check_usage(FILE *fp)
{
    fputs(_("Usage: mailready check DOMAIN [OPTION]...\n"
            "Check the mail DNS records of DOMAIN: MX, SPF, DKIM, DMARC, "
            "PTR.\n"
            "\n"
            "  --json               machine-readable output\n"
            "  --server-ip IP       an address your mail is sent from "
            "(repeatable)\n"
            "  --selector S         a DKIM selector to check (repeatable)\n"
            "  --hostname NAME      your mail server's host name (PTR)\n"
            "  --dkim-key FILE      compare the published DKIM key with "
            "this private key\n"
            "  --resolver ADDR[:PORT]  DNS server to ask (repeatable)\n"
            "  --zone-file FILE     answer names in this zone from the file "
            "(repeatable)\n"
            "  --timeout SECONDS    wait this long for one DNS answer "
            "(default 5)\n"
            "  --trace              print every DNS query and answer to "
            "stderr\n"
            "  --lang es|en         language of the report\n"
            "  --save               store the result in the saved state\n"
            "  --since-last         print only what changed since the "
            "saved state\n"
            "  --state-dir DIR      where the state is kept (default "
            "~/.local/state/mailready)\n"
            "\n"
            "Exit status: 0 all good, 1 warnings, 2 failures, 3 could not "
            "check.\n"), fp);
}

int
cli_check(int argc, char **argv)
{
    struct cli_common com;
    struct check_opts opts;
    struct cli_target tg;
    const char *domain_arg = NULL;
    char *alabel = NULL, *ulabel = NULL;
    struct dns *dns = NULL;
    struct state *old = NULL, *cur = NULL;
    bool save = false, since_last = false, can_save = true;
    int ret = CLI_EXIT_ERROR;

    cli_common_init(&com);
    memset(&opts, 0, sizeof(opts));
    memset(&tg, 0, sizeof(tg));
    for (int i = 1; i < argc; i++) {
        int r;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            check_usage(stdout);
            return CLI_EXIT_OK;
        }
        if ((r = cli_common_opt(&com, argc, argv, &i)) != 0) {
            if (r < 0)
                return CLI_EXIT_ERROR;
            continue;
        }
        if (strcmp(argv[i], "--save") == 0) {
            save = true;
            continue;
        }
        if (strcmp(argv[i], "--since-last") == 0) {
            since_last = true;
            continue;
        }
        if ((r = cli_target_opt(&tg, argc, argv, &i)) != 0) {
            if (r < 0)
                return CLI_EXIT_ERROR;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, _("mailready: unknown option '%s' for check "
                              "(see mailready check --help)\n"), argv[i]);
            return CLI_EXIT_ERROR;
        }
        if (domain_arg != NULL) {
            fprintf(stderr, _("mailready: check takes one domain\n"));
            return CLI_EXIT_ERROR;
        }
        domain_arg = argv[i];
    }
    if (domain_arg == NULL) {
        check_usage(stderr);
        return CLI_EXIT_ERROR;
    }
    if (tg.dkim_key != NULL && tg.nsels != 1) {
        fprintf(stderr, _("mailready: --dkim-key needs exactly one "
                          "--selector\n"));
        return CLI_EXIT_ERROR;
    }
    if (!cli_domain(domain_arg, &alabel, &ulabel))
        return CLI_EXIT_ERROR;
    opts.hostname = tg.hostname;
    opts.dkim_key = tg.dkim_key;

    if (save || since_last) {
        old = cli_state_load(&com, alabel, &can_save);
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

    struct check_ctx ctx;
    time_t now = time(NULL);
    enum check_status status;

    check_ctx_init(&ctx, dns, &opts);
    check_run_all(&ctx, CHECK_ALL_STEPS);
    status = check_run_status(&ctx);
    if (save || since_last) {
        cur = old != NULL ? state_clone(old) : state_new(alabel);
        state_update_from_ctx(cur, &ctx, now);
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
    check_ctx_fini(&ctx);
out:
    state_free(old);
    state_free(cur);
    dns_free(dns);
    free(alabel);
    free(ulabel);
    return ret;
}
