#!/bin/bash
# t_rfc_spf.sh - issue 17, the SPF rules against NSD (tests/zones/rfc-spf.test).
source "$TOP/tests/lib.sh"

S=rfc-spf.test

# Rule 4 (RFC 7208 §5.6): ranges shorter than /8 (IPv4) or /16 (IPv6)
# are reported like +all, also through an include that passes.
for c in "r0 SPF_RANGE_ALL fail" "r1 SPF_RANGE_ALL fail" \
         "r7 SPF_RANGE_ALL fail" "r8 - ok" "r9 - ok" \
         "r6a SPF_RANGE_ALL fail" "r6b SPF_RANGE_ALL fail" "r6c - ok" \
         "rneg - ok" "rinc SPF_RANGE_ALL fail" "rinc8 - ok" "rsoft - ok"; do
    set -- $c
    want=$2
    [ "$want" = - ] && want=""
    mr_check $1.$S
    expect_ids spf "$want" "range $1"
    expect_status spf $3 "range $1: $3"
done

# Rule 3 (RFC 7208 §4.6.4): mx with more than 10 MX hosts gives permerror
# for every sender; seen without --server-ip, at the top and below.
for c in "m10 -" "m11 SPF_MX_TOO_MANY_HOSTS" "mi10 -" \
         "mi11 SPF_MX_TOO_MANY_HOSTS" "mr11 SPF_MX_TOO_MANY_HOSTS" \
         "mafter -"; do
    set -- $c
    want=$2
    [ "$want" = - ] && want=""
    mr_check $1.$S
    expect_ids spf "$want" "mx hosts $1"
done
# ... exactly as `mailready spf` says, for a sender the mx would match.
for c in "m11 permerror" "mi11 permerror" "mr11 permerror" "m10 pass" \
         "mi10 pass"; do
    set -- $c
    mr_run spf --ip 81.169.202.1 --sender joe@$1.$S --json \
        --resolver "$RESOLVER" --timeout 2
    expect_true "mailready spf $1: $2" \
        python3 -c "import json,sys; j=json.load(open('$T/out')); sys.exit(0 if j['result'] == '$2' else 1)"
done

# Rule 7 (RFC 7208 §4.6, RFC 6376 §3.6.1): records are byte strings; a NUL
# does not cut them, it is a syntax error shown escaped.
mr_check nul.$S --selector s1
expect_ids spf "SPF_SYNTAX" "NUL in SPF: syntax"
expect_json "'ip4:81.169.202.1\\\\x00x' in finding('spf', 'SPF_SYNTAX')['message']" \
    "NUL in SPF: the whole term, escaped"
expect_ids dkim "DKIM_SYNTAX" "NUL in a DKIM key: syntax"
mr_check nulend.$S
expect_ids spf "SPF_SYNTAX" "NUL after -all: still syntax"
mr_run spf --ip 81.169.202.1 --sender joe@nul.$S --json \
    --resolver "$RESOLVER" --timeout 2
expect_true "mailready spf: permerror, not pass" \
    python3 -c "import json,sys; j=json.load(open('$T/out')); sys.exit(0 if j['result'] == 'permerror' else 1)"
expect_true "mailready spf --json: the deciding term whole, the NUL escaped" \
    python3 -c "import json,sys; j=json.load(open('$T/out')); sys.exit(0 if j['mechanism'] == 'ip4:81.169.202.1\\\\x00x' else 1)"
mr_run spf --ip 81.169.202.1 --sender joe@nul.$S \
    --resolver "$RESOLVER" --timeout 2
expect_grep 'ip4:81\.169\.202\.1\\x00x' "$T/out" \
    "mailready spf: the reason shows the whole term, the NUL escaped"
expect_grep 'Deciding term: ip4:81\.169\.202\.1\\x00x \(in' "$T/out" \
    "mailready spf: the deciding term is not cut at the NUL"
expect_true "mailready spf: no raw control byte on the terminal" \
    bash -c "! LC_ALL=C grep -q -P '[\\x00-\\x08\\x0b-\\x1f\\x7f]' '$T/out'"
mr_run check nul.$S --resolver "$RESOLVER" --timeout 2 --selector s1
expect_true "no raw control byte on the terminal" \
    bash -c "! LC_ALL=C grep -q -P '[\\x00-\\x08\\x0b-\\x1f\\x7f]' '$T/out'"
