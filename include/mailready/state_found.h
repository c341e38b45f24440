/* state_found.h - what a step found, in a normalised form the state
 * keeps between runs, and the difference between two of them in words
 * (msgids and arguments: the front ends translate).
 *
 * The form, one JSON object per step:
 *   mx     {"mx":    [{"host": "mail.example.com", "preference": 10}]}
 *   spf    {"spf":   ["v=spf1 mx -all"]}
 *   dkim   {"dkim":  [{"selector": "s1", "record": "v=DKIM1; k=..."}]}
 *   dmarc  {"dmarc": ["v=DMARC1; p=none; rua=mailto:d@example.com"]}
 *   ptr    {"ptr":   [{"address": "192.0.2.1",
 *                      "names": ["mail.example.com"]}]}
 * Lists are sorted and bounded (STATE_FOUND_MAX entries, strings of at
 * most STATE_FOUND_MAX_STR bytes: longer ones are left out).  The text
 * comes from the checks' records, already visible-safe.
 *
 * Core module: no translation, no terminal output.
 */
#ifndef MAILREADY_STATE_FOUND_H
#define MAILREADY_STATE_FOUND_H

#include <jansson.h>

#include "mailready/check.h"
#include "mailready/finding.h"

#define STATE_FOUND_MAX 64
#define STATE_FOUND_MAX_STR 4096

/* The normalised content of a step's records (check_result.records, or
 * the records a state file kept).  Never NULL; caller owns the
 * reference (json_decref()). */
json_t *state_found_from_records(enum check_step step,
                                 const json_t *records);

/* Whether j has the form above for step (types and bounds; the state
 * loader refuses a file where it does not). */
bool state_found_ok(enum check_step step, const json_t *j);

/* A change in the records, in words.  Not a finding of a check: it has
 * no catalog entry and is never explained; its sentence is the whole
 * message. */
#define STATE_NOTE_MAX_ARGS 3
struct state_note {
    const char *id;                 /* static, "CHANGE_MX_REPLACED" */
    const char *msgid;              /* N_() format, %s or %1$s only */
    char *args[STATE_NOTE_MAX_ARGS];    /* owned; the records' text */
    int nargs;
};

struct state_notes {
    struct state_note *v;
    size_t n;
};

/* Free the notes and empty l (a zeroed list needs no init). */
void state_notes_fini(struct state_notes *l);

/* A note as a struct finding (SEV_INFO, pointers borrowed from n), for
 * the front ends' message rendering. */
void state_note_view(const struct state_note *n, struct finding *out);

/* Append to out one note per change from old_found to new_found (ids
 * "CHANGE_<STEP>_<WHAT>", English msgid, the records' text as
 * arguments), in a fixed order.  Nothing when they say the same. */
void state_found_diff(enum check_step step, const json_t *old_found,
                      const json_t *new_found, struct state_notes *out);

#endif
