/* scr_smtp.c - the Delivery step screen: what a sender meets at each MX
 * host and address (SMTP on port 25, STARTTLS, the certificate), in
 * plain words with the fixes of the finding catalog; and MTA-STS with
 * TLS-RPT: the mode to choose (testing first, enforce once testing was
 * clean), the policy file, its records and the web server snippets (all
 * from the core's generator, gen_mtasts.h, through the plan).
 *
 * The delivery step connects to the mail servers, so a run includes it
 * only once this screen was opened (t->smtp_on), never with records from
 * files only; it runs inside the wizard's one poll loop like the DNS
 * steps. */
#include <stdlib.h>
#include <string.h>

#include "mailready/export.h"
#include "mailready/gen_mtasts.h"
#include "mailready/i18n.h"
#include "mailready/mtasts.h"
#include "mailready/plan.h"
#include "mailready/tui.h"
#include "mailready/util.h"

static void
smtp_enter(struct tui *t)
{
    if (t->domain == NULL || t->com->offline || t->smtp_on)
        return;
    t->smtp_on = true;
    /* A run of the DNS steps alone is started again with this step. */
    if (t->running)
        tui_run_drop(t);
    tui_recheck(t);
}

/* Was the delivery check clean enough to move from testing to enforce:
 * every server reached, with a valid certificate? */
static bool
delivery_clean(const struct tui *t)
{
    const struct check_result *res;

    if (!tui_step_known(t, STEP_SMTP) || t->running)
        return false;
    res = tui_result(t, STEP_SMTP);
    for (size_t i = 0; i < res->findings.n; i++) {
        const struct finding *f = &res->findings.v[i];

        /* A test bed's or LAN's address is said, not a TLS problem. */
        if (f->sev == SEV_INFO || strcmp(f->id, "SMTP_ADDR_NOT_GLOBAL") == 0)
            continue;
        if (strncmp(f->id, "TLS_", 4) == 0 ||
            strncmp(f->id, "SMTP_", 5) == 0 ||
            strncmp(f->id, "MTA_STS_", 8) == 0)
            return false;
    }
    return true;
}

/* The mode the wizard suggests: testing first; enforce once a testing
 * policy is live and this check found nothing wrong. */
static enum mtasts_mode
suggested_mode(const struct tui *t)
{
    const struct check_result *res;
    bool live_testing = false, live_enforce = false;

    if (!tui_step_known(t, STEP_SMTP) || t->running)
        return MTASTS_MODE_TESTING;
    res = tui_result(t, STEP_SMTP);
    for (size_t k = 0; k < json_array_size(res->records); k++) {
        const json_t *o = json_array_get(res->records, k);
        const char *m = json_string_value(json_object_get(
            o, "mta_sts_mode"));
        enum mtasts_mode mode;

        if (m != NULL && gen_mtasts_mode_parse(m, &mode)) {
            live_testing |= mode == MTASTS_MODE_TESTING;
            live_enforce |= mode == MTASTS_MODE_ENFORCE;
        }
    }
    if (live_enforce || (live_testing && delivery_clean(t)))
        return MTASTS_MODE_ENFORCE;
    return MTASTS_MODE_TESTING;
}

static void
draw_block(struct tw_doc *d, const char *text)
{
    for (const char *p = text; *p != '\0';) {
        size_t n = strcspn(p, "\r\n");
        char *line = xstrndup(p, n);

        tw_record(d, 4, line);
        free(line);
        p += n;
        if (*p == '\r')
            p++;
        if (*p == '\n')
            p++;
    }
}

/* The policy file to serve and how to serve it. */
static void
draw_policy(const struct tui *t, struct tw_doc *d, const char *policy)
{
    char *ngx = mtasts_nginx_snippet(t->domain, GEN_MTASTS_POLICY_PATH);
    char *apa = mtasts_apache_snippet(t->domain, GEN_MTASTS_POLICY_PATH);
    char *m;

    tw_blank(d);
    m = xasprintf(_("First serve this file at "
                    "https://mta-sts.%1$s/.well-known/mta-sts.txt, with a "
                    "certificate for mta-sts.%1$s (for example from Let's "
                    "Encrypt), as plain text; save it as %2$s:"),
                  t->domain, GEN_MTASTS_POLICY_PATH);
    tw_text(d, TS_BOLD, 0, m);
    free(m);
    draw_block(d, policy);
    tw_blank(d);
    tw_text(d, TS_NORMAL, 0,
            _("nginx (in /etc/nginx/sites-available, then reload):"));
    draw_block(d, ngx);
    tw_blank(d);
    tw_text(d, TS_NORMAL, 0,
            _("Apache (a2enmod ssl, in /etc/apache2/sites-available, then "
              "reload):"));
    draw_block(d, apa);
    free(ngx);
    free(apa);
}

