/* cli_records.c - `mailready records`: every record a domain needs, as a
 * zone snippet (bind), plain text for web panels, or JSON; and the text
 * of the PTR request, written here with translated templates. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mailready/present.h"
#include "mailready/cli.h"
#include "mailready/dns.h"
#include "mailready/gen_mtasts.h"
#include "mailready/gen_records.h"
#include "mailready/i18n.h"
#include "mailready/mtasts.h"
#include "mailready/name.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* The most --rua a records run takes. */
#define RECORDS_MAX_RUA 16
#define RECORDS_TTL_DEFAULT 3600

enum records_format {
    FMT_BIND,
    FMT_TEXT,
    FMT_JSON
};

struct records_args {
    const char *domain;
    const char *providers[STATE_MAX_PROVIDERS];
    size_t n_providers;
    const char *ips[STATE_MAX_SERVER_IPS];
    size_t n_ips;
    const char *rua[RECORDS_MAX_RUA];
    size_t n_rua;
    const char *mx_host;
    const char *hostname;
    bool send_only;
    const char *stage;
    const char *sp;
    const char *spf_all;
    bool strict;
    bool list;
    unsigned ttl;
    const char *format;
    const char *mta_sts;        /* --mta-sts testing|enforce|none */
    const char *tls_rua;        /* --tls-rua */
    enum records_format fmt;
    struct cli_common common;
};

#define RECORDS_FLAG(n, field, h) { .name = n, .arg = CLI_ARG_FLAG, \
    .dest = CLI_DEST_CMD, .off = offsetof(struct records_args, field), \
    .help = h }
#define RECORDS_STR(n, mv, field, ch, h) { .name = n, .arg = CLI_ARG_STR, \
    .metavar = mv, .dest = CLI_DEST_CMD, \
    .off = offsetof(struct records_args, field), .choices = ch, .help = h }
#define RECORDS_LIST(n, mv, field, count, h) { .name = n, \
    .arg = CLI_ARG_LIST, .metavar = mv, .dest = CLI_DEST_CMD, \
    .off = offsetof(struct records_args, field), \
    .count_off = offsetof(struct records_args, count), \
    .max = ARRAY_LEN(((struct records_args *)0)->field), .help = h }

static const struct cli_opt records_own[] = {
    RECORDS_LIST("--provider", N_("ID"), providers, n_providers,
                 N_("a provider that handles or sends the mail\n"
                    "(repeatable, at most %s; own = your own server)")),
    RECORDS_STR("--mx-host", N_("NAME"), mx_host, NULL,
                N_("the MX host of your own server")),
    RECORDS_FLAG("--send-only", send_only,
                 N_("your own server only sends (a newsletter, a\n"
                    "shop): MX records come from the mailbox provider,\n"
                    "the SPF record gets its include and the --ip\n"
                    "addresses")),
    RECORDS_STR("--hostname", N_("NAME"), hostname, NULL,
                N_("with --send-only: your server's host name (HELO),\n"
                   "for its address records and PTR request")),
    RECORDS_LIST("--ip", N_("ADDR"), ips, n_ips,
                 N_("an address or network your servers send from\n"
                    "(repeatable, at most %s)")),
    RECORDS_STR("--dmarc-stage", N_("STAGE"), stage, "none|quarantine|reject",
                N_("none (monitor, the default), quarantine or\n"
                   "reject")),
    RECORDS_STR("--dmarc-sp", N_("STAGE"), sp, "none|quarantine|reject",
                N_("policy for subdomains (default: as the domain)")),
    RECORDS_FLAG("--dmarc-strict", strict,
                 N_("strict DKIM and SPF alignment")),
    RECORDS_LIST("--rua", N_("ADDR"), rua, n_rua,
                 N_("where DMARC reports go: an address or mailto:\n"
                    "URI (repeatable, at most %s)")),
    RECORDS_STR("--spf-all", "soft|hard", spf_all, "soft|hard|~all|-all",
                N_("end SPF in ~all (default) or -all")),
    { .name = "--ttl", .arg = CLI_ARG_UINT, .metavar = "N",
      .dest = CLI_DEST_CMD, .off = offsetof(struct records_args, ttl),
      .min = 60, .max = 604800,
      .help = N_("TTL of the zone lines (60 to 604800, default\n"
                 "3600)") },
    RECORDS_STR("--format", "bind|text|json", format, "bind|text|json",
                N_("output format (default bind)")),
    RECORDS_STR("--mta-sts", "testing|enforce|none", mta_sts,
                "testing|enforce|none",
                N_("also the MTA-STS policy file for the MX hosts,\n"
                   "its _mta-sts record and web server snippets\n"
                   "(start with testing, then enforce)")),
    RECORDS_STR("--tls-rua", N_("ADDR"), tls_rua, NULL,
                N_("where TLS reports go (an address, mailto: or\n"
                   "https: URI): the _smtp._tls record")),
    RECORDS_FLAG("--list-providers", list, N_("list the provider ids")),
};

