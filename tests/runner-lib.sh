# runner-lib.sh - what tests/run-integration and tests/run-wizard share
# (bash; source it after setting KIND, e.g. KIND=integration).
#
#   runner_init          work dir, traps (EXIT INT TERM stop every helper)
#   runner_servers       NSD on tests/zones/*.zone (+ SERVFAIL list) and a
#                        blackhole; exports RESOLVER, BLACKHOLE, NSD_PORT
#   runner_run SCRIPT... runs each script with a fresh T, counts its
#                        assertions, prints per-test results and the line
#                        "KIND: N passed, M failed"; returns 1 on failure
#
# Environment: MR_JOBS (scripts run at once, default 2), MR_TEST_TIMEOUT
# (seconds per script, default 300), MR_VERBOSE=1 (print every assertion,
# not only those of failing tests), MR_KEEP=1 (keep the work directory).

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TOP
. "$TOP/tests/nsd-lib.sh"

# Stop what the test scripts left running (a script interrupted or timed
# out, a relay a script forgot): every descendant of this shell but our own
# servers, and the process group of each (timeout(1) gives every script
# its own), so nothing survives reparented to init.
_runner_kill_tests() {
    local p pg all="" groups="" mine n=0
    mine=$(ps -o pgid= -p $$ | tr -d ' ')
    for p in $(_nsd_descendants $$); do
        case " ${NSD_PID:-} ${BLACKHOLE_PID:-} " in *" $p "*) continue ;; esac
        [ -n "${NSD_PID:-}" ] &&
            case " $(_nsd_descendants "$NSD_PID") " in *" $p "*) continue ;; esac
        all="$all $p"
        pg=$(ps -o pgid= -p "$p" 2>/dev/null | tr -d ' ')
        if [ -n "$pg" ] && [ "$pg" != "$mine" ]; then
            case " $groups " in *" $pg "*) ;; *) groups="$groups $pg" ;; esac
        fi
    done
    [ -z "$all$groups" ] && return 0
    for pg in $groups; do kill -TERM -- "-$pg" 2>/dev/null; done
    kill -TERM $all 2>/dev/null
    while [ $n -lt 30 ]; do
        local alive=""
        for p in $all; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
        for pg in $groups; do
            pgrep -g "$pg" >/dev/null 2>&1 && alive="$alive -$pg"
        done
        [ -z "$alive" ] && return 0
        sleep 0.1
        n=$((n + 1))
    done
    for pg in $groups; do kill -KILL -- "-$pg" 2>/dev/null; done
    kill -KILL $all 2>/dev/null
}

# Stop the private tmux servers of the tests under DIR (tmux servers
# detach from their parent, so they are found by their socket).
_runner_kill_tmux() {
    local s
    command -v tmux > /dev/null 2>&1 || return 0
    for s in $(find "$1" -name 'tmux.sock' -type s 2>/dev/null) \
             $(cat $(find "$1" -name 'tmux.sock.path' 2>/dev/null) \
               2>/dev/null); do
        tmux -S "$s" kill-server > /dev/null 2>&1
    done
    return 0
}

runner_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    _runner_kill_tests
    [ -n "${RUNNER_WORK:-}" ] && _runner_kill_tmux "$RUNNER_WORK"
    [ -n "${BLACKHOLE_PID:-}" ] && relay_stop "$BLACKHOLE_PID"
    BLACKHOLE_PID=
    nsd_stop
    if [ -n "${RUNNER_WORK:-}" ] && [ -d "$RUNNER_WORK" ]; then
        if [ "${MR_KEEP:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
            echo "$KIND: work files kept in $RUNNER_WORK"
        else
            rm -rf "$RUNNER_WORK"
        fi
    fi
    exit "$rc"
}

runner_init() {
    mkdir -p "$TOP/tests/tmp" || exit 1
    RUNNER_WORK=$(mktemp -d "$TOP/tests/tmp/$KIND.XXXXXX") || exit 1
    trap runner_cleanup EXIT
    trap 'echo "$KIND: interrupted"; exit 130' INT
    trap 'echo "$KIND: terminated"; exit 143' TERM
    MAILREADY=$TOP/mailready
    export MAILREADY
    # Messages in English unless a test asks otherwise; no user state.
    unset LC_ALL LANGUAGE LC_MESSAGES
    export LANG=C.UTF-8
    RUNNER_SETUP_ERROR=
}

