/* plan.c - from live records and the answers' target to the smallest safe
 * list of changes (see plan.h for the rules). */
#include <ctype.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/dmarc.h"
#include "mailready/gen.h"
#include "mailready/gen_mtasts.h"
#include "mailready/mtasts.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/plan.h"
#include "mailready/spf.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* Most terms kept from live SPF records and most tags of DMARC ones. */
#define PLAN_MAX_TERMS 64
/* The limit of DNS lookups of one SPF evaluation (RFC 7208 §4.6.4). */
#define PLAN_SPF_LOOKUPS 10

const struct finding_info plan_finding_catalog[] = {
    { "PLAN_WEAKER", "general",
      N_("The answers ask for a weaker record than the one published"),
      N_("A record that is published and working protects the domain "
         "now; making it weaker (a lower DMARC policy, an SPF that "
         "accepts more) lets more forged mail through."),
      N_("Keep the published value, or confirm that you really want the "
         "weaker one (in the wizard, or with --allow-weaker).") },
    { "PLAN_WEAKER_ALLOWED", "general",
      N_("A published record is made weaker, as asked"),
      N_("You asked for a weaker record than the published one; the plan "
         "follows that answer."),
      "" },
    { "PLAN_SPF_MERGED", "spf",
      N_("Several SPF records are merged into one"),
      N_("A domain may have only one SPF record: with two or more, "
         "receivers treat every message as a permanent error."),
      N_("Publish the merged record, which keeps every term of the old "
         "ones, and delete the old ones (the plan does both).") },
    { "PLAN_SPF_TOO_MANY_LOOKUPS", "spf",
      N_("The merged SPF record would need too many DNS lookups"),
      N_("An SPF record may cause at most 10 DNS lookups (RFC 7208 "
         "4.6.4); beyond that every check of it is a permanent error."),
      N_("Drop the includes of services you no longer use, or replace "
         "an include by the addresses it stands for, then plan again.") },
    { "PLAN_SPF_REDIRECT_KEPT", "spf",
      N_("The published SPF record hands over with redirect=: it is kept"),
      N_("A record with redirect= and no \"all\" takes its verdict from "
         "the record it names; adding \"all\" would silently turn the "
         "redirect off."),
      N_("If the record named by redirect= does not cover your servers, "
         "change that one (or drop the redirect by hand).") },
    { "PLAN_UNSAFE", "general",
      N_("The changes would leave the zone unable to load"),
      N_("A zone with a CNAME next to other records, the same record "
         "twice or a name that is too long is refused by the name "
         "server: every record of the domain would stop working."),
      N_("Nothing is proposed for this step; fix the records named by "
         "hand or report the case to the mailready authors.") },
    { "PLAN_DNS_ERROR", "general",
      N_("What is published could not be read, so no change is proposed"),
      N_("Without knowing what is live the plan could weaken or break a "
         "working record; it waits until DNS answers."),
      N_("Check the network and the resolver, then plan again.") },
    { "PLAN_ELSEWHERE", "general",
      N_("A record must be published by someone else"),
      N_("Some records live outside your zone: the PTR record of an "
         "address belongs to whoever runs the address, and a report "
         "authorization to the report address's domain."),
      N_("Ask them to publish it (the checklist has the text).") },
    { "PLAN_STS_UNREAD", "smtp",
      N_("The published MTA-STS policy could not be fetched, so no "
         "MTA-STS change is proposed"),
      N_("The _mta-sts record says a policy is published; without "
         "reading it the plan cannot tell its mode and could weaken it "
         "(senders keep a policy they fetched before)."),
      N_("Make the policy file reachable at "
         "https://mta-sts.example.com/.well-known/mta-sts.txt (or check "
         "the network), then plan again.") },
    { "PLAN_TLSRPT_KEPT", "smtp",
      N_("The published TLS-RPT record is kept"),
      N_("A working _smtp._tls record already sends the TLS reports "
         "somewhere; replacing it would stop them."),
      "" },
    { NULL, NULL, NULL, NULL, NULL }
};

/* ---- small helpers ---- */

/* A finding of the plan, about step. */
#define PNOTE(p, step, sev, id, msgid, ...) do {                          \
        finding_add(&(p)->findings, (sev), (id), (msgid), ##__VA_ARGS__); \
        note_step((p), (step));                                           \
    } while (0)

static void
note_step(struct plan *p, enum check_step step)
{
    p->fstep = xreallocarray(p->fstep, p->findings.n, sizeof(*p->fstep));
    p->fstep[p->findings.n - 1] = step;
}

static char *
lower_dup(const char *s)
{
    char *d = xstrdup(s);

    str_lower(d);
    return d;
}

/* Strip ASCII white space at both ends, in place. */
static void
trim(char *s)
{
    size_t n = strlen(s), a = 0;

    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    while (isspace((unsigned char)s[a]))
        a++;
    memmove(s, s + a, n - a + 1);
}

/* ---- live sets ---- */

void
plan_live_add(struct plan_live *l, const char *name, uint16_t type,
              enum dns_status status, uint32_t ttl,
              const char *const *data, const char *const *text, size_t n)
{
    struct plan_rrset *s;

    l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
    s = &l->v[l->n++];
    memset(s, 0, sizeof(*s));
    s->name = lower_dup(name);
    s->type = type;
    s->status = status;
    s->ttl = ttl;
    s->n = n;
    s->data = xcalloc(n + 1, sizeof(char *));
    s->text = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        s->data[i] = xstrdup(data[i]);
        s->text[i] = text != NULL && text[i] != NULL ? xstrdup(text[i]) :
                     NULL;
    }
}

void
plan_live_add_spf(struct plan_live *l, const char *ip,
                  enum spf_result result)
{
    l->spf = xreallocarray(l->spf, l->n_spf + 1, sizeof(*l->spf));
    l->spf[l->n_spf].ip = xstrdup(ip);
    l->spf[l->n_spf++].result = result;
}

void
plan_live_set_sts(struct plan_live *l, const char *text, const char *why)
{
    free(l->sts_policy);
    free(l->sts_error);
    l->sts_policy = NULL;
    l->sts_error = NULL;
    if (text != NULL) {
        l->sts = PLAN_STS_FETCHED;
        l->sts_policy = xstrdup(text);
    } else {
        l->sts = PLAN_STS_FAILED;
        l->sts_error = str_visible(why, strlen(why));
    }
}

void
plan_live_fini(struct plan_live *l)
{
    free(l->sts_policy);
    free(l->sts_error);
    for (size_t i = 0; i < l->n_spf; i++)
        free(l->spf[i].ip);
    free(l->spf);
    for (size_t i = 0; i < l->n; i++) {
        for (size_t k = 0; k < l->v[i].n; k++) {
            free(l->v[i].data[k]);
            free(l->v[i].text[k]);
        }
        free(l->v[i].data);
        free(l->v[i].text);
        free(l->v[i].name);
    }
    free(l->v);
    free(l->zone);
    memset(l, 0, sizeof(*l));
}