static const struct cli_opt *const records_shared[] = {
    CLI_OPTS_DNS, &cli_opt_lang,
};

static void
records_more_help(FILE *fp)
{
    fputc('\n', fp);
    fprintf(fp, _("Without any provider, address or MX host the domain "
                  "neither sends nor\n"
                  "receives mail: it gets a null MX, %1$s and DMARC %2$s.\n"
                  "DKIM keys for your own server: mailready keygen.\n"),
            "\"v=spf1 -all\"", "p=reject");
}

static const struct cli_cmd records_cmd = {
    .name = "records",
    .usage = N_("Usage: mailready records DOMAIN [OPTION]...\n"
                "       mailready records --list-providers\n"
                "\n"
                "Prints every record DOMAIN needs (MX, SPF, DKIM from the "
                "providers, DMARC),\n"
                "as a zone snippet that named-checkzone accepts, and the "
                "request to send for\n"
                "a PTR record.\n"),
    .own = records_own,
    .nown = ARRAY_LEN(records_own),
    .shared = records_shared,
    .nshared = ARRAY_LEN(records_shared),
    .max_args = 1,
    .more_help = records_more_help,
};

/* Write text wrapped at 76 columns (terminal columns, present_width()),
 * each line after prefix ("; " makes
 * zone-file comments, "" plain text); newlines in text are kept. */
static void
print_prefixed(FILE *fp, const char *prefix, const char *text)
{
    const char *p = text;

    while (*p != '\0') {
        const char *line = p, *brk = NULL;
        int cols = 0;

        while (*p != '\0' && *p != '\n') {
            size_t n = 1;
            int w;

            /* one character: its lead byte and continuation bytes */
            while (n < 4 && ((unsigned char)p[n] & 0xc0) == 0x80)
                n++;
            w = present_width(p, n);
            if (cols + w > 74)
                break;
            if (*p == ' ')
                brk = p;
            cols += w;
            p += n;
        }
        if (*p != '\0' && *p != '\n' && brk != NULL)
            p = brk;
        if (p > line)
            fprintf(fp, "%s%.*s\n", prefix, (int)(p - line), line);
        else
            fprintf(fp, "%.*s\n", (int)strcspn(prefix, " "), prefix);
        if (*p == ' ' || *p == '\n')
            p++;
    }
}

static void
print_comment(FILE *fp, const char *text)
{
    print_prefixed(fp, "; ", text);
}

static const char *
sev_mark(enum sev s)
{
    switch (s) {
    case SEV_FAIL:
    case SEV_ERROR:
        return "!!";
    case SEV_WARN:
        return "!";
    default:
        return "-";
    }
}

/* Who runs the reverse zone of a PTR request: walk up from the reverse
 * name asking for an SOA; the first one found names the zone.  Stops at
 * the first error (could not check: unknown).  The walks of all the
 * requests run at the same time (each step asked from the callback of the
 * one before), so that their cost is the longest walk, not the sum. */
#define SOA_WALK_MAX_STEPS 40

struct soa_walk {
    struct dns *dns;
    const char *name;           /* being asked: inside the request's
                                 * reverse name */
    int steps;
    bool found;
    char *zone, *mname, *rname;
};

static void soa_cb(void *arg, const struct dns_answer *a);

/* Ask the SOA of w->name, unless the walk has reached the top. */
static void
soa_ask(struct soa_walk *w)
{
    if (w->name == NULL || w->steps >= SOA_WALK_MAX_STEPS ||
        str_ieq(w->name, "in-addr.arpa") || str_ieq(w->name, "ip6.arpa"))
        return;
    w->steps++;
    dns_query(w->dns, w->name, DNS_T_SOA, soa_cb, w);
}

