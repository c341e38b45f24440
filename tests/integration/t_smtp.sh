#!/bin/bash
# t_smtp.sh - the delivery step against a real Postfix on loopback with
# certificates from the test's own CA (tests/smtp-lib.sh), a port where
# nothing listens and one that never greets; DNS from tests/zones/
# delivery.test.zone (each subdomain's MX host on its own 127.0.0.x).
source "$TOP/tests/lib.sh"
source "$TOP/tests/smtp-lib.sh"

D=delivery.test
mkdir -p "$T/pki"
P=$(free_port)

cleanup() {
    postfix_stop
    nginx_stop
    [ -n "${SILENT_PID:-}" ] && kill "$SILENT_PID" 2>/dev/null
    SILENT_PID=
}
trap cleanup EXIT
trap 'cleanup; exit 143' TERM INT HUP

tls_ca "$T/pki" ca && tls_ca "$T/pki" other ||
    { mr_fail "test CA" "openssl req failed"; exit 0; }
{
    tls_cert "$T/pki" ca ok 365 "mx.ok.$D" &&
    tls_cert "$T/pki" ca expired -1 "mx.expired.$D" &&
    tls_cert "$T/pki" ca expiring 10 "mx.expiring.$D" &&
    tls_cert "$T/pki" ca wrongname 365 "mail.elsewhere.test" &&
    tls_cert "$T/pki" self selfsigned 365 "mx.selfsigned.$D" &&
    tls_cert "$T/pki" other untrusted 365 "mx.untrusted.$D" &&
    tls_cert "$T/pki" ca wild 365 "*.wild.$D" &&
    tls_cert "$T/pki" ca banner 365 "mx.banner.$D" &&
    tls_cert "$T/pki" ca web 365 "mta-sts.ok.$D" "mta-sts.sts-enforce.$D" \
        "mta-sts.sts-badcert.$D" "mta-sts.sts-mismatch.$D" \
        "mta-sts.sts-testing.$D" "mta-sts.sts-ctype.$D" \
        "mta-sts.sts-redirect.$D" "mta-sts.sts-syntax.$D" \
        "mta-sts.sts-404.$D" "mta-sts.sts-badrec.$D" "mta-sts.rpt-bad.$D" \
        "mta-sts.sts.oldtls.$D" &&
    tls_cert "$T/pki" ca old 365 "mx.oldtls.$D" &&
    TLS_CERT_MD=sha1 tls_cert "$T/pki" ca weak 365 "mx.weak.oldtls.$D" &&
    tls_cert "$T/pki" ca "mx.cnonly.oldtls.$D" 365 &&
    tls_cert "$T/pki" ca gen 365 "mta-sts.gen.$D"
} || { mr_fail "test certificates" "openssl x509 failed"; exit 0; }

postfix_start "$T/pki" "$P" \
    "127.0.0.21 ok mx.ok.$D may" \
    "127.0.0.22 expired mx.expired.$D may" \
    "127.0.0.23 wrongname mx.wrongname.$D may" \
    "127.0.0.24 selfsigned mx.selfsigned.$D may" \
    "127.0.0.25 ok mx.plain.$D none" \
    "127.0.0.26 banner other-name.example may" \
    "127.0.0.27 untrusted mx.untrusted.$D may" \
    "127.0.0.30 expiring mx.expiring.$D may" \
    "127.0.0.31 wild mx.wild.$D may" \
    "127.0.0.32 old mx.oldtls.$D may old" \
    "127.0.0.33 weak mx.weak.oldtls.$D may weak" \
    "127.0.0.35 mx.cnonly.oldtls.$D mx.cnonly.oldtls.$D may" \
    2> "$T/pf.err" ||
    { mr_fail "private Postfix" "$(cat "$T/pf.err")"; exit 0; }
python3 "$TOP/tests/blackhole.py" --listen "127.0.0.29:$P" \
    > "$T/silent.out" 2>&1 &
SILENT_PID=$!
for _ in $(seq 50); do grep -q ready "$T/silent.out" && break; sleep 0.1; done

