# DMARC as a journey in the wizard: p=none with reports is "on track"
# (ℹ, the step OK, not ▲) during the monitoring period; when the saved
# state says the policy was first seen 15 days ago, the DMARC step
# proposes p=quarantine and says what the reports should show first;
# --dmarc-monitor-days makes the period longer.
. "$TOP/tests/wizard/wiz-lib.sh"

mkdir -p "$T/z"
cp "$WZ_DIR"/*.zone "$T/z/"
sed -i 's/p=reject; rua/p=none; rua/' "$T/z/wizard-ok.test.zone"
wz_zones "$T/z"
OPTS=(--server-ip 185.117.82.25 --hostname mail.wizard-ok.test)
ST=$T/state/wizard-ok.test.json

wz_start wizard-ok.test "${WZ_ZONES[@]}" "${OPTS[@]}"
screen_has "first visit" "Step 1: Mail servers"
tm_send 4
screen_has "DMARC step" "Step 4: Policy"
screen_has "p=none with reports: the step is OK" "Result: OK"
screen_has "on track, day 1 of 14" "On track: p=none with reports"
screen_has "day 1 of 14" "day 1 of 14"
tm_send q
expect_true "q quits (exit 0)" wz_gone
expect_true "the state keeps when p=none was first seen" \
    grep -q '"policy": "none"' "$ST"

# The policy was first seen 15 days ago (the state file says so).
python3 - "$ST" <<'PY'
import json, sys, time
p = sys.argv[1]
j = json.load(open(p))
j["dmarc_seen"]["first_seen"] = time.strftime(
    "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 15 * 86400))
json.dump(j, open(p, "w"), indent=2)
PY
wz_start wizard-ok.test "${WZ_ZONES[@]}" "${OPTS[@]}"
screen_has "coming back" "Welcome back"
tm_send Enter
tm_send 4
screen_has "15 days later: DMARC step" "Step 4: Policy"
screen_has "15 days later: warnings" "Result: warnings"
screen_has "15 days later: quarantine proposed, since when" \
    "▲ p=none with reports has been published since .* \(15 days\): time to"
screen_has "15 days later: what the reports should show" \
    "move to p=quarantine, once the aggregate reports show every legitimate"
tm_send q
expect_true "q quits (exit 0)" wz_gone

# A longer period: on track again.
wz_start wizard-ok.test "${WZ_ZONES[@]}" "${OPTS[@]}" \
    --dmarc-monitor-days 30
screen_has "--dmarc-monitor-days 30: welcome back" "Welcome back"
tm_send Enter
tm_send 4
screen_has "--dmarc-monitor-days 30: OK" "Result: OK"
screen_has "--dmarc-monitor-days 30: day 16 of 30" "day 16 of 30"
tm_send q
expect_true "q quits (exit 0)" wz_gone
