# A full walk for a broken domain: domain screen, own server, every step
# with its verdict and what to publish, the summary; Ctrl-C asks first.
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start "${WZ_ZONES[@]}"
screen_has "the first screen asks for the domain" "Your domain"
screen_has "the status line lists the keys" "F1 help"
tm_type "señal.test"
screen_has "a Unicode name is shown with its A-label" \
    "In DNS this name is written xn--seal-[a-z0-9]+\.test"
tm_send C-u
tm_type "not a domain"
tm_send Enter
screen_has "a bad name is refused with the reason" "✘ "
tm_send C-u "wizard-bad.test" Enter
screen_has "then how mail is handled, with the presets" "Google Workspace"
screen_has "and the own server entry, chosen" "> \[ \] My own mail server"
tm_send Enter
screen_has "own server: the address field" "public IP addresses"
tm_send "185.117.82.26" Enter "server.wizard-bad.test" Enter
screen_has "step 1 is MX" "Step 1: Mail servers"
screen_has "MX verdict: warnings" "Result: warnings"
screen_has "MX: the alias is explained" "is an alias \(CNAME\)"
tm_send NPage
screen_has "MX: the record to publish" "10 server\.wizard-bad\.test\."
tm_send n
screen_has "step 2 is SPF" "Step 2: Allowed senders"
screen_has "SPF: +all is a failure" "ends in \+all"
tm_send NPage
screen_has "SPF: record from the server's address" \
    "v=spf1 ip4:185\.117\.82\.26 ~all"
tm_send n
screen_has "step 3 is DKIM" "Step 3: Signatures"
screen_has "DKIM: no key found" "No DKIM key was found"
tm_send End
screen_has "DKIM: offers to make a key" "press g to make a key pair"
tm_send n
screen_has "step 4 is DMARC" "Step 4: Policy"
screen_has "DMARC: no record is a failure" "Result: problems found"
tm_send NPage
screen_has "DMARC: a p=none record to publish" "v=DMARC1; p=none"
screen_has "DMARC: the report address starts as dmarc@DOMAIN" \
    "^ *dmarc@wizard-bad\.test *$"
screen_has "DMARC: the record asks for reports there" \
    "rua=mailto:dmarc@wizard-bad\.test"
screen_has "DMARC: the mailbox must exist" \
    "The mailbox dmarc@wizard-bad\.test must exist"
tm_send Down C-u
tm_type "reports@wizard-bad.test"
screen_has "DMARC: the mailbox sentence follows" \
    "The mailbox reports@wizard-bad\.test must exist"
# (the record is below the field: the status line of a field takes two
# rows at 80 columns)
tm_send NPage
screen_has "DMARC: the address can be changed" \
    "rua=mailto:reports@wizard-bad\.test"
tm_send Up
tm_send NPage
screen_has "DMARC: start with p=none" "Start with p=none"
tm_send n
screen_has "step 5 is PTR" "Step 5: Reverse DNS"
screen_has "PTR: missing" "has no PTR record"
tm_send NPage
screen_has "PTR: the request text" "please set the reverse DNS"
screen_has "PTR: naming the host" "host name server\.wizard-bad\.test"
tm_send n
screen_has "step 6 is Delivery" "Step 6: Delivery"
tm_send n
screen_has "the summary" "Where your domain stands"
screen_has "summary: MX warnings" "1 Mail servers \(MX\): warnings"
screen_has "summary: DMARC problems" "4 Policy \(DMARC\): problems found"
screen_has "summary: PTR problems" "5 Reverse DNS \(PTR\): problems found"
screen_has "summary: what is left" "What is left to do"
tm_send C-c
screen_has "Ctrl-C asks before quitting" "Quit mailready\? .*\(y/n\)"
tm_send n
expect_true "n keeps the wizard open" tm_wait_gone "Quit mailready\?"
screen_has "still on the summary" "Where your domain stands"
tm_send C-c
screen_has "Ctrl-C asks again" "Quit mailready\?"
tm_send y
expect_true "y quits" wz_gone
expect_true "the answers were saved" \
    grep -q '185.117.82.26' "$T/state/wizard-bad.test.json"
