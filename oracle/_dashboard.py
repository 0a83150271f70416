"""Real-time messaging dashboard (seed 003): one snapshot at ``now``.

docs/metrics.md section 3 is the specification. :class:`Dashboard` is built
once from the oracle's building blocks (columns, segments, conversations,
agent presence); :meth:`Dashboard.snapshot` then answers any ``now`` with
masks and binary searches over precomputed arrays.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import CHANNELS, EventLog

from ._agent_state import AgentState
from ._arith import mean_ms, percent
from ._columns import ROLE_CONSUMER, EventColumns
from ._conversations import OPEN_END, Assignees, ByConversation, Conversations
from ._dashboard_outcomes import ABANDONED, CONNECTED, Closes, CloseStats, QueueWaits
from ._dashboard_params import DASHBOARD_KPIS, DashboardParams, dashboard_window
from ._dashboard_state import DashboardState
from ._dashboard_tables import agents_rows, page, skills_rows, sort_rows
from ._segment_table import Feature, Segments

__all__ = ["Dashboard", "alerts"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


class Dashboard:
    """The seed 003 dashboard over one log; see :meth:`snapshot`."""

    def __init__(self, *, log: EventLog, columns: EventColumns, segments: Segments) -> None:
        self.roster = log.roster
        self.cols = columns
        self.segs = segments
        size = max((a.id for a in log.roster.agents), default=0) + 1
        is_human = np.zeros(size, dtype=bool)
        self.group = np.full(size, -1, dtype=np.int64)
        for a in log.roster.agents:
            is_human[a.id] = a.user_type == "human"
            self.group[a.id] = a.group_id
        self.is_human = is_human
        self.slots: Mapping[int, int] = {a.id: a.max_slots for a in log.roster.agents}
        self.skills_of: Mapping[int, frozenset[int]] = {
            a.id: frozenset(a.skills) for a in log.roster.agents
        }
        channel = np.asarray(log.table.column("channel").to_numpy(zero_copy_only=False))
        self.conv = Conversations.build(columns, channel=channel, is_human=is_human)
        self.agents = AgentState.build(log)
        self.intensity = {s.id: s.intensity for s in log.roster.skills}
        self.csat = np.asarray(
            log.table.column("csat").fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64
        )
        self.mcs_value = np.asarray(
            log.table.column("mcs").fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64
        )
        self.mcs_alert = np.asarray(
            log.table.column("mcs_alerted").fill_null(0).to_numpy(zero_copy_only=False),
            dtype=np.int64,
        )
        self.seg_human = np.zeros(len(segments), dtype=bool)
        ok = segments.agent < size
        self.seg_human[ok] = is_human[segments.agent[ok]]
        self.assignees = Assignees.build(columns)
        self.closes = Closes.build(columns, conversations=self.conv, assignees=self.assignees)
        self.waits = QueueWaits.build(columns)

    # -- query ---------------------------------------------------------------------------
    def snapshot(self, params: DashboardParams) -> dict[str, Any]:
        """The dashboard at ``params.now_ms`` as a JSON-ready dict (docs/metrics.md 3.8)."""
        now = params.now_ms
        start, _ = dashboard_window(params, self.roster.timezone)
        state = self.state_at(params)
        closed_rows = self.close_mask(params, state, start)
        closed_conv = np.zeros(self.conv.n, dtype=bool)
        closed_conv[self.closes.conv[closed_rows]] = True
        closed = {
            **self.close_stats(closed_rows, now, params.csat).section(),
            **self.response_family(closed_conv, now),
            "mcs": self.mcs(closed_conv, now),
        }
        messaging = params.mode == "messaging"
        agent_rows = agents_rows(self, state, params, start)
        skill_rows = skills_rows(self, state, params, start)
        out: dict[str, Any] = {
            "now": now,
            "mode": params.mode,
            "window": {"start": start, "end": now},
            "filters": {
                "skill_ids": None if params.skill_ids is None else sorted(params.skill_ids),
                "group_ids": None if params.group_ids is None else sorted(params.group_ids),
            },
            "current": self.current(state, params) if messaging else None,
            "chat": None if messaging else self.chat(state, params, start),
            "closed": closed,
            "agents": page(agent_rows, params.agent_page, params.agent_page_size,
                           params.agent_sort, params.agent_order),
            "skills": page(skill_rows, params.skill_page, params.skill_page_size,
                           params.skill_sort, params.skill_order),
        }  # fmt: skip
        out["alerts"] = alerts(out, params.threshold)
        return out

    def current(self, state: DashboardState, params: DashboardParams) -> dict[str, Any]:
        """The messaging mode's current section: open conversations at now (3.2-3.5)."""
        now = params.now_ms
        sample = state.open & state.keep
        if params.opened_within_ms is not None:
            sample &= self.conv.opened_ts >= now - params.opened_within_ms
        return {
            "open": int(np.count_nonzero(state.open & state.keep)),
            "unassigned": int(np.count_nonzero(state.open & state.keep & ~state.assigned)),
            "assigned": int(np.count_nonzero(state.keep & state.assigned)),
            "active": int(np.count_nonzero(state.keep & state.active)),
            **self._load(state, params),
            **self.response_family(sample, now),
            "mcs": self.mcs(sample, now),
        }

    def table(self, params: DashboardParams, table: str) -> list[dict[str, Any]]:
        """All rows of the ``agents`` or ``skills`` table at now, sorted as requested."""
        state = self.state_at(params)
        start, _ = dashboard_window(params, self.roster.timezone)
        if table == "agents":
            rows = agents_rows(self, state, params, start)
            return sort_rows(rows, params.agent_sort, params.agent_order)
        rows = skills_rows(self, state, params, start)
        return sort_rows(rows, params.skill_sort, params.skill_order)

    def state_at(self, params: DashboardParams) -> DashboardState:
        """Per-conversation and per-segment state at now, with the filters applied."""
        now, c, s = params.now_ms, self.cols, self.segs
        pos_now = int(np.searchsorted(c.ts, now, side="left"))  # rows < pos_now are visible
        open_conv = self.conv.open_at(now)
        seg_open = np.flatnonzero((s.start_ts < now) & (s.end_ts >= now))
        assigned = np.zeros(self.conv.n, dtype=bool)
        assigned[s.conv[seg_open]] = True
        conv_agent = np.full(self.conv.n, -1, dtype=np.int64)
        conv_agent[s.conv[seg_open]] = s.agent[seg_open]
        ids = np.flatnonzero(open_conv).astype(np.int64)
        routing = self.conv.last_routing.last_row_before(ids, pos_now)
        conv_skill = np.full(self.conv.n, -1, dtype=np.int64)
        conv_skill[ids] = take(c.skill, routing, missing=-1)
        # Active: last non-system message is the consumer's, or younger than the timeout.
        timeout = params.inactivity_timeout_ms or self.roster.load.inactivity_timeout_ms
        a_ids = s.conv[seg_open].astype(np.int64)
        m_row = self.conv.last_message.last_row_before(a_ids, pos_now)
        by_consumer = take(c.role, m_row, missing=-1) == ROLE_CONSUMER
        recent = now - take(c.ts, m_row, missing=now) < timeout  # no message: not recent
        seg_active = (m_row >= 0) & (by_consumer | recent)
        active = np.zeros(self.conv.n, dtype=bool)
        active[a_ids[seg_active]] = True
        keep = self.conv.channel == CHANNELS.index(params.mode)  # the mode's channel only
        if params.skill_ids is not None:
            keep &= np.isin(conv_skill, list(params.skill_ids))
        if params.group_ids is not None:
            keep &= np.isin(self._group_of(conv_agent), list(params.group_ids))
        presence = {a.id: self.agents.at(a.id, now) for a in self.roster.agents}
        last_close = np.zeros(self.closes.ts.shape[0], dtype=bool)
        seen = np.flatnonzero(self.closes.ts < now)[::-1]  # latest first
        _, latest = np.unique(self.closes.conv[seen], return_index=True)
        last_close[seen[latest]] = True
        return DashboardState(
            now=now,
            pos_now=pos_now,
            open=open_conv,
            assigned=assigned,
            active=active,
            keep=keep,
            conv_agent=conv_agent,
            conv_skill=conv_skill,
            seg_open=seg_open,
            seg_active=seg_active,
            presence=presence,
            agent_ids=tuple(self.kept_agents(params)),
            last_close=last_close,
        )

    def _group_of(self, agent: I64) -> I64:
        return take(self.group, agent, missing=-1)

    def kept_agents(self, params: DashboardParams) -> list[int]:
        """Roster agents the skill and group filters keep, ascending id."""
        return sorted(
            a.id
            for a in self.roster.agents
            if (params.group_ids is None or a.group_id in params.group_ids)
            and (params.skill_ids is None or params.skill_ids & set(a.skills))
        )

    def weights(
        self, state: DashboardState, params: DashboardParams
    ) -> tuple[I64, npt.NDArray[np.float64]]:
        """Agent and weight of every open segment kept by the filters (section 3.3)."""
        s, seg_open = self.segs, state.seg_open
        kept = state.keep[s.conv[seg_open]]
        w = self.roster.load
        act = state.seg_active
        if params.load == "active":
            weight = act.astype(np.float64)
        else:
            intensity = np.array([self.intensity.get(int(k), 1.0) for k in s.skill[seg_open]])
            weight = np.where(act, w.active_weight, w.inactive_weight) * intensity
        return s.agent[seg_open][kept], weight[kept]

    def _load(self, state: DashboardState, params: DashboardParams) -> dict[str, float | None]:
        agent, weight = self.weights(state, params)
        out: dict[str, float | None] = {}
        for key, want in (("load", None), ("load_online", True), ("load_other", False)):
            chosen = [
                a for a in state.agent_ids
                if state.presence[a].status is not None
                and (want is None or (state.presence[a].status == "online") == want)
            ]  # fmt: skip
            slots = sum(self.slots[a] for a in chosen)
            # fsum: the correctly rounded sum, independent of the order of the weights
            out[key] = percent(math.fsum(weight[np.isin(agent, chosen)].tolist()), slots)
        return out

    def response_family(self, conv_mask: B, now: int) -> dict[str, int | None]:
        """The response-time KPIs over the conversations in ``conv_mask`` (section 3.4)."""
        c, v = self.conv, self.cols
        limit = int(np.searchsorted(v.ts, now, side="left"))

        def row_ts(rows: I64) -> I64:
            return take(v.ts, rows, missing=OPEN_END)  # row NONE: never visible

        fh, fc = c.first_human_msg, c.first_consumer_msg
        fa, fca = c.first_human_accept, c.first_consumer_after_agent
        fam = c.first_agent_msg
        vis_fh = conv_mask & (fh < limit)
        ttfr = vis_fh & (fc < fh)
        first_assign = vis_fh & (fa < fh)
        consumer_first = conv_mask & (fca < limit)  # after the first agent message
        assign = conv_mask & (fa < limit)
        s = self.segs
        segs = np.flatnonzero(conv_mask[s.conv] & self.seg_human & (s.start_ts < now))
        f = s.features_at(segs, now)
        agent_r = c.agent_responses.select(conv_mask, now)
        consumer_r = c.consumer_responses.select(conv_mask, now)
        t_ttfr = mean_ms(int((row_ts(fh) - row_ts(fc))[ttfr].sum()), int(ttfr.sum()))
        t_first = mean_ms(
            int((row_ts(fh) - row_ts(fa))[first_assign].sum()), int(first_assign.sum())
        )
        return {
            "response_time": mean_ms(int(agent_r.sum()), agent_r.shape[0]),
            "response_time_consumer": mean_ms(int(consumer_r.sum()), consumer_r.shape[0]),
            "ttfr_all_assign": mean_ms(
                int(f[:, Feature.FIRST_SUM].sum()), int(f[:, Feature.FIRST_N].sum())
            ),
            "ttfr": t_ttfr,
            "ttfr_consumer": mean_ms(
                int((row_ts(fca) - row_ts(fam))[consumer_first].sum()), int(consumer_first.sum())
            ),
            "ttfr_first_assign": t_first,
            "wait_time": None if t_ttfr is None or t_first is None else t_ttfr - t_first,
            "time_to_first_assign": mean_ms(
                int((row_ts(fa) - c.opened_ts)[assign].sum()), int(assign.sum())
            ),
        }

    def latest(self, index: ByConversation, conv_mask: B, now: int) -> I64:
        """Rows of the latest visible event of ``index`` per conversation in conv_mask."""
        ids = np.flatnonzero(conv_mask).astype(np.int64)
        limit = int(np.searchsorted(self.cols.ts, now, side="left"))
        i = index.last_before(ids, limit)
        return index.rows[i[i >= 0]]

    def mcs(self, conv_mask: B, now: int) -> dict[str, Any]:
        """MCS average (double) and positive/negative counts, latest score per conversation."""
        rows = self.latest(self.conv.mcs, conv_mask, now)
        values = self.mcs_value[rows]
        return {
            "average": float(values.mean()) if rows.shape[0] else None,
            "scored": int(rows.shape[0]),
            "positive": int(np.count_nonzero(self.mcs_alert[rows] == 1)),
            "negative": int(np.count_nonzero(self.mcs_alert[rows] == -1)),
        }

    def csat_of(self, conv_mask: B, now: int, csat: str) -> tuple[float | None, int]:
        """CSAT of the latest answer of each conversation (section 3.5), percent, and the
        number answered: ``top2`` the share of 4-5 answers, ``mean`` 100 * mean / 5."""
        answers = self.csat[self.latest(self.conv.surveys, conv_mask, now)]
        n = int(answers.shape[0])
        if csat == "mean":
            return percent(int(answers.sum()), 5 * n), n
        return percent(int(np.count_nonzero(answers >= 4)), n), n

    def close_mask(self, params: DashboardParams, state: DashboardState, start: int) -> B:
        """Closed conversations of the window ``[start, now)``, as the mask of their last
        close before now when that is in the window (a conversation closed twice counts
        once, as closed by its last closer), of the mode's channel and kept by the filters:
        skill at the close, and the group of the agent whose segment the close ended
        (unassigned closes drop out under a group filter)."""
        cl = self.closes
        mask = state.last_close & (cl.ts >= start)
        mask &= self.conv.channel[cl.conv] == CHANNELS.index(params.mode)
        if params.skill_ids is not None:
            mask &= np.isin(cl.skill, list(params.skill_ids))
        if params.group_ids is not None:
            mask &= np.isin(self._group_of(cl.agent), list(params.group_ids))
        return mask

    def close_stats(self, rows: B, now: int, csat_option: str) -> CloseStats:
        """Closed-by counts, CSAT and resolution time of the selected closes."""
        cl = self.closes
        convs = np.zeros(self.conv.n, dtype=bool)
        convs[cl.conv[rows]] = True
        csat, answered = self.csat_of(convs, now, csat_option)
        resolution = cl.ts[rows] - self.conv.opened_ts[cl.conv[rows]]
        return CloseStats(
            closed=int(rows.sum()),
            closed_by=CloseStats.count_by(cl.closed_by[rows]),
            csat=csat,
            csat_answered=answered,
            avg_resolution_time=mean_ms(int(resolution.sum()), resolution.shape[0]),
        )

    def chat(self, state: DashboardState, params: DashboardParams, start: int) -> dict[str, Any]:
        """Chat-mode KPIs over the window ``[start, now)`` (section 3.6): visitors' queue
        waits, each attributed to the queue it entered and kept by the skill filter only
        (the seed marks the queue KPIs "(all Groups)"); AHT and occupancy, which it does
        not mark, are kept by both filters."""
        now, st, s = params.now_ms, self.waits, self.segs
        keep = self.conv.channel_chat[st.conv]
        if params.skill_ids is not None:
            keep &= np.isin(st.skill, list(params.skill_ids))
        in_queue = keep & (st.start_ts < now) & (st.end_ts >= now)
        entered = keep & (st.start_ts >= start) & (st.start_ts < now)
        ended = keep & (st.end_ts >= start) & (st.end_ts < now)
        abandoned = ended & (st.outcome == ABANDONED)
        connected = ended & (st.outcome == CONNECTED)
        wait = st.end_ts - st.start_ts
        n_ab, n_conn, n_in = int(abandoned.sum()), int(connected.sum()), int(entered.sum())
        seg_keep = self.conv.channel_chat[s.conv]
        if params.skill_ids is not None:
            seg_keep &= np.isin(s.skill, list(params.skill_ids))
        if params.group_ids is not None:
            seg_keep &= np.isin(self._group_of(s.agent), list(params.group_ids))
        handled = np.flatnonzero(
            seg_keep & (s.end_ts >= start) & (s.end_ts < now)
            & (s.features[:, Feature.INTERACTIVE] == 1)
        )  # fmt: skip
        return {
            "in_queue": int(in_queue.sum()),
            "entered": n_in,
            "abandoned": n_ab,
            "abandon_rate": percent(
                n_ab, n_in if params.abandon_rate == "entered" else n_ab + n_conn
            ),
            "avg_time_to_abandon": mean_ms(int(wait[abandoned].sum()), n_ab),
            "connected": n_conn,
            "service_level": percent(
                int(np.count_nonzero(connected & (wait <= params.sl_threshold_ms))), n_conn
            ),
            "occupancy": self._occupancy(state, seg_keep, start, now),
            "avg_time_to_answer": mean_ms(int(wait[connected].sum()), n_conn),
            "aht": mean_ms(int((s.end_ts[handled] - s.start_ts[handled]).sum()), handled.shape[0]),
        }

    def _occupancy(self, state: DashboardState, seg_keep: B, start: int, now: int) -> float | None:
        """100 * time online with >= 1 chat segment / time online, human agents, [start, now)."""
        s = self.segs
        live = seg_keep & (s.start_ts < now) & (s.end_ts > start)
        online_total = busy_total = 0
        for a in state.agent_ids:
            if not self.is_human[a]:
                continue
            online = self.agents.online_intervals(a, start, now)
            if not online:
                continue
            online_total += sum(hi - lo for lo, hi in online)
            mine = np.flatnonzero(live & (s.agent == a))
            if mine.shape[0] == 0:
                continue
            b_lo = np.maximum(s.start_ts[mine], start)
            b_hi = np.minimum(s.end_ts[mine], now)
            order = np.argsort(b_lo, kind="stable")
            b_lo, b_hi = b_lo[order], b_hi[order]
            # Union of the busy intervals: a new block starts where a start passes every
            # earlier end.
            reach = np.maximum.accumulate(b_hi)
            new = np.ones(b_lo.shape[0], dtype=bool)
            new[1:] = b_lo[1:] > reach[:-1]
            u_lo = b_lo[new]
            u_hi = np.maximum.reduceat(b_hi, np.flatnonzero(new))
            for lo, hi in online:
                overlap = np.minimum(u_hi, hi) - np.maximum(u_lo, lo)
                busy_total += int(overlap[overlap > 0].sum())
        return percent(busy_total, online_total)


def alerts(snapshot: dict[str, Any], thresholds: Mapping[str, float]) -> list[dict[str, Any]]:
    """KPIs whose value has reached their threshold (value >= threshold), in KPI order."""
    out = []
    for kpi, limit in thresholds.items():
        section, key = kpi.split(".")
        if snapshot[section] is None:
            continue  # the other mode's section: nothing to alert on
        value = snapshot[section][key]
        if value is not None and value >= limit:
            out.append({"kpi": kpi, "value": value, "threshold": limit})
    return sorted(out, key=lambda a: DASHBOARD_KPIS.index(a["kpi"]))
