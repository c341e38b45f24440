/* check_dmarc.c - the DMARC step (RFC 9989).
 *
 * Policy discovery and the Organizational Domain come from the DNS Tree
 * Walk of §4.10: the _dmarc names of the domain and of its shortened
 * parents are independent, so all are asked at once, then the rules are
 * applied in order.  The record that applies is parsed and judged; each
 * report destination outside the policy's Organizational Domain needs the
 * authorization record POLICYDOMAIN._report._dmarc.DEST (RFC 9990 §3, as
 * RFC 7489 §7.1 before it).  Only that name is asked: a wildcard
 * *._report._dmarc.DEST answers for it through DNS, and only when the name
 * does not exist with other data (RFC 4592 §2.2.1), so the wildcard owner
 * itself is never asked.  An authorization record with its own rua=/ruf=
 * whose host is not DEST means no report at all (RFC 9990 §3).  The
 * destination's walk and its authorization record are asked together once
 * the policy is known.  finish() also reads the domain's SPF and the DKIM step's keys to
 * say whether anything can align. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/check_dkim.h"
#include "mailready/check_dmarc.h"
#include "mailready/dmarc.h"
#include "mailready/name.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

#define DM_MAX_HOPS 8
#define DM_MAX_DESTS 16

struct dm_walk;

struct dm_slot {
    struct dm_walk *w;
    size_t i;
    int hops;
};

struct dm_walk {
    struct dmarc_state *st;
    char *domain;
    const char *names[DMARC_WALK_MAX];
    char *qnames[DMARC_WALK_MAX];
    const struct dns_answer *ans[DMARC_WALK_MAX];
    struct dm_slot slot[DMARC_WALK_MAX];
    size_t n;
    size_t pending;
    void (*done)(struct dm_walk *w);
};

struct dm_dest {
    char *host;
    bool rua, ruf;                      /* used by rua=, by ruf= */
    struct dm_walk walk;
    char *auth_name;
    const struct dns_answer *auth;
};

struct dmarc_state {
    struct check_ctx *ctx;
    struct dm_walk main;
    const struct dns_answer *txt;       /* the domain's TXT (SPF) */
    /* Known once the main walk is complete. */
    bool evaluated;
    struct dmarc_walk_entry e[DMARC_WALK_MAX];
    struct dmarc_walk_result r;
    struct dmarc_record *rec;           /* the record that applies */
    char *rec_text;                     /* its text, rec_len bytes (a NUL
                                         * may be inside) */
    size_t rec_len;
    struct dm_dest *dest[DM_MAX_DESTS];
    size_t ndest;
};

/* --- walks --- */

static void
on_walk(void *arg, const struct dns_answer *ans)
{
    struct dm_slot *s = arg;
    struct dm_walk *w = s->w;

    /* dns_free() with the run in flight: record nothing, ask nothing. */
    if (ans->status == DNS_CANCELLED)
        return;
    w->ans[s->i] = ans;
    /* A CNAME to another zone answered alone: ask at its target. */
    if ((ans->status == DNS_OK || ans->status == DNS_NODATA) &&
        dns_answer_count(ans, DNS_T_TXT) == 0 &&
        !name_eq(ans->canon, ans->qname) && s->hops < DM_MAX_HOPS) {
        s->hops++;
        dns_query(w->st->ctx->dns, ans->canon, DNS_T_TXT, on_walk, s);
        return;
    }
    if (--w->pending == 0 && w->done != NULL)
        w->done(w);
}

static void
walk_start(struct dmarc_state *st, struct dm_walk *w, const char *domain,
           void (*done)(struct dm_walk *w))
{
    w->st = st;
    w->domain = xstrdup(domain);
    w->done = done;
    w->n = dmarc_walk_names(w->domain, w->names);
    w->pending = w->n;
    for (size_t i = 0; i < w->n; i++) {
        w->qnames[i] = xasprintf("_dmarc.%s", w->names[i]);
        w->slot[i].w = w;
        w->slot[i].i = i;
    }
    for (size_t i = 0; i < w->n; i++)
        dns_query(st->ctx->dns, w->qnames[i], DNS_T_TXT, on_walk,
                  &w->slot[i]);
    if (w->n == 0 && done != NULL)
        done(w);
}

static void
walk_fini(struct dm_walk *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->qnames[i]);
    free(w->domain);
}

/* The single DMARC record of an answer: *text (caller frees) when exactly
 * one; returns the count of DMARC records. */
