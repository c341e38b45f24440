# Selectors found by the DKIM check's discovery are kept in the saved
# answers, so the next run looks at them by name: `check --save
# --since-last` reports the key gone, and the wizard's next visit checks
# the selector again.
. "$TOP/tests/wizard/wiz-lib.sh"

mkdir -p "$T/z"
cp "$WZ_DIR"/*.zone "$T/z/"
# The key at a selector that discovery tries (s1), not the dated one.
sed 's/^202401\._domainkey/s1._domainkey/' "$WZ_DIR/wizard-ok.test.zone" \
    > "$T/z/wizard-ok.test.zone"
cp "$T/z/wizard-ok.test.zone" "$T/with-key.zone"
wz_zones "$T/z"

wz_start wizard-ok.test "${WZ_ZONES[@]}" --server-ip 185.117.82.25 \
    --hostname mail.wizard-ok.test
screen_has "first visit: MX" "Result: OK"
tm_send 3
screen_has "DKIM: the key found by discovery" "s1\._domainkey\.wizard-ok\.test"
tm_send q
expect_true "q quits" wz_gone
expect_json_file() {
    python3 -c "import json,sys; j=json.load(open(sys.argv[1])); \
sys.exit(0 if ($2) else 1)" "$1"
}
expect_true "the discovered selector is saved with the answers" \
    expect_json_file "$T/state/wizard-ok.test.json" \
    "'s1' in [s['name'] for s in j['answers']['selectors']]"

# The admin removes the key by mistake; cron's check says so.
awk '/^s1\._domainkey/ { skip = 1 } !skip { print } skip && /\)/ { skip = 0 }' \
    "$T/with-key.zone" > "$T/z/wizard-ok.test.zone"
mr_run check wizard-ok.test "${WZ_ZONES[@]}" --state-dir "$T/state" \
    --save --since-last
expect_rc 2 "check --since-last: problems found"
expect_grep "DKIM.*newly broken" "$T/out" \
    "check --since-last: DKIM newly broken"
expect_grep "^    DKIM selector s1 was removed\.$" "$T/out" \
    "check --since-last: the selector removed, in words"
expect_grep "^    new: There is no DKIM key at s1\._domainkey\.wizard-ok\.test" \
    "$T/out" "check --since-last: the key at the saved selector is missing"
expect_true "the selector is still saved" \
    expect_json_file "$T/state/wizard-ok.test.json" \
    "'s1' in [s['name'] for s in j['answers']['selectors']]"

# Published again: the wizard's next visit checks s1 by name.
cp "$T/with-key.zone" "$T/z/wizard-ok.test.zone"
wz_start wizard-ok.test "${WZ_ZONES[@]}"
screen_has "coming back shows what changed" "Welcome back"
screen_has "DKIM is fixed" "Signatures \(DKIM\): fixed"
tm_send Enter 3
screen_has "DKIM: the saved selector checked again" \
    "s1\._domainkey\.wizard-ok\.test"
tm_send q
expect_true "q quits" wz_gone
