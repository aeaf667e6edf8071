#!/usr/bin/env python3
"""Opens N keep-alive connections to retryd, makes one request on each, and holds them idle.

Used by idle-memory.sh: prints "open N" once every connection has had its answer, waits for a line on stdin, then
closes them all and prints "closed". Standard library only.
"""
import asyncio
import sys

REQUEST = b"GET /v1/jobs/1234 HTTP/1.1\r\nHost: vendor\r\n\r\n"


async def one(port, held):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(REQUEST)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
    held.append(writer)


async def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    held = []
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    for start in range(0, count, batch):
        await asyncio.gather(*(one(port, held) for _ in range(min(batch, count - start))))
    print(f"open {len(held)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for writer in held:
        writer.close()
    await asyncio.gather(*(writer.wait_closed() for writer in held), return_exceptions=True)
    print("closed", flush=True)


asyncio.run(main())
