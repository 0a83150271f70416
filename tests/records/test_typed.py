"""Typed decoding of records: what decodes, and what is left to the tolerant reader."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from ccbench.records._read import Sourced, rank
from ccbench.records._typed import decode_page, typed_record

T = 1_600_000_000_000


def _record() -> dict[str, Any]:
    return {
        "info": {"conversationId": "c1", "startTimeL": T, "status": "OPEN"},
        "messageRecords": [{"seq": 0, "timeL": T, "sentBy": "Consumer"}],
        "transfers": [{"timeL": T, "reason": "Skill", "targetSkillId": 3}],
        "messageStatuses": [{}, {}],
    }


def test_a_page_decodes_typed_with_every_list_section_counted() -> None:
    """A page of well-typed records decodes; a version's size (its rank's third part)
    counts the entries of all its list sections, the ones the importer does not read
    included (1 + 1 + 2)."""
    page = decode_page(orjson.dumps({"conversationHistoryRecords": [_record()]}))
    assert page is not None
    (record,) = page.conversationHistoryRecords
    assert record.info.conversationId == "c1" and record.info.endTimeL is None
    assert rank(Sourced("page#0", typed=record), 7)[2:] == (4, 7)


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r["info"].update(startTimeL="1600000000000"),  # a number as a string
        lambda r: r["info"].update(conversationId=7),  # an id as a number
        lambda r: r["info"].update(startTimeL=2**63),  # beyond 64 bits
        lambda r: r["info"].update(isPartial="true"),
        lambda r: r["messageRecords"].append(3),  # an entry that is no object
        lambda r: r.update(transfers={"a": 1}),  # a section that is no list
        lambda r: r.update(campaignInfo={}),  # a section the vendor does not document
        lambda r: r.pop("info"),
    ],
)
def test_a_value_of_another_type_leaves_the_record_to_the_tolerant_reader(change: Any) -> None:
    """A value of another type than the tables give, an undocumented section or no info:
    no typed form (the tolerant reader reports it), for a page as for a parsed record."""
    record = _record()
    change(record)
    assert typed_record(record) is None
    assert decode_page(orjson.dumps({"conversationHistoryRecords": [record]})) is None


def test_absent_null_and_the_examples_names() -> None:
    """A missing key and JSON null both read None; a section under an example's name is
    kept apart (UNSET when absent), for the fast path to leave to the tolerant reader."""
    record = _record()
    record["info"]["endTimeL"] = None
    record["consumerParticipant"] = [{"participantId": "u"}]
    typed = typed_record(record)
    assert typed is not None and typed.info.endTimeL is None and typed.info.brandId is None
    assert typed.consumerParticipant == [{"participantId": "u"}]
    assert str(typed.messageScore) == "UNSET"
