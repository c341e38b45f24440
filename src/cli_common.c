/* cli_common.c - options shared by the commands. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailready/check_intent.h"
#include "mailready/journey.h"
#include "mailready/cli.h"
#include "mailready/gen_dkim.h"
#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/present.h"
#include "mailready/preset.h"
#include "mailready/state.h"
#include "mailready/util.h"

void
cli_common_init(struct cli_common *c)
{
    memset(c, 0, sizeof(*c));
    c->timeout_s = 5;
}

/* ---- the shared options ---------------------------------------------- */

static bool
ip_ok(const char *v)
{
    struct ipaddr ip;

    return net_parse(v, &ip);
}

/* A host name as the domain argument takes it: A-label or U-label. */
static bool
hostname_ok(const char *v)
{
    char *a = NULL, *u = NULL;
    const char *why = NULL;
    bool ok = name_normalize(v, false, true, &a, &u, &why) == RC_OK &&
              strlen(a) < CLI_NAME_BUF;

    free(a);
    free(u);
    return ok;
}

const struct cli_opt cli_opt_no_authoritative = {
    .name = "--no-authoritative", .arg = CLI_ARG_FLAG,
    .dest = CLI_DEST_COMMON, .off = offsetof(struct cli_common, no_auth),
    .help = N_("do not ask the domain's own name servers\n"
               "whether what you published has reached them"),
};
const struct cli_opt cli_opt_auth_port = {
    .name = "--auth-port", .arg = CLI_ARG_UINT, .metavar = N_("N"),
    .dest = CLI_DEST_COMMON, .off = offsetof(struct cli_common, auth_port),
    .min = 1, .max = 65535,
    .help = N_("ask the name servers at port N, not 53\n"
               "(tests and special setups)"),
};
const struct cli_opt cli_opt_json = {
    .name = "--json", .arg = CLI_ARG_FLAG, .dest = CLI_DEST_COMMON,
    .off = offsetof(struct cli_common, json),
    .help = N_("machine-readable output"),
};
const struct cli_opt cli_opt_resolver = {
    .name = "--resolver", .arg = CLI_ARG_LIST, .metavar = N_("ADDR[:PORT]"),
    .dest = CLI_DEST_COMMON, .off = offsetof(struct cli_common, resolvers),
    .count_off = offsetof(struct cli_common, n_resolvers),
    .max = CLI_MAX_RESOLVERS,
    .help = N_("DNS server to ask (repeatable, at most %s)"),
};
const struct cli_opt cli_opt_zone_file = {
    .name = "--zone-file", .arg = CLI_ARG_LIST, .metavar = N_("FILE"),
    .dest = CLI_DEST_COMMON, .off = offsetof(struct cli_common, zone_files),
    .count_off = offsetof(struct cli_common, n_zone_files),
    .max = CLI_MAX_ZONE_FILES,
    .help = N_("answer names in this zone from the file\n"
               "(repeatable, at most %s)"),
};
const struct cli_opt cli_opt_timeout = {
    .name = "--timeout", .arg = CLI_ARG_UINT, .metavar = N_("SECONDS"),
    .dest = CLI_DEST_COMMON, .off = offsetof(struct cli_common, timeout_s),
    .min = 1, .max = 600,
    .help = N_("wait this long for one DNS answer (1 to 600,\n"
               "default 5)"),
};
const struct cli_opt cli_opt_deadline = {
    .name = "--deadline", .arg = CLI_ARG_UINT, .metavar = N_("SECONDS"),
    .dest = CLI_DEST_COMMON, .off = offsetof(struct cli_common, deadline_s),
    .min = 1, .max = 1800,
    .help = N_("wait at most this long for all DNS answers;\n"
               "what is still missing then could not be checked\n"
               "(1 to 1800, default 3 times --timeout)"),
};
const struct cli_opt cli_opt_dmarc_monitor_days = {
    .name = "--dmarc-monitor-days", .arg = CLI_ARG_UINT,
    .metavar = N_("DAYS"), .dest = CLI_DEST_COMMON,
    .off = offsetof(struct cli_common, dmarc_monitor_days),
    .min = 1, .max = JOURNEY_DMARC_MAX_DAYS,
    .help = N_("days to watch DMARC reports at p=none (and then at\n"
               "p=quarantine) before the next step is proposed\n"
               "(1 to 365, default 14)"),
};
const struct cli_opt cli_opt_trace = {
    .name = "--trace", .arg = CLI_ARG_FLAG, .dest = CLI_DEST_COMMON,
    .off = offsetof(struct cli_common, trace),
    .help = N_("print every DNS query and answer to stderr"),
};
const struct cli_opt cli_opt_no_network = {
    .name = "--no-network", .arg = CLI_ARG_FLAG, .dest = CLI_DEST_COMMON,
    .off = offsetof(struct cli_common, offline),
    .help = N_("never ask live DNS (only --zone-file answers)"),
};
const struct cli_opt cli_opt_lang = {
    .name = "--lang", .arg = CLI_ARG_STR, .metavar = "es|en",
    .dest = CLI_DEST_COMMON, .off = offsetof(struct cli_common, lang),
    .choices = "es|en",
    .help = N_("language of the output"),
};
const struct cli_opt cli_opt_state_dir = {
    .name = "--state-dir", .arg = CLI_ARG_STR, .metavar = N_("DIR"),
    .dest = CLI_DEST_COMMON, .off = offsetof(struct cli_common, state_dir),
    .help = N_("where the state is kept\n"
               "(default ~/.local/state/mailready)"),
};
const struct cli_opt cli_opt_server_ip = {
    .name = "--server-ip", .arg = CLI_ARG_LIST, .metavar = "IP",
    .dest = CLI_DEST_TARGET, .off = offsetof(struct cli_target, ips),
    .count_off = offsetof(struct cli_target, nips),
    .max = STATE_MAX_SERVER_IPS, .valid = ip_ok,
    .bad = N_("mailready: '%s' is not an IPv4 or IPv6 address\n"),
    .help = N_("an address your mail is sent from\n"
               "(repeatable, at most %s)"),
};
const struct cli_opt cli_opt_selector = {
    .name = "--selector", .arg = CLI_ARG_LIST, .metavar = "S",
    .dest = CLI_DEST_TARGET, .off = offsetof(struct cli_target, sels),
    .count_off = offsetof(struct cli_target, nsels),
    .max = STATE_MAX_SELECTORS, .valid = gen_dkim_selector_ok,
    .bad = N_("mailready: '%s' is not a valid DKIM selector\n"),
    .help = N_("a DKIM selector to check (repeatable, at most %s)"),
};
const struct cli_opt cli_opt_hostname = {
    .name = "--hostname", .arg = CLI_ARG_STR, .metavar = N_("NAME"),
    .dest = CLI_DEST_TARGET, .off = offsetof(struct cli_target, hostname),
    .valid = hostname_ok,
    .bad = N_("mailready: '%s' is not a valid host name\n"),
    .help = N_("your mail server's host name (PTR)"),
    .host = true, .host_buf = offsetof(struct cli_target, hostname_buf),
};
const struct cli_opt cli_opt_dkim_key = {
    .name = "--dkim-key", .arg = CLI_ARG_STR, .metavar = N_("FILE"),
    .dest = CLI_DEST_TARGET, .off = offsetof(struct cli_target, dkim_key),
    .help = N_("compare the published DKIM key with this private\n"
               "key (with one --selector)"),
};

