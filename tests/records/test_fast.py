"""The fast path (typed records read without a problem) imports exactly what the tolerant
reader imports: the same log (every column, in order), roster, problems and counts, on
the exporter's records, the vendor's examples and records broken at random."""

from __future__ import annotations

import contextlib
import copy
import functools
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccbench.eventlog import EventLog, read_log
from ccbench.records import RecordsImport, _part, conversation_records, import_files, import_records
from ccbench.records._conversation import Refused, read_conversation
from ccbench.records._facts import Facts, Ids
from ccbench.records._fast import SYSTEM, FastRead, _in_order, read_typed
from ccbench.records._fields import Fields
from ccbench.records._problems import Problems
from ccbench.records._strict import StrictFields, Unclean
from ccbench.records._typed import Message, typed_record
from sim import load_scenario, simulate

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "liveperson"


@contextmanager
def _tolerant_only() -> Iterator[None]:
    """No record decodes typed: every one goes through the tolerant reader."""
    with (
        patch("ccbench.records._read.decode_page", return_value=None),
        patch("ccbench.records._part.typed_record", return_value=None),
    ):
        yield


def _assert_same(run: Callable[[], RecordsImport]) -> RecordsImport:
    fast = run()
    with _tolerant_only():
        slow = run()
    assert fast.log.table.equals(slow.log.table)
    assert fast.log.roster == slow.log.roster
    assert [p.to_dict() for p in fast.problems] == [p.to_dict() for p in slow.problems]
    assert (fast.conversations, fast.refused) == (slow.conversations, slow.refused)
    return fast


def test_exported_pages_all_take_the_fast_path(tmp_path: Path) -> None:
    """The smoke log's pages import the same both ways, with its roster and inferred, and
    no record of them needs the tolerant reader."""
    from ccbench.records import export_records

    log = simulate(scenario=load_scenario("smoke"), seed=1).log
    export_records(log, tmp_path / "pages", page_size=40)
    files = sorted((tmp_path / "pages").glob("*.json"))
    with patch.object(_part, "read_conversation", wraps=_part.read_conversation) as tolerant:
        result = import_files(files, roster=log.roster)
    assert tolerant.call_count == 0
    assert result.conversations > 300 and result.problems == ()
    _assert_same(lambda: import_files(files, roster=log.roster))
    _assert_same(lambda: import_files(files))


def test_vendor_examples_import_the_same(tmp_path: Path) -> None:
    """The vendor's examples (quotes straightened) with their inconsistencies: the same."""
    text = (DATA / "conversations_search_example.json").read_text(encoding="utf-8")
    fixed = tmp_path / "fixed.json"
    fixed.write_text(text.translate(str.maketrans({"“": '"', "”": '"'})), encoding="utf-8")
    result = _assert_same(lambda: import_files([fixed, DATA / "consumer_metadata_example.json"]))
    assert len(result.problems) > 5


@functools.cache
def _example() -> tuple[EventLog, tuple[bytes, ...]]:
    """The example log and its records as JSON (transfers of every reason, takeovers,
    resumes, surveys, sales, intents, bots)."""
    log = read_log(ROOT / "examples" / "example.ndjson")
    return log, tuple(orjson.dumps(r) for r in conversation_records(log))


@functools.cache
def _pool() -> dict[str, list[Any]]:
    """Every value the example's records give each key: an edit may move one elsewhere
    (a consumer's id onto an agent's message, a survey dialog's type onto a MAIN one)."""
    pool: dict[str, list[Any]] = {}
    for text in _example()[1]:
        record = orjson.loads(text)
        for path in _paths(record):
            value = _at(record, path)
            if isinstance(path[-1], str) and not isinstance(value, dict | list):
                pool.setdefault(path[-1], []).append(value)
    return pool


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(node, dict | list):
        for key, child in node.items() if isinstance(node, dict) else enumerate(node):
            yield from _paths(child, (*prefix, key))


