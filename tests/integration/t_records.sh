#!/bin/bash
# t_records.sh - `mailready records`: the zone snippet is accepted by
# named-checkzone, and the records it makes (with a DKIM key from keygen)
# pass mailready's own checks: from a zone file written here, and from the
# committed fixture gen-clean.test served by the test NSD.
set -u
. "$TOP/tests/lib.sh"

IP=37.120.178.42            # PTR in tests/zones/178.120.37.in-addr.arpa.zone

# Prepend SOA and NS for DOMAIN to the snippet in $T/out, into FILE.
zone_of_out() {     # DOMAIN FILE
    { printf '$ORIGIN %s.\n$TTL 3600\n' "$1"
      printf '@ IN SOA ns1.%s. hostmaster.%s. 1 7200 3600 1209600 3600\n' \
          "$1" "$1"
      printf '@ IN NS ns1.%s.\nns1 IN A 37.120.178.53\n' "$1"
      cat "$T/out"; } > "$2"
}

checkzone() {       # DOMAIN FILE
    if ! command -v named-checkzone >/dev/null 2>&1; then
        echo "named-checkzone is missing (Debian: bind9-utils)"
        return 1
    fi
    named-checkzone -k fail -n fail "$1" "$2"
}

# --- provider list ------------------------------------------------------------
mr_run records --list-providers
expect_rc 0 "records --list-providers: exit 0"
for id in google microsoft365 zoho ses sendgrid mailgun mandrill postmark \
          ovh ionos own; do
    expect_grep "^$id " "$T/out" "records --list-providers: $id"
done
mr_run records --list-providers --format json
cp "$T/out" "$T/out.json"
expect_json 'len(j) == 11 and all(p["id"] and p["kind"] for p in j)' \
    "records --list-providers --format json: 11 providers"

# --- a mailbox provider and one's own server that only sends -------------------
mr_run records send-only.test --provider google --provider own --ip "$IP" \
    --no-network
expect_rc 3 "provider + own server: both would receive, refused"
expect_grep "send-only" "$T/err" "provider + own server: --send-only named"
mr_run records send-only.test --provider google --provider own --send-only \
    --ip "$IP" --hostname news.send-only.test --no-network
expect_rc 0 "send-only: exit 0"
expect_grep '^send-only\.test\. 3600 IN MX 1 smtp\.google\.com\.$' "$T/out" \
    "send-only: the provider's MX"
expect_true "send-only: one MX only" \
    test "$(grep -c ' IN MX ' "$T/out")" = 1
expect_grep "^send-only\\.test\\. 3600 IN TXT \"v=spf1 ip4:$IP include:_spf\\.google\\.com ~all\"\$" \
    "$T/out" "send-only: SPF with the include and the address"
expect_grep "^news\\.send-only\\.test\\. 3600 IN A $IP\$" "$T/out" \
    "send-only: the sending host's address"
expect_grep "PTR news\\.send-only\\.test\\.\$" "$T/out" \
    "send-only: the PTR request names the sending host"
mr_run records send-only.test --provider google --hostname news.x.test \
    --no-network
expect_rc 3 "--hostname without --send-only: refused"
expect_grep "--send-only" "$T/err" \
    "--hostname without --send-only: says what goes with it"

# --- own server + keygen: zone file, named-checkzone, mailready check ---------
D=gen-roundtrip.test
mr_run keygen --domain "$D" --selector s2026 --out "$T/keys"
expect_rc 0 "roundtrip: keygen exit 0"
grep ' IN TXT ' "$T/out" > "$T/dkim.line"
KEY=$T/keys/s2026.private
mr_run records "$D" --mx-host "mail.$D" --ip "$IP" --dmarc-stage reject \
    --rua "dmarc@$D" --spf-all hard --no-network
expect_rc 0 "roundtrip: records exit 0"
expect_grep "^$D\\. 3600 IN MX 10 mail\\.$D\\.\$" "$T/out" "roundtrip: MX line"
expect_grep "^mail\\.$D\\. 3600 IN A $IP\$" "$T/out" "roundtrip: A line"
expect_grep "^$D\\. 3600 IN TXT \"v=spf1 ip4:$IP -all\"\$" "$T/out" \
    "roundtrip: SPF line"
expect_grep "^_dmarc\\.$D\\. 3600 IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@$D\"\$" \
    "$T/out" "roundtrip: DMARC line"
expect_grep "^;     42\\.178\\.120\\.37\\.in-addr\\.arpa\\. PTR mail\\.$D\\.\$" \
    "$T/out" "roundtrip: PTR request names the reverse name and host"
cat "$T/dkim.line" >> "$T/out"
zone_of_out "$D" "$T/$D.zone"
# The reverse zone as the ISP publishes it after the request.
REV=$T/178.120.37.in-addr.arpa.zone
cat > "$REV" <<ZONE
\$ORIGIN 178.120.37.in-addr.arpa.
\$TTL 3600
@ IN SOA ns1.rev-isp.test. noc.rev-isp.test. 1 7200 3600 1209600 3600
@ IN NS ns1.rev-isp.test.
42 IN PTR mail.$D.
ZONE
expect_true "roundtrip: named-checkzone accepts the snippet" \
    checkzone "$D" "$T/$D.zone"
