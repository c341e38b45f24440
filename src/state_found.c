/* state_found.c - the normalised content of what a step found, and what
 * changed in it between two runs.  See state_found.h. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/i18n.h"
#include "mailready/net.h"
#include "mailready/state_found.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* ---- building the normalised form ------------------------------------ */

/* Text the form may hold: not empty, bounded, no control character
 * (what state_found_ok() takes back). */
static bool
text_fits(const char *s)
{
    if (s == NULL || s[0] == '\0' || strlen(s) > STATE_FOUND_MAX_STR)
        return false;
    for (const char *p = s; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static const char *
str_of(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;

    return text_fits(s) ? s : NULL;
}

/* A host name as kept: without the final dot, lower case. */
static char *
host_norm(const char *s, size_t len)
{
    char *h;

    while (len > 1 && s[len - 1] == '.')
        len--;
    h = xstrndup(s, len);
    for (char *p = h; *p != '\0'; p++)
        *p = (char)tolower((unsigned char)*p);
    return h;
}

static int
cmp_mx(const void *a, const void *b)
{
    const json_t *x = *(const json_t *const *)a;
    const json_t *y = *(const json_t *const *)b;
    json_int_t px = json_integer_value(json_object_get(x, "preference"));
    json_int_t py = json_integer_value(json_object_get(y, "preference"));

    if (px != py)
        return px < py ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "host")),
                  json_string_value(json_object_get(y, "host")));
}

static int
cmp_key(const void *a, const void *b, const char *key)
{
    const json_t *x = *(const json_t *const *)a;
    const json_t *y = *(const json_t *const *)b;

    if (json_is_string(x))
        return strcmp(json_string_value(x), json_string_value(y));
    return strcmp(json_string_value(json_object_get(x, key)),
                  json_string_value(json_object_get(y, key)));
}

static int
cmp_str(const void *a, const void *b)
{
    return cmp_key(a, b, NULL);
}

static int
cmp_selector(const void *a, const void *b)
{
    return cmp_key(a, b, "selector");
}

static int
cmp_address(const void *a, const void *b)
{
    return cmp_key(a, b, "address");
}

/* Sort the array arr with cmp (a new array replaces the old). */
static json_t *
sorted(json_t *arr, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(arr);
    json_t **v = xcalloc(n + 1, sizeof(*v)), *out = json_array();

    for (size_t i = 0; i < n; i++)
        v[i] = json_array_get(arr, i);
    qsort(v, n, sizeof(*v), cmp);
    for (size_t i = 0; i < n; i++)
        json_array_append(out, v[i]);
    free(v);
    json_decref(arr);
    return out;
}

static bool
has_str(const json_t *arr, const char *s)
{
    size_t i;
    const json_t *e;

    json_array_foreach(arr, i, e)
        if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
            return true;
    return false;
}

/* The entry of arr whose key is s, or NULL. */
static json_t *
entry_of(const json_t *arr, const char *key, const char *s)
{
    size_t i;
    json_t *e;

    json_array_foreach(arr, i, e) {
        const char *k = json_string_value(json_object_get(e, key));

        if (k != NULL && strcmp(k, s) == 0)
            return e;
    }
    return NULL;
}

static json_t *
found_mx(const json_t *records)
{
    json_t *l = json_array(), *o = json_object();
    size_t i;
    const json_t *r;

    json_array_foreach(records, i, r) {
        const char *h = str_of(r, "host");
        const json_t *p = json_object_get(r, "preference");
        json_t *e;
        char *hn;

        if (h == NULL || !json_is_integer(p) ||
            json_integer_value(p) < 0 || json_integer_value(p) > 65535 ||
            json_array_size(l) >= STATE_FOUND_MAX)
            continue;
        hn = host_norm(h, strlen(h));
        e = json_object();
        json_object_set_new(e, "host", json_string(hn));
        json_object_set_new(e, "preference",
                            json_integer(json_integer_value(p)));
        free(hn);
        json_array_append_new(l, e);
    }
    json_object_set_new(o, "mx", sorted(l, cmp_mx));
    return o;
}

