/* smtp.h - a non-blocking SMTP probe: connect to one address of an MX
 * host, read the 220 banner, EHLO, STARTTLS, the TLS handshake (SNI = the
 * MX host name), QUIT.  It never sends mail.  Driven from the caller's
 * poll() loop like dns.h and http.h (the delivery step registers probes
 * with dns_io_add(), so one loop drives both).  Core: errors are English
 * text; the check step words the findings.
 *
 * Certificate analysis (after the handshake): the chain verified against
 * the system's CA store plus an optional CA file; the host name by RFC
 * 6125 (SAN dNSName when there is a SAN, the subject CN only without one;
 * a wildcard only as the whole leftmost label); the expiry; self-signed.
 * The handshake accepts any certificate (as an opportunistic sender does)
 * so that every problem can be reported, not just the first. */
#ifndef MAILREADY_SMTP_H
#define MAILREADY_SMTP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "mailready/net.h"
#include "mailready/rc.h"

/* Longest reply line kept and accepted (RFC 5321 §4.5.3.1.5 says 512;
 * some servers send more), lines in one reply at most. */
#define SMTP_LINE_MAX 1000
#define SMTP_REPLY_LINES_MAX 100

/* Shared TLS settings of a run (one OpenSSL context). */
struct smtp_tls;

/* ca_file (may be NULL): PEM certificates trusted beside the system's
 * store.  On failure *out is NULL and *why (English, static) says why. */
enum rc smtp_tls_new(const char *ca_file, struct smtp_tls **out,
                     const char **why);
void smtp_tls_free(struct smtp_tls *t);

/* How far a probe got. */
enum smtp_outcome {
    SMTP_R_DONE,        /* the dialogue ended normally (see starttls,
                         * tls) */
    SMTP_R_REFUSED,     /* connection refused */
    SMTP_R_NO_ANSWER,   /* no answer to the connection in time
                         * (filtered) */
    SMTP_R_UNREACHABLE, /* no route, network down, other socket error */
    SMTP_R_STALLED,     /* connected, then no (complete) answer in time */
    SMTP_R_CLOSED,      /* connected, then the server closed */
    SMTP_R_REJECTED,    /* the banner or EHLO was not a 2xx reply */
    SMTP_R_PROTOCOL,    /* a malformed or overlong reply */
    SMTP_R_TLS_FAILED   /* STARTTLS refused or the handshake failed */
};

struct smtp_cert {
    bool present;
    bool chain_ok;              /* verified to a trusted root */
    bool self_signed;           /* the leaf signs itself */
    bool name_ok;               /* covers the MX host name (RFC 6125) */
    bool not_yet_valid;
    long days_left;             /* until notAfter; < 0: expired */
    char verify_err[160];       /* first chain error (English), or "" */
    char subject[256];          /* one-line subject, visible-safe */
    char names[512];            /* SAN dNSNames, comma-separated */
    char not_after[40];         /* "2026-12-24 10:00 UTC" */
};

struct smtp_result {
    enum smtp_outcome outcome;
    char err[200];              /* English detail when not DONE */
    int code;                   /* last reply code seen, 0 if none */
    char *banner;               /* the 220 line's text (raw bytes,
                                 * NUL-terminated; visible-safe it before
                                 * showing), or NULL */
    char *banner_name;          /* its first word (the server's name),
                                 * or NULL */
    bool ehlo_ok;
    bool starttls;              /* STARTTLS offered in the EHLO reply */
    bool tls;                   /* the handshake completed */
    int tls_version;            /* e.g. 0x0303 for TLS 1.2 */
    char tls_version_name[16];  /* "TLSv1.3" */
    struct smtp_cert cert;
    double elapsed_ms;
};

struct smtp_probe_opts {
    const char *host;           /* the MX host name: SNI, name check */
    struct ipaddr addr;
    unsigned port;              /* 0: 25 */
    unsigned timeout_ms;        /* for the whole dialogue; 0: 10000 */
    struct smtp_tls *tls;       /* borrowed; NULL: no STARTTLS attempt */
};

struct smtp_probe;

/* Start; never blocks.  *out: caller frees with smtp_probe_free(). */
enum rc smtp_probe_start(const struct smtp_probe_opts *o,
                         struct smtp_probe **out);
/* Poll integration as in dns.h: process() returns true once over. */
int smtp_probe_pollfds(struct smtp_probe *p, struct pollfd *fds, int max);
int smtp_probe_timeout_ms(struct smtp_probe *p, int max_ms);
bool smtp_probe_process(struct smtp_probe *p, const struct pollfd *fds,
                        int nfds);
/* The result so far (final once process() returned true); borrowed. */
const struct smtp_result *smtp_probe_result(const struct smtp_probe *p);
void smtp_probe_free(struct smtp_probe *p);

/* Run one probe to the end with poll() (tests, tools). */
void smtp_probe_run(struct smtp_probe *p);

/* The reply parser, exposed for unit tests: in buf[0..len) find one
 * complete reply (lines ending in LF, CRLF accepted; "ddd-" continues,
 * "ddd " or "ddd" ends).  Returns bytes consumed (0: need more), or -1
 * for a malformed or overlong reply.  *code gets the code; if starttls
 * is not NULL it is set when a line's first word is STARTTLS (an EHLO
 * reply); first_line (may be NULL, size >= SMTP_LINE_MAX + 1) gets the
 * text after the code on the first line. */
long smtp_reply_parse(const char *buf, size_t len, int *code,
                      bool *starttls, char *first_line);

#endif
