"""Supervision page (seed 002): one site's real-time supervision at ``now``.

docs/metrics.md section 6 is the specification. :class:`Supervision` is
built once on the dashboard's building blocks (segments, conversation index,
agent presence, survey lookups) plus a few site/sale arrays;
:meth:`Supervision.snapshot` then answers any ``now`` and site with masks,
bincounts and binary searches. "Today" is ``[local midnight, now)`` in the
roster time zone.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench.arrays import take
from ccbench.eventlog import CHANNELS, EventKind, EventLog

from ._arith import mean_ms, percent
from ._columns import KIND_CODES, ROLE_CONSUMER, ROLE_SYSTEM
from ._conversations import ByConversation
from ._dashboard import Dashboard
from ._segment_table import StartKind
from ._supervision_params import SUPERVISION_AGENT_COLUMNS, SupervisionParams, local_midnight

__all__ = ["Supervision", "supervision_csv"]

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
K = KIND_CODES
CRITERIA = ("welcome", "response_time", "quality")


def _column(log: EventLog, name: str, fill: Any = 0) -> npt.NDArray[Any]:
    return np.asarray(log.table.column(name).fill_null(fill).to_numpy(zero_copy_only=False))


class Supervision:
    """The seed 002 page over one log; see :meth:`snapshot`."""

    def __init__(self, *, log: EventLog, dash: Dashboard) -> None:
        self.d = dash
        c, s = dash.cols, dash.segs
        roster = log.roster
        self.roster = roster
        n_conv = dash.conv.n
        opened = np.flatnonzero(c.kind == K[EventKind.CONVERSATION_OPENED])
        site = _column(log, "site", "")
        channel = _column(log, "channel", "")
        # Site and channel are properties of the conversation, carried by its opened event.
        self.sites = tuple(sorted({x.id for x in roster.sites}))
        self.conv_site = np.full(n_conv, -1, dtype=np.int64)
        code = {x: i for i, x in enumerate(self.sites)}
        self.conv_site[c.conv[opened]] = [code.get(str(x), -1) for x in site[opened]]
        self.conv_channel = np.full(n_conv, -1, dtype=np.int64)
        self.conv_channel[c.conv[opened]] = [CHANNELS.index(ch) for ch in channel[opened]]
        self.seg_site = self.conv_site[s.conv]
        # Segments are sorted by start (ts, seq), which is log order, so the i-th accept
        # row of the log is the start row of segment i.
        seg_row = np.flatnonzero(c.kind == K[EventKind.ASSIGNMENT_ACCEPTED]).astype(np.int64)
        self.seg_row = seg_row
        # (agent, conversation, start row) keys of the segments: a sale belongs to its
        # agent's last segment in the conversation that starts before it.
        self.n_rows = len(c) + 1
        key = (s.agent * n_conv + s.conv) * self.n_rows + seg_row
        self.seg_key_order = np.argsort(key, kind="stable")
        self.seg_keys = key[self.seg_key_order]

        self.sale_row = np.flatnonzero(c.kind == K[EventKind.SALE_RECORDED]).astype(np.int64)
        self.sale_amount = np.asarray(_column(log, "amount_minor")[self.sale_row], dtype=np.int64)
        self.sale_currency = _column(log, "currency", "")[self.sale_row]
        self.criteria = {
            name: np.asarray(_column(log, "csat_" + name), dtype=np.int64) for name in CRITERIA
        }
        msg = c.kind == K[EventKind.MESSAGE_SENT]
        self.consumer_msgs = ByConversation.build(c, msg & (c.role == ROLE_CONSUMER))
        self.company_msgs = ByConversation.build(
            c, msg & (c.role != ROLE_CONSUMER) & (c.role != ROLE_SYSTEM)
        )
        size = dash.group.shape[0]
        self.size = size
        self.max_slots = np.zeros(size, dtype=np.int64)
        for a in roster.agents:
            self.max_slots[a.id] = a.max_slots

    # -- query ---------------------------------------------------------------------------
    def snapshot(self, p: SupervisionParams) -> dict[str, Any]:
        """The page at ``p.now_ms`` for ``p.site_id`` as a JSON-ready dict (section 6.8)."""
        now, d, s = p.now_ms, self.d, self.d.segs
        midnight = local_midnight(now, self.roster.timezone)
        site = self.sites.index(p.site_id)
        seg_open = np.flatnonzero((s.start_ts < now) & (s.end_ts >= now))
        ongoing = np.bincount(s.agent[seg_open], minlength=self.size)
        # A takeover occupies none of the manager's slots (docs/eventlog.md, "Agents").
        slotted = seg_open[s.start_kind[seg_open] != StartKind.TAKEOVER]
        holding = np.bincount(s.agent[slotted], minlength=self.size)
        here = seg_open[self.seg_site[seg_open] == site]
        in_progress = np.bincount(s.agent[here], minlength=self.size)
        presence = {a.id: d.agents.at(a.id, now) for a in self.roster.agents}
        connected = [a for a in self.roster.agents if p.site_id in presence[a.id].sites]

        def state(agent_id: int) -> str:
            # status busy is the seed's "online but busy" as the agent says it; an online
            # agent whose slots are all taken is busy too, as routing sees it (section 6.2)
            status = presence[agent_id].status
            if status == "busy":
                return "busy"
            if status != "online":
                return "unavailable"
            return "available" if holding[agent_id] < self.max_slots[agent_id] else "busy"

        humans = [a for a in connected if a.user_type == "human"]
        states = {a.id: state(a.id) for a in connected}
        visitors = self._visitors(p, here, site)
        surveys = self._survey_rows(p, midnight, site)
        per_agent = self._per_agent(p, midnight, site, surveys)
        satisfaction = self._satisfaction(p, surveys)
        flagged = {v["agent_id"] for v in visitors["rows"] if v["signals"]}
        rows = []
        for a in sorted(humans, key=lambda x: x.id):
            m = per_agent[a.id]
            rows.append(
                {
                    "agent_id": a.id,
                    "name": a.name,
                    "state": states[a.id],
                    "presence_ms": self._presence(a.id, p.site_id, midnight, now),
                    **m,
                    "in_progress": int(in_progress[a.id]),
                    "ongoing_all_sites": int(ongoing[a.id]),
                    "signal": a.id in flagged,
                }
            )
        for r in rows:
            hours = r["presence_ms"] / 3_600_000
            r["contacts_per_hour"] = None if hours == 0 else r["contacts"] / hours
        free = {
            kind: int(
                sum(
                    max(0, int(self.max_slots[a.id] - holding[a.id]))
                    for a in connected
                    if presence[a.id].status == "online" and a.user_type == kind
                )
            )
            for kind in ("human", "bot")
        }
        currencies = sorted(
            {str(x) for x in self.sale_currency[self._sales_today(now, midnight, site)]}
        )
        return {
            "now": now,
            "site_id": p.site_id,
            "day": {"start": midnight, "end": now, "timezone": self.roster.timezone},
            "agents_by_status": {
                "available": sum(1 for a in humans if states[a.id] == "available"),
                "busy": sum(1 for a in humans if states[a.id] == "busy"),
                "unavailable": sum(1 for a in humans if states[a.id] == "unavailable"),
                "total": len(humans),
            },
            "satisfaction": satisfaction["page"],
            "objectives": self._objectives(p, per_agent, satisfaction),
            "visitors": visitors,
            "available_slots": {
                "total": free["human"] + free["bot"],
                "agents": free["human"],
                "bots": free["bot"],
            },
            "currencies": currencies,
            "agents": [{k: r[k] for k in SUPERVISION_AGENT_COLUMNS} for r in rows],
        }

    def _sales_today(self, now: int, midnight: int, site: int) -> I64:
        """Indexes into the sale arrays of the site's sales with ts in [midnight, now)."""
        c = self.d.cols
        ts = c.ts[self.sale_row]
        ok = (ts >= midnight) & (ts < now) & (self.conv_site[c.conv[self.sale_row]] == site)
        return np.flatnonzero(ok)

    def _per_agent(
        self, p: SupervisionParams, midnight: int, site: int, sat: dict[str, Any]
    ) -> dict[int, dict[str, Any]]:
        """Today's contacts, AHT, sales and satisfaction of every roster agent on the site.

        A contact is a *discussion*: an (agent, conversation) pair with a segment of the
        agent starting today; its segments today make it (a conversation back from the
        queue to the same agent is one discussion). It has ended when all of them have;
        its duration is their summed length (ms)."""
        now, s, c, n = p.now_ms, self.d.segs, self.d.cols, self.size
        lo, hi = np.searchsorted(s.start_ts, [midnight, now], side="left")
        segs = lo + np.flatnonzero(self.seg_site[lo:hi] == site)
        pair, disc = np.unique(s.agent[segs] * self.d.conv.n + s.conv[segs], return_inverse=True)
        agent = pair // max(self.d.conv.n, 1)  # the agent of each discussion
        contacts = np.bincount(agent, minlength=n)
        seg_ended = s.end_ts[segs] < now
        still_open = np.bincount(disc, weights=~seg_ended, minlength=pair.shape[0]) > 0
        length = np.zeros(pair.shape[0], dtype=np.int64)
        np.add.at(length, disc[seg_ended], (s.end_ts[segs] - s.start_ts[segs])[seg_ended])
        ended = ~still_open
        dur_sum = np.zeros(n, dtype=np.int64)
        np.add.at(dur_sum, agent[ended], length[ended])
        dur_n = np.bincount(agent[ended], minlength=n)

        sales = self._sales_today(now, midnight, site)
        rows = self.sale_row[sales]
        s_agent = c.agent[rows]
        transactions = np.bincount(s_agent, minlength=n)
        # Turnover per currency: amounts of different currencies are never added (6.7).
        turnover: list[dict[str, int]] = [{} for _ in range(n)]
        for who, cur, amount in zip(
            s_agent.tolist(),
            self.sale_currency[sales].tolist(),
            self.sale_amount[sales].tolist(),
            strict=True,
        ):
            turnover[who][cur] = turnover[who].get(cur, 0) + amount
        # Contacts with a sale: the sale's agent's last segment in its conversation that
        # starts before the sale (log order), if that segment is one of today's contacts.
        visible = self.sale_row[c.ts[self.sale_row] < now]
        v_agent, v_conv = c.agent[visible], c.conv[visible].astype(np.int64)
        prefix = v_agent * self.d.conv.n + v_conv
        i = np.searchsorted(self.seg_keys, prefix * self.n_rows + visible, side="left") - 1
        ok = i >= 0
        ok[ok] = self.seg_keys[i[ok]] // self.n_rows == prefix[ok]
        converted = np.zeros(len(s), dtype=bool)
        converted[self.seg_key_order[i[ok]]] = True
        # a discussion converts when one of its segments today has a sale
        won_disc = np.bincount(disc, weights=converted[segs], minlength=pair.shape[0]) > 0
        won = np.bincount(agent[won_disc], minlength=n)

        out: dict[int, dict[str, Any]] = {}
        for a in self.roster.agents:
            k = a.id
            if p.conversion_rate == "contacts":
                conversion = percent(int(won[k]), int(contacts[k]))
            else:
                conversion = percent(int(transactions[k]), int(dur_n[k]))
            mine = sat["csat"][sat["agent"] == k]
            out[k] = {
                "contacts": int(contacts[k]),
                "aht": mean_ms(int(dur_sum[k]), int(dur_n[k])),
                "turnover_minor": single_currency_total(turnover[k]),
                "turnover_by_currency": dict(sorted(turnover[k].items())),
                "conversion_rate": conversion,
                "transactions": int(transactions[k]),
                "satisfaction": self._score(p, mine),
                "satisfaction_answered": int(mine.shape[0]),
                # team aggregates for objectives (not output columns)
                "_won": int(won[k]),
                "_ended": int(dur_n[k]),
                "_human": a.user_type == "human",
            }
        return out

    def _survey_rows(self, p: SupervisionParams, midnight: int, site: int) -> dict[str, Any]:
        """Today's surveys of the site: the latest visible survey of each conversation,
        kept when answered in [midnight, now), with the agent it is attributed to."""
        d, c, now = self.d, self.d.cols, p.now_ms
        rows = d.latest(d.conv.surveys, self.conv_site == site, now)
        rows = rows[c.ts[rows] >= midnight]
        agent = d.assignees.last_accepted(rows)
        return {"rows": rows, "csat": d.csat[rows], "agent": agent}

    def _score(self, p: SupervisionParams, answers: I64) -> float | None:
        """Satisfaction of some 1..5 answers: % of 4-5 (top2) or 100 * mean / 5 (mean)."""
        if p.satisfaction == "top2":
            return percent(int(np.count_nonzero(answers >= 4)), answers.shape[0])
        return None if answers.shape[0] == 0 else 100.0 * float(answers.mean()) / 5

    def _satisfaction(self, p: SupervisionParams, sat: dict[str, Any]) -> dict[str, Any]:
        """The satisfaction graphic: overall and per criterion, with bands."""

        def entry(answers: I64) -> dict[str, Any]:
            score = self._score(p, answers)
            return {"score": score, "answered": int(answers.shape[0]), "band": p.band(score)}

        criteria = {}
        for name in CRITERIA:
            values = self.criteria[name][sat["rows"]]
            criteria[name] = entry(values[values > 0])  # 0 = criterion not rated
        overall = entry(sat["csat"])
        page = {
            **overall,
            "criteria": criteria,
            "bands": {"good_pct": p.satisfaction_good_pct, "poor_pct": p.satisfaction_poor_pct},
        }
        return {"page": page, "score": overall["score"]}

    def _objectives(
        self,
        p: SupervisionParams,
        per_agent: dict[int, dict[str, Any]],
        satisfaction: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """Actual vs target of each objective: one agent's, or the team's (human agents)."""
        team = [m for m in per_agent.values() if m["_human"]]
        contacts = sum(m["contacts"] for m in team)
        transactions = sum(m["transactions"] for m in team)
        if p.conversion_rate == "contacts":
            team_conversion = percent(sum(m["_won"] for m in team), contacts)
        else:
            team_conversion = percent(transactions, sum(m["_ended"] for m in team))
        totals = {
            "contacts": contacts,
            "transactions": transactions,
            "turnover_minor": single_currency_total(merge_totals(team)),
            "conversion_rate_pct": team_conversion,
            "satisfaction_pct": satisfaction["score"],
        }
        column = {
            "contacts": "contacts",
            "transactions": "transactions",
            "turnover_minor": "turnover_minor",
            "conversion_rate_pct": "conversion_rate",
            "satisfaction_pct": "satisfaction",
        }
        out = []
        for o in p.objectives:
            actual = (
                totals[o.metric] if o.agent_id is None else per_agent[o.agent_id][column[o.metric]]
            )
            out.append(
                {
                    "id": o.id,
                    "metric": o.metric,
                    "agent_id": o.agent_id,
                    "target": o.target,
                    "actual": actual,
                    "progress": None if actual is None else percent(actual, o.target),
                    "achieved": actual is not None and actual >= o.target,
                }
            )
        return out

    def _visitors(self, p: SupervisionParams, here: I64, site: int) -> dict[str, Any]:
        """Conversations of the site, in the chosen channels, with an open segment at now."""
        now, s, c = p.now_ms, self.d.segs, self.d.cols
        codes = [CHANNELS.index(ch) for ch in sorted(p.channels)]
        segs = here[np.isin(self.conv_channel[s.conv[here]], codes)]
        conv = s.conv[segs].astype(np.int64)
        limit = int(np.searchsorted(c.ts, now, side="left"))
        # The visitor waits when consumer messages follow the last company-side message
        # (agent, bot, manager, participant); the wait runs from the first of them, but
        # not from before the current agent took the conversation.
        after = self.company_msgs.last_row_before(conv, limit)
        cm = self.consumer_msgs
        # the conversation's first consumer message after that row, if any
        k = np.searchsorted(cm.keys, conv * cm.n_rows + after + 1, side="left")
        first = take(cm.rows, k, missing=-1)
        waiting = (first >= 0) & (take(cm.keys, k, missing=-1) // cm.n_rows == conv)
        waiting &= first < limit
        since = np.maximum(take(c.ts, first, missing=0), s.start_ts[segs])
        handling = now - s.start_ts[segs]
        rows = []
        for x in np.argsort(conv, kind="stable"):
            wait = int(now - since[x]) if waiting[x] else None
            signals = []
            if handling[x] > p.max_handling_ms:
                signals.append("handling_duration")
            if wait is not None and wait > p.max_response_ms:
                signals.append("response_time")
            rows.append(
                {
                    "conversation_id": c.conversation_ids[conv[x]],
                    "channel": CHANNELS[self.conv_channel[conv[x]]],
                    "agent_id": int(s.agent[segs[x]]),
                    "handling_ms": int(handling[x]),
                    "waiting_ms": wait,
                    "signals": signals,
                }
            )
        rows.sort(key=lambda r: r["conversation_id"])
        return {
            "total": len(rows),
            "signalled": sum(1 for r in rows if r["signals"]),
            "by_channel": {
                ch: sum(1 for r in rows if r["channel"] == ch) for ch in sorted(p.channels)
            },
            "max_handling_ms": p.max_handling_ms,
            "max_response_ms": p.max_response_ms,
            "rows": rows,
        }

    def _presence(self, agent: int, site: str, start: int, end: int) -> int:
        """ms in [start, end) during which ``agent`` is logged in to ``site``."""
        st = self.d.agents
        times, states = st.times.get(agent, []), st.states.get(agent, [])
        total = 0
        # The state after event i holds over [times[i], times[i + 1]); begin at the state
        # in force at ``start``.
        for i in range(max(bisect.bisect_right(times, start) - 1, 0), len(times)):
            lo = max(times[i], start)
            hi = min(times[i + 1] if i + 1 < len(times) else end, end)
            if site in states[i].sites and lo < hi:
                total += hi - lo
        return total


def single_currency_total(totals: dict[str, int]) -> int | None:
    """The turnover in minor units when the sales are in at most one currency (0 without
    sales); None (unavailable) across currencies: minor units of two currencies do not add."""
    if len(totals) > 1:
        return None
    return sum(totals.values())


def merge_totals(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """The per-currency turnover of several agents, currency by currency."""
    out: dict[str, int] = {}
    for r in rows:
        for cur, amount in r["turnover_by_currency"].items():
            out[cur] = out.get(cur, 0) + amount
    return out


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict):  # turnover_by_currency: compact JSON, sorted currencies
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return value


def supervision_csv(rows: Sequence[dict[str, Any]]) -> str:
    """CSV of the per-agent table: header = SUPERVISION_AGENT_COLUMNS; null is empty, an
    object (turnover_by_currency) is compact JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SUPERVISION_AGENT_COLUMNS)
    for r in rows:
        writer.writerow([_cell(r[k]) for k in SUPERVISION_AGENT_COLUMNS])
    return out.getvalue()
