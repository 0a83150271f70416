"""Messages written by Arrow are the bytes orjson writes for the same dicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ccbench.eventlog import EventLog, read_log
from ccbench.records import conversation_records, export_records, page_document
from ccbench.records._sections import Messages, message_records, message_texts

_CIDS = ["c1", "c1", "c2", "conv-é"]
_ROWS: dict[str, list[Any]] = {
    "seqs": [0, 1, 0, 0],
    "lives": [0, 2, -1, 1],
    "senders": ["u1", "12", "system", "ü-7"],
    "sent_by": ["Consumer", "Agent", "Agent", "Consumer"],
    "times": ["2026-11-20 09:00:00.000+0000", "2026-11-20 09:00:01.250+0000",
              "2026-11-20 10:00:00.007+0000", "2026-11-20 10:00:00.007+0000"],
    "stamps": [1795165200000, 1795165201250, 1795168800007, 1795168800007],
}  # fmt: skip


def _texts(cids: list[str]) -> list[orjson.Fragment] | None:
    r = _ROWS
    return message_texts(
        pa.array(cids),
        np.array(r["seqs"]),
        np.array(r["lives"]),
        pa.array(r["senders"]),
        pa.array(r["sent_by"]),
        pa.array(r["times"]),
        np.array(r["stamps"]),
    )


def test_message_texts_are_orjson_of_message_records() -> None:
    """Each fragment is orjson's bytes for message_records' dict: later lives in the
    dialog id (life 2 -> c1:2, life <= 0 -> the id itself), non-ASCII ids written raw."""
    texts = _texts(_CIDS)
    assert texts is not None
    for i, text in enumerate(texts):
        r = {k: [v[i]] for k, v in _ROWS.items()}
        (expected,) = message_records(_CIDS[i], r["seqs"], r["lives"], r["senders"],
                                      r["sent_by"], r["times"], r["stamps"])  # fmt: skip
        assert orjson.dumps(text) == orjson.dumps(expected)
    assert orjson.loads(orjson.dumps(texts[1]))["dialogId"] == "c1:2"


@pytest.mark.parametrize("bad", ['c"1', "c\\1", "c\n1"])
def test_an_id_json_escapes_gives_no_texts(bad: str) -> None:
    """A quote, a backslash or a control character in an id: None (dicts are built)."""
    assert _texts([bad, *_CIDS[1:]]) is None


def test_as_dict_turns_a_fragment_into_the_same_dict() -> None:
    """Messages.as_dict(n) of a fragment entry is message_records' dict for message n."""
    texts = _texts(["c1", "c1", "c1", "c1"])
    assert texts is not None
    r = _ROWS
    m = Messages("c1", list(texts), r["senders"], r["sent_by"], r["times"], r["stamps"],
                 r["lives"])  # fmt: skip
    assert m.as_dict(1) == orjson.loads(orjson.dumps(texts[1]))
    assert m.message_id(3) == "ms::conv:c1::msg:3" and m.dialog_id(3) == "c1:1"


def _pages_of_dicts(log: EventLog, size: int) -> list[bytes]:
    records = list(conversation_records(log))
    account = log.roster.account
    n = len(records)
    pages = [
        page_document(records[i : i + size], account=account, offset=i, limit=size, count=n)
        for i in range(0, n, size)
    ]
    return [orjson.dumps(p) for p in pages]


def _with_quoted_ids(log: EventLog) -> EventLog:
    """The log with every conversation id ending in a quote and a backslash."""
    table = log.table
    i = table.schema.get_field_index("conversation_id")
    ids = pc.binary_join_element_wise(table.column("conversation_id"), '"\\', "")
    return EventLog.from_table(table.set_column(i, "conversation_id", ids), roster=log.roster)


@pytest.mark.parametrize("quoted", [False, True])
def test_pages_are_the_bytes_of_the_dict_records(
    example_path: Path, tmp_path: Path, quoted: bool
) -> None:
    """The exporter's pages (Arrow-written messages, or dicts when ids need escaping) are
    byte for byte orjson's pages of conversation_records' dicts, intents included."""
    log = read_log(example_path)
    log = _with_quoted_ids(log) if quoted else log
    export_records(log, tmp_path / "pages", page_size=5)
    written = [p.read_bytes() for p in sorted((tmp_path / "pages").glob("*.json"))]
    assert written == _pages_of_dicts(log, 5)
    assert b"botResponse" in b"".join(written) and (b'\\"\\\\' in written[0]) is quoted
