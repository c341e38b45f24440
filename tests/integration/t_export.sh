#!/bin/bash
# t_export.sh - `mailready export`: the checklist in plain text (80
# columns), Markdown and HTML; the HTML is printed to PDF by headless
# Chromium (Letter and A4) and pdftotext must find every item in it.
# Records come from the saved answers (provider, addresses, host name, a
# DKIM key file, DMARC choices); --offline uses the saved state.
set -u
. "$TOP/tests/lib.sh"

D=export-state.test
S=$T/state
Z=$T/d.zone
cat > "$Z" <<EOF
\$ORIGIN $D.
\$TTL 300
@ SOA ns.$D. h.$D. 1 7200 3600 1209600 300
@ NS ns.$D.
ns A 45.67.89.2
@ A 45.67.89.30
EOF
ARGS=(--zone-file "$Z" --no-network --state-dir "$S" --lang en)

# --offline with nothing saved is an error.
mr_run export "$D" "${ARGS[@]}" --offline
expect_rc 3 "--offline without a saved state: exit 3"
expect_grep "nothing is saved for $D" "$T/err" \
    "--offline without a saved state: says what to run"

# A DKIM key, the answers saved by check --save.
mr_run keygen --domain "$D" --selector s2026 --out "$T/keys"
expect_rc 0 "keygen for the test key"
pub=$(sed -n 's/^v=DKIM1; k=rsa; p=//p' "$T/out" | head -n 1)
expect_true "keygen printed the public key" test -n "$pub"
mr_run check "$D" "${ARGS[@]}" --save --server-ip 45.67.89.30 \
    --hostname mail.$D --selector s2026 --dkim-key "$T/keys/s2026.private"
expect_true "check --save wrote the state" test -s "$S/$D.json"
# The wizard's other answers: a DMARC report address and stage.
python3 - "$S/$D.json" <<'PY'
import json, sys
p = sys.argv[1]
j = json.load(open(p))
j["answers"]["dmarc_rua"] = ["dmarc@export-state.test"]
j["answers"]["dmarc_policy"] = "none"
json.dump(j, open(p, "w"), indent=2)
PY

# --- plain text ---------------------------------------------------------------
mr_run export "$D" "${ARGS[@]}" --offline --format txt -o "$T/c.txt"
expect_rc 0 "export txt: exit 0"
expect_true "export txt: nothing on stdout with -o" test ! -s "$T/out"
expect_true "export txt: at most 80 columns" python3 -c '
import sys
for n, l in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if len(l.rstrip("\n")) > 80:
        sys.exit("line %d has %d columns" % (n, len(l) - 1))' "$T/c.txt"
expect_grep "^Mail DNS checklist for $D$" "$T/c.txt" "export txt: title"
for step in 'Mail servers \(MX\)' 'SPF' 'DKIM' 'DMARC' 'PTR'; do
    expect_grep "^\[[ x]\] .*$step.*: " "$T/c.txt" \
        "export txt: an item for $step with a box and a symbol"
done
expect_grep '^    Last checked: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC$' \
    "$T/c.txt" "export txt: the date last checked"
expect_grep '^        Fix: ' "$T/c.txt" "export txt: fix texts"
expect_grep "^      Name: +_dmarc$" "$T/c.txt" "export txt: DMARC name"
expect_grep '^      Value: +v=DMARC1; p=none; rua=mailto:dmarc@export-state.test$' \
    "$T/c.txt" "export txt: DMARC record from the answers"
expect_grep '^      Value: +v=spf1 ip4:45.67.89.30 ~all$' "$T/c.txt" \
    "export txt: SPF record for the saved address"
expect_grep '^      Value: +10 mail.export-state.test.$' "$T/c.txt" \
    "export txt: MX for the saved host name"
expect_grep '^      Name: +s2026._domainkey$' "$T/c.txt" \
    "export txt: DKIM name for the saved selector"
expect_grep '^      Name: +30.89.67.45.in-addr.arpa.$' "$T/c.txt" \
    "export txt: PTR to ask for"
