"""Serving an ASGI app on 127.0.0.1 for tests, the demo and load runs, and stopping the
child process groups (``ccbench serve``, Locust) the demo and the harness start.

Shared by the reference backend (``backend.serve``) and the load harness's test targets
(``loadtest.serve_app``), which must not import each other.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

__all__ = ["free_port", "serve_asgi", "stop_group"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_group(proc: subprocess.Popen[Any], *, timeout_s: float) -> None:
    """Stop a child started with ``start_new_session=True`` and everything it forked:
    SIGTERM to its process group, SIGKILL after ``timeout_s`` s. No-op once it exited."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextmanager
def serve_asgi(
    app: Any,
    *,
    name: str = "asgi",
    lifespan: Literal["auto", "on", "off"] = "auto",
    startup_timeout_s: float = 30.0,
    shutdown_timeout_s: int | None = None,
) -> Iterator[str]:
    """Run ``app`` on a real uvicorn server on 127.0.0.1 (free port) in a background thread.

    Waits until it accepts requests, yields ``http://127.0.0.1:PORT`` and stops the server
    when the block exits (requests still in flight after ``shutdown_timeout_s`` seconds
    are cancelled; None waits for them). Raises RuntimeError naming the port if it does
    not start within ``startup_timeout_s`` seconds.
    """
    import uvicorn  # only the callers that serve pay for importing it

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan=lifespan,
            timeout_graceful_shutdown=shutdown_timeout_s,
        )
    )
    thread = threading.Thread(target=server.run, name=f"{name}-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(timeout=5)
            raise RuntimeError(f"{name} did not start on 127.0.0.1:{port}")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
