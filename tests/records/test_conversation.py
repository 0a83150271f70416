"""Messy records: every documented oddity is read and reported, nothing crashes.

Each test starts from one small valid record (a consumer message, agent 7's segment,
its reply, a consumer close) and breaks one thing the way real exports do
(../shared/reference/vendor-records.md, "Mess to expect").
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccbench.eventlog import validate
from ccbench.records import RecordsImport, import_records

T = 1_600_000_000_000


def _record() -> dict[str, Any]:
    return {
        "info": {
            "conversationId": "c1",
            "brandId": "acme",
            "status": "CLOSE",
            "source": "WEB",
            "startTimeL": T,
            "endTimeL": T + 60_000,
            "closeReason": "CONSUMER",
            "closeReasonDescription": "CONSUMER_CLOSED",
            "latestSkillId": 5,
        },
        "consumerParticipants": [{"participantId": "u1", "timeL": T}],
        "agentParticipants": [
            {
                "agentId": "7",
                "userType": "1",
                "role": "AGENT",
                "agentGroupId": 2,
                "permission": "ASSIGNED_AGENT",
            }
        ],
        "interactions": [{"assignedAgentId": "7", "interactionTimeL": T + 10_000}],
        "messageRecords": [
            {"seq": 0, "timeL": T + 1_000, "sentBy": "Consumer", "participantId": "u1"},
            {"seq": 1, "timeL": T + 20_000, "sentBy": "Agent", "participantId": "7"},
        ],
    }


def _import(record: Any) -> RecordsImport:
    result = import_records([record], source="t")
    assert validate(result.log) == []
    return result


def _kinds(result: RecordsImport) -> list[str]:
    return [e["kind"] for e in result.log.records()]


def _fields(result: RecordsImport) -> list[str]:
    return [p.field for p in result.problems]


def test_the_clean_record_has_no_problem() -> None:
    """The base record reads as opened and queued (to latestSkillId: no dialog says
    otherwise), the consumer's message, the accept, the reply, the close."""
    result = _import(_record())
    assert result.problems == ()
    assert _kinds(result) == [
        "conversation.opened",
        "conversation.queued",
        "message.sent",
        "assignment.accepted",
        "message.sent",
        "conversation.closed",
    ]
    roles = [e.get("sender_role") for e in result.log.records() if e["kind"] == "message.sent"]
    assert roles == ["consumer", "agent"]


def test_undefined_and_minus_one_mean_absent() -> None:
    """An OPEN record with endTime "undefined" and endTimeL -1 is open, without a problem."""
    r = _record()
    r["info"].update(status="OPEN", endTime="undefined", endTimeL=-1)
    del r["info"]["closeReason"], r["info"]["closeReasonDescription"]
    result = _import(r)
    assert result.problems == () and "conversation.closed" not in _kinds(result)


def test_open_record_with_a_close_reason_stays_open() -> None:
    """A close needs status CLOSE and an end: an OPEN record's close reason is reported."""
    r = _record()
    r["info"].update(status="OPEN", endTimeL=-1)
    result = _import(r)
    assert _fields(result) == ["info.closeReason"]
    assert "conversation.closed" not in _kinds(result)


def test_close_without_end_reads_as_open() -> None:
    """status CLOSE with endTimeL -1 is reported and read as open."""
    r = _record()
    r["info"]["endTimeL"] = -1
    assert _fields(_import(r)) == ["info.endTimeL"]


def test_numbers_as_strings_are_read_and_reported() -> None:
    """A time given as a numeric string is read, and reported (the tables say long)."""
    r = _record()
    r["info"]["startTimeL"] = str(T)
    result = _import(r)
    assert _fields(result) == ["info.startTimeL"]
    assert next(result.log.records())["ts"] == T


def test_readable_time_disagreeing_with_its_twin() -> None:
    """time and timeL more than a second apart: reported, timeL read."""
    r = _record()
    r["messageRecords"][1]["time"] = "2020-09-13 12:26:45.000+0000"
    result = _import(r)
    assert _fields(result) == ["messageRecords[1].time"]


def test_agent_starting_without_a_transfer_reads_as_one() -> None:
    """Agent 8's interaction while 7 holds it, with no transfer: a transfer, reported."""
    r = _record()
    r["interactions"].append({"assignedAgentId": "8", "interactionTimeL": T + 30_000})
    result = _import(r)
    assert _fields(result) == ["interactions[1]"]
    moves = [e for e in result.log.records() if e["kind"] == "conversation.transferred"]
    assert [(e["agent_id"], e["to_agent_id"]) for e in moves] == [(7, 8)]