expect_grep '^      1\. +"v=DKIM1; k=rsa; p=' "$T/c.txt" \
    "export txt: the DKIM value split in strings for panels"
expect_grep '^Zone snippet$' "$T/c.txt" "export txt: zone snippet heading"
# The DKIM value of the checklist is the key's public half.
expect_true "export txt: DKIM value is the key's public key" python3 -c '
import re, sys
t = open(sys.argv[1]).read()
z = t[t.index("Zone snippet"):]
m = re.search(r"s2026\._domainkey\.\S+ 3600 IN TXT \((.*?)\)", z, re.S)
val = "".join(re.findall(r"\"([^\"]*)\"", m.group(1)))
assert val == "v=DKIM1; k=rsa; p=" + sys.argv[2], val' "$T/c.txt" "$pub"
# The zone snippet is a valid zone file part.
{
    echo "\$ORIGIN $D."
    echo "@ 3600 IN SOA ns.$D. h.$D. 1 7200 3600 1209600 300"
    echo "@ 3600 IN NS ns.$D."
    echo "ns 3600 IN A 45.67.89.2"
    sed -n '/^\$TTL/,$p' "$T/c.txt"
} > "$T/snippet.zone"
if command -v named-checkzone > /dev/null; then
    expect_true "export txt: named-checkzone accepts the zone snippet" \
        named-checkzone "$D" "$T/snippet.zone"
else
    expect_true "export txt: ldns-read-zone accepts the zone snippet" \
        ldns-read-zone "$T/snippet.zone"
fi
expect_true "export -o: no temporary file left" \
    test -z "$(find "$T" -maxdepth 1 -name '.c.txt.*')"

# --- Markdown ------------------------------------------------------------------
mr_run export "$D" "${ARGS[@]}" --offline --format md
expect_rc 0 "export md: exit 0"
cp "$T/out" "$T/c.md"
expect_grep "^# Mail DNS checklist for $D$" "$T/c.md" "export md: title"
expect_grep '^## ▲ Mail servers \(MX\): warnings$' "$T/c.md" \
    "export md: MX heading with symbol"
expect_grep '^- \[ \] Last checked: ' "$T/c.md" "export md: task box"
expect_grep '^\| Name \| Type \| TTL \| Value \|$' "$T/c.md" \
    "export md: record table"
expect_grep '^\| `_dmarc` \(`_dmarc.export-state.test.`\) \| TXT \| 3600 \| `v=DMARC1; p=none; rua=mailto:dmarc@export-state.test` \|$' \
    "$T/c.md" "export md: DMARC row"
expect_true "export md: every table row has 4 cells" python3 -c '
import re, sys
for l in open(sys.argv[1], encoding="utf-8"):
    if l.startswith("|"):
        cells = re.split(r"(?<!\\)\|", l.strip())[1:-1]
        assert len(cells) == 4, l' "$T/c.md"
expect_true "export md: code fences are balanced" python3 -c '
import sys
n = sum(1 for l in open(sys.argv[1]) if l.startswith("```"))
assert n % 2 == 0 and n >= 2, n' "$T/c.md"

# --- live check (no --offline) and Spanish --------------------------------------
mr_run export "$D" "${ARGS[@]}" --lang es
expect_rc 0 "export live, Spanish: exit 0"
expect_grep "^Lista de tareas DNS de correo para $D$" "$T/out" \
    "export Spanish: title"
expect_grep 'con el DNS comprobado ahora mismo' "$T/out" \
    "export live: says DNS was checked now"
expect_grep '^    Qué hacer:$' "$T/out" "export Spanish: what to do"

# --- -o and special files (issue 19 item 4) -----------------------------------
# An existing regular file is replaced atomically and keeps its mode.
printf 'old\n' > "$T/m.txt"
chmod 0640 "$T/m.txt"
mr_run export "$D" "${ARGS[@]}" --offline -o "$T/m.txt"
expect_rc 0 "export -o over a 0640 file: exit 0"
expect_grep "^Mail DNS checklist for $D$" "$T/m.txt" \
    "export -o over a 0640 file: the checklist is in it"