static void
soa_cb(void *arg, const struct dns_answer *a)
{
    struct soa_walk *w = arg;
    const struct dns_rr *rr;

    if (dns_status_is_error(a->status))
        return;
    rr = a->status == DNS_OK ? dns_answer_next(a, DNS_T_SOA, NULL) : NULL;
    if (rr != NULL) {
        w->found = true;
        w->zone = xstrdup(rr->owner);
        w->mname = xstrdup(rr->u.soa.mname);
        w->rname = xstrdup(rr->u.soa.rname);
        return;
    }
    w->name = name_parent(w->name);
    soa_ask(w);
}

static void
find_reverse_owners(struct dns *d, struct gen_records *g)
{
    struct soa_walk *w = xcalloc(g->n_ptr, sizeof(*w));

    for (size_t i = 0; i < g->n_ptr; i++) {
        w[i].dns = d;
        w[i].name = g->ptr[i]->reverse;
        soa_ask(&w[i]);
    }
    dns_run(d);
    for (size_t i = 0; i < g->n_ptr; i++) {
        if (w[i].found)
            gen_ptr_request_set_soa(g->ptr[i], w[i].zone, w[i].mname,
                                    w[i].rname);
        free(w[i].zone);
        free(w[i].mname);
        free(w[i].rname);
    }
    free(w);
}

/* The request, in the current language.  Caller frees. */
static char *
ptr_request_text(const struct gen_ptr_request *r)
{
    struct strbuf sb = STRBUF_INIT;

    if (r->contact != NULL && r->zone != NULL) {
        strbuf_addf(&sb, _("Send this to %1$s (the contact in the SOA "
                           "record of %2$s, the reverse zone of the "
                           "address):"), r->contact, r->zone);
    } else {
        strbuf_addf(&sb, _("Send this to whoever assigned %s to you (your "
                           "ISP, hosting or cloud provider; many cloud "
                           "providers let you set it yourself in their "
                           "control panel):"), r->address);
    }
    strbuf_adds(&sb, "\n\n");
    strbuf_addf(&sb, _("Subject: reverse DNS (PTR) for %s"), r->address);
    strbuf_adds(&sb, "\n\n");
    strbuf_adds(&sb, _("Hello,"));
    strbuf_adds(&sb, "\n\n");
    strbuf_addf(&sb, _("Please set the reverse DNS (PTR record) of the IP "
                       "address %1$s, which you assigned to us, so that it "
                       "returns the host name %2$s:"), r->address,
                r->hostname);
    strbuf_addf(&sb, "\n\n    %s. PTR %s.\n\n", r->reverse, r->hostname);
    strbuf_addf(&sb, _("%1$s resolves to %2$s (its forward record), so "
                       "forward and reverse DNS will match, as receiving "
                       "mail servers expect."), r->hostname, r->address);
    strbuf_adds(&sb, "\n\n");
    strbuf_adds(&sb, _("Thank you."));
    strbuf_addc(&sb, '\n');
    return strbuf_detach(&sb);
}

static void
print_bind(const struct records_args *a, const char *ulabel,
           struct gen_records *g)
{
    char *head;

    head = xasprintf(_("Records for %1$s, made by mailready %2$s. Names are "
                       "absolute: paste the lines into the zone of %3$s."),
                     ulabel, VERSION, a->domain);
    print_comment(stdout, head);
    free(head);
    for (size_t i = 0; i < g->rrs.n; i++) {
        char *line = gen_rr_format(&g->rrs.v[i], (unsigned)a->ttl);

        printf("%s\n", line);
        free(line);
    }
    if (g->notes.n > 0) {
        printf(";\n");
        print_comment(stdout, _("Notes:"));
        for (size_t i = 0; i < g->notes.n; i++) {
            char *msg = present_finding_message(&g->notes.v[i]);
            char *t = xasprintf("%s %s", sev_mark(g->notes.v[i].sev), msg);

            print_comment(stdout, t);
            free(t);
            free(msg);
        }
    }
    if (g->external.n > 0) {
        printf(";\n");
        print_comment(stdout, _("For other zones (their owners publish "
                                "these, not you):"));
        for (size_t i = 0; i < g->external.n; i++) {
            char *line = gen_rr_format(&g->external.v[i], (unsigned)a->ttl);

            printf("; %s\n", line);
            free(line);
        }
    }
    for (size_t i = 0; i < g->n_ptr; i++) {
        char *t = ptr_request_text(g->ptr[i]);

        printf(";\n");
        print_comment(stdout, t);
        free(t);
    }
}

