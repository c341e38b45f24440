#!/bin/bash
# t_rfc_ptr.sh - issue 17, rule 6: MX host addresses that are not globally
# reachable are not asked for PTR (tests/zones/mx-private.test).
source "$TOP/tests/lib.sh"

ptr='[c for c in j["checks"] if c["step"] == "ptr"][0]'
for sub in rfc1918-10 rfc1918-172 rfc1918-192 loopback loopback6 doc4 \
           doc6 shared ula linklocal linklocal6 both; do
    mr_check $sub.mx-private.test
    expect_ids ptr "PTR_NOT_GLOBAL" "$sub: no PTR asked"
    expect_status ptr ok "$sub: ptr ok"
    expect_json "not any('ISP' in f['message'] or 'provider' in f['message'] for f in $ptr['findings'])" \
        "$sub: no ask-your-provider text"
done
# A public and a private address on one MX host: only the public one.
mr_check mixed.mx-private.test
expect_json "'192.168.0.25' not in str($ptr) and '25.0.168.192' not in str($ptr)" \
    "mixed: the private address is not checked"
expect_json "'177.69.2.81.in-addr.arpa' in str($ptr['records'])" \
    "mixed: the public one is"
mr_run check mixed.mx-private.test --resolver "$RESOLVER" --timeout 2 \
    --trace --json
expect_true "mixed: no PTR query for the private address" \
    bash -c "! grep -q '25\\.0\\.168\\.192\\.in-addr\\.arpa' '$T/err'"
# --server-ip with a private address: checked, the admin asked for it.
mr_check rfc1918-10.mx-private.test --server-ip 10.20.30.40
expect_json "'40.30.20.10.in-addr.arpa' in str($ptr) and 'PTR_NOT_GLOBAL' not in str($ptr)" \
    "--server-ip private: still checked"
