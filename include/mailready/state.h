/* state.h - what mailready remembers about a domain between runs.
 *
 * One JSON file per domain, $XDG_STATE_HOME/mailready/<domain>.json (the
 * default directory is ~/.local/state/mailready), or DIR/<domain>.json
 * with --state-dir DIR.  It holds a format version, the admin's answers
 * (what the wizard asked) and, per step, the last result: status,
 * findings (id, severity, msgid and arguments, so the text can be shown
 * again in any language), records found, what they say in a normalised
 * form (state_found.h: the MX hosts, the SPF and DMARC records, ...),
 * when it was checked and when it first passed.  A run that could not
 * check a step (its status is ST_ERROR) keeps that step's last known
 * result and only notes when it tried (unchecked_at).  Version 3 added
 * "found", "unchecked_at" and "dmarc_seen"; a version 2 file gets
 * "found" from its records when read.
 *
 * Saving is atomic: a temporary file in the same directory is written,
 * fsync'd and renamed over the old one, then the directory is fsync'd, so
 * a crash at any moment leaves the old file or the new one.  Files are
 * created 0600, directories 0700.  A file that cannot be read (bad JSON,
 * wrong types, a newer format) is never overwritten: state_load() renames
 * it aside and says where it went, and keeps at most the five newest of
 * those.  Anything but a regular file at the path (a FIFO, a directory)
 * is never opened for long, read or replaced.
 *
 * Core module: no translation, no terminal output.
 */
#ifndef MAILREADY_STATE_H
#define MAILREADY_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <jansson.h>

#include "mailready/check.h"
#include "mailready/finding.h"
#include "mailready/rc.h"
#include "mailready/state_found.h"

/* The format this build writes; files with a larger version are set
 * aside as "newer", never rewritten in the old format. */
#define STATE_FORMAT_VERSION 3

/* Largest state file we read. */
#define STATE_MAX_BYTES (8u * 1024 * 1024)

/* The most of each list the admin can give, on the command line and in
 * the wizard alike (--help names them). */
#define STATE_MAX_SERVER_IPS 32
#define STATE_MAX_SELECTORS 32
#define STATE_MAX_PROVIDERS 16

/* A list of owned strings. */
struct state_strs {
    char **v;
    size_t n;
};

/* A DMARC policy the admin chose; UNSET when not answered (for the
 * subdomain policy: the same as the domain's). */
enum state_policy {
    STATE_POLICY_UNSET = 0,
    STATE_POLICY_NONE,
    STATE_POLICY_QUARANTINE,
    STATE_POLICY_REJECT
};

/* A DKIM selector the admin checks, and the key made for it (by the
 * wizard or `mailready keygen`), if any. */
struct state_selector {
    char *name;                     /* the selector (never NULL) */
    char *key_path;                 /* private key file, absolute; NULL:
                                     * no key known */
    char *key_type;                 /* "rsa" or "ed25519", or NULL */
    char *record;                   /* the TXT value shown for that key
                                     * (kept in case the key file goes
                                     * away), or NULL */
};

/* The admin's answers: everything the wizard or the command line asks,
 * one typed field each (one field, one JSON key in state_json.c, one
 * test).  Every string is owned; NULL, false, an empty list or
 * STATE_POLICY_UNSET means "not answered". */
struct state_answers {
    bool answered;                  /* the provider question was answered
                                     * (wizard) */
    struct state_strs providers;    /* preset ids ("google"; "own" for
                                     * one's own server) */
    struct state_strs server_ips;   /* addresses mail is sent from */
    struct state_strs includes;     /* extra SPF include: domains */
    char *hostname;                 /* the mail server's host name (PTR) */
    char *mx_host;                  /* the MX host, when not hostname */
    bool own_send_only;             /* one's own server only sends; the
                                     * provider receives */
    bool no_mail;                   /* the domain sends and receives no
                                     * mail */
    bool spf_hard_fail;             /* SPF ends in -all, not ~all */
    struct state_selector *selectors;   /* DKIM selectors, in order */
    size_t n_selectors;
    enum state_policy dmarc_policy; /* p= */
    enum state_policy dmarc_sp;     /* sp=; UNSET: as p= */
    bool dmarc_strict;              /* adkim=s and aspf=s */
    struct state_strs dmarc_rua;    /* aggregate report addresses */
    struct state_strs dmarc_ruf;    /* failure report addresses */
    char *mta_sts;                  /* MTA-STS mode asked for: "testing",
                                     * "enforce" or "none"; NULL: none
                                     * asked (gen_mtasts.h) */
    char *tls_rua;                  /* TLS-RPT report address, or NULL */
    char *lang;                     /* language chosen in the wizard
                                     * ("es", "en"), or NULL */
};

