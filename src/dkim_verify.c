/* dkim_verify.c - DKIM-Signature verification (dkim_verify.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mailready/dkim.h"
#include "mailready/dkim_verify.h"
#include "mailready/i18n.h"
#include "mailready/util.h"

/* Most names h= may list: more is no real signature. */
#define DKIM_MAX_H 256

const char *
dkim_res_name(enum dkim_res r)
{
    switch (r) {
    case DKIM_RES_PASS: return "pass";
    case DKIM_RES_FAIL: return "fail";
    case DKIM_RES_NEUTRAL: return "neutral";
    case DKIM_RES_TEMPERROR: return "temperror";
    case DKIM_RES_PERMERROR: return "permerror";
    }
    return "permerror";
}

const char *
dkim_reason_msgid(enum dkim_reason r)
{
    switch (r) {
    case DKIM_R_NONE:
        return N_("The signature verified.");
    case DKIM_R_SYNTAX:
        return N_("The signature field is malformed: %s");
    case DKIM_R_VERSION:
        return N_("The signature is not DKIM version 1 (v=%s).");
    case DKIM_R_MISSING_TAG:
        return N_("The signature lacks the required tag %s=.");
    case DKIM_R_BAD_TAG:
        return N_("The signature's %s= tag has an invalid value.");
    case DKIM_R_UNKNOWN_ALG:
        return N_("The signature uses an algorithm receivers do not know: "
                  "%s.");
    case DKIM_R_FROM_UNSIGNED:
        return N_("The signature does not sign the From header field, so "
                  "receivers ignore it (RFC 6376 section 6.1.1).");
    case DKIM_R_I_NOT_IN_D:
        return N_("The signature's i= identity is not in its d= domain.");
    case DKIM_R_EXPIRED:
        return N_("The signature has expired (x=).");
    case DKIM_R_SHA1:
        return N_("The signature uses rsa-sha1, which receivers must not "
                  "accept (RFC 8301).");
    case DKIM_R_KEY_MISSING:
        return N_("No DKIM key is published at %s.");
    case DKIM_R_KEY_DNS:
        return N_("The key at %s could not be fetched from DNS.");
    case DKIM_R_KEY_SYNTAX:
        return N_("The key record at %s is malformed.");
    case DKIM_R_KEY_REVOKED:
        return N_("The key at %s is revoked (empty p=).");
    case DKIM_R_KEY_TYPE:
        return N_("The key at %s is not of the signature's type.");
    case DKIM_R_KEY_HASH:
        return N_("The key at %s does not allow the signature's hash.");
    case DKIM_R_KEY_SERVICE:
        return N_("The key at %s is not for email (s=).");
    case DKIM_R_KEY_STRICT:
        return N_("The key at %s has t=s, but the signature's i= is a "
                  "subdomain.");
    case DKIM_R_KEY_BAD:
        return N_("The key at %s is not a usable public key.");
    case DKIM_R_KEY_SHORT:
        return N_("The RSA key has %s bits: receivers reject keys under "
                  "1024 bits.");
    case DKIM_R_L_TOO_LONG:
        return N_("The l= body length is longer than the body.");
    case DKIM_R_BODY_HASH:
        return N_("The body hash does not match: the body was changed "
                  "after signing.");
    case DKIM_R_SIGNATURE:
        return N_("The signature does not match: a signed header field "
                  "was changed, or another key signed it.");
    }
    return "";
}

static bool
is_wsp(int c)
{
    return c == ' ' || c == '\t';
}

