/* preset.c - provider presets from data/providers.json (jansson). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mailready/gen.h"
#include "mailready/gen_mx.h"
#include "mailready/name.h"
#include "mailready/file.h"
#include "mailready/preset.h"
#include "mailready/util.h"

/* Longest string we take from the file. */
#define PRESET_STR_MAX 2048

struct loader {
    char *err;
    const char *id;         /* provider being read, for messages */
};

static bool
fail(struct loader *ld, const char *field, const char *what)
{
    if (ld->err == NULL)
        ld->err = xasprintf("providers.json: %s: %s: %s",
                            ld->id != NULL ? ld->id : "?", field, what);
    return false;
}

/* A string member (NULL when absent); false if present but not a short
 * string. */
static bool
get_str(struct loader *ld, json_t *obj, const char *key, const char *field,
        char **out)
{
    json_t *v = json_object_get(obj, key);

    *out = NULL;
    if (v == NULL)
        return true;
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        json_string_length(v) > PRESET_STR_MAX ||
        strlen(json_string_value(v)) != json_string_length(v))
        return fail(ld, field, "not a usable string");
    *out = xstrdup(json_string_value(v));
    return true;
}

static bool
get_str_array(struct loader *ld, json_t *arr, const char *field,
              char ***out, size_t *n)
{
    size_t i;
    json_t *v;

    *out = NULL;
    *n = 0;
    if (arr == NULL)
        return true;
    if (!json_is_array(arr) || json_array_size(arr) > 64)
        return fail(ld, field, "not a list of strings");
    *out = xcalloc(json_array_size(arr) + 1, sizeof(**out));
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v) || json_string_length(v) > PRESET_STR_MAX)
            return fail(ld, field, "not a list of strings");
        (*out)[(*n)++] = xstrdup(json_string_value(v));
    }
    return true;
}

/* A sourced value: {value, source, checked[, read_from, note]}.  Returns
 * the "value" member, or NULL (absent: *ok stays true). */
static json_t *
sourced(struct loader *ld, json_t *prov, const char *key, bool *ok)
{
    json_t *o = json_object_get(prov, key), *v, *src, *chk;

    if (o == NULL)
        return NULL;
    if (!json_is_object(o)) {
        *ok = fail(ld, key, "not an object");
        return NULL;
    }
    v = json_object_get(o, "value");
    src = json_object_get(o, "source");
    chk = json_object_get(o, "checked");
    if (v == NULL) {
        *ok = fail(ld, key, "no value");
        return NULL;
    }
    if (!json_is_string(src) ||
        strncmp(json_string_value(src), "https://", 8) != 0) {
        *ok = fail(ld, key, "no source (an https:// URL)");
        return NULL;
    }
    if (!json_is_string(chk) || json_string_length(chk) != 10) {
        *ok = fail(ld, key, "no checked date (YYYY-MM-DD)");
        return NULL;
    }
    return v;
}

static bool
load_mx(struct loader *ld, json_t *prov, struct preset *p)
{
    bool ok = true;
    json_t *v = sourced(ld, prov, "mx", &ok), *e;
    json_t *o = json_object_get(prov, "mx");
    size_t i;

    if (v == NULL)
        return ok;
    if (!json_is_array(v) || json_array_size(v) == 0 ||
        json_array_size(v) > 16)
        return fail(ld, "mx", "value is not a list of 1..16 hosts");
    p->mx = xcalloc(json_array_size(v), sizeof(*p->mx));
    json_array_foreach(v, i, e) {
        json_t *pref = json_object_get(e, "pref");
        char *host = NULL, *exp = NULL;

        if (!json_is_integer(pref) || json_integer_value(pref) < 0 ||
            json_integer_value(pref) > 65535)
            return fail(ld, "mx", "pref is not 0..65535");
        if (!get_str(ld, e, "host", "mx.host", &host) || host == NULL)
            return fail(ld, "mx", "host missing");
        p->mx[p->n_mx].pref = (unsigned)json_integer_value(pref);
        p->mx[p->n_mx].host = host;
        p->n_mx++;
        /* The template must give a host name for a plain domain. */
        if (gen_mx_expand(host, "example.com", &exp) != RC_OK)
            return fail(ld, "mx", "host is not a host name or template");
        free(exp);
    }
    p->mx_tenant_specific = json_is_true(json_object_get(o,
                                                         "tenant_specific"));
    return get_str(ld, o, "note", "mx.note", &p->mx_note);
}

