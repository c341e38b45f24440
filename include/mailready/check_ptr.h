/* check_ptr.h - the PTR step: reverse DNS of the mail servers, forward
 * confirmation (FCrDNS), host name match, generic-looking names. */
#ifndef MAILREADY_CHECK_PTR_H
#define MAILREADY_CHECK_PTR_H

#include <stdbool.h>

#include "mailready/check.h"
#include "mailready/net.h"

extern const struct check_step_ops check_ptr_ops;
extern const struct finding_info check_ptr_findings[];

/* true if name looks like an ISP's generic or dynamic PTR name rather
 * than a mail server's own: the address embedded in it (dotted, dashed,
 * zero-padded, reversed, hex), or words such as dynamic, dsl, pool, dhcp,
 * customer, cable, ppp.  ip may be NULL (words only).  *why (optional)
 * gets a short English tag of the rule that matched, for tests. */
bool check_ptr_looks_generic(const char *name, const struct ipaddr *ip,
                             const char **why);

#endif
