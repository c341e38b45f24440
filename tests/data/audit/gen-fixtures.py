#!/usr/bin/env python3
"""gen-fixtures.py - writes the DKIM, DMARC and PTR fixture zones.

The keys in the zones are made here with the openssl command (RSA with
`openssl genpkey`, Ed25519 too); only the private keys the tests need for
--dkim-key are kept (tests/data/audit/*.pem).  They were made for these
fixtures and are used nowhere else.  Run from the top of the tree:

    python3 tests/data/audit/gen-fixtures.py

Addresses: 81.169.201.0/24 and 2a01:238:4200::/48, ordinary public-looking
ranges (nothing connects to them); their reverse zones are
201.169.81.in-addr.arpa and 0.0.2.4.8.3.2.0.1.0.a.2.ip6.arpa.
"""
import base64
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
ZONES = os.path.join(TOP, "tests", "zones")
DATA = os.path.join(TOP, "tests", "data", "audit")
V4 = "81.169.201."
V6 = "2a01:238:4200::"
REV4 = "201.169.81.in-addr.arpa"
REV6 = "0.0.2.4.8.3.2.0.1.0.a.2.ip6.arpa"


def openssl(*args, data=None):
    return subprocess.run(("openssl",) + args, input=data, check=True,
                          capture_output=True).stdout


def rsa(bits, keep=None):
    """Base64 SubjectPublicKeyInfo of a new RSA key; keep: .pem to save."""
    pem = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt",
                  "rsa_keygen_bits:%d" % bits)
    if keep:
        with open(os.path.join(DATA, keep), "wb") as f:
            f.write(pem)
    der = openssl("pkey", "-pubout", "-outform", "DER", data=pem)
    return base64.b64encode(der).decode()


def ed25519():
    pem = openssl("genpkey", "-algorithm", "ED25519")
    der = openssl("pkey", "-pubout", "-outform", "DER", data=pem)
    return base64.b64encode(der[-32:]).decode()


def txt(s, size=255):
    """A TXT RDATA split into strings of at most size bytes."""
    parts = [s[i:i + size] for i in range(0, len(s), size)] or [""]
    return " ".join('"%s"' % p for p in parts)


def zone(apex, body, note):
    head = ("; %s\n; Written by tests/data/audit/gen-fixtures.py.\n"
            "$ORIGIN %s.\n$TTL 300\n"
            "@ SOA ns1.%s. hostmaster.%s. 1 7200 3600 1209600 300\n"
            "@ NS ns1.%s.\nns1 A 81.169.201.2\n" % (note, apex, apex, apex,
                                                    apex))
    with open(os.path.join(ZONES, apex + ".zone"), "w") as f:
        f.write(head + body)


def mail_base(apex, n, spf="v=spf1 mx -all", key=None, dmarc=True):
    """MX host with a v4 and v6 address ending in n, SPF, a DKIM key at
    the selector default (so DMARC sees a key), PTRs added to rev."""
    rev4[n] = "mx.%s" % apex
    rev6[n] = "mx.%s" % apex
    body = ("@ MX 10 mx\nmx A %s%d\nmx AAAA %s%x\n" % (V4, n, V6, n))
    if spf:
        body += "@ TXT %s\n" % txt(spf)
    body += "default._domainkey TXT %s\n" % txt("v=DKIM1; k=rsa; p=" +
                                                (key or shared))
    if dmarc:
        body += ("_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@%s\"\n"
                 % apex)
    return body


os.makedirs(DATA, exist_ok=True)
rev4 = {}
rev6 = {}
shared = rsa(2048)

# --- the clean domain and the parked one -------------------------------
clean = rsa(2048, keep="clean-dkim.pem")
rsa(2048, keep="other-dkim.pem")
rev4[10] = rev6[0x10] = "mx.audit-clean.test"
zone("audit-clean.test",
     "@ MX 10 mx\nmx A %s10\nmx AAAA %s10\n"
     "@ TXT \"v=spf1 mx -all\"\n"
     "mr2026._domainkey TXT %s\n"
     "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@audit-clean.test\"\n"
     % (V4, V6, txt("v=DKIM1; k=rsa; p=" + clean)),
     "Clean: every step ok with --selector mr2026 (exit 0).")
zone("audit-parked.test",
     "@ MX 0 .\n@ TXT \"v=spf1 -all\"\n_dmarc TXT \"v=DMARC1; p=reject\"\n",
     "Parked: null MX, v=spf1 -all, DMARC p=reject: every step ok.")

