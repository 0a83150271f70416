"""Recordings on disk: each process spills its records to a Parquet file in batches.

A Locust process keeps at most :data:`SPILL_BATCH` records in memory: the batch then goes
to its Parquet file as one row group (zstd, dictionary-encoded, so repeated bodies and
queries cost little), and the process's latency histograms take the batch's values
(``loadtest._harness``). After the run :class:`Recordings` reads the files back as one
sequence of records, a row group at a time, and the summary, the charts and the
verification read only what they need (the time columns, or one chunk of records per
verification worker). Memory thus holds one batch per process while sending and one
chunk per core while verifying, whatever the run's length; docs/loadtest.md "Recordings
on disk" states the bytes per recorded request.

Columns: ``endpoint``, ``kind``, ``query`` (the query as JSON), ``clock_ms`` (null when
absent), ``intended_ns``, ``sent_ns``, ``received_ns``, ``status``, ``error`` (null when
none), ``body``: the fields of :class:`~loadtest._recording.Record`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ._recording import Record

__all__ = [
    "SCHEMA",
    "SPILL_BATCH",
    "QueryColumns",
    "Recordings",
    "SpillWriter",
    "query_columns",
]

#: Records a process holds before it writes them out (one row group).
SPILL_BATCH = 10_000

SCHEMA = pa.schema(
    [
        ("endpoint", pa.string()),
        ("kind", pa.string()),
        ("query", pa.string()),
        ("clock_ms", pa.int64()),
        ("intended_ns", pa.int64()),
        ("sent_ns", pa.int64()),
        ("received_ns", pa.int64()),
        ("status", pa.int32()),
        ("error", pa.string()),
        ("body", pa.string()),
    ]
)


def _table(records: Sequence[Record]) -> pa.Table:
    columns: list[list[object]] = [[] for _ in SCHEMA]
    (endpoint, kind, query, clock, intended, sent, received, status, error, body) = columns
    for r in records:
        endpoint.append(r.endpoint)
        kind.append(r.kind)
        query.append(orjson.dumps(r.query).decode())
        clock.append(r.clock_ms)
        intended.append(r.intended_ns)
        sent.append(r.sent_ns)
        received.append(r.received_ns)
        status.append(r.status)
        error.append(r.error)
        body.append(r.body)
    return pa.Table.from_arrays(
        [pa.array(c, type=f.type) for c, f in zip(columns, SCHEMA, strict=True)], schema=SCHEMA
    )


def _records(table: pa.Table) -> list[Record]:
    cols = [table.column(f.name).to_pylist() for f in SCHEMA]
    return [
        Record(e, k, orjson.loads(q), c, i, s, r, st, err, b)
        for e, k, q, c, i, s, r, st, err, b in zip(*cols, strict=True)
    ]


class SpillWriter:
    """Appends batches of records to one Parquet file (created on the first write)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None

    def write(self, records: Sequence[Record]) -> None:
        """Write ``records`` as one row group (nothing for none)."""
        if not records:
            return
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self.path, SCHEMA, compression="zstd")
        self._writer.write_table(_table(records), row_group_size=len(records))
        self.rows += len(records)

    def close(self) -> Path:
        """Finish the file (an empty one when nothing was written) and return its path."""
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(SCHEMA.empty_table(), self.path)
        else:
            self._writer.close()
            self._writer = None
        return self.path


@dataclass(frozen=True, slots=True)
class QueryColumns:
    """The query records' endpoints (``names[code[i]]``), intended starts and latencies
    (ns), in record order."""

    names: list[str]
    code: np.ndarray
    intended_ns: np.ndarray
    latency_ns: np.ndarray

    @property
    def last_received_ns(self) -> int:
        """When the last answer came (epoch ns); 0 without queries."""
        return int((self.intended_ns + self.latency_ns).max()) if len(self.intended_ns) else 0


class Recordings(Sequence[Record]):
    """The records of Parquet files written by :class:`SpillWriter`, as one sequence in
    file order; read a row group at a time, never all at once."""

    def __init__(self, paths: Iterable[str | Path]) -> None:
        self.paths = [Path(p) for p in paths]
        self._groups: list[tuple[int, int]] = []  # (file, row group)
        self._starts: list[int] = []  # first record index of each row group
        total = 0
        for f, path in enumerate(self.paths):
            meta = pq.ParquetFile(path).metadata
            for g in range(meta.num_row_groups):
                self._groups.append((f, g))
                self._starts.append(total)
                total += meta.row_group(g).num_rows
        self._len = total

    def __len__(self) -> int:
        return self._len

    def _group(self, n: int) -> list[Record]:
        f, g = self._groups[n]
        return _records(pq.ParquetFile(self.paths[f]).read_row_group(g, use_threads=False))

    def __iter__(self) -> Iterator[Record]:
        for n in range(len(self._groups)):
            yield from self._group(n)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._len)
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            out: list[Record] = []
            n = bisect.bisect_right(self._starts, start) - 1
            while start < stop and n < len(self._groups):
                group = self._group(n)
                first = self._starts[n]
                out.extend(group[start - first : stop - first])
                start = first + len(group)
                n += 1
            return out
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(f"record {index} of {self._len}")
        n = bisect.bisect_right(self._starts, index) - 1
        return self._group(n)[index - self._starts[n]]

    def query_columns(self) -> QueryColumns:
        """:func:`query_columns` read from the files' time columns only."""
        parts = []
        for path in self.paths:
            t = pq.read_table(
                path, columns=["endpoint", "kind", "intended_ns", "received_ns"], use_threads=False
            )
            parts.append(t.filter(pc.equal(t.column("kind"), "query")))
        t = pa.concat_tables(parts) if parts else SCHEMA.empty_table()
        intended = t.column("intended_ns").to_numpy().astype(np.int64)
        received = t.column("received_ns").to_numpy().astype(np.int64)
        endpoints = t.column("endpoint").combine_chunks().dictionary_encode()
        return QueryColumns(
            names=[str(n) for n in endpoints.dictionary.to_pylist()],
            code=endpoints.indices.to_numpy(zero_copy_only=False).astype(np.int32),
            intended_ns=intended,
            latency_ns=received - intended,
        )


def query_columns(records: Sequence[Record]) -> QueryColumns:
    """The query records' columns (kind ``query``), from files when ``records`` are
    :class:`Recordings`, else from the records in memory."""
    if isinstance(records, Recordings):
        return records.query_columns()
    queries = [r for r in records if r.kind == "query"]
    names = sorted({r.endpoint for r in queries})
    index = {name: i for i, name in enumerate(names)}
    return QueryColumns(
        names=names,
        code=np.asarray([index[r.endpoint] for r in queries], dtype=np.int32),
        intended_ns=np.asarray([r.intended_ns for r in queries], dtype=np.int64),
        latency_ns=np.asarray([r.latency_ns for r in queries], dtype=np.int64),
    )
