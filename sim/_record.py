"""Collecting simulated events column-wise and building the contract table.

The event loop appends events to plain lists (cheap), bulk generators add
whole numpy chunks; :meth:`Recorder.table` concatenates them, orders by
(ts, rank) and assigns ``seq``. ``rank`` keeps causal order among events with
the same millisecond: event-loop events get their emission counter (SimPy
processes simultaneous events in causal order), and bulk events, which are
always strictly inside a segment's (start, end) milliseconds, rank after them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ccbench.eventlog import FIELDS, SCHEMA, EventKind

__all__ = ["KIND", "Chunk", "ChunkBuilder", "ConversationColumns", "Recorder"]

KINDS = tuple(k.value for k in EventKind)
KIND = {k: i for i, k in enumerate(KINDS)}
_CORE = ("ts", "kind", "conv", "agent", "skill")
_MESSAGE = KIND[EventKind.MESSAGE_SENT.value]


@dataclass
class Chunk:
    """Events as parallel arrays; ``extra`` maps a field to (row indices, values)."""

    ts: np.ndarray  # int64 ms
    kind: np.ndarray  # index into KINDS
    conv: np.ndarray  # conversation index or -1
    agent: np.ndarray  # agent id or -1
    skill: np.ndarray  # skill id or -1
    rank: np.ndarray
    extra: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


class ChunkBuilder:
    """Events appended one by one into a bulk :class:`Chunk` (ranked in append order)."""

    def __init__(self) -> None:
        self.ts: list[int] = []
        self.kind: list[int] = []
        self.conv: list[int] = []
        self.agent: list[int] = []
        self.extra: dict[str, tuple[list[int], list[Any]]] = {}

    def put(self, ts: int, kind: int, conv: int, agent: int = -1, **extra: Any) -> None:
        """Append one event at ``ts`` ms; ``extra`` holds the kind's other fields."""
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


@dataclass(frozen=True)
class ConversationColumns:
    """Per-conversation values written on conversation.opened (index = conversation)."""

    ids: np.ndarray  # object array of conversation ids
    site: np.ndarray
    channel: np.ndarray
    source: np.ndarray
    consumer_id: np.ndarray
    language: np.ndarray
    bot_flow: np.ndarray  # None when the conversation does not start at a bot
    direction: np.ndarray  # "outbound", or None (inbound: the default, left absent)
    sla_policy: np.ndarray  # the policy the conversation names, or None


