/* dkim.c - DKIM key records: tag-list parsing (RFC 6376 §3.2, §3.6.1),
 * key decoding (RSA SubjectPublicKeyInfo or bare RSAPublicKey, Ed25519
 * raw 32 bytes per RFC 8463) and comparing a PEM private key with a
 * published key.  OpenSSL 3 EVP/d2i only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "mailready/dkim.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* Longest record we look at; DNS TXT RDATA cannot exceed 65535 bytes. */
#define DKIM_MAX_RECORD 65536

void
dkim_error_fini(struct dkim_error *e)
{
    free(e->detail);
    e->detail = NULL;
    e->msgid = NULL;
}

static void
set_error(struct dkim_error *err, const char *msgid, const char *detail,
          size_t dlen)
{
    if (err == NULL)
        return;
    free(err->detail);
    err->msgid = msgid;
    err->detail = str_visible(detail != NULL ? detail : "",
                              detail != NULL ? dlen : 0);
}

static bool
is_wsp(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* VALCHAR = %x21-3A / %x3C-7E */
static bool
is_valchar(int c)
{
    return (c >= 0x21 && c <= 0x3a) || (c >= 0x3c && c <= 0x7e);
}

void
dkim_tags_fini(struct dkim_tags *tags)
{
    for (size_t i = 0; i < tags->n; i++) {
        free(tags->v[i].name);
        free(tags->v[i].value);
    }
    free(tags->v);
    tags->v = NULL;
    tags->n = 0;
}

const char *
dkim_tags_get(const struct dkim_tags *tags, const char *name)
{
    for (size_t i = 0; i < tags->n; i++)
        if (strcmp(tags->v[i].name, name) == 0)
            return tags->v[i].value;
    return NULL;
}

enum rc
dkim_tags_parse(const char *s, size_t len, struct dkim_tags *tags,
                struct dkim_error *err)
{
    size_t i = 0;

    tags->v = NULL;
    tags->n = 0;
    if (len > DKIM_MAX_RECORD) {
        set_error(err, N_("The DKIM record at %1$s is too long to be a "
                          "key record."), NULL, 0);
        return RC_PARSE;
    }
    while (i < len) {
        size_t end = i, ns, ne, vs, ve;

        while (end < len && s[end] != ';')
            end++;
        /* The spec [i, end). */
        ns = i;
        while (ns < end && is_wsp((unsigned char)s[ns]))
            ns++;
        if (ns == end) {
            /* Empty spec (";;" or a trailing ";"): tolerated. */
            i = end + 1;
            continue;
        }
        ne = ns;
        while (ne < end && s[ne] != '=')
            ne++;
        if (ne == end) {
            set_error(err, N_("The DKIM record at %1$s has a part without "
                              "\"=\": %2$s"), s + ns, end - ns);
            goto fail;
        }
        vs = ne + 1;
        /* Trim the name. */
        while (ne > ns && is_wsp((unsigned char)s[ne - 1]))
            ne--;
        if (ne == ns || !ascii_is_alpha((unsigned char)s[ns])) {
            set_error(err, N_("The DKIM record at %1$s has an invalid tag "
                              "name: %2$s"), s + ns, ne - ns);
            goto fail;
        }
        for (size_t k = ns; k < ne; k++) {
            int c = (unsigned char)s[k];
            if (!ascii_is_alpha(c) && !ascii_is_digit(c) && c != '_') {
                set_error(err, N_("The DKIM record at %1$s has an invalid "
                                  "tag name: %2$s"), s + ns, ne - ns);
                goto fail;
            }
        }
        while (vs < end && is_wsp((unsigned char)s[vs]))
            vs++;
        ve = end;
        while (ve > vs && is_wsp((unsigned char)s[ve - 1]))
            ve--;
        for (size_t k = vs; k < ve; k++) {
            int c = (unsigned char)s[k];
            if (!is_valchar(c) && !is_wsp(c)) {
                set_error(err, N_("The DKIM record at %1$s has a character "
                                  "that is not allowed in the value of "
                                  "tag %2$s."), s + ns, ne - ns);
                goto fail;
            }
        }
        char *name = xstrndup(s + ns, ne - ns);
        if (dkim_tags_get(tags, name) != NULL) {
            set_error(err, N_("The DKIM record at %1$s has the tag %2$s "
                              "more than once."), name, strlen(name));
            free(name);
            goto fail;
        }
        tags->v = xreallocarray(tags->v, tags->n + 1, sizeof(*tags->v));
        tags->v[tags->n].name = name;
        tags->v[tags->n].value = xstrndup(s + vs, ve - vs);
        tags->n++;
        i = end + 1;
    }
    return RC_OK;
fail:
    dkim_tags_fini(tags);
    return RC_PARSE;
}

void
dkim_key_record_free(struct dkim_key_record *r)
{
    if (r == NULL)
        return;
    free(r->k);
    free(r->p);
    free(r->h);
    free(r->s);
    free(r->t);
    free(r);
}

/* true if the colon-separated list has item (case-insensitive). */
static bool
list_has(const char *list, const char *item)
{
    const char *p = list;
    size_t il = strlen(item);

    while (*p != '\0') {
        const char *q = strchr(p, ':');
        size_t n = q != NULL ? (size_t)(q - p) : strlen(p);
        const char *a = p, *b = p + n;

        while (a < b && is_wsp((unsigned char)*a))
            a++;
        while (b > a && is_wsp((unsigned char)b[-1]))
            b--;
        if ((size_t)(b - a) == il && str_nieq(a, item, il))
            return true;
        if (q == NULL)
            break;
        p = q + 1;
    }
    return false;
}

bool
dkim_looks_like_key(const char *txt, size_t len)
{
    struct dkim_tags tags;
    bool yes;
    size_t i = 0;

    while (i < len && is_wsp((unsigned char)txt[i]))
        i++;
    if (len - i >= 7 && str_nieq(txt + i, "v=DKIM1", 7))
        return true;
    if (dkim_tags_parse(txt, len, &tags, NULL) != RC_OK)
        return false;
    yes = dkim_tags_get(&tags, "p") != NULL;
    dkim_tags_fini(&tags);
    return yes;
}

enum rc
dkim_key_record_parse(const char *txt, size_t len,
                      struct dkim_key_record **out, struct dkim_error *err)
{
    struct dkim_tags tags;
    struct dkim_key_record *r;
    const char *v, *k, *p, *h, *s, *t;

    *out = NULL;
    if (dkim_tags_parse(txt, len, &tags, err) != RC_OK)
        return RC_PARSE;
    v = dkim_tags_get(&tags, "v");
    if (v != NULL && strcmp(tags.v[0].name, "v") != 0) {
        set_error(err, N_("The DKIM record at %1$s has v= but not as its "
                          "first tag."), NULL, 0);
        goto fail;
    }
    if (v != NULL && strcmp(v, "DKIM1") != 0) {
        set_error(err, N_("The DKIM record at %1$s has the version %2$s; "
                          "the only version is DKIM1."), v, strlen(v));
        goto fail;
    }
    p = dkim_tags_get(&tags, "p");
    if (p == NULL) {
        set_error(err, N_("The DKIM record at %1$s has no p= tag (the "
                          "public key)."), NULL, 0);
        goto fail;
    }
    r = xcalloc(1, sizeof(*r));
    k = dkim_tags_get(&tags, "k");
    r->k = xstrdup(k != NULL ? k : "rsa");
    if (str_ieq(r->k, "rsa"))
        r->type = DKIM_KEY_RSA;
    else if (str_ieq(r->k, "ed25519"))
        r->type = DKIM_KEY_ED25519;
    else
        r->type = DKIM_KEY_OTHER;
    r->p_raw_len = strlen(p);
    {
        struct strbuf sb = STRBUF_INIT;

        for (const char *c = p; *c != '\0'; c++) {
            if (is_wsp((unsigned char)*c))
                r->p_split_ws = true;
            else
                strbuf_addc(&sb, *c);
        }
        r->p = sb.s != NULL ? strbuf_detach(&sb) : xstrdup("");
    }
    r->revoked = r->p[0] == '\0';
    h = dkim_tags_get(&tags, "h");
    s = dkim_tags_get(&tags, "s");
    t = dkim_tags_get(&tags, "t");
    r->h = h != NULL ? xstrdup(h) : NULL;
    r->s = s != NULL ? xstrdup(s) : NULL;
    r->t = t != NULL ? xstrdup(t) : NULL;
    r->sha256 = h == NULL || list_has(h, "sha256");
    r->email = s == NULL || list_has(s, "*") || list_has(s, "email");
    r->testing = t != NULL && list_has(t, "y");
    r->strict = t != NULL && list_has(t, "s");
    dkim_tags_fini(&tags);
    *out = r;
    return RC_OK;
fail:
    dkim_tags_fini(&tags);
    return RC_PARSE;
}

static int
b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool
dkim_base64_decode(const char *s, unsigned char **out, size_t *outlen)
{
    size_t len = strlen(s), n = 0, pad = 0, chars = 0;
    unsigned char *buf = xmalloc(len / 4 * 3 + 4);
    unsigned acc = 0;
    int nacc = 0;
    bool ok = true;

    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i], v;

        if (is_wsp(c))
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        v = b64_value(c);
        if (v < 0 || pad > 0) {
            ok = false;         /* bad character, or data after '=' */
            if (v < 0)
                continue;
        }
        chars++;
        acc = (acc << 6) | (unsigned)v;
        if (++nacc == 4) {
            buf[n++] = (unsigned char)(acc >> 16);
            buf[n++] = (unsigned char)(acc >> 8);
            buf[n++] = (unsigned char)acc;
            acc = 0;
            nacc = 0;
        }
    }
    /* A final partial group: 2 chars -> 1 byte, 3 chars -> 2 bytes. */
    if (nacc == 2) {
        buf[n++] = (unsigned char)(acc >> 4);
    } else if (nacc == 3) {
        buf[n++] = (unsigned char)(acc >> 10);
        buf[n++] = (unsigned char)(acc >> 2);
    } else if (nacc == 1) {
        ok = false;
    }
    if ((chars + pad) % 4 != 0 || pad > 2)
        ok = false;
    *out = buf;
    *outlen = n;
    return ok;
}

