/* cli_export.c - `mailready export DOMAIN [--format txt|md|html] [-o FILE]
 * [--offline]`: a printable checklist of every step, with what to do and
 * the exact records to publish, and a zone snippet of them all. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailready/plan.h"
#include "mailready/present.h"
#include "mailready/cli.h"
#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/file.h"
#include "mailready/gen_dkim.h"
#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/preset.h"
#include "mailready/state.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* ---- the command ------------------------------------------------------- */

static struct preset_list *
presets_load(void)
{
    char *path = preset_path(i18n_datadir());
    struct preset_list *l = NULL;
    struct rc_err err = { 0 };
    enum rc rc = preset_load(path, &l, &err);

    if (rc != RC_OK) {
        char *why = present_err(rc, &err);

        cli_errorf(_("mailready: provider presets not loaded (%s); "
                     "records that depend on a provider are left "
                     "out\n"), why);
        free(why);
        l = NULL;
    }
    rc_err_fini(&err);
    free(path);
    return l;
}

static bool
format_parse(const char *s, enum export_format *out)
{
    enum export_format f;

    /* The zone snippet alone is not a format of the command (yet). */
    if (!export_format_parse(s, &f) || f == EXPORT_ZONE)
        return false;
    if (out != NULL)
        *out = f;
    return true;
}

/* path NULL or "-": standard output; else export_write(). */
static bool
write_output(const char *path, const char *data)
{
    struct rc_err err = { 0 };
    size_t len = strlen(data);
    enum rc rc;
    char *m;

    if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            cli_errorf(_("mailready: cannot write the checklist to "
                         "standard output\n"));
            return false;
        }
        return true;
    }
    rc = export_write(path, data, len, &err);
    if (rc == RC_OK)
        return true;
    m = present_err(rc, &err);
    cli_errorf("mailready: %s\n", m);
    free(m);
    rc_err_fini(&err);
    return false;
}

/* Write the checklist of st: format "txt" (NULL), "md" or "html"; path
 * NULL or "-" is standard output, else export_write() (export.h).
 * from_saved says the state was not checked just now (the heading says
 * so).  Prints the error and returns false on failure. */
static bool
cli_export_write(const struct state *st, const char *alabel,
                 const char *ulabel, const char *format, bool from_saved,
                 struct plan_fetch *fetch, const char *path)
{
    struct preset_list *presets;
    struct export_plan plan;
    struct export_doc doc;
    struct plan live;
    enum export_format fmt = EXPORT_TXT;
    char *text;
    bool ok;

    if (format != NULL && !format_parse(format, &fmt)) {
        cli_errorf(_("mailready: --format takes txt, md or html, not "
                     "'%s'\n"), format);
        return false;
    }
    presets = presets_load();
    export_plan_build(alabel, &st->answers, presets, &plan);
    /* Checked just now: the changes from what is live, as `plan`. */
    if (fetch != NULL) {
        struct plan_opts po = {
            .domain = alabel,
            .dmarc_p_explicit =
                st->answers.dmarc_policy != STATE_POLICY_UNSET,
        };
        plan_build(plan_fetch_live(fetch), &plan, &po, &live);
    }
    export_doc_build(&doc, st, &plan, fetch != NULL ? &live : NULL, alabel,
                     ulabel, from_saved, (long long)time(NULL));
    text = export_render(&doc, fmt, &present_export_tr, present_utf8());
    ok = write_output(path, text);
    free(text);
    if (fetch != NULL)
        plan_fini(&live);
    export_plan_fini(&plan);
    preset_list_free(presets);
    return ok;
}

/* What export takes besides the common options. */
struct export_args {
    bool offline;
    const char *format;
    const char *output;
};

static bool
format_ok(const char *v)
{
    return format_parse(v, NULL);
}

static const struct cli_opt export_own[] = {
    {
        .name = "--format", .arg = CLI_ARG_STR, .metavar = "txt|md|html",
        .dest = CLI_DEST_CMD, .off = offsetof(struct export_args, format),
        .valid = format_ok,
        .bad = N_("mailready: --format takes txt, md or html, not '%s'\n"),
        .help = N_("plain text (default), Markdown, or HTML for\n"
                   "printing"),
    },
    {
        .name = "--output", .alias = "-o", .arg = CLI_ARG_STR,
        .metavar = N_("FILE"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct export_args, output),
        .help = N_("write to FILE instead of standard output"),
    },
    {
        .name = "--offline", .arg = CLI_ARG_FLAG, .dest = CLI_DEST_CMD,
        .off = offsetof(struct export_args, offline),
        .help = N_("use the saved state instead of checking DNS again"),
    },
};

