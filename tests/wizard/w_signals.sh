# Signals: SIGINT (as from kill, not the keyboard) asks before quitting;
# SIGTERM (a shutdown, a closed SSH session with SIGHUP alike) saves and
# restores the terminal: the normal screen comes back.
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start wizard-bad.test "${WZ_ZONES[@]}" --server-ip 185.117.82.26
screen_has "the wizard runs" "Step 1: Mail servers"
pid=$(wz_pid)
expect_true "its process is known" test -n "$pid"
kill -INT "$pid"
screen_has "SIGINT asks first" "Quit mailready\? .*\(y/n\)"
tm_send n
expect_true "n: it goes on" tm_wait_gone "Quit mailready"
kill -TERM "$pid"
expect_true "SIGTERM: it exits" wz_gone
expect_true "the terminal is restored (the wizard's screen is gone)" \
    tm_wait_gone "Step 1: Mail servers"
expect_true "the results were saved" \
    grep -q '"checked_at"' "$T/state/wizard-bad.test.json"
