#!/usr/bin/env python3
"""dnsrelay.py - a delaying, dropping DNS relay on loopback (tests, stdlib).

  dnsrelay.py --listen 127.0.0.1:PORT --upstream 127.0.0.1:PORT
              [--delay-ms N] [--tcp-delay-ms N] [--drop NAME/TYPE]...
              [--servfail NAME/TYPE]... [--truncate-udp NAME/TYPE]...
              [--tc-empty NAME/TYPE]... [--tc-partial NAME/TYPE]...
              [--log FILE] [--stats FILE]
  dnsrelay.py --listen 127.0.0.1:PORT --blackhole

Listens on UDP and TCP.  Each query is handled on its own: it waits
--delay-ms (an added round trip; concurrent queries are delayed side by
side, never one after another), then is forwarded to --upstream over the
same transport and the answer relayed back unchanged (a truncated UDP
answer stays truncated, so the client retries over TCP through the relay).

--tcp-delay-ms N      TCP answers wait N ms more (a slow TCP fallback)
--drop NAME/TYPE      never answer that question (a real time-out)
--servfail NAME/TYPE  answer SERVFAIL at once
--truncate-udp NAME/TYPE
                      over UDP, the answer with TC=1 and no records (the
                      client must ask again over TCP, which is relayed
                      unchanged)
--tc-empty NAME/TYPE  over UDP and TCP, TC=1 and no records (hostile: an
                      answer that can never be completed)
--tc-partial NAME/TYPE
                      over UDP and TCP, TC=1 and only the first answer
                      record (hostile: part of a record set)
--blackhole           never answer anything (no upstream needed)
--clear-aa            clear the AA bit of every answer: the relay then
                      looks like a caching resolver (the bench of the
                      authoritative view)
--stats FILE          keep FILE up to date with "queries N" (received),
                      "outstanding N" (received, not yet answered or
                      dropped) and "max_outstanding N" (the most at once)
NAME is matched without case and trailing dot, "*" matches any name;
TYPE is a type name such as TXT, or "*".  Both options repeat.

Prints "ready" on stdout once both sockets listen (with PORT 0 a free port
is chosen and the line is "ready PORT").  Stops on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import collections
import os
import select
import signal
import threading
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True
import dnswire  # noqa: E402

UPSTREAM_TIMEOUT = 10.0


def hostport(text):
    host, sep, port = text.rpartition(":")
    if not sep:
        raise argparse.ArgumentTypeError("expected ADDR:PORT, got %r" % text)
    return host.strip("[]"), int(port)


def rule(text):
    name, sep, qtype = text.rpartition("/")
    if not sep or not name:
        raise argparse.ArgumentTypeError("expected NAME/TYPE, got %r" % text)
    name = name.rstrip(".").lower() if name != "*" else "*"
    code = None if qtype == "*" else dnswire.type_code(qtype)
    return name, code


class Relay:
    def __init__(self, args):
        self.args = args
        self.delay = args.delay_ms / 1000.0
        self.clear_aa = getattr(args, "clear_aa", False)
        self.tcp_delay = args.tcp_delay_ms / 1000.0
        self.log = open(args.log, "a", buffering=1) if args.log else None
        self.t0 = time.monotonic()
        self.loop = None
        self.up = None          # the upstream UDP socket (transport)
        self.up_cb = {}         # our query ID -> callback of the answer
        self.up_sent = {}       # our query ID -> when sent (loop.time())
        self.plain = not (args.blackhole or args.drop or args.servfail or
                          args.tc_empty or args.tc_partial or
                          args.truncate_udp or args.log)
        self.up_next = 0
        self.lock = threading.Lock()
        self.stopping = False
        self.queries = 0
        self.outstanding = 0
        self.max_outstanding = 0
        self.stats_dirty = False

    def write_stats(self):
        if not self.args.stats or not self.stats_dirty:
            return
        self.stats_dirty = False
        tmp = self.args.stats + ".tmp"
        with open(tmp, "w") as f:
            f.write("queries %d\noutstanding %d\nmax_outstanding %d\n" %
                    (self.queries, self.outstanding, self.max_outstanding))
        os.replace(tmp, self.args.stats)

    async def stats_writer(self):
        while True:
            self.write_stats()
            await asyncio.sleep(0.05)

    def matches(self, rules, name, qtype):
        name = name.rstrip(".").lower()
        for rname, rtype in rules:
            if rname in ("*", name) and rtype in (None, qtype):
                return True
        return False

    def decide(self, query, proto):
        """Return ('drop'|'servfail'|'forward', text for the log)."""
        try:
            _qid, name, qtype, _end = dnswire.parse_question(query)
        except (ValueError, struct.error):
            return "forward", "%s (unparsed query)" % proto
        what = "%s %s %s" % (proto, name, dnswire.type_name(qtype))
        if self.args.blackhole or self.matches(self.args.drop, name, qtype):
            return "drop", what
        if self.matches(self.args.servfail, name, qtype):
            return "servfail", what
        if self.matches(self.args.tc_empty, name, qtype):
            return "tc-empty", what
        if self.matches(self.args.tc_partial, name, qtype):
            return "tc-partial", what
        if proto == "udp" and self.matches(self.args.truncate_udp, name,
                                           qtype):
            return "tc-empty", what
        return "forward", what

    def note(self, action, what):
        if self.log:
            self.log.write("%.3f %s %s\n" % (time.monotonic() - self.t0,
                                             action, what))

    async def answer(self, query, proto):
        """The response to send for query, or None to stay silent."""
        self.begin()
        try:
            return await self.answer1(query, proto)
        finally:
            self.end()

    def begin(self):
        with self.lock:
            self.queries += 1
            self.outstanding += 1
            self.max_outstanding = max(self.max_outstanding,
                                       self.outstanding)
            self.stats_dirty = True

    def end(self):
        with self.lock:
            self.outstanding -= 1
            self.stats_dirty = True

    async def answer1(self, query, proto):
        action, what = self.decide(query, proto)
        self.note(action, what)
        if action == "drop":
            return None
        if action == "servfail":
            return dnswire.servfail_for(query)
        delay = self.delay + (self.tcp_delay if proto == "tcp" else 0)
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            if proto == "udp":
                resp = await self.forward_udp(query)
            else:
                resp = await self.forward_tcp(query)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) \
                as e:
            self.note("upstream-failed", "%s: %s" % (what, e))
            return None
        if action in ("tc-empty", "tc-partial"):
            try:
                resp = dnswire.truncate(resp, 0 if action == "tc-empty"
                                        else 1)
            except (ValueError, struct.error) as e:
                self.note("truncate-failed", "%s: %s" % (what, e))
                return None
        self.note("answered" if action == "forward" else action, what)
        return self.post(resp)

    def post(self, resp):
        """--clear-aa: the answer as a cache would give it (AA off)."""
        if self.clear_aa and resp is not None and len(resp) > 2:
            resp = resp[:2] + bytes([resp[2] & ~0x04]) + resp[3:]
        return resp

    async def open_upstream(self):
        """One upstream socket for every UDP query (a socket per query
        made the relay, not the delay, the limit of a busy client): each
        query goes up under an ID of our own, put back in the answer."""
        relay = self

        class Proto(asyncio.DatagramProtocol):
            def datagram_received(self, data, addr):
                cb = relay.up_cb.get(data[:2]) if len(data) >= 2 else None
                if cb is not None:
                    cb(data)

            def error_received(self, exc):
                pass

        self.loop = asyncio.get_running_loop()
        self.up, _ = await self.loop.create_datagram_endpoint(
            Proto, remote_addr=self.args.upstream)

    def send_up(self, query, on_answer):
        """Send query upstream; on_answer(response or None on time-out)
        runs once, with the client's query ID put back."""
        for _ in range(65536):
            self.up_next = (self.up_next + 1) & 0xFFFF
            qid = struct.pack("!H", self.up_next)
            if qid not in self.up_cb:
                break
        else:
            on_answer(None)
            return
        def done(resp):
            if self.up_cb.pop(qid, None) is None:
                return
            self.up_sent.pop(qid, None)
            on_answer(None if resp is None else query[:2] + resp[2:])

        self.up_cb[qid] = done
        self.up_sent[qid] = self.loop.time()
        self.up.sendto(qid + query[2:])

    async def upstream_sweeper(self):
        """Time out what upstream never answered (one timer for all)."""
        while True:
            await asyncio.sleep(1.0)
            old = self.loop.time() - UPSTREAM_TIMEOUT
            for qid, t in list(self.up_sent.items()):
                if t < old and qid in self.up_cb:
                    self.up_cb[qid](None)

    async def forward_udp(self, query):
        fut = self.loop.create_future()

        def on_answer(resp):
            if not fut.done():
                fut.set_result(resp)

        self.send_up(query, on_answer)
        resp = await fut
        if resp is None:
            raise asyncio.TimeoutError()
        return resp

    def fast_udp(self, query, addr, transport, what):
        """A plain forwarded UDP query without a task: timers and
        callbacks only, so that a thousand queries in flight cost
        little."""
        self.begin()
        self.note("forward", what)

        def on_answer(resp):
            self.end()
            if resp is None:
                self.note("upstream-failed", "%s: time-out" % what)
            else:
                transport.sendto(self.post(resp), addr)
                self.note("answered", what)

        def go():
            self.send_up(query, on_answer)

        if self.delay > 0:
            self.loop.call_later(self.delay, go)
        else:
            go()

    async def forward_tcp(self, query):
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(*self.args.upstream), UPSTREAM_TIMEOUT)
        try:
            writer.write(struct.pack("!H", len(query)) + query)
            await writer.drain()
            hdr = await asyncio.wait_for(reader.readexactly(2),
                                         UPSTREAM_TIMEOUT)
            n = struct.unpack("!H", hdr)[0]
            return await asyncio.wait_for(reader.readexactly(n),
                                          UPSTREAM_TIMEOUT)
        finally:
            writer.close()