# --- DKIM ---------------------------------------------------------------
zone("dkim-cname.test",
     mail_base("dkim-cname.test", 30)
     + "selector1._domainkey CNAME "
       "selector1-dkim-cname-test._domainkey.dkim-provider.test.\n",
     "DKIM key delegated by CNAME to another zone (Microsoft 365 style).")
zone("dkim-provider.test",
     "selector1-dkim-cname-test._domainkey TXT %s\n"
     % txt("v=DKIM1; k=rsa; p=" + rsa(2048)),
     "The provider side of dkim-cname.test.")
cut = rsa(2048)
rec = "v=DKIM1; k=rsa; p=" + cut
zone("dkim-truncated.test",
     mail_base("dkim-truncated.test", 31) +
     "cut._domainkey TXT \"%s\"\n" % rec[:255] +
     "cutp._domainkey TXT %s\n" % txt("v=DKIM1; k=rsa; p=" + cut[:255]) +
     "short._domainkey TXT \"v=DKIM1; k=rsa; p=%s\"\n" % cut[:200] +
     "b64._domainkey TXT \"v=DKIM1; k=rsa; p=MIIB$$not*base64\"\n" +
     "ed._domainkey TXT \"v=DKIM1; k=ed25519; p=%s\"\n" % ed25519(),
     "Keys cut at 255 characters (whole record, and p= alone), cut short "
     "elsewhere, bad base64; ed is a good Ed25519 key.")
zone("dkim-revoked.test",
     mail_base("dkim-revoked.test", 32) +
     "old._domainkey TXT \"v=DKIM1; k=rsa; p=\"\n",
     "A revoked key (empty p=).")
zone("dkim-weak.test",
     mail_base("dkim-weak.test", 33) +
     "w1024._domainkey TXT %s\n" % txt("v=DKIM1; k=rsa; p=" + rsa(1024)) +
     "w512._domainkey TXT %s\n" % txt("v=DKIM1; k=rsa; p=" + rsa(512)),
     "RSA keys of 1024 (warn) and 512 bits (fail).")
zone("dkim-testing.test",
     mail_base("dkim-testing.test", 34) +
     "t._domainkey TXT %s\n" % txt("v=DKIM1; t=y; k=rsa; p=" + shared),
     "A key in testing mode (t=y).")
zone("dkim-multiple.test",
     mail_base("dkim-multiple.test", 35) +
     "m._domainkey TXT %s\n" % txt("v=DKIM1; k=rsa; p=" + shared) +
     "m._domainkey TXT %s\n" % txt("v=DKIM1; k=rsa; p=" + rsa(2048)),
     "Two key records at one selector.")
zone("dkim-syntax.test",
     mail_base("dkim-syntax.test", 36) +
     "dup._domainkey TXT %s\n" % txt("v=DKIM1; k=rsa; k=rsa; p=" + shared) +
     "ver._domainkey TXT %s\n" % txt("k=rsa; v=DKIM1; p=" + shared),
     "Key records with a repeated tag and with v= not first.")
zone("dkim-sha1.test",
     mail_base("dkim-sha1.test", 37) +
     "h._domainkey TXT %s\n" % txt("v=DKIM1; h=sha1; k=rsa; p=" + shared),
     "A key that allows only SHA-1 (h=sha1).")
zone("dkim-none.test",
     "@ MX 10 mx\nmx A %s38\nmx AAAA %s38\n@ TXT \"v=spf1 mx -all\"\n"
     "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@dkim-none.test\"\n"
     % (V4, V6),
     "No DKIM key at any selector.")
rev4[38] = rev6[0x38] = "mx.dkim-none.test"

# --- DMARC --------------------------------------------------------------
RUA = "rua=mailto:dmarc@%s"


def dmarc_zone(apex, n, records, note, extra=""):
    body = mail_base(apex, n, dmarc=False)
    for name, value in records:
        body += "%s TXT %s\n" % (name, txt(value))
    zone(apex, body + extra, note)


dmarc_zone("dmarc-missing.test", 40, [], "No DMARC record anywhere.")
dmarc_zone("dmarc-multiple.test", 41,
           [("_dmarc", "v=DMARC1; p=reject; " + RUA % "dmarc-multiple.test"),
            ("_dmarc", "v=DMARC1; p=none; " + RUA % "dmarc-multiple.test")],
           "Two DMARC records at one name.")
dmarc_zone("dmarc-syntax.test", 42,
           [("_dmarc", "p=reject; v=DMARC1; " + RUA % "dmarc-syntax.test")],
           "v=DMARC1 not first: receivers ignore the record.")
dmarc_zone("dmarc-badtag.test", 57,
           [("_dmarc", "v=DMARC1; p=reject; adkim=x; " +
             RUA % "dmarc-badtag.test")],
           "A tag with an invalid value (adkim=x).")
