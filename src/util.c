/* util.c - locale-independent string helpers, safe display, time. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailready/rc.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

bool
str_ieq(const char *a, const char *b)
{
    while (*a != '\0' && ascii_to_lower((unsigned char)*a) ==
           ascii_to_lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

bool
str_nieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ascii_to_lower((unsigned char)a[i]) !=
            ascii_to_lower((unsigned char)b[i]))
            return false;
        if (a[i] == '\0')
            return true;
    }
    return true;
}

bool
str_iendswith(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);

    return lx <= ls && str_ieq(s + ls - lx, suffix);
}

void
str_lower(char *s)
{
    for (; *s != '\0'; s++)
        *s = (char)ascii_to_lower((unsigned char)*s);
}

size_t
str_copy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

char *
str_without_dot(const char *s)
{
    size_t n = strlen(s);

    if (n > 0 && s[n - 1] == '.')
        n--;
    return xstrndup(s, n);
}

bool
str_to_uint(const char *s, unsigned long min, unsigned long max,
            unsigned long *out)
{
    unsigned long v = 0;

    if (s == NULL || *s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        /* v * 10 + d <= max, without wrapping (max may be below 9) */
        if (d > max || v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v < min)
        return false;
    *out = v;
    return true;
}

/* Length of a valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned long cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    /* C1 controls U+0080..U+009F are invalid for display. */
    if (cp >= 0x80 && cp <= 0x9f)
        return 0;
    /* Bidi overrides and isolates could reorder what the admin reads. */
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
        return 0;
    return len;
}

char *
str_visible(const char *s, size_t len)
{
    struct strbuf sb = STRBUF_INIT;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        if (p[i] < 0x20 || p[i] == 0x7f) {
            strbuf_addf(&sb, "\\x%02X", p[i]);
            i++;
            continue;
        }
        size_t k = utf8_seq(p + i, len - i);
        if (k == 0) {
            strbuf_addf(&sb, "\\x%02X", p[i]);
            i++;
            continue;
        }
        if (k == 1 && p[i] == '\\') {
            strbuf_adds(&sb, "\\\\");
            i++;
            continue;
        }
        strbuf_add(&sb, s + i, k);
        i += k;
    }
    return strbuf_detach(&sb);
}

void
util_rfc3339(long long epoch, char buf[32])
{
    time_t t = (time_t)epoch;
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL ||
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        str_copy(buf, "1970-01-01T00:00:00Z", 32);
}
