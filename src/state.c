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
#include "mailready/state.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

#define STATE_FORMAT_NAME "mailready-state"

/* Bounds on what a state file may hold. */
#define MAX_STR 65536
#define MAX_LIST 256
#define MAX_FINDINGS 1024
#define MAX_ID 64
#define MAX_DOMAIN 253

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

static bool
strs_has(const struct state_strs *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

static void
finding_fini(struct state_finding *f)
{
    free(f->id);
    free(f->msgid);
    free(f->msgid_plural);
    for (int i = 0; i < f->nargs; i++)
        free(f->args[i]);
    memset(f, 0, sizeof(*f));
}

static void
step_clear(struct state_step *s)
{
    for (size_t i = 0; i < s->n_findings; i++)
        finding_fini(&s->findings[i]);
    free(s->findings);
    s->findings = NULL;
    s->n_findings = 0;
    json_array_clear(s->records);
    s->present = false;
    s->status = ST_OK;
    s->last_known = ST_OK;
    s->checked_at = 0;
    s->first_passed_at = 0;
}

struct state *
state_new(const char *domain)
{
    struct state *st = xcalloc(1, sizeof(*st));

    st->version = STATE_FORMAT_VERSION;
    st->domain = xstrdup(domain);
    st->answers.extras = json_object();
    st->other_steps = json_object();
    for (int i = 0; i < STEP_COUNT; i++)
        st->steps[i].records = json_array();
    return st;
}

static void
answers_fini(struct state_answers *a)
{
    state_strs_clear(&a->providers);
    state_strs_clear(&a->server_ips);
    state_strs_clear(&a->includes);
    free(a->hostname);
    state_strs_clear(&a->selectors);
    state_strs_clear(&a->dkim_keys);
    free(a->dmarc_policy);
    state_strs_clear(&a->dmarc_rua);
    state_strs_clear(&a->dmarc_ruf);
    json_decref(a->extras);
    memset(a, 0, sizeof(*a));
}

void
state_free(struct state *st)
{
    if (st == NULL)
        return;
    answers_fini(&st->answers);
    for (int i = 0; i < STEP_COUNT; i++) {
        step_clear(&st->steps[i]);
        json_decref(st->steps[i].records);
    }
    json_decref(st->other_steps);
    free(st->domain);
    free(st);
}

/* A domain usable as a file name: lower-case letters, digits, '-', '_'
 * and dots between non-empty labels. */
static bool
domain_ok(const char *d)
{
    size_t len = strlen(d), lab = 0;

    if (len == 0 || len > MAX_DOMAIN)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = d[i];

        if (c == '.') {
            if (lab == 0)
                return false;
            lab = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
        if (++lab > 63)
            return false;
    }
    return lab > 0;
}

static bool
id_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > MAX_ID)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

/* Text that is safe on a terminal: no C0 controls (a newline only where
 * allowed), DEL, C1 controls, or bidi overrides.  jansson has already
 * checked that it is valid UTF-8. */
static bool
text_ok(const char *s, bool newline)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);

    if (n > MAX_STR)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n' && newline)
            continue;
        if (p[i] < 0x20 || p[i] == 0x7f)
            return false;
        if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 &&
            p[i + 1] <= 0x9f)
            return false;
        if (p[i] == 0xe2 && i + 2 < n &&
            ((p[i + 1] == 0x80 && p[i + 2] >= 0xaa && p[i + 2] <= 0xae) ||
             (p[i + 1] == 0x81 && p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9)))
            return false;
    }
    return true;
}

/* A msgid is used as a printf format: only %%, %s and %N$s (N within the
 * argument count), never both numbered and plain conversions. */
static bool
msgid_ok(const char *s)
{
    int plain = 0, numbered = 0;

    if (!text_ok(s, true) || s[0] == '\0')
        return false;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        if (*p == 's') {
            plain++;
            continue;
        }
        if (*p >= '1' && *p <= '0' + FINDING_MAX_ARGS && p[1] == '$' &&
            p[2] == 's') {
            numbered++;
            p += 2;
            continue;
        }
        return false;
    }
    return plain <= FINDING_MAX_ARGS && !(plain > 0 && numbered > 0);
}

