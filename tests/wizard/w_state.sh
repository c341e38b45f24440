# Quitting and coming back loses nothing: the answers are kept, what
# changed is shown first, and the wizard goes on at the first step that
# is not done.
. "$TOP/tests/wizard/wiz-lib.sh"

mkdir -p "$T/z"
cp "$WZ_DIR"/*.zone "$T/z/"
wz_zones "$T/z"

wz_start wizard-bad.test "${WZ_ZONES[@]}" --server-ip 185.117.82.26 \
    --hostname server.wizard-bad.test
screen_has "first visit: MX" "Result: warnings"
tm_send 4
screen_has "DMARC fails" "Result: problems found"
tm_send Right
screen_has "an answer changed: quarantine" "p=quarantine"
tm_send q
expect_true "q quits" wz_gone
expect_true "the state file was written" \
    test -s "$T/state/wizard-bad.test.json"
expect_true "the state file is mode 0600" \
    test "$(stat -c %a "$T/state/wizard-bad.test.json")" = 600

# The admin publishes a DMARC record.
echo '_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@wizard-bad.test"' \
    >> "$T/z/wizard-bad.test.zone"
wz_start wizard-bad.test "${WZ_ZONES[@]}"
screen_has "coming back shows what changed" "Welcome back"
screen_has "DMARC is fixed" "Policy \(DMARC\): fixed"
screen_has "MX still to do" "Mail servers \(MX\): still to do"
tm_send Enter
screen_has "then the first step not done" "Step 1: Mail servers"
tm_send 2 NPage
screen_has "the saved address is used" "ip4:185\.117\.82\.26"
tm_send 4 NPage
screen_has "the saved DMARC answer is used" "◀ send failing mail to spam"
tm_send q
expect_true "q quits" wz_gone