static size_t
dmarc_records(const struct dns_answer *a, char **text, size_t *tlen)
{
    const struct dns_rr *rr = NULL;
    size_t n = 0;

    if (text != NULL)
        *text = NULL;
    if (tlen != NULL)
        *tlen = 0;
    if (a == NULL || a->status != DNS_OK)
        return 0;
    while ((rr = dns_answer_next(a, DNS_T_TXT, rr)) != NULL) {
        size_t len;
        char *t = dns_txt_join(rr, &len);

        if (dmarc_is_record(t, len)) {
            n++;
            if (text != NULL && *text == NULL) {
                *text = t;
                if (tlen != NULL)
                    *tlen = len;
                continue;
            }
        }
        free(t);
    }
    if (n != 1 && text != NULL) {
        free(*text);
        *text = NULL;
    }
    return n;
}

/* Fill walk entries from a walk's answers. */
static void
walk_entries(const struct dm_walk *w, struct dmarc_walk_entry *e)
{
    for (size_t i = 0; i < w->n; i++) {
        const struct dns_answer *a = w->ans[i];
        char *text = NULL;
        size_t cnt, len;

        e[i].name = w->names[i];
        e[i].psd = 'u';
        if (a == NULL || dns_status_is_error(a->status)) {
            e[i].state = DMARC_WALK_ERROR;
            continue;
        }
        cnt = dmarc_records(a, &text, &len);
        if (cnt == 0) {
            e[i].state = DMARC_WALK_NONE;
        } else if (cnt > 1) {
            e[i].state = DMARC_WALK_MULTIPLE;
        } else {
            struct dmarc_record *r = NULL;

            e[i].state = DMARC_WALK_RECORD;
            if (dmarc_record_parse(text, len, &r) == RC_OK)
                e[i].psd = r->psd;
            dmarc_record_free(r);
        }
        free(text);
    }
}

/* The first error that could change the verdict: none once the domain's
 * own record was found; never one at a single-label name (a TLD: those
 * publish DMARC only as public suffixes, with psd=y, and a resolver that
 * refuses such names must not make every domain "could not check"); any
 * other up to the stop. */
static const struct dns_answer *
walk_first_error(const struct dm_walk *w, const struct dmarc_walk_entry *e,
                 const struct dmarc_walk_result *r)
{
    if (r->policy == 0)
        return NULL;
    for (int i = 0; i <= r->stop; i++) {
        if (e[i].state != DMARC_WALK_ERROR ||
            name_label_count(e[i].name) == 1)
            continue;
        return w->ans[i];
    }
    return NULL;
}

static void
dest_done(struct dm_walk *w)
{
    (void)w;
}

static void
on_auth(void *arg, const struct dns_answer *ans)
{
    const struct dns_answer **where = arg;

    /* dns_free() with the run in flight: record nothing, ask nothing. */
    if (ans->status == DNS_CANCELLED)
        return;
    *where = ans;
}

/* The domain where the record that applies was found. */
static const char *
policy_domain(const struct dmarc_state *st)
{
    return st->r.policy >= 0 ? st->e[st->r.policy].name : NULL;
}

static void
add_dest(struct dmarc_state *st, const char *host, bool ruf)
{
    struct dm_dest *d;

    for (size_t i = 0; i < st->ndest; i++) {
        if (name_eq(st->dest[i]->host, host)) {
            if (ruf)
                st->dest[i]->ruf = true;
            else
                st->dest[i]->rua = true;
            return;
        }
    }
    if (st->ndest == DM_MAX_DESTS)
        return;
    d = xcalloc(1, sizeof(*d));
    d->host = xstrdup(host);
    d->rua = !ruf;
    d->ruf = ruf;
    d->auth_name = xasprintf("%s._report._dmarc.%s", policy_domain(st),
                             host);
    st->dest[st->ndest++] = d;
    walk_start(st, &d->walk, host, dest_done);
    dns_query(st->ctx->dns, d->auth_name, DNS_T_TXT, on_auth, &d->auth);
}

static void
main_done(struct dm_walk *w)
{
    struct dmarc_state *st = w->st;

    walk_entries(w, st->e);
    dmarc_walk_eval(w->domain, st->e, w->n, &st->r);
    st->evaluated = true;
    if (st->r.policy < 0)
        return;
    if (dmarc_records(w->ans[st->r.policy], &st->rec_text,
                      &st->rec_len) != 1)
        return;
    if (dmarc_record_parse(st->rec_text, st->rec_len, &st->rec) != RC_OK)
        return;
    /* Report destinations: their walks and authorization records, all
     * at once. */
    for (size_t i = 0; i < st->rec->n_rua; i++)
        if (st->rec->rua[i].problem == NULL)
            add_dest(st, st->rec->rua[i].host, false);
    for (size_t i = 0; i < st->rec->n_ruf; i++)
        if (st->rec->ruf[i].problem == NULL)
            add_dest(st, st->rec->ruf[i].host, true);
}

