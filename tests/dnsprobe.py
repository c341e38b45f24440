#!/usr/bin/env python3
"""dnsprobe.py - ask one DNS question of one server (test helper, stdlib).

  dnsprobe.py --server 127.0.0.1:PORT [--tcp] [--rd] [--wait SECONDS] NAME TYPE

Prints "RCODE" on the first line, then one line per answer record
("name TTL TYPE rdata").  With --wait, asks again (every 0.1 s) until a
response comes or SECONDS pass.  Exit status: 0 a response came, 1 none.
"""

import argparse
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True
import dnswire  # noqa: E402


def hostport(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def ask(server, name, qtype, tcp, timeout, rd=False):
    q = dnswire.make_query(name, qtype, rd=rd)
    fam = socket.AF_INET6 if ":" in server[0] else socket.AF_INET
    if tcp:
        with socket.socket(fam, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(server)
            s.sendall(struct.pack("!H", len(q)) + q)
            hdr = _recv_exact(s, 2)
            return _recv_exact(s, struct.unpack("!H", hdr)[0])
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(q, server)
        while True:
            data, _ = s.recvfrom(65535)
            if data[:2] == q[:2]:
                return data


def _recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise OSError("connection closed")
        buf += chunk
    return buf


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--server", required=True)
    ap.add_argument("--tcp", action="store_true")
    ap.add_argument("--rd", action="store_true",
                    help="recursion desired (ask a resolver)")
    ap.add_argument("--wait", type=float, default=0)
    ap.add_argument("--timeout", type=float, default=1.0)
    ap.add_argument("name")
    ap.add_argument("type")
    a = ap.parse_args()
    server = hostport(a.server)
    deadline = time.monotonic() + a.wait
    while True:
        try:
            msg = ask(server, a.name, a.type, a.tcp,
                      min(a.timeout, max(0.1, a.wait)) if a.wait
                      else a.timeout, a.rd)
            break
        except OSError:
            if time.monotonic() >= deadline:
                print("no response from %s" % a.server, file=sys.stderr)
                return 1
            time.sleep(0.1)
    r = dnswire.parse_response(msg)
    print(r["rcode"] + (" TC" if r["tc"] else ""))
    for rr in r["answers"]:
        print("%s %d %s %s" % (rr["name"], rr["ttl"], rr["type"], rr["rdata"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
