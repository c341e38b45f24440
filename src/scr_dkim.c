/* scr_dkim.c - the DKIM step screen: the selectors found, a key made on
 * the spot (the generator's key pair, saved 0600 and never over an
 * existing file), the record to publish, and the re-check that DNS
 * carries exactly this key (check_opts.dkim_key). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailready/present.h"
#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/gen_dkim.h"
#include "mailready/gen_signer.h"
#include "mailready/i18n.h"
#include "mailready/tui.h"
#include "mailready/util.h"

enum { KT_RSA, KT_ED25519, KT__COUNT };

static void
default_selector(char buf[16])
{
    time_t now = time(NULL);
    struct tm tm;

    if (localtime_r(&now, &tm) == NULL
        || strftime(buf, 16, "%Y%m", &tm) == 0)
        str_copy(buf, "mail", 16);
}

static void
dkim_enter(struct tui *t)
{
    char sel[16];

    t->sk.focus = 0;
    if (t->sk.selector.len == 0) {
        default_selector(sel);
        tw_edit_set(&t->sk.selector, sel);
    }
}

/* The signer setup for the key made here (gen_signer.h), as keygen
 * prints it: each step's sentence, then its lines as records, which the
 * copy view (c) prints whole. */
static void
draw_signer(const struct tui *t, struct tw_doc *d,
            const struct state_selector *a)
{
    enum gen_dkim_type type = GEN_DKIM_RSA;
    struct gen_signer_guide g;

    if (a->key_type != NULL && !gen_dkim_type_parse(a->key_type, &type))
        type = GEN_DKIM_RSA;
    gen_signer_guide_init(&g, t->domain, a->name, a->key_path, type);
    for (size_t i = 0; i < g.n; i++) {
        const struct gen_signer_step *s = &g.v[i];

        /* The first step says what follows: it heads the list. */
        if (i == 0)
            tw_text(d, TS_BOLD, 0, _(s->label));
        else
            tw_text(d, TS_NORMAL, 2, _(s->label));
        for (size_t k = 0; k < s->n_lines; k++)
            tw_record(d, 4, s->lines[k]);
    }
    gen_signer_guide_fini(&g);
}

static void
draw_key(const struct tui *t, struct tw_doc *d)
{
    const struct state_selector *a = state_answers_key(&t->st->answers);
    char *name = gen_dkim_record_name(t->domain, a->name);
    char *m;

    tw_text(d, TS_BOLD, 0, _("Your new key"));
    m = xasprintf(_("The private key is saved in %s (only you can read "
                    "it). Keep it secret; your mail server signs with "
                    "it."), a->key_path);
    tw_text(d, TS_NORMAL, 2, m);
    free(m);
    tw_blank(d);
    tw_text(d, TS_NORMAL, 2, _("Publish this record at your DNS "
                               "provider:"));
    scr_publish(t, d, name, DNS_T_TXT, a->record);
    tw_text(d, TS_DIM, 2, _("Some DNS panels want the value in one piece, "
                            "others in quoted parts of at most 255 "
                            "characters, as in the zone file line."));
    tw_blank(d);
    tw_text(d, TS_NORMAL, 2, _("When it is published, press r: the check "
                               "then compares DNS with this very key."));
    tw_blank(d);
    draw_signer(t, d, a);
    free(name);
}

