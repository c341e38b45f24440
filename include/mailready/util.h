/* util.h - allocation wrappers, die(), bounded string helpers. */
#ifndef MAILREADY_UTIL_H
#define MAILREADY_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Never return NULL: on failure they call die(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Print "mailready: msg" to stderr, run the exit hook, exit(status 3). */
void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Registered by tui.c to restore the terminal before die() prints. */
void util_set_die_hook(void (*hook)(void));

/* ASCII character classes, independent of the locale (the <ctype.h> ones
 * change with setlocale() and take only unsigned char values). */
static inline bool
ascii_is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
ascii_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline bool
ascii_is_alnum(int c)
{
    return ascii_is_alpha(c) || ascii_is_digit(c);
}

/* 'A'..'Z' to 'a'..'z'; every other value unchanged (tolower() maps 'I'
 * to a dotless i in a Turkish locale). */
static inline int
ascii_to_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* ASCII-only, locale-independent helpers. */
bool str_ieq(const char *a, const char *b);
bool str_nieq(const char *a, const char *b, size_t n);
bool str_iendswith(const char *s, const char *suffix);
void str_lower(char *s);
/* Copy at most size-1 bytes and NUL-terminate; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t size);
/* A copy of s without one trailing dot ("a.b." -> "a.b").  Caller frees
 * with free(). */
char *str_without_dot(const char *s);
/* Parse a decimal unsigned integer in [min,max]; the whole string must be
 * digits.  Returns false on any error. */
bool str_to_uint(const char *s, unsigned long min, unsigned long max,
                 unsigned long *out);

/* Text from DNS or the user made safe for a terminal, a report or HTML:
 * every byte of what could hide, reorder or spoof text becomes a \xNN
 * escape (uppercase hex):
 *  - control characters: C0, DEL, C1 (also a lone 0x80..0x9F byte);
 *  - invalid UTF-8 (overlong, surrogate, truncated), byte by byte;
 *  - format and invisible characters: Unicode category Cf (U+00AD soft
 *    hyphen, U+061C, U+200B..U+200F, U+202A..U+202E, U+2060..U+2064,
 *    U+2066..U+206F, U+FEFF, the tag characters U+E0000..U+E007F...),
 *    U+2028, U+2029 and the Hangul fillers;
 *  - in a run of combining marks (Mn, Me), the marks after the first
 *    STR_VISIBLE_MAX_MARKS.
 * A backslash is doubled, so that an escape and the same text from DNS
 * differ.  The result is the same whatever the locale.  Caller frees with
 * free(). */
#define STR_VISIBLE_MAX_MARKS 4
char *str_visible(const char *s, size_t len);
/* The same escapes, but a backslash is kept as it is: for text that may
 * already hold escapes made by str_visible() (a translated sentence with
 * its arguments), on its way to the terminal.  Caller frees. */
char *str_safe(const char *s, size_t len);

/* Current time as RFC 3339 UTC ("2026-11-28T22:10:30Z") into buf[32]. */
void util_rfc3339(long long epoch, char buf[32]);

#endif
