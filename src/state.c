/* state.c - the per-domain state file: load, atomic save, update from a
 * check run, and the difference between two states.  See state.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mailready/check_dkim.h"
#include "mailready/file.h"
#include "mailready/state.h"
#include "mailready/state_found.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"
#include "state_priv.h"


/* ---- small helpers ------------------------------------------------- */

void
state_strs_add(struct state_strs *l, const char *s)
{
    l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = xstrdup(s);
}

void
state_strs_clear(struct state_strs *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

bool
state_strs_has(const struct state_strs *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

void
state_finding_fini(struct state_finding *f)
{
    free(f->id);
    free(f->msgid);
    free(f->msgid_plural);
    for (int i = 0; i < f->nargs; i++)
        free(f->args[i]);
    memset(f, 0, sizeof(*f));
}

void
state_step_clear(struct state_step *s)
{
    for (size_t i = 0; i < s->n_findings; i++)
        state_finding_fini(&s->findings[i]);
    free(s->findings);
    s->findings = NULL;
    s->n_findings = 0;
    json_array_clear(s->records);
    json_object_clear(s->found);
    s->present = false;
    s->status = ST_OK;
    s->last_known = ST_OK;
    s->checked_at = 0;
    s->unchecked_at = 0;
    s->first_passed_at = 0;
}

struct state *
state_new(const char *domain)
{
    struct state *st = xcalloc(1, sizeof(*st));

    st->version = STATE_FORMAT_VERSION;
    st->domain = xstrdup(domain);
    st->other_steps = json_object();
    for (int i = 0; i < STEP_COUNT; i++) {
        st->steps[i].records = json_array();
        st->steps[i].found = json_object();
    }
    return st;
}

void
state_strs_set(struct state_strs *l, const struct state_strs *src)
{
    if (l == src)
        return;
    state_strs_clear(l);
    for (size_t i = 0; i < src->n; i++)
        state_strs_add(l, src->v[i]);
}

void
state_str_set(char **dst, const char *s)
{
    char *old = *dst;

    *dst = s != NULL ? xstrdup(s) : NULL;
    free(old);
}

static void
selector_fini(struct state_selector *s)
{
    free(s->name);
    free(s->key_path);
    free(s->key_type);
    free(s->record);
    memset(s, 0, sizeof(*s));
}

void
state_answers_fini(struct state_answers *a)
{
    state_strs_clear(&a->providers);
    state_strs_clear(&a->server_ips);
    state_strs_clear(&a->includes);
    free(a->hostname);
    free(a->mx_host);
    for (size_t i = 0; i < a->n_selectors; i++)
        selector_fini(&a->selectors[i]);
    free(a->selectors);
    state_strs_clear(&a->dmarc_rua);
    state_strs_clear(&a->dmarc_ruf);
    free(a->mta_sts);
    free(a->tls_rua);
    free(a->lang);
    memset(a, 0, sizeof(*a));
}

static void
selectors_copy(struct state_answers *dst, const struct state_answers *src)
{
    for (size_t i = 0; i < dst->n_selectors; i++)
        selector_fini(&dst->selectors[i]);
    free(dst->selectors);
    dst->selectors = NULL;
    dst->n_selectors = 0;
    for (size_t i = 0; i < src->n_selectors; i++) {
        const struct state_selector *f = &src->selectors[i];
        struct state_selector *t = state_answers_selector_add(dst, f->name);

        state_str_set(&t->key_path, f->key_path);
        state_str_set(&t->key_type, f->key_type);
        state_str_set(&t->record, f->record);
    }
}

void
state_answers_copy(struct state_answers *dst,
                   const struct state_answers *src)
{
    if (dst == src)
        return;
    state_answers_fini(dst);
    dst->answered = src->answered;
    state_strs_set(&dst->providers, &src->providers);
    state_strs_set(&dst->server_ips, &src->server_ips);
    state_strs_set(&dst->includes, &src->includes);
    state_str_set(&dst->hostname, src->hostname);
    state_str_set(&dst->mx_host, src->mx_host);
    dst->own_send_only = src->own_send_only;
    dst->no_mail = src->no_mail;
    dst->spf_hard_fail = src->spf_hard_fail;
    selectors_copy(dst, src);
    dst->dmarc_policy = src->dmarc_policy;
    dst->dmarc_sp = src->dmarc_sp;
    dst->dmarc_strict = src->dmarc_strict;
    state_strs_set(&dst->dmarc_rua, &src->dmarc_rua);
    state_strs_set(&dst->dmarc_ruf, &src->dmarc_ruf);
    state_str_set(&dst->mta_sts, src->mta_sts);
    state_str_set(&dst->tls_rua, src->tls_rua);
    state_str_set(&dst->lang, src->lang);
}

void
state_answers_overlay(struct state_answers *a,
                      const struct state_answers *over)
{
    if (over->providers.n > 0)
        state_strs_set(&a->providers, &over->providers);
    if (over->server_ips.n > 0)
        state_strs_set(&a->server_ips, &over->server_ips);
    if (over->includes.n > 0)
        state_strs_set(&a->includes, &over->includes);
    if (over->hostname != NULL)
        state_str_set(&a->hostname, over->hostname);
    if (over->mx_host != NULL)
        state_str_set(&a->mx_host, over->mx_host);
    /* Selectors given join the saved ones (a saved key stays known). */
    for (size_t i = 0; i < over->n_selectors; i++) {
        const struct state_selector *f = &over->selectors[i];
        struct state_selector *t = state_answers_selector_add(a, f->name);

        if (f->key_path != NULL) {
            state_str_set(&t->key_path, f->key_path);
            state_str_set(&t->key_type, f->key_type);
            state_str_set(&t->record, f->record);
        }
    }
    if (over->dmarc_rua.n > 0)
        state_strs_set(&a->dmarc_rua, &over->dmarc_rua);
    if (over->dmarc_ruf.n > 0)
        state_strs_set(&a->dmarc_ruf, &over->dmarc_ruf);
    if (over->mta_sts != NULL)
        state_str_set(&a->mta_sts, over->mta_sts);
    if (over->tls_rua != NULL)
        state_str_set(&a->tls_rua, over->tls_rua);
    if (over->lang != NULL)
        state_str_set(&a->lang, over->lang);
}

struct state_selector *
state_answers_selector(const struct state_answers *a, const char *name)
{
    for (size_t i = 0; i < a->n_selectors; i++)
        if (str_ieq(a->selectors[i].name, name))
            return &a->selectors[i];
    return NULL;
}

struct state_selector *
state_answers_selector_add(struct state_answers *a, const char *name)
{
    struct state_selector *s = state_answers_selector(a, name);

    if (s != NULL)
        return s;
    a->selectors = xreallocarray(a->selectors, a->n_selectors + 1,
                                 sizeof(*a->selectors));
    s = &a->selectors[a->n_selectors++];
    memset(s, 0, sizeof(*s));
    s->name = xstrdup(name);
    return s;
}

struct state_selector *
state_answers_set_key(struct state_answers *a, const char *name,
                      const char *key_path, const char *key_type,
                      const char *record)
{
    struct state_selector *s = state_answers_selector_add(a, name), tmp;
    size_t i = (size_t)(s - a->selectors);

    tmp = *s;
    memmove(&a->selectors[1], &a->selectors[0], i * sizeof(*s));
    a->selectors[0] = tmp;
    s = &a->selectors[0];
    state_str_set(&s->key_path, key_path);
    state_str_set(&s->key_type, key_type);
    state_str_set(&s->record, record);
    return s;
}

struct state_selector *
state_answers_key(const struct state_answers *a)
{
    for (size_t i = 0; i < a->n_selectors; i++)
        if (a->selectors[i].key_path != NULL &&
            a->selectors[i].key_path[0] != '\0')
            return &a->selectors[i];
    return NULL;
}

static const char *const policy_names[] = {
    NULL, "none", "quarantine", "reject"
};

const char *
state_policy_name(enum state_policy p)
{
    return (unsigned)p < ARRAY_LEN(policy_names) ? policy_names[p] : NULL;
}

bool
state_policy_parse(const char *s, enum state_policy *out)
{
    for (size_t i = 1; s != NULL && i < ARRAY_LEN(policy_names); i++)
        if (strcmp(s, policy_names[i]) == 0) {
            *out = (enum state_policy)i;
            return true;
        }
    return false;
}

void
state_free(struct state *st)
{
    if (st == NULL)
        return;
    state_answers_fini(&st->answers);
    for (int i = 0; i < STEP_COUNT; i++) {
        state_step_clear(&st->steps[i]);
        json_decref(st->steps[i].records);
        json_decref(st->steps[i].found);
    }
    json_decref(st->other_steps);
    free(st->dmarc_seen_policy);
    free(st->domain);
    free(st);
}

/* ---- directories and paths ----------------------------------------- */

enum rc
state_default_dir(char **out)
{
    const char *x = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");

    *out = NULL;
    if (x != NULL && x[0] == '/') {
        *out = xasprintf("%s/mailready", x);
        return RC_OK;
    }
    if (home != NULL && home[0] == '/') {
        *out = xasprintf("%s/.local/state/mailready", home);
        return RC_OK;
    }
    return RC_NOTFOUND;
}

enum rc
state_path(const char *dir, const char *domain, char **out)
{
    *out = NULL;
    if (!state_domain_ok(domain))
        return RC_INVALID;
    *out = xasprintf("%s/%s.json", dir, domain);
    return RC_OK;
}

/* dir, or the default directory; *owned is what to free. */
static enum rc
pick_dir(const char *dir, char **owned, const char **use)
{
    *owned = NULL;
    if (dir != NULL && dir[0] != '\0') {
        *use = dir;
        return RC_OK;
    }
    if (state_default_dir(owned) != RC_OK)
        return RC_NOTFOUND;
    *use = *owned;
    return RC_OK;
}

/* Files set aside for one state file and one reason, at most: the
 * oldest go first (a file that is set aside on every run must not fill
 * the disk). */
#define STATE_MAX_ASIDE 5

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Remove the oldest path.<tag>-* files beyond STATE_MAX_ASIDE (their
 * names sort by the UTC time in them). */
static void
cap_aside(const char *path, const char *tag)
{
    char *dir = file_dir_of(path);
    const char *base = strrchr(path, '/');
    char *prefix = xasprintf("%s.%s-", base != NULL ? base + 1 : path, tag);
    size_t plen = strlen(prefix), n = 0;
    char **names = NULL;
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d != NULL && (e = readdir(d)) != NULL && n < 10000) {
        if (strncmp(e->d_name, prefix, plen) != 0)
            continue;
        names = xreallocarray(names, n + 1, sizeof(*names));
        names[n++] = xstrdup(e->d_name);
    }
    if (n > STATE_MAX_ASIDE) {
        qsort(names, n, sizeof(*names), cmp_str);
        for (size_t i = 0; i + STATE_MAX_ASIDE < n; i++)
            (void)unlinkat(dirfd(d), names[i], 0);
        file_fsync_dir(dir);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (d != NULL)
        closedir(d);
    free(prefix);
    free(dir);
}

/* Rename path to path.<tag>-<UTC time>[-N] without replacing anything. */
static enum rc
move_aside(const char *path, const char *tag, char **aside)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;

    *aside = NULL;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0)
        str_copy(stamp, "0", sizeof(stamp));
    for (int n = 1; n <= 100; n++) {
        char *to;

        if (n == 1)
            to = xasprintf("%s.%s-%s", path, tag, stamp);
        else
            to = xasprintf("%s.%s-%s-%d", path, tag, stamp, n);
        if (renameat2(AT_FDCWD, path, AT_FDCWD, to, RENAME_NOREPLACE) == 0) {
            *aside = to;
            break;
        }
        if (errno == EINVAL || errno == ENOSYS) {
            /* No RENAME_NOREPLACE here: a hard link never replaces. */
            if (link(path, to) == 0) {
                if (unlink(path) != 0) {
                    int e = errno;
                    unlink(to);
                    errno = e;
                    free(to);
                    return RC_IO;
                }
                *aside = to;
                break;
            }
        }
        int e = errno;
        free(to);
        if (e != EEXIST)
            return RC_IO;
    }
    if (*aside == NULL)
        return RC_IO;
    char *d = file_dir_of(path);
    file_fsync_dir(d);
    free(d);
    cap_aside(path, tag);
    return RC_OK;
}