static bool
is_fws(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void
dkim_sig_fini(struct dkim_sig *sig)
{
    free(sig->a);
    free(sig->d);
    free(sig->s);
    free(sig->i);
    for (size_t k = 0; k < sig->nh; k++)
        free(sig->h[k]);
    free(sig->h);
    free(sig->b);
    free(sig->bh);
    memset(sig, 0, sizeof(*sig));
}

void
dkim_check_fini(struct dkim_check *c)
{
    free(c->detail);
    memset(c, 0, sizeof(*c));
}

/* A copy of s without FWS. */
static char *
no_fws(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *r = xmalloc(n + 1);

    for (size_t k = 0; k < n; k++)
        if (!is_fws((unsigned char)s[k]))
            r[o++] = s[k];
    r[o] = '\0';
    return r;
}

static bool
parse_ull(const char *s, unsigned long long *out)
{
    unsigned long long v = 0;

    if (*s == '\0' || strlen(s) > 18)
        return false;
    for (; *s; s++) {
        if (!ascii_is_digit((unsigned char)*s))
            return false;
        v = v * 10 + (unsigned)(*s - '0');
    }
    *out = v;
    return true;
}

static bool
parse_canon(const char *c, enum dkim_canon *hc, enum dkim_canon *bc)
{
    const char *slash = strchr(c, '/');
    size_t hl = slash != NULL ? (size_t)(slash - c) : strlen(c);

    if (hl == 6 && strncmp(c, "simple", 6) == 0)
        *hc = DKIM_CANON_SIMPLE;
    else if (hl == 7 && strncmp(c, "relaxed", 7) == 0)
        *hc = DKIM_CANON_RELAXED;
    else
        return false;
    *bc = DKIM_CANON_SIMPLE;
    if (slash == NULL)
        return true;
    if (strcmp(slash + 1, "simple") == 0)
        *bc = DKIM_CANON_SIMPLE;
    else if (strcmp(slash + 1, "relaxed") == 0)
        *bc = DKIM_CANON_RELAXED;
    else
        return false;
    return true;
}

/* Split h= on ':' with FWS removed; false if a name is empty. */
static bool
parse_h(const char *v, struct dkim_sig *sig)
{
    char *all = no_fws(v);
    char *p = all;
    bool ok = true;

    for (;;) {
        char *c = strchr(p, ':');
        size_t n = c != NULL ? (size_t)(c - p) : strlen(p);

        if (n == 0 || sig->nh >= DKIM_MAX_H) {
            ok = false;
            break;
        }
        for (size_t k = 0; k < n; k++) {
            unsigned char ch = (unsigned char)p[k];
            if (ch <= 0x20 || ch >= 0x7f) {
                ok = false;
                break;
            }
        }
        if (!ok)
            break;
        sig->h = xreallocarray(sig->h, sig->nh + 1, sizeof(*sig->h));
        sig->h[sig->nh++] = xstrndup(p, n);
        if (c == NULL)
            break;
        p = c + 1;
    }
    free(all);
    return ok;
}

static bool
b64_tag(const char *v, unsigned char **out, size_t *len)
{
    if (!dkim_base64_decode(v, out, len) || *len == 0) {
        free(*out);
        *out = NULL;
        *len = 0;
        return false;
    }
    return true;
}

enum dkim_reason
dkim_sig_parse(const struct msg_header *h, long long now,
               struct dkim_sig *sig, char **detail)
{
    static const char *const required[] = { "v", "a", "b", "bh", "d",
                                            "h", "s" };
    struct dkim_tags tags = { NULL, 0 };
    struct dkim_error err = { NULL, NULL };
    const char *val, *v;
    size_t vlen;
    char *text;
    enum dkim_reason r = DKIM_R_NONE;
    unsigned long long num;

    memset(sig, 0, sizeof(*sig));
    *detail = NULL;
    msg_header_value(h, &val, &vlen);
    if (dkim_tags_parse(val, vlen, &tags, &err) != RC_OK) {
        *detail = err.detail != NULL ? err.detail : xstrdup("");
        err.detail = NULL;
        dkim_error_fini(&err);
        return DKIM_R_SYNTAX;
    }
    for (size_t k = 0; k < ARRAY_LEN(required); k++) {
        if (dkim_tags_get(&tags, required[k]) == NULL) {
            *detail = xstrdup(required[k]);
            r = DKIM_R_MISSING_TAG;
            goto out;
        }
    }
    v = dkim_tags_get(&tags, "v");
    if (strcmp(v, "1") != 0) {
        *detail = xstrdup(v);
        r = DKIM_R_VERSION;
        goto out;
    }
    sig->a = xstrdup(dkim_tags_get(&tags, "a"));
    if (strcmp(sig->a, "rsa-sha256") == 0)
        sig->alg = DKIM_ALG_RSA_SHA256;
    else if (strcmp(sig->a, "ed25519-sha256") == 0)
        sig->alg = DKIM_ALG_ED25519_SHA256;
    else if (strcmp(sig->a, "rsa-sha1") == 0)
        sig->alg = DKIM_ALG_RSA_SHA1;
    else
        sig->alg = DKIM_ALG_UNKNOWN;
    sig->d = xstrdup(dkim_tags_get(&tags, "d"));
    str_lower(sig->d);
    sig->s = xstrdup(dkim_tags_get(&tags, "s"));
    if ((v = dkim_tags_get(&tags, "i")) != NULL)
        sig->i = xstrdup(v);
#define BAD(tag) do { *detail = xstrdup(tag); r = DKIM_R_BAD_TAG;          \
                      goto out; } while (0)
    if (sig->d[0] == '\0' || strchr(sig->d, '@') != NULL)
        BAD("d");
    if (sig->s[0] == '\0')
        BAD("s");
    if (!b64_tag(dkim_tags_get(&tags, "b"), &sig->b, &sig->blen))
        BAD("b");
    if (!b64_tag(dkim_tags_get(&tags, "bh"), &sig->bh, &sig->bhlen))
        BAD("bh");
    if (!parse_h(dkim_tags_get(&tags, "h"), sig))
        BAD("h");
    sig->hc = sig->bc = DKIM_CANON_SIMPLE;
    if ((v = dkim_tags_get(&tags, "c")) != NULL &&
        !parse_canon(v, &sig->hc, &sig->bc))
        BAD("c");
    if ((v = dkim_tags_get(&tags, "q")) != NULL) {
        text = no_fws(v);
        bool dns = false;
        for (char *p = text; p != NULL;) {
            char *c = strchr(p, ':');
            size_t n = c != NULL ? (size_t)(c - p) : strlen(p);
            if (n == 7 && strncmp(p, "dns/txt", 7) == 0)
                dns = true;
            p = c != NULL ? c + 1 : NULL;
        }
        free(text);
        if (!dns)
            BAD("q");
    }
    if ((v = dkim_tags_get(&tags, "l")) != NULL) {
        if (!parse_ull(v, &sig->l))
            BAD("l");
        sig->has_l = true;
    }
    if ((v = dkim_tags_get(&tags, "t")) != NULL) {
        if (!parse_ull(v, &num))
            BAD("t");
        sig->has_t = true;
        sig->t = (long long)num;
    }
    if ((v = dkim_tags_get(&tags, "x")) != NULL) {
        if (!parse_ull(v, &num))
            BAD("x");
        sig->has_x = true;
        sig->x = (long long)num;
        if (sig->has_t && sig->x < sig->t)
            BAD("x");
    }
#undef BAD
    if (sig->alg == DKIM_ALG_UNKNOWN) {
        *detail = xstrdup(sig->a);
        r = DKIM_R_UNKNOWN_ALG;
        goto out;
    }
    {
        bool from = false;
        for (size_t k = 0; k < sig->nh; k++)
            if (str_ieq(sig->h[k], "from"))
                from = true;
        if (!from) {
            r = DKIM_R_FROM_UNSIGNED;
            goto out;
        }
    }
    if (sig->i != NULL) {
        const char *at = strrchr(sig->i, '@');
        const char *dom = at != NULL ? at + 1 : NULL;
        size_t dl = dom != NULL ? strlen(dom) : 0, ddl = strlen(sig->d);

        if (dom == NULL ||
            !(str_ieq(dom, sig->d) ||
              (dl > ddl && dom[dl - ddl - 1] == '.' &&
               str_ieq(dom + dl - ddl, sig->d)))) {
            r = DKIM_R_I_NOT_IN_D;
            goto out;
        }
    }
    if (sig->has_x && now > sig->x) {
        r = DKIM_R_EXPIRED;
        goto out;
    }
out:
    dkim_tags_fini(&tags);
    return r;
}

