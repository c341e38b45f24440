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
    tls_cert "$T/pki" ca banner 365 "mx.banner.$D"
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
    "127.0.0.31 wild mx.wild.$D may" 2> "$T/pf.err" ||
    { mr_fail "private Postfix" "$(cat "$T/pf.err")"; exit 0; }
python3 "$TOP/tests/blackhole.py" --listen "127.0.0.29:$P" \
    > "$T/silent.out" 2>&1 &
SILENT_PID=$!
for _ in $(seq 50); do grep -q ready "$T/silent.out" && break; sleep 0.1; done

SM=(--steps smtp --smtp-port "$P" --ca-file "$T/pki/ca.crt")
smtp_ids() {    # DOMAIN "IDS" LABEL [ARGS]
    local dom=$1 ids=$2 label=$3
    shift 3
    mr_check "$dom" "${SM[@]}" "$@"
    expect_ids smtp "$ids" "$label"
}

# The delivery step is not part of a plain check (it connects to port 25).
mr_check "ok.$D"
expect_json '"smtp" not in [c["step"] for c in j["checks"]]' \
    "default: no delivery step"
mr_check "ok.$D" --steps mx,smtp --smtp-port "$P" --ca-file "$T/pki/ca.crt"
expect_json '[c["step"] for c in j["checks"]] == ["mx", "smtp"]' \
    "--steps mx,smtp: those two"

smtp_ids "ok.$D" "SMTP_ADDR_NOT_GLOBAL" "valid certificate: only the note"
expect_status smtp ok "valid: ok"
expect_rc 0 "valid: exit 0"
expect_json 'records("smtp")[0]["starttls"] is True and records("smtp")[0]["certificate"]["trusted"] is True and records("smtp")[0]["certificate"]["name_ok"] is True' \
    "valid: STARTTLS, trusted, name ok"
expect_json 'records("smtp")[0]["tls_version"] in ("TLSv1.2", "TLSv1.3")' \
    "valid: TLS 1.2 or later"
expect_json 'records("smtp")[0]["banner"].startswith("mx.ok.delivery.test ")' \
    "valid: the banner"

smtp_ids "ok.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_UNTRUSTED" \
    "--ca-file of another CA: the test CA is unknown" \
    --ca-file "$T/pki/other.crt"
expect_status smtp warn "untrusted without enforce: a warning"

smtp_ids "expired.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_EXPIRED" "expired"
expect_status smtp fail "expired fails"
expect_rc 2 "expired: exit 2"
smtp_ids "expiring.$D" "SMTP_ADDR_NOT_GLOBAL TLS_CERT_EXPIRING" \
    "expires in 10 days"
expect_status smtp warn "expiring warns"
expect_json 'records("smtp")[0]["certificate"]["days_left"] in (9, 10)' \
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
smtp_ids "plain.$D" "SMTP_ADDR_NOT_GLOBAL SMTP_NO_STARTTLS" "no STARTTLS"
expect_status smtp warn "no STARTTLS warns"
expect_json 'records("smtp")[0]["starttls"] is False and "certificate" not in records("smtp")[0]' \
    "no STARTTLS: no handshake attempted"
smtp_ids "banner.$D" "SMTP_ADDR_NOT_GLOBAL SMTP_BANNER_NAME_MISMATCH" \
    "banner names another host"
expect_json '"other-name.example" in finding("smtp", "SMTP_BANNER_NAME_MISMATCH")["message"]' \
    "banner: the name it gave"

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

# Two MX hosts probed in parallel: one answers, one refuses.
smtp_ids "two.$D" "SMTP_ADDR_NOT_GLOBAL SMTP_CONNECT_FAILED" \
    "two hosts: the refused one could not be checked"
expect_json 'len(records("smtp")) == 2' "two hosts: both probed"
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
