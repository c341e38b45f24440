/* spf.c - SPF records (RFC 7208): parser and macro expansion.
 *
 * Pure code, no DNS.  The grammar is §12 of RFC 7208; section numbers in
 * the comments are that RFC's.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/i18n.h"
#include "mailready/spf.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* Longest expansion we build (a domain is cut to 253 afterwards; an
 * explanation this long is of no use). */
#define SPF_EXPAND_MAX 8192
/* Most parts a transformer keeps or splits (a name has at most 127). */
#define SPF_PARTS_MAX 256

static const char *const result_names[] = {
    [SPF_RES_NONE] = "none",
    [SPF_RES_NEUTRAL] = "neutral",
    [SPF_RES_PASS] = "pass",
    [SPF_RES_FAIL] = "fail",
    [SPF_RES_SOFTFAIL] = "softfail",
    [SPF_RES_TEMPERROR] = "temperror",
    [SPF_RES_PERMERROR] = "permerror",
};

static const char *const mech_names[] = {
    [SPF_MECH_ALL] = "all",
    [SPF_MECH_INCLUDE] = "include",
    [SPF_MECH_A] = "a",
    [SPF_MECH_MX] = "mx",
    [SPF_MECH_PTR] = "ptr",
    [SPF_MECH_IP4] = "ip4",
    [SPF_MECH_IP6] = "ip6",
    [SPF_MECH_EXISTS] = "exists",
};

const char *
spf_result_name(enum spf_result r)
{
    if ((size_t)r >= ARRAY_LEN(result_names))
        return "?";
    return result_names[r];
}

const char *
spf_mech_name(enum spf_mech m)
{
    if ((size_t)m >= ARRAY_LEN(mech_names))
        return "?";
    return mech_names[m];
}

void
spf_error_init(struct spf_error *e)
{
    memset(e, 0, sizeof(*e));
}

void
spf_error_fini(struct spf_error *e)
{
    free(e->term);
    memset(e, 0, sizeof(*e));
}

bool
spf_is_record(const char *s, size_t len)
{
    if (len < 6 || !str_nieq(s, "v=spf1", 6))
        return false;
    return len == 6 || s[6] == ' ';
}

/* ---- macros (§7) ---- */

static bool
is_delimiter(int c)
{
    return c != '\0' && strchr(".-+,/_=", c) != NULL;
}

static bool
is_macro_letter(int c, bool exp_text)
{
    c = ascii_to_lower((unsigned char)c);
    if (strchr("slodiphv", c) != NULL && c != '\0')
        return true;
    return exp_text && c != '\0' && strchr("crt", c) != NULL;
}

/* A macro-expand at s[0] == '%' (at most len bytes): its length, or 0 if
 * it is not valid.  On success *letter, *digits (0: none), *reverse and
 * the delimiters [*delim, *delim + *ndelim) describe it; for "%%", "%_"
 * and "%-" *letter is that second character. */
static size_t
macro_token(const char *s, size_t len, bool exp_text, char *letter,
            unsigned long *digits, bool *reverse, const char **delim,
            size_t *ndelim)
{
    size_t i;

    *digits = 0;
    *reverse = false;
    *delim = NULL;
    *ndelim = 0;
    if (len < 2)
        return 0;
    if (s[1] == '%' || s[1] == '_' || s[1] == '-') {
        *letter = s[1];
        return 2;
    }
    if (s[1] != '{' || len < 4)
        return 0;
    if (!is_macro_letter(s[2], exp_text))
        return 0;
    *letter = s[2];
    i = 3;
    if (i < len && ascii_is_digit(s[i])) {
        unsigned long v = 0;

        while (i < len && ascii_is_digit(s[i])) {
            if (v < 100000)
                v = v * 10 + (unsigned long)(s[i] - '0');
            i++;
        }
        if (v == 0)             /* §7.3: the value MUST be nonzero */
            return 0;
        *digits = v;
    }
    if (i < len && (s[i] == 'r' || s[i] == 'R')) {
        *reverse = true;
        i++;
    }
    *delim = s + i;
    while (i < len && is_delimiter(s[i]))
        i++;
    *ndelim = (size_t)(s + i - *delim);
    if (i >= len || s[i] != '}')
        return 0;
    return i + 1;
}

