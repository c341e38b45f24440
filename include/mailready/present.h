/* present.h - words and sentences shared by the front ends (the CLI and
 * the wizard): what both show of the core's results, translated.  Front
 * end only (calls _()); the core never includes this header, and it
 * includes no cli_ or tui header, so either front end may use it without
 * reaching into the other. */
#ifndef MAILREADY_PRESENT_H
#define MAILREADY_PRESENT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "mailready/check.h"
#include "mailready/export.h"
#include "mailready/finding.h"
#include "mailready/rc.h"
#include "mailready/state.h"

/* An error in the admin's language: the translated detail of e with its
 * arguments made visible-safe, followed by ": " and strerror(errnum)
 * when it has one; rc_msgid(rc), translated, when e is NULL or holds no
 * detail.  Caller frees with free(). */
char *present_err(enum rc rc, const struct rc_err *e);

/* A finding's message, translated and formatted; caller frees. */
char *present_finding_message(const struct finding *f);
/* Why a plan change is proposed (plan.h), translated and formatted;
 * caller frees. */
struct plan_change;
char *present_plan_why(const struct plan_change *c);
/* "add"/"delete" in the admin's language. */
const char *present_plan_action(const struct plan_change *c);

/* The translated fix text of a finding id, or NULL if it has none. */
const char *present_finding_fix(const char *id);
/* "✔"/"[OK]"-style tag for a status, for the terminal or plain text. */
const char *present_status_tag(enum check_status st, bool utf8);
const char *present_sev_tag(enum sev s, bool utf8);
/* Whether stdout can take UTF-8 symbols and colour. */
bool present_utf8(void);
bool present_color(FILE *fp);

/* A record found by a check as display text, translated: a string record
 * as is, an SPF include tree (an object with "children") drawn as a tree,
 * another object by its "display".  NULL if there is nothing to show;
 * caller frees. */
char *present_record_text(const json_t *r);

/* What the authoritative view says of one name, translated and
 * visible-safe: the first line a sentence ("Published on both name
 * servers; this machine's resolver still caches the old answer for up
 * to 42 min."), then one line per server that does not give the
 * reference answer.  NULL when there is nothing to say (a zone file, an
 * authoritative resolver, no server found).  Caller frees. */
struct auth_view;
char *present_propagation(const struct auth_view *v);
/* The same, its first line led by "NAME TYPE: " when named (a step that
 * reads several names: the MX hosts' addresses, the PTR's host name), so
 * that each says which record it is about. */
char *present_propagation_named(const struct auth_view *v, bool named);
/* "42 min" / "30 s": how long at most, for the sentences above. */
char *present_duration(unsigned long s);

/* Translated word for a status: "OK", "warnings", "problems found",
 * "could not check". */
const char *present_status_word(enum check_status st);

/* What changed in one step between two saved states (sd from
 * state_diff(old_st, new_st)), as translated, visible-safe sentences
 * appended to out in order: the records' content ("The MX now points to
 * ..."), then each finding that appeared ("new: ..."), then each that is
 * gone ("gone: ...").  Never a bare finding id.  old_st may be NULL. */
void present_step_changes(const struct state_step_diff *sd,
                          const struct state *old_st,
                          const struct state *new_st, int step,
                          struct state_strs *out);

/* The translation table both front ends pass to export_render(): the
 * program's catalog and the words above. */
extern const struct export_tr present_export_tr;

/* Terminal columns of the first len bytes of the UTF-8 text s: an East
 * Asian wide or fullwidth character counts 2, a combining mark or other
 * zero-width character 0, a byte that is not valid UTF-8 1 (as its \xNN
 * escape starts).  wcwidth() where the locale knows the character, else
 * built-in ranges, so the C locale wraps the same way.  For the CLI's
 * word-wrap, and the wizard's (tui_widget.c). */
int present_width(const char *s, size_t len);

#endif
