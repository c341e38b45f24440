# tmux-lib.sh - drive a program in a real terminal (tmux) for the wizard
# tests (bash; source it; needs T).
#
#   tm_start [-x COLS] [-y ROWS] [-t TERM] [-e VAR=VALUE]... [--] CMD [ARG]...
#       Runs CMD in a detached tmux session of COLS x ROWS (default 80x24,
#       or TM_COLS/TM_ROWS) on a private server (socket under $T; the
#       user's tmux and its config are never touched), with TERM (default
#       xterm-256color, or TM_TERM) and the extra variables.  No status
#       line: the pane is the whole window.  When CMD exits the pane stays,
#       so its last screen can still be read (tm_exited, TM_RC).
#   tm_send KEYS...       tmux send-keys: key names (Enter, Escape, Up, C-c,
#                         F1, BSpace...) or literal text ("-l TEXT" for
#                         text that looks like a key name)
#   tm_type TEXT          send TEXT literally
#   tm_screen [FILE]      the screen as text (trailing blanks trimmed) on
#                         stdout, or into FILE; always also in $T/screen
#   tm_wait_for REGEX [SECONDS]
#                         wait (default 10 s) until the screen matches the
#                         extended regex; on time-out print the screen and
#                         return 1
#   tm_wait_gone REGEX [SECONDS]   wait until it no longer matches
#   tm_resize COLS ROWS   resize the terminal (the program gets SIGWINCH)
#   tm_exited [SECONDS]   wait until CMD has exited; sets TM_RC (its exit
#                         status); returns 1 if it still runs
#   tm_kill               stop the session and its tmux server
#
# An EXIT trap stops the tmux server when the test shell ends; the runners
# also kill every tmux server whose socket is under their work directory.

: "${T:?tmux-lib.sh: T is not set}"
TM_SESSION=mr

if [ ${#T} -lt 80 ]; then
    TM_SOCKET=$T/tmux.sock
else
    # Unix socket paths are short (108 bytes): fall back to /tmp.
    TM_SOCKET=$(mktemp -u "${TMPDIR:-/tmp}/mr-tmux.XXXXXX")
    echo "$TM_SOCKET" > "$T/tmux.sock.path"
fi

_tm() {
    tmux -S "$TM_SOCKET" "$@"
}

tm_start() {
    local cols=${TM_COLS:-80} rows=${TM_ROWS:-24} term=${TM_TERM:-xterm-256color}
    local envs=() a cmd=""
    if ! command -v tmux > /dev/null 2>&1; then
        echo "tm_start: tmux is not installed (Debian package: tmux)" >&2
        return 1
    fi
    while [ $# -gt 0 ]; do
        case $1 in
        -x) cols=$2; shift 2 ;;
        -y) rows=$2; shift 2 ;;
        -t) term=$2; shift 2 ;;
        -e) envs+=("$2"); shift 2 ;;
        --) shift; break ;;
        *) break ;;
        esac
    done
    [ $# -gt 0 ] || { echo "tm_start: no command" >&2; return 1; }
    for a in "$@"; do
        cmd="$cmd $(printf '%q' "$a")"
    done
    tm_kill
    cat > "$T/tmux.conf" <<CONF
set -g default-terminal "$term"
set -g status off
set -g remain-on-exit on
set -g escape-time 0
set -g history-limit 1000
set -g default-size ${cols}x${rows}
set -g update-environment ""
CONF
    # The environment of the pane: ours, with TERM and the extras.
    env "${envs[@]}" TERM="$term" \
        tmux -S "$TM_SOCKET" -f "$T/tmux.conf" new-session -d \
            -s "$TM_SESSION" -x "$cols" -y "$rows" \
            "exec env TERM=$(printf '%q' "$term") $cmd" \
        || { echo "tm_start: tmux failed to start" >&2; return 1; }
    TM_RC=
    return 0
}

tm_send() {
    _tm send-keys -t "$TM_SESSION" "$@"
}

tm_type() {
    _tm send-keys -t "$TM_SESSION" -l -- "$1"
}

tm_screen() {
    local out=${1:-}
    _tm capture-pane -p -t "$TM_SESSION" 2>/dev/null |
        sed 's/[[:space:]]*$//' > "$T/screen"
    if [ -n "$out" ]; then
        cp "$T/screen" "$out"
    else
        cat "$T/screen"
    fi
}

tm_wait_for() {
    local re=$1 secs=${2:-10} n=0
    while [ $n -lt $((secs * 10)) ]; do
        if tm_screen | grep -E -q -- "$re"; then
            return 0
        fi
        sleep 0.1
        n=$((n + 1))
    done
    echo "after ${secs} s the screen does not match /$re/:"
    _tm_show
    return 1
}

tm_wait_gone() {
    local re=$1 secs=${2:-10} n=0
    while [ $n -lt $((secs * 10)) ]; do
        if ! tm_screen | grep -E -q -- "$re"; then
            return 0
        fi
        sleep 0.1
        n=$((n + 1))
    done
    echo "after ${secs} s the screen still matches /$re/:"
    _tm_show
    return 1
}

_tm_show() {   # the screen framed, so blank lines and edges show
    local w
    w=$(_tm display -p -t "$TM_SESSION" '#{pane_width}x#{pane_height}' \
        2>/dev/null)
    echo "+--- screen ${w:-?} ---"
    tm_screen | sed 's/^/|/'
    echo "+---"
}

tm_resize() {
    _tm resize-window -t "$TM_SESSION" -x "$1" -y "$2"
}

tm_exited() {
    local secs=${1:-5} n=0 dead
    while [ $n -lt $((secs * 10)) ]; do
        dead=$(_tm display -p -t "$TM_SESSION" \
               '#{pane_dead} #{pane_dead_status}' 2>/dev/null) || dead=""
        case $dead in
        "1 "*) TM_RC=${dead#1 }; return 0 ;;
        "") TM_RC=; return 0 ;;          # the session is gone
        esac
        sleep 0.1
        n=$((n + 1))
    done
    echo "the program still runs after ${secs} s:"
    _tm_show
    return 1
}

tm_kill() {
    _tm kill-server > /dev/null 2>&1
    case $TM_SOCKET in
    "$T"/*) ;;
    *) rm -f "$TM_SOCKET" ;;
    esac
    return 0
}

trap tm_kill EXIT
