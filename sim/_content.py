"""Bulk content: what happens inside segments, drawn after the event loop.

Nothing here affects capacity, so it needs no discrete events: given a
segment's [start, end) and how it looks (its style), the chat and bot
messages, view sessions, snoozes, extra manager / participant / system
messages and bot intents are drawn directly. Every event lands strictly
inside the segment's (start ms, end ms), so it can never precede the accept
or follow the end. Messaging segments get only the extras: their consumer
and agent messages are the event loop's turns (:mod:`._messaging`). Chat
answer delays go into the service facts the outcomes follow.
"""

from __future__ import annotations

import math

import numpy as np

from ccbench.eventlog import CHANNELS

from ._agents import Workforce
from ._arrivals import Arrivals
from ._facts import END_KINDS, MESSAGE_STYLES, ROLE_BOT, ROLE_MANAGER, ServiceFacts
from ._record import KIND, Chunk, ChunkBuilder
from ._scenario import Scenario

__all__ = ["draw_content"]

_K = KIND
CALL = CHANNELS.index("call")
MESSAGING = CHANNELS.index("messaging")


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


def draw_content(
    scenario: Scenario,
    arrivals: Arrivals,
    segments: dict[str, np.ndarray],
    workforce: Workforce,
    service: ServiceFacts,
    *,
    start_ms: int,
    content: np.random.Generator,
) -> Chunk:
    """Chat and bot messages, extra messages, views, snoozes and intents inside segments.

    Chat agents' answer delays and first responses are added to ``service``.
    """
    out = ChunkBuilder()
    pool = _Pool(content)
    horizon_ms = start_ms + int(scenario.horizon_s * 1000.0)
    managers = [a.id for a in workforce.managers]
    humans = [a.id for a in workforce.agents if not a.is_bot and a.role != "manager"]
    beh = scenario.behaviour
    chat = scenario.modes.chat
    # A consumer answers a bot at its mode's usual pace, without long idle gaps.
    bot_think = [scenario.modes.messaging.consumer_reply.mean_s, chat.consumer_reply_s, 0.0]
    msg = _K["message.sent"]
    closing = {END_KINDS.index(x) for x in ("closed_consumer", "closed_agent", "closed_system")}
    s_silent, s_unresp, s_idle = (
        MESSAGE_STYLES.index(x) for x in ("silent_agent", "unresponsive_consumer", "idle")
    )
    intents = [x.name for x in scenario.intents]
    cols = {k: v.tolist() for k, v in segments.items()}
    arrival = arrivals.t
    # Only segments where something can happen: calls handled by humans have no
    # messages, so unless views are on they need no work at all.
    seg_conv = np.asarray(segments["conv"], dtype=np.int64)
    busy = (arrivals.channel[seg_conv] != CALL) | (np.asarray(segments["role"]) == ROLE_BOT)
    if beh.view > 0:
        busy[:] = True
    for j in np.nonzero(busy)[0].tolist():
        conv, agent, role = cols["conv"][j], cols["agent"][j], cols["role"][j]
        channel = int(arrivals.channel[conv])
        start, end = cols["start"][j], cols["end"][j]
        lo = start_ms + int(start * 1000.0) + 1
        hi = (horizon_ms if math.isnan(end) else start_ms + int(end * 1000.0)) - 1
        if hi < lo:
            continue

        def at(t: float, lo: int = lo, hi: int = hi) -> int | None:
            ms = max(start_ms + int(t * 1000.0), lo)
            return ms if ms <= hi else None

        def exchange(
            t: float,
            limit: float,
            sender: str,
            first: float,
            reply_mean: float,
            think_mean: float,
            idle_share: float = 0.0,
            conv: int = conv,
            agent: int = agent,
        ) -> None:
            """Alternating agent-side and consumer messages until ``limit`` (s); a
            human agent's delays go to the service facts."""
            delay = pool.exp(first)
            t += delay
            while t < limit:
                ms = at(t)
                if ms is None:
                    return
                out.put(ms, msg, conv, agent, sender_role=sender)
                if sender != "bot":
                    service.replied(conv, delay=delay, t=t, arrival=arrival[conv])
                if pool.unif() < idle_share:
                    t += pool.exp(chat.idle_s)
                else:
                    t += pool.exp(think_mean)
                if t >= limit or (ms := at(t)) is None:
                    return
                out.put(ms, msg, conv, sender_role="consumer")
                delay = pool.exp(reply_mean)
                t += delay

        limit = (hi - start_ms) / 1000.0
        if role == ROLE_BOT:
            exchange(start, limit, "bot", 1.0, 1.5, bot_think[channel])
            intent = int(arrivals.intent[conv])
            if intent >= 0 and (ms := at(start + (limit - start) * 0.5)) is not None:
                out.put(
                    ms,
                    _K["intent.detected"],
                    conv,
                    agent,
                    intent=intents[intent],
                    language=arrivals.languages[int(arrivals.language[conv])],
                )
            continue
        sender = "manager" if role == ROLE_MANAGER else "agent"
        if channel != CALL:
            style = cols["style"][j]
            if channel == MESSAGING:
                pass  # its consumer and agent messages are the event loop's turns
            elif style == s_silent:
                if pool.unif() < 0.5 and (ms := at(start + pool.unif() * (limit - start))):
                    out.put(ms, msg, conv, sender_role="consumer")
            elif style == s_unresp:
                if (ms := at(start + cols["param"][j])) is not None:
                    out.put(ms, msg, conv, agent, sender_role=sender)
            else:
                stop = start + cols["param"][j] if style == s_idle else limit
                exchange(
                    start,
                    min(stop, limit),
                    sender,
                    chat.first_response_s,
                    chat.agent_reply_s,
                    chat.consumer_reply_s,
                    chat.idle_share,
                )
            span = limit - start
            for p, who, ids in (
                (beh.manager_message, "manager", managers),
                (beh.participant_message, "participant", humans),
                (beh.system_message, "system", [-1]),
                (beh.note, "note", [agent]),
            ):
                if ids and pool.unif() < p:
                    pick = ids[int(pool.unif() * len(ids))]
                    if pick == agent and who == "participant":
                        continue
                    if (ms := at(start + pool.unif() * span)) is None:
                        continue
                    if who == "note":  # the assigned agent's internal note
                        out.put(ms, msg, conv, pick, sender_role=sender, visibility="internal")
                    else:
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
    return out.chunk()
