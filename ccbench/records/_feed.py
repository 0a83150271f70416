"""Records as a pipeline receives them: re-sent whenever their conversation changes.

The vendor's API returns an open conversation again each time it is asked, with what
has happened so far. :class:`RecordFeed` replays a log's events in log order and, after
each step, gives the record of every conversation the step touched, as of the step's
last event: a consumer that keeps the latest record of each conversation holds, at
every step, exactly what the export of the log so far would hold.
"""

from __future__ import annotations

from typing import Any

from ..eventlog import EventLog
from ._builder import RecordBuilder
from ._columns import Columns, Directory

__all__ = ["RecordFeed"]


class RecordFeed:
    """Steps through ``log`` (log order); see the module docstring."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.columns = Columns.from_table(log.table)
        self.directory = Directory.from_roster(log.roster)
        self.conversations = log.table.column("conversation_id").to_pylist()
        consumers = log.table.column("consumer_id").to_pylist()
        self._consumers_seen: set[str] = set()
        self._consumers = consumers
        self._builders: dict[str, RecordBuilder] = {}
        self.position = 0

    def __len__(self) -> int:
        return len(self.conversations)

    def advance(self, stop: int) -> list[dict[str, Any]]:
        """Fold the events up to row ``stop`` (exclusive); the records of the conversations
        they touched, in order of first touch, as of the last folded event. The records
        share lists with the feed: serialize them before the next call."""
        touched: dict[str, RecordBuilder] = {}
        kinds = self.columns.kind
        for row in range(self.position, stop):
            cid = self.conversations[row]
            if cid is None:
                continue
            builder = self._builders.get(cid)
            if builder is None:
                if kinds[row] != "conversation.opened":
                    continue  # a valid log opens every conversation first
                consumer = self._consumers[row]
                builder = self._builders[cid] = RecordBuilder(
                    cid,
                    account=self.log.roster.account,
                    columns=self.columns,
                    directory=self.directory,
                    first_conversation=consumer not in self._consumers_seen,
                )
                self._consumers_seen.add(consumer)
            builder.add(row)
            touched[cid] = builder
        horizon = self.columns.ts[stop - 1] if stop > self.position else 0
        self.position = max(self.position, stop)
        return [b.record(horizon_ms=horizon) for b in touched.values()]
