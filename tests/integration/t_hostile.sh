#!/bin/bash
# t_hostile.sh - hostile DNS data and hostile user input (issue 2: "Everything
# from DNS and from the user is untrusted").  The zones hostile.test and
# 77.199.185.in-addr.arpa (tests/data/hostile/gen-zones.py) hold terminal
# escapes, C1 controls, invalid UTF-8, bidi overrides, HTML, 255-byte and
# many strings, a 40-deep include chain, an include loop, 64 MX records and
# names at the 63/253 limits.  Every command must finish with a sane exit
# status, print no raw control byte but newline, no bidi override, no
# invalid UTF-8, valid JSON for --json, escaped HTML; the same under the
# sanitizer build (./configure --enable-sanitizers), whose reports are
# caught here.  Bad domains from the user give one line and exit 3 without
# sending a query.
set -u
. "$TOP/tests/lib.sh"

# Sanitizer reports must not look like exit status 1 (warnings).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86"

D=hostile.test
IP=185.199.77.25
LONG=$(printf 'a%.0s' {1..63}).$(printf 'b%.0s' {1..63}).$(printf 'c%.0s' {1..63}).$(printf 'd%.0s' {1..48}).$D
SEL63=$(printf 's%.0s' {1..63})
COMMON=(--resolver "$RESOLVER" --timeout 2 --lang en)

# clean FILE MODE LABEL: the bytes of FILE are safe for a terminal.
# MODE text: no C0 but \n, no DEL, valid UTF-8, no C1 code point, no bidi
# override or isolate.  MODE json: the same, it parses as JSON, and no
# decoded string holds one of those either (\u001b is no better).  MODE
# html: the same, and no active tag or attribute (<script>, on*=) from DNS.
clean() {
    local file=$1 mode=$2 label=$3
    if python3 - "$file" "$mode" > "$T/ctx" 2>&1 <<'PY'
import json, sys
path, mode = sys.argv[1], sys.argv[2]
b = open(path, "rb").read()
bad = []
for i, c in enumerate(b):
    if (c < 0x20 and c != 0x0a) or c == 0x7f:
        bad.append("raw byte 0x%02x at %d: %r" % (c, i, b[max(0, i - 30):i + 10]))
        break
try:
    s = b.decode("utf-8")
except UnicodeDecodeError as e:
    bad.append("invalid UTF-8: %s: %r" % (e, b[max(0, e.start - 30):e.start + 10]))
    s = b.decode("utf-8", "replace")
for i, ch in enumerate(s):
    o = ord(ch)
    if 0x80 <= o <= 0x9f or 0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069:
        bad.append("code point U+%04X at %d: %r" % (o, i, s[max(0, i - 30):i + 10]))
        break
def values(v):
    if isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from values(x)
    elif isinstance(v, list):
        for x in v:
            yield from values(x)
    elif isinstance(v, str):
        yield v
if mode == "json":
    try:
        for v in values(json.loads(s)):
            for ch in v:
                o = ord(ch)
                if (o < 0x20 and ch != "\n") or 0x7f <= o <= 0x9f or \
                        0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069:
                    bad.append("JSON value with U+%04X: %r" % (o, v[:80]))
                    break
    except ValueError as e:
        bad.append("not JSON: %s" % e)
if mode == "html":
    from html.parser import HTMLParser
    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("script", "iframe", "object", "embed", "img"):
                bad.append("<%s> in the HTML" % tag)
            for k, v in attrs:
                if k.startswith("on") or "javascript:" in (v or ""):
                    bad.append("active attribute %s=%r" % (k, v))
    P().feed(s)
for line in bad:
    print(line)
sys.exit(1 if bad else 0)
PY
    then
        _mr_result ok "$label"
    else
        _mr_result fail "$label" "$T/ctx"
    fi
}

# sane LABEL RC...: $MR_RC is one of the RCs and stderr has no sanitizer
# report.
sane() {
    local label=$1 want
    shift
    if grep -q -E 'Sanitizer|runtime error:' "$T/err" 2>/dev/null; then
        { echo "sanitizer report:"; head -n 30 "$T/err"; } > "$T/ctx"
        _mr_result fail "$label" "$T/ctx"
        return 0
    fi
    for want in "$@"; do
        if [ "$MR_RC" = "$want" ]; then
            _mr_result ok "$label"
            return 0
        fi
    done
    { echo "exit status $MR_RC, want one of: $*"; head -n 20 "$T/err"; } \
        > "$T/ctx"
    _mr_result fail "$label" "$T/ctx"
}

