/* cli_plan.c - `mailready plan`: what to change in the zone, from what is
 * live and what the admin wants (plan.h), as text, JSON, zone lines or an
 * nsupdate script. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mailready/cli.h"
#include "mailready/dns.h"
#include "mailready/gen.h"
#include "mailready/gen_dkim.h"
#include "mailready/gen_mtasts.h"
#include "mailready/i18n.h"
#include "mailready/mtasts.h"
#include "mailready/plan.h"
#include "mailready/preset.h"
#include "mailready/present.h"
#include "mailready/state.h"
#include "mailready/util.h"

#define PLAN_MAX_RUA 16

enum plan_format {
    PF_TEXT,
    PF_JSON,
    PF_BIND,
    PF_NSUPDATE
};

struct plan_args {
    const char *providers[STATE_MAX_PROVIDERS];
    size_t n_providers;
    const char *ips[STATE_MAX_SERVER_IPS];
    size_t n_ips;
    const char *rua[PLAN_MAX_RUA];
    size_t n_rua;
    const char *mx_host;
    bool send_only;
    const char *stage;
    const char *sp;
    const char *spf_all;
    bool strict;
    bool allow_weaker;
    const char *mta_sts;        /* --mta-sts testing|enforce|none */
    const char *tls_rua;        /* --tls-rua */
    unsigned https_port;        /* --https-port, 0: 443 */
    const char *ca_file;        /* --ca-file, or NULL */
    const char *format;
    struct cli_common common;
    struct cli_target target;
};

#define PLAN_FLAG(n, field, h) { .name = n, .arg = CLI_ARG_FLAG, \
    .dest = CLI_DEST_CMD, .off = offsetof(struct plan_args, field), \
    .help = h }
#define PLAN_STR(n, mv, field, ch, h) { .name = n, .arg = CLI_ARG_STR, \
    .metavar = mv, .dest = CLI_DEST_CMD, \
    .off = offsetof(struct plan_args, field), .choices = ch, .help = h }
#define PLAN_LIST(n, mv, field, count, h) { .name = n, \
    .arg = CLI_ARG_LIST, .metavar = mv, .dest = CLI_DEST_CMD, \
    .off = offsetof(struct plan_args, field), \
    .count_off = offsetof(struct plan_args, count), \
    .max = ARRAY_LEN(((struct plan_args *)0)->field), .help = h }

static const struct cli_opt plan_own[] = {
    PLAN_LIST("--provider", N_("ID"), providers, n_providers,
              N_("a provider that handles or sends the mail\n"
                 "(repeatable, at most %s; own = your own server)")),
    PLAN_STR("--mx-host", N_("NAME"), mx_host, NULL,
             N_("the MX host of your own server")),
    PLAN_FLAG("--send-only", send_only,
              N_("your own server only sends; the mailbox provider\n"
                 "receives")),
    PLAN_LIST("--ip", N_("ADDR"), ips, n_ips,
              N_("an address your servers send from (repeatable,\n"
                 "at most %s)")),
    PLAN_STR("--dmarc-stage", N_("STAGE"), stage, "none|quarantine|reject",
             N_("the DMARC policy you want: none, quarantine or\n"
                "reject")),
    PLAN_STR("--dmarc-sp", N_("STAGE"), sp, "none|quarantine|reject",
             N_("policy for subdomains (default: as the domain)")),
    PLAN_FLAG("--dmarc-strict", strict, N_("strict DKIM and SPF alignment")),
    PLAN_LIST("--rua", N_("ADDR"), rua, n_rua,
              N_("where DMARC reports go (repeatable, at most %s)")),
    PLAN_STR("--spf-all", "soft|hard", spf_all, "soft|hard|~all|-all",
             N_("end SPF in ~all or -all")),
    PLAN_STR("--mta-sts", "testing|enforce|none", mta_sts,
             "testing|enforce|none",
             N_("the MTA-STS mode you want (start with\n"
                "testing, then enforce)")),
    PLAN_STR("--tls-rua", N_("ADDR"), tls_rua, NULL,
             N_("where TLS reports go (an address, mailto: or\n"
                "https: URI): the _smtp._tls record")),
    PLAN_FLAG("--allow-weaker", allow_weaker,
              N_("follow answers that make a published record\n"
                 "weaker (a lower DMARC policy, ~all after -all,\n"
                 "MTA-STS testing after enforce)")),
    {
        .name = "--https-port", .arg = CLI_ARG_UINT, .metavar = N_("N"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct plan_args, https_port),
        .min = 1, .max = 65535,
        .help = N_("advanced: fetch the MTA-STS policy from port N\n"
                   "instead of 443"),
    },
    {
        .name = "--ca-file", .arg = CLI_ARG_STR, .metavar = N_("FILE"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct plan_args, ca_file),
        .help = N_("advanced: trust the CA certificates of FILE (PEM)\n"
                   "besides the system's"),
    },
    PLAN_STR("--format", "text|json|bind|nsupdate", format,
             "text|json|bind|nsupdate",
             N_("output format (default text)")),
};

