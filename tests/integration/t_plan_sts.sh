#!/bin/bash
# t_plan_sts.sh - `mailready plan --mta-sts MODE --tls-rua ADDR` against a
# real BIND 9 taking dynamic updates (tests/bind-lib.sh, zones of
# tests/plan-sts/) and a real nginx serving the live MTA-STS policies
# with a certificate of the test's own CA (tests/smtp-lib.sh): a policy
# in enforce mode is never lowered, the _mta-sts id changes with the
# policy, a working TLS-RPT record is kept, a policy that cannot be read
# is "could not check", and planning again after the update (and serving
# the new policy) gives nothing to do.
set -u
. "$TOP/tests/lib.sh"
. "$TOP/tests/bind-lib.sh"
. "$TOP/tests/smtp-lib.sh"

cleanup() {
    bind_stop
    nginx_stop
}
trap cleanup EXIT
trap 'cleanup; exit 143' TERM INT HUP

if ! bind_start "$T/bind" "$TOP"/tests/plan-sts/*.zone > "$T/ctx" 2>&1; then
    _mr_result fail "plan-sts: BIND 9 starts on loopback" "$T/ctx"
    exit 0
fi
R=127.0.0.1:$BIND_PORT
E=plan-sts-enforce.test
N=plan-sts-new.test
DN=plan-sts-down.test

mkdir -p "$T/pki" "$T/www"
{ tls_ca "$T/pki" ca &&
  tls_cert "$T/pki" ca web 365 "mta-sts.$E" "mta-sts.$N"; } ||
    { mr_fail "test certificates" "openssl failed"; exit 0; }
HP=$(free_port)
printf 'version: STSv1\r\nmode: enforce\r\nmx: mail.%s\r\nmax_age: 86400\r\n' \
    "$E" > "$T/www/enforce.txt"
{
    for pair in "$E enforce" "$N new"; do
        set -- $pair
        cat <<NGX
server {
    listen 127.0.0.52:@PORT@ ssl;
    server_name mta-sts.$1;
    ssl_certificate @CERT@.crt;
    ssl_certificate_key @CERT@.key;
    location = /.well-known/mta-sts.txt {
        default_type text/plain;
        alias @DIR@/www/$2.txt;
    }
}
NGX
    done
} > "$T/sites.conf"
if nginx_start "$T/pki" web "$HP" "$T/sites.conf" 2> "$T/ngx.err"; then
    cp "$T/www"/*.txt "$NGX_DIR/www/"
    chmod 644 "$NGX_DIR/www"/*.txt
else
    mr_fail "private nginx" "$(cat "$T/ngx.err")"
    exit 0
fi

plan() {    # DOMAIN OPTION...
    local d=$1
    shift
    mr_run plan "$d" --mx-host "mail.$d" --resolver "$R" --timeout 2 \
        --state-dir "$T/state" --https-port "$HP" \
        --ca-file "$T/pki/ca.crt" "$@"
}
planj() {
    plan "$@" --format json
    cp "$T/out" "$T/out.json"
}
STS='[c for c in j["changes"] if c["name"].startswith("_mta-sts.")]'
RPT='[c for c in j["changes"] if c["name"].startswith("_smtp._tls.")]'

# --- 1. enforce live: testing is refused, the mode stays enforce -------------
planj "$E" --mta-sts testing --tls-rua "other@$E"
expect_rc 2 "enforce: asking for testing is refused (exit 2)"
expect_json '[f for f in j["findings"] if f["id"] == "PLAN_WEAKER"]' \
    "enforce: the finding PLAN_WEAKER says the mode stays"
expect_json '(j["mta_sts"]["mode"] == "enforce" and
    "mode: enforce\r\n" in j["mta_sts"]["policy"])' \
    "enforce: the proposed policy keeps mode enforce, never testing"
expect_json 'not [c for c in j["changes"] if "testing" in c["data"]]' \
    "enforce: no change carries testing"
expect_json "([c['action'] for c in $STS] == ['delete', 'add'] and
    'id=live1' in $STS[0]['data'] and 'id=live1' not in $STS[1]['data'])" \
    "enforce: the policy differs (max_age): the _mta-sts id is new"
expect_json "($RPT == [] and
    [f for f in j['findings'] if f['id'] == 'PLAN_TLSRPT_KEPT'])" \
    "enforce: the working TLS-RPT record is kept (PLAN_TLSRPT_KEPT)"
planj "$E" --mta-sts none
expect_rc 2 "enforce: asking for none is refused too (exit 2)"
expect_json 'j["mta_sts"]["mode"] == "enforce"' \
    "enforce: none gives mode enforce"
planj "$E" --mta-sts testing --allow-weaker
expect_rc 1 "enforce: testing with --allow-weaker: changes (exit 1)"
expect_json '(j["mta_sts"]["mode"] == "testing" and
    [f for f in j["findings"] if f["id"] == "PLAN_WEAKER_ALLOWED"])' \
    "enforce: --allow-weaker follows the answer, and says so"

# The same policy as live: nothing to change at all.
printf 'version: STSv1\r\nmode: enforce\r\nmx: mail.%s\r\nmax_age: 604800\r\n' \
    "$E" > "$NGX_DIR/www/enforce.txt"
planj "$E" --mta-sts enforce --dmarc-stage none
expect_json "$STS == [] and 'mta_sts' not in j" \
    "enforce: policy already served and announced: no MTA-STS change"

# --- 2. a record live, its policy unreadable: could not check ----------------
planj "$DN" --mta-sts testing
expect_rc 3 "down: published policy cannot be fetched: exit 3"
expect_json "($STS == [] and
    [f for f in j['findings'] if f['id'] == 'PLAN_STS_UNREAD' and
     f['severity'] == 'error'])" \
    "down: PLAN_STS_UNREAD (could not check), no MTA-STS change"

# --- 3. nothing yet: added; applied, served, planned again: nothing ----------
planj "$N" --mta-sts testing --tls-rua "tls@$N"
expect_rc 1 "new: changes (exit 1)"
expect_json "([c['action'] for c in $STS] == ['add'] and
    $STS[0]['data'].startswith('\"v=STSv1; id='))" \
    "new: the _mta-sts record is added"
expect_json "([c['action'] for c in $RPT] == ['delete', 'add'] and
    $RPT[1]['data'] == '\"v=TLSRPTv1; rua=mailto:tls@$N\"')" \
    "new: the invalid TLS-RPT record is replaced"
expect_json 'j["mta_sts"]["mode"] == "testing"' \
    "new: the policy proposed is in mode testing"
python3 - "$T" <<'PY'
import json, sys
j = json.load(open(sys.argv[1] + "/out.json"))
open(sys.argv[1] + "/new.txt", "w", newline="").write(j["mta_sts"]["policy"])
PY
plan "$N" --mta-sts testing --tls-rua "tls@$N"
expect_grep 'mta-sts\.txt' "$T/out" "new: text output names the policy URL"
expect_grep '^    mode: testing$' "$T/out" "new: text output shows the policy"
expect_grep 'default_type text/plain;' "$T/out" \
    "new: text output has the nginx snippet"
expect_grep 'ForceType text/plain' "$T/out" \
    "new: text output has the Apache snippet"
plan "$N" --mta-sts testing --tls-rua "tls@$N" --format nsupdate
expect_rc 1 "new: nsupdate script (exit 1)"
cp "$T/out" "$T/new.nsupdate"
expect_grep 'serve the new MTA-STS policy' "$T/err" \
    "new: nsupdate says to serve the policy first"
expect_true "new: the update applies" bind_update "$T/new.nsupdate"
cp "$T/new.txt" "$NGX_DIR/www/new.txt"
chmod 644 "$NGX_DIR/www/new.txt"
planj "$N" --mta-sts testing --tls-rua "tls@$N"
expect_rc 0 "new: planning again after the update: exit 0"
expect_json 'j["status"] == "nothing-to-do" and "mta_sts" not in j' \
    "new: planning again: nothing to do"
# Testing was clean: enforce is a new policy, with a new id.
planj "$N" --mta-sts enforce --tls-rua "tls@$N"
expect_rc 1 "new: enforce after testing: changes (exit 1)"
expect_json "([c['action'] for c in $STS] == ['delete', 'add'] and
    j['mta_sts']['mode'] == 'enforce' and $RPT == [])" \
    "new: enforce: a new policy and a new _mta-sts id, TLS-RPT kept"
