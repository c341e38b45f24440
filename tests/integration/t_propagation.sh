#!/bin/bash
# t_propagation.sh - is it published yet?  Two NSDs on 127.0.0.2 and
# 127.0.0.3 (same port, so --auth-port reaches both) serve the test zones;
# Unbound on 127.0.0.1 has stub zones to them and caches.  The zones
# change after Unbound has cached the old version: the check asks the
# name servers directly and says what is published where and how long
# the resolver may keep the old answer, with the numbers of the zone.
#
#   prop.test   v1 -> v2 on both: _dmarc added (the name was missing:
#               negative TTL = min(SOA TTL 600, SOA minimum 120) = 120),
#               the SPF changed (TTL 300), sel1._domainkey removed (TTL 240)
#   split.test  v2 on 127.0.0.2, v1 on 127.0.0.3: the servers disagree
#   lame.test   NS also at 127.0.0.4 (a blackhole: silent) and 127.0.0.5
#               (an NSD serving another zone: REFUSED)
#   wait.test   TTL 3: --wait returns once the cache has let go
#   v6.test     its only name server is on ::1 (AAAA, no A)
#   82.117.185.in-addr.arpa  v1 -> v2 on both: the PTR of 185.117.82.25
#               added (negative TTL 120), and mail2.prop.test A added in
#               prop.test v2 (the host name that confirms it)
set -u
. "$TOP/tests/lib.sh"
. "$TOP/tests/nsd-lib.sh"
. "$TOP/tests/unbound-lib.sh"

BH_PID=
cleanup() {
    auth_stop_all
    [ -n "$BH_PID" ] && { kill "$BH_PID" 2>/dev/null; wait "$BH_PID" 2>/dev/null; }
}
trap cleanup EXIT

Z=$T/zones
mkdir -p "$Z/a" "$Z/b" "$Z/c"

zone() {    # FILE APEX SERIAL TTL EXTRA-NS-LINES BODY
    cat > "$1" <<EOF
\$ORIGIN $2.
\$TTL $4
@ 600 IN SOA ns1.$2. hostmaster.$2. $3 3600 600 86400 120
@ IN NS ns1.$2.
@ IN NS ns2.$2.
$5
ns1 IN A 127.0.0.2
ns2 IN A 127.0.0.3
@ IN MX 10 mail.$2.
mail IN A 192.0.2.25
$6
EOF
}

prop_v1() {
    zone "$1" prop.test 1 300 "" '@ IN TXT "v=spf1 mx -all"
sel1._domainkey 240 IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC3"'
}
prop_v2() {
    zone "$1" prop.test 2 300 "" '@ IN TXT "v=spf1 mx a -all"
mail2 IN A 185.117.82.25
_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@prop.test"'
}
rev() {     # FILE SERIAL BODY
    cat > "$1" <<EOF
\$ORIGIN 82.117.185.in-addr.arpa.
\$TTL 300
@ 600 IN SOA ns1.prop.test. hostmaster.prop.test. $2 3600 600 86400 120
@ IN NS ns1.prop.test.
@ IN NS ns2.prop.test.
$3
EOF
}
split_v1() { zone "$1" split.test 1 300 "" '@ IN TXT "v=spf1 mx -all"'; }
split_v2() {
    zone "$1" split.test 2 300 "" '@ IN TXT "v=spf1 mx -all"
_dmarc IN TXT "v=DMARC1; p=none"'
}
lame() {
    zone "$1" lame.test 7 300 '@ IN NS ns3.lame.test.
@ IN NS ns4.lame.test.
ns3 IN A 127.0.0.4
ns4 IN A 127.0.0.5' '@ IN TXT "v=spf1 mx -all"
_dmarc IN TXT "v=DMARC1; p=none"'
}
wait_v() {  # FILE SERIAL SPF
    zone "$1" wait.test "$2" 3 "" "@ IN TXT \"$3\"
_dmarc IN TXT \"v=DMARC1; p=none\""
}
other() {
    cat > "$1" <<EOF
\$ORIGIN other.test.
\$TTL 300
@ IN SOA ns.other.test. h.other.test. 1 3600 600 86400 120
@ IN NS ns.other.test.
ns IN A 127.0.0.5
EOF
}