/* ---- files ----------------------------------------------------------- */

enum rc
state_load(const char *dir, const char *domain, struct state **out,
           char **aside_path, struct rc_err *err)
{
    char *owned = NULL, *path = NULL, *buf = NULL, *aside = NULL;
    const char *use;
    json_t *j = NULL;
    json_error_t jerr;
    size_t len;
    enum rc rc;

    *out = NULL;
    if (aside_path != NULL)
        *aside_path = NULL;
    if (pick_dir(dir, &owned, &use) != RC_OK)
        return RC_NOTFOUND;
    rc = state_path(use, domain, &path);
    if (rc != RC_OK)
        goto out;
    rc = file_read(path, STATE_MAX_BYTES, &buf, &len, err);
    if (rc == RC_INVALID)
        rc = RC_IO;     /* not a regular file: left alone, not saved over */
    if (rc == RC_TOOLONG || rc == RC_NOTFOUND)
        rc_err_fini(err);
    if (rc != RC_OK && rc != RC_TOOLONG)
        goto out;
    if (rc == RC_TOOLONG) {
        rc = RC_PARSE;
    } else {
        j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
        rc = j == NULL ? RC_PARSE : state_from_json(j, out);
        if (rc == RC_OK && strcmp((*out)->domain, domain) != 0) {
            state_free(*out);
            *out = NULL;
            rc = RC_PARSE;
        }
    }
    if (rc == RC_PARSE || rc == RC_UNSUPPORTED) {
        if (move_aside(path, rc == RC_PARSE ? "corrupt" : "newer",
                       &aside) != RC_OK) {
            rc_err_set(err, errno, N_("Cannot set %s aside"), 1, path);
            rc = RC_IO;
        }
    }
out:
    if (aside_path != NULL)
        *aside_path = aside;
    else
        free(aside);
    json_decref(j);
    free(buf);
    free(path);
    free(owned);
    return rc;
}

