/* msg.c - a received message split into header fields and body (msg.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/msg.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

void
msg_fini(struct msg *m)
{
    if (m == NULL)
        return;
    free(m->data);
    free(m->h);
    memset(m, 0, sizeof(*m));
}

/* The message with every bare LF made CRLF; *lf_only set when one was. */
static char *
to_crlf(const char *buf, size_t len, size_t *outlen, bool *lf_only)
{
    size_t extra = 0, o = 0;
    char *out;

    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))
            extra++;
    *lf_only = extra > 0;
    out = xmalloc(len + extra + 1);
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))
            out[o++] = '\r';
        out[o++] = buf[i];
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

enum rc
msg_parse(const char *buf, size_t len, struct msg *m, struct rc_err *err)
{
    size_t i = 0, line = 0, cap = 0;
    char num[32];

    memset(m, 0, sizeof(*m));
    if (len > MSG_MAX_BYTES) {
        snprintf(num, sizeof(num), "%u", MSG_MAX_BYTES / (1024 * 1024));
        rc_err_set(err, 0, N_("The message is larger than %s MiB, the "
                              "most mailready reads."), 1, num);
        return RC_TOOLONG;
    }
    m->data = to_crlf(buf, len, &m->len, &m->lf_only);
    /* An mbox "From " line before the first field is no header. */
    if (m->len >= 5 && memcmp(m->data, "From ", 5) == 0) {
        const char *nl = memchr(m->data, '\n', m->len);
        i = nl != NULL ? (size_t)(nl - m->data) + 1 : m->len;
        line++;
    }
    while (i < m->len) {
        size_t start = i, end, colon;

        line++;
        if (m->len - i >= 2 && m->data[i] == '\r' && m->data[i + 1] == '\n') {
            i += 2;
            m->body = m->data + i;
            m->body_len = m->len - i;
            break;
        }
        if (m->data[i] == ' ' || m->data[i] == '\t') {
            snprintf(num, sizeof(num), "%zu", line);
            rc_err_set(err, 0, N_("Line %s of the message continues a "
                                  "header field that is not there."),
                       1, num);
            goto parse_fail;
        }
        /* The field runs to a CRLF not followed by WSP. */
        end = i;
        for (;;) {
            const char *nl = memchr(m->data + end, '\n', m->len - end);
            if (nl == NULL) {
                end = m->len;
                break;
            }
            end = (size_t)(nl - m->data) + 1;
            if (end < m->len && (m->data[end] == ' ' ||
                                 m->data[end] == '\t')) {
                line++;
                continue;
            }
            break;
        }
        if (end - start > MSG_MAX_FIELD) {
            snprintf(num, sizeof(num), "%zu", line);
            rc_err_set(err, 0, N_("The header field ending on line %s of "
                                  "the message is too long."), 1, num);
            msg_fini(m);
            return RC_TOOLONG;
        }
        if (m->nh >= MSG_MAX_HEADERS) {
            snprintf(num, sizeof(num), "%u", MSG_MAX_HEADERS);
            rc_err_set(err, 0, N_("The message has more than %s header "
                                  "fields."), 1, num);
            msg_fini(m);
            return RC_TOOLONG;
        }
        colon = start;
        while (colon < end && m->data[colon] != ':' &&
               m->data[colon] != '\r' && m->data[colon] != '\n')
            colon++;
        if (colon >= end || m->data[colon] != ':' || colon == start) {
            snprintf(num, sizeof(num), "%zu", line);
            rc_err_set(err, 0, N_("Line %s of the message is not a header "
                                  "field (no colon): is this a raw "
                                  "message?"), 1, num);
            goto parse_fail;
        }
        if (m->nh == cap) {
            cap = cap != 0 ? cap * 2 : 32;
            m->h = xreallocarray(m->h, cap, sizeof(*m->h));
        }
        {
            struct msg_header *h = &m->h[m->nh++];
            size_t nl = colon;

            while (nl > start && (m->data[nl - 1] == ' ' ||
                                  m->data[nl - 1] == '\t'))
                nl--;
            h->raw = m->data + start;
            h->len = end - start;
            if (h->len >= 2 && h->raw[h->len - 2] == '\r' &&
                h->raw[h->len - 1] == '\n')
                h->len -= 2;
            h->name_len = nl - start;
        }
        i = end;
    }
    if (m->body == NULL) {
        m->no_body = true;
        m->body = m->data + m->len;
        m->body_len = 0;
    }
    if (m->nh == 0) {
        rc_err_set(err, 0, N_("The file holds no header fields: it is not "
                              "a raw message."), 0);
        msg_fini(m);
        return RC_PARSE;
    }
    return RC_OK;
parse_fail:
    msg_fini(m);
    return RC_PARSE;
}

bool
msg_header_is(const struct msg_header *h, const char *name)
{
    size_t n = strlen(name);

    return h->name_len == n && str_nieq(h->raw, name, n);
}

void
msg_header_value(const struct msg_header *h, const char **v, size_t *len)
{
    const char *c = memchr(h->raw, ':', h->len);

    *v = c + 1;
    *len = h->len - (size_t)(c + 1 - h->raw);
}

char *
msg_header_text(const struct msg_header *h)
{
    const char *v;
    size_t n;
    struct strbuf sb = STRBUF_INIT;

    msg_header_value(h, &v, &n);
    for (size_t i = 0; i < n; i++)
        if (v[i] != '\r' && v[i] != '\n')
            strbuf_addc(&sb, v[i]);
    return strbuf_detach(&sb);
}

long
msg_find(const struct msg *m, const char *name, size_t from)
{
    for (size_t i = from; i < m->nh; i++)
        if (msg_header_is(&m->h[i], name))
            return (long)i;
    return -1;
}
