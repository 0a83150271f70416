"""One share of an import: records -> a table of events still to be assembled.

The importer converts records in shares (one per process when several cores help): a
:class:`Part` holds the events of its conversations as Arrow columns with the markers
assembly needs (``_conv`` the conversation's index in the part, ``_pos`` the event's
position in its conversation, ``_sender``/``_assigned`` for message roles, which wait
for the final roster), the conversations' ids and ranks (to keep one version of a
conversation found in several shares), what the records say about agents and skills,
and the problems met. Event ids are ``<conversationId>:<kind>:<ms>:<n>``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from ..eventlog import KINDS, SCHEMA
from ._bulk import paused_gc
from ._conversation import Refused, read_conversation
from ._facts import Facts, Ids
from ._fast import SYSTEM, MessageRows, read_typed
from ._fields import Fields
from ._messages import ASSIGNED, SENDER
from ._problems import Problem, Problems
from ._read import Sourced, item_id, pick_versions, rank, read_files
from ._strict import StrictFields, Unclean
from ._typed import typed_record

__all__ = ["SITE_PLACEHOLDER", "Part", "convert", "convert_files", "log_order"]

#: the site of every conversation until the roster (and so its first site) is known
SITE_PLACEHOLDER: Final = "\0site"


@dataclass
class Part:
    """A share's events and what assembly needs (module docstring)."""

    tables: list[pa.Table]  # one per column layout (a kind's), with only its columns
    conversations: list[tuple[str, tuple[int, int, int, int], str]]  # id, rank, source
    facts: Facts
    problems: list[Problem] = field(default_factory=list)
    refused: int = 0
    #: the rows (numbered one table after another) in order of ts, ``_conv``, ``_pos``
    order: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def convert(
    items: Sequence[Sourced], problems: Problems, *, site: str, order_base: int = 0
) -> Part:
    """The part of ``items`` (one version per conversation already kept among them);
    ``order_base`` places them among other shares when versions are compared."""
    share = _Share(problems, site)
    for order, item in enumerate(pick_versions(items, problems)):
        share.read(item, order_base + order)
    return share.part([])


def convert_files(paths: Sequence[str], site: str, order_base: int) -> Part:
    """:func:`convert` of every record of ``paths`` (a worker process's share), the
    cyclic collector paused (:func:`paused_gc`: a started process has it on).

    Records are read as the files are, each freed once read (holding a share's records
    at once cost more in fresh memory than in reading them), unless a conversation
    comes twice: versions are picked among all the records, so the share starts again
    with every record at hand (the problems come in the same order either way: the
    files', the versions', the records')."""
    with paused_gc():
        files, problems = Problems(), Problems()
        share, seen = _Share(problems, site), set()
        for order, item in enumerate(read_files(paths, files)):
            cid = item_id(item)
            if cid in seen:
                break
            if cid is not None:
                seen.add(cid)
            share.read(item, order_base + order)
        else:
            return share.part(files.items)
        del share, seen, item
        problems = Problems()
        items = list(read_files(paths, problems))
        part = convert(items, problems, site=site, order_base=order_base)
        del items  # freed before the collector resumes: a collection would walk them all
    return part


