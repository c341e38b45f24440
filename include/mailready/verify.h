/* verify.h - did a received message pass?  DKIM for every signature, SPF
 * for the hop that handed it to the receiver, DMARC alignment, and the
 * receiver's own Authentication-Results beside them (issue 15).
 *
 * Runs over struct dns like a check step: verify_start() sends the
 * queries (DKIM keys, SPF check_host, the DMARC tree walk of the From
 * domain) and returns; when dns_pending() is 0 (dns_run(), or the
 * wizard's poll loop), verify_finish() computes the results.
 *
 * Ownership: struct verify is opaque and the caller's, from verify_new()
 * to verify_free().  The callbacks use it: free the struct dns first,
 * then the verify (dns_free(dns); verify_free(v)).  Everything reachable
 * from verify_result() belongs to the verify.  Strings taken from the
 * message are raw bytes: front ends pass them through str_visible(). */
#ifndef MAILREADY_VERIFY_H
#define MAILREADY_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/dkim_verify.h"
#include "mailready/dmarc.h"
#include "mailready/dns.h"
#include "mailready/rc.h"
#include "mailready/spf.h"

/* Signatures and Authentication-Results entries looked at; more are
 * counted, not evaluated. */
#define VERIFY_MAX_SIGS 16
#define VERIFY_MAX_AR 32

struct verify_dkim {
    char *domain;           /* d=, or NULL when the field is too broken */
    char *selector;         /* s= or NULL */
    char *algorithm;        /* a= or NULL */
    enum dkim_res result;
    enum dkim_reason reason;
    char *detail;           /* the %s of the reason's msgid, or NULL */
    bool aligned;           /* d= aligns with the From domain (DMARC) */
    bool body_ok;           /* the body hash matched */
    bool would_pass;        /* rsa-sha1 that would otherwise verify */
    unsigned key_bits;
    bool testing;           /* the key has t=y */
};

struct verify_spf {
    bool have_ip;           /* an address was found or given */
    char *ip, *helo, *mail_from;    /* may be NULL */
    char *domain;           /* the domain evaluated */
    enum spf_result result; /* SPF_RES_NONE when it could not run */
    const char *why;        /* N_() why it did not run, or NULL */
    bool aligned;
};

enum verify_dmarc_res {
    VERIFY_DMARC_PASS,
    VERIFY_DMARC_FAIL,
    VERIFY_DMARC_NONE,      /* no policy: no DMARC evaluation */
    VERIFY_DMARC_TEMPERROR
};

struct verify_dmarc {
    char *from_domain;      /* NULL when there is no single From domain */
    const char *from_problem;   /* N_() why not, or NULL */
    char *record_domain;    /* where the policy record is, or NULL */
    char *org_domain;
    enum dmarc_policy policy;   /* applied policy (p=, sp= or np=) */
    char adkim, aspf;       /* 'r' or 's' */
    enum verify_dmarc_res result;
    const char *aligned_by; /* "dkim", "spf", "dkim+spf" or NULL */
};

/* One method result of an Authentication-Results field (RFC 8601). */
struct verify_ar {
    char *authserv;         /* authserv-id */
    char *method;           /* "dkim", "spf", "dmarc", ... */
    char *result;           /* "pass", ... */
    char *props;            /* its properties, as "header.d=x ..." */
    char *d;                /* header.d= (dkim) or NULL */
    const char *note;       /* N_() why mailready differs, or NULL */
};

enum verify_status {
    VERIFY_ST_PASS,         /* DMARC pass */
    VERIFY_ST_WARN,         /* pass, but see the warnings */
    VERIFY_ST_FAIL,         /* DMARC fail or no policy */
    VERIFY_ST_ERROR         /* could not check */
};

struct verify_result {
    struct verify_dkim *dkim;
    size_t ndkim;
    size_t dkim_skipped;    /* signatures beyond VERIFY_MAX_SIGS */
    struct verify_spf spf;
    struct verify_dmarc dmarc;
    struct verify_ar *ar;
    size_t nar;
    size_t n_arc;           /* ARC-* header fields (listed, not
                             * evaluated) */
    unsigned arc_instances; /* highest ARC i= seen */
    bool lf_only;           /* the file had LF line ends */
    enum verify_status status;
};

struct verify_opts {
    const char *ip;         /* override the Received address */
    const char *helo;
    const char *mail_from;  /* override Return-Path ("" = null path) */
    struct evp_pkey_st *key;    /* use this key for every signature
                                 * (borrowed), instead of DNS */
    long long now;          /* 0: the current time */
};

struct verify;

/* Parse the message (msg_parse(): RC_TOOLONG, RC_PARSE with err) and
 * keep opts (strings copied).  *out: free with verify_free(). */
enum rc verify_new(const char *buf, size_t len, const struct verify_opts *o,
                   struct verify **out, struct rc_err *err);
/* Send the queries; dns borrowed, must outlive them (see above). */
void verify_start(struct verify *v, struct dns *dns);
/* Compute the results once dns_pending() is 0 (earlier, answers still
 * missing count as DNS errors). */
void verify_finish(struct verify *v);
const struct verify_result *verify_result(const struct verify *v);
void verify_free(struct verify *v);

/* Load a key from a PEM file: a private key (from `mailready keygen`)
 * or a public one.  RC_IO or RC_CRYPTO; *key: EVP_PKEY_free(). */
enum rc verify_load_key(const char *path, struct evp_pkey_st **key,
                        struct rc_err *err);

/* Pieces, for tests and the fuzzer. */
/* The one address of a From value: its domain, lower case (caller
 * frees), or NULL with *why an N_() sentence. */
char *verify_from_domain(const char *value, const char **why);
/* From the topmost Received value that has a "from HELO (... [ADDR])"
 * clause: true and *helo, *ip (caller frees). */
bool verify_received(const char *value, char **helo, char **ip);
/* Parse one Authentication-Results value, adding at most max entries to
 * *ar / *n (array grown with xreallocarray). */
void verify_ar_parse(const char *value, struct verify_ar **ar, size_t *n,
                     size_t max);
void verify_ar_fini(struct verify_ar *a);
/* "pass", "fail", "none", "temperror" */
const char *verify_dmarc_res_name(enum verify_dmarc_res r);

#endif
