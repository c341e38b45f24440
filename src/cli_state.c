/* cli_state.c - saved state for the commands: loading with a clear word
 * about files that could not be read, saving, and the --since-last
 * report (text and JSON). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/present.h"
#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/state.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* The path the state of alabel has, for messages. */
static char *
state_file_of(const struct cli_common *c, const char *alabel)
{
    char *dir = NULL, *path = NULL;

    if (c->state_dir != NULL)
        dir = xstrdup(c->state_dir);
    else if (state_default_dir(&dir) != RC_OK)
        return xstrdup("?");
    if (state_path(dir, alabel, &path) != RC_OK)
        path = xstrdup(dir);
    free(dir);
    return path;
}

struct state *
cli_state_load(const struct cli_common *c, const char *alabel,
               bool *can_save)
{
    struct state *st = NULL;
    struct rc_err err = { 0 };
    char *aside = NULL, *path;
    enum rc rc;

    *can_save = true;
    rc = state_load(c->state_dir, alabel, &st, &aside, &err);
    switch (rc) {
    case RC_OK:
    case RC_NOTFOUND:
        break;
    case RC_PARSE:
        path = state_file_of(c, alabel);
        cli_errorf(_("mailready: the saved state %1$s could not be "
                     "read; it was moved to %2$s and a new one is "
                     "started\n"), path, aside);
        free(path);
        break;
    case RC_UNSUPPORTED:
        path = state_file_of(c, alabel);
        cli_errorf(_("mailready: the saved state %1$s was written by "
                     "a newer version of mailready; it was moved to "
                     "%2$s and a new one is started\n"), path, aside);
        free(path);
        break;
    default: {
        char *why = present_err(rc, &err);

        path = state_file_of(c, alabel);
        cli_errorf(_("mailready: cannot read the saved state %1$s "
                     "(%2$s); it is left as it is and nothing will be "
                     "saved over it\n"), path, why);
        free(why);
        free(path);
        *can_save = false;
        break;
    }
    }
    rc_err_fini(&err);
    free(aside);
    return st;
}

bool
cli_state_save(const struct cli_common *c, const struct state *st)
{
    struct rc_err err = { 0 };
    enum rc rc = state_save(c->state_dir, st, &err);

    if (rc == RC_OK)
        return true;
    if (rc == RC_NOTFOUND) {
        cli_errorf(_("mailready: cannot save the state of %s: "
                     "neither XDG_STATE_HOME nor HOME is set (use "
                     "--state-dir)\n"), st->domain);
    } else {
        char *why = present_err(rc, &err);

        cli_errorf(_("mailready: cannot save the state of %1$s: "
                     "%2$s\n"), st->domain, why);
        free(why);
    }
    rc_err_fini(&err);
    return false;
}

void
cli_answers_defaults(const struct state_answers *a, const char **ips,
                     size_t *nips, size_t maxips, const char **sels,
                     size_t *nsels, size_t maxsels,
                     struct check_opts *opts)
{
    if (*nips == 0) {
        for (size_t i = 0; i < a->server_ips.n && *nips < maxips; i++) {
            struct ipaddr ip;

            if (net_parse(a->server_ips.v[i], &ip))
                ips[(*nips)++] = a->server_ips.v[i];
        }
    }
    if (*nsels == 0) {
        for (size_t i = 0; i < a->n_selectors && *nsels < maxsels; i++) {
            char *al = NULL, *ul = NULL;
            const char *why = NULL;

            if (name_normalize(a->selectors[i].name, true, true, &al, &ul,
                               &why) == RC_OK)
                sels[(*nsels)++] = a->selectors[i].name;
            free(al);
            free(ul);
        }
    }
    if (opts->hostname == NULL && a->hostname != NULL &&
        name_is_hostname(a->hostname))
        opts->hostname = a->hostname;
}

