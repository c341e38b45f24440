/* tui.h - the wizard: one poll() loop (tui.c), widgets (tui_widget.c) and
 * one screen per file (scr_*.c).  Frontend only: may include curses and
 * translate; owns no DNS or record logic (it calls the check runner, the
 * generators and the state store).
 *
 * A screen's draw() fills a struct tw_doc (styled, wrapped lines) and only
 * reads state; tui.c draws the header, the step list, the visible part of
 * the document (scrolling it) and the status line.  key() returns ACT_*
 * flags and tui.c acts on them. */
#ifndef MAILREADY_TUI_H
#define MAILREADY_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <curses.h>

#include "mailready/check.h"
#include "mailready/check_intent.h"
#include "mailready/plan.h"
#include "mailready/cli.h"
#include "mailready/export.h"
#include "mailready/http.h"
#include "mailready/preset.h"
#include "mailready/state.h"

/* ---- widgets (tui_widget.c) ------------------------------------------ */

enum tui_style {
    TS_NORMAL,
    TS_BOLD,
    TS_TITLE,
    TS_OK,
    TS_WARN,
    TS_FAIL,
    TS_ERROR,       /* could not check */
    TS_INFO,
    TS_RECORD,      /* a record to publish or found in DNS */
    TS_DIM,
    TS_SEL,         /* selected menu entry */
    TS_FIELD,       /* an input field */
    TS_KEY,         /* a key name in the status line */
    TS__COUNT
};

/* A piece of a line drawn at column col in one style. */
struct tw_seg {
    int col;
    enum tui_style style;
    char *text;                 /* visible-safe UTF-8, owned */
};

struct tw_line {
    struct tw_seg *segs;
    size_t n;
};

/* A document: what a screen shows in the body area, already wrapped to
 * width columns. */
struct tw_doc {
    struct tw_line *v;
    size_t n, cap;
    int width;
    int focus;                  /* a line to keep visible, or -1 */
    int cur_line, cur_col;      /* where the cursor goes, or -1 */
};

void tw_doc_init(struct tw_doc *d, int width);
void tw_doc_fini(struct tw_doc *d);
void tw_doc_reset(struct tw_doc *d, int width);

/* Columns the UTF-8 string takes on screen (wcwidth; invalid bytes and
 * control characters count as one column each). */
int tw_width(const char *s);
/* Bytes of the start of s that fit in cols columns. */
size_t tw_fit(const char *s, int cols);

/* A paragraph, word-wrapped to the document width starting at column
 * indent; words longer than a line are broken between characters (never
 * cut).  '\n' starts a new line.  Text is made visible-safe. */
void tw_text(struct tw_doc *d, enum tui_style st, int indent,
             const char *text);
/* Like tw_text, with sym (in its own style) before the first line and
 * the continuation lines indented under the text. */
void tw_item(struct tw_doc *d, const char *sym, enum tui_style symst,
             enum tui_style st, int indent, const char *text);
/* A record value: wrapped like tw_text but keeping every byte (a long
 * value is broken between characters, spaces kept). */
void tw_record(struct tw_doc *d, int indent, const char *text);
void tw_blank(struct tw_doc *d);
/* A menu: one entry per line, the selected one highlighted and kept in
 * view. */
void tw_menu(struct tw_doc *d, int indent, const char *const *items,
             size_t n, size_t sel);

/* A one-line text editor (UTF-8). */
#define TW_EDIT_MAX 512
struct tw_edit {
    char buf[TW_EDIT_MAX];
    size_t len;                 /* bytes */
    size_t cur;                 /* byte offset of the cursor */
};

void tw_edit_set(struct tw_edit *e, const char *s);
/* Handle an editing key (see TK_* below); true if it was used. */
bool tw_edit_key(struct tw_edit *e, int key);
/* A labelled input field; when focused the cursor is placed in it. */
void tw_field(struct tw_doc *d, int indent, const char *label,
              const struct tw_edit *e, bool focused);

/* A frame of the "working" spinner. */
const char *tw_spinner(unsigned tick, bool utf8);

/* ---- keys ------------------------------------------------------------ */

/* Keys are Unicode code points; curses function keys are TK_FN(KEY_...). */
#define TK_FN(k) (0x110000 + (int)(k))
#define TK_CTRL(c) ((c) & 0x1f)
#define TK_ENTER '\n'
#define TK_ESC 0x1b
#define TK_TAB '\t'