static void
on_txt(void *arg, const struct dns_answer *ans)
{
    struct dmarc_state *st = arg;

    /* dns_free() with the run in flight: record nothing, ask nothing. */
    if (ans->status == DNS_CANCELLED)
        return;
    st->txt = ans;
}

static void
dmarc_start(struct check_ctx *ctx)
{
    struct dmarc_state *st = xcalloc(1, sizeof(*st));

    st->ctx = ctx;
    ctx->state[STEP_DMARC] = st;
    dns_query(ctx->dns, ctx->opts->domain, DNS_T_TXT, on_txt, st);
    walk_start(st, &st->main, ctx->opts->domain, main_done);
}

static void
dmarc_free_state(void *p)
{
    struct dmarc_state *st = p;

    walk_fini(&st->main);
    for (size_t i = 0; i < st->ndest; i++) {
        walk_fini(&st->dest[i]->walk);
        free(st->dest[i]->host);
        free(st->dest[i]->auth_name);
        free(st->dest[i]);
    }
    dmarc_record_free(st->rec);
    free(st->rec_text);
    free(st);
}

/* --- judging --- */

static char *
vis(const char *s)
{
    return str_visible(s, strlen(s));
}

static int
strength(enum dmarc_policy p)
{
    switch (p) {
    case DMARC_P_REJECT:
        return 3;
    case DMARC_P_QUARANTINE:
        return 2;
    case DMARC_P_NONE:
        return 1;
    case DMARC_P_ABSENT:
    case DMARC_P_INVALID:
    default:
        return 0;
    }
}

static void
judge_notes(struct findings *fs, const struct dmarc_record *rec,
            const char *where)
{
    for (size_t i = 0; i < rec->n_notes; i++) {
        const struct dmarc_note *n = &rec->notes[i];
        /* already visible-safe: keep their escapes as they are */
        char *tag = str_safe(n->tag, strlen(n->tag));
        char *val = str_safe(n->value, strlen(n->value));

        switch (n->kind) {
        case DMARC_NOTE_UNKNOWN_TAG:
            finding_add(fs, SEV_INFO, "DMARC_UNKNOWN_TAG",
                        N_("The DMARC record at %1$s has the tag %2$s=%3$s, "
                           "which DMARC does not define; receivers ignore "
                           "it."), where, tag, val);
            break;
        case DMARC_NOTE_REMOVED_TAG:
            if (str_ieq(n->tag, "pct") && strcmp(n->value, "100") != 0)
                finding_add(fs, SEV_WARN, "DMARC_REMOVED_TAG",
                            N_("The DMARC record at %1$s has pct=%2$s. RFC "
                               "9989 removed pct; older receivers still "
                               "apply the policy to only that share of "
                               "failing mail, newer ones to all of it."),
                            where, val);
            else
                finding_add(fs, SEV_INFO, "DMARC_REMOVED_TAG",
                            N_("The DMARC record at %1$s has %2$s=%3$s, a "
                               "tag RFC 9989 removed; newer receivers "
                               "ignore it, older ones still read it."),
                            where, tag, val);
            break;
        case DMARC_NOTE_BAD_VALUE:
            /* p= is judged on its own, with what receivers do. */
            if (str_ieq(n->tag, "p"))
                break;
            finding_add(fs, SEV_WARN, "DMARC_SYNTAX",
                        N_("The DMARC record at %1$s has an invalid value "
                           "for %2$s: \"%3$s\"; receivers use the default "
                           "instead."), where, tag, val);
            break;
        case DMARC_NOTE_DUPLICATE:
            finding_add(fs, SEV_WARN, "DMARC_SYNTAX",
                        N_("The DMARC record at %1$s has the tag %2$s more "
                           "than once; receivers may take either."),
                        where, tag);
            break;
        case DMARC_NOTE_BAD_TAG:
        default:
            finding_add(fs, SEV_WARN, "DMARC_SYNTAX",
                        N_("The DMARC record at %1$s has a part that is not "
                           "tag=value: \"%2$s\"."), where, tag);
            break;
        }
        free(tag);
        free(val);
    }
}

