# The Delivery screen (step 6) for the cases w_delivery.sh leaves out: a
# certificate for another name (a warning without MTA-STS enforce) from a
# real Postfix on loopback, and a port that accepts the connection but
# never greets (tests/blackhole.py): "could not check from here", never
# the server's fault.  In English and in Spanish: the finding with its
# severity, the step's result line, no command-line option on the
# screen; the wizard quits with status 0.
. "$TOP/tests/wizard/wiz-lib.sh"
. "$TOP/tests/smtp-lib.sh"
. "$TOP/tests/wizard/delivery-lib.sh"

D=delivery.test
cleanup() {
    postfix_stop
    [ -n "${SILENT_PID:-}" ] && kill "$SILENT_PID" 2>/dev/null
    SILENT_PID=
}
trap cleanup EXIT
trap 'cleanup; exit 143' TERM INT HUP
mkdir -p "$T/pki"
{ tls_ca "$T/pki" ca &&
  tls_cert "$T/pki" ca wrongname 365 "mail.elsewhere.test"; } ||
    { mr_fail "test certificates" "openssl failed"; exit 0; }
P=$(free_port)
postfix_start "$T/pki" "$P" "127.0.0.23 wrongname mx.wrongname.$D may" \
    2> "$T/pf.err" ||
    { mr_fail "private Postfix" "$(cat "$T/pf.err")"; exit 0; }
python3 "$TOP/tests/blackhole.py" --listen "127.0.0.29:$P" \
    > "$T/silent.out" 2>&1 &
SILENT_PID=$!
for _ in $(seq 50); do grep -q ready "$T/silent.out" && break; sleep 0.1; done

wz_delivery wrongname "mx.wrongname.$D" en
wz_result "en wrong name: warnings (no MTA-STS enforce)" '▲' 'warnings'
wz_finding "en wrong name: a warning, the name and what it is for" '▲' \
    '^The certificate of mx\.wrongname\.delivery\.test .* does not cover the name mx\.wrongname\.delivery\.test \(it is for: mail\.elsewhere\.test\)\.'
screen_lacks "en wrong name: not called a failure" \
    'problems found|^   ✘ '
wz_no_option "en wrong name: no command-line option"
wz_quit "en wrong name"
wz_delivery wrongname "mx.wrongname.$D" es
wz_result "es wrong name: avisos" '▲' 'avisos'
wz_finding "es wrong name: el aviso, el nombre y para qué es" '▲' \
    '^El certificado de mx\.wrongname\.delivery\.test .* no cubre el nombre mx\.wrongname\.delivery\.test \(es para: mail\.elsewhere\.test\)\.'
screen_lacks "es wrong name: no es un fallo" 'hay problemas|^   ✘ '
wz_no_option "es wrong name: ninguna opción de la línea de órdenes"
wz_quit "es wrong name"

wz_delivery silent "mx.silent.$D" en
wz_result "en silent: could not check" '?' 'could not check'
wz_finding "en silent: not checked, port 25 may be blocked here" '?' \
    '^Could not talk SMTP with mx\.silent\.delivery\.test .* not checked\. This network may block outgoing port 25\.'
screen_has "en silent: never the server's fault" \
    'not a fault of your server'
screen_lacks "en silent: not called a failure" 'problems found|^   ✘ '
wz_no_option "en silent: no command-line option"
wz_quit "en silent"
wz_delivery silent "mx.silent.$D" es
wz_result "es silent: no se pudo comprobar" '?' 'no se pudo comprobar'
wz_finding "es silent: no comprobado, puede que se bloquee el puerto 25" '?' \
    '^No se pudo hablar SMTP con mx\.silent\.delivery\.test .* no se pudo comprobar\. Puede que esta red bloquee el puerto 25 de salida\.'
screen_has "es silent: no es culpa de tu servidor" 'no es un fallo de tu'
screen_lacks "es silent: no se llama fallo" 'hay problemas|^   ✘ '
wz_no_option "es silent: ninguna opción"
wz_quit "es silent"
