/* tui_run.c - what the wizard knows and does apart from the terminal:
 * setting up and tearing down struct tui, the admin's state (opened,
 * saved), the check runs (a fresh resolver each), the plan of records,
 * and the optional public-address detection.  The terminal, the loop
 * and the drawing are in tui.c. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mailready/journey.h"
#include "mailready/name.h"
#include "mailready/i18n.h"
#include "mailready/net.h"
#include "mailready/present.h"
#include "mailready/check_auth.h"
#include "mailready/tui.h"
#include "mailready/util.h"

bool
tui_step_known(const struct tui *t, enum check_step step)
{
    return t->have_ctx && t->checked && !t->running
           && t->ctx.res[step].ran;
}

enum check_status
tui_step_status(const struct tui *t, enum check_step step)
{
    return findings_status(&t->ctx.res[step].findings);
}

const struct check_result *
tui_result(const struct tui *t, enum check_step step)
{
    return &t->ctx.res[step];
}

static void
check_opts_build(struct tui *t)
{
    const struct state_answers *a = &t->st->answers;
    const struct state_selector *key = state_answers_key(a);
    size_t ns = 0, ni = 0;

    memset(&t->opts, 0, sizeof(t->opts));
    t->opts.domain = t->domain;
    for (size_t i = 0; i < a->server_ips.n && ni < STATE_MAX_SERVER_IPS;
         i++)
        t->opt_ips[ni++] = a->server_ips.v[i];
    t->opts.server_ips = t->opt_ips;
    t->opts.n_server_ips = ni;
    if (key != NULL) {
        /* The key made here is compared with what DNS publishes. */
        t->opt_sels[ns++] = key->name;
        t->opts.dkim_key = key->key_path;
    }
    for (size_t i = 0; i < a->n_selectors && ns < STATE_MAX_SELECTORS; i++)
        if (&a->selectors[i] != key)
            t->opt_sels[ns++] = a->selectors[i].name;
    /* The providers' own selectors, when nothing else is known. */
    if (ns == 0) {
        const struct preset *p;
        for (size_t k = 0; (p = tui_preset_at(t, k)) != NULL; k++)
            for (size_t i = 0; i < p->n_dkim_selectors
                               && ns < STATE_MAX_SELECTORS; i++)
                t->opt_sels[ns++] = p->dkim_selectors[i];
    }
    t->opts.selectors = t->opt_sels;
    t->opts.n_selectors = ns;
    t->opts.hostname = a->hostname;
    t->opts.datadir = i18n_datadir();
    t->opts.authoritative = !t->com->no_auth;
    t->opts.auth_port = t->com->auth_port;
    t->opts.smtp_port = t->smtp_port;
    t->opts.https_port = t->https_port;
    t->opts.ca_file = t->ca_file;
    t->opts.smtp_timeout_ms = t->com->timeout_s * 1000;
    if (t->have_intent)
        check_intent_fini(&t->intent);
    check_intent_build(&t->intent, t->domain, a, t->presets);
    t->have_intent = true;
    t->opts.intent = &t->intent;
}

/* ---- setup and teardown ---------------------------------------------- */


void
tui_init(struct tui *t, struct cli_common *com)
{
    char *path;
    struct rc_err err = { 0 };

    memset(t, 0, sizeof(*t));
    t->com = com;
    t->ip_url = HTTP_IP_URL_DEFAULT;
    t->st = state_new("");
    path = preset_path(i18n_datadir());
    /* Without presets the wizard still works: own server or other. */
    if (preset_load(path, &t->presets, &err) != RC_OK)
        t->presets = NULL;
    rc_err_fini(&err);
    free(path);
}

void
tui_fini(struct tui *t)
{
    tui_run_drop(t);
    scr_verify_fini(t);
    http_free(t->http[0]);
    http_free(t->http[1]);
    state_answers_fini(&t->given);
    free(t->domain);
    free(t->ulabel);
    free(t->dns_err);
    free(t->help_text);
    if (t->help_titles != NULL)
        for (size_t i = 0; i18n_help_topics[i] != NULL; i++)
            free(t->help_titles[i]);
    free(t->help_titles);
    free(t->notice);
    free(t->detect_err);
    free(t->sp.error_arg);
    free(t->sk.error_arg);
    free(t->sd.last);
    free(t->checklist);
    state_free(t->st);
    state_free(t->old_st);
    if (t->have_diff)
        state_diff_fini(&t->diff);
    preset_list_free(t->presets);
    if (t->have_intent)
        check_intent_fini(&t->intent);
    memset(t, 0, sizeof(*t));
}

/* ---- the state store ------------------------------------------------- */