void
cli_answers_store(struct state_answers *a, const struct check_opts *opts)
{
    struct state_answers given;
    char *abs = NULL;

    if (opts->n_server_ips > 0) {
        state_strs_clear(&a->server_ips);
        for (size_t i = 0; i < opts->n_server_ips; i++)
            state_strs_add(&a->server_ips, opts->server_ips[i]);
    }
    if (opts->hostname != NULL)
        state_str_set(&a->hostname, opts->hostname);
    if (opts->n_selectors == 0)
        return;
    /* The selectors given replace the saved list; each keeps its saved
     * key unless --dkim-key gives one. */
    memset(&given, 0, sizeof(given));
    if (opts->dkim_key != NULL)
        abs = realpath(opts->dkim_key, NULL);
    for (size_t i = 0; i < opts->n_selectors; i++) {
        const struct state_selector *old =
            state_answers_selector(a, opts->selectors[i]);
        struct state_selector *s =
            state_answers_selector_add(&given, opts->selectors[i]);

        if (opts->dkim_key != NULL) {
            state_str_set(&s->key_path, abs != NULL ? abs : opts->dkim_key);
        } else if (old != NULL) {
            state_str_set(&s->key_path, old->key_path);
            state_str_set(&s->key_type, old->key_type);
            state_str_set(&s->record, old->record);
        }
    }
    free(abs);
    /* Only the selector list changes: swap it in. */
    struct state_selector *v = a->selectors;
    size_t n = a->n_selectors;
    a->selectors = given.selectors;
    a->n_selectors = given.n_selectors;
    given.selectors = v;
    given.n_selectors = n;
    state_answers_fini(&given);
}

static const char *
change_word(enum state_change c)
{
    switch (c) {
    case STATE_CH_NEW:
        return _("first check");
    case STATE_CH_FIXED:
        return _("fixed");
    case STATE_CH_STILL_TO_DO:
        return _("still to do");
    case STATE_CH_BROKEN:
        return _("newly broken");
    case STATE_CH_NOCHECK:
        return _("try again later");
    case STATE_CH_GONE:
        return _("no longer checked");
    case STATE_CH_RECORDS:
        return _("records changed");
    case STATE_CH_UNCHANGED:
    default:
        return _("unchanged");
    }
}

static const char *
step_title(int i)
{
    const struct check_step_ops *ops = check_step_ops(i);

    return ops != NULL ? _(ops->title) : check_step_name(i);
}

/* The tag of a change: the after-state's, or "gone". */
static enum check_status
change_status(const struct state_step_diff *sd)
{
    return sd->new_present ? sd->after : sd->before;
}

/* How far a change's wrapped lines hang in: past the "new: " or "gone: "
 * that starts line (the formats present_step_changes() uses,
 * translated), else by two, so that each change stands out. */
static int
change_hang(const char *line)
{
    const char *fmts[] = { _("new: %s"), _("gone: %s") };

    for (size_t i = 0; i < ARRAY_LEN(fmts); i++) {
        const char *conv = strstr(fmts[i], "%s");
        size_t n = conv != NULL ? (size_t)(conv - fmts[i]) : 0;

        if (n > 0 && strncmp(line, fmts[i], n) == 0)
            return present_width(fmts[i], n);
    }
    return 2;
}

void
cli_since_text(FILE *fp, const struct state *old, const struct state *cur,
               const char *ulabel)
{
    struct state_diff d;
    bool utf8 = present_utf8();
    const char *dom = ulabel != NULL ? ulabel : cur->domain;

    state_diff(old, cur, &d);
    if (d.n_changed == 0) {
        state_diff_fini(&d);
        return;
    }
    if (old != NULL && old->checked_at > 0) {
        char when[32];

        util_rfc3339(old->checked_at, when);
        fprintf(fp, _("Changes in %1$s since %2$s:\n"), dom, when);
    } else {
        fprintf(fp, _("First check of %s (nothing saved before):\n"), dom);
    }
    for (int i = 0; i < STEP_COUNT; i++) {
        const struct state_step_diff *sd = &d.step[i];
        struct strbuf sb = STRBUF_INIT;
        const char *before = sd->old_present ?
            present_status_word(sd->before) : _("not checked");
        const char *after = sd->new_present ?
            present_status_word(sd->after) : _("not checked");

        if (sd->change == STATE_CH_UNCHANGED)
            continue;
        /* TRANSLATORS: a changed step: "%1$s: %2$s %3$s %4$s (%5$s)" is
         * step title, state before, an arrow, state after, and the kind
         * of change ("fixed"). */
        struct state_strs lines = { NULL, 0 };
        const char *tag;
        char *line;

        strbuf_addf(&sb, _("%1$s: %2$s %3$s %4$s (%5$s)"), step_title(i),
                    before, utf8 ? "→" : "->", after,
                    change_word(sd->change));
        tag = present_status_tag(change_status(sd), utf8);
        line = xasprintf("%s %s", tag, strbuf_str(&sb));
        cli_print_hanging(fp, line, 0, present_width(tag, strlen(tag)) + 1,
                          79);
        free(line);
        strbuf_fini(&sb);
        /* What changed, in words: never the bare finding ids.  A long
         * one wraps under its text, past "new: " or "gone: ". */
        present_step_changes(sd, old, cur, i, &lines);
        for (size_t k = 0; k < lines.n; k++)
            cli_print_hanging(fp, lines.v[k], 4,
                              change_hang(lines.v[k]), 79);
        state_strs_clear(&lines);
    }
    state_diff_fini(&d);
}