expect_true "export -o over a 0640 file: still 0640" \
    test "$(stat -c %a "$T/m.txt")" = 640
# A symbolic link is written through: the file it names gets the
# checklist, the link stays.
printf 'old\n' > "$T/target.txt"
ln -s target.txt "$T/link.txt"
mr_run export "$D" "${ARGS[@]}" --offline -o "$T/link.txt"
expect_rc 0 "export -o through a symbolic link: exit 0"
expect_true "export -o through a symbolic link: still a link" \
    test -L "$T/link.txt"
expect_grep "^Mail DNS checklist for $D$" "$T/target.txt" \
    "export -o through a symbolic link: the file it names is written"
ln -s no-such-file "$T/dangling.txt"
mr_run export "$D" "${ARGS[@]}" --offline -o "$T/dangling.txt"
expect_rc 3 "export -o to a dangling link: exit 3"
expect_grep "symbolic link $T/dangling.txt: No such file or directory" \
    "$T/err" "export -o to a dangling link: says why"
expect_true "export -o to a dangling link: nothing created" \
    test ! -e "$T/no-such-file"
# A character device is written in place, never replaced: as root (CI),
# the old rename would have put a regular file at /dev/null.
[ "$(id -u)" = 0 ] || echo "# not root: -o /dev/null cannot replace it here"
mr_run export "$D" "${ARGS[@]}" --offline -o /dev/null
expect_rc 0 "export -o /dev/null: exit 0"
expect_true "export -o /dev/null: still a character device" test -c /dev/null
if [ ! -c /dev/null ] && [ "$(id -u)" = 0 ]; then
    rm -f /dev/null && mknod -m 666 /dev/null c 1 3   # put it back
fi
expect_true "export -o /dev/null: no temporary file left in /dev" \
    test -z "$(find /dev -maxdepth 1 -name '.null.*' 2> /dev/null)"
# A named pipe is written in place: the reader gets the checklist.
mkfifo "$T/fifo"
timeout 30 cat "$T/fifo" > "$T/fifo.out" &
reader=$!
MR_RC=0
timeout 30 "$MAILREADY" export "$D" "${ARGS[@]}" --offline -o "$T/fifo" \
    > "$T/out" 2> "$T/err" || MR_RC=$?
wait "$reader"
expect_rc 0 "export -o FIFO: exit 0"
expect_true "export -o FIFO: still a named pipe" test -p "$T/fifo"
expect_grep "^Mail DNS checklist for $D$" "$T/fifo.out" \
    "export -o FIFO: the reader got the checklist"
# A directory is refused with the reason.
mr_run export "$D" "${ARGS[@]}" --offline -o "$T"
expect_rc 3 "export -o DIRECTORY: exit 3"
expect_grep "cannot write the checklist to $T: Is a directory" "$T/err" \
    "export -o DIRECTORY: says why"
mr_run export "$D" "${ARGS[@]}" --offline -o "$T/no/such/dir/c.txt" \
    --lang es
expect_rc 3 "export -o into a missing directory (Spanish): exit 3"
# The detail is translated by the front end (struct rc_err), the path
# that failed (the directory the file would go in) and the system's
# reason with it.
expect_grep "^mailready: no se puede escribir la lista de tareas en $T/no/such/dir: " \
    "$T/err" "export -o into a missing directory (Spanish): in Spanish"

# --- addresses and URLs from DNS stay inert (issue 19 item 8) -----------------
# The hostile fixture's DMARC record has mailto: addresses around terminal
# escapes and HTML; GFM makes a bare address or URL a link unless it is
# code.  Byte scan: outside code spans and fences, no '@', "://",
# "mailto:", "www." or raw '<' in the Markdown; only the page's own tags
# and attributes in the HTML.
HA=(--resolver "$RESOLVER" --timeout 2 --lang en --state-dir "$T/hstate"
    --selector sel --server-ip 185.199.77.25 --hostname mx.hostile.test)
