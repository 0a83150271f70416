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
from ._supervision_day import agent_day
from ._supervision_index import SupervisionIndex
from ._supervision_presence import BUSY, ONLINE

__all__ = ["SupervisionRequest", "local_midnight", "supervision_page"]

I64 = npt.NDArray[np.int64]
_CRITERIA = ("welcome", "response_time", "quality")
_STATES = ("available", "busy", "unavailable")
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
        self.site = x.sites.index(req.site_id)
        self.day = agent_day(
            x.site_facts[self.site],
            agents=x.ids.shape[0],
            currencies=len(x.currencies),
            midnight=self.midnight,
            now=self.now,
            limit=self.limit,
        )

    def answer(self) -> dict[str, Any]:
        x, f, req, now, day = self.x, self.f, self.req, self.now, self.day
        roster, s, m = f.roster, f.segs, x.ids.shape[0]
        open_segs = np.flatnonzero(s.open_at(now))
        ongoing = np.bincount(x.seg_agent[open_segs], minlength=m + 1)[:m]
        # a takeover occupies none of the manager's slots (docs/eventlog.md, "Agents")
        holding = np.bincount(x.seg_agent[open_segs[~x.seg_takeover[open_segs]]], minlength=m + 1)
        here = open_segs[x.seg_site[open_segs] == self.site]
        in_progress = np.bincount(x.seg_agent[here], minlength=m + 1)[:m]
        status, connected = x.presence.at(now, self.site)
        online = connected & (status == ONLINE)
        free_slots = np.maximum(x.max_slots - holding[:m], 0) * online
        busy = (online & (free_slots == 0)) | (connected & (status == BUSY))
        # the busy status is busy as the agent said it; away, back_soon are not
        state = np.where(online & ~busy, 0, np.where(busy, 1, 2))
        humans = np.flatnonzero(connected & x.human)
        by_state = np.bincount(state[humans], minlength=3).tolist()
        visitors = self._visitors(here)
        flagged = {v["agent_id"] for v in visitors["rows"] if v["signals"]}
        overall = self._entry(day.csat[0])
        presence_ms = x.presence.connected_ms(self.site, self.midnight, now)[humans].tolist()
        rows = []
        for i, p, st, busy_here, busy_all in zip(
            humans.tolist(),
            presence_ms,
            state[humans].tolist(),
            in_progress[humans].tolist(),
            ongoing[humans].tolist(),
            strict=True,
        ):
            a = int(x.ids[i])
            metrics = self._metrics(i)
            hours = p / 3_600_000
            row = {
                "agent_id": a,
                "name": x.names[i],
                "state": _STATES[st],
                "presence_ms": p,
                **metrics,
                "contacts_per_hour": None if hours == 0 else metrics["contacts"] / hours,
                "in_progress": busy_here,
                "ongoing_all_sites": busy_all,
                "signal": a in flagged,
            }
            rows.append({k: row[k] for k in SUPERVISION_AGENT_COLUMNS})
        criteria = {}
        for j, name in enumerate(_CRITERIA, start=1):
            values = day.csat[j]
            criteria[name] = self._entry(values[values > 0])  # not rated: absent (-1)
        human_free = int(free_slots[x.human].sum())
        bot_free = int(free_slots[x.bot].sum())
        return {
            "now": now,
            "site_id": req.site_id,
            "day": {"start": self.midnight, "end": now, "timezone": roster.timezone},
            "agents_by_status": {
                "available": by_state[0],
                "busy": by_state[1],
                "unavailable": by_state[2],
                "total": int(humans.shape[0]),
            },
            "satisfaction": {
                **overall,
                "criteria": criteria,
                "bands": {"good_pct": req.good_pct, "poor_pct": req.poor_pct},
            },
            "objectives": self._objectives(overall["score"]),
            "visitors": visitors,
            "available_slots": {
                "total": human_free + bot_free,
                "agents": human_free,
                "bots": bot_free,
            },
            "currencies": day.currencies_sold(x.currencies),
            "agents": rows,
        }

    def _entry(self, answers: I64) -> dict[str, Any]:
        score = self.req.score(answers)
        return {"score": score, "answered": int(answers.shape[0]), "band": self.req.band(score)}

    def _metrics(self, i: int) -> dict[str, Any]:
        """Roster agent ``i``'s columns of today at the site (section 6.7)."""
        day = self.day
        c, d, t, w = day.contacts[i], day.ended[i], day.transactions[i], day.won[i]
        by_currency = day.turnover(i, self.x.currencies) if t else {}
        return {
            "contacts": c,
            "aht": mean_ms(day.handled_ms[i], d),
            "turnover_minor": _one_currency(by_currency),
            "turnover_by_currency": by_currency,
            "conversion_rate": percent(w, c)
            if self.req.conversion_rate == "contacts"
            else percent(t, d),
            "transactions": t,
            "satisfaction": self.req.score_of(day.answered[i], day.good[i], day.csat_sum[i]),
            "satisfaction_answered": day.answered[i],
        }

    def _team(self, page_score: float | None) -> dict[str, Any]:
        """The human team's values of the objectives' metrics (section 6.4)."""
        x, day = self.x, self.day
        team = x.human.tolist()

        def total(values: list[int]) -> int:
            return sum(v for v, h in zip(values, team, strict=False) if h)

        contacts, transactions = total(day.contacts), total(day.transactions)
        return {
            "contacts": contacts,
            "transactions": transactions,
            "turnover_minor": _one_currency(day.team_turnover(x.human, x.currencies)),
            "conversion_rate_pct": percent(total(day.won), contacts)
            if self.req.conversion_rate == "contacts"
            else percent(transactions, total(day.ended)),
            "satisfaction_pct": page_score,
        }

    def _objectives(self, page_score: float | None) -> list[dict[str, Any]]:
        """Actual vs target: the agent's value, or the human team's (section 6.4)."""
        if not self.req.objectives:
            return []
        totals = self._team(page_score)
        out = []
        for o in self.req.objectives:
            if o.agent_id is None:
                actual = totals[o.metric]
            else:
                i = int(np.searchsorted(self.x.ids, o.agent_id))
                actual = self._metrics(i)[_COLUMN[o.metric]]
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


def _one_currency(by_currency: dict[str, int]) -> int | None:
    """Turnover in minor units: 0 without sales, the total in one currency, None across
    several (their minor units do not add)."""
    return None if len(by_currency) > 1 else sum(by_currency.values(), 0)