/* SPF: the record of the domain itself (the root of the include tree);
 * plain strings starting with v=spf1 are taken too.  A root that has a
 * record the check could not use (a syntax error, two records) has no
 * text here: its state says why ("unusable"). */
static json_t *
found_spf(const json_t *records)
{
    json_t *l = json_array(), *o = json_object();
    const char *unusable = NULL;
    size_t i;
    const json_t *r;

    json_array_foreach(records, i, r) {
        const char *s = NULL;

        if (json_is_object(r) && json_object_get(r, "children") != NULL) {
            const char *st = str_of(r, "status");

            s = str_of(r, "record");
            if (s == NULL && unusable == NULL && st != NULL &&
                (strcmp(st, "syntax") == 0 || strcmp(st, "multiple") == 0))
                unusable = st;
        }
        else if (json_is_string(r) && text_fits(json_string_value(r)) &&
                 str_nieq(json_string_value(r), "v=spf1", 6))
            s = json_string_value(r);
        if (s != NULL && !has_str(l, s) &&
            json_array_size(l) < STATE_FOUND_MAX)
            json_array_append_new(l, json_string(s));
    }
    json_object_set_new(o, "spf", sorted(l, cmp_str));
    if (unusable != NULL && json_array_size(json_object_get(o, "spf")) == 0)
        json_object_set_new(o, "unusable", json_string(unusable));
    return o;
}

static json_t *
found_dkim(const json_t *records)
{
    json_t *l = json_array(), *o = json_object();
    size_t i;
    const json_t *r;

    json_array_foreach(records, i, r) {
        const char *sel = str_of(r, "selector"), *rec = str_of(r, "record");
        json_t *e;

        if (sel == NULL || rec == NULL || entry_of(l, "selector", sel) ||
            json_array_size(l) >= STATE_FOUND_MAX)
            continue;
        e = json_object();
        json_object_set_new(e, "selector", json_string(sel));
        json_object_set_new(e, "record", json_string(rec));
        json_array_append_new(l, e);
    }
    json_object_set_new(o, "dkim", sorted(l, cmp_selector));
    return o;
}

static json_t *
found_dmarc(const json_t *records)
{
    json_t *l = json_array(), *o = json_object();
    size_t i;
    const json_t *r;

    json_array_foreach(records, i, r) {
        const char *s = str_of(r, "record");

        if (s != NULL && !has_str(l, s) &&
            json_array_size(l) < STATE_FOUND_MAX)
            json_array_append_new(l, json_string(s));
    }
    json_object_set_new(o, "dmarc", sorted(l, cmp_str));
    return o;
}

/* "4.3.2.1.in-addr.arpa" or the ip6.arpa nibbles to the address text;
 * false if rev is neither. */
static bool
rev_to_address(const char *rev, size_t len, char *out, size_t size)
{
    static const char v4[] = ".in-addr.arpa", v6[] = ".ip6.arpa";
    unsigned char b[16] = { 0 };
    struct ipaddr ip;
    char buf[80];

    while (len > 0 && rev[len - 1] == '.')
        len--;
    if (len >= sizeof(buf))
        return false;
    memcpy(buf, rev, len);
    buf[len] = '\0';
    if (len > sizeof(v4) - 1 &&
        str_ieq(buf + len - (sizeof(v4) - 1), v4)) {
        unsigned long oct[4];
        int n = 0;
        char *p = buf, *end = buf + len - (sizeof(v4) - 1);

        *end = '\0';
        while (n < 4 && p < end) {
            char *dot = strchr(p, '.');

            if (dot != NULL)
                *dot = '\0';
            if (!str_to_uint(p, 0, 255, &oct[n++]))
                return false;
            p = dot != NULL ? dot + 1 : end;
        }
        if (n != 4 || p < end)
            return false;
        for (int k = 0; k < 4; k++)
            b[k] = (unsigned char)oct[3 - k];
        net_from_bytes(&ip, AF_INET, b);
    } else if (len == 64 + sizeof(v6) - 1 - 1 &&
               str_ieq(buf + 63, v6)) {
        for (int k = 0; k < 32; k++) {
            char c = (char)tolower((unsigned char)buf[2 * k]);
            int v;

            if ((k < 31 && buf[2 * k + 1] != '.') ||
                !isxdigit((unsigned char)c))
                return false;
            v = c <= '9' ? c - '0' : c - 'a' + 10;
            /* Nibble k counts from the last one of the address. */
            b[15 - k / 2] |= (unsigned char)(k % 2 == 0 ? v : v << 4);
        }
        net_from_bytes(&ip, AF_INET6, b);
    } else {
        return false;
    }
    if (size < 46)
        return false;
    net_format(&ip, out, size);
    return true;
}