dmarc_zone("dmarc-none.test", 43,
           [("_dmarc", "v=DMARC1; p=none; " + RUA % "dmarc-none.test")],
           "Monitoring only (p=none).")
dmarc_zone("dmarc-sp.test", 44,
           [("_dmarc", "v=DMARC1; p=reject; sp=none; " + RUA %
             "dmarc-sp.test")],
           "Subdomain policy weaker than p.")
dmarc_zone("dmarc-norua.test", 45, [("_dmarc", "v=DMARC1; p=reject")],
           "No rua.")
dmarc_zone("dmarc-badrua.test", 46,
           [("_dmarc", "v=DMARC1; p=reject; rua=dmarc@dmarc-badrua.test")],
           "rua without mailto:.")
dmarc_zone("dmarc-removed.test", 47,
           [("_dmarc", "v=DMARC1; p=reject; pct=50; " + RUA %
             "dmarc-removed.test")],
           "pct=50, a tag RFC 9989 removed.")
dmarc_zone("dmarc-unknown.test", 48,
           [("_dmarc", "v=DMARC1; p=reject; foo=bar; " + RUA %
             "dmarc-unknown.test")],
           "An unknown tag.")
dmarc_zone("dmarc-testing.test", 49,
           [("_dmarc", "v=DMARC1; p=reject; t=y; " + RUA %
             "dmarc-testing.test")],
           "Testing mode (t=y).")
dmarc_zone("dmarc-inherit.test", 50,
           [("_dmarc", "v=DMARC1; p=reject; " + RUA % "dmarc-inherit.test")],
           "sub.dmarc-inherit.test has no record: it inherits this one.",
           extra="sub A %s50\nsub MX 10 mx\n"
                 "sub TXT \"v=spf1 mx -all\"\n"
                 "default._domainkey.sub TXT %s\n"
                 % (V4, txt("v=DKIM1; k=rsa; p=" + shared)))
deep = "a.b.c.d.e.f.g.h.i"
dmarc_zone("dmarc-deep.test", 51,
           [("_dmarc", "v=DMARC1; p=reject; " + RUA % "dmarc-deep.test"),
            # Never queried: the walk jumps from 11 labels to 7.
            ("_dmarc.b.c.d.e.f.g.h.i", "v=DMARC1; p=none; " +
             RUA % "dmarc-deep.test"),
            # Queried, but has more labels than dmarc-deep.test.
            ("_dmarc.g.h.i", "v=DMARC1; p=none; " + RUA % "dmarc-deep.test"),
            ("_dmarc.psdn", "v=DMARC1; p=quarantine; psd=n; " +
             RUA % "psdn.dmarc-deep.test")],
           "Tree walk: a.b.c.d.e.f.g.h.i.dmarc-deep.test (11 labels) skips "
           "to 7 labels and takes the record with fewest labels; "
           "x.psdn.dmarc-deep.test stops at psd=n.",
           extra="%s MX 10 mx\n%s TXT \"v=spf1 mx -all\"\n"
                 "default._domainkey.%s TXT %s\n"
                 "x.psdn MX 10 mx\nx.psdn TXT \"v=spf1 mx -all\"\n"
                 "default._domainkey.x.psdn TXT %s\n"
                 % (deep, deep, deep, txt("v=DKIM1; k=rsa; p=" + shared),
                    txt("v=DKIM1; k=rsa; p=" + shared)))
dmarc_zone("dmarc-extrua.test", 52,
           [("_dmarc", "v=DMARC1; p=reject; "
             "rua=mailto:agg@reports.dmarc-rcv.test")],
           "External rua, authorized by the destination.")
dmarc_zone("dmarc-extwild.test", 53,
           [("_dmarc", "v=DMARC1; p=reject; "
             "rua=mailto:agg@wild.dmarc-rcv.test")],
           "External rua, authorized by the destination's wildcard.")
dmarc_zone("dmarc-noauth.test", 54,
           [("_dmarc", "v=DMARC1; p=reject; "
             "rua=mailto:agg@reports.dmarc-rcv.test")],
           "External rua that the destination has not authorized.")
zone("dmarc-rcv.test",
     "reports MX 10 mx\nwild MX 10 mx\nmx A %s55\n"
     "dmarc-extrua.test._report._dmarc.reports TXT \"v=DMARC1\"\n"
     "*._report._dmarc.wild TXT \"v=DMARC1\"\n" % V4,
     "A report service: authorizes dmarc-extrua.test by name and anyone "
     "at wild.dmarc-rcv.test by wildcard.")