def udp_plain_loop(relay, usock):
    """UDP when there is no rule and no log (the bench): a plain poll()
    loop on its own thread, every query delayed by the same time in
    arrival order, forwarded over one upstream socket under an ID of our
    own.  asyncio cost about half a millisecond of CPU per query, which
    made the relay, not the delay, the limit of a busy client."""
    fam = usock.family
    up = socket.socket(fam, socket.SOCK_DGRAM)
    up.connect(relay.args.upstream)
    usock.setblocking(False)
    up.setblocking(False)
    p = select.poll()
    p.register(usock.fileno(), select.POLLIN)
    p.register(up.fileno(), select.POLLIN)
    due = collections.deque()       # (time to send, query, client)
    waiting = {}                    # our ID -> (client's ID, client, sent)
    next_id = 0
    last_sweep = time.monotonic()
    while not relay.stopping:
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, query, addr = due.popleft()
            for _ in range(65536):
                next_id = (next_id + 1) & 0xFFFF
                qid = struct.pack("!H", next_id)
                if qid not in waiting:
                    break
            else:
                relay.end()
                continue
            waiting[qid] = (query[:2], addr, now)
            try:
                up.send(qid + query[2:])
            except OSError:
                del waiting[qid]
                relay.end()
        if now - last_sweep > 1.0:
            last_sweep = now
            for qid, (_, _, t) in list(waiting.items()):
                if now - t > UPSTREAM_TIMEOUT:
                    del waiting[qid]
                    relay.end()
        wait = (due[0][0] - now) * 1000 if due else 200
        for fd, _ev in p.poll(max(0.0, min(wait, 200))):
            if fd == usock.fileno():
                while True:
                    try:
                        data, addr = usock.recvfrom(65535)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break
                    if len(data) < 12:
                        continue
                    relay.begin()
                    due.append((time.monotonic() + relay.delay, data, addr))
            else:
                while True:
                    try:
                        resp = up.recv(65535)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break
                    w = waiting.pop(resp[:2], None)
                    if w is None:
                        continue
                    # Answered before it is sent, as on the asyncio path:
                    # the client may ask its next query (over TCP, on
                    # the other thread) while sendto() runs.
                    relay.end()
                    try:
                        usock.sendto(relay.post(w[0] + resp[2:]), w[1])
                    except OSError:
                        pass
    up.close()


