"""Reading record files: API pages, lists, single records or one record per line.

A file holds JSON: a conversations-search page (``conversationHistoryRecords``), one
record (an object with ``info``), or a list of either; otherwise each non-blank line
is one of those (NDJSON). Whatever cannot be read is reported with the file, the line
and the reason, and the rest goes on. :func:`pick_versions` keeps one version per
conversation when the same one comes several times (pages shift while the API is
paged, open conversations are re-sent).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from msgspec.structs import astuple

from ._conversation import conversation_id
from ._problems import Problems
from ._typed import TypedRecord, decode_page

__all__ = ["LazyPage", "Sourced", "item_id", "pick_versions", "rank", "read_files", "records_of"]


@dataclass  # not frozen: compiled (setup.py), a frozen one is built through Python
class Sourced:
    """A record and where it came from (``file#page-index`` or ``file:line``): parsed
    JSON, or typed (:mod:`._typed`) and parsed from its ``page`` on first need."""

    source: str
    parsed: Any = None
    typed: TypedRecord | None = None
    page: LazyPage | None = None
    index: int = 0

    @property
    def record(self) -> Any:
        """The record as parsed JSON."""
        return self.parsed if self.page is None else self.page.record(self.index)


class LazyPage:
    """A page whose records were decoded typed: parsed as JSON only if one of them is
    read by the tolerant reader."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._records: list[Any] | None = None

    def record(self, index: int) -> Any:
        if self._records is None:
            self._records = orjson.loads(self.raw)["conversationHistoryRecords"]
        return self._records[index]


def records_of(doc: Any, source: str, problems: Problems) -> Iterator[Sourced]:
    """The records of one parsed JSON document (page, record or list of them)."""
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            yield from records_of(item, f"{source}[{i}]", problems)
        return
    if not isinstance(doc, Mapping):
        problems.source = source
        problems.add("$", doc, "expected a page, a record or a list of them; skipped")
        return
    if "conversationHistoryRecords" in doc:
        yield from _page(doc, source, problems)
        return
    if "info" in doc:
        yield Sourced(source, doc)
        return
    problems.source = source
    problems.add("$", sorted(doc)[:5], "expected conversationHistoryRecords or info; skipped")


def _page(doc: Mapping[str, Any], source: str, problems: Problems) -> Iterator[Sourced]:
    records = doc["conversationHistoryRecords"]
    problems.source = source
    _partial(doc.get("_metadata"), problems)
    if not isinstance(records, list):
        problems.add("conversationHistoryRecords", records, "expected a list; page skipped")
        return
    for i, record in enumerate(records):
        yield Sourced(f"{source}#{i}", record)


def _partial(meta: Any, problems: Problems) -> None:
    if isinstance(meta, Mapping):
        shards = meta.get("shardsStatusResult")
        if isinstance(shards, Mapping) and shards.get("partialResult") is True:
            problems.add(
                "_metadata.shardsStatusResult.partialResult",
                True,
                "the API answered from part of its shards: records may be missing",
            )


def read_files(paths: Iterable[str | os.PathLike[str]], problems: Problems) -> Iterator[Sourced]:
    """Every record of every file, in order; unreadable files and lines reported. A
    page whose records all decode typed is not parsed into dicts (:class:`LazyPage`)."""
    for path in paths:
        name = os.fspath(path)
        problems.source, problems.conversation_id = name, None
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            problems.add("$", name, f"cannot read the file: {exc.strerror or exc}; skipped")
            continue
        page = decode_page(raw)
        if page is not None:
            _partial(page._metadata, problems)
            lazy = LazyPage(raw)
            for i, typed in enumerate(page.conversationHistoryRecords):
                yield Sourced(f"{name}#{i}", typed=typed, page=lazy, index=i)
            continue
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as whole:
            yield from _lines(raw, name, problems, whole)
            continue
        yield from records_of(doc, name, problems)


def _lines(
    raw: bytes, name: str, problems: Problems, whole: orjson.JSONDecodeError
) -> Iterator[Sourced]:
    lines = [(n, line) for n, line in enumerate(raw.splitlines(), start=1) if line.strip()]
    parsed: list[tuple[int, Any]] = []
    bad: list[tuple[int, orjson.JSONDecodeError]] = []
    for n, line in lines:
        try:
            parsed.append((n, orjson.loads(line)))
        except orjson.JSONDecodeError as error:
            bad.append((n, error))
    problems.source = name
    ndjson = bool(parsed) and parsed[0][0] == lines[0][0] and isinstance(parsed[0][1], dict | list)
    if not ndjson:  # one JSON document that is broken: report where it breaks
        problems.add(
            "$",
            _excerpt(raw, whole.pos),
            f"not valid JSON ({whole.msg} at line "
            f"{whole.lineno} column {whole.colno}); file skipped",
        )
        return
    for n, failure in bad:
        problems.source = f"{name}:{n}"
        problems.add("$", None, f"not valid JSON ({failure.msg}); line skipped")
    for n, doc in parsed:
        yield from records_of(doc, f"{name}:{n}", problems)


def _excerpt(raw: bytes, pos: int) -> str:
    return raw[max(0, pos - 20) : pos + 20].decode("utf-8", errors="replace")


def rank(item: Sourced, order: int) -> tuple[int, int, int, int]:
    """Which version of a conversation to keep: closed over open, the later end, the
    more content (entries in its list sections), the later read."""
    typed = item.typed
    if typed is not None:
        status, end = typed.info.status, typed.info.endTimeL
        closed = 1 if status is not None and status.upper() == "CLOSE" else 0
        size = 0  # entries in its list sections, the ones the importer does not read too
        for value in astuple(typed):
            if type(value) is list:
                size += len(value)
        return closed, end if end is not None else -1, size, order
    record = item.record
    info = record.get("info") if isinstance(record, Mapping) else None
    info = info if isinstance(info, Mapping) else {}
    closed = 1 if str(info.get("status", "")).upper() == "CLOSE" else 0
    end = info.get("endTimeL")
    end = end if isinstance(end, int) and not isinstance(end, bool) else -1
    size = (
        sum(len(v) for k, v in record.items() if isinstance(v, list) and k != "info")
        if isinstance(record, Mapping)
        else 0
    )
    return closed, end, size, order


def item_id(item: Sourced) -> str | None:
    """The conversation id of an item's record (:func:`conversation_id`)."""
    if item.typed is not None:
        cid = item.typed.info.conversationId
        return (cid.strip() or None) if cid is not None else None
    return conversation_id(item.record)


def pick_versions(items: Iterable[Sourced], problems: Problems) -> list[Sourced]:
    """One version per conversation id (see :func:`rank`), each duplicate reported;
    records without an id are kept (refused later, with their source)."""
    # a version's rank is computed only when another version of it comes (seldom)
    best: dict[str, tuple[tuple[int, int, int, int] | int, Sourced]] = {}
    out: list[Sourced | str] = []
    for order, item in enumerate(items):
        cid = item_id(item)
        if cid is None:
            out.append(item)
            continue
        if cid not in best:
            best[cid] = (order, item)
            out.append(cid)
            continue
        version = rank(item, order)
        kept_rank, kept = best[cid]
        if isinstance(kept_rank, int):
            kept_rank = rank(kept, kept_rank)
        winner = item if version > kept_rank else kept
        problems.source, problems.conversation_id = item.source, cid
        problems.add(
            "info.conversationId",
            cid,
            f"the conversation also came from {kept.source}; kept the version from {winner.source}",
        )
        best[cid] = (max(version, kept_rank), winner)
    return [best[x][1] if isinstance(x, str) else x for x in out]
