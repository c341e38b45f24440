#!/bin/bash
# t_dmarc_journey.sh - DMARC as a journey: p=none with reports is "on
# track" (OK, an info finding) during the monitoring period, dated from
# when the state first saw it; after the period a warning proposes
# p=quarantine; after a period at quarantine, p=reject is proposed.
# p=none without reports stays a warning.  The date of a state saved "15
# days ago" is written into the state file by the test (the file is the
# interface; nothing in mailready is faked).
set -u
. "$TOP/tests/lib.sh"

D=state-outage.test
S=$T/state
Z=$T/zones
mkdir -p "$Z"

# The fixture, with the DMARC policy of each case.
zone_with() {
    sed "s/^_dmarc TXT .*/_dmarc TXT \"$1\"/" \
        "$TOP/tests/zones/$D.zone" > "$Z/d.zone"
}
ARGS=(--zone-file "$Z/d.zone"
      --zone-file "$TOP/tests/zones/69.2.81.in-addr.arpa.zone"
      --no-network --selector s1 --state-dir "$S" --lang en)
RUA="rua=mailto:dmarc@$D"

# Set the saved first-seen date N days back (and check it was there).
age_state() {
    python3 - "$S/$D.json" "$1" <<'PY'
import json, sys, time
p, days = sys.argv[1], int(sys.argv[2])
j = json.load(open(p))
seen = j["dmarc_seen"]
seen["first_seen"] = time.strftime(
    "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - days * 86400))
json.dump(j, open(p, "w"), indent=2)
PY
}
dmarc_ids() {   # the DMARC findings as "ID:severity ..." from out.json
    python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
s = [x for x in j["checks"] if x["step"] == "dmarc"][0]
print(s["status"], " ".join(f["id"] + ":" + f["severity"]
                           for f in s["findings"]))' "$T/out.json"
}
expect_json_file() {   # FILE EXPR LABEL
    cp "$1" "$T/out.json"
    expect_json "$2" "$3"
}
run_json() {
    mr_run check "$D" "${ARGS[@]}" --json "$@"
    cp "$T/out" "$T/out.json"
}

# --- p=none with reports, first seen now: on track -------------------------
zone_with "v=DMARC1; p=none; $RUA"
run_json --save
expect_rc 0 "p=none with reports, day 1: exit 0 (OK)"
expect_true "day 1: DMARC ok with the info finding, no warning" \
    test "$(dmarc_ids)" = "ok DMARC_MONITORING:info"
expect_json '"(day 1 of 14 of monitoring)" in [f for s in j["checks"]
    if s["step"] == "dmarc" for f in s["findings"]][0]["message"]' \
    "day 1 of 14"
expect_json_file "$S/$D.json" 'j["dmarc_seen"]["policy"] == "none"' \
    "the state keeps the policy and when it was first seen"
mr_run check "$D" "${ARGS[@]}"
expect_grep '^  ℹ On track: p=none with reports, published since ' \
    "$T/out" "text: on track, with the ℹ tag, not ▲"
expect_true "text: the DMARC step is OK" \
    grep -q '^✔ Policy (DMARC): OK' "$T/out"

# --- the state says it was first seen 15 days ago: time for quarantine ------
age_state 15
run_json
expect_rc 1 "15 days at p=none: exit 1 (warnings)"
expect_true "15 days: the warning proposes quarantine" \
    test "$(dmarc_ids)" = "warn DMARC_POLICY_NONE:warn"
expect_json '"(15 days): time to move to p=quarantine" in [f
    for s in j["checks"] if s["step"] == "dmarc"
    for f in s["findings"]][0]["message"]' \
    "15 days: says since when, and proposes p=quarantine"
expect_json '"every legitimate sender of yours passing SPF or DKIM aligned" in [f
    for s in j["checks"] if s["step"] == "dmarc"
    for f in s["findings"]][0]["message"]' \
    "15 days: says what the reports should show first"
run_json --dmarc-monitor-days 30
expect_rc 0 "15 days with --dmarc-monitor-days 30: still on track"
expect_json '"(day 16 of 30 of monitoring)" in [f for s in j["checks"]
    if s["step"] == "dmarc" for f in s["findings"]][0]["message"]' \
    "--dmarc-monitor-days 30: day 16 of 30"
mr_run check "$D" "${ARGS[@]}" --dmarc-monitor-days 0
expect_rc 3 "--dmarc-monitor-days 0 is refused (usage)"
expect_grep 'dmarc-monitor-days takes a number from 1 to 365' \
    "$T/err" "--dmarc-monitor-days: the range is said"

# --- the admin moves to quarantine: the date starts again ------------------
zone_with "v=DMARC1; p=quarantine; $RUA"
run_json --save
expect_rc 0 "quarantine, day 1: OK, nothing proposed yet"
expect_true "quarantine day 1: no finding" test "$(dmarc_ids)" = "ok "
expect_json_file "$S/$D.json" 'j["dmarc_seen"]["policy"] == "quarantine"' \
    "the state notes the new policy"
age_state 15
run_json --save
expect_rc 0 "15 days at quarantine: still OK"
expect_true "15 days at quarantine: reject proposed (info)" \
    test "$(dmarc_ids)" = "ok DMARC_MOVE_TO_REJECT:info"

# --- p=none without reports: no journey, a warning at once ---------------
zone_with "v=DMARC1; p=none"
run_json --save
expect_rc 1 "p=none without reports: warnings"
expect_true "no reports: DMARC_POLICY_NONE and DMARC_NO_RUA warn" \
    test "$(dmarc_ids)" = "warn DMARC_POLICY_NONE:warn DMARC_NO_RUA:warn"
expect_json_file "$S/$D.json" '"dmarc_seen" not in j' \
    "no reports: no date kept"
