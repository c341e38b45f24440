/* oracle_text.h - what the fuzz harnesses call "safe for a terminal, a
 * file or HTML", written apart from util.c on purpose: an oracle that
 * copies the code it tests agrees with it by construction.
 *
 * Here the text is decoded with mbrtowc() in the C.UTF-8 locale (glibc's
 * decoder, not util.c's), the characters that must never appear raw are
 * listed below from issues 11 and 19 (not from util.c's tables), and a
 * run of combining marks is measured with glibc's wcwidth(): more than
 * ORACLE_MAX_ZERO_WIDTH characters of width 0 in a row is unsafe.
 *
 * Included by one harness each (static functions, no object file). */
#ifndef ORACLE_TEXT_H
#define ORACLE_TEXT_H

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define ORACLE_MAX_ZERO_WIDTH 4

struct oracle_range {
    unsigned long lo, hi;
    const char *what;
};

static const struct oracle_range oracle_banned[] = {
    { 0x0000, 0x001F, "C0 control" },
    { 0x007F, 0x009F, "DEL or C1 control" },
    { 0x00AD, 0x00AD, "soft hyphen" },
    { 0x061C, 0x061C, "Arabic letter mark" },
    { 0x115F, 0x1160, "Hangul filler" },
    { 0x200B, 0x200F, "zero-width space, joiners, LRM, RLM" },
    { 0x2028, 0x2029, "line or paragraph separator" },
    { 0x202A, 0x202E, "bidi embedding or override" },
    { 0x2060, 0x2064, "word joiner, invisible operators" },
    { 0x2066, 0x2069, "bidi isolate" },
    { 0x3164, 0x3164, "Hangul filler" },
    { 0xD800, 0xDFFF, "surrogate" },
    { 0xFEFF, 0xFEFF, "byte order mark" },
    { 0xFFA0, 0xFFA0, "halfwidth Hangul filler" },
    { 0xE0000, 0xE007F, "tag character" },
};

static void
oracle_init(void)
{
    static int done;

    if (done)
        return;
    if (setlocale(LC_CTYPE, "C.UTF-8") == NULL &&
        setlocale(LC_CTYPE, "C.utf8") == NULL)
        abort();                        /* the oracle needs it */
    done = 1;
}

/* NULL if s[0..n) is safe, else what is wrong.  allow_nl lets a newline
 * through (record texts of several lines). */
static const char *
oracle_text_problem(const char *s, size_t n, int allow_nl)
{
    mbstate_t mb;
    size_t i = 0, zw = 0;

    oracle_init();
    memset(&mb, 0, sizeof(mb));
    while (i < n) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s + i, n - i, &mb);
        unsigned long c;

        if (k == (size_t)-1 || k == (size_t)-2)
            return "invalid UTF-8";
        if (k == 0)
            return "NUL";
        c = (unsigned long)wc;
        i += k;
        if (c == '\n' && allow_nl) {
            zw = 0;
            continue;
        }
        for (size_t r = 0; r < sizeof(oracle_banned) /
                                   sizeof(oracle_banned[0]); r++)
            if (c >= oracle_banned[r].lo && c <= oracle_banned[r].hi)
                return oracle_banned[r].what;
        if (c >= 0xA0 && wcwidth(wc) == 0) {
            if (++zw > ORACLE_MAX_ZERO_WIDTH)
                return "a run of more than 4 zero-width characters";
        } else {
            zw = 0;
        }
    }
    return NULL;
}

/* true if s[0..n) is safe and made only of characters below U+0600
 * (Latin, Greek, Cyrillic, Armenian, Hebrew and their marks) or CJK
 * ideographs: such text must come out of str_visible() unchanged. */
static int
oracle_text_plain(const char *s, size_t n)
{
    mbstate_t mb;
    size_t i = 0;

    if (oracle_text_problem(s, n, 0) != NULL)
        return 0;
    memset(&mb, 0, sizeof(mb));
    while (i < n) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s + i, n - i, &mb);

        if (k == 0 || k > n - i)
            return 0;
        if (!((unsigned long)wc < 0x600 ||
              ((unsigned long)wc >= 0x4E00 && (unsigned long)wc <= 0x9FFF)))
            return 0;
        i += k;
    }
    return 1;
}

#endif
