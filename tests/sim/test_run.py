"""simulate(): valid logs, determinism, result tables, manifest and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccbench import ParameterError
from ccbench.cli import main
from ccbench.eventlog import read_log, validate
from sim import load_scenario, manifest_path, simulate, write_result

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def smoke():  # type: ignore[no-untyped-def]
    return load_scenario(ROOT / "scenarios" / "smoke.toml")


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_smoke_log_is_valid(smoke, seed: int) -> None:  # type: ignore[no-untyped-def]
    """The smoke scenario's log has zero contract violations, for several seeds."""
    result = simulate(scenario=smoke, seed=seed)
    assert validate(result.log) == []
    assert result.engine == "general"


def test_smoke_exercises_every_event_kind(smoke) -> None:  # type: ignore[no-untyped-def]
    """With every behaviour on, each of the contract's event kinds appears in the log."""
    from ccbench.eventlog import KINDS

    counts = simulate(scenario=smoke, seed=1).log.kind_counts()
    assert sorted(counts) == sorted(KINDS)


def test_every_sender_role_and_reason_appears(smoke) -> None:  # type: ignore[no-untyped-def]
    """Messages use all six sender roles; accepts use all five assignment reasons."""
    table = simulate(scenario=smoke, seed=1).log.table
    rows = table.to_pylist()
    roles = {r["sender_role"] for r in rows if r["kind"] == "message.sent"}
    reasons = {r["reason"] for r in rows if r["kind"] == "assignment.accepted"}
    closers = {r["closed_by"] for r in rows if r["kind"] == "conversation.closed"}
    assert roles == {"consumer", "agent", "bot", "system", "manager", "participant"}
    assert reasons == {"new", "transfer", "back_to_queue", "takeover", "resume"}
    assert closers == {"consumer", "agent", "system"}


def test_same_seed_same_bytes(smoke, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The same scenario and seed give a byte-identical Parquet file; another seed differs."""
    paths = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        log_path, _ = write_result(
            simulate(scenario=smoke, seed=seed), tmp_path / f"{name}.parquet"
        )
        paths.append(log_path.read_bytes())
    assert paths[0] == paths[1]
    assert paths[0] != paths[2]


def test_queue_facts_match_the_log(smoke) -> None:  # type: ignore[no-untyped-def]
    """Answered/abandoned facts agree with the log's first human accept and abandon events."""
    result = simulate(scenario=smoke, seed=2)
    facts = {r["conversation_id"]: r for r in result.queue.to_pylist()}
    abandoned = {
        r["conversation_id"]: r["ts"]
        for r in result.log.records()
        if r["kind"] == "conversation.abandoned"
    }
    assert {c for c, r in facts.items() if r["abandoned_ms"] is not None} == set(abandoned)
    for cid, ts in abandoned.items():
        assert facts[cid]["abandoned_ms"] == ts
    bots = {a.id for a in result.log.roster.agents if a.user_type == "bot"}
    first_human: dict[str, int] = {}
    for r in result.log.records():
        if r["kind"] == "assignment.accepted" and r["agent_id"] not in bots:
            first_human.setdefault(r["conversation_id"], r["ts"])
    for cid, r in facts.items():
        assert r["answered_ms"] == first_human.get(cid)
        assert r["arrival_ms"] <= (r["queued_ms"] or r["arrival_ms"])


def test_days_override_and_bad_parameters(smoke) -> None:  # type: ignore[no-untyped-def]
    """days sets the horizon to 24*days; bad seed/engine/days raise ParameterError."""
    assert simulate(scenario=smoke, seed=0, days=0.05).scenario.scenario.hours == pytest.approx(1.2)
    with pytest.raises(ParameterError, match="'seed'"):
        simulate(scenario=smoke, seed=-1)
    with pytest.raises(ParameterError, match="'engine'"):
        simulate(scenario=smoke, seed=0, engine="turbo")
    with pytest.raises(ParameterError, match="fast path cannot run"):
        simulate(scenario=smoke, seed=0, engine="fast")
    with pytest.raises(ParameterError, match="'days'"):
        simulate(scenario=smoke, seed=0, days=0)


def test_cli_writes_log_and_manifest(tmp_path: Path) -> None:
    """`ccbench simulate` writes a valid log and a manifest with seed, counts and scenario."""
    out = tmp_path / "smoke.parquet"
    assert (
        main(["simulate", str(ROOT / "scenarios" / "smoke.toml"), "--seed", "4", "--out", str(out)])
        == 0
    )
    log = read_log(out)
    assert validate(log) == []
    manifest = json.loads(manifest_path(out).read_text())
    assert manifest["seed"] == 4
    assert manifest["scenario"]["scenario"]["name"] == "smoke"
    assert manifest["event_counts"] == log.kind_counts()
    assert sum(manifest["event_counts"].values()) == manifest["events"] == len(log)


def test_cli_reports_bad_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A broken scenario exits 2 with the field named on stderr."""
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (ROOT / "scenarios" / "smoke.toml")
        .read_text()
        .replace("containment = 0.3", "containment = 3.0")
    )
    assert main(["simulate", str(bad), "--out", str(tmp_path / "x.parquet")]) == 2
    assert ".bots[0].containment: expected a probability" in capsys.readouterr().err


@pytest.mark.parametrize("days", [1e6, float("inf"), 366.5])
def test_days_past_the_bound_are_refused_before_simulating(days: float) -> None:
    """simulate(days=...) beyond 366 days is a ParameterError naming days, not a hang."""
    from ccbench import ParameterError

    with pytest.raises(ParameterError, match=r"parameter 'days': .*at most 366 days"):
        simulate(scenario=load_scenario("erlang_c"), seed=0, days=days)


def test_smoke_produces_the_format_2_events(smoke) -> None:  # type: ignore[no-untyped-def]
    """Smoke's outbound SMS campaign opens outbound conversations whose first message is
    the brand's (system); agents write internal notes as themselves; some agents go busy;
    some surveys are sent and never answered; sales come in EUR and USD; the web stream's
    conversations name the business-hours policy, which the roster holds."""
    log = simulate(scenario=smoke, seed=1).log
    rows = list(log.records())
    outbound = {r["conversation_id"] for r in rows if r.get("direction") == "outbound"}
    first: dict[str, str] = {}
    for r in rows:
        if r["kind"] == "message.sent" and r.get("visibility") != "internal":
            first.setdefault(r["conversation_id"], r["sender_role"])
    assert outbound and {first[c] for c in outbound if c in first} == {"system"}
    notes = [r for r in rows if r.get("visibility") == "internal"]
    assert notes and {r["sender_role"] for r in notes} <= {"agent", "manager"}
    assert any(r.get("status") == "busy" for r in rows)
    sent = {r["conversation_id"] for r in rows if r["kind"] == "survey.sent"}
    answered = {r["conversation_id"] for r in rows if r["kind"] == "survey.answered"}
    assert sent - answered
    assert {r["currency"] for r in rows if r["kind"] == "sale.recorded"} == {"EUR", "USD"}
    assert {r.get("sla_policy") for r in rows if r["kind"] == "conversation.opened"} == {
        None,
        "business",
    }
    assert [p.clock for p in log.roster.sla_policies] == ["calendar", "business"]
    assert log.roster.business_hours