bool
state_status_parse(const char *s, enum check_status *out)
{
    static const enum check_status all[] = {
        ST_OK, ST_WARN, ST_ERROR, ST_FAIL
    };

    for (size_t i = 0; i < ARRAY_LEN(all); i++) {
        if (strcmp(s, check_status_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    }
    return false;
}

static bool
sev_parse(const char *s, enum sev *out)
{
    static const enum sev all[] = {
        SEV_INFO, SEV_WARN, SEV_FAIL, SEV_ERROR
    };

    for (size_t i = 0; i < ARRAY_LEN(all); i++) {
        if (strcmp(s, sev_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    }
    return false;
}

static bool
digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool
state_time_parse(const char *s, long long *out)
{
    struct tm tm;
    int y, mo, d, h, mi, se;
    time_t t;

    if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
        s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return false;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
        !digits(s + 8, 2, &d) || !digits(s + 11, 2, &h) ||
        !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
        return false;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
        mi > 59 || se > 60)
        return false;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    t = timegm(&tm);
    if (t == (time_t)-1)
        return false;
    *out = (long long)t;
    return true;
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
    if (!domain_ok(domain))
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

/* mkdir -p with mode 0700 for the directories it creates. */
static int
mkdir_p(const char *dir)
{
    char *p = xstrdup(dir);
    int ret = 0;

    for (char *s = p + 1; ; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char save = *s;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            ret = -1;
            break;
        }
        *s = save;
        if (save == '\0')
            break;
    }
    if (ret == 0) {
        struct stat sb;
        if (stat(dir, &sb) != 0)
            ret = -1;
        else if (!S_ISDIR(sb.st_mode)) {
            errno = ENOTDIR;
            ret = -1;
        }
    }
    free(p);
    return ret;
}

static void
fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static char *
dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
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
    char *d = dir_of(path);
    fsync_dir(d);
    free(d);
    return RC_OK;
}

/* ---- JSON ------------------------------------------------------------ */

static json_t *
strs_json(const struct state_strs *l)
{
    json_t *a = json_array();

    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

static json_t *
time_json(long long t)
{
    char buf[32];

    if (t <= 0)
        return json_null();
    util_rfc3339(t, buf);
    return json_string(buf);
}

static json_t *
answers_json(const struct state_answers *a)
{
    json_t *o = json_object();

    json_object_set_new(o, "providers", strs_json(&a->providers));
    json_object_set_new(o, "server_ips", strs_json(&a->server_ips));
    json_object_set_new(o, "includes", strs_json(&a->includes));
    json_object_set_new(o, "hostname", a->hostname != NULL ?
                        json_string(a->hostname) : json_null());
    json_object_set_new(o, "selectors", strs_json(&a->selectors));
    json_object_set_new(o, "dkim_keys", strs_json(&a->dkim_keys));
    json_object_set_new(o, "dmarc_policy", a->dmarc_policy != NULL ?
                        json_string(a->dmarc_policy) : json_null());
    json_object_set_new(o, "dmarc_rua", strs_json(&a->dmarc_rua));
    json_object_set_new(o, "dmarc_ruf", strs_json(&a->dmarc_ruf));
    json_object_set(o, "extras", a->extras);
    return o;
}

static json_t *
finding_json(const struct state_finding *f)
{
    json_t *o = json_object(), *args = json_array();

    json_object_set_new(o, "id", json_string(f->id));
    json_object_set_new(o, "severity", json_string(sev_name(f->sev)));
    json_object_set_new(o, "msgid", json_string(f->msgid));
    if (f->msgid_plural != NULL) {
        json_object_set_new(o, "msgid_plural",
                            json_string(f->msgid_plural));
        json_object_set_new(o, "n", json_integer((json_int_t)f->n));
    }
    for (int i = 0; i < f->nargs; i++)
        json_array_append_new(args, json_string(f->args[i]));
    json_object_set_new(o, "args", args);
    return o;
}

static json_t *
step_json(const struct state_step *s)
{
    json_t *o = json_object(), *fa = json_array();

    json_object_set_new(o, "status",
                        json_string(check_status_name(s->status)));
    json_object_set_new(o, "last_known_status",
                        json_string(check_status_name(s->last_known)));
    json_object_set_new(o, "checked_at", time_json(s->checked_at));
    json_object_set_new(o, "first_passed_at",
                        time_json(s->first_passed_at));
    for (size_t i = 0; i < s->n_findings; i++)
        json_array_append_new(fa, finding_json(&s->findings[i]));
    json_object_set_new(o, "findings", fa);
    json_object_set(o, "records", s->records);
    return o;
}

json_t *
state_to_json(const struct state *st)
{
    json_t *root = json_object(), *steps = json_object();
    const char *key;
    json_t *v;

    json_object_set_new(root, "format", json_string(STATE_FORMAT_NAME));
    json_object_set_new(root, "version",
                        json_integer(STATE_FORMAT_VERSION));
    json_object_set_new(root, "domain", json_string(st->domain));
    json_object_set_new(root, "checked_at", time_json(st->checked_at));
    json_object_set_new(root, "answers", answers_json(&st->answers));
    for (int i = 0; i < STEP_COUNT; i++)
        if (st->steps[i].present)
            json_object_set_new(steps, check_step_name(i),
                                step_json(&st->steps[i]));
    json_object_foreach(st->other_steps, key, v)
        if (json_object_get(steps, key) == NULL)
            json_object_set(steps, key, v);
    json_object_set_new(root, "steps", steps);
    return root;
}

/* Optional time: absent or null is 0. */
static bool
time_get(const json_t *o, const char *key, long long *out)
{
    const json_t *v = json_object_get(o, key);

    *out = 0;
    if (v == NULL || json_is_null(v))
        return true;
    return json_is_string(v) && state_time_parse(json_string_value(v), out);
}

/* Optional list of strings; absent or null is empty. */
static bool
strs_get(const json_t *o, const char *key, struct state_strs *l)
{
    const json_t *a = json_object_get(o, key), *v;
    size_t i;

    if (a == NULL || json_is_null(a))
        return true;
    if (!json_is_array(a) || json_array_size(a) > MAX_LIST)
        return false;
    json_array_foreach(a, i, v) {
        if (!json_is_string(v) || !text_ok(json_string_value(v), false))
            return false;
        state_strs_add(l, json_string_value(v));
    }
    return true;
}

/* Optional string; absent or null is NULL. */
static bool
str_get(const json_t *o, const char *key, char **out)
{
    const json_t *v = json_object_get(o, key);

    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v) || !text_ok(json_string_value(v), false))
        return false;
    *out = xstrdup(json_string_value(v));
    return true;
}

static bool
answers_parse(const json_t *o, struct state_answers *a)
{
    const json_t *ex;

    if (o == NULL || json_is_null(o))
        return true;
    if (!json_is_object(o))
        return false;
    if (!strs_get(o, "providers", &a->providers) ||
        !strs_get(o, "server_ips", &a->server_ips) ||
        !strs_get(o, "includes", &a->includes) ||
        !str_get(o, "hostname", &a->hostname) ||
        !strs_get(o, "selectors", &a->selectors) ||
        !strs_get(o, "dkim_keys", &a->dkim_keys) ||
        !str_get(o, "dmarc_policy", &a->dmarc_policy) ||
        !strs_get(o, "dmarc_rua", &a->dmarc_rua) ||
        !strs_get(o, "dmarc_ruf", &a->dmarc_ruf))
        return false;
    ex = json_object_get(o, "extras");
    if (ex != NULL && !json_is_null(ex)) {
        if (!json_is_object(ex))
            return false;
        json_decref(a->extras);
        a->extras = json_deep_copy(ex);
    }
    return true;
}

static bool
finding_parse(const json_t *o, struct state_finding *f)
{
    const json_t *id = json_object_get(o, "id");
    const json_t *sev = json_object_get(o, "severity");
    const json_t *msgid = json_object_get(o, "msgid");
    const json_t *pl = json_object_get(o, "msgid_plural");
    const json_t *n = json_object_get(o, "n");
    const json_t *args = json_object_get(o, "args"), *v;
    size_t i;

    if (!json_is_object(o) || !json_is_string(id) || !json_is_string(sev) ||
        !json_is_string(msgid))
        return false;
    if (!id_ok(json_string_value(id)) ||
        !sev_parse(json_string_value(sev), &f->sev) ||
        !msgid_ok(json_string_value(msgid)))
        return false;
    f->id = xstrdup(json_string_value(id));
    f->msgid = xstrdup(json_string_value(msgid));
    if (pl != NULL && !json_is_null(pl)) {
        if (!json_is_string(pl) || !msgid_ok(json_string_value(pl)) ||
            !json_is_integer(n) || json_integer_value(n) < 0)
            return false;
        f->msgid_plural = xstrdup(json_string_value(pl));
        f->n = (unsigned long)json_integer_value(n);
    }
    if (args == NULL || json_is_null(args))
        return true;
    if (!json_is_array(args) || json_array_size(args) > FINDING_MAX_ARGS)
        return false;
    json_array_foreach(args, i, v) {
        if (!json_is_string(v) || !text_ok(json_string_value(v), false))
            return false;
        f->args[f->nargs++] = xstrdup(json_string_value(v));
    }
    return true;
}

/* Records: strings (one line) and objects whose strings may hold
 * newlines (a "display" text); nested as deep as a record needs. */
static bool
records_ok(const json_t *v, int depth)
{
    const char *key;
    const json_t *e;
    size_t i;

    if (depth > 8)
        return false;
    if (json_is_string(v))
        return text_ok(json_string_value(v), depth > 1);
    if (json_is_array(v)) {
        if (json_array_size(v) > MAX_FINDINGS)
            return false;
        json_array_foreach(v, i, e)
            if (!records_ok(e, depth + 1))
                return false;
        return true;
    }
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, e)
            if (!text_ok(key, false) || !records_ok(e, depth + 1))
                return false;
        return true;
    }
    return json_is_integer(v) || json_is_real(v) || json_is_boolean(v) ||
        json_is_null(v);
}

