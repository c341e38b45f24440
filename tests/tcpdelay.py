#!/usr/bin/env python3
"""tcpdelay.py - a TCP relay on loopback that adds latency (tests, bench).

  tcpdelay.py --delay-ms N --map LADDR:LPORT=UADDR:UPORT [--map ...]

Listens on every LADDR:LPORT; each connection accepted is joined to a new
connection to its UADDR:UPORT, and every chunk of bytes is passed on N/2
ms after it arrived, in each direction, in order: a request and its answer
cost N ms more, as over a link with a round trip of N ms.  The TCP
handshake itself is not delayed (the kernel completes it before a program
sees the connection), so a connection costs up to one round trip less
than on such a link.  Prints "ready" once listening; runs until killed.
"""

import argparse
import asyncio
import sys


def addr(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


async def pump(reader, writer, delay):
    """Copy reader to writer, each chunk delay seconds after it came."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def sender():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                try:
                    if writer.can_write_eof():
                        writer.write_eof()
                except OSError:
                    pass
                return
            writer.write(data)
            try:
                await writer.drain()
            except OSError:
                return

    task = asyncio.create_task(sender())
    try:
        while True:
            data = await reader.read(65536)
            queue.put_nowait((loop.time() + delay, data or None))
            if not data:
                break
    except OSError:
        queue.put_nowait((loop.time() + delay, None))
    await task


async def serve(listen, upstream, delay):
    async def on_conn(creader, cwriter):
        try:
            ureader, uwriter = await asyncio.open_connection(*upstream)
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(pump(creader, uwriter, delay),
                             pump(ureader, cwriter, delay),
                             return_exceptions=True)
        for w in (cwriter, uwriter):
            w.close()

    return await asyncio.start_server(on_conn, *listen, reuse_address=True)


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--delay-ms", type=float, required=True)
    ap.add_argument("--map", action="append", required=True,
                    help="LADDR:LPORT=UADDR:UPORT")
    a = ap.parse_args()
    servers = []
    for m in a.map:
        listen, _, upstream = m.partition("=")
        servers.append(await serve(addr(listen), addr(upstream),
                                   a.delay_ms / 2000.0))
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
