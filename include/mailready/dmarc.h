/* dmarc.h - DMARC policy records and the DNS Tree Walk (RFC 9989, which
 * replaced RFC 7489).  Pure functions; the DMARC step does the queries. */
#ifndef MAILREADY_DMARC_H
#define MAILREADY_DMARC_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/rc.h"

enum dmarc_policy {
    DMARC_P_ABSENT,
    DMARC_P_NONE,
    DMARC_P_QUARANTINE,
    DMARC_P_REJECT,
    DMARC_P_INVALID
};

/* One reporting URI of rua= or ruf=. */
struct dmarc_uri {
    char *text;             /* as published, !size included */
    char *addr;             /* mailto: address, %-decoded, or NULL */
    char *host;             /* domain of addr, lower case, or NULL */
    char *size;             /* the obsolete "!10m" suffix, or NULL */
    const char *problem;    /* NULL if usable; else an N_() sentence
                             * with %1$s = the URI */
    char *fixed;            /* the URI with the characters a URI cannot
                             * hold percent-encoded, when that is a usable
                             * address; else NULL */
};

enum dmarc_note_kind {
    DMARC_NOTE_UNKNOWN_TAG,     /* ignored, as RFC 9989 §4.7 says */
    DMARC_NOTE_REMOVED_TAG,     /* pct, rf, ri: removed by RFC 9989 */
    DMARC_NOTE_BAD_VALUE,       /* value outside the tag's syntax */
    DMARC_NOTE_DUPLICATE,       /* a tag given twice: first one used */
    DMARC_NOTE_BAD_TAG          /* a part that is no tag=value */
};

struct dmarc_note {
    enum dmarc_note_kind kind;
    char *tag;                  /* tag name (or the part) as written,
                                 * made visible-safe (str_visible()) */
    char *value;                /* value as written, may be "", made
                                 * visible-safe: a NUL shows as an escape */
};

struct dmarc_record {
    enum dmarc_policy p, sp, np;
    char adkim, aspf;           /* 'r' or 's'; 0 when absent or bad */
    char psd;                   /* 'y', 'n' or 'u' (also when absent) */
    bool testing;               /* t=y */
    char *fo;                   /* NULL when absent */
    bool has_rua, has_ruf;
    struct dmarc_uri *rua;
    size_t n_rua;
    struct dmarc_uri *ruf;
    size_t n_ruf;
    struct dmarc_note *notes;
    size_t n_notes;
};

/* true if txt starts with the version tag "v=DMARC1" (RFC 9989 §4.7:
 * first, case-sensitive value), the test that keeps or discards a TXT
 * record in the tree walk. */
bool dmarc_is_record(const char *txt, size_t len);

/* true if txt mentions DMARC1 or starts with v=DMARC but is no DMARC
 * record by the rule above (a record receivers silently ignore). */
bool dmarc_looks_like_broken_record(const char *txt, size_t len);

/* Parse a DMARC record.  RC_PARSE if it is not one (dmarc_is_record()
 * false).  Otherwise RC_OK and *out (free with dmarc_record_free()):
 * syntax problems inside are notes, never a failure, since receivers
 * keep the rest of the record. */
enum rc dmarc_record_parse(const char *txt, size_t len,
                           struct dmarc_record **out);
void dmarc_record_free(struct dmarc_record *r);

/* "none", "quarantine", "reject"; "" for absent or invalid. */
const char *dmarc_policy_name(enum dmarc_policy p);

/* The policy a receiver applies (RFC 9989 §4.10.1): for the domain itself
 * p; for an existing subdomain sp if valid, else p; for a non-existent
 * subdomain np if valid, else sp, else p.  An invalid or absent p with a
 * usable rua counts as none; DMARC_P_ABSENT means no DMARC processing. */
enum dmarc_policy dmarc_applied_policy(const struct dmarc_record *r,
                                       bool subdomain, bool exists);

/* true if at least one rua URI is usable. */
bool dmarc_has_usable_rua(const struct dmarc_record *r);

/* DNS Tree Walk (RFC 9989 §4.10).  At most eight names are queried. */
#define DMARC_WALK_MAX 8

/* The names whose _dmarc TXT the walk queries, longest first: domain,
 * then (for eight labels or more) its seven-label suffix, then each
 * parent down to a single label.  The pointers point into domain.
 * Returns how many (0 for an empty name). */
size_t dmarc_walk_names(const char *domain,
                        const char *names[DMARC_WALK_MAX]);

enum dmarc_walk_state {
    DMARC_WALK_NONE,        /* no DMARC record (NXDOMAIN, NODATA, none) */
    DMARC_WALK_RECORD,      /* exactly one valid record */
    DMARC_WALK_MULTIPLE,    /* more than one: all are discarded */
    DMARC_WALK_ERROR        /* could not check (timeout, SERVFAIL) */
};

struct dmarc_walk_entry {
    const char *name;               /* as from dmarc_walk_names() */
    enum dmarc_walk_state state;
    char psd;                       /* 'y', 'n' or 'u' for a record */
};

struct dmarc_walk_result {
    int stop;           /* index where the walk stopped (psd=y/n), or the
                         * last index */
    int policy;         /* index of the record that applies, or -1 */
    bool from_psd;      /* the record that applies is a PSD's (psd=y) */
    const char *org;    /* the Organizational Domain, pointing into the
                         * start domain (a suffix of it) */
    bool uncertain;     /* some name up to stop could not be checked */
};

/* Evaluate a walk from domain over e[0..n) (in dmarc_walk_names() order):
 * policy discovery (§4.10.1) and the Organizational Domain (§4.10.2:
 * psd=n is it; psd=y makes it the name one label below; else the record
 * with the fewest labels; else the start domain). */
void dmarc_walk_eval(const char *domain, const struct dmarc_walk_entry *e,
                     size_t n, struct dmarc_walk_result *out);

/* The suffix of name with `labels` labels (pointer into name), or name
 * itself when it has fewer. */
const char *dmarc_name_suffix(const char *name, int labels);

#endif
