#!/bin/bash
# t_state_diff.sh - `check --save` / `--since-last` over a zone that changes
# between runs (two versions written here, read with --zone-file): the same
# domain goes from good to broken and back; --since-last reports exactly
# the change, with the exit status of check.  Also: a corrupt, a newer and
# an unreadable state file.
set -u
. "$TOP/tests/lib.sh"

D=state-diff.test
S=$T/state
Z=$T/zones
mkdir -p "$Z"

# Version 1: all good but DKIM (no selector given: a warning, the same in
# every run).  Version 2: the only MX points to a private address.
zone_v1() {
    cat > "$Z/d.zone" <<EOF
\$ORIGIN $D.
\$TTL 300
@ SOA ns.$D. h.$D. $1 7200 3600 1209600 300
@ NS ns.$D.
ns A 45.67.89.2
@ MX 10 mx.$D.
mx A 45.67.89.25
@ TXT "v=spf1 ip4:45.67.89.25 -all"
_dmarc TXT "v=DMARC1; p=reject; rua=mailto:d@$D"
EOF
}
zone_v2() {
    zone_v1 "$1"
    sed -i "s/^@ MX 10 mx\\.$D\\./@ MX 10 priv.$D./" "$Z/d.zone"
    echo "priv A 10.1.2.3" >> "$Z/d.zone"
}
cat > "$Z/rev.zone" <<EOF
\$ORIGIN 89.67.45.in-addr.arpa.
\$TTL 300
@ SOA ns.$D. h.$D. 1 7200 3600 1209600 300
@ NS ns.$D.
25 PTR mx.$D.
EOF

ARGS=(--zone-file "$Z/d.zone" --zone-file "$Z/rev.zone" --no-network
      --server-ip 45.67.89.25 --state-dir "$S" --lang en)

# The exit status and JSON status that plain `check` gives now.
plain_rc() {
    PLAIN_RC=0
    "$MAILREADY" check "$D" "${ARGS[@]}" --json > "$T/plain.json" \
        2>/dev/null || PLAIN_RC=$?
}

not_grep() {
    ! grep -E -q "$1" "$2"
}

saved_at() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))
["checked_at"])' "$S/$D.json" 2>/dev/null
}

# --- first run: nothing saved -------------------------------------------
zone_v1 1
plain_rc
mr_run check "$D" "${ARGS[@]}" --save --since-last
expect_rc "$PLAIN_RC" "first --save --since-last: exit status of check"
expect_grep "^First check of $D" "$T/out" "first run says it is the first"
expect_grep 'Mail servers \(MX\): not checked .* OK \(first check\)' \
    "$T/out" "first run lists MX as first check"
expect_true "state file written with mode 0600" \
    test "$(stat -c %a "$S/$D.json")" = 600
expect_true "state directory made with mode 0700" \
    test "$(stat -c %a "$S")" = 700

# --- same zone again: nothing changed, nothing printed ---------------------
sleep 1
mr_run check "$D" "${ARGS[@]}" --save --since-last
expect_rc "$PLAIN_RC" "unchanged zone: exit status of check"
expect_true "unchanged zone: no output (cron mails nothing)" \
    test ! -s "$T/out"
before_v2=$(saved_at)

# --- version 2: MX broken; --since-last --json without --save ------------
zone_v2 2
plain_rc
expect_true "v2 really fails (plain check exit 2)" test "$PLAIN_RC" = 2
mr_run check "$D" "${ARGS[@]}" --since-last --json
cp "$T/out" "$T/out.json"
expect_rc 2 "v2 --since-last --json: exit 2 (fail), like check"
expect_json 'j["domain"] == "state-diff.test" and j["status"] == "fail"' \
    "v2 JSON: domain and status"
expect_json "j['since'] == '$before_v2'" "v2 JSON: since is the saved time"
expect_json '[{k: v for k, v in c.items() if k != "records"}
    for c in j["changes"]] == [{"step": "mx", "change": "newly_broken",
    "before": "ok", "after": "fail",
    "appeared": ["MX_TARGET_PRIVATE_ADDRESS"], "gone": []}]' \
    "v2 JSON: exactly the MX change"
expect_json '[(r["id"], r["args"]) for r in j["changes"][0]["records"]
    ] == [("CHANGE_MX_REPLACED",
           ["priv.state-diff.test", "mx.state-diff.test"])]' \
    "v2 JSON: the MX record change, id and arguments"
expect_true "--since-last alone does not save" \
    test "$(saved_at)" = "$before_v2"

mr_run check "$D" "${ARGS[@]}" --save --since-last
expect_rc 2 "v2 --save --since-last: exit 2"
expect_true "v2 text: exactly one changed step, after the heading" \
    test "$(grep -c '^[^ ]' "$T/out")" = 2
expect_grep "^Changes in $D since $before_v2:" "$T/out" \
    "v2 text: heading with the saved time"