class _Share:
    """Reads a share's records one after another (the fast path first, the tolerant
    reader for the rest) and turns their events into tables every :data:`_CHUNK`
    conversations, so the events are freed as the share goes."""

    def __init__(self, problems: Problems, site: str) -> None:
        self.problems, self.site = problems, site
        self.fields, self.facts, self.ids = Fields(problems), Facts(), Ids()
        self.strict = StrictFields()
        self.meta: list[tuple[str, tuple[int, int, int, int], str]] = []
        self.refused = 0
        self.tables: list[pa.Table] = []
        self._start()

    def _start(self) -> None:
        self.conversations: list[list[dict[str, Any]]] = []
        self.positions: list[list[int] | None] = []  # None: events in conversation order
        self.messages = _Messages()

    def read(self, item: Sourced, order: int) -> None:
        """Read one record (``order``: its rank among all the records read)."""
        typed = item.typed if item.typed is not None else typed_record(item.parsed)
        if typed is not None:
            try:
                read = read_typed(typed, f=self.strict, facts=self.facts, site=self.site)
            except Unclean:
                pass  # the tolerant reader reports what it is
            else:
                self.messages.add(len(self.conversations), read.messages)
                self._add(read.cid, read.events, read.at, item, order)
                return
        record, problems = item.record, self.problems
        problems.source, problems.conversation_id = item.source, None
        info = record.get("info") if isinstance(record, dict) else None
        if isinstance(info, dict):
            problems.conversation_id = info.get("conversationId")
        try:
            if not isinstance(record, dict):
                raise Refused("$", record, "expected a record object")
            events = read_conversation(
                record, fields=self.fields, facts=self.facts, ids=self.ids, site=self.site
            )
        except Refused as exc:
            problems.add(exc.field, exc.value, exc.message + "; record refused")
            self.refused += 1
            return
        self._add(events[0]["conversation_id"], events, None, item, order)

    def _add(
        self,
        cid: str,
        events: list[dict[str, Any]],
        at: list[int] | None,
        item: Sourced,
        order: int,
    ) -> None:
        self.conversations.append(events)
        self.positions.append(at)
        self.meta.append((cid, rank(item, order), item.source))
        if len(self.conversations) == _CHUNK:
            self._flush()

    def _flush(self) -> None:
        first = len(self.meta) - len(self.conversations)  # the chunk's first conversation
        ids = pa.array([cid for cid, _rank, _source in self.meta[first:]], pa.string())
        self.tables += _tables(self.conversations, self.positions, ids, first)
        if self.messages.ts:
            self.tables.append(self.messages.table(ids, first))
        self._start()

    def part(self, before: list[Problem]) -> Part:
        """The share's part; ``before``: problems met before its records were read."""
        self._flush()
        layouts: dict[pa.Schema, list[pa.Table]] = {}
        for table in self.tables:
            layouts.setdefault(table.schema, []).append(table)
        tables = [pa.concat_tables(same) for same in layouts.values()]
        return Part(
            tables,
            self.meta,
            self.facts,
            before + self.problems.items,
            self.refused,
            log_order(tables),
        )


#: conversations whose events become tables at once
_CHUNK: Final = 4096


def _tables(
    conversations: list[list[dict[str, Any]]],
    positions: list[list[int] | None],
    ids: pa.Array,
    first: int,
) -> list[pa.Table]:
    """The events as columns, one table per kind with the fields that kind takes (a
    share sent to another process carries no column of nulls; assembly puts the rows
    in log order by ``_conv`` and ``_pos``, each event's position in its conversation:
    ``positions``, or its place in the list); the kind and the conversation id (``ids``,
    one per conversation) are filled in bulk. ``first``: the share's index of the first
    conversation."""
    flat = [e for events in conversations for e in events]
    sizes = np.array([len(events) for events in conversations], dtype=np.int64)
    conv = np.repeat(np.arange(len(conversations), dtype=np.int64), sizes)
    pos = np.fromiter(
        chain.from_iterable(
            range(len(events)) if at is None else at
            for events, at in zip(conversations, positions, strict=True)
        ),
        dtype=np.int64,
        count=len(flat),
    )
    by_kind: dict[str, list[int]] = defaultdict(list)
    for index, e in enumerate(flat):
        by_kind[e["kind"]].append(index)
    tables = []
    for kind, indices in by_kind.items():
        names = ["ts", *KINDS[kind].required, *KINDS[kind].optional]
        columns = [pa.field(n, SCHEMA.field(n).type) for n in names if n != "conversation_id"]
        if kind == "message.sent":
            columns += [pa.field(SENDER, pa.int64()), pa.field(ASSIGNED, pa.bool_())]
        # Arrow reads the dicts' fields in C++ (a Python loop per column took twice as long)
        rows = pa.array([flat[i] for i in indices], type=pa.struct(columns))
        table = pa.Table.from_batches([pa.RecordBatch.from_struct_array(rows)])
        at = np.array(indices, dtype=np.int64)
        tables.append(_finish(table, kind, ids, conv[at], pos[at], first))
    return tables


def _finish(
    table: pa.Table,
    kind: str,
    ids: pa.Array,
    conv: npt.NDArray[np.int64],
    pos: npt.NDArray[np.int64],
    first: int,
) -> pa.Table:
    """One kind's events with their kind, conversation id (``conv`` indexes ``ids``),
    markers (``_conv``: the share's index, ``first`` + ``conv``) and event id."""
    table = table.append_column("kind", pa.array([kind], pa.string()).take(np.zeros_like(conv)))
    table = table.append_column("conversation_id", ids.take(conv))
    table = table.append_column("_conv", pa.array(conv + first))
    table = table.append_column("_pos", pa.array(pos))
    return table.add_column(0, "event_id", _event_ids(table))