static void
draw_mta_sts(const struct tui *t, struct tw_doc *d)
{
    const struct state_answers *a = &t->st->answers;
    enum mtasts_mode sug = suggested_mode(t), chosen;
    struct export_plan plan;
    struct plan live;
    const char *policy;
    bool have_live;

    tw_blank(d);
    tw_text(d, TS_BOLD, 0, _("Ask senders to insist on TLS (MTA-STS)"));
    tw_text(d, TS_NORMAL, 0,
            _("Without MTA-STS a sender uses TLS when your server offers "
              "it, but anyone on the way can strip it. With a policy, "
              "senders check your certificate and refuse to deliver "
              "without TLS. Start in mode testing: nothing is refused, "
              "and the daily TLS reports show what would fail. Once they "
              "are clean, move to enforce."));
    tw_blank(d);
    if (sug == MTASTS_MODE_ENFORCE)
        tw_text(d, TS_OK, 0,
                _("Suggested: mode enforce (a testing policy is live and "
                  "this check found nothing wrong)."));
    else
        tw_text(d, TS_INFO, 0, _("Suggested: mode testing, for now."));
    if (a->mta_sts == NULL ||
        !gen_mtasts_mode_parse(a->mta_sts, &chosen)) {
        tw_text(d, TS_NORMAL, 0,
                _("MTA-STS is not in your plan yet. Press m to add it: "
                  "each press goes testing, enforce, none, and back to "
                  "leaving it out."));
        return;
    }
    {
        char *m = xasprintf(_("In your plan: mode %s. Press m to change "
                              "it."), gen_mtasts_mode_name(chosen));

        tw_text(d, TS_NORMAL, 0, m);
        free(m);
    }
    if (a->tls_rua != NULL) {
        char *m = xasprintf(_("TLS reports go to %s: make sure that "
                              "mailbox exists."), a->tls_rua);

        tw_text(d, TS_DIM, 0, m);
        free(m);
    }
    tw_blank(d);
    tui_plan(t, &plan);
    scr_plan_step(t, d, &plan, STEP_SMTP);
    have_live = tui_live_plan(t, &plan, &live);
    if (have_live && live.status == PLAN_ERROR &&
        plan_step_count(&live, STEP_SMTP) == 0)
        policy = NULL;          /* the plan said why */
    else if (have_live)
        policy = live.sts_policy;
    else
        policy = plan.sts_policy;
    if (policy != NULL)
        draw_policy(t, d, policy);
    else if (have_live && live.status != PLAN_ERROR &&
             plan.sts_policy != NULL)
        tw_text(d, TS_OK, 0, _("The policy file served now already says "
                               "this."));
    if (have_live)
        plan_fini(&live);
    export_plan_fini(&plan);
}

static void
smtp_draw(const struct tui *t, struct tw_doc *d)
{
    scr_step_intro(d, _("Green DNS does not mean mail arrives. Here "
                        "mailready connects to each of your mail servers "
                        "on port 25 as a sender would: it reads the "
                        "greeting, asks for STARTTLS and checks the "
                        "certificate. It never sends a message."));
    if (t->com->offline)
        tw_text(d, TS_DIM, 0,
                _("Not checked here: the records come from files, not "
                  "from live DNS, so the mail servers are not "
                  "contacted."));
    else
        scr_step_results(t, d, STEP_SMTP);
    if (t->domain != NULL)
        draw_mta_sts(t, d);
}

static unsigned
smtp_key(struct tui *t, int key)
{
    struct state_answers *a = &t->st->answers;
    const char *next;

    if (key != 'm' || t->domain == NULL)
        return ACT_NONE;
    if (a->mta_sts == NULL)
        next = "testing";
    else if (strcmp(a->mta_sts, "testing") == 0)
        next = "enforce";
    else if (strcmp(a->mta_sts, "enforce") == 0)
        next = "none";
    else
        next = NULL;
    tui_set_str(&a->mta_sts, next);
    if (next != NULL && a->tls_rua == NULL) {
        /* Reports to the DMARC report address, else a new mailbox. */
        char *addr = a->dmarc_rua.n > 0 ?
            xstrdup(a->dmarc_rua.v[0]) :
            xasprintf("tlsrpt@%s", t->domain);

        if (strncmp(addr, "mailto:", 7) == 0)
            memmove(addr, addr + 7, strlen(addr + 7) + 1);
        tui_set_str(&a->tls_rua, addr);
        free(addr);
    }
    /* The plan reads the policy served now for the new answer. */
    return ACT_SAVE | ACT_REDRAW | (t->running ? 0 : ACT_RECHECK);
}

const struct screen_ops scr_smtp_ops = {
    .id = "smtp",
    .title = N_("Step 6: Delivery"),
    .enter = smtp_enter,
    .draw = smtp_draw,
    .key = smtp_key,
};
