"""The ASGI application: routes, bearer-token auth, concurrency and body limits, clock.

Every request except ``/healthz``, ``/readyz`` and ``/openapi.json`` (which
holds no account data) needs ``Authorization: Bearer <token>``; each token is
bound to one account. No or an unknown token gives 401; a token of another
account gives 403 before any data is read. More requests in flight than
``max_concurrency`` gives 429; a body over ``max_body_bytes`` gives 413; a
method a path does not serve gives 405 with an ``Allow`` header. Errors are JSON:
``{"error": {"message": ..., ...}}`` plus ``parameter`` (query errors) or
``line``/``field`` (ingest errors).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ccbench import EventSchemaError, ParameterError, RosterError
from ccbench.api import CLOCK_HEADER, DASHBOARD, MSGAGENTSEGMENTS, parse_clock
from ccbench.eventlog import Roster

from ._agent_segments import agent_segment_metrics
from ._dashboard import dashboard_snapshot
from ._dashboard_params import parse_dashboard_query
from ._ingest import NDJSON_TYPES, parse_batch
from ._openapi import openapi_document
from ._params import parse_segment_query
from ._records import records_batch
from ._store import Store

__all__ = ["ServerConfig", "create_app"]

_log = logging.getLogger("backend")
_OPEN_PATHS = frozenset({"/healthz", "/readyz", "/openapi.json"})


@dataclass(frozen=True)
class ServerConfig:
    """How to run the backend.

    ``db``: DuckDB file path or ``":memory:"``. ``tokens``: token -> account.
    ``test_clock``: honour ``X-Clock-Now: <epoch ms>`` (ccbench.api.CLOCK_HEADER).
    ``max_concurrency``: requests in flight before 429. ``max_body_bytes``: largest request body.
    """

    db: str
    tokens: Mapping[str, str] = field(default_factory=dict)
    test_clock: bool = False
    max_concurrency: int = 64
    max_body_bytes: int = 32 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.max_concurrency < 1:
            raise ParameterError("max_concurrency", f"expected >= 1, got {self.max_concurrency}")
        if self.max_body_bytes < 1:
            raise ParameterError("max_body_bytes", f"expected >= 1, got {self.max_body_bytes}")


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(body), status_code=status, headers=headers, media_type="application/json"
    )


def _error(
    status: int, message: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> Response:
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return _json({"error": {"message": message, **extra}}, status, headers)


class _Guard:
    """Pure-ASGI middleware: 429 beyond the concurrency limit, then 401 without a valid token.

    The token's account is left in ``scope["ccbench.account"]`` for the 403 check.
    """

    def __init__(self, app: ASGIApp, *, tokens: Mapping[str, str], limit: int) -> None:
        self.app = app
        self.tokens = dict(tokens)
        self.limit = limit
        self.in_flight = 0  # one event loop: no lock needed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            await _error(429, f"too many concurrent requests (limit {self.limit})")(
                scope, receive, send
            )
            return
        self.in_flight += 1
        try:
            account = self._account(scope)
            if account is None:
                await _error(401, "missing or invalid bearer token")(scope, receive, send)
                return
            scope["ccbench.account"] = account
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1

    def _account(self, scope: Scope) -> str | None:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer":
                    return self.tokens.get(token.strip())
                return None
        return None


def _check_account(request: Request) -> str:
    account: str = request.path_params["account"]
    if request.scope.get("ccbench.account") != account:
        raise HTTPException(403, f"the token is not valid for account {account!r}")
    return account


def _batch_media(request: Request) -> bool:
    """Whether an ingest body is NDJSON (else a JSON document); 415 for any other type."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in (*NDJSON_TYPES, "application/json"):
        raise HTTPException(
            415,
            f"expected Content-Type {NDJSON_TYPES[0]} or application/json, got {media or 'none'!r}",
        )
    return media != "application/json"


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(
            413, f"request body of {declared} bytes exceeds the limit of {limit} bytes"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body exceeds the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(config: ServerConfig) -> Starlette:
    """The backend as an ASGI app; the store opens at startup and closes at shutdown."""
    holder: dict[str, Store] = {}

    def store() -> Store:
        if "store" not in holder:
            raise HTTPException(503, "the store is not open")
        return holder["store"]

    def now_ms(request: Request) -> int:
        raw = request.headers.get(CLOCK_HEADER)
        if config.test_clock and raw is not None:
            return parse_clock(raw)
        return time.time_ns() // 1_000_000

    async def healthz(request: Request) -> Response:
        return _json({"status": "ok"})

    async def readyz(request: Request) -> Response:
        ready = "store" in holder and await run_in_threadpool(holder["store"].ping)
        return _json({"status": "ready" if ready else "not ready"}, 200 if ready else 503)

    async def openapi(request: Request) -> Response:
        return _json(openapi_document())

    async def put_roster(request: Request) -> Response:
        account = _check_account(request)
        body = await _body(request, config.max_body_bytes)
        try:
            doc = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise RosterError(f"body is not valid JSON: {exc}") from exc
        roster = Roster.from_dict(doc)
        if roster.account != account:
            raise RosterError(
                f"roster.account: expected {account!r} (the account in the "
                f"path), got {roster.account!r}"
            )
        await run_in_threadpool(store().put_roster, roster=roster)
        return _json({"account": account, "agents": len(roster.agents)})

    async def get_roster(request: Request) -> Response:
        account = _check_account(request)
        doc = await run_in_threadpool(store().get_roster, account=account)
        if doc is None:
            raise HTTPException(404, f"no roster stored for account {account!r}")
        return _json(doc)

    async def roster(request: Request) -> Response:
        return await (put_roster if request.method == "PUT" else get_roster)(request)

    async def post_events(request: Request) -> Response:
        account = _check_account(request)
        ndjson = _batch_media(request)
        body = await _body(request, config.max_body_bytes)

        def work() -> dict[str, int]:
            table, repeats = parse_batch(body, ndjson=ndjson, account=account)
            result = store().ingest(account=account, table=table)
            return {"accepted": result.accepted, "duplicates": result.duplicates + repeats}

        return _json(await run_in_threadpool(work))

    async def post_records(request: Request) -> Response:
        account = _check_account(request)
        ndjson = _batch_media(request)
        body = await _body(request, config.max_body_bytes)

        def work() -> dict[str, Any]:
            doc = store().get_roster(account=account)
            if doc is None:
                raise HTTPException(404, f"no roster stored for account {account!r}")
            batch = records_batch(body, ndjson=ndjson, roster=Roster.from_dict(doc))
            result = store().ingest(account=account, table=batch.table)
            return {
                "accepted": result.accepted,
                "duplicates": result.duplicates,
                "conversations": batch.conversations,
                "refused": batch.refused,
                "problems": batch.problem_count,
                "examples": batch.problems,
            }

        return _json(await run_in_threadpool(work))

    async def msgagentsegments(request: Request) -> Response:
        account = _check_account(request)
        query = parse_segment_query(request.query_params.multi_items())
        now = now_ms(request)
        result = await run_in_threadpool(
            agent_segment_metrics, store(), account=account, query=query, now_ms=now
        )
        return _json(result)

    async def dashboard(request: Request) -> Response:
        account = _check_account(request)
        query = parse_dashboard_query(request.query_params.multi_items())
        now = now_ms(request)

        def work() -> dict[str, Any]:
            doc = store().get_roster(account=account)
            if doc is None:
                raise HTTPException(404, f"no roster stored for account {account!r}")
            return dashboard_snapshot(
                store(), account=account, query=query, now_ms=now, roster=Roster.from_dict(doc)
            )

        return _json(await run_in_threadpool(work))

    async def on_parameter(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ParameterError)
        return _error(400, str(exc), parameter=exc.parameter)

    async def on_event(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, EventSchemaError)
        return _error(400, str(exc), line=exc.line, field=exc.field)

    async def on_roster(request: Request, exc: Exception) -> Response:
        return _error(400, str(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        # Starlette's 405 carries the Allow header; keep it (RFC 9110 requires it).
        return _error(exc.status_code, str(exc.detail), exc.headers)

    async def on_crash(request: Request, exc: Exception) -> Response:
        _log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "internal error (a bug: please report it)")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        holder["store"] = await run_in_threadpool(lambda: Store(path=config.db))
        try:
            yield
        finally:
            closing = holder.pop("store")
            await run_in_threadpool(closing.close)

    roster_path = "/api/v1/accounts/{account}/roster"
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        # One route per path, so that a 405's Allow lists every method of the path.
        Route(roster_path, roster, methods=["GET", "PUT"]),
        Route("/api/v1/accounts/{account}/events", post_events, methods=["POST"]),
        Route("/api/v1/accounts/{account}/records", post_records, methods=["POST"]),
        Route(str(MSGAGENTSEGMENTS.path), msgagentsegments, methods=["GET"]),
        Route(str(DASHBOARD.path), dashboard, methods=["GET"]),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        ParameterError: on_parameter,
        EventSchemaError: on_event,
        RosterError: on_roster,
        HTTPException: on_http,
        Exception: on_crash,
    }
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    app.add_middleware(_Guard, tokens=config.tokens, limit=config.max_concurrency)
    return app
