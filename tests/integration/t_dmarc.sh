#!/bin/bash
# t_dmarc.sh - the DMARC step (RFC 9989) against the fixture zones
# (tests/zones/dmarc-*, audit-*).
source "$TOP/tests/lib.sh"

mr_check audit-clean.test --selector mr2026
expect_ids dmarc "" "clean"
expect_status dmarc ok "clean: ok"

# dmarc-none.test has p=none with reports: on track at its first check
# (journey.h; t_dmarc_journey.sh has the rest of the journey).
for c in "missing DMARC_MISSING fail" "multiple DMARC_MULTIPLE fail" \
         "syntax DMARC_SYNTAX fail" "badtag DMARC_SYNTAX warn" \
         "none DMARC_MONITORING ok" \
         "sp DMARC_SUBDOMAIN_POLICY_WEAKER warn" \
         "norua DMARC_NO_RUA warn" "badrua DMARC_RUA_INVALID warn" \
         "removed DMARC_REMOVED_TAG warn" "unknown DMARC_UNKNOWN_TAG ok" \
         "testing DMARC_TESTING warn" \
         "noauth DMARC_RUA_NOT_AUTHORIZED warn" \
         "woauth DMARC_WITHOUT_AUTH warn"; do
    set -- $c
    mr_check dmarc-$1.test
    expect_ids dmarc "$2" "dmarc-$1"
    expect_status dmarc $3 "dmarc-$1: $3"
done

# The exact record the outside destination must publish.
mr_check dmarc-noauth.test
expect_json 'any("dmarc-noauth.test._report._dmarc.reports.dmarc-rcv.test. TXT \"v=DMARC1\"" in f["message"] for f in [c for c in j["checks"] if c["step"] == "dmarc"][0]["findings"])' \
    "noauth: record to publish"
# Authorized by name, and by the wildcard *._report._dmarc.DEST.
mr_check dmarc-extrua.test
expect_ids dmarc "" "external rua authorized"
mr_check dmarc-extwild.test
expect_ids dmarc "" "external rua authorized by wildcard"

# Inherited from the organizational domain.
mr_check sub.dmarc-inherit.test
expect_ids dmarc "DMARC_INHERITED" "subdomain inherits"
expect_status dmarc ok "subdomain: ok"
mr_check dmarc-inherit.test
expect_ids dmarc "" "the org domain itself"

# Tree walk: 11 labels go straight to 7 (the record at the 10-label name is
# never asked), the record with the fewest labels is the org domain, and
# its p=reject applies, not the p=none of g.h.i.dmarc-deep.test.
mr_check a.b.c.d.e.f.g.h.i.dmarc-deep.test
expect_ids dmarc "DMARC_INHERITED" "deep walk"
expect_json '[c for c in j["checks"] if c["step"] == "dmarc"][0]["records"][0]["policy"] == "reject"' \
    "deep walk: reject applies"
expect_json '[c for c in j["checks"] if c["step"] == "dmarc"][0]["records"][0]["organizational_domain"] == "dmarc-deep.test"' \
    "deep walk: org domain"
mr_run check a.b.c.d.e.f.g.h.i.dmarc-deep.test --resolver "$RESOLVER" \
    --json --timeout 2 --trace
expect_grep '_dmarc\.e\.f\.g\.h\.i\.dmarc-deep\.test' "$T/err" \
    "deep walk: asks the seven-label name"
expect_true "deep walk: never asks the names it skips" \
    bash -c "! grep -E -q '_dmarc\\.[bcd]\\.[a-i.]*dmarc-deep\\.test' '$T/err'"
# psd=n stops the walk and makes that name the org domain.
mr_check x.psdn.dmarc-deep.test
expect_ids dmarc "DMARC_INHERITED" "psd=n"
expect_json '[c for c in j["checks"] if c["step"] == "dmarc"][0]["records"][0]["organizational_domain"] == "psdn.dmarc-deep.test"' \
    "psd=n: org domain"

# Parked domain: null MX, v=spf1 -all, p=reject: every step ok.
mr_check audit-parked.test
expect_status dmarc ok "parked: dmarc ok"
