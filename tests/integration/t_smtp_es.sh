#!/bin/bash
# t_smtp_es.sh - the delivery step in Spanish (LANGUAGE=es, no --lang):
# the same Postfix, nginx and delivery.test zone as t_smtp.sh (tests/
# smtp-lib.sh) for each case of issue 14: certificates valid, expired,
# for another name, self-signed, no STARTTLS; MTA-STS policies valid,
# served as text/html, behind a redirect, with bad syntax, not naming the
# MX host; a port that refuses and one that never greets.  For each: the
# Spanish text gives the finding and the step's result word, and the
# finding ids and severities of --json are the same as in English; the
# refused and silent ports are "no se pudo comprobar" (exit 3), never a
# fault of the server.
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

{
    tls_ca "$T/pki" ca &&
    tls_cert "$T/pki" ca ok 365 "mx.ok.$D" &&
    tls_cert "$T/pki" ca expired -1 "mx.expired.$D" &&
    tls_cert "$T/pki" ca wrongname 365 "mail.elsewhere.test" &&
    tls_cert "$T/pki" self selfsigned 365 "mx.selfsigned.$D" &&
    tls_cert "$T/pki" ca web 365 "mta-sts.ok.$D" "mta-sts.sts-mismatch.$D" \
        "mta-sts.sts-ctype.$D" "mta-sts.sts-redirect.$D" \
        "mta-sts.sts-syntax.$D"
} || { mr_fail "test certificates" "openssl failed"; exit 0; }
postfix_start "$T/pki" "$P" \
    "127.0.0.21 ok mx.ok.$D may" \
    "127.0.0.22 expired mx.expired.$D may" \
    "127.0.0.23 wrongname mx.wrongname.$D may" \
    "127.0.0.24 selfsigned mx.selfsigned.$D may" \
    "127.0.0.25 ok mx.plain.$D none" 2> "$T/pf.err" ||
    { mr_fail "private Postfix" "$(cat "$T/pf.err")"; exit 0; }
python3 "$TOP/tests/blackhole.py" --listen "127.0.0.29:$P" \
    > "$T/silent.out" 2>&1 &
SILENT_PID=$!
for _ in $(seq 50); do grep -q ready "$T/silent.out" && break; sleep 0.1; done
sts_web "$T/pki" "$T/www" "$D" 2> "$T/ngx.err" ||
    { mr_fail "private nginx" "$(cat "$T/ngx.err")"; exit 0; }

SM=(--steps smtp --smtp-port "$P" --https-port "$STS_HP"
    --ca-file "$T/pki/ca.crt")

# The findings of the smtp step as "ID=severity" lines, sorted.
sevs() {        # JSON-FILE
    python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
s = [c for c in j["checks"] if c["step"] == "smtp"][0]
print("\n".join(sorted("%s=%s" % (f["id"], f["severity"])
                       for f in s["findings"])))' "$1"
}
same_sevs() {   # the Spanish JSON has the English ids and severities
    local en es
    en=$(sevs "$T/en.json") && es=$(sevs "$T/out.json") || return 1
    [ -n "$en" ] && [ "$en" = "$es" ] && return 0
    printf 'English:\n%s\nSpanish:\n%s\n' "$en" "$es"
    return 1
}
# Spanish text of `check SUB.D`: stdout in $T/out, status in $MR_RC.
es_text() {     # SUB [TIMEOUT]
    local t0
    t0=$(_mr_now_ms)
    MR_RC=0
    env -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 LANGUAGE=es \
        "$MAILREADY" check "$1.$D" --resolver "$RESOLVER" \
        --timeout "${2:-2}" "${SM[@]}" > "$T/out" 2> "$T/err" || MR_RC=$?
    MR_MS=$(( $(_mr_now_ms) - t0 ))
}

no_line() {     # REGEX FILE: no line of FILE matches (else show them)
    ! grep -E -- "$1" "$2"
}

# A finding of the text in $T/out: its first line starts (indented) with
# TAG, its wrapped lines are joined with single spaces; true when one of
# them matches the Python regular expression REGEX.
has_finding() { # TAG REGEX
    findings_match "$T/out" 2 "$1" "$2"
}

