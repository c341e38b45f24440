#!/bin/bash
# t_propagation.sh - is it published yet?  The test zones are delegated
# from parent zones (test., 117.185.in-addr.arpa., 8.b.d.0.1.0.0.2.ip6.arpa.)
# served by an NSD on 127.53.N.1, with NS records and glue naming two
# child NSDs on 127.53.N.2 and 127.53.N.3, all at port 53 (N random; an
# address in use takes another N).  Unbound on 127.0.0.1 has a stub zone
# for the parents only: it follows the delegations (at port 53, the only
# port it asks delegated servers) and caches.  mailready finds the child
# zones' NS through it and asks them directly at port 53 (no --auth-port).
# The zones change after Unbound has cached the old version: the check
# says what is published where and how long the resolver may keep the old
# answer, with the numbers of the zone.
#
# Port 53 needs root (or CAP_NET_BIND_SERVICE).  Without it the same cases
# run with the children on a free high port, Unbound reaching them through
# stub zones, and --auth-port; a line on stderr says so.
#
#   prop.test   v1 -> v2 on both: _dmarc added (the name was missing:
#               negative TTL = min(SOA TTL 600, SOA minimum 480) = 480),
#               the SPF changed (TTL 300), sel1._domainkey removed (TTL 240);
#               MX hosts mail.prop.test (same zone) and mx.mxhost.test
#   mxhost.test v1 -> v2: the A of the MX host mx.mxhost.test changed
#               (TTL 300), in another zone than the domain's
#   split.test  v2 on .2, v1 on .3: the servers disagree
#   lame.test   NS also at .4 (a blackhole: silent) and .5 (an NSD serving
#               another zone: REFUSED)
#   wait.test   TTL 3: --wait returns once the cache has let go
#   v6.test     its only name server is on ::1 (AAAA, no A)
#   82.117.185.in-addr.arpa  v1 -> v2 on both: the PTR of 185.117.82.25
#               added (negative TTL 480), and mail2.prop.test A added in
#               prop.test v2 (the host name that confirms it)
#   1.0.5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa  (2001:db8:5:100::/56) v1 -> v2:
#               the PTR of 2001:db8:5:100::25 added (negative TTL 480),
#               mail6.prop.test AAAA added in prop.test v2; the cut is 14
#               nibbles deep, found from the SOA of a negative answer
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

REV6=1.0.5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa
Z=$T/zones

# The addresses: 127.53.N.1-5 at port 53 when this user may bind them.
port53() {  # NET -> 0 free, 1 in use, 2 not permitted
    python3 - "$1" <<'PY'
import errno, socket, sys
for h in range(1, 6):
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("%s.%d" % (sys.argv[1], h), 53))
        except OSError as e:
            sys.exit(2 if e.errno in (errno.EACCES, errno.EPERM) else 1)
        finally:
            s.close()
PY
}
DELEG=no
for try in 1 2 3 4 5 6 7 8; do
    NET=127.53.$((RANDOM % 250 + 2))
    port53 "$NET"
    case $? in
    0) DELEG=yes; break ;;
    2) break ;;
    esac
done
if [ "$DELEG" = yes ]; then
    A1=$NET.1 A2=$NET.2 A3=$NET.3 A4=$NET.4 A5=$NET.5
else
    echo "t_propagation: port 53 of 127.53.N.x cannot be bound (not root," \
         "or in use): the child zones are reached through stub zones" \
         "at a high port, not through the parents' delegations" >&2
    A1=127.0.0.1 A2=127.0.0.2 A3=127.0.0.3 A4=127.0.0.4 A5=127.0.0.5
fi

mkdir -p "$Z/a" "$Z/b" "$Z/c" "$Z/p"

zone() {    # FILE APEX SERIAL TTL EXTRA-NS-LINES BODY
    cat > "$1" <<EOF
\$ORIGIN $2.
\$TTL $4
@ 600 IN SOA ns1.$2. hostmaster.$2. $3 3600 600 86400 480
@ IN NS ns1.$2.
@ IN NS ns2.$2.
$5
ns1 IN A $A2
ns2 IN A $A3
@ IN MX 10 mail.$2.
mail IN A 192.0.2.25
$6
EOF
}

