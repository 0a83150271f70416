"""What the event loop learns besides events: agent segments, queue and service facts.

Segments (who held which conversation, from when to when, how it ended and
how its messages should look) feed the bulk content generator; queue facts
(arrival, first human queue entry, answer or abandon) are the raw material of
capacity-planning metrics (service level, ASA, abandon rate) without parsing
the log; both become pyarrow tables in the run's result. Service facts (waits,
responses, transfers, resolution) are what the outcomes (:mod:`._outcomes`)
follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ccbench.eventlog import ASSIGN_REASONS, SENDER_ROLES

__all__ = [
    "BACK_TO_QUEUE",
    "END_KINDS",
    "MESSAGE_STYLES",
    "NEW",
    "RESUME",
    "ROLE_AGENT",
    "ROLE_BOT",
    "ROLE_MANAGER",
    "TAKEOVER",
    "TRANSFER",
    "QueueFacts",
    "SegmentRecords",
    "ServiceFacts",
]

# Assignment reasons and segment roles are the contract's codes: an index into
# ASSIGN_REASONS / SENDER_ROLES, looked up by name.
NEW, TRANSFER, BACK_TO_QUEUE, TAKEOVER, RESUME = (
    ASSIGN_REASONS.index(x) for x in ("new", "transfer", "back_to_queue", "takeover", "resume")
)
ROLE_AGENT, ROLE_BOT, ROLE_MANAGER = (SENDER_ROLES.index(x) for x in ("agent", "bot", "manager"))
END_KINDS = (
    "open",
    "closed_consumer",
    "closed_agent",
    "closed_system",
    "transfer_skill",
    "transfer_agent",
    "back_to_queue",
    "takeover",
)
# How messages inside a segment look: an ordinary exchange; the consumer leaves
# before any agent message; the consumer stops answering after the agent's first
# message (param = that message's delay, s); the exchange stops and the
# conversation idles (param = length of the active part, s).
MESSAGE_STYLES = ("exchange", "silent_agent", "unresponsive_consumer", "idle")


@dataclass
class SegmentRecords:
    """Agent segments as parallel lists; times in seconds from the horizon start.

    ``reason`` is an index into ASSIGN_REASONS, ``role`` into SENDER_ROLES (agent,
    bot or manager), ``end_kind`` into END_KINDS, ``style`` into MESSAGE_STYLES.
    """

    conv: list[int] = field(default_factory=list)
    agent: list[int] = field(default_factory=list)
    skill: list[int] = field(default_factory=list)
    reason: list[int] = field(default_factory=list)
    role: list[int] = field(default_factory=list)
    start: list[float] = field(default_factory=list)
    end: list[float] = field(default_factory=list)
    end_kind: list[int] = field(default_factory=list)
    style: list[int] = field(default_factory=list)
    param: list[float] = field(default_factory=list)

    def begin(self, conv: int, agent: int, skill: int, reason: int, role: int, start: float) -> int:
        """Record a segment's start; returns its index for :meth:`finish`."""
        self.conv.append(conv)
        self.agent.append(agent)
        self.skill.append(skill)
        self.reason.append(reason)
        self.role.append(role)
        self.start.append(start)
        self.end.append(np.nan)
        self.end_kind.append(0)
        self.style.append(0)
        self.param.append(0.0)
        return len(self.conv) - 1

    def finish(
        self, index: int, end: float, end_kind: str, style: int = 0, param: float = 0.0
    ) -> None:
        self.end[index] = end
        self.end_kind[index] = END_KINDS.index(end_kind)
        self.style[index] = style
        self.param[index] = param

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            name: np.asarray(getattr(self, name))
            for name in (
                "conv",
                "agent",
                "skill",
                "reason",
                "role",
                "start",
                "end",
                "end_kind",
                "style",
                "param",
            )
        }

    def __len__(self) -> int:
        return len(self.conv)