# The web server of the MTA-STS policies.
HP=$(free_port)
mkdir -p "$T/www"
pol() {     # NAME MODE MX...: the policy file www/NAME.txt
    local name=$1 mode=$2
    shift 2
    { printf 'version: STSv1\r\nmode: %s\r\n' "$mode"
      for m in "$@"; do printf 'mx: %s\r\n' "$m"; done
      printf 'max_age: 86400\r\n'; } > "$T/www/$name.txt"
}
pol ok testing "mx.ok.$D"
pol sts-enforce enforce "*.ok.$D"
pol sts-badcert enforce "mx.wrongname.$D"
pol sts-mismatch enforce "mx.elsewhere.test"
pol sts-testing testing "mx.elsewhere.test"
pol sts-ctype enforce "mx.ok.$D"
pol sts-badrec testing "mx.ok.$D"
pol rpt-bad testing "mx.ok.$D"
pol sts.oldtls enforce "mx.oldtls.$D"
printf 'version: STSv1\nmode: strict\nmx: mx.ok.%s\nmax_age: 86400\n' "$D" \
    > "$T/www/sts-syntax.txt"
{
    for n in ok sts-enforce sts-badcert sts-mismatch sts-testing sts-badrec \
             rpt-bad sts-syntax sts.oldtls; do
        cat <<NGX
server {
    listen 127.0.0.40:@PORT@ ssl;
    server_name mta-sts.$n.$D;
    ssl_certificate @CERT@.crt;
    ssl_certificate_key @CERT@.key;
    location = /.well-known/mta-sts.txt {
        default_type text/plain;
        alias @DIR@/www/$n.txt;
    }
}
NGX
    done
    cat <<NGX
server {
    listen 127.0.0.40:@PORT@ ssl;
    server_name mta-sts.sts-ctype.$D;
    ssl_certificate @CERT@.crt;
    ssl_certificate_key @CERT@.key;
    location = /.well-known/mta-sts.txt {
        default_type text/html;
        alias @DIR@/www/sts-ctype.txt;
    }
}
server {
    listen 127.0.0.40:@PORT@ ssl;
    server_name mta-sts.sts-redirect.$D;
    ssl_certificate @CERT@.crt;
    ssl_certificate_key @CERT@.key;
    location / { return 301 https://mta-sts.ok.$D/.well-known/mta-sts.txt; }
}
server {
    listen 127.0.0.40:@PORT@ ssl;
    server_name mta-sts.sts-404.$D;
    ssl_certificate @CERT@.crt;
    ssl_certificate_key @CERT@.key;
    location / { return 404; }
}
NGX
} > "$T/sites.conf"
# What `mailready records --mta-sts` prints for gen.$D, served with its
# own nginx snippet (only the address, port, certificate and file paths
# changed to the test's), its records in a zone file of their own.
"$MAILREADY" records "gen.$D" --mx-host "mx.ok.$D" --mta-sts enforce \
    --tls-rua "tlsrpt@$D" --format json --no-network > "$T/gen.json" ||
    mr_fail "records --mta-sts" "exit status $?"
python3 - "$T" "$D" <<'PY'
import json, sys
t, d = sys.argv[1], sys.argv[2]
j = json.load(open(t + "/gen.json"))
m = j["mta_sts"]
open(t + "/www/gen.txt", "w", newline="").write(m["policy"])
ngx = m["nginx"]
ngx = ngx.replace("listen 443 ssl;", "listen 127.0.0.41:@PORT@ ssl;")
ngx = ngx.replace("    listen [::]:443 ssl;\n", "")
ngx = ngx.replace("/etc/letsencrypt/live/mta-sts.gen.%s/fullchain.pem" % d,
                  "@CERT@.crt")
ngx = ngx.replace("/etc/letsencrypt/live/mta-sts.gen.%s/privkey.pem" % d,
                  "@CERT@.key")
ngx = ngx.replace(m["policy_path"], "@DIR@/www/gen.txt")
open(t + "/gen-nginx.conf", "w").write(ngx)
with open(t + "/gen.zone", "w") as z:
    z.write("$ORIGIN gen.%s.\n$TTL 300\n" % d)
    z.write("@ IN SOA ns1.%s. hostmaster.%s. 1 3600 600 86400 300\n" % (d, d))
    z.write("@ IN NS ns1.%s.\n" % d)
    z.write("mta-sts IN A 127.0.0.41\n")
    for r in j["records"]:
        z.write(r["zone_line"] + "\n")
PY
sed -e "s|@CERT@|@DIR@/gen|g" "$T/gen-nginx.conf" >> "$T/sites.conf"
# TLS 1.0 and 1.1 only (127.0.0.32), and a certificate signed with SHA-1
# (127.0.0.33): names of their own in a zone file, not in tests/zones/.
cat > "$T/oldtls.zone" <<ZONE
\$ORIGIN oldtls.$D.
\$TTL 300
@ IN SOA ns1.$D. hostmaster.$D. 1 3600 600 86400 300
@ IN NS ns1.$D.
@ IN MX 10 mx
mx IN A 127.0.0.32
weak IN MX 10 mx.weak
mx.weak IN A 127.0.0.33
sts IN MX 10 mx
_mta-sts.sts IN TXT "v=STSv1; id=1"
mta-sts.sts IN A 127.0.0.40
cnonly IN MX 10 mx.cnonly
mx.cnonly IN A 127.0.0.35
ZONE
# The PTR of the banner test's address (the runner's NSD has no zone for
# 127.0.0.x: its PTR questions are refused, the PTR could not be checked).
cat > "$T/rev.zone" <<ZONE
\$ORIGIN 0.0.127.in-addr.arpa.
\$TTL 300
@ IN SOA ns1.$D. hostmaster.$D. 1 3600 600 86400 300
@ IN NS ns1.$D.
26 IN PTR mx.banner.$D.
ZONE
if nginx_start "$T/pki" web "$HP" "$T/sites.conf" 2> "$T/ngx.err"; then
    cp "$T/www"/*.txt "$NGX_DIR/www/"
    chmod 644 "$NGX_DIR/www"/*.txt
else
    mr_fail "private nginx" "$(cat "$T/ngx.err")"
fi


SM=(--steps smtp --smtp-port "$P" --https-port "$HP"
    --ca-file "$T/pki/ca.crt")
# The probe records (the others are the MTA-STS and TLS-RPT ones).
PR='[r for r in records("smtp") if isinstance(r, dict) and "host" in r]'
NOSTS="MTA_STS_RECORD_MISSING TLSRPT_MISSING"
smtp_ids() {    # DOMAIN "IDS" LABEL [ARGS]: IDS besides the MTA-STS and
    local dom=$1 ids=$2 label=$3    # TLS-RPT notes of a domain without
    shift 3                         # them (ok.$D has both)
    mr_check "$dom" "${SM[@]}" "$@"
    case $dom in
    ok.$D|gen.$D|sts-*|rpt-*) ;;
    *) ids="$ids $NOSTS" ;;
    esac
    expect_ids smtp "$ids" "$label"
}

# The delivery step is not part of a plain check (it connects to port 25).
mr_check "ok.$D"
expect_json '"smtp" not in [c["step"] for c in j["checks"]]' \
    "default: no delivery step"
mr_check "ok.$D" --steps mx,smtp --smtp-port "$P" --https-port "$HP" \
    --ca-file "$T/pki/ca.crt"
expect_json '[c["step"] for c in j["checks"]] == ["mx", "smtp"]' \
    "--steps mx,smtp: those two"

smtp_ids "ok.$D" "SMTP_ADDR_NOT_GLOBAL" \
    "valid certificate, MTA-STS testing, TLS-RPT: only the note"
expect_status smtp ok "valid: ok"
expect_rc 0 "valid: exit 0"
expect_json ''"$PR"'[0]["starttls"] is True and '"$PR"'[0]["certificate"]["trusted"] is True and '"$PR"'[0]["certificate"]["name_ok"] is True' \
    "valid: STARTTLS, trusted, name ok"
expect_json ''"$PR"'[0]["tls_version"] in ("TLSv1.2", "TLSv1.3")' \
    "valid: TLS 1.2 or later"
expect_json ''"$PR"'[0]["banner"].startswith("mx.ok.delivery.test ")' \
    "valid: the banner"

smtp_ids "ok.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_UNTRUSTED MTA_STS_POLICY_FETCH" \
    "--ca-file of another CA: the test CA is unknown (mail and web)" \
    --ca-file "$T/pki/other.crt"
expect_json 'finding("smtp", "TLS_CERT_UNTRUSTED")["severity"] == "warn"' \
    "untrusted without enforce: a warning"
expect_json 'finding("smtp", "MTA_STS_POLICY_FETCH")["severity"] == "fail"' \
    "the policy's web certificate not trusted: a failure"

smtp_ids "expired.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_EXPIRED" "expired"
expect_status smtp fail "expired fails"
expect_rc 2 "expired: exit 2"
smtp_ids "expiring.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_EXPIRING" \
    "expires in 10 days"
expect_status smtp warn "expiring warns"
expect_json ''"$PR"'[0]["certificate"]["days_left"] in (9, 10)' \
    "expiring: the days left"
smtp_ids "wrongname.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_NAME_MISMATCH" \
    "wrong name"
expect_status smtp warn "wrong name: a warning without MTA-STS enforce"
expect_json '"mail.elsewhere.test" in finding("smtp", "TLS_CERT_NAME_MISMATCH")["message"]' \
    "wrong name: says what the certificate is for"
smtp_ids "selfsigned.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_SELF_SIGNED" \
    "self-signed"
expect_status smtp warn "self-signed warns"
smtp_ids "untrusted.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_UNTRUSTED" \
    "signed by an unknown CA"
smtp_ids "wild.$D" "SMTP_ADDR_NOT_GLOBAL" "*.wild covers mx.wild (RFC 6125)"
# The MX name only in the subject's CN, no subjectAltName: RFC 8461 §4.1
# wants a DNS-ID (OpenSSL alone would fall back to the CN).
smtp_ids "cnonly.oldtls.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_NAME_MISMATCH" \
    "the name in the CN only: no match" --zone-file "$T/oldtls.zone"
expect_json ''"$PR"'[0]["certificate"]["name_ok"] is False and '"$PR"'[0]["certificate"]["trusted"] is True' \
    "CN only: trusted, but not for the MX name"
smtp_ids "plain.$D" "SMTP_ADDR_NOT_GLOBAL SMTP_NO_STARTTLS" "no STARTTLS"
expect_status smtp warn "no STARTTLS warns"
expect_json ''"$PR"'[0]["starttls"] is False and "certificate" not in '"$PR"'[0]' \
    "no STARTTLS: no handshake attempted"
smtp_ids "banner.$D" "SMTP_ADDR_NOT_GLOBAL SMTP_BANNER_NAME_MISMATCH" \
    "banner names another host" --zone-file "$T/rev.zone"
expect_json '"other-name.example" in finding("smtp", "SMTP_BANNER_NAME_MISMATCH")["message"]' \
    "banner: the name it gave"
expect_json '"(mx.banner.delivery.test)" in finding("smtp", "SMTP_BANNER_NAME_MISMATCH")["message"]' \
    "banner: the PTR name it should be"
expect_status smtp warn "banner mismatch warns"
# The same without an answer for the PTR (refused): the banner is not the
# MX name, but it may be the PTR name; not checked, never a mismatch.
smtp_ids "banner.$D" "SMTP_ADDR_NOT_GLOBAL DNS_ERROR" \
    "banner, PTR lookup refused: could not check"
expect_json '"26.0.0.127.in-addr.arpa" in finding("smtp", "DNS_ERROR")["message"]' \
    "banner, PTR refused: says which lookup"
expect_status smtp error "banner, PTR refused: could not check"

# Could not check: never the server's fault.
smtp_ids "refused.$D" "SMTP_ADDR_NOT_GLOBAL SMTP_CONNECT_FAILED" "refused"
expect_status smtp error "refused: could not check"
expect_rc 3 "refused: exit 3"
expect_json '"port 25" in finding("smtp", "SMTP_CONNECT_FAILED")["message"]' \
    "refused: names the blocked-port-25 possibility"
expect_json '"port 25" in finding("smtp", "SMTP_CONNECT_FAILED")["fix"] and "another network" in finding("smtp", "SMTP_CONNECT_FAILED")["fix"]' \
    "refused: says how to tell"
MR_TIMEOUT=2 smtp_ids "silent.$D" "SMTP_ADDR_NOT_GLOBAL SMTP_CONNECT_FAILED" \
    "connects but never greets"
expect_status smtp error "silent: could not check"
expect_true "silent: bounded by --timeout 2 (${MR_MS} ms)" \
    test "$MR_MS" -lt 6000

# A server that speaks TLS 1.0 and 1.1 only (RFC 8996: MUST NOT): the probe
# allows them in order to see them, and says which version it got.
smtp_ids "oldtls.$D" "SMTP_ADDR_NOT_GLOBAL TLS_VERSION_OLD" \
    "TLS 1.1 at most: TLS_VERSION_OLD" --zone-file "$T/oldtls.zone"
expect_json 'finding("smtp", "TLS_VERSION_OLD")["severity"] == "warn"' \
    "old TLS without MTA-STS enforce: a warning (senders fall back)"
expect_json ''"$PR"'[0]["result"] == "done" and '"$PR"'[0]["tls_version"] in ("TLSv1", "TLSv1.1")' \
    "old TLS: the handshake completes, the version is said"
expect_json ''"$PR"'[0]["certificate"]["trusted"] is True and '"$PR"'[0]["certificate"]["name_ok"] is True' \
    "old TLS: its valid certificate is still judged valid"
expect_json '"TLS 1.2" in finding("smtp", "TLS_VERSION_OLD")["message"] and ">=TLSv1.2" in finding("smtp", "TLS_VERSION_OLD")["fix"]' \
    "old TLS: what is needed and the Postfix fix"
mr_check "sts.oldtls.$D" "${SM[@]}" --zone-file "$T/oldtls.zone"
expect_ids smtp "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING TLS_VERSION_OLD" \
    "old TLS under MTA-STS enforce"
expect_json 'finding("smtp", "TLS_VERSION_OLD")["severity"] == "fail"' \
    "old TLS under enforce: a failure (no fallback to clear text)"
mr_run check "oldtls.$D" --resolver "$RESOLVER" --timeout 2 "${SM[@]}" \
    --zone-file "$T/oldtls.zone" --lang en
expect_grep 'mx.oldtls.delivery.test \[127.0.0.32\]:[0-9]* uses TLSv1' \
    "$T/out" "text: old TLS, the version"
expect_grep '^▲ Delivery: ' "$T/out" "text: old TLS warns"
# A certificate signed with SHA-1: level 0 lets the probe see old TLS, but
# the chain is judged as senders' OpenSSL judges it.
smtp_ids "weak.oldtls.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_UNTRUSTED" \
    "a SHA-1 signature: not trusted" --zone-file "$T/oldtls.zone"
expect_json '"too weak" in finding("smtp", "TLS_CERT_UNTRUSTED")["message"]' \
    "SHA-1: says why"
smtp_ids "gen.$D" "SMTP_ADDR_NOT_GLOBAL" \
    "the generated policy and records, served with the printed snippet" \
    --zone-file "$T/gen.zone"
expect_status smtp ok "generated MTA-STS (enforce): ok"
expect_json 'any(isinstance(r, dict) and "mode: enforce" in r.get("mta_sts_policy", "") and "mx: mx.ok.delivery.test" in r.get("mta_sts_policy", "") for r in records("smtp"))' \
    "generated: the policy fetched names the MX host"
smtp_ids "ok.$D" "SMTP_ADDR_NOT_GLOBAL" "MTA-STS testing and TLS-RPT: fine"
expect_json 'any(isinstance(r, dict) and r.get("mta_sts_policy", "").startswith("version: STSv1") for r in records("smtp"))' \
    "the policy fetched is shown"
expect_json '"v=TLSRPTv1; rua=mailto:tlsrpt@delivery.test" in records("smtp")' \
    "the TLS-RPT record is shown"
smtp_ids "sts-enforce.$D" "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING" \
    "enforce, *.ok matches mx.ok"
expect_status smtp ok "enforce and all fine: ok"
smtp_ids "sts-badcert.$D" \
    "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING TLS_CERT_NAME_MISMATCH" \
    "enforce and a certificate for another name"
expect_json 'finding("smtp", "TLS_CERT_NAME_MISMATCH")["severity"] == "fail"' \
    "under enforce the name mismatch fails"
smtp_ids "sts-mismatch.$D" \
    "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING MTA_STS_MX_MISMATCH" \
    "enforce, the MX host not in the policy"
expect_status smtp fail "enforce mismatch fails"
smtp_ids "sts-testing.$D" \
    "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING MTA_STS_MX_MISMATCH" \
    "testing, the MX host not in the policy"
expect_status smtp warn "testing mismatch warns"
smtp_ids "sts-ctype.$D" \
    "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING MTA_STS_POLICY_CONTENT_TYPE" \
    "policy served as text/html"
expect_status smtp fail "wrong content type fails"
smtp_ids "sts-redirect.$D" \
    "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING MTA_STS_POLICY_FETCH" \
    "a redirect is not followed"
expect_json '"redirect" in finding("smtp", "MTA_STS_POLICY_FETCH")["message"] and "301" in finding("smtp", "MTA_STS_POLICY_FETCH")["message"]' \
    "redirect: says so"
smtp_ids "sts-404.$D" \
    "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING MTA_STS_POLICY_FETCH" "HTTP 404"
smtp_ids "sts-syntax.$D" \
    "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING MTA_STS_POLICY_SYNTAX" \
    "mode: strict"
expect_json '"line 2" in finding("smtp", "MTA_STS_POLICY_SYNTAX")["message"]' \
    "syntax: the line"
smtp_ids "sts-badrec.$D" \
    "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING MTA_STS_RECORD_INVALID" \
    "an id with characters not allowed"
smtp_ids "sts-two.$D" \
    "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING MTA_STS_RECORD_INVALID" \
    "two STSv1 records"
smtp_ids "sts-noaddr.$D" \
    "SMTP_ADDR_NOT_GLOBAL TLSRPT_MISSING MTA_STS_POLICY_FETCH" \
    "no address for mta-sts"
smtp_ids "rpt-bad.$D" "SMTP_ADDR_NOT_GLOBAL MTA_STS_RECORD_MISSING TLSRPT_INVALID" \
    "rua without mailto:"
mr_run check "sts-mismatch.$D" --resolver "$RESOLVER" --timeout 2 \
    "${SM[@]}" --lang es
expect_grep 'no coincide con ninguna línea mx' "$T/out" \
    "es: the MX host not in the policy"

# Two MX hosts probed in parallel: one answers, one refuses.
smtp_ids "two.$D" "SMTP_ADDR_NOT_GLOBAL SMTP_CONNECT_FAILED" \
    "two hosts: the refused one could not be checked"
expect_json 'len('"$PR"') == 2' "two hosts: both probed"
expect_json 'sum(f["id"] == "SMTP_ADDR_NOT_GLOBAL" for f in step("smtp")["findings"]) == 2' \
    "two hosts: a note each"

# Text and Spanish.
mr_run check "expired.$D" --resolver "$RESOLVER" --timeout 2 "${SM[@]}" \
    --lang en
expect_grep '^✘ Delivery: problems found' "$T/out" "text: the step's title and status"
expect_grep 'certificate of mx.expired.delivery.test \[127.0.0.22\]' \
    "$T/out" "text: the finding"
expect_grep 'certbot renew' "$T/out" "text: the fix"
mr_run check "expired.$D" --resolver "$RESOLVER" --timeout 2 "${SM[@]}" \
    --lang es
expect_grep 'Entrega: ' "$T/out" "es: the step's title"
expect_grep 'caducó' "$T/out" "es: the finding"
mr_run check "refused.$D" --resolver "$RESOLVER" --timeout 2 "${SM[@]}" \
    --lang es
expect_grep 'puerto 25' "$T/out" "es: could not connect, port 25"

# Options.
mr_run check "ok.$D" --resolver "$RESOLVER" --steps mx,nosuch
expect_rc 3 "--steps: an unknown step is refused (usage error)"
expect_grep "unknown step 'nosuch'" "$T/err" "--steps: says which"
mr_check "ok.$D" "${SM[@]}" --ca-file "$T/nonexistent.pem"
expect_ids smtp "SMTP_CA_FILE" "--ca-file unreadable: said, not checked"
expect_status smtp error "--ca-file unreadable: could not check"

cleanup
trap - EXIT