static const struct plan_rrset *
live_find(const struct plan_live *l, const char *name, uint16_t type)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].type == type && name_eq(l->v[i].name, name))
            return &l->v[i];
    return NULL;
}

/* The records there, or NULL with *err set when they could not be read
 * (never asked counts as an error too: the plan does not guess). */
static const struct plan_rrset *
live_get(const struct plan_live *l, const char *name, uint16_t type,
         bool *err)
{
    const struct plan_rrset *s = live_find(l, name, type);

    if (s == NULL || dns_status_is_error(s->status)) {
        *err = true;
        return NULL;
    }
    return s;
}

/* ---- changes ---- */

static void
change_add(struct plan *p, enum check_step step, enum plan_action act,
           const char *name, uint16_t type, uint32_t ttl, const char *data,
           const char *why, const char *arg1, const char *arg2)
{
    struct plan_change *c;

    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
    }
    c = &p->v[p->n++];
    memset(c, 0, sizeof(*c));
    c->step = step;
    c->action = act;
    c->name = lower_dup(name);
    c->type = type;
    c->ttl = ttl;
    c->data = xstrdup(data);
    c->why = why;
    c->why_args[0] = arg1 != NULL ? str_visible(arg1, strlen(arg1)) : NULL;
    c->why_args[1] = arg2 != NULL ? str_visible(arg2, strlen(arg2)) : NULL;
}

/* The presentation form of a target record's data. */
static char *
target_data(const struct gen_rr *rr)
{
    if (rr->type == DNS_T_TXT)
        return gen_txt_quote(rr->rdata, strlen(rr->rdata));
    return xstrdup(rr->rdata);
}

/* A name compared the DNS way: case-insensitive, trailing dot ignored. */
static bool
target_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    if (la > 0 && a[la - 1] == '.')
        la--;
    if (lb > 0 && b[lb - 1] == '.')
        lb--;
    return la == lb && str_nieq(a, b, la);
}

/* Does live record i of s hold the target's data? */
static bool
same_data(uint16_t type, const char *tdata, const struct plan_rrset *s,
          size_t i)
{
    switch (type) {
    case DNS_T_A:
    case DNS_T_AAAA: {
        struct ipaddr a, b;
        return net_parse(tdata, &a) && net_parse(s->data[i], &b) &&
               net_match(&a, &b, a.family == AF_INET ? 32 : 128);
    }
    case DNS_T_MX: {
        char *ea, *eb;
        unsigned long pa = strtoul(tdata, &ea, 10);
        unsigned long pb = strtoul(s->data[i], &eb, 10);
        while (*ea == ' ')
            ea++;
        while (*eb == ' ')
            eb++;
        return pa == pb && target_eq(ea, eb);
    }
    case DNS_T_CNAME:
        return target_eq(tdata, s->data[i]);
    case DNS_T_TXT:
        return s->text[i] != NULL && strcmp(tdata, s->text[i]) == 0;
    default:
        return strcmp(tdata, s->data[i]) == 0;
    }
}

static uint32_t
add_ttl(const struct plan_rrset *s, const struct export_plan *t)
{
    return s != NULL && s->n > 0 && s->ttl > 0 ? s->ttl : t->ttl;
}

/* The indices of s's TXT records in byte order of their text, so that
 * a merge does not depend on the order a server happens to send them
 * in (round robin).  Returns how many (at most max). */
static size_t
text_order(const struct plan_rrset *s, size_t *idx, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < s->n && n < max; i++) {
        size_t j = n++;
        for (; j > 0 && s->text[idx[j - 1]] != NULL && s->text[i] != NULL &&
               strcmp(s->text[idx[j - 1]], s->text[i]) > 0; j--)
            idx[j] = idx[j - 1];
        idx[j] = i;
    }
    return n;
}

/* ---- per type: MX, A, AAAA, CNAME sets ---- */

static const uint16_t other_types[] = {
    DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT
};

/* Make name/type hold exactly the target's records of that type. */
static void
plan_set(struct plan *p, const struct plan_live *live,
         const struct export_plan *t, enum check_step step,
         const char *name, uint16_t type, bool *err)
{
    const struct gen_rrs *rrs = &t->rrs[step];
    const struct plan_rrset *s = live_get(live, name, type, err);
    const struct plan_rrset *cn = live_get(live, name, DNS_T_CNAME, err);

    if (*err)
        return;
    /* A CNAME stands alone (RFC 2181 §10.1): it goes first. */
    if (type != DNS_T_CNAME) {
        for (size_t i = 0; cn != NULL && i < cn->n; i++)
            change_add(p, step, PLAN_DELETE, name, DNS_T_CNAME, cn->ttl,
                       cn->data[i],
                       N_("%1$s is an alias (CNAME), and a name with a "
                          "CNAME can hold no other record: the alias goes "
                          "so that the record below can be added."),
                       name, NULL);
    } else {
        for (size_t k = 0; k < ARRAY_LEN(other_types); k++) {
            const struct plan_rrset *o = live_get(live, name,
                                                  other_types[k], err);
            for (size_t i = 0; o != NULL && i < o->n; i++)
                change_add(p, step, PLAN_DELETE, name, o->type, o->ttl,
                           o->data[i],
                           N_("%1$s becomes an alias (CNAME), which must "
                              "stand alone: its other records go."),
                           name, NULL);
        }
    }
    /* An address the host already has is kept with its others (a second
     * address, a web server on the same name): only a host none of whose
     * addresses is the declared one has the old ones replaced. */
    bool any_match = false;
    for (size_t i = 0; s != NULL && i < s->n; i++)
        for (size_t k = 0; k < rrs->n; k++)
            any_match |= rrs->v[k].type == type &&
                         name_eq(rrs->v[k].owner, name) &&
                         same_data(type, rrs->v[k].rdata, s, i);
    bool keep_others = any_match && (type == DNS_T_A || type == DNS_T_AAAA);
    /* Live records the target does not have. */
    for (size_t i = 0; s != NULL && i < s->n && !keep_others; i++) {
        bool wanted = false;

        for (size_t k = 0; k < rrs->n && !wanted; k++)
            wanted = rrs->v[k].type == type &&
                     name_eq(rrs->v[k].owner, name) &&
                     same_data(type, rrs->v[k].rdata, s, i);
        if (wanted)
            continue;
        change_add(p, step, PLAN_DELETE, name, type, s->ttl, s->data[i],
                   type == DNS_T_MX ?
                   N_("Mail for the domain would still go to %1$s, which "
                      "is not among the servers you declared.") :
                   N_("%1$s is not the address you declared for this "
                      "host."),
                   s->data[i], NULL);
    }
    /* Target records not live. */
    for (size_t k = 0; k < rrs->n; k++) {
        const struct gen_rr *rr = &rrs->v[k];
        bool live_has = false;

        if (rr->type != type || !name_eq(rr->owner, name))
            continue;
        for (size_t i = 0; s != NULL && i < s->n && !live_has; i++)
            live_has = same_data(type, rr->rdata, s, i);
        if (live_has)
            continue;
        char *d = target_data(rr);
        change_add(p, step, PLAN_ADD, name, type, add_ttl(s, t), d,
                   type == DNS_T_MX ?
                   N_("Mail for the domain goes to the server you "
                      "declared.") :
                   type == DNS_T_CNAME ?
                   N_("Your provider keeps this record up to date behind "
                      "the alias.") :
                   N_("The mail server's name leads to its address."),
                   NULL, NULL);
        free(d);
    }
}