static void
judge_uris(struct findings *fs, const struct dmarc_uri *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (u[i].problem == NULL)
            continue;
        char *t = vis(u[i].text);
        if (u[i].fixed != NULL) {
            char *f = vis(u[i].fixed);
            finding_add(fs, SEV_WARN, "DMARC_RUA_INVALID",
                        N_("The report address %1$s has a character that "
                           "is not allowed in a URI; receivers ignore it. "
                           "Write it percent-encoded: %2$s"), t, f);
            free(f);
        } else {
            finding_add(fs, SEV_WARN, "DMARC_RUA_INVALID", u[i].problem,
                        t);
        }
        free(t);
    }
}

/* The destination's authorization record (RFC 9990 §3): 1 when the name
 * has a DMARC record (*text, *tlen: the first one, caller frees), 0 when
 * it has none, -1 when it could not be asked. */
static int
auth_state(const struct dm_dest *d, char **text, size_t *tlen)
{
    const struct dns_rr *rr = NULL;

    *text = NULL;
    *tlen = 0;
    if (d->auth == NULL || dns_status_is_error(d->auth->status))
        return -1;
    if (d->auth->status != DNS_OK)
        return 0;
    while ((rr = dns_answer_next(d->auth, DNS_T_TXT, rr)) != NULL) {
        size_t len;
        char *t = dns_txt_join(rr, &len);

        if (dmarc_is_record(t, len)) {
            *text = t;
            *tlen = len;
            return 1;
        }
        free(t);
    }
    return 0;
}

/* An override URI (rua= or ruf= of the authorization record) whose host
 * is not the destination's: its text, borrowed from r, or NULL. */
static const char *
foreign_override(const struct dm_dest *d, const struct dmarc_record *r)
{
    if (d->rua)
        for (size_t i = 0; i < r->n_rua; i++)
            if (r->rua[i].host == NULL || !name_eq(r->rua[i].host, d->host))
                return r->rua[i].text;
    if (d->ruf)
        for (size_t i = 0; i < r->n_ruf; i++)
            if (r->ruf[i].host == NULL || !name_eq(r->ruf[i].host, d->host))
                return r->ruf[i].text;
    return NULL;
}

static void
judge_override(struct findings *fs, const struct dm_dest *d,
               const char *pol, const char *text, size_t len)
{
    struct dmarc_record *r = NULL;
    const char *bad;

    if (dmarc_record_parse(text, len, &r) != RC_OK)
        return;
    bad = foreign_override(d, r);
    if (bad != NULL) {
        char *h = vis(d->host), *p = vis(pol), *u = vis(bad);
        char *n = vis(d->auth_name), *rec = str_visible(text, len);
        char *want = xasprintf("%s. TXT \"v=DMARC1\"", n);

        finding_add(fs, SEV_WARN, "DMARC_RUA_OVERRIDE_FOREIGN",
                    N_("%2$s authorizes reports for %1$s, but its record "
                       "%3$s names %4$s, an address outside %2$s: "
                       "receivers then send the reports to neither. %2$s "
                       "must publish instead: %5$s"), p, h, rec, u, want);
        free(h);
        free(p);
        free(u);
        free(n);
        free(rec);
        free(want);
    }
    dmarc_record_free(r);
}

static void
judge_dests(struct dmarc_state *st, struct findings *fs)
{
    const char *pol = policy_domain(st);
    const char *org = st->r.from_psd ? pol : st->r.org;

    for (size_t i = 0; i < st->ndest; i++) {
        struct dm_dest *d = st->dest[i];
        struct dmarc_walk_entry e[DMARC_WALK_MAX];
        struct dmarc_walk_result r;
        const struct dns_answer *err;
        char *text;
        size_t tlen;
        int auth;

        walk_entries(&d->walk, e);
        dmarc_walk_eval(d->walk.domain, e, d->walk.n, &r);
        if (name_eq(r.org, org))
            continue;
        auth = auth_state(d, &text, &tlen);
        if (auth == 1) {
            judge_override(fs, d, pol, text, tlen);
            free(text);
            continue;
        }
        err = walk_first_error(&d->walk, e, &r);
        if (auth < 0 || err != NULL) {
            check_add_dns_error(fs, err != NULL ? err : d->auth);
            continue;
        }
        char *h = vis(d->host), *p = vis(pol);
        char *rec = xasprintf("%s. TXT \"v=DMARC1\"", d->auth_name);
        char *vrec = vis(rec);
        finding_add(fs, SEV_WARN, "DMARC_RUA_NOT_AUTHORIZED",
                    N_("Reports for %1$s go to %2$s, another organization, "
                       "which has not authorized them: receivers will not "
                       "send them. %2$s must publish: %3$s"), p, h, vrec);
        free(h);
        free(p);
        free(rec);
        free(vrec);
    }
}

