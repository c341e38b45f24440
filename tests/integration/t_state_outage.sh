#!/bin/bash
# t_state_outage.sh - a run that cannot check a step (SERVFAIL, or no
# answer at all) keeps that step's last checked result in the state, and
# the next good run compares with it: no "fixed" after an outage, nothing
# printed when nothing changed (cron mails nothing).
#
# The same zone file, tests/zones/state-outage.test.zone, is read two
# ways: with --zone-file everything answers; served by NSD its
# _dmarc name answers SERVFAIL (tests/zones/SERVFAIL); the blackhole
# never answers anything.
set -u
. "$TOP/tests/lib.sh"

not_grep() {
    ! grep -E -q "$1" "$2"
}

D=state-outage.test
S=$T/state
ZF=(--zone-file "$TOP/tests/zones/$D.zone"
    --zone-file "$TOP/tests/zones/69.2.81.in-addr.arpa.zone" --no-network)
COMMON=(--selector s1 --state-dir "$S" --lang en)

# The saved step as JSON text (found, status, checked_at, findings).
saved() {
    python3 - "$S/$D.json" "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["steps"][sys.argv[2]]
print(json.dumps({k: s.get(k) for k in
                  ("status", "found", "checked_at", "findings",
                   "records")}, sort_keys=True))
PY
}
unchecked_at() {
    python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["steps"][sys.argv[2]]["unchecked_at"])' \
        "$S/$D.json" "$1"
}

# --- a good run ----------------------------------------------------------
mr_run check "$D" "${ZF[@]}" "${COMMON[@]}" --save
expect_rc 0 "good run: all OK"
dmarc_good=$(saved dmarc)
expect_true "good run: the DMARC record is kept in the state" \
    grep -q '"dmarc": \["v=DMARC1; p=reject; rua=mailto:dmarc@state-outage.test"\]' \
    <<< "$dmarc_good"

# --- DMARC answers SERVFAIL: that step only could not be checked ---------
sleep 1
mr_run check "$D" --resolver "$RESOLVER" --timeout 2 "${COMMON[@]}" \
    --save --since-last
expect_rc 3 "SERVFAIL on _dmarc: exit 3 (could not check)"
expect_grep 'Policy \(DMARC\): OK (→|->) could not check \(try again later\)$' \
    "$T/out" "SERVFAIL: DMARC could not be checked, said so"
expect_true "SERVFAIL: no other step reported (same records)" \
    test "$(grep -c '^[^ ]' "$T/out")" = 2
expect_true "SERVFAIL: never 'fixed' or 'broken'" \
    not_grep 'fixed|broken' "$T/out"
expect_true "SERVFAIL --save: the DMARC step keeps the last good result" \
    test "$(saved dmarc)" = "$dmarc_good"
expect_true "SERVFAIL --save: the failed try is noted (unchecked_at)" \
    test "$(unchecked_at dmarc)" != None
mx_good=$(saved mx)     # checked in this run

# --- nothing answers (blackhole): every step could not be checked ------
mr_run check "$D" --resolver "$BLACKHOLE" --timeout 1 "${COMMON[@]}" \
    --save --since-last
expect_rc 3 "blackhole: exit 3"
expect_grep 'Mail servers \(MX\): OK (→|->) could not check' "$T/out" \
    "blackhole: MX could not be checked"
expect_true "blackhole --save: MX keeps its records and status" \
    test "$(saved mx)" = "$mx_good"
expect_true "blackhole --save: DMARC still keeps the last good result" \
    test "$(saved dmarc)" = "$dmarc_good"
expect_true "blackhole: never 'fixed' or 'broken'" \
    not_grep 'fixed|broken' "$T/out"

# --- good again: compared with the last good run, nothing changed -------
sleep 1
mr_run check "$D" "${ZF[@]}" "${COMMON[@]}" --save --since-last
expect_rc 0 "good again: all OK"
expect_true "good again: no output (no 'fixed' after an outage)" \
    test ! -s "$T/out"
expect_true "good again: the steps are checked again (unchecked_at gone)" \
    test "$(unchecked_at dmarc)" = None
expect_true "good again: a fresh checked_at" \
    test "$(saved dmarc)" != "$dmarc_good"

# --- an outage at the very first run is saved as it is ------------------
rm -rf "$S"
mr_run check "$D" --resolver "$BLACKHOLE" --timeout 1 "${COMMON[@]}" \
    --save --since-last
expect_rc 3 "first run in an outage: exit 3"
expect_true "first run in an outage: saved as could not check" \
    grep -q '"status": "error"' <<< "$(saved mx)"
mr_run check "$D" "${ZF[@]}" "${COMMON[@]}" --save --since-last
expect_grep 'Mail servers \(MX\): could not check (→|->) OK' "$T/out" \
    "after a first run in an outage: MX is reported once it answers"
