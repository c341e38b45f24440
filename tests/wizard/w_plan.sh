# The wizard shows the plan from what is live (issue 12): a step whose
# records already meet the answers says "Nothing to publish"; two SPF
# records become one merged record, deletions first, nothing dropped.
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start plan-spf2.test "${WZ_ZONES[@]}" \
    --zone-file "$TOP/tests/plan/plan-spf2.test.zone" \
    --server-ip 81.7.12.34 --hostname mail.plan-spf2.test
screen_has "starts at MX" "Step 1: Mail servers"
screen_has "MX: the live MX meets the answers: nothing to publish" \
    "Nothing to publish: what is published already meets"
tm_send n
screen_has "SPF: two records" "2 SPF records"
tm_send NPage
screen_has "SPF: changes, deletions first" \
    "Make these changes in your zone, deletions first"
screen_has "SPF: the old records are deleted" "Delete:"
tm_send NPage
screen_has "SPF: the merged record keeps the include and -all" \
    "v=spf1 include:_spf\.plan-spf2\.test mx ip4:81\.7\.12\.34 -all"
screen_lacks "SPF: no ~all in the merged record" \
    "ip4:81\.7\.12\.34 ~all"
tm_send q
expect_true "q quits with status 0" wz_gone 0

# A published p=reject with rua: the wizard's "none" is not followed
# unless the admin confirms (w); the rua and adkim=s are always kept.
wz_start plan-weak.test "${WZ_ZONES[@]}" \
    --zone-file "$TOP/tests/plan/plan-weak.test.zone" \
    --server-ip 81.7.12.34 --hostname mail.plan-weak.test
screen_has "weak: starts at MX" "Step 1: Mail servers"
tm_send 4
screen_has "weak: 4 goes to DMARC" "Step 4:"
tm_send Right Left
tm_send NPage
tm_send NPage
screen_has "weak: an explicit none is refused, and the wizard asks" \
    "Press w to"
screen_lacks "weak: no change while refused" "Make this change"
tm_send w
tm_send NPage
tm_send NPage
screen_has "weak: w follows the answer" "Press w to keep the"
screen_has "weak: the change lowers p only, keeps rua and adkim" \
    "p=none; adkim=s; rua=mailto:dmarc@plan-weak\.test"
tm_send q
expect_true "weak: q quits with status 0" wz_gone 0
