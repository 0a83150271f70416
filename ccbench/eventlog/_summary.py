"""A short, human summary of a log (what `make demo` prints before the other parts land)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import pyarrow.compute as pc

from ._log import EventLog

__all__ = ["LogSummary", "summarize"]


@dataclass(frozen=True, slots=True)
class LogSummary:
    """Counts that describe a log at a glance. Times are ISO-8601 UTC strings."""

    events: int
    first_event: str | None
    last_event: str | None
    conversations: int
    consumers: int
    agents_in_roster: int
    kinds: dict[str, int]
    channels: dict[str, int]
    sources: dict[str, int]
    closed_by: dict[str, int]


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds")


def _count(values: list[str | None]) -> dict[str, int]:
    return dict(sorted(Counter(v for v in values if v is not None).items()))


def summarize(log: EventLog) -> LogSummary:
    """Summarize ``log``: event counts by kind, conversations by channel, source and closer."""
    table = log.table
    opened = table.filter(pc.equal(table.column("kind"), "conversation.opened"))
    closed = table.filter(pc.equal(table.column("kind"), "conversation.closed"))
    span = log.time_range()
    return LogSummary(
        events=len(log),
        first_event=_iso(span[0]) if span else None,
        last_event=_iso(span[1]) if span else None,
        conversations=opened.num_rows,
        consumers=len(set(opened.column("consumer_id").to_pylist())),
        agents_in_roster=len(log.roster.agents),
        kinds=log.kind_counts(),
        channels=_count(opened.column("channel").to_pylist()),
        sources=_count(opened.column("source").to_pylist()),
        closed_by=_count(closed.column("closed_by").to_pylist()),
    )