# ---- mailready check ---------------------------------------------------
ARGS=(--selector sel --selector big --selector "$SEL63" --server-ip "$IP"
      --hostname mx.$D)

mr_check $D "${ARGS[@]}" --lang en
sane "check --json: the hostile apex is checked (fail)" 2
cp "$T/out.json" "$T/apex.json"
cp "$T/err" "$T/apex.err"
clean "$T/apex.json" json "check --json: valid JSON, no raw control bytes"
clean "$T/apex.err" text "check --json: stderr clean"
expect_status spf fail "SPF with control characters in its terms: fail"
expect_ids dkim "DKIM_SYNTAX DKIM_KEY_INVALID" \
    "DKIM: hostile tags are syntax errors, 40 strings of A are no key"
expect_json 'len([r for r in records("mx") if isinstance(r, dict)]) >= 32' \
    "64 MX records: at least 32 shown as records"

mr_run check $D "${ARGS[@]}" "${COMMON[@]}"
sane "check (text): the hostile apex is checked (fail)" 2
clean "$T/out" text "check (text): stdout clean"
clean "$T/err" text "check (text): stderr clean"
expect_grep '\\x1B\[2J' "$T/out" "check (text): ESC shown as \\x1B"

mr_run check $D "${ARGS[@]}" "${COMMON[@]}" --lang es
sane "check (text, Spanish): checked" 2
clean "$T/out" text "check (text, Spanish): stdout clean"

mr_run check $D "${ARGS[@]}" "${COMMON[@]}" --trace
sane "check --trace: checked" 2
clean "$T/err" text "check --trace: the trace of hostile answers is clean"

for sub in chain long bidi loop; do
    mr_check $sub.$D --server-ip "$IP" --selector sel
    sane "check --json $sub: checked, problems found" 1 2
    clean "$T/out.json" json "check --json $sub: valid JSON, clean"
    mr_run check $sub.$D --server-ip "$IP" --selector sel "${COMMON[@]}"
    sane "check (text) $sub: checked" 1 2
    clean "$T/out" text "check (text) $sub: stdout clean"
    clean "$T/err" text "check (text) $sub: stderr clean"
done
mr_check chain.$D
expect_status spf fail "chain: 40 nested includes exceed the 10 lookups"
mr_check loop.$D
expect_status spf fail "loop: an include loop through a hostile name fails"

# Names at the limits: a 253-character domain, a 63-character selector.
mr_check "$LONG" --selector "$SEL63"
sane "check 253-character domain: checked" 1 2
clean "$T/out.json" json "check 253-character domain: valid JSON"
expect_json 'step("dmarc")["status"] != "error"' \
    "253-character domain: _dmarc. above it cannot exist, the walk goes on"
expect_ids dkim "DKIM_KEY_MISSING" \
    "253-character domain: a selector too long to exist is missing"

# ---- mailready spf -------------------------------------------------------
for sub in "" chain. bidi. loop.; do
    mr_run spf --ip "$IP" "$sub$D" "${COMMON[@]}"
    sane "spf ${sub}$D: permerror (exit 2)" 2
    clean "$T/out" text "spf ${sub}$D: stdout clean"
    clean "$T/err" text "spf ${sub}$D: stderr clean"
    mr_run spf --ip "$IP" "$sub$D" "${COMMON[@]}" --json
    sane "spf --json ${sub}$D: permerror (exit 2)" 2
    cp "$T/out" "$T/out.json"
    clean "$T/out.json" json "spf --json ${sub}$D: valid JSON, clean"
    expect_json 'j.get("result") == "permerror"' "spf --json ${sub}$D: permerror"
done
# The last of 700 ip4 terms in 49 strings of up to 255 bytes.
mr_run spf --ip 185.199.2.199 long.$D "${COMMON[@]}"
sane "spf long.$D: the last ip4 of a long record passes" 0
mr_run spf --ip "$IP" "$D" "${COMMON[@]}" --trace \
    --sender "$(printf 'x\033[2J')@$D" --helo "$(printf 'h\007')"
sane "spf with a hostile sender and HELO: a clear answer" 2 3
clean "$T/out" text "spf hostile sender: stdout clean"
clean "$T/err" text "spf hostile sender and --trace: stderr clean"

