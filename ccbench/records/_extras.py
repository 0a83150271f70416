"""Surveys, MCS scores, purchases and intents of a record (docs/formats.md).

* ``conversationSurveys`` -> ``survey.answered`` at the start of the survey's
  POST_SURVEY dialog (surveys carry no time of their own); the overall answer is the
  one whose questionType is CSAT (or questionId csat), the criteria those whose
  questionId is csat_welcome, csat_response_time or csat_quality. A survey without a
  readable 1..5 CSAT answer is reported and skipped; info.csat (or csatRate) without any
  survey becomes one survey at the conversation's end.
* ``messageScores`` -> ``mcs.scored`` at each score's time, its alert by the vendor's
  bands (0-33 negative, 34-66 neutral, 67-100 positive); info.mcs without scores
  becomes one score at the conversation's end.
* ``sdes`` PURCHASE events -> ``sale.recorded`` of the agent assigned last before it,
  ``total`` in major units with at most two decimals (minor units = cents).
* ``contextData`` intents on messages -> ``intent.detected`` at the message's time, by
  the message's agent (records carry no time of detection).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ._fields import LAST_MS, Fields
from ._vocab import CSAT_CRITERIA

__all__ = ["alert_band", "read_extras"]

Event = dict[str, Any]
_INTENT_CHARS: Final = re.compile(r"[^a-z0-9_]+")
_CURRENCY: Final = re.compile(r"^[A-Z]{3}$")
#: amounts are 64-bit integers of minor units in the log
_LARGEST_MINOR: Final = 2**63


def alert_band(mcs: int) -> int:
    """The MCS alert of a score: -1 for 0..33, 0 for 34..66, 1 for 67..100."""
    return 1 if mcs >= 67 else (-1 if mcs <= 33 else 0)


def read_extras(
    record: Mapping[str, Any],
    fields: Fields,
    *,
    info: Mapping[str, Any],
    end_ms: int,
    dialog_starts: Mapping[str, int],
    accepts: list[tuple[int, int]],
    messages: list[Event],
) -> list[Event]:
    """The survey, score, sale and intent events of ``record``; ``end_ms`` stands in for
    a missing time, ``dialog_starts`` maps POST_SURVEY dialogIds to their start,
    ``accepts`` are the (ts, agent) assignments in time order, ``messages`` the message
    events (for their intents)."""
    out: list[Event] = []
    out += _surveys(record, fields, info, end_ms, dialog_starts)
    out += _scores(record, fields, info, end_ms)
    out += _sales(record, fields, accepts)
    for m in messages:
        for name in m.pop("_intents", ()):
            intent = _INTENT_CHARS.sub("_", name.strip().lower()).strip("_")
            if not intent or not intent[0].isalpha():
                fields.problems.add(
                    "messageRecords[].contextData",
                    name,
                    "an intent name with no letter to start; skipped",
                )
                continue
            event = {"kind": "intent.detected", "ts": m["ts"], "intent": intent}
            if m.get("agent_id") is not None:  # detected by the (bot) agent who wrote it
                event["agent_id"] = m["agent_id"]
            out.append(event)
    return out


def _answer(item: Mapping[str, Any], fields: Fields, path: str) -> int | None:
    value = fields.integer(item, "answer", f"{path}.answer", string_ok=True)
    if value is None or not 1 <= value <= 5:
        fields.problems.add(f"{path}.answer", item.get("answer"), "expected a score 1..5; ignored")
        return None
    return value


def _surveys(
    record: Mapping[str, Any],
    fields: Fields,
    info: Mapping[str, Any],
    end_ms: int,
    dialog_starts: Mapping[str, int],
) -> list[Event]:
    out: list[Event] = []
    for path, survey in fields.section(record, "conversationSurveys"):
        answers: dict[str, int] = {}
        for q_path, q in fields.section(survey, "surveyData"):
            q_path = f"{path}.{q_path}"
            qid = (fields.text(q, "questionId", f"{q_path}.questionId") or "").lower()
            qtype = (fields.text(q, "questionType", f"{q_path}.questionType") or "").lower()
            key = "csat" if qtype == "csat" or qid == "csat" else qid
            if key == "csat" or key in CSAT_CRITERIA:
                value = _answer(q, fields, q_path)
                if value is not None:
                    answers[key] = value
        if "csat" not in answers:
            fields.problems.add(
                f"{path}.surveyData",
                survey.get("surveyData"),
                "no CSAT answer (questionType CSAT, 1..5); survey skipped",
            )
            continue
        dialog = fields.text(survey, "dialogId", f"{path}.dialogId")
        ts = dialog_starts.get(dialog or "")
        if ts is None:
            fields.problems.add(
                f"{path}.dialogId",
                dialog,
                "no POST_SURVEY dialog gives the survey's time; read at the conversation's end",
            )
            ts = end_ms
        out.append({"kind": "survey.answered", "ts": ts, **answers})
    key = "csat" if info.get("csat") is not None else "csatRate"
    csat = fields.integer(info, key, f"info.{key}")
    if out and csat is not None and csat != out[-1]["csat"]:
        fields.problems.add(
            f"info.{key}", csat, f"differs from the last survey's {out[-1]['csat']}"
        )
    if not out and csat is not None:
        if 1 <= csat <= 5:
            fields.problems.add(
                f"info.{key}",
                csat,
                "a CSAT without a survey; read as a survey at the conversation's end",
            )
            out.append({"kind": "survey.answered", "ts": end_ms, "csat": csat})
        else:
            fields.problems.add(f"info.{key}", csat, "expected a score 1..5; ignored")
    return out


def _scores(
    record: Mapping[str, Any], fields: Fields, info: Mapping[str, Any], end_ms: int
) -> list[Event]:
    out: list[Event] = []
    for path, score in fields.section(record, "messageScores"):
        ts = fields.fast_time(score, "time", path)
        mcs = fields.integer(score, "mcs", f"{path}.mcs")
        if ts is None or mcs is None or not 0 <= mcs <= 100:
            fields.problems.add(
                path, score.get("mcs"), "expected a time and an mcs 0..100; skipped"
            )
            continue
        out.append({"kind": "mcs.scored", "ts": ts, "mcs": mcs, "mcs_alerted": alert_band(mcs)})
    out.sort(key=lambda e: e["ts"])
    mcs = fields.integer(info, "mcs", "info.mcs")
    alerted = fields.integer(info, "alertedMCS", "info.alertedMCS")
    if not out and mcs is not None and 0 <= mcs <= 100:
        fields.problems.add(
            "info.mcs",
            mcs,
            "an MCS without messageScores; read as a score at the conversation's end",
        )
        out.append({"kind": "mcs.scored", "ts": end_ms, "mcs": mcs, "mcs_alerted": alert_band(mcs)})
    if out and alerted is not None and alerted != out[-1]["mcs_alerted"]:
        fields.problems.add(
            "info.alertedMCS",
            alerted,
            f"differs from the band {out[-1]['mcs_alerted']} "
            f"of the last score {out[-1]['mcs']}; the band is read",
        )
    return out


def _sales(
    record: Mapping[str, Any], fields: Fields, accepts: list[tuple[int, int]]
) -> list[Event]:
    sdes = fields.obj(record, "sdes", "sdes")
    if sdes is None:
        return []
    out: list[Event] = []
    for path, event in fields.section(sdes, "events"):
        path = f"sdes.{path}"
        if (fields.text(event, "sdeType", f"{path}.sdeType") or "").upper() != "PURCHASE":
            continue
        purchase = fields.obj(event, "purchase", f"{path}.purchase") or {}
        ts = fields.integer(event, "serverTimeStamp", f"{path}.serverTimeStamp", string_ok=True)
        total = fields.text(purchase, "total", f"{path}.purchase.total")
        currency = fields.text(purchase, "currency", f"{path}.purchase.currency")
        agents = [agent for at, agent in accepts if ts is not None and at <= ts]
        try:
            minor = Decimal(total or "x") * 100
        except InvalidOperation:
            minor = Decimal("NaN")
        problem = None
        if ts is None or not 0 <= ts <= LAST_MS:
            problem = ("serverTimeStamp", event.get("serverTimeStamp"), "expected epoch ms")
        elif not minor.is_finite() or minor != minor.to_integral_value() or minor < 0:
            problem = ("purchase.total", total, "expected an amount >= 0 with at most 2 decimals")
        elif minor >= _LARGEST_MINOR:
            problem = ("purchase.total", total, "expected an amount below 2^63 minor units")
        elif currency is None or not _CURRENCY.match(currency):
            problem = ("purchase.currency", currency, "expected an ISO 4217 code such as EUR")
        elif not agents:
            problem = ("serverTimeStamp", ts, "a purchase before any agent was assigned")
        if problem is not None:
            fields.problems.add(f"{path}.{problem[0]}", problem[1], problem[2] + "; sale skipped")
            continue
        out.append(
            {
                "kind": "sale.recorded",
                "ts": ts,
                "agent_id": agents[-1],
                "amount_minor": int(minor),
                "currency": currency,
            }
        )
    return out
