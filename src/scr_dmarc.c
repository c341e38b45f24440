/* scr_dmarc.c - the DMARC step screen: a few plain questions, the record
 * the generator builds from them, the authorization record an outside
 * report address needs, and advice on tightening the policy. */
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/gen_dmarc.h"
#include "mailready/i18n.h"
#include "mailready/tui.h"
#include "mailready/util.h"

enum { Q_STAGE, Q_RUA, Q_SP, Q_ALIGN, Q__COUNT };

static const char *const stage_names[] = {
    N_("only watch and get reports (p=none)"),
    N_("send failing mail to spam (p=quarantine)"),
    N_("refuse failing mail (p=reject)"),
};

static const char *const sp_names[] = {
    N_("the same as the domain"),
    N_("only watch (sp=none)"),
    N_("send to spam (sp=quarantine)"),
    N_("refuse (sp=reject)"),
};

static const char *const align_names[] = {
    N_("relaxed: subdomains count as the domain (usual)"),
    N_("strict: exactly the same name"),
};

/* The wizard's stage, 0 none, 1 quarantine, 2 reject (p= not answered
 * yet: none, where everyone starts). */
static int
stage_of(const struct state_answers *a)
{
    switch (a->dmarc_policy) {
    case STATE_POLICY_QUARANTINE:
        return 1;
    case STATE_POLICY_REJECT:
        return 2;
    default:
        return 0;
    }
}

/* The report address answered, or NULL. */
static const char *
rua_of(const struct state_answers *a)
{
    return a->dmarc_rua.n > 0 ? a->dmarc_rua.v[0] : NULL;
}

static void
dmarc_enter(struct tui *t)
{
    struct state_answers *a = &t->st->answers;

    if (t->sm.q < 0 || t->sm.q >= Q__COUNT)
        t->sm.q = Q_STAGE;
    /* No address yet: offer dmarc@DOMAIN (editable).  Reports are what
     * makes p=none worth anything. */
    if (a->dmarc_rua.n == 0 && t->domain != NULL &&
        strcmp(t->sm.rua_offered, t->domain) != 0) {
        char *addr = xasprintf("dmarc@%s", t->domain);

        state_strs_add(&a->dmarc_rua, addr);
        free(addr);
        t->ans_dirty = true;
    }
    if (t->domain != NULL)
        str_copy(t->sm.rua_offered, t->domain, sizeof(t->sm.rua_offered));
    tw_edit_set(&t->sm.rua, rua_of(a));
}

static void
question(const struct tui *t, struct tw_doc *d, int q, const char *label,
         const char *answer)
{
    bool on = t->sm.q == q;
    char *line = xasprintf(t->utf8 ? "◀ %s ▶" : "< %s >", answer);

    tw_text(d, on ? TS_BOLD : TS_NORMAL, 2, label);
    if (on)
        d->focus = (int)d->n;
    tw_item(d, on ? ">" : " ", on ? TS_SEL : TS_NORMAL,
            on ? TS_SEL : TS_NORMAL, 2, line);
    free(line);
}

static void
draw_record(const struct tui *t, struct tw_doc *d)
{
    const struct state_answers *a = &t->st->answers;
    struct gen_dmarc_opts o;
    struct gen_dmarc g;
    const char *rua[1];
    static const enum gen_dmarc_policy pol[] = {
        GEN_DMARC_NONE, GEN_DMARC_QUARANTINE, GEN_DMARC_REJECT
    };

    memset(&o, 0, sizeof(o));
    o.p = pol[stage_of(a)];
    o.sp = a->dmarc_sp >= STATE_POLICY_NONE && a->dmarc_sp <= STATE_POLICY_REJECT
           ? pol[a->dmarc_sp - STATE_POLICY_NONE] : GEN_DMARC_INHERIT;
    if (rua_of(a) != NULL && rua_of(a)[0] != '\0') {
        rua[0] = rua_of(a);
        o.rua = rua;
        o.n_rua = 1;
    }
    o.strict_dkim = a->dmarc_strict;
    o.strict_spf = a->dmarc_strict;
    if (gen_dmarc_build(t->domain, &o, &g) != RC_OK) {
        char *bad = g.bad != NULL ? str_visible(g.bad, strlen(g.bad))
                                  : xstrdup("");
        char *m = xasprintf(_(g.why != NULL ? g.why
                                            : N_("That answer cannot be "
                                                 "used: %s")), bad);
        tw_item(d, tui_status_sym(t, ST_FAIL), TS_FAIL, TS_FAIL, 0, m);
        free(m);
        free(bad);
        gen_dmarc_fini(&g);
        return;
    }
    /* The record checked against what is live: a published record keeps
     * its report addresses and a higher policy (plan.h). */
    struct export_plan ep;
    struct plan live;
    char *name = xasprintf("_dmarc.%s", t->domain);

    memset(&ep, 0, sizeof(ep));
    ep.ttl = EXPORT_TTL;
    gen_rrs_add(&ep.rrs[STEP_DMARC], name, DNS_T_TXT, g.record, NULL);
    for (size_t i = 0; i < g.n_auth; i++)
        gen_rrs_add(&ep.elsewhere[STEP_DMARC], g.auth[i], DNS_T_TXT,
                    GEN_DMARC_AUTH_TEXT,
                    N_("The report address is in another domain. That "
                       "domain must agree to receive your reports by "
                       "publishing this record."));
    scr_plan_step(t, d, &ep, STEP_DMARC);
    if (tui_live_plan(t, &ep, &live)) {
        if (live.refused && !t->allow_weaker) {
            tw_blank(d);
            tw_text(d, TS_NORMAL, 0,
                    _("Your answers ask for less than the published record, "
                      "so it is kept. Press w to use your answers anyway."));
        } else if (t->allow_weaker) {
            tw_blank(d);
            tw_text(d, TS_NORMAL, 0,
                    _("Your answers are used even where they are weaker than "
                      "the published record. Press w to keep the published "
                      "values instead."));
        }
        plan_fini(&live);
    }
    free(name);
    export_plan_fini(&ep);
    gen_dmarc_fini(&g);
}

