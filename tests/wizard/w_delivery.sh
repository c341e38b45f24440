# The Delivery screen (step 6) against a real Postfix on loopback with
# certificates of the test's own CA (tests/smtp-lib.sh) and the
# delivery.test zone served by the runner's NSD: a valid certificate, an
# expired one, a self-signed one, no STARTTLS, and a refused port, which
# is "could not check from here", never the server's fault.  MTA-STS:
# m puts it in the plan (testing first) with the policy file, the
# records and the web server snippets.  In English and in Spanish; the
# wizard quits with status 0.
. "$TOP/tests/wizard/wiz-lib.sh"
. "$TOP/tests/smtp-lib.sh"

D=delivery.test
trap postfix_stop EXIT
trap 'postfix_stop; exit 143' TERM INT HUP
mkdir -p "$T/pki"
{ tls_ca "$T/pki" ca &&
  tls_cert "$T/pki" ca ok 365 "mx.ok.$D" &&
  tls_cert "$T/pki" ca expired -1 "mx.expired.$D" &&
  tls_cert "$T/pki" self selfsigned 365 "mx.selfsigned.$D"; } ||
    { mr_fail "test certificates" "openssl failed"; exit 0; }
P=$(free_port)
postfix_start "$T/pki" "$P" \
    "127.0.0.21 ok mx.ok.$D may" \
    "127.0.0.22 expired mx.expired.$D may" \
    "127.0.0.24 selfsigned mx.selfsigned.$D may" \
    "127.0.0.25 ok mx.plain.$D none" 2> "$T/pf.err" ||
    { mr_fail "private Postfix" "$(cat "$T/pf.err")"; exit 0; }

# Open the wizard on SUB.delivery.test as one's own server mx.SUB, go to
# step 6 and wait for the probes.
delivery() {    # SUB LANG
    local sub=$1 lang=$2
    rm -rf "$T/state"
    wz_start "$sub.$D" --resolver "$RESOLVER" --timeout 3 \
        --smtp-port "$P" --ca-file "$T/pki/ca.crt" --lang "$lang" \
        --no-authoritative
    tm_wait_for 'Who handles mail|Quién gestiona el correo' > /dev/null
    tm_send Enter
    tm_wait_for 'public IP addresses|direcciones IP públicas' > /dev/null
    tm_send Enter "mx.$sub.$D" Enter
    tm_wait_for 'Step 1:|Paso 1:' > /dev/null
    tm_send 6
    screen_has "$lang $sub: step 6 is Delivery" \
        'Step 6: Delivery|Paso 6: Entrega'
    tm_wait_gone 'Checking DNS|Consultando el DNS' 15 > /dev/null
}

# Page down from the top until REGEX is on the screen (at most 8 pages).
page_to() {     # REGEX
    local n=0
    tm_send Home
    sleep 0.2
    while [ $n -lt 8 ]; do
        tm_screen | grep -Eq -- "$1" && return 0
        tm_send NPage
        sleep 0.2
        n=$((n + 1))
    done
}

quit_ok() {     # LABEL
    tm_send F10
    expect_true "$1: quits with status 0" wz_gone
}

delivery ok en
screen_has "en ok: the header lists step 6" '6 SMTP'
screen_has "en ok: valid TLS: STARTTLS offered" 'STARTTLS offered'
screen_has "en ok: TLS 1.2 or later, the certificate for the MX name" \
    'TLSv1\.[23]; certificate for mx\.ok\.delivery\.test'
page_to 'Ask senders to insist'
screen_lacks "en ok: no certificate problem" \
    'self-signed|has expired|not trusted|does not offer STARTTLS'
quit_ok "en ok"

delivery expired en
screen_has "en expired: problems found" 'Result: problems found'
page_to 'expired on'
screen_has "en expired: the certificate expired, said" \
    'The certificate of mx\.expired\.delivery\.test.*expired on'
screen_has "en expired: the fix in plain words" 'certbot'
quit_ok "en expired"

delivery selfsigned en
screen_has "en self-signed: a warning, not a failure (no enforce)" \
    'Result: warnings'
page_to 'self-signed\.'
screen_has "en self-signed: said" 'self-signed\.'
quit_ok "en self-signed"

delivery plain en
page_to 'does not offer STARTTLS'
screen_has "en no STARTTLS: said" 'does not offer STARTTLS'
quit_ok "en no STARTTLS"

delivery refused en
screen_has "en refused: could not check" 'Result: could not check'
screen_has "en refused: never the server's fault" \
    'not a fault of your server'
screen_has "en refused: port 25 may be blocked here" 'port 25'
screen_lacks "en refused: not called a failure" 'problems found'
# MTA-STS: m puts mode testing in the plan, with what to publish.
tm_send End
screen_has "en refused: MTA-STS offered, testing suggested" \
    'Suggested: mode testing'
tm_send m
tm_wait_gone 'Checking DNS' 15 > /dev/null
screen_has "en m: testing in the plan" 'In your plan: mode testing'
page_to 'Name: _mta-sts\.'
screen_has "en m: the _mta-sts record to publish" \
    'Name: _mta-sts\.refused\.delivery\.test'
page_to 'Name: _smtp\._tls\.'
screen_has "en m: the TLS-RPT record to publish" \
    'Name: _smtp\._tls\.refused\.delivery\.test'
page_to '^ *mode: testing *$'
screen_has "en m: the policy file, mode testing" '^ *mode: testing *$'
screen_has "en m: for the MX host" '^ *mx: mx\.refused\.delivery\.test *$'
tm_send End
screen_has "en m: the Apache snippet" 'ForceType text/plain'
screen_lacks "en m: no command-line option on the screen" ' --[a-z]'
tm_send m
tm_wait_gone 'Checking DNS' 15 > /dev/null
page_to 'In your plan'
screen_has "en m again: enforce" 'In your plan: mode enforce'
page_to '^ *mode: enforce *$'
screen_has "en m again: the policy says enforce" '^ *mode: enforce *$'
quit_ok "en refused"

delivery selfsigned es
screen_has "es self-signed: the probe in Spanish" \
    'responde en SMTP'
screen_has "es self-signed: STARTTLS in Spanish" 'ofrece STARTTLS'
screen_has "es self-signed: the certificate in Spanish" \
    'TLSv1\.[23]; certificado para mx\.selfsigned\.delivery\.test'
screen_has "es self-signed: avisos, no un fallo" 'Resultado: avisos'
page_to 'autofirmado'
screen_has "es self-signed: autofirmado" 'autofirmado'
quit_ok "es self-signed"
delivery refused es
screen_has "es refused: no se pudo comprobar" \
    'Resultado: no se pudo comprobar'
screen_has "es refused: no es culpa de tu servidor" 'no es un fallo de tu'
page_to 'Te sugerimos'
screen_has "es refused: MTA-STS, testing sugerido" \
    'Te sugerimos el modo testing'
screen_lacks "es refused: ninguna opción de la línea de órdenes" ' --[a-z]'
quit_ok "es refused"