/* Validate s as macro-string or explain-string; *ends_macro tells whether
 * the last token was a macro-expand. */
static bool
macro_scan(const char *s, size_t len, bool exp_text, bool *ends_macro)
{
    size_t i = 0;

    *ends_macro = false;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%') {
            char letter;
            unsigned long digits;
            bool rev;
            const char *delim;
            size_t nd;
            size_t k = macro_token(s + i, len - i, exp_text, &letter,
                                   &digits, &rev, &delim, &nd);

            if (k == 0)
                return false;
            i += k;
            *ends_macro = true;
            continue;
        }
        /* macro-literal = %x21-24 / %x26-7E; explain-string adds SP */
        if (!((c >= 0x21 && c <= 0x7e) || (exp_text && c == ' ')))
            return false;
        *ends_macro = false;
        i++;
    }
    return true;
}

bool
spf_macro_string_valid(const char *s, size_t len, bool exp_text)
{
    bool ends;

    return macro_scan(s, len, exp_text, &ends);
}

/* toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool
toplabel_valid(const char *s, size_t len)
{
    bool alpha = false, dash = false;

    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (ascii_is_alpha(s[i]))
            alpha = true;
        else if (s[i] == '-')
            dash = true;
        else if (!ascii_is_digit(s[i]))
            return false;
    }
    if (!dash)
        return alpha;
    return ascii_is_alnum(s[0]) && ascii_is_alnum(s[len - 1]);
}

bool
spf_domain_spec_valid(const char *s, size_t len)
{
    bool ends_macro;
    size_t end = len;
    size_t dot;

    if (len == 0 || !macro_scan(s, len, false, &ends_macro))
        return false;
    if (ends_macro)
        return true;
    /* domain-end = "." toplabel [ "." ] */
    if (s[end - 1] == '.')
        end--;
    dot = end;
    while (dot > 0 && s[dot - 1] != '.')
        dot--;
    if (dot == 0)
        return false;           /* no "." before the toplabel */
    /* the toplabel must not be the tail of a macro: no '%', '{', '}' can
     * be in it, which toplabel_valid() rejects anyway */
    return toplabel_valid(s + dot, end - dot);
}

bool
spf_macro_uses(const char *s, char letter)
{
    size_t len = strlen(s);

    for (size_t i = 0; i + 2 < len; i++)
        if (s[i] == '%' && s[i + 1] == '{' &&
            ascii_to_lower((unsigned char)s[i + 2]) ==
                ascii_to_lower((unsigned char)letter))
            return true;
        else if (s[i] == '%' && s[i + 1] == '%')
            i++;
    return false;
}

bool
spf_has_macro(const char *s)
{
    return strchr(s, '%') != NULL;
}