/* What a key did; tui.c acts on the flags. */
enum {
    ACT_NONE = 0,               /* not used: try the global keys */
    ACT_USED = 1 << 0,          /* used, nothing else to do */
    ACT_REDRAW = 1 << 1,
    ACT_NEXT = 1 << 2,
    ACT_BACK = 1 << 3,
    ACT_QUIT = 1 << 4,
    ACT_RECHECK = 1 << 5,       /* check DNS again (fresh resolver) */
    ACT_HELP = 1 << 6,
    ACT_LANG = 1 << 7,          /* switch es/en */
    ACT_SAVE = 1 << 8,          /* answers changed: save the state */
    ACT_CHANGES = 1 << 9,       /* show what changed since last time */
    ACT_COPY = 1 << 10,         /* print the screen unwrapped, to copy */
    ACT_STEPS = 1 << 11,        /* open (or close) the step list */
    ACT_GOTO = 1 << 12,         /* go to the screen in t->goto_scr */
    ACT_WAIT = 1 << 13,         /* wait on this step until the resolver
                                 * sees what the name servers publish
                                 * (again: stop waiting) */
    ACT_RESOLVER = 1 << 14      /* choose the DNS server to ask */
};

/* ---- screens ---------------------------------------------------------- */

enum scr_id {
    SCR_DOMAIN,
    SCR_PROVIDER,
    SCR_MX,
    SCR_SPF,
    SCR_DKIM,
    SCR_DMARC,
    SCR_PTR,
    SCR_SMTP,                   /* delivery: SMTP, TLS, MTA-STS */
    SCR_SUMMARY,
    SCR_VERIFY,                 /* after the summary: a test message */
    SCR_CHANGES,                /* what changed since the last visit */
    SCR_STEPS,                  /* the list of steps, to jump to one */
    SCR_HELP,
    SCR_RESOLVER,               /* which DNS server the checks ask */
    SCR_COUNT
};

struct tui;

struct screen_ops {
    const char *id;             /* "mx": also the help topic */
    const char *title;          /* N_() */
    void (*enter)(struct tui *t);                   /* may be NULL */
    void (*draw)(const struct tui *t, struct tw_doc *d);
    unsigned (*key)(struct tui *t, int key);        /* may be NULL */
    void (*on_result)(struct tui *t);               /* may be NULL */
};

extern const struct screen_ops scr_domain_ops;
extern const struct screen_ops scr_provider_ops;
extern const struct screen_ops scr_mx_ops;
extern const struct screen_ops scr_spf_ops;
extern const struct screen_ops scr_dkim_ops;
extern const struct screen_ops scr_dmarc_ops;
extern const struct screen_ops scr_ptr_ops;
extern const struct screen_ops scr_smtp_ops;
extern const struct screen_ops scr_summary_ops;
extern const struct screen_ops scr_verify_ops;
extern const struct screen_ops scr_changes_ops;
extern const struct screen_ops scr_steps_ops;
extern const struct screen_ops scr_help_ops;
extern const struct screen_ops scr_resolver_ops;

/* Entries of the provider menu, at most (the presets, one's own server
 * twice, "other"). */
#define TUI_PROVIDER_ENTRIES 64

/* Per-screen interaction state (focus, menu selection, inputs). */
struct tui_scr_domain {
    struct tw_edit edit;
    const char *error;          /* N_() why the input was refused */
    char *last;                 /* the domain of the last visit (U-label,
                                 * offered in the field), or NULL */
};

struct tui_scr_provider {
    size_t sel;                 /* menu entry */
    bool marked[TUI_PROVIDER_ENTRIES];  /* entries marked (space bar) */
    int focus;                  /* 0 menu, 1 addresses, 2 host name */
    bool ask_detect;            /* asking before contacting the URL */
    struct tw_edit ips, host;
    const char *error;          /* N_() */
    char *error_arg;
};

struct tui_scr_dkim {
    int focus;                  /* 0 view, 1 type menu, 2 selector,
                                 * 3 a selector already in use */
    size_t type_sel;            /* 0 rsa 2048, 1 ed25519 */
    struct tw_edit selector;
    struct tw_edit existing;    /* the selector the admin signs with */
    const char *error;          /* N_() with one %s: error_arg */
    char *error_arg;
};

struct tui_scr_dmarc {
    int q;                      /* question in focus: 0 stage, 1 rua,
                                 * 2 subdomains, 3 alignment, -1 none */
    struct tw_edit rua;
    char rua_offered[256];      /* the domain whose report address was
                                 * filled in as dmarc@DOMAIN (once per
                                 * domain and run, so that an address the
                                 * admin clears stays cleared) */
};

struct tui_scr_resolver {
    size_t sel;                 /* menu entry */
    bool typing;                /* in the address field */
    struct tw_edit addr;
    const char *error;          /* N_() with one %s: the address */
    char chosen[TW_EDIT_MAX];   /* the address asked (com->resolvers[0]
                                 * points here) */
};

