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

# --- one parser: every error is one line and exit 3
opt_error() {   # LABEL REGEX ARGS...: exit 3, one line on stderr matching
    local label=$1 re=$2
    shift 2
    mr_run "$@"
    expect_rc 3 "$label: exit 3"
    expect_grep "^mailready: $re" "$T/err" "$label: the message"
    expect_true "$label: one line" test "$(wc -l < "$T/err")" = 1
}
Z=(--no-network --zone-file "$TOP/tests/zones/mx-clean.test.zone")
for cmd in check export; do
    opt_error "$cmd: unknown option" "unknown option '--bogus' for $cmd" \
        $cmd mx-clean.test "${Z[@]}" --bogus
    opt_error "$cmd: missing value" "option --timeout needs a value" \
        $cmd mx-clean.test "${Z[@]}" --timeout
    opt_error "$cmd: a value that is an option" \
        "option --selector needs a value" \
        $cmd mx-clean.test --selector --json "${Z[@]}"
    opt_error "$cmd: bad number" "--timeout takes a number from 1 to 600" \
        $cmd mx-clean.test "${Z[@]}" --timeout=0
    opt_error "$cmd: bad deadline" "--deadline takes a number from 1 to 1800" \
        $cmd mx-clean.test "${Z[@]}" --deadline 1801
    opt_error "$cmd: bad selector" "'bad_sel!' is not a valid DKIM selector" \
        $cmd mx-clean.test "${Z[@]}" --selector=bad_sel!
    opt_error "$cmd: a flag with a value" "option --trace takes no value" \
        $cmd mx-clean.test "${Z[@]}" --trace=yes
    opt_error "$cmd: two domains" "unexpected argument 'b.test'" \
        $cmd mx-clean.test b.test "${Z[@]}"
done
opt_error "spf: unknown option" "unknown option '--bogus' for spf" \
    spf --ip 192.0.2.1 mx-clean.test --bogus
opt_error "records: bad format" "--format takes bind\|text\|json, not 'xml'" \
    records mx-clean.test --format xml
opt_error "records: bad ttl" "--ttl takes a number from 60 to 604800" \
    records mx-clean.test --ttl=59
opt_error "records: bad DMARC stage" "--dmarc-stage takes none\|quarantine\|reject" \
    records mx-clean.test --dmarc-stage=block
opt_error "keygen: bad type" "--type takes rsa\|ed25519, not 'dsa'" \
    keygen --domain k.test --selector s1 --type dsa
opt_error "explain: unknown option" "unknown option '--bogus' for explain" \
    explain --list --bogus
opt_error "wizard: unknown option" "unknown option '--bogus' for wizard" \
    --bogus
opt_error "wizard: --dkim-key is check's" "unknown option '--dkim-key' for wizard" \
    wizard x.test --dkim-key k.pem
opt_error "--lang: a bad language" "--lang takes es\|en, not 'fr'" \
    check mx-clean.test --lang fr

# --name VALUE and --name=VALUE alike
mr_run check mx-clean.test --json "${Z[@]}" --timeout 3 --deadline=9
expect_true "check: --timeout 3 --deadline=9 accepted" test "$MR_RC" != 3
mr_run check mx-clean.test --json --no-network \
    --zone-file="$TOP/tests/zones/mx-clean.test.zone"
expect_grep '"step": "mx",' "$T/out" "check: --zone-file=FILE (a report)"
mr_run records mx-clean.test --format=json --ttl 600 --no-network
expect_grep '"ttl": 600' "$T/out" "records: --format=json --ttl 600"
mr_run records mx-clean.test --timeout 2 --deadline 5 --no-network
expect_rc 0 "records: takes --timeout and --deadline"
mr_run --lang es check mx-clean.test "${Z[@]}"
expect_grep "^Informe del DNS de correo" "$T/out" \
    "--lang before the command: the report in Spanish"

# --- the limits: the same for the CLI and the wizard, named in --help
ips=()
for i in $(seq 1 33); do ips+=(--server-ip "192.0.2.$i"); done
opt_error "check: 33 --server-ip" "too many --server-ip options \(at most 32\)" \
    check mx-clean.test "${Z[@]}" "${ips[@]}"
opt_error "wizard: 33 --server-ip" "too many --server-ip options \(at most 32\)" \
    wizard mx-clean.test "${Z[@]}" "${ips[@]}"
unset 'ips[65]' 'ips[64]'
mr_run wizard mx-clean.test "${Z[@]}" "${ips[@]}" < /dev/null
expect_grep "the wizard needs a terminal" "$T/err" \
    "wizard: 32 --server-ip pass the parser (as in check)"
sels=()
for i in $(seq 1 33); do sels+=(--selector "s$i"); done
opt_error "check: 33 --selector" "too many --selector options \(at most 32\)" \
    check mx-clean.test "${Z[@]}" "${sels[@]}"
opt_error "wizard: 33 --selector" "too many --selector options \(at most 32\)" \
    mx-clean.test "${Z[@]}" "${sels[@]}"
mr_run check --help
expect_grep "^  --server-ip IP .*" "$T/out" "check --help: --server-ip"
expect_grep "at most 32\)" "$T/out" "check --help names the limit of 32"
mr_run wizard --help
expect_grep "at most 32\)" "$T/out" "wizard --help names the limit of 32"
for cmd in check export spf records wizard; do
    mr_run $cmd --help
    expect_grep "^  --deadline SECONDS" "$T/out" "$cmd --help: --deadline"
    expect_grep "default 3 times --timeout" "$T/out" \
        "$cmd --help: the deadline's default"
done

# every --help within 80 columns, in English and in Spanish
help_fits() {
    python3 - "$1" <<'PY'
import sys, unicodedata
bad = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n")
       if sum(2 if unicodedata.east_asian_width(c) in "WF" else
              0 if unicodedata.combining(c) else 1 for c in l) > 80]
sys.exit("over 80 columns:\n" + "\n".join(bad) if bad else 0)
PY
}
for lang in en es; do
    mr_run --lang $lang --help
    expect_true "mailready --help ($lang): 80 columns" help_fits "$T/out"
    for cmd in check export spf records keygen explain wizard; do
        mr_run $cmd --help --lang $lang
        expect_rc 0 "$cmd --help ($lang): exit 0"
        expect_true "$cmd --help ($lang): 80 columns" help_fits "$T/out"
    done
done

# --no-network means no connection at all: the delivery step is refused,
# the DNS steps still run from zone files.
mr_run check mx-clean.test --no-network --steps all \
    --zone-file "$TOP/tests/zones/mx-clean.test.zone"
expect_rc 3 "--no-network --steps all: exit 3"
expect_grep "^mailready: the delivery step \(smtp\) connects to the mail servers" \
    "$T/err" "--no-network --steps all: says why, in one line"
mr_run check mx-clean.test --no-network --steps mx \
    --zone-file "$TOP/tests/zones/mx-clean.test.zone"
expect_rc 0 "--no-network --steps mx: runs"