class _Messages:
    """The fast path's message events of a share, as columns (:class:`MessageRows`)."""

    def __init__(self) -> None:
        self.conv: list[int] = []
        self.ts: list[int] = []
        self.sender: list[int] = []
        self.holds: list[bool] = []
        self.at: list[int] = []

    def add(self, conv: int, rows: MessageRows) -> None:
        self.conv += [conv] * len(rows.ts)
        self.ts += rows.ts
        self.sender += rows.sender
        self.holds += rows.holds
        self.at += rows.at

    def table(self, ids: pa.Array, first: int) -> pa.Table:
        """The message.sent table, as the per-kind tables are (sender_role is set for
        the consumer and the system; an agent's waits for the roster, with ``_sender``
        and ``_assigned``)."""
        sender = np.array(self.sender, dtype=np.int64)
        agent = sender < 0
        roles = pa.array([None, "consumer", "system"], pa.string())
        table = pa.table(
            {
                "ts": pa.array(self.ts, pa.int64()),
                "sender_role": roles.take(np.where(sender == SYSTEM, 2, np.where(agent, 1, 0))),
                "agent_id": pa.array(sender, mask=agent),
                "visibility": pa.nulls(len(sender), pa.string()),
                SENDER: pa.array(sender, mask=agent),
                ASSIGNED: pa.array(np.array(self.holds, dtype=bool), mask=agent),
            }
        )
        conv = np.array(self.conv, dtype=np.int64)
        at = np.array(self.at, dtype=np.int64)
        return _finish(table, "message.sent", ids, conv, at, first)


def log_order(tables: Sequence[pa.Table]) -> npt.NDArray[np.int64]:
    """The rows of ``tables`` (numbered one table after another) in log order: by time,
    then conversation (``_conv``), then position in it (``_pos``)."""
    if not tables:
        return np.zeros(0, dtype=np.int64)
    ts, conv, pos = (
        np.concatenate([t.column(name).to_numpy() for t in tables])
        for name in ("ts", "_conv", "_pos")
    )
    return np.lexsort((pos, conv, ts))


#: epoch ms below this (2**48, above the readable form's last) and conversations in a
#: chunk below this make a (conversation, time) key fit in 64 bits (:func:`_event_ids`)
_SPAN: Final = 2**48
_CONVERSATIONS: Final = 2**14


def _event_ids(table: pa.Table) -> pa.Array:
    """``<conversationId>:<kind>:<ms>:<n>`` of one kind's events, ``n`` counting from 1
    the events at that millisecond in the conversation, in conversation order (``_pos``)."""
    ts = table.column("ts").to_numpy()
    conv = table.column("_conv").to_numpy()
    pos = table.column("_pos").to_numpy()
    if not len(ts):
        return pa.array([], pa.string())
    # rows come by conversation, each one's by position, and mostly in time: then one
    # key (conversation, time) in order replaces a three-column sort
    order, starts = None, np.ones(len(ts), dtype=bool)
    if ts.min() >= 0 and ts.max() < _SPAN and conv.max() - conv.min() < _CONVERSATIONS:
        key = (conv - conv.min()) * _SPAN + ts
        ties = key[1:] == key[:-1]
        if np.all(key[1:] >= key[:-1]) and not np.any(ties & (pos[1:] < pos[:-1])):
            order, starts[1:] = np.arange(len(ts)), ~ties
    if order is None:
        order = np.lexsort((pos, ts, conv))
        keys = (conv[order], ts[order])
        starts[1:] = (keys[0][1:] != keys[0][:-1]) | (keys[1][1:] != keys[1][:-1])
    at = np.arange(len(order))
    n = np.empty(len(order), dtype=np.int64)
    n[order] = at - np.maximum.accumulate(np.where(starts, at, 0)) + 1
    return pc.binary_join_element_wise(
        table.column("conversation_id"),
        table.column("kind"),
        pc.cast(table.column("ts"), pa.string()),
        pa.array(n).cast(pa.string()),
        ":",
    ).combine_chunks()
