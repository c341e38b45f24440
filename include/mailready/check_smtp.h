/* check_smtp.h - the delivery step: every address of every MX host is
 * probed over SMTP (banner, EHLO, STARTTLS, the certificate) in parallel,
 * through dns_io_add(), so the one poll loop of the run drives it. */
#ifndef MAILREADY_CHECK_SMTP_H
#define MAILREADY_CHECK_SMTP_H

#include "mailready/check.h"

extern const struct check_step_ops check_smtp_ops;
extern const struct finding_info check_smtp_findings[];

/* Days before expiry from which a certificate is reported as expiring. */
#define CHECK_SMTP_EXPIRY_WARN_DAYS 21

#endif