for fmt in md html; do
    mr_run export hostile.test "${HA[@]}" --format $fmt -o "$T/hostile.$fmt"
    expect_rc 0 "hostile fixture: export $fmt exit 0"
done
expect_grep 'mailto:' "$T/hostile.md" \
    "hostile fixture md: the rua addresses are shown"
expect_true "hostile fixture md: no address, URL or HTML outside code" \
    python3 - "$T/hostile.md" <<'PY2'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
out, i, n = [], 0, len(t)
while i < n:
    if t.startswith("```", i) and (i == 0 or t[i - 1] == "\n"):
        m = re.match(r"`{3,}", t[i:])
        end = t.find("\n" + m.group(0) + "\n", i)
        assert end >= 0, "unclosed fence at %d" % i
        i = end + len(m.group(0)) + 2
        continue
    if t[i] == "`":
        m = re.match(r"`+", t[i:])
        end = t.find(m.group(0), i + len(m.group(0)))
        assert end >= 0, "unclosed code span at %r" % t[i:i + 40]
        i = end + len(m.group(0))
        out.append(" ")
        continue
    out.append(t[i])
    i += 1
prose = "".join(out)
for bad in ("@", "://", "www."):
    k = prose.find(bad)
    assert k < 0, "%r outside code: %r" % (bad, prose[max(0, k - 40):k + 40])
k = prose.lower().find("mailto:")
assert k < 0, "mailto: outside code: %r" % prose[max(0, k - 40):k + 40]
for m in re.finditer(r"<", prose):
    assert m.start() > 0 and prose[m.start() - 1] == "\\", \
        "raw < outside code: %r" % prose[max(0, m.start() - 40):m.start() + 40]
PY2
expect_true "hostile fixture html: only the page's own tags and attributes" \
    python3 - "$T/hostile.html" <<'PY2'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
tags = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3",
        "p", "br", "strong", "section", "span", "ul", "li", "div", "table",
        "colgroup", "col", "thead", "tbody", "tr", "th", "td", "code",
        "small", "pre", "ol"}
attrs = {"lang", "charset", "name", "content", "class", "id"}
for m in re.finditer(r"<(/?)([A-Za-z!][^\s>/]*)([^>]*)>", t):
    name = m.group(2).lower()
    if name == "!doctype":
        continue
    assert name in tags, "tag %r" % m.group(0)
    for a in re.findall(r"([A-Za-z-]+)\s*=",
                        re.sub(r'"[^"]*"', '""', m.group(3))):
        assert a.lower() in attrs, "attribute %r in %r" % (a, m.group(0))
assert "<a " not in t and "href" not in t and "<script" not in t.lower()
PY2
if command -v cmark-gfm > /dev/null; then
    cmark-gfm -e autolink -e table -e tasklist "$T/hostile.md" \
        > "$T/hostile.md.html"
    expect_true "hostile fixture md: cmark-gfm renders no link and no HTML" \
        test "$(grep -c '<a \|<script\|<img' "$T/hostile.md.html")" = 0
fi

# --- HTML, printed by headless Chromium ------------------------------------------
mr_run export "$D" "${ARGS[@]}" --offline --format html -o "$T/c.html"
expect_rc 0 "export html: exit 0"
expect_grep '^<!DOCTYPE html>$' "$T/c.html" "export html: a whole document"
expect_grep '@media print' "$T/c.html" "export html: print style sheet"
expect_true "export html: self-contained (no external URL)" python3 -c '
import re, sys
t = open(sys.argv[1]).read()
assert not re.search(r"(src|href)=|@import|url\(", t)' "$T/c.html"

print_pdf() {   # HTML PDF
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync \
        --user-data-dir="$T/chr" --print-to-pdf="$2" "file://$1" \
        > "$T/chr.log" 2>&1
}
if ! command -v chromium > /dev/null || ! command -v pdftotext > /dev/null
then
    mr_fail "export html: print to PDF" \
        "chromium or pdftotext missing (tools/install-deps --tests)"
    exit 0
