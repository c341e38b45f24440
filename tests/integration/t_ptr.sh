#!/bin/bash
# t_ptr.sh - the PTR step against the fixture zones (tests/zones/ptr-*,
# audit-*, and the reverse zones 201.169.81.in-addr.arpa and
# 0.0.2.4.8.3.2.0.1.0.a.2.ip6.arpa).
source "$TOP/tests/lib.sh"

# IPv4 and IPv6 MX addresses with matching, forward-confirmed PTRs.
mr_check audit-clean.test --selector mr2026
expect_ids ptr "" "clean"
expect_status ptr ok "clean: ok"
expect_json 'len([c for c in j["checks"] if c["step"] == "ptr"][0]["records"]) == 2' "clean: v4 and v6"
expect_rc 0 "clean: exit 0"
expect_status all ok "clean: every step ok"

mr_check ptr-missing.test
expect_ids ptr "PTR_MISSING" "missing (v4 and v6)"
expect_status ptr fail "missing fails"
expect_json 'sum(f["id"] == "PTR_MISSING" for f in [c for c in j["checks"] if c["step"] == "ptr"][0]["findings"]) == 2' \
    "missing: both addresses"
expect_json 'any("noc@rev-hoster.test" in f["message"] and "60.201.169.81.in-addr.arpa. PTR mx.ptr-missing.test." in f["message"] for f in [c for c in j["checks"] if c["step"] == "ptr"][0]["findings"])' \
    "missing: who sets it and what to ask for"
mr_check ptr-unconfirmed.test --server-ip 81.169.201.61
expect_ids ptr "PTR_NOT_CONFIRMED" "not forward-confirmed"
mr_check ptr-unconfirmed.test
expect_ids ptr "" "its MX address is fine"
mr_check ptr-multiple.test
expect_ids ptr "PTR_MULTIPLE" "two PTRs"
mr_check ptr-generic.test
expect_ids ptr "PTR_GENERIC" "generic name"
mr_check ptr-mismatch.test
expect_ids ptr "PTR_HOSTNAME_MISMATCH" "names another host"
mr_check ptr-mismatch.test --server-ip 81.169.201.64 \
    --hostname mail.ptr-mismatch.test
expect_ids ptr "" "--hostname matches"
mr_check ptr-mismatch.test --server-ip 81.169.201.99
expect_ids ptr "PTR_MISSING" "--server-ip without PTR"
mr_check ptr-noip.test
expect_ids ptr "PTR_NO_SERVER_IP" "no MX, no --server-ip"
expect_status ptr ok "no address: ok"
mr_check audit-parked.test
expect_ids ptr "PTR_NOT_NEEDED" "parked"
expect_status ptr ok "parked: ok"
expect_rc 0 "parked: exit 0"
expect_status all ok "parked: every step ok"

# RFC 2317 classless delegation: the PTR is a CNAME into another zone.
mr_check ptr-classless.test
expect_ids ptr "" "classless delegation followed"
expect_json 'any("PTR mx.ptr-classless.test -> 81.169.201.70" in r for r in records("ptr"))' \
    "classless: PTR found and confirmed"
