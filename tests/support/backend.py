"""Helpers shared by the backend tests: a served backend, a client, log builders."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson

from backend import ServerConfig, Store, serve
from backend._dashboard_data import DashboardData, dashboard_data
from ccbench.eventlog import EventLog

ACCOUNT = "acme"
TOKEN = "secret-acme"
SEGMENTS = "/operations/api/account/{account}/msgagentsegments"


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def read_ndjson(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(roster document, event records) of an NDJSON log file."""
    lines = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return lines[0]["roster"], lines[1:]


def ndjson(records: list[Mapping[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


@contextmanager
def backend(
    *,
    test_clock: bool = True,
    tokens: Mapping[str, str] | None = None,
    db: str = ":memory:",
    **kwargs: Any,
) -> Iterator[httpx.Client]:
    """A real backend on 127.0.0.1 and an httpx client bound to it."""
    config = ServerConfig(
        db=db, tokens=dict(tokens or {TOKEN: ACCOUNT}), test_clock=test_clock, **kwargs
    )
    with serve(config) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def load(
    client: httpx.Client,
    roster: Mapping[str, Any],
    records: list[Mapping[str, Any]],
    *,
    account: str = ACCOUNT,
    token: str = TOKEN,
) -> None:
    """Upload the roster and ingest the records in one NDJSON batch (asserting 200s)."""
    r = client.put(
        f"/api/v1/accounts/{account}/roster", content=orjson.dumps(roster), headers=auth(token)
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/accounts/{account}/events",
        content=ndjson(records),
        headers={**auth(token), "Content-Type": "application/x-ndjson"},
    )
    assert r.status_code == 200, r.text


def segments(
    client: httpx.Client,
    *,
    now: int | None,
    account: str = ACCOUNT,
    token: str = TOKEN,
    **params: Any,
) -> httpx.Response:
    """GET msgagentsegments with ``params`` (v=1 added) at test-clock ``now`` (epoch ms)."""
    headers = auth(token)
    if now is not None:
        headers["X-Clock-Now"] = str(now)
    query = {"v": "1", **{k: str(v) for k, v in params.items()}}
    return client.get(SEGMENTS.format(account=account), params=query, headers=headers)


def synthetic_log(
    *, conversations: int, agents: int = 20, start_ms: int = 1_700_000_000_000, seed: int = 1
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A valid log of simple conversations: (roster document, events in log order).

    Each conversation is opened, queued and accepted (new) by one of ``agents``
    human agents, exchanges a few messages, is sometimes transferred to another
    agent, and is closed by the consumer or the agent. Conversations start
    every 2 s; everything is deterministic for a ``seed``.
    """
    import random

    rng = random.Random(seed)
    roster = {
        "account": ACCOUNT,
        "sites": [{"id": "s1"}],
        "groups": [{"id": 1}, {"id": 2}],
        "skills": [{"id": 1}, {"id": 2}],
        "agents": [
            {
                "id": 100 + i,
                "group_id": 1 + i % 2,
                "skills": [1, 2],
                "sites": ["s1"],
                "max_slots": 100_000,
            }
            for i in range(agents)
        ],
    }
    events: list[dict[str, Any]] = []

    def add(ts: int, kind: str, **fields: Any) -> None:
        events.append({"ts": ts, "kind": kind, "account": ACCOUNT, **fields})

    for i in range(agents):
        add(start_ms - 1000, "agent.login", agent_id=100 + i, site="s1")
    sources = ("APP", "WEB", "SMS", "FACEBOOK")
    for n in range(conversations):
        cid = f"c{n}"
        t = start_ms + n * 2000
        agent = 100 + rng.randrange(agents)
        skill = 1 + rng.randrange(2)
        add(
            t,
            "conversation.opened",
            conversation_id=cid,
            site="s1",
            channel="messaging",
            source=sources[n % 4],
            consumer_id=f"u{n}",
        )
        add(t + 100, "conversation.queued", conversation_id=cid, skill_id=skill)
        add(
            t + 200,
            "assignment.offered",
            conversation_id=cid,
            agent_id=agent,
            skill_id=skill,
            reason="new",
        )
        t += 300 + rng.randrange(5000)
        add(
            t,
            "assignment.accepted",
            conversation_id=cid,
            agent_id=agent,
            skill_id=skill,
            reason="new",
        )
        for _ in range(rng.randrange(4)):
            t += 1 + rng.randrange(20_000)
            add(t, "message.sent", conversation_id=cid, sender_role="consumer")
            t += 1 + rng.randrange(20_000)
            add(t, "message.sent", conversation_id=cid, sender_role="agent", agent_id=agent)
        if rng.random() < 0.3:
            other = 100 + (agent - 100 + 1 + rng.randrange(agents - 1)) % agents
            t += 1 + rng.randrange(5000)
            add(
                t,
                "conversation.transferred",
                conversation_id=cid,
                agent_id=agent,
                to_agent_id=other,
            )
            add(
                t + 1,
                "assignment.offered",
                conversation_id=cid,
                agent_id=other,
                skill_id=skill,
                reason="transfer",
            )
            t += 2 + rng.randrange(3000)
            add(
                t,
                "assignment.accepted",
                conversation_id=cid,
                agent_id=other,
                skill_id=skill,
                reason="transfer",
            )
            agent = other
            t += 1 + rng.randrange(20_000)
            add(t, "message.sent", conversation_id=cid, sender_role="agent", agent_id=agent)
        t += 1 + rng.randrange(30_000)
        if rng.random() < 0.5:
            add(t, "conversation.closed", conversation_id=cid, closed_by="consumer", reason="done")
        else:
            add(
                t,
                "conversation.closed",
                conversation_id=cid,
                closed_by="agent",
                reason="done",
                agent_id=agent,
            )
    events.sort(key=lambda e: e["ts"])  # stable: a conversation's same-ts events keep order
    return roster, [{"event_id": f"e{i}", "seq": i, **e} for i, e in enumerate(events)]


def serve_process(
    db: Path | str, port: int, *, account: str = ACCOUNT, token: str = TOKEN
) -> subprocess.Popen[bytes]:
    """``ccbench serve`` as a real child process on 127.0.0.1; returns once it is ready.

    The bearer ``token`` is bound to ``account``; ``db`` may be ``":memory:"``.
    """
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from ccbench.cli import main; sys.exit(main())",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--token",
            f"{account}:{token}",
            "--test-clock",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited with status {proc.returncode}")
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("serve did not become ready")


@contextmanager
def stored_dashboard(log: EventLog, *, account: str) -> Iterator[DashboardData]:
    """The reference backend's dashboard data of ``log`` (its roster, then its events,
    in an in-memory store, closed afterwards): for tests on hand-made logs."""
    store = Store(path=":memory:")
    try:
        store.put_roster(roster=log.roster)
        store.ingest(account=account, table=log.table)
        data = dashboard_data(store, account=account)
        assert data is not None
        yield data
    finally:
        store.close()