/* ---- SPF ---- */

static bool
is_spf(const char *text)
{
    return text != NULL && spf_is_record(text, strlen(text));
}

/* -all > ~all > ?all > +all; 0 when none. */
static int
all_rank(char q)
{
    switch (q) {
    case '-': return 4;
    case '~': return 3;
    case '?': return 2;
    case '+': return 1;
    default: return 0;
    }
}

struct spf_terms {
    char *v[PLAN_MAX_TERMS];
    size_t n;
    char all;               /* qualifier of "all", or 0 */
    char *redirect;         /* the redirect= term, or NULL */
    char *mods[8];          /* other modifiers (exp=...) */
    size_t n_mods;
    bool overflow;
};

/* A term in the form compared: lower case, "+" dropped, /32 and /128
 * dropped from ip4/ip6. */
static char *
term_key(const char *t)
{
    char *k = lower_dup(t[0] == '+' ? t + 1 : t);
    size_t n = strlen(k);

    if (strncmp(k, "ip4:", 4) == 0 && n > 3 &&
        strcmp(k + n - 3, "/32") == 0)
        k[n - 3] = '\0';
    else if (strncmp(k, "ip6:", 4) == 0 && n > 4 &&
             strcmp(k + n - 4, "/128") == 0)
        k[n - 4] = '\0';
    return k;
}

static bool
terms_have(const struct spf_terms *tm, const char *t)
{
    char *k = term_key(t);
    bool found = false;

    for (size_t i = 0; i < tm->n && !found; i++) {
        char *o = term_key(tm->v[i]);
        found = strcmp(o, k) == 0;
        free(o);
    }
    for (size_t i = 0; i < tm->n_mods && !found; i++)
        found = str_ieq(tm->mods[i], t);
    free(k);
    return found;
}

/* Does the live SPF already pass the address of an ip4:/ip6: term? */
static bool
live_passes(const struct plan_live *live, const char *term)
{
    if (live == NULL || !(str_nieq(term, "ip4:", 4) ||
                          str_nieq(term, "ip6:", 4)))
        return false;
    for (size_t i = 0; i < live->n_spf; i++)
        if (str_ieq(live->spf[i].ip, term + 4))
            return live->spf[i].result == SPF_RES_PASS;
    return false;
}

/* Split an SPF record into terms, adding the new ones to tm; with
 * live, terms for addresses the live record passes are left out. */
static void
terms_take(struct spf_terms *tm, const char *text, char *all_out,
           const struct plan_live *live)
{
    const char *p = text + 6;   /* after "v=spf1" */

    while (*p != '\0') {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        size_t n = strcspn(p, " ");
        char *t = xstrndup(p, n);
        char q = strchr("+-~?", t[0]) != NULL ? t[0] : '+';
        const char *body = strchr("+-~?", t[0]) != NULL ? t + 1 : t;

        p += n;
        if (str_ieq(body, "all")) {
            if (all_rank(q) > all_rank(*all_out))
                *all_out = q;
            free(t);
        } else if (str_nieq(t, "redirect=", 9)) {
            if (tm->redirect == NULL)
                tm->redirect = t;
            else
                free(t);
        } else if (strchr(t, '=') != NULL && strchr(t, ':') == NULL &&
                   strcspn(t, "=") < strcspn(t, ":/")) {
            if (!terms_have(tm, t) && tm->n_mods < ARRAY_LEN(tm->mods))
                tm->mods[tm->n_mods++] = t;
            else
                free(t);
        } else if (terms_have(tm, t) || live_passes(live, t)) {
            free(t);
        } else if (tm->n < PLAN_MAX_TERMS) {
            tm->v[tm->n++] = t;
        } else {
            tm->overflow = true;
            free(t);
        }
    }
}

static void
terms_fini(struct spf_terms *tm)
{
    for (size_t i = 0; i < tm->n; i++)
        free(tm->v[i]);
    for (size_t i = 0; i < tm->n_mods; i++)
        free(tm->mods[i]);
    free(tm->redirect);
}

/* DNS lookups the top level of a record costs (includes count one each;
 * what they cost in turn is the provider's, counted by the check). */
static unsigned
terms_lookups(const struct spf_terms *tm)
{
    unsigned n = tm->redirect != NULL && tm->all == 0 ? 1 : 0;

    for (size_t i = 0; i < tm->n; i++) {
        const char *b = strchr("+-~?", tm->v[i][0]) ? tm->v[i] + 1 :
                        tm->v[i];
        if (str_nieq(b, "include:", 8) || str_nieq(b, "exists:", 7) ||
            str_ieq(b, "a") || str_nieq(b, "a:", 2) ||
            str_nieq(b, "a/", 2) || str_ieq(b, "mx") ||
            str_nieq(b, "mx:", 3) || str_nieq(b, "mx/", 3) ||
            str_ieq(b, "ptr") || str_nieq(b, "ptr:", 4))
            n++;
    }
    return n;
}

static char *
terms_text(const struct spf_terms *tm)
{
    struct strbuf sb;

    strbuf_init(&sb);
    strbuf_adds(&sb, "v=spf1");
    for (size_t i = 0; i < tm->n; i++)
        strbuf_addf(&sb, " %s", tm->v[i]);
    if (tm->all != 0 && tm->redirect == NULL)
        strbuf_addf(&sb, " %sall", tm->all == '+' ? "+" :
                    (char[]){ tm->all, 0 });
    if (tm->redirect != NULL)
        strbuf_addf(&sb, " %s", tm->redirect);
    for (size_t i = 0; i < tm->n_mods; i++)
        strbuf_addf(&sb, " %s", tm->mods[i]);
    return strbuf_detach(&sb);
}

static const char *
all_name(char q)
{
    switch (q) {
    case '-': return "-all";
    case '~': return "~all";
    case '?': return "?all";
    case '+': return "+all";
    default: return "";
    }
}

