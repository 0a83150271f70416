"""Bulk content: what happens inside segments and after closes, drawn after the event loop.

Nothing here affects capacity, so it needs no discrete events: given a
segment's [start, end) and how it looks (its style), the messages, view
sessions, snoozes, extra manager / participant / system messages and bot
intents are drawn directly. Every event lands strictly inside the segment's
(start ms, end ms), so it can never precede the accept or follow the end.
Surveys, MCS and sales follow the final close of a conversation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ccbench.eventlog import CHANNELS

from ._agents import Workforce
from ._arrivals import Arrivals
from ._facts import END_KINDS, MESSAGE_STYLES, ROLE_BOT, ROLE_MANAGER
from ._record import KIND, Chunk
from ._scenario import Scenario

__all__ = ["Closes", "draw_content"]

# Final closes: (conversation index, close time s, agent id of the last human or -1).
Closes = tuple[np.ndarray, np.ndarray, np.ndarray]

_K = KIND
CALL = CHANNELS.index("call")
MESSAGING = CHANNELS.index("messaging")
CSAT_P = np.array([0.06, 0.06, 0.12, 0.3, 0.46])


class _Pool:
    """Pre-drawn unit exponentials and uniforms, consumed one by one (fast scalars)."""

    def __init__(self, rng: np.random.Generator, size: int = 1 << 16) -> None:
        self.rng, self.size = rng, size
        self._refill()

    def _refill(self) -> None:
        self.e = self.rng.standard_exponential(self.size).tolist()
        self.u = self.rng.random(self.size).tolist()
        self.ie = self.iu = 0

    def exp(self, mean: float) -> float:
        if self.ie == self.size:
            self._refill()
        self.ie += 1
        return float(self.e[self.ie - 1] * mean)

    def unif(self) -> float:
        if self.iu == self.size:
            self._refill()
        self.iu += 1
        return float(self.u[self.iu - 1])


class _Out:
    """Event lists for one bulk chunk."""

    def __init__(self) -> None:
        self.ts: list[int] = []
        self.kind: list[int] = []
        self.conv: list[int] = []
        self.agent: list[int] = []
        self.extra: dict[str, tuple[list[int], list[Any]]] = {}

    def put(self, ts: int, kind: int, conv: int, agent: int = -1, **extra: Any) -> None:
        row = len(self.ts)
        self.ts.append(ts)
        self.kind.append(kind)
        self.conv.append(conv)
        self.agent.append(agent)
        for name, value in extra.items():
            slot = self.extra.setdefault(name, ([], []))
            slot[0].append(row)
            slot[1].append(value)

    def chunk(self) -> Chunk:
        n = len(self.ts)
        return Chunk(
            np.asarray(self.ts, dtype=np.int64),
            np.asarray(self.kind, dtype=np.int64),
            np.asarray(self.conv, dtype=np.int64),
            np.asarray(self.agent, dtype=np.int64),
            np.full(n, -1, dtype=np.int64),
            np.arange(n, dtype=np.int64),
            {
                k: (np.asarray(r, dtype=np.int64), np.asarray(v, dtype=object))
                for k, (r, v) in self.extra.items()
            },
        )


def draw_content(
    scenario: Scenario,
    plan: Arrivals,
    segments: dict[str, np.ndarray],
    closes: Closes,
    workforce: Workforce,
    *,
    start_ms: int,
    content: np.random.Generator,
    outcomes: np.random.Generator,
) -> list[Chunk]:
    """Messages, views, snoozes and intents inside segments; surveys, MCS, sales after."""
    out = _Out()
    pool = _Pool(content)
    horizon_ms = start_ms + int(scenario.horizon_s * 1000.0)
    managers = [a.id for a in workforce.managers]
    humans = [a.id for a in workforce.agents if not a.is_bot and a.role != "manager"]
    beh = scenario.behaviour
    modes = [getattr(scenario.modes, c) for c in CHANNELS]
    msg = _K["message.sent"]
    closing = {END_KINDS.index(x) for x in ("closed_consumer", "closed_agent", "closed_system")}
    s_silent, s_unresp, s_idle = (
        MESSAGE_STYLES.index(x) for x in ("silent_agent", "unresponsive_consumer", "idle")
    )
    intents = [x.name for x in scenario.intents]
    cols = {k: v.tolist() for k, v in segments.items()}
    # Only segments where something can happen: calls handled by humans have no
    # messages, so unless views are on they need no work at all.
    seg_conv = np.asarray(segments["conv"], dtype=np.int64)
    busy = (plan.channel[seg_conv] != CALL) | (np.asarray(segments["role"]) == ROLE_BOT)
    if beh.view > 0:
        busy[:] = True
    for j in np.nonzero(busy)[0].tolist():
        conv, agent, role = cols["conv"][j], cols["agent"][j], cols["role"][j]
        channel = int(plan.channel[conv])
        start, end = cols["start"][j], cols["end"][j]
        lo = start_ms + int(start * 1000.0) + 1
        hi = (horizon_ms if math.isnan(end) else start_ms + int(end * 1000.0)) - 1
        if hi < lo:
            continue
        mode = modes[channel]

        def at(t: float, lo: int = lo, hi: int = hi) -> int | None:
            ms = max(start_ms + int(t * 1000.0), lo)
            return ms if ms <= hi else None

        def exchange(
            t: float,
            limit: float,
            sender: str,
            reply_mean: float,
            first: float,
            conv: int = conv,
            agent: int = agent,
            mode: Any = mode,
        ) -> None:
            """Alternating agent-side and consumer messages until ``limit`` (s)."""
            t += pool.exp(first)
            while t < limit:
                ms = at(t)
                if ms is None:
                    return
                out.put(ms, msg, conv, agent, sender_role=sender)
                if pool.unif() < mode.idle_share:
                    t += pool.exp(mode.idle_s)
                else:
                    t += pool.exp(mode.consumer_reply_s)
                if t >= limit or (ms := at(t)) is None:
                    return
                out.put(ms, msg, conv, sender_role="consumer")
                t += pool.exp(reply_mean)

        limit = (hi - start_ms) / 1000.0
        if role == ROLE_BOT:
            exchange(start, limit, "bot", 1.5, 1.0)
            intent = int(plan.intent[conv])
            if intent >= 0 and (ms := at(start + (limit - start) * 0.5)) is not None:
                out.put(
                    ms,
                    _K["intent.detected"],
                    conv,
                    agent,
                    intent=intents[intent],
                    language=plan.languages[int(plan.language[conv])],
                )
            continue
        sender = "manager" if role == ROLE_MANAGER else "agent"
        if channel != CALL:
            style = cols["style"][j]
            if style == s_silent:
                if pool.unif() < 0.5 and (ms := at(start + pool.unif() * (limit - start))):
                    out.put(ms, msg, conv, sender_role="consumer")
            elif style == s_unresp:
                if (ms := at(start + cols["param"][j])) is not None:
                    out.put(ms, msg, conv, agent, sender_role=sender)
            else:
                stop = start + cols["param"][j] if style == s_idle else limit
                exchange(start, min(stop, limit), sender, mode.agent_reply_s, mode.first_response_s)
            span = limit - start
            for p, who, ids in (
                (beh.manager_message, "manager", managers),
                (beh.participant_message, "participant", humans),
                (beh.system_message, "system", [-1]),
            ):
                if ids and pool.unif() < p:
                    pick = ids[int(pool.unif() * len(ids))]
                    if pick == agent and who == "participant":
                        continue
                    if (ms := at(start + pool.unif() * span)) is not None:
                        out.put(ms, msg, conv, pick, sender_role=who)
        if role == ROLE_MANAGER:
            continue
        span = limit - start
        if pool.unif() < beh.view:
            a, b = sorted((pool.unif(), pool.unif()))
            ma, mb = at(start + a * span), at(start + b * span)
            if ma is not None and mb is not None:
                out.put(ma, _K["view.started"], conv, agent)
                out.put(mb, _K["view.ended"], conv, agent)
        if channel == MESSAGING and pool.unif() < beh.snooze and cols["end_kind"][j] in closing:
            ma, mb = at(start + span * 0.3), at(start + span * (0.4 + 0.5 * pool.unif()))
            if ma is not None and mb is not None and ma < mb:
                out.put(ma, _K["conversation.snoozed"], conv, agent, snooze_until=mb)
                out.put(mb, _K["conversation.unsnoozed"], conv, agent)
    _outcomes(scenario, closes, out, outcomes, start_ms=start_ms, horizon_ms=horizon_ms)
    return [out.chunk()]


def _outcomes(
    scenario: Scenario,
    closes: Closes,
    out: _Out,
    rng: np.random.Generator,
    *,
    start_ms: int,
    horizon_ms: int,
) -> None:
    """Surveys (overall and criteria), MCS and sales after each final close."""
    o = scenario.outcomes
    n = len(closes[0])
    u = rng.random((n, 4))
    delay = rng.uniform(30.0, 600.0, n)
    csat = rng.choice(5, size=(n, 4), p=CSAT_P) + 1
    mcs = np.clip(rng.normal(62.0, 22.0, n), 0, 100).astype(int)
    amount = np.maximum(1, rng.exponential(o.sale_mean_minor, n)).astype(np.int64)
    currency = scenario.scenario.currency
    hit = (u[:, 0] < o.survey) | (u[:, 2] < o.mcs) | (u[:, 3] < o.sale)
    conv_, t_, last_ = (x.tolist() for x in closes)
    for k in np.nonzero(hit)[0].tolist():
        conv, t, last = conv_[k], t_[k], last_[k]
        close_ms = start_ms + int(t * 1000.0)
        after = close_ms + int(delay[k] * 1000.0)
        if u[k, 0] < o.survey and after < horizon_ms:
            extra = {}
            if u[k, 1] < o.survey_criteria:
                extra = {
                    "csat_welcome": int(csat[k, 1]),
                    "csat_response_time": int(csat[k, 2]),
                    "csat_quality": int(csat[k, 3]),
                }
            out.put(after, _K["survey.answered"], conv, csat=int(csat[k, 0]), **extra)
        if u[k, 2] < o.mcs and after < horizon_ms:
            m = int(mcs[k])
            out.put(
                after,
                _K["mcs.scored"],
                conv,
                mcs=m,
                mcs_alerted=1 if m >= 67 else (-1 if m <= 33 else 0),
            )
        if last >= 0 and u[k, 3] < o.sale:
            out.put(
                close_ms,
                _K["sale.recorded"],
                conv,
                last,
                amount_minor=int(amount[k]),
                currency=currency,
            )
