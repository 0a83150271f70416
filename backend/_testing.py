"""Serving the app on a real uvicorn server on 127.0.0.1 for tests and load runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ccbench.serving import serve_asgi

from ._app import ServerConfig, create_app

__all__ = ["serve"]


@contextmanager
def serve(config: ServerConfig, *, startup_timeout_s: float = 30.0) -> Iterator[str]:
    """Run the backend for ``config`` on 127.0.0.1; yields ``http://127.0.0.1:PORT``.

    The server (and its store) is shut down when the block exits.
    """
    with serve_asgi(
        create_app(config),
        name="backend",
        lifespan="on",
        startup_timeout_s=startup_timeout_s,
        shutdown_timeout_s=config.shutdown_timeout_s,
    ) as url:
        yield url