static bool
load_spf(struct loader *ld, json_t *prov, struct preset *p)
{
    bool ok = true;
    json_t *v = sourced(ld, prov, "spf", &ok), *lk, *at;

    if (v == NULL)
        return ok;
    if (!get_str(ld, v, "include", "spf.include", &p->spf_include) ||
        p->spf_include == NULL || !gen_name_ok(p->spf_include))
        return fail(ld, "spf", "include is not a domain name");
    lk = json_object_get(v, "lookups");
    if (lk != NULL && (!json_is_integer(lk) || json_integer_value(lk) < 0 ||
                       json_integer_value(lk) > 10))
        return fail(ld, "spf", "lookups is not 0..10");
    p->spf_lookups = lk != NULL ? (unsigned)json_integer_value(lk) : 0;
    at = json_object_get(v, "at");
    if (at != NULL && !json_is_string(at))
        return fail(ld, "spf", "at is not apex or return-path");
    p->spf_at_apex = at == NULL || strcmp(json_string_value(at), "apex") == 0;
    if (at != NULL && !p->spf_at_apex &&
        strcmp(json_string_value(at), "return-path") != 0)
        return fail(ld, "spf", "at is not apex or return-path");
    return true;
}

static bool
load_dkim(struct loader *ld, json_t *prov, struct preset *p)
{
    bool ok = true;
    json_t *v = sourced(ld, prov, "dkim", &ok), *o, *cn, *e;
    char *kind = NULL;
    size_t i;

    if (v == NULL)
        return ok;
    o = json_object_get(prov, "dkim");
    if (!get_str_array(ld, json_object_get(v, "selectors"), "dkim.selectors",
                       &p->dkim_selectors, &p->n_dkim_selectors) ||
        !get_str(ld, v, "kind", "dkim.kind", &kind))
        return false;
    if (kind == NULL || (strcmp(kind, "txt") != 0 &&
                         strcmp(kind, "cname") != 0)) {
        free(kind);
        return fail(ld, "dkim", "kind is not txt or cname");
    }
    p->dkim_cname = strcmp(kind, "cname") == 0;
    free(kind);
    cn = json_object_get(v, "cnames");
    if (cn != NULL) {
        if (!json_is_array(cn) || json_array_size(cn) > 8)
            return fail(ld, "dkim", "cnames is not a list");
        p->dkim_cnames = xcalloc(json_array_size(cn) + 1,
                                 sizeof(*p->dkim_cnames));
        json_array_foreach(cn, i, e) {
            struct preset_cname *c = &p->dkim_cnames[p->n_dkim_cnames++];

            if (!get_str(ld, e, "selector", "dkim.cnames", &c->selector) ||
                !get_str(ld, e, "target", "dkim.cnames", &c->target))
                return false;
            if (c->selector == NULL || c->target == NULL ||
                !gen_name_ok(c->selector) || !name_is_hostname(c->target))
                return fail(ld, "dkim", "a cname is not selector + host");
        }
    }
    return get_str(ld, v, "target", "dkim.target", &p->dkim_target) &&
           get_str(ld, v, "console", "dkim.console", &p->dkim_console) &&
           get_str(ld, o, "note", "dkim.note", &p->dkim_note);
}