static void
plan_spf(struct plan *p, const struct plan_live *live,
         const struct export_plan *t, const struct plan_opts *o,
         const struct gen_rr *rr, bool *err)
{
    const struct plan_rrset *s = live_get(live, rr->owner, DNS_T_TXT, err);
    struct spf_terms tm;
    char live_all = 0, want_all = 0;
    size_t n_live = 0, first = 0;

    if (*err)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (is_spf(s->text[i])) {
            if (n_live++ == 0)
                first = i;
        }
    if (n_live == 0) {
        char *d = target_data(rr);
        change_add(p, STEP_SPF, PLAN_ADD, rr->owner, DNS_T_TXT,
                   add_ttl(s, t), d,
                   N_("Says which servers may send mail for the domain."),
                   NULL, NULL);
        free(d);
        return;
    }
    memset(&tm, 0, sizeof(tm));
    size_t ord[256], n_ord = text_order(s, ord, ARRAY_LEN(ord));
    for (size_t k = 0; k < n_ord; k++)
        if (is_spf(s->text[ord[k]]))
            terms_take(&tm, s->text[ord[k]], &live_all, NULL);
    size_t n_before = tm.n + tm.n_mods;
    terms_take(&tm, rr->rdata, &want_all, n_live == 1 ? live : NULL);
    bool gained = tm.n + tm.n_mods > n_before;

    tm.all = live_all;
    if (tm.redirect != NULL && live_all == 0) {
        /* The live record hands over; its all would override it. */
        if (gained)
            PNOTE(p, STEP_SPF, SEV_INFO, "PLAN_SPF_REDIRECT_KEPT",
                  N_("The SPF record of %1$s ends in %2$s, which "
                     "gives the verdict: it is kept, with no "
                     "\"all\" added."), rr->owner, tm.redirect);
    } else if (all_rank(want_all) > all_rank(live_all)) {
        tm.all = want_all;
    } else if (all_rank(want_all) < all_rank(live_all) &&
               o->spf_all_explicit) {
        if (o->allow_weaker) {
            tm.all = want_all;
            PNOTE(p, STEP_SPF, SEV_WARN, "PLAN_WEAKER_ALLOWED",
                  N_("The SPF record goes from %1$s to %2$s, as "
                     "asked."), all_name(live_all),
                  all_name(want_all));
        } else {
            p->refused = true;
            PNOTE(p, STEP_SPF, SEV_FAIL, "PLAN_WEAKER",
                  N_("The published SPF record ends in %1$s; the "
                     "answers ask for %2$s, which accepts more "
                     "forged mail. It is kept as %1$s."),
                  all_name(live_all), all_name(want_all));
        }
    }
    if (tm.overflow || terms_lookups(&tm) > PLAN_SPF_LOOKUPS) {
        char num[16];
        snprintf(num, sizeof(num), "%u", terms_lookups(&tm));
        p->refused = true;
        PNOTE(p, STEP_SPF, SEV_FAIL, "PLAN_SPF_TOO_MANY_LOOKUPS",
              N_("Keeping every term of the published SPF record "
                 "and adding what the answers need would cost %1$s "
                 "DNS lookups at the top level alone; no SPF "
                 "change is proposed."), num);
        terms_fini(&tm);
        return;
    }
    char *merged = terms_text(&tm);
    bool same = n_live == 1 && strcmp(merged, s->text[first]) == 0;

    if (!same) {
        for (size_t k = 0; k < n_ord; k++)
            if (is_spf(s->text[ord[k]]))
                change_add(p, STEP_SPF, PLAN_DELETE, rr->owner, DNS_T_TXT,
                           s->ttl, s->data[ord[k]],
                           n_live > 1 ?
                           N_("The domain may have one SPF record only; "
                              "this one is merged into the record "
                              "below.") :
                           N_("Replaced by the record below, which keeps "
                              "every term of this one."), NULL, NULL);
        char *d = gen_txt_quote(merged, strlen(merged));
        change_add(p, STEP_SPF, PLAN_ADD, rr->owner, DNS_T_TXT,
                   add_ttl(s, t), d,
                   n_live > 1 ?
                   N_("One SPF record with every term of the published "
                      "ones and what your answers add.") :
                   N_("The published SPF record with what your answers "
                      "add; nothing it allowed is taken away."),
                   NULL, NULL);
        free(d);
        if (n_live > 1)
            PNOTE(p, STEP_SPF, SEV_INFO, "PLAN_SPF_MERGED",
                  N_("The SPF records of %1$s are merged into one "
                     "that keeps every term: %2$s"), rr->owner,
                  merged);
    }
    free(merged);
    terms_fini(&tm);
}

/* ---- DKIM ---- */

static bool
is_dkim(const char *text)
{
    return text != NULL && (str_nieq(text, "v=DKIM1", 7) ||
                            strstr(text, "p=") != NULL);
}

/* The value of tag in a tag=value list, whitespace removed; or NULL. */
static char *
tag_value(const char *text, const char *tag)
{
    size_t tl = strlen(tag);
    const char *p = text;

    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        const char *q = p;
        while (q < p + n && (*q == ' ' || *q == '\t'))
            q++;
        if ((size_t)(p + n - q) > tl && strncmp(q, tag, tl) == 0) {
            const char *v = q + tl;
            while (v < p + n && (*v == ' ' || *v == '\t'))
                v++;
            if (v < p + n && *v == '=') {
                struct strbuf sb;
                strbuf_init(&sb);
                for (v++; v < p + n; v++)
                    if (!isspace((unsigned char)*v))
                        strbuf_addc(&sb, *v);
                return strbuf_detach(&sb);
            }
        }
        p = end;
    }
    return NULL;
}

static bool
same_key(const char *a, const char *b)
{
    char *pa = tag_value(a, "p"), *pb = tag_value(b, "p");
    char *ka = tag_value(a, "k"), *kb = tag_value(b, "k");
    bool same = pa != NULL && pb != NULL && strcmp(pa, pb) == 0 &&
                str_ieq(ka != NULL ? ka : "rsa", kb != NULL ? kb : "rsa");

    free(pa);
    free(pb);
    free(ka);
    free(kb);
    return same;
}

static void
plan_dkim_txt(struct plan *p, const struct plan_live *live,
              const struct export_plan *t, const struct gen_rr *rr,
              bool *err)
{
    const struct plan_rrset *s = live_get(live, rr->owner, DNS_T_TXT, err);
    const struct plan_rrset *cn = live_get(live, rr->owner, DNS_T_CNAME,
                                           err);

    if (*err)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (is_dkim(s->text[i]) && same_key(s->text[i], rr->rdata))
            return;
    for (size_t i = 0; cn != NULL && i < cn->n; i++)
        change_add(p, STEP_DKIM, PLAN_DELETE, rr->owner, DNS_T_CNAME,
                   cn->ttl, cn->data[i],
                   N_("%1$s is an alias (CNAME), and a name with a CNAME "
                      "can hold no other record: the alias goes so that "
                      "your key can be published."), rr->owner, NULL);
    for (size_t i = 0; i < s->n; i++)
        if (is_dkim(s->text[i]))
            change_add(p, STEP_DKIM, PLAN_DELETE, rr->owner, DNS_T_TXT,
                       s->ttl, s->data[i],
                       N_("This key is not the one your server signs "
                          "with; the new key replaces it."), NULL, NULL);
    char *d = target_data(rr);
    change_add(p, STEP_DKIM, PLAN_ADD, rr->owner, DNS_T_TXT, add_ttl(s, t),
               d, N_("The public key receivers use to check your "
                     "server's signature."), NULL, NULL);
    free(d);
}

/* ---- DMARC ---- */

struct tags {
    char *name[PLAN_MAX_TERMS];
    char *value[PLAN_MAX_TERMS];
    size_t n;
};

