/* strbuf.h - growable NUL-terminated byte buffer. */
#ifndef MAILREADY_STRBUF_H
#define MAILREADY_STRBUF_H

#include <stddef.h>

struct strbuf {
    char *s;        /* always NUL-terminated once anything is added */
    size_t len;
    size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_fini(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The buffer's string ("" if empty), borrowed. */
const char *strbuf_str(const struct strbuf *sb);
/* Hand the string to the caller (frees with free()); sb is reset. */
char *strbuf_detach(struct strbuf *sb);

#endif