/* A host name given as a U-label: both forms, as the domain's (RFC
 * 5890); a comment in the zone-file form. */
static void
print_host_forms(bool comment, const char *ulabel, const char *alabel)
{
    char *t;

    if (ulabel == NULL || alabel == NULL || strcmp(ulabel, alabel) == 0)
        return;
    t = xasprintf(_("The host name %1$s is written %2$s in DNS."), ulabel,
                  alabel);
    if (comment) {
        printf(";\n");
        print_comment(stdout, t);
    } else {
        printf("\n%s\n", t);
    }
    free(t);
}

static void
print_text(const struct records_args *a, const char *ulabel,
           struct gen_records *g)
{
    printf(_("Records for %s (one value per record, unsplit, for web "
             "panels):\n"), ulabel);
    for (size_t i = 0; i < g->rrs.n; i++) {
        const struct gen_rr *rr = &g->rrs.v[i];

        printf("\n  %-6s %s.\n", gen_type_name(rr->type), rr->owner);
        printf("         %s\n", rr->rdata);
    }
    if (g->external.n > 0) {
        printf("\n%s\n", _("For other zones (their owners publish these, "
                           "not you):"));
        for (size_t i = 0; i < g->external.n; i++)
            printf("\n  %-6s %s.\n         %s\n",
                   gen_type_name(g->external.v[i].type),
                   g->external.v[i].owner, g->external.v[i].rdata);
    }
    if (g->notes.n > 0) {
        printf("\n%s\n", _("Notes:"));
        for (size_t i = 0; i < g->notes.n; i++) {
            char *msg = present_finding_message(&g->notes.v[i]);
            char *t = xasprintf("%s %s", sev_mark(g->notes.v[i].sev), msg);

            cli_print_wrapped(stdout, t, 2, 78);
            free(t);
            free(msg);
        }
    }
    for (size_t i = 0; i < g->n_ptr; i++) {
        char *t = ptr_request_text(g->ptr[i]);

        printf("\n");
        print_prefixed(stdout, "", t);
        free(t);
    }
    (void)a;
}

static json_t *
rrs_json(const struct gen_rrs *l, unsigned ttl)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < l->n; i++) {
        char *line = gen_rr_format(&l->v[i], ttl);

        json_array_append_new(arr, json_pack(
            "{s:s, s:s, s:I, s:s, s:s}", "name", l->v[i].owner,
            "type", gen_type_name(l->v[i].type), "ttl", (json_int_t)ttl,
            "value", l->v[i].rdata, "zone_line", line));
        free(line);
    }
    return arr;
}

/* A host name given as a U-label: both forms in the JSON. */
static void
json_host_forms(json_t *root, const char *key, const char *ulabel,
                const char *alabel)
{
    json_t *o;

    if (ulabel == NULL || alabel == NULL)
        return;
    o = json_pack("{s:s}", "name", alabel);
    if (strcmp(ulabel, alabel) != 0)
        json_object_set_new(o, "unicode", json_string(ulabel));
    json_object_set_new(root, key, o);
}

