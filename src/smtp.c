/* smtp.c - the non-blocking SMTP probe (see smtp.h).  The only user of
 * OpenSSL's TLS (gen_dkim.c uses its crypto). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "mailready/smtp.h"
#include "mailready/util.h"

#define SMTP_RBUF (SMTP_REPLY_LINES_MAX * (SMTP_LINE_MAX + 2))

struct smtp_tls {
    SSL_CTX *ctx;
};

enum stage {
    ST_CONNECT,
    ST_BANNER,
    ST_EHLO,
    ST_STARTTLS,
    ST_HANDSHAKE,
    ST_QUIT,
    ST_OVER
};

struct smtp_probe {
    struct smtp_probe_opts o;
    char *host;
    int fd;
    enum stage stage;
    bool tls_quit;              /* QUIT sent over TLS */
    double t0, deadline;
    SSL *ssl;
    char *rbuf;
    size_t rlen;
    struct smtp_result r;
};

static int ssl_idx = -1;

/* Core text is English whatever the locale (strerror() follows it). */
static const char *
errtext(int e)
{
    const char *s = strerrordesc_np(e);

    return s != NULL ? s : "unknown error";
}

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- TLS context ---------------------------------------------------- */

/* Record every chain error and go on: the handshake must complete so that
 * every problem is reported.  The probe's checks decide. */
static int
verify_cb(int ok, X509_STORE_CTX *sctx)
{
    SSL *ssl;
    struct smtp_probe *p;
    int err, depth;

    if (ok)
        return 1;
    ssl = X509_STORE_CTX_get_ex_data(sctx,
                                     SSL_get_ex_data_X509_STORE_CTX_idx());
    p = ssl != NULL ? SSL_get_ex_data(ssl, ssl_idx) : NULL;
    if (p == NULL)
        return 1;
    err = X509_STORE_CTX_get_error(sctx);
    depth = X509_STORE_CTX_get_error_depth(sctx);
    switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        if (depth == 0)
            return 1;           /* the leaf's dates are checked apart */
        break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        if (depth == 0) {
            p->r.cert.not_yet_valid = true;
            return 1;
        }
        break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        p->r.cert.self_signed = true;
        break;
    default:
        break;
    }
    p->r.cert.chain_ok = false;
    if (p->r.cert.verify_err[0] == '\0')
        snprintf(p->r.cert.verify_err, sizeof(p->r.cert.verify_err),
                 "%s (depth %d)", X509_verify_cert_error_string(err),
                 depth);
    return 1;
}

enum rc
smtp_tls_new(const char *ca_file, struct smtp_tls **out, const char **why)
{
    SSL_CTX *ctx;
    int level;

    *out = NULL;
    if (ssl_idx < 0)
        ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        *why = "OpenSSL could not make a TLS context";
        return RC_NOMEM;
    }
    /* Old versions must connect to be reported (TLS_VERSION_OLD): the
     * handshake at security level 0.  The probe only looks (QUIT after
     * the handshake), but the certificate chain is still judged at the
     * default level, as a sender's OpenSSL judges it (keys too small,
     * SHA-1 signatures: TLS_CERT_UNTRUSTED), not at level 0. */
    level = SSL_CTX_get_security_level(ctx);
    SSL_CTX_set_security_level(ctx, 0);
    X509_VERIFY_PARAM_set_auth_level(SSL_CTX_get0_param(ctx), level);
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
    SSL_CTX_set_verify_depth(ctx, 16);
    if (SSL_CTX_set_default_verify_paths(ctx) != 1)
        ERR_clear_error();
    if (ca_file != NULL &&
        SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
        ERR_clear_error();
        SSL_CTX_free(ctx);
        *why = "the CA file could not be read as PEM certificates";
        return RC_INVALID;
    }
    *out = xcalloc(1, sizeof(**out));
    (*out)->ctx = ctx;
    return RC_OK;
}

void
smtp_tls_free(struct smtp_tls *t)
{
    if (t == NULL)
        return;
    SSL_CTX_free(t->ctx);
    free(t);
}

/* ---- replies -------------------------------------------------------- */

