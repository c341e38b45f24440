/* dkim.h - DKIM key records (RFC 6376 §3.6.1, Ed25519 RFC 8463): the
 * tag-list parser, key decoding and comparing a private key file with a
 * published key.  Pure functions; no DNS. */
#ifndef MAILREADY_DKIM_H
#define MAILREADY_DKIM_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/rc.h"

/* One tag=value pair of a tag-list (RFC 6376 §3.2). */
struct dkim_tag {
    char *name;         /* as written */
    char *value;        /* surrounding whitespace removed */
};

struct dkim_tags {
    struct dkim_tag *v;
    size_t n;
};

/* A syntax problem: msgid is an N_() sentence with %1$s (the name the
 * record is at, filled in by the caller) and %2$s (detail, may be "").
 * detail is owned. */
struct dkim_error {
    const char *msgid;
    char *detail;
};

void dkim_error_fini(struct dkim_error *e);

/* Parse a tag-list (RFC 6376 §3.2): tag names ALPHA *(ALPHA/DIGIT/"_"),
 * values of VALCHAR with folding whitespace inside, ';' separators, an
 * optional trailing ';'.  A repeated tag name makes the list invalid.
 * On success *tags holds the pairs (free with dkim_tags_fini()); on
 * failure it is empty and err says why. */
enum rc dkim_tags_parse(const char *s, size_t len, struct dkim_tags *tags,
                        struct dkim_error *err);
void dkim_tags_fini(struct dkim_tags *tags);
/* Value of a tag by exact name, borrowed; NULL if absent. */
const char *dkim_tags_get(const struct dkim_tags *tags, const char *name);

enum dkim_key_type {
    DKIM_KEY_RSA,
    DKIM_KEY_ED25519,
    DKIM_KEY_OTHER          /* a k= we do not know: verifiers skip it */
};

/* A parsed key record. */
struct dkim_key_record {
    enum dkim_key_type type;
    char *k;                /* k= as published, "rsa" when absent */
    char *p;                /* p= with whitespace removed; "" = revoked */
    char *h;                /* h= or NULL */
    char *s;                /* s= or NULL */
    char *t;                /* t= or NULL */
    bool testing;           /* t= has y */
    bool strict;            /* t= has s */
    bool revoked;           /* empty p= */
    bool sha256;            /* h= absent or lists sha256 */
    bool email;             /* s= absent, or lists * or email */
    bool p_split_ws;        /* p= had whitespace inside */
    size_t p_raw_len;       /* length of the p= value as published */
};

/* Parse a DKIM key record (the TXT strings joined).  v=, if present,
 * must come first and be DKIM1; p= is required.  Unknown tags are
 * ignored.  On success *out (caller frees with dkim_key_record_free());
 * on failure *out is NULL and err says why. */
enum rc dkim_key_record_parse(const char *txt, size_t len,
                              struct dkim_key_record **out,
                              struct dkim_error *err);
void dkim_key_record_free(struct dkim_key_record *r);

/* true if a TXT looks meant as a DKIM key record (starts with v=DKIM1,
 * or has a p= tag).  Used to tell keys from unrelated TXT records. */
bool dkim_looks_like_key(const char *txt, size_t len);

enum dkim_key_problem {
    DKIM_KEY_OK,
    DKIM_KEY_BAD_BASE64,    /* characters outside base64, or padding */
    DKIM_KEY_TRUNCATED,     /* the DER says it is longer than it is */
    DKIM_KEY_NOT_A_KEY,     /* decodes, but is no public key */
    DKIM_KEY_WRONG_TYPE,    /* e.g. k=rsa but an Ed25519 key */
    DKIM_KEY_ED25519_SIZE,  /* Ed25519 not 32 raw bytes */
    DKIM_KEY_UNKNOWN_TYPE   /* k= we cannot decode */
};

enum dkim_key_form {
    DKIM_FORM_NONE,
    DKIM_FORM_SPKI,         /* SubjectPublicKeyInfo (RFC 6376) */
    DKIM_FORM_RSAPUBLICKEY, /* bare PKCS#1 RSAPublicKey */
    DKIM_FORM_RAW           /* Ed25519, 32 bytes (RFC 8463) */
};

struct dkim_key_info {
    enum dkim_key_problem problem;
    enum dkim_key_form form;
    unsigned bits;          /* RSA modulus bits; 256 for Ed25519 */
    size_t decoded_len;     /* bytes after base64 */
    size_t der_declared;    /* bytes the outer DER header declares, or 0 */
};

/* Decode p= (base64, whitespace allowed) as a key of type. */
void dkim_key_decode(enum dkim_key_type type, const char *b64,
                     struct dkim_key_info *out);

/* As dkim_key_decode(), and *pkey (caller frees with EVP_PKEY_free())
 * gets the key when out->problem is DKIM_KEY_OK, else NULL.  For the
 * DKIM verifier (dkim_verify.c). */
struct evp_pkey_st;
void dkim_key_pkey(enum dkim_key_type type, const char *b64,
                   struct dkim_key_info *out, struct evp_pkey_st **pkey);

/* Compare the public half of the PEM private key in path with the
 * published p= of type.  RC_OK with *match set; RC_IO if the file cannot
 * be read; RC_CRYPTO if it holds no private key we can read, or p= is no
 * key. */
enum rc dkim_key_compare_file(const char *path, enum dkim_key_type type,
                              const char *b64, bool *match);

/* Base64 decode (RFC 4648, whitespace skipped).  Returns false on a bad
 * character or bad padding; *out (caller frees) holds what could be
 * decoded either way (complete groups and a final partial group), and
 * *outlen its length. */
bool dkim_base64_decode(const char *s, unsigned char **out, size_t *outlen);

#endif