static void
add_url_escaped(struct strbuf *sb, const char *s, size_t len)
{
    /* RFC 3986 unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (ascii_is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            strbuf_addc(sb, (char)c);
        else
            strbuf_addf(sb, "%%%02X", c);
    }
}

/* The value of a macro letter, in buf or as a static string. */
static const char *
macro_value(char letter, const struct spf_macro_env *env, char *buf,
            size_t size)
{
    const char *at;

    switch (ascii_to_lower((unsigned char)letter)) {
    case 's':
        return env->sender;
    case 'l':
        at = strrchr(env->sender, '@');
        if (at == NULL || at == env->sender) {
            str_copy(buf, "postmaster", size);
            return buf;
        }
        if ((size_t)(at - env->sender) >= size)
            return "";
        memcpy(buf, env->sender, (size_t)(at - env->sender));
        buf[at - env->sender] = '\0';
        return buf;
    case 'o':
        at = strrchr(env->sender, '@');
        return at != NULL ? at + 1 : env->sender;
    case 'd':
        return env->domain;
    case 'i':
        if (env->ip.family == AF_INET) {
            snprintf(buf, size, "%u.%u.%u.%u", env->ip.a[0], env->ip.a[1],
                     env->ip.a[2], env->ip.a[3]);
        } else {
            size_t n = 0;

            /* "dot-format": 32 nibbles, as in §7.4's example */
            for (int k = 0; k < 16 && n + 4 < size; k++) {
                static const char hex[] = "0123456789abcdef";

                buf[n++] = hex[env->ip.a[k] >> 4];
                buf[n++] = '.';
                buf[n++] = hex[env->ip.a[k] & 15];
                buf[n++] = '.';
            }
            buf[n > 0 ? n - 1 : 0] = '\0';
        }
        return buf;
    case 'p':
        return env->validated != NULL ? env->validated : "unknown";
    case 'v':
        return env->ip.family == AF_INET ? "in-addr" : "ip6";
    case 'h':
        return env->helo;
    case 'c':
        return net_format(&env->ip, buf, size);
    case 'r':
        return env->receiver != NULL ? env->receiver : "unknown";
    case 't':
        snprintf(buf, size, "%lld", env->now);
        return buf;
    default:
        return "";
    }
}

/* Split value on the delimiters, reverse, keep the rightmost digits parts,
 * join with '.' (§7.3). */
static void
add_transformed(struct strbuf *sb, const char *value, unsigned long digits,
                bool reverse, const char *delim, size_t ndelim, bool upper)
{
    const char *start[SPF_PARTS_MAX];
    size_t plen[SPF_PARTS_MAX];
    size_t n = 0, first;
    const char *p = value;
    char dset[8];
    struct strbuf tmp = STRBUF_INIT;

    if (ndelim == 0) {
        dset[0] = '.';
        dset[1] = '\0';
    } else {
        size_t k = ndelim < sizeof(dset) - 1 ? ndelim : sizeof(dset) - 1;

        memcpy(dset, delim, k);
        dset[k] = '\0';
    }
    for (;;) {
        size_t l = strcspn(p, dset);

        if (n == SPF_PARTS_MAX) {
            /* fold the rest into the last part */
            plen[n - 1] = strlen(start[n - 1]);
            break;
        }
        start[n] = p;
        plen[n] = l;
        n++;
        if (p[l] == '\0')
            break;
        p += l + 1;
    }
    if (reverse) {
        for (size_t i = 0; i < n / 2; i++) {
            const char *ts = start[i];
            size_t tl = plen[i];

            start[i] = start[n - 1 - i];
            plen[i] = plen[n - 1 - i];
            start[n - 1 - i] = ts;
            plen[n - 1 - i] = tl;
        }
    }
    first = (digits != 0 && digits < n) ? n - digits : 0;
    for (size_t i = first; i < n; i++) {
        if (i > first)
            strbuf_addc(&tmp, '.');
        strbuf_add(&tmp, start[i], plen[i]);
    }
    if (upper)
        add_url_escaped(sb, strbuf_str(&tmp), tmp.len);
    else
        strbuf_add(sb, strbuf_str(&tmp), tmp.len);
    strbuf_fini(&tmp);
}

enum rc
spf_macro_expand(const char *s, const struct spf_macro_env *env,
                 bool exp_text, char **out)
{
    struct strbuf sb = STRBUF_INIT;
    size_t len = strlen(s);
    size_t i = 0;
    char buf[1024];

    *out = NULL;
    while (i < len) {
        char letter;
        unsigned long digits;
        bool rev;
        const char *delim;
        size_t nd, k;
        unsigned char c = (unsigned char)s[i];

        if (sb.len > SPF_EXPAND_MAX) {
            strbuf_fini(&sb);
            return RC_TOOLONG;
        }
        if (c != '%') {
            if (!((c >= 0x21 && c <= 0x7e) || (exp_text && c == ' '))) {
                strbuf_fini(&sb);
                return RC_PARSE;
            }
            strbuf_addc(&sb, (char)c);
            i++;
            continue;
        }
        k = macro_token(s + i, len - i, exp_text, &letter, &digits, &rev,
                        &delim, &nd);
        if (k == 0) {
            strbuf_fini(&sb);
            return RC_PARSE;
        }
        i += k;
        if (k == 2) {
            if (letter == '%')
                strbuf_addc(&sb, '%');
            else if (letter == '_')
                strbuf_addc(&sb, ' ');
            else
                strbuf_adds(&sb, "%20");
            continue;
        }
        add_transformed(&sb, macro_value(letter, env, buf, sizeof(buf)),
                        digits, rev, delim, nd,
                        letter >= 'A' && letter <= 'Z');
    }
    if (sb.len > SPF_EXPAND_MAX) {
        strbuf_fini(&sb);
        return RC_TOOLONG;
    }
    if (sb.s == NULL)
        strbuf_adds(&sb, "");
    *out = strbuf_detach(&sb);
    return RC_OK;
}

enum rc
spf_expand_domain(const char *spec, const struct spf_macro_env *env,
                  char **out)
{
    char *x;
    size_t len;
    const char *p;
    enum rc rc = spf_macro_expand(spec, env, false, &x);

    *out = NULL;
    if (rc != RC_OK)
        return rc;
    len = strlen(x);
    if (len > 0 && x[len - 1] == '.')
        x[--len] = '\0';
    p = x;
    while (len > 253) {
        const char *dot = strchr(p, '.');

        if (dot == NULL)
            break;
        len -= (size_t)(dot + 1 - p);
        p = dot + 1;
    }
    if (p != x)
        memmove(x, p, len + 1);
    *out = x;
    return RC_OK;
}

bool
spf_name_queryable(const char *name)
{
    size_t len = strlen(name), label = 0;

    if (len == 0 || len > 253)
        return false;
    for (size_t i = 0; i <= len; i++) {
        if (name[i] == '.' || name[i] == '\0') {
            if (label == 0 || label > 63)
                return false;
            label = 0;
        } else {
            label++;
        }
    }
    return true;
}

bool
spf_domain_valid(const char *name)
{
    size_t len = strlen(name);
    char *copy;
    bool ok;

    if (len == 0 || name[0] == '[')
        return false;
    copy = xstrdup(name);
    if (len > 0 && copy[len - 1] == '.')
        copy[len - 1] = '\0';
    ok = spf_name_queryable(copy) && strchr(copy, '.') != NULL;
    free(copy);
    return ok;
}

char *
spf_name_escape(const char *name)
{
    struct strbuf sb = STRBUF_INIT;

    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f || strchr("\\\";()@$", *p) != NULL)
            strbuf_addf(&sb, "\\%03u", *p);
        else
            strbuf_addc(&sb, (char)*p);
    }
    if (sb.s == NULL)
        strbuf_adds(&sb, "");
    return strbuf_detach(&sb);
}

