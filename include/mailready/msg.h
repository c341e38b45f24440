/* msg.h - a received message (RFC 5322) as bytes: header fields and body,
 * for DKIM and the verify command.  No MIME: DKIM works on bytes.
 *
 * A message is untrusted input: msg_parse() bounds its size, the number
 * of header fields and the length of each, and never interprets the
 * body.  Line ends are made CRLF (a file saved with LF is read as it went
 * over SMTP); a lone CR is kept as it is. */
#ifndef MAILREADY_MSG_H
#define MAILREADY_MSG_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/rc.h"

#define MSG_MAX_BYTES (32u * 1024 * 1024)   /* whole message */
#define MSG_MAX_HEADERS 1000                /* header fields */
#define MSG_MAX_FIELD (64u * 1024)          /* one field, folded lines */

/* One header field: raw points into the message's data and holds the
 * whole field ("Name: value", folding CRLFs included) without the final
 * CRLF; the name is raw[0..name_len) without the whitespace before the
 * colon. */
struct msg_header {
    const char *raw;
    size_t len;
    size_t name_len;
};

struct msg {
    char *data;                 /* CRLF form of the whole message */
    size_t len;
    struct msg_header *h;       /* in message order, top first */
    size_t nh;
    const char *body;           /* after the empty line; may be empty */
    size_t body_len;
    bool lf_only;               /* the input had bare LF line ends */
    bool no_body;               /* no empty line: headers only */
};

/* Parse len bytes of buf.  RC_TOOLONG (the message, or a field, over its
 * limit), RC_PARSE (a header line with no colon, or no header at all);
 * err says which (msgid with one %s: the line number or limit).  On
 * success m holds a copy (free with msg_fini()). */
enum rc msg_parse(const char *buf, size_t len, struct msg *m,
                  struct rc_err *err);
void msg_fini(struct msg *m);

/* true if h's name is name (ASCII case ignored). */
bool msg_header_is(const struct msg_header *h, const char *name);
/* The value after the colon (borrowed, not NUL-terminated). */
void msg_header_value(const struct msg_header *h, const char **v,
                      size_t *len);
/* The value unfolded (CRLFs removed), NUL-terminated; caller frees. */
char *msg_header_text(const struct msg_header *h);
/* Index of the first (topmost) field named name at or after from, or -1. */
long msg_find(const struct msg *m, const char *name, size_t from);

#endif
