/* check_mx.c - the MX step: RFC 5321 §5.1 (MX, implicit MX), RFC 7505
 * (null MX), RFC 2181 §10.3 (an MX target must not be an alias).
 *
 * start() asks MX, A and AAAA of the domain together; each MX target's A
 * and AAAA are asked as soon as the MX answer arrives.  Callbacks only keep
 * the (borrowed, cached) answers; finish() decides. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/check_mx.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* More MX targets than this are not resolved (hostile answers). */
#define MX_MAX_TARGETS 32

struct mx_target {
    char *host;
    unsigned pref;
    bool ip_literal;
    const struct dns_answer *a, *aaaa;
};

struct mx_state {
    struct check_ctx *ctx;
    const struct dns_answer *mx, *a, *aaaa;
    struct mx_target t[MX_MAX_TARGETS];
    size_t nt;
    size_t nrec;            /* MX records in the answer */
    bool null_mx;
    unsigned null_pref;
};

/* Per-query callback argument: which slot the answer fills. */
struct mx_slot {
    struct mx_state *st;
    const struct dns_answer **where;
};

static struct mx_slot *
slot_new(struct mx_state *st, const struct dns_answer **where)
{
    struct mx_slot *s = xmalloc(sizeof(*s));

    s->st = st;
    s->where = where;
    return s;
}

static void
on_answer(void *arg, const struct dns_answer *ans)
{
    struct mx_slot *s = arg;

    /* DNS_CANCELLED (dns_free() with the run in flight): keep nothing. */
    if (ans->status != DNS_CANCELLED)
        *s->where = ans;
    free(s);
}

/* "1.2.3.4", "[1.2.3.4]", "[IPv6:...]" or an all-numeric name. */
static bool
looks_like_ip(const char *host)
{
    char buf[64];
    struct ipaddr ip;
    size_t n = strlen(host);

    if (n >= sizeof(buf))
        return false;
    if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
        memcpy(buf, host + 1, n - 2);
        buf[n - 2] = '\0';
        const char *p = buf;
        if (str_nieq(p, "IPv6:", 5))
            p += 5;
        return net_parse(p, &ip);
    }
    return net_parse(host, &ip);
}

static void
on_mx(void *arg, const struct dns_answer *ans)
{
    struct mx_state *st = arg;
    const struct dns_rr *rr = NULL;

    /* dns_free() with the run in flight: record nothing, ask nothing. */
    if (ans->status == DNS_CANCELLED)
        return;
    st->mx = ans;
    if (ans->status != DNS_OK)
        return;
    while ((rr = dns_answer_next(ans, DNS_T_MX, rr)) != NULL) {
        st->nrec++;
        if (rr->u.mx.host[0] == '\0') {
            st->null_mx = true;
            st->null_pref = rr->u.mx.pref;
            continue;
        }
        bool dup = false;
        for (size_t i = 0; i < st->nt; i++)
            if (name_eq(st->t[i].host, rr->u.mx.host))
                dup = true;
        if (dup || st->nt == MX_MAX_TARGETS)
            continue;
        struct mx_target *t = &st->t[st->nt++];
        t->host = xstrdup(rr->u.mx.host);
        t->pref = rr->u.mx.pref;
        t->ip_literal = looks_like_ip(t->host);
        if (t->ip_literal)
            continue;
        dns_query(st->ctx->dns, t->host, DNS_T_A, on_answer,
                  slot_new(st, &t->a));
        dns_query(st->ctx->dns, t->host, DNS_T_AAAA, on_answer,
                  slot_new(st, &t->aaaa));
    }
}

static void
mx_start(struct check_ctx *ctx)
{
    struct mx_state *st = xcalloc(1, sizeof(*st));
    const char *d = ctx->opts->domain;

    st->ctx = ctx;
    ctx->state[STEP_MX] = st;
    dns_query(ctx->dns, d, DNS_T_MX, on_mx, st);
    dns_query(ctx->dns, d, DNS_T_A, on_answer, slot_new(st, &st->a));
    dns_query(ctx->dns, d, DNS_T_AAAA, on_answer, slot_new(st, &st->aaaa));
}

static void
mx_free_state(void *p)
{
    struct mx_state *st = p;

    for (size_t i = 0; i < st->nt; i++)
        free(st->t[i].host);
    free(st);
}