void
dkim_canon_header(enum dkim_canon c, const char *raw, size_t len,
                  size_t name_len, struct strbuf *out)
{
    const char *colon;
    size_t i;
    bool sp = false, any = false;

    if (c == DKIM_CANON_SIMPLE) {
        strbuf_add(out, raw, len);
        strbuf_add(out, "\r\n", 2);
        return;
    }
    for (size_t k = 0; k < name_len; k++)
        strbuf_addc(out, (char)ascii_to_lower((unsigned char)raw[k]));
    strbuf_addc(out, ':');
    colon = memchr(raw, ':', len);
    i = colon != NULL ? (size_t)(colon - raw) + 1 : len;
    for (; i < len; i++) {
        unsigned char ch = (unsigned char)raw[i];
        if (ch == '\r' || ch == '\n')
            continue;               /* unfold */
        if (is_wsp(ch)) {
            sp = any;               /* leading WSP dropped */
            continue;
        }
        if (sp)
            strbuf_addc(out, ' ');
        sp = false;
        any = true;
        strbuf_addc(out, (char)ch);
    }
    strbuf_add(out, "\r\n", 2);
}

void
dkim_canon_body(enum dkim_canon c, const char *body, size_t len,
                struct strbuf *out)
{
    size_t start = out->len, i = 0, keep;

