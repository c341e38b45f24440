"""dnswire.py - the little DNS wire format the test helpers need.

Stdlib only.  Used by dnsrelay.py and dnsprobe.py: build a query, read the
question of a message, build a SERVFAIL answer, read an answer's header and
records well enough for the tests.
"""

import random
import struct

TYPES = {
    "A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
    "AAAA": 28, "SRV": 33, "DS": 43, "DNSKEY": 48, "TLSA": 52, "SPF": 99,
    "ANY": 255,
}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN",
          4: "NOTIMP", 5: "REFUSED"}


def type_code(name):
    """'TXT' -> 16, 'TYPE65' -> 65; ValueError if unknown."""
    n = name.upper()
    if n in TYPES:
        return TYPES[n]
    if n.startswith("TYPE") and n[4:].isdigit():
        return int(n[4:])
    raise ValueError("unknown DNS type %r" % name)


def type_name(code):
    return TYPE_NAMES.get(code, "TYPE%d" % code)


def encode_name(name):
    out = b""
    name = name.rstrip(".")
    if name:
        for label in name.split("."):
            raw = label.encode("ascii")
            if not 0 < len(raw) < 64:
                raise ValueError("bad label in %r" % name)
            out += bytes([len(raw)]) + raw
    return out + b"\0"


def make_query(name, qtype, qid=None, rd=False):
    if qid is None:
        qid = random.randrange(65536)
    flags = 0x0100 if rd else 0
    return (struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 0)
            + encode_name(name) + struct.pack("!HH", type_code(qtype), 1))


def read_name(msg, off, depth=0):
    """Return (name, offset after the name); follows compression."""
    labels = []
    end = None
    hops = 0
    while True:
        if off >= len(msg):
            raise ValueError("name runs past the message")
        n = msg[off]
        if n == 0:
            off += 1
            break
        if n & 0xC0 == 0xC0:
            if off + 1 >= len(msg):
                raise ValueError("cut pointer")
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            hops += 1
            if hops > 64:
                raise ValueError("pointer loop")
            continue
        if n & 0xC0:
            raise ValueError("bad label type")
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    return ".".join(labels), (end if end is not None else off)


def parse_question(msg):
    """Return (id, name, qtype, end of question) of a query message."""
    if len(msg) < 12:
        raise ValueError("short message")
    qid, _flags, qd = struct.unpack("!HHH", msg[:6])
    if qd < 1:
        raise ValueError("no question")
    name, off = read_name(msg, 12)
    if off + 4 > len(msg):
        raise ValueError("cut question")
    qtype, _qclass = struct.unpack("!HH", msg[off:off + 4])
    return qid, name, qtype, off + 4


def servfail_for(query):
    """A SERVFAIL response echoing the question of query."""
    _qid, _name, _qtype, end = parse_question(query)
    flags = struct.unpack("!H", query[2:4])[0]
    rflags = 0x8000 | (flags & 0x7900) | 0x0080 | 2    # QR, opcode, RD, RA
    return (query[:2] + struct.pack("!HHHHH", rflags, 1, 0, 0, 0)
            + query[12:end])


def skip_rr(msg, off):
    """Offset after the resource record at off."""
    _n, off = read_name(msg, off)
    if off + 10 > len(msg):
        raise ValueError("cut record")
    rdlen = struct.unpack("!H", msg[off + 8:off + 10])[0]
    if off + 10 + rdlen > len(msg):
        raise ValueError("cut rdata")
    return off + 10 + rdlen


def truncate(msg, keep):
    """msg with the TC bit set and only its first `keep` answer records
    (authority and additional sections dropped): what a server sends when
    the answer does not fit, hostile or not."""
    _qid, flags, qd, an = struct.unpack("!HHHH", msg[:8])
    off = 12
    for _ in range(qd):
        _n, off = read_name(msg, off)
        off += 4
    keep = min(keep, an)
    for _ in range(keep):
        off = skip_rr(msg, off)
    return (msg[:2] + struct.pack("!HHHHH", flags | 0x0200, qd, keep, 0, 0)
            + msg[12:off])


def parse_response(msg):
    """Header and answer records: dict(id, rcode, tc, aa, answers=[...])."""
    qid, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    off = 12
    for _ in range(qd):
        _n, off = read_name(msg, off)
        off += 4
    answers = []
    for _ in range(an):
        name, off = read_name(msg, off)
        rtype, _rclass, ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        rdata = msg[off:off + rdlen]
        answers.append({"name": name, "type": type_name(rtype), "ttl": ttl,
                        "rdata": _rdata_text(msg, off, rtype, rdata)})
        off += rdlen
    return {"id": qid, "rcode": RCODES.get(flags & 15, str(flags & 15)),
            "tc": bool(flags & 0x0200), "aa": bool(flags & 0x0400),
            "answers": answers, "nscount": ns, "arcount": ar}


def _rdata_text(msg, off, rtype, rdata):
    try:
        if rtype == 1 and len(rdata) == 4:
            return ".".join(str(b) for b in rdata)
        if rtype == 28 and len(rdata) == 16:
            import ipaddress
            return str(ipaddress.IPv6Address(rdata))
        if rtype in (2, 5, 12):
            return read_name(msg, off)[0] + "."
        if rtype == 15:
            pref = struct.unpack("!H", rdata[:2])[0]
            return "%d %s." % (pref, read_name(msg, off + 2)[0])
        if rtype in (16, 99):
            parts, i = [], 0
            while i < len(rdata):
                n = rdata[i]
                parts.append('"%s"' % rdata[i + 1:i + 1 + n].decode(
                    "ascii", "backslashreplace"))
                i += 1 + n
            return " ".join(parts)
        if rtype == 6:
            mname, o = read_name(msg, off)
            rname, o = read_name(msg, o)
            serial = struct.unpack("!I", msg[o:o + 4])[0]
            return "%s. %s. %d" % (mname, rname, serial)
    except (ValueError, struct.error, IndexError):
        pass
    return rdata.hex()
