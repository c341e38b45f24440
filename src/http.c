/* http.c - a small HTTP(S) GET driven from a poll() loop (libcurl multi
 * interface: curl_multi_fdset() turned into pollfds). */
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "mailready/http.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

struct http {
    CURLM *multi;
    CURL *easy;
    struct strbuf body;
    size_t max_body;
    bool too_long;
    bool done;
    enum rc rc;
    char errbuf[CURL_ERROR_SIZE];
    char *err;
    struct curl_slist *resolve;
    long status;
    char *ctype;
    CURLcode result;
};

static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
    struct http *h = arg;
    size_t n = size * nmemb;

    if (h->body.len + n > h->max_body) {
        h->too_long = true;
        return 0;               /* makes libcurl stop with an error */
    }
    strbuf_add(&h->body, ptr, n);
    return n;
}

enum rc
http_get_start(const char *url, enum http_family family,
               unsigned timeout_ms, size_t max_body, struct http **out)
{
    struct http_opts o;

    memset(&o, 0, sizeof(o));
    o.family = family;
    o.timeout_ms = timeout_ms;
    o.max_body = max_body;
    return http_get_start_opts(url, &o, out);
}

enum rc
http_get_start_opts(const char *url, const struct http_opts *o,
                    struct http **out)
{
    struct http *h;
    enum http_family family = o->family;
    unsigned timeout_ms = o->timeout_ms;
    size_t max_body = o->max_body;

    *out = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return RC_NOMEM;
    h = xcalloc(1, sizeof(*h));
    h->max_body = max_body;
    strbuf_init(&h->body);
    strbuf_add(&h->body, "", 0);
    h->multi = curl_multi_init();
    h->easy = curl_easy_init();
    if (h->multi == NULL || h->easy == NULL) {
        http_free(h);
        return RC_NOMEM;
    }
    if (curl_easy_setopt(h->easy, CURLOPT_URL, url) != CURLE_OK
        || curl_easy_setopt(h->easy, CURLOPT_PROTOCOLS_STR, "http,https")
           != CURLE_OK) {
        http_free(h);
        return RC_INVALID;
    }
    curl_easy_setopt(h->easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h->easy, CURLOPT_IPRESOLVE,
                     family == HTTP_IPV4 ? CURL_IPRESOLVE_V4 :
                     family == HTTP_IPV6 ? CURL_IPRESOLVE_V6 :
                     CURL_IPRESOLVE_WHATEVER);
    curl_easy_setopt(h->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(h->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
    curl_easy_setopt(h->easy, CURLOPT_USERAGENT, "mailready");
    curl_easy_setopt(h->easy, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h->easy, CURLOPT_WRITEDATA, h);
    curl_easy_setopt(h->easy, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(h->easy, CURLOPT_FAILONERROR, o->any_status ? 0L : 1L);
    if (o->ca_file != NULL) {
        /* CAINFO replaces the system bundle: keep its directory too. */
        curl_easy_setopt(h->easy, CURLOPT_CAINFO, o->ca_file);
        curl_easy_setopt(h->easy, CURLOPT_CAPATH, "/etc/ssl/certs");
    }
    for (size_t i = 0; i < o->nresolve; i++)
        h->resolve = curl_slist_append(h->resolve, o->resolve[i]);
    if (h->resolve != NULL)
        curl_easy_setopt(h->easy, CURLOPT_RESOLVE, h->resolve);
    if (curl_multi_add_handle(h->multi, h->easy) != CURLM_OK) {
        http_free(h);
        return RC_NOMEM;
    }
    h->rc = RC_IO;
    *out = h;
    return RC_OK;
}

int
http_pollfds(struct http *h, struct pollfd *fds, int max)
{
    fd_set r, w, e;
    int maxfd = -1, n = 0;

    if (h->done)
        return 0;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    if (curl_multi_fdset(h->multi, &r, &w, &e, &maxfd) != CURLM_OK)
        return 0;
    for (int fd = 0; fd <= maxfd && fd < FD_SETSIZE && n < max; fd++) {
        short ev = 0;
        if (FD_ISSET(fd, &r))
            ev |= POLLIN;
        if (FD_ISSET(fd, &w))
            ev |= POLLOUT;
        if (FD_ISSET(fd, &e))
            ev |= POLLPRI;
        if (ev == 0)
            continue;
        fds[n].fd = fd;
        fds[n].events = ev;
        fds[n].revents = 0;
        n++;
    }
    return n;
}

int
http_timeout_ms(struct http *h, int max_ms)
{
    long t = -1;

    if (h->done)
        return max_ms;
    curl_multi_timeout(h->multi, &t);
    /* No timeout known (e.g. a resolver thread at work): look again
     * soon, as the libcurl documentation advises. */
    if (t < 0)
        t = 100;
    return t < max_ms ? (int)t : max_ms;
}

bool
http_process(struct http *h, const struct pollfd *fds, int nfds)
{
    int running = 0, left;
    CURLMsg *m;

    (void)fds;
    (void)nfds;
    if (h->done)
        return true;
    curl_multi_perform(h->multi, &running);
    while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        h->done = true;
        h->result = m->data.result;
        {
            long st = 0;
            char *ct = NULL;

            curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &st);
            curl_easy_getinfo(h->easy, CURLINFO_CONTENT_TYPE, &ct);
            h->status = st;
            if (ct != NULL)
                h->ctype = xstrdup(ct);
        }
        if (m->data.result == CURLE_OK) {
            h->rc = RC_OK;
        } else if (h->too_long) {
            h->rc = RC_TOOLONG;
            h->err = xstrdup("the answer is too long");
        } else {
            h->rc = m->data.result == CURLE_OPERATION_TIMEDOUT
                    ? RC_TIMEOUT : RC_IO;
            h->err = xstrdup(h->errbuf[0] != '\0'
                             ? h->errbuf
                             : curl_easy_strerror(m->data.result));
        }
    }
    if (running == 0 && !h->done) {
        h->done = true;
        h->err = xstrdup("the transfer ended without a result");
    }
    return h->done;
}

enum rc
http_result(const struct http *h, const char **body, const char **err)
{
    *body = NULL;
    *err = NULL;
    if (!h->done) {
        *err = "the transfer is not over";
        return RC_INVALID;
    }
    if (h->rc == RC_OK)
        *body = strbuf_str(&h->body);
    else
        *err = h->err != NULL ? h->err : "failed";
    return h->rc;
}

void
http_meta(const struct http *h, long *status, const char **content_type)
{
    *status = h->status;
    *content_type = h->ctype;
}

bool
http_failed_tls(const struct http *h)
{
    switch (h->result) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return true;
    default:
        return false;
    }
}

void
http_free(struct http *h)
{
    if (h == NULL)
        return;
    if (h->multi != NULL && h->easy != NULL)
        curl_multi_remove_handle(h->multi, h->easy);
    if (h->easy != NULL)
        curl_easy_cleanup(h->easy);
    if (h->multi != NULL)
        curl_multi_cleanup(h->multi);
    strbuf_fini(&h->body);
    curl_slist_free_all(h->resolve);
    free(h->ctype);
    free(h->err);
    free(h);
}