    while (i < len) {
        const char *nl = NULL;
        size_t e = i, le;

        /* a line ends at CRLF; a lone CR or LF is a byte of the line */
        for (size_t k = i; k + 1 < len; k++)
            if (body[k] == '\r' && body[k + 1] == '\n') {
                nl = body + k;
                break;
            }
        le = nl != NULL ? (size_t)(nl - body) : len;
        e = le;
        if (c == DKIM_CANON_RELAXED) {
            bool sp = false;
            while (e > i && is_wsp((unsigned char)body[e - 1]))
                e--;
            for (size_t k = i; k < e; k++) {
                if (is_wsp((unsigned char)body[k])) {
                    sp = true;
                    continue;
                }
                if (sp)
                    strbuf_addc(out, ' ');
                sp = false;
                strbuf_addc(out, body[k]);
            }
        } else {
            strbuf_add(out, body + i, e - i);
        }
        strbuf_add(out, "\r\n", 2);
        i = nl != NULL ? le + 2 : len;
    }
    /* drop the empty lines at the end */
    keep = out->len;
    while (keep - start >= 4 && memcmp(out->s + keep - 4, "\r\n\r\n",
                                       4) == 0)
        keep -= 2;
    if (keep - start == 2 && memcmp(out->s + start, "\r\n", 2) == 0)
        keep = start;
    out->len = keep;
    if (out->s != NULL)
        out->s[keep] = '\0';
    if (c == DKIM_CANON_SIMPLE && keep == start)
        strbuf_add(out, "\r\n", 2);
}

void
dkim_select_headers(const struct msg *m, char *const *names, size_t n,
                    size_t skip, long *idx)
{
    bool *used = xcalloc(m->nh + 1, sizeof(*used));

    for (size_t k = 0; k < n; k++) {
        idx[k] = -1;
        for (size_t j = m->nh; j-- > 0;) {
            if (j == skip || used[j] || !msg_header_is(&m->h[j], names[k]))
                continue;
            used[j] = true;
            idx[k] = (long)j;
            break;
        }
    }
    free(used);
}

