/* name.c - checking and normalising domain names from the user. */
#include <idn2.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/name.h"
#include "mailready/util.h"

static bool
is_ldh(int c, bool allow_underscore)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' ||
           (allow_underscore && c == '_');
}

/* Check an ASCII name: labels 1..63 of LDH, no leading/trailing hyphen,
 * total <= 253.  Returns NULL if fine, else a msgid. */
static const char *
check_ascii(const char *s, bool allow_underscore, bool allow_single)
{
    size_t len = strlen(s), lab = 0;
    int labels = 1;

    if (len == 0)
        return N_("the name is empty");
    if (len > 253)
        return N_("the name is longer than 253 characters");
    for (size_t i = 0; i <= len; i++) {
        char c = s[i];

        if (c == '.' || c == '\0') {
            if (lab == 0)
                return N_("the name has an empty label (two dots in a "
                          "row, or a leading dot)");
            if (lab > 63)
                return N_("a label is longer than 63 characters");
            if (s[i - 1] == '-' || s[i - lab] == '-')
                return N_("a label starts or ends with a hyphen");
            if (c == '.')
                labels++;
            lab = 0;
            continue;
        }
        if (!is_ldh((unsigned char)c, allow_underscore))
            return N_("the name contains a character that is not allowed "
                      "(only letters, digits and hyphens)");
        lab++;
    }
    if (labels < 2 && !allow_single)
        return N_("the name needs at least two labels, like example.com");
    /* An all-numeric top label would be an IP address, not a domain. */
    const char *tld = strrchr(s, '.');
    tld = tld != NULL ? tld + 1 : s;
    bool digits = true;
    for (const char *p = tld; *p != '\0'; p++)
        if (*p < '0' || *p > '9')
            digits = false;
    if (digits)
        return N_("the last label is all digits: this looks like an IP "
                  "address, not a domain name");
    return NULL;
}

enum rc
name_normalize(const char *in, bool allow_underscore, bool allow_single,
               char **alabel, char **ulabel, const char **why_msgid)
{
    char *work = NULL, *a = NULL, *u = NULL;
    const char *why;
    bool ascii = true;
    size_t len;

    *alabel = NULL;
    *ulabel = NULL;
    *why_msgid = NULL;
    if (in == NULL || strnlen(in, 1024) >= 1024) {
        *why_msgid = N_("the name is too long");
        return RC_INVALID;
    }
    work = xstrdup(in);
    len = strlen(work);
    /* Trim surrounding blanks pasted along with the name. */
    while (len > 0 && (work[len - 1] == ' ' || work[len - 1] == '\t' ||
                       work[len - 1] == '\n' || work[len - 1] == '\r'))
        work[--len] = '\0';
    char *start = work;
    while (*start == ' ' || *start == '\t')
        start++;
    len = strlen(start);
    if (len > 0 && start[len - 1] == '.')
        start[--len] = '\0';
    for (const unsigned char *p = (const unsigned char *)start; *p; p++)
        if (*p >= 0x80)
            ascii = false;

    if (ascii) {
        a = xstrdup(start);
        str_lower(a);
    } else {
        char *out = NULL;
        /* Non-transitional only: a transitional retry would map away
         * what made the name invalid (a ZWJ out of context) and check
         * another domain than the one typed. */
        int r = idn2_to_ascii_8z(start, &out,
                                 IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
        if (r != IDN2_OK) {
            free(out);
            *why_msgid = N_("the name is not a valid internationalised "
                            "domain name");
            free(work);
            return RC_INVALID;
        }
        a = xstrdup(out);
        idn2_free(out);
        str_lower(a);
    }
    why = check_ascii(a, allow_underscore, allow_single);
    if (why != NULL) {
        *why_msgid = why;
        free(a);
        free(work);
        return RC_INVALID;
    }
    /* The U-label form, for display. */
    if (strstr(a, "xn--") != NULL) {
        char *out = NULL;

        char *back = NULL;

        /* A valid A-label decodes to a valid U-label that encodes back to
         * it (RFC 5891 §5.4): "xn--ab-ba" is "a" U+0080 "b", a control
         * character that must not reach a terminal. */
        if (idn2_to_unicode_8z8z(a, &out, 0) == IDN2_OK && out != NULL &&
            idn2_to_ascii_8z(out, &back, IDN2_NONTRANSITIONAL) ==
                IDN2_OK && back != NULL && str_ieq(back, a)) {
            char *vis = str_visible(out, strlen(out));

            /* A U-label that would not show as it is (a joiner or other
             * invisible character, a long run of combining marks) is
             * shown as its A-label: the name stays usable and nothing
             * hidden reaches the screen. */
            u = strcmp(vis, out) == 0 ? xstrdup(out) : xstrdup(a);
            free(vis);
            idn2_free(back);
        } else {
            idn2_free(back);
            free(a);
            free(work);
            free(out);
            *why_msgid = N_("the name has an invalid A-label (xn--)");
            return RC_INVALID;
        }
        free(out);
    } else {
        u = xstrdup(a);
    }
    free(work);
    *alabel = a;
    *ulabel = u;
    return RC_OK;
}

bool
name_is_hostname(const char *s)
{
    size_t len = strlen(s);

    if (len > 0 && s[len - 1] == '.') {
        char *t = xstrndup(s, len - 1);
        bool ok = check_ascii(t, false, true) == NULL;
        free(t);
        return ok;
    }
    return check_ascii(s, false, true) == NULL;
}

int
name_label_count(const char *s)
{
    int n = 0;

    if (*s == '\0' || (s[0] == '.' && s[1] == '\0'))
        return 0;
    n = 1;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            continue;
        }
        if (*p == '.' && p[1] != '\0')
            n++;
    }
    return n;
}

const char *
name_parent(const char *s)
{
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            continue;
        }
        if (*p == '.')
            return p[1] != '\0' ? p + 1 : NULL;
    }
    return NULL;
}

static size_t
name_len(const char *s)
{
    size_t n = strlen(s);

    if (n > 1 && s[n - 1] == '.' && s[n - 2] != '\\')
        n--;
    return n;
}

bool
name_eq(const char *a, const char *b)
{
    size_t la = name_len(a), lb = name_len(b);

    return la == lb && str_nieq(a, b, la);
}

bool
name_is_subdomain(const char *s, const char *zone)
{
    size_t ls = name_len(s), lz = name_len(zone);

    if (lz == 0)
        return true;
    if (ls < lz || !str_nieq(s + ls - lz, zone, lz))
        return false;
    if (ls == lz)
        return true;
    return s[ls - lz - 1] == '.' && (ls - lz < 2 || s[ls - lz - 2] != '\\');
}
