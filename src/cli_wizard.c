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
};

static const struct cli_opt *const wizard_shared[] = {
    &cli_opt_server_ip, &cli_opt_hostname, &cli_opt_selector,
    CLI_OPTS_DNS, &cli_opt_state_dir, &cli_opt_lang,
};

static const struct cli_cmd wizard_cmd = {
    .name = "wizard",
    .usage = N_("Usage: mailready [wizard] [DOMAIN] [OPTION]...\n"
                "Walk through MX, SPF, DKIM, DMARC and PTR for DOMAIN on "
                "screen.\n"),
    .own = wizard_own,
    .nown = ARRAY_LEN(wizard_own),
    .shared = wizard_shared,
    .nshared = ARRAY_LEN(wizard_shared),
    .max_args = 1,
};

static void
answers_fini(struct tui_answers *a)
{
    for (size_t i = 0; i < a->nprov; i++)
        free(a->providers[i]);
    for (size_t i = 0; i < a->nips; i++)
        free(a->ips[i]);
    free(a->hostname);
    for (size_t i = 0; i < a->nsel; i++)
        free(a->selectors[i]);
    free(a->dkim_selector);
    free(a->dkim_type);
    free(a->dkim_key_path);
    free(a->dkim_record);
    free(a->dmarc_rua);
    memset(a, 0, sizeof(*a));
}

static void
tui_fini(struct tui *t)
{
    answers_fini(&t->ans);
    free(t->domain);
    free(t->ulabel);
    free(t->dns_err);
    free(t->help_text);
    free(t->notice);
    free(t->sp.error_arg);
    free(t->sk.error_arg);
    state_free(t->st);
    state_free(t->old_st);
    if (t->have_diff)
        state_diff_fini(&t->diff);
    preset_list_free(t->presets);
    free(t->sk.error_arg);
}

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
    memset(&t, 0, sizeof(t));
    memset(&tg, 0, sizeof(tg));
    t.com = &com;
    t.ip_url = HTTP_IP_URL_DEFAULT;
    r = cli_parse(&wizard_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN) {
        tui_fini(&t);
        return r;
    }
    domain_arg = pa.nargs > 0 ? pa.args[0] : NULL;
    if (wa.ip_url != NULL)
        t.ip_url = wa.ip_url;
    for (size_t k = 0; k < tg.nips; k++)
        t.ans.ips[t.ans.nips++] = xstrdup(tg.ips[k]);
    for (size_t k = 0; k < tg.nsels; k++)
        t.ans.selectors[t.ans.nsel++] = xstrdup(tg.sels[k]);
    if (tg.hostname != NULL)
        tui_set_str(&t.ans.hostname, tg.hostname);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, _("mailready: the wizard needs a terminal; use "
                          "'mailready check DOMAIN' in scripts\n"));
        goto out;
    }
    if (domain_arg != NULL) {
        if (!cli_domain(domain_arg, &t.domain, &t.ulabel))
            goto out;
    }
    {
        char *path = preset_path(i18n_datadir()), *err = NULL;
        /* Without presets the wizard still works: own server or other. */
        if (preset_load(path, &t.presets, &err) != RC_OK)
            t.presets = NULL;
        free(err);
        free(path);
    }
    tui_state_open(&t);
    if (t.ans.nips > 0 && !t.ans.answered) {
        if (t.ans.nprov == 0)
            t.ans.providers[t.ans.nprov++] = xstrdup("own");
        t.ans.answered = true;
    }
    if (t.domain == NULL)
        t.cur = SCR_DOMAIN;
    else if (!t.ans.answered)
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
