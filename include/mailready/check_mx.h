/* check_mx.h - the MX step (RFC 5321 §5.1, null MX RFC 7505). */
#ifndef MAILREADY_CHECK_MX_H
#define MAILREADY_CHECK_MX_H

#include "mailready/check.h"

extern const struct check_step_ops check_mx_ops;
extern const struct finding_info check_mx_findings[];

#endif