static void
dkim_draw(const struct tui *t, struct tw_doc *d)
{
    static const char *const types[KT__COUNT] = {
        N_("RSA 2048 bits (works with every receiver)"),
        N_("Ed25519 (short, but not every receiver checks it yet)"),
    };
    const char *items[KT__COUNT];

    scr_step_intro(d, _("DKIM signs every message with a key; receivers "
                        "find the public half in DNS under a selector and "
                        "check that the message was not forged or "
                        "changed. DMARC needs DKIM or SPF to pass."));
    scr_step_results(t, d, STEP_DKIM);
    tw_blank(d);
    if (state_answers_key(&t->st->answers) != NULL
        && state_answers_key(&t->st->answers)->record != NULL
        && t->sk.focus == 0) {
        draw_key(t, d);
        tw_blank(d);
        tw_text(d, TS_DIM, 0, _("Press g to make another key (a new "
                                "selector), or e to type a selector you "
                                "already sign with."));
        return;
    }
    if (t->sk.focus == 3) {
        if (t->sk.error != NULL) {
            char *m = xasprintf(_(t->sk.error), t->sk.error_arg != NULL
                                                ? t->sk.error_arg : "");
            tw_item(d, tui_status_sym(t, ST_FAIL), TS_FAIL, TS_FAIL, 0, m);
            free(m);
        }
        tw_text(d, TS_NORMAL, 0,
                _("The selector is the s= of the DKIM-Signature header in "
                  "a message you sent (Gmail: \"Show original\"; "
                  "Outlook: \"View source\")."));
        tw_field(d, 0, _("Selector you sign with, then Enter to check "
                         "it:"), &t->sk.existing, true);
        tw_blank(d);
        tw_text(d, TS_DIM, 0, _("Esc cancels."));
        return;
    }
    if (t->sk.focus == 0) {
        /* The providers' part: CNAMEs to their keys, where their console
         * shows the record (the export's plan). */
        struct export_plan plan;
        bool any = false;
        tui_plan(t, &plan);
        for (size_t i = 0; i < plan.rrs[STEP_DKIM].n; i++) {
            const struct gen_rr *rr = &plan.rrs[STEP_DKIM].v[i];
            if (rr->type != DNS_T_CNAME)
                continue;
            if (!any)
                tw_text(d, TS_BOLD, 0, _("Your provider's key"));
            any = true;
            scr_publish(t, d, rr->owner, rr->type, rr->rdata);
        }
        for (size_t i = 0; i < plan.notes[STEP_DKIM].n; i++) {
            const struct finding *f = &plan.notes[STEP_DKIM].v[i];
            if (strcmp(f->id, "GEN_DKIM_CONSOLE") != 0)
                continue;
            char *m = tui_finding_message(f);
            if (!any)
                tw_text(d, TS_BOLD, 0, _("Your provider's key"));
            any = true;
            tw_text(d, TS_NORMAL, 2, m);
            free(m);
        }
        export_plan_fini(&plan);
        if (any)
            tw_blank(d);
    }
    tw_text(d, TS_BOLD, 0, _("Make a key"));
    if (t->sk.focus == 0) {
        tw_text(d, TS_NORMAL, 2,
                _("If your mail provider signs for you, publish the "
                  "record its console shows instead. If you run your own "
                  "server, press g to make a key pair here."));
        tw_text(d, TS_NORMAL, 2,
                _("If your mail is already signed with a selector the "
                  "check did not try, press e to type it."));
        return;
    }
    if (t->sk.error != NULL) {
        char *m = xasprintf(_(t->sk.error), t->sk.error_arg != NULL
                                            ? t->sk.error_arg : "");
        tw_item(d, tui_status_sym(t, ST_FAIL), TS_FAIL, TS_FAIL, 2, m);
        free(m);
    }
    for (size_t i = 0; i < KT__COUNT; i++)
        items[i] = _(types[i]);
    tw_text(d, t->sk.focus == 1 ? TS_BOLD : TS_NORMAL, 2,
            _("Key type (arrows, then Enter):"));
    if (t->sk.focus == 1)
        tw_menu(d, 2, items, KT__COUNT, t->sk.type_sel);
    else
        tw_item(d, ">", TS_NORMAL, TS_NORMAL, 2, items[t->sk.type_sel]);
    tw_blank(d);
    if (t->sk.focus == 2)
        tw_field(d, 2, _("Selector (a name for this key; the date is a "
                         "good choice), then Enter to make the key:"),
                 &t->sk.selector, true);
    tw_blank(d);
    tw_text(d, TS_DIM, 0, _("Esc cancels."));
}

static void
set_error(struct tui *t, const char *msgid, const char *arg)
{
    t->sk.error = msgid;
    tui_set_str(&t->sk.error_arg, arg);
}

