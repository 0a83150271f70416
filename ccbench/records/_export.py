"""Export: an event log as the pages the conversations-search API returns.

:func:`conversation_records` yields one record per conversation (in order of first
event); :func:`export_records` writes them as pages of at most ``page_size`` records
(the API's maximum is 100), each ``{"_metadata": {...}, "conversationHistoryRecords":
[...]}`` with the API's count and paging links, into a directory that appears whole or
not at all.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import InputError
from ..eventlog import EventLog, Roster
from ._builder import _HANDLERS, RecordBuilder
from ._builder import SYSTEM_PARTICIPANT as _SYSTEM
from ._bulk import paused_gc
from ._columns import Columns, Directory
from ._mapped import map_table, write_table
from ._sections import Messages, message_records, message_texts
from ._vocab import format_times

__all__ = ["ExportSummary", "conversation_records", "export_records", "page_document"]

#: the API's largest page (``limit`` max 100)
MAX_PAGE = 100


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What :func:`export_records` wrote: conversations, events read, pages, directory."""

    conversations: int
    events: int
    pages: int
    out_dir: Path


def _groups(table: pa.Table) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(conversation ids in order of first event, row order grouped by conversation,
    group boundaries): one stable sort, rows of a group stay in log order."""
    encoded = pc.dictionary_encode(table.column("conversation_id")).combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    ids: list[str] = encoded.dictionary.to_pylist()
    valid = np.asarray(encoded.is_valid())
    rows = np.flatnonzero(valid)
    order = rows[np.argsort(codes[rows], kind="stable")]
    bounds = np.searchsorted(codes[order], np.arange(len(ids) + 1))
    return ids, order, bounds


def _first_conversations(table: pa.Table) -> set[str]:
    opened = table.filter(pc.equal(table.column("kind"), "conversation.opened"))
    seen: set[str] = set()
    first: set[str] = set()
    for cid, consumer in zip(
        opened.column("conversation_id").to_pylist(),
        opened.column("consumer_id").to_pylist(),
        strict=True,
    ):
        if consumer not in seen:
            seen.add(consumer)
            first.add(cid)
    return first


_LIFE_STARTS = ("conversation.opened", "conversation.resumed", "conversation.reopened")


def _grouped_cumsum(
    flags: npt.NDArray[np.bool_], sizes: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Running count of ``flags`` restarting at each group (groups of ``sizes``)."""
    total = np.cumsum(flags, dtype=np.int64)
    ends = np.cumsum(sizes)
    before = np.concatenate(([0], total[ends[:-1] - 1])) if len(sizes) else total[:0]
    out: npt.NDArray[np.int64] = total - np.repeat(before, sizes)
    return out


def conversation_records(
    log: EventLog,
    *,
    horizon_ms: int | None = None,
    chunk: int = 256,
    share: tuple[int, int] | None = None,
) -> Iterator[dict[str, Any]]:
    """Each conversation's record after all its events, in order of its first event.

    ``horizon_ms`` (default: the log's last event) is when the records are read: open
    conversations' ``duration`` runs to it. Agent and consumer events with no
    conversation, and every kind in :data:`UNRECORDED_KINDS`, leave no trace. Messages
    (half of a log) are built with array operations; the other events go through
    :class:`RecordBuilder` one by one, ``chunk`` conversations at a time. ``share =
    (a, b)`` gives only the conversations ``a`` to ``b - 1`` (in that order).
    """
    return _records(log, horizon_ms=horizon_ms, chunk=chunk, share=share, fragments=False)


def _records(
    log: EventLog,
    *,
    horizon_ms: int | None,
    chunk: int,
    share: tuple[int, int] | None,
    fragments: bool,
) -> Iterator[dict[str, Any]]:
    """:func:`conversation_records`; with ``fragments`` the messageRecords entries are
    ``orjson.Fragment`` s of their JSON (:func:`message_texts`: for orjson only)."""
    table = log.table
    span = log.time_range()
    horizon = horizon_ms if horizon_ms is not None else (span[1] if span else 0)
    ids, order, bounds = _groups(table)
    first, last = share if share is not None else (0, len(ids))
    last = min(last, len(ids))
    mine = np.zeros(table.num_rows, dtype=bool)
    mine[order[bounds[first] : bounds[last]]] = True
    kind = table.column("kind")
    is_msg = np.asarray(pc.equal(kind, "message.sent"))
    # an internal note has no place in a record (docs/formats.md): it leaves no trace
    is_msg &= ~np.asarray(pc.equal(table.column("visibility"), "internal").fill_null(False))
    columns = Columns.from_table(table, keep=~is_msg & mine, timed=~is_msg & mine)
    directory = Directory.from_roster(log.roster)
    firsts = _first_conversations(table)
    messages = _share_messages(table, ids, order, bounds, (first, last), is_msg, fragments)
    kinds, handlers = columns.kind, {k: h for k, h in _HANDLERS.items() if k != "message.sent"}
    for i0 in range(first, last, chunk):
        i1 = min(i0 + chunk, last)
        rows = order[bounds[i0] : bounds[i1]]
        sizes = np.diff(bounds[i0 : i1 + 1])
        group = np.repeat(np.arange(i0, i1), sizes)
        builders = [
            RecordBuilder(
                ids[i],
                account=log.roster.account,
                columns=columns,
                directory=directory,
                first_conversation=ids[i] in firsts,
            )
            for i in range(i0, i1)
        ]
        for k, b in enumerate(builders):
            b.add_messages(*messages.of(i0 + k - first, b.cid))
        other = ~is_msg[rows]
        for g, row in zip((group[other] - i0).tolist(), rows[other].tolist(), strict=True):
            handler = handlers.get(kinds[row])
            if handler is not None:
                handler(builders[g], row)
        for b in builders:
            if b.dialogs:  # an opened event was seen (always, in a valid log)
                yield b.record(horizon_ms=horizon)


