# t_dns_hostile.sh - slow and hostile DNS (issue 19 items 5, 6, 7): an
# overall deadline, a slow TCP fallback, truncated answers that cannot be
# completed and CNAME loops (zone: tests/zones/dns-hostile.test, relays:
# tests/dnsrelay.py).
. "$TOP/tests/lib.sh"

ZONE=$TOP/tests/zones/dns-hostile.test.zone

# The step's status in the last --json report (out.json).
step_status() {
    python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
print([c["status"] for c in j["checks"] if c["step"] == sys.argv[2]][0])' \
        "$T/out.json" "$1" 2>/dev/null
}

# ---- item 5: one deadline for the whole run ------------------------------
# Every answer comes 2.2 s late, under --timeout 3: the SPF chain of nine
# answers one after the other took 9 x 2.2 s.  With the default deadline
# (3 x --timeout = 9 s) the run ends in about 9 s and what was still
# pending is "could not check".
if relay_start --upstream "$RESOLVER" --delay-ms 2200; then
    MR_TIMEOUT=3 MR_RESOLVER=127.0.0.1:$RELAY_PORT mr_check dns-hostile.test
    echo "# check through a relay 2.2 s late per answer, --timeout 3:" \
         "${MR_MS} ms"
    expect_true "deadline: ended within 9 s + 1 s (${MR_MS} ms)" \
        test "$MR_MS" -lt 10000
    expect_true "deadline: and not before it (${MR_MS} ms)" \
        test "$MR_MS" -ge 8800
    expect_status spf error "deadline: SPF could not be checked"
    expect_json 'all(f["severity"] in ("error", "ok", "info")
                     for c in j["checks"] if c["step"] == "spf"
                     for f in c["findings"])' \
        "deadline: no SPF finding blames the setup"
    expect_json 'any("TIMEOUT" in f["message"] or f["id"] == "DNS_TIMEOUT"
                     for c in j["checks"] if c["step"] == "spf"
                     for f in c["findings"])' \
        "deadline: the pending SPF lookup is a time-out"
    cp "$T/out.json" "$T/deadline.json"
    expect_status mx ok "deadline: what was answered in time is kept"
    # (PTR_MISSING is real: NSD answers NXDOMAIN for mx1's address in a
    # reverse zone it serves, long before the deadline.)
    expect_json 'all(f["id"] == "PTR_MISSING" for c in j["checks"]
                     for f in c["findings"] if f["severity"] == "fail")' \
        "deadline: no failure from a lookup cut off"
    relay_stop
else
    mr_fail "deadline: relay" "dnsrelay.py did not start"
fi

# ---- item 6: a slow TCP fallback is accepted ------------------------------
# 64 MX records do not fit over UDP; the TCP answer comes 2 s late, within
# --timeout 3 (c-ares alone gave TCP a third of it).
if relay_start --upstream "$RESOLVER" --tcp-delay-ms 2000; then
    MR_TIMEOUT=3 MR_RESOLVER=127.0.0.1:$RELAY_PORT \
        mr_check big.dns-layer.test --trace
    echo "# 64 MX, TCP answer 2 s late, --timeout 3: ${MR_MS} ms"
    expect_status mx ok "slow TCP: the answer is taken"
    expect_grep 'answer big\.dns-layer\.test MX OK .* MX 64 mx-63\.big\.dns-layer\.test\.$' \
        "$T/err" "slow TCP: all 64 records"
    relay_stop
else
    mr_fail "slow TCP: relay" "dnsrelay.py did not start"
fi
# Both ways slow: UDP (truncated) after 1.5 s, TCP 1.5 s later; each
# answer within --timeout 3.
if relay_start --upstream "$RESOLVER" --delay-ms 1500; then
    MR_TIMEOUT=3 MR_RESOLVER=127.0.0.1:$RELAY_PORT \
        mr_check big.dns-layer.test --trace
    echo "# 64 MX, every answer 1.5 s late, --timeout 3: ${MR_MS} ms"
    expect_status mx ok "slow UDP then slow TCP: the answer is taken"
    relay_stop
else
    mr_fail "slow UDP and TCP: relay" "dnsrelay.py did not start"
fi

# ---- item 7: truncated answers and CNAME loops -----------------------------
# TC=1 and no records, over UDP and TCP: never "no SPF record".
if relay_start --upstream "$RESOLVER" --tc-empty dns-hostile.test/TXT \
        --tc-partial multi.dns-hostile.test/TXT; then
    hostile=127.0.0.1:$RELAY_PORT
    MR_RESOLVER=$hostile mr_check dns-hostile.test --trace
    expect_status spf error "TC=1, no records: SPF could not be checked"
    expect_json 'not any(f["id"] == "SPF_MISSING" for c in j["checks"]
                         for f in c["findings"])' \
        "TC=1, no records: not SPF_MISSING"
    expect_grep 'answer dns-hostile\.test TXT TRUNCATED' "$T/err" \
        "TC=1, no records: TRUNCATED in the trace"
    # TC=1 and one of the two SPF records: not trusted.
    MR_RESOLVER=$hostile mr_check multi.dns-hostile.test
    expect_status spf error "TC=1, part of the records: not trusted"
    relay_stop
else
    mr_fail "truncated: relay" "dnsrelay.py did not start"
fi
# Without the relay the same names give the real verdicts.
mr_check multi.dns-hostile.test
expect_ids spf "SPF_MULTIPLE" "multi: two SPF records (no relay)"

# CNAME loops: from the server (NSD) and from the zone file alike.
for src in server zone; do
    if [ $src = zone ]; then
        set -- --zone-file "$ZONE"
    else
        set --
    fi
    mr_check spfloop.dns-hostile.test "$@"
    expect_status spf error "$src: SPF behind a CNAME loop: could not check"
    expect_json 'not any(f["id"] == "SPF_MISSING" for c in j["checks"]
                         for f in c["findings"])' \
        "$src: SPF behind a CNAME loop: not SPF_MISSING"
    mr_check loop.dns-hostile.test --selector s1 "$@"
    expect_status dkim error "$src: DKIM selector in a CNAME loop: could not check"
    expect_status dmarc error "$src: DMARC record in a CNAME loop: could not check"
done