static const struct cli_opt *const export_shared[] = {
    &cli_opt_server_ip, &cli_opt_selector, &cli_opt_hostname,
    &cli_opt_dkim_key, CLI_OPTS_DNS, &cli_opt_lang, &cli_opt_state_dir,
};

static const struct cli_cmd export_cmd = {
    .name = "export",
    .usage = N_("Usage: mailready export DOMAIN [OPTION]...\n"
                "Write a printable checklist for DOMAIN: every step with its "
                "state, the date\n"
                "it was last checked, what to do and the records to publish, "
                "with a zone\n"
                "snippet of them all.\n"),
    .own = export_own,
    .nown = ARRAY_LEN(export_own),
    .shared = export_shared,
    .nshared = ARRAY_LEN(export_shared),
    .max_args = 1,
    .epilogue = N_("Exit status: 0 written, 3 error.\n"),
};

int
cli_export(int argc, char **argv)
{
    struct cli_common com;
    struct check_opts opts;
    struct cli_target tg;
    struct export_args ea = { false, NULL, NULL };
    struct cli_args pa = { .com = &com, .tg = &tg, .cmd = &ea };
    const char *domain_arg, *output;
    bool offline, can_save = true, have_target = false;
    struct plan_fetch *fetch = NULL;
    struct export_plan target;
    char *alabel = NULL, *ulabel = NULL;
    struct dns *dns = NULL;
    struct state *old = NULL, *cur = NULL;
    const char *fmt_name = "txt";
    int r, ret = CLI_EXIT_ERROR;

    cli_common_init(&com);
    memset(&opts, 0, sizeof(opts));
    memset(&tg, 0, sizeof(tg));
    r = cli_parse(&export_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN)
        return r;
    if (pa.nargs == 0) {
        cli_help(stderr, &export_cmd);
        return CLI_EXIT_ERROR;
    }
    domain_arg = pa.args[0];
    output = ea.output;
    offline = ea.offline;
    if (ea.format != NULL)
        fmt_name = ea.format;
    if (!cli_domain(domain_arg, &alabel, &ulabel))
        return CLI_EXIT_ERROR;
    opts.hostname = tg.hostname;
    opts.dkim_key = tg.dkim_key;

    old = cli_state_load(&com, alabel, &can_save);
    if (old != NULL)
        cli_answers_defaults(&old->answers, tg.ips, &tg.nips,
                             ARRAY_LEN(tg.ips), tg.sels, &tg.nsels,
                             ARRAY_LEN(tg.sels), &opts);
    opts.domain = alabel;
    opts.server_ips = tg.ips;
    opts.n_server_ips = tg.nips;
    opts.selectors = tg.sels;
    opts.n_selectors = tg.nsels;
    opts.datadir = i18n_datadir();
    if (offline) {
        if (old == NULL || old->checked_at == 0) {
            cli_errorf(_("mailready: nothing is saved for %1$s: run "
                         "mailready check %1$s --save first, or "
                         "export without --offline\n"), alabel);
            goto out;
        }
        cur = state_clone(old);
    } else {
        struct check_ctx ctx;

        dns = cli_dns_new(&com);
        if (dns == NULL)
            goto out;
        /* What is live where the answers' records go, asked with the
         * checks: the checklist lists the changes from it. */
        struct state_answers ans;
        struct preset_list *pl = presets_load();
        memset(&ans, 0, sizeof(ans));
        if (old != NULL)
            state_answers_copy(&ans, &old->answers);
        cli_answers_store(&ans, &opts);
        export_plan_build(alabel, &ans, pl, &target);
        have_target = true;
        state_answers_fini(&ans);
        preset_list_free(pl);
        check_ctx_init(&ctx, dns, &opts);
        check_run_start(&ctx, CHECK_DEFAULT_STEPS);
        fetch = plan_fetch_start(dns, alabel, &target);
        dns_run(dns);
        check_run_poll(&ctx);
        cur = old != NULL ? state_clone(old) : state_new(alabel);
        state_update_from_ctx(cur, &ctx, time(NULL));
        check_ctx_fini(&ctx);
    }
    cli_answers_store(&cur->answers, &opts);

    if (cli_export_write(cur, alabel, ulabel, fmt_name, offline, fetch,
                         output))
        ret = CLI_EXIT_OK;
out:
    state_free(old);
    state_free(cur);
    dns_free(dns);
    plan_fetch_free(fetch);
    if (have_target)
        export_plan_fini(&target);
    free(alabel);
    free(ulabel);
    return ret;
}