static void
add_policy_record(struct dmarc_state *st, struct check_result *res,
                  enum dmarc_policy applied)
{
    json_t *o = json_object();
    const char *pol = policy_domain(st);
    char *name = xasprintf("_dmarc.%s", pol);
    char *vname = vis(name);
    char *text = str_visible(st->rec_text, st->rec_len);
    char *org = vis(st->r.org);
    char *disp = xasprintf("%s: %s", vname, text);

    json_object_set_new(o, "name", json_string(vname));
    json_object_set_new(o, "record", json_string(text));
    json_object_set_new(o, "policy", json_string(
        applied == DMARC_P_ABSENT ? "" : dmarc_policy_name(applied)));
    json_object_set_new(o, "organizational_domain", json_string(org));
    json_object_set_new(o, "inherited", json_boolean(st->r.policy != 0));
    json_object_set_new(o, "display", json_string(disp));
    json_array_append_new(res->records, o);
    free(name);
    free(vname);
    free(text);
    free(org);
    free(disp);
}

static void
judge_auth(struct check_ctx *ctx, struct findings *fs,
           const struct check_spf_view *spf, const char *dom)
{
    int keys = check_dkim_keys_found(ctx);

    if (!spf->known || keys < 0)
        return;
    if (spf->n_spf == 0 && keys == 0) {
        finding_add(fs, SEV_WARN, "DMARC_WITHOUT_AUTH",
                    N_("%1$s publishes DMARC but has no SPF record and no "
                       "DKIM key at any selector given or found, so its "
                       "mail cannot pass DMARC. (A DKIM key at a selector "
                       "that was not tried cannot be seen: give it with "
                       "--selector.)"), dom);
    } else if (spf->n_spf == 0) {
        finding_add(fs, SEV_INFO, "DMARC_SPF_CANNOT_ALIGN",
                    N_("%1$s has no SPF record, so only DKIM can make its "
                       "mail pass DMARC; mail whose signature breaks in "
                       "transit fails."), dom);
    } else if (keys == 0) {
        finding_add(fs, SEV_INFO, "DMARC_DKIM_CANNOT_ALIGN",
                    N_("No DKIM key was found for %1$s, so only SPF can "
                       "make its mail pass DMARC, and only when it is sent "
                       "with %1$s in the envelope sender (MAIL FROM); "
                       "forwarded mail fails."), dom);
    }
}

