#!/bin/bash
# t_state_content.sh - `check --save --since-last` says what changed in
# the records themselves, step by step, in plain words: the MX host, SPF
# terms, DKIM selectors, the DMARC policy, the PTR name.  The zone is
# written here in two versions and read with --zone-file.
set -u
. "$TOP/tests/lib.sh"

D=state-content.test
S=$T/state
Z=$T/zones
mkdir -p "$Z"
KEY=$(sed -n 's/^default\._domainkey TXT //p' \
      "$TOP/tests/zones/dkim-multiple.test.zone")

not_grep() {
    ! grep -E -q "$1" "$2"
}

# Version 1: MX mail, SPF mx -all, keys at s1 and s2, DMARC p=none with
# reports, the PTR of 45.67.89.25 names mail.
zone_v1() {
    cat > "$Z/d.zone" <<EOF
\$ORIGIN $D.
\$TTL 300
@ SOA ns.$D. h.$D. $1 7200 3600 1209600 300
@ NS ns.$D.
ns A 45.67.89.2
@ MX 10 mail.$D.
mail A 45.67.89.25
mx2 A 45.67.89.25
@ TXT "v=spf1 mx -all"
s1._domainkey TXT $KEY
s2._domainkey TXT $KEY
_dmarc TXT "v=DMARC1; p=none; rua=mailto:dmarc@$D"
EOF
    cat > "$Z/rev.zone" <<EOF
\$ORIGIN 89.67.45.in-addr.arpa.
\$TTL 300
@ SOA ns.$D. h.$D. $1 7200 3600 1209600 300
@ NS ns.$D.
25 PTR mail.$D.
EOF
}
# Version 2: every step changes its records.
zone_v2() {
    zone_v1 "$1"
    sed -i -e "s/^@ MX 10 mail\\.$D\\./@ MX 10 mx2.$D./" \
        -e 's/^@ TXT "v=spf1 mx -all"/@ TXT "v=spf1 mx ip4:81.7.12.99 -all"/' \
        -e '/^s1\._domainkey/d' \
        -e 's/p=none; rua/p=quarantine; rua/' "$Z/d.zone"
    sed -i "s/^25 PTR mail\\.$D\\./25 PTR mx2.$D./" "$Z/rev.zone"
}

ARGS=(--zone-file "$Z/d.zone" --zone-file "$Z/rev.zone" --no-network
      --selector s1 --selector s2 --state-dir "$S" --lang en)

zone_v1 1
mr_run check "$D" "${ARGS[@]}" --save
expect_true "v1 saved" test -s "$S/$D.json"

sleep 1
zone_v2 2
PLAIN_RC=0
"$MAILREADY" check "$D" "${ARGS[@]}" > /dev/null 2>&1 || PLAIN_RC=$?
mr_run check "$D" "${ARGS[@]}" --save --since-last
expect_rc "$PLAIN_RC" "v2: exit status of check"
joined_out
expect_grep '^    The MX now points to mx2\.state-content\.test instead of mail\.state-content\.test\.$' \
    "$T/out.joined" "MX: the new host instead of the old one"
expect_grep '^    SPF gained ip4:81\.7\.12\.99\.$' "$T/out" \
    "SPF: the term gained"
expect_grep '^    DKIM selector s1 was removed\.$' "$T/out" \
    "DKIM: the selector removed"
expect_grep '^    The DMARC policy went from none to quarantine\.$' "$T/out" \
    "DMARC: the policy change"
joined_out
expect_grep '^    The PTR record of 45\.67\.89\.25 now names mx2\.state-content\.test instead of mail\.state-content\.test\.$' \
    "$T/out.joined" "PTR: the new name instead of the old one"
expect_grep 'Allowed senders \(SPF\): OK (→|->) OK \(records changed\)$' \
    "$T/out" "SPF: same status, records changed"
expect_grep 'Signatures \(DKIM\): OK (→|->) problems found \(newly broken\)$' \
    "$T/out" "DKIM: newly broken (s1 is gone)"
expect_true "no bare finding id in the text" \
    not_grep '[A-Z][A-Z0-9]*_[A-Z0-9_]{3,}' "$T/out"

# The same in JSON: ids and arguments, for programs.
zone_v1 3
mr_run check "$D" "${ARGS[@]}" --since-last --json
cp "$T/out" "$T/out.json"
expect_json '[r["id"] for c in j["changes"] for r in c["records"]] == [
    "CHANGE_MX_REPLACED", "CHANGE_SPF_LOST", "CHANGE_DKIM_ADDED",
    "CHANGE_DMARC_POLICY", "CHANGE_PTR_NAME"]' \
    "JSON: the record changes back to v1, one per step"
expect_json '[r["args"] for c in j["changes"] for r in c["records"]
    if r["id"] == "CHANGE_DMARC_POLICY"] == [["quarantine", "none"]]' \
    "JSON: the DMARC policy change, arguments old and new"

# Nothing changed: nothing said.
zone_v2 4
mr_run check "$D" "${ARGS[@]}" --save --since-last
expect_true "v2 again: no output" test ! -s "$T/out"

# The records from DNS are shown visible-safe, never raw.
sed -i 's/^@ TXT "v=spf1 mx ip4:81.7.12.99 -all"/@ TXT "v=spf1 mx ip4:81.7.12.99 \\027[2J -all"/' \
    "$Z/d.zone"
mr_run check "$D" "${ARGS[@]}" --since-last
joined_out
expect_grep '^    The SPF record changed into one that cannot be used \(see below\); it was: v=spf1 mx ip4:81\.7\.12\.99 -all$' \
    "$T/out.joined" "an SPF record that cannot be read is not said to be gone"
joined_out
expect_grep '^    new: .* in the term \\x1B\[2J ' "$T/out.joined" \
    "a control character from DNS is shown escaped"
expect_true "no control character reaches the terminal" \
    not_grep $'\x1b' "$T/out"
