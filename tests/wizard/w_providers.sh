# Several services at once: a mailbox provider and a sending service,
# marked with the space bar; the steps show the records of both (the same
# plan as `mailready export`).
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start wizard-bad.test "${WZ_ZONES[@]}"
screen_has "the provider question" "Who handles mail for this domain"
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do tm_send Up; done
screen_has "the first preset is highlighted" "> \[ \] Google Workspace"
tm_send Space
screen_has "space marks it" "> \[x\] Google Workspace"
for _ in 1 2 3 4 5 6; do tm_send Down; done
screen_has "down to Mandrill" "> \[ \] Mailchimp Transactional"
tm_send Space Enter
screen_has "on to MX" "Step 1: Mail servers"
tm_send NPage
screen_has "MX: Google's MX record" "Value: 1 smtp\.google\.com\."
tm_send 2 NPage NPage
screen_has "SPF: Google's include" "include:_spf\.google\.com"
tm_send 3 End
screen_has "DKIM: the providers' part" "Your provider's key"
screen_has "DKIM: Mandrill's CNAME" "mte1\._domainkey\.wizard-bad\.test"
tm_send b b b
screen_has "back at the question, the marks kept" "\[x\] Google Workspace"
screen_has "both marks" "\[x\] Mailchimp Transactional"
tm_send q
expect_true "q quits" wz_gone
expect_true "both providers saved" \
    grep -q '"mandrill"' "$T/state/wizard-bad.test.json"