expect_grep 'Mail servers \(MX\): OK (→|->) problems found \(newly broken\)$' \
    "$T/out" "v2 text: MX newly broken"
expect_grep '^    The MX now points to priv\.state-diff\.test instead of mx\.state-diff\.test\.$' \
    "$T/out" "v2 text: the MX change in words"
joined_out
expect_grep '^    new: The mail server priv\.state-diff\.test has the address 10\.1\.2\.3, which cannot be reached' \
    "$T/out.joined" "v2 text: the new finding as a sentence"
expect_grep '^         cannot be reached from the Internet' "$T/out" \
    "v2 text: its wrapped line hangs under the text after \"new: \""
expect_true "v2 text: every line fits 80 columns" \
    bash -c "! awk 'length > 80' '$T/out' | grep -q ."
expect_true "v2 text: no bare finding id" \
    not_grep '[A-Z][A-Z0-9]*_[A-Z0-9_]{3,}' "$T/out"

# --- back to version 1: fixed ------------------------------------------------
sleep 1
zone_v1 3
plain_rc
mr_run check "$D" "${ARGS[@]}" --save --since-last
expect_rc "$PLAIN_RC" "v1 again: exit status of check"
expect_true "v1 again: exactly one changed step" \
    test "$(grep -c '^[^ ]' "$T/out")" = 2
expect_grep 'Mail servers \(MX\): problems found (→|->) OK \(fixed\)$' \
    "$T/out" "v1 again: MX fixed"
expect_grep '^    gone: The mail server priv\.state-diff\.test has the address 10\.1\.2\.3' \
    "$T/out" "v1 again: the finding that went, as a sentence"
expect_true "v1 again: no bare finding id" \
    not_grep '[A-Z][A-Z0-9]*_[A-Z0-9_]{3,}' "$T/out"
python3 - "$S/$D.json" > "$T/first.txt" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["steps"]["mx"]
print(s["first_passed_at"], s["checked_at"], s["status"])
PY
read -r first checked st < "$T/first.txt"
expect_true "first_passed_at kept from the first run, not reset" \
    test "$first" != "$checked"
expect_true "MX saved as ok" test "$st" = ok

# --- could not check: no zone for the domain (offline) ---------------------
mr_run check "$D" --zone-file "$Z/rev.zone" --no-network \
    --server-ip 45.67.89.25 --state-dir "$S" --lang en --save --since-last
expect_rc 3 "nothing answers: exit 3 (could not check)"
expect_grep 'Mail servers \(MX\): OK (→|->) could not check' "$T/out" \
    "nothing answers: MX could not check"
mr_run check "$D" "${ARGS[@]}" --save --since-last
expect_rc "$PLAIN_RC" "answers again: exit status of check"
expect_true "answers again: nothing changed since the last good run, no \
output (no \"fixed\" after an outage)" test ! -s "$T/out"

# --- Spanish -------------------------------------------------------------------
zone_v2 4
mr_run check "$D" "${ARGS[@]}" --since-last --lang es
expect_grep '^Cambios en state-diff.test desde ' "$T/out" \
    "Spanish heading"

# --- a corrupt state file is set aside, never overwritten -----------------------
zone_v1 5
plain_rc
printf '{"format": "mailready-state", "vers' > "$S/$D.json"
mr_run check "$D" "${ARGS[@]}" --save --since-last
expect_rc "$PLAIN_RC" "corrupt state: exit status of check"
expect_grep "could not be read; it was moved to $S/$D.json.corrupt-" \
    "$T/err" "corrupt state: the message says where it went"
aside=$(ls "$S/$D.json.corrupt-"* 2>/dev/null | head -n 1)
expect_true "corrupt state: the old bytes are kept aside" \
    grep -q '"vers$' "$aside"
expect_grep "^First check of $D" "$T/out" "corrupt state: starts afresh"
expect_true "corrupt state: a new state is saved" \
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$S/$D.json"

# --- a newer format is set aside as .newer- -----------------------------------
echo '{"format": "mailready-state", "version": 7, "domain": "'$D'"}' \
    > "$S/$D.json"
mr_run check "$D" "${ARGS[@]}" --save
expect_grep "newer version of mailready; it was moved to $S/$D.json.newer-" \
    "$T/err" "newer state: the message says where it went"
expect_true "newer state: kept as it was" \
    grep -q '"version": 7' "$S/$D.json.newer-"*

# --- an unreadable state is left alone and not saved over ----------------------
rm -f "$S/$D.json"
mkdir "$S/$D.json"
mr_run check "$D" "${ARGS[@]}" --save
expect_rc 3 "unreadable state: exit 3 (not saved), warnings otherwise"
expect_grep "it is left as it is and nothing will be saved over it" \
    "$T/err" "unreadable state: says so"
expect_true "unreadable state: left in place" test -d "$S/$D.json"
rmdir "$S/$D.json"
