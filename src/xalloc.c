/* xalloc.c - allocation wrappers that never return NULL, and die(). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/util.h"

static void (*die_hook)(void);

void
util_set_die_hook(void (*hook)(void))
{
    die_hook = hook;
}

void
die(const char *fmt, ...)
{
    va_list ap;

    if (die_hook != NULL) {
        void (*h)(void) = die_hook;

        die_hook = NULL;
        h();
    }
    fputs("mailready: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(3);
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);

    if (p == NULL)
        die("out of memory (%zu bytes)", n);
    return p;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

    if (p == NULL)
        die("out of memory");
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n == 0 ? 1 : n);

    if (q == NULL)
        die("out of memory (%zu bytes)", n);
    return q;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
    if (size != 0 && n > (size_t)-1 / size)
        die("out of memory (overflow)");
    return xrealloc(p, n * size);
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p = NULL;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (r < 0)
        die("out of memory");
    return p;
}
