/* scr_spf.c - the SPF step screen: what DNS holds, and the record the
 * generator builds from the admin's answers. */
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/gen_spf.h"
#include "mailready/i18n.h"
#include "mailready/tui.h"
#include "mailready/util.h"

static void
draw_record(const struct tui *t, struct tw_doc *d)
{
    struct gen_spf_opts o;
    struct gen_spf g;
    enum rc rc;

    const struct preset *p = tui_preset(t);
    struct gen_spf_include inc;

    memset(&o, 0, sizeof(o));
    if (p != NULL && p->spf_include != NULL && p->spf_at_apex) {
        inc.domain = p->spf_include;
        inc.lookups = p->spf_lookups;
        o.includes = &inc;
        o.n_includes = 1;
    } else {
        o.ips = (const char *const *)t->ans.ips;
        o.n_ips = t->ans.nips;
    }
    rc = gen_spf_build(&o, &g);
    if (rc == RC_OK) {
        tw_text(d, TS_BOLD, 0, _("Publish this record (replacing any "
                                 "other SPF record of the domain):"));
        scr_publish(t, d, t->domain, DNS_T_TXT, g.record);
        tw_text(d, TS_DIM, 2,
                _("It ends in ~all: mail from other servers is marked "
                  "suspicious, not refused. Change it to -all when you "
                  "are sure the list is complete."));
    } else if (rc == RC_TOOLONG) {
        tw_text(d, TS_FAIL, 0, _("The record would need more than 10 DNS "
                                 "lookups. Drop one of these:"));
        for (size_t i = 0; i < g.n_drop; i++)
            tw_record(d, 4, g.drop[i]);
    } else if (rc == RC_INVALID) {
        char *bad = g.bad != NULL ? str_visible(g.bad, strlen(g.bad))
                                  : xstrdup("");
        char *m = xasprintf(_(g.why), bad);
        tw_item(d, tui_status_sym(t, ST_FAIL), TS_FAIL, TS_FAIL, 0, m);
        free(m);
        free(bad);
    }
    gen_spf_fini(&g);
}

static void
spf_draw(const struct tui *t, struct tw_doc *d)
{
    scr_step_intro(d, _("SPF lists the servers that may send mail with "
                        "your domain in the envelope sender. Receivers "
                        "check it on every message; mail from a server "
                        "not on the list is suspicious or rejected."));
    scr_step_results(t, d, STEP_SPF);
    tw_blank(d);
    const struct preset *p = tui_preset(t);
    if (p != NULL && p->spf_include != NULL && p->spf_at_apex) {
        draw_record(t, d);
        scr_guide(d, p);
    } else if (p != NULL && p->spf_include != NULL) {
        char *m = xasprintf(_("%s sends with its own bounce domain: your "
                              "SPF record does not need its include. "
                              "Follow its guide for the bounce domain."),
                            p->name);
        tw_text(d, TS_NORMAL, 0, m);
        free(m);
        scr_guide(d, p);
    } else if (t->ans.provider != NULL && strcmp(t->ans.provider, "own") == 0
               && t->ans.nips > 0) {
        draw_record(t, d);
        tw_text(d, TS_DIM, 2,
                _("If other services also send mail as your domain "
                  "(a newsletter tool, a web shop), add their include: "
                  "before the ~all."));
    } else {
        tw_text(d, TS_NORMAL, 0,
                _("Your mail provider's guide gives the include: to put "
                  "in your SPF record. A domain that sends no mail at all "
                  "should publish:"));
        scr_publish(t, d, t->domain, DNS_T_TXT, GEN_SPF_NO_MAIL);
    }
}

const struct screen_ops scr_spf_ops = {
    .id = "spf",
    .title = N_("Step 2: who may send your mail (SPF)"),
    .draw = spf_draw,
};
