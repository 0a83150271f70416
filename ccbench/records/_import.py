"""Import: conversation records -> a valid event log, every oddity reported.

:func:`import_records` reads each record (:func:`read_conversation`), builds the
roster (:func:`build_roster`), settles message roles against it, numbers the events
in log order and checks the result with the contract's validator: a conversation the
validator still rejects is reported and left out (never silently), so the log is
always valid. Event ids are ``<conversationId>:<kind>:<ms>:<n>`` (``n`` counts events
of that kind at that millisecond in the conversation): a conversation re-sent with
more events keeps the ids of its earlier ones.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from .._errors import InputError, RosterError
from ..eventlog import KINDS, SCHEMA, EventLog, Roster, validate
from ._bulk import paused_gc
from ._conversation import Refused, read_conversation
from ._facts import Facts, Ids
from ._fields import Fields
from ._messages import ASSIGNED, SENDER, sender_role
from ._problems import Problem, Problems
from ._read import Sourced, pick_versions, read_files
from ._roster import build_roster

__all__ = ["RecordsImport", "import_files", "import_records"]


@dataclass(frozen=True)
class RecordsImport:
    """The imported log, every problem met, and counts: conversations imported and
    records refused (each refusal is also a problem)."""

    log: EventLog
    problems: tuple[Problem, ...]
    conversations: int
    refused: int


def import_files(
    paths: Iterable[str | os.PathLike[str]], *, roster: Roster | None = None, check: bool = True
) -> RecordsImport:
    """Import every record of the files at ``paths`` (pages, records, NDJSON lines).

    ``roster`` replaces the inferred one (records name agents and skills it lacks are
    added, reported). ``check`` runs the contract's validator on the result and leaves
    out (reporting) any conversation it rejects: the importer builds valid logs by
    construction, so this is a safety net a caller short of time may skip.
    """
    paths = list(paths)
    problems = Problems()
    with paused_gc():
        items = list(read_files(paths, problems))
        if not items and problems.items:  # nothing readable (an empty search is fine)
            raise InputError(
                "no conversation record found in "
                + ", ".join(os.fspath(p) for p in paths)
                + (f" ({problems.items[0]})" if problems.items else "")
            )
        return _import(items, roster=roster, problems=problems, check=check)


def import_records(
    records: Iterable[Any],
    *,
    roster: Roster | None = None,
    source: str = "records",
    check: bool = True,
) -> RecordsImport:
    """Import already parsed records (e.g. an HTTP body), labelled ``source#i``."""
    items = [Sourced(f"{source}#{i}", r) for i, r in enumerate(records)]
    with paused_gc():
        return _import(items, roster=roster, problems=Problems(), check=check)


def _import(
    items: list[Sourced], *, roster: Roster | None, problems: Problems, check: bool
) -> RecordsImport:
    fields, facts, ids = Fields(problems), Facts(), Ids()
    site = (roster.sites[0].id if roster and roster.sites else None) or (
        roster.account if roster else None
    )
    conversations: list[list[dict[str, Any]]] = []
    refused = 0
    for item in pick_versions(items, problems):
        problems.source, problems.conversation_id = item.source, None
        if isinstance(item.record, dict) and isinstance(item.record.get("info"), dict):
            problems.conversation_id = item.record["info"].get("conversationId")
        try:
            if not isinstance(item.record, dict):
                raise Refused("$", item.record, "expected a record object")
            events = read_conversation(
                item.record, fields=fields, facts=facts, ids=ids, site=site or "\0site"
            )
        except Refused as exc:
            problems.add(exc.field, exc.value, exc.message + "; record refused")
            refused += 1
            continue
        conversations.append(events)
    built = build_roster(facts, roster, problems)
    try:
        built = Roster.from_dict(built.to_dict())
    except RosterError as exc:
        raise InputError(f"the roster the records imply is invalid: {exc}") from exc
    if site is None:
        site = built.sites[0].id
        for events in conversations:
            events[0]["site"] = site
    log = _log(conversations, built)
    log, dropped = _keep_valid(log, problems) if check else (log, 0)
    return RecordsImport(
        log=log,
        problems=tuple(problems.items),
        conversations=len(conversations) - dropped,
        refused=refused + dropped,
    )


def _settle_roles(events: list[dict[str, Any]], roster: Roster) -> None:
    for e in events:
        if SENDER in e:
            agent = roster.agent(e.pop(SENDER))
            assigned = e.pop(ASSIGNED)
            e["sender_role"] = sender_role(
                {ASSIGNED: assigned},
                manager=agent is not None and agent.role == "manager",
                bot=agent is not None and agent.user_type == "bot",
            )


def _log(conversations: list[list[dict[str, Any]]], roster: Roster) -> EventLog:
    """Number the events: log order is (ts, conversation, position in it). The columns
    are built kind by kind, each from the fields its kind takes (a million events)."""
    flat: list[dict[str, Any]] = []
    conv: list[int] = []
    pos: list[int] = []
    for c, events in enumerate(conversations):
        _settle_roles(events, roster)
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
        names = ["event_id", "ts", *KINDS[kind].required, *KINDS[kind].optional]
        arrays = [pa.array([r.get(n) for r in rows], type=SCHEMA.field(n).type) for n in names]
        arrays.append(pa.array(indices, type=pa.int64()))
        parts.append(pa.Table.from_arrays(arrays, names=[*names, "_index"]))
    n = len(flat)
    table = (
        pa.concat_tables(parts, promote_options="default").sort_by("_index")
        if parts
        else pa.table({"_index": pa.array([], pa.int64())})
    )
    ts = np.fromiter((e["ts"] for e in flat), dtype=np.int64, count=n)
    order = np.lexsort((np.asarray(pos, dtype=np.int64), np.asarray(conv, dtype=np.int64), ts))
    seq = np.empty(n, dtype=np.int64)
    seq[order] = np.arange(n, dtype=np.int64)
    table = table.drop_columns(["_index"]).append_column("seq", pa.array(seq))
    table = table.append_column("account", pa.array([roster.account] * n, type=pa.string()))
    for name in ("kind",):
        table = table.append_column(name, pa.array([e["kind"] for e in flat], type=pa.string()))
    return EventLog.from_table(table.take(pa.array(order)), roster=roster)


def _keep_valid(log: EventLog, problems: Problems) -> tuple[EventLog, int]:
    """Leave out (and report) every conversation the validator rejects."""
    violations = validate(log)
    if not violations:
        return log, 0
    cids = log.table.column("conversation_id").to_pylist()
    bad: dict[str, str] = {}
    for v in violations:
        cid = cids[v.row] if v.row is not None else None
        if cid is not None and cid not in bad:
            bad[cid] = str(v)
    problems.source = "import"
    for cid, why in bad.items():
        problems.conversation_id = cid
        problems.add(
            "$", cid, f"the events read from it break the contract ({why}); conversation left out"
        )
    keep = [c not in bad for c in cids]
    table = log.table.filter(pa.array(keep))
    return EventLog.from_table(table, roster=log.roster), len(bad)
