"""The real-time messaging dashboard (seed 003): one snapshot at ``now``.

The answer is made from the account's dashboard data (backend/_dashboard_data.py):
its index and the structures derived from it once per store version. The open
conversations and their facts (backend/_dashboard_facts.py) are summed by
backend/_dashboard_current.py, the closes by running sums
(backend/_dashboard_closes.py), the chat queue by backend/_dashboard_chat.py,
presence by backend/_dashboard_presence.py and chat occupancy by
backend/_dashboard_occupancy.py; this module puts the sections of docs/metrics.md
section 3.8 together. Arithmetic conventions (docs/metrics.md 3.3-3.7): means of ms
are sums over counts truncated toward zero; percentages are ``(100.0 * part) /
whole`` as unrounded doubles, null when ``whole`` is 0; sums of float weights and
loads are correctly rounded (``math.fsum``), so they do not depend on the order rows
arrive in. The SQL statement of each piece is backend/_dashboard_sql.py and
backend/_dashboard_summary.py (tests/backend/test_dashboard_*.py check the pieces
against it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ._dashboard_chat import chat_sums
from ._dashboard_closes import close_sums
from ._dashboard_core import close_stats, mean_ms, percent
from ._dashboard_current import Current, current
from ._dashboard_data import DashboardData, dashboard_data
from ._dashboard_facts import open_conversations
from ._dashboard_params import DashboardQuery, closed_window
from ._dashboard_presence import ONLINE, PresenceNow, presence_now
from ._dashboard_roster import RosterArrays
from ._dashboard_summary import ChatSums, FamilySums
from ._dashboard_tables import agent_table, paged, skill_table
from ._store import Store

__all__ = ["dashboard_snapshot"]

HOUR_MS = 3_600_000
SKILLS_WINDOW_MS = 12 * HOUR_MS  # seed 003: the skills table's closes and CSAT cover 12 h


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


def _loads(r: RosterArrays, logged_in: Any, online: Any, cur: Current) -> dict[str, Any]:
    """Load over the kept logged-in agents, those online and the others (section 3.3):
    their conversations' weights summed over their slots."""
    out: dict[str, Any] = {}
    owner = cur.weight_agent
    for key, chosen in (("load", logged_in), ("load_online", logged_in & online),
                        ("load_other", logged_in & ~online)):  # fmt: skip
        mine = owner >= 0
        mine[mine] = chosen[owner[mine]]
        total = math.fsum(cur.weight[mine].tolist())
        out[key] = percent(total, int(r.slots[chosen].sum()))
    return out


def chat(query: DashboardQuery, stays: ChatSums, busy: int, online: int) -> dict[str, Any]:
    """Chat-mode KPIs over ``[start, now)`` (section 3.6); queue stays come summed, the
    occupancy as its busy and online ms."""
    st = stays
    whole = st.abandoned + st.connected if query.abandon_rate == "handled" else st.entered
    return {
        "in_queue": st.in_queue,
        "entered": st.entered,
        "abandoned": st.abandoned,
        "abandon_rate": percent(st.abandoned, whole),
        "avg_time_to_abandon": mean_ms(st.abandoned_sum, st.abandoned),
        "connected": st.connected,
        "service_level": percent(st.within_sl, st.connected),
        "occupancy": percent(busy, online),
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


def _chat_section(
    d: DashboardData, pres: PresenceNow, kept: Any, *, query: DashboardQuery, now: int,
    start: int,
) -> dict[str, Any]:  # fmt: skip
    humans = kept & d.roster.human
    busy = d.occupancy.busy_online(d.presence, query=query, agents=humans, now=now, start=start)
    online = int(pres.online_ms[humans].sum())
    return chat(query, chat_sums(d.chat, query=query, now=now, start=start), busy, online)


def dashboard_snapshot(
    store: Store, *, account: str, query: DashboardQuery, now_ms: int
) -> dict[str, Any] | None:
    """The dashboard of ``account`` at ``now_ms`` (docs/metrics.md section 3.8 shape);
    None when no roster is stored.

    The answer is read from the account's dashboard data (backend/_dashboard_data.py),
    its index made in one read transaction: the state after some whole number of
    committed batches, never a mix.
    """
    now = now_ms
    messaging = query.mode == "messaging"
    d = dashboard_data(store, account=account)
    if d is None:
        return None
    x, r = d.index, d.roster
    start, _ = closed_window(query, now_ms=now, timezone=x.roster.timezone)
    pres = presence_now(d.presence, now=now, start=start)
    kept = r.kept_agents(query)
    load = x.roster.load
    cur = current(
        open_conversations(x, d.openings, now=now, channel=query.mode), r=r, query=query,
        now=now,
        active_weight=load.active_weight, inactive_weight=load.inactive_weight,
        timeout_ms=query.inactivity_timeout_ms or load.inactivity_timeout_ms,
    )  # fmt: skip
    sums = close_sums(
        x, d.closes, query=query, now=now, start=start, skills_lo=now - SKILLS_WINDOW_MS
    )
    logged_in = kept & (pres.status >= 0)
    current_section = {  # the messaging mode's section
        "open": cur.open,
        "unassigned": cur.open - cur.assigned,
        "assigned": cur.assigned,
        "active": cur.active,
        **_loads(r, logged_in, pres.status == ONLINE, cur),
        **response_family(cur.sample),
        "mcs": mcs(cur.sample),
    }
    window = sums.closed_window()
    closed = {
        **close_stats(window, query.csat),
        **response_family(window.family),
        "mcs": mcs(window.family),
    }
    statuses = d.presence.statuses
    agents = agent_table(r, kept=kept, presence=pres, statuses=statuses, cur=cur, sums=sums,
                         query=query, now=now)  # fmt: skip
    skills = skill_table(r, kept=kept, presence=pres, statuses=statuses, cur=cur, sums=sums,
                         query=query)  # fmt: skip
    out: dict[str, Any] = {
        "now": now,
        "mode": query.mode,
        "window": {"start": start, "end": now},
        "filters": {
            "skill_ids": None if query.skill_ids is None else list(query.skill_ids),
            "group_ids": None if query.group_ids is None else list(query.group_ids),
        },
        "current": current_section if messaging else None,
        "chat": None if messaging else _chat_section(d, pres, kept, query=query, now=now,
                                                     start=start),
        "closed": closed,
        "agents": paged(agents, "agent_id", query.agent_sort, query.agent_order,
                        query.agent_page, query.agent_page_size),
        "skills": paged(skills, "skill_id", query.skill_sort, query.skill_order,
                        query.skill_page, query.skill_page_size),
    }  # fmt: skip
    out["alerts"] = alerts(out, query.threshold)
    return out
