/* mtasts.c - MTA-STS and TLS-RPT parsers (see mtasts.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mailready/i18n.h"
#include "mailready/mtasts.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

static bool
is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

/* "v=" then want, then *WSP and ";" or the end. */
static bool
starts_version(const char *s, size_t len, const char *want)
{
    size_t n = strlen(want), i;

    if (len < 2 + n || memcmp(s, "v=", 2) != 0 ||
        memcmp(s + 2, want, n) != 0)
        return false;
    for (i = 2 + n; i < len && is_wsp(s[i]); i++)
        ;
    return i == len || s[i] == ';';
}

bool
mtasts_record_is_sts(const char *s, size_t len)
{
    return starts_version(s, len, "STSv1");
}

bool
mtasts_record_is_tlsrpt(const char *s, size_t len)
{
    return starts_version(s, len, "TLSRPTv1");
}

/* The next field of s[*pos..len): key in [*k, *k + *kl), value in
 * [*v, *v + *vl) (after "=").  Separators "*WSP ; *WSP"; a trailing one
 * is allowed.  Returns 1 with a field, 0 at the end, -1 malformed. */
static int
next_field(const char *s, size_t len, size_t *pos, size_t *k, size_t *kl,
           size_t *v, size_t *vl)
{
    size_t i = *pos;

    while (i < len && is_wsp(s[i]))
        i++;
    if (i == len)
        return 0;
    if (*pos != 0) {
        if (s[i] != ';')
            return -1;
        i++;
        while (i < len && is_wsp(s[i]))
            i++;
        if (i == len)
            return 0;           /* a trailing separator */
    }
    *k = i;
    while (i < len && s[i] != '=' && s[i] != ';' && !is_wsp(s[i]))
        i++;
    *kl = i - *k;
    if (i == len || s[i] != '=' || *kl == 0)
        return -1;
    i++;
    *v = i;
    while (i < len && s[i] != ';' && !is_wsp(s[i]))
        i++;
    *vl = i - *v;
    *pos = i;
    return 1;
}

static bool
key_ok(const char *k, size_t n)
{
    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!ascii_is_alnum((unsigned char)k[i]) && k[i] != '_' &&
            k[i] != '-' && k[i] != '.')
            return false;
    return true;
}

enum rc
mtasts_record_parse(const char *s, size_t len, char *id, const char **why)
{
    size_t pos = 0, k, kl, v, vl;
    int r, n = 0;
    bool have_id = false;

    id[0] = '\0';
    while ((r = next_field(s, len, &pos, &k, &kl, &v, &vl)) == 1) {
        n++;
        if (n == 1) {
            if (kl != 1 || s[k] != 'v' || vl != 5 ||
                memcmp(s + v, "STSv1", 5) != 0) {
                *why = N_("it does not begin with v=STSv1");
                return RC_PARSE;
            }
            continue;
        }
        if (!key_ok(s + k, kl)) {
            *why = N_("a field name is not valid");
            return RC_PARSE;
        }
        if (vl == 0) {
            *why = N_("a field has no value");
            return RC_PARSE;
        }
        for (size_t i = 0; i < vl; i++) {
            unsigned char c = (unsigned char)s[v + i];

            if (c < 0x21 || c > 0x7e || c == '=' || c == ';') {
                *why = N_("a field value has a character not allowed");
                return RC_PARSE;
            }
        }
        if (kl == 2 && memcmp(s + k, "id", 2) == 0) {
            if (have_id) {
                *why = N_("id is given twice");
                return RC_PARSE;
            }
            if (vl > MTASTS_ID_MAX) {
                *why = N_("id is longer than 32 characters");
                return RC_PARSE;
            }
            for (size_t i = 0; i < vl; i++)
                if (!ascii_is_alnum((unsigned char)s[v + i])) {
                    *why = N_("id may hold only letters and digits");
                    return RC_PARSE;
                }
            memcpy(id, s + v, vl);
            id[vl] = '\0';
            have_id = true;
        }
    }
    if (r < 0) {
        *why = N_("it is not a list of key=value fields separated by \";\"");
        return RC_PARSE;
    }
    if (n == 0) {
        *why = N_("it does not begin with v=STSv1");
        return RC_PARSE;
    }
    if (!have_id) {
        *why = N_("it has no id field");
        return RC_PARSE;
    }
    return RC_OK;
}

/* ---- the policy ------------------------------------------------------ */

void
mtasts_policy_fini(struct mtasts_policy *p)
{
    for (size_t i = 0; i < p->nmx; i++)
        free(p->mx[i]);
    memset(p, 0, sizeof(*p));
}

/* RFC 8461 §3.2 mx pattern: a host name, or "*." and a host name. */
static bool
pattern_ok(const char *s, size_t n)
{
    size_t label = 0;

    if (n >= 2 && s[0] == '*' && s[1] == '.') {
        s += 2;
        n -= 2;
    }
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!ascii_is_alnum(c) && c != '-' && c != '_')
            return false;
        if (c == '-' && label == 0)
            return false;
        if (++label > 63)
            return false;
    }
    return true;
}