static void
print_json(const struct records_args *a, const char *ulabel,
           struct gen_records *g, bool ok, const char *mx_u,
           const char *mx_a, const char *host_u, const char *host_a,
           const char *policy)
{
    json_t *root = json_object(), *notes = json_array();
    json_t *ptr = json_array();
    char *s;

    json_object_set_new(root, "domain", json_string(a->domain));
    if (strcmp(ulabel, a->domain) != 0)
        json_object_set_new(root, "domain_unicode", json_string(ulabel));
    json_object_set_new(root, "ok", json_boolean(ok));
    json_host_forms(root, "mx_host", mx_u, mx_a);
    json_host_forms(root, "hostname", host_u, host_a);
    json_object_set_new(root, "records", rrs_json(&g->rrs,
                                                  (unsigned)a->ttl));
    json_object_set_new(root, "external", rrs_json(&g->external,
                                                   (unsigned)a->ttl));
    for (size_t i = 0; i < g->notes.n; i++) {
        char *msg = present_finding_message(&g->notes.v[i]);

        json_array_append_new(notes, json_pack(
            "{s:s, s:s, s:s}", "id", g->notes.v[i].id, "severity",
            sev_name(g->notes.v[i].sev), "message", msg));
        free(msg);
    }
    json_object_set_new(root, "notes", notes);
    if (ok) {
        json_object_set_new(root, "spf_lookups",
                            json_integer((json_int_t)g->spf_lookups));
        json_object_set_new(root, "spf_lookups_exact",
                            json_boolean(g->spf_lookups_exact));
    }
    for (size_t i = 0; i < g->n_ptr; i++) {
        const struct gen_ptr_request *r = g->ptr[i];
        char *t = ptr_request_text(r);
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "address", r->address,
                              "reverse_name", r->reverse, "hostname",
                              r->hostname, "text", t);

        if (r->zone != NULL)
            json_object_set_new(o, "zone", json_string(r->zone));
        if (r->contact != NULL)
            json_object_set_new(o, "contact", json_string(r->contact));
        if (r->nameserver != NULL)
            json_object_set_new(o, "nameserver", json_string(r->nameserver));
        json_array_append_new(ptr, o);
        free(t);
    }
    json_object_set_new(root, "ptr_requests", ptr);
    if (policy != NULL) {
        char *ngx = mtasts_nginx_snippet(a->domain, GEN_MTASTS_POLICY_PATH);
        char *apa = mtasts_apache_snippet(a->domain, GEN_MTASTS_POLICY_PATH);

        json_object_set_new(root, "mta_sts", json_pack(
            "{s:s, s:s, s:s, s:s}", "policy", policy, "policy_path",
            GEN_MTASTS_POLICY_PATH, "nginx", ngx, "apache", apa));
        free(ngx);
        free(apa);
    }
    s = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    if (s != NULL)
        printf("%s\n", s);
    free(s);
    json_decref(root);
}

static int
list_providers(const struct preset_list *l, enum records_format fmt)
{
    static const char *const kinds[] = { "mailbox", "sending", "own" };

    if (fmt == FMT_JSON) {
        json_t *arr = json_array();
        char *s;

        for (size_t i = 0; i < l->n; i++) {
            json_t *o = json_pack("{s:s, s:s, s:s}", "id", l->v[i].id,
                                  "name", l->v[i].name, "kind",
                                  kinds[l->v[i].kind]);

            if (l->v[i].guide != NULL)
                json_object_set_new(o, "guide", json_string(l->v[i].guide));
            json_array_append_new(arr, o);
        }
        s = json_dumps(arr, JSON_INDENT(2));
        if (s != NULL)
            printf("%s\n", s);
        free(s);
        json_decref(arr);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < l->n; i++) {
        const char *kind = l->v[i].kind == PRESET_MAILBOX ?
                           _("mailboxes") :
                           l->v[i].kind == PRESET_SENDING ?
                           _("sending only") : _("your own server");

        char *prefix = xasprintf("%-14s ", l->v[i].id);
        char *text = xasprintf("%s [%s]", l->v[i].name, kind);

        /* the name wraps under itself; a guide's URL is one word */
        cli_print_column(stdout, prefix, text, 79);
        if (l->v[i].guide != NULL)
            printf("%-14s %s\n", "", l->v[i].guide);
        free(prefix);
        free(text);
    }
    return CLI_EXIT_OK;
}

static bool
parse_policy(const char *s, const char *opt, enum gen_dmarc_policy *p)
{
    if (gen_dmarc_policy_parse(s, p))
        return true;
    cli_errorf(_("mailready: %s takes none, quarantine or reject\n"),
            opt);
    return false;
}

/* --mta-sts: the policy for the MX hosts of g and its record (the id a
 * hash of the policy: it changes whenever the policy does); --tls-rua:
 * the TLS-RPT record; both added to g->rrs (gen_mtasts.h builds them).
 * Returns the policy (caller frees), or NULL without --mta-sts. */
