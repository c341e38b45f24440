# Mailboxes at a provider, newsletters from one's own server: the entry
# for a server that only sends gives the provider's MX alone and an SPF
# record with the provider's include and the server's address (no "both
# receive mail"); the choice is saved and shown again.
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start wizard-bad.test "${WZ_ZONES[@]}"
screen_has "the provider question" "Who handles mail for this domain"
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13; do tm_send Up; done
tm_send Space
screen_has "Google Workspace marked" "> \[x\] Google Workspace"
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13; do tm_send Down; done
tm_send Up
screen_has "the own server that only sends" \
    "> \[ \] My own server, which only sends"
tm_send Space
screen_has "marked" "> \[x\] My own server, which only sends"
tm_send Up Space
screen_has "the receiving own server excludes the sending one" \
    "\[ \] My own server, which only sends"
tm_send Down Space
screen_has "and back" "\[ \] My own mail server"
tm_send Enter
screen_has "own server: the address field" "public IP addresses"
tm_send "185.117.82.26" Enter "news.wizard-bad.test" Enter
screen_has "step 1 is MX" "Step 1: Mail servers"
tm_send NPage
screen_has "MX: Google's MX record" "Value: 1 smtp\.google\.com\."
screen_lacks "no conflict" "both receive mail"
screen_lacks "no MX for the own server" "MX +10 news"
tm_send 2 NPage NPage
screen_has "SPF: the provider's include and the server's address" \
    "v=spf1 ip4:185\.117\.82\.26 include:_spf\.google\.com ~all"
tm_send q
expect_true "q quits" wz_gone
expect_true "the choice is saved" \
    grep -q '"own_send_only": true' "$T/state/wizard-bad.test.json"

wz_start wizard-bad.test "${WZ_ZONES[@]}"
screen_has "back again" "Step|Welcome"
for _ in 1 2 3 4 5 6 7; do
    tm_wait_for "Who handles mail" 1 > /dev/null && break
    tm_send b
done
screen_has "the provider question again" "Who handles mail for this domain"
screen_has "the sending-only entry is still marked" \
    "\[x\] My own server, which only sends"
tm_send q
expect_true "q quits" wz_gone