@dataclass(frozen=True, slots=True)
class _ShareMessages:
    """The messages of a share's conversations, per message in conversation order:
    ``cuts[k]:cuts[k + 1]`` are the share's ``k``-th conversation's."""

    cuts: list[int]
    rows: list[int]
    texts: list[Any] | None  # the JSON fragments (None: build dicts)
    seqs: list[int]
    lives: list[int]
    senders: list[str]
    sent_by: list[str]
    times: list[str]
    stamps: list[int]

    def of(self, k: int, cid: str) -> tuple[Messages, list[int]]:
        """The ``k``-th conversation's messages (id ``cid``) and their rows."""
        lo, hi = self.cuts[k], self.cuts[k + 1]
        senders, sent_by = self.senders[lo:hi], self.sent_by[lo:hi]
        times, stamps, lives = self.times[lo:hi], self.stamps[lo:hi], self.lives[lo:hi]
        entries = (
            self.texts[lo:hi]
            if self.texts is not None
            else message_records(cid, self.seqs[lo:hi], lives, senders, sent_by, times, stamps)
        )
        return Messages(cid, entries, senders, sent_by, times, stamps, lives), self.rows[lo:hi]


def _share_messages(
    table: pa.Table,
    ids: list[str],
    order: npt.NDArray[np.int64],
    bounds: npt.NDArray[np.int64],
    share: tuple[int, int],
    is_msg: npt.NDArray[np.bool_],
    fragments: bool,
) -> _ShareMessages:
    """Every message of conversations ``share[0]`` to ``share[1] - 1`` at once, with
    array operations (half of a log is messages): its seq and MAIN dialog (counts of the
    conversation's earlier messages and lives), its sender (the consumer's id, the
    system's, or the agent's id) and, with ``fragments``, its JSON (:func:`message_texts`)."""
    first, last = share
    rows = order[bounds[first] : bounds[last]]
    sizes = np.diff(bounds[first : last + 1])
    at = np.flatnonzero(is_msg[rows])
    seq = (_grouped_cumsum(is_msg[rows], sizes) - 1)[at]
    is_life = np.asarray(pc.is_in(table.column("kind").take(pa.array(rows)),
                                  value_set=pa.array(_LIFE_STARTS)))  # fmt: skip
    life = (_grouped_cumsum(is_life, sizes) - 1)[at]
    group = np.repeat(np.arange(last - first), sizes)[at]
    mrows = pa.array(rows[at])
    cids = pa.array(ids[first:last], pa.string()).take(pa.array(group))
    consumers = table.column("consumer_id").take(pa.array(order[bounds[first:last]]))
    role = table.column("sender_role").take(mrows)
    consumer = pc.fill_null(pc.equal(role, "consumer"), False)
    senders = pc.if_else(
        consumer,
        consumers.fill_null("").take(pa.array(group)),
        pc.if_else(
            pc.fill_null(pc.equal(role, "system"), False),
            _SYSTEM,
            table.column("agent_id").take(mrows).fill_null(-1).cast(pa.string()),
        ),
    )
    sent_by = pc.if_else(consumer, "Consumer", "Agent")
    stamps = table.column("ts").take(mrows).to_numpy()
    times = format_times(stamps)
    texts = (
        message_texts(cids, seq, life, senders, sent_by, pa.array(times, pa.string()), stamps)
        if fragments
        else None
    )
    return _ShareMessages(
        cuts=np.searchsorted(group, np.arange(last - first + 1)).tolist(),
        rows=rows[at].tolist(),
        texts=texts,
        seqs=seq.tolist(),
        lives=life.tolist(),
        senders=senders.to_pylist(),
        sent_by=sent_by.to_pylist(),
        times=times,
        stamps=stamps.tolist(),
    )


