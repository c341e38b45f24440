#!/bin/bash
# t_cli_opts.sh - the command line itself: one option parser for every
# command (--name VALUE and --name=VALUE, one translated line and exit 3
# for an unknown option, a missing or bad value, too many of one), the
# limits named in --help, --deadline, and arguments or paths holding raw
# C1 bytes or invalid UTF-8 never reaching the terminal raw (byte scans).
set -u
. "$TOP/tests/lib.sh"

# FILE holds only valid UTF-8 with no control character but newline and
# tab: no raw 0x9B (8-bit CSI), no ESC, no C1 (U+0080..U+009F).
bytes_clean() {
    python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("invalid UTF-8 at byte %d: %r" % (e.start, data[e.start:e.start + 8]))
for i, ch in enumerate(text):
    o = ord(ch)
    if (o < 0x20 and ch not in "\n\t") or 0x7f <= o <= 0x9f:
        sys.exit("control U+%04X at character %d" % (o, i))
PY
}

# Whether po/es.po translates the message starting with $1 (the new
# messages of a branch are translated when the lead merges its po part).
es_has() {
    python3 - "$TOP/po/es.po" "$1" <<'PY'
import re, sys
po = open(sys.argv[1], encoding="utf-8").read()
ids = ["".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m)) for m in
       re.findall(r'^msgid ((?:".*"\n)+)', po, re.M)]
want = sys.argv[2]
sys.exit(0 if any(len(i.split("%")[0]) > 20 and
                  want.startswith(i.split("%")[0]) for i in ids) else 1)
PY
}

# --- arguments: raw C1 bytes and invalid UTF-8 are refused, shown escaped
for arg in $'a\x9b31mb.example' $'a\xc2\x9b31mb.example' $'bad\xff.example' \
           $'over\xc0\xafl.example' $'sur\xed\xa0\x80.example' \
           $'cut\xe4\xb8.example'; do
    label=$(printf '%q' "$arg")
    mr_run check "$arg" --no-network
    expect_rc 3 "argument $label: exit 3"
    expect_grep "^mailready: an argument (holds a control character|is not valid UTF-8): '" \
        "$T/err" "argument $label: one clear line"
    expect_true "argument $label: stderr byte-clean" bytes_clean "$T/err"
    expect_true "argument $label: stdout byte-clean" bytes_clean "$T/out"
    cp "$T/err" "$T/err.en"
    mr_run --lang es check "$arg" --no-network
    if es_has "$(head -n 1 "$T/err.en")"; then
        expect_grep "^mailready: un argumento" "$T/err" \
            "argument $label: the line in Spanish"
    fi
    expect_true "argument $label: Spanish stderr byte-clean" \
        bytes_clean "$T/err"
done
mr_run check $'caf\xc3\xa9.example' --no-network --zone-file /dev/null/x
expect_true "a valid UTF-8 argument is not refused as invalid" \
    sh -c "! grep -q 'not valid UTF-8' '$T/err'"

# --- keygen paths are printed visible-safe
mkdir -p "$T/xdg"
XDG_DATA_HOME=$T/xdg/$'k\x9b31m' mr_run keygen --domain keys.example \
    --selector s1 --type ed25519
expect_rc 3 "keygen: a key directory with a raw C1 byte is refused"
expect_grep 'k\\x9B31m' "$T/err" "keygen: the directory shown escaped"
expect_true "keygen: stderr byte-clean" bytes_clean "$T/err"
expect_true "keygen: stdout byte-clean" bytes_clean "$T/out"
XDG_DATA_HOME=$T/xdg/$'k\xc2\x9b31m' mr_run keygen --domain keys.example \
    --selector s1 --type ed25519
expect_rc 3 "keygen: a key directory with UTF-8 C1 is refused"
expect_true "keygen: stderr byte-clean (UTF-8 C1)" bytes_clean "$T/err"
XDG_DATA_HOME=$T/xdg/$'caf\xc3\xa9' mr_run keygen --domain keys.example \
    --selector s1 --type ed25519
expect_rc 0 "keygen: a UTF-8 key directory is fine"
expect_true "keygen: stdout byte-clean (UTF-8 directory)" \
    bytes_clean "$T/out"
mr_run keygen --domain keys.example --selector s1 --type ed25519 \
    --out "$T/xdg/"$'caf\xc3\xa9'/mailready/keys/keys.example
expect_rc 3 "keygen: an existing key is refused"
expect_grep 'already exists' "$T/err" "keygen: the existing key is named"
expect_true "keygen: stderr byte-clean (existing key)" bytes_clean "$T/err"
