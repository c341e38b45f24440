#!/usr/bin/env python3
"""gen-packets.py - writes the canned DNS responses in this directory.

Run it from anywhere: python3 tests/data/dns/gen-packets.py
The output is deterministic; the .bin files are committed so the unit
tests (tests/unit/test_dns_parse.c) need no Python.  Each packet is what
a real resolver sends, with name compression as BIND and Unbound do it:
every name is written once and later occurrences point back to it.

  mx_five.bin      gmail-like MX set: 5 MX, additional A records, OPT
  dkim_split.bin   DKIM TXT split in a 255-byte and a 137-byte string
  nxdomain_soa.bin NXDOMAIN, SOA in the authority section, OPT
  cname_ad.bin     AD flag; CNAME, A and their RRSIGs in the answer
  servfail_ede.bin SERVFAIL with an EDNS extended error (RFC 8914)
  tc_empty.bin     TC=1, NOERROR and no records (a TCP answer that
                   cannot be completed: never "no SPF record")
  tc_partial.bin   TC=1 and one of two SPF TXT records (not trusted)
  cname_loop.bin   TXT asked; a -> b -> c -> a, three CNAMEs in a loop
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

T = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16,
     "OPT": 41, "RRSIG": 46}


class Packet:
    def __init__(self, flags, qname, qtype):
        self.flags = flags
        self.buf = bytearray(12)
        self.names = {}       # lower-case suffix -> offset
        self.counts = [1, 0, 0, 0]
        self.name(qname)
        self.buf += struct.pack(">HH", T[qtype], 1)

    def name(self, name, compress=True):
        labels = [l for l in name.split(".") if l]
        for i in range(len(labels)):
            suffix = ".".join(labels[i:]).lower()
            if compress and suffix in self.names:
                self.buf += struct.pack(">H", 0xC000 | self.names[suffix])
                return
            if compress and len(self.buf) < 0x3FFF:
                self.names[suffix] = len(self.buf)
            lab = labels[i].encode()
            self.buf += bytes([len(lab)]) + lab
        self.buf += b"\0"

    def rr(self, section, owner, rtype, ttl, rdata_fn, rclass=1):
        self.name(owner)
        self.buf += struct.pack(">HHI", T[rtype], rclass, ttl)
        at = len(self.buf)
        self.buf += b"\0\0"
        rdata_fn()
        struct.pack_into(">H", self.buf, at, len(self.buf) - at - 2)
        self.counts[section] += 1

    def opt(self, options=b""):
        self.buf += b"\0" + struct.pack(">HHIH", T["OPT"], 1232, 0,
                                        len(options)) + options
        self.counts[3] += 1

    def bytes(self):
        struct.pack_into(">HHHHHH", self.buf, 0, 0x1234, self.flags,
                         *self.counts)
        return bytes(self.buf)


def mx(p, pref, host):
    def f():
        p.buf += struct.pack(">H", pref)
        p.name(host)
    return f


def a(p, addr):
    def f():
        p.buf += bytes(int(x) for x in addr.split("."))
    return f


def txt(p, *strings):
    def f():
        for s in strings:
            p.buf += bytes([len(s)]) + s
    return f


def target(p, host):
    def f():
        p.name(host)
    return f


def rrsig(p, covered, signer):
    def f():
        p.buf += struct.pack(">HBBIIIH", covered, 13, 3, 300, 1800000000,
                             1790000000, 12345)
        p.name(signer, compress=False)    # RFC 4034 3.1.7
        p.buf += bytes(range(64))
    return f


def soa(p):
    def f():
        p.name("a.iana-servers.net")
        p.name("hostmaster.example.com")
        p.buf += struct.pack(">IIIII", 2026112801, 7200, 3600, 1209600,
                             3600)
    return f


def mx_five():
    p = Packet(0x8180, "gmail.com", "MX")
    hosts = [(5, "gmail-smtp-in.l.google.com"),
             (10, "alt1.gmail-smtp-in.l.google.com"),
             (20, "alt2.gmail-smtp-in.l.google.com"),
             (30, "alt3.gmail-smtp-in.l.google.com"),
             (40, "alt4.gmail-smtp-in.l.google.com")]
    for pref, host in hosts:
        p.rr(1, "gmail.com", "MX", 3600, mx(p, pref, host))
    for i, (_, host) in enumerate(hosts):
        p.rr(3, host, "A", 300, a(p, "142.250.%d.26" % (100 + i)))
    p.opt()
    return p.bytes()


def dkim_split():
    p = Packet(0x8180, "sel._domainkey.example.com", "TXT")
    first = b"v=DKIM1; k=rsa; p=" + b"M" * (255 - 18)
    second = b"Q" * 137
    p.rr(1, "sel._domainkey.example.com", "TXT", 300, txt(p, first, second))
    p.opt()
    return p.bytes()


def nxdomain_soa():
    p = Packet(0x8183, "nope.example.com", "A")
    p.rr(2, "example.com", "SOA", 3600, soa(p))
    p.opt()
    return p.bytes()


def cname_ad():
    p = Packet(0x81A0, "www.example.org", "A")
    p.rr(1, "www.example.org", "CNAME", 300, target(p, "web.example.org"))
    p.rr(1, "www.example.org", "RRSIG", 300, rrsig(p, 5, "example.org"))
    p.rr(1, "web.example.org", "A", 300, a(p, "93.184.215.14"))
    p.rr(1, "web.example.org", "RRSIG", 300, rrsig(p, 1, "example.org"))
    p.opt()
    return p.bytes()


def servfail_ede():
    p = Packet(0x8182, "dnssec-failed.org", "MX")
    text = b"validation failure"
    p.opt(struct.pack(">HHH", 15, 2 + len(text), 6) + text)
    return p.bytes()


def tc_empty():
    p = Packet(0x8380, "example.com", "TXT")
    p.opt()
    return p.bytes()


def tc_partial():
    p = Packet(0x8380, "example.com", "TXT")
    p.rr(1, "example.com", "TXT", 300,
         txt(p, b"v=spf1 ip4:192.0.2.1 -all"))
    return p.bytes()


def cname_loop():
    p = Packet(0x8180, "a.loop.example.com", "TXT")
    p.rr(1, "a.loop.example.com", "CNAME", 300,
         target(p, "b.loop.example.com"))
    p.rr(1, "b.loop.example.com", "CNAME", 300,
         target(p, "c.loop.example.com"))
    p.rr(1, "c.loop.example.com", "CNAME", 300,
         target(p, "a.loop.example.com"))
    p.opt()
    return p.bytes()


def main():
    for fn in (mx_five, dkim_split, nxdomain_soa, cname_ad, servfail_ede,
               tc_empty, tc_partial, cname_loop):
        with open(os.path.join(HERE, fn.__name__ + ".bin"), "wb") as f:
            f.write(fn())


if __name__ == "__main__":
    main()