/* ---- the parser ------------------------------------------------------ */

/* Where an option's value goes; dies on a table naming a struct the
 * command did not give (a programming error). */
static char *
dest_of(const struct cli_opt *o, const struct cli_args *a)
{
    void *p = o->dest == CLI_DEST_COMMON ? (void *)a->com :
              o->dest == CLI_DEST_TARGET ? (void *)a->tg : a->cmd;

    if (p == NULL)
        die("option table: no destination for %s", o->name);
    return p;
}

/* The i-th option of cmd: its own, then the shared ones. */
static const struct cli_opt *
cli_cmd_opt(const struct cli_cmd *cmd, size_t i)
{
    return i < cmd->nown ? &cmd->own[i] : cmd->shared[i - cmd->nown];
}

/* The option of cmd that arg names ("--name", "--name=VALUE" or the
 * alias); *inline_val is the value after '=' or NULL. */
static const struct cli_opt *
opt_find(const struct cli_cmd *cmd, const char *arg, const char **inline_val)
{
    for (size_t i = 0; i < cmd->nown + cmd->nshared; i++) {
        const struct cli_opt *o = cli_cmd_opt(cmd, i);
        const char *names[2] = { o->name, o->alias };

        for (int k = 0; k < 2; k++) {
            size_t n;

            if (names[k] == NULL)
                continue;
            n = strlen(names[k]);
            if (strncmp(arg, names[k], n) != 0)
                continue;
            if (arg[n] == '\0') {
                *inline_val = NULL;
                return o;
            }
            if (arg[n] == '=') {
                *inline_val = arg + n + 1;
                return o;
            }
        }
    }
    return NULL;
}

