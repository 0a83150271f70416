"""An event log as numpy arrays of codes, and the agent segments it implies.

The realism report (:mod:`._realism`) reads any valid log, simulated or
imported, through this view: string columns become small integer codes
(indices into the contract's tuples, -1 for null), conversation ids become
numbers 0..n-1, and each human or bot agent segment is rebuilt from the
lifecycle events: it starts at an ``assignment.accepted`` and ends at that
conversation's next ``conversation.transferred``, ``back_to_queue``,
``taken_over`` or ``closed`` (docs/eventlog.md), or is still open at the
log's end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ccbench.eventlog import (
    ASSIGN_REASONS,
    CHANNELS,
    CLOSED_BY,
    SENDER_ROLES,
    STATUSES,
    EventLog,
    Roster,
)

from ._record import KIND, KINDS

__all__ = ["AgentSegments", "LogView", "first_rows", "last_rows"]

_SEGMENT_KINDS = [
    KIND[k]
    for k in (
        "assignment.accepted",
        "conversation.transferred",
        "conversation.back_to_queue",
        "conversation.taken_over",
        "conversation.closed",
    )
]


def _codes(column: pa.ChunkedArray, values: tuple[str, ...]) -> np.ndarray:
    """Index of each value in ``values`` (-1 for null or unknown)."""
    index = pc.index_in(column, value_set=pa.array(values, type=pa.string()))
    return np.asarray(pc.fill_null(index, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _ints(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(column, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def first_rows(keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys, the first of ``rows`` with each key); rows in log order."""
    unique, at = np.unique(keys[rows], return_index=True)
    return unique, rows[at]


def last_rows(keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys, the last of ``rows`` with each key); rows in log order."""
    unique, at = np.unique(keys[rows][::-1], return_index=True)
    return unique, rows[::-1][at]


@dataclass(frozen=True)
class AgentSegments:
    """Agent segments rebuilt from the log (one row each; times in ms).

    ``end`` is the log's end for a segment still open there (``ended`` False);
    ``end_kind`` is the KINDS code of the event that ended it (-1 when open);
    ``takeover`` marks a manager's segment after a takeover (it holds no slot).
    """

    conv: np.ndarray
    agent: np.ndarray
    skill: np.ndarray
    start: np.ndarray
    end: np.ndarray
    ended: np.ndarray
    end_kind: np.ndarray
    takeover: np.ndarray
    human: np.ndarray


@dataclass(frozen=True)
class LogView:
    """The log's columns as codes (row i = the i-th event in log order)."""

    ts: np.ndarray  # ms
    kind: np.ndarray  # index into KINDS
    conv: np.ndarray  # conversation number, -1 for agent events
    agent: np.ndarray  # agent id or -1
    skill: np.ndarray  # skill id or -1
    sender: np.ndarray  # index into SENDER_ROLES or -1
    closed_by: np.ndarray  # index into CLOSED_BY or -1
    reason: np.ndarray  # index into ASSIGN_REASONS or -1 (other reasons too)
    csat: np.ndarray  # 1..5 or -1
    status: np.ndarray  # agent.status value: index into STATUSES (online first) or -1
    conv_ids: list[str]
    roster: Roster
    channel: np.ndarray  # per conversation: index into CHANNELS (-1: never opened)
    bots: frozenset[int]  # agent ids of bots
    bot_skills: frozenset[int]  # skills only bots serve (their queues are not human queues)
    start_ms: int  # horizon start
    end_ms: int  # horizon end (exclusive)

    @classmethod
    def of(
        cls, log: EventLog, *, start_ms: int | None = None, end_ms: int | None = None
    ) -> LogView:
        """The view of ``log``; the horizon defaults to the whole hours around its events."""
        t = log.table
        ts = np.asarray(t.column("ts").to_numpy(), dtype=np.int64)
        if start_ms is None:
            start_ms = int(ts[0] // 3_600_000 * 3_600_000) if len(ts) else 0
        if end_ms is None:
            end_ms = int((ts[-1] // 3_600_000 + 1) * 3_600_000) if len(ts) else start_ms
        encoded = t.column("conversation_id").combine_chunks().dictionary_encode()
        conv = np.asarray(
            pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64
        )
        conv_ids = [str(x) for x in encoded.dictionary.to_pylist()]
        kind = _codes(t.column("kind"), KINDS)
        opened = np.nonzero(kind == KIND["conversation.opened"])[0]
        channel = np.full(len(conv_ids), -1, dtype=np.int64)
        channel[conv[opened]] = _codes(t.column("channel"), CHANNELS)[opened]
        roster = log.roster
        bots = frozenset(a.id for a in roster.agents if a.user_type == "bot")
        human_skills = {k for a in roster.agents if a.id not in bots for k in a.skills}
        bot_skills = frozenset(
            k for a in roster.agents if a.id in bots for k in a.skills if k not in human_skills
        )
        return cls(
            ts=ts,
            kind=kind,
            conv=conv,
            agent=_ints(t.column("agent_id")),
            skill=_ints(t.column("skill_id")),
            sender=_codes(t.column("sender_role"), SENDER_ROLES),
            closed_by=_codes(t.column("closed_by"), CLOSED_BY),
            reason=_codes(t.column("reason"), ASSIGN_REASONS),
            csat=_ints(t.column("csat")),
            status=_codes(t.column("status"), STATUSES),
            conv_ids=conv_ids,
            roster=roster,
            channel=channel,
            bots=bots,
            bot_skills=bot_skills,
            start_ms=start_ms,
            end_ms=end_ms,
        )

    @property
    def hours(self) -> int:
        """Number of whole or partial hours in the horizon."""
        return max(1, -(-(self.end_ms - self.start_ms) // 3_600_000))

    def rows(self, kind: str) -> np.ndarray:
        """Row numbers of the events of ``kind``, in log order."""
        return np.nonzero(self.kind == KIND[kind])[0]

    def is_bot(self, agents: np.ndarray) -> np.ndarray:
        return np.isin(agents, np.fromiter(self.bots, dtype=np.int64, count=len(self.bots)))

    def segments(self) -> AgentSegments:
        """Every agent segment, human and bot (class docstring)."""
        rows = np.nonzero(np.isin(self.kind, _SEGMENT_KINDS) & (self.conv >= 0))[0]
        rows = rows[np.argsort(self.conv[rows], kind="stable")]  # by conversation, log order
        accepted = self.kind[rows] == KIND["assignment.accepted"]
        nxt = np.append(rows[1:], -1)
        has_next = np.append(self.conv[rows[1:]] == self.conv[rows[:-1]], False)
        start = rows[accepted]
        end_row = np.where(has_next[accepted], nxt[accepted], -1)
        ended = end_row >= 0
        agent = self.agent[start]
        return AgentSegments(
            conv=self.conv[start],
            agent=agent,
            skill=self.skill[start],
            start=self.ts[start],
            end=np.where(ended, self.ts[np.maximum(end_row, 0)], self.end_ms),
            ended=ended,
            end_kind=np.where(ended, self.kind[np.maximum(end_row, 0)], -1),
            takeover=self.reason[start] == ASSIGN_REASONS.index("takeover"),
            human=~self.is_bot(agent),
        )