/* Total length the outer DER SEQUENCE declares, or 0 if there is none. */
static size_t
der_declared_len(const unsigned char *b, size_t n)
{
    size_t hdr, l = 0;

    if (n < 2 || b[0] != 0x30)
        return 0;
    if (b[1] < 0x80)
        return 2 + (size_t)b[1];
    hdr = (size_t)(b[1] & 0x7f);
    if (hdr == 0 || hdr > 3 || n < 2 + hdr)
        return 0;
    for (size_t i = 0; i < hdr; i++)
        l = (l << 8) | b[2 + i];
    return 2 + hdr + l;
}

/* Decode b64 as a key of type; *pkey (optional) gets the key (caller
 * frees with EVP_PKEY_free) when the problem is DKIM_KEY_OK. */
static void
decode_pkey(enum dkim_key_type type, const char *b64,
            struct dkim_key_info *info, EVP_PKEY **pkey)
{
    unsigned char *der = NULL;
    size_t n = 0;
    bool b64ok;
    EVP_PKEY *k = NULL;

    memset(info, 0, sizeof(*info));
    if (pkey != NULL)
        *pkey = NULL;
    if (type == DKIM_KEY_OTHER) {
        info->problem = DKIM_KEY_UNKNOWN_TYPE;
        return;
    }
    b64ok = dkim_base64_decode(b64, &der, &n);
    info->decoded_len = n;
    info->der_declared = der_declared_len(der, n);
    if (type == DKIM_KEY_ED25519) {
        if (!b64ok) {
            info->problem = DKIM_KEY_BAD_BASE64;
            goto out;
        }
        if (n != 32) {
            info->problem = DKIM_KEY_ED25519_SIZE;
            goto out;
        }
        k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, n);
        if (k == NULL) {
            info->problem = DKIM_KEY_NOT_A_KEY;
            goto out;
        }
        info->form = DKIM_FORM_RAW;
        info->bits = 256;
        goto done;
    }
    /* RSA.  A DER that declares more than is there was cut short: say so
     * before any base64 complaint, since a cut string often also has
     * broken padding. */
    if (info->der_declared > n) {
        info->problem = DKIM_KEY_TRUNCATED;
        goto out;
    }
    if (!b64ok) {
        info->problem = DKIM_KEY_BAD_BASE64;
        goto out;
    }
    if (info->der_declared != n) {
        info->problem = DKIM_KEY_NOT_A_KEY;
        goto out;
    }
    {
        const unsigned char *p = der;

        k = d2i_PUBKEY(NULL, &p, (long)n);
        if (k != NULL && p == der + n) {
            info->form = DKIM_FORM_SPKI;
        } else {
            EVP_PKEY_free(k);
            p = der;
            k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)n);
            if (k == NULL || p != der + n) {
                EVP_PKEY_free(k);
                k = NULL;
                info->problem = DKIM_KEY_NOT_A_KEY;
                goto out;
            }
            info->form = DKIM_FORM_RSAPUBLICKEY;
        }
    }
    if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
        info->problem = DKIM_KEY_WRONG_TYPE;
        goto out;
    }
    info->bits = (unsigned)EVP_PKEY_get_bits(k);