static bool
step_parse(const json_t *o, struct state_step *s)
{
    const json_t *st = json_object_get(o, "status");
    const json_t *lk = json_object_get(o, "last_known_status");
    const json_t *fa = json_object_get(o, "findings");
    const json_t *rec = json_object_get(o, "records"), *v;
    size_t i;

    if (!json_is_object(o) || !json_is_string(st) || !json_is_array(fa))
        return false;
    if (!state_status_parse(json_string_value(st), &s->status))
        return false;
    s->last_known = s->status;
    if (lk != NULL && (!json_is_string(lk) ||
                       !state_status_parse(json_string_value(lk),
                                           &s->last_known)))
        return false;
    if (!time_get(o, "checked_at", &s->checked_at) ||
        !time_get(o, "first_passed_at", &s->first_passed_at))
        return false;
    if (json_array_size(fa) > MAX_FINDINGS)
        return false;
    s->findings = xcalloc(json_array_size(fa) + 1, sizeof(*s->findings));
    json_array_foreach(fa, i, v) {
        s->n_findings++;
        if (!finding_parse(v, &s->findings[i]))
            return false;
    }
    if (rec != NULL && !json_is_null(rec)) {
        if (!json_is_array(rec) || !records_ok(rec, 0))
            return false;
        json_decref(s->records);
        s->records = json_deep_copy(rec);
    }
    /* The status follows from the findings; a file saying otherwise was
     * edited or damaged. */
    enum check_status calc = ST_OK;
    for (i = 0; i < s->n_findings; i++)
        calc = check_status_worse(calc, sev_status(s->findings[i].sev));
    if (calc != s->status)
        return false;
    s->present = true;
    return true;
}

