#!/bin/bash
# t_batch.sh - `check --batch` (issue 18): for every domain of the test
# zones the batch's JSON line equals the single `check --json` of that
# domain (checked_at apart), in input order; the exit status is the worst;
# bad lines are reported by line and skipped; the in-flight cap holds (the
# relay counts the queries outstanding at once); text, --details,
# --save/--since-last, and the progress line only on a terminal.
source "$TOP/tests/lib.sh"

# Every apex of tests/zones/ (the reverse zones too), and one name that
# does not exist.
: > "$T/domains"
for f in "$TOP"/tests/zones/*.zone; do
    basename "$f" .zone >> "$T/domains"
done
echo nosuch.mx-clean.test >> "$T/domains"
ndom=$(wc -l < "$T/domains")

# The batch first, then each domain alone with the same options (no
# --selector: the DKIM step probes the well-known selectors, as it does by
# default).  The later cases name one selector.
OPTS=(--resolver "$RESOLVER" --timeout 2 --lang en)
mr_run check --batch "$T/domains" --json "${OPTS[@]}"
cp "$T/out" "$T/batch.jsonl"
batch_rc=$MR_RC
expect_true "batch: no stderr when stderr is no terminal" test ! -s "$T/err"
worst=0
mkdir -p "$T/single"
i=0
while read -r d; do
    i=$((i + 1))
    rc=0
    "$MAILREADY" check "$d" --json "${OPTS[@]}" > "$T/single/$i.json" \
        2>/dev/null || rc=$?
    # The worst by precedence, as for one check: fail (2) beats could
    # not check (3), which beats warnings (1).
    case $worst:$rc in
    2:*) ;;
    *:2) worst=2 ;;
    3:*) ;;
    *:3) worst=3 ;;
    *) [ "$rc" -gt "$worst" ] && worst=$rc ;;
    esac
done < "$T/domains"
expect_true "batch: one JSON line per domain ($ndom)" \
    test "$(wc -l < "$T/batch.jsonl")" -eq "$ndom"
cat > "$T/cmp.py" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
n = int(sys.argv[3])
bad = []
for i in range(n):
    single = json.load(open("%s/%d.json" % (sys.argv[2], i + 1)))
    try:
        batch = json.loads(lines[i])
    except (IndexError, ValueError) as e:
        bad.append("line %d: %s" % (i + 1, e))
        continue
    for o in (single, batch):
        o.pop("checked_at", None)
    if single != batch:
        bad.append("line %d (%s): batch %s\n   single %s" % (
            i + 1, single.get("domain"), json.dumps(batch)[:600],
            json.dumps(single)[:600]))
for b in bad:
    print(b)
print("%d domains, %d differ" % (n, len(bad)))
sys.exit(1 if bad else 0)
PY
if python3 "$T/cmp.py" "$T/batch.jsonl" "$T/single" "$ndom" > "$T/ctx"
then
    _mr_result ok "batch JSON = single check --json for every domain, in input order ($(tail -n 1 "$T/ctx"))"
else
    _mr_result fail "batch JSON = single check --json for every domain" \
        "$T/ctx"
fi
expect_true "batch: exit status $batch_rc = the worst single ($worst)" \
    test "$batch_rc" -eq "$worst"

# The same with what a single check takes besides the name (server
# addresses, one of them private, a host name): the declared intent is
# checked alike.
head -n 30 "$T/domains" > "$T/some"
XOPTS=(--server-ip 81.2.69.200 --server-ip 192.168.1.5 --hostname
       mx.bench-clean.test)
mr_run check --batch "$T/some" --json "${OPTS[@]}" "${XOPTS[@]}"
cp "$T/out" "$T/batch2.jsonl"
mkdir -p "$T/single2"
i=0
while read -r d; do
    i=$((i + 1))
    "$MAILREADY" check "$d" --json "${OPTS[@]}" "${XOPTS[@]}" \
        > "$T/single2/$i.json" 2>/dev/null
done < "$T/some"
if python3 "$T/cmp.py" "$T/batch2.jsonl" "$T/single2" 30 > "$T/ctx" &&
   grep -q SERVER_IP_NOT_PUBLIC "$T/batch2.jsonl"; then
    _mr_result ok "with --server-ip and --hostname too (intent findings seen; $(tail -n 1 "$T/ctx"))"
else
    _mr_result fail "with --server-ip and --hostname too" "$T/ctx"
fi
expect_true "batch: the statuses are mixed (ok, fail and error all seen)" \
    sh -c "grep -q '\"status\":\"ok\"' '$T/batch.jsonl' &&
           grep -q '\"status\":\"fail\"' '$T/batch.jsonl' &&
           grep -q '\"status\":\"error\"' '$T/batch.jsonl'"

OPTS=(--resolver "$RESOLVER" --timeout 2 --selector mail --lang en)

# Bad lines: reported with their number, the batch goes on.
{
    echo "# a comment"
    echo ""
    echo "   audit-parked.test   # trailing comment"
    echo "bad..name"
    head -c 3000 /dev/zero | tr '\0' a; echo
    printf 'spf-\000clean.test\n'
    echo "audit-parked.test"
} > "$T/mixed"
mr_run check --batch "$T/mixed" --json "${OPTS[@]}"
expect_rc 3 "bad lines: exit 3 (could not check; the domains are ok)"
expect_grep "mixed:4: 'bad\.\.name' skipped: not a valid domain name" \
    "$T/err" "bad lines: the bad name is reported with its line"
expect_grep "mixed:5: 'a+' skipped: the line is longer than 1024 bytes" \
    "$T/err" "bad lines: a line too long is reported, cut to 80 bytes"
expect_grep "mixed:6: .* skipped: the line holds a NUL byte" \
    "$T/err" "bad lines: a NUL byte is reported"
expect_true "bad lines: three messages on stderr" \
    test "$(wc -l < "$T/err")" -eq 3
expect_true "bad lines: the good domains are checked, in order" \
    test "$(python3 -c 'import json,sys
print(" ".join(json.loads(l)["domain"] for l in open(sys.argv[1])))' \
        "$T/out")" = "audit-parked.test audit-parked.test"

# Standard input, text: one line per domain with the worst finding.
printf 'mx-clean.test\nspf-missing.test\n' > "$T/two"
mr_run check --batch - "${OPTS[@]}" < "$T/two"
expect_true "text: one line per domain" test "$(wc -l < "$T/out")" -eq 2
expect_grep "^(✘|\[FAIL\]) spf-missing\.test: problems found: .*SPF" \
    "$T/out" "text: status tag, domain, status word, worst finding"
mr_run check --batch - --details "${OPTS[@]}" < "$T/two"
expect_true "--details: the full report of each domain" \
    test "$(grep -c "^Mail DNS report for " "$T/out")" -eq 2
mr_run check --batch "$T/two" mx-clean.test "${OPTS[@]}"
expect_rc 3 "DOMAIN and --batch together: usage error"
mr_run check mx-clean.test --details "${OPTS[@]}"
expect_rc 3 "--details without --batch: usage error"
mr_run check --batch "$T/nonexistent" "${OPTS[@]}"
expect_rc 3 "a batch file that cannot be opened: exit 3"
expect_grep "cannot open" "$T/err" "a batch file that cannot be opened: said"

# --save then --since-last: only the domains that changed are printed.
S=$T/state
mr_run check --batch "$T/two" --save --state-dir "$S" "${OPTS[@]}"
expect_true "--save: one state file per domain" \
    test "$(ls "$S" | grep -c json)" -eq 2
printf 'mx-clean.test\nspf-missing.test\nspf-clean.test\n' > "$T/three"
mr_run check --batch "$T/three" --since-last --state-dir "$S" --json \
    "${OPTS[@]}"
expect_true "--since-last: only the new domain is printed" \
    test "$(python3 -c 'import json,sys
print(" ".join(json.loads(l)["domain"] for l in open(sys.argv[1])))' \
        "$T/out")" = "spf-clean.test"

# The progress line: on a terminal only.
if script -qec "'$MAILREADY' check --batch '$T/domains' ${OPTS[*]} \
        > '$T/tty.out'" /dev/null > "$T/tty.err" 2>&1; then :; fi
expect_grep "[0-9]+/$ndom done, [0-9]+ failed, .*/s, .* left" "$T/tty.err" \
    "progress: done/total, failures, rate, time left on a terminal"