/* The signature field with the value of b= emptied (§3.7). */
static void
sig_field_without_b(const struct msg_header *h, struct strbuf *out)
{
    const char *v;
    size_t vlen, i;

    msg_header_value(h, &v, &vlen);
    strbuf_add(out, h->raw, (size_t)(v - h->raw));
    i = 0;
    while (i < vlen) {
        size_t end = i, ns = i;

        while (end < vlen && v[end] != ';')
            end++;
        while (ns < end && is_fws((unsigned char)v[ns]))
            ns++;
        if (ns < end && v[ns] == 'b') {
            size_t e = ns + 1;
            while (e < end && is_fws((unsigned char)v[e]))
                e++;
            if (e < end && v[e] == '=') {
                strbuf_add(out, v + i, e + 1 - i);
                i = end;
                if (i < vlen)
                    strbuf_addc(out, ';');
                i++;
                continue;
            }
        }
        strbuf_add(out, v + i, end - i);
        if (end < vlen)
            strbuf_addc(out, ';');
        i = end + 1;
    }
}

static const EVP_MD *
sig_md(enum dkim_alg a)
{
    return a == DKIM_ALG_RSA_SHA1 ? EVP_sha1() : EVP_sha256();
}

static bool
digest(const EVP_MD *md, const char *data, size_t len, unsigned char *out,
       unsigned *outlen)
{
    return EVP_Digest(data, len, out, outlen, md, NULL) == 1;
}

static bool
verify_data(enum dkim_alg alg, EVP_PKEY *key, const struct dkim_sig *sig,
            const char *data, size_t len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = false;

    if (ctx == NULL)
        return false;
    if (alg == DKIM_ALG_ED25519_SHA256) {
        /* RFC 8463 §3: Ed25519 over the SHA-256 of the header hash
         * input */
        unsigned char h[EVP_MAX_MD_SIZE];
        unsigned hl = 0;

        ok = digest(EVP_sha256(), data, len, h, &hl) &&
             EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
             EVP_DigestVerify(ctx, sig->b, sig->blen, h, hl) == 1;
    } else {
        ok = EVP_DigestVerifyInit(ctx, NULL, sig_md(alg), NULL, key) == 1 &&
             EVP_DigestVerify(ctx, sig->b, sig->blen,
                              (const unsigned char *)data, len) == 1;
    }
    EVP_MD_CTX_free(ctx);
    return ok;
}

/* The key for sig from the record text, or a reason it is none. */
static enum dkim_reason
key_from_record(const struct dkim_sig *sig, const char *keytxt,
                size_t keylen, EVP_PKEY **key, struct dkim_check *out)
{
    struct dkim_key_record *rec = NULL;
    struct dkim_error err = { NULL, NULL };
    struct dkim_key_info info;
    enum dkim_reason r = DKIM_R_NONE;

    *key = NULL;
    if (dkim_key_record_parse(keytxt, keylen, &rec, &err) != RC_OK) {
        dkim_error_fini(&err);
        return DKIM_R_KEY_SYNTAX;
    }
    out->key_testing = rec->testing;
    if (rec->revoked) {
        r = DKIM_R_KEY_REVOKED;
        goto out;
    }
    if ((sig->alg == DKIM_ALG_ED25519_SHA256) !=
        (rec->type == DKIM_KEY_ED25519) || rec->type == DKIM_KEY_OTHER) {
        r = DKIM_R_KEY_TYPE;
        goto out;
    }
    if (!rec->email) {
        r = DKIM_R_KEY_SERVICE;
        goto out;
    }
    if (rec->h != NULL && sig->alg != DKIM_ALG_RSA_SHA1 && !rec->sha256) {
        r = DKIM_R_KEY_HASH;
        goto out;
    }
    if (rec->strict && sig->i != NULL) {
        const char *at = strrchr(sig->i, '@');
        if (at != NULL && !str_ieq(at + 1, sig->d)) {
            r = DKIM_R_KEY_STRICT;
            goto out;
        }
    }
    dkim_key_pkey(rec->type, rec->p, &info, key);
    if (info.problem != DKIM_KEY_OK)
        r = DKIM_R_KEY_BAD;
out:
    dkim_key_record_free(rec);
    return r;
}

