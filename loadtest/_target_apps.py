"""Known-good and deliberately faulty targets for proving the harness, served on 127.0.0.1.

* :func:`oracle_target_app`: a target that answers msgagentsegments and the
  dashboard from the oracle itself (roster and ingest are acknowledged), so
  the harness must report zero mismatches against it: any mismatch is the
  harness's fault.
* :func:`faulty_proxy_app`: a proxy in front of any target that injects the
  faults of a :class:`Faults`: round the double message average to one
  decimal, drop one agent from every per-agent map, round the dashboard's
  ``chat.abandon_rate``, drop one agent's row from the dashboard's agents
  table, delay a seeded share of requests. A proxy cannot turn truncated long
  averages into rounded ones (the fraction is already gone), hence the
  message-average fault.
* :func:`serve_app`: run an ASGI app with uvicorn in a thread on a free port.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ccbench import ParameterError
from ccbench.eventlog import EventLog, Roster
from ccbench.serving import serve_asgi

from ._dashboard_queries import dashboard_answer, multi_query

__all__ = ["Faults", "faulty_proxy_app", "oracle_target_app", "serve_app"]

_MESSAGE_AVERAGE = "avgAgentMessagesinAgentSegment"


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def oracle_target_app(*, token: str = "ccbench-token") -> Starlette:
    """A correct target: the reference backend's paths, answers computed by the oracle.

    It keeps the roster PUT and every event POSTed (NDJSON) and answers
    msgagentsegments and the dashboard with an oracle rebuilt from the events
    received so far (event ids seen before are ignored). Honours
    ``X-Clock-Now`` (else the wall clock); requires ``Authorization: Bearer
    <token>``. It decodes queries with the API contract (ccbench.api), as the
    expected answers do, so it proves the plumbing, not the URL encoding
    (tests/api/test_conformance.py checks that against hand-worked cases).
    """
    from oracle import Oracle

    state: dict[str, Any] = {"roster": None, "events": {}, "oracle": None}

    def authorised(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {token}"

    async def roster(request: Request) -> Response:
        if not authorised(request):
            return _json({"error": {"message": "unauthorised"}}, 401)
        state["roster"] = Roster.from_dict(orjson.loads(await request.body()))
        return _json({"account": state["roster"].account})

    async def events(request: Request) -> Response:
        if not authorised(request) or state["roster"] is None:
            return _json({"error": {"message": "unauthorised or no roster"}}, 401)
        seen: dict[str, Any] = state["events"]
        before = len(seen)
        for line in (await request.body()).splitlines():
            if line.strip():
                event = orjson.loads(line)
                seen.setdefault(event["event_id"], event)
        log = EventLog.from_records(list(seen.values()), roster=state["roster"])
        state["oracle"] = Oracle(log)
        return _json({"accepted": len(seen) - before, "duplicates": 0})

    def answer(request: Request, compute: Any) -> Response:
        if not authorised(request):
            return _json({"error": {"message": "unauthorised"}}, 401)
        clock = request.headers.get("x-clock-now")
        now = int(clock) if clock and clock.isdigit() else time.time_ns() // 1_000_000
        oracle = state["oracle"]
        if oracle is None:
            return _json({"error": {"message": "no events yet"}}, 503)
        try:
            return _json(compute(oracle, now))
        except ParameterError as exc:
            return _json({"error": {"message": str(exc), "parameter": exc.parameter}}, 400)

    async def segments(request: Request) -> Response:
        query = request.query_params.multi_items()  # pairs: a repeated name stays repeated
        return answer(request, lambda o, now: o.agent_segments_query(query, now_ms=now))

    async def dashboard(request: Request) -> Response:
        query = multi_query(request.query_params.multi_items())
        return answer(request, lambda o, now: dashboard_answer(o, query, now_ms=now))

    return Starlette(
        routes=[
            Route("/api/v1/accounts/{account}/roster", roster, methods=["PUT"]),
            Route("/api/v1/accounts/{account}/events", events, methods=["POST"]),
            Route("/operations/api/account/{account}/msgagentsegments", segments, methods=["GET"]),
            Route("/api/v1/accounts/{account}/dashboard", dashboard, methods=["GET"]),
        ]
    )


@dataclass(frozen=True)
class Faults:
    """Faults a :func:`faulty_proxy_app` injects (all off by default).

    ``round_message_average``: avgAgentMessagesinAgentSegment rounded to one
    decimal. ``drop_agent``: this agent id removed from every metricsPerAgent.
    ``round_abandon_rate``: the dashboard's ``chat.abandon_rate`` rounded to
    one decimal. ``drop_agent_row``: this agent's row removed from the
    dashboard's ``agents.rows``. ``delay_share``/``delay_ms``: that share of
    requests (seeded by ``seed``) delayed by ``delay_ms`` ms before forwarding.
    """

    round_message_average: bool = False
    drop_agent: int | None = None
    round_abandon_rate: bool = False
    drop_agent_row: int | None = None
    delay_share: float = 0.0
    delay_ms: float = 300.0
    seed: int = 7


def _mutate_dashboard(body: Any, faults: Faults) -> Any:
    if not isinstance(body, dict):
        return body
    chat, agents = body.get("chat"), body.get("agents")
    if faults.round_abandon_rate and isinstance(chat, dict):
        rate = chat.get("abandon_rate")
        if isinstance(rate, float):
            body = {**body, "chat": {**chat, "abandon_rate": round(rate, 1)}}
    if faults.drop_agent_row is not None and isinstance(agents, dict):
        rows = [r for r in agents.get("rows", []) if r.get("agent_id") != faults.drop_agent_row]
        body = {**body, "agents": {**agents, "rows": rows}}
    return body


def _mutate(node: Any, faults: Faults) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if (
                key == "metricsPerAgent"
                and faults.drop_agent is not None
                and isinstance(value, dict)
            ):
                value = {k: v for k, v in value.items() if k != str(faults.drop_agent)}
            if (
                key == _MESSAGE_AVERAGE
                and faults.round_message_average
                and isinstance(value, float)
            ):
                value = round(value, 1)
            out[key] = _mutate(value, faults)
        return out
    if isinstance(node, list):
        return [_mutate(v, faults) for v in node]
    return node


def faulty_proxy_app(upstream: str, faults: Faults) -> Starlette:
    """Forward every request to ``upstream`` (base URL), injecting ``faults`` into answers."""
    rng = random.Random(faults.seed)
    holder: dict[str, httpx.AsyncClient] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # one pooled client on the server's event loop, closed with the server
        holder["client"] = httpx.AsyncClient(base_url=upstream, timeout=60)
        try:
            yield
        finally:
            await holder.pop("client").aclose()

    async def forward(request: Request) -> Response:
        if faults.delay_share and rng.random() < faults.delay_share:
            await asyncio.sleep(faults.delay_ms / 1000.0)
        client = holder["client"]
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")
        }
        reply = await client.request(
            request.method,
            request.url.path,
            params=str(request.query_params),
            headers=headers,
            content=await request.body(),
        )
        content = reply.content
        if reply.status_code == 200 and request.method == "GET":
            content = orjson.dumps(
                _mutate_dashboard(_mutate(orjson.loads(content), faults), faults)
            )
        return Response(
            content, status_code=reply.status_code, media_type=reply.headers.get("content-type")
        )

    return Starlette(
        routes=[Route("/{path:path}", forward, methods=["GET", "POST", "PUT"])],
        lifespan=lifespan,
    )


@contextmanager
def serve_app(app: Any, *, startup_timeout_s: float = 30.0) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (free port) in a thread; yields the base URL; stops on exit."""
    with serve_asgi(app, name="target", startup_timeout_s=startup_timeout_s) as url:
        yield url
