#!/usr/bin/env python3
"""Write the hostile fixture zones (tests/integration/t_hostile.sh):

  tests/zones/hostile.test.zone           names and TXT records full of
                                          terminal escapes, invalid UTF-8,
                                          bidi overrides, HTML, long strings
  tests/zones/77.199.185.in-addr.arpa.zone  hostile PTR targets

Every byte that is not plain in master-file syntax is written as \\DDD, so
the files are ASCII.  Run from the top of the tree after changing this.
"""
import os

ESC = b"\x1b"
HOSTILE = [
    ESC + b"[2J" + ESC + b"[H",         # clear the screen, cursor home
    b"bel\x07",                         # bell
    b"cr\rx",                           # carriage return
    b"bs\x08\x08\x08",                  # backspaces
    b"csi\x9b31m",                      # C1 CSI as one byte (\155)
    b"\xff\xfe\xc3(",                   # invalid UTF-8
    b"\xe2\x80\xaeevil",                # U+202E right-to-left override
    b"\xe2\x81\xa6iso\xe2\x81\xa9",     # U+2066 / U+2069 isolates
    b"\xc2\x9b2J",                      # C1 CSI as UTF-8
    ESC + b"]0;pwned" + b"\x07",        # set the window title
    b"nul\x00byte",
    b"<script>alert(1)</script>",
    b"del\x7f",
]

PLAIN = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def label(b):
    """One label in master-file form (any byte but plain LDH as \\DDD)."""
    return "".join(chr(c) if c in PLAIN else "\\%03d" % c for c in b)


def txt(b):
    """One character-string, quoted."""
    out = []
    for c in b:
        if 0x20 <= c < 0x7f and c not in (0x22, 0x5c, 0x3b):
            out.append(chr(c))
        else:
            out.append("\\%03d" % c)
    return '"' + "".join(out) + '"'


def txts(*strings):
    return " ".join(txt(s) for s in strings)


