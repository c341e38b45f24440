/* dmarc.c - DMARC policy records (RFC 9989 §4.7, §4.8) and the DNS Tree
 * Walk logic (§4.10).  Pure functions: the DMARC step asks DNS. */
#include <stdlib.h>
#include <string.h>

#include "mailready/dmarc.h"
#include "mailready/name.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

#define DMARC_MAX_RECORD 65536

static bool
is_wsp(int c)
{
    return c == ' ' || c == '\t';
}

/* Length of the version prefix "v" *WSP "=" *WSP "DMARC1" *WSP at s
 * (after leading blanks), followed by end or ';'; 0 if absent. */
static size_t
version_len(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && is_wsp((unsigned char)s[i]))
        i++;
    if (i >= len || (s[i] != 'v' && s[i] != 'V'))
        return 0;
    i++;
    while (i < len && is_wsp((unsigned char)s[i]))
        i++;
    if (i >= len || s[i] != '=')
        return 0;
    i++;
    while (i < len && is_wsp((unsigned char)s[i]))
        i++;
    if (len - i < 6 || memcmp(s + i, "DMARC1", 6) != 0)
        return 0;
    i += 6;
    while (i < len && is_wsp((unsigned char)s[i]))
        i++;
    if (i < len && s[i] != ';')
        return 0;
    return i;
}

bool
dmarc_is_record(const char *txt, size_t len)
{
    if (len > DMARC_MAX_RECORD)
        return false;
    return version_len(txt, len) > 0;
}

bool
dmarc_looks_like_broken_record(const char *txt, size_t len)
{
    size_t i = 0;

    if (dmarc_is_record(txt, len) || len > DMARC_MAX_RECORD)
        return false;
    while (i < len && is_wsp((unsigned char)txt[i]))
        i++;
    if (len - i >= 7 && str_nieq(txt + i, "v=dmarc", 7))
        return true;
    for (size_t k = 0; k + 5 <= len; k++)
        if (str_nieq(txt + k, "dmarc", 5))
            return true;
    return false;
}

static void
add_note(struct dmarc_record *r, enum dmarc_note_kind kind,
         const char *tag, size_t tlen, const char *value, size_t vlen)
{
    struct dmarc_note *n;

    r->notes = xreallocarray(r->notes, r->n_notes + 1, sizeof(*r->notes));
    n = &r->notes[r->n_notes++];
    n->kind = kind;
    /* The bytes as published, a NUL or control byte included, made
     * visible-safe (str_visible()). */
    n->tag = str_visible(tag, tlen);
    n->value = str_visible(value != NULL ? value : "", vlen);
}

static enum dmarc_policy
parse_request(const char *v)
{
    if (str_ieq(v, "none"))
        return DMARC_P_NONE;
    if (str_ieq(v, "quarantine"))
        return DMARC_P_QUARANTINE;
    if (str_ieq(v, "reject"))
        return DMARC_P_REJECT;
    return DMARC_P_INVALID;
}