#: what the importer reads: an edit picks one of these keys (most paths lead elsewhere)
# fmt: off
_KEYS = (
    "info", "conversationId", "brandId", "status", "startTime", "startTimeL", "endTime",
    "endTimeL", "closeReason", "closeReasonDescription", "latestSkillId", "latestSkillName",
    "source", "language", "csat", "csatRate", "mcs", "alertedMCS", "isPartial",
    "messageRecords", "time", "timeL", "seq", "sentBy", "participantId", "contextData",
    "agentParticipants", "agentId", "userType", "userTypeName", "agentFullName",
    "agentNickname", "agentLoginName", "role", "agentGroupId", "agentGroupName",
    "consumerParticipants", "transfers", "reason", "targetSkillId", "targetSkillName",
    "sourceAgentId", "by", "assignedAgentId", "interactions", "interactionTime",
    "interactionTimeL", "interactiveSequence", "dialogs", "dialogId", "dialogType",
    "dialogChannelType", "skillId", "skillName", "conversationSurveys", "surveyData",
    "questionId", "questionType", "answer", "messageScores", "sdes", "events", "sdeType",
    "serverTimeStamp", "purchase", "total", "currency",
)
# fmt: on
_SPECIAL = st.sampled_from(
    [
        "undefined",
        "null",
        "",
        " 7 ",
        -1,
        0,
        1,
        5,
        None,
        True,
        2.5,
        "7",
        "-1",
        "abc",
        2**63,
        10**13,
        "CLOSE",
        "OPEN",
        "Agent",
        "agent",
        "Consumer",
        "MAIN",
        "POST_SURVEY",
        "VOICE",
        "MANAGER",
        "2",
        "0",
        "Bot",
        "System",
        "back2Q",
        "TakeOver",
        "SuggestedAgentTimeout",
        "ABANDONED",
        "AGENT",
        "TIMEOUT",
        "fr-FR",
        "2026-11-23 08:00:00.000+0000",
        [],
        {},
    ]
)  # fmt: skip
_VALUE = _SPECIAL | st.integers(-3, 2**41) | st.text(max_size=5)
_EDIT = st.tuples(
    st.integers(0, 10**6),
    st.sampled_from(_KEYS),
    st.integers(0, 10**6),
    st.sampled_from(
        ["set", "swap", "swap", "delete", "shift", "string", "reverse", "alias", "again"]
    ),
    _VALUE,
    st.sampled_from([1, -1, 999, 1001, -60_000, 3_600_000]),
)
_ALIASES = {
    "messageRecords": "messagesRecords",
    "consumerParticipants": "consumerParticipant",
    "messageScores": "messageScore",
}


def _edit(records: list[dict[str, Any]], edit: tuple[int, str, int, str, Any, int]) -> None:
    which, key, where, op, value, shift = edit
    record = records[which % len(records)]
    if op == "swap":  # another value the records give this key
        choices = _pool().get(key) or [value]
        op, value = "set", choices[where % len(choices)]
    paths = [p for p in _paths(record) if p[-1] == key]
    if not paths:  # a key the record lacks: set it on one of its objects
        objects = [p for p in _paths(record) if isinstance(_at(record, p), dict)]
        path = (*objects[where % len(objects)], key) if objects else (key,)
        _at(record, path[:-1])[key] = value
        return
    path = paths[where % len(paths)]
    parent, old = _at(record, path[:-1]), _at(record, path)
    number = isinstance(old, int) and not isinstance(old, bool)
    if op == "set" or (op in ("shift", "string") and not number):
        parent[key] = value
    elif op == "delete":
        del parent[key]
    elif op == "shift":
        parent[key] = old + shift
    elif op == "string":
        parent[key] = str(old)
    elif op == "reverse" and isinstance(old, list):
        old.reverse()
    elif op == "alias" and key in _ALIASES and len(path) == 1:
        parent[_ALIASES[key]] = parent.pop(key)
    elif op == "again":  # the record again, a version that may win or lose
        twin = copy.deepcopy(record)
        if isinstance(twin.get("info"), dict):
            twin["info"]["status"] = value if isinstance(value, str) else "OPEN"
        records.append(twin)


def _at(record: Any, path: tuple[Any, ...]) -> Any:
    return functools.reduce(lambda node, key: node[key], path, record)


def _facts(facts: Facts, ids: Ids) -> tuple[Any, ...]:
    """Everything the facts hold, in insertion order (the roster's order)."""
    return (list(facts.agents.items()), list(facts.skills.items()), list(facts.groups.items()),
            facts.brand, list(ids.fresh.items()))  # fmt: skip


class _Both:
    """Records read both ways, one after another, each way with its own facts."""

    def __init__(self) -> None:
        self.facts, self.ids, self.fast_facts, self.fast_ids = Facts(), Ids(), Facts(), Ids()
        self.strict = StrictFields()
        self.fast = 0

    def read(self, record: Any) -> None:
        """A record the fast path reads gives the tolerant reader's events and facts, and
        it has no problem; one it leaves to the tolerant reader leaves the facts as that
        reader alone leaves them (what the fast path wrote first is written again)."""
        problems = Problems()
        try:
            expected: Any = read_conversation(
                record, fields=Fields(problems), facts=self.facts, ids=self.ids, site="s"
            )
        except Refused:
            expected = Refused
        typed = typed_record(record)
        got: Any = None
        if typed is not None:
            with contextlib.suppress(Unclean):
                got = _events(read_typed(typed, f=self.strict, facts=self.fast_facts, site="s"))
        if got is None:
            with contextlib.suppress(Refused):
                read_conversation(record, fields=Fields(Problems()), facts=self.fast_facts,
                                  ids=self.fast_ids, site="s")  # fmt: skip
        else:
            assert expected is not Refused
            expected = [{k: v for k, v in e.items() if k != "_intents"} for e in expected]
            assert problems.items == [] and got == expected, record
            self.fast += 1
        assert _facts(self.fast_facts, self.fast_ids) == _facts(self.facts, self.ids), record


