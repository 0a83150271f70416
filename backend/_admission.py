"""Admission: who may start a request now, and the guard that applies it.

Three limits, each counted while a request is in flight (one event loop: no
locks). **Requests**: at most ``max_concurrency`` in all and
``max_account_concurrency`` per account (the bearer token's), so one account
cannot hold every slot. **Uploads** (ingest and roster bodies, which take
memory while they are read and checked): at most ``max_uploads`` in all and
``max_account_uploads`` per account. A request over a limit gets 429 naming
it. A body must arrive within ``body_timeout_s`` of the handler asking for
it, or the request gets 408 and its slots are freed: a client that sends
headers and never the body holds a slot for that long at most.

:class:`Guard` is the outer ASGI middleware: 401 without a valid token, 429
over the request limits, and a 500 for any unhandled error, sent without
dropping the connection (the default server error handler re-raises, and
the server then resets a keep-alive connection), or a 503 for a request the
server cancels when its graceful stop times out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._responses import error_response

__all__ = ["Admission", "Guard", "Load", "read_body"]

_log = logging.getLogger("backend")
_REQUESTS, _UPLOADS = 0, 1  # indexes of the in-flight counters


@dataclass(frozen=True, slots=True)
class Load:
    """What is in flight now, for /readyz: requests and uploads against their limits,
    and how many accounts are at one of their own limits (never which ones)."""

    requests: int
    max_requests: int
    uploads: int
    max_uploads: int
    accounts_at_limit: int

    @property
    def saturated(self) -> list[str]:
        """The global limits reached: "requests" (everything gets 429), "uploads"."""
        full = []
        if self.requests >= self.max_requests:
            full.append("requests")
        if self.uploads >= self.max_uploads:
            full.append("uploads")
        return full


@dataclass
class Admission:
    """Counters of requests and uploads in flight, in all and per account."""

    max_concurrency: int
    max_account_concurrency: int
    max_uploads: int
    max_account_uploads: int
    _in_flight: list[int] = field(default_factory=lambda: [0, 0])  # [requests, uploads]
    _per_account: dict[str, list[int]] = field(default_factory=dict)  # the same per account

    def request(self, account: str) -> AbstractContextManager[None]:
        """Hold a request slot of ``account``; HTTPException 429 when none is free."""
        return self._hold(_REQUESTS, account)

    def upload(self, account: str) -> AbstractContextManager[None]:
        """Hold an upload slot of ``account`` (inside its request slot); 429 when none."""
        return self._hold(_UPLOADS, account)

    def _limits(self, kind: int) -> tuple[int, int]:
        if kind == _REQUESTS:
            return self.max_concurrency, self.max_account_concurrency
        return self.max_uploads, self.max_account_uploads

    @contextmanager
    def _hold(self, kind: int, account: str) -> Iterator[None]:
        noun = ("requests", "uploads")[kind]
        limit, account_limit = self._limits(kind)
        mine = self._per_account.get(account, [0, 0])
        if self._in_flight[kind] >= limit:
            raise HTTPException(429, f"too many concurrent {noun} (limit {limit}); retry later")
        if mine[kind] >= account_limit:
            raise HTTPException(
                429,
                f"too many concurrent {noun} for account {account!r} "
                f"(limit {account_limit} per account)",
            )
        self._per_account[account] = mine
        self._in_flight[kind] += 1
        mine[kind] += 1
        try:
            yield
        finally:
            self._in_flight[kind] -= 1
            mine[kind] -= 1
            if mine == [0, 0]:
                del self._per_account[account]

    def load(self) -> Load:
        """The current load (requests, uploads, accounts at a limit of theirs)."""
        at_limit = sum(
            1
            for requests, uploads in self._per_account.values()
            if requests >= self.max_account_concurrency or uploads >= self.max_account_uploads
        )
        return Load(
            requests=self._in_flight[_REQUESTS],
            max_requests=self.max_concurrency,
            uploads=self._in_flight[_UPLOADS],
            max_uploads=self.max_uploads,
            accounts_at_limit=at_limit,
        )


async def read_body(request: Request, *, limit: int, timeout_s: float) -> bytearray:
    """The request body, at most ``limit`` bytes (413 beyond, declared or streamed),
    received within ``timeout_s`` seconds (408 otherwise)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(
            413, f"request body of {declared} bytes exceeds the limit of {limit} bytes"
        )
    body = bytearray()
    deadline = time.monotonic() + timeout_s
    stream = request.stream().__aiter__()
    while True:
        try:
            async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                chunk = await anext(stream)
        except StopAsyncIteration:
            return body
        except TimeoutError:
            raise HTTPException(
                408,
                f"request body not received within {timeout_s:g} s "
                f"({len(body)} bytes arrived); send it at once after the headers",
                headers={"Connection": "close"},
            ) from None
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"request body exceeds the limit of {limit} bytes")


class Guard:
    """Pure-ASGI middleware: 401 without a valid token, 429 over the request limits,
    500 (connection kept) for an unhandled error.

    The token's account is left in ``scope["ccbench.account"]`` for the 403 check.
    ``open_paths`` need no token and take no slot (health, readiness).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        tokens: Mapping[str, str],
        admission: Admission,
        open_paths: frozenset[str],
    ) -> None:
        self.app = app
        self.tokens = dict(tokens)
        self.admission = admission
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._admit(scope, receive, tracked)
        except HTTPException as exc:
            await error_response(exc.status_code, exc.detail, exc.headers)(scope, receive, send)
        except ClientDisconnect:
            pass  # the client left while sending its body: nobody to answer
        except asyncio.CancelledError:
            # The server is stopping and its shutdown timeout has passed: say so (a
            # client may retry elsewhere) and end the request without a traceback.
            if not started:
                message = "the server is stopping: the request was not completed (retry it)"
                await error_response(503, message, {"Connection": "close"})(scope, receive, send)
        except Exception:
            _log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                message = "internal error (a bug: please report it)"
                await error_response(500, message)(scope, receive, send)

    async def _admit(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] in self.open_paths:
            await self.app(scope, receive, send)
            return
        account = self._account(scope)
        if account is None:
            raise HTTPException(401, "missing or invalid bearer token")
        with self.admission.request(account):
            scope["ccbench.account"] = account
            await self.app(scope, receive, send)

    def _account(self, scope: Scope) -> str | None:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer":
                    return self.tokens.get(token.strip())
                return None
        return None
