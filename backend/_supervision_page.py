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
from ccbench.api import SUPERVISION, parse_query
from ccbench.eventlog import CHANNELS, Objective, Roster

from ._dashboard_core import percent
from ._frame import Frame
from ._supervision_day import SupervisionDays
from ._supervision_presence import BUSY, ONLINE
from ._supervision_table import AgentMetrics, agent_metrics, agent_rows

__all__ = ["SupervisionRequest", "local_midnight", "supervision_page"]

I64 = npt.NDArray[np.int64]
_CRITERIA = ("welcome", "response_time", "quality")
_STATES = ("available", "busy", "unavailable")
# a visitor's signals by (handling exceeded) + 2 * (response exceeded)
_SIGNALS = ((), ("handling_duration",), ("response_time",), ("handling_duration", "response_time"))
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

    def score_of(self, answered: int, good: int, total: int) -> float | None:
        """top2: % of answers 4-5; mean: 100 * mean / 5 (section 6.3), from the count of
        answers, those of 4-5 and their sum (the mean ``total / answered`` is the float
        numpy's ``mean`` of the answers gives: their integer sum divided once)."""
        if self.satisfaction == "top2":
            return percent(good, answered)
        return None if answered == 0 else 100.0 * (total / answered) / 5


def supervision_page(
    frame: Frame, *, items: Iterable[tuple[str, str]], now_ms: int
) -> dict[str, Any]:
    """The page of a query string's site at ``now_ms`` (docs/metrics.md 6.8)."""
    req = SupervisionRequest.parse(items, roster=frame.roster, now_ms=now_ms)
    return _Page(frame.memo("supervision_days", SupervisionDays), req).answer()