static char *
add_mta_sts(const struct records_args *a, struct gen_records *g)
{
    struct gen_mtasts_opts o;
    struct gen_mtasts m;
    char *policy;

    memset(&o, 0, sizeof(o));
    o.domain = a->domain;
    o.mx = &g->rrs;
    o.sts = a->mta_sts != NULL &&
            gen_mtasts_mode_parse(a->mta_sts, &o.mode);
    o.tls_rua = a->tls_rua;
    gen_mtasts_build(&o, &m);
    if (m.rpt_txt != NULL)
        gen_rrs_add(&g->rrs, m.rpt_owner, DNS_T_TXT, m.rpt_txt, NULL);
    if (m.sts_txt != NULL)
        gen_rrs_add(&g->rrs, m.sts_owner, DNS_T_TXT, m.sts_txt, NULL);
    policy = m.policy;
    m.policy = NULL;
    gen_mtasts_fini(&m);
    return policy;
}

static void
print_mta_sts(const struct records_args *a, const char *policy, bool comment)
{
    char *ngx = mtasts_nginx_snippet(a->domain, GEN_MTASTS_POLICY_PATH);
    char *apa = mtasts_apache_snippet(a->domain, GEN_MTASTS_POLICY_PATH);
    char *t;
    const char *pfx = comment ? "; " : "";

    printf("%s\n", comment ? ";" : "");
    t = xasprintf(_("MTA-STS: mta-sts.%1$s must point to a web server that "
                    "serves this file at "
                    "https://mta-sts.%1$s/.well-known/mta-sts.txt (saved "
                    "as %2$s), with a certificate for mta-sts.%1$s. Change "
                    "nothing in it without publishing the new _mta-sts "
                    "record above."), a->domain, GEN_MTASTS_POLICY_PATH);
    print_prefixed(stdout, pfx, t);
    free(t);
    printf("%s\n", comment ? ";" : "");
    for (const char *p = policy; *p != '\0';) {
        size_t n = strcspn(p, "\r\n");

        printf("%s    %.*s\n", pfx, (int)n, p);
        p += n;
        p += strspn(p, "\r\n");
    }
    printf("%s\n%s%s\n", comment ? ";" : "", pfx,
           _("nginx (in /etc/nginx/sites-available, then reload):"));
    for (const char *p = ngx; *p != '\0';) {
        size_t n = strcspn(p, "\n");

        printf("%s    %.*s\n", pfx, (int)n, p);
        p += n + (p[n] != '\0');
    }
    printf("%s\n%s%s\n", comment ? ";" : "", pfx,
           _("Apache (a2enmod ssl, in /etc/apache2/sites-available, then "
             "reload):"));
    for (const char *p = apa; *p != '\0';) {
        size_t n = strcspn(p, "\n");

        printf("%s    %.*s\n", pfx, (int)n, p);
        p += n + (p[n] != '\0');
    }
    free(ngx);
    free(apa);
}

