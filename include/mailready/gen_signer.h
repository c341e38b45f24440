/* gen_signer.h - how to sign with a DKIM key made by mailready: the
 * labelled steps of the signer setup (OpenDKIM or rspamd, and Postfix),
 * one list that `mailready keygen` prints and the wizard's DKIM screen
 * shows.  Core: the labels are msgids (N_()) that the front ends
 * translate; nothing here prints or draws. */
#ifndef MAILREADY_GEN_SIGNER_H
#define MAILREADY_GEN_SIGNER_H

#include <stddef.h>

#include "mailready/gen_dkim.h"

/* What the lines of a step are. */
enum gen_signer_kind {
    GEN_SIGNER_NOTE,        /* a sentence only, no lines */
    GEN_SIGNER_COMMAND,     /* a shell command to run as root; its
                             * continuation lines end in " \" */
    GEN_SIGNER_SETTINGS,    /* settings to put in a configuration file */
    GEN_SIGNER_TABLE        /* whole lines of a table or block file, as
                             * the signer reads them */
};

struct gen_signer_step {
    enum gen_signer_kind kind;
    const char *label;      /* msgid (N_()), static: translate with _() */
    char **lines;           /* the text to copy, one string per line,
                             * no '\n'; NULL for a note */
    size_t n_lines;
};

struct gen_signer_guide {
    struct gen_signer_step *v;
    size_t n;
};

/* The steps to sign mail of domain (an A-label) with the key of
 * selector (valid per gen_dkim_selector_ok()) kept in key_path (an
 * absolute path) of the given type, in order: a note that says what
 * follows; for OpenDKIM the install command that copies the key where
 * only the opendkim user reads it, the KeyTable line, the SigningTable
 * line (read with refile:), the opendkim.conf settings, the Postfix
 * milter settings; for rspamd the same (install, the dkim_signing.conf
 * block, the milter settings), or for an Ed25519 key a note that rspamd
 * cannot read it in PEM form; last, the note that Postfix's myhostname
 * should be the name in the PTR record.  key_path is single-quoted in
 * the command when it holds anything but letters, digits and
 * "/._+-@,=%" (the other lines never name it).  The guide is filled in
 * *g; free it with gen_signer_guide_fini(). */
void gen_signer_guide_init(struct gen_signer_guide *g, const char *domain,
                           const char *selector, const char *key_path,
                           enum gen_dkim_type type);
void gen_signer_guide_fini(struct gen_signer_guide *g);

#endif
