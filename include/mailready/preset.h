/* preset.h - mail provider presets, loaded from data/providers.json
 * (installed under $(datadir)/mailready/ so a user can update it).
 *
 * Every value in the file carries the documentation page it comes from
 * and the date it was checked; the loader refuses a value without them,
 * so nothing unsourced reaches a generated record. */
#ifndef MAILREADY_PRESET_H
#define MAILREADY_PRESET_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/rc.h"

enum preset_kind {
    PRESET_MAILBOX,     /* hosts the mailboxes: MX, SPF, DKIM */
    PRESET_SENDING,     /* sends for the domain only (SES, SendGrid...) */
    PRESET_OWN          /* the admin's own server */
};

struct preset_mx {
    unsigned pref;
    char *host;             /* may be a template, see gen_mx_expand() */
};

struct preset_cname {
    char *selector;         /* "mte1" */
    char *target;           /* "dkim1.mandrillapp.com" */
};

struct preset {
    char *id;               /* "google" */
    char *name;             /* "Google Workspace" */
    enum preset_kind kind;
    char *guide;            /* URL of the provider's guide, or NULL */

    struct preset_mx *mx;   /* n_mx == 0: none known */
    size_t n_mx;
    bool mx_tenant_specific;    /* the MX host differs per tenant */
    char *mx_note;          /* English, from the file; or NULL */

    char *spf_include;      /* NULL: none known */
    unsigned spf_lookups;   /* 0: unknown */
    bool spf_at_apex;       /* false: goes on the provider's bounce
                             * domain, not in the domain's own SPF */

    char **dkim_selectors;  /* known selector names (may be 0) */
    size_t n_dkim_selectors;
    bool dkim_cname;        /* the provider hosts the key (CNAMEs) */
    struct preset_cname *dkim_cnames;   /* fixed CNAMEs publishable as is */
    size_t n_dkim_cnames;
    char *dkim_target;      /* how the CNAME targets look, or NULL */
    char *dkim_console;     /* where the console shows the DKIM value */
    char *dkim_note;

    char **unknown;         /* what the file says it could not source */
    size_t n_unknown;
    char **notes;           /* free notes (the "own" preset) */
    size_t n_notes;
};

struct preset_list {
    struct preset *v;
    size_t n;
};

/* Load presets from a file (a regular file of at most 1 MiB) / from JSON
 * text.  On failure *out is NULL and *err (may be NULL; release with
 * rc_err_fini(); worded by present_err()) names the file and quotes the
 * loader's technical detail: which provider and field (e.g. "google: mx:
 * no source").  *out: caller frees with preset_list_free(). */
enum rc preset_load(const char *path, struct preset_list **out,
                    struct rc_err *err);
enum rc preset_load_text(const char *json, struct preset_list **out,
                         struct rc_err *err);
void preset_list_free(struct preset_list *l);

/* The preset with that id (case-insensitive), borrowed; NULL if none. */
const struct preset *preset_find(const struct preset_list *l,
                                 const char *id);

/* DATADIR/providers.json.  Caller frees. */
char *preset_path(const char *datadir);

#endif
