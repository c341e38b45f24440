/* export.h - the printable checklist of `mailready export` and of the
 * wizard's summary: the records a domain should publish, as the admin's
 * answers imply them (provider presets, sending addresses, host name,
 * DKIM key files, DMARC choices); the master-file and DNS-panel forms of
 * a record; the checklist document and its renderers (plain text,
 * Markdown, HTML, zone snippet); and writing it to a file.
 *
 * Core: no translation.  Notes are N_() msgids with string arguments.
 *
 * How the checklist gets into the admin's language: the document
 * (struct export_doc) holds only data and N_() msgids; export_render()
 * takes a small table of the front end's translation functions (struct
 * export_tr: gettext, ngettext, a finding's message, status words and
 * tags) and calls it for every sentence while it walks the document.
 * The walk is one function for every format: it puts each sentence
 * together, translated, and hands the finished text to the format's
 * emitter (an ops table per format), which only lays it out and escapes
 * it; so every format says every item, and none translates. */
#ifndef MAILREADY_EXPORT_H
#define MAILREADY_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/check.h"
#include "mailready/finding.h"
#include "mailready/gen.h"
#include "mailready/preset.h"
#include "mailready/rc.h"
#include "mailready/state.h"

/* TTL suggested for new records: an hour, short enough to correct a
 * mistake the same day. */
#define EXPORT_TTL 3600

/* Longest string per line in the zone snippet, so that it fits 80
 * columns; resolvers join the strings of a TXT record. */
#define EXPORT_ZONE_CHUNK 60
#define EXPORT_ZONE_WIDTH 78

struct export_plan {
    struct gen_rrs rrs[STEP_COUNT];         /* for the domain's own zone */
    struct gen_rrs elsewhere[STEP_COUNT];   /* published by someone else:
                                             * PTR by the owner of the
                                             * address, DMARC report
                                             * authorisation by the report
                                             * address's domain */
    struct findings notes[STEP_COUNT];      /* what is left to do by hand:
                                             * the generators' GEN_* notes
                                             * and EXPORT_* ones; N_()
                                             * msgids, not in the finding
                                             * catalog */
    unsigned ttl;
    /* MTA-STS and TLS-RPT (STEP_SMTP), when the answers ask for them:
     * the policy file to serve (gen_mtasts.h), or NULL; its records are
     * in rrs[STEP_SMTP]. */
    bool sts_asked;                         /* answers->mta_sts is set */
    int sts_mode;                           /* enum mtasts_mode */
    char *sts_policy;
    char *tls_rua;                          /* answers->tls_rua, or NULL */
};

/* Build the plan for domain (A-label) from the answers, with the record
 * assembly of gen_records.c (providers, addresses, mail host, DMARC
 * choices) and the DKIM records of the saved key files.  presets may be
 * NULL (no provider is then known).  Answers that say nothing about the
 * mail setup give no records (never a guessed null MX), only notes.
 * Never fails: what cannot be built becomes a note.  Release with
 * export_plan_fini(). */
void export_plan_build(const char *domain, const struct state_answers *a,
                       const struct preset_list *presets,
                       struct export_plan *out);
void export_plan_fini(struct export_plan *p);

/* The owner relative to domain, as DNS panels want it: "@" for the apex,
 * "_dmarc" for _dmarc.DOMAIN; a name outside domain stays absolute with
 * a trailing dot.  Caller frees. */
char *export_relative_name(const char *owner, const char *domain);

/* The record in master-file form, "OWNER. TTL IN TYPE RDATA".  When that
 * line is longer than EXPORT_ZONE_WIDTH, TXT data is split into strings
 * of at most chunk bytes inside parentheses, one string a line indented
 * by indent spaces, so that the snippet fits a page (chunk <=
 * GEN_TXT_CHUNK).  Caller frees. */
char *export_zone_record(const struct gen_rr *rr, unsigned ttl,
                         size_t chunk, int indent);

/* TXT data as DNS panels take it when it is longer than 255 bytes: the
 * strings of at most 255 bytes, each quoted (gen_txt_quote()).  Returns
 * how many (0, *out NULL, when the data fits one string); caller frees
 * with export_chunks_free(). */
size_t export_panel_split(const char *txt, char ***out);
void export_chunks_free(char **v, size_t n);

/* ---- the checklist ------------------------------------------------------ */

enum export_format {
    EXPORT_TXT,         /* plain text, 78 columns */
    EXPORT_MD,          /* GitHub-flavoured Markdown */
    EXPORT_HTML,        /* one self-contained page, for printing */
    EXPORT_ZONE         /* the zone snippet alone (master-file form) */
};