void
spf_sender_split(const char *sender, char **local, char **domain)
{
    const char *at = strrchr(sender, '@');

    if (at == NULL) {
        *local = xstrdup("postmaster");
        *domain = xstrdup(sender);
        return;
    }
    *local = at == sender ? xstrdup("postmaster")
                          : xstrndup(sender, (size_t)(at - sender));
    *domain = xstrdup(at + 1);
}

/* ---- the record parser (§4.6, §5, §6, §12) ---- */

/* Messages of struct spf_error: %1$s term, %2$s position, %3$s domain. */
#define E_CHAR N_("The SPF record of %3$s has a character that is not " \
                  "allowed (a control character or non-ASCII) in the "   \
                  "term %1$s at character %2$s.")
#define E_UNKNOWN N_("The SPF record of %3$s has an unknown mechanism or " \
                     "modifier %1$s at character %2$s.")
#define E_DOMAIN N_("The SPF record of %3$s has an invalid domain in the " \
                    "term %1$s at character %2$s.")
#define E_NODOMAIN N_("The SPF record of %3$s has the term %1$s at "       \
                      "character %2$s without the domain it needs.")
#define E_ARG N_("The SPF record of %3$s has the term %1$s at character " \
                 "%2$s with an argument it does not take.")
#define E_CIDR N_("The SPF record of %3$s has an invalid prefix length "  \
                  "in the term %1$s at character %2$s.")