/* Whether v is one of the '|'-separated words of choices. */
static bool
choice_ok(const char *choices, const char *v)
{
    const char *p = choices;

    while (*p != '\0') {
        size_t n = strcspn(p, "|");

        if (n == strlen(v) && str_nieq(p, v, n))
            return true;
        p += n;
        if (*p == '|')
            p++;
    }
    return false;
}

void
cli_errorf(const char *fmt, ...)
{
    static const char prog[] = "mailready: ";
    va_list ap;
    char *m = NULL;
    size_t len;
    int n;

    va_start(ap, fmt);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    n = vasprintf(&m, fmt, ap);
#pragma GCC diagnostic pop
    va_end(ap);
    if (n < 0)
        die("%s", "out of memory");
    fflush(stdout);
    if (!isatty(STDERR_FILENO)) {
        fputs(m, stderr);
    } else {
        len = strlen(m);
        if (len > 0 && m[len - 1] == '\n')
            m[len - 1] = '\0';
        cli_print_hanging(stderr, m, 0,
                          strncmp(m, prog, sizeof(prog) - 1) == 0
                          ? (int)sizeof(prog) - 1 : 0, 79);
    }
    free(m);
}

/* Print msgid (translated) with the value made visible-safe as its one
 * %s, or with name and the value as %1$s and %2$s when two is set. */
static void
err_value(const char *msgid, const char *name, const char *v, bool two)
{
    char *vis = str_visible(v, strnlen(v, 300));

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    if (two)
        cli_errorf(_(msgid), name, vis);
    else
        cli_errorf(_(msgid), vis);
#pragma GCC diagnostic pop
    free(vis);
}