void
dkim_verify_sig(const struct msg *m, size_t hidx,
                const struct dkim_sig *sig, const char *keytxt,
                size_t keylen, struct evp_pkey_st *given,
                struct dkim_check *out)
{
    struct strbuf sb = STRBUF_INIT;
    EVP_PKEY *key = NULL;
    unsigned char bh[EVP_MAX_MD_SIZE];
    unsigned bhl = 0;
    long *idx = NULL;
    size_t use;
    enum dkim_reason kr;

    memset(out, 0, sizeof(*out));
    out->res = DKIM_RES_PERMERROR;
    if (given != NULL) {
        key = given;
        EVP_PKEY_up_ref(key);
        if ((sig->alg == DKIM_ALG_ED25519_SHA256) !=
            (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519)) {
            out->reason = DKIM_R_KEY_TYPE;
            goto out;
        }
    } else {
        kr = key_from_record(sig, keytxt, keylen, &key, out);
        if (kr != DKIM_R_NONE) {
            out->reason = kr;
            goto out;
        }
    }
    out->key_bits = (unsigned)EVP_PKEY_get_bits(key);
    /* body */
    dkim_canon_body(sig->bc, m->body, m->body_len, &sb);
    use = sb.len;
    if (sig->has_l) {
        if (sig->l > sb.len) {
            out->res = DKIM_RES_FAIL;
            out->reason = DKIM_R_L_TOO_LONG;
            goto out;
        }
        use = (size_t)sig->l;
    }
    if (!digest(sig_md(sig->alg), sb.s != NULL ? sb.s : "", use, bh, &bhl))
        goto out;
    out->body_ok = bhl == sig->bhlen && memcmp(bh, sig->bh, bhl) == 0;
    /* header */
    strbuf_reset(&sb);
    idx = xcalloc(sig->nh + 1, sizeof(*idx));
    dkim_select_headers(m, sig->h, sig->nh, hidx, idx);
    for (size_t k = 0; k < sig->nh; k++) {
        if (idx[k] < 0)
            continue;
        const struct msg_header *h = &m->h[idx[k]];
        dkim_canon_header(sig->hc, h->raw, h->len, h->name_len, &sb);
    }
    {
        struct strbuf f = STRBUF_INIT;
        sig_field_without_b(&m->h[hidx], &f);
        dkim_canon_header(sig->hc, f.s, f.len, m->h[hidx].name_len, &sb);
        strbuf_fini(&f);
        sb.len -= 2;                /* no CRLF after the signature */
        sb.s[sb.len] = '\0';
    }
    out->res = DKIM_RES_FAIL;
    if (!out->body_ok) {
        out->reason = DKIM_R_BODY_HASH;
    } else if (!verify_data(sig->alg, key, sig, sb.s, sb.len)) {
        out->reason = DKIM_R_SIGNATURE;
    } else if (sig->alg == DKIM_ALG_RSA_SHA1) {
        out->would_pass = true;
    } else if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA &&
               out->key_bits < 1024) {
        out->reason = DKIM_R_KEY_SHORT;
        out->detail = xasprintf("%u", out->key_bits);
    } else {
        out->res = DKIM_RES_PASS;
        out->reason = DKIM_R_NONE;
    }
    /* RFC 8301 §3.1: rsa-sha1 fails whatever the outcome; would_pass
     * says whether it would otherwise have verified. */
    if (sig->alg == DKIM_ALG_RSA_SHA1)
        out->reason = DKIM_R_SHA1;
out:
    if (out->res == DKIM_RES_PERMERROR && out->reason == DKIM_R_NONE)
        out->reason = DKIM_R_KEY_BAD;
    EVP_PKEY_free(key);
    free(idx);
    strbuf_fini(&sb);
}