/* dmarc-fo: 0/1 mutually exclusive, d and s at most once each. */
static bool
fo_valid(const char *v)
{
    bool seen01 = false, seen_d = false, seen_s = false;
    const char *p = v;

    if (*p == '\0')
        return false;
    for (;;) {
        const char *q = p;
        while (*q != '\0' && *q != ':')
            q++;
        if (q - p != 1)
            return false;
        switch (*p) {
        case '0':
        case '1':
            if (seen01)
                return false;
            seen01 = true;
            break;
        case 'd':
        case 'D':
            if (seen_d)
                return false;
            seen_d = true;
            break;
        case 's':
        case 'S':
            if (seen_s)
                return false;
            seen_s = true;
            break;
        default:
            return false;
        }
        if (*q == '\0')
            return true;
        p = q + 1;
    }
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A byte RFC 3986 §2 allows as it is in a URI: unreserved, reserved, or
 * the '%' of a percent-encoding. */
static bool
uri_char_ok(int c)
{
    return ascii_is_alpha(c) || ascii_is_digit(c) ||
           (c != '\0' && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

/* [s, s+len) with every byte that is no URI character, and every '%' not
 * followed by two hex digits, percent-encoded (caller frees); NULL when
 * there is none. */
static char *
uri_encode_bad(const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    struct strbuf b = STRBUF_INIT;
    bool bad = false;

    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];

        if (c == '%' && i + 2 < len &&
            hexval((unsigned char)s[i + 1]) >= 0 &&
            hexval((unsigned char)s[i + 2]) >= 0) {
            strbuf_addc(&b, '%');
            continue;
        }
        if (c == '%' || !uri_char_ok(c)) {
            strbuf_addc(&b, '%');
            strbuf_addc(&b, hex[c >> 4]);
            strbuf_addc(&b, hex[c & 0xf]);
            bad = true;
            continue;
        }
        strbuf_addc(&b, (char)c);
    }
    if (!bad) {
        strbuf_fini(&b);
        return NULL;
    }
    return strbuf_detach(&b);
}

static void parse_uri_once(const char *s, size_t len, struct dmarc_uri *u);

/* Parse one URI [s, s+len) into u.  Characters a URI cannot hold make it
 * invalid (RFC 3986 §2, RFC 6068 §2); u->fixed is then the URI with them
 * percent-encoded, when that form is a usable report address. */
static void
parse_uri(const char *s, size_t len, struct dmarc_uri *u)
{
    char *fixed = uri_encode_bad(s, len);
    struct dmarc_uri f;

    if (fixed == NULL) {
        parse_uri_once(s, len, u);
        return;
    }
    memset(u, 0, sizeof(*u));
    u->text = xstrndup(s, len);
    u->problem = N_("The report address %1$s has a character that is not "
                    "allowed in a URI.");
    parse_uri_once(fixed, strlen(fixed), &f);
    if (f.problem == NULL) {
        u->fixed = fixed;
        fixed = NULL;
    }
    free(f.text);
    free(f.addr);
    free(f.host);
    free(f.size);
    free(fixed);
}

static void
parse_uri_once(const char *s, size_t len, struct dmarc_uri *u)
{
    size_t end = len, i = 0, colon;
    struct strbuf addr = STRBUF_INIT;

    memset(u, 0, sizeof(*u));
    u->text = xstrndup(s, len);
    /* obs-dmarc-report-size = "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] */
    for (size_t k = 0; k < len; k++) {
        if (s[k] != '!')
            continue;
        size_t j = k + 1, digits = 0;
        while (j < len && ascii_is_digit((unsigned char)s[j])) {
            j++;
            digits++;
        }
        if (j < len && strchr("kmgtKMGT", s[j]) != NULL)
            j++;
        if (digits == 0 || j != len) {
            u->problem = N_("The report address %1$s has a size limit "
                            "after \"!\" that is not a number with an "
                            "optional k, m, g or t.");
            return;
        }
        u->size = xstrndup(s + k, len - k);
        end = k;
        break;
    }
    if (end == 0) {
        u->problem = N_("The report address %1$s is empty.");
        return;
    }
    /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    colon = 0;
    if (ascii_is_alpha((unsigned char)s[0])) {
        for (i = 1; i < end; i++) {
            int c = (unsigned char)s[i];
            if (c == ':') {
                colon = i;
                break;
            }
            if (!ascii_is_alpha(c) && !ascii_is_digit(c) && c != '+' && c != '-' &&
                c != '.')
                break;
        }
    }
    if (colon == 0) {
        u->problem = N_("The report address %1$s lacks the \"mailto:\" "
                        "prefix; receivers ignore it.");
        return;
    }
    if (colon != 6 || !str_nieq(s, "mailto", 6)) {
        u->problem = N_("The report address %1$s is not a mailto: URI; "
                        "receivers only have to support mailto: and "
                        "may ignore it.");
        return;
    }
    /* The address ends at '?' (mailto header fields). */
    for (i = colon + 1; i < end && s[i] != '?'; i++) {
        int c = (unsigned char)s[i];
        if (c == '%' && i + 2 < end && hexval((unsigned char)s[i + 1]) >= 0
            && hexval((unsigned char)s[i + 2]) >= 0) {
            c = hexval((unsigned char)s[i + 1]) * 16 +
                hexval((unsigned char)s[i + 2]);
            i += 2;
        } else if (c <= 0x20 || c >= 0x7f || c == ',' || c == ';') {
            strbuf_fini(&addr);
            u->problem = N_("The report address %1$s has a character "
                            "that is not allowed in a URI.");
            return;
        }
        strbuf_addc(&addr, (char)c);
    }
    {
        const char *a = strbuf_str(&addr);
        const char *at = strrchr(a, '@');
        char *host;

        if (at == NULL || at == a || at[1] == '\0' ||
            memchr(a, '@', (size_t)(at - a)) != NULL) {
            strbuf_fini(&addr);
            u->problem = N_("The report address %1$s is not a valid "
                            "e-mail address.");
            return;
        }
        host = xstrdup(at + 1);
        str_lower(host);
        if (host[0] != '\0' && host[strlen(host) - 1] == '.')
            host[strlen(host) - 1] = '\0';
        if (!name_is_hostname(host) || name_label_count(host) < 2) {
            free(host);
            strbuf_fini(&addr);
            u->problem = N_("The report address %1$s does not end in a "
                            "valid domain name.");
            return;
        }
        u->host = host;
        u->addr = strbuf_detach(&addr);
    }
}

static void
parse_uri_list(const char *v, struct dmarc_uri **out, size_t *n)
{
    const char *p = v;

    *out = NULL;
    *n = 0;
    for (;;) {
        const char *q = strchr(p, ',');
        const char *a = p, *b = q != NULL ? q : p + strlen(p);

        while (a < b && is_wsp((unsigned char)*a))
            a++;
        while (b > a && is_wsp((unsigned char)b[-1]))
            b--;
        *out = xreallocarray(*out, *n + 1, sizeof(**out));
        parse_uri(a, (size_t)(b - a), &(*out)[*n]);
        (*n)++;
        if (q == NULL || *n >= 64)
            break;
        p = q + 1;
    }
}

static void
free_uris(struct dmarc_uri *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(u[i].text);
        free(u[i].addr);
        free(u[i].host);
        free(u[i].size);
        free(u[i].fixed);
    }
    free(u);
}