/* Addresses of an answer appended to list (", "-separated); counts the
 * global and non-global ones; the first non-global's range in *why. */
static void
collect_addrs(const struct dns_answer *a, uint16_t type, struct strbuf *list,
              json_t *arr, int *global, int *local, char *bad, size_t badsz,
              const char **why)
{
    const struct dns_rr *rr = NULL;

    if (a == NULL || a->status != DNS_OK)
        return;
    while ((rr = dns_answer_next(a, type, rr)) != NULL) {
        struct ipaddr ip;
        char buf[64];
        const char *w = NULL;

        net_from_bytes(&ip, type == DNS_T_A ? AF_INET : AF_INET6,
                       rr->u.addr);
        net_format(&ip, buf, sizeof(buf));
        if (list->len > 0)
            strbuf_adds(list, ", ");
        strbuf_adds(list, buf);
        json_array_append_new(arr, json_string(buf));
        if (net_is_global(&ip, &w)) {
            (*global)++;
        } else {
            if (*local == 0) {
                str_copy(bad, buf, badsz);
                *why = w;
            }
            (*local)++;
        }
    }
}

/* Severity of a problem with one target: fail when no target can receive
 * mail, a warning when another one can, or might (its lookups failed: then
 * the step is "could not check", never a failure on a guess). */
static enum sev
target_sev(int usable, int unknown)
{
    return usable > 0 || unknown > 0 ? SEV_WARN : SEV_FAIL;
}

/* An answer that is an error status (not NXDOMAIN/NODATA). */
static bool
is_err(const struct dns_answer *a)
{
    return a == NULL || dns_status_is_error(a->status);
}

static void
finish_targets(struct mx_state *st, struct check_result *res)
{
    struct findings *fs = &res->findings;
    int usable = 0, unknown = 0;
    int global[MX_MAX_TARGETS] = { 0 }, local[MX_MAX_TARGETS] = { 0 };
    char bad[MX_MAX_TARGETS][64];
    const char *why[MX_MAX_TARGETS] = { NULL };
    struct strbuf lists[MX_MAX_TARGETS];

    for (size_t i = 0; i < st->nt; i++) {
        struct mx_target *t = &st->t[i];
        json_t *o = json_object(), *addrs = json_array();

        strbuf_init(&lists[i]);
        bad[i][0] = '\0';
        collect_addrs(t->a, DNS_T_A, &lists[i], addrs, &global[i],
                      &local[i], bad[i], sizeof(bad[i]), &why[i]);
        collect_addrs(t->aaaa, DNS_T_AAAA, &lists[i], addrs, &global[i],
                      &local[i], bad[i], sizeof(bad[i]), &why[i]);
        if (!t->ip_literal && global[i] > 0)
            usable++;
        else if (!t->ip_literal && (is_err(t->a) || is_err(t->aaaa)))
            unknown++;
        char *vis = str_visible(t->host, strlen(t->host));
        char *disp = xasprintf("MX %u %s.%s%s%s", t->pref, vis,
                               lists[i].len ? " (" : "",
                               strbuf_str(&lists[i]),
                               lists[i].len ? ")" : "");
        json_object_set_new(o, "type", json_string("MX"));
        json_object_set_new(o, "preference", json_integer(t->pref));
        json_object_set_new(o, "host", json_string(vis));
        json_object_set_new(o, "addresses", addrs);
        json_object_set_new(o, "display", json_string(disp));
        json_array_append_new(res->records, o);
        free(disp);
        free(vis);
    }

    for (size_t i = 0; i < st->nt; i++) {
        struct mx_target *t = &st->t[i];
        char *host = str_visible(t->host, strlen(t->host));
        enum sev sev = target_sev(usable, unknown);

        if (t->ip_literal) {
            finding_add(fs, sev, "MX_TARGET_IP_LITERAL",
                        N_("The MX record points to %1$s, an IP address. "
                           "An MX must name a host, not an address."),
                        host);
            goto next;
        }
        if (is_err(t->a) || is_err(t->aaaa)) {
            check_add_dns_error(fs, is_err(t->a) ? t->a : t->aaaa);
            goto next;
        }
        if ((t->a->status == DNS_OK && !name_eq(t->a->canon, t->a->qname)) ||
            (t->aaaa->status == DNS_OK &&
             !name_eq(t->aaaa->canon, t->aaaa->qname)) ||
            dns_answer_count(t->a, DNS_T_CNAME) > 0 ||
            dns_answer_count(t->aaaa, DNS_T_CNAME) > 0) {
            finding_add(fs, SEV_WARN, "MX_TARGET_CNAME",
                        N_("The mail server name %1$s is an alias (CNAME). "
                           "An MX must point to a name with its own A or "
                           "AAAA record."), host);
        }
        if (t->a->status == DNS_NXDOMAIN && t->aaaa->status == DNS_NXDOMAIN) {
            finding_add(fs, sev, "MX_TARGET_NXDOMAIN",
                        N_("The mail server %1$s does not exist in DNS."),
                        host);
            goto next;
        }
        if (global[i] + local[i] == 0) {
            finding_add(fs, sev, "MX_TARGET_NO_ADDRESS",
                        N_("The mail server %1$s has no IPv4 (A) or IPv6 "
                           "(AAAA) address."), host);
            goto next;
        }
        if (local[i] > 0) {
            finding_add(fs, global[i] > 0 ? SEV_WARN : sev,
                        "MX_TARGET_PRIVATE_ADDRESS",
                        N_("The mail server %1$s has the address %2$s, "
                           "which cannot be reached from the Internet: "
                           "%3$s."), host, bad[i],
                        why[i] != NULL ? why[i] : N_("special-purpose"));
            findings_msgid_arg(fs, 2);
        }
next:
        free(host);
    }
    for (size_t i = 0; i < st->nt; i++)
        strbuf_fini(&lists[i]);
}