/* A finding as saved: everything owned. */
struct state_finding {
    char *id;
    enum sev sev;
    char *msgid;                    /* English msgid (printf, %s only) */
    char *msgid_plural;             /* or NULL */
    unsigned long n;
    char *args[FINDING_MAX_ARGS];
    int nargs;
    unsigned msgid_args;            /* as in struct finding */
};

struct state_step {
    bool present;                   /* the step has a saved result */
    enum check_status status;
    enum check_status last_known;   /* last status that was not ST_ERROR
                                     * (== status when there is none) */
    struct state_finding *findings;
    size_t n_findings;
    json_t *records;                /* array, owned (never NULL) */
    json_t *found;                  /* object, owned (never NULL): the
                                     * records' content, normalised by
                                     * state_found_from_records() */
    long long checked_at;           /* epoch seconds */
    long long unchecked_at;         /* the last run could not check the
                                     * step (at this time) and kept the
                                     * result above; 0: it checked it */
    long long first_passed_at;      /* first time status was ST_OK or
                                     * ST_WARN; 0 = never; kept across
                                     * runs, even after a regression */
};

struct state {
    int version;                    /* as read; STATE_FORMAT_VERSION new */
    char *domain;                   /* A-label */
    long long checked_at;           /* last run; 0 = never */
    struct state_answers answers;   /* the one copy of the answers: the
                                     * wizard edits it in place */
    struct state_step steps[STEP_COUNT];
    json_t *other_steps;            /* object, owned: saved steps this
                                     * build does not know, kept as is */
    char *dmarc_seen_policy;        /* the DMARC policy ("none", ...) last
                                     * seen with a rua (journey.h), or
                                     * NULL */
    long long dmarc_seen_since;     /* when that policy was first seen
                                     * (epoch seconds; 0 with NULL) */
};

/* An empty state for domain.  Caller frees with state_free(). */
struct state *state_new(const char *domain);
void state_free(struct state *st);

/* A deep copy.  Caller frees with state_free(). */
struct state *state_clone(const struct state *st);

void state_strs_add(struct state_strs *l, const char *s);
void state_strs_clear(struct state_strs *l);
/* Whether l holds s (exact match). */
bool state_strs_has(const struct state_strs *l, const char *s);
/* Make l a copy of src. */
void state_strs_set(struct state_strs *l, const struct state_strs *src);

/* Set *dst to a copy of s (NULL clears), freeing the old string. */
void state_str_set(char **dst, const char *s);

/* Free every answer and zero a (embedded: no state_answers_init() is
 * needed beyond zeroing). */
void state_answers_fini(struct state_answers *a);
/* Make dst a deep copy of src (dst's old answers freed). */
void state_answers_copy(struct state_answers *dst,
                        const struct state_answers *src);
/* What the command line gave wins over what was saved: each list and
 * string that over holds replaces the one in a (flags and policies are
 * left as saved). */
void state_answers_overlay(struct state_answers *a,
                           const struct state_answers *over);
/* The selector called name, or NULL. */
struct state_selector *state_answers_selector(const struct state_answers *a,
                                              const char *name);
/* The selector called name, added at the end (no key) if it is not
 * there yet. */
struct state_selector *state_answers_selector_add(struct state_answers *a,
                                                  const char *name);
/* Record a key made for selector name: the selector moves to the front
 * of the list (added if new) with the key's path, type and record, so
 * that it is the one state_answers_key() returns. */
struct state_selector *state_answers_set_key(struct state_answers *a,
                                             const char *name,
                                             const char *key_path,
                                             const char *key_type,
                                             const char *record);
/* The first selector that has a key file (the key the wizard made last,
 * or the one given with --dkim-key), or NULL. */
struct state_selector *state_answers_key(const struct state_answers *a);

/* "none", "quarantine", "reject" (NULL for UNSET); parse the same,
 * false for anything else. */
const char *state_policy_name(enum state_policy p);
bool state_policy_parse(const char *s, enum state_policy *out);

/* The default state directory: $XDG_STATE_HOME/mailready, or
 * $HOME/.local/state/mailready (a relative XDG_STATE_HOME is ignored, as
 * the XDG Base Directory Specification says).  RC_NOTFOUND when neither
 * is usable.  *out: caller frees. */
enum rc state_default_dir(char **out);

/* DIR/<domain>.json; RC_INVALID if domain is not a plain lower-case
 * A-label name usable as a file name.  *out: caller frees. */
enum rc state_path(const char *dir, const char *domain, char **out);