def test_sections_out_of_time_order_are_sorted() -> None:
    """Messages listed newest first are read in time order (not a problem)."""
    r = _record()
    r["messageRecords"].reverse()
    assert _import(r).problems == ()


def test_message_after_the_end_is_skipped_and_reported() -> None:
    """A message after the conversation ended cannot be in the log: reported, skipped."""
    r = _record()
    r["messageRecords"].append(
        {"seq": 2, "timeL": T + 90_000, "sentBy": "Consumer", "participantId": "u1"}
    )
    result = _import(r)
    assert _fields(result) == ["messageRecords[2].timeL"]
    assert _kinds(result).count("message.sent") == 2


def test_sender_without_participant_entry() -> None:
    """An agent message by an id no participant entry names: read as a human agent."""
    r = _record()
    r["messageRecords"][1]["participantId"] = "9"
    result = _import(r)
    assert _fields(result) == ["messageRecords[1].participantId"]
    assert result.log.roster.agent(9) is not None


@pytest.mark.parametrize("agent_id", ["99999999999999999999", "7\u00b2"])
def test_agent_ids_no_integer_column_holds_get_fresh_ids(agent_id: str) -> None:
    """An agent id of digits beyond 64 bits, or with a superscript digit (str.isdigit
    takes it, int() does not), is mapped to a fresh id and reported, never a crash."""
    r = _record()
    r["agentParticipants"][0]["agentId"] = agent_id
    r["interactions"][0]["assignedAgentId"] = agent_id
    r["messageRecords"][1]["participantId"] = agent_id
    result = _import(r)
    assert _fields(result) == ["agentParticipants[0].agentId"]
    assert "mapped to" in result.problems[0].message
    fresh = [e["agent_id"] for e in result.log.records() if e["kind"] == "assignment.accepted"]
    assert len(fresh) == 1 and fresh[0] >= 10**12


@pytest.mark.parametrize("section", ["info", "messageRecords"])
def test_times_beyond_year_9999_are_absent(section: str) -> None:
    """An epoch-ms time past 9999-12-31 is reported and read as absent, never an
    overflow: its readable twin is then the time, as when the L field is missing."""
    r = _record()
    item = r["info"] if section == "info" else r["messageRecords"][1]
    key = "startTime" if section == "info" else "time"
    item[key + "L"], item[key] = 10**20, "2020-09-13 12:26:41.000+0000"  # T + 1 s
    result = _import(r)
    path = "info.startTimeL" if section == "info" else "messageRecords[1].timeL"
    assert [p.field for p in result.problems][:1] == [path]
    assert "year 9999" in result.problems[0].message
    events = list(result.log.records())
    if section == "info":
        assert events[0]["kind"] == "conversation.opened" and events[0]["ts"] == T + 1_000
    else:
        assert [e["ts"] for e in events if e["kind"] == "message.sent"] == [T + 1_000, T + 1_000]


def _purchase(ts: int, total: str) -> dict[str, Any]:
    return {"events": [{"sdeType": "PURCHASE", "serverTimeStamp": ts,
                        "purchase": {"total": total, "currency": "EUR"}}]}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r["info"].update(latestSkillId=-5), "info.latestSkillId"),
        (lambda r: r["info"].update(latestSkillId=2**70), "info.latestSkillId"),
        (
            lambda r: r["agentParticipants"][0].update(agentGroupId=-3),
            "agentParticipants[0].agentGroupId",
        ),
        (lambda r: r.update(dialogs=[{"skillId": -7, "startTimeL": T}]), "dialogs[0].skillId"),
        (
            lambda r: r.update(dialogs=[{"dialogChannelType": {}, "startTimeL": T}]),
            "dialogs[0].dialogChannelType",
        ),
        (
            lambda r: r.update(
                transfers=[{"timeL": T + 15_000, "reason": "Skill", "targetSkillId": 2**65}]
            ),
            "transfers[0].targetSkillId",
        ),
        (lambda r: r.update(sdes=_purchase(2**70, "1")), "sdes.events[0].serverTimeStamp"),
        (lambda r: r.update(sdes=_purchase(T + 30_000, "1e30")), "sdes.events[0].purchase.total"),
    ],
)
def test_values_no_column_holds_are_reported(change: Any, field: str) -> None:
    """A skill or group id below 0 (but -1) or beyond 64 bits, a sale's time or amount
    beyond 64 bits, a dialogChannelType that is an object: reported by field and read as
    absent (they failed the whole import, or raised a traceback)."""
    r = _record()
    change(r)
    assert field in _fields(_import(r))


