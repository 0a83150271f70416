"""The ASGI application: routes, bearer-token auth, limits, clock.

Every request except ``/healthz``, ``/readyz`` and ``/openapi.json`` (which
holds no account data) needs ``Authorization: Bearer <token>``; each token is
bound to one account. No or an unknown token gives 401; a token of another
account gives 403 before any data is read. Requests and uploads in flight are
limited in all and per account (429, backend/_admission.py); a body over
``max_body_bytes`` gives 413, one not received within ``body_timeout_s`` 408;
a method a path does not serve gives 405 with an ``Allow`` header. Errors are JSON:
``{"error": {"message": ..., ...}}`` plus ``parameter`` (query errors) or
``line``/``field`` (ingest errors).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson
from anyio import to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ccbench import EventSchemaError, ParameterError, RosterError
from ccbench.api import CLOCK_HEADER, DASHBOARD, MSGAGENTSEGMENTS, parse_clock
from ccbench.eventlog import Roster

from ._admission import Admission, Guard, read_body
from ._agent_segments import (
    agent_segment_json,
    prepare_segment_rollup,
    segment_rollup_ready,
)
from ._batch_items import NDJSON_TYPES
from ._dashboard import dashboard_snapshot
from ._dashboard_data import dashboard_data, dashboard_data_ready
from ._dashboard_params import parse_dashboard_query
from ._family_routes import family_routes
from ._ingest import parse_batch
from ._openapi import openapi_document
from ._params import parse_segment_query
from ._query_slots import QuerySlots
from ._records import RECORDS_PATH, records_batch
from ._responses import error_response, json_response
from ._store import Store

__all__ = ["MAX_RECORDS_BYTES", "MAX_ROSTER_BYTES", "ServerConfig", "create_app"]

T = TypeVar("T")
_OPEN_PATHS = frozenset({"/healthz", "/readyz", "/openapi.json"})
#: Largest roster document (bytes): decoded whole, so kept well under the event body limit.
MAX_ROSTER_BYTES = 4 * 1024 * 1024
#: Largest body of vendor records (bytes): decoded whole too (nested documents).
MAX_RECORDS_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ServerConfig:
    """How to run the backend.

    ``db``: DuckDB file path or ``":memory:"``. ``tokens``: token -> account.
    ``test_clock``: honour ``X-Clock-Now: <epoch ms>`` (ccbench.api.CLOCK_HEADER).
    ``max_concurrency``: requests in flight before 429, ``max_account_concurrency`` the same per
    account. ``query_threads``: queries computed at once; the others wait their turn,
    round robin over the accounts (backend/_query_slots.py). ``max_uploads`` /
    ``max_account_uploads``: ingest and roster requests in flight (their bodies take
    memory). ``max_body_bytes``: largest event batch. ``body_timeout_s``: seconds a body may take to
    arrive (408 after). ``shutdown_timeout_s``: seconds a graceful stop
    waits for requests in flight before cancelling them (docs/backend.md).
    """

    db: str
    tokens: Mapping[str, str] = field(default_factory=dict)
    test_clock: bool = False
    max_concurrency: int = 64
    max_account_concurrency: int = 48
    query_threads: int = 2
    max_uploads: int = 4
    max_account_uploads: int = 2
    max_body_bytes: int = 32 * 1024 * 1024
    body_timeout_s: float = 30.0
    shutdown_timeout_s: int = 10

    def __post_init__(self) -> None:
        for name in (
            "max_concurrency",
            "max_account_concurrency",
            "query_threads",
            "max_uploads",
            "max_account_uploads",
            "max_body_bytes",
        ):
            value = getattr(self, name)
            if value < 1:
                raise ParameterError(name, f"expected an integer >= 1, got {value}")
        if not 0 < self.body_timeout_s < float("inf"):
            got = self.body_timeout_s
            raise ParameterError("body_timeout_s", f"expected finite seconds > 0, got {got}")
        if self.shutdown_timeout_s < 1:
            raise ParameterError(
                "shutdown_timeout_s", f"expected whole seconds >= 1, got {self.shutdown_timeout_s}"
            )


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


def create_app(config: ServerConfig) -> Starlette:
    """The backend as an ASGI app; the store opens at startup and closes at shutdown."""
    holder: dict[str, Store] = {}
    admission = Admission(
        max_concurrency=config.max_concurrency,
        max_account_concurrency=config.max_account_concurrency,
        max_uploads=config.max_uploads,
        max_account_uploads=config.max_account_uploads,
    )

    slots = QuerySlots(slots=config.query_threads)

    async def compute(
        account: str,
        work: Callable[[], T],
        *,
        ready: Callable[[], bool],
        prepare: Callable[[], object],
    ) -> T:
        """``work`` in a worker thread once ``account`` has one of the query slots.

        Data the query derives from the store, stale after a write (``ready()`` false),
        is remade by ``prepare`` first, in a thread that holds no slot: an account's
        rebuild (seconds on a large log) never takes a slot that others wait for.
        """
        if not ready():
            await run_in_threadpool(prepare)
        async with slots.slot(account):
            return await to_thread.run_sync(work)

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
        return json_response({"status": "ok"})

    async def readyz(request: Request) -> Response:
        # Open, no token: counts only, never which accounts are busy.
        ready = "store" in holder and await run_in_threadpool(holder["store"].ping)
        load = admission.load()
        status = "ready"
        if not ready:
            status = "not ready"
        elif "requests" in load.saturated:
            status = "saturated"  # every request would get 429
        doc = {
            "status": status,
            "requests": {"in_flight": load.requests, "limit": load.max_requests},
            "uploads": {"in_flight": load.uploads, "limit": load.max_uploads},
            "saturated": load.saturated,
            "accounts_at_limit": load.accounts_at_limit,
        }
        return json_response(doc, 200 if status == "ready" else 503)

    async def openapi(request: Request) -> Response:
        return json_response(openapi_document())

    async def put_roster(request: Request) -> Response:
        account = _check_account(request)
        with admission.upload(account):
            limit = min(config.max_body_bytes, MAX_ROSTER_BYTES)
            body = await read_body(request, limit=limit, timeout_s=config.body_timeout_s)
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
        return json_response({"account": account, "agents": len(roster.agents)})

    async def get_roster(request: Request) -> Response:
        account = _check_account(request)
        doc = await run_in_threadpool(store().get_roster, account=account)
        if doc is None:
            raise HTTPException(404, f"no roster stored for account {account!r}")
        return json_response(doc)

    async def roster(request: Request) -> Response:
        return await (put_roster if request.method == "PUT" else get_roster)(request)

    async def post_events(request: Request) -> Response:
        account = _check_account(request)
        ndjson = _batch_media(request)

        def work(box: list[bytearray]) -> dict[str, int]:
            # the body's only reference is popped here: it is freed once checked, before
            # DuckDB's insert (up to 32 MiB less at the request's peak)
            table, repeats = parse_batch(box.pop(), ndjson=ndjson, account=account)
            result = store().ingest(account=account, table=table)
            return {"accepted": result.accepted, "duplicates": result.duplicates + repeats}

        with admission.upload(account):
            box = [
                await read_body(
                    request, limit=config.max_body_bytes, timeout_s=config.body_timeout_s
                )
            ]
            answer = await run_in_threadpool(work, box)
        return json_response(answer)

    async def post_records(request: Request) -> Response:
        account = _check_account(request)
        ndjson = _batch_media(request)

        def work(box: list[bytearray]) -> dict[str, Any]:
            doc = store().get_roster(account=account)
            if doc is None:
                raise HTTPException(404, f"no roster stored for account {account!r}")
            body = bytes(box.pop())
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

        with admission.upload(account):
            limit = min(config.max_body_bytes, MAX_RECORDS_BYTES)
            box = [await read_body(request, limit=limit, timeout_s=config.body_timeout_s)]
            answer = await run_in_threadpool(work, box)
        return json_response(answer)

    async def msgagentsegments(request: Request) -> Response:
        account = _check_account(request)
        query = parse_segment_query(request.query_params.multi_items())
        now = now_ms(request)

        def work() -> bytes:
            # the answer comes as JSON already (backend/_segment_json.py)
            return agent_segment_json(store(), account=account, query=query, now_ms=now)

        body = await compute(
            account,
            work,
            ready=lambda: segment_rollup_ready(store(), account=account),
            prepare=lambda: prepare_segment_rollup(store(), account=account),
        )
        return Response(body, media_type="application/json")

    async def dashboard(request: Request) -> Response:
        account = _check_account(request)
        query = parse_dashboard_query(request.query_params.multi_items())
        now = now_ms(request)

        def work() -> dict[str, Any]:
            answer = dashboard_snapshot(store(), account=account, query=query, now_ms=now)
            if answer is None:
                raise HTTPException(404, f"no roster stored for account {account!r}")
            return answer

        answer = await compute(
            account,
            work,
            ready=lambda: dashboard_data_ready(store(), account=account),
            prepare=lambda: dashboard_data(store(), account=account),
        )
        return json_response(answer)

    async def on_parameter(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ParameterError)
        return error_response(400, str(exc), parameter=exc.parameter)

    async def on_event(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, EventSchemaError)
        return error_response(400, str(exc), line=exc.line, field=exc.field)

    async def on_roster(request: Request, exc: Exception) -> Response:
        return error_response(400, str(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        # Starlette's 405 carries the Allow header, a 408 Connection: close: keep them.
        return error_response(exc.status_code, str(exc.detail), exc.headers)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        holder["store"] = await run_in_threadpool(lambda: Store(path=config.db))
        try:
            yield
        finally:
            closing = holder.pop("store")
            await run_in_threadpool(closing.close, timeout_s=config.shutdown_timeout_s)

    roster_path = "/api/v1/accounts/{account}/roster"
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        # One route per path, so that a 405's Allow lists every method of the path.
        Route(roster_path, roster, methods=["GET", "PUT"]),
        Route("/api/v1/accounts/{account}/events", post_events, methods=["POST"]),
        Route(RECORDS_PATH, post_records, methods=["POST"]),
        Route(str(MSGAGENTSEGMENTS.path), msgagentsegments, methods=["GET"]),
        Route(str(DASHBOARD.path), dashboard, methods=["GET"]),
        *family_routes(store=store, now_ms=now_ms, check_account=_check_account, compute=compute),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        ParameterError: on_parameter,
        EventSchemaError: on_event,
        RosterError: on_roster,
        HTTPException: on_http,
    }
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    # Unhandled errors become a 500 in the guard, which keeps the connection open
    # (a handler for Exception would run in Starlette's outermost middleware, which
    # re-raises, and the server would then reset the connection).
    app.add_middleware(Guard, tokens=config.tokens, admission=admission, open_paths=_OPEN_PATHS)
    return app