/* Make the key, save it and remember it in the answers. */
static void
make_key(struct tui *t)
{
    struct gen_dkim_key *k = NULL;
    char *dir = NULL, *path = NULL, *failed = NULL;
    const char *sel = t->sk.selector.buf;
    enum gen_dkim_type type = t->sk.type_sel == KT_ED25519
                              ? GEN_DKIM_ED25519 : GEN_DKIM_RSA;
    int err = 0;
    enum rc rc;

    if (!gen_dkim_selector_ok(sel)) {
        char *vis = str_visible(sel, strlen(sel));
        set_error(t, N_("'%s' cannot be a selector: use letters, digits "
                        "and '-', like 202611 or mail."), vis);
        free(vis);
        return;
    }
    if (gen_dkim_default_dir(t->domain, &dir) != RC_OK) {
        set_error(t, N_("Nowhere to save the key: set HOME or "
                        "XDG_DATA_HOME."), NULL);
        return;
    }
    if (gen_dkim_mkdir(dir, &err, &failed) != RC_OK) {
        char *m = xasprintf("%s: %s", failed != NULL ? failed : dir,
                            strerror(err));
        set_error(t, N_("Cannot create the key directory: %s"), m);
        free(m);
        goto out;
    }
    path = gen_dkim_key_path(dir, sel);
    rc = gen_dkim_keypair(type, 0, &k);
    if (rc != RC_OK) {
        set_error(t, N_("Making the key failed: %s"), _(rc_msgid(rc)));
        goto out;
    }
    rc = gen_dkim_write_key(k, path, &err);
    if (rc == RC_EXISTS) {
        set_error(t, N_("A key file for this selector already exists "
                        "(%s); it is never overwritten. Choose another "
                        "selector."), path);
        goto out;
    }
    if (rc != RC_OK) {
        char *m = xasprintf("%s: %s", path, strerror(err));
        set_error(t, N_("Cannot save the key: %s"), m);
        free(m);
        goto out;
    }
    char *rec = gen_dkim_record(k);
    state_answers_set_key(&t->st->answers, sel, path,
                          gen_dkim_type_name(type), rec);
    free(rec);
    set_error(t, NULL, NULL);
    t->sk.focus = 0;
    t->stale = true;
out:
    gen_dkim_key_free(k);
    free(failed);
    free(path);
    free(dir);
}

/* The selector typed in the field of focus 3: kept with the answers, so
 * that every check from now on asks for its key. */
static unsigned
use_existing(struct tui *t)
{
    const char *sel = t->sk.existing.buf;

    if (!gen_dkim_selector_ok(sel)) {
        char *vis = str_visible(sel, strlen(sel));
        set_error(t, N_("'%s' cannot be a selector: use letters, digits "
                        "and '-', like 202611 or mail."), vis);
        free(vis);
        return ACT_REDRAW;
    }
    state_answers_selector_add(&t->st->answers, sel);
    set_error(t, NULL, NULL);
    tw_edit_set(&t->sk.existing, "");
    t->sk.focus = 0;
    t->stale = true;
    return ACT_REDRAW | ACT_SAVE;
}

static unsigned
dkim_key(struct tui *t, int key)
{
    switch (t->sk.focus) {
    case 0:
        if (key == 'g') {
            t->sk.focus = 1;
            set_error(t, NULL, NULL);
            return ACT_REDRAW;
        }
        if (key == 'e') {
            t->sk.focus = 3;
            set_error(t, NULL, NULL);
            return ACT_REDRAW;
        }
        return ACT_NONE;
    case 3:
        if (key == TK_ESC) {
            t->sk.focus = 0;
            set_error(t, NULL, NULL);
            return ACT_REDRAW;
        }
        if (key == TK_ENTER)
            return use_existing(t);
        if (tw_edit_key(&t->sk.existing, key)) {
            set_error(t, NULL, NULL);
            return ACT_REDRAW;
        }
        return ACT_NONE;
    case 1:
        if (key == TK_FN(KEY_UP) || key == 'k') {
            t->sk.type_sel = 0;
            return ACT_REDRAW;
        }
        if (key == TK_FN(KEY_DOWN) || key == 'j') {
            t->sk.type_sel = 1;
            return ACT_REDRAW;
        }
        if (key == TK_ENTER) {
            t->sk.focus = 2;
            return ACT_REDRAW;
        }
        if (key == TK_ESC) {
            t->sk.focus = 0;
            return ACT_REDRAW;
        }
        return ACT_NONE;
    default:
        if (key == TK_ESC) {
            t->sk.focus = 0;
            set_error(t, NULL, NULL);
            return ACT_REDRAW;
        }
        if (key == TK_ENTER) {
            make_key(t);
            return t->sk.focus == 0 ? ACT_REDRAW | ACT_SAVE : ACT_REDRAW;
        }
        if (tw_edit_key(&t->sk.selector, key)) {
            set_error(t, NULL, NULL);
            return ACT_REDRAW;
        }
        return ACT_NONE;
    }
}

/* A check finished: say so when it found the key made here in DNS. */
static void
dkim_on_result(struct tui *t)
{
    const struct check_result *res = tui_result(t, STEP_DKIM);

    if (t->cur != SCR_DKIM || state_answers_key(&t->st->answers) == NULL
        || !tui_step_known(t, STEP_DKIM))
        return;
    if (findings_has(&res->findings, "DKIM_KEY_MATCHES"))
        tui_notice(t, _("DNS now publishes exactly your new key."));
}

const struct screen_ops scr_dkim_ops = {
    .id = "dkim",
    .title = N_("Step 3: Signatures (DKIM)"),
    .enter = dkim_enter,
    .draw = dkim_draw,
    .key = dkim_key,
    .on_result = dkim_on_result,
};