@dataclass
class QueueFacts:
    """Per-conversation queue facts (s from the horizon start; NaN = did not happen)."""

    arrival: np.ndarray
    skill: np.ndarray  # skill of the first human queue (-1 if never queued to a human)
    queued: np.ndarray
    answered_at: np.ndarray
    abandon: np.ndarray
    agent: np.ndarray  # agent id of the first human answer (-1)

    @classmethod
    def empty(cls, n: int) -> QueueFacts:
        nan = np.full(n, np.nan)
        return cls(
            np.zeros(n),
            np.full(n, -1, dtype=np.int64),
            nan.copy(),
            nan.copy(),
            nan.copy(),
            np.full(n, -1, dtype=np.int64),
        )

    def enter(self, conv: int, skill: int, t: float) -> None:
        """The first entry into a human queue (later entries are ignored)."""
        if self.skill[conv] < 0:
            self.skill[conv] = skill
            self.queued[conv] = t

    def answered(self, conv: int, t: float, agent: int) -> None:
        if (
            self.skill[conv] >= 0
            and np.isnan(self.answered_at[conv])
            and np.isnan(self.abandon[conv])
        ):
            self.answered_at[conv] = t
            self.agent[conv] = agent

    def table(self, *, ids: np.ndarray, channel: np.ndarray, start_ms: int) -> pa.Table:
        """The queue facts as a table with ms timestamps (null = did not happen)."""

        def ms(x: np.ndarray) -> pa.Array:
            bad = np.isnan(x)
            return pa.array(
                np.where(bad, 0, start_ms + np.floor(np.nan_to_num(x) * 1000.0)).astype(np.int64),
                mask=bad,
            )

        return pa.table(
            {
                "conversation_id": pa.array(ids, type=pa.string()),
                "channel": pa.array(channel, type=pa.string()),
                "skill_id": pa.array(self.skill, mask=self.skill < 0),
                "arrival_ms": ms(self.arrival),
                "queued_ms": ms(self.queued),
                "answered_ms": ms(self.answered_at),
                "abandoned_ms": ms(self.abandon),
                "agent_id": pa.array(self.agent, mask=self.agent < 0),
            }
        )


@dataclass
class ServiceFacts:
    """What each conversation lived through, for its outcomes (s; NaN = did not happen).

    ``queue_wait``: time waiting for a human (queues and offers) summed over
    every accept; ``first_response``: arrival to the first human agent-side
    message (calls: to the first human accept); ``reply_sum`` / ``replies``:
    agent-side response delays; ``load_sum`` / ``load_count``: conversations
    the agent held (messaging: when each delay started; chat and call: at
    each accept); ``transfers``: human segments that ended with the
    conversation going to another human (transfer, back to queue, takeover);
    ``resolved`` and ``closed_by`` (index into CLOSED_BY, -1 = never closed)
    describe the final close; ``last_skill`` is the skill of the last human
    segment (-1 = none).
    """

    queue_wait: np.ndarray
    first_response: np.ndarray
    reply_sum: np.ndarray
    replies: np.ndarray
    load_sum: np.ndarray
    load_count: np.ndarray
    transfers: np.ndarray
    resolved: np.ndarray
    closed_by: np.ndarray
    last_skill: np.ndarray

    @classmethod
    def empty(cls, n: int) -> ServiceFacts:
        def zeros(dtype: type = float) -> np.ndarray:
            return np.zeros(n, dtype=dtype)

        return cls(
            queue_wait=zeros(),
            first_response=np.full(n, np.nan),
            reply_sum=zeros(),
            replies=zeros(np.int64),
            load_sum=zeros(),
            load_count=zeros(np.int64),
            transfers=zeros(np.int64),
            resolved=zeros(bool),
            closed_by=np.full(n, -1, dtype=np.int64),
            last_skill=np.full(n, -1, dtype=np.int64),
        )

    def replied(self, conv: int, *, delay: float, t: float, arrival: float) -> None:
        """An agent-side message at ``t`` (s), ``delay`` s after what it answers."""
        self.reply_sum[conv] += delay
        self.replies[conv] += 1
        if np.isnan(self.first_response[conv]):
            self.first_response[conv] = t - arrival

    def held(self, conv: int, conversations: int) -> None:
        """The serving agent holds ``conversations`` (this one included)."""
        self.load_sum[conv] += conversations
        self.load_count[conv] += 1

    def mean_response(self) -> np.ndarray:
        """Mean agent-side response delay per conversation (0 without replies), s."""
        out = np.zeros(len(self.replies))
        np.divide(self.reply_sum, self.replies, out=out, where=self.replies > 0)
        return out

    def mean_load(self) -> np.ndarray:
        """Mean conversations held by the agents who served it (1 when never measured)."""
        out = np.ones(len(self.load_count))
        np.divide(self.load_sum, self.load_count, out=out, where=self.load_count > 0)
        return out