/* Temporary files older than this are left over from a writer that was
 * killed mid-save; a live writer's file is seconds old. */
#define STALE_TMP_SECONDS 3600

/* Remove the temporary files (mkstemp names) left by killed writers. */
static void
remove_stale_tmp(const char *dir, const char *domain)
{
    char *prefix = xasprintf(".%s.json.", domain);
    size_t plen = strlen(prefix);
    time_t now = time(NULL);
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d != NULL && (e = readdir(d)) != NULL) {
        struct stat sb;

        if (strncmp(e->d_name, prefix, plen) != 0 ||
            strlen(e->d_name) != plen + 6)
            continue;
        if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(sb.st_mode) && sb.st_mtime < now - STALE_TMP_SECONDS)
            (void)unlinkat(dirfd(d), e->d_name, 0);
    }
    if (d != NULL)
        closedir(d);
    free(prefix);
}

/* The JSON text of st, with a final newline.  Caller frees. */
static char *
state_text(const json_t *j, size_t *len)
{
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    if (text == NULL)
        die("state: out of memory");
    *len = strlen(text);
    text = xrealloc(text, *len + 2);
    text[(*len)++] = '\n';
    text[*len] = '\0';
    return text;
}

/* Empty the records of the step that holds the most of them. */
static bool
drop_largest_records(json_t *j)
{
    json_t *steps = json_object_get(j, "steps"), *v, *big = NULL;
    const char *key;
    size_t most = 0;

    json_object_foreach(steps, key, v) {
        json_t *r = json_object_get(v, "records");
        char *t = json_array_size(r) > 0 ? json_dumps(r, JSON_COMPACT)
                                         : NULL;
        size_t n = t != NULL ? strlen(t) : 0;

        free(t);
        if (n > most) {
            most = n;
            big = r;
        }
    }
    if (big == NULL)
        return false;
    json_array_clear(big);
    return true;
}