/* PTR records are lines "REVNAME PTR NAME -> ...". */
static json_t *
found_ptr(const json_t *records)
{
    json_t *l = json_array(), *o = json_object();
    size_t i;
    const json_t *r;

    json_array_foreach(records, i, r) {
        const char *s = json_string_value(r), *p, *name, *end;
        char addr[64];
        json_t *e, *names;
        char *hn;

        if (!text_fits(s))
            continue;
        p = strstr(s, " PTR ");
        if (p == NULL || !rev_to_address(s, (size_t)(p - s), addr,
                                          sizeof(addr)))
            continue;
        name = p + 5;
        end = strstr(name, " -> ");
        if (end == NULL)
            end = name + strlen(name);
        if (end == name)
            continue;
        hn = host_norm(name, (size_t)(end - name));
        e = entry_of(l, "address", addr);
        if (e == NULL && json_array_size(l) < STATE_FOUND_MAX) {
            e = json_object();
            json_object_set_new(e, "address", json_string(addr));
            json_object_set_new(e, "names", json_array());
            json_array_append_new(l, e);
        }
        names = e != NULL ? json_object_get(e, "names") : NULL;
        if (names != NULL && !has_str(names, hn) &&
            json_array_size(names) < STATE_FOUND_MAX)
            json_array_append_new(names, json_string(hn));
        free(hn);
    }
    for (i = 0; i < json_array_size(l); i++) {
        json_t *e = json_array_get(l, i);

        json_object_set_new(e, "names",
                            sorted(json_incref(json_object_get(e, "names")),
                                   cmp_str));
    }
    json_object_set_new(o, "ptr", sorted(l, cmp_address));
    return o;
}

json_t *
state_found_from_records(enum check_step step, const json_t *records)
{
    /* Not an array: nothing found (the loops below see no element). */
    if (!json_is_array(records))
        records = NULL;
    switch (step) {
    case STEP_MX:
        return found_mx(records);
    case STEP_SPF:
        return found_spf(records);
    case STEP_DKIM:
        return found_dkim(records);
    case STEP_DMARC:
        return found_dmarc(records);
    case STEP_PTR:
        return found_ptr(records);
    default:
        return json_object();
    }
}

/* ---- checking a loaded form ------------------------------------------ */

static bool
text_ok(const json_t *v)
{
    return text_fits(json_string_value(v));
}

static bool
list_ok(const json_t *l, const char *k1, const char *k2)
{
    size_t i;
    const json_t *e;

    if (!json_is_array(l) || json_array_size(l) > STATE_FOUND_MAX)
        return false;
    json_array_foreach(l, i, e) {
        if (k1 == NULL) {
            if (!text_ok(e))
                return false;
            continue;
        }
        if (!json_is_object(e) || !text_ok(json_object_get(e, k1)))
            return false;
        if (k2 != NULL) {
            const json_t *v = json_object_get(e, k2);

            if (strcmp(k2, "preference") == 0) {
                if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                    json_integer_value(v) > 65535)
                    return false;
            } else if (strcmp(k2, "names") == 0) {
                if (!list_ok(v, NULL, NULL))
                    return false;
            } else if (!text_ok(v)) {
                return false;
            }
        }
    }
    return true;
}

