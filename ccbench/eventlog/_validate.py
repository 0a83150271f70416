"""Validation of a whole log: schema, order, referential integrity, lifecycle.

The lifecycle is an explicit state machine per conversation and per agent,
documented in docs/eventlog.md ("Lifecycle") and checked by
ccbench/eventlog/_conversation_checks.py and _agent_checks.py. :func:`validate`
never stops at the first problem: it returns every violation, each naming the
event, the rule (an id from :data:`RULES`) and the values involved.

It runs on every imported and read log, up to a million events and more, so
the common case costs little: order and uniqueness are tested column-wise
first and walked row by row only when a late row or a repeat exists (the walk
names each one), a log already in (ts, seq) order is walked as it is, and each
event reaches the state machines as a :class:`LifecycleEvent`. The
differential tests (tests/eventlog/test_validate.py) hold the output equal to
a plain reading of the rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ._conversation_checks import EventChecker
from ._lifecycle_event import LifecycleEvent, lifecycle_events
from ._log import EventLog
from ._records import Violation
from ._table_checks import check_table

__all__ = ["validate"]


def validate(log: EventLog) -> list[Violation]:
    """Every violation of the contract in ``log``: schema, order, uniqueness, references
    and lifecycle. Rows are 0-based positions in ``log.table`` (the file order when the
    log was read with ``sort=False``). An empty list means the log is valid."""
    table = log.table
    out = check_table(table)
    ids = table.column("event_id").to_pylist()
    ts = table.column("ts").to_numpy()
    seq = table.column("seq").to_numpy()
    late = _late_rows(ts, seq)
    for r in late:
        out.append(
            Violation(
                "order",
                r,
                ids[r],
                f"(ts, seq) = ({ts[r]}, {seq[r]}) comes after ({ts[r - 1]}, {seq[r - 1]})",
                {"ts": int(ts[r])},
            )
        )
    out.extend(_repeats("event_id", ids, ids))
    sorted_seq = np.sort(seq)
    if (sorted_seq[1:] == sorted_seq[:-1]).any():  # column-wise first: no list of a million
        out.extend(_repeats("seq", seq.tolist(), ids))
    broken_rows = {v.row for v in out if v.rule.startswith("schema.")}
    events = lifecycle_events(table)
    in_log_order: Iterator[tuple[int, LifecycleEvent]]
    if late:
        # (ts, seq) order; without a late row the file order is that order (lexsort is stable)
        in_file_order = list(events)
        in_log_order = ((row, in_file_order[row]) for row in np.lexsort((seq, ts)).tolist())
    else:
        in_log_order = enumerate(events)
    checker = EventChecker(log, out)
    for row, event in in_log_order:
        if row in broken_rows:
            continue  # a malformed event would only cascade into confusing lifecycle errors
        checker.row, checker.event_id = row, event.event_id
        checker.event(event)
    out.sort(key=lambda v: v.row if v.row is not None else -1)
    return out


def _late_rows(ts: np.ndarray, seq: np.ndarray) -> list[int]:
    """Rows whose (ts, seq) is below the previous row's, in row order."""
    if len(ts) < 2:
        return []
    dts, dseq = np.diff(ts), np.diff(seq)
    return (np.nonzero((dts < 0) | ((dts == 0) & (dseq < 0)))[0] + 1).tolist()


def _repeats(name: str, values: list[Any], ids: list[str]) -> list[Violation]:
    """A ``unique.<name>`` violation for each row whose value an earlier row holds; the
    row-by-row walk runs only when a set of the values finds a repeat (the rare case)."""
    if len(set(values)) == len(values):
        return []
    out = []
    seen: set[Any] = set()
    for row, value in enumerate(values):
        if value in seen:
            out.append(
                Violation(
                    f"unique.{name}",
                    row,
                    ids[row],
                    f"{name} {value!r} appears more than once",
                    {name: value},
                )
            )
        seen.add(value)
    return out