/* "txt" (or "text"), "md" (or "markdown"), "html", "zone" -> *out (may
 * be NULL, to test a name).  false for any other name. */
bool export_format_parse(const char *name, enum export_format *out);

/* One step of the checklist.  Borrowed pointers into the state and the
 * plan the document was built from. */
struct export_item {
    enum check_step step;
    const char *title;          /* N_() msgid of the step's title (its
                                 * name when it has no check) */
    bool present;               /* the state has a result for it */
    enum check_status st;       /* ST_ERROR when not present */
    long long checked_at, first_passed_at;
    const struct state_step *saved;     /* the findings */
    const struct findings *notes;       /* what is left to do by hand;
                                         * NULL when the step passes */
    const struct gen_rrs *rrs;          /* to publish, NULL if none */
    const struct gen_rrs *elsewhere;    /* published by others, or NULL */
    bool planned;               /* checked against what is live: deletes
                                 * and adds replace rrs (plan.h) */
    const struct gen_rrs *deletes;      /* to delete, NULL if none */
    const struct gen_rrs *adds;         /* to add, NULL if none */
};

/* The checklist: built once from a state (the latest results) and the
 * plan of its answers, rendered in any format.  It borrows both: they
 * must outlive it.  Strings are data (names, records) or N_() msgids. */
struct export_doc {
    const char *domain;         /* A-label */
    const char *shown;          /* U-label if different, else domain */
    long long made_at;          /* epoch seconds */
    bool from_saved;            /* the state was not checked just now */
    long long state_at;         /* when the state was last checked */
    unsigned ttl;
    enum check_status overall;  /* ST_ERROR when a step was not checked */
    struct export_item items[STEP_COUNT];
    size_t n;
};

/* Build doc over st and plan (export_plan_build() of st's answers, or
 * the wizard's own) for alabel (ulabel NULL: the same).  made_at is the
 * date written in the heading.  Every step is an item, checked or not;
 * a step that passes gets no notes and no records.  Never fails;
 * nothing to free (the document only borrows). */
struct plan;
/* live (may be NULL) is the plan from what is live to plan (plan.h): the
 * items then list its deletes and adds, or "Nothing to publish". */
void export_doc_build(struct export_doc *doc, const struct state *st,
                      const struct export_plan *plan,
                      const struct plan *live, const char *alabel,
                      const char *ulabel, bool from_saved,
                      long long made_at);

/* What the core needs from a front end to write the checklist in the
 * admin's language (see the top of this file).  Every member is
 * required.  The front ends share one: present_export_tr (present.h). */
struct export_tr {
    /* gettext() and ngettext() of the program's catalog (not named so:
     * <libintl.h> may define those names as macros). */
    const char *(*gettext_fn)(const char *msgid);
    const char *(*ngettext_fn)(const char *msgid, const char *plural,
                               unsigned long n);
    /* A finding's message, translated and formatted; caller frees. */
    char *(*finding_message)(const struct finding *f);
    /* "OK", "warnings", ... translated. */
    const char *(*status_word)(enum check_status st);
    /* "✔" or "[ok]" for a status or a severity (never translated). */
    const char *(*status_tag)(enum check_status st, bool utf8);
    const char *(*sev_tag)(enum sev s, bool utf8);
};

/* The checklist doc in format fmt, in the language of tr.  utf8: plain
 * text and the zone snippet may use UTF-8 symbols (the other formats
 * always do).  Text from DNS is escaped for the format: nothing in it
 * becomes markup, and in Markdown an address or URL is written as code,
 * never as a link.  Caller frees. */
char *export_render(const struct export_doc *doc, enum export_format fmt,
                    const struct export_tr *tr, bool utf8);

/* Write len bytes of data to path, for `export -o`:
 *  - a path that does not exist is created (mode 0666 less the umask);
 *  - an existing regular file is replaced atomically
 *    (state_write_file()) and keeps its permission bits;
 *  - a symbolic link is followed: the file it points to is written as
 *    above and the link stays; a dangling link is refused (ENOENT);
 *  - a character device (/dev/null, a terminal) or a named pipe is
 *    written in place, never replaced (a pipe waits for its reader, as
 *    the shell's > does);
 *  - anything else (a directory, a block device, a socket) is refused.
 * On failure *err (may be NULL) holds the detail: the path, and the
 * errno when there is one (rc.h); the front end translates it. */
enum rc export_write(const char *path, const char *data, size_t len,
                     struct rc_err *err);

#endif
