"""The real-time messaging dashboard (seed 003): one snapshot at ``now``.

SQL (backend/_dashboard_sql.py) returns per-conversation facts, closes, chat
queue stays, chat segments and presence events; this module applies the
skill and group filters and aggregates them into the sections of
docs/metrics.md section 3.8. Arithmetic conventions (docs/metrics.md 3.3-3.7):
means of ms are sums over counts truncated toward zero; percentages are
``(100.0 * part) / whole`` as unrounded doubles, null when ``whole`` is 0;
sums of float weights and loads are correctly rounded (``math.fsum``), so
they do not depend on the order rows arrive in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from ccbench.eventlog import Roster

from ._dashboard_closes import close_sums
from ._dashboard_core import Context, close_stats, is_active, mean_ms, percent, presence_at
from ._dashboard_facts import agent_events, chat_occupancy, chat_sums, open_conversations
from ._dashboard_index import DashboardIndex, dashboard_index
from ._dashboard_params import DashboardQuery, closed_window
from ._dashboard_sql import ChatSegment, ConvFacts
from ._dashboard_summary import ChatSums, CloseSums, FamilySums
from ._dashboard_tables import agent_rows, paged, skill_rows
from ._store import Store

__all__ = ["dashboard_snapshot", "family_sums", "weights"]

HOUR_MS = 3_600_000
SKILLS_WINDOW_MS = 12 * HOUR_MS  # seed 003: the skills table's closes and CSAT cover 12 h


def _kept_agents(roster: Roster, query: DashboardQuery) -> list[int]:
    skills = None if query.skill_ids is None else set(query.skill_ids)
    return sorted(
        a.id
        for a in roster.agents
        if (query.group_ids is None or a.group_id in query.group_ids)
        and (skills is None or skills & set(a.skills))
    )


def _kept_open(ctx: Context) -> list[ConvFacts]:
    """Open conversations of the mode's channel kept by the filters (current skill;
    assigned agent's group)."""
    return [
        c for c in ctx.convs.values()
        if c.is_open and c.channel == ctx.query.mode and ctx.skill_kept(c.cur_skill)
        and (ctx.query.group_ids is None or ctx.agent_kept(c.seg_agent))
    ]  # fmt: skip


def weights(ctx: Context, kept_open: Iterable[ConvFacts]) -> dict[int, list[tuple[float, bool]]]:
    """Per agent, (weight, active) of each kept assigned conversation (section 3.3)."""
    load = ctx.roster.load
    intensity = {s.id: s.intensity for s in ctx.roster.skills}
    out: dict[int, list[tuple[float, bool]]] = {}
    for c in kept_open:
        if c.seg_agent is None:
            continue
        active = is_active(ctx, c)
        if ctx.query.load == "active":
            w = 1.0 if active else 0.0
        else:
            base = load.active_weight if active else load.inactive_weight
            w = base * intensity.get(c.seg_skill if c.seg_skill is not None else -1, 1.0)
        out.setdefault(c.seg_agent, []).append((w, active))
    return out


