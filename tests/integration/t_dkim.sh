#!/bin/bash
# t_dkim.sh - the DKIM step against the fixture zones (tests/zones/dkim-*,
# audit-*).  Keys: see tests/data/audit/gen-fixtures.py.
source "$TOP/tests/lib.sh"

# Clean: the key at the selector given; with the matching private key.
mr_check audit-clean.test --selector mr2026
expect_ids dkim "" "clean: key ok"
expect_status dkim ok "clean: dkim ok"
expect_json 'any("RSA 2048 bits" in r["display"] for r in [c for c in j["checks"] if c["step"] == "dkim"][0]["records"])' \
    "clean: key size shown"
mr_check audit-clean.test --selector mr2026 \
    --dkim-key "$TOP/tests/data/audit/clean-dkim.pem"
expect_ids dkim "DKIM_KEY_MATCHES" "clean: private key matches"
expect_status dkim ok "clean: match is ok"
mr_check audit-clean.test --selector mr2026 \
    --dkim-key "$TOP/tests/data/audit/other-dkim.pem"
expect_ids dkim "DKIM_KEY_MISMATCH" "clean: other private key"
expect_status dkim fail "clean: mismatch fails"
mr_check audit-clean.test --selector mr2026 --dkim-key "$T/nonexistent.pem"
expect_ids dkim "DKIM_KEY_FILE" "unreadable key file"

# Discovery: no --selector, the key at "default" is found.
mr_check dkim-multiple.test
expect_ids dkim "" "discovery finds default"
expect_json 'any(r.get("selector") == "default" for r in [c for c in j["checks"] if c["step"] == "dkim"][0]["records"])' \
    "discovery says which selector"

# CNAME-delegated key (Microsoft 365 style), given and discovered.
mr_check dkim-cname.test --selector selector1
expect_ids dkim "" "cname: key followed"
expect_json '[c for c in j["checks"] if c["step"] == "dkim"][0]["records"][0].get("cname","").startswith("selector1-dkim-cname-test._domainkey.dkim-provider.test")' \
    "cname: target shown"
mr_check dkim-cname.test
expect_json 'any(r.get("selector") == "selector1" for r in [c for c in j["checks"] if c["step"] == "dkim"][0]["records"])' \
    "cname: discovered"

# Keys cut at 255 characters: the message says so.
for s in cut cutp; do
    mr_check dkim-truncated.test --selector $s
    expect_ids dkim "DKIM_KEY_INVALID" "truncated $s"
    expect_status dkim fail "truncated $s fails"
    expect_json 'any("255" in f["message"] for f in [c for c in j["checks"] if c["step"] == "dkim"][0]["findings"])' \
        "truncated $s: says 255"
done
mr_check dkim-truncated.test --selector short
expect_ids dkim "DKIM_KEY_INVALID" "cut short elsewhere"
expect_json 'not any("255" in f["message"] for f in [c for c in j["checks"] if c["step"] == "dkim"][0]["findings"])' \
    "cut short elsewhere: no 255 claim"
mr_check dkim-truncated.test --selector b64
expect_ids dkim "DKIM_KEY_INVALID" "bad base64"
mr_check dkim-truncated.test --selector ed
expect_ids dkim "" "Ed25519 raw key ok"

mr_check dkim-revoked.test --selector old
expect_ids dkim "DKIM_KEY_REVOKED" "revoked"
mr_check dkim-weak.test --selector w1024
expect_ids dkim "DKIM_KEY_WEAK" "1024 bits"
expect_status dkim warn "1024 bits warns"
mr_check dkim-weak.test --selector w512
expect_ids dkim "DKIM_KEY_WEAK" "512 bits"
expect_status dkim fail "512 bits fails"
mr_check dkim-testing.test --selector t
expect_ids dkim "DKIM_TESTING" "t=y"
mr_check dkim-multiple.test --selector m
expect_ids dkim "DKIM_MULTIPLE_RECORDS" "two records"
mr_check dkim-syntax.test --selector dup
expect_ids dkim "DKIM_SYNTAX" "repeated tag"
mr_check dkim-syntax.test --selector ver
expect_ids dkim "DKIM_SYNTAX" "v= not first"
mr_check dkim-sha1.test --selector h
expect_ids dkim "DKIM_HASH_SHA1" "h=sha1"

# Nothing found.
mr_check dkim-none.test
expect_ids dkim "DKIM_NO_SELECTOR" "no key at any well-known selector"
expect_status dkim warn "no selector warns"
mr_check dkim-none.test --selector nothere
expect_ids dkim "DKIM_KEY_MISSING" "no key at the selector given"
expect_status dkim fail "missing key fails"

# A domain that sends no mail needs no key.
mr_check audit-parked.test
expect_ids dkim "DKIM_NOT_NEEDED" "parked"
expect_status dkim ok "parked: ok"

# A selector that is a CNAME to a name without TXT (a wildcard CNAME zone;
# a Microsoft 365 style CNAME before the provider publishes the key): this
# crashed the step once (issue 19).  The key is missing, nothing else.
for z in dkim-wild dkim-pending; do
    mr_check $z.test
    expect_rc 1 "$z: discovery ends (no crash)"
    expect_ids dkim "DKIM_NO_SELECTOR" "$z: no key found by discovery"
    for s in selector1 selector2; do
        mr_check $z.test --selector $s
        expect_rc 2 "$z $s: ends (no crash)"
        expect_ids dkim "DKIM_KEY_MISSING" "$z $s: key missing"
        expect_status dkim fail "$z $s: missing key fails"
    done
done
mr_run export dkim-wild.test --resolver "$RESOLVER" --timeout 2 --format txt
expect_rc 0 "dkim-wild: export ends (no crash)"
expect_grep "dkim-wild.test" "$T/out" "dkim-wild: export written"
