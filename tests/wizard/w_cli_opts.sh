# The usage line's first form: `mailready [DOMAIN] [OPTION]...` without
# the word "wizard" starts the wizard with those options (--lang,
# --resolver, --timeout were refused or ignored before), and the exit
# status is checked.
. "$TOP/tests/wizard/wiz-lib.sh"

mkdir -p "$T/home" "$T/data" "$T/state"

# `mailready --lang es --resolver ADDR`: Spanish, asking that server.
# (WZ_WRAP, where wiz-lib.sh has it, records the exit status.)
rm -f "$T/wz.rc"
tm_start env -i PATH="$PATH" TERM="${TERM:-xterm}" LANG=C.UTF-8 \
    HOME="$T/home" XDG_DATA_HOME="$T/data" MAILREADY_DATADIR="$TOP/data" \
    MAILREADY_HELPDIR="$TOP/help" ${WZ_WRAP[@]+"${WZ_WRAP[@]}"} \
    "$MAILREADY" --lang es \
    --resolver "$RESOLVER" --state-dir "$T/state"
screen_has "mailready --lang es: the domain question in Spanish" \
    "¿Qué dominio\?"
tm_send "mx-clean.test" Enter
screen_has "the provider question in Spanish" "¿Quién gestiona tu correo\?"
tm_send Enter "81.2.69.160" Enter "mx1.mx-clean.test" Enter
screen_has "step 1 in Spanish" "Paso 1: Servidores de correo"
screen_has "the MX check asked --resolver (NSD): correct" \
    "Resultado: correcto"
tm_send q
expect_true "q quits" wz_gone
expect_true "exit status 0" test "${TM_RC:-0}" = 0

# `mailready DOMAIN --timeout 1 --resolver BLACKHOLE`: the options reach
# the wizard (a 1 s timeout: "could not check" comes quickly).
wz_fresh
rm -f "$T/wz.rc"
tm_start env HOME="$T/home" XDG_DATA_HOME="$T/data" \
    XDG_STATE_HOME="$T/home/state" MAILREADY_DATADIR="$TOP/data" \
    MAILREADY_HELPDIR="$TOP/help" ${WZ_WRAP[@]+"${WZ_WRAP[@]}"} \
    "$MAILREADY" wizard-ok.test \
    --timeout 1 --resolver "$BLACKHOLE" --server-ip 185.117.82.25 \
    --hostname mail.wizard-ok.test --state-dir "$T/state2"
screen_has "mailready DOMAIN --timeout 1: the check runs" "checking DNS"
screen_has "could not check (the blackhole)" "Result: could not check"
tm_send q
expect_true "q quits" wz_gone
expect_true "exit status 0" test "${TM_RC:-0}" = 0
