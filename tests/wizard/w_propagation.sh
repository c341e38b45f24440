# Is it published yet, in the wizard: two NSDs on 127.0.0.2 and .3 behind
# Unbound, which has cached version 1 of wz.test.  Version 2 adds the
# DMARC record (the cache keeps "no record" for the negative TTL, SOA
# minimum 120) and changes the SPF (TTL 4): the screens say what the name
# servers publish and how long this machine's resolver keeps the old
# answer; a waits on the step with a countdown and stops by itself when
# the resolver sees it, or when pressed again.
. "$TOP/tests/wizard/wiz-lib.sh"
. "$TOP/tests/nsd-lib.sh"
. "$TOP/tests/unbound-lib.sh"
trap 'tm_kill; auth_stop_all' EXIT

Z=$T/zones
mkdir -p "$Z"
wz_zone() {     # SERIAL BODY
    cat > "$Z/wz.test.zone" <<ZONE
\$ORIGIN wz.test.
\$TTL 300
@ 600 IN SOA ns1.wz.test. hostmaster.wz.test. $1 3600 600 86400 120
@ IN NS ns1.wz.test.
@ IN NS ns2.wz.test.
ns1 IN A 127.0.0.2
ns2 IN A 127.0.0.3
@ IN MX 10 mail.wz.test.
mail IN A 185.117.82.25
$2
ZONE
}
wz_zone 1 '@ 4 IN TXT "v=spf1 mx -all"'

P=
for try in 1 2 3 4 5; do
    P=$(free_port)
    if auth_start "$T/a" 127.0.0.2 "$P" "$Z/wz.test.zone" > "$T/ctx" 2>&1 &&
       auth_start "$T/b" 127.0.0.3 "$P" "$Z/wz.test.zone" > "$T/ctx" 2>&1
    then
        break
    fi
    auth_stop_all
    P=
done
if [ -z "$P" ] || ! unbound_start "$T/unbound" \
        "wz.test=127.0.0.2@$P,127.0.0.3@$P" > "$T/ctx" 2>&1; then
    mr_fail "NSD and Unbound start on loopback" "$(cat "$T/ctx")"
    exit 0
fi
R=127.0.0.1:$UNBOUND_PORT
# The cache learns version 1: the SPF, and that _dmarc does not exist.
"$MAILREADY" check wz.test --resolver "$R" --no-authoritative \
    --timeout 2 > /dev/null 2>&1
wz_zone 2 '@ 4 IN TXT "v=spf1 mx a -all"
_dmarc IN TXT "v=DMARC1; p=none; rua=mailto:d@wz.test"'
auth_stop "$T/a"
auth_stop "$T/b"
auth_start "$T/a" 127.0.0.2 "$P" "$Z/wz.test.zone" > "$T/ctx" 2>&1 &&
auth_start "$T/b" 127.0.0.3 "$P" "$Z/wz.test.zone" > "$T/ctx" 2>&1 ||
    mr_fail "NSD restarts with version 2" "$(cat "$T/ctx")"

wz_start wz.test --resolver "$R" --auth-port "$P" --timeout 2 \
    --server-ip 185.117.82.25
screen_has "the wizard starts at MX" "Step 1: Mail servers"
screen_has "MX: published and seen" \
    "Published on all 2 name servers; this machine's resolver sees it"
tm_send 4
screen_has "DMARC: published on both name servers, cached 'no record'" \
    "Published on all 2 name servers; this machine's"
screen_has "DMARC: for how long, from the SOA minimum (120 s)" \
    "old answer for up to ([6-9][0-9]|1[01][0-9]|120) seconds"
screen_lacks "DMARC: the verdict follows the name servers" \
    "There is no DMARC record"
screen_has "DMARC: the wait key is named" "Press a to wait here"
tm_send a
screen_has "a: a countdown" "Waiting until this machine's resolver sees it: [0-9]+ s"
tm_send a
screen_has "a again: stops waiting" "Stopped waiting"
tm_send 2
screen_has "SPF: the resolver still has the old SPF" \
    "Published on all 2 name servers; this machine's"
tm_send a
screen_has "SPF: a waits until the resolver sees it (TTL 4)" \
    "now sees what your name servers publish"
screen_has "SPF: then published and seen" \
    "Published on all 2 name servers; this machine's resolver sees it"
tm_send q
expect_true "q quits" wz_gone