long
smtp_reply_parse(const char *buf, size_t len, int *code, bool *starttls,
                 char *first_line)
{
    size_t pos = 0;
    int lines = 0, first_code = -1;

    *code = 0;
    for (;;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        const char *l = buf + pos;
        size_t end, llen;
        int c;

        if (nl == NULL)
            return len - pos > SMTP_LINE_MAX + 1 ? -1 : 0;
        end = (size_t)(nl - buf);
        llen = end - pos;
        if (llen > 0 && l[llen - 1] == '\r')
            llen--;
        if (llen > SMTP_LINE_MAX || llen < 3 ||
            ++lines > SMTP_REPLY_LINES_MAX)
            return -1;
        if (!ascii_is_digit(l[0]) || !ascii_is_digit(l[1]) ||
            !ascii_is_digit(l[2]))
            return -1;
        c = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
        if (first_code < 0)
            first_code = c;
        else if (c != first_code)
            return -1;
        if (llen > 3 && l[3] != '-' && l[3] != ' ')
            return -1;
        if (lines == 1 && first_line != NULL) {
            size_t tl = llen > 4 ? llen - 4 : 0;

            if (tl > 0)
                memcpy(first_line, l + 4, tl);
            first_line[tl] = '\0';
        }
        if (starttls != NULL && llen >= 12 && str_nieq(l + 4, "STARTTLS", 8)
            && (llen == 12 || l[12] == ' '))
            *starttls = true;
        pos = end + 1;
        if (llen == 3 || l[3] == ' ') {
            *code = c;
            return (long)pos;
        }
    }
}

/* ---- the probe ------------------------------------------------------ */

static void
finish(struct smtp_probe *p, enum smtp_outcome oc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
finish(struct smtp_probe *p, enum smtp_outcome oc, const char *fmt, ...)
{
    if (p->stage == ST_OVER)
        return;
    p->r.outcome = oc;
    if (fmt != NULL) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(p->r.err, sizeof(p->r.err), fmt, ap);
        va_end(ap);
    }
    p->stage = ST_OVER;
    p->r.elapsed_ms = now_ms() - p->t0;
    if (p->ssl != NULL) {
        SSL_free(p->ssl);
        p->ssl = NULL;
    }
    if (p->fd >= 0) {
        close(p->fd);
        p->fd = -1;
    }
}

enum rc
smtp_probe_start(const struct smtp_probe_opts *o, struct smtp_probe **out)
{
    struct smtp_probe *p = xcalloc(1, sizeof(*p));
    struct sockaddr_storage ss;
    socklen_t sl;
    int rc;

    p->o = *o;
    p->host = xstrdup(o->host != NULL ? o->host : "");
    p->o.host = p->host;
    if (p->o.port == 0)
        p->o.port = 25;
    if (p->o.timeout_ms == 0)
        p->o.timeout_ms = 10000;
    p->rbuf = xmalloc(SMTP_RBUF);
    p->t0 = now_ms();
    p->deadline = p->t0 + p->o.timeout_ms;
    p->fd = -1;
    *out = p;

    memset(&ss, 0, sizeof(ss));
    if (o->addr.family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)p->o.port);
        memcpy(&sin->sin_addr, o->addr.a, 4);
        sl = sizeof(*sin);
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)p->o.port);
        memcpy(&sin6->sin6_addr, o->addr.a, 16);
        sl = sizeof(*sin6);
    }
    p->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   0);
    if (p->fd < 0) {
        finish(p, SMTP_R_UNREACHABLE, "socket: %s", errtext(errno));
        return RC_OK;
    }
    rc = connect(p->fd, (struct sockaddr *)&ss, sl);
    if (rc == 0) {
        p->stage = ST_BANNER;
    } else if (errno == EINPROGRESS) {
        p->stage = ST_CONNECT;
    } else {
        finish(p, errno == ECONNREFUSED ? SMTP_R_REFUSED
                                        : SMTP_R_UNREACHABLE,
               "connect: %s", errtext(errno));
    }
    return RC_OK;
}

int
smtp_probe_pollfds(struct smtp_probe *p, struct pollfd *fds, int max)
{
    if (p->stage == ST_OVER || p->fd < 0 || max < 1)
        return 0;
    fds[0].fd = p->fd;
    fds[0].events = POLLIN;
    if (p->stage == ST_CONNECT)
        fds[0].events = POLLOUT;
    else if (p->stage == ST_HANDSHAKE && p->ssl != NULL &&
             SSL_want_write(p->ssl))
        fds[0].events = POLLOUT;
    fds[0].revents = 0;
    return 1;
}