static void
tags_parse(struct tags *tg, const char *text)
{
    const char *p = text;

    while (*p != '\0' && tg->n < PLAN_MAX_TERMS) {
        size_t n = strcspn(p, ";");
        const char *a = p, *b = p + n;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        const char *eq = memchr(a, '=', (size_t)(b - a));
        if (eq != NULL) {
            const char *ne = eq, *vs = eq + 1;
            while (ne > a && isspace((unsigned char)ne[-1]))
                ne--;
            while (vs < b && isspace((unsigned char)*vs))
                vs++;
            char *name = xstrndup(a, (size_t)(ne - a));
            bool dup = false;
            for (size_t i = 0; i < tg->n && !dup; i++)
                dup = strcmp(tg->name[i], name) == 0;
            if (dup) {
                free(name);
            } else {
                tg->name[tg->n] = name;
                tg->value[tg->n++] = xstrndup(vs, (size_t)(b - vs));
            }
        }
        p += n;
        if (*p == ';')
            p++;
    }
}

static int
tags_find(const struct tags *tg, const char *name)
{
    for (size_t i = 0; i < tg->n; i++)
        if (strcmp(tg->name[i], name) == 0)
            return (int)i;
    return -1;
}

static void
tags_set(struct tags *tg, const char *name, const char *value)
{
    int i = tags_find(tg, name);

    if (i >= 0) {
        free(tg->value[i]);
        tg->value[i] = xstrdup(value);
    } else if (tg->n < PLAN_MAX_TERMS) {
        tg->name[tg->n] = xstrdup(name);
        tg->value[tg->n++] = xstrdup(value);
    }
}

static void
tags_fini(struct tags *tg)
{
    for (size_t i = 0; i < tg->n; i++) {
        free(tg->name[i]);
        free(tg->value[i]);
    }
}

static int
policy_rank(const char *v)
{
    if (v == NULL)
        return 0;
    if (str_ieq(v, "reject"))
        return 3;
    if (str_ieq(v, "quarantine"))
        return 2;
    if (str_ieq(v, "none"))
        return 1;
    return 0;       /* absent or invalid */
}

/* The URIs of a rua/ruf value added to have (comma separated, compared
 * without case and without a !size suffix); true if any was new. */
static bool
uris_union(struct strbuf *have, const char *add)
{
    bool changed = false;
    const char *p = add;

    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        char *u = xstrndup(p, n);
        char *cut = strchr(u, '!');
        char *key;
        bool found = false;

        trim(u);
        key = xstrndup(u, cut != NULL ? (size_t)(cut - u) : strlen(u));
        str_lower(key);
        const char *h = strbuf_str(have);
        while (*h != '\0' && !found) {
            size_t m = strcspn(h, ",");
            size_t k = strcspn(h, "!,");
            found = k == strlen(key) && str_nieq(h, key, k);
            h += m;
            if (*h == ',')
                h++;
        }
        if (!found && u[0] != '\0') {
            if (strbuf_str(have)[0] != '\0')
                strbuf_addc(have, ',');
            strbuf_adds(have, u);
            changed = true;
        }
        free(key);
        free(u);
        p += n;
        if (*p == ',')
            p++;
    }
    return changed;
}

/* Raise (or, if allowed, lower) policy tag tag of merged to want. */
static bool
merge_policy(struct plan *p, const struct plan_opts *o, struct tags *m,
             const char *tag, const char *want, bool explicit_ask)
{
    int i = tags_find(m, tag);
    const char *have = i >= 0 ? m->value[i] : NULL;

    /* sp= absent means "as p=". */
    if (have == NULL && strcmp(tag, "sp") == 0) {
        int pi = tags_find(m, "p");
        have = pi >= 0 ? m->value[pi] : NULL;
        if (policy_rank(want) <= policy_rank(have))
            return false;
    }
    if (want == NULL || policy_rank(want) == policy_rank(have))
        return false;
    if (policy_rank(want) > policy_rank(have)) {
        tags_set(m, tag, want);
        return true;
    }
    if (!explicit_ask)
        return false;
    if (o->allow_weaker) {
        PNOTE(p, STEP_DMARC, SEV_WARN, "PLAN_WEAKER_ALLOWED",
              N_("The DMARC policy %1$s goes from %2$s to %3$s, as "
                 "asked."), tag, have, want);
        tags_set(m, tag, want);
        return true;
    }
    p->refused = true;
    PNOTE(p, STEP_DMARC, SEV_FAIL, "PLAN_WEAKER",
          N_("The published DMARC record has %1$s=%2$s; the answers "
             "ask for %3$s, which protects less. It is kept."),
          tag, have, want);
    return false;
}

