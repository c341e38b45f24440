/* name.h - domain names from the user: checked and normalised. */
#ifndef MAILREADY_NAME_H
#define MAILREADY_NAME_H

#include <stdbool.h>
#include "mailready/rc.h"

/* Normalise a domain name typed by a user: trims one trailing dot, lowers
 * case, converts Unicode (UTF-8 in) to its A-label with libidn2 (IDNA2008,
 * UTS#46 non-transitional), checks label lengths (1..63), total length
 * (<= 253), and characters (LDH; '_' allowed in labels when allow_underscore).
 * At least two labels unless allow_single.
 * On success: *alabel (ASCII) and *ulabel (UTF-8; equal to alabel when there
 * is no IDN label) are set, caller frees both.  On failure both are NULL and
 * *why_msgid is an N_() English reason to translate. */
enum rc name_normalize(const char *in, bool allow_underscore,
                       bool allow_single, char **alabel, char **ulabel,
                       const char **why_msgid);

/* true if s is a syntactically valid host name in A-label form
 * (LDH labels, 1..63, total <= 253, not all-numeric TLD). */
bool name_is_hostname(const char *s);

/* Number of labels of a name in presentation form ("a.b.c" -> 3). */
int name_label_count(const char *s);

/* Pointer to the parent of s inside s ("a.b.c" -> "b.c"), NULL for a
 * single label. Honours \. escapes. */
const char *name_parent(const char *s);

/* Case-insensitive equality of two names, ignoring one trailing dot. */
bool name_eq(const char *a, const char *b);
/* s equals zone or is below it. */
bool name_is_subdomain(const char *s, const char *zone);

#endif
