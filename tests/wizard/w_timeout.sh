# A DNS server that does not answer: "could not check" with a retry, never
# the admin's failure.
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start mx-clean.test --resolver "$BLACKHOLE" --timeout 1 \
    --server-ip 185.117.82.25 --hostname mail.mx-clean.test
screen_has "the check runs in the background" "checking DNS"
screen_has "MX: could not check" "Result: could not check"
screen_has "said not to be the admin's fault" "not a fault of your setup"
screen_has "a retry is offered" "Press r to try again"
screen_lacks "not reported as a failure" "problems found"
tm_send r
screen_has "r checks again" "checking DNS"
screen_has "still could not check" "Result: could not check"
tm_send 7
screen_has "summary: could not check" \
    "1 Mail servers \(MX\): could not check"

# Another DNS server, chosen in the wizard (d), not on the command line:
# the checks start again and the real server answers.
tm_send 1
screen_has "another server is offered" "press d to ask another DNS server"
screen_lacks "no command-line option" "--[a-z]"
tm_send d
screen_has "d: the DNS server choice" "Which DNS server to ask"
screen_has "... says what is asked now" "Asked now: $BLACKHOLE"
tm_send Down Down Down Down Enter
tm_type "not an address"
tm_send Enter
screen_has "a bad address is refused" "is not an IPv4 or IPv6 address"
tm_send C-u
tm_type "$RESOLVER"
tm_send Enter
screen_has "back on step 1, checking with the new server" \
    "Step 1: Mail servers"
screen_has "the new server answers: the MX records are found" \
    "MX 10 mx1\.mx-clean\.test\."
screen_lacks "... and MX is checked" "Result: could not check"
tm_send d
screen_has "the choice holds" "Asked now: $RESOLVER"
tm_send Escape
screen_has "Esc goes back" "Step 1: Mail servers"
tm_send q
expect_true "q quits" wz_gone