static void
plan_dmarc(struct plan *p, const struct plan_live *live,
           const struct export_plan *t, const struct plan_opts *o,
           const struct gen_rr *rr, bool *err)
{
    const struct plan_rrset *s = live_get(live, rr->owner, DNS_T_TXT, err);
    struct tags m, want;
    size_t n_live = 0;
    bool changed = false;

    if (*err)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (s->text[i] != NULL &&
            dmarc_is_record(s->text[i], strlen(s->text[i])))
            n_live++;
    if (n_live == 0) {
        char *d = target_data(rr);
        change_add(p, STEP_DMARC, PLAN_ADD, rr->owner, DNS_T_TXT,
                   add_ttl(s, t), d,
                   N_("Tells receivers what to do with mail that fails "
                      "SPF and DKIM, and where to send reports."),
                   NULL, NULL);
        free(d);
        return;
    }
    memset(&m, 0, sizeof(m));
    memset(&want, 0, sizeof(want));
    size_t ord[256], n_ord = text_order(s, ord, ARRAY_LEN(ord));
    for (size_t r = 0; r < n_ord; r++) {
        size_t i = ord[r];
        if (s->text[i] != NULL &&
            dmarc_is_record(s->text[i], strlen(s->text[i]))) {
            struct tags one;
            memset(&one, 0, sizeof(one));
            tags_parse(&one, s->text[i]);
            for (size_t k = 0; k < one.n; k++) {
                int at = tags_find(&m, one.name[k]);
                if (at < 0) {
                    tags_set(&m, one.name[k], one.value[k]);
                } else if (strcmp(one.name[k], "rua") == 0 ||
                           strcmp(one.name[k], "ruf") == 0) {
                    struct strbuf sb;
                    strbuf_init(&sb);
                    strbuf_adds(&sb, m.value[at]);
                    uris_union(&sb, one.value[k]);
                    tags_set(&m, one.name[k], strbuf_str(&sb));
                    strbuf_fini(&sb);
                } else if ((strcmp(one.name[k], "p") == 0 ||
                            strcmp(one.name[k], "sp") == 0 ||
                            strcmp(one.name[k], "np") == 0) &&
                           policy_rank(one.value[k]) >
                           policy_rank(m.value[at])) {
                    tags_set(&m, one.name[k], one.value[k]);
                }
            }
            tags_fini(&one);
        }
    }
    tags_parse(&want, rr->rdata);
    for (size_t k = 0; k < want.n; k++) {
        const char *n = want.name[k], *v = want.value[k];
        int at = tags_find(&m, n);

        if (strcmp(n, "v") == 0)
            continue;
        if (strcmp(n, "p") == 0 || strcmp(n, "sp") == 0) {
            changed |= merge_policy(p, o, &m, n, v, o->dmarc_p_explicit);
        } else if (strcmp(n, "rua") == 0 || strcmp(n, "ruf") == 0) {
            struct strbuf sb;
            strbuf_init(&sb);
            if (at >= 0)
                strbuf_adds(&sb, m.value[at]);
            if (uris_union(&sb, v)) {
                tags_set(&m, n, strbuf_str(&sb));
                changed = true;
            }
            strbuf_fini(&sb);
        } else if (strcmp(n, "adkim") == 0 || strcmp(n, "aspf") == 0) {
            /* s is stricter than r; never the other way round. */
            if (str_ieq(v, "s") && (at < 0 || !str_ieq(m.value[at], "s"))) {
                tags_set(&m, n, "s");
                changed = true;
            }
        } else if (at < 0) {
            tags_set(&m, n, v);
            changed = true;
        }
    }
    if (n_live > 1)
        changed = true;
    if (changed) {
        struct strbuf sb;
        int vi = tags_find(&m, "v"), pi = tags_find(&m, "p");

        strbuf_init(&sb);
        strbuf_adds(&sb, "v=DMARC1");
        /* p= right after v= (RFC 9989 §4.7 recommends it). */
        if (pi >= 0)
            strbuf_addf(&sb, "; p=%s", m.value[pi]);
        for (size_t k = 0; k < m.n; k++)
            if ((int)k != vi && (int)k != pi)
                strbuf_addf(&sb, "; %s=%s", m.name[k], m.value[k]);
        for (size_t k = 0; k < n_ord; k++)
            if (s->text[ord[k]] != NULL &&
                dmarc_is_record(s->text[ord[k]], strlen(s->text[ord[k]])))
                change_add(p, STEP_DMARC, PLAN_DELETE, rr->owner,
                           DNS_T_TXT, s->ttl, s->data[ord[k]],
                           n_live > 1 ?
                           N_("The domain may have one DMARC record only; "
                              "this one is merged into the record below.") :
                           N_("Replaced by the record below, which keeps "
                              "every tag of this one (report addresses "
                              "too)."), NULL, NULL);
        char *d = gen_txt_quote(strbuf_str(&sb), sb.len);
        change_add(p, STEP_DMARC, PLAN_ADD, rr->owner, DNS_T_TXT,
                   add_ttl(s, t), d,
                   N_("The published DMARC record with what your answers "
                      "add; its policy and report addresses are kept or "
                      "raised, never lowered."), NULL, NULL);
        free(d);
        strbuf_fini(&sb);
    }
    tags_fini(&m);
    tags_fini(&want);
}

/* ---- MTA-STS and TLS-RPT ---- */

static int
mode_rank(enum mtasts_mode m)
{
    return m == MTASTS_MODE_ENFORCE ? 2 : m == MTASTS_MODE_TESTING ? 1 : 0;
}

/* The same policy: mode, max_age and the same set of mx patterns. */
static bool
policy_same(const struct mtasts_policy *a, const struct mtasts_policy *b)
{
    if (a->mode != b->mode || a->max_age != b->max_age || a->nmx != b->nmx)
        return false;
    for (size_t i = 0; i < a->nmx; i++) {
        bool found = false;

        for (size_t k = 0; k < b->nmx && !found; k++)
            found = strcmp(a->mx[i], b->mx[k]) == 0;
        if (!found)
            return false;
    }
    return true;
}

/* Replace the live records at name that is_rec() picks by want (TXT
 * text), unless one of them is want already. */
static void
txt_replace(struct plan *p, const struct plan_rrset *s,
            const struct export_plan *t, const char *name,
            bool (*is_rec)(const char *, size_t), const char *want,
            const char *why_del, const char *why_add)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->text[i] != NULL && strcmp(s->text[i], want) == 0)
            return;
    for (size_t i = 0; i < s->n; i++)
        if (s->text[i] != NULL && is_rec(s->text[i], strlen(s->text[i])))
            change_add(p, STEP_SMTP, PLAN_DELETE, name, DNS_T_TXT, s->ttl,
                       s->data[i], why_del, NULL, NULL);
    char *d = gen_txt_quote(want, strlen(want));
    change_add(p, STEP_SMTP, PLAN_ADD, name, DNS_T_TXT, add_ttl(s, t), d,
               why_add, NULL, NULL);
    free(d);
}

static void
plan_sts_policy(struct plan *p, const struct plan_live *live,
                const struct export_plan *t, const struct plan_opts *o,
                bool *err)
{
    char *name = xasprintf("_mta-sts.%s", o->domain);
    const struct plan_rrset *s = live_get(live, name, DNS_T_TXT, err);
    const char *rec = NULL, *why = NULL;
    char live_id[MTASTS_ID_MAX + 1];
    size_t n_sts = 0;
    unsigned line = 0;
    bool rec_ok, lp_ok = false;
    struct mtasts_policy lp, gp;
    enum mtasts_mode want = (enum mtasts_mode)t->sts_mode, mode = want;
    struct gen_mtasts_opts go;
    struct gen_mtasts g;

    memset(&lp, 0, sizeof(lp));
    memset(&gp, 0, sizeof(gp));
    if (*err)
        goto out;
    for (size_t i = 0; i < s->n; i++)
        if (s->text[i] != NULL &&
            mtasts_record_is_sts(s->text[i], strlen(s->text[i]))) {
            n_sts++;
            rec = s->text[i];
        }
    rec_ok = n_sts == 1 &&
             mtasts_record_parse(rec, strlen(rec), live_id, &why) == RC_OK;
    if (rec_ok && live->sts != PLAN_STS_FETCHED) {
        /* Published, but its mode is unknown: never guess. */
        PNOTE(p, STEP_SMTP, SEV_ERROR, "PLAN_STS_UNREAD",
              N_("%1$s is published, but the MTA-STS policy could not be "
                 "fetched (%2$s): no MTA-STS change is proposed until it "
                 "can be read."), name,
              live->sts_error != NULL ? live->sts_error : "-");
        p->status = PLAN_ERROR;
        goto out;
    }
    if (live->sts == PLAN_STS_FETCHED) {
        lp_ok = mtasts_policy_parse(live->sts_policy,
                                    strlen(live->sts_policy), &lp, &why,
                                    &line) == RC_OK;
    }
    /* Only a policy senders use (a valid record and policy) is live. */
    if (rec_ok && lp_ok && mode_rank(lp.mode) > mode_rank(want)) {
        if (o->allow_weaker) {
            PNOTE(p, STEP_SMTP, SEV_WARN, "PLAN_WEAKER_ALLOWED",
                  N_("The MTA-STS mode goes from %1$s to %2$s, as "
                     "asked."), gen_mtasts_mode_name(lp.mode),
                  gen_mtasts_mode_name(want));
        } else {
            p->refused = true;
            PNOTE(p, STEP_SMTP, SEV_FAIL, "PLAN_WEAKER",
                  N_("The published MTA-STS policy is in mode %1$s; the "
                     "answers ask for %2$s, which lets senders deliver "
                     "without checked TLS again. It stays in mode %1$s."),
                  gen_mtasts_mode_name(lp.mode), gen_mtasts_mode_name(want));
            mode = lp.mode;
        }
    }
    memset(&go, 0, sizeof(go));
    go.domain = o->domain;
    go.mx = &t->rrs[STEP_MX];
    go.sts = true;
    go.mode = mode;
    /* A longer max_age published is kept (senders keep the policy for
     * that long; a shorter one protects less). */
    if (rec_ok && lp_ok && lp.max_age > GEN_MTASTS_MAX_AGE &&
        mode_rank(mode) >= mode_rank(lp.mode))
        go.max_age = lp.max_age;
    gen_mtasts_build(&go, &g);
    if (g.policy == NULL) {
        gen_mtasts_fini(&g);
        goto out;
    }
    if (mtasts_policy_parse(g.policy, strlen(g.policy), &gp, &why, &line)
        == RC_OK && lp_ok && policy_same(&lp, &gp) && rec_ok) {
        gen_mtasts_fini(&g);
        goto out;                   /* served and announced already */
    }
    if (!lp_ok || !policy_same(&lp, &gp)) {
        p->sts_policy = xstrdup(g.policy);
        p->sts_mode = (int)mode;
    }
    txt_replace(p, s, t, name, mtasts_record_is_sts, g.sts_txt,
                n_sts > 1 ?
                N_("A domain may have one _mta-sts record only.") :
                N_("Replaced by the record below: its new id tells "
                   "senders that the policy changed."),
                N_("Tells senders that the domain has an MTA-STS policy; "
                   "publish it once the policy file below is served."));
    gen_mtasts_fini(&g);
out:
    mtasts_policy_fini(&lp);
    mtasts_policy_fini(&gp);
    free(name);
}

