#!/bin/bash
# t_mx_zonefile.sh - `check --zone-file` answers exactly as an authoritative
# server would (issue 2 §7): each MX fixture zone served by NSD and read
# from its file gives identical findings.
#   served:       --resolver NSD
#   file+NSD:     --zone-file F --resolver NSD (names outside the zone from
#                 the same NSD): every step must be identical;
#   file alone:   --zone-file F, no resolver (names outside the zone go to
#                 the system resolver): the mx step must be identical.
source "$TOP/tests/lib.sh"

# same STEPS A.json B.json: findings (id, severity, message, fix), status
# and records of the steps ("all": every step, and the overall status).
same() {
    python3 - "$@" <<'PY'
import json, sys
steps, a, b = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
def view(j):
    out = {}
    for c in j.get("checks", []):
        if steps == "all" or c["step"] in steps.split(","):
            out[c["step"]] = {"status": c["status"],
                              "findings": c["findings"],
                              "records": c["records"]}
    if steps == "all":
        out["status"] = j.get("status")
    return out
va, vb = view(a), view(b)
if va == vb and va:
    sys.exit(0)
if not va:
    print("no step %s in the first report" % steps)
for k in sorted(set(va) | set(vb)):
    if va.get(k) != vb.get(k):
        print("differs in %s:\n  served: %s\n  file:   %s" % (
            k, json.dumps(va.get(k), ensure_ascii=False)[:1500],
            json.dumps(vb.get(k), ensure_ascii=False)[:1500]))
sys.exit(1)
PY
}

domains() {     # ZONEFILE -> the domains to check in it
    local apex
    apex=$(basename "$1" .zone)
    case $apex in
    mx-private.test)
        sed -n 's/^\([a-z0-9-]*\) MX .*/\1.mx-private.test/p' "$1" ;;
    mx-clean.test)
        echo "$apex"
        echo "nosuch.$apex" ;;
    *)  echo "$apex" ;;
    esac
}

n=0
for zf in "$TOP"/tests/zones/mx-*.zone; do
    for d in $(domains "$zf"); do
        n=$((n + 1))
        mr_check "$d"
        cp "$T/out.json" "$T/served.json"
        mr_check "$d" --zone-file "$zf"
        cp "$T/out.json" "$T/both.json"
        expect_true "$d: file+NSD identical to served (all steps)" \
            same all "$T/served.json" "$T/both.json"
        mr_run check "$d" --zone-file "$zf" --json --timeout 2
        cp "$T/out" "$T/file.json"
        expect_true "$d: file alone identical to served (mx)" \
            same mx "$T/served.json" "$T/file.json"
    done
done
expect_true "compared $n domains" test "$n" -ge 20

# The bench domain, every step, with its forward and reverse zones as files.
z=$TOP/tests/zones
mr_check bench-clean.test
cp "$T/out.json" "$T/served.json"
mr_check bench-clean.test --zone-file "$z/bench-clean.test.zone" \
    --zone-file "$z/69.2.81.in-addr.arpa.zone" \
    --zone-file "$z/7.1.c.0.8.f.4.0.1.0.a.2.ip6.arpa.zone"
cp "$T/out.json" "$T/both.json"
expect_true "bench-clean.test (3 zone files): identical to served" \
    same all "$T/served.json" "$T/both.json"
expect_json 'all(c["status"] == "ok" for c in j["checks"])' \
    "bench-clean.test from zone files: every step ok"

# A zone file that does not parse is refused with its line, exit 3.
printf '$ORIGIN broken.test.\n@ SOA ns1 h 1 2 3 4 5\n@ MX ten mx\n' \
    > "$T/broken.test.zone"
mr_run check broken.test --zone-file "$T/broken.test.zone" --json
expect_rc 3 "unparsable zone file: exit status 3"
expect_grep 'broken\.test\.zone' "$T/err" "unparsable zone file: named on stderr"