static const struct cli_opt *const plan_shared[] = {
    &cli_opt_hostname, &cli_opt_selector, &cli_opt_dkim_key,
    CLI_OPTS_DNS, &cli_opt_lang, &cli_opt_state_dir,
};

static void
plan_more_help(FILE *fp)
{
    fputc('\n', fp);
    fputs(_("Answers saved by the wizard are used where no option is "
            "given.  A published\n"
            "record is never made weaker without --allow-weaker.  To "
            "apply the plan to\n"
            "a name server that takes dynamic updates:\n"
            "  (echo \"server NS\"; mailready plan DOMAIN --format "
            "nsupdate) |\n"
            "    nsupdate -k KEY\n"
            "\n"
            "Exit status: 0 nothing to do, 1 changes, 2 a change refused, "
            "3 could not\n"
            "check.\n"), fp);
}

static const struct cli_cmd plan_cmd = {
    .name = "plan",
    .usage = N_("Usage: mailready plan DOMAIN [OPTION]...\n"
                "\n"
                "Compares what DOMAIN publishes with what you want and "
                "prints the smallest\n"
                "list of changes that never breaks or weakens what works.\n"),
    .own = plan_own,
    .nown = ARRAY_LEN(plan_own),
    .shared = plan_shared,
    .nshared = ARRAY_LEN(plan_shared),
    .max_args = 1,
    .more_help = plan_more_help,
};

/* ---- output ---- */

static void
print_change(FILE *fp, const struct plan_change *c, const char *prefix)
{
    fprintf(fp, "%s%s. %u %s %s\n", prefix, c->name, (unsigned)c->ttl,
            gen_type_name(c->type), c->data);
}

static void
print_findings_text(FILE *fp, const struct plan *p, bool utf8)
{
    for (size_t i = 0; i < p->findings.n; i++) {
        const struct finding *f = &p->findings.v[i];
        char *msg = present_finding_message(f);
        char *line = xasprintf("%s %s", present_sev_tag(f->sev, utf8), msg);

        cli_print_wrapped(fp, line, 2, 78);
        if (f->sev == SEV_FAIL && present_finding_fix(f->id) != NULL) {
            char *fl = xasprintf(_("Fix: %s"), present_finding_fix(f->id));
            cli_print_wrapped(fp, fl, 6, 78);
            free(fl);
        }
        free(line);
        free(msg);
    }
}

static void
print_indented(FILE *fp, const char *pfx, const char *text)
{
    for (const char *q = text; *q != '\0';) {
        size_t n = strcspn(q, "\r\n");

        fprintf(fp, "%s    %.*s\n", pfx, (int)n, q);
        q += n;
        if (*q == '\r')
            q++;
        if (*q == '\n')
            q++;
    }
}

/* The MTA-STS policy file to serve, and how (nginx, Apache); pfx before
 * every line ("; " in a zone snippet). */
static void
print_sts_policy(FILE *fp, const struct plan *p, const char *pfx)
{
    char *ngx = mtasts_nginx_snippet(p->domain, GEN_MTASTS_POLICY_PATH);
    char *apa = mtasts_apache_snippet(p->domain, GEN_MTASTS_POLICY_PATH);
    char *t;

    fprintf(fp, "%s\n", pfx);
    t = xasprintf(_("MTA-STS policy file, to serve first at "
                    "https://mta-sts.%1$s/.well-known/mta-sts.txt (saved "
                    "as %2$s) with a certificate for mta-sts.%1$s; then "
                    "publish the _mta-sts record above:"), p->domain,
                  GEN_MTASTS_POLICY_PATH);
    if (*pfx == '\0')
        cli_print_wrapped(fp, t, 0, 78);
    else
        fprintf(fp, "%s%s\n", pfx, t);
    free(t);
    print_indented(fp, pfx, p->sts_policy);
    fprintf(fp, "%s%s\n", pfx,
            _("nginx (in /etc/nginx/sites-available, then reload):"));
    print_indented(fp, pfx, ngx);
    fprintf(fp, "%s%s\n", pfx,
            _("Apache (a2enmod ssl, in /etc/apache2/sites-available, then "
              "reload):"));
    print_indented(fp, pfx, apa);
    free(ngx);
    free(apa);
}

