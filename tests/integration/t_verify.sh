#!/bin/bash
# t_verify.sh - `mailready verify` on messages signed here, in the test, by
# real signers: python3-dkim (dkimsign, and its dkim.sign() for l= and
# oversigning) and OpenDKIM (opendkim -t, the daemon's test mode: no
# socket, nothing left running), with keys from `mailready keygen`
# published in a private NSD started (and always stopped) by this test.
# Every signature's result is compared with python3-dkim's dkimverify
# (its own main(), pointed at that NSD).  Known, intended differences:
# rsa-sha1 (RFC 8301 §3.1: mailready fails it, says it would pass) and a
# signature whose h= lacks From (RFC 6376 §6.1.1).
set -u
. "$TOP/tests/lib.sh"

PY=/usr/bin/python3     # the Debian python that has python3-dkim
V=verify.test
for tool in dkimsign opendkim; do
    command -v $tool >/dev/null 2>&1 || {
        mr_fail "needs $tool" "install it: tools/install-deps --tests"
        return 0 2>/dev/null || exit 0; }
done

K=$T/keys
M=$T/msg
mkdir -p "$K" "$M" "$T/zones"

# ---- keys from mailready keygen -----------------------------------------
keygen() {  # DOMAIN SELECTOR ARGS...: zone line to $K/SEL.zone
    local d=$1 s=$2
    shift 2
    "$MAILREADY" keygen --domain "$d" --selector "$s" --out "$K" "$@" \
        > "$K/$s.out" 2> "$T/err" || return 1
    grep " IN TXT " "$K/$s.out" > "$K/$s.zone"
}
keygen $V s2048 && keygen $V ed1 --type ed25519 &&
    keygen $V w1024 --bits 1024 && keygen signer.test sig1 &&
    keygen $V old && keygen $V sha1k ||
    mr_fail "keygen" "$(cat "$T/err")"
# dkimpy takes an Ed25519 key as the base64 of its 32-byte seed
openssl pkey -in "$K/ed1.private" -outform DER | tail -c 32 | base64 \
    > "$K/ed1.seed"

soa() {
    printf '$ORIGIN %s.\n$TTL 300\n@ IN SOA ns.%s. h.%s. 1 60 60 600 60\n' \
        "$1" "$1" "$1"
    printf '@ IN NS ns.%s.\nns IN A 127.0.0.1\n' "$1"
}
{
    soa $V
    cat "$K/s2048.zone" "$K/ed1.zone" "$K/w1024.zone" "$K/sha1k.zone"
    echo 'old._domainkey IN TXT "v=DKIM1; k=rsa; p="'
    echo '@ IN TXT "v=spf1 ip4:192.0.2.10 -all"'
    echo 'mail IN TXT "v=spf1 ip4:192.0.2.10 -all"'
    echo '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@verify.test"'
} > "$T/zones/$V.zone"
{ soa signer.test; cat "$K/sig1.zone"; } > "$T/zones/signer.test.zone"
# RFC 8463 appendix A: the example's keys
{
    soa football.example.com
    echo 'brisbane._domainkey IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="'
    printf 'test._domainkey IN TXT "%s"\n' \
        "$(cat /usr/lib/python3/dist-packages/dkim/tests/data/test.txt)"
} > "$T/zones/football.example.com.zone"

