#!/bin/bash
# t_rfc_host.sh - issue 17, rule 9 (RFC 5890/5891): options that take a
# host name accept a U-label, as the domain argument does, and show both
# forms (tests/zones/ptr-mismatch.test, mx-private.test).
source "$TOP/tests/lib.sh"

ptr='[c for c in j["checks"] if c["step"] == "ptr"][0]'
U='mäil.bücher.test'
A='xn--mil-qla.xn--bcher-kva.test'

# check --hostname: a U-label, compared and shown in both forms.
mr_check ptr-mismatch.test --server-ip 81.169.201.64 --hostname "$U"
expect_rc 1 "check --hostname U-label: accepted (a warning, exit 1)"
expect_ids ptr "PTR_HOSTNAME_MISMATCH" "U-label: compared as its A-label"
expect_json "any('$U ($A)' in f['message'] for f in $ptr['findings'])" \
    "U-label: both forms shown"
# The same name given as its A-label: the same verdict and text.
mr_check ptr-mismatch.test --server-ip 81.169.201.64 --hostname "$A"
expect_ids ptr "PTR_HOSTNAME_MISMATCH" "A-label: same verdict"
expect_json "any('$U ($A)' in f['message'] for f in $ptr['findings'])" \
    "A-label: both forms shown"
# An ASCII name: one form only, case and trailing dot ignored.
mr_check ptr-mismatch.test --server-ip 81.169.201.64 \
    --hostname MX.PTR-mismatch.test.
expect_ids ptr "PTR_HOSTNAME_MISMATCH" "ASCII: compared"
expect_json "not any('(' in f['message'] for f in $ptr['findings'] if f['id'] == 'PTR_HOSTNAME_MISMATCH')" \
    "ASCII: no second form"
# A PTR record to ask for names the A-label.
mr_check rfc1918-10.mx-private.test --server-ip 81.2.69.177 --hostname "$U"
expect_json "any('PTR $A.' in f['message'] for f in $ptr['findings'])" \
    "PTR request: the A-label"
# Not a host name: refused, exit 3.
mr_run check ptr-mismatch.test --resolver "$RESOLVER" --hostname 'a b.test'
expect_rc 3 "bad host name: exit 3"
expect_grep "not a valid host name" "$T/err" "bad host name: said"

# records --mx-host and --hostname: the A-label in the records, both
# forms said.
mr_run records bücher.test --mx-host "$U" --no-network
expect_rc 0 "records --mx-host U-label"
expect_grep "IN MX 10 $A\\.$" "$T/out" "records: MX names the A-label"
expect_grep "$U is written $A" "$T/out" "records: both forms"
mr_run records bücher.test --send-only --hostname "$U" --ip 81.2.69.177 \
    --no-network --format text
expect_rc 0 "records --hostname U-label"
expect_grep "$U is written $A" "$T/out" "records --hostname: both forms"
mr_run records bücher.test --send-only --hostname "$U" --mx-host "$U" \
    --ip 81.2.69.177 --no-network --format json
cp "$T/out" "$T/out.json"
expect_json "(j['hostname'] == {'name': '$A', 'unicode': '$U'} and
    j['mx_host'] == {'name': '$A', 'unicode': '$U'})" \
    "records --format json: both forms of --hostname and --mx-host"
