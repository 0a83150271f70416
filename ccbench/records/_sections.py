"""Entries a record repeats many times: its messages and its survey answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["message_records", "survey_answer"]


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