runner_servers() {
    local zones
    zones=$(ls "$TOP"/tests/zones/*.zone 2>/dev/null)
    if [ -z "$zones" ]; then
        RUNNER_SETUP_ERROR="no fixture zones in tests/zones/"
        return 1
    fi
    # shellcheck disable=SC2086
    if ! nsd_start "$RUNNER_WORK/nsd" $zones \
            $(ls "$TOP/tests/zones/SERVFAIL" 2>/dev/null) \
            2> "$RUNNER_WORK/nsd-start.err"; then
        cat "$RUNNER_WORK/nsd-start.err"
        RUNNER_SETUP_ERROR="the test DNS server (NSD) did not start:
$(head -n 30 "$RUNNER_WORK/nsd-start.err")"
        return 1
    fi
    RESOLVER=127.0.0.1:$NSD_PORT
    if ! RELAY_DIR=$RUNNER_WORK relay_start --blackhole \
            2> "$RUNNER_WORK/blackhole.err"; then
        RUNNER_SETUP_ERROR="the blackhole server did not start:
$(cat "$RUNNER_WORK/blackhole.err")"
        return 1
    fi
    BLACKHOLE_PID=$RELAY_PID
    BLACKHOLE=127.0.0.1:$RELAY_PORT
    unset RELAY_PID RELAY_PORT
    export RESOLVER BLACKHOLE NSD_PORT
    echo "$KIND: NSD on $RESOLVER ($(echo "$zones" | wc -l) zones)," \
         "blackhole on $BLACKHOLE"
}

# Run one script in its own T; writes T/status.
_runner_one() {
    local script=$1 name T rc
    name=$(basename "$script" .sh)
    T=$RUNNER_WORK/$name
    mkdir -p "$T/home"
    (
        export T MR_RESULTS=$T/results HOME=$T/home
        export XDG_CONFIG_HOME=$T/home/.config XDG_DATA_HOME=$T/home/.local/share
        export XDG_STATE_HOME=$T/home/.local/state XDG_CACHE_HOME=$T/home/.cache
        : > "$MR_RESULTS"
        cd "$TOP" || exit 1
        if [ -n "$RUNNER_SETUP_ERROR" ]; then
            printf 'not ok\tcannot run: %s\n' \
                "$(echo "$RUNNER_SETUP_ERROR" | head -n 1)" > "$MR_RESULTS"
            echo "not ok - cannot run: $RUNNER_SETUP_ERROR" > "$T/log"
            exit 0
        fi
        rc=0
        # RUNNER_PRELUDE: files sourced before the script (the wizard
        # tests get lib.sh and tmux-lib.sh).
        timeout -k 5 "${MR_TEST_TIMEOUT:-300}" bash -c '
            for f in ${RUNNER_PRELUDE:-}; do . "$f" || exit 1; done
            . "$0"' "$script" > "$T/log" 2>&1 < /dev/null || rc=$?
        _runner_kill_tmux "$T"
        if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
            printf 'not ok\t%s timed out after %s s\n' "$name" \
                "${MR_TEST_TIMEOUT:-300}" >> "$MR_RESULTS"
            echo "not ok - $name timed out" >> "$T/log"
        elif [ $rc -ne 0 ]; then
            printf 'not ok\t%s exited with status %d\n' "$name" $rc \
                >> "$MR_RESULTS"
            echo "not ok - $name exited with status $rc" >> "$T/log"
        elif [ ! -s "$MR_RESULTS" ]; then
            printf 'not ok\t%s made no assertion\n' "$name" >> "$MR_RESULTS"
            echo "not ok - $name made no assertion" >> "$T/log"
        fi
    )
}

_runner_report() {
    local script=$1 name T n f
    name=$(basename "$script" .sh)
    T=$RUNNER_WORK/$name
    n=$(grep -c '' "$T/results" 2>/dev/null || true)
    f=$(grep -c '^not ok' "$T/results" 2>/dev/null || true)
    RUNNER_PASS=$((RUNNER_PASS + n - f))
    RUNNER_FAIL=$((RUNNER_FAIL + f))
    if [ "$f" -eq 0 ]; then
        echo "PASS $name ($n assertions)"
        [ "${MR_VERBOSE:-0}" = 1 ] && sed 's/^/    /' "$T/log"
    else
        RUNNER_FAILED_SCRIPTS="$RUNNER_FAILED_SCRIPTS $name"
        echo "FAIL $name ($f of $n failed)"
        sed 's/^/    /' "$T/log"
    fi
}

runner_run() {
    local scripts=("$@") i running=() next=0 jobs=${MR_JOBS:-2} t0 pid
    RUNNER_PASS=0
    RUNNER_FAIL=0
    RUNNER_FAILED_SCRIPTS=
    t0=$(date +%s)
    # Start up to $jobs scripts at once; report in order as they finish.
    local -A pids
    for ((i = 0; i < ${#scripts[@]}; i++)); do
        while [ "$(jobs -rp | grep -v -x -e "${BLACKHOLE_PID:-x}" \
                   -e "${NSD_PID:-x}" | wc -l)" -ge "$jobs" ]; do
            wait -n 2>/dev/null || true
        done
        _runner_one "${scripts[$i]}" &
        pids[$i]=$!
        while [ $next -le $i ] && ! kill -0 "${pids[$next]}" 2>/dev/null
        do
            wait "${pids[$next]}" 2>/dev/null
            _runner_report "${scripts[$next]}"
            next=$((next + 1))
        done
    done
    while [ $next -lt ${#scripts[@]} ]; do
        wait "${pids[$next]}" 2>/dev/null
        _runner_report "${scripts[$next]}"
        next=$((next + 1))
    done
    echo "$KIND: $RUNNER_PASS passed, $RUNNER_FAIL failed" \
         "(${#scripts[@]} scripts, $(( $(date +%s) - t0 )) s)"
    if [ "$RUNNER_FAIL" -ne 0 ]; then
        echo "$KIND: failed:$RUNNER_FAILED_SCRIPTS"
        return 1
    fi
    return 0
}

# Scripts named on the command line (file names or paths), else all.
runner_select() {  # DIR PREFIX [NAMES...]
    local dir=$1 prefix=$2 a
    shift 2
    if [ $# -eq 0 ]; then
        ls "$dir"/"$prefix"*.sh 2>/dev/null
        return 0
    fi
    for a in "$@"; do
        if [ -f "$a" ]; then
            echo "$a"
        elif [ -f "$dir/$a" ]; then
            echo "$dir/$a"
        elif [ -f "$dir/$a.sh" ]; then
            echo "$dir/$a.sh"
        else
            echo "$KIND: no test '$a' in $dir" >&2
            return 1
        fi
    done
}
