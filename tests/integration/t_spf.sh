#!/bin/bash
# t_spf.sh - the spf step of `mailready check` (every lint finding on a
# fixture zone made for it, tests/zones/spf-*.test) and `mailready spf`
# (check_host for one address: result, JSON, exit status), and the speed
# of an evaluation with ten slow includes.
source "$TOP/tests/lib.sh"

spf() {     # the spf step's part of $T/out.json, as Python
    echo '[c for c in j["checks"] if c["step"] == "spf"][0]'
}

# A clean record: no finding, the tree in the records.
mr_check spf-clean.test --server-ip 88.198.10.10 --server-ip 2a01:4f8:20::5
expect_ids spf "" "clean record"
expect_status spf ok "clean: ok"
expect_json "$(spf)['records'][0]['subtotal'] == 2" "clean: 2 lookups"
expect_json "$(spf)['records'][0]['children'][0]['domain'] == '_spf.spf-provider.test'" \
    "clean: the include in the tree"
# The text report wraps long lines: compare with the line breaks undone.
mr_run check spf-clean.test --resolver "$RESOLVER" --timeout 2 --lang en
tr -s ' \n' '  ' < "$T/out" > "$T/flat"
expect_grep 'include:_spf.spf-provider.test -> _spf.spf-provider.test \[lookups: 0, subtotal: 0\]' \
    "$T/flat" "clean: the tree in the text report"
expect_grep 'total: 2 DNS lookups \(limit 10\)' "$T/flat" "clean: the total"
mr_run check spf-clean.test --resolver "$RESOLVER" --timeout 2 --lang es
tr -s ' \n' '  ' < "$T/out" > "$T/flat"
expect_grep '\[consultas: 0, subtotal: 0\]' "$T/flat" \
    "clean: the tree in Spanish"
expect_json "[r['result'] for r in $(spf)['records'][1:]] == ['pass', 'pass']" \
    "clean: both --server-ip pass"

mr_check spf-clean.test --server-ip 88.198.99.99
expect_ids spf "SPF_SERVER_NOT_AUTHORIZED" "server not in the record"
expect_status spf fail "not authorised: fail"

for c in "spf-missing.test SPF_MISSING fail" \
         "spf-multiple.test SPF_MULTIPLE fail" \
         "spf-syntax.test SPF_SYNTAX fail" \
         "spf-lookups.test SPF_TOO_MANY_LOOKUPS fail" \
         "spf-void.test SPF_TOO_MANY_VOID_LOOKUPS fail" \
         "spf-loop.test SPF_INCLUDE_LOOP fail" \
         "spf-incmissing.test SPF_INCLUDE_MISSING fail" \
         "spf-plusall.test SPF_PLUS_ALL fail" \
         "spf-incplus.test SPF_PLUS_ALL fail" \
         "spf-neutral.test SPF_NEUTRAL_ALL warn" \
         "spf-noall.test SPF_NO_ALL warn" \
         "spf-ptr.test SPF_PTR_MECHANISM warn" \
         "spf-long.test SPF_RECORD_TOO_LONG warn" \
         "spf-dnsfail.test SPF_TEMPERROR error"; do
    set -- $c
    mr_check "$1"
    expect_ids spf "$2" "$1: $2"
    expect_status spf "$3" "$1: status $3"
done

mr_check spf-syntax.test
expect_json "'ip4:88.198.10.300' in $(spf)['findings'][0]['message'] and 'spf-syntax.test' in $(spf)['findings'][0]['message']" \
    "syntax: the term and the domain are named"
mr_check spf-lookups.test
expect_json "$(spf)['records'][0]['subtotal'] == 12" "lookups: 12 counted"
expect_json "[k['over_limit'] for k in $(spf)['records'][0]['children']][-2:] == [True, True]" \
    "lookups: the last includes are marked past the limit"
expect_json "len($(spf)['records'][0]['children']) == 8" \
    "lookups: the whole tree, past the limit"
mr_check spf-dnsfail.test --server-ip 88.198.10.23
expect_json "[f['severity'] for f in $(spf)['findings']] == ['error']" \
    "temperror with --server-ip: pass by mx before the broken include"
mr_check spf-dnsfail.test --server-ip 88.198.99.1
expect_json "sorted(f['id'] for f in $(spf)['findings']) == ['SPF_TEMPERROR', 'SPF_TEMPERROR']" \
    "temperror with --server-ip: never the admin's failure"