/* The verify screen (scr_verify.c owns it: scr_verify_fini()). */
struct tui_scr_verify {
    struct tw_edit path;
    struct dns *dns;            /* the run's own resolver, or NULL */
    struct verify *v;           /* the run, or NULL */
    bool running;               /* tui.c polls dns while set */
    char *error;                /* translated, or NULL */
    char *report;               /* the last run's report, or NULL */
    int status;                 /* its enum verify_status */
};

/* Free what the verify screen holds (tui_fini()). */
void scr_verify_fini(struct tui *t);

/* The wizard.  One owner: tui_init() and tui_fini() in tui.c. */
struct tui {
    struct cli_common *com;     /* borrowed from the caller */
    char *domain;               /* A-label, or NULL until asked */
    char *ulabel;
    struct state_answers given; /* what the command line answered: it
                                 * wins over the saved answers when a
                                 * domain's state is opened */
    bool ans_dirty;

    /* checks: a fresh resolver per run, so edited zone files are
     * re-read */
    struct check_opts opts;
    struct check_intent intent; /* opts.intent: the answers' setup */
    bool have_intent;
    struct plan_fetch *pfetch;  /* what is live where the answers'
                                 * records go, asked with the checks */
    struct export_plan ptarget; /* the target pfetch was asked for */
    bool have_ptarget;
    const struct plan_live *plive;  /* pfetch's records once the run
                                     * finished, or NULL */
    bool allow_weaker;          /* the admin confirmed a weaker record */
    bool smtp_on;               /* the Delivery screen was opened: the
                                 * runs connect to the mail servers too
                                 * (STEP_SMTP) */
    unsigned smtp_port;         /* --smtp-port, 0: 25 */
    unsigned https_port;        /* --https-port, 0: 443 */
    const char *ca_file;        /* --ca-file, or NULL */
    const char *opt_ips[STATE_MAX_SERVER_IPS];
    const char *opt_sels[STATE_MAX_SELECTORS];
    struct dns *dns;
    struct check_ctx ctx;
    bool have_ctx;              /* ctx initialised */
    bool running;
    bool checked;               /* a run finished */
    bool stale;                 /* answers changed since the run began */
    time_t checked_at;
    char *dns_err;              /* why the resolver could not be made */
    bool waiting;               /* ACT_WAIT: checking again until the
                                 * resolver agrees on wait_step */
    enum check_step wait_step;
    double wait_end, wait_next; /* monotonic seconds */

    /* the state store: answers and each step's last result */
    struct state *st;           /* never NULL: an empty state until a
                                 * domain is opened; st->answers are the
                                 * admin's answers, edited in place */
    struct state *old_st;       /* as found when the domain was opened */
    bool no_save;               /* the file could not be read: keep it */
    struct state_diff diff;     /* old_st -> the first run of this visit */
    bool have_diff;

    struct preset_list *presets;    /* provider presets, or NULL */

    /* the optional public-address detection (libcurl) */
    const char *ip_url;
    struct http *http[2];       /* requests in flight (over IPv4, over
                                 * IPv6), or NULL */
    bool detect_found;          /* one of them gave an address */
    char *detect_err;           /* why one failed (English, libcurl) */

    /* screens */
    enum scr_id cur;
    enum scr_id help_return;    /* screen to go back to from help */
    enum scr_id steps_return;   /* ... from the step list */
    enum scr_id goto_scr;       /* where ACT_GOTO goes */
    size_t steps_sel;           /* the step list's selected entry */
    int scroll;                 /* first visible line of the body */
    int last_rows;              /* rows at the last drawing */
    bool focus_seen;            /* the focus line was in view */
    bool had_focus;             /* the screen had a focus line */
    bool focus_follow;          /* a key acted: show the focus */
    unsigned tick;              /* spinner frame */
    bool utf8, color;
    int rows, cols;
    int status_rows;            /* rows the status line took */
    struct tui_scr_domain sd;
    struct tui_scr_provider sp;
    struct tui_scr_dkim sk;
    struct tui_scr_dmarc sm;
    struct tui_scr_verify sv;
    struct tui_scr_resolver sr;
    char *help_text;            /* loaded help for SCR_HELP */
    int help_topic;             /* SCR_HELP: -1 the screen's own topic,
                                 * else an index of i18n_help_topics */
    char **help_titles;         /* SCR_HELP: the titles of
                                 * i18n_help_topics, read by enter() */
    char *notice;               /* one-line message in the status area */
    bool copy_mode;             /* the screen is printed as plain text */
    char *checklist;            /* the checklist written in this run (the
                                 * text file), or NULL */
};

/* ---- tui.c services for screens -------------------------------------- */

/* Start a check run of every step with a fresh resolver (no-op while one
 * is running). */
