#!/bin/bash
# t_rfc_dmarc.sh - issue 17, the DMARC rules against NSD
# (tests/zones/rfc-dmarc.test, rfc-rcv.test).
source "$TOP/tests/lib.sh"

D=rfc-dmarc.test
dm='[c for c in j["checks"] if c["step"] == "dmarc"][0]'

# Rule 1 (RFC 9990 §3): an override at another host means no report.
mr_check ov1.$D
expect_ids dmarc "" "override at the same host: fine"
mr_check ov2.$D
expect_ids dmarc "DMARC_RUA_OVERRIDE_FOREIGN" "override at another host"
expect_status dmarc warn "override at another host: warn"
expect_json "any('ov2.rfc-dmarc.test._report._dmarc.diff.rfc-rcv.test. TXT \"v=DMARC1\"' in f['message'] for f in $dm['findings'])" \
    "override: the record to publish instead"
expect_json "any('mailto:b@other.rfc-rcv.test' in f['message'] for f in $dm['findings'])" \
    "override: names the foreign URI"
mr_check ov3.$D
expect_ids dmarc "DMARC_RUA_OVERRIDE_FOREIGN" "ruf override at another host"
mr_check ov4.$D
expect_ids dmarc "" "ruf override does not touch rua"

# Rule 2 (RFC 4592 §2.2.1): the wildcard answers only for names that do
# not exist; the real name is asked, never the wildcard owner.
mr_check wc1.$D
expect_ids dmarc "" "wildcard authorizes"
mr_check wc2.$D
expect_ids dmarc "DMARC_RUA_NOT_AUTHORIZED" "name with other data: no wildcard"
mr_check wc3.$D
expect_ids dmarc "DMARC_RUA_NOT_AUTHORIZED" "empty non-terminal: no wildcard"
mr_check wc4.$D
expect_ids dmarc "" "exact name and wildcard"
mr_check wc5.$D
expect_ids dmarc "DMARC_RUA_NOT_AUTHORIZED" "neither"
mr_check wc6.$D
expect_ids dmarc "DMARC_RUA_NOT_AUTHORIZED" "closer encloser without wildcard"
mr_run check wc2.$D --resolver "$RESOLVER" --json --timeout 2 --trace
expect_true "the wildcard owner is never asked" \
    bash -c "! grep -q '\\*\\._report' '$T/err'"

# Rule 5 (RFC 9989 §3.2.13, §4.10.1): np= for a domain that does not exist.
mr_check gone.np.$D
expect_ids dmarc "DMARC_INHERITED DMARC_NONEXISTENT_DOMAIN" "NXDOMAIN: np"
expect_json "$dm['records'][0]['policy'] == 'reject'" "NXDOMAIN: np=reject applies"
expect_ids mx "DOMAIN_NXDOMAIN" "the MX step says NXDOMAIN"
mr_check here.np.$D
expect_ids dmarc "DMARC_INHERITED" "existing subdomain: sp"
expect_json "$dm['records'][0]['policy'] == 'quarantine'" "existing: sp=quarantine"
mr_check np.$D
expect_json "$dm['records'][0]['policy'] == 'none'" "the org domain: p=none"
mr_check gone.npnone.$D
expect_ids dmarc "DMARC_INHERITED DMARC_NONEXISTENT_DOMAIN DMARC_SUBDOMAIN_POLICY_WEAKER" "NXDOMAIN, no np"
expect_json "$dm['records'][0]['policy'] == 'quarantine'" "no np: sp applies"

# Rule 7 (RFC 9989 §4.5, §4.8): a NUL does not cut the record.
mr_check nul.$D
expect_ids dmarc "DMARC_SYNTAX DMARC_NO_RUA" "NUL in rua: syntax"
expect_json "$dm['records'][0]['policy'] == 'reject'" "NUL: the rest applies"
expect_json "'sp=reject' in $dm['records'][0]['record']" "NUL: whole record shown"
expect_json "'\\\\x00' in $dm['records'][0]['record']" "NUL: shown escaped"
mr_check nul2.$D
expect_ids dmarc "DMARC_SYNTAX" "NUL in p: p=none with usable rua"
expect_json "$dm['records'][0]['policy'] == 'none'" "NUL in p: none"
mr_check nul3.$D
expect_json "$dm['records'][0]['organizational_domain'] == 'rfc-dmarc.test'" \
    "NUL after v=DMARC1: no record there, the parent's applies"
mr_run check nul.$D --resolver "$RESOLVER" --timeout 2
expect_true "no raw control byte on the terminal" \
    bash -c "! LC_ALL=C grep -q -P '[\\x00-\\x08\\x0b-\\x1f\\x7f]' '$T/out'"

# Rule 8 (RFC 3986 §2, RFC 6068 §2): characters a URI cannot hold.
mr_check uri1.$D
expect_ids dmarc "DMARC_RUA_INVALID" "quote in rua"
expect_json "any('mailto:%22agg%22@rfc-dmarc.test' in f['message'] for f in $dm['findings'])" \
    "quote: corrected form"
mr_check uri2.$D
expect_ids dmarc "DMARC_RUA_INVALID" "space in rua"
expect_json "any('mailto:a%20b@rfc-dmarc.test' in f['message'] for f in $dm['findings'])" \
    "space: corrected form"
mr_check uri3.$D
expect_ids dmarc "" "percent-encoded: valid"
mr_check uri4.$D
expect_ids dmarc "DMARC_RUA_INVALID" "space in the host"
expect_json "not any('%20' in f['message'] for f in $dm['findings'])" \
    "host: no corrected form offered"