# ---- mailready export ---------------------------------------------------
for fmt in txt md html; do
    mr_run export $D "${ARGS[@]}" "${COMMON[@]}" --format $fmt \
        --state-dir "$T/state"
    sane "export --format $fmt: written" 0
    clean "$T/out" "$([ $fmt = html ] && echo html || echo text)" \
        "export --format $fmt: no raw control bytes"
    clean "$T/err" text "export --format $fmt: stderr clean"
done
expect_grep '&lt;script&gt;' "$T/out" "export html: <script> from DNS escaped"

# ---- bad domains from the user ---------------------------------------------
bad_domain() {   # LABEL DOMAIN [COMMAND]
    local label=$1 name=$2 cmd=${3:-check} n
    if [ "$cmd" = spf ]; then
        mr_run spf --ip "$IP" "$name" --resolver "$RESOLVER" --trace
    else
        mr_run "$cmd" "$name" --resolver "$RESOLVER" --trace
    fi
    sane "$label: exit 3" 3
    n=$(wc -l < "$T/err")
    if [ "$n" -eq 1 ] && ! grep -q -E 'query|answer' "$T/err"; then
        _mr_result ok "$label: one line, no query sent"
    else
        { echo "stderr ($n lines):"; head -n 5 "$T/err"; } > "$T/ctx"
        _mr_result fail "$label: one line, no query sent" "$T/ctx"
    fi
    clean "$T/err" text "$label: the message is clean"
    clean "$T/out" text "$label: stdout clean"
}
bad_domain "control characters" "$(printf 'ex\033[2Jample.com')"
bad_domain "bell and CR" "$(printf 'a\007b\rc.com')"
bad_domain "300 characters" "$(printf 'a%.0s' {1..296}).com"
bad_domain "254 characters" "a$LONG"
bad_domain "64-character label" "$(printf 'x%.0s' {1..64}).com"
bad_domain "empty label" "a..example.com"
bad_domain "leading dot" ".example.com"
bad_domain "space" "exa mple.com"
bad_domain "ZWJ out of context" "$(printf '\342\200\215x.com')"
bad_domain "leading combining mark" "$(printf '\314\200x.com')"
bad_domain "right-to-left override" "$(printf 'ex\342\200\256ample.com')"
bad_domain "invalid UTF-8" "$(printf '\377\376.com')"
bad_domain "C1 control" "$(printf 'a\302\233b.com')"
bad_domain "bad A-label" "xn--zz.com"
bad_domain "spf: control characters" "$(printf 'ex\033[2Jample.com')" spf
bad_domain "spf: 300 characters" "$(printf 'a%.0s' {1..296}).com" spf
bad_domain "export: control characters" "$(printf 'ex\033]0;t\007.com')" \
    export

# Bad values of other options: a clear message, exit 3, clean.
mr_run check example.com --resolver "$RESOLVER" --hostname "$(printf 'h\033[2J')"
sane "--hostname with control characters: exit 3" 3
clean "$T/err" text "--hostname with control characters: clean message"
mr_run check example.com --resolver "$RESOLVER" --selector "$(printf 's\033[2J')"
sane "--selector with control characters: exit 3" 3
clean "$T/err" text "--selector with control characters: clean message"
mr_run check example.com --resolver "$RESOLVER" --server-ip "$(printf '1.2.3.4\033[2J')"
sane "--server-ip with control characters: exit 3" 3
clean "$T/err" text "--server-ip with control characters: clean message"
# An argument of 100 000 bytes: one short line, not the argument back.
mr_run check example.com --resolver "$RESOLVER" \
    --selector "$(head -c 100000 /dev/zero | tr '\0' s)"
sane "--selector of 100000 bytes: exit 3" 3
expect_true "--selector of 100000 bytes: one line under 200 bytes" \
    test "$(wc -l < "$T/err")" -eq 1 -a "$(wc -c < "$T/err")" -lt 200
# C1 and bidi characters (valid UTF-8) in an option: refused, shown escaped.
for c in '\302\233' '\342\200\256' '\342\201\246'; do
    mr_run check example.com --resolver "$RESOLVER" \
        --hostname "$(printf "mx${c}x.example.com")"
    sane "--hostname with $c: exit 3" 3
    clean "$T/err" text "--hostname with $c: clean message"
done
