"""Entries a record repeats many times: its messages and its survey answers.

Half of a log is messages, so the bulk export writes their JSON with Arrow, all of a
share's messages at once (:func:`message_texts`), and a record holds each as an
``orjson.Fragment``: the bytes are those orjson writes for :func:`message_records`'
dicts (same keys, same order, strings needing no escape; otherwise the dicts are used).
:class:`Messages` holds a conversation's entries either way, with what the record's
other sections read of each message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Messages", "message_records", "message_texts", "survey_answer"]

#: characters orjson escapes in a string (the fragments hold strings without them)
_ESCAPED = r'["\\\x00-\x1f]'


def message_records(
    cid: str,
    seqs: Sequence[int],
    lives: Sequence[int],
    participants: Sequence[str],
    sent_by: Sequence[str],
    times: Sequence[str],
    stamps: Sequence[int],
) -> list[dict[str, Any]]:
    """messageRecords entries of conversation ``cid``: the ``seqs[i]``-th message, sent
    in its ``lives[i]``-th MAIN dialog (0 = the first) by ``participants[i]`` (``sent_by``
    Consumer or Agent) at ``stamps[i]`` (epoch ms; readable ``times[i]``). The log holds
    no content: every message shares one empty ``messageData``."""
    data = {"msg": {"text": ""}}
    return [
        {
            "type": "TEXT_PLAIN",
            "messageData": data,
            "messageId": f"ms::conv:{cid}::msg:{n}",
            "seq": n,
            "dialogId": cid if life <= 0 else f"{cid}:{life}",
            "participantId": who,
            "time": time,
            "timeL": stamp,
            "sentBy": by,
        }
        for n, life, who, by, time, stamp in zip(
            seqs, lives, participants, sent_by, times, stamps, strict=True
        )
    ]


def survey_answer(question_id: str, question_type: str, value: int) -> dict[str, Any]:
    """A conversationSurveys surveyData entry: the answer ``value`` to ``question_id``."""
    return {
        "questionId": question_id,
        "questionType": question_type,
        "question": question_id,
        "answer": str(value),
        "answerId": str(value),
        "isValidAnswer": True,
    }


def _dialog_id(cid: str, life: int) -> str:
    return cid if life <= 0 else f"{cid}:{life}"


@dataclass(slots=True)
class Messages:
    """A conversation's messageRecords ``entries`` (dicts, or fragments of the JSON
    :func:`message_records` would give) with each message's participant, sentBy,
    readable time, epoch ms and MAIN dialog index; the ``n``-th message has seq ``n``."""

    cid: str
    entries: list[Any] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)
    sent_by: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    stamps: list[int] = field(default_factory=list)
    lives: list[int] = field(default_factory=list)

    def append(self, *, life: int, sender: str, sent_by: str, time: str, stamp: int) -> None:
        """One more message (the next seq)."""
        n = len(self.entries)
        self.entries += message_records(self.cid, [n], [life], [sender], [sent_by], [time],
                                        [stamp])  # fmt: skip
        self.senders.append(sender)
        self.sent_by.append(sent_by)
        self.times.append(time)
        self.stamps.append(stamp)
        self.lives.append(life)

    def message_id(self, n: int) -> str:
        return f"ms::conv:{self.cid}::msg:{n}"

    def dialog_id(self, n: int) -> str:
        return _dialog_id(self.cid, self.lives[n])

    def as_dict(self, n: int) -> dict[str, Any]:
        """The ``n``-th entry as a dict (a fragment is turned into one), to add to it."""
        entry: dict[str, Any] = self.entries[n]
        if not isinstance(entry, dict):
            entry = self.entries[n] = message_records(
                self.cid, [n], [self.lives[n]], [self.senders[n]], [self.sent_by[n]],
                [self.times[n]], [self.stamps[n]],
            )[0]  # fmt: skip
        return entry


def message_texts(
    cids: pa.Array,
    seqs: npt.NDArray[np.int64],
    lives: npt.NDArray[np.int64],
    senders: pa.Array,
    sent_by: pa.Array,
    times: pa.Array,
    stamps: npt.NDArray[np.int64],
) -> list[orjson.Fragment] | None:
    """Each message's JSON as orjson writes :func:`message_records`' dict for it (the
    arguments are per message, as there), or None when a conversation or participant id
    holds a character JSON escapes (the caller then builds the dicts)."""
    for strings in (cids, senders):
        if len(strings) and pc.any(pc.match_substring_regex(strings, _ESCAPED)).as_py():
            return None
    seq = pa.array(seqs).cast(pa.string())
    life = pa.array(lives)
    dialog = pc.if_else(
        pc.less_equal(life, 0),
        cids,
        pc.binary_join_element_wise(cids, life.cast(pa.string()), ":"),
    )
    parts: list[Any] = [
        '{"type":"TEXT_PLAIN","messageData":{"msg":{"text":""}},"messageId":"ms::conv:',
        cids, "::msg:", seq, '","seq":', seq, ',"dialogId":"', dialog,
        '","participantId":"', senders, '","time":"', times, '","timeL":',
        pa.array(stamps).cast(pa.string()), ',"sentBy":"', sent_by, '"}',
    ]  # fmt: skip
    joined = pc.binary_join_element_wise(*parts, "")  # a str part is the same in every row
    return [orjson.Fragment(t) for t in joined.to_pylist()]
