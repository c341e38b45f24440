#!/bin/bash
# t_smtp_filtered.sh - the delivery step against a filtered port: a real
# dropped SYN on loopback (no answer at all), never the server's fault.
# Apart from t_smtp.sh: it needs no Postfix, and runs beside it.
source "$TOP/tests/lib.sh"

D=delivery.test
P=$(free_port)
PR='[r for r in records("smtp") if isinstance(r, dict) and "host" in r]'
NOSTS="MTA_STS_RECORD_MISSING TLSRPT_MISSING"

# A filtered port: the SYN dropped, no answer at all.  In a network
# namespace of the test's own (unshare -n: it goes with the command, and
# with it the nft rule; the host's firewall is never touched), a listener
# on 127.0.0.34 that accepts and never greets, behind a rule dropping every
# SYN to it.  DNS from a zone file (the namespace cannot reach the runner's
# NSD; other names are refused at once).  Without the rule: connected, then
# stalled.
cat > "$T/filtered.zone" <<ZONE
\$ORIGIN filtered.$D.
\$TTL 300
@ IN SOA ns1.$D. hostmaster.$D. 1 3600 600 86400 300
@ IN NS ns1.$D.
@ IN MX 10 mx
mx IN A 127.0.0.34
ZONE
filtered_check() {  # drop|open STEPS: mailready in the namespace
    MR_RC=0
    rm -f "$T/filtered.ms"
    # shellcheck disable=SC2016
    MODE=$1 STEPS=$2 MAILREADY=$MAILREADY P=$P T=$T D=$D TOP=$TOP \
    timeout 30 unshare -n bash -c '
        ip link set lo up || exit 90
        if [ "$MODE" = drop ]; then
            nft add table inet mrtest &&
            nft add chain inet mrtest in \
                "{ type filter hook input priority 0; }" &&
            nft add rule inet mrtest in ip daddr 127.0.0.34 \
                tcp dport "$P" "tcp flags & (syn | ack) == syn" drop ||
                exit 91
        fi
        timeout 20 python3 -c "
import socket, sys
s = socket.socket()
s.bind((\"127.0.0.34\", int(sys.argv[1])))
s.listen(8)
print(\"ready\", flush=True)
held = []
while True:
    held.append(s.accept()[0])
" "$P" > "$T/filtered.l" 2>&1 &
        L=$!
        trap "kill $L 2>/dev/null" EXIT
        for _ in $(seq 50); do
            grep -q ready "$T/filtered.l" && break
            sleep 0.1
        done
        t0=$(date +%s%N)
        rc=0
        "$MAILREADY" check "filtered.$D" --json --timeout 2 \
            --steps "$STEPS" --smtp-port "$P" --zone-file "$T/filtered.zone" \
            --resolver 127.0.0.1:9 || rc=$?
        echo $(( ($(date +%s%N) - t0) / 1000000 )) > "$T/filtered.ms"
        exit $rc
    ' > "$T/out.json" 2> "$T/err" || MR_RC=$?
    MR_MS=$(cat "$T/filtered.ms" 2>/dev/null || echo 999999)
}
if ! command -v nft >/dev/null 2>&1 || ! command -v unshare >/dev/null; then
    mr_fail "filtered port" \
        "nft or unshare missing (tools/install-deps --tests)"
else
    # Twice: nothing is left behind by the first; the second with every
    # step (the DNS ones from the zone file), which must not wait longer.
    for run in 1 2; do
        filtered_check drop "$([ $run = 1 ] && echo smtp || echo all)"
        expect_ids smtp "SMTP_ADDR_NOT_GLOBAL SMTP_CONNECT_FAILED $NOSTS" \
            "SYN dropped ($run): could not connect"
        expect_status smtp error "SYN dropped ($run): could not check"
        # (with every step the zone's missing SPF and DMARC fail)
        [ $run = 1 ] && expect_rc 3 "SYN dropped: exit 3, not a failure"
        expect_json ''"$PR"'[0]["result"] == "no-answer" and "no answer to the connection" in '"$PR"'[0]["error"]' \
            "SYN dropped ($run): no answer (not refused)"
        expect_json '"not checked" in finding("smtp", "SMTP_CONNECT_FAILED")["message"] and "port 25" in finding("smtp", "SMTP_CONNECT_FAILED")["message"]' \
            "SYN dropped ($run): not the server's fault, port 25 named"
        expect_true "SYN dropped ($run): within --timeout 2 (${MR_MS} ms)" \
            test "$MR_MS" -lt 6000
    done
    filtered_check open smtp
    expect_json ''"$PR"'[0]["result"] == "stalled"' \
        "without the rule the same listener is reached (it never greets)"
    expect_true "no nft table left in the host's namespace" \
        bash -c '! nft list tables 2>/dev/null | grep -q mrtest'
fi