def page_document(
    records: list[dict[str, Any]], *, account: str, offset: int, limit: int, count: int
) -> dict[str, Any]:
    """One page of the conversations-search response: ``_metadata`` (count of the whole
    search, self/next/prev links with offset and limit) and the records."""
    base = f"/messaging_history/api/account/{account}/conversations/search"

    def link(rel: str, at: int) -> dict[str, str]:
        return {"rel": rel, "href": f"{base}?offset={at}&limit={limit}"}

    meta: dict[str, Any] = {"count": count, "self": link("self", offset)}
    if offset + limit < count:
        meta["next"] = link("next", offset + limit)
    if offset > 0:
        meta["prev"] = link("prev", max(0, offset - limit))
    meta["shardsStatusResult"] = {"partialResult": False}
    return {"_metadata": meta, "conversationHistoryRecords": records}


def export_records(
    log: EventLog, out_dir: str | os.PathLike[str], *, page_size: int = MAX_PAGE, jobs: int = 1
) -> ExportSummary:
    """Write ``log``'s conversations as API pages ``conversations-<offset>.json``.

    ``out_dir`` must be missing or empty; the pages are written into a temporary
    sibling directory renamed into place at the end, so a reader never sees part of
    an export. ``jobs`` processes (this one and ``jobs - 1`` started ones) write
    contiguous shares of the pages (the files are the same whatever it is). Raises
    InputError for a bad page size or a non-empty directory.
    """
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not 1 <= page_size <= MAX_PAGE
    ):
        raise InputError(f"page_size: expected an integer 1..{MAX_PAGE}, got {page_size!r}")
    target = Path(out_dir)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"--out {target}: expected a missing or empty directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    count = int(pc.sum(pc.equal(log.table.column("kind"), "conversation.opened")).as_py() or 0)
    pages_total = max(1, -(-count // page_size))
    jobs = max(1, min(jobs, pages_total))
    cuts = [pages_total * k // jobs * page_size for k in range(jobs + 1)]
    shares = [(cuts[k], cuts[k + 1]) for k in range(jobs)]
    try:
        if jobs == 1:
            written, pages = _export_share(log, tmp, (0, count), page_size, count)
        else:
            context = multiprocessing.get_context("spawn")  # no fork of Arrow's threads
            with (
                tempfile.TemporaryDirectory(prefix="ccbench-export-") as scratch,
                ProcessPoolExecutor(max_workers=jobs - 1, mp_context=context) as pool,
            ):
                # the log goes to the started processes as a file they map, not through a
                # pipe: pickling it there held this process and made them start late
                shared = Path(scratch) / "log.arrow"
                write_table(log.table, shared)
                done = [
                    pool.submit(_export_mapped, shared, log.roster, tmp, share, page_size, count)
                    for share in shares[1:]
                ]
                # this process writes the first share while the others start and work
                mine = _export_share(log, tmp, shares[0], page_size, count)
                results = [mine, *(f.result() for f in done)]
                written, pages = (sum(x) for x in zip(*results, strict=True))
        os.chmod(tmp, 0o755)
        if target.exists():
            target.rmdir()
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return ExportSummary(conversations=written, events=len(log), pages=pages, out_dir=target)


def _export_mapped(
    path: Path, roster: Roster, directory: Path, share: tuple[int, int], page_size: int, count: int
) -> tuple[int, int]:
    """:func:`_export_share` of the log written at ``path`` (Arrow IPC, memory-mapped)."""
    log = EventLog.from_table(map_table(path), roster=roster, sort=False)
    return _export_share(log, directory, share, page_size, count)


def _export_share(
    log: EventLog, directory: Path, share: tuple[int, int], page_size: int, count: int
) -> tuple[int, int]:
    """Write the pages of conversations ``share[0]`` to ``share[1] - 1`` (page-aligned)
    into ``directory``; returns (records, pages). An empty export is one empty page, as
    the API answers an empty search."""
    account = log.roster.account
    written, pages = share[0], 0
    batch: list[dict[str, Any]] = []
    with paused_gc():
        for record in _records(log, horizon_ms=None, chunk=256, share=share, fragments=True):
            batch.append(record)
            if len(batch) == page_size:
                _write_page(
                    directory,
                    page_document(
                        batch, account=account, offset=written, limit=page_size, count=count
                    ),
                )
                written, pages, batch = written + len(batch), pages + 1, []
        if batch or (not pages and share[0] == 0):
            _write_page(
                directory,
                page_document(batch, account=account, offset=written, limit=page_size, count=count),
            )
            written, pages = written + len(batch), pages + 1
    return written - share[0], pages


def _write_page(directory: Path, page: dict[str, Any]) -> None:
    offset = page["_metadata"]["self"]["href"].split("offset=")[1].split("&")[0]
    path = directory / f"conversations-{int(offset):08d}.json"
    path.write_bytes(orjson.dumps(page))