enum rc
state_save(const char *dir, const struct state *st, struct rc_err *err)
{
    char *owned = NULL, *path = NULL, *text = NULL;
    const char *use;
    json_t *j = NULL;
    size_t len;
    enum rc rc;

    if (pick_dir(dir, &owned, &use) != RC_OK) {
        rc_err_set(err, 0, N_("Neither XDG_STATE_HOME nor HOME is set: "
                              "there is nowhere to save the state."), 0);
        return RC_NOTFOUND;
    }
    rc = state_path(use, st->domain, &path);
    if (rc != RC_OK) {
        rc_err_set(err, 0, N_("%s cannot be a state file name"), 1,
                   st->domain);
        goto out;
    }
    rc = file_mkdir_p(use, 0700, err);
    if (rc != RC_OK)
        goto out;
    remove_stale_tmp(use, st->domain);
    j = state_to_json(st);
    text = state_text(j, &len);
    /* Never write what state_load() would refuse: the records found (an
     * SPF include tree, say) give way first, largest first; the answers
     * and the findings are kept. */
    while (len > STATE_MAX_BYTES && drop_largest_records(j)) {
        free(text);
        text = state_text(j, &len);
    }
    if (len > STATE_MAX_BYTES) {
        rc_err_set(err, 0, N_("The state of %s is too large to save"), 1,
                   st->domain);
        rc = RC_TOOLONG;
        goto out;
    }
    rc = file_write_atomic(path, text, len, 0600, err);
out:
    free(text);
    json_decref(j);
    free(path);
    free(owned);
    return rc;
}

