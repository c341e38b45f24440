# A DNS server that does not answer: "could not check" with a retry, never
# the admin's failure.
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start wizard-ok.test --resolver "$BLACKHOLE" --timeout 1 \
    --server-ip 185.117.82.25 --hostname mail.wizard-ok.test
screen_has "the check runs in the background" "checking DNS"
screen_has "MX: could not check" "Verdict: could not check"
screen_has "said not to be the admin's fault" "not a fault of your setup"
screen_has "a retry is offered" "Press r to try again"
screen_lacks "not reported as a failure" "problems found"
tm_send r
screen_has "r checks again" "checking DNS"
screen_has "still could not check" "Verdict: could not check"
tm_send 6
screen_has "summary: could not check" \
    "1 Mail servers \(MX\): could not check"
tm_send q
expect_true "q quits" wz_gone
