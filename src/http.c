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
    struct http *h;

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
    curl_easy_setopt(h->easy, CURLOPT_FAILONERROR, 1L);
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
    free(h->err);
    free(h);
}