static void
mx_finish(struct check_ctx *ctx)
{
    struct mx_state *st = ctx->state[STEP_MX];
    struct check_result *res = &ctx->res[STEP_MX];
    struct findings *fs = &res->findings;
    char *dom = str_visible(ctx->opts->domain, strlen(ctx->opts->domain));

    if (st == NULL || st->mx == NULL)
        goto out;
    if (dns_status_is_error(st->mx->status)) {
        check_add_dns_error(fs, st->mx);
        goto out;
    }
    if (st->mx->status == DNS_NXDOMAIN) {
        finding_add(fs, SEV_FAIL, "DOMAIN_NXDOMAIN",
                    N_("The domain %1$s does not exist in DNS."), dom);
        goto out;
    }
    if (st->mx->status == DNS_NODATA || st->nrec == 0) {
        int g = 0, l = 0;
        char bad[64] = "";
        const char *why = NULL;
        struct strbuf list = STRBUF_INIT;
        json_t *addrs = json_array();

        if (is_err(st->a) || is_err(st->aaaa)) {
            finding_add(fs, SEV_WARN, "MX_MISSING",
                        N_("%1$s has no MX record."), dom);
            check_add_dns_error(fs, is_err(st->a) ? st->a : st->aaaa);
            json_decref(addrs);
            goto out;
        }
        collect_addrs(st->a, DNS_T_A, &list, addrs, &g, &l, bad,
                      sizeof(bad), &why);
        collect_addrs(st->aaaa, DNS_T_AAAA, &list, addrs, &g, &l, bad,
                      sizeof(bad), &why);
        json_decref(addrs);
        if (g > 0) {
            finding_add(fs, SEV_WARN, "MX_MISSING",
                        N_("%1$s has no MX record. Mail for it goes to the "
                           "domain's own address (%2$s) instead, which is "
                           "rarely what you want."), dom, strbuf_str(&list));
        } else {
            finding_add(fs, SEV_FAIL, "MX_MISSING",
                        N_("%1$s has no MX record and no usable address: "
                           "nobody can deliver mail to it."), dom);
        }
        strbuf_fini(&list);
        goto out;
    }
    if (st->null_mx) {
        if (st->nrec > 1) {
            finding_add(fs, SEV_FAIL, "MX_NULL_MIXED",
                        N_("%1$s has a null MX (\"0 .\", no mail accepted) "
                           "together with other MX records. A null MX must "
                           "be the only MX record."), dom);
        } else if (st->null_pref != 0) {
            char p[16];

            snprintf(p, sizeof(p), "%u", st->null_pref);
            finding_add(fs, SEV_WARN, "MX_NULL_PREFERENCE",
                        N_("%1$s has a null MX with preference %2$s; RFC "
                           "7505 defines it as \"0 .\"."), dom, p);
        } else {
            finding_add(fs, SEV_INFO, "MX_NULL",
                        N_("%1$s publishes a null MX (\"0 .\"): it "
                           "receives no mail, and says so."), dom);
        }
        check_add_record(res, "MX 0 .");
    }
    finish_targets(st, res);
out:
    free(dom);
}