bool
state_found_ok(enum check_step step, const json_t *j)
{
    const json_t *u = json_object_get(j, "unusable");

    if (step == STEP_SPF && u != NULL) {
        const char *s = json_string_value(u);

        if (s == NULL || (strcmp(s, "syntax") != 0 &&
                          strcmp(s, "multiple") != 0) ||
            json_object_size(j) != 2)
            return false;
    } else if (!json_is_object(j) || json_object_size(j) > 1) {
        return false;
    }
    if (json_object_size(j) == 0)
        return true;            /* nothing kept (a hand-made state) */
    switch (step) {
    case STEP_MX:
        return list_ok(json_object_get(j, "mx"), "host", "preference");
    case STEP_SPF:
        return list_ok(json_object_get(j, "spf"), NULL, NULL);
    case STEP_DKIM:
        return list_ok(json_object_get(j, "dkim"), "selector", "record");
    case STEP_DMARC:
        return list_ok(json_object_get(j, "dmarc"), NULL, NULL);
    case STEP_PTR:
        return list_ok(json_object_get(j, "ptr"), "address", "names");
    default:
        return json_object_size(j) == 0;
    }
}

/* ---- the difference in words ----------------------------------------- */

/* Add a note; the arguments end with NULL (the note() macro adds it). */
static void
note_addl(struct state_notes *l, const char *id, const char *msgid, ...)
{
    struct state_note *n;
    const char *a;
    va_list ap;

    l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
    n = &l->v[l->n++];
    memset(n, 0, sizeof(*n));
    n->id = id;
    n->msgid = msgid;
    va_start(ap, msgid);
    while ((a = va_arg(ap, const char *)) != NULL)
        if (n->nargs < STATE_NOTE_MAX_ARGS)
            n->args[n->nargs++] = xstrdup(a);
    va_end(ap);
}

#define note(l, id, msgid, ...) \
    note_addl((l), (id), (msgid), __VA_ARGS__, (const char *)NULL)

