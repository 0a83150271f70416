"""Random requests for the dashboard's piece tests: instants across the smoke log and
filters, as backend/_dashboard.py receives them."""

from __future__ import annotations

import random
from collections.abc import Iterator

from backend._dashboard_params import DashboardQuery, closed_window, parse_dashboard_query
from ccbench.eventlog import EventLog

HOUR_MS = 3_600_000


def random_query(rng: random.Random, log: EventLog) -> DashboardQuery:
    """A mode, and sometimes one or two skills and a group to keep."""
    items = [("mode", rng.choice(["messaging", "chat"]))]
    skills = [s.id for s in log.roster.skills]
    groups = [g.id for g in log.roster.groups]
    if rng.random() < 0.4:
        items.append(("skill_ids", ",".join(map(str, rng.sample(skills, rng.randint(1, 2))))))
    if rng.random() < 0.3:
        items.append(("group_ids", ",".join(map(str, rng.sample(groups, 1)))))
    return parse_dashboard_query(items)


def requests(log: EventLog, *, count: int, seed: int) -> Iterator[tuple[DashboardQuery, int, int]]:
    """``count`` (query, now, window start): the first before the first event, the others
    inside the day or up to two hours after its last event."""
    first, last = log.time_range()  # type: ignore[misc]
    rng = random.Random(seed)
    for i in range(count):
        now = first - 1 if i == 0 else rng.randint(first, last + 2 * HOUR_MS)
        q = random_query(rng, log)
        start, _ = closed_window(q, now_ms=now, timezone=log.roster.timezone)
        yield q, now, start