static bool
id_ok(const char *id)
{
    size_t n = strlen(id);

    if (n == 0 || n > 32)
        return false;
    for (const char *c = id; *c != '\0'; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-'))
            return false;
    return true;
}

static bool
load_provider(struct loader *ld, json_t *prov, struct preset *p)
{
    char *kind = NULL;
    bool ok = true;
    json_t *guide;

    if (!json_is_object(prov))
        return fail(ld, "providers", "an entry is not an object");
    if (!get_str(ld, prov, "id", "id", &p->id) || p->id == NULL ||
        !id_ok(p->id))
        return fail(ld, "id", "missing or not [a-z0-9-]");
    ld->id = p->id;
    if (!get_str(ld, prov, "name", "name", &p->name) || p->name == NULL)
        return fail(ld, "name", "missing");
    if (!get_str(ld, prov, "kind", "kind", &kind) || kind == NULL)
        return fail(ld, "kind", "missing");
    if (strcmp(kind, "mailbox") == 0)
        p->kind = PRESET_MAILBOX;
    else if (strcmp(kind, "sending") == 0)
        p->kind = PRESET_SENDING;
    else if (strcmp(kind, "own") == 0)
        p->kind = PRESET_OWN;
    else
        ok = fail(ld, "kind", "not mailbox, sending or own");
    free(kind);
    if (!ok)
        return false;
    guide = sourced(ld, prov, "guide", &ok);
    if (!ok)
        return false;
    if (guide != NULL) {
        if (!json_is_string(guide) ||
            strncmp(json_string_value(guide), "https://", 8) != 0)
            return fail(ld, "guide", "value is not an https:// URL");
        p->guide = xstrdup(json_string_value(guide));
    }
    return load_mx(ld, prov, p) && load_spf(ld, prov, p) &&
           load_dkim(ld, prov, p) &&
           get_str_array(ld, json_object_get(prov, "unknown"), "unknown",
                         &p->unknown, &p->n_unknown) &&
           get_str_array(ld, json_object_get(prov, "notes"), "notes",
                         &p->notes, &p->n_notes);
}

/* The list is not usable: say which file, with the loader's technical
 * detail (which provider, which field) quoted as it is, as a parse
 * error's line is. */
static void
bad_list(struct rc_err *err, const char *name, const char *detail)
{
    rc_err_set(err, 0, N_("The provider list %1$s cannot be used: %2$s"),
               2, name, detail);
}

static enum rc
load_root(json_t *root, const char *name, struct preset_list **out,
          struct rc_err *err)
{
    struct loader ld = { NULL, NULL };
    struct preset_list *l;
    json_t *provs, *prov;
    size_t i;

    provs = json_is_object(root) ? json_object_get(root, "providers") : NULL;
    if (!json_is_array(provs) || json_array_size(provs) > 256) {
        bad_list(err, name, "no \"providers\" list");
        return RC_PARSE;
    }
    l = xcalloc(1, sizeof(*l));
    l->v = xcalloc(json_array_size(provs) + 1, sizeof(*l->v));
    json_array_foreach(provs, i, prov) {
        ld.id = NULL;
        l->n++;
        if (!load_provider(&ld, prov, &l->v[l->n - 1]))
            break;
        for (size_t k = 0; k + 1 < l->n; k++)
            if (str_ieq(l->v[k].id, l->v[l->n - 1].id))
                fail(&ld, "id", "used twice");
        if (ld.err != NULL)
            break;
    }
    if (ld.err != NULL) {
        preset_list_free(l);
        bad_list(err, name, ld.err);
        free(ld.err);
        return RC_PARSE;
    }
    *out = l;
    return RC_OK;
}

static enum rc
load_json(const char *text, size_t len, const char *name,
          struct preset_list **out, struct rc_err *err)
{
    json_error_t je;
    json_t *root;
    enum rc rc;

    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        char *detail = xasprintf("line %d: %s", je.line, je.text);

        bad_list(err, name, detail);
        free(detail);
        return RC_PARSE;
    }
    rc = load_root(root, name, out, err);
    json_decref(root);
    return rc;
}

enum rc
preset_load_text(const char *text, struct preset_list **out,
                 struct rc_err *err)
{
    *out = NULL;
    return load_json(text, strlen(text), "providers.json", out, err);
}

/* Largest provider list read. */
#define PRESET_MAX_BYTES (1024u * 1024)

enum rc
preset_load(const char *path, struct preset_list **out, struct rc_err *err)
{
    char *text = NULL;
    size_t len;
    enum rc rc;

    *out = NULL;
    rc = file_read(path, PRESET_MAX_BYTES, &text, &len, err);
    if (rc != RC_OK)
        return rc;
    rc = load_json(text, len, path, out, err);
    free(text);
    return rc;
}

static void
free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void
preset_list_free(struct preset_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        struct preset *p = &l->v[i];

        free(p->id);
        free(p->name);
        free(p->guide);
        for (size_t k = 0; k < p->n_mx; k++)
            free(p->mx[k].host);
        free(p->mx);
        free(p->mx_note);
        free(p->spf_include);
        free_strs(p->dkim_selectors, p->n_dkim_selectors);
        for (size_t k = 0; k < p->n_dkim_cnames; k++) {
            free(p->dkim_cnames[k].selector);
            free(p->dkim_cnames[k].target);
        }
        free(p->dkim_cnames);
        free(p->dkim_target);
        free(p->dkim_console);
        free(p->dkim_note);
        free_strs(p->unknown, p->n_unknown);
        free_strs(p->notes, p->n_notes);
    }
    free(l->v);
    free(l);
}

const struct preset *
preset_find(const struct preset_list *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (str_ieq(l->v[i].id, id))
            return &l->v[i];
    return NULL;
}

char *
preset_path(const char *datadir)
{
    return xasprintf("%s/providers.json", datadir);
}