void
state_notes_fini(struct state_notes *l)
{
    for (size_t i = 0; i < l->n; i++)
        for (int k = 0; k < l->v[i].nargs; k++)
            free(l->v[i].args[k]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void
state_note_view(const struct state_note *n, struct finding *out)
{
    memset(out, 0, sizeof(*out));
    out->sev = SEV_INFO;
    out->id = n->id;
    out->msgid = n->msgid;
    out->nargs = n->nargs;
    for (int i = 0; i < n->nargs; i++)
        out->args[i] = n->args[i];
}

/* The list under key, or NULL, which every loop here takes as an empty
 * list (json_array_size(NULL) is 0). */
static const json_t *
list_of(const json_t *found, const char *key)
{
    const json_t *l = json_object_get(found, key);

    return json_is_array(l) ? l : NULL;
}

static const char *
host_of(const json_t *e)
{
    const char *h = json_string_value(json_object_get(e, "host"));

    return h != NULL ? h : "";
}

static const json_t *
mx_find(const json_t *l, const char *host)
{
    size_t i;
    const json_t *e;

    json_array_foreach(l, i, e)
        if (str_ieq(host_of(e), host))
            return e;
    return NULL;
}

static void
diff_mx(const json_t *o, const json_t *n, struct state_notes *out)
{
    const json_t *ol = list_of(o, "mx"), *nl = list_of(n, "mx"), *e;
    size_t i, added = 0, removed = 0;
    const json_t *one_added = NULL, *one_removed = NULL;
    char pa[24], pb[24];

    json_array_foreach(nl, i, e)
        if (mx_find(ol, host_of(e)) == NULL) {
            added++;
            one_added = e;
        }
    json_array_foreach(ol, i, e)
        if (mx_find(nl, host_of(e)) == NULL) {
            removed++;
            one_removed = e;
        }
    /* One host in place of another: say it as one change. */
    if (added == 1 && removed == 1) {
        note(out, "CHANGE_MX_REPLACED",
                    N_("The MX now points to %1$s instead of %2$s."),
                    host_of(one_added), host_of(one_removed));
    } else {
        json_array_foreach(nl, i, e) {
            if (mx_find(ol, host_of(e)) != NULL)
                continue;
            snprintf(pa, sizeof(pa), "%lld", (long long)json_integer_value(
                         json_object_get(e, "preference")));
            note(out, "CHANGE_MX_ADDED",
                        N_("The MX now also points to %1$s (preference "
                           "%2$s)."), host_of(e), pa);
        }
        json_array_foreach(ol, i, e)
            if (mx_find(nl, host_of(e)) == NULL)
                note(out, "CHANGE_MX_REMOVED",
                            N_("The MX no longer points to %s."),
                            host_of(e));
    }
    json_array_foreach(nl, i, e) {
        const json_t *was = mx_find(ol, host_of(e));
        json_int_t a, b;

        if (was == NULL)
            continue;
        a = json_integer_value(json_object_get(was, "preference"));
        b = json_integer_value(json_object_get(e, "preference"));
        if (a == b)
            continue;
        snprintf(pa, sizeof(pa), "%lld", (long long)a);
        snprintf(pb, sizeof(pb), "%lld", (long long)b);
        note(out, "CHANGE_MX_PREFERENCE",
                    N_("The preference of the MX %1$s went from %2$s to "
                       "%3$s."), host_of(e), pa, pb);
    }
}

/* The terms of a record after its version tag ("v=spf1"), split at
 * spaces, into a new array of strings. */
static json_t *
terms_of(const char *rec)
{
    json_t *l = json_array();
    const char *p = rec;
    bool first = true;

    while (*p != '\0' && json_array_size(l) < STATE_FOUND_MAX) {
        size_t len;

        while (*p == ' ' || *p == '\t')
            p++;
        len = strcspn(p, " \t");
        if (len == 0)
            break;
        if (!(first && len == 6 && str_nieq(p, "v=spf1", 6))) {
            char *t = xstrndup(p, len);

            json_array_append_new(l, json_string(t));
            free(t);
        }
        first = false;
        p += len;
    }
    return l;
}

static bool
is_all(const char *t)
{
    if (*t == '+' || *t == '-' || *t == '~' || *t == '?')
        t++;
    return str_ieq(t, "all");
}

static bool
has_term(const json_t *l, const char *t)
{
    size_t i;
    const json_t *e;

    json_array_foreach(l, i, e)
        if (str_ieq(json_string_value(e), t))
            return true;
    return false;
}

static const char *
all_of(const json_t *l)
{
    size_t i;
    const json_t *e;

    json_array_foreach(l, i, e)
        if (is_all(json_string_value(e)))
            return json_string_value(e);
    return NULL;
}

static void
diff_spf_terms(const char *orec, const char *nrec, struct state_notes *out)
{
    json_t *ot = terms_of(orec), *nt = terms_of(nrec);
    const char *oa = all_of(ot), *na = all_of(nt);
    size_t i;
    const json_t *e;

    json_array_foreach(nt, i, e) {
        const char *t = json_string_value(e);

        if (!has_term(ot, t) && !(is_all(t) && oa != NULL))
            note(out, "CHANGE_SPF_GAINED",
                        N_("SPF gained %s."), t);
    }
    json_array_foreach(ot, i, e) {
        const char *t = json_string_value(e);

        if (!has_term(nt, t) && !(is_all(t) && na != NULL))
            note(out, "CHANGE_SPF_LOST",
                        N_("SPF lost %s."), t);
    }
    if (oa != NULL && na != NULL && !str_ieq(oa, na))
        note(out, "CHANGE_SPF_ALL",
                    N_("The SPF record now ends in %1$s instead of %2$s."),
                    na, oa);
    json_decref(ot);
    json_decref(nt);
}

static void
diff_spf(const json_t *o, const json_t *n, struct state_notes *out)
{
    const json_t *ol = list_of(o, "spf"), *nl = list_of(n, "spf"), *e;
    size_t i;

    bool o_bad = json_object_get(o, "unusable") != NULL;
    bool n_bad = json_object_get(n, "unusable") != NULL;

    if (json_array_size(ol) == 1 && json_array_size(nl) == 1) {
        diff_spf_terms(json_string_value(json_array_get(ol, 0)),
                       json_string_value(json_array_get(nl, 0)), out);
        return;
    }
    /* A record there that the check could not use is not "no record":
     * the findings say what is wrong with it. */
    json_array_foreach(nl, i, e)
        if (!has_str(ol, json_string_value(e)))
            note(out, o_bad ? "CHANGE_SPF_USABLE"
                                             : "CHANGE_SPF_ADDED",
                        o_bad ? N_("The SPF record can be used again: %s")
                              : N_("An SPF record is now published: %s"),
                        json_string_value(e));
    json_array_foreach(ol, i, e)
        if (!has_str(nl, json_string_value(e)))
            note(out, n_bad ? "CHANGE_SPF_UNUSABLE"
                                             : "CHANGE_SPF_REMOVED",
                        n_bad ? N_("The SPF record changed into one that "
                                   "cannot be used (see below); it was: %s")
                              : N_("This SPF record is no longer "
                                   "published: %s"),
                        json_string_value(e));
}

/* Whether two key records say the same, spaces aside. */
static bool
same_ignoring_space(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '\t')
            a++;
        while (*b == ' ' || *b == '\t')
            b++;
        if (*a != *b)
            return false;
        if (*a == '\0')
            return true;
        a++;
        b++;
    }
}