enum rc
state_from_json(const json_t *j, struct state **out)
{
    const json_t *ver, *fmt, *dom, *steps, *v;
    struct state *st = NULL;
    const char *key;

    *out = NULL;
    if (!json_is_object(j))
        return RC_PARSE;
    ver = json_object_get(j, "version");
    if (!json_is_integer(ver) || json_integer_value(ver) < 1)
        return RC_PARSE;
    if (json_integer_value(ver) > STATE_FORMAT_VERSION)
        return RC_UNSUPPORTED;
    fmt = json_object_get(j, "format");
    dom = json_object_get(j, "domain");
    if (!json_is_string(fmt) ||
        strcmp(json_string_value(fmt), STATE_FORMAT_NAME) != 0 ||
        !json_is_string(dom) || !domain_ok(json_string_value(dom)))
        return RC_PARSE;
    st = state_new(json_string_value(dom));
    st->version = (int)json_integer_value(ver);
    if (!time_get(j, "checked_at", &st->checked_at) ||
        !answers_parse(json_object_get(j, "answers"), &st->answers))
        goto bad;
    steps = json_object_get(j, "steps");
    if (steps != NULL && !json_is_null(steps)) {
        if (!json_is_object(steps))
            goto bad;
        json_object_foreach((json_t *)steps, key, v) {
            int k = check_step_from_name(key);

            if (k < 0 || strcmp(key, check_step_name(k)) != 0) {
                if (!json_is_object(v) || !text_ok(key, false) ||
                    json_object_size(st->other_steps) >= MAX_LIST)
                    goto bad;
                json_object_set_new(st->other_steps, key,
                                    json_deep_copy(v));
                continue;
            }
            if (!step_parse(v, &st->steps[k]))
                goto bad;
        }
    }
    *out = st;
    return RC_OK;
bad:
    state_free(st);
    return RC_PARSE;
}