/* ---- update and diff -------------------------------------------------- */

/* Checks make their text visible-safe; what is saved must load again, so
 * anything that slipped through is escaped here. */
static char *
safe_copy(const char *s, bool newline)
{
    if (state_text_ok(s, newline))
        return xstrdup(s);
    return str_visible(s, strnlen(s, MAX_STR / 4));
}

static json_t *
safe_json(const json_t *v, int depth)
{
    const char *key;
    json_t *e, *out;
    size_t i;

    if (json_is_string(v)) {
        char *t = safe_copy(json_string_value(v), depth > 1);
        out = json_string(t);
        free(t);
        return out != NULL ? out : json_string("");
    }
    if (depth > 8)
        return json_null();
    if (json_is_array(v)) {
        out = json_array();
        json_array_foreach(v, i, e)
            if (i < MAX_FINDINGS)
                json_array_append_new(out, safe_json(e, depth + 1));
        return out;
    }
    if (json_is_object(v)) {
        out = json_object();
        json_object_foreach((json_t *)v, key, e) {
            char *k = safe_copy(key, false);
            json_object_set_new(out, k, safe_json(e, depth + 1));
            free(k);
        }
        return out;
    }
    return json_deep_copy(v);
}

static bool
passed(enum check_status s)
{
    return s == ST_OK || s == ST_WARN;
}

/* Most selectors the answers keep from what the DKIM step found. */
#define STATE_MAX_FOUND_SELECTORS 16

/* Add the selectors named in the DKIM step's records to the answers
 * (with no key), at most STATE_MAX_FOUND_SELECTORS in all. */
static void
keep_dkim_selectors(struct state_answers *a, const json_t *records)
{
    const char *found[STATE_MAX_FOUND_SELECTORS];
    size_t n = check_dkim_record_selectors(records, found,
                                           STATE_MAX_FOUND_SELECTORS);

    for (size_t i = 0; i < n; i++)
        if (state_answers_selector(a, found[i]) == NULL &&
            a->n_selectors < STATE_MAX_FOUND_SELECTORS)
            state_answers_selector_add(a, found[i]);
}

