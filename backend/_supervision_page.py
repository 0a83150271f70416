"""The supervision page (seed 002): one site of the roster at ``now``.

docs/metrics.md section 6 is the specification; the request's rules are the
API contract's (:data:`ccbench.api.SUPERVISION`), then the roster's (the site,
the objectives' agents). "Today" is ``[local midnight, now)`` in the roster
time zone. Facts that do not depend on now live in
:class:`~backend._supervision_index.SupervisionIndex`, one per frame.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ccbench import ParameterError, RosterError
from ccbench.api import SUPERVISION, SUPERVISION_AGENT_COLUMNS, parse_query
from ccbench.arrays import take
from ccbench.eventlog import Objective, Roster

from ._dashboard_core import mean_ms, percent
from ._frame import Frame
from ._supervision_index import SupervisionIndex

__all__ = ["SupervisionRequest", "local_midnight", "supervision_page"]

I64 = npt.NDArray[np.int64]
_CRITERIA = ("welcome", "response_time", "quality")
_COLUMN = {
    "contacts": "contacts",
    "transactions": "transactions",
    "turnover_minor": "turnover_minor",
    "conversion_rate_pct": "conversion_rate",
    "satisfaction_pct": "satisfaction",
}


def local_midnight(now_ms: int, timezone: str) -> int:
    """Epoch ms of 00:00 local time on the local date of ``now_ms`` (whole seconds decide
    the date)."""
    tz = zoneinfo.ZoneInfo(timezone)
    day = dt.datetime.fromtimestamp(now_ms // 1000, tz).date()
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=tz).timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class SupervisionRequest:
    """A checked request: roster defaults applied (signals in ms, bands in percent)."""

    now_ms: int
    site_id: str
    objectives: tuple[Objective, ...]
    max_handling_ms: int
    max_response_ms: int
    channels: tuple[str, ...]
    good_pct: float
    poor_pct: float
    satisfaction: str
    conversion_rate: str

    @classmethod
    def parse(
        cls, items: Iterable[tuple[str, str]], *, roster: Roster, now_ms: int
    ) -> SupervisionRequest:
        q = parse_query(SUPERVISION, list(items))
        site = q.text_value("site_id")
        sites = [s.id for s in roster.sites]
        if site not in sites:
            raise ParameterError(
                "site_id", f"expected a site id of the roster ({', '.join(sites)}), got {site!r}"
            )
        given = q.items("objectives")
        objectives = roster.objectives
        if given is not None:
            try:
                objectives = tuple(
                    Objective.parse(o, f"objectives[{i}]") for i, o in enumerate(given)
                )
            except RosterError as exc:
                raise ParameterError("objectives", str(exc)) from exc
        for o in objectives:
            if o.agent_id is not None and roster.agent(o.agent_id) is None:
                raise ParameterError(
                    "objectives", f"{o.id}: expected an agent id of the roster, got {o.agent_id!r}"
                )
        handling, response = q.integer("max_handling_ms"), q.integer("max_response_ms")
        return cls(
            now_ms=now_ms,
            site_id=site,
            objectives=tuple(objectives),
            max_handling_ms=roster.signals.max_handling_ms if handling is None else handling,
            max_response_ms=roster.signals.max_response_ms if response is None else response,
            channels=tuple(sorted(set(q.names("channels") or ()))),
            good_pct=q.number("satisfaction_good_pct") or 0.0,
            poor_pct=q.number("satisfaction_poor_pct") or 0.0,
            satisfaction=q.text_value("satisfaction"),
            conversion_rate=q.text_value("conversion_rate"),
        )

    def band(self, score: float | None) -> str | None:
        if score is None:
            return None
        if score >= self.good_pct:
            return "good"
        return "poor" if score < self.poor_pct else "average"

    def score(self, answers: I64) -> float | None:
        """top2: % of answers 4-5; mean: 100 * mean / 5 (section 6.3)."""
        good = int(np.count_nonzero(answers >= 4))
        return self.score_of(int(answers.shape[0]), good, int(answers.sum()))

    def score_of(self, answered: int, good: int, total: int) -> float | None:
        """:meth:`score` from the count of answers, those of 4-5 and their sum (the mean
        ``total / answered`` is the float numpy's ``mean`` of the answers gives: their
        integer sum divided once)."""
        if self.satisfaction == "top2":
            return percent(good, answered)
        return None if answered == 0 else 100.0 * (total / answered) / 5


def supervision_page(
    frame: Frame, *, items: Iterable[tuple[str, str]], now_ms: int
) -> dict[str, Any]:
    """The page of a query string's site at ``now_ms`` (docs/metrics.md 6.8)."""
    req = SupervisionRequest.parse(items, roster=frame.roster, now_ms=now_ms)
    return _Page(frame.memo("supervision", SupervisionIndex), req).answer()


