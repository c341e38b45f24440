# delivery-lib.sh - what w_delivery_sts.sh and w_delivery_cert.sh share
# (bash; source it after wiz-lib.sh and smtp-lib.sh; needs D, P and
# STS_HP set before wz_delivery is called).
#
#   wz_delivery SUB MXHOST LANG
#       The wizard on SUB.$D as one's own server MXHOST, in a terminal of
#       80 x 60 (the whole Delivery screen fits: each finding is read whole),
#       on step 6 once its probes are done.
#   wz_finding LABEL TAG REGEX
#       assert: the screen has a finding whose first line starts with TAG
#       (✘ ▲ ? ℹ) and whose text, wrapped lines joined by single spaces,
#       matches the Python regular expression REGEX
#   wz_result LABEL TAG WORDS
#       assert: the step's result line is "TAG Result: WORDS" or
#       "TAG Resultado: WORDS"
#   wz_no_option LABEL
#       assert: no " --option" on the screen
#   wz_quit LABEL
#       F10; assert: the wizard exits with status 0

wz_delivery() {
    local sub=$1 mx=$2 lang=$3
    rm -rf "$T/state"
    TM_ROWS=60 wz_start "$sub.$D" --resolver "$RESOLVER" --timeout 3 \
        --smtp-port "$P" --https-port "${STS_HP:-443}" \
        --ca-file "$T/pki/ca.crt" --lang "$lang" --no-authoritative
    tm_wait_for 'Who handles mail|Quién gestiona el correo' > /dev/null
    tm_send Enter
    tm_wait_for 'public IP addresses|direcciones IP públicas' > /dev/null
    tm_send Enter "$mx" Enter
    tm_wait_for 'Step 1:|Paso 1:' > /dev/null
    tm_send 6
    screen_has "$lang $sub: step 6 is Delivery" \
        'Step 6: Delivery|Paso 6: Entrega'
    tm_wait_gone 'Checking DNS|Consultando el DNS' 15 > /dev/null
    tm_wait_for '^ . (Result|Resultado): ' 15 > /dev/null
}

_wz_finding() {
    tm_screen > "$T/wz-screen"
    findings_match "$T/wz-screen" 3 "$1" "$2"
}

wz_finding() {
    expect_true "$1" _wz_finding "$2" "$3"
}

wz_result() {
    local tag=$2
    [ "$tag" = '?' ] && tag='\?'
    screen_has "$1" "^ $tag (Result|Resultado): $3\$"
}

wz_no_option() {
    screen_lacks "$1" ' --[a-z]'
}

wz_quit() {
    tm_send F10
    expect_true "$1: quits with status 0" wz_gone
}
