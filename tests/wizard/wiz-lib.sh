# wiz-lib.sh - what the wizard tests share (bash; source it after the
# runner has sourced lib.sh and tmux-lib.sh).
#
#   WZ_ZONES        --no-network and a --zone-file for every fixture zone
#                   in tests/wizard/zones (answers without any server)
#   wz_zones DIR    the same, for the zones in DIR
#   wz_fresh        stop the terminal of an earlier tm_start (call it
#                   before starting another one in the same test)
#   wz_start ARGS   run `mailready wizard ARGS` in tmux with a private
#                   HOME, XDG data directory and --state-dir under $T
#   wz_pid          the process id of the wizard started by wz_start
#   screen_has LABEL REGEX     assert: the screen shows REGEX (waits)
#   screen_lacks LABEL REGEX   assert: the screen does not show REGEX now
#   wz_gone [STATUS]  wait until the wizard has exited (5 s) with exit
#                   status STATUS (default 0); false if it still runs or
#                   exited otherwise (a crash at exit, a sanitizer
#                   report); TM_RC is then its exit status
#
# The zones: wizard-ok.test passes every check (server 185.117.82.25,
# DKIM selector 202401); wizard-bad.test has an MX alias, SPF "+all", no
# DMARC, no DKIM and no PTR for 185.117.82.26; test. makes _dmarc.test
# NXDOMAIN for the DMARC tree walk.

WZ_DIR=$TOP/tests/wizard/zones

wz_zones() {
    local f
    WZ_ZONES=(--no-network)
    for f in "$1"/*.zone; do
        WZ_ZONES+=(--zone-file "$f")
    done
}
wz_zones "$WZ_DIR"

# Before a second tm_start in one test: let the old tmux server go first
# (its socket is removed when it has exited), or the new one cannot start.
wz_fresh() {
    local n=0
    tm_kill
    while [ -S "${TM_SOCKET:-}" ] && [ $n -lt 30 ]; do
        sleep 0.1
        n=$((n + 1))
    done
}

# The wizard runs under a small shell that writes its exit status to
# $T/wz.rc ("signal N" when a signal ended it): tmux 3.3 often does not
# know a dead pane's status.  Tests that call tm_start themselves put
# "${WZ_WRAP[@]}" before the command.  wz_pid gives the wizard's own
# process id.
WZ_WRAP=(sh -c 'rcf=$1; shift; rm -f "$rcf"; "$@"; rc=$?
    if [ $rc -gt 128 ]; then echo "signal $((rc - 128))"; else echo $rc; fi \
        > "$rcf.tmp" && mv "$rcf.tmp" "$rcf"' wizard "$T/wz.rc")

wz_start() {
    mkdir -p "$T/home" "$T/data" "$T/state"
    wz_fresh
    rm -f "$T/wz.rc"
    tm_start env HOME="$T/home" XDG_DATA_HOME="$T/data" \
        XDG_STATE_HOME="$T/home/state" MAILREADY_DATADIR="$TOP/data" \
        MAILREADY_HELPDIR="$TOP/help" \
        "${WZ_WRAP[@]}" "$MAILREADY" wizard "$@" --state-dir "$T/state"
}

wz_pid() {
    local sh
    sh=$(_tm display -p -t "$TM_SESSION" '#{pane_pid}' 2>/dev/null)
    [ -n "$sh" ] && pgrep -P "$sh" | head -n 1
}

screen_has() {
    expect_true "$1" tm_wait_for "$2"
}

_wz_lacks() {
    local s
    s=$(tm_screen)
    if printf '%s\n' "$s" | grep -Eq -- "$1"; then
        printf 'the screen shows /%s/:\n%s\n' "$1" "$s"
        return 1
    fi
    return 0
}

screen_lacks() {
    expect_true "$1" _wz_lacks "$2"
}

wz_gone() {
    local want=${1:-0} n=0
    tm_exited 5 || return 1
    while [ ! -s "$T/wz.rc" ] && [ $n -lt 30 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    TM_RC=$(cat "$T/wz.rc" 2>/dev/null)
    if [ "${TM_RC:-unknown}" != "$want" ]; then
        echo "the wizard exited with status ${TM_RC:-unknown}, want $want"
        return 1
    fi
    return 0
}
