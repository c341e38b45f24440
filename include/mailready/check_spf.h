/* check_spf.h - the SPF step of `mailready check`: the lint of the
 * domain's record and of every record it includes, the include tree, and
 * for each --server-ip the verdict of check_host() (spf_eval.h).
 *
 * The step is driven by check.c through check_spf_ops: start() sends the
 * queries and returns, finish() turns the answers into findings and into
 * the records of the step's struct check_result (the include tree as its
 * first record, then one record per --server-ip).  The step's state is
 * owned by the struct check_ctx and freed by free_state(), also with
 * queries in flight (their answers are then dropped).
 */
#ifndef MAILREADY_CHECK_SPF_H
#define MAILREADY_CHECK_SPF_H

#include "mailready/check.h"

extern const struct check_step_ops check_spf_ops;
extern const struct finding_info check_spf_findings[];

#endif
