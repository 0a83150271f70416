"""The Locust users send each request exactly once: a reset connection is one error."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from loadtest import EXIT_ERRORS, LoadTestConfig
from tests.support.loadtest_runs import UNTIMED, query_only

_ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
    b"Connection: keep-alive\r\n\r\n{}"
)


@dataclass
class ResettingServer:
    """A keep-alive HTTP/1.1 server that answers ``{}`` to every request but every
    ``every``-th (none when 0), which it reads whole and answers by resetting the connection
    (SO_LINGER 0: an RST, no answer). Counts connections, requests read and resets sent."""

    every: int
    connections: int = 0
    requests: int = 0
    resets: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self, conn: socket.socket) -> None:
        with self._lock:
            self.connections += 1
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buffer) < length:
                    buffer += conn.recv(65536)
                buffer = buffer[length:]
                with self._lock:
                    self.requests += 1
                    reset = bool(self.every) and self.requests % self.every == 0
                    self.resets += reset
                if reset:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return  # closing with linger 0 sends the RST
                conn.sendall(_ANSWER)


@contextmanager
def resetting_server(every: int) -> Iterator[tuple[str, ResettingServer]]:
    """Run a :class:`ResettingServer` on 127.0.0.1 (a thread per connection)."""
    server = ResettingServer(every)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(None)
            threading.Thread(target=server.serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", server
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_every_reset_is_one_connection_error(tmp_path: Path) -> None:
    """A target resetting every 7th request (about 14 %): each reset is exactly one
    `connection` error and every request the server read is exactly one record, so the HTTP
    client retried nothing behind the harness's back (it used to resend GETs after a reset,
    showing 0 errors and exit 0)."""
    cfg = LoadTestConfig(duration_s=2, rate=40, users=2, thresholds=UNTIMED)
    with resetting_server(every=7) as (url, server):
        r = query_only(url, tmp_path, cfg)
    errors = r.summary["errors"]["by_class"]
    assert server.resets > 0
    assert errors.get("connection") == server.resets, (errors, server.resets)
    assert r.summary["requests"]["queries"] == server.requests
    assert r.exit_code & EXIT_ERRORS


def test_a_target_resetting_everything_shows_only_connection_errors(tmp_path: Path) -> None:
    """Every request reset: all records are connection errors, none verified."""
    cfg = LoadTestConfig(duration_s=1, rate=10, users=1, thresholds=UNTIMED)
    with resetting_server(every=1) as (url, server):
        r = query_only(url, tmp_path, cfg)
    assert r.summary["errors"]["by_class"] == {"connection": server.requests}
    assert r.summary["accuracy"]["verified"] == 0


def test_idle_connections_are_not_reused(tmp_path: Path) -> None:
    """One request every 2 s: each goes out on a new connection, since a connection idle for
    over a second may be being closed by the server (a request lost that way would be
    counted against a backend that did nothing wrong)."""
    cfg = LoadTestConfig(duration_s=5, rate=0.5, users=1, dashboard_share=0.0, thresholds=UNTIMED)
    with resetting_server(every=0) as (url, server):
        r = query_only(url, tmp_path, cfg)
    assert r.summary["errors"]["count"] == 0
    assert server.requests == r.summary["requests"]["queries"] >= 2
    assert server.connections == server.requests
