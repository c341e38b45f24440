/* cli_wizard.c - `mailready wizard [DOMAIN] [OPTION]...`: options, then the
 * screens (tui.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailready/cli.h"
#include "mailready/gen_dkim.h"
#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/tui.h"
#include "mailready/util.h"

static void
wizard_usage(FILE *fp)
{
    fprintf(fp, _("Usage: mailready wizard [DOMAIN] [OPTION]...\n"
            "Walk through MX, SPF, DKIM, DMARC and PTR for DOMAIN on "
            "screen.\n"
            "\n"
            "  --server-ip IP       an address your mail is sent from "
            "(repeatable)\n"
            "  --hostname NAME      your mail server's host name (PTR)\n"
            "  --ip-url URL         where to learn this machine's public "
            "address, if asked\n"
            "                       (default %s)\n"
            "  --selector S         a DKIM selector to check (repeatable)\n"
            "  --resolver ADDR[:PORT]  DNS server to ask (repeatable)\n"
            "  --zone-file FILE     answer names in this zone from the file "
            "(repeatable)\n"
            "  --no-network         never ask live DNS\n"
            "  --timeout SECONDS    wait this long for one DNS answer "
            "(default 5)\n"
            "  --state-dir DIR      where progress is saved\n"
            "  --lang es|en         language of the screens\n"),
            HTTP_IP_URL_DEFAULT);
}

int
cli_wizard(int argc, char **argv)
{
    struct cli_common com;
    struct tui t;
    struct cli_target tg;
    const char *domain_arg = NULL;
    int ret = CLI_EXIT_ERROR;

    cli_common_init(&com);
    tui_init(&t, &com);
    memset(&tg, 0, sizeof(tg));
    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            wizard_usage(stdout);
            ret = CLI_EXIT_OK;
            goto out;
        }
        if ((r = cli_common_opt(&com, argc, argv, &i)) != 0) {
            if (r < 0)
                goto out;
            continue;
        }
        if ((r = cli_target_opt(&tg, argc, argv, &i)) != 0) {
            if (r < 0)
                goto out;
            continue;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--ip-url", &v)) != 0) {
            if (r < 0)
                goto out;
            if (strncmp(v, "https://", 8) != 0
                && strncmp(v, "http://", 7) != 0) {
                fprintf(stderr, _("mailready: --ip-url takes an http:// or "
                                  "https:// URL, not '%s'\n"), v);
                goto out;
            }
            t.ip_url = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, _("mailready: unknown option '%s' for wizard "
                              "(see mailready wizard --help)\n"), argv[i]);
            goto out;
        }
        if (domain_arg != NULL) {
            fprintf(stderr, _("mailready: wizard takes one domain\n"));
            goto out;
        }
        domain_arg = argv[i];
    }
    if (tg.dkim_key != NULL) {
        fprintf(stderr, _("mailready: --dkim-key is an option of "
                          "'mailready check'; the wizard finds its own "
                          "key\n"));
        goto out;
    }
    for (size_t k = 0; k < tg.nips; k++)
        state_strs_add(&t.given.server_ips, tg.ips[k]);
    for (size_t k = 0; k < tg.nsels; k++)
        state_answers_selector_add(&t.given, tg.sels[k]);
    state_str_set(&t.given.hostname, tg.hostname);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, _("mailready: the wizard needs a terminal; use "
                          "'mailready check DOMAIN' in scripts\n"));
        goto out;
    }
    if (domain_arg != NULL) {
        if (!cli_domain(domain_arg, &t.domain, &t.ulabel))
            goto out;
    }
    tui_state_open(&t);
    if (t.domain == NULL)
        t.cur = SCR_DOMAIN;
    else if (!t.st->answers.answered)
        t.cur = SCR_PROVIDER;
    else if (t.old_st != NULL)
        t.cur = SCR_CHANGES;
    else
        t.cur = SCR_MX;
    ret = tui_run(&t);
out:
    tui_fini(&t);
    return ret;
}
