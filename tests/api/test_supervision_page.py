"""The supervision family (ccbench/api/_supervision_page.py) matches the event-log contract,
the oracle's answer and the oracle's defaults."""

from __future__ import annotations

import oracle
from ccbench.api import SUPERVISION, SUPERVISION_AGENT_COLUMNS, load_conformance
from ccbench.eventlog import CHANNELS
from tests.support.api_keys import assert_key_order

NOW = load_conformance().now_ms  # 11:50 Paris, during the example log


def test_channels_are_the_event_log_contracts() -> None:
    """The contract cannot import ccbench.eventlog: its channel names are checked here."""
    assert SUPERVISION.parameter("channels").choices == CHANNELS


def test_page_follows_the_declared_key_order(example_oracle: oracle.Oracle) -> None:
    """Top level, day and every per-agent row in declared order (also the CSV header)."""
    page = example_oracle.supervision(now_ms=NOW, site_id="paris")
    assert assert_key_order(SUPERVISION, page) == 2 + len(page["agents"]) > 2
    assert oracle.SUPERVISION_AGENT_COLUMNS is SUPERVISION_AGENT_COLUMNS


def test_defaults_are_the_contracts_or_the_rosters(example_oracle: oracle.Oracle) -> None:
    """Absent parameters: bands 80/60, top2, contacts, chat+call (the contract), signal
    maxima and objectives from the roster."""
    roster = example_oracle.log.roster
    p = oracle.SupervisionParams.create(roster, now_ms=NOW, site_id="paris")
    assert (p.satisfaction_good_pct, p.satisfaction_poor_pct) == (80.0, 60.0)
    assert (p.satisfaction, p.conversion_rate, p.channels) == (
        "top2",
        "contacts",
        frozenset({"chat", "call"}),
    )
    assert (p.max_handling_ms, p.max_response_ms) == (
        roster.signals.max_handling_ms,
        roster.signals.max_response_ms,
    )
    assert p.objectives == roster.objectives
