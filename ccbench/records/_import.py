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
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import InputError, RosterError
from ..eventlog import SCHEMA, EventLog, Roster, validate
from ._bulk import paused_gc
from ._facts import Facts
from ._messages import ASSIGNED, SENDER
from ._part import SITE_PLACEHOLDER, Part, convert, convert_files, log_order
from ._problems import Problem, Problems
from ._read import Sourced
from ._roster import build_roster
from ._shares import convert_in_processes

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
    paths: Iterable[str | os.PathLike[str]],
    *,
    roster: Roster | None = None,
    check: bool = True,
    jobs: int = 1,
) -> RecordsImport:
    """Import every record of the files at ``paths`` (pages, records, NDJSON lines).

    ``roster`` replaces the inferred one (records name agents and skills it lacks are
    added, reported). ``check`` runs the contract's validator on the result and leaves
    out (reporting) any conversation it rejects: the importer builds valid logs by
    construction, so this is a safety net a caller short of time may skip. ``jobs``
    processes share the files (contiguous shares, so the result does not depend on it).
    """
    names = [os.fspath(p) for p in paths]
    site = _site(roster)
    with paused_gc():
        if jobs > 1 and len(names) > 1:
            parts = convert_in_processes(names, site=site, jobs=jobs)
        else:
            parts = [convert_files(names, site, 0)]
        if not any(p.conversations or p.refused for p in parts) and any(p.problems for p in parts):
            first = next(p.problems[0] for p in parts if p.problems)
            raise InputError(f"no conversation record found in {', '.join(names)} ({first})")
        result = _assemble(parts, roster=roster, check=check)
        # freed before the collector resumes, which would walk their ids and ranks first
        del parts
    return result


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
        part = convert(items, Problems(), site=_site(roster))
        return _assemble([part], roster=roster, check=check)


def _site(roster: Roster | None) -> str:
    if roster is None:
        return SITE_PLACEHOLDER
    return roster.sites[0].id if roster.sites else roster.account


def _assemble(parts: list[Part], *, roster: Roster | None, check: bool) -> RecordsImport:
    """One version per conversation across parts, the roster, roles, the log order."""
    problems = Problems([p for part in parts for p in part.problems])
    keeps = _kept(parts, problems)
    facts = Facts()
    for part in parts:
        facts.merge(part.facts)
    built = build_roster(facts, roster, problems)
    try:
        built = Roster.from_dict(built.to_dict())
    except RosterError as exc:
        raise InputError(f"the roster the records imply is invalid: {exc}") from exc
    tables, offset, whole = [], 0, True
    for part, keep in zip(parts, keeps, strict=True):
        whole = whole and bool(keep.all())
        for table in part.tables:
            conv = table.column("_conv").to_numpy()
            if not keep.all():  # another part holds a later version of some conversation
                table, conv = table.filter(pa.array(keep[conv])), conv[keep[conv]]
            index = table.schema.get_field_index("_conv")
            tables.append(table.set_column(index, "_conv", pa.array(conv + offset)))
        offset += len(part.conversations)
    log = _log(tables, built, _merged_order(parts) if whole else log_order(tables))
    log, dropped = _keep_valid(log, problems) if check else (log, 0)
    return RecordsImport(
        log=log,
        problems=tuple(problems.items),
        conversations=sum(int(keep.sum()) for keep in keeps) - dropped,
        refused=sum(p.refused for p in parts) + dropped,
    )


def _kept(parts: list[Part], problems: Problems) -> list[npt.NDArray[np.bool_]]:
    """Which of each part's conversations are kept: every one, unless a conversation came
    in several parts; then its best version (:func:`._read.rank`), the others reported."""
    ids = [cid for part in parts for cid, _version, _source in part.conversations]
    if len(set(ids)) == len(ids):  # a part holds one version of each of its conversations
        return [np.ones(len(part.conversations), dtype=bool) for part in parts]
    best: dict[str, tuple[tuple[int, int, int, int], int, int, str]] = {}
    for k, part in enumerate(parts):
        for c, (cid, version, source) in enumerate(part.conversations):
            kept = best.get(cid)
            if kept is None or version > kept[0]:
                best[cid] = (version, k, c, source)
            if kept is not None:
                winner = best[cid][3]
                problems.source, problems.conversation_id = source, cid
                problems.add("info.conversationId", cid, f"the conversation also came from "
                             f"{kept[3]}; kept the version from {winner}")  # fmt: skip
    keeps = [np.zeros(len(part.conversations), dtype=bool) for part in parts]
    for _version, k, c, _source in best.values():
        keeps[k][c] = True
    return keeps


def _merged_order(parts: list[Part]) -> npt.NDArray[np.int64]:
    """:func:`log_order` of the parts' tables, from each part's own: a part's conversations
    come before the next part's, so at equal times its rows come first, and a stable
    sort by time of the parts' sorted runs, one after another, merges them (Timsort
    finds the runs: a pass, where sorting afresh took a tenth of a second a day)."""
    runs, times, base = [], [], 0
    for part in parts:
        ts = [t.column("ts").to_numpy() for t in part.tables]
        times.append(np.concatenate(ts)[part.order] if ts else np.zeros(0, dtype=np.int64))
        runs.append(part.order + base)
        base += sum(t.num_rows for t in part.tables)
    order = np.concatenate(runs)
    return order[np.argsort(np.concatenate(times), kind="stable")]