static void
print_text(FILE *fp, const struct plan *p, const char *ulabel)
{
    bool utf8 = present_utf8();

    fprintf(fp, _("Plan for %s (zone %s)\n\n"), ulabel, p->zone);
    for (int st = 0; st < STEP_COUNT; st++) {
        const struct check_step_ops *ops = check_step_ops(st);
        size_t n = plan_step_count(p, st);

        if (st == STEP_PTR)
            continue;
        if (n == 0) {
            fprintf(fp, _("%s: nothing to publish\n"), _(ops->title));
            continue;
        }
        fprintf(fp, "%s:\n", _(ops->title));
        for (size_t i = 0; i < p->n; i++) {
            const struct plan_change *c = &p->v[i];

            if ((int)c->step != st)
                continue;
            char *why = present_plan_why(c);
            fprintf(fp, "  %s %s\n", c->action == PLAN_ADD ? "+" : "-",
                    present_plan_action(c));
            print_change(fp, c, "    ");
            cli_print_wrapped(fp, why, 6, 78);
            free(why);
        }
    }
    if (p->sts_policy != NULL)
        print_sts_policy(fp, p, "");
    if (p->findings.n > 0)
        fputc('\n', fp);
    print_findings_text(fp, p, utf8);
    fputc('\n', fp);
    if (p->status == PLAN_ERROR)
        fputs(_("Some records could not be read: plan again when DNS "
                "answers.\n"), fp);
    else if (p->n == 0)
        fputs(_("Nothing to publish: what is live already meets your "
                "answers.\n"), fp);
}

static void
print_bind(FILE *fp, const struct plan *p)
{
    fprintf(fp, _("; Changes for the zone %s.\n"), p->zone);
    for (size_t i = 0; i < p->n; i++) {
        const struct plan_change *c = &p->v[i];

        print_change(fp, c, c->action == PLAN_DELETE ? "; delete: " : "");
    }
    if (p->n == 0)
        fputs(_("; Nothing to publish.\n"), fp);
    if (p->sts_policy != NULL)
        print_sts_policy(fp, p, "; ");
}

/* RFC 2136 through nsupdate(1): every change in one update, so that the
 * zone never holds half of a replace; deletes first (a CNAME must be
 * gone before data is added next to it). */
static void
print_nsupdate(FILE *fp, const struct plan *p)
{
    if (p->n == 0)
        return;
    fprintf(fp, "zone %s.\n", p->zone);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < p->n; i++) {
            const struct plan_change *c = &p->v[i];

            if ((pass == 0) != (c->action == PLAN_DELETE))
                continue;
            if (c->action == PLAN_DELETE)
                fprintf(fp, "update delete %s. %s %s\n", c->name,
                        gen_type_name(c->type), c->data);
            else
                fprintf(fp, "update add %s. %u %s %s\n", c->name,
                        (unsigned)c->ttl, gen_type_name(c->type), c->data);
        }
    fputs("send\n", fp);
}