void tui_recheck(struct tui *t);
/* The state of a step now: running, not checked, or the run's status. */
bool tui_step_known(const struct tui *t, enum check_step step);
/* true when the resolver agrees with the name servers on every name of
 * step (or nothing could be compared); *stale_s (may be NULL) gets the
 * longest time the resolver may keep an old answer. */
bool tui_step_settled(const struct tui *t, enum check_step step,
                      unsigned long *stale_s);
/* Monotonic seconds, for the wait's countdown. */
double tui_now(void);
enum check_status tui_step_status(const struct tui *t, enum check_step step);
const struct check_result *tui_result(const struct tui *t,
                                      enum check_step step);
/* Set the one-line notice (copied). */
void tui_notice(struct tui *t, const char *text);
/* Status symbol and style. */
const char *tui_status_sym(const struct tui *t, enum check_status st);
enum tui_style tui_status_style(enum check_status st);
/* The key list for the help screen, generated from the key table. */
void tui_keys_doc(struct tw_doc *d);

/* A finding in the wizard's words (tui_words.c): the core's text, except
 * where it names a command-line option, which a screen never does; then
 * the wizard's action instead.  tui_finding_message(): caller frees;
 * the others return translated static text, or NULL when the finding has
 * none. */
char *tui_finding_message(const struct finding *f);
const char *tui_finding_why(const char *id);
const char *tui_finding_fix(const char *id);

/* Shared step-screen parts (scr_step.c). */
void scr_step_intro(struct tw_doc *d, const char *text);
/* "Found in DNS" + the findings of step, or the spinner / could not
 * check / not checked. */
void scr_step_results(const struct tui *t, struct tw_doc *d,
                      enum check_step step);
/* What to publish: name, type and value, and the master-file line.
 * type is DNS_T_*; value is the rdata (TXT unquoted). */
void scr_publish(const struct tui *t, struct tw_doc *d, const char *owner,
                 uint16_t type, const char *value);
/* Open the state of t->domain: load the answers and the last results
 * (a file set aside or unreadable is said in the notice line). */
void tui_state_open(struct tui *t);
/* Offer the domain of the last visit on the domain screen: the newest
 * state file of the state directory (tui_run.c). */
void tui_last_domain(struct tui *t);
/* Print what to know after quitting, on the normal terminal: where the
 * progress is saved, the checklist if one was written, and the command
 * that checks again (tui_run.c). */
void tui_quit_summary(const struct tui *t, FILE *fp);
/* Save the answers and the last results (no-op without a domain). */
void tui_state_save(struct tui *t);
/* Ask t->ip_url for this machine's public address, in the background;
 * the answer is added to the provider screen's address field. */
/* The resolver options of the command line (--resolver, --zone-file,
 * --timeout...), for every resolver the wizard makes. */
void tui_dns_opts(const struct tui *t, struct dns_opts *o);
void tui_detect_start(struct tui *t);
/* A detection request is in flight. */
bool tui_detecting(const struct tui *t);
/* The chosen provider presets (the own server included), i = 0, 1, ...
 * until NULL. */
const struct preset *tui_preset_at(const struct tui *t, size_t i);
/* Whether the answers name this preset id ("own"...). */
bool tui_has_provider(const struct tui *t, const char *id);
/* What to publish, from the answers (the export's plan: the same records
 * as `mailready export` and `mailready records`).  Release with
 * export_plan_fini(). */
void tui_plan(const struct tui *t, struct export_plan *out);
/* The changes from what the last run found live to what the answers ask
 * (plan.h): false, with nothing to free, when no run has finished. */
bool tui_live_plan(const struct tui *t, const struct export_plan *target,
                   struct plan *out);
/* Show the plan's records and notes of a step (scr_step.c). */
void scr_plan_step(const struct tui *t, struct tw_doc *d,
                   const struct export_plan *plan, enum check_step step);
/* Update the answers' string (freeing the old one). */
void tui_set_str(char **dst, const char *s);

/* Set up t for the wizard (com is borrowed and must outlive t): no
 * domain, empty answers, the provider presets loaded.  Release with
 * tui_fini(), which frees everything t holds, a check still in flight
 * included. */
void tui_init(struct tui *t, struct cli_common *com);
void tui_fini(struct tui *t);

/* The run of checks in flight finished (tui.c's loop saw it): keep its
 * results in the state and save it (tui_run.c). */
void tui_run_finished(struct tui *t);
/* Drop the last run and its resolver (tui_run.c). */
void tui_run_drop(struct tui *t);
/* The address detection answered (or failed): add the address. */
void tui_detect_done(struct tui *t, int which);

/* Run the screens; t is set up by tui_init() and the caller (domain,
 * the answers given on the command line). */
int tui_run(struct tui *t);

#endif
