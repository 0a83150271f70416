"""Small hand-written event logs for the oracle tests: events placed at whole seconds after
a start instant, then ordered and numbered the way a real log is."""

from __future__ import annotations

from typing import Any

from ccbench.eventlog import EventLog, Roster, validate
from oracle import Oracle

__all__ = ["HandLog", "valid_oracle"]


def valid_oracle(records: list[dict[str, Any]], roster: Roster) -> Oracle:
    """The oracle of a hand-written log, after checking that the log is valid."""
    log = EventLog.from_records(records, roster=roster)
    assert validate(log) == []
    return Oracle(log)


class HandLog:
    """Collects events at ``t0_ms + sec * 1000``; :meth:`records` orders and numbers them."""

    def __init__(self, t0_ms: int, *, account: str = "a") -> None:
        self.t0_ms = t0_ms
        self.account = account
        self.events: list[dict[str, Any]] = []

    def add(self, sec: int, kind: str, cid: str | None = None, **fields: Any) -> None:
        """One event of ``kind`` at second ``sec`` (of conversation ``cid`` when given)."""
        if cid is not None:
            fields["conversation_id"] = cid
        self.events.append({"ts": self.t0_ms + sec * 1000, "kind": kind, **fields})

    def records(self) -> list[dict[str, Any]]:
        """The events sorted by ts (stable: same-second events keep the order they were
        added in) with event_id ``e<i>``, seq ``i`` and the account."""
        self.events.sort(key=lambda e: e["ts"])
        for i, e in enumerate(self.events):
            e.update(event_id=f"e{i}", seq=i, account=self.account)
        return self.events
