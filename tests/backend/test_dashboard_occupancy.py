"""Chat occupancy (backend/_dashboard_occupancy.py): busy-online ms of the kept human
agents, by cells and by the sweep, equal a plain interval walk.

The reference reads the SQL's chat segments and presence events
(backend/_dashboard_sql.py) and walks them as docs/metrics.md 3.2 and 3.6 state: each
agent's online intervals in ``[start, now)`` (a login to a first site starts a
session online, an agent.status sets the status, the last logout ends it), the union
of its kept chat segments cut to the window, and the measure of their intersection.
"""

from __future__ import annotations

from backend import Store
from backend._dashboard_data import dashboard_data
from backend._dashboard_occupancy import Occupancy
from backend._dashboard_params import DashboardQuery
from backend._dashboard_presence import presence_now
from backend._dashboard_sql import AgentEvent, ChatSegment, agent_events, chat_segments
from ccbench.eventlog import EventLog, Roster
from tests.support.dashboard_pieces import requests

INSTANTS = 60


def _online(events: list[AgentEvent], *, now: int, start: int) -> dict[int, list[tuple[int, int]]]:
    """Per agent, its online intervals in ``[start, now)`` (events: by agent, log order)."""
    out: dict[int, list[tuple[int, int]]] = {}
    sites: dict[int, set[str]] = {}
    status: dict[int, str | None] = {}
    for i, e in enumerate(events):
        mine = sites.setdefault(e.agent, set())
        if e.kind == "agent.login":
            if not mine:
                status[e.agent] = "online"
            mine.add(e.site or "")
        elif e.kind == "agent.logout":
            mine.discard(e.site or "")
            if not mine:
                status[e.agent] = None
        else:
            status[e.agent] = e.status
        nxt = events[i + 1] if i + 1 < len(events) else None
        until = nxt.ts if nxt is not None and nxt.agent == e.agent else now
        lo, hi = max(e.ts, start), min(until, now)
        if status[e.agent] == "online" and lo < hi:
            out.setdefault(e.agent, []).append((lo, hi))
    return out


def _walk(
    segments: list[ChatSegment],
    online: dict[int, list[tuple[int, int]]],
    *,
    agents: list[int],
    skills: tuple[int, ...] | None,
    now: int,
    start: int,
) -> int:
    """Busy-online ms: per agent, its online intervals met with the union of its kept
    segments cut to ``[start, now)``."""  # fmt: skip
    total = 0
    for agent in agents:
        busy = sorted(
            (max(s.start, start), now if s.end is None else min(s.end, now))
            for s in segments
            if s.agent == agent and (skills is None or s.skill in skills)
        )
        merged: list[list[int]] = []
        for lo, hi in busy:
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            elif lo < hi:
                merged.append([lo, hi])
        for a, b in online.get(agent, []):
            total += sum(max(0, min(b, hi) - max(a, lo)) for lo, hi in merged)
    return total


def _humans(roster: Roster, q: DashboardQuery) -> list[int]:
    return sorted(
        a.id for a in roster.agents
        if a.user_type == "human"
        and (q.group_ids is None or a.group_id in q.group_ids)
        and (q.skill_ids is None or set(q.skill_ids) & set(a.skills))
    )  # fmt: skip


def test_busy_and_online_equal_the_interval_walk(dashboard_smoke: tuple[Store, EventLog]) -> None:
    """60 random instants and filters: cells, the sweep (the index without cells: an
    agent with too many skills) and the walk agree on busy-online ms, and the
    presence's online ms are the walk's."""
    store, log = dashboard_smoke
    account = log.roster.account
    p = dashboard_data(store, account=account)
    assert p is not None
    assert p.occupancy.cells is not None
    no_cells = Occupancy(p.occupancy.segments, None)
    busy_seen = 0
    for q, now, start in requests(log, count=INSTANTS, seed=20260415):
        with store.snapshot() as cur:
            segments = chat_segments(cur, account=account, now=now, start=start)
            online = _online(agent_events(cur, account=account, now=now), now=now, start=start)
        humans = _humans(log.roster, q)
        want = _walk(segments, online, agents=humans, skills=q.skill_ids, now=now, start=start)
        mask = p.roster.kept_agents(q) & p.roster.human
        args = {"query": q, "agents": mask, "now": now, "start": start}
        assert p.occupancy.busy_online(p.presence, **args) == want, now  # type: ignore[arg-type]
        assert no_cells.busy_online(p.presence, **args) == want, now  # type: ignore[arg-type]
        pres = presence_now(p.presence, now=now, start=start)
        got_online = int(pres.online_ms[mask].sum())
        assert got_online == sum(hi - lo for a in humans for lo, hi in online.get(a, [])), now
        busy_seen += want
    assert busy_seen > 0