const struct preset *
tui_preset_at(const struct tui *t, size_t i)
{
    size_t k = 0;

    for (size_t j = 0; t->presets != NULL && j < t->st->answers.providers.n;
         j++) {
        const struct preset *p = preset_find(t->presets,
                                             t->st->answers.providers.v[j]);
        if (p == NULL)
            continue;
        if (k++ == i)
            return p;
    }
    return NULL;
}

bool
tui_has_provider(const struct tui *t, const char *id)
{
    for (size_t j = 0; j < t->st->answers.providers.n; j++)
        if (strcmp(t->st->answers.providers.v[j], id) == 0)
            return true;
    return false;
}

void
tui_state_open(struct tui *t)
{
    struct state *st = NULL;
    char *aside = NULL;
    enum rc rc;

    state_free(t->old_st);
    t->old_st = NULL;
    if (t->have_diff)
        state_diff_fini(&t->diff);
    t->have_diff = false;
    t->no_save = false;
    if (t->domain == NULL)
        return;
    rc = state_load(t->com->state_dir, t->domain, &st, &aside, NULL);
    switch (rc) {
    case RC_OK:
        if (st->checked_at != 0)
            t->old_st = state_clone(st);
        break;
    case RC_PARSE:
    case RC_UNSUPPORTED: {
        char *m = xasprintf(_("The saved progress could not be read; it "
                              "was kept as %s."), aside != NULL ? aside
                                                                : "?");
        tui_notice(t, m);
        free(m);
        break;
    }
    case RC_IO:
        tui_notice(t, _("The saved progress could not be read; it will "
                        "not be overwritten."));
        t->no_save = true;
        break;
    default:
        break;
    }
    free(aside);
    if (st == NULL)
        st = state_new(t->domain);
    state_free(t->st);
    t->st = st;
    /* What the command line said wins over what was saved. */
    state_answers_overlay(&t->st->answers, &t->given);
    if (t->given.server_ips.n > 0 && !t->st->answers.answered) {
        /* Addresses given: one's own server sends the mail. */
        if (t->st->answers.providers.n == 0)
            state_strs_add(&t->st->answers.providers, "own");
        t->st->answers.answered = true;
    }
    if (t->com->lang == NULL && t->st->answers.lang != NULL)
        i18n_set_lang(t->st->answers.lang);
}

/* Longest file name looked at in the state directory. */
#define TUI_STATE_NAME_MAX 260

