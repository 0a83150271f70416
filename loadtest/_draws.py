"""Draws the mix takes from the API contract: integers over a parameter's full range,
and the invalid requests (the contract's conformance cases).

Valid values cover each parameter's whole range (docs/loadtest.md "The mix"):
the bounds themselves, values near the lower bound, and values spread
log-uniformly up to the upper bound (2^63 - 1 when the contract sets none).
Invalid requests are the packaged conformance cases that must get a 400
whatever the instant and the data (``ConformanceCase.static``), each sent as
written and recorded with the parameter it must be rejected for.
"""

from __future__ import annotations

import math
import random

from ccbench.api import MAX_INTEGER, Conformance, Family, Parameter, load_conformance

from ._recording import QueryValue, multi_query

__all__ = ["InvalidQuery", "draw_integer", "invalid_pool"]

#: (the parameter a 400 must name, the query string values).
InvalidQuery = tuple[str, dict[str, QueryValue]]


def draw_integer(rng: random.Random, p: Parameter, *, high: int | None = None) -> int:
    """A valid value of integer parameter ``p`` in ``[low, high]`` (``high`` overrides the
    contract's upper bound, e.g. a rule's): a bound with probability 0.2, a value within 100
    of the lower bound with 0.4, else log-uniform over the whole range."""
    low = int(p.low or 0)
    top = high if high is not None else int(p.high if p.high is not None else MAX_INTEGER)
    r = rng.random()
    if r < 0.1:
        return low
    if r < 0.2:
        return top
    if r < 0.6:
        return rng.randint(low, min(top, low + 100))
    spread = int(math.exp(rng.uniform(0.0, math.log(top - low + 1)))) - 1
    return min(top, low + spread)


def invalid_pool(family: Family, cases: Conformance | None = None) -> tuple[InvalidQuery, ...]:
    """The family's static 400 conformance cases as (parameter, query) pairs, in file order
    (``cases``: the loaded case set, read from the package when None)."""
    cases = load_conformance() if cases is None else cases
    return tuple(
        (str(case.parameter), multi_query(case.query))
        for case in cases.of(family.name)
        if case.status == 400 and case.static
    )
