"""The metric registry names every seed metric."""

from __future__ import annotations

from pathlib import Path

import pytest

from oracle import CATALOG, FAMILIES, metric

DOC = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text()

# Every metric named in the seed texts (../shared/seeds), by seed, with the seed's own
# wording. Where one seed uses the same word in two sections (seed 003's agents and skills
# tables both have "Open", "Closed", "CSAT"), the section is added in parentheses.
SEED_METRICS: dict[str, tuple[str, ...]] = {
    "000": (
        "Open conversations", "Snoozed Conversations", "Marked Done", "Average Handle Time",
        "First Routed Response Time", "Average Response Time", "Messages Sent",
        "First Contact Resolution", "Average First Resolution", "Breached Conversations",
        "SLA Achieved", "Satisfaction Score",
    ),
    "001": (
        "New Users", "Active Users", "Total Messages", "Peak Volume (RPM)", "Peak Time",
        "Incoming Messages", "Conversations", "Average Messages per Conversation",
        "Max Messages per Minute", "Most Frequent Intents", "Language Distribution",
        "Conversation Start Flows", "Total Conversations", "Missed Conversations",
        "Total Messages (contact center)", "Unique Users", "Handled vs. Missed",
        "Closing Reasons", "Average Conversation Time", "Average Wait Time",
        "Conversations per Agent", "Evolution of Number of Conversations",
        "Total Conversation Minutes", "Conversation Minutes Evolution",
        "Total Connection Hours", "Connection Hours Evolution",
    ),
    "002": (
        "Online agents", "Satisfaction", "Satisfaction by criterion", "Goals to be achieved",
        "Visitors connected to chat or call", "Visitors shown in red", "Available slots",
        "Presence", "Contacts", "AHT", "Contacts/H", "T/O", "Conv. Rate", "Transactions",
        "Satisfaction (agent)", "In progress", "Status",
    ),
    "003": (
        "OPEN", "UNASSIGNED", "ASSIGNED", "ACTIVE", "LOAD", "LOAD - online", "LOAD - other",
        "RESPONSE TIME", "RESPONSE TIME - Consumer", "TTFR FROM ALL ASSIGN",
        "TIME TO FIRST RESPONSE (TTFR)", "TIME TO FIRST RESPONSE (TTFR) - Consumer",
        "TTFR FROM FIRST ASSIGN", "WAIT TIME", "TIME TO FIRST ASSIGN", "MCS", "MCS - Positive",
        "MCS - Negative", "IN QUEUE", "ENTERED QUEUE", "ABANDONED", "ABANDON RATE",
        "AVG. TIME TO ABANDON", "CONNECTED", "SERVICE LEVEL", "OCCUPANCY",
        "AVG. TIME TO ANSWER", "AHT", "Closed conversation graph", "CSAT",
        "Average resolution time", "Response time", "Assign to response time",
        "First response time", "First assignment time", "Wait time", "MCS (closed)",
        "Status time", "Open (agent)", "Active (agent)", "Load (agent)", "Closed (agent)",
        "Average resolution time (agent)", "CSAT (agent)", "Open (skill)",
        "Unassigned (skill)", "Assigned (skill)", "Load (skill)", "Online agents", "Away",
        "Back soon agents", "Max slots", "Closed (skill)", "Average resolution time (skill)",
        "CSAT (skill)",
    ),
    "004": (
        "totalAgentConversationSegments", "avgAgentMessagesinAgentSegment",
        "avgAgentSegmentDuration", "interactiveAgentSegments",
        "agentSegmentsAbandonedByConsumers", "agentSegmentsWithNonResponsiveConsumers",
        "agentSegmentsWithNonResponsiveAgents", "avgTimetoFirstAgentMessageFromAgentAssignment",
        "avgTimetoFirstAgentMessageFromAgentAssignment_AfterTransfer",
        "avgTimetoFirstAgentMessageFromAgentAssignment_NewConversation",
        "avgTimeToResponseFromAgentAssignment",
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("seed", "label"), [(s, label) for s, labels in SEED_METRICS.items() for label in labels]
)
def test_every_seed_metric_is_registered(seed: str, label: str) -> None:
    """Each metric a seed names has a registry entry with that seed and label."""
    assert any(m.seed == seed and m.label == label for m in CATALOG)


def test_registry_has_no_metric_outside_the_seeds() -> None:
    """Every registry entry is one of the seed metrics above (no invented metric)."""
    named = {(s, label) for s, labels in SEED_METRICS.items() for label in labels}
    assert {(m.seed, m.label) for m in CATALOG} == named
    assert len({m.name for m in CATALOG}) == len(CATALOG)


def test_registry_entries_are_complete() -> None:
    """Every entry has a family matching its seed, a unit and a definition."""
    units = {"count", "ms", "percent", "ratio", "score", "minutes", "hours", "minor_units",
             "timestamp_ms", "distribution"}  # fmt: skip
    for m in CATALOG:
        assert FAMILIES[m.family] == m.seed, m.name
        assert m.unit in units, m.name
        assert m.definition and m.empty and m.rounding, m.name


def test_part1_metrics_are_registered_as_computed() -> None:
    """The 11 msgagentsegments metrics point at Oracle.agent_segments."""
    from oracle import AGENT_SEGMENT_METRICS

    for name in AGENT_SEGMENT_METRICS:
        assert (metric(name).computed_by or "").startswith("Oracle.agent_segments")


def test_dashboard_metrics_point_at_snapshot_keys() -> None:
    """Every computed seed 003 metric names a path that exists in a dashboard snapshot."""
    from oracle import Oracle
    from tests.support.oracle_logs import random_log

    oracle = Oracle(random_log(seed=3, conversations=40))
    snaps = [oracle.dashboard(now_ms=1_700_000_900_000, mode=m) for m in ("messaging", "chat")]
    for m in CATALOG:
        if m.family != "dashboard":
            continue
        assert m.computed_by is not None, m.name
        path = m.computed_by.split(" -> ")[1].split(".")
        # each mode shows its own section: the one that has it
        snap = next(s for s in snaps if s[path[0]] is not None)
        node = snap[path[0]]
        if path[1] == "rows[]":
            assert path[2] in snap[path[0]]["rows"][0], m.name
        else:
            assert path[1] in node, m.name
