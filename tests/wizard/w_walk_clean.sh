# A full walk for a domain that passes: every step OK, nothing left.
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start wizard-ok.test "${WZ_ZONES[@]}" --server-ip 185.117.82.25 \
    --hostname mail.wizard-ok.test --selector 202401
screen_has "a domain on the command line starts at MX" "Step 1: Mail servers"
screen_has "MX is OK" "Result: OK"
screen_has "the step list shows MX passed" "1 MX ✔"
tm_send n
screen_has "step 2 is SPF" "Step 2: Allowed senders"
screen_has "SPF is OK" "Result: OK"
tm_send NPage
screen_has "SPF: a step that is OK has nothing to publish" \
    "Nothing to publish: what is published already meets"
screen_lacks "SPF: no record box when the step is OK" \
    "Publish these records|Publish this record"
tm_send n
screen_has "step 3 is DKIM" "Step 3: Signatures"
screen_has "DKIM is OK" "Result: OK"
screen_has "DKIM: the key found" "202401\._domainkey"
tm_send n
screen_has "step 4 is DMARC" "Step 4:"
screen_has "DMARC is OK" "Result: OK"
tm_send n
screen_has "step 5 is PTR" "Step 5:"
screen_has "PTR is OK" "Result: OK"
screen_has "PTR: the name found" "PTR mail\.wizard-ok\.test"
screen_has "PTR: nothing to ask" "Nothing to ask"
tm_send n
screen_has "step 6 is Delivery" "Step 6: Delivery"
screen_has "Delivery: records from files, no probe" "Not checked here"
tm_send n
screen_has "the summary" "Where your domain stands"
screen_has "summary: MX OK" "✔ 1 Mail servers \(MX\): OK"
screen_has "summary: SPF OK" "✔ 2 Allowed senders \(SPF\): OK"
screen_has "summary: DKIM OK" "✔ 3 Signatures \(DKIM\): OK"
screen_has "summary: DMARC OK" "✔ 4 Policy \(DMARC\): OK"
screen_has "summary: PTR OK" "✔ 5 Reverse DNS \(PTR\): OK"
screen_lacks "summary: no problems" "problems found|could not check"
screen_has "summary: nothing left" "Nothing: every check passes"
tm_send 2
screen_has "2 jumps back to SPF" "Step 2: Allowed senders"
tm_send q
expect_true "q quits" wz_gone
