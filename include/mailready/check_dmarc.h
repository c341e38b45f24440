/* check_dmarc.h - the DMARC step (RFC 9989 with its DNS Tree Walk;
 * report authorization per RFC 9990 / RFC 7489 §7.1). */
#ifndef MAILREADY_CHECK_DMARC_H
#define MAILREADY_CHECK_DMARC_H

#include "mailready/check.h"

extern const struct check_step_ops check_dmarc_ops;
extern const struct finding_info check_dmarc_findings[];

#endif
