/* dkim_verify.h - verifying DKIM-Signature header fields (RFC 6376 §3.5,
 * §3.4 canonicalization, §5.4.2 header selection, §6; Ed25519 RFC 8463;
 * RFC 8301: rsa-sha1 is not valid, RSA keys under 1024 bits are not).
 * Pure code over struct msg and key record text: verify.c fetches the
 * keys.  OpenSSL 3 EVP for the hashes and signatures. */
#ifndef MAILREADY_DKIM_VERIFY_H
#define MAILREADY_DKIM_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/msg.h"
#include "mailready/rc.h"
#include "mailready/strbuf.h"

struct evp_pkey_st;

enum dkim_alg {
    DKIM_ALG_RSA_SHA256,
    DKIM_ALG_ED25519_SHA256,
    DKIM_ALG_RSA_SHA1,      /* parsed, never valid (RFC 8301 §3.1) */
    DKIM_ALG_UNKNOWN
};

enum dkim_canon { DKIM_CANON_SIMPLE, DKIM_CANON_RELAXED };

/* RFC 8601 §2.7.1 result words. */
enum dkim_res {
    DKIM_RES_PASS,
    DKIM_RES_FAIL,
    DKIM_RES_NEUTRAL,
    DKIM_RES_TEMPERROR,
    DKIM_RES_PERMERROR
};

/* Why a signature did not pass.  dkim_reason_msgid() words each (an N_()
 * sentence; those taking the detail have one %s). */
enum dkim_reason {
    DKIM_R_NONE,
    DKIM_R_SYNTAX,          /* the tag-list is broken: detail says how */
    DKIM_R_VERSION,         /* v= is not 1 */
    DKIM_R_MISSING_TAG,     /* detail: the tag */
    DKIM_R_BAD_TAG,         /* detail: the tag whose value is invalid */
    DKIM_R_UNKNOWN_ALG,     /* detail: a= */
    DKIM_R_FROM_UNSIGNED,   /* h= lacks From: ignored (§6.1.1) */
    DKIM_R_I_NOT_IN_D,      /* i= outside d= */
    DKIM_R_EXPIRED,         /* x= is past */
    DKIM_R_SHA1,            /* rsa-sha1 (RFC 8301) */
    DKIM_R_KEY_MISSING,     /* no key record at the selector */
    DKIM_R_KEY_DNS,         /* DNS error fetching the key: temperror */
    DKIM_R_KEY_SYNTAX,      /* the key record is broken; detail */
    DKIM_R_KEY_REVOKED,     /* empty p= */
    DKIM_R_KEY_TYPE,        /* k= does not fit a= */
    DKIM_R_KEY_HASH,        /* the key's h= excludes sha256 */
    DKIM_R_KEY_SERVICE,     /* the key's s= excludes email */
    DKIM_R_KEY_STRICT,      /* t=s and i= is a subdomain of d= */
    DKIM_R_KEY_BAD,         /* p= is no usable key */
    DKIM_R_KEY_SHORT,       /* RSA under 1024 bits; detail: bits */
    DKIM_R_L_TOO_LONG,      /* l= exceeds the body */
    DKIM_R_BODY_HASH,       /* the body changed (bh= mismatch) */
    DKIM_R_SIGNATURE        /* the signed header fields changed, or the
                             * key is not the one that signed */
};

const char *dkim_reason_msgid(enum dkim_reason r);
/* "pass", "fail", "neutral", "temperror", "permerror" */
const char *dkim_res_name(enum dkim_res r);

/* A parsed DKIM-Signature. */
struct dkim_sig {
    char *a;                /* as written */
    enum dkim_alg alg;
    enum dkim_canon hc, bc;
    char *d, *s;            /* d= lower case; s= as written */
    char *i;                /* i= or NULL */
    char **h;               /* h= names, FWS removed */
    size_t nh;
    unsigned char *b, *bh;
    size_t blen, bhlen;
    bool has_l;
    unsigned long long l;
    bool has_t, has_x;
    long long t, x;
};

/* Parse and validate the DKIM-Signature field h (RFC 6376 §3.5, §6.1.1)
 * as of now (epoch seconds, for x=).  Always fills sig as far as it got
 * (free with dkim_sig_fini()).  Returns DKIM_R_NONE if it is usable;
 * else why, and *detail (caller frees, may be NULL) the tag or text. */
enum dkim_reason dkim_sig_parse(const struct msg_header *h, long long now,
                                struct dkim_sig *sig, char **detail);
void dkim_sig_fini(struct dkim_sig *sig);

/* Canonicalization (§3.4), appended to out.  A header field (raw, as in
 * struct msg_header) gets its CRLF; the body is the whole canonical
 * body. */
void dkim_canon_header(enum dkim_canon c, const char *raw, size_t len,
                       size_t name_len, struct strbuf *out);
void dkim_canon_body(enum dkim_canon c, const char *body, size_t len,
                     struct strbuf *out);

/* §5.4.2: for names[0..n), the index in m of the field each signs,
 * picking bottom-up and each field at most once; -1 where none is left
 * (that name then signs the absence of the field).  skip: the signature
 * field itself, never picked. */
void dkim_select_headers(const struct msg *m, char *const *names, size_t n,
                         size_t skip, long *idx);

struct dkim_check {
    enum dkim_res res;
    enum dkim_reason reason;
    char *detail;           /* caller frees; may be NULL */
    bool body_ok;           /* bh= matched */
    bool would_pass;        /* rsa-sha1 only: it would have verified */
    unsigned key_bits;      /* 0 if no key was decoded */
    bool key_testing;       /* the key record has t=y */
};

void dkim_check_fini(struct dkim_check *c);

/* Check the usable signature sig of field hidx of m against the key
 * record keytxt (the TXT strings joined), or against key when not NULL
 * (a key the admin gave: keytxt is ignored). */
void dkim_verify_sig(const struct msg *m, size_t hidx,
                     const struct dkim_sig *sig, const char *keytxt,
                     size_t keylen, struct evp_pkey_st *key,
                     struct dkim_check *out);

#endif
