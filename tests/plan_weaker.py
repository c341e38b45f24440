#!/usr/bin/env python3
"""plan_weaker.py ZONE BEFORE AFTER - did any record of ZONE get weaker?

BEFORE and AFTER are the zone as `dig AXFR` printed it before and after a
plan was applied.  Weaker means (issue 12): an SPF term of before missing
from after, an SPF "all" that accepts more (-all > ~all > ?all > +all), a
DMARC p= or sp= lower than before, a rua/ruf address gone, or adkim/aspf
relaxed from s.  Prints each problem; exits 1 if there is one."""
import re
import sys

RANK_ALL = {"-": 4, "~": 3, "?": 2, "+": 1}
RANK_P = {"reject": 3, "quarantine": 2, "none": 1}


def txt_records(path, owner):
    out = []
    for line in open(path, encoding="utf-8", errors="replace"):
        parts = line.split(None, 4)
        if len(parts) == 5 and parts[3] == "TXT" and \
                parts[0].rstrip(".").lower() == owner:
            out.append("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', parts[4])))
    return out


def spf_terms(records):
    terms, best = set(), 0
    for r in records:
        if not re.match(r"v=spf1( |$)", r, re.I):
            continue
        for t in r.split()[1:]:
            q = t[0] if t[0] in "+-~?" else "+"
            body = t[1:] if t[0] in "+-~?" else t
            if body.lower() == "all":
                best = max(best, RANK_ALL[q])
            else:
                terms.add(re.sub(r"/(32|128)$", "", body.lower()))
    return terms, best


def dmarc_tags(records):
    tags = {}
    for r in records:
        if not r.startswith("v=DMARC1"):
            continue
        for part in r.split(";"):
            if "=" in part:
                k, v = part.split("=", 1)
                tags.setdefault(k.strip(), v.strip())
    return tags


def uris(v):
    return {u.split("!")[0].strip().lower() for u in v.split(",") if u}


def main():
    zone, before, after = sys.argv[1].rstrip(".").lower(), sys.argv[2], \
        sys.argv[3]
    problems = []
    t0, a0 = spf_terms(txt_records(before, zone))
    t1, a1 = spf_terms(txt_records(after, zone))
    if t0 - t1:
        problems.append("SPF lost " + " ".join(sorted(t0 - t1)))
    if a0 and a1 < a0 and not (t1 and any(t.startswith("redirect=")
                                          for t in t1)):
        problems.append("SPF all got weaker (%d -> %d)" % (a0, a1))
    d0 = dmarc_tags(txt_records(before, "_dmarc." + zone))
    d1 = dmarc_tags(txt_records(after, "_dmarc." + zone))
    if d0:
        for tag in ("p", "sp"):
            w0 = RANK_P.get(d0.get(tag, d0.get("p", "")).lower(), 0)
            w1 = RANK_P.get(d1.get(tag, d1.get("p", "")).lower(), 0)
            if w1 < w0:
                problems.append("DMARC %s= got lower" % tag)
        for tag in ("rua", "ruf"):
            lost = uris(d0.get(tag, "")) - uris(d1.get(tag, ""))
            if lost:
                problems.append("DMARC %s lost %s" % (tag, " ".join(lost)))
        for tag in ("adkim", "aspf"):
            if d0.get(tag) == "s" and d1.get(tag) != "s":
                problems.append("DMARC %s relaxed" % tag)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
