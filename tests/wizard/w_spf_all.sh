# The SPF ending: ~all by default (explained as the safe choice while
# testing), -all on ←/→; the choice is saved with the answers, so the
# export and the next run use it.
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start wizard-bad.test "${WZ_ZONES[@]}"
screen_has "the provider question" "Who handles mail for this domain"
screen_has "the own server entry, chosen" "> \[ \] My own mail server"
tm_send Enter
screen_has "own server: the address field" "public IP addresses"
tm_send "185.117.82.26" Enter "server.wizard-bad.test" Enter
screen_has "step 1 is MX" "Step 1: Mail servers"
tm_send 2
screen_has "step 2 is SPF" "Step 2: Allowed senders"
tm_send NPage
screen_has "the question in plain words" \
    "What should receivers do with mail from a server that is not on"
screen_has "~all is the default" "mark it as suspicious, but deliver it \(~all\)"
screen_has "why ~all while testing" "Best while you test"
tm_send End
screen_has "the record ends in ~all" "v=spf1 ip4:185\.117\.82\.26 ~all"
tm_send Right
screen_has "-all chosen" "refuse it \(-all\)"
screen_has "what -all means" "Mail from any server you forgot to list is refused"
tm_send End
screen_has "the record ends in -all" "v=spf1 ip4:185\.117\.82\.26 -all"
screen_has "the advice names the ending" "before the -all"
tm_send q
expect_true "q quits" wz_gone
expect_true "the ending is saved" \
    grep -q '"spf_hard_fail": true' "$T/state/wizard-bad.test.json"

# The export reads the saved answers.
mr_run export wizard-bad.test --offline --state-dir "$T/state"
expect_rc 0 "export: exit 0"
expect_grep 'v=spf1 ip4:185\.117\.82\.26 -all' "$T/out" \
    "export: the SPF record ends in -all"

# The next run shows the choice again.
wz_start wizard-bad.test "${WZ_ZONES[@]}"
screen_has "back again" "Step|Welcome"
tm_send 2
screen_has "SPF again" "Step 2: Allowed senders"
tm_send NPage
screen_has "-all still chosen" "refuse it \(-all\)"
tm_send Left
screen_has "and back to ~all" "mark it as suspicious, but deliver it \(~all\)"
tm_send q
expect_true "q quits" wz_gone
expect_true "~all saved" \
    grep -q '"spf_hard_fail": false' "$T/state/wizard-bad.test.json"