mr_run check "$D" --zone-file "$T/$D.zone" --zone-file "$REV" \
    --selector s2026 --server-ip "$IP" --dkim-key "$KEY" --no-network --json
cp "$T/out" "$T/out.json"
expect_rc 0 "roundtrip: mailready check on the generated zone exits 0"
expect_status all ok "roundtrip: mailready check status ok"
for step in mx spf dkim dmarc ptr; do
    expect_json "step('$step') is None or step('$step')['status'] == 'ok'" \
        "roundtrip: step $step ok"
done

# --- the committed fixture, served by NSD -------------------------------------
mr_check gen-clean.test --selector s2026 --server-ip "$IP" \
    --dkim-key "$TOP/tests/data/gen-clean.test.s2026.private"
expect_rc 0 "gen-clean.test (NSD): exit 0"
expect_status all ok "gen-clean.test (NSD): status ok"

# --- providers: named-checkzone accepts every kind of snippet -----------------
D2=genproviders.test
mr_run records "$D2" --provider microsoft365 --provider mandrill \
    --provider sendgrid --rua "mailto:agg@reports.example.net" \
    --dmarc-stage quarantine --dmarc-sp reject --dmarc-strict
expect_rc 0 "providers: exit 0"
expect_grep "^$D2\\. 3600 IN MX 0 genproviders-test\\.mail\\.protection\\.outlook\\.com\\.\$" \
    "$T/out" "providers: Microsoft 365 MX from its template"
expect_grep "^mte1\\._domainkey\\.$D2\\. 3600 IN CNAME dkim1\\.mandrillapp\\.com\\.\$" \
    "$T/out" "providers: Mandrill DKIM CNAME"
expect_grep "^$D2\\. 3600 IN TXT \"v=spf1 include:spf\\.protection\\.outlook\\.com ~all\"\$" \
    "$T/out" "providers: SPF include kept"
expect_grep '"v=DMARC1; p=quarantine; sp=reject; adkim=s; aspf=s; rua=mailto:agg@reports.example.net"' \
    "$T/out" "providers: DMARC tags in order"
expect_grep "^; $D2\\._report\\._dmarc\\.reports\\.example\\.net\\. 3600 IN TXT \"v=DMARC1\"\$" \
    "$T/out" "providers: report authorization record for the destination"
expect_grep "DKIM for SendGrid" "$T/out" "providers: DKIM note for SendGrid"
zone_of_out "$D2" "$T/$D2.zone"
expect_true "providers: named-checkzone accepts the snippet" \
    checkzone "$D2" "$T/$D2.zone"

# --- a domain without mail: null MX, -all, reject -----------------------------
D3=gen-parked.test
mr_run records "$D3"
expect_rc 0 "parked: exit 0"
expect_grep "^$D3\\. 3600 IN MX 0 \\.\$" "$T/out" "parked: null MX"
expect_grep "^$D3\\. 3600 IN TXT \"v=spf1 -all\"\$" "$T/out" "parked: SPF -all"
expect_grep '"v=DMARC1; p=reject"' "$T/out" "parked: DMARC reject"
zone_of_out "$D3" "$T/$D3.zone"
expect_true "parked: named-checkzone accepts the snippet" \
    checkzone "$D3" "$T/$D3.zone"
mr_run check "$D3" --zone-file "$T/$D3.zone" --no-network --json
cp "$T/out" "$T/out.json"
expect_json "step('mx') is None or step('mx')['status'] == 'ok'" \
    "parked: the MX check accepts the null MX"

# --- JSON and text formats -----------------------------------------------------
mr_run records "$D" --mx-host "mail.$D" --ip "$IP" --format json \
    --no-network
cp "$T/out" "$T/out.json"
expect_rc 0 "json: exit 0"
expect_json 'j["ok"] and {r["type"] for r in j["records"]} >= {"MX", "A", "TXT"}' \
    "json: records listed"
expect_json 'j["ptr_requests"][0]["reverse_name"] == "42.178.120.37.in-addr.arpa"' \
    "json: PTR request"
mr_run records "$D" --provider google --format text
expect_rc 0 "text: exit 0"
expect_grep '^         v=spf1 include:_spf\.google\.com ~all$' "$T/out" \
    "text: unsplit SPF value"

# --- SPF over 10 lookups: refused, naming what to drop -------------------------
mkdir -p "$T/data"
cat > "$T/data/providers.json" <<'JSON'
{"providers": [
 {"id": "big", "name": "Big", "kind": "sending", "spf": {"value":
  {"include": "spf.big.example.net", "lookups": 7},
  "source": "https://big.example.net/spf", "checked": "2026-11-28"}},
 {"id": "small", "name": "Small", "kind": "sending", "spf": {"value":
  {"include": "spf.small.example.net", "lookups": 4},
  "source": "https://small.example.net/spf", "checked": "2026-11-28"}}
]}
JSON
MAILREADY_DATADIR=$T/data mr_run records gen-limit.test --provider big \
    --provider small