enum rc
mtasts_policy_parse(const char *text, size_t len, struct mtasts_policy *out,
                    const char **why, unsigned *line)
{
    size_t pos = 0;
    unsigned ln = 0;
    bool have_version = false, have_mode = false, have_age = false;

    memset(out, 0, sizeof(*out));
    *line = 0;
    while (pos < len) {
        const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - l) : len - pos;
        size_t kl, v;

        pos += n + (nl != NULL ? 1 : 0);
        ln++;
        if (n > 0 && l[n - 1] == '\r')
            n--;
        if (n == 0)
            continue;           /* an empty line (the last one, often) */
        for (kl = 0; kl < n && l[kl] != ':'; kl++)
            ;
        if (kl == n || !key_ok(l, kl)) {
            *why = N_("a line is not \"key: value\"");
            *line = ln;
            return RC_PARSE;
        }
        for (v = kl + 1; v < n && is_wsp(l[v]); v++)
            ;
        while (n > v && is_wsp(l[n - 1]))
            n--;
        for (size_t i = v; i < n; i++)
            if ((unsigned char)l[i] < 0x20 || (unsigned char)l[i] == 0x7f) {
                *why = N_("a value holds a control character");
                *line = ln;
                return RC_PARSE;
            }
#define KEY(s) (kl == sizeof(s) - 1 && memcmp(l, s, kl) == 0)
#define VAL(s) (n - v == sizeof(s) - 1 && memcmp(l + v, s, n - v) == 0)
        if (KEY("version")) {
            if (have_version)
                continue;       /* the first one counts */
            if (!VAL("STSv1")) {
                *why = N_("version is not STSv1");
                *line = ln;
                return RC_PARSE;
            }
            have_version = true;
        } else if (KEY("mode")) {
            if (have_mode)
                continue;
            if (VAL("enforce"))
                out->mode = MTASTS_MODE_ENFORCE;
            else if (VAL("testing"))
                out->mode = MTASTS_MODE_TESTING;
            else if (VAL("none"))
                out->mode = MTASTS_MODE_NONE;
            else {
                *why = N_("mode is not enforce, testing or none");
                *line = ln;
                return RC_PARSE;
            }
            have_mode = true;
        } else if (KEY("max_age")) {
            unsigned long a = 0;

            if (have_age)
                continue;
            if (n == v || n - v > 10) {
                *why = N_("max_age is not a number of up to 10 digits");
                *line = ln;
                return RC_PARSE;
            }
            for (size_t i = v; i < n; i++) {
                if (!ascii_is_digit((unsigned char)l[i])) {
                    *why = N_("max_age is not a number of up to 10 digits");
                    *line = ln;
                    return RC_PARSE;
                }
                a = a * 10 + (unsigned long)(l[i] - '0');
            }
            if (a > MTASTS_MAX_AGE_MAX) {
                *why = N_("max_age is over 31557600 seconds");
                *line = ln;
                return RC_PARSE;
            }
            out->max_age = a;
            have_age = true;
        } else if (KEY("mx")) {
            char *p;

            if (!pattern_ok(l + v, n - v)) {
                *why = N_("an mx pattern is not a host name or *.name");
                *line = ln;
                return RC_PARSE;
            }
            if (out->nmx == MTASTS_MX_MAX)
                continue;
            p = xstrndup(l + v, n - v);
            str_lower(p);
            out->mx[out->nmx++] = p;
        }
#undef KEY
#undef VAL
    }
    if (!have_version) {
        *why = N_("version is missing");
        return RC_PARSE;
    }
    if (!have_mode) {
        *why = N_("mode is missing");
        return RC_PARSE;
    }
    if (!have_age) {
        *why = N_("max_age is missing");
        return RC_PARSE;
    }
    if (out->nmx == 0 && out->mode != MTASTS_MODE_NONE) {
        *why = N_("no mx line");
        return RC_PARSE;
    }
    return RC_OK;
}

static size_t
len_nodot(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

bool
mtasts_mx_match(const char *pattern, const char *host)
{
    size_t pl = len_nodot(pattern), hl = len_nodot(host);

    if (pl >= 2 && pattern[0] == '*' && pattern[1] == '.') {
        const char *dot = memchr(host, '.', hl);

        /* One whole leftmost label, not empty. */
        if (dot == NULL || dot == host)
            return false;
        return hl - (size_t)(dot + 1 - host) == pl - 2 &&
               str_nieq(dot + 1, pattern + 2, pl - 2);
    }
    return pl == hl && str_nieq(pattern, host, pl);
}

bool
mtasts_policy_covers(const struct mtasts_policy *p, const char *host)
{
    for (size_t i = 0; i < p->nmx; i++)
        if (mtasts_mx_match(p->mx[i], host))
            return true;
    return false;
}

/* ---- TLS-RPT --------------------------------------------------------- */

static bool
uri_ok(const char *s, size_t n)
{
    size_t skip;

    if (n > 7 && str_nieq(s, "mailto:", 7))
        skip = 7;
    else if (n > 8 && str_nieq(s, "https://", 8))
        skip = 8;
    else
        return false;
    for (size_t i = skip; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c >= 0x7f || c == ';' || c == ',')
            return false;
    }
    if (skip == 7 && memchr(s + 7, '@', n - 7) == NULL)
        return false;
    return true;
}