/* Read the state of domain from dir (NULL: the default directory).
 *  RC_OK           *out is the saved state.
 *  RC_NOTFOUND     nothing saved yet: *out is NULL.
 *  RC_PARSE        unreadable (bad JSON, wrong types, another domain's
 *                  file): the file was renamed to <name>.corrupt-<time>,
 *                  *aside_path says where (caller frees).
 *  RC_UNSUPPORTED  written by a newer mailready: renamed to
 *                  <name>.newer-<time>, *aside_path as above.
 *  RC_IO           the file could not be read or set aside, or it is not
 *                  a regular file (a FIFO, a directory: never waited on):
 *                  it is left in place and must not be saved over
 *                  (*aside_path NULL); *err says why.
 *  RC_INVALID      bad domain name.
 * On any error *out is NULL.  aside_path and err may be NULL if not
 * wanted; release err with rc_err_fini(). */
enum rc state_load(const char *dir, const char *domain, struct state **out,
                   char **aside_path, struct rc_err *err);

/* Write st to dir (NULL: the default), creating the directory (0700)
 * and its missing parents.  Atomic (see above; file_write_atomic()).
 * Temporary files of this domain older than an hour (left by a writer
 * killed mid-save) are removed first.  A state never grows past what
 * state_load() reads: the records found by the checks are dropped,
 * largest first, until it fits (RC_TOOLONG if it still does not).  On
 * failure the old file is untouched and *err (may be NULL; release with
 * rc_err_fini()) says which path failed and why. */
enum rc state_save(const char *dir, const struct state *st,
                   struct rc_err *err);

/* Serialise / parse without touching files (state_load() and
 * state_save() use these).  state_from_json: RC_PARSE for wrong types,
 * RC_UNSUPPORTED for a newer version; *out NULL on error. */
json_t *state_to_json(const struct state *st);
enum rc state_from_json(const json_t *j, struct state **out);

/* Take the result of every step that ran in ctx: status, findings,
 * records, found, checked_at = now; first_passed_at is set the first time
 * a step passes and kept afterwards.  Steps that did not run are left as
 * they were.  A step that ran but could not be checked (ST_ERROR) while a
 * checked result is saved keeps that result; only unchecked_at = now
 * says the run failed.  The selectors at which the DKIM step found a
 * key (discovered ones too) are added to the answers' selectors (with no
 * key path), so that the next run checks them by name. */
void state_update_from_ctx(struct state *st, const struct check_ctx *ctx,
                           time_t now);

/* A saved finding as a struct finding (pointers borrowed from sf), for
 * the frontends' message rendering. */
void state_finding_view(const struct state_finding *sf, struct finding *out);

/* Worst status over the steps present. */
enum check_status state_status(const struct state *st);

/* What happened to a step between two states. */
enum state_change {
    STATE_CH_UNCHANGED,     /* same status, same finding ids */
    STATE_CH_NEW,           /* no earlier result for this step */
    STATE_CH_FIXED,         /* better than before */
    STATE_CH_STILL_TO_DO,   /* still warnings or failures, ids changed */
    STATE_CH_BROKEN,        /* worse than before */
    STATE_CH_NOCHECK,       /* could not be checked this time */
    STATE_CH_GONE,          /* in the old state only */
    STATE_CH_RECORDS        /* same status and findings, other records */
};

struct state_step_diff {
    enum state_change change;
    bool old_present, new_present;
    enum check_status before, after;
    struct state_strs appeared;     /* finding ids in new, not in old */
    struct state_strs gone;         /* finding ids in old, not in new */
    struct state_notes content;     /* what changed in the records, in
                                     * words (state_found.h); empty when
                                     * either side was not checked */
};

struct state_diff {
    struct state_step_diff step[STEP_COUNT];
    size_t n_changed;               /* steps with change != UNCHANGED */
};

/* Compare old (may be NULL: everything in new is STATE_CH_NEW) with new.
 * Steps present in neither are UNCHANGED.  When a step could not be
 * checked before, it is compared with its last known status; a step new
 * could not check (unchecked_at) is STATE_CH_NOCHECK with after =
 * ST_ERROR.  A step whose status and findings stay but whose records
 * changed is STATE_CH_RECORDS.
 * Fill *d; release with state_diff_fini(). */
void state_diff(const struct state *old_st, const struct state *new_st,
                struct state_diff *d);
void state_diff_fini(struct state_diff *d);
/* "fixed", "new", ... (JSON, not translated). */
const char *state_change_name(enum state_change c);

/* Parse "ok"/"warn"/"fail"/"error"; false if none. */
bool state_status_parse(const char *s, enum check_status *out);
/* RFC 3339 UTC "YYYY-MM-DDTHH:MM:SSZ" to epoch; false if not that form. */
bool state_time_parse(const char *s, long long *out);

#endif