expect_rc 3 "spf limit: refused (exit 3)"
expect_grep '11 DNS lookups; the limit is 10\. Drop include:spf\.big\.example\.net' \
    "$T/err" "spf limit: says which include to drop"

# --- bad input -------------------------------------------------------------------
mr_run records "$D" --provider nosuch
expect_rc 3 "unknown provider: exit 3"
mr_run records "$D" --mx-host "mail.$D" --ip 192.168.1.10 --no-network
expect_rc 3 "private --ip: exit 3"
expect_grep '192\.168\.1\.10 is not a public address' "$T/err" \
    "private --ip: says why"
mr_run records "$D" --provider google --provider zoho
expect_rc 3 "two mailbox providers: exit 3"
mr_run records my-shop.test --provider microsoft365
expect_rc 3 "Microsoft 365 with a '-' in the domain: exit 3 (asks --mx-host)"
expect_grep '--mx-host' "$T/err" "Microsoft 365 with '-': names --mx-host"
mr_run records "$D" --rua "a,b@$D"
expect_rc 3 "bad --rua: exit 3"
expect_grep "a,b@" "$T/err" "bad --rua: names the address"

# --- Spanish ---------------------------------------------------------------------
mr_run records "$D" --mx-host "mail.$D" --ip "$IP" --no-network --lang es
expect_rc 0 "records --lang es: exit 0"
expect_grep '^; Registros para gen-roundtrip\.test' "$T/out" \
    "records --lang es: Spanish header"
expect_grep '^; Asunto: DNS inverso \(PTR\) .*37\.120\.178\.42$' "$T/out" \
    "records --lang es: Spanish PTR request"

# --- who runs the reverse zone: the SOA found by walking up ------------------
mr_run records gen-clean.test --mx-host mail.gen-clean.test --ip "$IP" \
    --resolver "$RESOLVER" --timeout 2
expect_rc 0 "PTR owner lookup: exit 0"
expect_grep '^; Send this to noc@rev-isp\.test \(the contact in the SOA record of$' \
    "$T/out" "PTR owner lookup: request addressed to the reverse zone's SOA contact"
mr_run records gen-clean.test --mx-host mail.gen-clean.test --ip "$IP" \
    --resolver "$BLACKHOLE" --timeout 1 --format json
cp "$T/out" "$T/out.json"
expect_rc 0 "PTR owner lookup, no answer: still exit 0"
expect_json '"contact" not in j["ptr_requests"][0]' \
    "PTR owner lookup, no answer: no contact invented"

# --- JSON on failure: ok false, the reason as a note, exit 3 -----------------
mr_run records gen-roundtrip.test --provider google --provider ovh \
    --format json
cp "$T/out" "$T/out.json"
expect_rc 3 "json failure: exit 3"
expect_json 'j["ok"] is False and any(n["id"] == "GEN_TWO_RECEIVERS" and n["severity"] == "fail" for n in j["notes"])' \
    "json failure: ok false, the reason as a fail note"

# --- the reverse-zone walks of several addresses run side by side ---------
# Through a relay that delays every answer 100 ms, an IPv6 address walks
# 21 SOA lookups up to its /48 zone (about 2.1 s); four addresses in four
# zones (two such IPv6 walks, two short IPv4 ones) cost about one walk,
# not the sum (about 4.6 s one after another, as before).
if relay_start --upstream "$RESOLVER" --delay-ms 100; then
    REL=127.0.0.1:$RELAY_PORT
    mr_run records gen-clean.test --mx-host mail.gen-clean.test \
        --ip 2a01:238:4200::99 --resolver "$REL"
    one_ms=$MR_MS
    expect_grep 'the contact in the SOA record' "$T/out" \
        "reverse walk, one IPv6 address: the zone's contact found"
    mr_run records gen-clean.test --mx-host mail.gen-clean.test \
        --ip 2a01:238:4200::99 --ip 2a01:4f8:c17::99 --ip 81.169.201.99 \
        --ip 81.2.69.99 --resolver "$REL"
    all_ms=$MR_MS
    echo "# reverse walks through a 100 ms relay: one IPv6 address" \
         "$one_ms ms, four addresses $all_ms ms"
    expect_true "reverse walks, four addresses: every zone's contact found" \
        test "$(grep -c 'the contact in the SOA record' "$T/out")" = 4
    expect_true "reverse walks run side by side: four addresses ($all_ms ms) < 1.6 x one ($one_ms ms)" \
        test $((all_ms * 10)) -lt $((one_ms * 16))
    relay_stop
else
    mr_fail "reverse walks: relay" "the delaying relay did not start"
fi
