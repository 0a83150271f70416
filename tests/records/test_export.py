"""The example log as the vendor's records: each section checked against the story.

examples/README.md tells each conversation's story; the expected fields below are read
off it (and off examples/example.ndjson for the exact times).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from ccbench import InputError
from ccbench.eventlog import EventLog, read_log
from ccbench.records import conversation_records, export_records, page_document

T0 = 1_795_165_200_000  # 2026-11-20 09:00:00 UTC


@pytest.fixture
def records(example_path: Path) -> dict[str, dict[str, Any]]:
    """The example's records by conversation id."""
    return {r["info"]["conversationId"]: r for r in conversation_records(read_log(example_path))}


def test_pages_carry_the_api_metadata(example_path: Path, tmp_path: Path) -> None:
    """12 conversations in pages of 5: three files, count 12, self/next/prev links."""
    summary = export_records(read_log(example_path), tmp_path / "out", page_size=5)
    assert (summary.conversations, summary.pages) == (12, 3)
    pages = [orjson.loads(p.read_bytes()) for p in sorted((tmp_path / "out").glob("*.json"))]
    assert [len(p["conversationHistoryRecords"]) for p in pages] == [5, 5, 2]
    meta = pages[1]["_metadata"]
    assert meta["count"] == 12
    assert meta["self"]["href"].endswith("/account/acme/conversations/search?offset=5&limit=5")
    assert meta["next"]["href"].endswith("offset=10&limit=5")
    assert meta["prev"]["href"].endswith("offset=0&limit=5")
    assert "next" not in pages[2]["_metadata"] and "prev" not in pages[0]["_metadata"]
    assert meta["shardsStatusResult"] == {"partialResult": False}


def test_c01_consumer_close_with_sale_survey_and_score(records: dict[str, Any]) -> None:
    """c01: opened 09:05, Alice (12) accepted at 09:05:04, the consumer closed at 09:06:40;
    a 49.99 EUR sale; CSAT 5 with criteria 5/4/5; MCS 80, alert 1."""
    r = records["c01"]
    info = r["info"]
    assert info["startTime"] == "2026-11-20 09:05:00.000+0000"
    assert info["startTimeL"] == T0 + 300_000
    assert (info["status"], info["closeReason"], info["closeReasonDescription"]) == (
        "CLOSE",
        "CONSUMER",
        "CONSUMER_CLOSED",
    )
    assert info["endTimeL"] - info["startTimeL"] == info["duration"] == 100_000
    assert (info["csat"], info["mcs"], info["alertedMCS"]) == (5, 80, 1)
    assert (info["source"], info["latestAgentId"], info["latestSkillId"]) == ("APP", "12", 333)
    assert info["firstConversation"] is True
    assert [i["assignedAgentId"] for i in r["interactions"]] == ["12"]
    assert [m["sentBy"] for m in r["messageRecords"]] == ["Consumer", "Agent", "Consumer", "Agent"]
    assert [m["seq"] for m in r["messageRecords"]] == [0, 1, 2, 3]
    purchase = r["sdes"]["events"][0]
    assert (purchase["sdeType"], purchase["purchase"]["total"]) == ("PURCHASE", "49.99")
    survey = r["conversationSurveys"][0]
    answers = {q["questionId"]: q["answer"] for q in survey["surveyData"]}
    assert answers == {
        "csat": "5",
        "csat_welcome": "5",
        "csat_response_time": "4",
        "csat_quality": "5",
    }
    post = [d for d in r["dialogs"] if d["dialogType"] == "POST_SURVEY"]
    assert post[0]["dialogId"] == survey["dialogId"] and post[0]["startTimeL"] == T0 + 420_000
    assert r["messageScores"][0]["mcs"] == 80
    assert r["agentParticipants"][0]["permission"] == "ASSIGNED_AGENT"


def test_c05_manager_message_and_takeover(records: dict[str, Any]) -> None:
    """c05: the manager Maya (20) writes while Alice holds it (a reader), then takes over:
    a TakeOver transfer by 20 from 12 and Maya's interaction; Maya closes (AGENT)."""
    r = records["c05"]
    takeover = [t for t in r["transfers"] if t["reason"] == "TakeOver"]
    assert [(t["by"], t["sourceAgentId"], t["assignedAgentId"]) for t in takeover] == [
        ("20", "12", "20")
    ]
    assert [i["assignedAgentId"] for i in r["interactions"]] == ["12", "20"]
    roles = {p["agentId"]: (p["role"], p["permission"]) for p in r["agentParticipants"]}
    assert roles == {"12": ("AGENT", "ASSIGNED_AGENT"), "20": ("MANAGER", "ASSIGNED_AGENT")}
    assert r["info"]["closeReason"] == "AGENT" and r["info"]["latestAgentId"] == "20"


