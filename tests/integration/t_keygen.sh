#!/bin/bash
# t_keygen.sh - `mailready keygen`: the key file (0600, directory 0700,
# mkdir -p, XDG default, never overwritten), and the printed record holds
# the key: a signature made with the private key verifies with the key
# parsed back from the printed zone line (OpenSSL command line).
set -u
. "$TOP/tests/lib.sh"

D=keygen.example.com

mode_of() { stat -c %a "$1"; }

# The TXT data of the zone line in $T/out: the quoted strings joined.
record_of_out() {
    python3 - "$T/out" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    if " IN TXT " in line:
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', line)
        assert all(len(p) <= 255 for p in parts), "string over 255 bytes"
        print("".join(parts))
        break
PY
}

# Write the public key of the record in $T/out as DER SubjectPublicKeyInfo
# to $1 (RSA: p= is that DER; Ed25519: p= is the raw 32-byte key, RFC 8463).
pub_der_of_out() {
    record_of_out > "$T/rec"
    python3 - "$T/rec" "$1" <<'PY'
import base64, re, sys
rec = open(sys.argv[1]).read().strip()
tags = dict(t.strip().split("=", 1) for t in rec.split(";") if "=" in t)
raw = base64.b64decode(tags["p"])
if tags.get("k") == "ed25519":
    assert len(raw) == 32, "Ed25519 p= is not 32 bytes"
    # SPKI prefix of an Ed25519 key (RFC 8410).
    raw = bytes.fromhex("302a300506032b6570032100") + raw
open(sys.argv[2], "wb").write(raw)
PY
}

sign_verify() {     # KEYFILE ed25519|rsa: sign with it, verify with the
                    # key from the printed record
    local key=$1 kind=$2
    printf 'From: a@%s\r\nSubject: hi\r\n' "$D" > "$T/msg"
    pub_der_of_out "$T/pub.der" || return 1
    openssl pkey -pubin -inform DER -in "$T/pub.der" -out "$T/pub.pem" ||
        return 1
    if [ "$kind" = ed25519 ]; then
        openssl dgst -sha256 -binary "$T/msg" > "$T/hash"
        openssl pkeyutl -sign -rawin -inkey "$key" -in "$T/hash" \
            -out "$T/sig" &&
        openssl pkeyutl -verify -rawin -pubin -inkey "$T/pub.pem" \
            -in "$T/hash" -sigfile "$T/sig"
    else
        openssl dgst -sha256 -sign "$key" -out "$T/sig" "$T/msg" &&
        openssl dgst -sha256 -verify "$T/pub.pem" -signature "$T/sig" \
            "$T/msg"
    fi
}

# --- RSA 2048, directory made 0700 with its missing parents ---------------
mr_run keygen --domain "$D" --selector s1 --out "$T/a/b/keys"
expect_rc 0 "keygen rsa: exit 0"
K=$T/a/b/keys/s1.private
expect_true "keygen rsa: key file exists" test -f "$K"
expect_true "keygen rsa: key file mode 0600" test "$(mode_of "$K")" = 600
expect_true "keygen rsa: key directory mode 0700" \
    test "$(mode_of "$T/a/b/keys")" = 700
expect_true "keygen rsa: missing parent made 0700" \
    test "$(mode_of "$T/a")" = 700
expect_grep '^-----BEGIN PRIVATE KEY-----$' "$K" "keygen rsa: PKCS#8 PEM"
expect_grep "^  Name: s1\\._domainkey\\.$D\$" "$T/out" \
    "keygen rsa: record name printed"
expect_grep "^s1\\._domainkey\\.$D\\. 3600 IN TXT \"v=DKIM1; k=rsa; p=[^\"]*\" \"" \
    "$T/out" "keygen rsa: zone line split into strings"
expect_grep '^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$' "$T/out" \
    "keygen rsa: unsplit value printed"
OK=/etc/opendkim/keys/$D/s1.private
RK=/var/lib/rspamd/dkim/$D.s1.key
expect_grep "^s1\\._domainkey\\.$D $D:s1:$OK\$" "$T/out" \
    "keygen rsa: OpenDKIM KeyTable line names where opendkim reads the key"
expect_grep "^  install -D -o opendkim -g opendkim -m 0600 \\\\\$" "$T/out" \
    "keygen rsa: install line for the opendkim user"