static int
records_run(struct records_args *a, const struct preset_list *pl)
{
    char *policy = NULL;
    const struct preset *chosen[STATE_MAX_PROVIDERS];
    struct gen_records_opts o;
    struct gen_records g;
    char *alabel = NULL, *ulabel = NULL, *mx_a = NULL, *mx_u = NULL;
    char *host_a = NULL, *host_u = NULL;
    bool failed = false;
    enum rc rc;

    if (!cli_domain(a->domain, &alabel, &ulabel))
        return CLI_EXIT_ERROR;
    a->domain = alabel;     /* the output names the A-label */
    if (a->mx_host != NULL) {
        /* A Unicode host name becomes its A-label, like the domain. */
        if (!cli_domain(a->mx_host, &mx_a, &mx_u)) {
            free(alabel);
            free(ulabel);
            return CLI_EXIT_ERROR;
        }
    }
    memset(&o, 0, sizeof(o));
    o.domain = alabel;
    o.dmarc_sp = GEN_DMARC_INHERIT;
    for (size_t i = 0; i < a->n_providers; i++) {
        chosen[i] = preset_find(pl, a->providers[i]);
        if (chosen[i] == NULL) {
            char *vis = str_visible(a->providers[i],
                                    strnlen(a->providers[i], 100));

            cli_errorf(_("mailready: unknown provider '%s' (see "
                              "mailready records --list-providers)\n"), vis);
            free(vis);
            failed = true;
        }
    }
    if (a->stage != NULL) {
        o.dmarc_stage_set = true;
        failed |= !parse_policy(a->stage, "--dmarc-stage", &o.dmarc_p);
    }
    if (a->sp != NULL)
        failed |= !parse_policy(a->sp, "--dmarc-sp", &o.dmarc_sp);
    if (a->spf_all != NULL) {
        if (strcmp(a->spf_all, "hard") == 0 || strcmp(a->spf_all,
                                                      "-all") == 0) {
            o.spf_hard_fail = true;
        } else if (strcmp(a->spf_all, "soft") != 0 &&
                   strcmp(a->spf_all, "~all") != 0) {
            cli_errorf(_("mailready: --spf-all takes soft or hard\n"));
            failed = true;
        }
    }
    if (a->hostname != NULL && !a->send_only) {
        cli_errorf(_("mailready: --hostname goes with --send-only; "
                          "name a server that receives mail with "
                          "--mx-host\n"));
        failed = true;
    }
    if (a->hostname != NULL && !failed) {
        if (!cli_domain(a->hostname, &host_a, &host_u))
            failed = true;
    }
    if (failed) {
        free(alabel);
        free(ulabel);
        free(mx_a);
        free(mx_u);
        free(host_a);
        free(host_u);
        return CLI_EXIT_ERROR;
    }
    o.presets = chosen;
    o.n_presets = a->n_providers;
    o.mx_host = mx_a;
    o.ips = a->ips;
    o.n_ips = a->n_ips;
    o.rua = a->rua;
    o.n_rua = a->n_rua;
    o.dmarc_strict = a->strict;
    o.own_send_only = a->send_only;
    o.send_host = host_a;
    rc = gen_records_build(&o, &g);
    if (rc == RC_OK)
        policy = add_mta_sts(a, &g);
    if (rc == RC_OK && g.n_ptr > 0 && !a->common.offline) {
        struct dns *d = cli_dns_new(&a->common);

        if (d != NULL) {
            find_reverse_owners(d, &g);
            dns_free(d);
        }
    }
    if (a->fmt == FMT_JSON) {
        print_json(a, ulabel, &g, rc == RC_OK, mx_u, mx_a, host_u, host_a,
                   policy);
    } else if (rc != RC_OK) {
        for (size_t i = 0; i < g.notes.n; i++) {
            if (g.notes.v[i].sev != SEV_FAIL)
                continue;
            char *msg = present_finding_message(&g.notes.v[i]);

            cli_errorf("mailready: %s\n", msg);
            free(msg);
        }
    } else if (a->fmt == FMT_TEXT) {
        print_text(a, ulabel, &g);
        print_host_forms(false, mx_u, mx_a);
        print_host_forms(false, host_u, host_a);
        if (policy != NULL)
            print_mta_sts(a, policy, false);
    } else {
        print_bind(a, ulabel, &g);
        print_host_forms(true, mx_u, mx_a);
        print_host_forms(true, host_u, host_a);
        if (policy != NULL)
            print_mta_sts(a, policy, true);
    }
    free(policy);
    gen_records_fini(&g);
    free(alabel);
    free(ulabel);
    free(mx_a);
    free(mx_u);
    free(host_a);
    free(host_u);
    return rc == RC_OK ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

int
cli_records(int argc, char **argv)
{
    struct records_args a;
    struct cli_args pa = { .com = &a.common, .cmd = &a };
    struct preset_list *pl = NULL;
    char *path;
    struct rc_err err = { 0 };
    enum rc rc;
    int r;

    memset(&a, 0, sizeof(a));
    a.ttl = RECORDS_TTL_DEFAULT;
    cli_common_init(&a.common);
    r = cli_parse(&records_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN)
        return r;
    a.domain = pa.nargs > 0 ? pa.args[0] : NULL;
    if (a.format == NULL || str_ieq(a.format, "bind"))
        a.fmt = FMT_BIND;
    else if (str_ieq(a.format, "text"))
        a.fmt = FMT_TEXT;
    else
        a.fmt = FMT_JSON;
    if (!a.list && a.domain == NULL) {
        cli_help(stderr, &records_cmd);
        return CLI_EXIT_ERROR;
    }
    path = preset_path(i18n_datadir());
    rc = preset_load(path, &pl, &err);
    if (rc != RC_OK) {
        char *why = present_err(rc, &err);

        cli_errorf(_("mailready: cannot read the provider presets: "
                          "%s\n"), why);
        free(why);
        rc_err_fini(&err);
        free(path);
        return CLI_EXIT_ERROR;
    }
    free(path);
    r = a.list ? list_providers(pl, a.fmt) : records_run(&a, pl);
    preset_list_free(pl);
    return r;
}
