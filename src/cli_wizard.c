/* cli_wizard.c - `mailready wizard [DOMAIN] [OPTION]...`: options, then the
 * screens (tui.c). */
#include <stddef.h>
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

/* What the wizard takes besides the common options. */
struct wizard_args {
    const char *ip_url;
    unsigned smtp_port;
    unsigned https_port;
    const char *ca_file;
};

static bool
ip_url_ok(const char *v)
{
    return strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0;
}

static const struct cli_opt wizard_own[] = {
    {
        .name = "--ip-url", .arg = CLI_ARG_STR, .metavar = N_("URL"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct wizard_args, ip_url),
        .valid = ip_url_ok,
        .bad = N_("mailready: --ip-url takes an http:// or https:// URL, "
                  "not '%s'\n"),
        .help = N_("where to learn this machine's public address,\n"
                   "if asked (default %s)"),
        .help_arg = HTTP_IP_URL_DEFAULT,
    },
    {
        .name = "--smtp-port", .arg = CLI_ARG_UINT, .metavar = N_("N"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct wizard_args, smtp_port),
        .min = 1, .max = 65535,
        .help = N_("advanced: connect to the mail servers on port N\n"
                   "instead of 25 (tests, unusual setups)"),
    },
    {
        .name = "--https-port", .arg = CLI_ARG_UINT, .metavar = N_("N"),
        .dest = CLI_DEST_CMD,
        .off = offsetof(struct wizard_args, https_port),
        .min = 1, .max = 65535,
        .help = N_("advanced: fetch the MTA-STS policy from port N\n"
                   "instead of 443"),
    },
    {
        .name = "--ca-file", .arg = CLI_ARG_STR, .metavar = N_("FILE"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct wizard_args, ca_file),
        .help = N_("advanced: trust the CA certificates of FILE (PEM)\n"
                   "besides the system's"),
    },
};

static const struct cli_opt *const wizard_shared[] = {
    &cli_opt_server_ip, &cli_opt_hostname, &cli_opt_selector,
    CLI_OPTS_DNS, &cli_opt_state_dir, &cli_opt_lang,
    &cli_opt_dmarc_monitor_days, &cli_opt_no_authoritative,
    &cli_opt_auth_port,
};

static const struct cli_cmd wizard_cmd = {
    .name = "wizard",
    .usage = N_("Usage: mailready [wizard] [DOMAIN] [OPTION]...\n"
                "Walk through MX, SPF, DKIM, DMARC, PTR and delivery for "
                "DOMAIN on screen.\n"),
    .own = wizard_own,
    .nown = ARRAY_LEN(wizard_own),
    .shared = wizard_shared,
    .nshared = ARRAY_LEN(wizard_shared),
    .max_args = 1,
};

int
cli_wizard(int argc, char **argv)
{
    struct cli_common com;
    struct tui t;
    struct cli_target tg;
    struct wizard_args wa = { NULL };
    struct cli_args pa = { .com = &com, .tg = &tg, .cmd = &wa };
    const char *domain_arg;
    int r, ret = CLI_EXIT_ERROR;

    cli_common_init(&com);
    tui_init(&t, &com);
    memset(&tg, 0, sizeof(tg));
    r = cli_parse(&wizard_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN) {
        ret = r;
        goto out;
    }
    domain_arg = pa.nargs > 0 ? pa.args[0] : NULL;
    if (wa.ip_url != NULL)
        t.ip_url = wa.ip_url;
    t.smtp_port = wa.smtp_port;
    t.https_port = wa.https_port;
    t.ca_file = wa.ca_file;
    for (size_t k = 0; k < tg.nips; k++)
        state_strs_add(&t.given.server_ips, tg.ips[k]);
    for (size_t k = 0; k < tg.nsels; k++)
        state_answers_selector_add(&t.given, tg.sels[k]);
    state_str_set(&t.given.hostname, tg.hostname);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        cli_errorf(_("mailready: the wizard needs a terminal; use "
                     "'mailready check DOMAIN' in scripts\n"));
        goto out;
    }
    if (domain_arg != NULL) {
        if (!cli_domain(domain_arg, &t.domain, &t.ulabel))
            goto out;
    }
    tui_state_open(&t);
    if (t.domain == NULL)
        tui_last_domain(&t);
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
