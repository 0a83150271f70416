"""A trivial HTTP/1.1 keep-alive server for the generator benchmark: `python THIS PORT`.

Every request gets the same small JSON body, so the server costs as little CPU as
possible and the benchmark measures the load generator, not the target.
"""

from __future__ import annotations

import asyncio
import sys

BODY = b'{"metricsTotal":{"totalAgentConversationSegments":0}}'
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    + str(len(BODY)).encode()
    + b"\r\n\r\n"
    + BODY
)


class Trivial(asyncio.Protocol):
    """Answers each complete request head (GET, no body) with RESPONSE."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        n = self.buffer.count(b"\r\n\r\n")
        if n:
            self.buffer = self.buffer[self.buffer.rfind(b"\r\n\r\n") + 4 :]
            self.transport.write(RESPONSE * n)  # type: ignore[attr-defined]


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Trivial, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