for d in a b; do
    prop_v1 "$Z/$d/prop.test.zone"
    rev "$Z/$d/82.117.185.in-addr.arpa.zone" 1 "1 IN PTR other.prop.test."
    lame "$Z/$d/lame.test.zone"
    wait_v "$Z/$d/wait.test.zone" 1 "v=spf1 mx -all"
done
split_v2 "$Z/a/split.test.zone"
split_v1 "$Z/b/split.test.zone"
other "$Z/c/other.test.zone"

start_auth() {  # DIR ADDR
    auth_start "$T/$1" "$2" "$P" "$Z/$1"/*.zone > "$T/ctx" 2>&1
}

P=
for try in 1 2 3 4 5; do
    P=$(free_port)
    if start_auth a 127.0.0.2 && start_auth b 127.0.0.3 &&
       start_auth c 127.0.0.5; then
        break
    fi
    auth_stop_all
    P=
done
if [ -z "$P" ]; then
    _mr_result fail "propagation: NSD on 127.0.0.2, .3, .5 starts" "$T/ctx"
    exit 0
fi
python3 "$TOP/tests/blackhole.py" --listen "127.0.0.4:$P" > "$T/bh.out" 2>&1 &
BH_PID=$!
S="127.0.0.2@$P,127.0.0.3@$P"
if ! unbound_start "$T/unbound" "prop.test=$S" "split.test=$S" \
        "82.117.185.in-addr.arpa=$S" \
        "lame.test=$S" "wait.test=$S" > "$T/ctx" 2>&1; then
    _mr_result fail "propagation: Unbound starts on loopback" "$T/ctx"
    exit 0
fi
R=127.0.0.1:$UNBOUND_PORT

chk() {     # DOMAIN ARGS...  (JSON in $T/out.json)
    MR_RESOLVER=$R mr_check "$@" --auth-port "$P"
}
txt() {     # DOMAIN ARGS...  (text in $T/out)
    mr_run check "$@" --resolver "$R" --timeout 2 --auth-port "$P"
}

# ---- the cache learns version 1 -------------------------------------
chk prop.test --selector sel1 --no-authoritative \
    --server-ip 185.117.82.25 --hostname mail2.prop.test
expect_json 'step("dmarc")["status"] == "fail"' \
    "v1: no DMARC record yet (resolver caches the NXDOMAIN)"
expect_json '"propagation" not in step("spf")' \
    "--no-authoritative: no propagation in the JSON"
chk wait.test --no-authoritative

# ---- version 2 published on both servers ----------------------------
for d in a b; do
    prop_v2 "$Z/$d/prop.test.zone"
    rev "$Z/$d/82.117.185.in-addr.arpa.zone" 2 "25 IN PTR mail2.prop.test."
    wait_v "$Z/$d/wait.test.zone" 2 "v=spf1 mx a -all"
done
auth_stop "$T/a"; auth_stop "$T/b"
start_auth a 127.0.0.2 && start_auth b 127.0.0.3 ||
    mr_fail "v2: NSD restarts with version 2" "$(cat "$T/ctx")"

chk prop.test --selector sel1
cp "$T/out.json" "$T/prop.json"
expect_json 'step("dmarc")["propagation"]["resolver"] == "stale"' \
    "added: the resolver is stale for _dmarc"
expect_json '60 <= step("dmarc")["propagation"]["stale_for_max_s"] <= 120' \
    "added: cached 'no record' for at most the negative TTL (SOA minimum 120)"
expect_json '[s["status"] for s in step("dmarc")["propagation"]["servers"]] == ["same", "same"]' \
    "added: both servers publish it"
expect_json 'sorted(s["address"] for s in step("dmarc")["propagation"]["servers"]) == ["127.0.0.2", "127.0.0.3"]' \
    "added: the two servers by address"
expect_json '[s["serial"] for s in step("dmarc")["propagation"]["servers"]] == [2, 2]' \
    "added: serials from the zone"
expect_json 'step("dmarc")["status"] != "fail"' \
    "added: the DMARC verdict follows the name servers"
expect_json '"DNS_RESOLVER_STALE" in ids("dmarc")' \
    "added: DNS_RESOLVER_STALE note on the DMARC step"
expect_json 'step("spf")["propagation"]["resolver"] == "stale"' \
    "changed: the resolver is stale for the SPF"
expect_json '200 <= step("spf")["propagation"]["stale_for_max_s"] <= 300' \
    "changed: at most the record's TTL (300)"
expect_json '"v=spf1 mx a -all" in str(records("spf"))' \
    "changed: the SPF step reads the published record"
expect_json 'step("dkim")["propagation"]["resolver"] == "stale"' \
    "removed: the resolver still has the DKIM key"
expect_json '150 <= step("dkim")["propagation"]["stale_for_max_s"] <= 240' \
    "removed: at most the record's TTL (240)"
expect_json 'step("mx")["propagation"]["resolver"] == "agrees"' \
    "unchanged: the MX agrees"
expect_json 'set(s["status"] for s in step("mx")["propagation"]["servers"]) == {"same"}' \
    "unchanged: both servers same"

# The PTR, published by whoever owns the address, and the host name's A.
chk prop.test --selector sel1 --server-ip 185.117.82.25 \
    --hostname mail2.prop.test
expect_json 'any(s["address"] == "127.0.0.2" for s in step("ptr")["propagation"]["servers"])' \
    "PTR: the reverse zone's name servers are asked"
expect_json 'step("ptr")["propagation"]["resolver"] == "stale"' \
    "PTR added: the resolver still caches 'no record'"
expect_json '60 <= step("ptr")["propagation"]["stale_for_max_s"] <= 120' \
    "PTR added: for at most the reverse zone's negative TTL (120)"
expect_json 'step("ptr")["status"] == "ok"' \
    "PTR added: the verdict follows the name servers (PTR and A published)"
expect_json '[v["type"] for v in step("ptr")["propagation_more"]] == ["A"]' \
    "PTR: the host name's A record, which confirms it, is asked too"

# The text report wraps at 78 columns: one line per paragraph to grep.
flat() { tr '\n' ' ' < "$T/out" | tr -s ' ' > "$1"; }
txt prop.test --selector sel1
flat "$T/prop.txt"
expect_grep "Published on all 2 name servers; this machine's resolver still caches the old answer for up to ([6-9][0-9]|1[01][0-9]|120) seconds" \
    "$T/prop.txt" "text: _dmarc published, cached 'no record' up to 120 s"
expect_grep "Removed from all 2 name servers; this machine's resolver still caches the old record for up to (3|4) minutes" \
    "$T/prop.txt" "text: DKIM key removed, cached up to 4 min"
expect_grep "Published on all 2 name servers; this machine's resolver sees it too" \
    "$T/prop.txt" "text: MX published and seen"

# ---- servers that disagree -----------------------------------------
chk split.test
expect_json '"DNS_NS_DISAGREE" in ids("dmarc")' "disagree: DNS_NS_DISAGREE"
expect_json 'sorted((s["address"], s["status"], s["serial"]) for s in step("dmarc")["propagation"]["servers"]) == [("127.0.0.2", "same", 2), ("127.0.0.3", "missing", 1)]' \
    "disagree: published on .2 (serial 2), missing on .3 (serial 1)"
expect_json 'step("dmarc")["propagation"]["resolver"] == "unknown"' \
    "disagree: resolver unknown while the servers disagree"
expect_json '"DNS_NS_DISAGREE" in ids("spf")' \
    "disagree: the SPF step names the serials that differ"
txt split.test
flat "$T/split.txt"
expect_grep "Published on 1 of 2 name servers.*ns2.split.test \(127.0.0.3, serial 1\): does not have the record yet" "$T/split.txt" \
    "disagree text: published on 1 of 2 name servers"

# ---- one silent, one REFUSED -----------------------------------------
chk lame.test
expect_json '"DNS_NS_UNREACHABLE" in ids("spf") and finding("spf", "DNS_NS_UNREACHABLE")["severity"] == "error"' \
    "silent server: DNS_NS_UNREACHABLE, could not check"
expect_json '"DNS_NS_REFUSED" in ids("spf")' "REFUSED: DNS_NS_REFUSED"
expect_json 'sorted((s["address"], s["status"]) for s in step("spf")["propagation"]["servers"]) == [("127.0.0.2", "same"), ("127.0.0.3", "same"), ("127.0.0.4", "unreachable"), ("127.0.0.5", "refused")]' \
    "silent and REFUSED servers named by status"
expect_json 'step("spf")["propagation"]["resolver"] == "agrees"' \
    "the two good servers and the resolver agree"
expect_json '"SPF_MISSING" not in ids("spf") and not any(f["severity"] == "fail" for f in step("spf")["findings"])' \
    "a silent server is never the record's failure"

# ---- --wait ----------------------------------------------------------
chk wait.test --wait 2 --no-authoritative
expect_rc 3 "--wait with --no-authoritative is refused"
chk wait.test --wait 30
expect_rc 2 "--wait: returns once the resolver agrees (TTL 3), the report's own status (the MX address is private)"
expect_json 'step("spf")["propagation"]["resolver"] == "agrees"' \
    "--wait: the resolver agrees at the end"
expect_true "--wait: returned within 12 s (TTL 3)" test "$MR_MS" -lt 12000
chk prop.test --selector sel1 --wait 2
expect_rc 3 "--wait: exit 3 when the time runs out (TTL 300)"
expect_grep "after 2 seconds your resolver still does not see" "$T/err" \
    "--wait: a clear message on time-out"

# ---- zone files are their own authority -------------------------------
cp "$Z/a/prop.test.zone" "$T/prop.test.zone"
chk prop.test --zone-file "$T/prop.test.zone"
expect_json 'all("propagation" not in step(n) for n in ("mx", "spf", "dkim", "dmarc"))' \
    "--zone-file: its own authority (no propagation to show)"
expect_json 'step("dmarc")["status"] != "fail"' \
    "--zone-file: the file's DMARC record counts"

# ---- an IPv6-only name server ------------------------------------------
# NSD on 127.0.0.1 and ::1 at one port; the zone's only name server has an
# AAAA record (::1) and no A.  The resolver is a relay that clears the AA
# bit, as a cache's answers are, so the check asks the server over IPv6.
cat > "$Z/v6.test.zone" <<ZONE
\$ORIGIN v6.test.
\$TTL 300
@ IN SOA ns1.v6.test. h.v6.test. 3 3600 600 86400 120
@ IN NS ns1.v6.test.
ns1 IN AAAA ::1
@ IN MX 10 mail.v6.test.
mail IN A 192.0.2.25
@ IN TXT "v=spf1 mx -all"
_dmarc IN TXT "v=DMARC1; p=none"
ZONE
P6=$(free_port)
if auth_start "$T/v6" 127.0.0.1 "$P6" "$Z/v6.test.zone" > "$T/ctx" 2>&1 &&
   auth_stop "$T/v6" &&
   sed -i -e "s/^  ip-address: 127.0.0.1@$P6\$/&\n  ip-address: ::1@$P6/" \
          -e 's/do-ip6: no/do-ip6: yes/' "$T/v6/nsd.conf" &&
   { "$NSD_BIN" -d -c "$T/v6/nsd.conf" > "$T/v6/nsd.stderr" 2>&1 &
     echo $! > "$T/v6/pid"; } &&
   python3 "$TOP/tests/dnsprobe.py" --server "[::1]:$P6" --wait 10 \
       v6.test SOA > /dev/null 2>&1 &&
   RELAY_DIR=$T relay_start --upstream "127.0.0.1:$P6" --clear-aa \
       > "$T/ctx" 2>&1; then
    MR_RESOLVER=127.0.0.1:$RELAY_PORT mr_check v6.test --auth-port "$P6"
    expect_json 'step("spf")["propagation"]["servers"] == [{"name": "ns1.v6.test", "address": "::1", "status": "same", "serial": 3}]' \
        "IPv6-only name server: asked at ::1, serial 3"
    expect_json 'step("dmarc")["propagation"]["resolver"] == "agrees"' \
        "IPv6-only name server: the resolver agrees"
    relay_stop "$RELAY_PID"
else
    mr_fail "IPv6-only name server: NSD on ::1 and a relay start" \
        "$(cat "$T/ctx" "$T/v6/nsd.stderr" 2>/dev/null)"
fi
