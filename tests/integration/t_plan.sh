#!/bin/bash
# t_plan.sh - `mailready plan` against a real BIND 9 that takes dynamic
# updates (tests/bind-lib.sh) serving the zones of tests/plan/: zones that
# are partly right, weak, duplicated, CNAME'd, hijacked.  For each: the
# nsupdate script applies, the zone still loads (AXFR + named-checkzone),
# nothing got weaker (tests/plan_weaker.py on the zone before and after),
# the checks pass where the plan could fix them, and planning again gives
# nothing to do.
set -u
. "$TOP/tests/lib.sh"
. "$TOP/tests/bind-lib.sh"

trap bind_stop EXIT
if ! bind_start "$T/bind" "$TOP"/tests/plan/*.zone > "$T/ctx" 2>&1; then
    _mr_result fail "plan: BIND 9 starts on loopback" "$T/ctx"
    exit 0
fi
R=127.0.0.1:$BIND_PORT
IP=81.7.12.34

plan() {    # DOMAIN OPTION...
    mr_run plan "$@" --resolver "$R" --timeout 2 --state-dir "$T/state"
}

# Apply the plan of DOMAIN with the options given; check everything the
# issue asks of an applied plan.
apply_case() {   # DOMAIN OPTION...
    local d=$1
    bind_axfr "$d" "$T/$d.before" > "$T/ctx" 2>&1 ||
        _mr_result fail "$d: zone loads before" "$T/ctx"
    plan "$@" --format nsupdate
    expect_rc 1 "$d: plan has changes (exit 1)"
    cp "$T/out" "$T/$d.nsupdate"
    expect_true "$d: the nsupdate script applies" bind_update "$T/$d.nsupdate"
    expect_true "$d: the zone still loads after the update" \
        bind_axfr "$d" "$T/$d.after"
    expect_true "$d: no record got weaker" \
        python3 "$TOP/tests/plan_weaker.py" "$d" "$T/$d.before" "$T/$d.after"
    plan "$@" --format json
    cp "$T/out" "$T/out.json"
    expect_rc 0 "$d: planning again: exit 0"
    expect_json 'j["status"] == "nothing-to-do" and j["changes"] == []' \
        "$d: planning again: nothing to do"
}

after_check() {   # DOMAIN STEP... (steps that must be ok)
    local d=$1 s
    shift
    MR_RESOLVER=$R mr_check "$d" --server-ip "$IP" --hostname "mail.$d"
    for s in "$@"; do
        expect_status "$s" ok "$d: after the update, check says $s ok"
    done
}

# --- 1. v=spf1 mx -all (ok): kept as is; only DMARC is added ------------------
plan plan-spfmx.test --ip $IP --hostname mail.plan-spfmx.test \
    --rua dmarc@plan-spfmx.test --format json
cp "$T/out" "$T/out.json"
expect_json 'not [c for c in j["changes"] if c["step"] in ("spf", "mx")]' \
    "spfmx: a working SPF (mx -all) and MX get no change"
expect_json '([c["action"] for c in j["changes"]] == ["add"] and
    j["changes"][0]["name"] == "_dmarc.plan-spfmx.test.")' \
    "spfmx: the one change adds the DMARC record"
plan plan-spfmx.test --ip $IP --hostname mail.plan-spfmx.test \
    --rua dmarc@plan-spfmx.test
expect_grep 'Allowed senders \(SPF\): nothing to publish' "$T/out" \
    "spfmx: text says nothing to publish for SPF"
apply_case plan-spfmx.test --ip $IP --hostname mail.plan-spfmx.test \
    --rua dmarc@plan-spfmx.test
expect_grep '"v=spf1 mx -all"' "$T/plan-spfmx.test.after" \
    "spfmx: v=spf1 mx -all still published, unchanged"
after_check plan-spfmx.test mx spf

# --- DKIM: a key from keygen is published by the plan -------------------------
mr_run keygen --domain plan-spfmx.test --selector s1 --out "$T/keys"
expect_rc 0 "keygen for plan-spfmx.test"
apply_case plan-spfmx.test --ip $IP --hostname mail.plan-spfmx.test \
    --rua dmarc@plan-spfmx.test --selector s1 \
    --dkim-key "$T/keys/s1.private"
MR_RESOLVER=$R mr_check plan-spfmx.test --selector s1 --dkim-key "$T/keys/s1.private"
expect_status dkim ok "spfmx: after the update, the DKIM key checks ok"

# --- 2. DMARC p=none with rua: the rua is never dropped -----------------------
plan plan-rua.test --ip $IP --hostname mail.plan-rua.test --format json
cp "$T/out" "$T/out.json"
expect_rc 0 "rua: answers without rua: nothing to do (exit 0)"
expect_json 'j["status"] == "nothing-to-do"' \
    "rua: a p=none record with rua is not replaced by v=DMARC1; p=none"
apply_case plan-rua.test --ip $IP --hostname mail.plan-rua.test \
    --dmarc-stage quarantine
expect_grep 'p=quarantine.*rua=mailto:dmarc@plan-rua.test' \
    "$T/plan-rua.test.after" "rua: raised to quarantine, rua kept"

# --- 3. two SPF records: merged, the include kept -----------------------------
# The checklist shows the same plan: what to delete, then what to add.
mr_run export plan-spf2.test --resolver "$R" --timeout 2 \
    --state-dir "$T/state" --server-ip $IP --hostname mail.plan-spf2.test
expect_rc 0 "spf2: export writes the checklist"
expect_grep 'Delete from your zone:' "$T/out" \
    "spf2: the checklist lists the records to delete"
expect_grep 'Value: +v=spf1 include:_spf.plan-spf2.test mx ip4:81.7.12.34 -all' \
    "$T/out" "spf2: the checklist adds the merged record, as plan does"
expect_grep '^; delete: plan-spf2.test. [0-9]+ IN TXT "v=spf1 mx ~all"' \
    "$T/out" "spf2: the zone snippet names the deletion as a comment"
apply_case plan-spf2.test --ip $IP --hostname mail.plan-spf2.test \
    --rua dmarc@plan-spf2.test
expect_grep 'include:_spf.plan-spf2.test' "$T/plan-spf2.test.after" \
    "spf2: the merged record keeps include:_spf.plan-spf2.test"
expect_true "spf2: one SPF record left at the apex" test "$(grep -c \
    '^plan-spf2\.test\..*"v=spf1 ' "$T/plan-spf2.test.after")" -eq 1
after_check plan-spf2.test spf

# --- 4. the MX host is a CNAME: the alias goes first --------------------------
plan plan-cname.test --ip $IP --hostname mail.plan-cname.test --format json
cp "$T/out" "$T/out.json"
expect_json '([(c["action"], c["type"]) for c in j["changes"]
    if c["name"] == "mail.plan-cname.test."] ==
    [("delete", "CNAME"), ("add", "A")])' \
    "cname: delete the CNAME, then add the A record"
apply_case plan-cname.test --ip $IP --hostname mail.plan-cname.test
after_check plan-cname.test mx spf

# --- 5. hijacked MX: replaced by the declared server ---------------------------
plan plan-hijack.test --ip $IP --hostname mail.plan-hijack.test --format json
cp "$T/out" "$T/out.json"
expect_json '(any(c["action"] == "delete" and c["type"] == "MX" and
    "elsewhere" in c["data"] for c in j["changes"]))' \
    "hijack: the MX that is not the declared server goes"
apply_case plan-hijack.test --ip $IP --hostname mail.plan-hijack.test
after_check plan-hijack.test mx spf

# --- +all: raised to ~all, and the server still named (a pass by +all is
# no pass of the server's own) -------------------------------------------------
apply_case plan-plusall.test --ip $IP --hostname mail.plan-plusall.test
expect_grep 'TXT[[:space:]]+"v=spf1 ip4:81.7.12.34 ~all"' "$T/plan-plusall.test.after" \
    "plusall: +all becomes ~all with the server's address"
after_check plan-plusall.test spf

# --- 6. weaker answers are refused without --allow-weaker ----------------------
plan plan-weak.test --ip $IP --hostname mail.plan-weak.test \
    --dmarc-stage none --format json
cp "$T/out" "$T/out.json"
expect_rc 2 "weak: a lower DMARC policy is refused (exit 2)"
expect_json '(any(f["id"] == "PLAN_WEAKER" for f in j["findings"]) and
    not [c for c in j["changes"] if c["step"] == "dmarc"])' \
    "weak: PLAN_WEAKER, and no DMARC change"
plan plan-weak.test --ip $IP --hostname mail.plan-weak.test \
    --spf-all soft --format json
cp "$T/out" "$T/out.json"
expect_rc 2 "weak: ~all over a published -all is refused (exit 2)"
expect_json 'not [c for c in j["changes"] if c["step"] == "spf"]' \
    "weak: the SPF record is not touched"
plan plan-weak.test --ip $IP --hostname mail.plan-weak.test \
    --dmarc-stage none --allow-weaker --format json
cp "$T/out" "$T/out.json"
expect_rc 1 "weak: with --allow-weaker the change is planned (exit 1)"
expect_json '(any(c["action"] == "add" and "p=none" in c["data"] and
    "adkim=s" in c["data"] and "rua=" in c["data"] for c in j["changes"]))' \
    "weak: --allow-weaker lowers p only; adkim=s and rua kept"

# --- 7. all good: nothing to do, said plainly ---------------------------------
plan plan-clean.test --ip $IP --hostname mail.plan-clean.test \
    --rua dmarc@plan-clean.test
expect_rc 0 "clean: exit 0"
expect_grep '^Nothing to publish' "$T/out" "clean: says nothing to publish"
mr_run export plan-clean.test --resolver "$R" --timeout 2 \
    --state-dir "$T/state" --server-ip $IP --hostname mail.plan-clean.test
expect_grep 'Nothing to publish: what is published already meets' "$T/out" \
    "clean: the checklist says nothing to publish"
plan plan-clean.test --ip $IP --hostname mail.plan-clean.test \
    --rua dmarc@plan-clean.test --format nsupdate
expect_true "clean: the nsupdate script is empty" test ! -s "$T/out"

# --- saved answers stand in for the options ------------------------------------
mr_run check plan-clean.test --resolver "$R" --timeout 2 --save \
    --state-dir "$T/state" --server-ip $IP --hostname mail.plan-clean.test
plan plan-clean.test --format json
cp "$T/out" "$T/out.json"
expect_json '[c for c in j["changes"] if c["step"] in ("mx", "spf")] == []' \
    "saved answers: the plan uses them (no MX/SPF change for clean)"

# --- could not check: exit 3, no change proposed -----------------------------
mr_run plan plan-clean.test --resolver "$BLACKHOLE" --timeout 1 \
    --ip $IP --hostname mail.plan-clean.test --format json
cp "$T/out" "$T/out.json"
expect_rc 3 "blackhole: could not check (exit 3)"
expect_json 'j["status"] == "error" and j["changes"] == []' \
    "blackhole: status error, no change proposed"

bind_stop
