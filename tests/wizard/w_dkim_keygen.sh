# A DKIM key made in the wizard, saved 0600 and never overwritten, then
# found valid once the test publishes it and the wizard re-checks (each
# re-check reads the zone files again).
. "$TOP/tests/wizard/wiz-lib.sh"

mkdir -p "$T/z"
cp "$WZ_DIR"/*.zone "$T/z/"
# The domain without its key.
grep -v -e '_domainkey' -e '^ *"a2Cn' "$WZ_DIR/wizard-ok.test.zone" \
    > "$T/z/wizard-ok.test.zone"
wz_zones "$T/z"

wz_start wizard-ok.test "${WZ_ZONES[@]}" --server-ip 185.117.82.25 \
    --hostname mail.wizard-ok.test
screen_has "the wizard starts" "Step 1: Mail servers"
tm_send 3
screen_has "the DKIM step" "Step 3: Signatures"
screen_has "no key yet" "No DKIM key was found"
tm_send g
screen_has "key type menu" "> RSA 2048 bits"
tm_send Enter
screen_has "selector field with the date form" "> 20[0-9]{4}"
tm_send C-u "wiztest" Enter
screen_has "the key is made" "Your new key"
screen_has "the record name" "wiztest\._domainkey\.wizard-ok\.test"
key="$T/data/mailready/keys/wizard-ok.test/wiztest.private"
expect_true "the private key file exists" test -s "$key"
expect_true "the key file is mode 0600" \
    test "$(stat -c %a "$key")" = 600
screen_has "the re-check does not find it yet" "Result: problems found"

# Publish the key: the record from the key file, as 255-byte strings.
p=$(openssl pkey -in "$key" -pubout -outform DER 2>/dev/null | base64 -w0)
expect_true "the public key can be read from the key file" test -n "$p"
python3 - "$T/z/wizard-ok.test.zone" "v=DKIM1; k=rsa; p=$p" <<'PY'
import sys
path, rec = sys.argv[1], sys.argv[2]
parts = [rec[i:i + 255] for i in range(0, len(rec), 255)]
with open(path, 'a') as f:
    f.write('wiztest._domainkey IN TXT ( %s )\n'
            % ' '.join('"%s"' % s for s in parts))
PY
tm_send r
screen_has "after publishing, DKIM is OK" "Result: OK"
screen_has "and DNS carries exactly this key" "matches the published DKIM key"
screen_has "said in the notice line" "DNS now publishes exactly your new key"

# c prints the screen as plain text: the record on one line, to copy.
_wz_joined_has() {   # the screen with the terminal's soft wraps joined
    _tm capture-pane -p -J -S -300 -t "$TM_SESSION" | grep -qF -- "$1"
}
tm_send c
screen_has "c: the plain text view" "Press Enter to go back to the wizard"
expect_true "c: the whole record on one line" \
    _wz_joined_has "Value: v=DKIM1; k=rsa; p=$p"
# The signer setup, labelled step by step as `mailready keygen` prints
# it, each line whole in the copy view.
OK=/etc/opendkim/keys/wizard-ok.test/wiztest.private
for want in \
    "Set up the signing on the mail server, with OpenDKIM or with rspamd" \
    "OpenDKIM, 1. Copy the key where only the opendkim user can read it:" \
    "install -D -o opendkim -g opendkim -m 0600 \\" "$key \\" "$OK" \
    "OpenDKIM, 2. KeyTable line, in /etc/opendkim/key.table:" \
    "wiztest._domainkey.wizard-ok.test wizard-ok.test:wiztest:$OK" \
    "OpenDKIM, 3. SigningTable line, in /etc/opendkim/signing.table:" \
    "*@wizard-ok.test wiztest._domainkey.wizard-ok.test" \
    "SigningTable  refile:/etc/opendkim/signing.table" \
    "smtpd_milters = inet:localhost:8891" \
    "install -D -o _rspamd -g _rspamd -m 0600 \\" \
    "rspamd, 2. In /etc/rspamd/local.d/dkim_signing.conf:" \
    'path = "/var/lib/rspamd/dkim/wizard-ok.test.wiztest.key";' \
    "smtpd_milters = inet:localhost:11332" \
    "set myhostname in /etc/postfix/main.cf to the name in the PTR"; do
    expect_true "c: the signer setup shows: $want" _wz_joined_has "$want"
done
_wz_no_option() {   # no "--option" in the copy view
    ! _tm capture-pane -p -J -S -300 -t "$TM_SESSION" |
        grep -qE -- '(^| )--[a-z]'
}
expect_true "c: no command-line option in the screen text" _wz_no_option
tm_send Enter
screen_has "Enter: back in the wizard" "Step 3: Signatures"

# The same steps in Spanish (l switches the language at once).
tm_send l
screen_has "l: the DKIM step in Spanish" "Paso 3: Firmas"
tm_send c
screen_has "c: the plain text view in Spanish" "Pulsa Intro para volver"
for want in \
    "Configura la firma en el servidor de correo" \
    "OpenDKIM, 1. Copia la clave donde solo pueda leerla el usuario opendkim:" \
    "OpenDKIM, 2. Línea de la KeyTable, en /etc/opendkim/key.table:" \
    "wiztest._domainkey.wizard-ok.test wizard-ok.test:wiztest:$OK" \
    "rspamd, 2. En /etc/rspamd/local.d/dkim_signing.conf:" \
    "smtpd_milters = inet:localhost:11332" \
    "myhostname"; do
    expect_true "c (es): the signer setup shows: $want" _wz_joined_has "$want"
done
tm_send Enter
screen_has "Enter: back in the wizard (es)" "Paso 3: Firmas"
tm_send l
screen_has "l: back in English" "Step 3: Signatures"

# A second key with the same selector must not replace the first.
before=$(sha256sum < "$key")
tm_send g Enter C-u "wiztest" Enter
screen_has "the same selector is refused" "already exists"
expect_true "the key file is unchanged" \
    test "$(sha256sum < "$key")" = "$before"
tm_send Escape q
expect_true "q quits" wz_gone
expect_true "the key is remembered" \
    grep -q 'wiztest' "$T/state/wizard-ok.test.json"
