/* http.h - one small HTTP(S) GET in the background with libcurl, driven
 * from the caller's poll() loop.  The wizard uses it, when the admin
 * agrees, to learn the server's public address from a configurable URL.
 * Core: no translation; errors are English text. */
#ifndef MAILREADY_HTTP_H
#define MAILREADY_HTTP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "mailready/rc.h"

/* The default address-echo service (answers with the caller's address as
 * plain text; reachable over IPv4 and IPv6, so asking once over each
 * gives both addresses). */
#define HTTP_IP_URL_DEFAULT "https://api64.ipify.org"

/* Which address family a request may use. */
enum http_family {
    HTTP_ANY,
    HTTP_IPV4,
    HTTP_IPV6
};

struct http;

/* Start GET url (http or https only), giving up after timeout_ms and
 * keeping at most max_body bytes (a longer body is an error).  Never
 * blocks.  *out: caller frees with http_free(); RC_INVALID for a URL
 * libcurl refuses, RC_NOMEM if libcurl cannot start. */
enum rc http_get_start(const char *url, enum http_family family,
                       unsigned timeout_ms, size_t max_body,
                       struct http **out);

/* More control, for the MTA-STS policy fetch (RFC 8461 §3.3). */
struct http_opts {
    enum http_family family;
    unsigned timeout_ms;
    size_t max_body;
    const char *ca_file;        /* PEM CAs trusted besides the system's,
                                 * or NULL */
    const char *const *resolve; /* "HOST:PORT:ADDR" (libcurl's
                                 * CURLOPT_RESOLVE): the addresses to use,
                                 * found by the caller's DNS */
    size_t nresolve;
    bool any_status;            /* a status other than 2xx is a result
                                 * (see http_meta()), not an error */
};
/* As http_get_start(); redirects are never followed. */
enum rc http_get_start_opts(const char *url, const struct http_opts *o,
                            struct http **out);
/* Once over: the HTTP status (0 if none came) and the Content-Type
 * (borrowed until http_free(); NULL if none). */
void http_meta(const struct http *h, long *status,
               const char **content_type);
/* libcurl's error class of a failed transfer: true when it is about TLS
 * (certificate, handshake) rather than reaching the server. */
bool http_failed_tls(const struct http *h);

/* Poll integration, as for dns.h: fill up to max entries and return how
 * many; how long poll() may sleep (at most max_ms); after poll(), process
 * with the same array.  http_process() returns true once the transfer is
 * over. */
int http_pollfds(struct http *h, struct pollfd *fds, int max);
int http_timeout_ms(struct http *h, int max_ms);
bool http_process(struct http *h, const struct pollfd *fds, int nfds);

/* Once over: RC_OK with *body (NUL-terminated, borrowed until
 * http_free()), else an error with *err (English, borrowed). */
enum rc http_result(const struct http *h, const char **body,
                    const char **err);

void http_free(struct http *h);

#endif