#define E_IP4 N_("The SPF record of %3$s has an invalid IPv4 address in " \
                 "the term %1$s at character %2$s.")
#define E_IP6 N_("The SPF record of %3$s has an invalid IPv6 address in " \
                 "the term %1$s at character %2$s.")
#define E_MACRO N_("The SPF record of %3$s has an invalid macro in the " \
                   "term %1$s at character %2$s.")
#define E_DUP_REDIRECT N_("The SPF record of %3$s has redirect= more "    \
                          "than once: %1$s at character %2$s is the "     \
                          "second.")
#define E_DUP_EXP N_("The SPF record of %3$s has exp= more than once: "   \
                     "%1$s at character %2$s is the second.")

/* "/" 1*DIGIT with no leading zero, value <= max; -1 if not so. */
static int
parse_prefix(const char *s, size_t len, int max)
{
    int v = 0;

    if (len == 0 || len > 3 || (s[0] == '0' && len > 1))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (!ascii_is_digit(s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= max ? v : -1;
}

/* ip4-network = qnum "." qnum "." qnum "." qnum, no leading zeros. */
static bool
parse_ip4(const char *s, size_t len, struct ipaddr *out)
{
    size_t i = 0;

    memset(out, 0, sizeof(*out));
    out->family = AF_INET;
    for (int part = 0; part < 4; part++) {
        size_t st = i;
        unsigned v = 0;

        while (i < len && ascii_is_digit(s[i]) && i - st < 3) {
            v = v * 10 + (unsigned)(s[i] - '0');
            i++;
        }
        if (i == st || v > 255 || (s[st] == '0' && i - st > 1))
            return false;
        out->a[part] = (unsigned char)v;
        if (part < 3) {
            if (i >= len || s[i] != '.')
                return false;
            i++;
        }
    }
    return i == len;
}

static bool
parse_ip6(const char *s, size_t len, struct ipaddr *out)
{
    char buf[64];

    memset(out, 0, sizeof(*out));
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    out->family = AF_INET6;
    return inet_pton(AF_INET6, buf, out->a) == 1;
}

/* Take a trailing dual-cidr-length off [s, s + *len): sets *c4 / *c6.
 * Returns false on a malformed length. */
static bool
take_dual_cidr(const char *s, size_t *len, int *c4, int *c6)
{
    size_t n = *len;
    size_t d = n;

    while (d > 0 && ascii_is_digit(s[d - 1]))
        d--;
    if (d == n || d == 0 || s[d - 1] != '/')
        return true;            /* no length at the end */
    if (d >= 2 && s[d - 2] == '/') {
        *c6 = parse_prefix(s + d, n - d, 128);
        if (*c6 < 0)
            return false;
        n = d - 2;
        d = n;
        while (d > 0 && ascii_is_digit(s[d - 1]))
            d--;
        if (d == n || d == 0 || s[d - 1] != '/') {
            *len = n;
            return true;
        }
    }
    *c4 = parse_prefix(s + d, n - d, 32);
    if (*c4 < 0)
        return false;
    *len = d - 1;
    return true;
}

static bool
mech_from_name(const char *s, size_t len, enum spf_mech *m)
{
    for (size_t i = 0; i < ARRAY_LEN(mech_names); i++)
        if (strlen(mech_names[i]) == len && str_nieq(s, mech_names[i], len)) {
            *m = (enum spf_mech)i;
            return true;
        }
    return false;
}

/* Parse one term [s, s + len) into t; returns NULL or an error msgid. */
static const char *
parse_term(const char *s, size_t len, struct spf_term *t)
{
    size_t i = 0, nl;
    const char *rest;
    size_t rlen;

    t->cidr4 = -1;
    t->cidr6 = -1;
    for (size_t k = 0; k < len; k++)
        if ((unsigned char)s[k] < 0x21 || (unsigned char)s[k] > 0x7e)
            return E_CHAR;

    /* modifier = name "=" ...; name = ALPHA *( ALPHA / DIGIT / "-" /
     * "_" / "." ) */
    if (ascii_is_alpha(s[0])) {
        while (i < len && (ascii_is_alnum(s[i]) || s[i] == '-' || s[i] == '_' ||
                           s[i] == '.'))
            i++;
        if (i < len && s[i] == '=') {
            const char *v = s + i + 1;
            size_t vlen = len - i - 1;

            t->name = xstrndup(s, i);
            t->spec = xstrndup(v, vlen);
            if (i == 8 && str_nieq(s, "redirect", 8)) {
                t->type = SPF_TERM_REDIRECT;
                if (vlen == 0)
                    return E_NODOMAIN;
                return spf_domain_spec_valid(v, vlen) ? NULL : E_DOMAIN;
            }
            if (i == 3 && str_nieq(s, "exp", 3)) {
                t->type = SPF_TERM_EXP;
                if (vlen == 0)
                    return E_NODOMAIN;
                return spf_domain_spec_valid(v, vlen) ? NULL : E_DOMAIN;
            }
            t->type = SPF_TERM_MODIFIER;
            return spf_macro_string_valid(v, vlen, false) ? NULL : E_MACRO;
        }
        i = 0;
    }

    t->type = SPF_TERM_MECH;
    t->qualifier = SPF_RES_PASS;
    if (strchr("+-~?", s[0]) != NULL) {
        t->qual_char = s[0];
        t->qualifier = s[0] == '+' ? SPF_RES_PASS
                     : s[0] == '-' ? SPF_RES_FAIL
                     : s[0] == '~' ? SPF_RES_SOFTFAIL : SPF_RES_NEUTRAL;
        i = 1;
    }
    nl = i;
    while (nl < len && ascii_is_alnum(s[nl]))
        nl++;
    if (nl == i || !mech_from_name(s + i, nl - i, &t->mech))
        return E_UNKNOWN;
    rest = s + nl;
    rlen = len - nl;
    if (rlen > 0 && rest[0] != ':' && rest[0] != '/')
        return E_UNKNOWN;

    switch (t->mech) {
    case SPF_MECH_ALL:
        return rlen == 0 ? NULL : E_ARG;
    case SPF_MECH_INCLUDE:
    case SPF_MECH_EXISTS:
        if (rlen == 0 || rest[0] != ':')
            return rlen == 0 ? E_NODOMAIN : E_ARG;
        if (rlen == 1)
            return E_NODOMAIN;
        t->spec = xstrndup(rest + 1, rlen - 1);
        return spf_domain_spec_valid(rest + 1, rlen - 1) ? NULL : E_DOMAIN;
    case SPF_MECH_PTR:
        if (rlen == 0)
            return NULL;
        if (rest[0] != ':')
            return E_ARG;
        if (rlen == 1)
            return E_NODOMAIN;
        t->spec = xstrndup(rest + 1, rlen - 1);
        return spf_domain_spec_valid(rest + 1, rlen - 1) ? NULL : E_DOMAIN;
    case SPF_MECH_A:
    case SPF_MECH_MX:
        if (!take_dual_cidr(rest, &rlen, &t->cidr4, &t->cidr6))
            return E_CIDR;
        if (rlen == 0)
            return NULL;
        if (rest[0] != ':')
            return E_CIDR;
        if (rlen == 1)
            return E_NODOMAIN;
        t->spec = xstrndup(rest + 1, rlen - 1);
        return spf_domain_spec_valid(rest + 1, rlen - 1) ? NULL : E_DOMAIN;
    case SPF_MECH_IP4:
    case SPF_MECH_IP6: {
        bool v4 = t->mech == SPF_MECH_IP4;
        const char *slash;
        size_t nlen;

        if (rlen < 2 || rest[0] != ':')
            return v4 ? E_IP4 : E_IP6;
        rest++;
        rlen--;
        slash = memchr(rest, '/', rlen);
        nlen = slash != NULL ? (size_t)(slash - rest) : rlen;
        if (v4 ? !parse_ip4(rest, nlen, &t->net)
               : !parse_ip6(rest, nlen, &t->net))
            return v4 ? E_IP4 : E_IP6;
        if (slash != NULL) {
            int p = parse_prefix(slash + 1, rlen - nlen - 1, v4 ? 32 : 128);

            if (p < 0)
                return E_CIDR;
            if (v4)
                t->cidr4 = p;
            else
                t->cidr6 = p;
        }
        return NULL;
    }
    }
    return E_UNKNOWN;
}

static void
term_fini(struct spf_term *t)
{
    free(t->text);
    free(t->spec);
    free(t->name);
}

void
spf_record_free(struct spf_record *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nterms; i++)
        term_fini(&r->terms[i]);
    free(r->terms);
    free(r->text);
    free(r);
}

enum rc
spf_record_parse(const char *s, size_t len, struct spf_record **out,
                 struct spf_error *err)
{
    struct spf_record *r;
    size_t i = 6, cap = 0;

    *out = NULL;
    spf_error_init(err);
    if (!spf_is_record(s, len)) {
        err->pos = 0;
        err->term_len = len < 16 ? len : 16;
        err->term = xmalloc(err->term_len + 1);
        memcpy(err->term, s, err->term_len);
        err->term[err->term_len] = '\0';
        err->msgid = E_UNKNOWN;
        return RC_PARSE;
    }
    r = xcalloc(1, sizeof(*r));
    r->text = xmalloc(len + 1);
    memcpy(r->text, s, len);
    r->text[len] = '\0';
    r->len = len;
    r->redirect = -1;
    r->exp = -1;
    while (i < len) {
        size_t st, tl;
        struct spf_term t;
        const char *why;

        if (s[i] == ' ') {
            i++;
            continue;
        }
        st = i;
        while (i < len && s[i] != ' ')
            i++;
        tl = i - st;
        memset(&t, 0, sizeof(t));
        t.pos = st;
        t.text = xstrndup(s + st, tl);
        if (strlen(t.text) != tl) {     /* a NUL byte inside */
            why = E_CHAR;
        } else {
            why = parse_term(s + st, tl, &t);
        }
        if (why == NULL && t.type == SPF_TERM_REDIRECT && r->redirect >= 0)
            why = E_DUP_REDIRECT;
        if (why == NULL && t.type == SPF_TERM_EXP && r->exp >= 0)
            why = E_DUP_EXP;
        if (why != NULL) {
            err->pos = st;
            /* the whole term, a NUL inside included */
            err->term = xmalloc(tl + 1);
            memcpy(err->term, s + st, tl);
            err->term[tl] = '\0';
            err->term_len = tl;
            err->msgid = why;
            term_fini(&t);
            spf_record_free(r);
            return RC_PARSE;
        }
        if (r->nterms == cap) {
            cap = cap ? cap * 2 : 8;
            r->terms = xreallocarray(r->terms, cap, sizeof(*r->terms));
        }
        if (t.type == SPF_TERM_REDIRECT)
            r->redirect = (int)r->nterms;
        if (t.type == SPF_TERM_EXP)
            r->exp = (int)r->nterms;
        if (t.type == SPF_TERM_MECH && t.mech == SPF_MECH_ALL)
            r->has_all = true;
        r->terms[r->nterms++] = t;
    }
    *out = r;
    return RC_OK;
}

unsigned
spf_record_lookup_terms(const struct spf_record *r)
{
    unsigned n = 0;

    for (size_t i = 0; i < r->nterms; i++) {
        const struct spf_term *t = &r->terms[i];

        if (t->type == SPF_TERM_REDIRECT && !r->has_all)
            n++;
        if (t->type != SPF_TERM_MECH)
            continue;
        switch (t->mech) {
        case SPF_MECH_INCLUDE:
        case SPF_MECH_A:
        case SPF_MECH_MX:
        case SPF_MECH_PTR:
        case SPF_MECH_EXISTS:
            n++;
            break;
        default:
            break;
        }
    }
    return n;
}
