/* i18n.h - gettext macros.  Core code only marks strings with N_();
 * frontends (main.c, cli_*.c, tui*.c, scr_*.c) translate with _()/P_(). */
#ifndef MAILREADY_I18N_H
#define MAILREADY_I18N_H

#include "config.h"

#define N_(s) (s)
#define NP_(one, many) (one), (many)

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#define P_(one, many, n) ngettext((one), (many), (n))
#else
#define _(s) ((const char *)(s))
#define P_(one, many, n) ((n) == 1 ? (one) : (many))
#endif

/* Set up the message catalog and language.  lang is "es", "en" or NULL
 * (take it from LANGUAGE/LC_ALL/LC_MESSAGES/LANG).  Works on systems that
 * only have the C.UTF-8 locale.  Defined in i18n.c. */
void i18n_init(const char *lang);
/* Switch language at run time ("es" or "en"). */
void i18n_set_lang(const char *lang);
/* The current two-letter language, "en" by default. */
const char *i18n_lang(void);
/* Directory holding help/<lang>/ texts (MAILREADY_HELPDIR overrides). */
const char *i18n_helpdir(void);
/* Directory holding data files (MAILREADY_DATADIR overrides). */
const char *i18n_datadir(void);
/* "es", "es_MX.UTF-8" -> "es"; "en_GB" -> "en"; a language we do not ship
 * -> NULL (for checking --lang). */
const char *i18n_lang_supported(const char *s);

#endif

/* The help topics that are not a step's own (mx, spf, dkim, dmarc, ptr),
 * in the order a help screen offers them; NULL-terminated.  Each is
 * help/LL/NAME.txt, its title on line 1 (i18n_help_load() reads it).
 * tests/check-i18n fails when a topic in help/en/ is neither a step's
 * nor listed here, or a listed one has no file. */
extern const char *const i18n_help_topics[];

/* rc.h includes this file for N_(), so i18n_help_load() is declared only
 * once enum rc is complete: after rc.h, whichever of the two came first. */
#include "mailready/rc.h"
#if defined(RC_LIST) && !defined(MAILREADY_I18N_HELP_DECL)
#define MAILREADY_I18N_HELP_DECL
/* Load help topic ("mx", "spf", "glossary"...) in the current language,
 * falling back to English: *out is the whole UTF-8 text, title on its first
 * line; caller frees with free().  RC_NOTFOUND if neither language has it,
 * RC_INVALID for a topic name that is not [a-z0-9_-]. */
enum rc i18n_help_load(const char *topic, char **out);
#endif