/* Check v and store it; false after one line on stderr. */
static bool
opt_store(const struct cli_opt *o, const char *v, const struct cli_args *a)
{
    char *base = dest_of(o, a);
    unsigned long n;

    switch (o->arg) {
    case CLI_ARG_FLAG:
        *(bool *)(void *)(base + o->off) = true;
        return true;
    case CLI_ARG_UINT:
        if (!str_to_uint(v, o->min, o->max, &n)) {
            char *vis = str_visible(v, strnlen(v, 300));

            cli_errorf(_("mailready: %1$s takes a number from %2$lu "
                         "to %3$lu, not '%4$s'\n"), o->name, o->min,
                       o->max, vis);
            free(vis);
            return false;
        }
        *(unsigned *)(void *)(base + o->off) = (unsigned)n;
        return true;
    case CLI_ARG_STR:
    case CLI_ARG_LIST:
        break;
    }
    if (o->choices != NULL && !choice_ok(o->choices, v)) {
        char *vis = str_visible(v, strnlen(v, 300));

        cli_errorf(_("mailready: %1$s takes %2$s, not '%3$s'\n"),
                   o->name, o->choices, vis);
        free(vis);
        return false;
    }
    if (o->valid != NULL && !o->valid(v)) {
        if (o->bad != NULL)
            err_value(o->bad, o->name, v, false);
        else
            err_value(N_("mailready: %1$s does not take '%2$s'\n"),
                      o->name, v, true);
        return false;
    }
    if (o->arg == CLI_ARG_STR && o->host) {
        char *alabel = NULL, *ulabel = NULL;
        const char *why = NULL;
        char *buf = base + o->host_buf;

        /* valid() took it: a U-label becomes its A-label (RFC 5891) */
        if (name_normalize(v, false, true, &alabel, &ulabel, &why) != RC_OK)
            return false;
        str_copy(buf, alabel, CLI_NAME_BUF);
        *(const char **)(void *)(base + o->off) = buf;
        free(alabel);
        free(ulabel);
        return true;
    }
    if (o->arg == CLI_ARG_STR) {
        *(const char **)(void *)(base + o->off) = v;
        return true;
    }
    size_t *count = (size_t *)(void *)(base + o->count_off);
    const char **list = (const char **)(void *)(base + o->off);

    if (*count >= o->max) {
        cli_errorf(_("mailready: too many %s options (at most %zu)\n"),
                   o->name, (size_t)o->max);
        return false;
    }
    list[(*count)++] = v;
    return true;
}

int
cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
          struct cli_args *a)
{
    bool opts_end = false;

    a->nargs = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *v = NULL;
        const struct cli_opt *o;

        if (!opts_end && strcmp(arg, "--") == 0) {
            opts_end = true;
            continue;
        }
        if (opts_end || arg[0] != '-' || arg[1] == '\0') {
            if (a->nargs >= cmd->max_args || a->nargs >= CLI_MAX_ARGS) {
                char *vis = str_visible(arg, strnlen(arg, 300));

                cli_errorf(_("mailready: unexpected argument '%1$s' "
                             "(see mailready %2$s --help)\n"), vis,
                           cmd->name);
                free(vis);
                return CLI_EXIT_ERROR;
            }
            a->args[a->nargs++] = arg;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            cli_help(stdout, cmd);
            return CLI_EXIT_OK;
        }
        o = opt_find(cmd, arg, &v);
        if (o == NULL) {
            char *vis = str_visible(arg, strnlen(arg, 300));

            cli_errorf(_("mailready: unknown option '%1$s' for %2$s "
                         "(see mailready %2$s --help)\n"), vis,
                       cmd->name);
            free(vis);
            return CLI_EXIT_ERROR;
        }
        if (o->arg == CLI_ARG_FLAG && v != NULL) {
            cli_errorf(_("mailready: option %s takes no value\n"),
                       o->name);
            return CLI_EXIT_ERROR;
        }
        /* "--name VALUE": a next argument that is an option is not the
         * value ("--name=--x" gives one that starts with "--"). */
        if (o->arg == CLI_ARG_UINT && o->value_optional && v == NULL &&
            (i + 1 >= argc || argv[i + 1][0] == '\0' ||
             strspn(argv[i + 1], "0123456789") != strlen(argv[i + 1]))) {
            *(unsigned *)(void *)(dest_of(o, a) + o->off) =
                (unsigned)o->dflt;
            continue;
        }
        if (o->arg != CLI_ARG_FLAG && v == NULL) {
            if (i + 1 >= argc ||
                (strncmp(argv[i + 1], "--", 2) == 0 && argv[i + 1][2])) {
                cli_errorf(_("mailready: option %s needs a value\n"),
                           o->name);
                return CLI_EXIT_ERROR;
            }
            v = argv[++i];
        }
        if (!opt_store(o, v, a))
            return CLI_EXIT_ERROR;
    }
    if (a->com != NULL && a->com->lang != NULL)
        i18n_set_lang(a->com->lang);
    return CLI_PARSE_RUN;
}

/* Column where the options' help text starts. */
#define HELP_COL 23