RUN_NSD_PORT=${NSD_PORT:-}
nsd_start "$T/nsd" "$T/zones"/*.zone 2> "$T/nsd.err" ||
    { mr_fail "private NSD" "$(cat "$T/nsd.err")"; exit 0; }
trap nsd_stop EXIT
trap 'nsd_stop; exit 143' TERM INT HUP
MYDNS=127.0.0.1:$NSD_PORT

# dkimverify (python3-dkim's own main) with DNS from the private NSD
cat > "$T/dkimverify-at.py" <<'PY'
import sys
import dns.resolver
r = dns.resolver.Resolver(configure=False)
r.nameservers = ["127.0.0.1"]
r.port = int(sys.argv[1])
r.lifetime = 3
dns.resolver.default_resolver = r
sys.argv = ["dkimverify"] + sys.argv[2:]
from dkim.dkimverify import main
main()
PY
# dkim.sign() of python3-dkim, for what dkimsign has no option for
cat > "$T/dkimpy-sign.py" <<'PY'
import sys, dkim
sel, dom, keyf, hc, bc, alg, length, heads = sys.argv[1:9]
msg = sys.stdin.buffer.read()
key = open(keyf, "rb").read()
inc = [h.encode() for h in heads.split(",")] if heads else None
sig = dkim.sign(msg, sel.encode(), dom.encode(), key,
                canonicalize=(hc.encode(), bc.encode()),
                signature_algorithm=alg.encode(), include_headers=inc,
                length=(length == "1"))
sys.stdout.buffer.write(sig + msg)
PY

# ---- the base messages: folded header, 8-bit body, LF and CRLF ----------
base() {
    printf 'Received: by mailer.internal with HTTP; Tue, 1 Dec 2026 10:00:01 +0000\n'
    printf 'Received: from mail.verify.test (mail.verify.test [192.0.2.10])\n\tby mx.rcv.test with ESMTPS id 1; Tue, 1 Dec 2026 10:00:00 +0000\n'
    printf 'Return-Path: <bounce@verify.test>\n'
    printf 'From: =?UTF-8?Q?Ana_Mar=C3=ADa?= <ana@verify.test>\n'
    printf 'To: bob@rcv.test\n'
    printf 'Subject: a folded\n   subject\t line  \n'
    printf 'Date: Tue, 1 Dec 2026 10:00:00 +0000\n'
    printf 'Message-ID: <1@verify.test>\n'
    printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n'
    printf 'Content-Transfer-Encoding: 8bit\n\n'
    printf 'Hola  Bob, \t\nel a\303\261o que viene \xe9 8-bit.\n\n  trailing  \n\n\n'
}
base > "$M/base.lf"
sed 's/$/\r/' "$M/base.lf" > "$M/base.crlf"

# python3-dkim dkimsign: RSA and Ed25519, every c= pair, LF and CRLF
for alg in rsa ed; do
    for hc in simple relaxed; do
        for bc in simple relaxed; do
            for le in lf crlf; do
                n=dkimsign-$alg-$hc-$bc-$le
                if [ $alg = rsa ]; then
                    $PY /usr/bin/dkimsign --hcanon $hc --bcanon $bc s2048 $V \
                        "$K/s2048.private" < "$M/base.$le" > "$M/$n.eml"
                else
                    $PY /usr/bin/dkimsign --hcanon $hc --bcanon $bc \
                        --signalg ed25519-sha256 ed1 $V "$K/ed1.seed" \
                        < "$M/base.$le" > "$M/$n.eml"
                fi
            done
        done
    done
done
# dkim.sign(): l=, oversigning (From and Subject listed twice), 1024 bits
$PY "$T/dkimpy-sign.py" s2048 $V "$K/s2048.private" relaxed relaxed \
    rsa-sha256 1 "" < "$M/base.crlf" > "$M/dkimpy-l.eml"
$PY "$T/dkimpy-sign.py" ed1 $V "$K/ed1.seed" relaxed simple \
    ed25519-sha256 0 "from,to,subject,date,from,subject" \
    < "$M/base.lf" > "$M/dkimpy-oversign.eml"
$PY "$T/dkimpy-sign.py" w1024 $V "$K/w1024.private" simple simple \
    rsa-sha256 0 "" < "$M/base.lf" > "$M/dkimpy-1024.eml"

# OpenDKIM (opendkim -t: the daemon's test mode prints the signature)
odsign() {  # NAME SELECTOR KEY ALG CANON EXTRA-LINE < base > $M/NAME.eml
    local n=$1
    cat > "$T/od-$n.conf" <<CONF
Domain $V
Selector $2
KeyFile $3
Mode s
SignatureAlgorithm $4
Canonicalization $5
RequireSafeKeys false
Syslog no
$6
CONF
    cat > "$T/od-$n.in"
    timeout 20 opendkim -x "$T/od-$n.conf" -t "$T/od-$n.in" \
        > "$T/od-$n.out" 2>&1
    { sed 1d "$T/od-$n.out"; cat "$T/od-$n.in"; } > "$M/$n.eml"
}
odsign opendkim-rsa-relaxed s2048 "$K/s2048.private" rsa-sha256 \
    relaxed/relaxed "" < "$M/base.lf"
odsign opendkim-rsa-simple s2048 "$K/s2048.private" rsa-sha256 \
    simple/simple "" < "$M/base.crlf"
odsign opendkim-ed-oversign ed1 "$K/ed1.private" ed25519-sha256 \
    relaxed/simple "OversignHeaders From,Subject" < "$M/base.lf"
odsign opendkim-rsa-sha1 sha1k "$K/sha1k.private" rsa-sha1 \
    relaxed/relaxed "" < "$M/base.lf"
for f in opendkim-rsa-relaxed opendkim-ed-oversign; do
    grep -q '^DKIM-Signature:' "$M/$f.eml" ||
        mr_fail "opendkim signed $f" "$(cat "$T/od-$f.out")"
done

# Two signers: the domain's own and an unaligned one (signer.test)
$PY /usr/bin/dkimsign sig1 signer.test "$K/sig1.private" \
    < "$M/dkimsign-rsa-relaxed-simple-lf.eml" > "$M/two-signers.eml"
# Revoked key (old: empty p= in DNS)
$PY /usr/bin/dkimsign old $V "$K/old.private" < "$M/base.lf" \
    > "$M/revoked.eml"
# The RFC 8463 appendix A example (ed25519 and rsa-sha256)
cp /usr/lib/python3/dist-packages/dkim/tests/data/rfc6376.signed.msg \
    "$M/rfc8463.eml"

# ---- tampered copies -----------------------------------------------------
src=$M/opendkim-rsa-relaxed.eml
sed 's/^Subject: a folded/Subject: A folded/' "$src" > "$M/tamper-header.eml"
sed 's/^Hola  Bob/Hello Bob/' "$src" > "$M/tamper-body.eml"
sed '/^\tb=/,/^[^ \t]/{/^[ \t]/s/[A-Za-z0-9+\/=]\{8\}$//}' "$src" \
    > "$M/tamper-sigcut.eml"
printf 'Appended after l=.\r\n' | cat "$M/dkimpy-l.eml" - \
    > "$M/tamper-after-l.eml"
sed 's/^el a/EL A/' "$M/dkimpy-l.eml" > "$M/tamper-inside-l.eml"
# h= without From (every from in h= edited out; RFC 6376 §6.1.1 says a
# verifier ignores such a signature)
$PY - "$M/dkimsign-rsa-relaxed-relaxed-lf.eml" > "$M/nofrom.eml" <<'PY'
import re, sys
m = open(sys.argv[1], "rb").read()
hdr_end = m.index(b"\n", m.index(b"bh="))
def fix(h):
    names = [n for n in re.split(rb"\s*:\s*", h.group(1).strip())
             if n.lower() != b"from"]
    return b"h=" + b" : ".join(names) + b";"
sig = re.sub(rb"h=([^;]*);", fix, m[:hdr_end], count=1)
sys.stdout.buffer.write(sig + m[hdr_end:])
PY
grep -qi 'h=to' "$M/nofrom.eml" ||
    mr_fail "nofrom message made" "$(head -5 "$M/nofrom.eml")"

# ---- every signature: mailready against dkimverify ------------------------
verify_json() {     # FILE ARGS...: JSON in $T/out.json
    local f=$1
    shift
    mr_run verify --resolver "$MYDNS" --timeout 2 --json "$f" "$@"
    cp "$T/out" "$T/out.json"
}
nsig() { grep -c '^DKIM-Signature:' "$1"; }
mr_res() {  # INDEX: mailready's result of signature INDEX in $T/out.json
    $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["dkim"][int(sys.argv[2])]["result"])' \
        "$T/out.json" "$1" 2>/dev/null
}
compared=0
for f in "$M"/*.eml; do
    n=$(basename "$f" .eml)
    verify_json "$f"
    [ "$MR_RC" -le 3 ] || mr_fail "$n: ran" "status $MR_RC: $(cat "$T/err")"
    for ((i = 0; i < $(nsig "$f"); i++)); do
        if $PY "$T/dkimverify-at.py" "$NSD_PORT" --index $i < "$f" \
                > "$T/dv" 2>&1; then
            theirs=pass
        else
            theirs=fail
        fi
        ours=$(mr_res $i)
        [ "$ours" = pass ] || ours="fail($ours)"
        echo "# $n sig $i: mailready $ours, dkimverify $theirs"
        case $n:$i in
        opendkim-rsa-sha1:0)
            expect_true "$n: dkimverify accepts rsa-sha1" [ $theirs = pass ]
            expect_json 'j["dkim"][0]["result"] == "fail" and "RFC 8301" in j["dkim"][0]["reason"] and j["dkim"][0]["would_pass"] is True' \
                "$n: mailready fails rsa-sha1 (RFC 8301), would pass"
            ;;
        nofrom:0)
            expect_true "$n: dkimverify rejects it too" [ $theirs = fail ]
            expect_json 'j["dkim"][0]["result"] == "permerror" and "6.1.1" in j["dkim"][0]["reason"]' \
                "$n: ignored, From not signed (RFC 6376 6.1.1)"
            ;;
        *)
            if [ "${ours%%(*}" = "${theirs}" ]; then
                _mr_result ok "$n sig $i: same as dkimverify ($theirs)"
            else
                mr_fail "$n sig $i: same as dkimverify" \
                    "mailready $ours, dkimverify $theirs: $(cat "$T/out")"
            fi
            ;;
        esac
        compared=$((compared + 1))
    done
done
expect_true "compared all 34 signatures ($compared)" [ $compared -eq 34 ]

# ---- what each says ------------------------------------------------------
verify_json "$M/opendkim-rsa-relaxed.eml"
expect_rc 0 "keygen key, OpenDKIM: exit 0"
expect_json 'j["dkim"][0]["result"] == "pass" and j["dkim"][0]["aligned"] and j["dkim"][0]["domain"] == "verify.test" and j["dkim"][0]["selector"] == "s2048" and j["dkim"][0]["algorithm"] == "rsa-sha256"' \
    "keygen key: DKIM pass, aligned"
expect_json 'j["dmarc"]["result"] == "pass" and j["dmarc"]["aligned_by"] == "dkim+spf" and j["dmarc"]["policy"] == "reject" and j["dmarc"]["from_domain"] == "verify.test"' \
    "keygen key: DMARC pass, aligned by dkim and spf"
expect_json 'j["spf"] == {"ip": "192.0.2.10", "helo": "mail.verify.test", "mail_from": "bounce@verify.test", "domain": "verify.test", "result": "pass", "aligned": True}' \
    "SPF from the sender's hop (not the internal Received above it)"
mr_run verify --resolver "$MYDNS" "$M/opendkim-rsa-relaxed.eml"
expect_grep 'd=verify.test s=s2048 a=rsa-sha256: pass \(aligned with From\)' \
    "$T/out" "text: DKIM pass aligned"
expect_grep 'DMARC: pass \(aligned by dkim\+spf\)' "$T/out" "text: DMARC pass"

verify_json "$M/tamper-body.eml"
expect_json 'j["dkim"][0]["result"] == "fail" and "body hash" in j["dkim"][0]["reason"] and not j["dkim"][0]["body_hash_ok"]' \
    "body changed: says body"
verify_json "$M/tamper-header.eml"
expect_json 'j["dkim"][0]["result"] == "fail" and "header field" in j["dkim"][0]["reason"] and j["dkim"][0]["body_hash_ok"]' \
    "header changed: says header, body intact"
verify_json "$M/tamper-after-l.eml"
expect_json 'j["dkim"][0]["result"] == "pass"' "text after l=: still pass"
verify_json "$M/tamper-inside-l.eml"
expect_json '"body hash" in j["dkim"][0]["reason"]' "change inside l=: body"
verify_json "$M/tamper-sigcut.eml"
expect_json 'j["dkim"][0]["result"] != "pass"' "signature cut: no pass"

verify_json "$M/two-signers.eml"
expect_rc 1 "aligned pass + unaligned pass: exit 1 (warning)"
expect_json '[(d["domain"], d["result"], d["aligned"]) for d in j["dkim"]] == [("signer.test", "pass", False), ("verify.test", "pass", True)]' \
    "two signers: which aligned"
verify_json "$M/two-signers.eml" --ip 198.51.100.7
expect_json 'j["spf"]["result"] == "fail" and j["dmarc"]["result"] == "pass" and j["dmarc"]["aligned_by"] == "dkim"' \
    "--ip: SPF fail, DMARC still passes by DKIM"
sed 's/^Return-Path: <bounce@verify.test>/Return-Path: <>/' \
    "$M/dkimsign-rsa-relaxed-relaxed-lf.eml" > "$T/nullpath.eml"
verify_json "$T/nullpath.eml"
expect_json 'j["spf"]["mail_from"] == "" and j["spf"]["domain"] == "mail.verify.test" and j["spf"]["result"] == "pass" and j["spf"]["aligned"]' \
    "null reverse path: SPF of the HELO name, aligned (relaxed)"
verify_json "$M/dkimpy-1024.eml"
expect_rc 1 "1024-bit key: pass with warning"
expect_json 'j["dkim"][0]["key_bits"] == 1024' "1024 bits reported"
verify_json "$M/revoked.eml" --ip 198.51.100.7
expect_json 'j["dkim"][0]["result"] == "permerror" and "revoked" in j["dkim"][0]["reason"]' \
    "revoked key: permerror, says revoked"
expect_rc 2 "revoked, SPF fail: DMARC fail, exit 2"
expect_json 'j["dmarc"]["result"] == "fail" and j["dmarc"]["aligned_by"] is None' \
    "DMARC fail"
verify_json "$M/rfc8463.eml"
expect_json '[(d["selector"], d["algorithm"], d["result"]) for d in j["dkim"]] == [("brisbane", "ed25519-sha256", "pass"), ("test", "rsa-sha256", "pass")]' \
    "RFC 8463 appendix A: both signatures pass"
verify_json "$M/dkimsign-ed-relaxed-relaxed-lf.eml" --dkim-key \
    "$K/ed1.private" --no-network
expect_json 'j["dkim"][0]["result"] == "pass"' "--dkim-key, offline: pass"
verify_json "$M/dkimsign-ed-relaxed-relaxed-lf.eml" --dkim-key \
    "$K/s2048.private" --no-network
expect_json 'j["dkim"][0]["result"] == "permerror"' \
    "--dkim-key of another type: permerror"

# The receiver's Authentication-Results beside ours
{ printf 'Authentication-Results: mx.rcv.test;\n\tdkim=pass (2048-bit key) header.d=verify.test header.s=s2048;\n\tspf=pass smtp.mailfrom=verify.test;\n\tdmarc=pass header.from=verify.test\n'
  printf 'ARC-Seal: i=1; a=rsa-sha256; cv=none; d=rcv.test; s=a; b=AAAA\n'
  cat "$M/tamper-body.eml"; } > "$T/ar.eml"
verify_json "$T/ar.eml"
expect_json '[(a["method"], a["result"]) for a in j["authentication_results"]] == [("dkim", "pass"), ("spf", "pass"), ("dmarc", "pass")]' \
    "Authentication-Results parsed"
expect_json '"body was changed after it arrived" in j["authentication_results"][0]["difference"] and j["authentication_results"][1]["difference"] is None' \
    "difference explained: body changed after the receiver"
expect_json 'j["arc_fields"] == 1 and j["arc_instances"] == 1' "ARC listed"

# Could not check: DNS does not answer
mr_run verify --resolver "$BLACKHOLE" --timeout 1 --json \
    "$M/opendkim-rsa-relaxed.eml"
cp "$T/out" "$T/out.json"
expect_rc 3 "DNS timeout: exit 3, could not check"
expect_json 'j["dkim"][0]["result"] == "temperror" and j["dmarc"]["result"] == "temperror"' \
    "DNS timeout: temperror, never a failure"

# Hostile input
{ printf 'From: a@verify.test\nSubject: \033]0;owned\007\033[2J\n\n'; } \
    > "$T/esc.eml"
mr_run verify --resolver "$MYDNS" --no-network "$T/esc.eml"
expect_true "no control character reaches the terminal" \
    sh -c "! grep -q \"\$(printf '\\033')\" '$T/out'"
head -c 40000000 /dev/zero | tr '\0' 'a' > "$T/big.eml"
mr_run verify "$T/big.eml" --no-network
expect_rc 3 "over 32 MiB: refused"
expect_grep 'larger than 32 MiB' "$T/err" "over 32 MiB: says so"
printf 'not a message\n' > "$T/junk.eml"
mr_run verify "$T/junk.eml" --no-network
expect_rc 3 "not a message: exit 3"
mr_run verify --resolver "$MYDNS" --lang es "$M/opendkim-rsa-relaxed.eml"
expect_grep 'DMARC' "$T/out" "Spanish run works"

nsd_stop
trap - EXIT
