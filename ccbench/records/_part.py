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
from typing import Any

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
from ._read import Sourced, pick_versions, rank, read_files
from ._strict import StrictFields, Unclean
from ._typed import typed_record

__all__ = ["SITE_PLACEHOLDER", "Part", "convert", "convert_files"]

#: the site of every conversation until the roster (and so its first site) is known
SITE_PLACEHOLDER = "\0site"


@dataclass
class Part:
    """A share's events and what assembly needs (module docstring)."""

    tables: list[pa.Table]  # one per kind, with only the columns that kind takes
    conversations: list[tuple[str, tuple[int, int, int, int], str]]  # id, rank, source
    facts: Facts
    problems: list[Problem] = field(default_factory=list)
    refused: int = 0


def convert(
    items: Sequence[Sourced], problems: Problems, *, site: str, order_base: int = 0
) -> Part:
    """The part of ``items`` (one version per conversation already kept among them);
    ``order_base`` places them among other shares when versions are compared."""
    fields, facts, ids, strict = Fields(problems), Facts(), Ids(), StrictFields()
    conversations: list[list[dict[str, Any]]] = []
    positions: list[list[int] | None] = []  # None: the events are in conversation order
    messages = _Messages()
    meta: list[tuple[str, tuple[int, int, int, int], str]] = []
    refused = 0
    for order, item in enumerate(pick_versions(items, problems)):
        typed = item.typed if item.typed is not None else typed_record(item.parsed)
        if typed is not None:
            try:
                read = read_typed(typed, f=strict, facts=facts, site=site)
            except Unclean:
                pass  # the tolerant reader reports what it is
            else:
                messages.add(len(conversations), read.messages)
                conversations.append(read.events)
                positions.append(read.at)
                meta.append((read.cid, rank(item, order_base + order), item.source))
                continue
        record = item.record
        problems.source, problems.conversation_id = item.source, None
        info = record.get("info") if isinstance(record, dict) else None
        if isinstance(info, dict):
            problems.conversation_id = info.get("conversationId")
        try:
            if not isinstance(record, dict):
                raise Refused("$", record, "expected a record object")
            events = read_conversation(record, fields=fields, facts=facts, ids=ids, site=site)
        except Refused as exc:
            problems.add(exc.field, exc.value, exc.message + "; record refused")
            refused += 1
            continue
        conversations.append(events)
        positions.append(None)
        meta.append((events[0]["conversation_id"], rank(item, order_base + order), item.source))
    ids_ = pa.array([cid for cid, _rank, _source in meta], pa.string())
    tables = _tables(conversations, positions, ids_)
    if messages.ts:
        tables.append(messages.table(ids_))
    return Part(tables, meta, facts, list(problems.items), refused)


def convert_files(paths: Sequence[str], site: str, order_base: int) -> Part:
    """:func:`convert` of every record of ``paths`` (a worker process's share), the
    cyclic collector paused (:func:`paused_gc`: a started process has it on). The
    records are freed before it resumes: a collection then would walk them all."""
    problems = Problems()
    with paused_gc():
        items = list(read_files(paths, problems))
        part = convert(items, problems, site=site, order_base=order_base)
        del items
    return part


def _tables(
    conversations: list[list[dict[str, Any]]], positions: list[list[int] | None], ids: pa.Array
) -> list[pa.Table]:
    """The events as columns, one table per kind with the fields that kind takes (a
    share sent to another process carries no column of nulls; assembly puts the rows
    in log order by ``_conv`` and ``_pos``, each event's position in its conversation:
    ``positions``, or its place in the list); the kind and the conversation id (``ids``,
    one per conversation) are filled in bulk."""
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
        tables.append(_finish(table, kind, ids, conv[at], pos[at]))
    return tables


def _finish(
    table: pa.Table,
    kind: str,
    ids: pa.Array,
    conv: npt.NDArray[np.int64],
    pos: npt.NDArray[np.int64],
) -> pa.Table:
    """One kind's events with their kind, conversation id, markers and event id."""
    table = table.append_column("kind", pa.array([kind], pa.string()).take(np.zeros_like(conv)))
    table = table.append_column("conversation_id", ids.take(conv))
    table = table.append_column("_conv", pa.array(conv))
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

    def table(self, ids: pa.Array) -> pa.Table:
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
        return _finish(table, "message.sent", ids, conv, np.array(self.at, dtype=np.int64))


def _event_ids(table: pa.Table) -> pa.Array:
    """``<conversationId>:<kind>:<ms>:<n>`` of one kind's events, ``n`` counting from 1
    the events at that millisecond in the conversation, in conversation order (``_pos``)."""
    ts = table.column("ts").to_numpy()
    conv = table.column("_conv").to_numpy()
    order = np.lexsort((table.column("_pos").to_numpy(), ts, conv))
    key = (conv[order], ts[order])
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (key[0][1:] != key[0][:-1]) | (key[1][1:] != key[1][:-1])
    run = np.arange(len(order)) - np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    n = np.empty(len(order), dtype=np.int64)
    n[order] = run + 1
    return pc.binary_join_element_wise(
        table.column("conversation_id"),
        table.column("kind"),
        pc.cast(table.column("ts"), pa.string()),
        pa.array(n).cast(pa.string()),
        ":",
    ).combine_chunks()
