"""The event log as plain numpy columns: the input every oracle building block reads.

Strings become small integer codes once, at build time, so that everything
downstream (segments, and later response runs and status intervals) is
vectorised numpy over integer arrays. Rows stay in log order, (ts, seq).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ccbench.eventlog import ASSIGN_REASONS, CLOSED_BY, SENDER_ROLES, EventKind, EventLog

__all__ = [
    "AGENT_SIDE_ROLES",
    "CLOSED_BY_AGENT",
    "CLOSED_BY_CONSUMER",
    "KIND_CODES",
    "NOTE_CODE",
    "NO_ID",
    "OPEN_END",
    "ROLE_AGENT",
    "ROLE_BOT",
    "ROLE_CONSUMER",
    "ROLE_MANAGER",
    "ROLE_SYSTEM",
    "EventColumns",
]

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I8 = npt.NDArray[np.int8]

#: Code of each event kind in :attr:`EventColumns.kind` (the EventKind declaration order).
KIND_CODES: dict[EventKind, int] = {k: i for i, k in enumerate(EventKind)}
#: Code in :attr:`EventColumns.kind` of an internal note (a ``message.sent`` with
#: ``visibility`` internal): a code of its own, none of :data:`KIND_CODES`, so that no
#: building block that reads messages sees a note (docs/metrics.md section 0,
#: "Internal notes": a note is no message for any metric).
NOTE_CODE = -2
#: Value of an integer id column (agent, skill) where the event has no such field.
NO_ID = -1
#: End time of something whose end event the log does not have (open for ever), epoch ms.
OPEN_END = np.iinfo(np.int64).max
#: Codes of :attr:`EventColumns.role`: positions in the contract's SENDER_ROLES, by name.
ROLE_CONSUMER = SENDER_ROLES.index("consumer")
ROLE_AGENT = SENDER_ROLES.index("agent")
ROLE_BOT = SENDER_ROLES.index("bot")
ROLE_SYSTEM = SENDER_ROLES.index("system")
ROLE_MANAGER = SENDER_ROLES.index("manager")
#: Roles an agent's own messages carry (agent, bot, manager); a participant's message is
#: not the assigned agent's (docs/metrics.md, "Agent segments").
AGENT_SIDE_ROLES = (ROLE_AGENT, ROLE_BOT, ROLE_MANAGER)
#: Codes of :attr:`EventColumns.closed_by`: positions in the contract's CLOSED_BY, by name.
CLOSED_BY_CONSUMER = CLOSED_BY.index("consumer")
CLOSED_BY_AGENT = CLOSED_BY.index("agent")


def _codes(column: pa.Array, values: tuple[str, ...]) -> I8:
    """Position of each value in ``values``; -1 for null (and for anything else)."""
    idx = pc.index_in(column, value_set=pa.array(values, type=pa.string()))
    return np.asarray(idx.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int8)


def _ints(column: pa.Array) -> I64:
    return np.asarray(column.fill_null(NO_ID).to_numpy(zero_copy_only=False), dtype=np.int64)


@dataclass(frozen=True, slots=True)
class EventColumns:
    """Columns of a log in log order; one entry per event.

    ``kind`` codes follow :data:`KIND_CODES`; ``reason`` indexes
    :data:`ccbench.eventlog.ASSIGN_REASONS` (assignment events only, else -1),
    ``closed_by`` indexes CLOSED_BY, ``role`` indexes SENDER_ROLES. ``conv`` is
    a dense conversation code (-1 for agent events) into ``conversation_ids``;
    ``source`` is per conversation code (index into ``sources``, -1 unknown).
    Times are epoch milliseconds, UTC.
    """

    ts: I64
    seq: I64
    kind: I8
    conv: I32
    agent: I64
    skill: I64
    reason: I8
    closed_by: I8
    role: I8
    conversation_ids: tuple[str, ...]
    conv_source: I32
    sources: tuple[str, ...]

    @classmethod
    def from_log(cls, log: EventLog) -> EventColumns:
        """Extract and encode the columns (vectorised; no per-event Python)."""
        t = log.table.combine_chunks()

        def col(name: str) -> pa.Array:
            c = t.column(name)
            return c.chunk(0) if c.num_chunks == 1 else c.combine_chunks()

        kind = _codes(col("kind"), tuple(k.value for k in EventKind))
        note = pc.fill_null(pc.equal(col("visibility"), "internal"), False)
        kind[np.asarray(note.to_numpy(zero_copy_only=False), dtype=bool)] = NOTE_CODE
        reason = np.where(
            (kind == KIND_CODES[EventKind.ASSIGNMENT_ACCEPTED])
            | (kind == KIND_CODES[EventKind.ASSIGNMENT_OFFERED]),
            _codes(col("reason"), ASSIGN_REASONS),
            -1,
        ).astype(np.int8)
        encoded = pc.dictionary_encode(col("conversation_id"))
        conv = np.asarray(
            encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int32
        )
        conversation_ids = tuple(encoded.dictionary.to_pylist())
        # Source is a property of the conversation, carried by its opened event.
        opened = np.flatnonzero(kind == KIND_CODES[EventKind.CONVERSATION_OPENED])
        src = pc.dictionary_encode(pc.take(col("source"), pa.array(opened)))
        conv_source = np.full(len(conversation_ids), -1, dtype=np.int32)
        conv_source[conv[opened]] = np.asarray(
            src.indices.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int32
        )
        return cls(
            ts=np.asarray(col("ts").to_numpy(), dtype=np.int64),
            seq=np.asarray(col("seq").to_numpy(), dtype=np.int64),
            kind=kind,
            conv=conv,
            agent=_ints(col("agent_id")),
            skill=_ints(col("skill_id")),
            reason=reason,
            closed_by=_codes(col("closed_by"), CLOSED_BY),
            role=_codes(col("sender_role"), SENDER_ROLES),
            conversation_ids=conversation_ids,
            conv_source=conv_source,
            sources=tuple(src.dictionary.to_pylist()),
        )

    def __len__(self) -> int:
        return int(self.ts.shape[0])
