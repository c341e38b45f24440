# Leaving the wizard frees everything, whatever is on screen: an error
# shown in the DKIM key form (its text was freed twice once: a crash at
# exit), and a check still waiting for DNS (the resolver cancels what is
# pending and the steps' memory is released, not left to the process
# exit).  The exit status
# is checked: a crash at exit fails here, and under the sanitizer build
# any leak or double free makes the status 86 (.ci/run).
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start wizard-ok.test "${WZ_ZONES[@]}" --server-ip 185.117.82.25 \
    --hostname mail.wizard-ok.test
screen_has "the wizard starts" "Step 1: Mail servers"
tm_send 3
screen_has "the DKIM step" "Step 3: Signatures"
tm_send g
screen_has "key type menu" "> RSA 2048 bits"
tm_send Enter
screen_has "the selector field" "> 20[0-9]{4}"
tm_send C-u
tm_type 'bad_sel!'
tm_send Enter
screen_has "the bad selector is refused" "bad_sel!"
tm_send C-c
screen_has "Ctrl-C asks first" "Quit mailready\? .*\(y/n\)"
tm_send y
expect_true "y quits" wz_gone
expect_true "exit status 0 (no crash at exit): ${TM_RC:-?}" \
    test "${TM_RC:-x}" = 0

# Quit while the check still waits for a DNS server that never answers.
wz_fresh
wz_start wizard-ok.test --resolver "$BLACKHOLE" --timeout 5 \
    --server-ip 185.117.82.25 --hostname mail.wizard-ok.test
screen_has "the check is in flight" "checking DNS"
tm_send q
expect_true "q quits at once, the check still pending" wz_gone
expect_true "exit status 0 with a check in flight: ${TM_RC:-?}" \
    test "${TM_RC:-x}" = 0