def test_c06_auto_close_then_resume_is_two_main_dialogs(records: dict[str, Any]) -> None:
    """c06: closed by the system at 10:00:20, resumed at 10:01:40: two MAIN dialogs, the
    first CLOSE/SYSTEM, the record CLOSE with the consumer's final close."""
    r = records["c06"]
    main = [d for d in r["dialogs"] if d["dialogType"] == "MAIN"]
    assert [(d["dialogId"], d["closeReason"]) for d in main] == [
        ("c06", "SYSTEM"),
        ("c06:1", "CONSUMER"),
    ]
    assert main[1]["startTimeL"] == T0 + 3_700_000
    assert [i["assignedAgentId"] for i in r["interactions"]] == ["13", "12"]
    assert {m["dialogId"] for m in r["messageRecords"]} == {"c06", "c06:1"}


def test_c07_abandoned_chat(records: dict[str, Any]) -> None:
    """c07: a chat that left the billing queue after 60 s: CONSUMER/ABANDONED, in queue,
    no interaction, a CHAT dialog."""
    r = records["c07"]
    info = r["info"]
    assert (info["closeReason"], info["closeReasonDescription"]) == ("CONSUMER", "ABANDONED")
    assert info["latestQueueState"] == "IN_QUEUE" and info["duration"] == 61_000
    assert "interactions" not in r and r["dialogs"][0]["dialogChannelType"] == "CHAT"


def test_c08_call_offer_declined(records: dict[str, Any]) -> None:
    """c08: a call (VOICE dialog) offered to Chloe, who declines (no trace: the call was
    not re-queued), accepted by Alice; no messages."""
    r = records["c08"]
    assert r["dialogs"][0]["dialogChannelType"] == "VOICE"
    assert "messageRecords" not in r and [t["reason"] for t in r.get("transfers", [])] == ["Skill"]
    assert [i["assignedAgentId"] for i in r["interactions"]] == ["12"]


def test_c11_back_to_queue(records: dict[str, Any]) -> None:
    """c11: Bruno (13) sends it back to the billing queue (back2Q, target 333) at 10:41:40."""
    back = [t for t in records["c11"]["transfers"] if t["reason"] == "back2Q"]
    assert [(t["sourceAgentId"], t["targetSkillId"], t["timeL"]) for t in back] == [
        ("13", 333, T0 + 6_100_000)
    ]


def test_c12_reopen_is_a_second_dialog(records: dict[str, Any]) -> None:
    """c12: marked done at 10:51:40, reopened at 10:53:20: a second MAIN dialog."""
    main = [d for d in records["c12"]["dialogs"] if d["dialogType"] == "MAIN"]
    assert [d["startTimeL"] for d in main] == [T0 + 6_600_000, T0 + 6_800_000]


def test_a_non_empty_directory_is_refused(example_path: Path, tmp_path: Path) -> None:
    """Export never writes into a directory that holds anything, and leaves nothing behind."""
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("x")
    with pytest.raises(InputError, match="missing or empty directory"):
        export_records(read_log(example_path), tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("size", [0, 101, True])
def test_page_size_is_bounded(example_path: Path, tmp_path: Path, size: Any) -> None:
    """A page holds 1..100 records, as the API's limit."""
    with pytest.raises(InputError, match="page_size"):
        export_records(read_log(example_path), tmp_path / "out", page_size=size)


def test_an_empty_log_is_one_empty_page(example_path: Path, tmp_path: Path) -> None:
    """A log with no conversation exports as the API answers an empty search."""
    log = read_log(example_path)
    empty = EventLog.from_table(log.table.slice(0, 0), roster=log.roster)
    export_records(empty, tmp_path / "out")
    page = orjson.loads(next((tmp_path / "out").glob("*.json")).read_bytes())
    assert page == page_document([], account="acme", offset=0, limit=100, count=0)


def test_an_internal_note_leaves_no_trace_in_bulk_or_fed_records(example_path: Path) -> None:
    """c01 of the example holds Alice's internal note between her answers: records carry no
    note (docs/formats.md), so its record has the four public messages, and the record a
    pipeline is fed (RecordFeed) equals the bulk export's."""
    from ccbench.records import RecordFeed, conversation_records

    log = read_log(example_path)
    bulk = {r["info"]["conversationId"]: r for r in conversation_records(log)}
    fed = {r["info"]["conversationId"]: r for r in RecordFeed(log).advance(len(log))}
    assert [m["sentBy"] for m in bulk["c01"]["messageRecords"]] == [
        "Consumer", "Agent", "Consumer", "Agent",
    ]  # fmt: skip
    assert fed["c01"] == bulk["c01"]


def test_pages_are_the_same_bytes_whatever_the_processes(tmp_path: Path) -> None:
    """The smoke log in pages of 20 by 1, 2 and 3 processes: the same file names and the
    same bytes (each process writes a contiguous share of the pages; this one the first)."""
    from sim import load_scenario, simulate

    log = simulate(scenario=load_scenario("smoke"), seed=1).log
    written = {}
    for jobs in (1, 2, 3):
        out = tmp_path / f"jobs{jobs}"
        summary = export_records(log, out, page_size=20, jobs=jobs)
        written[jobs] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
        assert summary.pages == len(written[jobs]) >= 6
    assert written[2] == written[1] and written[3] == written[1]
