/* mtasts.h - MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) parsers: the
 * _mta-sts TXT record, the policy file, the mx pattern match, the
 * _smtp._tls TXT record.  Pure: no I/O.  Reasons are N_() msgids
 * (static): the caller marks them with findings_msgid_arg(). */
#ifndef MAILREADY_MTASTS_H
#define MAILREADY_MTASTS_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/rc.h"

#define MTASTS_ID_MAX 32
#define MTASTS_MAX_AGE_MAX 31557600UL      /* §3.2: about one year */
#define MTASTS_POLICY_MAX 65536            /* bytes fetched at most */
#define MTASTS_MX_MAX 32

/* true if s[0..len) begins a record of that version: "v=STSv1" (or
 * "v=TLSRPTv1") then *WSP and ";" or the end (RFC 8461 §3.1: other TXT
 * records at the name are discarded). */
bool mtasts_record_is_sts(const char *s, size_t len);
bool mtasts_record_is_tlsrpt(const char *s, size_t len);

/* RFC 8461 §3.1: "v=STSv1; id=ID" with extensions.  RC_OK with id (at
 * most 32 letters or digits) copied into id[MTASTS_ID_MAX + 1]; else
 * RC_PARSE with *why. */
enum rc mtasts_record_parse(const char *s, size_t len, char *id,
                            const char **why);

enum mtasts_mode {
    MTASTS_MODE_NONE,
    MTASTS_MODE_TESTING,
    MTASTS_MODE_ENFORCE
};

struct mtasts_policy {
    enum mtasts_mode mode;
    unsigned long max_age;
    char *mx[MTASTS_MX_MAX];    /* patterns, lower case, no trailing dot */
    size_t nmx;
};

/* RFC 8461 §3.2: lines "key: value" ending in CRLF or LF (the last may
 * lack it); version STSv1, mode, max_age (0 to 31557600) and, unless the
 * mode is none, at least one mx are required; unknown keys are ignored.
 * On RC_PARSE *why says why and *line the line (1-based); out is filled
 * in either case (free it with mtasts_policy_fini()). */
enum rc mtasts_policy_parse(const char *text, size_t len,
                            struct mtasts_policy *out, const char **why,
                            unsigned *line);
void mtasts_policy_fini(struct mtasts_policy *p);

/* RFC 8461 §4.1: host matches pattern (exact, or "*.suffix" standing for
 * exactly one leftmost label); case-insensitive, trailing dots ignored. */
bool mtasts_mx_match(const char *pattern, const char *host);
/* host matches one of the policy's mx patterns. */
bool mtasts_policy_covers(const struct mtasts_policy *p, const char *host);

/* RFC 8460 §3: "v=TLSRPTv1; rua=URI[,URI]" with each URI mailto: or
 * https:.  RC_OK, or RC_PARSE with *why. */
enum rc mtasts_tlsrpt_parse(const char *s, size_t len, const char **why);

/* The MTA-STS policy text for these MX hosts (mode "testing",
 * "enforce" or "none"), CRLF lines; and a record id derived from it (a
 * hash: the id changes whenever the policy does).  Caller frees. */
char *mtasts_policy_format(const char *const *mx, size_t nmx,
                           const char *mode, unsigned long max_age);
void mtasts_policy_id(const char *policy, char id[MTASTS_ID_MAX + 1]);

/* Web server configuration serving policy_file (an absolute path) at
 * https://mta-sts.DOMAIN/.well-known/mta-sts.txt as text/plain, with
 * certbot's certificate paths for that name.  Caller frees. */
char *mtasts_nginx_snippet(const char *domain, const char *policy_file);
char *mtasts_apache_snippet(const char *domain, const char *policy_file);

#endif