static void
print_json(FILE *fp, const struct plan *p, const char *ulabel)
{
    json_t *root = json_object(), *ch = json_array();

    json_object_set_new(root, "domain", json_string(p->domain));
    if (strcmp(ulabel, p->domain) != 0)
        json_object_set_new(root, "domain_unicode", json_string(ulabel));
    json_object_set_new(root, "zone", json_string(p->zone));
    json_object_set_new(root, "status", json_string(
        p->status == PLAN_ERROR ? "error" :
        p->n > 0 ? "changes" : "nothing-to-do"));
    json_object_set_new(root, "refused", json_boolean(p->refused));
    for (size_t i = 0; i < p->n; i++) {
        const struct plan_change *c = &p->v[i];
        json_t *o = json_object();
        char *why = present_plan_why(c);
        char *name = xasprintf("%s.", c->name);

        json_object_set_new(o, "step", json_string(check_step_name(c->step)));
        json_object_set_new(o, "action", json_string(
            c->action == PLAN_ADD ? "add" : "delete"));
        json_object_set_new(o, "name", json_string(name));
        json_object_set_new(o, "type", json_string(gen_type_name(c->type)));
        json_object_set_new(o, "ttl", json_integer(c->ttl));
        json_object_set_new(o, "data", json_string(c->data));
        json_object_set_new(o, "why", json_string(why));
        json_array_append_new(ch, o);
        free(why);
        free(name);
    }
    json_object_set_new(root, "changes", ch);
    if (p->sts_policy != NULL) {
        char *ngx = mtasts_nginx_snippet(p->domain, GEN_MTASTS_POLICY_PATH);
        char *apa = mtasts_apache_snippet(p->domain,
                                          GEN_MTASTS_POLICY_PATH);

        json_object_set_new(root, "mta_sts", json_pack(
            "{s:s, s:s, s:s, s:s, s:s}", "mode",
            gen_mtasts_mode_name((enum mtasts_mode)p->sts_mode), "policy",
            p->sts_policy, "policy_path", GEN_MTASTS_POLICY_PATH, "nginx",
            ngx, "apache", apa));
        free(ngx);
        free(apa);
    }
    json_object_set_new(root, "findings", cli_findings_json(&p->findings));
    json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', fp);
    json_decref(root);
}

/* ---- the answers: saved ones with the options over them ---- */

static bool
set_policy(const char *s, const char *opt, enum state_policy *out)
{
    if (s == NULL)
        return true;
    if (state_policy_parse(s, out))
        return true;
    cli_errorf(_("mailready: %s takes none, quarantine or reject\n"),
               opt);
    return false;
}

static bool
answers_from_args(const struct plan_args *a, struct state_answers *ans,
                  struct plan_opts *po)
{
    struct state_answers over;
    bool ok = true;
    char *ua = NULL;

    memset(&over, 0, sizeof(over));
    for (size_t i = 0; i < a->n_providers; i++)
        state_strs_add(&over.providers, a->providers[i]);
    for (size_t i = 0; i < a->n_ips; i++)
        state_strs_add(&over.server_ips, a->ips[i]);
    for (size_t i = 0; i < a->n_rua; i++)
        state_strs_add(&over.dmarc_rua, a->rua[i]);
    if (a->mx_host != NULL) {
        char *al = NULL;
        if (cli_domain(a->mx_host, &al, &ua)) {
            over.mx_host = al;
            free(ua);
        } else {
            ok = false;
        }
    }
    if (a->target.hostname != NULL) {
        char *al = NULL;
        if (cli_domain(a->target.hostname, &al, &ua)) {
            over.hostname = al;
            free(ua);
        } else {
            ok = false;
        }
    }
    if (a->mta_sts != NULL)
        over.mta_sts = xstrdup(a->mta_sts);
    if (a->tls_rua != NULL)
        over.tls_rua = xstrdup(a->tls_rua);
    state_answers_overlay(ans, &over);
    state_answers_fini(&over);
    if (a->send_only)
        ans->own_send_only = true;
    if (a->strict)
        ans->dmarc_strict = true;
    ok &= set_policy(a->stage, "--dmarc-stage", &ans->dmarc_policy);
    ok &= set_policy(a->sp, "--dmarc-sp", &ans->dmarc_sp);
    po->dmarc_p_explicit = a->stage != NULL || a->sp != NULL ||
                           ans->dmarc_policy != STATE_POLICY_UNSET;
    if (a->spf_all != NULL) {
        ans->spf_hard_fail = strcmp(a->spf_all, "hard") == 0 ||
                             strcmp(a->spf_all, "-all") == 0;
        po->spf_all_explicit = true;
    }
    for (size_t i = 0; i < a->target.nsels; i++)
        state_answers_selector_add(ans, a->target.sels[i]);
    if (a->target.dkim_key != NULL) {
        if (a->target.nsels != 1) {
            cli_errorf(_("mailready: --dkim-key goes with exactly one "
                         "--selector\n"));
            ok = false;
        } else {
            char *abs = realpath(a->target.dkim_key, NULL);
            state_answers_set_key(ans, a->target.sels[0],
                                  abs != NULL ? abs : a->target.dkim_key,
                                  NULL, NULL);
            free(abs);
        }
    }
    for (size_t i = 0; i < a->n_providers; i++)
        if (strcmp(a->providers[i], "own") != 0)
            ans->answered = true;
    return ok;
}

