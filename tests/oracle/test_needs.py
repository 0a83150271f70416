"""Unavailable is not zero: a metric needing a kind the log's source cannot record is
null, with the reason, in every family's response."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ccbench.eventlog import EventLog, read_log
from oracle import CATALOG, Oracle, table_csv
from oracle._needs import NEEDS, apply_unavailable, needs
from tests.support.records import round_trip

T_1030 = 1_795_170_600_000  # 2026-11-20 10:30 UTC, inside the example's span
_AGENT_KINDS = ("agent.login", "agent.logout", "agent.status")


def _without_agent_states(log: EventLog) -> EventLog:
    """The example as a source without logins and statuses would give it."""
    kinds = log.table.column("kind").to_pylist()
    keep = [not k.startswith("agent.") for k in kinds]
    roster = replace(log.roster, unrecorded_kinds=_AGENT_KINDS)
    return EventLog.from_table(log.table.filter(keep), roster=roster)


def test_every_metric_states_its_needs() -> None:
    """Each registered metric needs at least one kind; LOAD needs agent statuses, the
    agent-segment metrics none of them."""
    assert set(NEEDS) == {m.name for m in CATALOG} and all(NEEDS.values())
    assert set(_AGENT_KINDS) <= set(needs("dashboard.load"))
    assert not set(_AGENT_KINDS) & set(needs("avgAgentSegmentDuration"))
    assert {"view.started", "view.ended"} <= set(needs("agent_performance.aht"))


def test_complete_logs_answer_unchanged(example_path: Path) -> None:
    """A roster listing no unrecorded kind adds no "unavailable" and nulls nothing."""
    body = Oracle(read_log(example_path)).dashboard(now_ms=T_1030)
    assert "unavailable" not in body and isinstance(body["current"]["load"], float)


def test_load_without_agent_states_is_unavailable_not_zero(example_path: Path) -> None:
    """Without logins the LOAD is null with the reason, and so is the agents table (it
    lists the logged-in agents), while OPEN (the conversations' state, which the log
    records) is what the complete log says."""
    complete = Oracle(read_log(example_path)).dashboard(now_ms=T_1030)
    body = Oracle(_without_agent_states(read_log(example_path))).dashboard(now_ms=T_1030)
    assert body["current"]["load"] is None
    assert "agent.login" in body["unavailable"]["current.load"]
    assert body["current"]["open"] == complete["current"]["open"]
    assert body["agents"]["rows"] is None and "agents.rows" in body["unavailable"]


@pytest.mark.parametrize(
    ("family", "call", "path"),
    [
        (
            "supervision",
            lambda o: o.supervision(now_ms=T_1030, site_id="paris"),
            "agents_by_status",
        ),
        (
            "report",
            lambda o: o.report(start_ms=T_1030 - 7_200_000, end_ms=T_1030),
            "agents[].connection_hours",
        ),
    ],
)
def test_every_family_reports_its_unavailable_values(
    example_path: Path, family: str, call: object, path: str
) -> None:
    """Supervision and report name their login-based values as unavailable too."""
    body = call(Oracle(_without_agent_states(read_log(example_path))))  # type: ignore[operator]
    assert path in body["unavailable"]
    assert body["unavailable"][path].endswith("(roster.unrecorded_kinds)")


def test_paths_reach_every_row_and_key(example_path: Path) -> None:
    """``a[].b`` nulls b in every row, ``a.<x>.b`` b under every key, a path the body
    lacks nothing; the reasons land under "unavailable"."""
    log = read_log(example_path)
    no_messages = replace(log.roster, unrecorded_kinds=("message.sent",))
    body = {
        "response_times": {
            "chat": {"first_routed_response_time": 5, "other": 1},
            "messaging": {"first_routed_response_time": 6},
        },
        "messages_sent": [{"start": 0, "count": 3}, {"start": 1, "count": 4}],
        "marked_done": 2,
    }
    out = apply_unavailable(body, no_messages, family="agent_performance")
    assert out["response_times"] == {
        "chat": {"first_routed_response_time": None, "other": 1},
        "messaging": {"first_routed_response_time": None},
    }
    assert out["messages_sent"] == [{"start": 0, "count": None}, {"start": 1, "count": None}]
    assert out["marked_done"] == 2
    assert "messages_sent[].count" in out["unavailable"]


def _imported(example_path: Path, tmp_path: Path) -> EventLog:
    """The example exported as LivePerson records and imported back: no logins,
    statuses or offers (roster.unrecorded_kinds lists them)."""
    return round_trip(read_log(example_path), tmp_path).log


def test_csv_tables_of_an_imported_log_leave_unavailable_cells_empty_not_zero(
    example_path: Path, tmp_path: Path
) -> None:
    """At 10:30 the complete example's billing (333) row has 3 agents online and 10 slots:
    its roster agents Alice (3 slots), Bruno (2) and Maya (5) are all online then. The
    imported log cannot know it, so those cells are None (an empty CSV cell), never 0,
    while the conversation columns are the complete log's; the agents table (logged-in
    agents) has no row and says why."""
    complete = Oracle(read_log(example_path))
    oracle = Oracle(_imported(example_path, tmp_path))
    full = {r["skill_id"]: r for r in complete.dashboard_table("skills", now_ms=T_1030)}
    rows = {r["skill_id"]: r for r in oracle.dashboard_table("skills", now_ms=T_1030)}
    assert (full[333]["online"], full[333]["max_slots"]) == (3, 10)
    lost = ("load", "online", "away", "back_soon", "max_slots")
    assert set(oracle.unavailable_columns(family="dashboard", table="skills")) == set(lost)
    for sid, row in rows.items():
        assert all(row[c] is None for c in lost)
        assert {k: v for k, v in row.items() if k not in lost} == {
            k: v for k, v in full[sid].items() if k not in lost
        }
    assert table_csv(list(rows.values()), "skills").splitlines()[1].split(",")[5:10] == [""] * 5
    agents = oracle.unavailable_columns(family="dashboard", table="agents")
    assert oracle.dashboard_table("agents", now_ms=T_1030) == []
    assert "logged-in agents" in agents[""] and "agent.status" in agents["load"]
    assert complete.unavailable_columns(family="dashboard", table="skills") == {}


def test_report_and_supervision_null_what_offers_and_logins_decide(
    example_path: Path, tmp_path: Path
) -> None:
    """Without offers the report's handled/missed split (13 handled and 1 missed on the
    complete example over 08:30-10:30: two direct offers start assignments the records do
    not show) is null in total and per day, and its CSV columns are named; the supervision
    page's per-agent table lists agents logged in to the site, so it is null too."""
    oracle = Oracle(_imported(example_path, tmp_path))
    full = Oracle(read_log(example_path)).report(start_ms=T_1030 - 7_200_000, end_ms=T_1030)
    body = oracle.report(start_ms=T_1030 - 7_200_000, end_ms=T_1030)
    assert (full["contact_center"]["handled"], full["contact_center"]["missed"]) == (13, 1)
    cc = body["contact_center"]
    assert cc["handled"] is cc["missed"] is cc["missed_by_outcome"] is cc["wait_samples"] is None
    assert cc["daily"][0]["handled"] is cc["daily"][0]["missed"] is None
    assert cc["daily"][0]["messages"] == full["contact_center"]["daily"][0]["messages"] == 25
    assert set(oracle.unavailable_columns(family="report", table="daily")) == {
        "cc_handled",
        "cc_missed",
    }
    assert set(oracle.unavailable_columns(family="report", table="agents")) == {"connection_hours"}
    assert set(oracle.unavailable_columns(family="report", table="agents_daily")) == {
        "connection_hours"
    }
    site = oracle.log.roster.sites[0].id
    page = oracle.supervision(now_ms=T_1030, site_id=site)
    assert page["agents"] is None and "agents" in page["unavailable"]
    assert {"", "presence_ms", "contacts_per_hour"} == set(
        oracle.unavailable_columns(family="supervision", table="agents")
    )