int
smtp_probe_timeout_ms(struct smtp_probe *p, int max_ms)
{
    double left;
    int ms;

    if (p->stage == ST_OVER)
        return 0;
    left = p->deadline - now_ms();
    if (left <= 0)
        return 0;
    ms = (int)left + 1;
    return max_ms >= 0 && ms > max_ms ? max_ms : ms;
}

static bool
send_plain(struct smtp_probe *p, const char *cmd)
{
    size_t len = strlen(cmd);
    ssize_t n = send(p->fd, cmd, len, MSG_NOSIGNAL);

    if (n == (ssize_t)len)
        return true;
    finish(p, SMTP_R_CLOSED, "send: %s",
           n < 0 ? errtext(errno) : "short write");
    return false;
}

/* "EHLO [192.0.2.1]": our address as a literal (RFC 5321 §4.1.4). */
static void
send_ehlo(struct smtp_probe *p)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char addr[INET6_ADDRSTRLEN] = "127.0.0.1", cmd[80];

    if (getsockname(p->fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
                      addr, sizeof(addr));
        else
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
                      addr, sizeof(addr));
    }
    snprintf(cmd, sizeof(cmd), "EHLO [%s%s]\r\n",
             ss.ss_family == AF_INET6 ? "IPv6:" : "", addr);
    if (send_plain(p, cmd))
        p->stage = ST_EHLO;
}

static void
cert_time_text(const ASN1_TIME *t, char *buf, size_t size)
{
    struct tm tm;

    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1 ||
        strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        str_copy(buf, "?", size);
}

static void
cert_names(X509 *x, char *buf, size_t size)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
                                           NULL);
    size_t used = 0;

    buf[0] = '\0';
    if (gens == NULL)
        return;
    for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        const unsigned char *s;
        char *vis;
        int n;

        if (g->type != GEN_DNS)
            continue;
        s = ASN1_STRING_get0_data(g->d.dNSName);
        n = ASN1_STRING_length(g->d.dNSName);
        vis = str_visible((const char *)s, (size_t)(n < 0 ? 0 : n));
        n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                     vis);
        free(vis);
        if (n < 0 || (size_t)n >= size - used) {
            buf[used] = '\0';
            break;
        }
        used += (size_t)n;
    }
    GENERAL_NAMES_free(gens);
}

static void
analyse_cert(struct smtp_probe *p)
{
    struct smtp_cert *c = &p->r.cert;
    X509 *x = SSL_get0_peer_certificate(p->ssl);
    int days = 0, secs = 0;
    char *subj, *vis;

    p->r.tls_version = SSL_version(p->ssl);
    str_copy(p->r.tls_version_name, SSL_get_version(p->ssl),
             sizeof(p->r.tls_version_name));
    if (x == NULL)
        return;
    c->present = true;
    if (SSL_get_verify_result(p->ssl) != X509_V_OK && c->verify_err[0] == 0)
        snprintf(c->verify_err, sizeof(c->verify_err), "%s",
                 X509_verify_cert_error_string(
                     SSL_get_verify_result(p->ssl)));
    if (X509_check_issued(x, x) == X509_V_OK)
        c->self_signed = true;
    if (c->self_signed && c->verify_err[0] == '\0')
        c->self_signed = false;         /* trusted as it is (--ca-file) */
    /* RFC 8461 §4.1 and RFC 6125 §6.4: a DNS-ID (subjectAltName
     * dNSName) must match, "*" only as the whole leftmost label; the
     * subject's CN is never a fallback (OpenSSL's is, when there is no
     * DNS-ID). */
    c->name_ok = X509_check_host(x, p->host, 0,
                                 X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
                                 X509_CHECK_FLAG_NEVER_CHECK_SUBJECT,
                                 NULL) == 1;
    if (ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)) == 1)
        c->days_left = secs < 0 && days == 0 ? -1
                     : days < 0 || secs < 0 ? days - 1 : days;
    cert_time_text(X509_get0_notAfter(x), c->not_after,
                   sizeof(c->not_after));
    /* Not valid yet (and not expired): no sender accepts it either. */
    if (c->not_yet_valid && c->days_left >= 0 && c->verify_err[0] == '\0') {
        c->chain_ok = false;
        str_copy(c->verify_err, "the certificate is not valid yet",
                 sizeof(c->verify_err));
    }
    subj = X509_NAME_oneline(X509_get_subject_name(x), NULL, 0);
    if (subj != NULL) {
        vis = str_visible(subj, strlen(subj));
        str_copy(c->subject, vis, sizeof(c->subject));
        free(vis);
        OPENSSL_free(subj);
    }
    cert_names(x, c->names, sizeof(c->names));
}

