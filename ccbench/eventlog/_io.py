"""Reading and writing logs: Parquet (on disk) and NDJSON (interchange).

Parquet: one file, the contract's columns; the roster is stored as JSON in the
file's key-value metadata under ``ccbench.roster``.

NDJSON: UTF-8, one JSON object per line. Line 1 is the header
``{"ccbench_eventlog": 2, "roster": {...}}``; every further line is one event
with its non-null fields. HTTP ingestion takes event lines without a header.
Conversion between the two is lossless.

Versions: writing writes :data:`FORMAT_VERSION`; reading accepts every version of
:data:`READABLE_FORMAT_VERSIONS` (a version-1 log has none of the version-2 fields,
which read as absent: docs/eventlog.md, "Format versions").
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from .._errors import EventSchemaError, LogFormatError, RosterError, shown_with_type
from ..files import replace_atomically
from ._log import EventLog
from ._records import records_from_table, table_from_records
from ._roster import Roster
from ._schema import FORMAT_VERSION, READABLE_FORMAT_VERSIONS

__all__ = ["convert_log", "log_format", "read_log", "write_log"]

ROSTER_KEY = b"ccbench.roster"
FORMAT_KEY = b"ccbench.eventlog.format"
HEADER_KEY = "ccbench_eventlog"
_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".ndjson": "ndjson", ".jsonl": "ndjson"}


def log_format(path: str | os.PathLike[str]) -> str:
    """``"parquet"`` or ``"ndjson"`` from the file suffix; LogFormatError otherwise."""
    suffix = Path(path).suffix.lower()
    try:
        return _FORMATS[suffix]
    except KeyError:
        raise LogFormatError(
            f"{os.fspath(path)}: expected a file ending in "
            f"{', '.join(_FORMATS)}, got suffix {suffix!r}"
        ) from None


def read_log(path: str | os.PathLike[str], *, sort: bool = True) -> EventLog:
    """Read a Parquet or NDJSON log. ``sort=False`` keeps the file's order (for validation)."""
    fmt = log_format(path)
    if not Path(path).is_file():
        raise LogFormatError(f"{os.fspath(path)}: no such file")
    if fmt == "parquet":
        return _read_parquet(Path(path), sort=sort)
    return _read_ndjson(Path(path), sort=sort)


def write_log(log: EventLog, path: str | os.PathLike[str]) -> Path:
    """Write ``log`` atomically (temp file + rename): a reader never sees half a file."""
    target = Path(path)
    fmt = log_format(target)

    def write(tmp: Path) -> None:
        if fmt == "parquet":
            _write_parquet(log, tmp)
        else:
            _write_ndjson(log, tmp)

    return replace_atomically(target, write)


def convert_log(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> EventLog:
    """Read ``source`` and write it to ``target`` in the format the suffix names."""
    log = read_log(source, sort=False)
    write_log(log, target)
    return log


def _roster_from_json(raw: Any, where: str) -> Roster:
    try:
        return Roster.from_dict(raw)
    except RosterError as exc:
        raise RosterError(f"{where}: {exc}") from exc


def _read_parquet(path: Path, *, sort: bool) -> EventLog:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise LogFormatError(f"{path}: not a readable Parquet file: {exc}") from exc
    meta = table.schema.metadata or {}
    if ROSTER_KEY not in meta:
        raise LogFormatError(
            f"{path}: Parquet metadata has no {ROSTER_KEY.decode()!r} key; "
            "expected a ccbench event log (docs/eventlog.md)"
        )
    try:
        roster_doc = json.loads(meta[ROSTER_KEY])
    except ValueError as exc:
        raise LogFormatError(f"{path}: roster metadata is not valid JSON: {exc}") from exc
    version = meta.get(FORMAT_KEY, str(FORMAT_VERSION).encode())
    if version not in {str(v).encode() for v in READABLE_FORMAT_VERSIONS}:
        raise LogFormatError(
            f"{path}: Parquet metadata {FORMAT_KEY.decode()!r}: expected one of "
            f"{', '.join(map(str, READABLE_FORMAT_VERSIONS))}, got "
            f"{version.decode(errors='replace')!r}"
        )
    roster = _roster_from_json(roster_doc, str(path))
    try:
        return EventLog.from_table(table.replace_schema_metadata(None), roster=roster, sort=sort)
    except EventSchemaError as exc:
        raise EventSchemaError(f"{path}: {exc}", field=exc.field) from exc


def _write_parquet(log: EventLog, path: Path) -> None:
    roster_json = json.dumps(log.roster.to_dict(), sort_keys=True).encode()
    metadata = dict(log.table.schema.metadata or {})
    metadata[ROSTER_KEY] = roster_json
    table = log.table.replace_schema_metadata(metadata)
    pq.write_table(table, path, compression="zstd")


def _ndjson_lines(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                yield number, orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise EventSchemaError(f"not valid JSON: {exc} (in {path})", line=number) from exc


def _read_ndjson(path: Path, *, sort: bool) -> EventLog:
    lines = _ndjson_lines(path)
    first = next(lines, None)
    if first is None:
        raise LogFormatError(
            f"{path}: empty file; expected a header line "
            f'{{"{HEADER_KEY}": {FORMAT_VERSION}, "roster": {{...}}}}'
        )
    number, header = first
    version = header.get(HEADER_KEY) if isinstance(header, dict) else None
    if isinstance(version, bool) or version not in READABLE_FORMAT_VERSIONS:
        raise LogFormatError(
            f"{path}: line {number}: expected the header "
            f'{{"{HEADER_KEY}": {FORMAT_VERSION}, "roster": {{...}}}} (versions '
            f"{', '.join(map(str, READABLE_FORMAT_VERSIONS))} are read), got "
            f"{shown_with_type(header)}"
        )
    extra = set(header) - {HEADER_KEY, "roster"}
    if extra:
        raise LogFormatError(f"{path}: line {number}: unknown header field {sorted(extra)[0]!r}")
    roster = _roster_from_json(header.get("roster"), f"{path}: line {number}")
    numbered = list(lines)  # JSON errors surface here, with their physical line
    try:
        table = table_from_records((record for _, record in numbered), first_line=0)
    except EventSchemaError as exc:
        # table_from_records counts records from 0 here; report the physical line instead.
        line = numbered[exc.line][0] if exc.line is not None else None
        message = str(exc).split(": ", 1)[-1] if exc.line is not None else str(exc)
        raise EventSchemaError(f"{message} (in {path})", line=line, field=exc.field) from exc
    return EventLog.from_table(table, roster=roster, sort=sort)


def _write_ndjson(log: EventLog, path: Path) -> None:
    header = {HEADER_KEY: FORMAT_VERSION, "roster": log.roster.to_dict()}
    with path.open("wb") as fh:
        fh.write(orjson.dumps(header, option=orjson.OPT_SORT_KEYS) + b"\n")
        for record in records_from_table(log.table):
            fh.write(orjson.dumps(record) + b"\n")