enum rc
mtasts_tlsrpt_parse(const char *s, size_t len, const char **why)
{
    size_t pos = 0;
    bool have_rua = false;

    if (!mtasts_record_is_tlsrpt(s, len)) {
        *why = N_("it does not begin with v=TLSRPTv1");
        return RC_PARSE;
    }
    pos = strlen("v=TLSRPTv1");
    for (;;) {
        size_t k, kl;

        while (pos < len && is_wsp(s[pos]))
            pos++;
        if (pos == len)
            break;
        if (s[pos] != ';') {
            *why = N_("fields are not separated by \";\"");
            return RC_PARSE;
        }
        pos++;
        while (pos < len && is_wsp(s[pos]))
            pos++;
        if (pos == len)
            break;
        k = pos;
        while (pos < len && s[pos] != '=' && s[pos] != ';')
            pos++;
        kl = pos - k;
        if (pos == len || s[pos] != '=' || !key_ok(s + k, kl)) {
            *why = N_("a field is not key=value");
            return RC_PARSE;
        }
        pos++;
        if (kl == 3 && memcmp(s + k, "rua", 3) == 0) {
            if (have_rua) {
                *why = N_("rua is given twice");
                return RC_PARSE;
            }
            have_rua = true;
            for (;;) {
                size_t u = pos;

                while (pos < len && s[pos] != ',' && s[pos] != ';' &&
                       !is_wsp(s[pos]))
                    pos++;
                if (!uri_ok(s + u, pos - u)) {
                    *why = N_("an rua address is not mailto:ADDRESS or "
                           "https://URL");
                    return RC_PARSE;
                }
                while (pos < len && is_wsp(s[pos]))
                    pos++;
                if (pos < len && s[pos] == ',') {
                    pos++;
                    while (pos < len && is_wsp(s[pos]))
                        pos++;
                    continue;
                }
                break;
            }
        } else {
            while (pos < len && s[pos] != ';')
                pos++;
        }
    }
    if (!have_rua) {
        *why = N_("it has no rua field");
        return RC_PARSE;
    }
    return RC_OK;
}

/* ---- generators ------------------------------------------------------ */

char *
mtasts_policy_format(const char *const *mx, size_t nmx, const char *mode,
                     unsigned long max_age)
{
    struct strbuf sb;

    strbuf_init(&sb);
    strbuf_addf(&sb, "version: STSv1\r\nmode: %s\r\n", mode);
    for (size_t i = 0; i < nmx; i++) {
        char *h = str_without_dot(mx[i]);

        str_lower(h);
        strbuf_addf(&sb, "mx: %s\r\n", h);
        free(h);
    }
    strbuf_addf(&sb, "max_age: %lu\r\n", max_age);
    return strbuf_detach(&sb);
}

void
mtasts_policy_id(const char *policy, char id[MTASTS_ID_MAX + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    static const char hex[] = "0123456789abcdef";

    EVP_Digest(policy, strlen(policy), md, &mdlen, EVP_sha256(), NULL);
    for (int i = 0; i < MTASTS_ID_MAX / 2; i++) {
        id[i * 2] = hex[md[i] >> 4];
        id[i * 2 + 1] = hex[md[i] & 0xf];
    }
    id[MTASTS_ID_MAX] = '\0';
}

char *
mtasts_nginx_snippet(const char *domain, const char *policy_file)
{
    return xasprintf(
        "server {\n"
        "    listen 443 ssl;\n"
        "    listen [::]:443 ssl;\n"
        "    server_name mta-sts.%1$s;\n"
        "    ssl_certificate /etc/letsencrypt/live/mta-sts.%1$s/fullchain.pem;\n"
        "    ssl_certificate_key /etc/letsencrypt/live/mta-sts.%1$s/privkey.pem;\n"
        "    location = /.well-known/mta-sts.txt {\n"
        "        default_type text/plain;\n"
        "        alias %2$s;\n"
        "    }\n"
        "    location / {\n"
        "        return 404;\n"
        "    }\n"
        "}\n", domain, policy_file);
}

char *
mtasts_apache_snippet(const char *domain, const char *policy_file)
{
    return xasprintf(
        "<VirtualHost *:443>\n"
        "    ServerName mta-sts.%1$s\n"
        "    SSLEngine on\n"
        "    SSLCertificateFile /etc/letsencrypt/live/mta-sts.%1$s/fullchain.pem\n"
        "    SSLCertificateKeyFile /etc/letsencrypt/live/mta-sts.%1$s/privkey.pem\n"
        "    Alias /.well-known/mta-sts.txt %2$s\n"
        "    <Location \"/.well-known/mta-sts.txt\">\n"
        "        ForceType text/plain\n"
        "        Require all granted\n"
        "    </Location>\n"
        "</VirtualHost>\n", domain, policy_file);
}
