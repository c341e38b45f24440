#!/usr/bin/env python3
"""bench_smtp.py - what the delivery step adds to a full check (issue 14).

  bench_smtp.py gen --template ZONE --dir DIR
  bench_smtp.py run --mailready BIN --resolver ADDR:PORT --dns-delay-ms N
        --tcp-delay-ms M --smtp-port P --ca-file CA --runs K

gen writes the bench's zones into DIR: one.bench-smtp.test (one MX host,
one address, 127.0.0.51) and eight.bench-smtp.test (four MX hosts with two
addresses each, 127.0.0.51-58), each with the SPF, DKIM and DMARC records
of the TEMPLATE zone (tests/zones/bench-clean.test.zone) so that the DNS
steps cost what they cost there, and 0.0.127.in-addr.arpa with the PTR of
each address.  It prints the Postfix specs (tests/smtp-lib.sh) for those
addresses, one a line.

run times `BIN check DOMAIN --resolver ADDR:PORT --trace --json`, K times
each (after one warm-up), for both domains, with the DNS steps only (the
default) and with every step (--steps all: the delivery step probes each
address: connect, banner, EHLO, STARTTLS, the TLS handshake, QUIT; here
through tests/tcpdelay.py, which adds M ms per round trip, to Postfix).
It also times the same probes one after another from Python (connect to
the 221 of QUIT, through the same relay): the cost if they were not done
in parallel.  Prints medians: the delivery step costs its DNS critical
path plus the slowest probe, not the sum of the probes.  Reports figures
only: never fails on a time.
"""

import argparse
import json
import os
import re
import socket
import ssl
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True        # no tests/__pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (tests/bench.py: the DNS chain from --trace)

BASE = "bench-smtp.test"
ONE = [("mx1", ["127.0.0.51"])]
EIGHT = [("mx%d" % (i + 1), ["127.0.0.%d" % (51 + 2 * i),
                             "127.0.0.%d" % (52 + 2 * i)])
         for i in range(4)]
DOMAINS = (("one", ONE), ("eight", EIGHT))


def addresses(hosts):
    return [a for _, addrs in hosts for a in addrs]


def gen(a):
    src = open(a.template).read()
    keep = [l for l in src.splitlines()
            if re.search(r"\b(TXT)\b", l) and not l.startswith(";")]
    os.makedirs(a.dir, exist_ok=True)
    for label, hosts in DOMAINS:
        d = "%s.%s" % (label, BASE)
        with open(os.path.join(a.dir, d + ".zone"), "w") as z:
            z.write("$ORIGIN %s.\n$TTL 300\n" % d)
            z.write("@ SOA ns1.%s. hostmaster.%s. 1 7200 3600 1209600 300\n"
                    % (d, d))
            z.write("@ NS ns1.%s.\nns1 A 127.0.0.50\n" % d)
            for pref, (h, addrs) in enumerate(hosts):
                z.write("@ MX %d %s\n" % (10 * (pref + 1), h))
                for ip in addrs:
                    z.write("%s A %s\n" % (h, ip))
            for l in keep:
                z.write(l.replace("bench-clean.test", d) + "\n")
    with open(os.path.join(a.dir, "0.0.127.in-addr.arpa.zone"), "w") as z:
        z.write("$ORIGIN 0.0.127.in-addr.arpa.\n$TTL 300\n")
        z.write("@ SOA ns1.%s. hostmaster.%s. 1 7200 3600 1209600 300\n"
                % (BASE, BASE))
        z.write("@ NS ns1.%s.\n" % BASE)
        for ip in addresses(EIGHT):
            h = [h for h, addrs in EIGHT if ip in addrs][0]
            z.write("%s PTR %s.eight.%s.\n" % (ip.split(".")[3], h, BASE))
    for h, addrs in EIGHT:
        for ip in addrs:
            print("%s mx %s.eight.%s may" % (ip, h, BASE))
    return 0


def names():
    """Every MX host name of both domains (the certificate's SANs)."""
    return ["%s.%s.%s" % (h, label, BASE)
            for label, hosts in DOMAINS for h, _ in hosts]


def reply(f):
    """One SMTP reply (multi-line): its code."""
    while True:
        line = f.readline(1024)
        if len(line) < 4:
            raise OSError("short reply %r" % line)
        if line[3:4] != b"-":
            return int(line[:3])


def probe(ip, port, host, ctx, timeout):
    """connect .. 221, as the delivery step does; ms."""
    t0 = time.monotonic()
    s = socket.create_connection((ip, port), timeout)
    try:
        f = s.makefile("rb")
        if reply(f) != 220:
            raise OSError("no 220")
        s.sendall(b"EHLO [127.0.0.1]\r\n")
        reply(f)
        s.sendall(b"STARTTLS\r\n")
        if reply(f) != 220:
            raise OSError("STARTTLS refused")
        t = ctx.wrap_socket(s, server_hostname=host)
        t.sendall(b"QUIT\r\n")
        reply(t.makefile("rb"))
        t.close()
    finally:
        s.close()
    return (time.monotonic() - t0) * 1000


def timed(cmd):
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    return (time.monotonic() - t0) * 1000, p