def _log(tables: list[pa.Table], roster: Roster, order: npt.NDArray[np.int64]) -> EventLog:
    """The events of ``tables`` in log ``order`` (rows numbered one table after another;
    by ts, conversation, position in it), with message roles settled against the final
    roster and the first site filled in (each on the tables of the kinds that have
    them)."""
    tables = [t for t in tables if t.num_rows]  # (no rows: no numbers)
    if not tables:
        return EventLog.from_table(SCHEMA.empty_table(), roster=roster)
    site = roster.sites[0].id
    for i, table in enumerate(tables):
        if "site" in table.column_names:
            column = table.column("site")
            filled = pc.if_else(pc.equal(column, SITE_PLACEHOLDER), site, column)
            table = table.set_column(table.schema.get_field_index("site"), "site", filled)
        if SENDER in table.column_names:
            table = _settle_roles(table, roster)
        tables[i] = table.drop_columns([c for c in (SENDER, ASSIGNED) if c in table.column_names])
    table = _interleave([t.drop_columns(["_conv", "_pos"]) for t in tables], order)
    n = table.num_rows
    table = table.append_column("seq", pa.array(np.arange(n, dtype=np.int64)))
    account = pa.array([roster.account], type=pa.string()).take(np.zeros(n, dtype=np.int64))
    table = table.append_column("account", account)
    return EventLog.from_table(table, roster=roster)


def _interleave(tables: list[pa.Table], order: npt.NDArray[np.int64]) -> pa.Table:
    """The rows of ``tables`` (numbered one table after another) in ``order``, with every
    column any of them has a value in, null in the rows of a table without it. Each column is taken
    from its tables' values alone: the tables of a log's kinds share few columns, and
    widening them first (then taking) wrote every column in full twice."""
    sizes = np.array([t.num_rows for t in tables], dtype=np.int64)
    which = np.repeat(np.arange(len(tables)), sizes)[order]  # the table of each row
    offset = order - (np.cumsum(sizes) - sizes)[which]  # its row in that table
    names = list(dict.fromkeys(name for t in tables for name in t.column_names))
    having = {  # the tables with a value in each column (a null one: none)
        name: tuple(
            k
            for k, t in enumerate(tables)
            if name in t.column_names and t.column(name).null_count < t.num_rows
        )
        for name in names
    }
    having = {name: ks for name, ks in having.items() if ks}  # others: the contract's nulls
    pool = _merge_pool()

    def index(ks: tuple[int, ...]) -> pa.Array:
        base = np.full(len(tables), -1, dtype=np.int64)
        base[list(ks)] = np.cumsum(sizes[list(ks)]) - sizes[list(ks)]
        start = base[which]
        return pa.array(start + offset, mask=start < 0)

    def column(name: str) -> pa.ChunkedArray:
        ks = having[name]
        # taken from the chunks as they are: concatenating them first copied every value
        values = pa.chunked_array([chunk for k in ks for chunk in tables[k].column(name).chunks])
        return pc.take(values, indices[ks], memory_pool=pool)

    # Arrow and numpy release the GIL here: the cores idle once the shares are read
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as threads:
        sets = list(dict.fromkeys(having.values()))
        indices = dict(zip(sets, threads.map(index, sets), strict=True))
        columns = list(zip(having, threads.map(column, having), strict=True))
    return pa.table(dict(columns))


def _settle_roles(table: pa.Table, roster: Roster) -> pa.Table:
    """sender_role of agents' messages (docs/eventlog.md): a roster manager writes as
    manager, the agent holding the conversation as agent or bot, anyone else as a
    participant."""
    sender = table.column(SENDER)
    ids = sender.fill_null(-1).to_numpy()
    assigned = table.column(ASSIGNED).fill_null(False).to_numpy(zero_copy_only=False)
    known = [roster.agent(a) for a in np.unique(ids[ids >= 0]).tolist()]
    managers = [a.id for a in known if a is not None and a.role == "manager"]
    bots = [a.id for a in known if a is not None and a.user_type == "bot"]
    code = np.where(
        np.isin(ids, managers), 0, np.where(assigned, np.where(np.isin(ids, bots), 1, 2), 3)
    )
    picked = pa.array(["manager", "bot", "agent", "participant"], pa.string()).take(code)
    role = pc.if_else(pc.is_valid(sender), picked, table.column("sender_role"))
    return table.set_column(table.schema.get_field_index("sender_role"), "sender_role", role)


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


def _merge_pool() -> pa.MemoryPool:
    """Where the merged log's columns are allocated: jemalloc where this pyarrow has it.
    The merge writes a day's columns (hundreds of MB) from two threads just after the
    shares' tables were built and freed: jemalloc hands back those freed pages, where the
    default (mimalloc) maps fresh ones, and the merge took twice as long (0.56-0.65 s
    against 0.24-0.33 s on retail_day, 2 processes)."""
    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # a build without jemalloc
        return pa.default_memory_pool()
