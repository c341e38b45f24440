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

#endif
