/* gen_records.h - every record a domain needs, from the providers the
 * admin uses and a few answers: MX (or a null MX), SPF, provider DKIM
 * CNAMEs, DMARC, the A/AAAA of one's own mail host, plus what the admin
 * must still do by hand (notes) and the PTR requests to send.  Pure: no
 * I/O.  Shared by `mailready records` and the wizard. */
#ifndef MAILREADY_GEN_RECORDS_H
#define MAILREADY_GEN_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/finding.h"
#include "mailready/gen.h"
#include "mailready/gen_dmarc.h"
#include "mailready/gen_ptr.h"
#include "mailready/gen_spf.h"
#include "mailready/preset.h"

struct gen_records_opts {
    const char *domain;                     /* A-label, normalised */
    const struct preset *const *presets;    /* --provider, in order */
    size_t n_presets;
    const char *mx_host;                    /* --mx-host, or NULL */
    const char *const *ips;                 /* --ip (own server) */
    size_t n_ips;
    bool dmarc_stage_set;                   /* else: none, or reject for
                                             * a domain without mail */
    enum gen_dmarc_policy dmarc_p;
    enum gen_dmarc_policy dmarc_sp;         /* GEN_DMARC_INHERIT */
    bool dmarc_strict;                      /* adkim=s; aspf=s */
    const char *const *rua;
    size_t n_rua;
    bool spf_hard_fail;                     /* -all instead of ~all */
    bool own_send_only;                     /* one's own server (the
                                             * "own" preset, ips) only
                                             * sends: the MX comes from
                                             * the mailbox provider, the
                                             * SPF gets the provider's
                                             * include and ips */
    const char *send_host;                  /* with own_send_only: the
                                             * sending server's host name
                                             * (HELO), for its A/AAAA and
                                             * PTR requests; or NULL */
};

struct gen_records {
    struct gen_rrs rrs;         /* to publish in the domain's zone */
    struct gen_rrs external;    /* to publish elsewhere (DMARC report
                                 * authorization at the destination) */
    struct findings notes;      /* N_() notes: what is left to do (GEN_*
                                 * ids; not check findings, not in the
                                 * catalog of mailready explain).  On
                                 * failure the SEV_FAIL note says why. */
    struct gen_ptr_request **ptr;   /* PTR requests, one per --ip */
    size_t n_ptr;
    unsigned spf_lookups;
    bool spf_lookups_exact;
    bool no_mail;               /* neither sends nor receives */
};

/* Build the records.  Returns RC_OK, RC_INVALID (input that cannot be
 * used) or RC_TOOLONG (SPF over 10 lookups); on failure a SEV_FAIL note
 * says why and what to change.  out is filled in every case; release it
 * with gen_records_fini(). */
enum rc gen_records_build(const struct gen_records_opts *o,
                          struct gen_records *out);
void gen_records_fini(struct gen_records *r);


#endif
