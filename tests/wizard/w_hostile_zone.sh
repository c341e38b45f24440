# The wizard on hostile DNS data (tests/zones/hostile.test.zone: terminal
# escapes, a window-title sequence, C1 controls, invalid UTF-8, bidi
# overrides in names and TXT records, 64 MX records): every step is drawn,
# the hostile bytes show as \xNN text, and none of them reaches the
# terminal raw (the bytes the wizard writes are recorded with pipe-pane).
. "$TOP/tests/wizard/wiz-lib.sh"

ZONES=(--no-network --zone-file "$TOP/tests/zones/hostile.test.zone"
       --zone-file "$TOP/tests/zones/77.199.185.in-addr.arpa.zone")
wz_start "${ZONES[@]}"
_tm pipe-pane -o -t "$TM_SESSION" "cat >> $(printf '%q' "$T/raw")"
screen_has "the first screen asks for the domain" "Your domain"
tm_send "hostile.test" Enter
screen_has "how mail is handled" "My own mail server"
tm_send Enter
screen_has "own server: the address field" "public IP addresses"
tm_send "185.199.77.25" Enter "mx.hostile.test" Enter
screen_has "step 1 is MX" "Step 1: Mail servers"
screen_has "MX: a hostile target shown escaped" '\\\\027\[2J'
tm_send NPage NPage
tm_send n
screen_has "step 2 is SPF" "Step 2: Allowed senders"
screen_has "SPF: the ESC in a term shown as \\x1B" '\\x1B\[2J'
screen_lacks "SPF: the escape not escaped twice" '\\\\x1B'
tm_send NPage
tm_send n
screen_has "step 3 is DKIM" "Step 3: Signatures"
tm_send n
screen_has "step 4 is DMARC" "Step 4: Policy"
screen_has "DMARC: the RLO in a tag shown as \\xE2\\x80\\xAE, escaped once" \
    '\\xE2\\x80\\xAEadkim=s'
screen_lacks "DMARC: no escape escaped twice" '\\\\x'
tm_send NPage
tm_send n
screen_has "step 5 is PTR" "Step 5: Reverse DNS"
screen_has "PTR: the hostile name shown escaped" '\\\\027\[2J'
tm_send n
screen_has "step 6 is Delivery" "Step 6: Delivery"
tm_send n
screen_has "the summary" "Where your domain stands"
tm_send C-c
screen_has "Ctrl-C asks before quitting" "Quit mailready\?"
tm_send y
expect_true "y quits" wz_gone
_tm pipe-pane -t "$TM_SESSION"

title=$(_tm display-message -p -t "$TM_SESSION" '#{pane_title}' 2>/dev/null)
if [ "$title" = pwned ]; then
    mr_fail "the window title is not set from DNS" "pane title: $title"
else
    _mr_result ok "the window title is not set from DNS"
fi
expect_true "the wizard wrote something" test -s "$T/raw"
# No byte sequence of the zone reaches the terminal: the window title
# (OSC 0), the bell, the text right after a hostile ESC, a C1 CSI (raw or
# UTF-8), the bidi override and isolate.
expect_true "no hostile bytes in what the wizard wrote" python3 - "$T/raw" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
bad = [b"\x1b]0;pwned", b"\x07", b"\x1b[31mrsa", b"\x1b[5mblink",
       b"\x1b[2J.hostile", b"\x9b31m", b"\xc2\x9b", b"\xe2\x80\xae",
       b"\xe2\x81\xa6", b"\xff\xfe"]
found = [b for b in bad if b in raw]
for b in found:
    i = raw.index(b)
    print("found %r: %r" % (b, raw[max(0, i - 40):i + 40]))
sys.exit(1 if found else 0)
PY