void
state_update_from_ctx(struct state *st, const struct check_ctx *ctx,
                      time_t now)
{
    bool any = false;

    for (int i = 0; i < STEP_COUNT; i++) {
        const struct check_result *res = &ctx->res[i];
        struct state_step *s = &st->steps[i];
        long long first = s->present ? s->first_passed_at : 0;
        enum check_status known = s->present ? s->last_known : ST_ERROR;

        if (!res->ran || check_step_ops(i) == NULL)
            continue;
        any = true;
        /* Could not check (timeout, SERVFAIL): the last checked result
         * stays, so that the next run compares with it. */
        if (findings_status(&res->findings) == ST_ERROR && s->present &&
            s->status != ST_ERROR) {
            s->unchecked_at = (long long)now;
            continue;
        }
        state_step_clear(s);
        s->present = true;
        s->status = findings_status(&res->findings);
        s->last_known = s->status != ST_ERROR ? s->status : known;
        s->checked_at = (long long)now;
        s->first_passed_at = first;
        if (first == 0 && passed(s->status))
            s->first_passed_at = (long long)now;
        s->n_findings = res->findings.n;
        s->findings = xcalloc(res->findings.n + 1, sizeof(*s->findings));
        for (size_t k = 0; k < res->findings.n; k++) {
            const struct finding *f = &res->findings.v[k];
            struct state_finding *g = &s->findings[k];

            g->id = xstrdup(f->id);
            g->sev = f->sev;
            g->msgid = xstrdup(f->msgid);
            g->msgid_plural = f->msgid_plural != NULL ?
                xstrdup(f->msgid_plural) : NULL;
            g->n = f->n;
            for (int a = 0; a < f->nargs; a++)
                g->args[g->nargs++] = safe_copy(f->args[a], false);
            g->msgid_args = f->msgid_args;
        }
        json_decref(s->records);
        s->records = json_is_array(res->records) ?
            safe_json(res->records, 0) : json_array();
        json_decref(s->found);
        s->found = state_found_from_records((enum check_step)i, s->records);
    }
    if (any)
        st->checked_at = (long long)now;
    if (ctx->res[STEP_DKIM].ran)
        keep_dkim_selectors(&st->answers, ctx->res[STEP_DKIM].records);
}

void
state_finding_view(const struct state_finding *sf, struct finding *out)
{
    memset(out, 0, sizeof(*out));
    out->sev = sf->sev;
    out->id = sf->id;
    out->msgid = sf->msgid;
    out->msgid_plural = sf->msgid_plural;
    out->n = sf->n;
    out->nargs = sf->nargs;
    out->msgid_args = sf->msgid_args;
    for (int i = 0; i < sf->nargs; i++)
        out->args[i] = sf->args[i];
}

enum check_status
state_status(const struct state *st)
{
    enum check_status s = ST_OK;

    for (int i = 0; i < STEP_COUNT; i++)
        if (st->steps[i].present)
            s = check_status_worse(s, st->steps[i].status);
    return s;
}

static void
ids_of(const struct state_step *s, struct state_strs *l)
{
    for (size_t i = 0; i < s->n_findings; i++)
        if (!state_strs_has(l, s->findings[i].id))
            state_strs_add(l, s->findings[i].id);
}

/* 0 ok, 1 warn, 2 fail. */
static int
rank(enum check_status s)
{
    return s == ST_OK ? 0 : s == ST_WARN ? 1 : 2;
}

