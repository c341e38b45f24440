# Resizing mid-step: 80x24 -> 100x30 -> 80x24 redraws without garbage.
. "$TOP/tests/wizard/wiz-lib.sh"

_wz_fits() {   # every line of the screen is at most $1 columns
    tm_screen | awk -v w="$1" 'length($0) > w { bad = 1 } END { exit bad }'
}

wz_start wizard-bad.test "${WZ_ZONES[@]}" --server-ip 185.117.82.26 \
    --hostname server.wizard-bad.test
screen_has "MX step at 80x24" "Result: warnings"
tm_send n n n
screen_has "DMARC step" "Step 4:"
before=$(tm_screen)
expect_true "80x24: fits" _wz_fits 80
tm_resize 100 30
_wz_last_has() { tm_screen | tail -n 1 | grep -q -- "$1"; }
screen_has "100x30: redrawn" "wizard-bad\.test {60,}en$"
expect_true "100x30: the status line is on the last row" \
    _wz_last_has "q/F10 quit"
expect_true "100x30: 30 rows" test "$(tm_screen | wc -l)" -eq 30
screen_has "100x30: the step is still shown" "Step 4: Policy"
tm_resize 80 24
screen_has "back to 80x24" "Step 4: Policy"
sleep 0.5
after=$(tm_screen)
expect_true "80x24 again: the same screen as before" \
    test "$before" = "$after"
expect_true "80x24 again: fits" _wz_fits 80
tm_send q
expect_true "q quits" wz_gone