fi
# Letter (Chromium's default) and A4 (forced with an extra @page rule).
sed 's|</style>|@page{size:A4}</style>|' "$T/c.html" > "$T/c-a4.html"
for paper in letter a4; do
    src=$T/c.html
    [ "$paper" = a4 ] && src=$T/c-a4.html
    print_pdf "$src" "$T/c-$paper.pdf"
    expect_true "export html: Chromium prints it ($paper)" \
        test -s "$T/c-$paper.pdf"
    pdftotext -layout "$T/c-$paper.pdf" "$T/c-$paper.txt" 2> /dev/null
    pdfinfo "$T/c-$paper.pdf" > "$T/c-$paper.info" 2> /dev/null
    if [ "$paper" = a4 ]; then
        expect_grep 'Page size: +59[45](\.[0-9]+)? x 841' "$T/c-$paper.info" \
            "export html: A4 pages"
    else
        expect_grep 'Page size: +612 x 792' "$T/c-$paper.info" \
            "export html: Letter pages"
    fi
    # Every item, every record and the zone snippet are in the PDF.
    expect_true "export html: every item in the PDF ($paper)" python3 -c '
import re, sys
t = re.sub(r"\s+", " ", open(sys.argv[1]).read())
want = ["Mail DNS checklist for export-state.test",
        "Mail servers (MX): warnings", "SPF", "DKIM", "DMARC",
        "PTR", "Last checked:", "What to do:", "Fix:",
        "Records to publish in your zone:", "Records someone else",
        "10 mail.export-state.test.", "v=spf1 ip4:45.67.89.30 ~all",
        "v=DMARC1; p=none; rua=mailto:dmarc@export-state.test",
        "s2026._domainkey", "30.89.67.45.in-addr.arpa.", "Zone snippet",
        "export-state.test. 3600 IN MX 10 mail.export-state.test."]
missing = [w for w in want if w not in t]
assert not missing, missing' "$T/c-$paper.txt"
    expect_true "export html: the black-and-white symbols are in the PDF" \
        grep -q '✘' "$T/c-$paper.txt"
done

# --- errors -------------------------------------------------------------------------
mr_run export "$D" "${ARGS[@]}" --offline -o "$T/no/such/dir/c.txt"
expect_rc 3 "export -o into a missing directory: exit 3"
expect_grep 'cannot write the checklist' "$T/err" \
    "export -o into a missing directory: says so"
mr_run export "$D" "${ARGS[@]}" --format pdf
expect_rc 3 "export --format pdf: exit 3"
expect_grep "pdf" "$T/err" "export --format pdf: names the format refused"

# --- DNS data is hostile: nothing from it becomes markup ---------------------------
H=hostile-export.test
cat > "$T/h.zone" <<EOF2
\$ORIGIN $H.
\$TTL 300
@ SOA ns.$H. h.$H. 1 7200 3600 1209600 300
@ NS ns.$H.
ns A 45.67.89.2
@ MX 10 mx.$H.
mx A 45.67.89.25
@ TXT "v=spf1 include:<script>x</script>.example -all"
_dmarc TXT "v=DMARC1; p=<img src=x onerror=alert(1)>"
EOF2
mr_run export "$H" --zone-file "$T/h.zone" --no-network --state-dir "$S" \
    --lang en --format html -o "$T/h.html"
expect_rc 0 "hostile zone: export html exit 0"
expect_grep '&lt;script&gt;x&lt;/script&gt;' "$T/h.html" \
    "hostile zone: the DNS text is shown, escaped"
expect_true "hostile zone: no markup from DNS in the HTML" \
    test "$(grep -c '<script\|<img' "$T/h.html")" = 0
mr_run export "$H" --zone-file "$T/h.zone" --no-network --state-dir "$S" \
    --lang en --format md
expect_grep '\\<script\\>x\\</script\\>' "$T/out" \
    "hostile zone: escaped in Markdown too"