expect_grep "^      $K \\\\\$" "$T/out" "keygen rsa: install copies the key file"
expect_grep "^      $OK\$" "$T/out" "keygen rsa: install puts it where KeyTable says"
expect_grep "^  install -D -o _rspamd -g _rspamd -m 0600 \\\\\$" "$T/out" \
    "keygen rsa: install line for the _rspamd user"
expect_grep '^  SigningTable  refile:/etc/opendkim/signing.table$' "$T/out" \
    "keygen rsa: SigningTable read with refile:"
expect_grep '^  smtpd_milters = inet:localhost:8891$' "$T/out" \
    "keygen rsa: Postfix milter line for OpenDKIM"
expect_grep '^  smtpd_milters = inet:localhost:11332$' "$T/out" \
    "keygen rsa: Postfix milter line for rspamd"
expect_grep 'myhostname' "$T/out" "keygen rsa: myhostname reminder"
# Every line but the key, the zone line, the KeyTable line and those that
# name the (long) test directory.
expect_true "keygen rsa: every prose line fits 80 columns" \
    bash -c "! grep -v -e '^v=DKIM1' -e '\\._domainkey\\..* IN TXT' \
        -e ':s1:' '$T/out' | grep -v -F '$T' | awk 'length > 80' | grep -q ."
expect_grep "^\\*@$D s1\\._domainkey\\.$D\$" "$T/out" \
    "keygen rsa: OpenDKIM SigningTable line"
expect_grep "^    path = \"$RK\";\$" "$T/out" "keygen rsa: rspamd path"
expect_grep '^    selector = "s1";$' "$T/out" "keygen rsa: rspamd selector"
expect_true "keygen rsa: printed key verifies a signature of the private key" \
    sign_verify "$K" rsa
expect_true "keygen rsa: 2048 bits" \
    bash -c "openssl pkey -in '$K' -noout -text | grep -q '2048 bit'"

# --- never overwritten ------------------------------------------------------
sum_before=$(sha256sum "$K")
mr_run keygen --domain "$D" --selector s1 --out "$T/a/b/keys"
expect_rc 3 "keygen again: exit 3"
expect_grep "$K already exists" "$T/err" "keygen again: error names the file"
expect_true "keygen again: key file unchanged" \
    test "$(sha256sum "$K")" = "$sum_before"

# --- Ed25519, default directory from XDG_DATA_HOME --------------------------
export XDG_DATA_HOME=$T/xdg
mr_run keygen --domain "$D" --selector ed1 --type ed25519
expect_rc 0 "keygen ed25519: exit 0"
KE=$T/xdg/mailready/keys/$D/ed1.private
expect_true "keygen ed25519: key in \$XDG_DATA_HOME/mailready/keys/DOMAIN" \
    test -f "$KE"
expect_true "keygen ed25519: key file mode 0600" test "$(mode_of "$KE")" = 600
expect_grep '^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$' "$T/out" \
    "keygen ed25519: p= is 32 raw bytes in base64"
expect_true "keygen ed25519: printed key verifies a signature" \
    sign_verify "$KE" ed25519
expect_grep 'rspamadm dkim_keygen -t ed25519' "$T/out" \
    "keygen ed25519: says rspamd cannot read the PEM key"
expect_true "keygen ed25519: no rspamd block naming the PEM file" \
    bash -c "! grep -q '^    path = ' '$T/out'"
unset XDG_DATA_HOME

# --- bad input --------------------------------------------------------------
mr_run keygen --domain "$D" --selector ../x --out "$T/bad"
expect_rc 3 "keygen bad selector: exit 3"
expect_true "keygen bad selector: nothing written" test ! -e "$T/bad"
mr_run keygen --domain "$D" --selector s3 --bits 512 --out "$T/bad"
expect_rc 3 "keygen --bits 512: exit 3"
mr_run keygen --domain "$D" --selector s3 --type ed25519 --bits 2048 \
    --out "$T/bad"
expect_rc 3 "keygen ed25519 --bits: exit 3"
mr_run keygen --domain "$D" --selector s3 --out "$T/with space"
expect_rc 3 "keygen directory with a space: exit 3 (would break KeyTable)"
expect_grep "OpenDKIM" "$T/err" "keygen directory with a space: says why"

# --- Spanish ----------------------------------------------------------------
mr_run keygen --domain "$D" --selector es1 --type ed25519 --out "$T/es" \
    --lang es
expect_rc 0 "keygen --lang es: exit 0"
expect_grep '^Publica este registro DNS:$' "$T/out" "keygen --lang es: Spanish"
