#!/usr/bin/env python3
"""spf_suite.py - the RFC 7208 test suite (YAML) as zone files and runs.

  spf_suite.py prepare SUITE.yml OUTDIR
      For each scenario N (0-based) writes OUTDIR/sN/..zone (one root zone
      "." holding every name of the scenario, so names that are not listed
      are NXDOMAIN), OUTDIR/sN/drops (NAME/TYPE lines for dnsrelay.py
      --drop: the suite's TIMEOUT entries) and OUTDIR/sN/tests.json.
  spf_suite.py run SCENARIODIR MAILREADY RESOLVER
      Runs every test of the scenario through `mailready spf --json` and
      prints one line per test: "PASS name" or "FAIL name: why".

How the zone data is read follows the suite's reference driver (pyspf
test/testspf.py), see ../shared/conformance/spf/README.md:
  - SPF-type data is also served as TXT when the name has no TXT entry;
  - "TXT: NONE" means no TXT record;
  - an empty string list is a TXT record with RDLENGTH 0 ("\\# 0");
  - TIMEOUT as an entry: every type with no record listed before it times
    out (here: dropped by the relay); "TYPE: TIMEOUT": that type does;
  - \\x.. escapes are code points, served as UTF-8.
"""

import json
import os
import subprocess
import sys

import yaml

QUERIED = ("TXT", "A", "AAAA", "MX", "PTR", "SPF", "CNAME")


def esc_name(name):
    """A name in master-file form: every byte outside [A-Za-z0-9-_] of a
    label as \\DDD, labels joined with dots, absolute."""
    if name in ("", "."):
        return "."
    out = []
    for label in name.rstrip(".").split("."):
        s = ""
        for b in label.encode("utf-8"):
            c = chr(b)
            if c.isascii() and (c.isalnum() or c in "-_"):
                s += c
            else:
                s += "\\%03d" % b
        out.append(s)
    return ".".join(out) + "."


def esc_string(text):
    """One or more quoted character-strings (<= 255 bytes each)."""
    data = text.encode("utf-8")
    parts = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
    res = []
    for p in parts:
        s = ""
        for b in p:
            if 0x20 <= b < 0x7f and b not in (0x22, 0x5c):
                s += chr(b)
            else:
                s += "\\%03d" % b
        res.append('"%s"' % s)
    return " ".join(res)


def txt_rdata(value):
    if isinstance(value, list):
        if not value:
            return "\\# 0"
        return " ".join(esc_string(str(v)) for v in value)
    return esc_string(str(value))


def zone_for(zonedata):
    """Zone text and drop rules of one scenario."""
    lines = ["$TTL 300",
             ". SOA ns.invalid. hostmaster.invalid. 1 3600 600 86400 300",
             ". NS ns.invalid."]
    drops = []
    for name, entries in zonedata.items():
        owner = esc_name(name)
        has_txt = any(isinstance(e, dict) and "TXT" in e for e in entries)
        listed = set()
        rrs = []
        for e in entries:
            if e == "TIMEOUT":
                for t in QUERIED:
                    if t not in listed:
                        drops.append("%s/%s" % (name.rstrip("."), t))
                # later entries are never reached by the driver
                break
            for t, v in e.items():
                if v == "TIMEOUT":
                    drops.append("%s/%s" % (name.rstrip("."), t))
                    continue
                if v == "NONE":
                    continue
                listed.add(t)
                if t in ("TXT", "SPF"):
                    rd = txt_rdata(v)
                    if t == "SPF" and rd != "\\# 0":
                        rrs.append("%s SPF %s" % (owner, rd))
                    if t == "TXT" or not has_txt:
                        rrs.append("%s TXT %s" % (owner, rd))
                        listed.add("TXT")
                elif t == "MX":
                    pref, host = v
                    rrs.append("%s MX %d %s" % (owner, int(pref),
                                                esc_name(host)))
                elif t in ("A", "AAAA"):
                    rrs.append("%s %s %s" % (owner, t, v))
                elif t in ("PTR", "CNAME"):
                    rrs.append("%s %s %s" % (owner, t, esc_name(v)))
                else:
                    raise SystemExit("unknown type %s at %s" % (t, name))
        lines.extend(rrs)
    return "\n".join(lines) + "\n", drops


def prepare(suite, outdir):
    with open(suite, "rb") as f:
        docs = list(yaml.safe_load_all(f))
    total = 0
    for n, doc in enumerate(docs):
        d = os.path.join(outdir, "s%d" % n)
        os.makedirs(d, exist_ok=True)
        text, drops = zone_for(doc["zonedata"])
        with open(os.path.join(d, "..zone"), "w") as f:
            f.write(text)
        with open(os.path.join(d, "drops"), "w") as f:
            f.write("".join(x + "\n" for x in drops))
        tests = []
        for name, t in doc["tests"].items():
            res = t["result"]
            tests.append({
                "name": name,
                "host": str(t["host"]),
                "mailfrom": str(t.get("mailfrom", "")),
                "helo": str(t["helo"]),
                "result": res if isinstance(res, list) else [res],
                "explanation": t.get("explanation"),
            })
        total += len(tests)
        with open(os.path.join(d, "tests.json"), "w") as f:
            json.dump({"description": doc.get("description", ""),
                       "tests": tests}, f, indent=1)
    print(total)


def run(sdir, mailready, resolver):
    with open(os.path.join(sdir, "tests.json")) as f:
        tests = json.load(f)["tests"]
    for t in tests:
        cmd = [mailready, "spf", "--ip", t["host"], "--sender", t["mailfrom"],
               "--helo", t["helo"], "--json", "--resolver", resolver,
               "--timeout", "1"]
        p = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        try:
            out = json.loads(p.stdout.decode("utf-8", "replace"))
        except ValueError:
            print("FAIL %s: no JSON (exit %d): %s" % (
                t["name"], p.returncode,
                p.stderr.decode("utf-8", "replace").strip()[:200]))
            continue
        why = []
        err = p.stderr.decode("utf-8", "replace")
        if "Sanitizer" in err or "runtime error" in err:
            why.append("sanitizer: %s" % err.strip()[:300])
        if out.get("result") not in t["result"]:
            why.append("result %s, expected %s" % (
                out.get("result"), "|".join(t["result"])))
        exp = t["explanation"]
        got = out.get("explanation")
        if exp == "DEFAULT":
            if got is not None:
                why.append("explanation %r, expected none" % got)
        elif exp is not None:
            # Hex nibbles of %{i} for IPv6 are lower case as in RFC 7208
            # §7.4; the suite (written for pyspf) has upper case ones.
            if got is None or got.lower() != exp.lower():
                why.append("explanation %r, expected %r" % (got, exp))
        if why:
            print("FAIL %s: %s (%s)" % (t["name"], "; ".join(why),
                                         out.get("problem", "")))
        else:
            print("PASS %s" % t["name"])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