class UdpServer(asyncio.DatagramProtocol):
    def __init__(self, relay):
        self.relay = relay
        self.transport = None
        self.tasks = set()

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        if self.relay.plain:
            # No rule to match and no log: no need to read the question.
            action, what = "forward", "udp"
        else:
            action, what = self.relay.decide(data, "udp")
        if action == "forward":
            self.relay.fast_udp(data, addr, self.transport, what)
            return
        task = asyncio.ensure_future(self.handle(data, addr))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def handle(self, data, addr):
        resp = await self.relay.answer(data, "udp")
        if resp is not None:
            self.transport.sendto(resp, addr)


async def tcp_client(relay, reader, writer):
    lock = asyncio.Lock()
    tasks = set()

    async def one(query):
        resp = await relay.answer(query, "tcp")
        if resp is None:
            return
        async with lock:
            writer.write(struct.pack("!H", len(resp)) + resp)
            try:
                await writer.drain()
            except OSError:
                pass

    try:
        while True:
            hdr = await reader.readexactly(2)
            query = await reader.readexactly(struct.unpack("!H", hdr)[0])
            task = asyncio.ensure_future(one(query))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
    except (asyncio.IncompleteReadError, OSError):
        pass
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
    writer.close()


def bind_both(host, port):
    """Sockets for UDP and TCP on the same port (port 0: find one)."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(100 if port == 0 else 1):
        t = socket.socket(fam, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((host, port))
        u = socket.socket(fam, socket.SOCK_DGRAM)
        try:
            u.bind((host, t.getsockname()[1]))
        except OSError:
            t.close()
            u.close()
            if port:
                raise
            continue
        return u, t
    raise OSError("no port free for both UDP and TCP")


async def serve(args):
    relay = Relay(args)
    loop = asyncio.get_running_loop()
    sweeper = None
    if args.upstream:
        await relay.open_upstream()
        sweeper = asyncio.ensure_future(relay.upstream_sweeper())
    usock, tsock = bind_both(*args.listen)
    port = usock.getsockname()[1]
    udp = thread = None
    if relay.plain and args.upstream:
        thread = threading.Thread(target=udp_plain_loop, args=(relay, usock),
                                  daemon=True)
        thread.start()
    else:
        udp, _ = await loop.create_datagram_endpoint(
            lambda: UdpServer(relay), sock=usock)
    tcp = await asyncio.start_server(
        lambda r, w: tcp_client(relay, r, w), sock=tsock, backlog=512)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or
                                stop.set_result(None))
    writer = asyncio.ensure_future(relay.stats_writer()) \
        if args.stats else None
    print("ready" if args.listen[1] else "ready %d" % port, flush=True)
    await stop
    if sweeper:
        sweeper.cancel()
    if writer:
        writer.cancel()
        relay.stats_dirty = True
        relay.write_stats()
    relay.stopping = True
    if thread:
        thread.join(1.0)
    if udp:
        udp.close()
    tcp.close()


def main():
    ap = argparse.ArgumentParser(
        description="A delaying, dropping DNS relay for the tests.")
    ap.add_argument("--listen", type=hostport, required=True)
    ap.add_argument("--upstream", type=hostport)
    ap.add_argument("--delay-ms", type=float, default=0)
    ap.add_argument("--drop", type=rule, action="append", default=[])
    ap.add_argument("--servfail", type=rule, action="append", default=[])
    ap.add_argument("--tcp-delay-ms", type=float, default=0)
    ap.add_argument("--truncate-udp", type=rule, action="append",
                    default=[])
    ap.add_argument("--tc-empty", type=rule, action="append", default=[])
    ap.add_argument("--tc-partial", type=rule, action="append", default=[])
    ap.add_argument("--blackhole", action="store_true")
    ap.add_argument("--clear-aa", action="store_true")
    ap.add_argument("--log")
    ap.add_argument("--stats")
    args = ap.parse_args()
    if not args.blackhole and not args.upstream:
        ap.error("--upstream is required (or --blackhole)")
    try:
        asyncio.run(serve(args))
    except OSError as e:
        print("dnsrelay: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