static bool
is_tlsrpt(const char *s, size_t n)
{
    return mtasts_record_is_tlsrpt(s, n);
}

static void
plan_tlsrpt(struct plan *p, const struct plan_live *live,
            const struct export_plan *t, const struct plan_opts *o,
            bool *err)
{
    char *name = xasprintf("_smtp._tls.%s", o->domain);
    const struct plan_rrset *s = live_get(live, name, DNS_T_TXT, err);
    const char *rec = NULL, *why = NULL;
    size_t n = 0;
    struct gen_mtasts_opts go;
    struct gen_mtasts g;

    if (*err) {
        free(name);
        return;
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->text[i] != NULL && is_tlsrpt(s->text[i], strlen(s->text[i]))) {
            n++;
            rec = s->text[i];
        }
    memset(&go, 0, sizeof(go));
    go.domain = o->domain;
    go.tls_rua = t->tls_rua;
    gen_mtasts_build(&go, &g);
    if (n == 1 && mtasts_tlsrpt_parse(rec, strlen(rec), &why) == RC_OK) {
        /* Working: kept, whatever the answers say. */
        char *uri = gen_mtasts_rua(t->tls_rua);

        if (strstr(rec, uri) == NULL)
            PNOTE(p, STEP_SMTP, SEV_INFO, "PLAN_TLSRPT_KEPT",
                  N_("The published TLS-RPT record (%1$s) is kept; add "
                     "%2$s to its rua by hand if reports should go there "
                     "too."), rec, uri);
        free(uri);
    } else {
        txt_replace(p, s, t, name, is_tlsrpt, g.rpt_txt,
                    N_("Not a valid TLS-RPT record (or one of several): "
                       "senders ignore it."),
                    N_("Where senders send their daily TLS reports."));
    }
    gen_mtasts_fini(&g);
    free(name);
}

/* ---- the resulting zone ---- */

/* The records name/type would hold after the changes: how many, and
 * whether the same data is there twice. */
static size_t
after_count(const struct plan *p, const struct plan_live *live,
            size_t from, const char *name, uint16_t type, bool *dup)
{
    const struct plan_rrset *s = live_find(live, name, type);
    const char *kept[PLAN_MAX_TERMS * 2];
    size_t n = 0;

    for (size_t i = 0; s != NULL && s->status == DNS_OK && i < s->n; i++) {
        bool gone = false;
        for (size_t c = from; c < p->n && !gone; c++)
            gone = p->v[c].action == PLAN_DELETE && p->v[c].type == type &&
                   name_eq(p->v[c].name, name) &&
                   strcmp(p->v[c].data, s->data[i]) == 0;
        if (!gone && n < ARRAY_LEN(kept))
            kept[n++] = s->data[i];
    }
    for (size_t c = from; c < p->n; c++)
        if (p->v[c].action == PLAN_ADD && p->v[c].type == type &&
            name_eq(p->v[c].name, name)) {
            for (size_t i = 0; i < n; i++)
                if (type == DNS_T_TXT ? strcmp(kept[i], p->v[c].data) == 0 :
                    target_eq(kept[i], p->v[c].data))
                    *dup = true;
            if (n < ARRAY_LEN(kept))
                kept[n++] = p->v[c].data;
        }
    return n;
}

/* Is every name the step's changes touch loadable afterwards? */
static bool
step_loadable(const struct plan *p, const struct plan_live *live,
              size_t from, const char **bad)
{
    static const uint16_t types[] = {
        DNS_T_CNAME, DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT
    };

    for (size_t c = from; c < p->n; c++) {
        const char *name = p->v[c].name;
        size_t cnames = 0, others = 0;
        bool dup = false;

        *bad = name;
        if (!gen_name_ok(name))
            return false;
        for (size_t k = 0; k < ARRAY_LEN(types); k++) {
            size_t n = after_count(p, live, from, name, types[k], &dup);
            if (types[k] == DNS_T_CNAME)
                cnames += n;
            else
                others += n;
        }
        if (dup || cnames > 1 || (cnames > 0 && others > 0))
            return false;
    }
    return true;
}

/* ---- the whole plan ---- */

/* Forget the changes from index from on (a step that cannot be planned
 * safely proposes none). */
static void
drop_from(struct plan *p, size_t from)
{
    /* The policy file goes with the changes of its step. */
    if (from < p->n && p->v[from].step == STEP_SMTP) {
        free(p->sts_policy);
        p->sts_policy = NULL;
    }
    for (size_t c = from; c < p->n; c++) {
        free(p->v[c].name);
        free(p->v[c].data);
        free(p->v[c].why_args[0]);
        free(p->v[c].why_args[1]);
    }
    p->n = from;
}

static void
plan_step(struct plan *p, const struct plan_live *live,
          const struct export_plan *t, const struct plan_opts *o,
          enum check_step step)
{
    const struct gen_rrs *rrs = &t->rrs[step];
    size_t from = p->n;
    bool err = false;

