"""Validation of a whole log: schema, order, referential integrity, lifecycle.

The lifecycle is an explicit state machine per conversation and per agent,
documented in docs/eventlog.md ("Lifecycle") and checked by
ccbench/eventlog/_conversation_checks.py and _agent_checks.py. :func:`validate`
never stops at the first problem: it returns every violation, each naming the
event, the rule (an id from :data:`RULES`) and the values involved.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._conversation_checks import EventChecker
from ._log import EventLog
from ._records import Violation, check_table
from ._schema import FIELDS

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
    order = np.lexsort((seq, ts))
    if len(order) > 1:
        dts, dseq = np.diff(ts), np.diff(seq)
        for before in np.nonzero((dts < 0) | ((dts == 0) & (dseq < 0)))[0]:
            r = int(before) + 1
            out.append(
                Violation(
                    "order",
                    r,
                    ids[r],
                    f"(ts, seq) = ({ts[r]}, {seq[r]}) comes after ({ts[r - 1]}, {seq[r - 1]})",
                    {"ts": int(ts[r])},
                )
            )
    for name, values in (("event_id", ids), ("seq", seq.tolist())):
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
    broken_rows = {v.row for v in out if v.rule.startswith("schema.")}
    columns = {name: table.column(name).to_pylist() for name in FIELDS}
    checker = EventChecker(log, out)
    for row in order.tolist():
        if row in broken_rows:
            continue  # a malformed event would only cascade into confusing lifecycle errors
        event = {name: values[row] for name, values in columns.items()}
        checker.row, checker.event_id = row, event["event_id"]
        checker.event(event)
    out.sort(key=lambda v: v.row if v.row is not None else -1)
    return out