def _events(read: FastRead) -> list[dict[str, Any]]:
    """A fast read's events as the tolerant reader gives them, in conversation order."""
    slots: dict[int, dict[str, Any]] = {}
    for e, at in zip(read.events, read.at, strict=True):
        slots[at] = {k: v for k, v in e.items() if k != "_intents"}
        slots[at]["conversation_id"] = read.cid
    for ts, sender, holds, at in zip(*read.messages, strict=True):
        e = {"kind": "message.sent", "ts": ts, "conversation_id": read.cid}
        if sender < 0:
            e["sender_role"] = "system" if sender == SYSTEM else "consumer"
        else:
            e.update(agent_id=sender, _sender=sender, _assigned=holds)
        slots[at] = e
    assert sorted(slots) == list(range(len(slots)))
    return [slots[i] for i in range(len(slots))]


#: values every read key is given in turn, besides the others the example gives it
_ODD = [None, "undefined", -1, "", " 7 ", 7, True, 2.5, "abc", [], {}]
#: the vendor's enum values (a string key is given each)
_ENUMS = ["OPEN", "CLOSE", "Consumer", "Agent", "MAIN", "POST_SURVEY", "MANAGER", "System",
          "0", "2", "TakeOver", "ABANDONED", "AGENT", "VOICE", "open", "manager"]  # fmt: skip


@pytest.mark.parametrize("index", range(12))
def test_every_key_of_a_record_broken_reads_the_same(index: int) -> None:
    """Each key the importer reads, in one of the example's records, given in turn odd
    values, every value the example gives that key elsewhere, the vendor's enum values,
    its text in other cases or spaced, its time shifted by 1 ms, past the second of
    slack or a day back, its number as a string, or deleted: read the same fast or
    tolerant, record by record (:class:`_Both`)."""
    record = orjson.loads(_example()[1][index])
    fast = 0

    def read() -> None:  # each variant with fresh facts: no earlier one hides a fact
        nonlocal fast
        both = _Both()
        both.read(record)
        fast += both.fast

    for path in [p for p in _paths(record) if p[-1] in _KEYS]:
        parent, key = _at(record, path[:-1]), path[-1]
        old = parent[key]
        values = [*_ODD, *{repr(v): v for v in _pool().get(key, [])}.values()]
        if isinstance(old, int) and not isinstance(old, bool):
            values += [old + 1, old - 1, old + 1001, old - 1001, old - 86_400_000, str(old)]
        if isinstance(old, str):
            values += [old.lower(), old.upper(), f" {old} ", *_ENUMS]
        for value in values:
            parent[key] = value
            read()
        del parent[key]
        read()
        twin = key[:-1] if key.endswith("L") and key[:-1] in parent else None
        if twin is not None:  # an epoch-ms time alone (its readable twin gone)
            readable = parent.pop(twin)
            for value in (old, old - 86_400_000, old + 86_400_000, -1, None):
                parent[key] = value
                read()
            parent[twin] = readable
        parent[key] = old
    assert fast > 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(_EDIT, min_size=1, max_size=4))
def test_records_read_the_same_fast_or_tolerant(
    edits: list[tuple[int, str, int, str, Any, int]],
) -> None:
    """The example's records with up to four random edits, read one after another with
    shared facts as an import reads them (:class:`_Both`)."""
    records = [orjson.loads(text) for text in _example()[1]]
    for edit in edits:
        _edit(records, edit)
    both = _Both()
    for record in records:
        both.read(record)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(_EDIT, max_size=6), roster=st.booleans())
def test_records_broken_anywhere_import_the_same(
    edits: list[tuple[int, str, int, str, Any, int]], roster: bool
) -> None:
    """The example's records with up to six random edits of what the importer reads (odd
    values, deletions, shifted times, numbers as strings, reversed sections, the
    examples' section names, keys added, a second version of a record), as parsed
    records and as a page file: the same both ways, however the records share agents
    and skills."""
    log, texts = _example()
    records = [orjson.loads(text) for text in texts]
    for edit in edits:
        _edit(records, edit)
    given_roster = log.roster if roster else None
    _assert_same(lambda: import_records(records, roster=given_roster, check=False))
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.json"
        page.write_bytes(orjson.dumps({"conversationHistoryRecords": records}))
        _assert_same(lambda: import_files([page], roster=given_roster, check=False))


def test_message_fields_are_where_the_fast_path_reads_them() -> None:
    """_fast._messages unpacks a Message by position (one call, not a lookup per field)."""
    assert Message.__struct_fields__ == (
        "time",
        "timeL",
        "seq",
        "sentBy",
        "participantId",
        "contextData",
    )


def test_in_order_compares_time_then_sequence() -> None:
    """_in_order: time never decreasing, and at the same time the sequence never decreasing."""
    assert _in_order([], [])
    assert _in_order([5, 5, 6], [2, 3, 0])
    assert not _in_order([5, 5], [3, 2])
    assert not _in_order([6, 5], [0, 1])
