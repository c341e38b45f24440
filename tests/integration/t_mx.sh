#!/bin/bash
# t_mx.sh - the MX step (issue 2 §10; RFC 5321 §5.1, RFC 7505 null MX,
# RFC 2181 §10.3) against the fixture zones tests/zones/mx-*.zone.
# Only the mx step's findings and status are asserted: the other steps
# look at other records of the same domains.
source "$TOP/tests/lib.sh"

# mx_case DOMAIN "IDS" STATUS LABEL
mx_case() {
    mr_check "$1"
    expect_ids mx "$2" "$4: findings"
    expect_status mx "$3" "$4: mx $3"
}
sev_is() {   # ID SEVERITY LABEL
    expect_json "finding('mx', '$1') is not None and \
finding('mx', '$1')['severity'] == '$2'" "$3"
}

# A clean domain: two public servers, IPv4 and IPv6.
mx_case mx-clean.test "" ok "clean"
expect_json 'sorted((r["preference"], r["host"]) for r in records("mx")) == [(10, "mx1.mx-clean.test"), (20, "mx2.mx-clean.test")]' \
    "clean: both MX records with preference and host"
expect_json 'any("2a01:4f8:c17::160" in r["addresses"] for r in records("mx"))' \
    "clean: the IPv6 address of mx1 is reported"
expect_json 'j["domain"] == "mx-clean.test" and j["resolver"] and re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", j["checked_at"])' \
    "clean: JSON carries domain, resolver and an RFC 3339 UTC time"
expect_json '[c["step"] for c in j["checks"]][0] == "mx" and all(set(c) >= {"step", "status", "findings", "records"} for c in j["checks"])' \
    "clean: every check has step, status, findings, records"

# Input is normalised before any query: case and the trailing dot.
mr_check MX-Clean.TEST.
expect_json 'j["domain"] == "mx-clean.test"' "upper case + trailing dot normalised"
expect_ids mx "" "upper case + trailing dot: same findings as clean"

# The domain does not exist.
mx_case nosuch.mx-clean.test "DOMAIN_NXDOMAIN" fail "nxdomain"
sev_is DOMAIN_NXDOMAIN fail "nxdomain: a failure"

# No MX: falls back to the A/AAAA record (a warning that says so) ...
mx_case mx-missing-a.test "MX_MISSING" warn "no MX, has A"
sev_is MX_MISSING warn "no MX, has A: warn"
expect_json '"81.2.69.170" in finding("mx", "MX_MISSING")["message"]' \
    "no MX, has A: the message names the fallback address"
# ... and nothing to fall back to.
mx_case mx-missing.test "MX_MISSING" fail "no MX, no A"
sev_is MX_MISSING fail "no MX, no A: fail"

# Null MX (RFC 7505): alone it is a statement, not a problem.
mx_case mx-null.test "MX_NULL" ok "null MX"
sev_is MX_NULL info "null MX: info"
mx_case mx-null-mixed.test "MX_NULL_MIXED" fail "null MX mixed"
mx_case mx-null-pref.test "MX_NULL_PREFERENCE" warn "null MX, preference 10"

# Targets.  Fail when no target can take mail.
mx_case mx-target-ip.test "MX_TARGET_IP_LITERAL" fail "IP literal target"
expect_json '"81.2.69.174" in finding("mx", "MX_TARGET_IP_LITERAL")["message"]' \
    "IP literal: the message names it"
mx_case mx-target-noaddr.test "MX_TARGET_NO_ADDRESS" fail "target NODATA"
mx_case mx-target-nx.test "MX_TARGET_NXDOMAIN" fail "target NXDOMAIN"
expect_json '"gone.mx-target-nx.test" in finding("mx", "MX_TARGET_NXDOMAIN")["message"]' \
    "target NXDOMAIN: the message names the target"
# An MX target that is an alias is forbidden (RFC 2181 §10.3) but mail
# still flows through it in practice: a warning (see the report of issue 2).
mx_case mx-target-cname.test "MX_TARGET_CNAME" warn "CNAME target"
# A bad target beside a good one: a warning, not a failure.
mx_case mx-partly-bad.test "MX_TARGET_NXDOMAIN" warn "NXDOMAIN beside a good MX"
sev_is MX_TARGET_NXDOMAIN warn "NXDOMAIN beside a good MX: warn"
mx_case mx-partly-cname.test "MX_TARGET_CNAME" warn "CNAME beside a good MX"

