/* spf.h - SPF records (RFC 7208): the parser and macro expansion.
 *
 * Pure code: no DNS, no I/O.  The evaluator of check_host() (RFC 7208 §4)
 * that uses it over struct dns is in spf_eval.h.
 */
#ifndef MAILREADY_SPF_H
#define MAILREADY_SPF_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/net.h"
#include "mailready/rc.h"

/* The results of check_host() (RFC 7208 §2.6). */
enum spf_result {
    SPF_RES_NONE,
    SPF_RES_NEUTRAL,
    SPF_RES_PASS,
    SPF_RES_FAIL,
    SPF_RES_SOFTFAIL,
    SPF_RES_TEMPERROR,
    SPF_RES_PERMERROR
};

enum spf_mech {
    SPF_MECH_ALL,
    SPF_MECH_INCLUDE,
    SPF_MECH_A,
    SPF_MECH_MX,
    SPF_MECH_PTR,
    SPF_MECH_IP4,
    SPF_MECH_IP6,
    SPF_MECH_EXISTS
};

enum spf_term_type {
    SPF_TERM_MECH,
    SPF_TERM_REDIRECT,
    SPF_TERM_EXP,
    SPF_TERM_MODIFIER           /* unknown modifier: ignored */
};

/* Most DNS-querying terms one check_host() evaluation may use (§4.6.4). */
#define SPF_MAX_LOOKUPS 10
/* Most void lookups (§4.6.4). */
#define SPF_MAX_VOID_LOOKUPS 2
/* Most names of one mx term, and names of a ptr term or %{p} used. */
#define SPF_MAX_NAMES 10

struct spf_term {
    enum spf_term_type type;
    enum spf_mech mech;         /* SPF_TERM_MECH only */
    enum spf_result qualifier;  /* PASS, FAIL, SOFTFAIL or NEUTRAL */
    char qual_char;             /* '+', '-', '~', '?', or 0 if omitted */
    size_t pos;                 /* byte offset of the term in the record */
    char *text;                 /* the term as written */
    char *spec;                 /* domain-spec (mechanisms, redirect,
                                 * exp) or macro-string (unknown
                                 * modifier); NULL when absent */
    char *name;                 /* modifier name as written, else NULL */
    struct ipaddr net;          /* ip4, ip6 */
    int cidr4;                  /* prefix length, -1 when absent */
    int cidr6;
};

struct spf_record {
    char *text;                 /* the record, NUL-terminated */
    size_t len;
    struct spf_term *terms;
    size_t nterms;
    int redirect;               /* index of redirect=, or -1 */
    int exp;                    /* index of exp=, or -1 */
    bool has_all;               /* an "all" mechanism is present */
};

/* Where and why a record does not parse.  msgid is an N_() sentence that
 * takes three string arguments: %1$s the term, %2$s the position (1-based
 * character number), %3$s the domain of the record. */
struct spf_error {
    size_t pos;                 /* byte offset of the bad term */
    char *term;                 /* the bad term as written (raw bytes,
                                 * may hold control characters) */
    size_t term_len;            /* its length: a NUL may be inside */
    const char *msgid;
};

void spf_error_init(struct spf_error *e);
void spf_error_fini(struct spf_error *e);

/* true if the TXT string (len bytes, may hold NULs) is an SPF record:
 * "v=spf1", case-insensitive, then a space or the end (§4.5). */
bool spf_is_record(const char *s, size_t len);

/* Parse a whole record (§4.6, §12): every term is checked before any is
 * used.  On RC_PARSE *out is NULL and *err says where (caller calls
 * spf_error_fini()).  On success caller frees *out with
 * spf_record_free(). */
enum rc spf_record_parse(const char *s, size_t len, struct spf_record **out,
                         struct spf_error *err);
void spf_record_free(struct spf_record *r);

/* Number of DNS-querying terms of a record as §4.6.4 counts them when
 * every term is evaluated: include, a, mx, ptr, exists, and redirect
 * unless the record has "all" (an unused redirect costs nothing). */
unsigned spf_record_lookup_terms(const struct spf_record *r);

/* "pass", "fail", ... */
const char *spf_result_name(enum spf_result r);
/* "all", "include", ... */
const char *spf_mech_name(enum spf_mech m);

/* Syntax of a macro-string (exp_text false) or explain-string (true,
 * which also allows spaces and the letters c, r, t), §7.1. */
bool spf_macro_string_valid(const char *s, size_t len, bool exp_text);
/* Syntax of a domain-spec (§7.1: macro-string domain-end). */
bool spf_domain_spec_valid(const char *s, size_t len);
/* true if s holds a macro-expand of that letter (either case). */
bool spf_macro_uses(const char *s, char letter);
/* true if s holds any macro (a '%'). */
bool spf_has_macro(const char *s);

/* What the macros expand to (§7.3). */
struct spf_macro_env {
    const char *sender;         /* <sender>, "local@domain" */
    const char *domain;         /* <domain> being evaluated */
    struct ipaddr ip;           /* <ip>, IPv4-mapped already unmapped */
    const char *helo;           /* HELO/EHLO name, may be "" */
    const char *validated;      /* %{p}, NULL: "unknown" */
    const char *receiver;       /* %{r}, NULL: "unknown" */
    long long now;              /* %{t} */
};

/* Expand a macro-string (exp_text false) or explain-string (true).
 * RC_PARSE on bad syntax, RC_TOOLONG if the result would exceed 8 KiB.
 * Caller frees *out. */
enum rc spf_macro_expand(const char *s, const struct spf_macro_env *env,
                         bool exp_text, char **out);
/* Expand a domain-spec into a name to query: expand, drop one trailing
 * dot, and if longer than 253 characters drop labels from the left until
 * it fits (§7.3).  The result may still be no valid DNS name (empty or
 * long labels): check with spf_name_queryable().  Caller frees *out. */
enum rc spf_expand_domain(const char *spec, const struct spf_macro_env *env,
                          char **out);
/* true if name (no trailing dot) can be asked in DNS: labels 1..63
 * bytes, at most 253 bytes, at least one label. */
bool spf_name_queryable(const char *name);
/* true if the <domain> of check_host() is well formed (§4.3): queryable,
 * at least two labels, no domain literal. */
bool spf_domain_valid(const char *name);
/* name in DNS presentation form, with bytes that are special in it
 * (space, '\\', '"', ';', '(', ')', '@', '$', control and 8-bit bytes)
 * written as \DDD.  Caller frees. */
char *spf_name_escape(const char *name);

/* The local-part and domain of a sender as §4.3 splits them: a missing
 * local-part is "postmaster".  Both out strings are set, caller frees. */
void spf_sender_split(const char *sender, char **local, char **domain);

#endif