class Recorder:
    """Append-only event collector for one run. Times given in seconds from ``start_ms``."""

    def __init__(self, start_ms: int) -> None:
        self.start_ms = start_ms
        self.ts: list[int] = []
        self.kind: list[int] = []
        self.conv: list[int] = []
        self.agent: list[int] = []
        self.skill: list[int] = []
        self.extra: dict[str, tuple[list[int], list[Any]]] = {}
        self.chunks: list[Chunk] = []

    def emit(
        self, t: float, kind: int, conv: int = -1, agent: int = -1, skill: int = -1, **extra: Any
    ) -> None:
        """Record one event at ``t`` s; ``extra`` holds the kind's other fields."""
        row = len(self.ts)
        self.ts.append(self.start_ms + int(t * 1000.0))
        self.kind.append(kind)
        self.conv.append(conv)
        self.agent.append(agent)
        self.skill.append(skill)
        for name, value in extra.items():
            slot = self.extra.get(name)
            if slot is None:
                slot = self.extra[name] = ([], [])
            slot[0].append(row)
            slot[1].append(value)

    def message(self, t: float, conv: int, agent: int, sender_role: str) -> None:
        """Record a ``message.sent`` at ``t`` s (emit's fast path for the commonest event)."""
        row = len(self.ts)
        self.ts.append(self.start_ms + int(t * 1000.0))
        self.kind.append(_MESSAGE)
        self.conv.append(conv)
        self.agent.append(agent)
        self.skill.append(-1)
        slot = self.extra.get("sender_role")
        if slot is None:
            slot = self.extra["sender_role"] = ([], [])
        slot[0].append(row)
        slot[1].append(sender_role)

    def add(self, chunk: Chunk) -> None:
        """Add bulk events (ranks relative to the chunk; they follow the loop's events)."""
        self.chunks.append(chunk)

    def _loop_chunk(self) -> Chunk:
        n = len(self.ts)
        extra = {
            k: (np.asarray(rows, dtype=np.int64), np.asarray(vals, dtype=object))
            for k, (rows, vals) in self.extra.items()
        }
        return Chunk(
            np.asarray(self.ts, dtype=np.int64),
            np.asarray(self.kind, dtype=np.int64),
            np.asarray(self.conv, dtype=np.int64),
            np.asarray(self.agent, dtype=np.int64),
            np.asarray(self.skill, dtype=np.int64),
            np.arange(n, dtype=np.int64),
            extra,
        )

    def __len__(self) -> int:
        return len(self.ts) + sum(len(c.ts) for c in self.chunks)

    def table(self, *, account: str, conversations: ConversationColumns) -> pa.Table:
        """All events in contract schema, sorted by (ts, rank), seq = position."""
        chunks = [self._loop_chunk(), *self.chunks]
        offsets = np.cumsum([0] + [len(c.ts) for c in chunks])
        n = int(offsets[-1])
        core = {name: np.concatenate([getattr(c, name) for c in chunks]) for name in _CORE}
        # Chunks rank after each other: shift each chunk's ranks above the previous ones.
        rank_base, ranks = 0, []
        for c in chunks:
            ranks.append(c.rank + rank_base)
            rank_base += int(c.rank.max()) + 1 if len(c.rank) else 0
        order = np.lexsort((np.concatenate(ranks), core["ts"]))
        kind = core["kind"][order]
        conv = core["conv"][order]
        columns: dict[str, pa.Array] = {}
        seq = np.arange(n, dtype=np.int64)
        seq_str = pc.cast(pa.array(seq), pa.string())
        columns["event_id"] = pc.binary_join_element_wise("e", seq_str, "")
        columns["ts"] = pa.array(core["ts"][order])
        columns["seq"] = pa.array(seq)
        columns["kind"] = pa.array(KINDS, type=pa.string()).take(pa.array(kind))
        columns["account"] = pa.array([account], type=pa.string()).take(
            pa.array(np.zeros(n, dtype=np.int64))
        )
        # Strings are built by take(): a small array of distinct values plus one index
        # per row (-1 = null) is much faster than an object array of a million rows.
        columns["conversation_id"] = _take([pa.array(conversations.ids, type=pa.string())], conv)
        for name in ("agent", "skill"):
            values = core[name][order]
            columns[f"{name}_id"] = pa.array(values, mask=values < 0, type=pa.int64())
        opened = np.nonzero(kind == KIND[EventKind.CONVERSATION_OPENED.value])[0]
        inverse = np.empty(n, dtype=np.int64)
        inverse[order] = np.arange(n, dtype=np.int64)
        for name, spec in FIELDS.items():
            if name in columns:
                continue
            pieces = [
                (offsets[j] + c.extra[name][0], c.extra[name][1])
                for j, c in enumerate(chunks)
                if name in c.extra
            ]
            if spec.type == "int":
                values = np.zeros(n, dtype=np.int64)
                mask = np.ones(n, dtype=bool)
                for rows, vals in pieces:
                    pos = inverse[rows]
                    values[pos] = vals.astype(np.int64)
                    mask[pos] = False
                columns[name] = pa.array(values, mask=mask, type=spec.arrow)
                continue
            index = np.full(n, -1, dtype=np.int64)
            sources: list[pa.Array] = []
            base = 0
            if hasattr(conversations, name):
                per_conv = getattr(conversations, name)
                sources.append(pa.array(per_conv, type=pa.string()))
                index[opened] = conv[opened]
                base = len(per_conv)
            for rows, vals in pieces:
                sources.append(pa.array(vals, type=pa.string()))
                index[inverse[rows]] = base + np.arange(len(rows))
                base += len(rows)
            columns[name] = _take(sources, index) if sources else pa.nulls(n, pa.string())
        return pa.Table.from_arrays([columns[f.name] for f in SCHEMA], schema=SCHEMA)


def _take(sources: list[pa.Array], index: np.ndarray) -> pa.Array:
    """Row i = concat(sources)[index[i]], null where index[i] < 0."""
    values = pa.concat_arrays(sources) if len(sources) > 1 else sources[0]
    return values.take(pa.array(index, mask=index < 0))