static void
diff_dkim(const json_t *o, const json_t *n, struct state_notes *out)
{
    const json_t *ol = list_of(o, "dkim"), *nl = list_of(n, "dkim"), *e;
    size_t i;

    json_array_foreach(nl, i, e) {
        const char *sel = json_string_value(json_object_get(e, "selector"));
        const json_t *was;

        if (sel == NULL)
            continue;
        was = entry_of(ol, "selector", sel);
        if (was == NULL) {
            note(out, "CHANGE_DKIM_ADDED",
                        N_("DKIM selector %s was added."), sel);
        } else {
            const char *a = json_string_value(json_object_get(was,
                                                              "record"));
            const char *b = json_string_value(json_object_get(e, "record"));

            if (a != NULL && b != NULL && !same_ignoring_space(a, b))
                note(out, "CHANGE_DKIM_KEY",
                            N_("The DKIM key at selector %s changed."),
                            sel);
        }
    }
    json_array_foreach(ol, i, e) {
        const char *sel = json_string_value(json_object_get(e, "selector"));

        if (sel != NULL && entry_of(nl, "selector", sel) == NULL)
            note(out, "CHANGE_DKIM_REMOVED",
                        N_("DKIM selector %s was removed."), sel);
    }
}

/* The tags of a DMARC record ("v=DMARC1; p=none; rua=...") as an
 * object tag -> value (tags lower case, values trimmed; the first of a
 * repeated tag counts). */
static json_t *
tags_of(const char *rec)
{
    json_t *o = json_object();
    const char *p = rec;

    while (*p != '\0' && json_object_size(o) < STATE_FOUND_MAX) {
        size_t len = strcspn(p, ";");
        const char *eq = memchr(p, '=', len);

        if (eq != NULL) {
            const char *k = p, *ke = eq, *v = eq + 1, *ve = p + len;
            char *key, *val;

            while (k < ke && (*k == ' ' || *k == '\t'))
                k++;
            while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
                ke--;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            key = xstrndup(k, (size_t)(ke - k));
            for (char *c = key; *c != '\0'; c++)
                *c = (char)tolower((unsigned char)*c);
            val = xstrndup(v, (size_t)(ve - v));
            if (key[0] != '\0' && json_object_get(o, key) == NULL)
                json_object_set_new(o, key, json_string(val));
            free(key);
            free(val);
        }
        p += len;
        if (*p == ';')
            p++;
    }
    return o;
}

static void
diff_dmarc_tags(const char *orec, const char *nrec, struct state_notes *out)
{
    json_t *ot = tags_of(orec), *nt = tags_of(nrec);
    const char *k;
    json_t *v;

    json_object_foreach(nt, k, v) {
        const char *b = json_string_value(v);
        const char *a = json_string_value(json_object_get(ot, k));
        char *tag;

        if (strcmp(k, "v") == 0 || (a != NULL && strcmp(a, b) == 0))
            continue;
        if (a != NULL && strcmp(k, "p") == 0) {
            note(out, "CHANGE_DMARC_POLICY",
                        N_("The DMARC policy went from %1$s to %2$s."),
                        a, b);
        } else if (a != NULL) {
            note(out, "CHANGE_DMARC_TAG",
                        N_("The DMARC tag %1$s went from %2$s to %3$s."),
                        k, a, b);
        } else {
            tag = xasprintf("%s=%s", k, b);
            note(out, "CHANGE_DMARC_GAINED",
                        N_("The DMARC record gained %s."), tag);
            free(tag);
        }
    }
    json_object_foreach(ot, k, v) {
        char *tag;

        if (strcmp(k, "v") == 0 || json_object_get(nt, k) != NULL)
            continue;
        tag = xasprintf("%s=%s", k, json_string_value(v));
        note(out, "CHANGE_DMARC_LOST",
                    N_("The DMARC record lost %s."), tag);
        free(tag);
    }
    json_decref(ot);
    json_decref(nt);
}

