"""Serving the app on a real uvicorn server on 127.0.0.1 for tests and load runs.

:func:`serve` starts uvicorn in a background thread on a free port, waits
until it accepts requests, yields the base URL and stops the server on exit.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from ._app import ServerConfig, create_app

__all__ = ["serve"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(config: ServerConfig, *, startup_timeout_s: float = 30.0) -> Iterator[str]:
    """Run the backend for ``config`` on 127.0.0.1; yields ``http://127.0.0.1:PORT``.

    The server (and its store) is shut down when the block exits.
    """
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
    )
    thread = threading.Thread(target=server.run, name=f"backend-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(timeout=5)
            raise RuntimeError(f"backend did not start on 127.0.0.1:{port}")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