void
dmarc_record_free(struct dmarc_record *r)
{
    if (r == NULL)
        return;
    free(r->fo);
    free_uris(r->rua, r->n_rua);
    free_uris(r->ruf, r->n_ruf);
    for (size_t i = 0; i < r->n_notes; i++) {
        free(r->notes[i].tag);
        free(r->notes[i].value);
    }
    free(r->notes);
    free(r);
}

enum tag_id {
    TAG_P, TAG_SP, TAG_NP, TAG_ADKIM, TAG_ASPF, TAG_T, TAG_PSD, TAG_RUA,
    TAG_RUF, TAG_FO, TAG_V, TAG_COUNT
};

static const char *const tag_names[TAG_COUNT] = {
    "p", "sp", "np", "adkim", "aspf", "t", "psd", "rua", "ruf", "fo", "v"
};

static const char *const removed_tags[] = { "pct", "rf", "ri" };

/* Apply one known tag; false if the value is outside its syntax. */
static bool
apply_tag(struct dmarc_record *r, enum tag_id id, const char *v)
{
    switch (id) {
    case TAG_P:
    case TAG_SP:
    case TAG_NP: {
        enum dmarc_policy p = parse_request(v);
        if (id == TAG_P)
            r->p = p;
        else if (id == TAG_SP)
            r->sp = p;
        else
            r->np = p;
        return p != DMARC_P_INVALID;
    }
    case TAG_ADKIM:
    case TAG_ASPF: {
        char c = 0;
        if (str_ieq(v, "r"))
            c = 'r';
        else if (str_ieq(v, "s"))
            c = 's';
        if (id == TAG_ADKIM)
            r->adkim = c;
        else
            r->aspf = c;
        return c != 0;
    }
    case TAG_T:
        if (str_ieq(v, "y"))
            r->testing = true;
        else if (!str_ieq(v, "n"))
            return false;
        return true;
    case TAG_PSD:
        if (str_ieq(v, "y"))
            r->psd = 'y';
        else if (str_ieq(v, "n"))
            r->psd = 'n';
        else if (str_ieq(v, "u"))
            r->psd = 'u';
        else
            return false;
        return true;
    case TAG_RUA:
        r->has_rua = true;
        parse_uri_list(v, &r->rua, &r->n_rua);
        return true;
    case TAG_RUF:
        r->has_ruf = true;
        parse_uri_list(v, &r->ruf, &r->n_ruf);
        return true;
    case TAG_FO:
        if (!fo_valid(v))
            return false;
        r->fo = xstrdup(v);
        return true;
    case TAG_V:
    case TAG_COUNT:
    default:
        return false;
    }
}

