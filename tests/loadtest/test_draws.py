"""The mix's draws from the API contract: integers over a parameter's whole range, and the
invalid pool (the static 400 conformance cases)."""

from __future__ import annotations

import random

from ccbench.api import DASHBOARD, MAX_INTEGER, MSGAGENTSEGMENTS, load_conformance
from loadtest._draws import draw_integer, invalid_pool


def test_integers_stay_in_bounds_and_reach_both_ends() -> None:
    """A bounded parameter (agent_page_size 1..30) hits 1 and 30 and nothing outside; an
    unbounded one (agent_page >= 1) reaches 2^63 - 1 and spreads over the magnitudes between."""
    rng = random.Random(0)
    size = [draw_integer(rng, DASHBOARD.parameter("agent_page_size")) for _ in range(2000)]
    assert min(size) == 1 and max(size) == 30 and len(set(size)) == 30
    page = [draw_integer(rng, DASHBOARD.parameter("agent_page")) for _ in range(4000)]
    assert min(page) == 1 and max(page) == MAX_INTEGER
    # log-uniform share (0.4) over 19 decades: every decade of 10^3..10^18 is drawn
    decades = {len(str(p)) for p in page}
    assert set(range(4, 19)) <= decades


def test_a_rule_can_lower_the_upper_bound() -> None:
    """``high`` replaces the contract's upper bound (from_hour up to now's local hour)."""
    rng = random.Random(1)
    hours = {draw_integer(rng, DASHBOARD.parameter("from_hour"), high=5) for _ in range(500)}
    assert hours == set(range(6))


def test_invalid_pool_is_the_static_400_cases_in_file_order() -> None:
    """The pool holds, in file order, each static 400 case of the family: its parameter and
    its query with repeated names as lists; clock- and data-dependent cases are left out."""
    pool = invalid_pool(MSGAGENTSEGMENTS)
    cases = [c for c in load_conformance().of("msgagentsegments") if c.status == 400]
    static = [c for c in cases if c.static]
    assert len(static) < len(cases)  # the clock-header cases are not in the pool
    assert [p for p, _ in pool] == [c.parameter for c in static]
    twice = next(q for p, q in pool if p == "v" and isinstance(q.get("v"), list))
    assert twice["v"] == ["1", "1"]