def run(a):
    ctx = ssl.create_default_context(cafile=a.ca_file)
    res = {}
    print("bench delivery: DNS relay adding %.0f ms per query, TCP relay "
          "adding %.0f ms per round trip; %d runs each, medians"
          % (a.dns_delay_ms, a.tcp_delay_ms, a.runs))
    for label, hosts in DOMAINS:
        d = "%s.%s" % (label, BASE)
        ips = addresses(hosts)
        base = [a.mailready, "check", d, "--resolver", a.resolver,
                "--trace", "--json", "--timeout", a.timeout]
        full = base + ["--steps", "all", "--smtp-port", str(a.smtp_port),
                       "--ca-file", a.ca_file]
        for mode, cmd in (("dns", base), ("all", full)):
            timed(cmd)                          # warm-up
            walls, chain, statuses = [], 0, set()
            for _ in range(a.runs):
                wall, p = timed(cmd)
                walls.append(wall)
                q, ans = bench.parse_trace(p.stderr)
                depth, parent = bench.chains(q, ans)
                chain = max(chain, bench.longest(depth, parent)[0])
                try:
                    j = json.loads(p.stdout)
                    statuses.add(" ".join("%s:%s" % (c["step"], c["status"])
                                          for c in j.get("checks", [])))
                    if mode == "all":
                        sm = [c for c in j["checks"] if c["step"] == "smtp"]
                        got = [r for r in sm[0]["records"]
                               if isinstance(r, dict) and "host" in r]
                        res[(label, "probes")] = (
                            len(got), sum(r.get("result") == "done" and
                                          "tls_version" in r for r in got))
                except (ValueError, KeyError, IndexError):
                    statuses.add("no JSON (exit %d)" % p.returncode)
            res[(label, mode)] = statistics.median(walls)
            res[(label, mode, "chain")] = chain
            print("  %-5s %-3s: median %7.1f ms (min %.1f, max %.1f); "
                  "longest DNS chain %d = %.0f ms; %s"
                  % (label, mode, res[(label, mode)], min(walls), max(walls),
                     chain, chain * a.dns_delay_ms, " / ".join(sorted(
                         statuses))))
        serial, single = [], []
        for i in range(a.runs + 1):
            t = 0.0
            for h, addrs in hosts:
                for ip in addrs:
                    ms = probe(ip, a.smtp_port, "%s.%s" % (h, d), ctx, 5)
                    if i > 0:
                        single.append(ms)
                    t += ms
            if i > 0:
                serial.append(t)
        res[(label, "serial")] = statistics.median(serial)
        res[(label, "single")] = statistics.median(single)
        ok = res.get((label, "probes"), (0, 0))[1]
        print("  %-5s probes: %d addresses (%d with TLS in the last run); "
              "one probe alone: median %.1f ms; all of them one after "
              "another: median %.1f ms"
              % (label, len(ips), ok, res[(label, "single")],
                 res[(label, "serial")]))
    for label, hosts in DOMAINS:
        n = len(addresses(hosts))
        step = res[(label, "all")] - res[(label, "dns")]
        chain = res[(label, "all", "chain")] * a.dns_delay_ms
        # The probes start once MX and then A have answered.
        par = max(chain, 2 * a.dns_delay_ms + res[(label, "single")])
        ser = max(chain, 2 * a.dns_delay_ms + res[(label, "serial")])
        print("%s: %d address%s: the full check %.1f ms, the DNS steps "
              "alone %.1f ms: the delivery step adds %.1f ms; its probes "
              "one after another would take %.1f ms"
              % (label, n, "" if n == 1 else "es", res[(label, "all")],
                 res[(label, "dns")], step, res[(label, "serial")]))
        print("  critical path, probes in parallel: max(DNS chain %.0f ms, "
              "MX + A %.0f ms + one probe %.1f ms) = %.1f ms: measured / "
              "that = %.2f; in series it would be %.1f ms"
              % (chain, 2 * a.dns_delay_ms, res[(label, "single")], par,
                 res[(label, "all")] / par, ser))
    print("1 -> 8 addresses: the full check %+.1f ms (one probe alone: "
          "%.1f ms; 8 in series: %.1f ms)"
          % (res[("eight", "all")] - res[("one", "all")],
             res[("eight", "single")], res[("eight", "serial")]))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("--template", required=True)
    g.add_argument("--dir", required=True)
    sub.add_parser("names")
    r = sub.add_parser("run")
    r.add_argument("--mailready", required=True)
    r.add_argument("--resolver", required=True)
    r.add_argument("--dns-delay-ms", type=float, required=True)
    r.add_argument("--tcp-delay-ms", type=float, required=True)
    r.add_argument("--smtp-port", type=int, required=True)
    r.add_argument("--ca-file", required=True)
    r.add_argument("--runs", type=int, default=7)
    r.add_argument("--timeout", default="5")
    a = ap.parse_args()
    if a.cmd == "gen":
        return gen(a)
    if a.cmd == "names":
        print(" ".join(names()))
        return 0
    return run(a)


if __name__ == "__main__":
    sys.exit(main())