done:
    info->problem = DKIM_KEY_OK;
    if (pkey != NULL) {
        *pkey = k;
        k = NULL;
    }
out:
    EVP_PKEY_free(k);
    free(der);
}

void
dkim_key_pkey(enum dkim_key_type type, const char *b64,
              struct dkim_key_info *out, EVP_PKEY **pkey)
{
    decode_pkey(type, b64, out, pkey);
}

void
dkim_key_decode(enum dkim_key_type type, const char *b64,
                struct dkim_key_info *out)
{
    decode_pkey(type, b64, out, NULL);
}

/* Never prompt for a passphrase. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

enum rc
dkim_key_compare_file(const char *path, enum dkim_key_type type,
                      const char *b64, bool *match)
{
    struct dkim_key_info info;
    EVP_PKEY *pub = NULL, *priv = NULL;
    BIO *bio = NULL;
    FILE *f;
    enum rc rc = RC_CRYPTO;

    *match = false;
    f = fopen(path, "r");
    if (f == NULL)
        return RC_IO;
    bio = BIO_new_fp(f, BIO_CLOSE);
    if (bio == NULL) {
        fclose(f);
        return RC_NOMEM;
    }
    priv = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    if (priv == NULL)
        goto out;
    decode_pkey(type, b64, &info, &pub);
    if (pub == NULL)
        goto out;
    *match = EVP_PKEY_eq(priv, pub) == 1;
    rc = RC_OK;
out:
    EVP_PKEY_free(pub);
    EVP_PKEY_free(priv);
    BIO_free(bio);
    return rc;
}
