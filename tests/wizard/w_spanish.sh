# The Spanish walk under LANG=C.UTF-8 only (no Spanish locale needed):
# accents and ñ on screen, and the language key switches at once.
. "$TOP/tests/wizard/wiz-lib.sh"

mkdir -p "$T/home" "$T/data" "$T/state"
tm_start env -i PATH="$PATH" TERM="${TERM:-xterm}" LANG=C.UTF-8 \
    HOME="$T/home" XDG_DATA_HOME="$T/data" MAILREADY_DATADIR="$TOP/data" \
    MAILREADY_HELPDIR="$TOP/help" "${WZ_WRAP[@]}" "$MAILREADY" wizard --lang es \
    "${WZ_ZONES[@]}" --state-dir "$T/state"
screen_has "domain question in Spanish" "¿Qué dominio\?"
screen_has "ñ drawn" "señal\.es"
tm_send "wizard-bad.test" Enter
screen_has "provider question in Spanish" "¿Quién gestiona tu correo\?"
tm_send Enter "185.117.82.26" Enter "server.wizard-bad.test" Enter
screen_has "step 1 in Spanish" "Paso 1: Servidores de correo"
screen_has "verdict in Spanish" "Resultado: avisos"
screen_has "status line in Spanish" "siguiente"
tm_send n n n
screen_has "DMARC step in Spanish" \
    "Paso 4: Política \(DMARC\)"
tm_send n
screen_has "PTR step in Spanish" "Paso 5: DNS inverso"
tm_send n
screen_has "Delivery step in Spanish" "Paso 6: Entrega"
tm_send n
screen_has "summary in Spanish" "Lo que queda por hacer"
tm_send '?'
screen_has "help in Spanish" "^ Ayuda"
tm_send Escape
tm_send l
screen_has "l switches to English at once" "What is left to do"
tm_send l
screen_has "and back to Spanish" "Lo que queda por hacer"
tm_send q
expect_true "q quits" wz_gone
