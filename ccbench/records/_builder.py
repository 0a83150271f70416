"""One conversation's events -> its conversation record (the vendor's sections).

:class:`RecordBuilder` is fed a conversation's events in log order and writes the
record the Messaging Interactions API would return for it once those events have
happened: ``info``, ``messageRecords``, ``agentParticipants``, ``consumerParticipants``,
``transfers``, ``interactions``, ``messageScores``, ``conversationSurveys``, ``dialogs``
and ``sdes``. docs/formats.md is the mapping table; the importer (:mod:`._timeline`)
reads each rule back. Kinds a record cannot carry (:data:`UNRECORDED_KINDS`) are
skipped here and nowhere else.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping
from typing import Any

from ..eventlog import KINDS
from ._columns import Columns, Directory
from ._sections import Messages, survey_answer
from ._vocab import (
    ABANDONED,
    BACK2Q,
    CHANNEL_TYPES,
    CLOSE_REASONS,
    CSAT_CRITERIA,
    SUGGESTED_TIMEOUT,
    TAKEOVER,
    TRANSFER_AGENT,
    TRANSFER_SKILL,
)

__all__ = ["RecordBuilder"]

#: id of the participant that sends system (controller) messages; userType 0
SYSTEM_PARTICIPANT = "system"


class RecordBuilder:
    """Accumulates one conversation's record from its events (:meth:`add`, log order)."""

    def __init__(
        self,
        conversation_id: str,
        *,
        account: str,
        columns: Columns,
        directory: Directory,
        first_conversation: bool,
    ) -> None:
        self.cid = conversation_id
        self.c = columns
        self.times = columns.time
        self.ts = columns.ts
        self.d = directory
        self.info: dict[str, Any] = {
            "conversationId": conversation_id,
            "brandId": account,
            "firstConversation": first_conversation,
        }
        self.messages = Messages(conversation_id)
        self.message_rows: list[int] = []
        self.consumer_id = ""
        self.participants: dict[str, dict[str, Any]] = {}
        self.consumers: list[dict[str, Any]] = []
        self.transfers: list[dict[str, Any]] = []
        self.interactions: list[dict[str, Any]] = []
        self.scores: list[dict[str, Any]] = []
        self.surveys: list[dict[str, Any]] = []
        self.dialogs: list[dict[str, Any]] = []
        self.sales: list[dict[str, Any]] = []
        self.channel_type = "MESSAGING"
        self.dialog: dict[str, Any] = {}
        self.life = -1  # index of the current MAIN dialog
        self.skill = -1
        self.assigned: int | None = None
        self.latest_agent: int | None = None
        self.waiting = True  # in a queue or unassigned: latestQueueState IN_QUEUE
        self.implied_queue: int | None = None  # ms at which a queue entry goes unsaid
        self.declined: int | None = None  # the agent who declined last
        self.ended = False

    # -- helpers ------------------------------------------------------------
    def _time(self, out: dict[str, Any], row: int, name: str = "time") -> dict[str, Any]:
        out[name] = self.times[row]
        out[name + "L"] = self.ts[row]
        return out

    def _assigned_participant(self, agent: int, row: int) -> None:
        key = str(agent)
        p = self.participants.get(key)
        if p is None:
            p = self.participants[key] = self._time(dict(self.d.agent(agent)), row)
            p["dialogId"] = self.dialog["dialogId"]
        p["permission"] = "ASSIGNED_AGENT"

    def _skill_fields(self, out: dict[str, Any], prefix: str, skill: int) -> None:
        out[f"{prefix}Id"] = skill
        out[f"{prefix}Name"] = self.d.skills.get(skill, "Unassigned")

    def _open_dialog(self, row: int) -> None:
        self.life += 1
        self.dialog = self._time(
            {
                "dialogId": self.cid if self.life == 0 else f"{self.cid}:{self.life}",
                "status": "OPEN",
                "dialogType": "MAIN",
                "dialogChannelType": self.channel_type,
            },
            row,
            "startTime",
        )
        self.dialogs.append(self.dialog)
        self.waiting, self.ended, self.implied_queue = True, False, self.ts[row]

    def _close_dialog(self, row: int, close_reason: str, description: str) -> None:
        d = self.dialog
        d["status"] = "CLOSE"
        self._time(d, row, "endTime")
        d["closeReason"], d["closeReasonDescription"] = close_reason, description
        self.ended = True

    def _transfer(self, row: int, reason: str, agent: int) -> dict[str, Any]:
        t = self._time({}, row)
        t["reason"] = reason
        t["by"] = str(agent)
        self._skill_fields(t, "sourceSkill", self.skill)
        t.update(self.d.names(agent, "sourceAgent"))
        t["dialogId"] = self.dialog["dialogId"]
        self.transfers.append(t)
        self.assigned, self.waiting = None, True
        self.implied_queue = self.ts[row] if reason != TAKEOVER else None
        return t

    # -- events -------------------------------------------------------------
    def add(self, row: int) -> None:
        """Fold the event at ``row`` of the columns into the record."""
        if self.c.visibility.get(row) == "internal":
            return  # an internal note has no place in a record (docs/formats.md)
        handler = _HANDLERS.get(self.c.kind[row])
        if handler is not None:  # the unrecorded kinds have none
            handler(self, row)

    def _conversation_opened(self, row: int) -> None:
        c = self.c
        self.channel_type = CHANNEL_TYPES[c.channel[row]]
        self._time(self.info, row, "startTime")
        self.info["source"] = c.source[row]
        if row in c.language:
            self.info["language"] = c.language[row]
        self.consumer_id = c.consumer_id[row]
        consumer = {"participantId": self.consumer_id}
        self._time(consumer, row)
        self._time(consumer, row, "joinTime")
        consumer["dialogId"] = self.cid
        self.consumers.append(consumer)
        self._open_dialog(row)

    def _assignment_declined(self, row: int) -> None:
        # no section of its own: a decline that puts the conversation back in the queue
        # shows as the SuggestedAgentTimeout transfer its re-queue writes
        self.declined = self.c.agent_id[row]

    def _conversation_queued(self, row: int) -> None:
        skill, ts = self.c.skill_id[row], self.ts[row]
        if self.implied_queue == ts:  # the queue entry a dialog start or a transfer implies
            self.implied_queue = None
            if self.dialog.get("startTimeL") == ts and "skillId" not in self.dialog:
                self.dialog["skillId"] = skill
                self.dialog["skillName"] = self.d.skills.get(skill, "")
            last = self.transfers[-1] if self.transfers else None
            if last is not None and last["timeL"] == ts and last["reason"] == BACK2Q:
                self._skill_fields(last, "targetSkill", skill)
        else:
            # any other queue entry is a transfer of the waiting conversation: back to the
            # queue when an offer was just declined, else into the skill's queue
            reason = SUGGESTED_TIMEOUT if self.declined is not None else TRANSFER_SKILL
            entry = self._time({"reason": reason}, row)
            if self.declined is not None:
                entry["by"] = str(self.declined)
                entry.update(self.d.names(self.declined, "sourceAgent"))
            self._skill_fields(entry, "sourceSkill", self.skill)
            self._skill_fields(entry, "targetSkill", skill)
            entry["dialogId"] = self.dialog["dialogId"]
            self.transfers.append(entry)
        self.skill, self.waiting, self.declined = skill, True, None

    def _assignment_accepted(self, row: int) -> None:
        agent = self.c.agent_id[row]
        self.skill = self.c.skill_id[row]
        self.assigned = self.latest_agent = agent
        self.waiting, self.declined = False, None
        self._assigned_participant(agent, row)
        entry = self.d.names(agent, "assignedAgent")
        self._time(entry, row, "interactionTime")
        entry["interactiveSequence"] = len(self.interactions) + 1
        entry["dialogId"] = self.dialog["dialogId"]
        self.interactions.append(entry)

    def _conversation_transferred(self, row: int) -> None:
        c = self.c
        to_agent, to_skill = c.to_agent_id.get(row), c.to_skill_id.get(row)
        t = self._transfer(
            row, TRANSFER_AGENT if to_agent is not None else TRANSFER_SKILL, c.agent_id[row]
        )
        if to_skill is not None:
            self._skill_fields(t, "targetSkill", to_skill)
        else:  # the importer queues only a transfer to a skill
            self.implied_queue = None
        if to_agent is not None:
            t.update(self.d.names(to_agent, "assignedAgent"))
        if row in c.reason:
            reason = {"actionReason": {"reason": c.reason[row]}}
            t["contextData"] = {"structuredMetadata": [reason]}

    def _conversation_back_to_queue(self, row: int) -> None:
        self._transfer(row, BACK2Q, self.c.agent_id[row])

    def _conversation_taken_over(self, row: int) -> None:
        manager = self.c.agent_id[row]
        t = self._transfer(row, TAKEOVER, self.c.from_agent_id[row])
        t["by"] = str(manager)
        t.update(self.d.names(manager, "assignedAgent"))

    def _conversation_closed(self, row: int) -> None:
        self.assigned = None
        self._close_dialog(row, CLOSE_REASONS[self.c.closed_by[row]], self.c.reason[row].upper())

    def _conversation_abandoned(self, row: int) -> None:
        self._close_dialog(row, CLOSE_REASONS["consumer"], ABANDONED)

    def _conversation_resumed(self, row: int) -> None:
        self._open_dialog(row)

    _conversation_reopened = _conversation_resumed

    def _message_sent(self, row: int) -> None:
        c = self.c
        role = c.sender_role[row]
        if role == "consumer":
            participant, sent_by = self.consumer_id, "Consumer"
        elif role == "system":
            participant, sent_by = SYSTEM_PARTICIPANT, "Agent"
        else:
            participant, sent_by = str(c.agent_id[row]), "Agent"
        self.messages.append(
            life=self.life,
            sender=participant,
            sent_by=sent_by,
            time=self.times[row],
            stamp=self.ts[row],
        )
        self.message_rows.append(row)

    def add_messages(self, messages: Messages, rows: list[int]) -> None:
        """All the conversation's messages at once, with their rows, before the other
        events are added (the bulk export's path)."""
        self.messages, self.message_rows = messages, rows

    def _last_message(self, row: int) -> int | None:
        """Index of the latest message before ``row`` (in log order), if any."""
        n = bisect_left(self.message_rows, row)
        return n - 1 if n else None

    def _survey_answered(self, row: int) -> None:
        c = self.c
        dialog_id = f"{self.cid}:survey:{len(self.surveys)}"
        survey = self._time(
            {
                "dialogId": dialog_id,
                "status": "CLOSE",
                "dialogType": "POST_SURVEY",
                "dialogChannelType": self.channel_type,
            },
            row,
            "startTime",
        )
        self.dialogs.append(self._time(survey, row, "endTime"))
        answers = [survey_answer("csat", "CSAT", c.csat[row])]
        for q in CSAT_CRITERIA:
            value = getattr(c, q).get(row)
            if value is not None:
                answers.append(survey_answer(q, "CUSTOM", value))
        self.surveys.append(
            {
                "surveyType": "CSAT",
                "surveyStatus": "FILLED",
                "dialogId": dialog_id,
                "surveyData": answers,
            }
        )
        self.info["csat"] = c.csat[row]

    def _mcs_scored(self, row: int) -> None:
        mcs = self.c.mcs[row]
        score: dict[str, Any] = {}
        message = self._last_message(row)
        if message is not None:
            score["messageId"] = self.messages.message_id(message)
        score["mcs"] = mcs
        self.scores.append(self._time(score, row))
        self.info["mcs"], self.info["alertedMCS"] = mcs, self.c.mcs_alerted[row]

    def _intent_detected(self, row: int) -> None:
        # intents ride on the message they were detected on: the latest one before
        n = self._last_message(row)
        if n is None:
            return
        intent = self.c.intent[row]
        context = self.messages.as_dict(n).setdefault("contextData", {"structuredMetadata": []})
        context["structuredMetadata"].append(
            {"botResponse": {"intents": [{"id": intent, "name": intent}]}}
        )

    def _sale_recorded(self, row: int) -> None:
        c = self.c
        minor = c.amount_minor[row]
        stamp = str(self.ts[row])
        purchase = {
            "total": f"{minor // 100}.{minor % 100:02d}",
            "currency": c.currency[row],
            "serverTimeStamp": stamp,
            "orderId": c.event_id[row],
        }
        self.sales.append(
            {
                "purchase": purchase,
                "serverTimeStamp": stamp,
                "sdeType": "PURCHASE",
                "isAuthenticated": False,
            }
        )

    def _message_participants(self) -> None:
        """Senders who were never assigned join agentParticipants as readers, the system
        (controller) as a participant of user type 0, each at their first message."""
        m = self.messages
        for n, (pid, by) in enumerate(zip(m.senders, m.sent_by, strict=True)):
            if by != "Agent" or pid in self.participants:
                continue
            p: dict[str, Any]
            if pid == SYSTEM_PARTICIPANT:
                p = {
                    "agentId": pid,
                    "userType": "0",
                    "userTypeName": "System",
                    "role": "CONTROLLER",
                }
            else:
                p = dict(self.d.agent(int(pid)))
            p["time"], p["timeL"] = m.times[n], m.stamps[n]
            p["permission"], p["dialogId"] = "READER", m.dialog_id(n)
            self.participants[pid] = p

    # -- result -------------------------------------------------------------
    def record(self, *, horizon_ms: int) -> dict[str, Any]:
        """The record as of ``horizon_ms`` (epoch ms; the duration of an open conversation
        runs to it, as the API's runs to the time of the request). The record shares its
        lists with the builder: serialize it before adding further events."""
        info = self.info
        start = info["startTimeL"]
        main = [d for d in self.dialogs if d["dialogType"] == "MAIN"]
        last = main[-1]
        if self.ended:
            info["status"] = "CLOSE"
            info["endTime"], info["endTimeL"] = last["endTime"], last["endTimeL"]
            info["duration"] = last["endTimeL"] - start
            info["closeReason"] = last["closeReason"]
            info["closeReasonDescription"] = last["closeReasonDescription"]
        else:
            info["status"], info["endTime"], info["endTimeL"] = "OPEN", "undefined", -1
            info["duration"] = max(0, horizon_ms - start)
            info.pop("closeReason", None)  # a resumed conversation is open again
            info.pop("closeReasonDescription", None)
        if self.latest_agent is not None:
            a = self.d.agent(self.latest_agent)
            info.update(self.d.names(self.latest_agent, "latestAgent"))
            if "agentGroupId" in a:
                info["latestAgentGroupId"] = a["agentGroupId"]
                info["latestAgentGroupName"] = a["agentGroupName"]
        self._skill_fields(info, "latestSkill", self.skill)
        info["latestQueueState"] = "IN_QUEUE" if self.waiting else "ACTIVE"
        info["isPartial"] = False
        self._message_participants()
        record: dict[str, Any] = {"info": info}
        for name, section in (
            ("messageRecords", self.messages.entries),
            ("agentParticipants", sorted(self.participants.values(), key=_joined)),
            ("consumerParticipants", self.consumers),
            ("transfers", self.transfers),
            ("interactions", self.interactions),
            ("messageScores", self.scores),
            ("conversationSurveys", self.surveys),
            ("dialogs", self.dialogs),
        ):
            if section:  # the API omits a section it has no data for
                record[name] = section
        if self.sales:
            record["sdes"] = {"events": self.sales}
        return record


#: event kind -> the method folding it in; the unrecorded kinds have none
_HANDLERS: Mapping[str, Callable[[RecordBuilder, int], None]] = {
    kind: getattr(RecordBuilder, "_" + kind.replace(".", "_"))
    for kind in KINDS
    if hasattr(RecordBuilder, "_" + kind.replace(".", "_"))
}


def _joined(participant: dict[str, Any]) -> int:
    """When a participant joined (epoch ms): agentParticipants are listed in that order."""
    return int(participant["timeL"])