expect_true "progress: not in the output" \
    sh -c "! grep -q ' done, ' '$T/tty.out'"

# The in-flight cap: the relay counts the queries outstanding at once.
if relay_start --upstream "$RESOLVER" --delay-ms 40 --stats "$T/stats"; then
    RP=$RELAY_PORT
    mr_run check --batch "$T/domains" --json --max-inflight 7 \
        --resolver "127.0.0.1:$RP" --timeout 4 --selector mail --lang en
    relay_stop
    expect_true "cap 7: as many results as domains" \
        test "$(wc -l < "$T/out")" -eq "$ndom"
    max=$(sed -n 's/^max_outstanding //p' "$T/stats")
    q=$(sed -n 's/^queries //p' "$T/stats")
    expect_true "cap 7: at most 7 queries outstanding at the relay (saw ${max:-none} of $q)" \
        test "${max:-99}" -le 7
    expect_true "cap 7: the cap was reached (queries do overlap)" \
        test "${max:-0}" -eq 7
    rm -f "$T/stats"
    relay_start --upstream "$RESOLVER" --delay-ms 40 --stats "$T/stats"
    mr_run check --batch "$T/domains" --json --max-inflight 10000 \
        --resolver "127.0.0.1:$RELAY_PORT" --timeout 4 --selector mail
    relay_stop
    max=$(sed -n 's/^max_outstanding //p' "$T/stats")
    expect_true "no cap to speak of: more than 7 outstanding (saw ${max:-none}): the count can see a breach" \
        test "${max:-0}" -gt 7