const struct check_step_ops check_mx_ops = {
    .name = "mx",
    .title = N_("Mail servers (MX)"),
    .start = mx_start,
    .finish = mx_finish,
    .free_state = mx_free_state,
};

const struct finding_info check_mx_findings[] = {
    { "MX_MISSING", "mx",
      N_("The domain has no MX record."),
      N_("Without an MX record, senders fall back to the domain's own A or "
         "AAAA address (RFC 5321 §5.1). That is usually a web server that "
         "does not accept mail, so mail is delayed and then bounced."),
      N_("Publish an MX record that names your mail server, for example "
         "\"10 mail.example.com.\". If the domain receives no mail at all, "
         "publish a null MX (\"0 .\") instead.") },
    { "MX_NULL", "mx",
      N_("The domain publishes a null MX: it receives no mail."),
      N_("A null MX (RFC 7505) tells senders at once that the domain takes "
         "no mail, so they bounce instead of retrying for days."),
      "" },
    { "MX_NULL_MIXED", "mx",
      N_("A null MX is mixed with other MX records."),
      N_("RFC 7505 says a null MX must be the only MX record. Mixed with "
         "others, senders may treat the domain as not receiving mail, or "
         "ignore the null MX."),
      N_("If the domain receives mail, delete the \"0 .\" MX record. If it "
         "does not, delete every other MX record.") },
    { "MX_NULL_PREFERENCE", "mx",
      N_("The null MX does not have preference 0."),
      N_("RFC 7505 defines the null MX as exactly \"0 .\". Other values may "
         "not be recognised."),
      N_("Change the record to preference 0 with the target \".\".") },
    { "MX_TARGET_CNAME", "mx",
      N_("An MX target is an alias (CNAME)."),
      N_("RFC 2181 §10.3 and RFC 5321 forbid MX records that point to an "
         "alias. Most senders cope, but some refuse or delay the mail."),
      N_("Point the MX record to the canonical host name (the target of the "
         "CNAME), which has its own A/AAAA records.") },
    { "MX_TARGET_IP_LITERAL", "mx",
      N_("An MX record points to an IP address."),
      N_("The target of an MX must be a host name. Senders look the target "
         "up as a name, find nothing, and cannot deliver."),
      N_("Create a host name (for example mail.example.com) with an A or "
         "AAAA record for that address, and point the MX to the name.") },
    { "MX_TARGET_NO_ADDRESS", "mx",
      N_("An MX target has no address."),
      N_("Senders need an IPv4 (A) or IPv6 (AAAA) address to connect to "
         "the mail server. Without one the MX is useless."),
      N_("Publish an A (and, if you have IPv6, an AAAA) record for the mail "
         "server's name.") },
    { "MX_TARGET_NXDOMAIN", "mx",
      N_("An MX target does not exist."),
      N_("The MX points to a name that does not exist, so no mail can be "
         "delivered through it. Often a typo or a forgotten record."),
      N_("Correct the MX target, or create the host name with its A/AAAA "
         "records.") },
    { "MX_TARGET_PRIVATE_ADDRESS", "mx",
      N_("An MX server has an address that cannot be reached from the "
         "Internet."),
      N_("Sending servers try each MX server in turn. One with a private "
         "or reserved address (192.168.x.x, 10.x.x.x, 127.0.0.1 and the "
         "other special-purpose addresses of IANA) can never be reached: "
         "mail that falls on it waits in queues and arrives late or "
         "bounces."),
      N_("If it is an old or internal backup MX, remove its MX record. If "
         "the server must receive mail from the Internet, give its name "
         "an A or AAAA record with its public address, and keep internal "
         "addresses in an internal view of your DNS only.") },
    { NULL, NULL, NULL, NULL, NULL }
};
