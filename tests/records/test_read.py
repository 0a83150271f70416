"""Record files: pages, records, lists, NDJSON, broken files, duplicates, the vendor's
own example responses (tests/data/liveperson/README.md says where they come from)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from ccbench import InputError
from ccbench.eventlog import validate
from ccbench.records import import_files

DATA = Path(__file__).resolve().parents[1] / "data" / "liveperson"
T = 1_600_000_000_000


def _rec(cid: str, *, status: str = "OPEN", end: int = -1, messages: int = 0) -> dict[str, Any]:
    return {
        "info": {
            "conversationId": cid,
            "status": status,
            "startTimeL": T,
            "endTimeL": end,
            "source": "APP",
            "brandId": "acme",
        },
        "consumerParticipants": [{"participantId": "u"}],
        "messageRecords": [
            {"seq": i, "timeL": T + i + 1, "sentBy": "Consumer", "participantId": "u"}
            for i in range(messages)
        ],
    }


def test_pages_lists_records_and_lines(tmp_path: Path) -> None:
    """A page, a bare record, a list of records and NDJSON lines all read."""
    (tmp_path / "page.json").write_bytes(orjson.dumps({"conversationHistoryRecords": [_rec("a")]}))
    (tmp_path / "one.json").write_bytes(orjson.dumps(_rec("b")))
    (tmp_path / "list.json").write_bytes(orjson.dumps([_rec("c"), _rec("d")]))
    (tmp_path / "lines.ndjson").write_bytes(b"\n".join(orjson.dumps(_rec(c)) for c in "ef"))
    result = import_files(sorted(tmp_path.iterdir()))
    assert result.problems == () and result.conversations == 6
    assert validate(result.log) == []


def test_a_bad_ndjson_line_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    """One broken line costs that line, named with its number, not the file."""
    path = tmp_path / "lines.ndjson"
    path.write_bytes(orjson.dumps(_rec("a")) + b"\n{not json\n" + orjson.dumps(_rec("b")))
    result = import_files([path])
    assert result.conversations == 2
    assert [p.source for p in result.problems] == [f"{path}:2"]


def test_the_same_conversation_twice_keeps_the_closed_version(tmp_path: Path) -> None:
    """Pages shift while the API is paged: the CLOSE version wins over the OPEN one, and the
    duplicate is reported with both sources."""
    (tmp_path / "p1.json").write_bytes(orjson.dumps([_rec("a", messages=2)]))
    closed = _rec("a", status="CLOSE", end=T + 50, messages=1)
    closed["info"]["closeReason"] = "CONSUMER"
    (tmp_path / "p2.json").write_bytes(orjson.dumps([closed]))
    result = import_files([tmp_path / "p1.json", tmp_path / "p2.json"])
    assert result.conversations == 1
    assert [p.field for p in result.problems] == ["info.conversationId"]
    assert "conversation.closed" in {e["kind"] for e in result.log.records()}


def test_partial_api_answer_is_reported(tmp_path: Path) -> None:
    """shardsStatusResult.partialResult true: records may be missing; said so."""
    page = {
        "_metadata": {"shardsStatusResult": {"partialResult": True}},
        "conversationHistoryRecords": [_rec("a")],
    }
    (tmp_path / "p.json").write_bytes(orjson.dumps(page))
    result = import_files([tmp_path / "p.json"])
    assert [p.field for p in result.problems] == ["_metadata.shardsStatusResult.partialResult"]


def test_vendor_example_as_published_is_refused_where_it_breaks() -> None:
    """The Conversations method's JSON example has typographic quotes in its dialogs
    entry: not JSON. The refusal names the file, the line and the column."""
    with pytest.raises(InputError) as caught:
        import_files([DATA / "conversations_search_example.json"])
    assert "line 298 column 18" in str(caught.value)
    assert "conversations_search_example.json" in str(caught.value)


def test_vendor_example_with_straight_quotes_imports_with_its_inconsistencies(
    tmp_path: Path,
) -> None:
    """Quotes straightened, the example imports: one open conversation, each inconsistency
    reported (the dialog starting a year after the conversation, a transfer by an agent who
    does not hold it, a readable time a second off its twin, a sender with no participant
    entry, a survey with no CSAT but csatRate 5, alertedMCS 1 for scores of 0)."""
    text = (DATA / "conversations_search_example.json").read_text(encoding="utf-8")
    fixed = tmp_path / "fixed.json"
    fixed.write_text(text.translate(str.maketrans({"“": '"', "”": '"'})), encoding="utf-8")
    result = import_files([fixed])
    assert (result.conversations, result.refused) == (1, 0)
    assert validate(result.log) == []
    assert {p.field for p in result.problems} == {
        "dialogs[0].startTimeL",
        "transfers[0].sourceAgentId",
        "messageRecords[1].time",
        "messageRecords[3].participantId",
        "conversationSurveys[0].surveyData",
        "info.csatRate",
        "info.alertedMCS",
        "info.closeReason",
    }
    kinds = [e["kind"] for e in result.log.records()]
    assert kinds.count("message.sent") == 4 and "conversation.closed" not in kinds


def test_older_vendor_example_imports() -> None:
    """The older copy of the example (consumerParticipant, messageScore, no dialogs)."""
    result = import_files([DATA / "consumer_metadata_example.json"])
    assert (result.conversations, result.refused) == (1, 0)
    assert validate(result.log) == []
    assert result.log.roster.account == "qa26409991"
    assert {p.field for p in result.problems} == {
        "transfers[0].sourceAgentId",
        "conversationSurveys[0].surveyData",
        "info.csatRate",
        "info.alertedMCS",
        "info.closeReason",
    }