# Addresses that cannot receive mail from the Internet.
for c in rfc1918-10:10.20.30.40 rfc1918-172:172.16.5.25 \
         rfc1918-192:192.168.1.25 loopback:127.0.0.25 loopback6:::1 \
         doc4:192.0.2.25 doc4b:198.51.100.25 doc4c:203.0.113.25 \
         doc6:2001:db8::25 shared:100.64.0.25 ula:fd12:3456:789a::25 \
         linklocal:169.254.10.25 linklocal6:fe80::25 \
         multicast:224.0.0.25 unspecified:0.0.0.0 thisnet:0.1.2.3 \
         both:10.0.0.25; do
    sub=${c%%:*}
    addr=${c#*:}
    mx_case "$sub.mx-private.test" "MX_TARGET_PRIVATE_ADDRESS" fail \
        "private address $addr"
    expect_json "'$addr' in finding('mx', 'MX_TARGET_PRIVATE_ADDRESS')['message']" \
        "private address $addr: named in the message"
done
# One public and one private address on the same server: a warning.
mx_case mixed.mx-private.test "MX_TARGET_PRIVATE_ADDRESS" warn \
    "public + private address"

# DNS that does not work is "could not check" (error), never a failure.
# The zone answers SERVFAIL: every step is an error, exit status 3.
mr_check www.mx-servfail.test
expect_ids mx "DNS_SERVFAIL" "SERVFAIL: finding"
expect_status mx error "SERVFAIL: mx error"
expect_status all error "SERVFAIL: overall error"
expect_rc 3 "SERVFAIL: exit status 3"

# A server that never answers: error, exit 3, within the --timeout bound.
for tmo in 2 3; do
    MR_RESOLVER=$BLACKHOLE MR_TIMEOUT=$tmo mr_check mx-clean.test
    echo "# blackhole, --timeout $tmo: ${MR_MS} ms"
    expect_ids mx "DNS_TIMEOUT" "timeout $tmo s: finding"
    expect_status mx error "timeout $tmo s: mx error"
    expect_status all error "timeout $tmo s: overall error"
    expect_rc 3 "timeout $tmo s: exit status 3"
    expect_true "timeout $tmo s: waited at least ${tmo} s (${MR_MS} ms)" \
        test "$MR_MS" -ge $((tmo * 1000 - 100))
    expect_true "timeout $tmo s: done within $tmo s + 1 s (${MR_MS} ms)" \
        test "$MR_MS" -le $((tmo * 1000 + 1000))
done

# Time-outs and SERVFAIL on single questions, through the relay.
relay_start --upstream "$RESOLVER" \
    --drop mx1.mx-clean.test/A --drop mx1.mx-clean.test/AAAA \
    --drop mx2.mx-clean.test/A --drop mx2.mx-clean.test/AAAA \
    --servfail mx-partly-bad.test/MX --drop gone.mx-partly-bad.test/AAAA
MR_RESOLVER=127.0.0.1:$RELAY_PORT mr_check mx-clean.test
expect_ids mx "DNS_TIMEOUT" "targets' addresses time out: finding"
expect_status mx error "targets' addresses time out: mx error"
expect_true "targets' addresses time out: within 2 s + 1 s (${MR_MS} ms)" \
    test "$MR_MS" -le 3000
MR_RESOLVER=127.0.0.1:$RELAY_PORT mr_check mx-partly-bad.test
expect_ids mx "DNS_SERVFAIL" "MX query SERVFAIL: finding"
expect_status mx error "MX query SERVFAIL: mx error"
relay_stop

# Text report: same exit status as the JSON, and the target named.
mr_check mx-target-nx.test
json_rc=$MR_RC
mr_run check mx-target-nx.test --resolver "$RESOLVER" --timeout 2
expect_rc "$json_rc" "text report: same exit status as --json"
expect_grep 'gone\.mx-target-nx\.test' "$T/out" "text report names the target"