@pytest.mark.parametrize(
    "context",
    [{"structuredMetadata": 2.5}, {"structuredMetadata": [{"botResponse": {"intents": 3}}]}],
)
def test_free_form_context_data_of_any_shape_is_read(context: dict[str, Any]) -> None:
    """contextData is free-form: a structuredMetadata or intents that is no list carries
    nothing the importer reads (it raised a traceback), on a message as on a transfer."""
    r = _record()
    r["messageRecords"][1]["contextData"] = context
    r["transfers"] = [{"timeL": T + 30_000, "reason": "Skill", "targetSkillId": 6,
                       "sourceAgentId": "7", "contextData": context}]  # fmt: skip
    result = _import(r)
    assert result.problems == ()
    assert "conversation.transferred" in _kinds(result)


def test_aliases_of_section_names() -> None:
    """consumerParticipant and messageScore (the examples' names) read like the tables'."""
    r = _record()
    r["consumerParticipant"] = r.pop("consumerParticipants")
    r["messageScore"] = [{"timeL": T + 70_000, "mcs": 70}]
    result = _import(r)
    assert result.problems == ()
    scores = [e for e in result.log.records() if e["kind"] == "mcs.scored"]
    assert [(e["mcs"], e["mcs_alerted"]) for e in scores] == [(70, 1)]


def test_survey_answers_out_of_range_are_reported() -> None:
    """A CSAT answer of 6 is no score: the survey is reported and skipped."""
    r = _record()
    r["conversationSurveys"] = [{"surveyData": [{"questionType": "CSAT", "answer": "6"}]}]
    result = _import(r)
    assert _fields(result) == [
        "conversationSurveys[0].surveyData[0].answer",
        "conversationSurveys[0].surveyData",
    ]


def test_purchase_with_three_decimals_is_reported() -> None:
    """A purchase total is major units with at most two decimals."""
    r = _record()
    r["sdes"] = {
        "events": [
            {
                "sdeType": "PURCHASE",
                "serverTimeStamp": str(T + 30_000),
                "purchase": {"total": "1.005", "currency": "EUR"},
            }
        ]
    }
    assert _fields(_import(r)) == ["sdes.events[0].purchase.total"]


def test_unknown_transfer_reason_reads_by_its_targets() -> None:
    """An unknown reason with a target skill is a transfer to that skill, reported."""
    r = _record()
    r["transfers"] = [
        {"timeL": T + 30_000, "reason": "Escalated", "targetSkillId": 6, "sourceAgentId": "7"}
    ]
    result = _import(r)
    assert _fields(result) == ["transfers[0].reason"]
    assert "conversation.transferred" in _kinds(result)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r["info"].pop("conversationId"), "info.conversationId"),
        (lambda r: r["info"].update(startTimeL="soon"), "info.startTimeL"),
        (lambda r: r.update(info=[1, 2]), "info.conversationId"),
    ],
)
def test_records_that_cannot_stand_are_refused_by_field(change: Any, field: str) -> None:
    """No id or no start: the record is refused, naming the field, never dropped silently."""
    r = _record()
    change(r)
    result = _import(r)
    assert result.refused == 1 and result.conversations == 0
    assert field in _fields(result)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2**40) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_PATHS = [
    ("info",),
    ("info", "startTimeL"),
    ("info", "status"),
    ("info", "closeReason"),
    ("interactions",),
    ("messageRecords",),
    ("agentParticipants",),
    ("transfers",),
    ("dialogs",),
    ("conversationSurveys",),
    ("messageScores",),
    ("sdes",),
]


@settings(max_examples=200, deadline=None)
@given(changes=st.lists(st.tuples(st.sampled_from(_PATHS), _JSON), max_size=4))
def test_any_value_anywhere_never_crashes(changes: list[tuple[tuple[str, ...], Any]]) -> None:
    """Whatever JSON replaces any section or key, the import reports and goes on, and
    its log is valid."""
    r = copy.deepcopy(_record())
    for path, value in changes:
        node = r
        for key in path[:-1]:
            node = node[key] if isinstance(node, dict) and isinstance(node.get(key), dict) else {}
        if isinstance(node, dict):
            node[path[-1]] = value
    result = _import(r)
    assert result.conversations + result.refused == 1