zone("dmarc-woauth.test",
     "@ MX 10 mx\nmx A %s56\nmx AAAA %s56\n"
     "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@dmarc-woauth.test\"\n"
     % (V4, V6),
     "DMARC without SPF and without any DKIM key.")
rev4[56] = rev6[0x56] = "mx.dmarc-woauth.test"

# --- PTR ----------------------------------------------------------------
def ptr_zone(apex, n, note, mx="mx", extra=""):
    zone(apex, "@ MX 10 %s\n%s A %s%d\n@ TXT \"v=spf1 mx -all\"\n"
         "default._domainkey TXT %s\n"
         "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@%s\"\n%s"
         % (mx, mx, V4, n, txt("v=DKIM1; k=rsa; p=" + shared), apex, extra),
         note)


ptr_zone("ptr-missing.test", 60, "No PTR for the MX address (IPv4 and IPv6).",
         extra="mx AAAA %s60\n" % V6)
ptr_zone("ptr-unconfirmed.test", 66, "--server-ip 81.169.201.61: its PTR "
         "name does not resolve back.  The MX address (.66) is fine.")
rev4[66] = "mx.ptr-unconfirmed.test"
rev4[61] = "elsewhere.ptr-unconfirmed.test"
ptr_zone("ptr-multiple.test", 62, "Two PTR records for one address.",
         extra="other A %s62\n" % V4)
rev4[62] = ["mx.ptr-multiple.test", "other.ptr-multiple.test"]
ptr_zone("ptr-generic.test", 63, "A generic, address-derived PTR name.",
         mx="81-169-201-63.dyn")
rev4[63] = "81-169-201-63.dyn.ptr-generic.test"
ptr_zone("ptr-mismatch.test", 64, "The PTR names another host.",
         extra="mail A %s64\n" % V4)
rev4[64] = "mail.ptr-mismatch.test"
zone("ptr-noip.test",
     "@ TXT \"v=spf1 a -all\"\n@ A %s65\n"
     "default._domainkey TXT %s\n"
     "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@ptr-noip.test\"\n"
     % (V4, txt("v=DKIM1; k=rsa; p=" + shared)),
     "No MX at all: no mail server address to check.")
rev4[65] = "ptr-noip.test"
rev4[70] = "(classless)"

ptr_zone("ptr-classless.test", 70, "RFC 2317 classless delegation: the "
         "PTR of .70 is a CNAME into 64-127.201.169.81.in-addr.arpa.")
with open(os.path.join(ZONES, "64-127." + REV4 + ".zone"), "w") as f:
    f.write("; RFC 2317 classless sub-zone for ptr-classless.test.\n"
            "; Written by tests/data/audit/gen-fixtures.py.\n"
            "$ORIGIN 64-127.%s.\n$TTL 300\n"
            "@ SOA ns1.rev-hoster.test. noc.rev-hoster.test. 1 7200 3600 "
            "1209600 300\n@ NS ns1.rev-hoster.test.\n"
            "70 PTR mx.ptr-classless.test.\n" % REV4)

# --- reverse zones ------------------------------------------------------
body = ""
for n in sorted(rev4):
    if n == 60:
        continue
    if n == 70:
        body += "70 CNAME 70.64-127.%s.\n" % REV4
        continue
    names = rev4[n] if isinstance(rev4[n], list) else [rev4[n]]
    for name in names:
        body += "%d PTR %s.\n" % (n, name)
with open(os.path.join(ZONES, REV4 + ".zone"), "w") as f:
    f.write("; Reverse zone of 81.169.201.0/24 for the audit fixtures.\n"
            "; Written by tests/data/audit/gen-fixtures.py.\n"
            "$ORIGIN %s.\n$TTL 300\n"
            "@ SOA ns1.rev-hoster.test. noc.rev-hoster.test. 1 7200 3600 "
            "1209600 300\n@ NS ns1.rev-hoster.test.\n%s" % (REV4, body))
body = ""
for n in sorted(rev6):
    if n == 60:
        continue
    nib = "%032x" % n
    label = ".".join(reversed(nib[12:]))     # below the /48
    body += "%s PTR %s.\n" % (label, rev6[n])
with open(os.path.join(ZONES, REV6 + ".zone"), "w") as f:
    f.write("; Reverse zone of 2a01:238:4200::/48 for the audit fixtures.\n"
            "; Written by tests/data/audit/gen-fixtures.py.\n"
            "$ORIGIN %s.\n$TTL 300\n"
            "@ SOA ns1.rev-hoster.test. noc.rev-hoster.test. 1 7200 3600 "
            "1209600 300\n@ NS ns1.rev-hoster.test.\n%s" % (REV6, body))
print("wrote zones to", ZONES, file=sys.stderr)
