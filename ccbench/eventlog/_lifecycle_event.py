"""One event as the lifecycle state machines read it: the fields they need, by name.

:func:`ccbench.eventlog.validate` walks every event of a log through
:class:`EventChecker` (ccbench/eventlog/_conversation_checks.py). On a
one-day log (about 1.1M events) a dict of all 35 contract fields per event
cost more than the checks themselves, so each event is a :class:`LifecycleEvent`:
a named tuple of only the fields some check reads, built in C by zipping the
columns (``tuple.__new__``) and read by C attribute getters. A check that reads
a field left out here fails type checking (mypy), so leaving the other fields
out cannot change what is validated. Values are the columns' Python values
(None where absent).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["LifecycleEvent", "lifecycle_events"]


class LifecycleEvent(NamedTuple):
    """The fields of one event that the lifecycle checks read (docs/eventlog.md, Lifecycle).

    The common fields are always set. The others are typed ``Any``: a check reads a field
    only for kinds that require or take it, and a field a kind requires is never None
    there (rows breaking a schema rule are not walked through the lifecycle), which a
    static type cannot say per kind; a field a kind merely takes may be None.
    """

    event_id: str
    kind: str
    account: str
    conversation_id: Any
    site: Any
    channel: Any
    direction: Any
    bot_flow: Any
    sla_policy: Any
    skill_id: Any
    agent_id: Any
    from_agent_id: Any
    to_skill_id: Any
    to_agent_id: Any
    reason: Any
    closed_by: Any
    into_conversation_id: Any
    sender_role: Any
    visibility: Any
    status: Any


def lifecycle_events(table: pa.Table) -> Iterator[LifecycleEvent]:
    """Every row of a conformed table as a :class:`LifecycleEvent`, in row order."""
    columns = [
        table.column(name).to_pylist() if name == "event_id" else _shared(table.column(name))
        for name in LifecycleEvent._fields
    ]
    return map(LifecycleEvent._make, zip(*columns, strict=True))


def _shared(column: pa.ChunkedArray) -> list[Any]:
    """The column's Python values, equal values as one object (None for a null).

    Kinds, accounts and conversation ids repeat across many events: one object per
    distinct value is cheaper to build than one per row, and the checks' dict and set
    lookups then hash each distinct string once (a str caches its hash).
    """
    encoded = pc.dictionary_encode(column).combine_chunks()
    distinct = np.array([*encoded.dictionary.to_pylist(), None], dtype=object)
    return distinct[encoded.indices.fill_null(len(distinct) - 1).to_numpy()].tolist()  # type: ignore[no-any-return]