static void
dmarc_finish(struct check_ctx *ctx)
{
    struct dmarc_state *st = ctx->state[STEP_DMARC];
    struct check_result *res = &ctx->res[STEP_DMARC];
    struct findings *fs = &res->findings;
    const struct dns_answer *err;
    struct check_spf_view spf;
    const struct dmarc_record *rec;
    enum dmarc_policy applied;
    char *dom = vis(ctx->opts->domain), *where = NULL;
    bool sub, gone;

    if (!st->evaluated)
        goto out;
    check_spf_view(st->txt, &spf);
    for (int i = 0; i <= st->r.stop; i++) {
        if (st->e[i].state == DMARC_WALK_MULTIPLE) {
            char *n = vis(st->main.qnames[i]);
            finding_add(fs, SEV_FAIL, "DMARC_MULTIPLE",
                        N_("%1$s has more than one DMARC record; receivers "
                           "then ignore them all."), n);
            free(n);
        }
    }
    err = walk_first_error(&st->main, st->e, &st->r);
    if (err != NULL) {
        /* The policy that applies is not known for sure: say only that. */
        check_add_dns_error(fs, err);
        goto out;
    }
    if (st->r.policy < 0) {
        const struct dns_answer *a = st->main.ans[0];
        const struct dns_rr *rr = NULL;
        bool broken = false;

        while (a != NULL && a->status == DNS_OK &&
               (rr = dns_answer_next(a, DNS_T_TXT, rr)) != NULL) {
            size_t len;
            char *t = dns_txt_join(rr, &len);
            if (!broken && dmarc_looks_like_broken_record(t, len)) {
                char *n = vis(st->main.qnames[0]), *vt = str_visible(t, len);
                finding_add(fs, SEV_FAIL, "DMARC_SYNTAX",
                            N_("The TXT record at %1$s is no DMARC record "
                               "(it must start with v=DMARC1, in capitals, "
                               "as its first tag), so receivers ignore it: "
                               "%2$s"), n, vt);
                free(n);
                free(vt);
                broken = true;
            }
            free(t);
        }
        if (!broken && st->e[0].state != DMARC_WALK_MULTIPLE) {
            char *n = vis(st->main.qnames[0]);
            finding_add(fs, SEV_FAIL, "DMARC_MISSING",
                        N_("There is no DMARC record for %1$s: no TXT "
                           "record starting with v=DMARC1 at %2$s nor at "
                           "its organizational domain."), dom, n);
            free(n);
        }
        goto out;
    }
    if (st->rec == NULL)
        goto out;
    rec = st->rec;
    where = xasprintf("_dmarc.%s", policy_domain(st));
    {
        char *vw = vis(where);
        free(where);
        where = vw;
    }
    sub = st->r.policy != 0;
    /* RFC 9989 §3.2.13: NXDOMAIN for the domain makes np= the policy of
     * the record found for it (§4.10.1). */
    gone = st->txt != NULL && st->txt->status == DNS_NXDOMAIN;
    applied = dmarc_applied_policy(rec, sub, !gone);
    add_policy_record(st, res, applied);
    if (sub) {
        char *p = vis(policy_domain(st));
        if (st->r.from_psd)
            finding_add(fs, SEV_INFO, "DMARC_INHERITED",
                        N_("%1$s has no DMARC record of its own: the policy "
                           "that applies is the one of the public suffix "
                           "domain %2$s (psd=y)."), dom, p);
        else
            finding_add(fs, SEV_INFO, "DMARC_INHERITED",
                        N_("%1$s has no DMARC record of its own: the policy "
                           "that applies comes from its organizational "
                           "domain %2$s."), dom, p);
        free(p);
    }
    if (gone && sub && applied != DMARC_P_ABSENT) {
        if (rec->np != DMARC_P_ABSENT && rec->np != DMARC_P_INVALID)
            finding_add(fs, SEV_INFO, "DMARC_NONEXISTENT_DOMAIN",
                        N_("%1$s does not exist (NXDOMAIN), so the policy "
                           "that applies to mail from it is np=%2$s of the "
                           "record at %3$s."), dom,
                        dmarc_policy_name(applied), where);
        else
            finding_add(fs, SEV_INFO, "DMARC_NONEXISTENT_DOMAIN",
                        N_("%1$s does not exist (NXDOMAIN); the record at "
                           "%3$s has no np=, so its policy for names that "
                           "do not exist is %2$s."), dom,
                        dmarc_policy_name(applied), where);
    }
    judge_notes(fs, rec, where);
    if (rec->p == DMARC_P_ABSENT || rec->p == DMARC_P_INVALID ||
        rec->sp == DMARC_P_INVALID || rec->np == DMARC_P_INVALID) {
        if (applied == DMARC_P_ABSENT)
            finding_add(fs, SEV_FAIL, "DMARC_SYNTAX",
                        N_("The DMARC record at %1$s has no valid p= (or an "
                           "invalid sp= or np=) and no usable rua=: "
                           "receivers apply no DMARC at all."), where);
        else
            finding_add(fs, SEV_WARN, "DMARC_SYNTAX",
                        N_("The DMARC record at %1$s has no valid p= (or an "
                           "invalid sp= or np=): receivers treat it as "
                           "p=none."), where);
    } else if (applied == DMARC_P_NONE) {
        finding_add(fs, SEV_WARN, "DMARC_POLICY_NONE",
                    N_("The DMARC policy for %1$s is none (monitoring "
                       "only): receivers deliver mail that fails DMARC as "
                       "if there were no policy."), dom);
    }
    /* sp/np only count in a record at the organizational domain or a
     * PSD; a weaker one leaves subdomains less protected. */
    if (strength(rec->p) > 0 &&
        (st->r.from_psd || name_eq(policy_domain(st), st->r.org))) {
        if (rec->sp != DMARC_P_ABSENT && rec->sp != DMARC_P_INVALID &&
            strength(rec->sp) < strength(rec->p))
            finding_add(fs, SEV_WARN, "DMARC_SUBDOMAIN_POLICY_WEAKER",
                        N_("The DMARC record at %1$s has sp=%2$s, weaker "
                           "than p=%3$s: subdomains are less protected "
                           "than the domain."), where,
                        dmarc_policy_name(rec->sp),
                        dmarc_policy_name(rec->p));
        if (rec->np != DMARC_P_ABSENT && rec->np != DMARC_P_INVALID &&
            strength(rec->np) < strength(rec->p))
            finding_add(fs, SEV_WARN, "DMARC_SUBDOMAIN_POLICY_WEAKER",
                        N_("The DMARC record at %1$s has np=%2$s, weaker "
                           "than p=%3$s: names that do not exist under the "
                           "domain are less protected than the domain."),
                        where, dmarc_policy_name(rec->np),
                        dmarc_policy_name(rec->p));
    }
    if (rec->testing && applied != DMARC_P_NONE &&
        applied != DMARC_P_ABSENT)
        finding_add(fs, SEV_WARN, "DMARC_TESTING",
                    N_("The DMARC record at %1$s has t=y (testing): "
                       "receivers apply a policy one step milder than "
                       "p=%2$s."), where, dmarc_policy_name(applied));
    if (!rec->has_rua) {
        finding_add(fs, spf.no_mail ? SEV_INFO : SEV_WARN, "DMARC_NO_RUA",
                    N_("The DMARC record at %1$s has no rua=: nobody "
                       "receives the aggregate reports that show who sends "
                       "mail as your domain."), where);
    }
    judge_uris(fs, rec->rua, rec->n_rua);
    judge_uris(fs, rec->ruf, rec->n_ruf);
    judge_dests(st, fs);
    if (!spf.no_mail && !gone)
        judge_auth(ctx, fs, &spf, dom);
out:
    free(where);
    free(dom);
}

