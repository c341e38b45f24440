#!/bin/bash
# t_state_files.sh - the files mailready keeps, against hostile paths: a
# FIFO where the state file should be (never waited on, never replaced),
# a corrupt state (set aside, the run goes on with the check's own exit
# status), files set aside again and again (only the newest kept), a key
# directory made under a narrow umask (0700 all the same).
source "$TOP/tests/lib.sh"

D=mx-clean.test
plain=0
"$MAILREADY" check $D --resolver "$RESOLVER" --timeout 2 > /dev/null \
    2>&1 || plain=$?

# A FIFO at the state file's path: refused at once, left as it is.
S=$T/fifo
mkdir -p "$S"
mkfifo "$S/$D.json"
mr_run check $D --resolver "$RESOLVER" --timeout 2 --save --state-dir "$S"
# The state cannot be saved: "could not check" joins the check's status
# (a failure of the setup still ranks above it).
want=$plain
[ "$plain" -lt 2 ] && want=3
expect_rc "$want" "FIFO: the run says the state cannot be saved"
expect_true "FIFO: it ends at once (${MR_MS} ms)" test "$MR_MS" -lt 5000
expect_grep "not a regular file" "$T/err" "FIFO: says why"
expect_true "FIFO: still a FIFO" test -p "$S/$D.json"
mr_run check $D --resolver "$RESOLVER" --timeout 2 --since-last \
    --state-dir "$S"
expect_grep "not a regular file" "$T/err" "FIFO: --since-last says why"
mr_run export $D --offline --state-dir "$S"
expect_true "FIFO: export --offline ends (${MR_MS} ms)" \
    test "$MR_MS" -lt 5000

# A corrupt state: set aside, and the run has the check's own status.
S=$T/corrupt
mkdir -p "$S"
echo '{ "format": "mailready-state", broken' > "$S/$D.json"
mr_run check $D --resolver "$RESOLVER" --timeout 2 --save --state-dir "$S"
expect_rc "$plain" "corrupt: the exit status is the check's ($plain)"
expect_grep "could not be read; it was moved to" "$T/err" \
    "corrupt: says where it went"
expect_true "corrupt: a new state was saved and loads" \
    python3 -c 'import json,sys; j=json.load(open(sys.argv[1]));
assert j["version"] == 3' "$S/$D.json"
for i in 1 2 3 4 5 6 7; do
    echo "broken $i" > "$S/$D.json"
    "$MAILREADY" check $D --resolver "$RESOLVER" --timeout 2 --save \
        --state-dir "$S" > /dev/null 2>&1
    sleep 1.05     # the aside names carry the time to the second
done
expect_true "corrupt eight times: five set aside are kept" \
    test "$(find "$S" -name "$D.json.corrupt-*" | wc -l)" = 5

# A key directory under umask 277 is 0700 all the same.
K=$T/keys/deep/er
( umask 277; "$MAILREADY" keygen --domain $D --selector s1 --out "$K" \
    > "$T/kg.out" 2>&1 )
expect_true "umask 277: the key directory is 0700" \
    test "$(stat -c %a "$K")" = 700
expect_true "umask 277: its parent too" \
    test "$(stat -c %a "$T/keys/deep")" = 700
expect_true "umask 277: the key is 0600" \
    test "$(stat -c %a "$K/s1.private")" = 600