def hostile_zone():
    z = []
    a = z.append
    a("; hostile.test - hostile DNS data for t_hostile.sh.")
    a("; Written by tests/data/hostile/gen-zones.py; do not edit.")
    a("$ORIGIN hostile.test.")
    a("$TTL 300")
    a("@ SOA ns.hostile.test. " + label(b"host\x07master") +
      ".hostile.test. 1 7200 3600 1209600 300")
    a("@ NS ns")
    a("ns A 185.199.77.2")

    # 64 MX records: hostile targets first, then plain ones.
    targets = []
    for h in HOSTILE:
        targets.append(label(h) + ".hostile.test.")
    # A name of exactly 253 characters, labels of 63.
    long_name = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 48,
                          "hostile", "test"])
    assert len(long_name) == 253
    targets.append(long_name + ".")
    targets.append("alias.hostile.test.")
    while len(targets) < 64:
        targets.append("mx%02d.hostile.test." % len(targets))
    for pref, t in enumerate(targets):
        a("@ MX %d %s" % (pref, t))
    for i, h in enumerate(HOSTILE):
        a("%s A 185.199.77.%d" % (label(h), 100 + i))
    a(long_name + ". A 185.199.77.99")
    a("alias CNAME " + label(ESC + b"[5m" + b"blink") + ".hostile.test.")
    a(label(ESC + b"[5m" + b"blink") + " A 185.199.77.98")
    for i in range(len(HOSTILE) + 2, 64):
        a("mx%02d A 185.199.77.%d" % (i, 25 if i == 63 else i))

    # SPF at the apex: hostile bytes inside terms (a syntax error).
    a("@ TXT " + txts(b"v=spf1 ip4:185.199.77.25 include:" + ESC +
                      b"[2J.hostile.test a:bel\x07.hostile.test "
                      b"mx:<script>.hostile.test ~all\r\n" + ESC + b"[1A"))
    # An unrelated TXT with every hostile string, many strings.
    a("@ TXT " + txts(*HOSTILE))

    # DMARC with hostile URIs and tags.
    a("_dmarc TXT " + txts(
        b"v=DMARC1; p=reject; rua=mailto:" + ESC + b"[2J@hostile.test,"
        b"mailto:<script>alert(1)</script>@hostile.test; "
        b"ruf=mailto:a\x07b@hostile.test; x\ry=\x08; fo=\x9b; "
        b"\xe2\x80\xaeadkim=s"))

    # DKIM: hostile tags and key; a key of many long strings.
    a("sel._domainkey TXT " + txts(
        b"v=DKIM1; k=" + ESC + b"[31mrsa; h=\x07; "
        b"p=<script>alert(1)</script>\xff\xfe"))
    a("big._domainkey TXT " + txts(
        b"v=DKIM1; k=rsa; p=", *([b"A" * 255] * 40)))
    sel63 = "s" * 63
    a(sel63 + "._domainkey TXT " + txts(b"v=DKIM1; p=" + ESC + b"c"))

    # Subjects of their own, each checked by name.
    # chain: an SPF include chain 40 deep (the lookup limit is 10).
    a("chain TXT " + txts(b"v=spf1 include:c1.chain.hostile.test -all"))
    for i in range(1, 41):
        nxt = (b"include:c%d.chain.hostile.test " % (i + 1)
               if i < 40 else b"")
        a("c%d.chain TXT %s" % (i, txts(
            b"v=spf1 ", nxt, b"ip4:185.199.77.%d ~all" % (i % 250))))
    a("chain MX 10 mx63.hostile.test.")
    # long: an SPF record of many 255-byte strings.
    ips = b" ".join(b"ip4:185.199.%d.%d" % (i // 250, i % 250)
                    for i in range(700))
    parts = [b"v=spf1 " + ips[:248]]
    rest = ips[248:] + b" -all"
    while rest:
        parts.append(rest[:255])
        rest = rest[255:]
    a("long TXT " + txts(*parts))
    a("long MX 10 mx63.hostile.test.")
    # bidi: SPF, DMARC and DKIM with bidi overrides and invalid UTF-8.
    a("bidi TXT " + txts(b"v=spf1 a:\xe2\x80\xae.hostile.test \xff -all"))
    a("bidi MX 10 " + label(b"\xe2\x80\xaeevil") + ".hostile.test.")
    a("_dmarc.bidi TXT " + txts(b"v=DMARC1; p=none; rua=mailto:"
                                b"\xe2\x81\xa6x\xe2\x81\xa9@\xc3("))
    a("sel._domainkey.bidi TXT " + txts(b"v=DKIM1; p=\xe2\x80\xae"))
    # loop: an include loop through hostile names.
    a("loop TXT " + txts(b"v=spf1 include:" + ESC + b"x.loop.hostile.test"
                         b" -all"))
    a(label(ESC + b"x") + ".loop TXT " +
      txts(b"v=spf1 include:loop.hostile.test -all"))
    # A PTR target of the reverse zone that points back here.
    a("mx A 185.199.77.25")
    return "\n".join(z) + "\n"


def reverse_zone():
    z = []
    a = z.append
    a("; Reverse zone of 185.199.77.0/24 for t_hostile.sh.")
    a("; Written by tests/data/hostile/gen-zones.py; do not edit.")
    a("$ORIGIN 77.199.185.in-addr.arpa.")
    a("$TTL 300")
    a("@ SOA ns.hostile.test. h.hostile.test. 1 7200 3600 1209600 300")
    a("@ NS ns.hostile.test.")
    a("25 PTR " + label(ESC + b"[2J" + b"\x07") + ".hostile.test.")
    a("25 PTR mx.hostile.test.")
    a("26 PTR " + label(b"<script>alert(1)</script>") + ".hostile.test.")
    for i, h in enumerate(HOSTILE):
        a("%d PTR %s.hostile.test." % (100 + i, label(h)))
    return "\n".join(z) + "\n"


def main():
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "..", "..", "zones")
    with open(os.path.join(top, "hostile.test.zone"), "w") as f:
        f.write(hostile_zone())
    with open(os.path.join(top, "77.199.185.in-addr.arpa.zone"), "w") as f:
        f.write(reverse_zone())


if __name__ == "__main__":
    main()