enum rc
dmarc_record_parse(const char *txt, size_t len, struct dmarc_record **out)
{
    struct dmarc_record *r;
    bool seen[TAG_COUNT] = { false };
    size_t i;

    *out = NULL;
    if (!dmarc_is_record(txt, len))
        return RC_PARSE;
    r = xcalloc(1, sizeof(*r));
    r->psd = 'u';
    i = version_len(txt, len);
    seen[TAG_V] = true;
    while (i < len) {
        size_t end = i, a, ne, vs, ve;

        if (txt[i] == ';')
            i++;
        end = i;
        while (end < len && txt[end] != ';')
            end++;
        a = i;
        while (a < end && is_wsp((unsigned char)txt[a]))
            a++;
        i = end;
        if (a == end)
            continue;
        ne = a;
        while (ne < end && ascii_is_alpha((unsigned char)txt[ne]))
            ne++;
        vs = ne;
        while (vs < end && is_wsp((unsigned char)txt[vs]))
            vs++;
        ve = end;
        while (ve > a && is_wsp((unsigned char)txt[ve - 1]))
            ve--;
        if (ne == a || vs >= end || txt[vs] != '=') {
            add_note(r, DMARC_NOTE_BAD_TAG, txt + a, ve - a, NULL, 0);
            continue;
        }
        vs++;
        while (vs < end && is_wsp((unsigned char)txt[vs]))
            vs++;
        if (ve < vs)
            ve = vs;
        char *name = xstrndup(txt + a, ne - a);
        char *value = xstrndup(txt + vs, ve - vs);
        size_t vlen = ve - vs;
        bool printable = true;
        int id = -1;

        /* dmarc-value = %x20-3A / %x3C-7E over every byte: a NUL does not
         * end the value (§4.8), it makes it invalid. */
        for (size_t k = vs; k < ve; k++)
            if ((unsigned char)txt[k] < 0x20 || (unsigned char)txt[k] > 0x7e)
                printable = false;
        for (int k = 0; k < TAG_COUNT; k++)
            if (str_ieq(name, tag_names[k]))
                id = k;
        if (id < 0) {
            bool removed = false;
            for (size_t k = 0; k < ARRAY_LEN(removed_tags); k++)
                if (str_ieq(name, removed_tags[k]))
                    removed = true;
            add_note(r, removed ? DMARC_NOTE_REMOVED_TAG :
                     DMARC_NOTE_UNKNOWN_TAG, name, strlen(name), txt + vs,
                     vlen);
        } else if (seen[id]) {
            add_note(r, DMARC_NOTE_DUPLICATE, name, strlen(name), txt + vs,
                     vlen);
        } else {
            seen[id] = true;
            if (vlen == 0 || !printable ||
                !apply_tag(r, (enum tag_id)id, value))
                add_note(r, DMARC_NOTE_BAD_VALUE, name, strlen(name),
                         txt + vs, vlen);
        }
        free(name);
        free(value);
    }
    *out = r;
    return RC_OK;
}

const char *
dmarc_policy_name(enum dmarc_policy p)
{
    switch (p) {
    case DMARC_P_NONE:
        return "none";
    case DMARC_P_QUARANTINE:
        return "quarantine";
    case DMARC_P_REJECT:
        return "reject";
    case DMARC_P_ABSENT:
    case DMARC_P_INVALID:
    default:
        return "";
    }
}