# smtp_case SUB TAG WORD RC "EN-ID=SEV..." REGEX [TIMEOUT]: the English JSON
# has exactly those ids/severities (besides the MTA-STS/TLS-RPT notes of
# domains without them), the Spanish JSON the same, the Spanish text the
# step line "TAG Entrega: WORD" and a finding "FTAG TEXT" (REGEX is
# "FTAG TEXT-REGEX"), exit status RC.
smtp_case() {
    local sub=$1 tag=$2 word=$3 rc=$4 want=$5 re=$6 to=${7:-2} ids="" w
    for w in $want; do ids="$ids ${w%%=*}"; done
    case $sub in
    ok|sts-*) ;;
    *) ids="$ids MTA_STS_RECORD_MISSING TLSRPT_MISSING" ;;
    esac
    case $sub in
    sts-*) ids="$ids TLSRPT_MISSING" ;;
    esac
    MR_TIMEOUT=$to mr_check "$sub.$D" "${SM[@]}" --lang en
    cp "$T/out.json" "$T/en.json"
    expect_ids smtp "$ids" "$sub en: the finding ids"
    for w in $want; do
        expect_json 'finding("smtp", "'"${w%%=*}"'")["severity"] == "'"${w#*=}"'"' \
            "$sub en: ${w%%=*} is ${w#*=}"
    done
    expect_rc "$rc" "$sub en: exit $rc"
    MR_TIMEOUT=$to LANGUAGE=es mr_check "$sub.$D" "${SM[@]}"
    expect_true "$sub es: the same ids and severities in --json" same_sevs
    expect_rc "$rc" "$sub es --json: exit $rc"
    es_text "$sub" "$to"
    expect_rc "$rc" "$sub es text: exit $rc"
    expect_grep "^$tag Entrega: $word\$" "$T/out" \
        "$sub es: the step line '$tag Entrega: $word'"
    [ -n "$re" ] && expect_true "$sub es: the finding in Spanish" \
        has_finding "${re%% *}" "${re#* }"
    expect_true "$sub es: no English step words" \
        no_line 'Delivery|problems found|could not check|warnings$' "$T/out"
}

smtp_case ok '✔' 'correcto' 0 "SMTP_ADDR_NOT_GLOBAL=info" ''
expect_grep 'mx\.ok\.delivery\.test' "$T/out" "ok es: the MX host probed"
smtp_case expired '✘' 'hay problemas' 2 \
    "SMTP_ADDR_NOT_GLOBAL=info TLS_CERT_EXPIRED=fail" \
    '✘ ^El certificado de mx\.expired\.delivery\.test .* caducó el 20'
smtp_case wrongname '▲' 'avisos' 1 \
    "SMTP_ADDR_NOT_GLOBAL=info TLS_CERT_NAME_MISMATCH=warn" \
    '▲ ^El certificado de mx\.wrongname\.delivery\.test .*no cubre el nombre mx\.wrongname\.delivery\.test'
expect_true "wrongname es: what the certificate is for" \
    has_finding '▲' 'no cubre el nombre .*\(es para: mail\.elsewhere\.test\)'
smtp_case selfsigned '▲' 'avisos' 1 \
    "SMTP_ADDR_NOT_GLOBAL=info TLS_CERT_SELF_SIGNED=warn" \
    '▲ ^El certificado de mx\.selfsigned\.delivery\.test .*está autofirmado\.'
smtp_case plain '▲' 'avisos' 1 \
    "SMTP_ADDR_NOT_GLOBAL=info SMTP_NO_STARTTLS=warn" \
    '▲ ^mx\.plain\.delivery\.test .*no ofrece STARTTLS: el correo que recibe viaja sin cifrar'
smtp_case sts-ctype '✘' 'hay problemas' 2 \
    "SMTP_ADDR_NOT_GLOBAL=info MTA_STS_POLICY_CONTENT_TYPE=fail" \
    '✘ ^La política MTA-STS se sirve como text/html, no como text/plain'
smtp_case sts-redirect '✘' 'hay problemas' 2 \
    "SMTP_ADDR_NOT_GLOBAL=info MTA_STS_POLICY_FETCH=fail" \
    '✘ mta-sts\.sts-redirect\.delivery\.test.* responde con una redirección \(HTTP 301\); .*nunca siguen redirecciones'
smtp_case sts-syntax '✘' 'hay problemas' 2 \
    "SMTP_ADDR_NOT_GLOBAL=info MTA_STS_POLICY_SYNTAX=fail" \
    '✘ ^La política MTA-STS no es válida en la línea 2'
smtp_case sts-mismatch '✘' 'hay problemas' 2 \
    "SMTP_ADDR_NOT_GLOBAL=info MTA_STS_MX_MISMATCH=fail" \
    '✘ ^El servidor MX mx\.ok\.delivery\.test no coincide con ninguna línea mx'
# Could not check: never the server's fault.
smtp_case refused '\?' 'no se pudo comprobar' 3 \
    "SMTP_ADDR_NOT_GLOBAL=info SMTP_CONNECT_FAILED=error" \
    '? ^No se pudo hablar SMTP con mx\.refused\.delivery\.test .*no se pudo comprobar\. Puede que esta red bloquee el puerto 25'
expect_true "refused es: not called a failure" \
    no_line 'hay problemas|✘' "$T/out"
smtp_case silent '\?' 'no se pudo comprobar' 3 \
    "SMTP_ADDR_NOT_GLOBAL=info SMTP_CONNECT_FAILED=error" \
    '? ^No se pudo hablar SMTP con mx\.silent\.delivery\.test .*no se pudo comprobar\. Puede que esta red bloquee el puerto 25'
expect_true "silent es: not called a failure" \
    no_line 'hay problemas|✘' "$T/out"
expect_true "silent es: bounded by --timeout 2 (${MR_MS} ms)" \
    test "$MR_MS" -lt 6000

cleanup
trap - EXIT
