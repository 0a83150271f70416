"""EventLog: an immutable, ordered table of events plus its roster."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ._records import conform_table, records_from_table, table_from_records
from ._roster import Roster

__all__ = ["EventLog"]


@dataclass(frozen=True)
class EventLog:
    """Events in contract schema, sorted by the log order (ts, seq), and their roster.

    Construct with :meth:`from_records` or :meth:`from_table`; both conform the
    columns to the contract schema and sort by (ts, seq). They do not check
    the semantic rules: that is :func:`ccbench.eventlog.validate`.
    """

    table: pa.Table
    roster: Roster

    @classmethod
    def from_table(cls, table: pa.Table, *, roster: Roster, sort: bool = True) -> EventLog:
        """Wrap a table (any column order, compatible types); sorted unless ``sort=False``."""
        table = conform_table(table)
        if sort and table.num_rows > 1 and not _is_sorted(table):
            table = table.sort_by([("ts", "ascending"), ("seq", "ascending")])
        return cls(table=table.combine_chunks(), roster=roster)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], *, roster: Roster) -> EventLog:
        """Build a log from JSON-like records (see :func:`table_from_records`)."""
        return cls.from_table(table_from_records(records), roster=roster)

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def records(self) -> Iterator[dict[str, Any]]:
        """Each event as a dict of its non-null fields, in log order."""
        return records_from_table(self.table)

    def kind_counts(self) -> dict[str, int]:
        """Number of events of each kind, sorted by kind."""
        counts = Counter(self.table.column("kind").to_pylist())
        return dict(sorted(counts.items()))

    def time_range(self) -> tuple[int, int] | None:
        """(first ts, last ts) in ms, or None for an empty log."""
        if not len(self):
            return None
        ts = self.table.column("ts")
        return int(pc.min(ts).as_py()), int(pc.max(ts).as_py())


def _is_sorted(table: pa.Table) -> bool:
    ts = table.column("ts").to_numpy()
    seq = table.column("seq").to_numpy()
    dts = ts[1:] - ts[:-1]
    if (dts < 0).any():
        return False
    return not ((dts == 0) & (seq[1:] <= seq[:-1])).any()
