/* check_intent.h - does what is live match what the admin declared?
 *
 * The steps judge records by the RFCs; these checks judge them against the
 * admin's answers (the wizard's or the saved ones): the MX hosts reach
 * the declared server or provider (MX_NOT_DECLARED_SERVER), the SPF
 * record names every declared provider (SPF_DECLARED_SENDER_NOT_AUTHORIZED;
 * declared addresses are judged by the spf step's own verdicts,
 * SPF_SERVER_NOT_AUTHORIZED), and a declared server address can be seen
 * from the Internet (SERVER_IP_NOT_PUBLIC).  The runner applies them after
 * the steps' finish hooks when check_opts.intent is set. */
#ifndef MAILREADY_CHECK_INTENT_H
#define MAILREADY_CHECK_INTENT_H

#include <stddef.h>

#include "mailready/check.h"
#include "mailready/finding.h"
#include "mailready/preset.h"
#include "mailready/state.h"

struct check_intent {
    char **mx_hosts;            /* MX hosts the domain should use */
    size_t n_mx_hosts;
    char **mx_suffixes;         /* per-tenant provider hosts: the fixed
                                 * end of the name (".mail.protection.
                                 * outlook.com") */
    size_t n_mx_suffixes;
    char **mx_ips;              /* one's own server that receives */
    size_t n_mx_ips;
    char **includes;            /* providers' SPF include domains */
    char **include_names;       /* their provider names, same order */
    size_t n_includes;
    char **ips;                 /* every declared server address */
    size_t n_ips;
    char *declared;             /* the declared MX side, for messages */
};

/* What a's answers declare for domain (presets may be NULL: providers
 * are then not known).  Release with check_intent_fini(). */
void check_intent_build(struct check_intent *ci, const char *domain,
                        const struct state_answers *a,
                        const struct preset_list *presets);
void check_intent_fini(struct check_intent *ci);

/* Add the intent findings to ctx's results (check.c calls it). */
void check_intent_apply(struct check_ctx *ctx,
                        const struct check_intent *ci);

extern const struct finding_info check_intent_findings[];

#endif
