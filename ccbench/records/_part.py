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

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from ..eventlog import KINDS, SCHEMA
from ._conversation import Refused, read_conversation
from ._facts import Facts, Ids
from ._fields import Fields
from ._messages import ASSIGNED, SENDER
from ._problems import Problem, Problems
from ._read import Sourced, pick_versions, rank, read_files

__all__ = ["SITE_PLACEHOLDER", "Part", "convert", "convert_files"]

#: the site of every conversation until the roster (and so its first site) is known
SITE_PLACEHOLDER = "\0site"


@dataclass
class Part:
    """A share's events and what assembly needs (module docstring)."""

    table: pa.Table
    conversations: list[tuple[str, tuple[int, int, int, int], str]]  # id, rank, source
    facts: Facts
    problems: list[Problem] = field(default_factory=list)
    refused: int = 0


def convert(
    items: Sequence[Sourced], problems: Problems, *, site: str, order_base: int = 0
) -> Part:
    """The part of ``items`` (one version per conversation already kept among them);
    ``order_base`` places them among other shares when versions are compared."""
    fields, facts, ids = Fields(problems), Facts(), Ids()
    conversations: list[list[dict[str, Any]]] = []
    meta: list[tuple[str, tuple[int, int, int, int], str]] = []
    refused = 0
    for order, item in enumerate(pick_versions(items, problems)):
        problems.source, problems.conversation_id = item.source, None
        info = item.record.get("info") if isinstance(item.record, dict) else None
        if isinstance(info, dict):
            problems.conversation_id = info.get("conversationId")
        try:
            if not isinstance(item.record, dict):
                raise Refused("$", item.record, "expected a record object")
            events = read_conversation(item.record, fields=fields, facts=facts, ids=ids, site=site)
        except Refused as exc:
            problems.add(exc.field, exc.value, exc.message + "; record refused")
            refused += 1
            continue
        conversations.append(events)
        meta.append((events[0]["conversation_id"], rank(item.record, order_base + order),
                     item.source))  # fmt: skip
    return Part(_table(conversations), meta, facts, list(problems.items), refused)


def convert_files(paths: Sequence[str], site: str, order_base: int) -> Part:
    """:func:`convert` of every record of ``paths`` (a worker process's share)."""
    problems = Problems()
    return convert(list(read_files(paths, problems)), problems, site=site, order_base=order_base)


def _table(conversations: list[list[dict[str, Any]]]) -> pa.Table:
    """The events as columns, built kind by kind from the fields each kind takes."""
    flat: list[dict[str, Any]] = []
    conv: list[int] = []
    pos: list[int] = []
    for c, events in enumerate(conversations):
        seen: Counter[tuple[str, int]] = Counter()
        for e in events:
            kind, t = e["kind"], e["ts"]
            seen[kind, t] += 1
            e["event_id"] = f"{e['conversation_id']}:{kind}:{t}:{seen[kind, t]}"
        flat += events
        conv += [c] * len(events)
        pos += range(len(events))
    by_kind: dict[str, list[int]] = defaultdict(list)
    for index, e in enumerate(flat):
        by_kind[e["kind"]].append(index)
    parts = []
    for kind, indices in by_kind.items():
        rows = [flat[i] for i in indices]
        names = ["event_id", "ts", "kind", *KINDS[kind].required, *KINDS[kind].optional]
        arrays = [pa.array([r.get(n) for r in rows], type=SCHEMA.field(n).type) for n in names]
        if kind == "message.sent":
            names += [SENDER, ASSIGNED]
            arrays += [pa.array([r.get(SENDER) for r in rows], type=pa.int64()),
                       pa.array([r.get(ASSIGNED) for r in rows], type=pa.bool_())]  # fmt: skip
        names.append("_index")
        arrays.append(pa.array(indices, type=pa.int64()))
        parts.append(pa.Table.from_arrays(arrays, names=names))
    if not parts:
        return pa.table({"_conv": pa.array([], pa.int64()), "_pos": pa.array([], pa.int64())})
    table = pa.concat_tables(parts, promote_options="default").sort_by("_index")
    table = table.drop_columns(["_index"])
    table = table.append_column("_conv", pa.array(conv, type=pa.int64()))
    return table.append_column("_pos", pa.array(pos, type=pa.int64()))