# mailready spf: check_host for one address.
mr_run spf --ip 88.198.20.9 --sender joe@spf-clean.test --json \
    --resolver "$RESOLVER" --timeout 2
cp "$T/out" "$T/out.json"
expect_rc 0 "spf: pass exits 0"
expect_json "j['result'] == 'pass' and j['lookups'] == 2 and j['void_lookups'] == 0" \
    "spf: pass through the include, after mx: 2 lookups"
expect_json "j['mechanism'] == 'include:_spf.spf-provider.test' and j['mechanism_domain'] == 'spf-clean.test'" \
    "spf: the deciding term"
mr_run spf --ip 88.198.99.9 --sender joe@_spf.spf-provider.test --json \
    --resolver "$RESOLVER"
cp "$T/out" "$T/out.json"
expect_rc 1 "spf: softfail exits 1"
expect_json "j['result'] == 'softfail' and j['mechanism'] == '~all' and j['lookups'] == 0" \
    "spf: softfail by ~all"
mr_run spf --ip 88.198.20.9 --sender joe@spf-provider.test \
    --helo x.example spf-clean.test --json --resolver "$RESOLVER"
cp "$T/out" "$T/out.json"
expect_json "j['domain'] == 'spf-clean.test' and j['sender'] == 'joe@spf-provider.test'" \
    "spf: DOMAIN is the domain evaluated, the sender feeds the macros"
mr_run spf --ip 2a01:4f8:10::10 --sender "" --helo spf-clean.test --json \
    --resolver "$RESOLVER"
cp "$T/out" "$T/out.json"
expect_rc 0 "spf: pass exits 0"
expect_json "j['result'] == 'pass' and j['mechanism'] == 'mx' and j['sender'] == ''" \
    "spf: null sender checks postmaster@HELO"
mr_run spf --ip 88.198.99.99 spf-clean.test --resolver "$RESOLVER"
expect_rc 2 "spf: fail exits 2"
expect_grep 'fail' "$T/out" "spf: text report names the result"
expect_grep 'Deciding term: -all' "$T/out" "spf: text report names the term"
mr_run spf --ip 88.198.99.99 spf-syntax.test --resolver "$RESOLVER"
expect_rc 2 "spf: permerror exits 2"
expect_grep 'ip4:88.198.10.300' "$T/out" "spf: permerror says why"
mr_run spf --ip 88.198.99.99 spf-missing.test --resolver "$RESOLVER"
expect_rc 1 "spf: none exits 1"
mr_run spf --ip 88.198.99.99 spf-dnsfail.test --resolver "$RESOLVER"
expect_rc 3 "spf: temperror exits 3"
mr_run spf --ip 999.1.1.1 spf-clean.test --resolver "$RESOLVER"
expect_rc 3 "spf: a bad address exits 3"
mr_run spf spf-clean.test --resolver "$RESOLVER"
expect_rc 3 "spf: --ip is needed"
mr_run spf --ip 88.198.99.99 --resolver "$RESOLVER"
expect_rc 3 "spf: a domain, sender or HELO is needed"

# Speed: ten includes whose answers each take 20 ms (a relay delays every
# answer).  One after the other that is at least 11 x 20 ms; the
# evaluator asks for all includes as soon as it has read the record.
port=$(free_port)
coproc RELAY { exec python3 "$TOP/tests/dnsrelay.py" \
    --listen "127.0.0.1:$port" --upstream "$RESOLVER" --delay-ms 20; }
relay_pid=$RELAY_PID
read -r -t 20 ready <&"${RELAY[0]}"
if [ "${ready:-}" = ready ]; then
    mr_run spf --ip 88.198.99.99 spf-speed.test --json \
        --resolver "127.0.0.1:$port"
    cp "$T/out" "$T/out.json"
    expect_json "j['result'] == 'fail' and j['lookups'] == 10" \
        "speed: all ten includes evaluated"
    echo "# spf-speed.test: 10 includes at 20 ms each: ${MR_MS} ms"
    expect_true "speed: ${MR_MS} ms < 10 x 20 ms" test "$MR_MS" -lt 200
    mr_run check spf-speed.test --json --resolver "127.0.0.1:$port" \
        --server-ip 88.198.99.99
    echo "# check spf-speed.test (all steps) through the relay: ${MR_MS} ms"
else
    mr_fail "speed: relay" "dnsrelay.py did not start"
fi
kill "$relay_pid" 2>/dev/null
wait "$relay_pid" 2>/dev/null