class _Page:
    def __init__(self, x: SupervisionIndex, req: SupervisionRequest) -> None:
        self.x, self.req, self.f = x, req, x.frame
        self.now = req.now_ms
        self.midnight = local_midnight(self.now, self.f.roster.timezone)
        self.limit = self.f.visible(self.now)

    def answer(self) -> dict[str, Any]:
        x, f, req, now = self.x, self.f, self.req, self.now
        roster, s = f.roster, f.segs
        open_segs = np.flatnonzero(s.open_at(now))
        ongoing = _count(s.agent[open_segs])
        # a takeover occupies none of the manager's slots (docs/eventlog.md, "Agents")
        holding = _count(s.agent[open_segs[~x.seg_takeover[open_segs]]])
        here = open_segs[x.seg_site[open_segs] == req.site_id]
        in_progress = _count(s.agent[here])
        presence = {a.id: x.presence_at(a.id, now) for a in roster.agents}
        connected = [a for a in roster.agents if req.site_id in presence[a.id].sites]
        state: dict[int, str] = {}
        for a in connected:
            status = presence[a.id].status
            if status == "online":
                state[a.id] = "available" if holding.get(a.id, 0) < a.max_slots else "busy"
            else:  # the busy status is busy as the agent said it; away, back_soon are not
                state[a.id] = "busy" if status == "busy" else "unavailable"
        humans = sorted((a for a in connected if a.user_type == "human"), key=lambda a: a.id)
        visitors = self._visitors(here)
        surveys, survey_agent = self._surveys()
        per_agent = self._per_agent(surveys, survey_agent)
        overall = self._entry(f.integer("csat")[surveys])
        flagged = {v["agent_id"] for v in visitors["rows"] if v["signals"]}
        rows = []
        for a in humans:
            m = per_agent[a.id]
            presence_ms = x.connected_ms(a.id, req.site_id, self.midnight, now)
            hours = presence_ms / 3_600_000
            row = {
                "agent_id": a.id,
                "name": a.name,
                "state": state[a.id],
                "presence_ms": presence_ms,
                **m,
                "contacts_per_hour": None if hours == 0 else m["contacts"] / hours,
                "in_progress": in_progress.get(a.id, 0),
                "ongoing_all_sites": ongoing.get(a.id, 0),
                "signal": a.id in flagged,
            }
            rows.append({k: row[k] for k in SUPERVISION_AGENT_COLUMNS})
        free = {"human": 0, "bot": 0}
        for a in connected:
            if presence[a.id].status == "online":
                free[a.user_type] = free.get(a.user_type, 0) + max(
                    0, a.max_slots - holding.get(a.id, 0)
                )
        today = self._sales_today()
        criteria = {}
        for name in _CRITERIA:
            values = f.integer("csat_" + name)[surveys]
            criteria[name] = self._entry(values[values > 0])  # not rated: absent (-1)
        return {
            "now": now,
            "site_id": req.site_id,
            "day": {"start": self.midnight, "end": now, "timezone": roster.timezone},
            "agents_by_status": {
                "available": sum(1 for a in humans if state[a.id] == "available"),
                "busy": sum(1 for a in humans if state[a.id] == "busy"),
                "unavailable": sum(1 for a in humans if state[a.id] == "unavailable"),
                "total": len(humans),
            },
            "satisfaction": {
                **overall,
                "criteria": criteria,
                "bands": {"good_pct": req.good_pct, "poor_pct": req.poor_pct},
            },
            "objectives": self._objectives(per_agent, overall["score"]),
            "visitors": visitors,
            "available_slots": {
                "total": free["human"] + free["bot"],
                "agents": free["human"],
                "bots": free["bot"],
            },
            "currencies": sorted({str(c) for c in x.sale_currency[today]}),
            "agents": rows,
        }

    def _entry(self, answers: I64) -> dict[str, Any]:
        score = self.req.score(answers)
        return {"score": score, "answered": int(answers.shape[0]), "band": self.req.band(score)}

    def _sales_today(self) -> I64:
        x = self.x
        ok = (x.sale_ts >= self.midnight) & (x.sale_ts < self.now)
        return np.flatnonzero(ok & (x.sale_site == self.req.site_id))

    def _surveys(self) -> tuple[I64, I64]:
        """The latest visible survey of each site conversation, answered today, and the
        agent of the conversation's last accept before it (-1: none)."""
        x, f = self.x, self.f
        convs = np.flatnonzero(x.conv_site == self.req.site_id).astype(np.int64)
        rows = x.surveys.last_before(convs, self.limit)
        rows = rows[rows >= 0]
        rows = rows[f.ts[rows] >= self.midnight]
        accept = x.accepts.last_before(f.conv[rows], rows)
        agent = take(f.integer("agent_id"), accept, missing=-1)
        return rows, agent

    def _per_agent(self, surveys: I64, survey_agent: I64) -> dict[int, dict[str, Any]]:
        """Today's discussions (agent, conversation) of the site and their sales per agent:
        a discussion is made by the agent's segments in the conversation starting today; it
        has ended when all of them have, and lasts their summed length (ms)."""
        x, f, s, now = self.x, self.f, self.f.segs, self.now
        lo, hi = np.searchsorted(s.start_ts, [self.midnight, now], side="left")
        segs = lo + np.flatnonzero(x.seg_site[lo:hi] == self.req.site_id)
        n = max(f.n_conv, 1)
        pair, disc = np.unique(s.agent[segs] * n + s.conv[segs], return_inverse=True)
        disc = disc.reshape(-1)
        agent_of = pair // n
        ended_seg = s.end_ts[segs] < now
        open_count = np.bincount(disc, weights=~ended_seg, minlength=pair.shape[0])
        length = np.zeros(pair.shape[0], dtype=np.int64)
        np.add.at(length, disc[ended_seg], (s.end_ts - s.start_ts)[segs[ended_seg]])
        ended = open_count == 0
        today = self._sales_today()
        visible = x.sale_ts < now
        won_seg = np.zeros(s.agent.shape[0], dtype=bool)
        won_seg[x.sale_segment[visible & (x.sale_segment >= 0)]] = True
        won_disc = np.bincount(disc, weights=won_seg[segs], minlength=pair.shape[0]) > 0
        csat = f.integer("csat")[surveys]
        # per roster agent (index in ids), sums by bincount instead of a mask per agent
        ids = np.asarray(sorted(a.id for a in f.roster.agents), dtype=np.int64)
        m = ids.shape[0]

        def index(agents: I64) -> I64:
            i = np.searchsorted(ids, agents)
            return np.where(take(ids, i, missing=-1) == agents, i, m)  # m: not on the roster

        def per(agents: I64, values: npt.NDArray[Any] | None = None) -> list[int]:
            at = index(agents)
            if values is None:
                return np.bincount(at, minlength=m + 1).tolist()  # type: ignore[no-any-return]
            sums = np.zeros(m + 1, dtype=np.int64)
            np.add.at(sums, at, values.astype(np.int64))
            return sums.tolist()  # type: ignore[no-any-return]

        contacts = per(agent_of)
        done = per(agent_of[ended])
        aht_sum = per(agent_of[ended], length[ended])
        won = per(agent_of[won_disc])
        sale_agent = x.sale_agent[today]
        # each roster agent's sales today as one slice: their count and sums per currency
        sale_at = index(sale_agent)
        by_agent = np.argsort(sale_at, kind="stable")
        cuts = np.searchsorted(sale_at[by_agent], np.arange(m + 2))
        transactions = np.diff(cuts).tolist()
        sold = today[by_agent]
        answered = per(survey_agent)
        good = per(survey_agent[csat >= 4])
        csat_sum = per(survey_agent, csat)
        position = {a: i for i, a in enumerate(ids.tolist())}
        out: dict[int, dict[str, Any]] = {}
        for a in f.roster.agents:
            i = position[a.id]
            c, d, t, w = contacts[i], done[i], transactions[i], won[i]
            sales = sold[cuts[i] : cuts[i + 1]]
            by_currency = _per_currency(x.sale_currency[sales], x.sale_amount[sales])
            out[a.id] = {
                "contacts": c,
                "aht": mean_ms(aht_sum[i], d),
                "turnover_minor": _one_currency(by_currency),
                "turnover_by_currency": by_currency,
                "conversion_rate": percent(w, c)
                if self.req.conversion_rate == "contacts"
                else percent(t, d),
                "transactions": t,
                "satisfaction": self.req.score_of(answered[i], good[i], csat_sum[i]),
                "satisfaction_answered": answered[i],
                "_won": w,
                "_ended": d,
                "_human": a.user_type == "human",
            }
        return out

    def _objectives(
        self, per_agent: dict[int, dict[str, Any]], page_score: float | None
    ) -> list[dict[str, Any]]:
        """Actual vs target: the agent's value, or the human team's (section 6.4)."""
        team = [m for m in per_agent.values() if m["_human"]]
        contacts = sum(m["contacts"] for m in team)
        transactions = sum(m["transactions"] for m in team)
        totals = {
            "contacts": contacts,
            "transactions": transactions,
            "turnover_minor": _one_currency(
                _per_currency(
                    np.asarray([c for m in team for c in m["turnover_by_currency"]], dtype=object),
                    np.asarray(
                        [v for m in team for v in m["turnover_by_currency"].values()],
                        dtype=np.int64,
                    ),
                )
            ),
            "conversion_rate_pct": percent(sum(m["_won"] for m in team), contacts)
            if self.req.conversion_rate == "contacts"
            else percent(transactions, sum(m["_ended"] for m in team)),
            "satisfaction_pct": page_score,
        }
        out = []
        for o in self.req.objectives:
            actual = (
                totals[o.metric] if o.agent_id is None else per_agent[o.agent_id][_COLUMN[o.metric]]
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

    def _visitors(self, here: I64) -> dict[str, Any]:
        """Site conversations in the chosen channels with a segment open at now; a visitor
        waits when consumer messages follow the last company-side message, from the first
        of them but not before the segment started (section 6.5)."""
        x, f, s, req, now = self.x, self.f, self.f.segs, self.req, self.now
        segs = here[np.isin(x.conv_channel[s.conv[here]], list(req.channels))]
        conv = s.conv[segs]
        after = x.company_msgs.last_before(conv, self.limit)
        first = x.consumer_msgs.first_after(conv, after)
        waiting = (first >= 0) & (first < self.limit)
        since = np.maximum(take(f.ts, first, missing=0), s.start_ts[segs])
        handling = now - s.start_ts[segs]
        rows = []
        for i in range(segs.shape[0]):
            wait = int(now - since[i]) if waiting[i] else None
            signals = []
            if handling[i] > req.max_handling_ms:
                signals.append("handling_duration")
            if wait is not None and wait > req.max_response_ms:
                signals.append("response_time")
            rows.append(
                {
                    "conversation_id": f.conv_ids[conv[i]],
                    "channel": str(x.conv_channel[conv[i]]),
                    "agent_id": int(s.agent[segs[i]]),
                    "handling_ms": int(handling[i]),
                    "waiting_ms": wait,
                    "signals": signals,
                }
            )
        rows.sort(key=lambda r: r["conversation_id"])
        return {
            "total": len(rows),
            "signalled": sum(1 for r in rows if r["signals"]),
            "by_channel": {ch: sum(1 for r in rows if r["channel"] == ch) for ch in req.channels},
            "max_handling_ms": req.max_handling_ms,
            "max_response_ms": req.max_response_ms,
            "rows": rows,
        }


def _count(agents: I64) -> dict[int, int]:
    ids, counts = np.unique(agents, return_counts=True)
    return dict(zip(ids.tolist(), counts.tolist(), strict=True))


def _per_currency(currency: npt.NDArray[np.object_], amount: I64) -> dict[str, int]:
    """Sum of ``amount`` per currency, sorted by currency (section 6.7: never across)."""
    if currency.shape[0] == 0:
        return {}
    names, which = np.unique(currency.astype(str), return_inverse=True)
    sums = np.zeros(names.shape[0], dtype=np.int64)
    np.add.at(sums, which.reshape(-1), amount)
    return {str(c): int(v) for c, v in zip(names, sums, strict=True)}


def _one_currency(by_currency: dict[str, int]) -> int | None:
    """Turnover in minor units: 0 without sales, the total in one currency, None across
    several (their minor units do not add)."""
    return None if len(by_currency) > 1 else sum(by_currency.values(), 0)