static enum state_change
classify(const struct state_step *o, const struct state_step *n,
         bool ids_changed)
{
    enum check_status ref;

    if (o->status == n->status && !ids_changed)
        return STATE_CH_UNCHANGED;
    if (n->status == ST_ERROR)
        return STATE_CH_NOCHECK;
    if (n->status == ST_OK)
        return o->status == ST_OK ? STATE_CH_UNCHANGED : STATE_CH_FIXED;
    ref = o->status == ST_ERROR ? o->last_known : o->status;
    if (ref == ST_ERROR)
        return STATE_CH_STILL_TO_DO;
    if (rank(n->status) < rank(ref))
        return STATE_CH_FIXED;
    if (rank(n->status) > rank(ref))
        return STATE_CH_BROKEN;
    return STATE_CH_STILL_TO_DO;
}

void
state_diff(const struct state *old_st, const struct state *new_st,
           struct state_diff *d)
{
    memset(d, 0, sizeof(*d));
    for (int i = 0; i < STEP_COUNT; i++) {
        struct state_step_diff *sd = &d->step[i];
        const struct state_step *o = old_st != NULL &&
            old_st->steps[i].present ? &old_st->steps[i] : NULL;
        const struct state_step *n = new_st != NULL &&
            new_st->steps[i].present ? &new_st->steps[i] : NULL;
        struct state_strs oi = { NULL, 0 }, ni = { NULL, 0 };

        sd->old_present = o != NULL;
        sd->new_present = n != NULL;
        sd->before = o != NULL ? o->status : ST_OK;
        sd->after = n != NULL ? n->status : ST_OK;
        if (o != NULL)
            ids_of(o, &oi);
        if (n != NULL)
            ids_of(n, &ni);
        for (size_t k = 0; k < ni.n; k++)
            if (!state_strs_has(&oi, ni.v[k]))
                state_strs_add(&sd->appeared, ni.v[k]);
        for (size_t k = 0; k < oi.n; k++)
            if (!state_strs_has(&ni, oi.v[k]))
                state_strs_add(&sd->gone, oi.v[k]);
        memset(&sd->content, 0, sizeof(sd->content));
        if (o == NULL && n == NULL) {
            sd->change = STATE_CH_UNCHANGED;
        } else if (o == NULL) {
            sd->change = STATE_CH_NEW;
        } else if (n == NULL) {
            sd->change = STATE_CH_GONE;
        } else if (n->unchecked_at != 0 &&
                   n->unchecked_at >= n->checked_at) {
            /* This run could not check the step: n still holds the
             * result of an earlier run, which is no news.  A checked run
             * clears unchecked_at, so the two in one second (a run that
             * could not check right after one that could) still count
             * as not checked. */
            sd->change = STATE_CH_NOCHECK;
            sd->after = ST_ERROR;
            state_strs_clear(&sd->appeared);
            state_strs_clear(&sd->gone);
        } else {
            sd->change = classify(o, n, sd->appeared.n > 0 ||
                                  sd->gone.n > 0);
            if (o->status != ST_ERROR && n->status != ST_ERROR)
                state_found_diff((enum check_step)i, o->found, n->found,
                                 &sd->content);
            if (sd->change == STATE_CH_UNCHANGED && sd->content.n > 0)
                sd->change = STATE_CH_RECORDS;
        }
        if (sd->change != STATE_CH_UNCHANGED)
            d->n_changed++;
        state_strs_clear(&oi);
        state_strs_clear(&ni);
    }
}

void
state_diff_fini(struct state_diff *d)
{
    for (int i = 0; i < STEP_COUNT; i++) {
        state_strs_clear(&d->step[i].appeared);
        state_strs_clear(&d->step[i].gone);
        state_notes_fini(&d->step[i].content);
    }
    d->n_changed = 0;
}

const char *
state_change_name(enum state_change c)
{
    switch (c) {
    case STATE_CH_UNCHANGED:
        return "unchanged";
    case STATE_CH_NEW:
        return "new";
    case STATE_CH_FIXED:
        return "fixed";
    case STATE_CH_STILL_TO_DO:
        return "still_to_do";
    case STATE_CH_BROKEN:
        return "newly_broken";
    case STATE_CH_NOCHECK:
        return "could_not_check";
    case STATE_CH_RECORDS:
        return "records_changed";
    case STATE_CH_GONE:
    default:
        return "gone";
    }
}
