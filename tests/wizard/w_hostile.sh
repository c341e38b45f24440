# What DNS says is never sent raw to the terminal: a DKIM record with
# escape sequences (clear screen, set the window title) is shown with
# its control characters made visible.  Colour only without NO_COLOR.
. "$TOP/tests/wizard/wiz-lib.sh"

mkdir -p "$T/z"
cp "$WZ_DIR"/*.zone "$T/z/"
printf '%s\n' \
    'evil._domainkey IN TXT "v=DKIM1; k=rsa; p=AB\027[2J\027]0;pwned\007CD"' \
    >> "$T/z/wizard-bad.test.zone"
wz_zones "$T/z"

_wz_raw() {    # the screen with its attributes (SGR sequences)
    _tm capture-pane -p -e -t "$TM_SESSION"
}
_wz_no_osc() { ! _wz_raw | grep -q $'\e\\]'; }
_wz_title_kept() {
    test "$(_tm display -p -t "$TM_SESSION" '#{pane_title}')" != pwned
}
_wz_colour() { _wz_raw | grep -q $'\e\\[3[1-7]m'; }
_wz_no_colour() { ! _wz_raw | grep -q $'\e\\[3[1-7]m'; }

wz_start wizard-bad.test "${WZ_ZONES[@]}" --server-ip 185.117.82.26 \
    --selector evil
screen_has "the wizard starts" "Step 1: Mail servers"
expect_true "colour by default" _wz_colour
tm_send 3
screen_has "DKIM step" "Step 3: Signatures"
screen_has "the record, control characters visible" \
    'p=AB\\x1B\[2J\\x1B\]0;pwned\\x07CD'
screen_has "the bad record is a failure" "has a character that is"
expect_true "no escape sequence reached the terminal" _wz_no_osc
expect_true "the window title was not changed" _wz_title_kept
screen_has "the header is still there (the screen was not cleared)" \
    "^ mailready"
tm_send q
expect_true "q quits" wz_gone

wz_fresh
mkdir -p "$T/home" "$T/state"
tm_start env NO_COLOR=1 HOME="$T/home" MAILREADY_DATADIR="$TOP/data" \
    MAILREADY_HELPDIR="$TOP/help" "${WZ_WRAP[@]}" "$MAILREADY" wizard wizard-bad.test \
    "${WZ_ZONES[@]}" --server-ip 185.117.82.26 --state-dir "$T/state2"
screen_has "NO_COLOR: the wizard starts" "Step 1: Mail servers"
expect_true "NO_COLOR: no colour" _wz_no_colour
screen_has "NO_COLOR: the symbols still say it" "▲ Result: warnings"
tm_send q
expect_true "q quits" wz_gone