prop_v1() {
    zone "$1" prop.test 1 300 "" '@ IN MX 20 mx.mxhost.test.
@ IN TXT "v=spf1 mx -all"
sel1._domainkey 240 IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC3"'
}
prop_v2() {
    zone "$1" prop.test 2 300 "" '@ IN MX 20 mx.mxhost.test.
@ IN TXT "v=spf1 mx a -all"
mail2 IN A 185.117.82.25
mail6 IN AAAA 2001:db8:5:100::25
_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@prop.test"'
}
mxhost() {  # FILE SERIAL ADDR
    zone "$1" mxhost.test "$2" 300 "" "mx IN A $3"
}
rev() {     # FILE ORIGIN SERIAL BODY
    cat > "$1" <<EOF
\$ORIGIN $2.
\$TTL 300
@ 600 IN SOA ns1.prop.test. hostmaster.prop.test. $3 3600 600 86400 480
@ IN NS ns1.prop.test.
@ IN NS ns2.prop.test.
$4
EOF
}
split_v1() { zone "$1" split.test 1 300 "" '@ IN TXT "v=spf1 mx -all"'; }
split_v2() {
    zone "$1" split.test 2 300 "" '@ IN TXT "v=spf1 mx -all"
_dmarc IN TXT "v=DMARC1; p=none"'
}
lame() {
    zone "$1" lame.test 7 300 "@ IN NS ns3.lame.test.
@ IN NS ns4.lame.test.
ns3 IN A $A4
ns4 IN A $A5" '@ IN TXT "v=spf1 mx -all"
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
ns IN A $A5
EOF
}
# The parents: test. delegates each child zone, with glue; the reverse
# parents delegate to ns1/ns2.prop.test (found through test.).
parents() {
    local c
    {
        cat <<EOF
\$ORIGIN test.
\$TTL 3600
@ IN SOA ns.test. h.test. 1 3600 600 86400 120
@ IN NS ns.test.
ns IN A $A1
other IN NS ns.other.test.
ns.other IN A $A5
EOF
        for c in prop mxhost split lame wait; do
            printf '%s IN NS ns1.%s.test.\n%s IN NS ns2.%s.test.\n' \
                "$c" "$c" "$c" "$c"
            printf 'ns1.%s IN A %s\nns2.%s IN A %s\n' "$c" "$A2" "$c" "$A3"
        done
    } > "$Z/p/test.zone"
    for c in 117.185.in-addr.arpa:82 8.b.d.0.1.0.0.2.ip6.arpa:1.0.5.0.0.0
    do
        cat > "$Z/p/${c%%:*}.zone" <<EOF
\$ORIGIN ${c%%:*}.
\$TTL 3600
@ IN SOA ns.test. h.test. 1 3600 600 86400 120
@ IN NS ns.test.
${c#*:} IN NS ns1.prop.test.
${c#*:} IN NS ns2.prop.test.
EOF
    done
}

for d in a b; do
    prop_v1 "$Z/$d/prop.test.zone"
    mxhost "$Z/$d/mxhost.test.zone" 1 192.0.2.30
    rev "$Z/$d/82.117.185.in-addr.arpa.zone" 82.117.185.in-addr.arpa 1 \
        "1 IN PTR other.prop.test."
    rev "$Z/$d/$REV6.zone" "$REV6" 1 \
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR other.prop.test."
    lame "$Z/$d/lame.test.zone"
    wait_v "$Z/$d/wait.test.zone" 1 "v=spf1 mx -all"
done
split_v2 "$Z/a/split.test.zone"
split_v1 "$Z/b/split.test.zone"
other "$Z/c/other.test.zone"
parents

start_auth() {  # DIR ADDR
    auth_start "$T/$1" "$2" "$P" "$Z/$1"/*.zone > "$T/ctx" 2>&1
}

P=
for try in 1 2 3 4 5; do
    if [ "$DELEG" = yes ]; then P=53; else P=$(free_port); fi
    if start_auth p "$A1" && start_auth a "$A2" && start_auth b "$A3" &&
       start_auth c "$A5"; then
        break
    fi
    auth_stop_all
    P=
    [ "$DELEG" = yes ] && break
done
if [ -z "$P" ]; then
    _mr_result fail "propagation: NSD on $A1, $A2, $A3 and $A5 starts" \
        "$T/ctx"
    exit 0
fi
python3 "$TOP/tests/blackhole.py" --listen "$A4:$P" > "$T/bh.out" 2>&1 &
BH_PID=$!
PAR="$A1@$P"
S="$A2@$P,$A3@$P"
if [ "$DELEG" = yes ]; then
    STUBS=("test=$PAR" "117.185.in-addr.arpa=$PAR"
           "8.b.d.0.1.0.0.2.ip6.arpa=$PAR")
    AUTHP=()
else
    STUBS=("prop.test=$S" "mxhost.test=$S" "split.test=$S"
           "82.117.185.in-addr.arpa=$S" "$REV6=$S" "lame.test=$S"
           "wait.test=$S")
    AUTHP=(--auth-port "$P")
fi
if ! unbound_start "$T/unbound" "${STUBS[@]}" > "$T/ctx" 2>&1; then
    _mr_result fail "propagation: Unbound starts on loopback" "$T/ctx"
    exit 0
fi
R=127.0.0.1:$UNBOUND_PORT

chk() {     # DOMAIN ARGS...  (JSON in $T/out.json)
    MR_RESOLVER=$R mr_check "$@" ${AUTHP[@]+"${AUTHP[@]}"}
}
txt() {     # DOMAIN ARGS...  (text in $T/out)
    mr_run check "$@" --resolver "$R" --timeout 2 ${AUTHP[@]+"${AUTHP[@]}"}
}

if [ "$DELEG" = yes ]; then
    python3 "$TOP/tests/dnsprobe.py" --server "$R" --rd --wait 2 \
        prop.test SOA > "$T/deleg" 2>&1
    expect_true "delegation: Unbound knows only the parents (stub zones)" \
        test "$(grep -c '^  name:' "$T/unbound/unbound.conf")" = 3
    expect_grep "^prop.test.* SOA ns1.prop.test" "$T/deleg" \
        "delegation: Unbound reaches prop.test through test. at $A1:53"
fi

# ---- the cache learns version 1 -------------------------------------
chk prop.test --selector sel1 --no-authoritative \
    --server-ip 185.117.82.25 --hostname mail2.prop.test
chk prop.test --no-authoritative --server-ip 2001:db8:5:100::25 \
    --hostname mail6.prop.test
expect_json 'step("dmarc")["status"] == "fail"' \
    "v1: no DMARC record yet (resolver caches the NXDOMAIN)"
expect_json '"propagation" not in step("spf")' \
    "--no-authoritative: no propagation in the JSON"
chk wait.test --no-authoritative

# ---- version 2 published on both servers ----------------------------
for d in a b; do
    prop_v2 "$Z/$d/prop.test.zone"
    mxhost "$Z/$d/mxhost.test.zone" 2 192.0.2.31
    rev "$Z/$d/82.117.185.in-addr.arpa.zone" 82.117.185.in-addr.arpa 2 \
        "25 IN PTR mail2.prop.test."
    rev "$Z/$d/$REV6.zone" "$REV6" 2 \
        "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR mail6.prop.test."
    wait_v "$Z/$d/wait.test.zone" 2 "v=spf1 mx a -all"
done
auth_stop "$T/a"; auth_stop "$T/b"
start_auth a "$A2" && start_auth b "$A3" ||
    mr_fail "v2: NSD restarts with version 2" "$(cat "$T/ctx")"

chk prop.test --selector sel1
cp "$T/out.json" "$T/prop.json"
expect_json 'step("dmarc")["propagation"]["resolver"] == "stale"' \
    "added: the resolver is stale for _dmarc"
expect_json '240 <= step("dmarc")["propagation"]["stale_for_max_s"] <= 480' \
    "added: cached 'no record' for at most the negative TTL (SOA minimum 480)"
expect_json '[s["status"] for s in step("dmarc")["propagation"]["servers"]] == ["same", "same"]' \
    "added: both servers publish it"
expect_json 'sorted(s["address"] for s in step("dmarc")["propagation"]["servers"]) == ["'"$A2"'", "'"$A3"'"]' \
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
# The MX hosts' addresses, names learnt from the MX answer.
expect_json 'sorted((v["name"], v["type"], v["zone"]) for v in step("mx")["propagation_more"]) == [("mail.prop.test", "A", "prop.test"), ("mail.prop.test", "AAAA", "prop.test"), ("mx.mxhost.test", "A", "mxhost.test"), ("mx.mxhost.test", "AAAA", "mxhost.test")]' \
    "MX hosts: A and AAAA of each host, each in its own zone"
expect_json '[(v["resolver"], [s["status"] for s in v["servers"]]) for v in step("mx")["propagation_more"] if v["name"] == "mx.mxhost.test" and v["type"] == "A"] == [("stale", ["same", "same"])]' \
    "MX host in another zone: its A changed, the resolver is stale"
expect_json '[200 <= v["stale_for_max_s"] <= 300 for v in step("mx")["propagation_more"] if v["name"] == "mx.mxhost.test" and v["type"] == "A"] == [True]' \
    "MX host's A: cached for at most its TTL (300)"
expect_json '[v["resolver"] for v in step("mx")["propagation_more"] if v["name"] == "mail.prop.test"] == ["agrees", "agrees"]' \
    "MX host in the domain's zone: unchanged, the resolver agrees"
expect_json '"192.0.2.31" in str(records("mx")) and "192.0.2.30" not in str(records("mx"))' \
    "MX host's A: the MX step reads the published address"

# The PTR, published by whoever owns the address, and the host name's A.
chk prop.test --selector sel1 --server-ip 185.117.82.25 \
    --hostname mail2.prop.test
expect_json 'any(s["address"] == "'"$A2"'" for s in step("ptr")["propagation"]["servers"])' \
    "PTR: the reverse zone's name servers are asked"
expect_json 'step("ptr")["propagation"]["resolver"] == "stale"' \
    "PTR added: the resolver still caches 'no record'"
expect_json '240 <= step("ptr")["propagation"]["stale_for_max_s"] <= 480' \
    "PTR added: for at most the reverse zone's negative TTL (480)"
expect_json 'step("ptr")["status"] == "ok"' \
    "PTR added: the verdict follows the name servers (PTR and A published)"
expect_json '[v["type"] for v in step("ptr")["propagation_more"]] == ["A"]' \
    "PTR: the host name's A record, which confirms it, is asked too"

# The PTR of an IPv6 address: ip6.arpa, the cut 14 nibbles deep.
chk prop.test --server-ip 2001:db8:5:100::25 --hostname mail6.prop.test
expect_json 'step("ptr")["propagation"]["zone"] == "'"$REV6"'"' \
    "PTR IPv6: the zone cut of the ip6.arpa name (/56) is found"
expect_json 'sorted(s["address"] for s in step("ptr")["propagation"]["servers"]) == ["'"$A2"'", "'"$A3"'"]' \
    "PTR IPv6: the reverse zone's name servers are asked"
expect_json 'step("ptr")["propagation"]["resolver"] == "stale"' \
    "PTR IPv6 added: the resolver still caches 'no record'"
expect_json '240 <= step("ptr")["propagation"]["stale_for_max_s"] <= 480' \
    "PTR IPv6 added: for at most the reverse zone's negative TTL (480)"
expect_json 'step("ptr")["status"] == "ok"' \
    "PTR IPv6 added: the verdict follows the name servers (PTR and AAAA)"
expect_json '[v["type"] for v in step("ptr")["propagation_more"]] == ["AAAA"]' \
    "PTR IPv6: the host name's AAAA record is asked too"

# The text report wraps at 78 columns: one line per paragraph to grep.
flat() { tr '\n' ' ' < "$T/out" | tr -s ' ' > "$1"; }
txt prop.test --selector sel1
flat "$T/prop.txt"
expect_grep "_dmarc.prop.test: v=DMARC1; p=none; rua=mailto:d@prop.test Published on all 2 name servers; this machine's resolver still caches the old answer for up to [4-8] minutes" \
    "$T/prop.txt" "text: _dmarc published, cached 'no record' up to 8 min"
expect_grep "Removed from all 2 name servers; this machine's resolver still caches the old record for up to (3|4) minutes" \
    "$T/prop.txt" "text: DKIM key removed, cached up to 4 min"
expect_grep "Published on all 2 name servers; this machine's resolver sees it too" \
    "$T/prop.txt" "text: MX published and seen"
expect_grep "mx.mxhost.test A: Published on all 2 name servers; this machine's resolver still caches the old answer for up to [45] minutes" \
    "$T/prop.txt" "text: the MX host's changed A, named, cached up to 5 min"

# ---- servers that disagree -----------------------------------------
chk split.test
expect_json '"DNS_NS_DISAGREE" in ids("dmarc")' "disagree: DNS_NS_DISAGREE"
expect_json 'sorted((s["address"], s["status"], s["serial"]) for s in step("dmarc")["propagation"]["servers"]) == [("'"$A2"'", "same", 2), ("'"$A3"'", "missing", 1)]' \
    "disagree: published on .2 (serial 2), missing on .3 (serial 1)"
expect_json 'step("dmarc")["propagation"]["resolver"] == "unknown"' \
    "disagree: resolver unknown while the servers disagree"
expect_json '"DNS_NS_DISAGREE" in ids("spf")' \
    "disagree: the SPF step names the serials that differ"
txt split.test
flat "$T/split.txt"
expect_grep "Published on 1 of 2 name servers.*ns2.split.test \($A3, serial 1\): does not have the record yet" "$T/split.txt" \
    "disagree text: published on 1 of 2 name servers"

# ---- one silent, one REFUSED -----------------------------------------
chk lame.test
expect_json '"DNS_NS_UNREACHABLE" in ids("spf") and finding("spf", "DNS_NS_UNREACHABLE")["severity"] == "error"' \
    "silent server: DNS_NS_UNREACHABLE, could not check"
expect_json '"DNS_NS_REFUSED" in ids("spf")' "REFUSED: DNS_NS_REFUSED"
expect_json 'sorted((s["address"], s["status"]) for s in step("spf")["propagation"]["servers"]) == [("'"$A2"'", "same"), ("'"$A3"'", "same"), ("'"$A4"'", "unreachable"), ("'"$A5"'", "refused")]' \
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
if auth_start "$T/v6" 127.0.0.1,::1 "$P6" "$Z/v6.test.zone" \
       > "$T/ctx" 2>&1 &&
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
