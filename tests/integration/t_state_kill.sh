#!/bin/bash
# t_state_kill.sh - atomic saves: a writer that saves the state file over
# and over (about 1 MB a save, so a kill often lands mid-write) is killed
# with SIGKILL at a random moment, 200 times; after every kill the file
# must load as one complete save (the old one or the new one, never a
# mixture), checked with the real loader and with Python's JSON parser.
# Then the same with the real binary: `mailready check --save` in a loop,
# killed 50 times.
set -u
. "$TOP/tests/lib.sh"

W=$TOP/tests/unit/test_state
if [ ! -x "$W" ]; then
    make -C "$TOP" --no-print-directory tests/unit/test_state \
        > "$T/make.log" 2>&1
fi
if [ ! -x "$W" ]; then
    mr_fail "kill loop: the writer tests/unit/test_state" \
        "cannot build it: $(tail -n 5 "$T/make.log")"
    exit 0
fi

S=$T/kill
D=kill.test
KILLS=200

# A delay in [0, SPAN) ms, as a sleep(1) argument.  SPAN is set below
# from how long the writer takes to its first complete save here (it
# loads the last file first), so that kills land before, during and
# after saves whatever the speed of the build (ASan is several times
# slower) and of the machine.
SPAN=60
rand_delay() {
    local ms=$((RANDOM % SPAN))
    printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# Start the writer in its own process group and wait until a first
# complete file exists.
"$W" --save-loop "$S" "$D" > "$T/w.out" 2> "$T/w.err" &
pid=$!
for _ in $(seq 1 100); do
    grep -q saved "$T/w.out" 2>/dev/null && break
    sleep 0.05
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
expect_true "kill loop: the writer made a first file" test -s "$S/$D.json"
# Time a writer from its start to its first complete save, with the file
# now there to load: twice that is the span of the kill delays.
: > "$T/w.out"
t0=$(_mr_now_ms)
"$W" --save-loop "$S" "$D" > "$T/w.out" 2> "$T/w.err" &
pid=$!
for _ in $(seq 1 400); do
    grep -q saved "$T/w.out" 2>/dev/null && break
    sleep 0.005
done
first=$(( $(_mr_now_ms) - t0 ))
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
SPAN=$((2 * first + 20))
echo "# kill loop: first save after $first ms; kills within $SPAN ms"

# FILE is one complete save of the writer, by Python's JSON parser.
py_complete() {
    python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
assert j["format"] == "mailready-state" and j["version"] == 3
n = int(j["answers"]["hostname"].split(".")[0][1:])
assert len(j["steps"]["mx"]["records"]) == 200 + n % 100' \
        "$1" 2> "$T/py.err"
}

good=0 bad=0 midwrite=0 last=0 advanced=0
for i in $(seq 1 "$KILLS"); do
    "$W" --save-loop "$S" "$D" > /dev/null 2> "$T/w.err" &
    pid=$!
    sleep "$(rand_delay)"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # A temporary file left behind means the kill came between mkstemp()
    # and rename(): mid-write.
    tmps=$(find "$S" -maxdepth 1 -name ".$D.json.*" | wc -l)
    if [ "$tmps" -gt 0 ]; then
        midwrite=$((midwrite + 1))
        find "$S" -maxdepth 1 -name ".$D.json.*" -delete
    fi
    # The real loader every time; Python's JSON parser as a second
    # opinion every tenth time and on the last (it is slow to start).
    pycheck=no
    : > "$T/py.err"
    if [ $((i % 10)) -eq 0 ] || [ "$i" -eq "$KILLS" ]; then
        pycheck=yes
    fi
    if out=$("$W" --load "$S" "$D") &&
        { [ "$pycheck" = no ] || py_complete "$S/$D.json"; }; then
        good=$((good + 1))
        n=${out#ok }
        # The old save or a newer one: the counter never goes back.
        if [ "$n" -lt "$last" ]; then
            echo "kill $i: counter went back from $last to $n" \
                >> "$T/bad.log"
        fi
        [ "$n" -gt "$last" ] && advanced=$((advanced + 1))
        last=$n
    else
        bad=$((bad + 1))
        echo "kill $i: $out $(cat "$T/py.err")" >> "$T/bad.log"
        # Start again from a good file for the next round.
        rm -f "$S/$D.json"*
        "$W" --save-loop "$S" "$D" > "$T/w.out" 2>/dev/null &
        pid=$!
        sleep 0.3
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
done
echo "# kill loop: $KILLS kills, $good files complete, $bad broken," \
    "$midwrite kills mid-write, $advanced rounds saved something new," \
    "last save $last"
expect_true "kill loop: the state file loads after all $KILLS kills" \
    test "$good" = "$KILLS"
if [ -s "$T/bad.log" ]; then
    mr_fail "kill loop: broken files" "$(head -n 5 "$T/bad.log")"
fi
expect_true "kill loop: some kills landed mid-write ($midwrite)" \
    test "$midwrite" -gt 0
expect_true "kill loop: new saves landed in many rounds ($advanced)" \
    test "$advanced" -gt 10
expect_true "kill loop: nothing was set aside as corrupt" \
    test -z "$(find "$S" -name "*.corrupt-*" -o -name "*.newer-*")"
expect_true "kill loop: file mode 0600" \
    test "$(stat -c %a "$S/$D.json")" = 600

# --- the order of a save, traced ---------------------------------------------
# A kill test alone cannot see a missing fsync (the page cache survives a
# killed process; only a crash of the machine would show it): strace
# shows that the data reaches the disk before the rename makes it the
# state file, and that the directory is synced after the rename.
if command -v strace > /dev/null 2>&1; then
    # LeakSanitizer cannot run under ptrace: off for this one run.
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -o "$T/save.trace" -e trace=openat,fsync,rename,close \
        "$W" --save-once "$T/traced" trace.test > /dev/null 2>&1
    expect_true "traced save: tmp written, fsync'd, renamed, dir fsync'd" \
        python3 - "$T/save.trace" <<'PY'
import re, sys
tmp_fd = dir_fd = None
steps = []
for line in open(sys.argv[1]):
    m = re.search(r'openat\(.*"([^"]*)", ([^)]*)\) = (\d+)', line)
    if m:
        name, flags, fd = m.group(1), m.group(2), m.group(3)
        if '/.trace.test.json.' in name and 'O_CREAT' in flags:
            tmp_fd = fd
            steps.append('create')
        elif name.endswith('/traced') and 'O_DIRECTORY' in flags:
            dir_fd = fd
        continue
    m = re.search(r'fsync\((\d+)\)', line)
    if m and m.group(1) == tmp_fd and 'create' in steps:
        steps.append('fsync-file')
        tmp_fd = None
    elif m and m.group(1) == dir_fd and 'rename' in steps:
        steps.append('fsync-dir')
    if re.search(r'rename\(".*/\.trace\.test\.json\.[^"]*", ".*/trace\.test\.json"\)', line):
        steps.append('rename')
want = ['create', 'fsync-file', 'rename', 'fsync-dir']
if steps != want:
    print('order seen:', steps, 'want:', want)
    sys.exit(1)
PY
else
    mr_fail "traced save" "strace is not installed (tools/install-deps --tests)"
fi

# --- the real binary: check --save in a loop --------------------------------
Z=$T/k.zone
cat > "$Z" <<EOF
\$ORIGIN $D.
\$TTL 300
@ SOA ns.$D. h.$D. 1 7200 3600 1209600 300
@ NS ns.$D.
ns A 45.67.89.2
@ MX 10 mx.$D.
mx A 45.67.89.25
EOF
S2=$T/kill2
cat > "$T/loop.sh" <<EOF
#!/bin/bash
while :; do
    "$MAILREADY" check $D --zone-file "$Z" --no-network --save \
        --state-dir "$S2" > /dev/null 2>&1
done
EOF
chmod +x "$T/loop.sh"
"$MAILREADY" check "$D" --zone-file "$Z" --no-network --save \
    --state-dir "$S2" > /dev/null 2>&1
good2=0
# loop.sh runs in a session of its own (so that one kill takes the check
# with it): should this script be stopped (the runner's time-out), the
# loop would outlive it, reparented to init.  Stop it first.
pid=
trap '[ -n "$pid" ] && kill -KILL -- "-$pid" "$pid" 2>/dev/null' EXIT
trap 'exit 143' TERM INT
for i in $(seq 1 50); do
    setsid "$T/loop.sh" &
    pid=$!
    sleep "$(rand_delay)"
    # The group, once setsid has made it; the process itself if the kill
    # came first.
    kill -KILL -- "-$pid" 2>/dev/null
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # The group is gone before the file is looked at.
    for _ in $(seq 1 50); do
        pgrep -g "$pid" > /dev/null 2>&1 || break
        sleep 0.02
    done
    if python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
assert j["steps"]["mx"]["status"] == "ok"' "$S2/$D.json" 2>/dev/null; then
        good2=$((good2 + 1))
    fi
done
expect_true "check --save loop: the state parses after all 50 kills" \
    test "$good2" = 50
plain=0
"$MAILREADY" check "$D" --zone-file "$Z" --no-network > /dev/null 2>&1 ||
    plain=$?
mr_run check "$D" --zone-file "$Z" --no-network --state-dir "$S2" \
    --since-last
expect_rc "$plain" "check --save loop: the saved state still loads"
expect_true "check --save loop: nothing changed since the last save" \
    test ! -s "$T/out"