static void
step_handshake(struct smtp_probe *p)
{
    int rc = SSL_connect(p->ssl);

    if (rc == 1) {
        p->r.tls = true;
        analyse_cert(p);
        /* Never send mail: QUIT at once. */
        if (SSL_write(p->ssl, "QUIT\r\n", 6) != 6) {
            finish(p, SMTP_R_DONE, NULL);
            return;
        }
        p->tls_quit = true;
        p->rlen = 0;
        p->stage = ST_QUIT;
        /* The 221 is waited for one second at most. */
        if (p->deadline > now_ms() + 1000)
            p->deadline = now_ms() + 1000;
        return;
    }
    switch (SSL_get_error(p->ssl, rc)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return;
    default: {
        unsigned long e = ERR_get_error();
        char buf[160];

        ERR_error_string_n(e, buf, sizeof(buf));
        ERR_clear_error();
        finish(p, SMTP_R_TLS_FAILED, "TLS handshake failed: %s",
               e != 0 ? buf : "connection closed");
    }
    }
}

static void
start_tls(struct smtp_probe *p)
{
    p->ssl = SSL_new(p->o.tls->ctx);
    if (p->ssl == NULL) {
        finish(p, SMTP_R_TLS_FAILED, "OpenSSL could not start TLS");
        return;
    }
    p->r.cert.chain_ok = true;  /* until verify_cb says otherwise */
    SSL_set_ex_data(p->ssl, ssl_idx, p);
    /* SNI: not for an address literal, never for an empty name. */
    if (p->host[0] != '\0')
        SSL_set_tlsext_host_name(p->ssl, p->host);
    SSL_set_fd(p->ssl, p->fd);
    p->stage = ST_HANDSHAKE;
    step_handshake(p);
}

/* A complete reply arrived in the current stage. */
static void
on_reply(struct smtp_probe *p, int code, bool starttls, const char *first)
{
    p->r.code = code;
    switch (p->stage) {
    case ST_BANNER: {
        size_t n = strcspn(first, " \t");

        p->r.banner = xstrdup(first);
        if (n > 0)
            p->r.banner_name = xstrndup(first, n);
        if (code != 220) {
            finish(p, SMTP_R_REJECTED, "the greeting was %d, not 220",
                   code);
            return;
        }
        send_ehlo(p);
        return;
    }
    case ST_EHLO:
        if (code / 100 != 2) {
            finish(p, SMTP_R_REJECTED, "EHLO was answered %d", code);
            return;
        }
        p->r.ehlo_ok = true;
        p->r.starttls = starttls;
        if (!starttls || p->o.tls == NULL) {
            if (send_plain(p, "QUIT\r\n")) {
                p->stage = ST_QUIT;
                if (p->deadline > now_ms() + 1000)
                    p->deadline = now_ms() + 1000;
            }
            return;
        }
        if (send_plain(p, "STARTTLS\r\n"))
            p->stage = ST_STARTTLS;
        return;
    case ST_STARTTLS:
        if (code != 220) {
            finish(p, SMTP_R_TLS_FAILED, "STARTTLS was answered %d", code);
            return;
        }
        /* Anything sent before the handshake is dropped (RFC 3207 §5). */
        p->rlen = 0;
        start_tls(p);
        return;
    case ST_QUIT:
        finish(p, SMTP_R_DONE, NULL);
        return;
    default:
        return;
    }
}