static void
dmarc_draw(const struct tui *t, struct tw_doc *d)
{
    const struct state_answers *a = &t->st->answers;

    scr_step_intro(d, _("DMARC tells receivers what to do with mail that "
                        "claims to be from your domain but fails SPF and "
                        "DKIM, and where to send reports about it. Start "
                        "by only watching (p=none), then tighten."));
    scr_step_results(t, d, STEP_DMARC);
    tw_blank(d);
    tw_text(d, TS_BOLD, 0, _("Build your record (↑↓ choose a question, "
                             "←→ change the answer):"));
    question(t, d, Q_STAGE, _("What should receivers do with mail that "
                              "fails?"),
             _(stage_names[stage_of(a)]));
    tw_field(d, 2, _("Who receives the daily reports? (an address; "
                     "empty for none)"), &t->sm.rua, t->sm.q == Q_RUA);
    if (rua_of(a) != NULL && rua_of(a)[0] != '\0') {
        char *safe = str_visible(rua_of(a), strlen(rua_of(a)));
        char *m = xasprintf(_("The mailbox %s must exist and be read: the "
                              "reports arrive there, and without them you "
                              "cannot tell when it is safe to tighten the "
                              "policy."), safe);

        tw_text(d, TS_DIM, 4, m);
        free(m);
        free(safe);
    }
    question(t, d, Q_SP, _("And for subdomains?"),
             _(sp_names[(unsigned)a->dmarc_sp < ARRAY_LEN(sp_names)
                        ? a->dmarc_sp : 0]));
    question(t, d, Q_ALIGN, _("How closely must the sender's domain "
                              "match?"),
             _(align_names[a->dmarc_strict ? 1 : 0]));
    tw_blank(d);
    draw_record(t, d);
    tw_blank(d);
    if (stage_of(a) == 0)
        tw_text(d, TS_NORMAL, 0,
                _("Start with p=none: nothing is blocked, and the reports "
                  "show who sends mail as your domain. When for two to "
                  "four weeks the reports show that all your own mail "
                  "passes SPF or DKIM, move to p=quarantine, and later to "
                  "p=reject."));
    else
        tw_text(d, TS_NORMAL, 0,
                _("Tighten only when the reports show that all your own "
                  "mail passes SPF or DKIM: otherwise your own messages "
                  "will be sent to spam or refused."));
}

static int
cycle(int v, int n, int dir)
{
    v += dir;
    if (v < 0)
        v = n - 1;
    if (v >= n)
        v = 0;
    return v;
}

static unsigned
change(struct tui *t, int dir)
{
    struct state_answers *a = &t->st->answers;

    switch (t->sm.q) {
    case Q_STAGE:
        a->dmarc_policy = (enum state_policy)(STATE_POLICY_NONE +
                                              cycle(stage_of(a), 3, dir));
        break;
    case Q_SP:
        /* UNSET (as the domain), none, quarantine, reject. */
        a->dmarc_sp = (enum state_policy)cycle((int)a->dmarc_sp, 4, dir);
        break;
    case Q_ALIGN:
        a->dmarc_strict = !a->dmarc_strict;
        break;
    default:
        return ACT_NONE;
    }
    return ACT_REDRAW | ACT_SAVE;
}

static unsigned
dmarc_key(struct tui *t, int key)
{
    if (key == TK_FN(KEY_UP) || key == TK_FN(KEY_BTAB)) {
        if (t->sm.q > 0)
            t->sm.q--;
        return ACT_REDRAW;
    }
    if (key == TK_FN(KEY_DOWN) || key == TK_TAB) {
        if (t->sm.q + 1 < Q__COUNT)
            t->sm.q++;
        return ACT_REDRAW;
    }
    if (t->sm.q == Q_RUA) {
        if (key == TK_ENTER) {
            t->sm.q = Q_SP;
            return ACT_REDRAW;
        }
        if (tw_edit_key(&t->sm.rua, key)) {
            state_strs_clear(&t->st->answers.dmarc_rua);
            if (t->sm.rua.buf[0] != '\0')
                state_strs_add(&t->st->answers.dmarc_rua, t->sm.rua.buf);
            return ACT_REDRAW | ACT_SAVE;
        }
        return ACT_NONE;
    }
    if (key == 'w') {
        t->allow_weaker = !t->allow_weaker;
        return ACT_REDRAW;
    }
    if (key == TK_FN(KEY_LEFT))
        return change(t, -1);
    if (key == TK_FN(KEY_RIGHT) || key == ' ')
        return change(t, 1);
    return ACT_NONE;
}

const struct screen_ops scr_dmarc_ops = {
    .id = "dmarc",
    .title = N_("Step 4: Policy (DMARC)"),
    .enter = dmarc_enter,
    .draw = dmarc_draw,
    .key = dmarc_key,
};
