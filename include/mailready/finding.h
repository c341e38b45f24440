/* finding.h - what a check found: severity, id, message, and the catalog
 * of every finding id with its "why it matters" and "how to fix".
 *
 * Core code never translates: it stores N_() msgids and string arguments;
 * the frontends translate at display time (so the language can change). */
#ifndef MAILREADY_FINDING_H
#define MAILREADY_FINDING_H

#include <stdbool.h>
#include <stddef.h>

enum sev {
    SEV_INFO,
    SEV_WARN,
    SEV_FAIL,
    SEV_ERROR       /* could not check (timeout, SERVFAIL): not the
                     * admin's failure */
};

/* Status of a step or a whole run. */
enum check_status {
    ST_OK,
    ST_WARN,
    ST_ERROR,
    ST_FAIL
};
/* Ordered by precedence: fail beats could-not-check beats warning. */

#define FINDING_MAX_ARGS 6

struct finding {
    enum sev sev;
    const char *id;             /* static, e.g. "MX_NULL_MIXED" */
    const char *msgid;          /* N_() printf format: %s or %1$s only */
    const char *msgid_plural;   /* NULL, or plural form selected by n */
    unsigned long n;
    char *args[FINDING_MAX_ARGS];   /* owned, already made visible-safe
                                     * by the caller where from DNS */
    int nargs;
    unsigned msgid_args;        /* bit i set: args[i] is an N_() msgid
                                 * (a reason the core words), which the
                                 * front end translates; every other
                                 * argument is data (DNS, the admin's
                                 * input) and never goes through
                                 * gettext */
};

/* One entry per finding id: every id has all three texts.  A check module
 * defines a table ending in a { NULL } entry and check.c lists the tables. */
struct finding_info {
    const char *id;
    const char *step;           /* "mx", "spf", ... or "general" */
    const char *title;          /* N_() short message without arguments */
    const char *why;            /* N_() why it matters */
    const char *fix;            /* N_() how to fix ("" for info-only ids) */
};

struct findings {
    struct finding *v;
    size_t n;
    size_t cap;
};

void findings_init(struct findings *fs);
void findings_fini(struct findings *fs);

/* Add a finding; the variadic arguments are const char * and must end with
 * NULL (the macros below add it).  Arguments are copied. */
void findings_addl(struct findings *fs, enum sev sev, const char *id,
                   const char *msgid, const char *msgid_plural,
                   unsigned long n, ...);
/* Say that argument i of the finding added last is an N_() msgid. */
void findings_msgid_arg(struct findings *fs, int i);

#define finding_add(fs, sev, id, msgid, ...)                              \
    findings_addl((fs), (sev), (id), (msgid), NULL, 0, ##__VA_ARGS__,    \
                  (const char *)NULL)
#define finding_addn(fs, sev, id, msgid, plural, n, ...)                  \
    findings_addl((fs), (sev), (id), (msgid), (plural), (n),             \
                  ##__VA_ARGS__, (const char *)NULL)

/* Worst status implied by the findings. */
enum check_status findings_status(const struct findings *fs);
bool findings_has(const struct findings *fs, const char *id);

/* The status one finding of severity s gives a step. */
enum check_status sev_status(enum sev s);
const char *sev_name(enum sev s);               /* "info" ... "error" */
const char *check_status_name(enum check_status s);   /* "ok" ... */
enum check_status check_status_worse(enum check_status a,
                                     enum check_status b);
/* Exit status of a run: 0 ok, 1 warn, 2 fail, 3 error. */
int check_status_exit(enum check_status s);

/* Catalog lookup over every module's table; NULL if unknown. */
const struct finding_info *finding_info_find(const char *id);
/* Iterate the whole catalog: call with i = 0, 1, ... until NULL. */
const struct finding_info *finding_info_at(size_t i);

#endif