static void
read_replies(struct smtp_probe *p)
{
    for (;;) {
        ssize_t n;
        long used;
        int code;
        bool starttls = false;
        char first[SMTP_LINE_MAX + 1];

        if (p->rlen >= SMTP_RBUF) {
            finish(p, SMTP_R_PROTOCOL, "the reply is too long");
            return;
        }
        if (p->tls_quit) {
            int r = SSL_read(p->ssl, p->rbuf + p->rlen,
                             (int)(SMTP_RBUF - p->rlen));

            if (r <= 0) {
                int e = SSL_get_error(p->ssl, r);

                ERR_clear_error();
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                    return;
                finish(p, SMTP_R_DONE, NULL);   /* closed after QUIT */
                return;
            }
            n = r;
        } else {
            n = recv(p->fd, p->rbuf + p->rlen, SMTP_RBUF - p->rlen, 0);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
                          errno == EINTR))
                return;
            if (n <= 0) {
                if (p->stage == ST_QUIT)
                    finish(p, SMTP_R_DONE, NULL);
                else
                    finish(p, SMTP_R_CLOSED, "the server closed the "
                           "connection%s%s", n < 0 ? ": " : "",
                           n < 0 ? errtext(errno) : "");
                return;
            }
        }
        p->rlen += (size_t)n;
        while (p->stage != ST_OVER && p->stage != ST_HANDSHAKE) {
            used = smtp_reply_parse(p->rbuf, p->rlen, &code, &starttls,
                                    first);
            if (used < 0) {
                finish(p, SMTP_R_PROTOCOL, "a malformed or overlong reply");
                return;
            }
            if (used == 0)
                break;
            memmove(p->rbuf, p->rbuf + used, p->rlen - (size_t)used);
            p->rlen -= (size_t)used;
            on_reply(p, code, starttls, first);
        }
        if (p->stage == ST_OVER || p->stage == ST_HANDSHAKE)
            return;
    }
}

bool
smtp_probe_process(struct smtp_probe *p, const struct pollfd *fds, int nfds)
{
    short rev = 0;

    if (p->stage == ST_OVER)
        return true;
    for (int i = 0; i < nfds; i++)
        if (fds[i].fd == p->fd)
            rev |= fds[i].revents;
    if (rev != 0) {
        if (p->stage == ST_CONNECT) {
            int err = 0;
            socklen_t el = sizeof(err);

            if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
                err = errno;
            if (err == 0)
                p->stage = ST_BANNER;
            else
                finish(p, err == ECONNREFUSED ? SMTP_R_REFUSED
                          : err == ETIMEDOUT ? SMTP_R_NO_ANSWER
                                             : SMTP_R_UNREACHABLE,
                       "connect: %s", errtext(err));
        } else if (p->stage == ST_HANDSHAKE) {
            step_handshake(p);
        } else {
            read_replies(p);
        }
    }
    if (p->stage != ST_OVER && now_ms() >= p->deadline) {
        if (p->stage == ST_QUIT)
            finish(p, SMTP_R_DONE, NULL);
        else if (p->stage == ST_CONNECT)
            finish(p, SMTP_R_NO_ANSWER, "no answer to the connection in "
                   "%u ms", p->o.timeout_ms);
        else
            finish(p, SMTP_R_STALLED, "no answer in %u ms",
                   p->o.timeout_ms);
    }
    return p->stage == ST_OVER;
}

const struct smtp_result *
smtp_probe_result(const struct smtp_probe *p)
{
    return &p->r;
}

void
smtp_probe_free(struct smtp_probe *p)
{
    if (p == NULL)
        return;
    if (p->ssl != NULL)
        SSL_free(p->ssl);
    if (p->fd >= 0)
        close(p->fd);
    free(p->r.banner);
    free(p->r.banner_name);
    free(p->rbuf);
    free(p->host);
    free(p);
}

void
smtp_probe_run(struct smtp_probe *p)
{
    while (p->stage != ST_OVER) {
        struct pollfd fd;
        int n = smtp_probe_pollfds(p, &fd, 1);
        int t = smtp_probe_timeout_ms(p, 1000);

        if (poll(&fd, (nfds_t)n, t) < 0 && errno != EINTR)
            fd.revents = 0;
        smtp_probe_process(p, &fd, n);
    }
}
