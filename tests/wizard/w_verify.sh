# The "did my test message pass?" screen after the summary, at 80x24, in
# English and Spanish: a message signed here by python3-dkim's dkimsign
# with a key from `mailready keygen` (published in a copy of the wizard's
# zones) passes DKIM and DMARC; a tampered copy says the body changed;
# Tab completes the path; F10 quits with status 0.
. "$TOP/tests/wizard/wiz-lib.sh"

PY=/usr/bin/python3
command -v dkimsign > /dev/null 2>&1 ||
    { mr_fail "needs dkimsign" "tools/install-deps --tests"; exit 0; }
mkdir -p "$T/zones" "$T/keys" "$T/m" "$T/home" "$T/data" "$T/state"
cp "$WZ_DIR"/*.zone "$T/zones/"
"$MAILREADY" keygen --domain wizard-ok.test --selector wv1 --out "$T/keys" \
    > "$T/keys/out" 2> "$T/err" || mr_fail "keygen" "$(cat "$T/err")"
grep " IN TXT " "$T/keys/out" >> "$T/zones/wizard-ok.test.zone"
wz_zones "$T/zones"
{
    printf 'Received: from mail.wizard-ok.test (mail.wizard-ok.test [185.117.82.25])\n'
    printf '\tby mx.example.net with ESMTPS; Tue, 1 Dec 2026 10:00:00 +0000\n'
    printf 'Return-Path: <bounce@wizard-ok.test>\n'
    printf 'From: Ana <ana@wizard-ok.test>\nTo: b@example.net\n'
    printf 'Subject: test\nDate: Tue, 1 Dec 2026 10:00:00 +0000\n\nHello.\n'
} > "$T/m/base"
$PY /usr/bin/dkimsign wv1 wizard-ok.test "$T/keys/wv1.private" \
    < "$T/m/base" > "$T/m/good.eml"
sed 's/^Hello\./Hallo./' "$T/m/good.eml" > "$T/m/tampered.eml"

start() {   # LANG-ARGS...
    wz_fresh
    rm -f "$T/wz.rc"
    tm_start env HOME="$T/home" XDG_DATA_HOME="$T/data" \
        MAILREADY_DATADIR="$TOP/data" MAILREADY_HELPDIR="$TOP/help" \
        "${WZ_WRAP[@]}" "$MAILREADY" wizard wizard-ok.test "${WZ_ZONES[@]}" \
        --server-ip 185.117.82.25 --hostname mail.wizard-ok.test \
        --selector 202401 "$@"
}

start --state-dir "$T/state"
screen_has "starts at MX" "Step 1: Mail servers"
tm_send n n n n n n
screen_has "the summary" "Where your domain stands"
tm_send n
screen_has "verify screen after the summary" "Send a test message"
screen_has "how to get the source: Gmail" "Show original"
screen_has "the path field" "Message file"
tm_type "$T/m/go"
tm_send Tab
screen_has "Tab completes the path" "good\.eml"
tm_send Enter
screen_has "DKIM pass, aligned" "s=wv1 a=rsa-sha256: pass \(aligned with"
tm_send NPage
screen_has "DMARC pass" "DMARC: pass \(aligned by dkim\+spf\)"
screen_has "verdict" "The message passes DMARC"
tm_send C-u
tm_type "$T/m/tampered.eml"
tm_send Enter
screen_has "tampered: body changed" "body was changed after signing"
tm_send C-u
tm_type "$T/m/none.eml"
tm_send Enter
screen_has "missing file: says so" "cannot read"
tm_send F10
expect_true "F10 quits, exit 0" wz_gone

start --lang es --state-dir "$T/state-es"
screen_has "Spanish: starts at MX" "Paso 1"
tm_send n n n n n n
screen_has "Spanish: the summary" "Lo que queda por hacer"
tm_send n
screen_has "Spanish: verify screen" "mensaje de prueba"
screen_has "Spanish: the path field" "Fichero del mensaje"
tm_type "$T/m/good.eml"
tm_send Enter
screen_has "Spanish: DKIM pass, aligned" "pass \(alineada con From\)"
tm_send NPage
screen_has "Spanish: verdict" "El mensaje supera DMARC"
tm_send F10
expect_true "Spanish: F10 quits, exit 0" wz_gone
