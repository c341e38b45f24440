/* present_verify.h - the result of `mailready verify` in words, shared by
 * the CLI (cli_verify.c) and the wizard's verify screen (scr_verify.c).
 * Front end only (translates). */
#ifndef MAILREADY_PRESENT_VERIFY_H
#define MAILREADY_PRESENT_VERIFY_H

#include "mailready/verify.h"

/* The whole report as translated text, lines ending in "\n", every
 * string from the message or DNS made visible-safe.  Caller frees. */
char *present_verify_text(const struct verify_result *r);

/* One sentence for the verdict (what it means for the admin). */
const char *present_verify_verdict(enum verify_status st);

#endif