void
cli_help(FILE *fp, const struct cli_cmd *cmd)
{
    fputs(_(cmd->usage), fp);
    if (cmd->nown + cmd->nshared > 0)
        fputc('\n', fp);
    for (size_t i = 0; i < cmd->nown + cmd->nshared; i++) {
        const struct cli_opt *o = cli_cmd_opt(cmd, i);
        char *left, *text, limit[24];
        const char *p;
        int col;

        left = xasprintf("  %s%s%s%s%s", o->alias != NULL ? o->alias : "",
                         o->alias != NULL ? ", " : "", o->name,
                         o->metavar != NULL ? " " : "",
                         o->metavar != NULL ? _(o->metavar) : "");
        snprintf(limit, sizeof(limit), "%lu", o->max);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        if (o->arg == CLI_ARG_LIST)
            text = xasprintf(_(o->help), limit);
        else if (o->help_arg != NULL)
            text = xasprintf(_(o->help), o->help_arg);
        else
            text = xstrdup(_(o->help));
#pragma GCC diagnostic pop
        col = present_width(left, strlen(left));
        fputs(left, fp);
        if (col > HELP_COL - 2) {
            fputs("  ", fp);
        } else {
            fprintf(fp, "%*s", HELP_COL - col, "");
        }
        /* the text's own lines, each after the column */
        for (p = text; *p != '\0';) {
            size_t n = strcspn(p, "\n");

            fprintf(fp, "%.*s\n", (int)n, p);
            p += n;
            if (*p == '\n')
                p++;
            if (*p != '\0')
                fprintf(fp, "%*s", HELP_COL, "");
        }
        free(text);
        free(left);
    }
    if (cmd->epilogue != NULL) {
        fputc('\n', fp);
        fputs(_(cmd->epilogue), fp);
    }
    if (cmd->more_help != NULL)
        cmd->more_help(fp);
}

struct dns *
cli_dns_new(const struct cli_common *c)
{
    struct dns_opts o;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    enum rc rc;

    memset(&o, 0, sizeof(o));
    o.resolvers = c->resolvers;
    o.n_resolvers = c->n_resolvers;
    o.zone_files = c->zone_files;
    o.n_zone_files = c->n_zone_files;
    o.timeout_ms = c->timeout_s * 1000;
    o.deadline_ms = c->deadline_s * 1000;   /* 0: 3 x timeout (dns.h) */
    o.trace = c->trace ? stderr : NULL;
    o.offline = c->offline;
    o.max_inflight = c->max_inflight;
    o.qps = c->qps;
    rc = dns_new(&o, &d, &err);
    if (rc != RC_OK) {
        char *why = present_err(rc, &err);

        cli_errorf(_("mailready: cannot set up DNS: %s\n"), why);
        free(why);
        rc_err_fini(&err);
        return NULL;
    }
    return d;
}

bool
cli_domain(const char *arg, char **alabel, char **ulabel)
{
    const char *why = NULL;

    if (name_normalize(arg, false, false, alabel, ulabel, &why) == RC_OK)
        return true;
    char *vis = str_visible(arg, strnlen(arg, 300));
    cli_errorf(_("mailready: '%1$s' is not a valid domain name: "
                 "%2$s\n"), vis, _(why));
    free(vis);
    return false;
}

/* (cli.h) Moved here from cli_check.c: check --batch builds it for each
 * domain the same way. */
void
cli_intent_of(struct check_intent *ci, const char *alabel,
              const struct state_answers *saved, const char *const *ips,
              size_t nips)
{
    struct state_answers a;
    struct preset_list *pl = NULL;

    memset(&a, 0, sizeof(a));
    if (saved != NULL)
        state_answers_copy(&a, saved);
    state_strs_clear(&a.server_ips);
    for (size_t i = 0; i < nips; i++)
        state_strs_add(&a.server_ips, ips[i]);
    if (a.providers.n > 0) {
        char *path = preset_path(i18n_datadir());
        if (preset_load(path, &pl, NULL) != RC_OK)
            pl = NULL;
        free(path);
    }
    check_intent_build(ci, alabel, &a, pl);
    preset_list_free(pl);
    state_answers_fini(&a);
}
