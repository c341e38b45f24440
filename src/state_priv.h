/* state_priv.h - what state.c and state_json.c share, and nobody else:
 * the bounds on a state file and the checks of its strings. */
#ifndef MAILREADY_STATE_PRIV_H
#define MAILREADY_STATE_PRIV_H

#include <stdbool.h>

#include "mailready/state.h"

#define STATE_FORMAT_NAME "mailready-state"

/* Bounds on what a state file may hold. */
#define MAX_STR 65536
#define MAX_LIST 256
#define MAX_FINDINGS 1024
#define MAX_ID 64
#define MAX_DOMAIN 253

/* A domain usable as a file name: lower-case letters, digits, '-', '_'
 * and dots between non-empty labels. */
bool state_domain_ok(const char *d);
/* Text that is safe on a terminal (no controls but a newline where
 * allowed, no DEL, C1 or bidi override); valid UTF-8 is assumed. */
bool state_text_ok(const char *s, bool newline);

void state_finding_fini(struct state_finding *f);
/* Empty a step (keeps its records array, emptied). */
void state_step_clear(struct state_step *s);

#endif