struct state *
state_clone(const struct state *st)
{
    json_t *j = state_to_json(st);
    struct state *c = NULL;

    /* What state_to_json() writes, state_from_json() reads. */
    if (state_from_json(j, &c) != RC_OK)
        die("state_clone: %s", st->domain);
    c->version = st->version;
    json_decref(j);
    return c;
}

/* ---- files ----------------------------------------------------------- */

/* Read a whole regular file of at most STATE_MAX_BYTES. */
static enum rc
read_file(const char *path, char **buf, size_t *len, bool *too_big)
{
    struct stat sb;
    struct strbuf s = STRBUF_INIT;
    char chunk[8192];
    int fd;
    enum rc rc = RC_OK;

    *buf = NULL;
    *len = 0;
    *too_big = false;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? RC_NOTFOUND : RC_IO;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return RC_IO;
    }
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = RC_IO;
            break;
        }
        if (n == 0)
            break;
        if (s.len + (size_t)n > STATE_MAX_BYTES) {
            *too_big = true;
            break;
        }
        strbuf_add(&s, chunk, (size_t)n);
    }
    close(fd);
    if (rc != RC_OK) {
        strbuf_fini(&s);
        return rc;
    }
    *len = s.len;
    *buf = strbuf_detach(&s);
    return RC_OK;
}

enum rc
state_load(const char *dir, const char *domain, struct state **out,
           char **aside_path)
{
    char *owned = NULL, *path = NULL, *buf = NULL, *aside = NULL;
    const char *use;
    json_t *j = NULL;
    json_error_t jerr;
    size_t len;
    bool too_big;
    enum rc rc;

    *out = NULL;
    if (aside_path != NULL)
        *aside_path = NULL;
    if (pick_dir(dir, &owned, &use) != RC_OK)
        return RC_NOTFOUND;
    rc = state_path(use, domain, &path);
    if (rc != RC_OK)
        goto out;
    rc = read_file(path, &buf, &len, &too_big);
    if (rc != RC_OK)
        goto out;
    if (too_big) {
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
                       &aside) != RC_OK)
            rc = RC_IO;
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

static bool
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