static void
diff_dmarc(const json_t *o, const json_t *n, struct state_notes *out)
{
    const json_t *ol = list_of(o, "dmarc"), *nl = list_of(n, "dmarc"), *e;
    size_t i;

    if (json_array_size(ol) == 1 && json_array_size(nl) == 1) {
        diff_dmarc_tags(json_string_value(json_array_get(ol, 0)),
                        json_string_value(json_array_get(nl, 0)), out);
        return;
    }
    json_array_foreach(nl, i, e)
        if (!has_str(ol, json_string_value(e)))
            note(out, "CHANGE_DMARC_ADDED",
                        N_("A DMARC record is now published: %s"),
                        json_string_value(e));
    json_array_foreach(ol, i, e)
        if (!has_str(nl, json_string_value(e)))
            note(out, "CHANGE_DMARC_REMOVED",
                        N_("This DMARC record is no longer published: %s"),
                        json_string_value(e));
}

/* The names of a PTR entry joined with ", ". */
static char *
names_text(const json_t *e)
{
    struct strbuf sb = STRBUF_INIT;
    const json_t *names = json_object_get(e, "names"), *v;
    size_t i;

    json_array_foreach(names, i, v) {
        if (!json_is_string(v))
            continue;
        if (sb.len > 0)
            strbuf_adds(&sb, ", ");
        strbuf_adds(&sb, json_string_value(v));
    }
    return strbuf_detach(&sb);
}

static bool
same_names(const json_t *a, const json_t *b)
{
    const json_t *na = json_object_get(a, "names");
    const json_t *nb = json_object_get(b, "names");

    return json_equal((json_t *)na, (json_t *)nb);
}

static void
diff_ptr(const json_t *o, const json_t *n, struct state_notes *out)
{
    const json_t *ol = list_of(o, "ptr"), *nl = list_of(n, "ptr"), *e;
    size_t i;

    json_array_foreach(nl, i, e) {
        const char *addr = json_string_value(json_object_get(e, "address"));
        const json_t *was;
        char *now, *before;

        if (addr == NULL)
            continue;
        was = entry_of(ol, "address", addr);
        if (was != NULL && same_names(was, e))
            continue;
        now = names_text(e);
        if (was == NULL) {
            note(out, "CHANGE_PTR_ADDED",
                        N_("The address %1$s now has a PTR record naming "
                           "%2$s."), addr, now);
        } else {
            before = names_text(was);
            note(out, "CHANGE_PTR_NAME",
                        N_("The PTR record of %1$s now names %2$s instead "
                           "of %3$s."), addr, now, before);
            free(before);
        }
        free(now);
    }
    json_array_foreach(ol, i, e) {
        const char *addr = json_string_value(json_object_get(e, "address"));
        char *before;

        if (addr == NULL || entry_of(nl, "address", addr) != NULL)
            continue;
        before = names_text(e);
        note(out, "CHANGE_PTR_REMOVED",
                    N_("No PTR record naming %2$s is found for %1$s any "
                       "more."), addr, before);
        free(before);
    }
}

void
state_found_diff(enum check_step step, const json_t *old_found,
                 const json_t *new_found, struct state_notes *out)
{
    switch (step) {
    case STEP_MX:
        diff_mx(old_found, new_found, out);
        break;
    case STEP_SPF:
        diff_spf(old_found, new_found, out);
        break;
    case STEP_DKIM:
        diff_dkim(old_found, new_found, out);
        break;
    case STEP_DMARC:
        diff_dmarc(old_found, new_found, out);
        break;
    case STEP_PTR:
        diff_ptr(old_found, new_found, out);
        break;
    default:
        break;
    }
}
