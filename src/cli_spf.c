/* cli_spf.c - `mailready spf --ip IP [--sender ADDR] [--helo NAME]
 * [DOMAIN]`: may this server send for this domain?  Runs check_host()
 * (RFC 7208 §4) and prints the result, the deciding term, the explanation
 * and the lookup counts. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/spf_eval.h"
#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/util.h"

struct spf_args {
    const char *ip, *sender, *helo;
};

static const struct cli_opt spf_own[] = {
    {
        .name = "--ip", .arg = CLI_ARG_STR, .metavar = "IP",
        .dest = CLI_DEST_CMD, .off = offsetof(struct spf_args, ip),
        .help = N_("the address of the sending server"),
    },
    {
        .name = "--sender", .arg = CLI_ARG_STR, .metavar = N_("ADDRESS"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct spf_args, sender),
        .help = N_("the envelope sender (MAIL FROM)"),
    },
    {
        .name = "--helo", .arg = CLI_ARG_STR, .metavar = N_("NAME"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct spf_args, helo),
        .help = N_("the HELO/EHLO name of the server"),
    },
};

static const struct cli_opt *const spf_shared[] = {
    &cli_opt_json, CLI_OPTS_DNS, &cli_opt_lang,
};

static const struct cli_cmd spf_cmd = {
    .name = "spf",
    .usage = N_("Usage: mailready spf --ip IP [OPTION]... [DOMAIN]\n"
                "Evaluate SPF (RFC 7208 check_host) for a client address: "
                "may this server\n"
                "send mail for the domain?  The domain is DOMAIN, else the "
                "sender's domain,\n"
                "else the HELO name.  --sender \"\" is the null reverse "
                "path (postmaster@HELO).\n"),
    .own = spf_own,
    .nown = ARRAY_LEN(spf_own),
    .shared = spf_shared,
    .nshared = ARRAY_LEN(spf_shared),
    .max_args = 1,
    .epilogue = N_("Exit status: 0 pass, 1 softfail, neutral or none, 2 fail "
                   "or permerror,\n"
                   "3 temperror or bad input.\n"),
};

/* A Unicode domain in s (a name, or the part after the last '@') as its
 * A-label; NULL when s is ASCII or not a valid name (check_host() then
 * judges it as it is).  Caller frees. */
static char *
idn_alabel(const char *s)
{
    const char *at = strrchr(s, '@');
    const char *d = at != NULL ? at + 1 : s;
    char *a = NULL, *u = NULL, *out = NULL;
    const char *why = NULL;
    bool ascii = true;

    for (const unsigned char *p = (const unsigned char *)d; *p; p++)
        if (*p >= 0x80)
            ascii = false;
    if (ascii || name_normalize(d, true, true, &a, &u, &why) != RC_OK)
        return NULL;
    out = xasprintf("%.*s%s", (int)(d - s), s, a);
    free(a);
    free(u);
    return out;
}

static int
result_exit(enum spf_result r)
{
    switch (r) {
    case SPF_RES_PASS:
        return 0;
    case SPF_RES_SOFTFAIL:
    case SPF_RES_NEUTRAL:
    case SPF_RES_NONE:
        return 1;
    case SPF_RES_FAIL:
    case SPF_RES_PERMERROR:
        return 2;
    case SPF_RES_TEMPERROR:
        return 3;
    }
    return 3;
}

static const char *
result_meaning(enum spf_result r)
{
    switch (r) {
    case SPF_RES_PASS:
        return _("This server may send mail for the domain.");
    case SPF_RES_FAIL:
        return _("This server may not send mail for the domain.");
    case SPF_RES_SOFTFAIL:
        return _("This server is probably not allowed to send mail for the "
                 "domain.");
    case SPF_RES_NEUTRAL:
        return _("The domain says nothing about this server.");
    case SPF_RES_NONE:
        return _("The domain has no SPF record (or is not a valid domain "
                 "name).");
    case SPF_RES_PERMERROR:
        return _("The domain's SPF record is broken: receivers cannot use "
                 "it.");
    case SPF_RES_TEMPERROR:
        return _("A DNS error stopped the check: try again later.");
    }
    return "";
}

/* The reason of a permerror/temperror, translated; caller frees. */
static char *
verdict_why(const struct spf_verdict *v)
{
    char *a[3];
    char *s;

    if (v->why == NULL)
        return NULL;
    for (int i = 0; i < 3; i++)
        a[i] = str_safe(v->why_args[i], strlen(v->why_args[i]));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    s = xasprintf(_(v->why), a[0], a[1], a[2]);
#pragma GCC diagnostic pop
    for (int i = 0; i < 3; i++)
        free(a[i]);
    return s;
}

static char *
vis(const char *s)
{
    return s != NULL ? str_visible(s, strlen(s)) : NULL;
}

/* The deciding term, whole even with a NUL inside. */
static char *
vis_mech(const struct spf_verdict *v)
{
    return v->mechanism != NULL
               ? str_visible(v->mechanism, v->mechanism_len) : NULL;
}

