/* state_json.c - the state file's JSON: writing, reading with bounds on
 * everything, and the migration of older formats.  See state.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailready/gen_mtasts.h"
#include "mailready/i18n.h"
#include "mailready/state.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"
#include "mailready/state_found.h"
#include "state_priv.h"

/* A domain usable as a file name: lower-case letters, digits, '-', '_'
 * and dots between non-empty labels. */
bool
state_domain_ok(const char *d)
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
bool
state_text_ok(const char *s, bool newline)
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

    if (!state_text_ok(s, true) || s[0] == '\0')
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
opt_str_json(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static json_t *
selectors_json(const struct state_answers *a)
{
    json_t *arr = json_array();

    for (size_t i = 0; i < a->n_selectors; i++) {
        const struct state_selector *s = &a->selectors[i];
        json_t *o = json_object();

        json_object_set_new(o, "name", json_string(s->name));
        json_object_set_new(o, "key_path", opt_str_json(s->key_path));
        json_object_set_new(o, "key_type", opt_str_json(s->key_type));
        json_object_set_new(o, "record", opt_str_json(s->record));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* The answers, one key per field of struct state_answers (format 2). */
static json_t *
answers_json(const struct state_answers *a)
{
    json_t *o = json_object();

    json_object_set_new(o, "answered", json_boolean(a->answered));
    json_object_set_new(o, "providers", strs_json(&a->providers));
    json_object_set_new(o, "server_ips", strs_json(&a->server_ips));
    json_object_set_new(o, "includes", strs_json(&a->includes));
    json_object_set_new(o, "hostname", opt_str_json(a->hostname));
    json_object_set_new(o, "mx_host", opt_str_json(a->mx_host));
    json_object_set_new(o, "own_send_only",
                        json_boolean(a->own_send_only));
    json_object_set_new(o, "no_mail", json_boolean(a->no_mail));
    json_object_set_new(o, "spf_hard_fail",
                        json_boolean(a->spf_hard_fail));
    json_object_set_new(o, "selectors", selectors_json(a));
    json_object_set_new(o, "dmarc_policy",
                        opt_str_json(state_policy_name(a->dmarc_policy)));
    json_object_set_new(o, "dmarc_sp",
                        opt_str_json(state_policy_name(a->dmarc_sp)));
    json_object_set_new(o, "dmarc_strict", json_boolean(a->dmarc_strict));
    json_object_set_new(o, "dmarc_rua", strs_json(&a->dmarc_rua));
    json_object_set_new(o, "dmarc_ruf", strs_json(&a->dmarc_ruf));
    json_object_set_new(o, "mta_sts", opt_str_json(a->mta_sts));
    json_object_set_new(o, "tls_rua", opt_str_json(a->tls_rua));
    json_object_set_new(o, "lang", opt_str_json(a->lang));
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
    if (f->msgid_args != 0) {
        json_t *m = json_array();

        for (int i = 0; i < f->nargs; i++)
            if (f->msgid_args & (1u << i))
                json_array_append_new(m, json_integer(i));
        json_object_set_new(o, "msgid_args", m);
    }
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
    json_object_set(o, "found", s->found);
    json_object_set_new(o, "unchecked_at", time_json(s->unchecked_at));
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
    if (st->dmarc_seen_policy != NULL) {
        json_t *o = json_object();

        json_object_set_new(o, "policy",
                            json_string(st->dmarc_seen_policy));
        json_object_set_new(o, "first_seen",
                            time_json(st->dmarc_seen_since));
        json_object_set_new(root, "dmarc_seen", o);
    }
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
        if (!json_is_string(v) || !state_text_ok(json_string_value(v), false))
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
    if (!json_is_string(v) || !state_text_ok(json_string_value(v), false))
        return false;
    *out = xstrdup(json_string_value(v));
    return true;
}

/* Optional boolean; absent or null is false. */
static bool
bool_get(const json_t *o, const char *key, bool *out)
{
    const json_t *v = json_object_get(o, key);

    *out = false;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_boolean(v))
        return false;
    *out = json_is_true(v);
    return true;
}

/* Optional policy name; absent or null is UNSET. */
static bool
policy_get(const json_t *o, const char *key, enum state_policy *out)
{
    const json_t *v = json_object_get(o, key);

    *out = STATE_POLICY_UNSET;
    if (v == NULL || json_is_null(v))
        return true;
    return json_is_string(v) && state_policy_parse(json_string_value(v),
                                                   out);
}

/* A record kept for a key: at most a DKIM record's worth. */
#define MAX_KEY_RECORD 8192

static bool
selectors_parse(const json_t *arr, struct state_answers *a)
{
    const json_t *v;
    size_t i;

    if (arr == NULL || json_is_null(arr))
        return true;
    if (!json_is_array(arr) || json_array_size(arr) > MAX_LIST)
        return false;
    json_array_foreach(arr, i, v) {
        char *name = NULL, *path = NULL, *type = NULL, *rec = NULL;
        bool ok = json_is_object(v) && str_get(v, "name", &name) &&
                  name != NULL && name[0] != '\0' &&
                  str_get(v, "key_path", &path) &&
                  str_get(v, "key_type", &type) &&
                  str_get(v, "record", &rec) &&
                  (rec == NULL || strlen(rec) < MAX_KEY_RECORD);

        if (ok && state_answers_selector(a, name) == NULL) {
            struct state_selector *s = state_answers_selector_add(a, name);

            s->key_path = path;
            s->key_type = type;
            s->record = rec;
            path = type = rec = NULL;
        }
        free(name);
        free(path);
        free(type);
        free(rec);
        if (!ok)
            return false;
    }
    return true;
}

/* Format 2: one key per field. */
static bool
answers_parse_v2(const json_t *o, struct state_answers *a)
{
    enum mtasts_mode m;

    return bool_get(o, "answered", &a->answered) &&
           strs_get(o, "providers", &a->providers) &&
           strs_get(o, "server_ips", &a->server_ips) &&
           strs_get(o, "includes", &a->includes) &&
           str_get(o, "hostname", &a->hostname) &&
           str_get(o, "mx_host", &a->mx_host) &&
           bool_get(o, "own_send_only", &a->own_send_only) &&
           bool_get(o, "no_mail", &a->no_mail) &&
           bool_get(o, "spf_hard_fail", &a->spf_hard_fail) &&
           selectors_parse(json_object_get(o, "selectors"), a) &&
           policy_get(o, "dmarc_policy", &a->dmarc_policy) &&
           policy_get(o, "dmarc_sp", &a->dmarc_sp) &&
           bool_get(o, "dmarc_strict", &a->dmarc_strict) &&
           strs_get(o, "dmarc_rua", &a->dmarc_rua) &&
           strs_get(o, "dmarc_ruf", &a->dmarc_ruf) &&
           str_get(o, "mta_sts", &a->mta_sts) &&
           (a->mta_sts == NULL || gen_mtasts_mode_parse(a->mta_sts, &m)) &&
           str_get(o, "tls_rua", &a->tls_rua) &&
           str_get(o, "lang", &a->lang) &&
           (a->lang == NULL || i18n_lang_supported(a->lang) != NULL);
}

/* Format 1 kept some answers in an untyped "extras" object, the
 * wizard's under extras.wizard, and the key files in a list parallel to
 * the selectors.  What those held moves to the typed fields; anything
 * else in extras is dropped (nothing read it). */
static bool
answers_parse_v1(const json_t *o, struct state_answers *a)
{
    struct state_strs sels = { NULL, 0 }, keys = { NULL, 0 };
    char *pol = NULL;
    const json_t *ex = json_object_get(o, "extras"), *w, *v;
    bool ok;

    ok = strs_get(o, "providers", &a->providers) &&
         strs_get(o, "server_ips", &a->server_ips) &&
         strs_get(o, "includes", &a->includes) &&
         str_get(o, "hostname", &a->hostname) &&
         strs_get(o, "selectors", &sels) &&
         strs_get(o, "dkim_keys", &keys) &&
         str_get(o, "dmarc_policy", &pol) &&
         strs_get(o, "dmarc_rua", &a->dmarc_rua) &&
         strs_get(o, "dmarc_ruf", &a->dmarc_ruf) &&
         (ex == NULL || json_is_null(ex) || json_is_object(ex));
    if (ok && pol != NULL && !state_policy_parse(pol, &a->dmarc_policy))
        ok = false;
    for (size_t i = 0; ok && i < sels.n; i++) {
        struct state_selector *s;

        if (sels.v[i][0] == '\0')
            continue;
        s = state_answers_selector_add(a, sels.v[i]);
        if (i < keys.n && keys.v[i][0] != '\0' && s->key_path == NULL)
            s->key_path = xstrdup(keys.v[i]);
    }
    state_strs_clear(&sels);
    state_strs_clear(&keys);
    free(pol);
    if (!ok || !json_is_object(ex))
        return ok;
    w = json_object_get(ex, "wizard");
    a->answered = json_is_true(json_object_get(w, "answered"));
    a->own_send_only = json_is_true(json_object_get(ex, "own_send_only"));
    a->spf_hard_fail = json_is_true(json_object_get(ex, "spf_hard_fail"));
    a->no_mail = json_is_true(json_object_get(ex, "no_mail"));
    a->dmarc_strict = json_is_true(json_object_get(ex, "dmarc_strict")) ||
                      json_is_true(json_object_get(w, "dmarc_strict"));
    v = json_object_get(ex, "mx_host");
    if (json_is_string(v) && state_text_ok(json_string_value(v), false))
        a->mx_host = xstrdup(json_string_value(v));
    /* The subdomain policy: a name at the top, or the wizard's 0-3 (0:
     * as the domain, 1 none, 2 quarantine, 3 reject). */
    v = json_object_get(ex, "dmarc_sp");
    if (!json_is_string(v) ||
        !state_policy_parse(json_string_value(v), &a->dmarc_sp)) {
        json_int_t sp = json_integer_value(json_object_get(w, "dmarc_sp"));

        if (sp >= 1 && sp <= 3)
            a->dmarc_sp = (enum state_policy)(STATE_POLICY_NONE + sp - 1);
    }
    /* The wizard's key: its type and record belong to the first
     * selector with a key file. */
    struct state_selector *k = state_answers_key(a);
    v = json_object_get(w, "dkim_type");
    if (k != NULL && json_is_string(v) &&
        (strcmp(json_string_value(v), "rsa") == 0 ||
         strcmp(json_string_value(v), "ed25519") == 0))
        k->key_type = xstrdup(json_string_value(v));
    v = json_object_get(w, "dkim_record");
    if (k != NULL && json_is_string(v) &&
        state_text_ok(json_string_value(v), false) &&
        strlen(json_string_value(v)) < MAX_KEY_RECORD)
        k->record = xstrdup(json_string_value(v));
    return true;
}

static bool
answers_parse(const json_t *o, int version, struct state_answers *a)
{
    if (o == NULL || json_is_null(o))
        return true;
    if (!json_is_object(o))
        return false;
    return version == 1 ? answers_parse_v1(o, a) : answers_parse_v2(o, a);
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
        if (!json_is_string(v) || !state_text_ok(json_string_value(v), false))
            return false;
        f->args[f->nargs++] = xstrdup(json_string_value(v));
    }
    /* Which arguments are msgids (optional; absent: none). */
    const json_t *m = json_object_get(o, "msgid_args");
    if (m != NULL && !json_is_null(m)) {
        if (!json_is_array(m) || json_array_size(m) > FINDING_MAX_ARGS)
            return false;
        json_array_foreach(m, i, v) {
            json_int_t k = json_integer_value(v);

            if (!json_is_integer(v) || k < 0 || k >= f->nargs)
                return false;
            f->msgid_args |= 1u << k;
        }
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
        return state_text_ok(json_string_value(v), depth > 1);
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
            if (!state_text_ok(key, false) || !records_ok(e, depth + 1))
                return false;
        return true;
    }
    return json_is_integer(v) || json_is_real(v) || json_is_boolean(v) ||
        json_is_null(v);
}

static bool
step_parse(const json_t *o, int k, struct state_step *s)
{
    const json_t *found = json_object_get(o, "found");
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
        !time_get(o, "unchecked_at", &s->unchecked_at) ||
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
    /* Version 2 kept no "found": it is what the records say. */
    if (found != NULL && !json_is_null(found)) {
        /* The old object stays owned by s until replaced: a refused
         * file still frees s once (state_free()). */
        if (!state_found_ok((enum check_step)k, found))
            return false;
        json_decref(s->found);
        s->found = json_deep_copy(found);
    } else {
        json_decref(s->found);
        s->found = state_found_from_records((enum check_step)k, s->records);
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

/* "dmarc_seen": {"policy": "none", "first_seen": TIME}, optional. */
static bool
dmarc_seen_parse(const json_t *o, struct state *st)
{
    const json_t *p;
    enum state_policy pol;

    if (o == NULL || json_is_null(o))
        return true;
    p = json_object_get(o, "policy");
    if (!json_is_object(o) || !json_is_string(p) ||
        !state_policy_parse(json_string_value(p), &pol) ||
        !time_get(o, "first_seen", &st->dmarc_seen_since))
        return false;
    st->dmarc_seen_policy = xstrdup(json_string_value(p));
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
        !json_is_string(dom) || !state_domain_ok(json_string_value(dom)))
        return RC_PARSE;
    st = state_new(json_string_value(dom));
    st->version = (int)json_integer_value(ver);
    if (!time_get(j, "checked_at", &st->checked_at) ||
        !answers_parse(json_object_get(j, "answers"), st->version,
                       &st->answers))
        goto bad;
    steps = json_object_get(j, "steps");
    if (steps != NULL && !json_is_null(steps)) {
        if (!json_is_object(steps))
            goto bad;
        json_object_foreach((json_t *)steps, key, v) {
            int k = check_step_from_name(key);

            if (k < 0 || strcmp(key, check_step_name(k)) != 0) {
                if (!json_is_object(v) || !state_text_ok(key, false) ||
                    json_object_size(st->other_steps) >= MAX_LIST)
                    goto bad;
                json_object_set_new(st->other_steps, key,
                                    json_deep_copy(v));
                continue;
            }
            if (!step_parse(v, k, &st->steps[k]))
                goto bad;
        }
    }
    if (!dmarc_seen_parse(json_object_get(j, "dmarc_seen"), st))
        goto bad;
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

