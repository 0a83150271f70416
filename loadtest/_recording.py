"""Recording every response off the timed path, and shipping recordings between processes.

A :class:`Record` is appended after a response has been timed; nothing is
parsed or checked while the load runs (verification happens after the run,
:mod:`loadtest._verify`). Times are epoch nanoseconds (``time.time_ns``) so
recordings from several processes on one clock can be merged and compared
with the backend's wall clock in live mode.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

__all__ = ["QueryValue", "Record", "Recorder", "multi_query"]

#: A query-string value: one string, or the values of a repeated parameter in order.
QueryValue = str | list[str]


def multi_query(items: Iterable[tuple[str, str]]) -> dict[str, QueryValue]:
    """Query-string pairs in order -> one value per name, a list for a repeated name.

    Names keep the order of their first appearance, so the API contract names
    the same parameter for the mapping as for the pairs.
    """
    out: dict[str, QueryValue] = {}
    for name, value in items:
        if name not in out:
            out[name] = value
            continue
        previous = out[name]
        out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
    return out


@dataclass(frozen=True, slots=True)
class Record:
    """One request and what came back.

    ``intended_ns``: when the schedule wanted the request sent; ``sent_ns``:
    when it was handed to the HTTP client; ``received_ns``: when the response
    (or the error) arrived, all epoch ns. ``clock_ms`` is the ``X-Clock-Now``
    sent (deterministic mode) or None. ``status`` is 0 when no response
    arrived; ``error`` then says why (``timeout``, ``connection: ...``).
    ``body`` is the response body decoded as UTF-8 (undecodable bytes replaced).
    """

    endpoint: str
    kind: str
    query: Mapping[str, QueryValue]
    clock_ms: int | None
    intended_ns: int
    sent_ns: int
    received_ns: int
    status: int
    error: str | None = None
    body: str = ""

    @property
    def latency_ns(self) -> int:
        """Response time from the INTENDED start (includes any wait in the generator)."""
        return self.received_ns - self.intended_ns

    @property
    def service_ns(self) -> int:
        """Response time from the actual send."""
        return self.received_ns - self.sent_ns

    @property
    def schedule_lag_ns(self) -> int:
        """How late the generator sent the request compared with its schedule."""
        return self.sent_ns - self.intended_ns


@dataclass
class Recorder:
    """The records of one process, in arrival order (append is O(1), no parsing)."""

    records: list[Record] = field(default_factory=list)

    def add(self, record: Record) -> None:
        """Keep ``record``."""
        self.records.append(record)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def extend(self, records: Iterable[Record]) -> None:
        """Keep several records (merging another process's)."""
        self.records.extend(records)

    def encode(self) -> bytes:
        """Compact JSON (rows of field values) for a Locust message or a file."""
        # explicit tuples: dataclasses.astuple deep-copies every field (10x slower)
        return orjson.dumps(
            [
                (
                    r.endpoint,
                    r.kind,
                    r.query,
                    r.clock_ms,
                    r.intended_ns,
                    r.sent_ns,
                    r.received_ns,
                    r.status,
                    r.error,
                    r.body,
                )
                for r in self.records
            ]
        )

    @staticmethod
    def decode(data: bytes | str) -> list[Record]:
        """Records from :meth:`encode`'s output."""
        rows: list[list[Any]] = orjson.loads(data)
        return [Record(*row) for row in rows]