def _loads(ctx: Context, by_agent: dict[int, list[tuple[float, bool]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, want in (("load", None), ("load_online", True), ("load_other", False)):
        chosen = [
            a for a in ctx.kept_agents
            if ctx.presence[a].status is not None
            and (want is None or (ctx.presence[a].status == "online") == want)
        ]  # fmt: skip
        slots = sum(ctx.max_slots(a) for a in chosen)
        total = math.fsum(w for a in chosen for w, _ in by_agent.get(a, ()))
        out[key] = percent(total, slots)
    return out


def family_sums(convs: Sequence[ConvFacts]) -> FamilySums:
    """Sums and counts of the response-time family and MCS over ``convs``."""

    def total(values: Iterable[int | None]) -> tuple[int, int]:
        present = [v for v in values if v is not None]
        return sum(present), len(present)

    scored = [c for c in convs if c.mcs is not None]
    return FamilySums(
        sum(c.agent_resp_sum for c in convs),
        sum(c.agent_resp_n for c in convs),
        sum(c.consumer_resp_sum for c in convs),
        sum(c.consumer_resp_n for c in convs),
        sum(c.first_sum for c in convs),
        sum(c.first_n for c in convs),
        *total(c.ttfr for c in convs),
        *total(c.ttfr_consumer for c in convs),
        *total(c.ttfr_first_assign for c in convs),
        *total(c.time_to_first_assign for c in convs),
        *total(c.mcs for c in scored),
        sum(1 for c in scored if c.mcs_alerted == 1),
        sum(1 for c in scored if c.mcs_alerted == -1),
    )


def response_family(f: FamilySums) -> dict[str, Any]:
    """Response-time KPIs from their sums (section 3.4): means truncated toward zero."""
    ttfr = mean_ms(f.ttfr_sum, f.ttfr_n)
    first_assign = mean_ms(f.ttfr_first_assign_sum, f.ttfr_first_assign_n)
    return {
        "response_time": mean_ms(f.a_sum, f.a_n),
        "response_time_consumer": mean_ms(f.c_sum, f.c_n),
        "ttfr_all_assign": mean_ms(f.f_sum, f.f_n),
        "ttfr": ttfr,
        "ttfr_consumer": mean_ms(f.ttfr_consumer_sum, f.ttfr_consumer_n),
        "ttfr_first_assign": first_assign,
        "wait_time": None if ttfr is None or first_assign is None else ttfr - first_assign,
        "time_to_first_assign": mean_ms(f.ttfa_sum, f.ttfa_n),
    }


def mcs(f: FamilySums) -> dict[str, Any]:
    """Latest MCS per conversation: mean score (double), count, positive/negative flags."""
    return {
        "average": f.mcs_sum / f.mcs_n if f.mcs_n else None,
        "scored": f.mcs_n,
        "positive": f.mcs_positive,
        "negative": f.mcs_negative,
    }


def _measure_overlap(online: list[tuple[int, int]], busy: list[tuple[int, int]]) -> int:
    """Length of (union of online) intersected with (union of busy); online is disjoint."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(busy):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    total = 0
    for a, b in online:
        for lo, hi in merged:
            total += max(0, min(b, hi) - max(a, lo))
    return total


def occupancy(ctx: Context, segments: list[ChatSegment], online: dict[int, Any]) -> tuple[int, int]:
    """(busy, online) ms of the kept human agents over ``[start, now)``: their online time,
    and the part of it covered by their kept chat segments (section 3.6). The request path
    computes the same in memory (backend/_dashboard_facts.chat_occupancy); this is its
    reference (tests/backend/test_dashboard_facts.py)."""
    q, now, start = ctx.query, ctx.now, ctx.start
    segs = [
        s for s in segments
        if ctx.skill_kept(s.skill) and (q.group_ids is None or ctx.agent_kept(s.agent))
    ]  # fmt: skip
    busy_by_agent: dict[int, list[tuple[int, int]]] = {}
    for s in segs:
        end = now if s.end is None else min(s.end, now)
        busy_by_agent.setdefault(s.agent, []).append((max(s.start, start), end))
    online_total = busy_total = 0
    for agent in ctx.kept_agents:
        intervals = online.get(agent, [])
        if not ctx.is_human(agent) or not intervals:
            continue
        online_total += sum(hi - lo for lo, hi in intervals)
        busy_total += _measure_overlap(intervals, busy_by_agent.get(agent, []))
    return busy_total, online_total


def chat(ctx: Context, stays: ChatSums, busy_total: int, online_total: int) -> dict[str, Any]:
    """Chat-mode KPIs over ``[start, now)`` (section 3.6); queue stays come summed, the
    occupancy as its busy and online ms (:func:`occupancy`)."""
    q = ctx.query
    st = stays
    whole = st.abandoned + st.connected if q.abandon_rate == "handled" else st.entered
    return {
        "in_queue": st.in_queue,
        "entered": st.entered,
        "abandoned": st.abandoned,
        "abandon_rate": percent(st.abandoned, whole),
        "avg_time_to_abandon": mean_ms(st.abandoned_sum, st.abandoned),
        "connected": st.connected,
        "service_level": percent(st.within_sl, st.connected),
        "occupancy": percent(busy_total, online_total),
        "avg_time_to_answer": mean_ms(st.connected_sum, st.connected),
        "aht": mean_ms(st.handled_sum, st.handled),
    }


def alerts(out: dict[str, Any], thresholds: Sequence[tuple[str, float]]) -> list[dict[str, Any]]:
    """KPIs whose value has reached its threshold (``value >= threshold``), in KPI order."""
    found = []
    for kpi, limit in thresholds:
        section, key = kpi.split(".")
        if out[section] is None:
            continue  # the other mode's section
        value = out[section][key]
        if value is not None and value >= limit:
            found.append({"kpi": kpi, "value": value, "threshold": limit})
    return found


def _occupancy(x: DashboardIndex, ctx: Context, online: dict[int, Any]) -> tuple[int, int]:
    humans = [a for a in ctx.kept_agents if ctx.is_human(a)]
    return chat_occupancy(
        x, query=ctx.query, now=ctx.now, start=ctx.start, online=online, agents=humans
    )


def dashboard_snapshot(
    store: Store, *, account: str, query: DashboardQuery, now_ms: int
) -> dict[str, Any] | None:
    """The dashboard of ``account`` at ``now_ms`` (docs/metrics.md section 3.8 shape);
    None when no roster is stored.

    The answer is read from the account's dashboard index (backend/_dashboard_index.py),
    made in one read transaction: the state after some whole number of committed
    batches, never a mix.
    """
    now = now_ms
    messaging = query.mode == "messaging"
    x = dashboard_index(store, account=account)
    if x is None:
        return None
    roster = x.roster
    start, _ = closed_window(query, now_ms=now, timezone=roster.timezone)
    convs = open_conversations(x, now=now)
    close_rows = close_sums(x, query=query, now=now, start=start, skills_lo=now - SKILLS_WINDOW_MS)
    if not messaging:  # the chat section: chat visitors' waits
        stays = chat_sums(x, query=query, now=now, start=start)
    presence_events = agent_events(x, now=now)
    presence, online = presence_at(presence_events, roster=roster, now=now, start=start)
    ctx = Context(
        query=query,
        roster=roster,
        now=now,
        start=start,
        convs={c.cid: c for c in convs},
        closes=close_rows,
        presence=presence,
        kept_agents=_kept_agents(roster, query),
    )
    kept_open = _kept_open(ctx)
    sample = kept_open
    if query.opened_within_ms is not None:
        sample = [c for c in kept_open if c.opened_ts >= now - query.opened_within_ms]
    by_agent = weights(ctx, kept_open)
    assigned = [c for c in kept_open if c.seg_agent is not None]
    sample_sums = family_sums(sample)
    current = {  # the messaging mode's section
        "open": len(kept_open),
        "unassigned": len(kept_open) - len(assigned),
        "assigned": len(assigned),
        "active": sum(1 for c in assigned if is_active(ctx, c)),
        **_loads(ctx, by_agent),
        **response_family(sample_sums),
        "mcs": mcs(sample_sums),
    }
    window = close_rows.get(("w", None), CloseSums())
    closed = {
        **close_stats(window, query.csat),
        **response_family(window.family),
        "mcs": mcs(window.family),
    }
    agents = agent_rows(ctx, by_agent)
    skills = skill_rows(ctx, by_agent, kept_open)
    out: dict[str, Any] = {
        "now": now,
        "mode": query.mode,
        "window": {"start": start, "end": now},
        "filters": {
            "skill_ids": None if query.skill_ids is None else list(query.skill_ids),
            "group_ids": None if query.group_ids is None else list(query.group_ids),
        },
        "current": current if messaging else None,
        "chat": None if messaging else chat(ctx, stays, *_occupancy(x, ctx, online)),
        "closed": closed,
        "agents": paged(agents, "agent_id", query.agent_sort, query.agent_order,
                        query.agent_page, query.agent_page_size),
        "skills": paged(skills, "skill_id", query.skill_sort, query.skill_order,
                        query.skill_page, query.skill_page_size),
    }  # fmt: skip
    out["alerts"] = alerts(out, query.threshold)
    return out