const struct check_step_ops check_dmarc_ops = {
    .name = "dmarc",
    .title = N_("Policy (DMARC)"),
    .start = dmarc_start,
    .finish = dmarc_finish,
    .free_state = dmarc_free_state,
};

const struct finding_info check_dmarc_findings[] = {
    { "DMARC_MISSING", "dmarc",
      N_("No DMARC record."),
      N_("Without DMARC, receivers have no policy for mail that fails SPF "
         "and DKIM, anyone can put your domain in the From line, and you "
         "get no reports. Large mailbox providers require DMARC from bulk "
         "senders."),
      N_("Publish a TXT record at _dmarc.YOUR-DOMAIN, for a start "
         "\"v=DMARC1; p=none; rua=mailto:dmarc-reports@YOUR-DOMAIN\" "
         "(mailready records), read the reports, then move to "
         "p=quarantine and p=reject.") },
    { "DMARC_MULTIPLE", "dmarc",
      N_("More than one DMARC record."),
      N_("RFC 9989 says that when a name has several DMARC records, "
         "receivers discard them all: you have no policy."),
      N_("Merge them into a single TXT record starting with v=DMARC1.") },
    { "DMARC_SYNTAX", "dmarc",
      N_("The DMARC record has a syntax problem."),
      N_("Receivers ignore a record that does not start with v=DMARC1 and "
         "fall back to defaults for tags they cannot read, so the policy "
         "may not be the one you meant."),
      N_("Write the record as \"v=DMARC1; p=...; rua=mailto:...\": v=DMARC1 "
         "first, tags separated by semicolons, each tag once, values as "
         "RFC 9989 defines them.") },
    { "DMARC_POLICY_NONE", "dmarc",
      N_("The DMARC policy is none."),
      N_("p=none is monitoring mode: mail that fails DMARC is delivered as "
         "usual, so spoofed mail in your name still gets through."),
      N_("When the aggregate reports show that all your own mail passes, "
         "move to p=quarantine, then to p=reject.") },
    { "DMARC_SUBDOMAIN_POLICY_WEAKER", "dmarc",
      N_("The subdomain policy is weaker than the domain's."),
      N_("sp= (existing subdomains) or np= (names that do not exist) "
         "weaker than p= lets spoofers use made-up subdomains of your "
         "domain."),
      N_("Remove sp= and np= (they then follow p=), or set them at least "
         "as strict as p=.") },
    { "DMARC_NO_RUA", "dmarc",
      N_("No address for aggregate reports."),
      N_("Aggregate reports are how you learn which servers send mail as "
         "your domain and whether it passes; without rua= nobody sends "
         "them."),
      N_("Add rua=mailto:ADDRESS with a mailbox that collects DMARC "
         "reports (at your domain, or at a report service that has "
         "authorized you).") },
    { "DMARC_RUA_INVALID", "dmarc",
      N_("A report address is not valid."),
      N_("Receivers only send reports to valid mailto: URIs; an invalid "
         "one is silently ignored."),
      N_("Write each address as mailto:user@example.com, separated by "
         "commas.") },
    { "DMARC_RUA_NOT_AUTHORIZED", "dmarc",
      N_("An outside report address has not authorized the reports."),
      N_("To stop DMARC being used to flood a stranger's mailbox, "
         "receivers send reports to another organization's domain only if "
         "that domain publishes POLICYDOMAIN._report._dmarc.DESTINATION "
         "(RFC 9990)."),
      N_("Ask the destination (or your report service) to publish the TXT "
         "record shown, or send reports to an address at your own "
         "domain.") },
    { "DMARC_RUA_OVERRIDE_FOREIGN", "dmarc",
      N_("An outside report address redirects the reports elsewhere."),
      N_("A report destination that authorizes your reports may name its "
         "own rua= or ruf= in the authorization record, but only "
         "addresses at its own domain: when the address there is at "
         "another host, RFC 9990 says receivers send the reports to "
         "neither address."),
      N_("Ask the destination (or your report service) to publish the "
         "record shown, without a rua= or ruf= that points to another "
         "domain, or to point it at an address at its own domain.") },
    { "DMARC_REMOVED_TAG", "dmarc",
      N_("The DMARC record uses a tag RFC 9989 removed."),
      N_("pct, rf and ri were removed from DMARC; newer receivers ignore "
         "them, older ones still read them, so they behave differently."),
      N_("Remove pct=, rf= and ri= from the record; use t=y instead of a "
         "pct below 100 while testing.") },
    { "DMARC_UNKNOWN_TAG", "dmarc",
      N_("The DMARC record has a tag DMARC does not define."),
      N_("Receivers ignore unknown tags; often it is a typing mistake for "
         "a real one."),
      N_("Check the spelling of the tag, or remove it.") },
    { "DMARC_INHERITED", "dmarc",
      N_("The DMARC policy comes from a parent domain."),
      N_("This name has no DMARC record of its own, so receiving servers "
         "use the record of its organizational domain (example.com for "
         "mail.example.com), with its sp= or else its p= (RFC 9989). That "
         "is normal for a subdomain. Publish a record of its own only if "
         "this name needs another policy (p=reject for a name that sends "
         "no mail, say) or its reports must go to another address."),
      "" },
    { "DMARC_NONEXISTENT_DOMAIN", "dmarc",
      N_("The domain does not exist: np= applies."),
      N_("RFC 9989 §3.2.13 and §4.10.1: mail from a domain that does not "
         "exist (NXDOMAIN) gets the np= policy of its organizational "
         "domain or public suffix record, or sp= or p= when np= is "
         "absent. Spoofers like made-up subdomains, since nobody "
         "publishes records for them."),
      N_("Set np=reject at your organizational domain's DMARC record "
         "unless mail really is sent from names that do not exist.") },
    { "DMARC_TESTING", "dmarc",
      N_("The DMARC policy is in testing mode."),
      N_("t=y asks receivers to apply a policy one step milder than the "
         "one published: quarantine instead of reject, none instead of "
         "quarantine."),
      N_("When the reports show your mail passes, remove t=y.") },
    { "DMARC_WITHOUT_AUTH", "dmarc",
      N_("DMARC without SPF or DKIM."),
      N_("DMARC passes only when SPF or DKIM passes for the From domain; "
         "with neither, all your mail fails DMARC and the policy hits your "
         "own mail."),
      N_("Publish an SPF record for the domain and sign mail with DKIM; "
         "if you sign with a selector that was not found, check again "
         "with --selector.") },
    { "DMARC_SPF_CANNOT_ALIGN", "dmarc",
      N_("Only DKIM can pass DMARC."),
      N_("Without an SPF record for the domain, SPF never passes for it, "
         "so every message depends on its DKIM signature."),
      N_("Publish an SPF record listing the servers that send your "
         "mail.") },
    { "DMARC_DKIM_CANNOT_ALIGN", "dmarc",
      N_("Only SPF can pass DMARC."),
      N_("SPF breaks when mail is forwarded; without a DKIM signature of "
         "your domain such mail fails DMARC."),
      N_("Sign your mail with DKIM at your domain, or check again with the "
         "selector you use (--selector).") },
    { NULL, NULL, NULL, NULL, NULL }
};