class _Page:
    def __init__(self, days: SupervisionDays, req: SupervisionRequest) -> None:
        x = days.index
        self.x, self.req, self.f = x, req, x.frame
        self.now = req.now_ms
        self.midnight = local_midnight(self.now, self.f.roster.timezone)
        self.limit = self.f.visible(self.now)
        self.site = x.sites.index(req.site_id)
        self.day = days.at(site=self.site, midnight=self.midnight, now=self.now)

    def answer(self) -> dict[str, Any]:
        x, f, req, now, day = self.x, self.f, self.req, self.now, self.day
        s, m = f.segs, x.ids.shape[0]
        # segments open at now: started before it (a prefix, in start order), not ended
        started = int(np.searchsorted(s.start_ts, now, side="left"))
        open_segs = np.flatnonzero(s.end_ts[:started] >= now)
        ongoing = np.bincount(x.seg_agent[open_segs], minlength=m + 1)
        # a takeover occupies none of the manager's slots (docs/eventlog.md, "Agents")
        holding = np.bincount(x.seg_agent[open_segs[~x.seg_takeover[open_segs]]], minlength=m + 1)
        here = open_segs[x.seg_site[open_segs] == self.site]
        in_progress = np.bincount(x.seg_agent[here], minlength=m + 1)
        status, connected = x.presence.at(now, self.site)
        online = connected & (status == ONLINE)
        free_slots = np.maximum(x.max_slots - holding[:m], 0) * online
        # the busy status is busy as the agent said it; away, back_soon are not
        busy = (online & (free_slots == 0)) | (connected & (status == BUSY))
        state = np.where(online & ~busy, 0, np.where(busy, 1, 2))
        humans = np.flatnonzero(connected & x.human)
        ids = x.ids[humans].tolist()
        by_state = np.bincount(state[humans], minlength=3).tolist()
        visitors = self._visitors(here)
        flagged = {v["agent_id"] for v in visitors["rows"] if v["signals"]}
        overall = self._entry(*day.site_surveys[0])
        # a criterion's answers are the surveys that rate it
        criteria = {
            n: self._entry(*v) for n, v in zip(_CRITERIA, day.site_surveys[1:], strict=True)
        }
        human_free = int(free_slots[x.human].sum())
        bot_free = int(free_slots[x.bot].sum())
        return {
            "now": now,
            "site_id": req.site_id,
            "day": {"start": self.midnight, "end": now, "timezone": f.roster.timezone},
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
            "agents": agent_rows(
                self._metrics(humans),
                agent_id=ids,
                name=[x.names[i] for i in humans.tolist()],
                state=[_STATES[k] for k in state[humans].tolist()],
                presence_ms=x.presence.connected_ms(self.site, self.midnight, now)[humans],
                in_progress=in_progress[humans].tolist(),
                ongoing_all_sites=ongoing[humans].tolist(),
                signal=[a in flagged for a in ids],
            ),
        }

    def _entry(self, answered: int, good: int, total: int) -> dict[str, Any]:
        """Section 6.3's score of ``answered`` answers, ``good`` of them 4-5, summing
        ``total``."""
        score = self.req.score_of(answered, good, total)
        return {"score": score, "answered": answered, "band": self.req.band(score)}

    def _metrics(self, agents: I64) -> AgentMetrics:
        """Section 6.7's values of today at the site of the roster indexes ``agents``."""
        return agent_metrics(
            self.day,
            agents,
            currencies=self.x.currencies,
            conversion_rate=self.req.conversion_rate,
            satisfaction=self.req.satisfaction,
        )

    def _team(self, page_score: float | None) -> dict[str, Any]:
        """The human team's values of the objectives' metrics (section 6.4)."""
        x, day = self.x, self.day
        human = np.flatnonzero(x.human)

        def total(values: I64) -> int:
            return int(values[human].sum())

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
                i = np.searchsorted(self.x.ids, [o.agent_id])
                actual = getattr(self._metrics(i), _COLUMN[o.metric])[0]
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
        of them but not before the segment started (section 6.5). Rows by conversation id
        (a stable sort: one conversation's segments keep their start order)."""
        x, f, s, req, now = self.x, self.f, self.f.segs, self.req, self.now
        wanted = np.array([c in req.channels for c in CHANNELS] + [False])  # last: -1, none
        segs = here[wanted[x.conv_channel_code[s.conv[here]]]]
        ids = [f.conv_ids[c] for c in s.conv[segs].tolist()]
        order = sorted(range(len(ids)), key=ids.__getitem__)
        segs = segs[np.asarray(order, dtype=np.int64)]
        conv = s.conv[segs]
        waiting, first_ts = x.waiting.at(conv, self.limit)
        since = np.maximum(first_ts, s.start_ts[segs])
        handling = now - s.start_ts[segs]
        wait = now - since
        long_handling = handling > req.max_handling_ms
        long_wait = waiting & (wait > req.max_response_ms)
        channel = x.conv_channel_code[conv]
        rows = [
            {
                "conversation_id": ids[k],
                "channel": CHANNELS[ch],
                "agent_id": a,
                "handling_ms": h,
                "waiting_ms": w if waits else None,
                "signals": _SIGNALS[lh + 2 * lw],
            }
            for k, ch, a, h, w, waits, lh, lw in zip(
                order,
                channel.tolist(),
                s.agent[segs].tolist(),
                handling.tolist(),
                wait.tolist(),
                waiting.tolist(),
                long_handling.tolist(),
                long_wait.tolist(),
                strict=True,
            )
        ]
        counts = np.bincount(channel, minlength=len(CHANNELS)).tolist()
        return {
            "total": len(rows),
            "signalled": int(np.count_nonzero(long_handling | long_wait)),
            "by_channel": {ch: counts[CHANNELS.index(ch)] for ch in req.channels},
            "max_handling_ms": req.max_handling_ms,
            "max_response_ms": req.max_response_ms,
            "rows": rows,
        }


def _one_currency(by_currency: dict[str, int]) -> int | None:
    """Turnover in minor units: 0 without sales, the total in one currency, None across
    several (their minor units do not add)."""
    return None if len(by_currency) > 1 else sum(by_currency.values(), 0)
