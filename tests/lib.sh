# lib.sh - assertions for the integration and wizard tests (bash; source it)
#
# The runner sets MAILREADY, RESOLVER, BLACKHOLE, TOP and a fresh T, and
# MR_RESULTS (where each assertion is counted; default $T/results).
#
#   mr_check DOMAIN [ARGS...]   $MAILREADY check DOMAIN --resolver $RESOLVER
#                               --json --timeout 2 ARGS: JSON in $T/out.json,
#                               stderr in $T/err, status in $MR_RC, wall
#                               time in $MR_MS (milliseconds).  MR_RESOLVER
#                               and MR_TIMEOUT replace $RESOLVER and 2 (e.g.
#                               MR_RESOLVER=$BLACKHOLE mr_check ...)
#   mr_run ARGS...              $MAILREADY ARGS: stdout $T/out, stderr
#                               $T/err, status $MR_RC, time $MR_MS
#   expect_rc N LABEL           $MR_RC is N
#   expect_ids STEP "IDS" LABEL the finding ids of STEP in $T/out.json are
#                               exactly IDS (a set; "" = none)
#   expect_status STEP S LABEL  STEP's status is S (ok|warn|fail|error);
#                               STEP "all" is the overall status
#   expect_json 'EXPR' LABEL    the Python expression is true, j being the
#                               parsed $T/out.json (also: step(n), ids(n),
#                               finding(n, id), records(n), re)
#   expect_grep REGEX FILE LABEL  grep -E REGEX FILE finds a line
#   expect_true LABEL CMD...    the command succeeds
#   mr_fail LABEL REASON        count a failure (a test that cannot run)
#
# Each assertion prints "ok - LABEL" or "not ok - LABEL" with what was found
# and returns 0 either way, so one failure does not hide the next.  A test
# passes when it made at least one assertion and none failed.

: "${T:?lib.sh: T is not set (run the tests through tests/run-integration)}"
: "${TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${MR_RESULTS:=$T/results}"
_MR_LIBDIR=$TOP/tests
. "$_MR_LIBDIR/nsd-lib.sh"

_mr_now_ms() {
    local s
    s=$(date +%s%N)
    echo $((s / 1000000))
}

_mr_result() {   # ok|fail LABEL [CONTEXT-FILE]
    if [ "$1" = ok ]; then
        printf 'ok - %s\n' "$2"
        printf 'ok\t%s\n' "$2" >> "$MR_RESULTS"
    else
        printf 'not ok - %s\n' "$2"
        printf 'not ok\t%s\n' "$2" >> "$MR_RESULTS"
        if [ -n "${3:-}" ] && [ -s "$3" ]; then
            sed 's/^/#  /' "$3" | head -n 80
        fi
    fi
    return 0
}

_mr_ctx_err() {  # append the last command's stderr to a context file
    if [ -s "$T/err" ]; then
        echo "stderr of the last command:"
        head -n 20 "$T/err"
    fi
}

mr_fail() {
    local label=$1
    shift
    echo "$*" > "$T/ctx"
    _mr_result fail "$label" "$T/ctx"
}

mr_check() {
    local domain=$1 t0
    shift
    if [ -z "${MAILREADY:-}" ] || [ ! -x "$MAILREADY" ]; then
        echo "mr_check: no mailready binary at '${MAILREADY:-}'" > "$T/err"
        : > "$T/out.json"
        MR_RC=127
        return 0
    fi
    t0=$(_mr_now_ms)
    MR_RC=0
    "$MAILREADY" check "$domain" --resolver "${MR_RESOLVER:-$RESOLVER}" \
        --json --timeout "${MR_TIMEOUT:-2}" "$@" \
        > "$T/out.json" 2> "$T/err" || MR_RC=$?
    MR_MS=$(( $(_mr_now_ms) - t0 ))
    return 0
}

