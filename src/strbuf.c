/* strbuf.c - growable string buffer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/strbuf.h"
#include "mailready/util.h"

void
strbuf_init(struct strbuf *sb)
{
    sb->s = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void
strbuf_fini(struct strbuf *sb)
{
    free(sb->s);
    strbuf_init(sb);
}

void
strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->s != NULL)
        sb->s[0] = '\0';
}

static void
strbuf_grow(struct strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;

    if (need < sb->len)
        die("out of memory (overflow)");
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    sb->s = xrealloc(sb->s, cap);
    sb->cap = cap;
}

void
strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
    strbuf_grow(sb, n);
    memcpy(sb->s + sb->len, s, n);
    sb->len += n;
    sb->s[sb->len] = '\0';
}

void
strbuf_adds(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void
strbuf_addc(struct strbuf *sb, char c)
{
    strbuf_add(sb, &c, 1);
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    strbuf_grow(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

const char *
strbuf_str(const struct strbuf *sb)
{
    return sb->s != NULL ? sb->s : "";
}

char *
strbuf_detach(struct strbuf *sb)
{
    char *s = sb->s != NULL ? sb->s : xstrdup("");

    strbuf_init(sb);
    return s;
}