static int
plan_run(struct plan_args *a, const char *arg)
{
    struct state_answers ans;
    struct plan_opts po;
    struct export_plan target;
    struct preset_list *pl = NULL;
    struct rc_err err = { 0 };
    struct state *old;
    struct plan p;
    char *alabel = NULL, *ulabel = NULL, *path;
    bool can_save = true;
    enum plan_format fmt = PF_TEXT;
    int r;

    if (a->format != NULL)
        fmt = str_ieq(a->format, "json") ? PF_JSON :
              str_ieq(a->format, "bind") ? PF_BIND :
              str_ieq(a->format, "nsupdate") ? PF_NSUPDATE : PF_TEXT;
    if (!cli_domain(arg, &alabel, &ulabel))
        return CLI_EXIT_ERROR;
    memset(&ans, 0, sizeof(ans));
    memset(&po, 0, sizeof(po));
    old = cli_state_load(&a->common, alabel, &can_save);
    if (old != NULL)
        state_answers_copy(&ans, &old->answers);
    state_free(old);
    if (!answers_from_args(a, &ans, &po)) {
        state_answers_fini(&ans);
        free(alabel);
        free(ulabel);
        return CLI_EXIT_ERROR;
    }
    path = preset_path(i18n_datadir());
    if (preset_load(path, &pl, &err) != RC_OK) {
        char *why = present_err(RC_PARSE, &err);
        cli_errorf(_("mailready: cannot read the provider presets: "
                     "%s\n"), why);
        free(why);
        rc_err_fini(&err);
        free(path);
        state_answers_fini(&ans);
        free(alabel);
        free(ulabel);
        return CLI_EXIT_ERROR;
    }
    free(path);
    for (size_t i = 0; i < a->n_providers; i++)
        if (preset_find(pl, a->providers[i]) == NULL) {
            char *vis = str_visible(a->providers[i],
                                    strnlen(a->providers[i], 100));
            cli_errorf(_("mailready: unknown provider '%s' (see "
                         "mailready records --list-providers)\n"), vis);
            free(vis);
            preset_list_free(pl);
            state_answers_fini(&ans);
            free(alabel);
            free(ulabel);
            return CLI_EXIT_ERROR;
        }

    export_plan_build(alabel, &ans, pl, &target);
    struct dns *d = cli_dns_new(&a->common);
    if (d == NULL) {
        export_plan_fini(&target);
        preset_list_free(pl);
        state_answers_fini(&ans);
        free(alabel);
        free(ulabel);
        return CLI_EXIT_ERROR;
    }
    struct plan_fetch_opts fo = {
        .https_port = a->https_port, .ca_file = a->ca_file,
        .timeout_ms = a->common.timeout_s * 1000,
    };
    struct plan_fetch *f = plan_fetch_start_opts(d, alabel, &target, &fo);
    dns_run(d);
    po.domain = alabel;
    po.allow_weaker = a->allow_weaker;
    plan_build(plan_fetch_live(f), &target, &po, &p);
    /* What cannot be done here (notes of the target) is said too. */
    plan_take_notes(&p, &target);
    switch (fmt) {
    case PF_JSON:
        print_json(stdout, &p, ulabel);
        break;
    case PF_BIND:
        print_bind(stdout, &p);
        break;
    case PF_NSUPDATE:
        print_nsupdate(stdout, &p);
        if (p.sts_policy != NULL)
            fputs(_("mailready: serve the new MTA-STS policy file (see "
                    "the plan in text form) before\n"
                    "sending this update.\n"), stderr);
        if (p.refused || p.status == PLAN_ERROR)
            print_findings_text(stderr, &p, false);
        break;
    default:
        print_text(stdout, &p, ulabel);
        break;
    }
    r = plan_exit(&p);
    plan_fini(&p);
    dns_free(d);
    plan_fetch_free(f);
    export_plan_fini(&target);
    preset_list_free(pl);
    state_answers_fini(&ans);
    free(alabel);
    free(ulabel);
    return r;
}

int
cli_plan(int argc, char **argv)
{
    struct plan_args a;
    struct cli_args pa = { .com = &a.common, .tg = &a.target, .cmd = &a };
    int r;

    memset(&a, 0, sizeof(a));
    cli_common_init(&a.common);
    r = cli_parse(&plan_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN)
        return r;
    if (pa.nargs < 1) {
        cli_help(stderr, &plan_cmd);
        return CLI_EXIT_ERROR;
    }
    return plan_run(&a, pa.args[0]);
}