else
    mr_fail "in-flight cap" "the relay did not start"
fi

# Memory is bounded by the domains in flight, not by the batch: 20000
# domains (names that do not exist, each asking its own dozen names, from
# a zone file) peak within 4 MiB of 2000 (without dns_trim() the cache
# held every answer: 17 -> 56 MiB).
cat > "$T/rss.py" <<'PY'
import os, subprocess, sys
n, zone, bin_ = int(sys.argv[1]), sys.argv[2], sys.argv[3]
path = os.path.join(os.environ["T"], "many%d" % n)
with open(path, "w") as f:
    for i in range(n):
        f.write("d%d.mx-clean.test\n" % i)
# Under AddressSanitizer freed memory waits in a quarantine (256 MiB by
# default), which is the sanitizer's RSS, not the batch's: measure with
# none, the other checks (leaks included) left on.
env = dict(os.environ)
if "ASAN_OPTIONS" in env:
    env["ASAN_OPTIONS"] += ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
p = subprocess.Popen([bin_, "check", "--batch", path, "--json",
                      "--no-network", "--zone-file", zone, "--selector",
                      "mail"], stdout=subprocess.PIPE,
                     stderr=subprocess.DEVNULL, env=env)
lines = sum(1 for _ in p.stdout)
_, status, ru = os.wait4(p.pid, 0)
print(ru.ru_maxrss, lines)
PY
read -r rss_small n_small < <(T=$T python3 "$T/rss.py" 2000 \
    "$TOP/tests/zones/mx-clean.test.zone" "$MAILREADY")
read -r rss_big n_big < <(T=$T python3 "$T/rss.py" 20000 \
    "$TOP/tests/zones/mx-clean.test.zone" "$MAILREADY")
expect_true "memory: every result of 2000 and 20000 domains written ($n_small, $n_big)" \
    test "${n_small:-0}" -eq 2000 -a "${n_big:-0}" -eq 20000
expect_true "memory: peak RSS of 20000 domains (${rss_big:-?} KiB) within 4 MiB of 2000 (${rss_small:-?} KiB)" \
    test "$(( ${rss_big:-999999} - ${rss_small:-0} ))" -lt 4096

# A very slow domain at the head (its MX query is never answered): the
# domains after it finish and wait in the window, and every result still
# comes out, in input order, the slow one with its time-out.
head -n 40 "$T/domains" | grep -v '^mx-clean\.test$' > "$T/rest"
{ echo mx-clean.test; cat "$T/rest"; } > "$T/slow"
nslow=$(wc -l < "$T/slow")
if relay_start --upstream "$RESOLVER" --drop mx-clean.test/MX; then
    mr_run check --batch "$T/slow" --json --max-inflight 5 \
        --resolver "127.0.0.1:$RELAY_PORT" --timeout 1 --selector mail
    relay_stop
    expect_true "slow head: all $nslow results, in input order" \
        test "$(python3 -c 'import json,sys
print(" ".join(json.loads(l)["domain"] for l in open(sys.argv[1])))' \
            "$T/out")" = "$(tr '\n' ' ' < "$T/slow" | sed 's/ $//')"
    expect_true "slow head: its MX step timed out (DNS_TIMEOUT)" \
        python3 -c 'import json,sys
j = json.loads(open(sys.argv[1]).readline())
mx = [c for c in j["checks"] if c["step"] == "mx"][0]
sys.exit(0 if any(f["id"] == "DNS_TIMEOUT" for f in mx["findings"]) else 1)' \
        "$T/out"
else
    mr_fail "slow head" "the relay did not start"
fi
