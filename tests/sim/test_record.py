"""Recorder: (ts, rank) order keeps causal order among equal milliseconds."""

from __future__ import annotations

import numpy as np

from sim._record import KIND, Chunk, ConversationColumns, Recorder


def _columns() -> ConversationColumns:
    def one(value: object) -> np.ndarray:
        return np.asarray([value], dtype=object)

    return ConversationColumns(
        ids=one("c0"),
        site=one("paris"),
        channel=one("chat"),
        source=one("WEB"),
        consumer_id=one("u0"),
        language=one("en"),
        direction=one(None),
        sla_policy=one(None),
        bot_flow=one(None),
    )


def test_equal_milliseconds_keep_emission_order() -> None:
    """Loop events at the same ms stay in emission order; bulk events at that ms follow."""
    rec = Recorder(1_000_000)
    # 0.0004 s and 0.0009 s both floor to the same millisecond as 0.0.
    rec.emit(0.0009, KIND["conversation.opened"], 0)
    rec.emit(0.0004, KIND["conversation.queued"], 0, skill=3)
    rec.emit(0.0, KIND["assignment.offered"], 0, 7, 3, reason="new")
    rec.add(
        Chunk(
            ts=np.array([1_000_000]),
            kind=np.array([KIND["message.sent"]]),
            conv=np.array([0]),
            agent=np.array([-1]),
            skill=np.array([-1]),
            rank=np.array([0]),
            extra={"sender_role": (np.array([0]), np.array(["consumer"], dtype=object))},
        )
    )
    rec.emit(0.002, KIND["conversation.abandoned"], 0)
    rows = rec.table(account="a", conversations=_columns()).to_pylist()
    assert [(r["ts"], r["seq"], r["kind"]) for r in rows] == [
        (1_000_000, 0, "conversation.opened"),
        (1_000_000, 1, "conversation.queued"),
        (1_000_000, 2, "assignment.offered"),
        (1_000_000, 3, "message.sent"),
        (1_000_002, 4, "conversation.abandoned"),
    ]
    assert [r["event_id"] for r in rows] == ["e0", "e1", "e2", "e3", "e4"]
    opened, queued, offered, message, _ = rows
    assert (opened["site"], opened["channel"], opened["consumer_id"]) == ("paris", "chat", "u0")
    assert opened["bot_flow"] is None
    assert queued["skill_id"] == 3
    assert queued["site"] is None
    assert (offered["agent_id"], offered["reason"]) == (7, "new")
    assert message["sender_role"] == "consumer"
    assert message["agent_id"] is None
