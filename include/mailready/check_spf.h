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
 *
 * The include tree is bounded, so that hostile or broken DNS (one include
 * holding 199 includes of 200 includes each) cannot make the report or
 * the state file grow without end:
 *  - CHECK_SPF_TREE_MAX_NODES nodes in all, the root included.  Includes
 *    and redirects met once the tree is full are not added at all.
 *  - CHECK_SPF_TREE_MAX_DEPTH levels: a deeper include is a node with
 *    status "not_followed" (not fetched).
 *  - CHECK_SPF_TREE_MAX_TEXT bytes of record text, the root's record not
 *    counted: an included record that would pass it is neither kept nor
 *    followed (status "not_followed").
 * When any bound was reached the tree's JSON (the first record) has
 * "cut_at": the number of nodes it kept; its "total_lookups" and
 * "subtotal"s then count only the nodes kept (a lower bound), and the
 * lint covers only them.  So the tree's JSON stays under 2 MB whatever
 * DNS holds: the names and terms of the nodes are parts of the records
 * kept (at most 64 KiB for the root, 32 KiB for the rest), and each byte
 * is at most 5 once escaped (str_visible(), then JSON); the fan-out zone
 * of tests/zones (199 includes of 200) gives about 100 KB.  The verdicts
 * of --server-ip are not affected: check_host() has bounds of its own
 * (RFC 7208 §4.6.4).
 */
#ifndef MAILREADY_CHECK_SPF_H
#define MAILREADY_CHECK_SPF_H

#include "mailready/check.h"

#define CHECK_SPF_TREE_MAX_NODES 200
#define CHECK_SPF_TREE_MAX_DEPTH 20
#define CHECK_SPF_TREE_MAX_TEXT (32 * 1024)

extern const struct check_step_ops check_spf_ops;
extern const struct finding_info check_spf_findings[];

#endif