void
tui_last_domain(struct tui *t)
{
    char *dir = NULL, best[TUI_STATE_NAME_MAX] = "";
    struct timespec best_t = { 0, 0 };
    DIR *dp;
    struct dirent *e;
    int dfd;

    if (t->com->state_dir != NULL)
        dir = xstrdup(t->com->state_dir);
    else if (state_default_dir(&dir) != RC_OK)
        return;
    dp = opendir(dir);
    free(dir);
    if (dp == NULL)
        return;
    dfd = dirfd(dp);
    /* A state file is <A-label>.json (state_path()); anything else there
     * (a file set aside, a temporary file) is not a visit. */
    while ((e = readdir(dp)) != NULL) {
        size_t n = strlen(e->d_name);
        struct stat sb;

        if (n <= 5 || n >= sizeof(best)
            || strcmp(e->d_name + n - 5, ".json") != 0
            || fstatat(dfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0
            || !S_ISREG(sb.st_mode))
            continue;
        if (best[0] != '\0'
            && (sb.st_mtim.tv_sec < best_t.tv_sec
                || (sb.st_mtim.tv_sec == best_t.tv_sec
                    && sb.st_mtim.tv_nsec <= best_t.tv_nsec)))
            continue;
        best_t = sb.st_mtim;
        memcpy(best, e->d_name, n - 5);
        best[n - 5] = '\0';
    }
    closedir(dp);
    if (best[0] != '\0') {
        char *a = NULL, *u = NULL;
        const char *why = NULL;

        /* Only a name the wizard itself would have saved. */
        if (name_normalize(best, false, false, &a, &u, &why) == RC_OK
            && strcmp(a, best) == 0) {
            tui_set_str(&t->sd.last, u);
            tw_edit_set(&t->sd.edit, u);
        }
        free(a);
        free(u);
    }
}

void
tui_quit_summary(const struct tui *t, FILE *fp)
{
    char *path = NULL, *dir = NULL;

    if (t->domain == NULL)
        return;
    if (t->com->state_dir == NULL && state_default_dir(&dir) != RC_OK)
        dir = NULL;
    if (!t->no_save
        && state_path(t->com->state_dir != NULL ? t->com->state_dir : dir,
                      t->domain, &path) == RC_OK)
        fprintf(fp, _("Your progress on %1$s is saved in %2$s.\n"),
                t->ulabel, path);
    else
        fprintf(fp, _("Your progress on %s could not be saved.\n"),
                t->ulabel);
    if (t->checklist != NULL)
        fprintf(fp, _("Your checklist: %s\n"), t->checklist);
    if (t->com->n_zone_files > 0)
        /* the demo, or records from files: no live DNS to ask */
        fprintf(fp, _("To check again: run the same command again (the "
                      "records came from zone files, not from live "
                      "DNS).\n"));
    else if (t->com->state_dir != NULL)
        fprintf(fp, _("To check again: mailready check %1$s --state-dir "
                      "%2$s\n"), t->domain, t->com->state_dir);
    else
        fprintf(fp, _("To check again: mailready check %s\n"), t->domain);
    free(path);
    free(dir);
}

void
tui_state_save(struct tui *t)
{
    struct rc_err err = { 0 };
    enum rc rc;

    if (t->domain == NULL || t->no_save)
        return;
    rc = state_save(t->com->state_dir, t->st, &err);
    if (rc != RC_OK) {
        char *why = present_err(rc, &err);
        char *m = xasprintf(_("Could not save your progress: %s"), why);

        tui_notice(t, m);
        free(m);
        free(why);
    }
    rc_err_fini(&err);
    t->ans_dirty = false;
}

void
tui_plan(const struct tui *t, struct export_plan *out)
{
    export_plan_build(t->domain, &t->st->answers, t->presets, out);
}

bool
tui_live_plan(const struct tui *t, const struct export_plan *target,
              struct plan *out)
{
    struct plan_opts po;

    if (t->plive == NULL || t->domain == NULL)
        return false;
    memset(&po, 0, sizeof(po));
    po.domain = t->domain;
    po.dmarc_p_explicit = t->st->answers.dmarc_policy != STATE_POLICY_UNSET;
    po.allow_weaker = t->allow_weaker;
    plan_build(t->plive, target, &po, out);
    return true;
}

/* A run finished: keep its results, compare with the last visit once. */
void
tui_run_finished(struct tui *t)
{
    struct journey_dmarc jd;

    if (t->domain == NULL)
        return;
    /* Dated with the state as it was before this run. */
    journey_dmarc_apply(&t->ctx, t->st, t->com->dmarc_monitor_days,
                        t->checked_at, &jd);
    state_update_from_ctx(t->st, &t->ctx, t->checked_at);
    if (t->pfetch != NULL)
        t->plive = plan_fetch_live(t->pfetch);
    journey_dmarc_note(t->st, &jd);
    if (t->old_st != NULL && !t->have_diff) {
        state_diff(t->old_st, t->st, &t->diff);
        t->have_diff = true;
    }
    tui_state_save(t);
}

/* Drop the previous run and its resolver (only once nothing is pending:
 * the steps' callbacks own memory). */
void
tui_run_drop(struct tui *t)
{
    /* The resolver first: a check still in flight gets DNS_CANCELLED in
     * each pending callback while the steps' memory is still there
     * (dns.h); then the steps are freed. */
    dns_free(t->dns);
    t->dns = NULL;
    plan_fetch_free(t->pfetch);
    t->pfetch = NULL;
    t->plive = NULL;
    if (t->have_ptarget) {
        export_plan_fini(&t->ptarget);
        t->have_ptarget = false;
    }
    if (t->have_ctx) {
        check_ctx_fini(&t->ctx);
        t->have_ctx = false;
    }
    t->running = false;
}

bool
tui_step_settled(const struct tui *t, enum check_step step,
                 unsigned long *stale_s)
{
    size_t n;
    const struct auth_view *v;
    bool settled = true;

    if (stale_s != NULL)
        *stale_s = 0;
    if (!t->have_ctx || t->ctx.auth == NULL)
        return true;
    v = check_auth_views(t->ctx.auth, step, &n);
    for (size_t k = 0; k < n; k++) {
        if (v[k].resolver == AUTH_RES_STALE || v[k].disagree)
            settled = false;
        if (stale_s != NULL && v[k].resolver == AUTH_RES_STALE &&
            v[k].stale_for_max_s > *stale_s)
            *stale_s = v[k].stale_for_max_s;
    }
    return settled;
}

double
tui_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
tui_dns_opts(const struct tui *t, struct dns_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->resolvers = t->com->resolvers;
    o->n_resolvers = t->com->n_resolvers;
    o->zone_files = t->com->zone_files;
    o->n_zone_files = t->com->n_zone_files;
    o->timeout_ms = t->com->timeout_s * 1000;
    o->deadline_ms = t->com->deadline_s * 1000;
    o->offline = t->com->offline;
}

void
tui_recheck(struct tui *t)
{
    struct dns_opts o;
    struct rc_err err = { 0 };
    enum rc rc;

    if (t->running || t->domain == NULL)
        return;
    tui_run_drop(t);
    free(t->dns_err);
    t->dns_err = NULL;
    tui_dns_opts(t, &o);
    /* A fresh resolver: edited zone files are read again, nothing is
     * answered from an old cache. */
    rc = dns_new(&o, &t->dns, &err);
    if (rc != RC_OK) {
        t->dns_err = present_err(rc, &err);
        rc_err_fini(&err);
        t->checked = false;
        return;
    }
    check_opts_build(t);
    check_ctx_init(&t->ctx, t->dns, &t->opts);
    t->have_ctx = true;
    t->running = true;
    t->checked = false;
    t->stale = false;
    /* The delivery step connects to the mail servers: only once the
     * admin opened its screen, and never with records from files only
     * (the demo: no network). */
    check_run_start(&t->ctx, CHECK_DEFAULT_STEPS |
                    (t->smtp_on && !t->com->offline ? 1u << STEP_SMTP : 0));
    /* What is live where the answers' records go, in the same round. */
    tui_plan(t, &t->ptarget);
    t->have_ptarget = true;
    {
        struct plan_fetch_opts fo = {
            .https_port = t->https_port, .ca_file = t->ca_file,
            .timeout_ms = t->com->timeout_s * 1000,
            .no_https = t->com->offline,
        };

        t->pfetch = plan_fetch_start_opts(t->dns, t->domain, &t->ptarget,
                                          &fo);
    }
}

/* Longest answer we take from the address service. */
#define TUI_DETECT_MAX 128

bool
tui_detecting(const struct tui *t)
{
    return t->http[0] != NULL || t->http[1] != NULL;
}

/* Ask the address service once over IPv4 and once over IPv6: a server
 * has a public address of each kind, or one of them. */
void
tui_detect_start(struct tui *t)
{
    static const enum http_family fam[2] = { HTTP_IPV4, HTTP_IPV6 };
    bool any = false;

    if (tui_detecting(t) || t->ip_url == NULL)
        return;
    t->detect_found = false;
    free(t->detect_err);
    t->detect_err = NULL;
    for (int h = 0; h < 2; h++)
        any |= http_get_start(t->ip_url, fam[h], t->com->timeout_s * 1000,
                              TUI_DETECT_MAX, &t->http[h]) == RC_OK;
    char *m = any ? xasprintf(_("Asking %s for this server's public "
                                "addresses…"), t->ip_url)
                  : xasprintf(_("Cannot ask %s."), t->ip_url);
    tui_notice(t, m);
    free(m);
}

void
tui_detect_done(struct tui *t, int h)
{
    const char *body = NULL, *err = NULL;
    struct ipaddr ip;
    char *m = NULL;

    if (http_result(t->http[h], &body, &err) != RC_OK) {
        /* No IPv6 (or no IPv4) is common: said only if nothing came. */
        if (t->detect_err == NULL || h == 0) {
            free(t->detect_err);
            t->detect_err = xstrdup(err != NULL ? err : "");
        }
    } else {
        size_t a = strspn(body, " \t\r\n"), n = strcspn(body + a, " \t\r\n");
        char *addr = xstrndup(body + a, n);
        char *vis = str_visible(addr, strlen(addr));
        if (!net_parse(addr, &ip) || !net_is_global(&ip, NULL)) {
            m = xasprintf(_("The answer of %1$s is not a public address: "
                            "%2$s"), t->ip_url, vis);
        } else {
            struct tw_edit *e = &t->sp.ips;
            char buf[64];

            /* The canonical form, so that the list holds each once. */
            net_format(&ip, buf, sizeof(buf));
            if (strstr(e->buf, buf) == NULL) {
                char *nv = xasprintf("%s%s%s", e->buf, e->len > 0 ? " " : "",
                                     buf);
                tw_edit_set(e, nv);
                free(nv);
            }
            t->detect_found = true;
            m = xasprintf(_("This server's public address is %s: added to "
                            "the list."), buf);
        }
        free(vis);
        free(addr);
    }
    http_free(t->http[h]);
    t->http[h] = NULL;
    if (m == NULL && !tui_detecting(t) && !t->detect_found)
        m = xasprintf(_("Could not learn the public address: %s"),
                      t->detect_err != NULL ? t->detect_err : "");
    if (m != NULL)
        tui_notice(t, m);
    free(m);
}

