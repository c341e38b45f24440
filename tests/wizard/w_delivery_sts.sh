# The Delivery screen (step 6) with the MTA-STS policies of delivery.test
# served by a real nginx on loopback (tests/smtp-lib.sh sts_web), the MX
# host mx.ok.delivery.test a real Postfix with a valid certificate: a
# valid policy (mode testing), one served as text/html, one behind a
# redirect, one with bad syntax, and one whose mx lines do not name the
# MX host (mode enforce).  In English and in Spanish: the finding with its
# severity, the step's result line, no command-line option on the
# screen; the wizard quits with status 0.  (w_delivery.sh: the
# certificates; w_delivery_cert.sh: wrong name and a silent port.)
. "$TOP/tests/wizard/wiz-lib.sh"
. "$TOP/tests/smtp-lib.sh"
. "$TOP/tests/wizard/delivery-lib.sh"

D=delivery.test
cleanup() { postfix_stop; nginx_stop; }
trap cleanup EXIT
trap 'cleanup; exit 143' TERM INT HUP
mkdir -p "$T/pki"
{ tls_ca "$T/pki" ca &&
  tls_cert "$T/pki" ca ok 365 "mx.ok.$D" &&
  tls_cert "$T/pki" ca web 365 "mta-sts.ok.$D" "mta-sts.sts-mismatch.$D" \
      "mta-sts.sts-ctype.$D" "mta-sts.sts-redirect.$D" \
      "mta-sts.sts-syntax.$D"; } ||
    { mr_fail "test certificates" "openssl failed"; exit 0; }
P=$(free_port)
postfix_start "$T/pki" "$P" "127.0.0.21 ok mx.ok.$D may" 2> "$T/pf.err" ||
    { mr_fail "private Postfix" "$(cat "$T/pf.err")"; exit 0; }
sts_web "$T/pki" "$T/www" "$D" 2> "$T/ngx.err" ||
    { mr_fail "private nginx" "$(cat "$T/ngx.err")"; exit 0; }

# Valid: a testing policy naming the MX host, TLS-RPT published.
wz_delivery ok "mx.ok.$D" en
wz_result "en valid: OK" '✔' 'OK'
screen_has "en valid: the policy fetched is shown" '^ +mode: testing$'
screen_lacks "en valid: no problem or warning" '^   [✘▲?] '
# A testing policy is live and the check is clean: now enforce.
tm_send End
screen_has "en valid: enforce suggested" 'Suggested: mode enforce'
wz_no_option "en valid: no command-line option"
wz_quit "en valid"
wz_delivery ok "mx.ok.$D" es
wz_result "es valid: correcto" '✔' 'correcto'
screen_lacks "es valid: ni problemas ni avisos" '^   [✘▲?] '
screen_has "es valid: la política obtenida" '^ +mode: testing$'
tm_send End
screen_has "es valid: se sugiere enforce" 'Te sugerimos el modo enforce'
wz_no_option "es valid: ninguna opción de la línea de órdenes"
wz_quit "es valid"

# Served as text/html.
wz_delivery sts-ctype "mx.ok.$D" en
wz_result "en content type: problems found" '✘' 'problems found'
wz_finding "en content type: a failure, said" '✘' \
    '^The MTA-STS policy is served as text/html, not text/plain: senders reject it\.'
wz_no_option "en content type: no command-line option"
wz_quit "en content type"
wz_delivery sts-ctype "mx.ok.$D" es
wz_result "es content type: hay problemas" '✘' 'hay problemas'
wz_finding "es content type: el fallo, en español" '✘' \
    '^La política MTA-STS se sirve como text/html, no como text/plain: los servidores que envían correo la rechazan\.'
wz_no_option "es content type: ninguna opción"
wz_quit "es content type"

# A redirect (senders never follow one).
wz_delivery sts-redirect "mx.ok.$D" en
wz_result "en redirect: problems found" '✘' 'problems found'
wz_finding "en redirect: a failure, said" '✘' \
    'sts-redirect.* answers with a redirect \(HTTP 301\); senders never follow redirects'
wz_no_option "en redirect: no command-line option"
wz_quit "en redirect"
wz_delivery sts-redirect "mx.ok.$D" es
wz_result "es redirect: hay problemas" '✘' 'hay problemas'
wz_finding "es redirect: el fallo, en español" '✘' \
    'sts-redirect.* responde con una redirección \(HTTP 301\); .*nunca siguen redirecciones'
wz_no_option "es redirect: ninguna opción"
wz_quit "es redirect"

# "mode: strict" on line 2.
wz_delivery sts-syntax "mx.ok.$D" en
wz_result "en syntax: problems found" '✘' 'problems found'
wz_finding "en syntax: a failure, the line" '✘' \
    '^The MTA-STS policy is not valid at line 2: '
wz_no_option "en syntax: no command-line option"
wz_quit "en syntax"
wz_delivery sts-syntax "mx.ok.$D" es
wz_result "es syntax: hay problemas" '✘' 'hay problemas'
wz_finding "es syntax: el fallo y la línea" '✘' \
    '^La política MTA-STS no es válida en la línea 2: '
wz_no_option "es syntax: ninguna opción"
wz_quit "es syntax"

# Mode enforce, the MX host in no mx line: a failure.
wz_delivery sts-mismatch "mx.ok.$D" en
wz_result "en mx mismatch: problems found" '✘' 'problems found'
wz_finding "en mx mismatch: a failure under enforce" '✘' \
    '^The MX host mx\.ok\.delivery\.test matches no mx line of the MTA-STS policy'
wz_no_option "en mx mismatch: no command-line option"
wz_quit "en mx mismatch"
wz_delivery sts-mismatch "mx.ok.$D" es
wz_result "es mx mismatch: hay problemas" '✘' 'hay problemas'
wz_finding "es mx mismatch: el fallo, en español" '✘' \
    '^El servidor MX mx\.ok\.delivery\.test no coincide con ninguna línea mx de la política MTA-STS'
wz_no_option "es mx mismatch: ninguna opción"
wz_quit "es mx mismatch"