mr_run() {
    local t0
    if [ -z "${MAILREADY:-}" ] || [ ! -x "$MAILREADY" ]; then
        echo "mr_run: no mailready binary at '${MAILREADY:-}'" > "$T/err"
        : > "$T/out"
        MR_RC=127
        return 0
    fi
    t0=$(_mr_now_ms)
    MR_RC=0
    "$MAILREADY" "$@" > "$T/out" 2> "$T/err" || MR_RC=$?
    MR_MS=$(( $(_mr_now_ms) - t0 ))
    return 0
}

expect_rc() {
    local want=$1 label=$2
    if [ "${MR_RC:-unset}" = "$want" ]; then
        _mr_result ok "$label"
    else
        { echo "exit status ${MR_RC:-unset}, want $want"
          _mr_ctx_err
          if [ -s "$T/out.json" ]; then
              echo "JSON status: $(python3 -c 'import json,sys
try: print(json.load(open(sys.argv[1])).get("status"))
except Exception as e: print("unreadable:", e)' "$T/out.json")"
          fi; } > "$T/ctx"
        _mr_result fail "$label" "$T/ctx"
    fi
}

_mr_expect_py() {    # LABEL ARGS-for-expect.py...
    local label=$1
    shift
    if python3 "$_MR_LIBDIR/expect.py" "$T/out.json" "$@" 2> "$T/ctx"; then
        _mr_result ok "$label"
    else
        _mr_ctx_err >> "$T/ctx"
        _mr_result fail "$label" "$T/ctx"
    fi
}

expect_ids() {
    _mr_expect_py "$3" ids "$1" "$2"
}

expect_status() {
    case $2 in
    ok|warn|fail|error) ;;
    *) mr_fail "$3" "expect_status: bad status '$2'"; return 0 ;;
    esac
    _mr_expect_py "$3" status "$1" "$2"
}

expect_json() {
    _mr_expect_py "$2" expr "$1"
}

expect_grep() {
    local re=$1 file=$2 label=$3
    if [ -f "$file" ] && grep -E -q -e "$re" "$file"; then
        _mr_result ok "$label"
    else
        { if [ -f "$file" ]; then
              echo "no line matches /$re/ in $file, which holds:"
              head -n 40 "$file"
          else
              echo "no file $file"
          fi; } > "$T/ctx"
        _mr_result fail "$label" "$T/ctx"
    fi
}

expect_true() {
    local label=$1
    shift
    if "$@" > "$T/ctx" 2>&1; then
        _mr_result ok "$label"
    else
        echo "failed ($?): $*" >> "$T/ctx"
        _mr_result fail "$label" "$T/ctx"
    fi
}

# $T/out with the wrapped lines of check --since-last joined: a line
# further in than four columns continues the line above it.
joined_out() {
    python3 - "$T/out" > "$T/out.joined" <<'PY'
import re, sys
out = []
for line in open(sys.argv[1], encoding='utf-8').read().split('\n'):
    if out and re.match(r' {5,}\S', line) and out[-1].strip():
        out[-1] += ' ' + line.strip()
    else:
        out.append(line)
print('\n'.join(out), end='')
PY
}

# findings_match FILE INDENT TAG REGEX: among the findings of a report or
# a screen dump in FILE (a finding's first line is INDENT spaces, its mark
# TAG and a space; its wrapped lines are further in and are joined with
# single spaces), true when one with mark TAG matches the Python regular
# expression REGEX; else it lists them.
findings_match() {
    python3 - "$@" <<'PY'
import re, sys
path, indent, tag, rx = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
first = re.compile(r"^ {%d}(\S) (.*)$" % indent)
items, cur = [], None
for line in open(path, encoding="utf-8").read().splitlines():
    m = first.match(line)
    if m:
        cur = [m.group(1), m.group(2).strip()]
        items.append(cur)
    elif cur is not None and line.startswith(" " * (indent + 2)):
        cur[1] += " " + line.strip()
    else:
        cur = None
if any(t == tag and re.search(rx, text) for t, text in items):
    sys.exit(0)
print("no finding %s /%s/ among:" % (tag, rx))
for t, text in items:
    print(t, text)
sys.exit(1)
PY
}