bool
dmarc_has_usable_rua(const struct dmarc_record *r)
{
    for (size_t i = 0; i < r->n_rua; i++)
        if (r->rua[i].problem == NULL)
            return true;
    return false;
}

enum dmarc_policy
dmarc_applied_policy(const struct dmarc_record *r, bool subdomain,
                     bool exists)
{
    enum dmarc_policy p;

    /* §4.10.1: no valid p, or an invalid sp/np: p=none if some rua is
     * usable, else no DMARC processing at all. */
    if (r->p == DMARC_P_ABSENT || r->p == DMARC_P_INVALID ||
        r->sp == DMARC_P_INVALID || r->np == DMARC_P_INVALID)
        return dmarc_has_usable_rua(r) ? DMARC_P_NONE : DMARC_P_ABSENT;
    p = r->p;
    if (!subdomain)
        return p;
    if (!exists && r->np != DMARC_P_ABSENT)
        return r->np;
    if (r->sp != DMARC_P_ABSENT)
        return r->sp;
    return p;
}

const char *
dmarc_name_suffix(const char *name, int labels)
{
    const char *p = name;
    int n = name_label_count(name);

    while (n > labels && p != NULL) {
        const char *q = name_parent(p);
        if (q == NULL)
            break;
        p = q;
        n--;
    }
    return p;
}

size_t
dmarc_walk_names(const char *domain, const char *names[DMARC_WALK_MAX])
{
    size_t n = 0;
    int x = name_label_count(domain);
    const char *cur;

    if (x == 0)
        return 0;
    names[n++] = domain;
    /* §4.10 step 4: with eight labels or more, go straight to seven. */
    cur = x >= 8 ? dmarc_name_suffix(domain, 7) : name_parent(domain);
    while (cur != NULL && n < DMARC_WALK_MAX) {
        names[n++] = cur;
        cur = name_parent(cur);
    }
    return n;
}

void
dmarc_walk_eval(const char *domain, const struct dmarc_walk_entry *e,
                size_t n, struct dmarc_walk_result *out)
{
    int stop = n > 0 ? (int)n - 1 : -1;

    memset(out, 0, sizeof(*out));
    out->policy = -1;
    out->org = domain;
    /* §4.10 steps 2 and 6: a single valid record with psd=n or psd=y
     * stops the walk. */
    for (size_t i = 0; i < n; i++) {
        if (e[i].state == DMARC_WALK_RECORD &&
            (e[i].psd == 'y' || e[i].psd == 'n')) {
            stop = (int)i;
            break;
        }
    }
    out->stop = stop;
    for (int i = 0; i <= stop; i++)
        if (e[i].state == DMARC_WALK_ERROR)
            out->uncertain = true;
    if (stop < 0)
        return;

    /* §4.10.2: the Organizational Domain. */
    if (e[stop].state == DMARC_WALK_RECORD && e[stop].psd == 'n') {
        out->org = e[stop].name;
    } else if (e[stop].state == DMARC_WALK_RECORD && e[stop].psd == 'y' &&
               stop != 0) {
        out->org = dmarc_name_suffix(domain,
                                     name_label_count(e[stop].name) + 1);
    } else {
        for (int i = stop; i >= 0; i--) {
            if (e[i].state == DMARC_WALK_RECORD) {
                out->org = e[i].name;
                break;
            }
        }
    }

    /* §4.10.1: the Author Domain's record, else the Organizational
     * Domain's, else the Public Suffix Domain's. */
    if (e[0].state == DMARC_WALK_RECORD) {
        out->policy = 0;
        return;
    }
    for (int i = 0; i <= stop; i++) {
        if (e[i].state == DMARC_WALK_RECORD && name_eq(e[i].name, out->org)) {
            out->policy = i;
            return;
        }
    }
    if (e[stop].state == DMARC_WALK_RECORD && e[stop].psd == 'y') {
        out->policy = stop;
        out->from_psd = true;
    }
}