    if (step == STEP_SMTP) {
        if (t->sts_asked && t->sts_policy != NULL)
            plan_sts_policy(p, live, t, o, &err);
        if (t->tls_rua != NULL)
            plan_tlsrpt(p, live, t, o, &err);
    }
    for (size_t k = 0; k < rrs->n && step != STEP_SMTP; k++) {
        const struct gen_rr *rr = &rrs->v[k];
        bool done = false;

        /* One pass per name and type. */
        for (size_t j = 0; j < k && !done; j++)
            done = rrs->v[j].type == rr->type &&
                   name_eq(rrs->v[j].owner, rr->owner);
        if (done)
            continue;
        if (step == STEP_SPF && rr->type == DNS_T_TXT && is_spf(rr->rdata))
            plan_spf(p, live, t, o, rr, &err);
        else if (step == STEP_DMARC && rr->type == DNS_T_TXT)
            plan_dmarc(p, live, t, o, rr, &err);
        else if (step == STEP_DKIM && rr->type == DNS_T_TXT)
            plan_dkim_txt(p, live, t, rr, &err);
        else
            plan_set(p, live, t, step, rr->owner, rr->type, &err);
    }
    const char *bad = NULL;
    if (!err && !step_loadable(p, live, from, &bad)) {
        PNOTE(p, step, SEV_FAIL, "PLAN_UNSAFE",
              N_("The changes for %1$s would leave the zone unable "
                 "to load (a CNAME next to other records, a record "
                 "twice, or a name too long); none is proposed."),
              bad);
        p->refused = true;
        drop_from(p, from);
        return;
    }
    if (err) {
        drop_from(p, from);
        PNOTE(p, step, SEV_ERROR, "PLAN_DNS_ERROR",
              N_("The records of the %1$s step could not be read "
                 "from DNS, so no change is proposed for it."),
              check_step_name(step));
        p->status = PLAN_ERROR;
    }
}

static int
change_order(const void *a, const void *b)
{
    const struct plan_change *x = a, *y = b;

    if (x->step != y->step)
        return (int)x->step - (int)y->step;
    return (int)x->action - (int)y->action;     /* deletes first */
}

void
plan_build(const struct plan_live *live, const struct export_plan *t,
           const struct plan_opts *o, struct plan *out)
{
    static const enum check_step steps[] = {
        STEP_MX, STEP_SPF, STEP_DKIM, STEP_DMARC, STEP_SMTP
    };

    memset(out, 0, sizeof(*out));
    findings_init(&out->findings);
    out->domain = xstrdup(o->domain);
    out->zone = xstrdup(live->zone != NULL ? live->zone : o->domain);
    out->status = PLAN_NOTHING;
    for (size_t i = 0; i < ARRAY_LEN(steps); i++)
        plan_step(out, live, t, o, steps[i]);
    /* A stable sort keeps each step's own order within deletes/adds. */
    for (size_t i = 1; i < out->n; i++)
        for (size_t j = i; j > 0 &&
             change_order(&out->v[j - 1], &out->v[j]) > 0; j--) {
            struct plan_change tmp = out->v[j];
            out->v[j] = out->v[j - 1];
            out->v[j - 1] = tmp;
        }
    for (int st = 0; st < STEP_COUNT; st++)
        for (size_t i = 0; i < t->elsewhere[st].n; i++) {
            const struct gen_rr *rr = &t->elsewhere[st].v[i];
            char *d = target_data(rr);
            char *line = xasprintf("%s. %s %s", rr->owner,
                                   gen_type_name(rr->type), d);
            PNOTE(out, st, SEV_INFO, "PLAN_ELSEWHERE",
                  N_("Not in your zone, to be published by whoever "
                     "runs it: %1$s"), line);
            free(line);
            free(d);
        }
    if (out->status != PLAN_ERROR && out->n > 0)
        out->status = PLAN_CHANGES;
    for (int st = 0; st < STEP_COUNT; st++) {
        gen_rrs_init(&out->deletes[st]);
        gen_rrs_init(&out->adds[st]);
    }
    for (size_t i = 0; i < out->n; i++) {
        const struct plan_change *c = &out->v[i];
        char *rd = plan_change_rdata(c);
        /* For showing: live data may hold any byte (a hostile record). */
        char *vis = str_visible(rd, strlen(rd));

        gen_rrs_add(c->action == PLAN_ADD ? &out->adds[c->step] :
                    &out->deletes[c->step], c->name, c->type, vis, NULL);
        free(vis);
        free(rd);
    }
}

void
plan_fini(struct plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].name);
        free(p->v[i].data);
        free(p->v[i].why_args[0]);
        free(p->v[i].why_args[1]);
    }
    free(p->v);
    free(p->domain);
    free(p->zone);
    free(p->fstep);
    free(p->sts_policy);
    findings_fini(&p->findings);
    for (int st = 0; st < STEP_COUNT; st++) {
        gen_rrs_fini(&p->deletes[st]);
        gen_rrs_fini(&p->adds[st]);
    }
    memset(p, 0, sizeof(*p));
}

char *
plan_change_rdata(const struct plan_change *c)
{
    struct strbuf sb;
    bool in = false;

    if (c->type != DNS_T_TXT)
        return xstrdup(c->data);
    strbuf_init(&sb);
    for (const char *p = c->data; *p != '\0'; p++) {
        if (*p == '"') {
            in = !in;
        } else if (in && *p == '\\' && ascii_is_digit(p[1]) &&
                   ascii_is_digit(p[2]) && ascii_is_digit(p[3])) {
            strbuf_addc(&sb, (char)((p[1] - '0') * 100 + (p[2] - '0') * 10 +
                                    (p[3] - '0')));
            p += 3;
        } else if (in && *p == '\\' && p[1] != '\0') {
            strbuf_addc(&sb, *++p);
        } else if (in) {
            strbuf_addc(&sb, *p);
        }
    }
    return strbuf_detach(&sb);
}

void
plan_take_notes(struct plan *p, const struct export_plan *t)
{
    for (int st = 0; st < STEP_COUNT; st++)
        for (size_t i = 0; i < t->notes[st].n; i++) {
            const struct finding *n = &t->notes[st].v[i];
            const char *a[FINDING_MAX_ARGS] = { 0 };

            for (int k = 0; k < n->nargs && k < FINDING_MAX_ARGS; k++)
                a[k] = n->args[k];
            findings_addl(&p->findings, n->sev, n->id, n->msgid,
                          n->msgid_plural, n->n, a[0], a[1], a[2], a[3],
                          a[4], a[5], (const char *)NULL);
            p->findings.v[p->findings.n - 1].msgid_args = n->msgid_args;
            note_step(p, (enum check_step)st);
        }
}

size_t
plan_step_count(const struct plan *p, enum check_step step)
{
    size_t n = 0;

    for (size_t i = 0; i < p->n; i++)
        if (p->v[i].step == step)
            n++;
    return n;
}

int
plan_exit(const struct plan *p)
{
    if (p->status == PLAN_ERROR)
        return 3;
    if (p->refused)
        return 2;
    return p->n > 0 ? 1 : 0;
}