static void
print_text(const struct spf_verdict *v, const char *domain, const char *ip)
{
    char *why = verdict_why(v);
    char *mech = vis_mech(v), *md = vis(v->mech_domain);
    char *exp = vis(v->explanation), *d = vis(domain);
    char n1[24], n2[24];

    printf(_("SPF result for %1$s from %2$s: %3$s\n"), d, ip,
           spf_result_name(v->result));
    printf("  %s\n", result_meaning(v->result));
    if (mech != NULL && md != NULL)
        printf(_("  Deciding term: %1$s (in the record of %2$s)\n"), mech,
               md);
    else if (v->result == SPF_RES_NEUTRAL)
        printf(_("  No term matched: the default result applies.\n"));
    if (why != NULL)
        printf(_("  Reason: %s\n"), why);
    if (exp != NULL)
        printf(_("  Explanation: %s\n"), exp);
    snprintf(n1, sizeof(n1), "%u", v->lookups);
    snprintf(n2, sizeof(n2), "%u", v->void_lookups);
    printf(_("  DNS lookups: %1$s of 10, void lookups: %2$s of 2\n"), n1,
           n2);
    free(why);
    free(mech);
    free(md);
    free(exp);
    free(d);
}

static void
print_json(const struct spf_verdict *v, const char *domain, const char *ip,
           const char *sender, const char *helo)
{
    json_t *o = json_object();
    char *why = verdict_why(v);
    char *s;

    json_object_set_new(o, "result",
                        json_string(spf_result_name(v->result)));
    s = vis_mech(v);
    json_object_set_new(o, "mechanism",
                        s != NULL ? json_string(s) : json_null());
    free(s);
    if (v->mech_domain != NULL) {
        s = vis(v->mech_domain);
        json_object_set_new(o, "mechanism_domain", json_string(s));
        free(s);
    }
    if (v->explanation != NULL) {
        s = vis(v->explanation);
        json_object_set_new(o, "explanation", json_string(s));
        free(s);
    }
    json_object_set_new(o, "lookups", json_integer(v->lookups));
    json_object_set_new(o, "void_lookups", json_integer(v->void_lookups));
    if (why != NULL)
        json_object_set_new(o, "problem", json_string(why));
    s = vis(domain);
    json_object_set_new(o, "domain", json_string(s));
    free(s);
    json_object_set_new(o, "ip", json_string(ip));
    s = vis(sender);
    json_object_set_new(o, "sender", json_string(s));
    free(s);
    s = vis(helo);
    json_object_set_new(o, "helo", json_string(s));
    free(s);
    json_dumpf(o, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(o);
    free(why);
}

int
cli_spf(int argc, char **argv)
{
    struct cli_common com;
    struct spf_request req;
    struct spf_args sa = { NULL, NULL, NULL };
    struct cli_args pa = { .com = &com, .cmd = &sa };
    const char *ip_arg, *sender, *helo, *domain_arg;
    char *alabel = NULL, *ulabel = NULL, *sender_buf = NULL;
    char *local = NULL, *sdomain = NULL, *sender_idn = NULL, *helo_idn = NULL;
    const char *domain;
    struct dns *dns = NULL;
    struct spf_eval *ev = NULL;
    const struct spf_verdict *v;
    int r, ret = CLI_EXIT_ERROR;

    cli_common_init(&com);
    memset(&req, 0, sizeof(req));
    r = cli_parse(&spf_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN)
        return r;
    ip_arg = sa.ip;
    sender = sa.sender;
    helo = sa.helo;
    domain_arg = pa.nargs > 0 ? pa.args[0] : NULL;
    if (ip_arg == NULL) {
        cli_errorf(_("mailready: spf needs --ip IP (try mailready spf "
                     "--help)\n"));
        return CLI_EXIT_ERROR;
    }
    if (!net_parse(ip_arg, &req.ip)) {
        cli_errorf(_("mailready: '%s' is not an IPv4 or IPv6 "
                     "address\n"), ip_arg);
        return CLI_EXIT_ERROR;
    }
    if (domain_arg == NULL && (sender == NULL || sender[0] == '\0') &&
        (helo == NULL || helo[0] == '\0')) {
        cli_errorf(_("mailready: spf needs a DOMAIN, --sender or "
                     "--helo\n"));
        return CLI_EXIT_ERROR;
    }
    if (domain_arg != NULL && !cli_domain(domain_arg, &alabel, &ulabel))
        return CLI_EXIT_ERROR;
    if (sender == NULL && alabel != NULL) {
        sender_buf = xasprintf("postmaster@%s", alabel);
        sender = sender_buf;
    }
    if (helo == NULL)
        helo = alabel != NULL ? alabel : "";
    /* RFC 7208 works on A-labels: a Unicode sender or HELO domain is
     * converted; the address is kept as given otherwise */
    if (sender != NULL && (sender_idn = idn_alabel(sender)) != NULL)
        sender = sender_idn;
    if ((helo_idn = idn_alabel(helo)) != NULL)
        helo = helo_idn;
    /* the domain evaluated: DOMAIN, else the sender's, else HELO's */
    spf_sender_split(sender != NULL && sender[0] != '\0' ? sender : helo,
                     &local, &sdomain);
    domain = alabel != NULL ? alabel : sdomain;

    dns = cli_dns_new(&com);
    if (dns == NULL)
        goto out;
    req.domain = domain;
    req.sender = sender;
    req.helo = helo;
    req.trace = com.trace ? stderr : NULL;
    ev = spf_eval_start(dns, &req);
    dns_run(dns);
    v = spf_eval_verdict(ev);
    if (com.json)
        print_json(v, domain, ip_arg, sender != NULL ? sender : "", helo);
    else
        print_text(v, ulabel != NULL ? ulabel : domain, ip_arg);
    ret = result_exit(v->result);
out:
    spf_eval_free(ev);
    dns_free(dns);
    free(alabel);
    free(ulabel);
    free(sender_buf);
    free(sender_idn);
    free(helo_idn);
    free(local);
    free(sdomain);
    return ret;
}
