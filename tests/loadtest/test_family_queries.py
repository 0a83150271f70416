"""Seed 000-002 draws: the report's valid draws ask for each of its CSV tables in a share."""

from __future__ import annotations

import functools
import random
from collections import Counter
from pathlib import Path

import pytest

from ccbench import ParameterError
from ccbench.api import REPORT, REPORT_TABLES, parse_query
from ccbench.eventlog import read_log
from loadtest._draws import invalid_pool
from loadtest._family_queries import CSV_SHARE, FamilyPools, draw_family_query, report_table
from oracle import Oracle

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"


@functools.cache
def _pools() -> FamilyPools:
    log = read_log(EXAMPLE)
    first, last = log.time_range()  # type: ignore[misc]
    return FamilyPools(
        agent_ids=tuple(a.id for a in log.roster.agents),
        site_ids=tuple(s.id for s in log.roster.sites),
        first_ms=first,
        last_ms=last,
    )


def test_report_draws_ask_for_every_csv_table_in_their_share() -> None:
    """Of 4000 valid report draws about CSV_SHARE (0.25) ask for a table: within 0.22-0.28
    (the binomial's standard deviation is sqrt(0.25 * 0.75 / 4000) = 0.007, so +-4 sd);
    each of the contract's tables is drawn, about a third of them each; every draw passes
    the contract and report_table names the table drawn (None without csv)."""
    rng = random.Random(5)
    tables: Counter[str | None] = Counter()
    for _ in range(4000):
        query, parameter = draw_family_query(rng, REPORT.name, _pools(), clock_ms=0)
        assert parameter is None
        parse_query(REPORT, query)
        table = report_table(REPORT.name, query)
        assert table == query.get("csv")
        tables[table] += 1
    assert CSV_SHARE == 0.25
    asked = sum(n for t, n in tables.items() if t is not None)
    assert 0.22 <= asked / 4000 <= 0.28, tables
    assert set(tables) == {None, *REPORT_TABLES}
    assert all(0.25 <= tables[t] / asked <= 0.42 for t in REPORT_TABLES), tables


def test_report_table_reads_the_contracts_value() -> None:
    """A table written with spaces is that table (values are trimmed); another family's
    query or a report without csv is a JSON answer."""
    period = {"start_ms": "0", "end_ms": "1000"}
    assert report_table(REPORT.name, {**period, "csv": " agents_daily "}) == "agents_daily"
    assert report_table(REPORT.name, period) is None
    assert report_table("supervision", {"site_id": "s1", "csv": "agents"}) is None


def test_invalid_report_draws_include_a_table_outside_the_contract() -> None:
    """The report's invalid pool (its static 400 conformance cases) holds a csv value the
    contract refuses; drawing from it sends that case as written, labelled ``csv``, and the
    oracle rejects it naming ``csv``."""
    pool = invalid_pool(REPORT)
    cases = [(p, q) for p, q in pool if p == "csv"]
    assert cases and all(q["csv"] not in REPORT_TABLES for _, q in cases)
    rng = random.Random(1)
    oracle = Oracle(read_log(EXAMPLE))
    seen = set()
    for _ in range(200):
        query, parameter = draw_family_query(rng, REPORT.name, _pools(), clock_ms=0, invalid=pool)
        assert parameter is not None
        with pytest.raises(ParameterError) as caught:
            oracle.report_query(query)
        assert caught.value.parameter == parameter, query
        seen.add(parameter)
    assert "csv" in seen
