"""Export then import gives back every event records carry, hence the same answers."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from ccbench import ParameterError
from ccbench.eventlog import EventLog, read_log, validate
from ccbench.records import UNRECORDED_KINDS, import_records
from oracle import AGENT_COLUMNS, Oracle
from sim import load_scenario, simulate
from tests.support.records import recordable, round_trip, segment_queries, value_diffs
from tests.support.strategies import small_scenarios

#: dashboard values an imported log cannot have (docs/formats.md, "What records cannot
#: carry"): the agents table lists logged-in agents, LOAD and occupancy need statuses
UNAVAILABLE_DASHBOARD = {
    "agents.rows",
    "agents.total",
    "agents.pages",
    "current.load",
    "current.load_online",
    "current.load_other",
    "chat.occupancy",
    "skills.rows[].load",
    "skills.rows[].online",
    "skills.rows[].away",
    "skills.rows[].back_soon",
    "skills.rows[].max_slots",
    *(
        f"agents.rows[].{c}"
        for c in AGENT_COLUMNS
        if c not in ("agent_id", "name", "status", "csat_answered")
    ),
}


def _answer(oracle: Oracle, query: dict[str, str], now: int) -> Any:
    try:
        return oracle.agent_segments_query(query, now_ms=now)
    except ParameterError as exc:
        return ("400", exc.parameter)


def _same_segments(a: EventLog, b: EventLog, *, queries: int, seed: int) -> None:
    left, right = Oracle(a), Oracle(b)
    for query, now in segment_queries(a, seed=seed, n=queries):
        assert _answer(left, query, now) == _answer(right, query, now), (query, now)


def _same_dashboard(a: EventLog, b: EventLog, *, instants: int, seed: int) -> None:
    left, right = Oracle(a), Oracle(b)
    first, last = a.time_range() or (0, 0)
    rng = random.Random(seed)
    for _ in range(instants):
        now = rng.randint(first, last + 3_600_000)
        hours = rng.choice([None, 1, 4, 24])
        x, y = (
            left.dashboard(now_ms=now, last_hours=hours),
            right.dashboard(now_ms=now, last_hours=hours),
        )
        assert set(y["unavailable"]) == UNAVAILABLE_DASHBOARD
        assert value_diffs(x, y) - UNAVAILABLE_DASHBOARD - {"unavailable"} == set(), now


def test_example_log_round_trip(example_path: Path, tmp_path: Path) -> None:
    """Every recordable event of the hand-written example comes back, with no problem."""
    log = read_log(example_path)
    result = round_trip(log, tmp_path)
    assert result.problems == ()
    assert validate(result.log) == []
    assert recordable(result.log) == recordable(log)
    assert set(result.log.roster.unrecorded_kinds) == set(UNRECORDED_KINDS)


def test_smoke_round_trip(tmp_path: Path) -> None:
    """Smoke: the same events; 600 random msgagentsegments answers identical; every
    dashboard value records can carry identical at 40 instants, the rest unavailable."""
    log = simulate(scenario=load_scenario("smoke"), seed=1).log
    result = round_trip(log, tmp_path)
    assert result.problems == ()
    assert validate(result.log) == []
    assert recordable(result.log) == recordable(log)
    _same_segments(log, result.log, queries=600, seed=3)
    _same_dashboard(log, result.log, instants=40, seed=4)


def test_retail_day_round_trip(retail_day_log: EventLog, tmp_path: Path) -> None:
    """retail_day (a million events): 500 random msgagentsegments answers identical and
    the dashboard identical where records can carry it, at 4 instants. (The importer's
    final validation is left to the smaller logs above: it would double the time.)"""
    result = round_trip(retail_day_log, tmp_path, check=False)
    assert result.problems == ()
    assert result.conversations == len(recordable(retail_day_log))
    _same_segments(retail_day_log, result.log, queries=500, seed=5)
    _same_dashboard(retail_day_log, result.log, instants=4, seed=6)


def test_inferred_roster_answers_the_same(tmp_path: Path) -> None:
    """Without --roster the records' own agents, user types and groups give the same
    msgagentsegments answers (filters by group and user type included)."""
    log = simulate(scenario=load_scenario("smoke"), seed=2).log
    result = round_trip(log, tmp_path, roster=False)
    assert validate(result.log) == []
    assert result.log.roster.account == log.roster.account
    _same_segments(log, result.log, queries=300, seed=7)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=small_scenarios())
def test_round_trip_of_random_small_logs(scenario: Any, tmp_path_factory: Any) -> None:
    """Any small simulated log (every behaviour switched on at random rates) comes back
    with the same recordable events and the same msgagentsegments answers."""
    log = simulate(scenario=scenario, seed=11).log
    result = round_trip(log, tmp_path_factory.mktemp("rt"))
    assert result.problems == ()
    assert validate(result.log) == []
    assert recordable(result.log) == recordable(log)
    _same_segments(log, result.log, queries=40, seed=8)


def test_import_records_of_parsed_documents() -> None:
    """Parsed records import as files do, each labelled with its position."""
    record = {
        "info": {"conversationId": "c1", "startTimeL": 1_000, "source": "APP", "status": "OPEN"},
        "consumerParticipants": [{"participantId": "u1"}],
    }
    result = import_records([record, {"info": {}}], source="body")
    assert result.conversations == 1 and result.refused == 1
    assert [p.source for p in result.problems] == ["body#1"]
    assert result.problems[0].field == "info.conversationId"


@pytest.mark.parametrize("check", [True, False])
def test_check_is_only_a_safety_net(example_path: Path, tmp_path: Path, check: bool) -> None:
    """The importer's logs are valid by construction: the final validation changes nothing."""
    log = read_log(example_path)
    out = tmp_path / "r"
    from ccbench.records import export_records, import_files

    export_records(log, out)
    result = import_files(sorted(out.glob("*.json")), roster=log.roster, check=check)
    assert validate(result.log) == []


def test_import_is_the_same_whatever_the_processes(tmp_path: Path) -> None:
    """The smoke log's pages (of 20), plus one page sent again in a last file, imported by
    1, 2 and 3 processes: the same log (every column, in order) and the same problems
    (20 conversations came twice, each reported once, wherever the two copies were read)."""
    from ccbench.records import export_records, import_files

    log = simulate(scenario=load_scenario("smoke"), seed=1).log
    export_records(log, tmp_path / "pages", page_size=20)
    files = sorted((tmp_path / "pages").glob("*.json"))
    again = tmp_path / "pages" / "zz-again.json"
    again.write_bytes(files[2].read_bytes())
    results = [import_files([*files, again], roster=log.roster, jobs=j) for j in (1, 2, 3)]
    first = results[0]
    assert len(first.problems) == 20
    assert all("also came from" in p.message for p in first.problems)
    for other in results[1:]:
        assert other.log.table.equals(first.log.table)
        assert other.log.roster == first.log.roster
        assert sorted(map(str, other.problems)) == sorted(map(str, first.problems))
        assert (other.conversations, other.refused) == (first.conversations, first.refused)