enum rc
state_write_file(const char *path, const char *data, size_t len,
                 unsigned mode, char **err)
{
    char *dir = dir_of(path), *tmp = NULL;
    const char *base = strrchr(path, '/');
    const char *failed = NULL;
    int fd = -1, e = 0;
    enum rc rc = RC_IO;

    if (err != NULL)
        *err = NULL;
    base = base != NULL ? base + 1 : path;
    if (base[0] == '\0') {
        e = EISDIR;
        failed = path;
        goto out;
    }
    tmp = xasprintf("%s/.%s.XXXXXX", dir, base);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        /* Nothing was made: the directory is what cannot be written. */
        e = errno;
        failed = dir;
        free(tmp);
        tmp = NULL;
        goto out;
    }
    if (fchmod(fd, (mode_t)mode) != 0 || !write_all(fd, data, len) ||
        fsync(fd) != 0) {
        e = errno;
        failed = tmp;
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        e = errno;
        failed = tmp;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        e = errno;
        failed = path;
        goto out;
    }
    free(tmp);
    tmp = NULL;
    fsync_dir(dir);
    rc = RC_OK;
out:
    if (rc != RC_OK && err != NULL)
        *err = xasprintf("%s: %s", failed != NULL ? failed : path,
                         strerror(e));
    if (fd >= 0)
        close(fd);
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    free(dir);
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

enum rc
state_save(const char *dir, const struct state *st, char **err)
{
    char *owned = NULL, *path = NULL, *text = NULL;
    const char *use;
    json_t *j = NULL;
    enum rc rc;

    if (err != NULL)
        *err = NULL;
    if (pick_dir(dir, &owned, &use) != RC_OK) {
        if (err != NULL)
            *err = xstrdup("neither XDG_STATE_HOME nor HOME is set");
        return RC_NOTFOUND;
    }
    rc = state_path(use, st->domain, &path);
    if (rc != RC_OK) {
        if (err != NULL)
            *err = xstrdup(rc_msgid(rc));
        goto out;
    }
    if (mkdir_p(use) != 0) {
        if (err != NULL)
            *err = xasprintf("%s: %s", use, strerror(errno));
        rc = RC_IO;
        goto out;
    }
    remove_stale_tmp(use, st->domain);
    j = state_to_json(st);
    text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL) {
        rc = RC_NOMEM;
        goto out;
    }
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    text[len] = '\0';
    rc = state_write_file(path, text, len, 0600, err);
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
    if (text_ok(s, newline))
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

/* Add the selectors named in the DKIM step's records to the answers;
 * dkim_keys stays parallel to selectors when it is in use. */
static void
keep_dkim_selectors(struct state_answers *a, const json_t *records)
{
    const char *found[STATE_MAX_FOUND_SELECTORS];
    size_t n = check_dkim_record_selectors(records, found,
                                           STATE_MAX_FOUND_SELECTORS);

    for (size_t i = 0; i < n; i++) {
        bool have = false;

        for (size_t k = 0; k < a->selectors.n && !have; k++)
            have = str_ieq(a->selectors.v[k], found[i]);
        if (have || a->selectors.n >= STATE_MAX_FOUND_SELECTORS)
            continue;
        if (a->dkim_keys.n > 0)
            while (a->dkim_keys.n < a->selectors.n)
                state_strs_add(&a->dkim_keys, "");
        state_strs_add(&a->selectors, found[i]);
        if (a->dkim_keys.n > 0)
            state_strs_add(&a->dkim_keys, "");
    }
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
        step_clear(s);
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
        }
        json_decref(s->records);
        s->records = json_is_array(res->records) ?
            safe_json(res->records, 0) : json_array();
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
        if (!strs_has(l, s->findings[i].id))
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
            if (!strs_has(&oi, ni.v[k]))
                state_strs_add(&sd->appeared, ni.v[k]);
        for (size_t k = 0; k < oi.n; k++)
            if (!strs_has(&ni, oi.v[k]))
                state_strs_add(&sd->gone, oi.v[k]);
        if (o == NULL && n == NULL)
            sd->change = STATE_CH_UNCHANGED;
        else if (o == NULL)
            sd->change = STATE_CH_NEW;
        else if (n == NULL)
            sd->change = STATE_CH_GONE;
        else
            sd->change = classify(o, n, sd->appeared.n > 0 ||
                                  sd->gone.n > 0);
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
    case STATE_CH_GONE:
    default:
        return "gone";
    }
}