static json_t *
strs_array(const struct state_strs *l)
{
    json_t *a = json_array();

    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

/* Content changes as [{"id", "message"}] (message in English, the msgid
 * with its arguments: JSON is for programs). */
static json_t *
content_array(const struct state_notes *fs)
{
    json_t *a = json_array();

    for (size_t i = 0; i < fs->n; i++) {
        const struct state_note *f = &fs->v[i];
        const char *v[FINDING_MAX_ARGS];
        json_t *o = json_object(), *args = json_array();
        char *m;

        for (int k = 0; k < FINDING_MAX_ARGS; k++)
            v[k] = k < f->nargs ? f->args[k] : "";
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        m = xasprintf(f->msgid, v[0], v[1], v[2], v[3], v[4], v[5]);
#pragma GCC diagnostic pop
        for (int k = 0; k < f->nargs; k++)
            json_array_append_new(args, json_string(f->args[k]));
        json_object_set_new(o, "id", json_string(f->id));
        json_object_set_new(o, "message", json_string(m));
        json_object_set_new(o, "args", args);
        json_array_append_new(a, o);
        free(m);
    }
    return a;
}

json_t *
cli_since_json(const struct state *old, const struct state *cur,
               const char *ulabel, enum check_status status)
{
    json_t *root = json_object(), *changes = json_array();
    struct state_diff d;
    char when[32];

    json_object_set_new(root, "domain", json_string(cur->domain));
    if (ulabel != NULL && strcmp(ulabel, cur->domain) != 0)
        json_object_set_new(root, "domain_unicode", json_string(ulabel));
    if (old != NULL && old->checked_at > 0) {
        util_rfc3339(old->checked_at, when);
        json_object_set_new(root, "since", json_string(when));
    } else {
        json_object_set_new(root, "since", json_null());
    }
    util_rfc3339(cur->checked_at, when);
    json_object_set_new(root, "checked_at", json_string(when));
    state_diff(old, cur, &d);
    for (int i = 0; i < STEP_COUNT; i++) {
        const struct state_step_diff *sd = &d.step[i];
        json_t *o;

        if (sd->change == STATE_CH_UNCHANGED)
            continue;
        o = json_object();
        json_object_set_new(o, "step", json_string(check_step_name(i)));
        json_object_set_new(o, "change",
                            json_string(state_change_name(sd->change)));
        json_object_set_new(o, "before", sd->old_present ?
                            json_string(check_status_name(sd->before)) :
                            json_null());
        json_object_set_new(o, "after", sd->new_present ?
                            json_string(check_status_name(sd->after)) :
                            json_null());
        json_object_set_new(o, "appeared", strs_array(&sd->appeared));
        json_object_set_new(o, "gone", strs_array(&sd->gone));
        json_object_set_new(o, "records", content_array(&sd->content));
        json_array_append_new(changes, o);
    }
    state_diff_fini(&d);
    json_object_set_new(root, "changes", changes);
    json_object_set_new(root, "status",
                        json_string(check_status_name(status)));
    return root;
}
