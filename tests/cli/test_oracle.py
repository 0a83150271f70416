"""ccbench oracle: instants as epoch ms or ISO 8601, one-line errors, warnings on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccbench.cli import main
from tests.support.cli import one_line_error

# examples/example.ndjson: Europe/Paris, events from 2026-11-20T09:00Z (1795165200000)
# to 11:01:40Z. 12:00 Paris in November (UTC+1) = 11:00Z = 1795165200000 + 2 h.
NOON_MS = 1795165200000 + 2 * 3_600_000


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[object, str]:
    assert main([*argv, "--compact"]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


@pytest.mark.parametrize(
    "now", ["2026-11-20T12:00", "2026-11-20T11:00:00Z", "2026-11-20T12:00+01:00", str(NOON_MS)]
)
def test_now_in_iso_8601_equals_epoch_ms(
    now: str, example_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Local, Z, offset and epoch forms of the same instant give the same answer, no warning."""
    family = ["oracle", "agent-segments", str(example_path), "--timeframe", "180"]
    expected, _ = _json(capsys, *family, "--now", str(NOON_MS))
    answer, err = _json(capsys, *family, "--now", now)
    assert answer == expected and err == ""
    dashboard, _ = _json(capsys, "oracle", "dashboard", str(example_path), "--now", now)
    assert dashboard["now"] == NOON_MS  # type: ignore[index]


def test_instant_parameters_take_iso_8601(
    example_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """agent-performance --start and report --start/--end accept ISO 8601 like --now."""
    base = ["oracle", "agent-performance", str(example_path), "--agent-id", "12"]
    iso, _ = _json(capsys, *base, "--now", "2026-11-20T12:00", "--start", "2026-11-20")
    # midnight 2026-11-20 in Paris = 2026-11-19T23:00Z, 10 h before the first event (09:00Z)
    start_ms = 1795165200000 - 10 * 3_600_000
    ms, _ = _json(capsys, *base, "--now", str(NOON_MS), "--start", str(start_ms))
    assert iso == ms and iso["range"] == {"start": start_ms, "end": NOON_MS}  # type: ignore[index]
    report, _ = _json(
        capsys, "oracle", "report", str(example_path), "--start", "2026-11-20",
        "--end", "2026-11-21T00:00+01:00",
    )  # fmt: skip
    assert report["period"]["start"] == start_ms  # type: ignore[index]
    assert report["period"]["end"] == start_ms + 86_400_000  # type: ignore[index]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--now", "99999999999999999999"], "parameter 'now': expected an instant from 0"),
        (["--now", "253402300800000", "--from-hour", "0"], "parameter 'now': expected an instant"),
        # the last representable ms is in year 10000 in Paris: no local date for from_hour
        (["--now", "253402300799999", "--from-hour", "0"], "outside the calendar range"),
        (["--now", "-1"], "parameter 'now': expected epoch milliseconds or an ISO 8601"),
        (["--now", "noon"], "parameter 'now': expected epoch milliseconds or an ISO 8601"),
        (["--now", "1795172400000", "--threshold", "current.open"], "parameter 'threshold'"),
        (["--now", "1795172400000", "--threshold=nan"], "parameter 'threshold'"),
        (["--now", "1795172400000", "--threshold", "current.open:nan"], "parameter 'threshold'"),
        (["--now", "1795172400000", "--threshold", "current.open:"], "parameter 'threshold'"),
    ],
)
def test_bad_dashboard_input_is_one_line(
    extra: list[str], needle: str, example_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Huge or out-of-calendar instants, malformed ones and thresholds without a finite
    value: exit 2 and one line naming the parameter, never a traceback or a NaN limit."""
    line = one_line_error(capsys, "oracle", "dashboard", str(example_path), *extra)
    assert needle in line


def test_supervision_at_the_end_of_the_calendar_is_one_line(
    example_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The supervision page needs now's local date; past year 9999 locally it is one line."""
    argv = ["oracle", "supervision", str(example_path), "--site-id", "paris"]
    line = one_line_error(capsys, *argv, "--now", "9999-12-31T23:59:59.999Z")
    assert "parameter 'now_ms': now (253402300799999 ms) is outside the calendar range" in line


def test_invalid_log_warns_and_says_how_to_validate(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A log that breaks the contract is still answered (exit 0) with one warning line on
    stderr naming the violations and the command that lists them."""
    lines = example_path.read_text().splitlines()
    opened = next(i for i, x in enumerate(lines) if '"conversation.opened"' in x)
    broken = tmp_path / "broken.ndjson"
    broken.write_text("\n".join(lines[:opened] + lines[opened + 1 :]) + "\n")
    _, err = _json(capsys, "oracle", "dashboard", str(broken), "--now", str(NOON_MS))
    assert err.count("\n") == 1
    assert f"warning: {broken} breaks the event-log contract" in err
    assert f"ccbench validate {broken}" in err


def test_now_before_the_first_event_warns(
    example_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--now at or before the first event (nothing is seen: every count 0) warns once and
    points at `ccbench info`; the answer is still printed."""
    first = "1795165200000"  # the first event is seen from ts + 1
    family = ["oracle", "agent-segments", str(example_path), "--timeframe", "60"]
    answer, err = _json(capsys, *family, "--now", first)
    assert answer["metricsTotal"]["totalAgentConversationSegments"] == 0  # type: ignore[index]
    assert err.count("\n") == 1 and "sees no event" in err
    assert f"ccbench info {example_path}" in err
    _, err = _json(capsys, *family, "--now", str(int(first) + 1))
    assert err == ""


def test_on_a_terminal_the_phases_are_shown(
    example_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a terminal the oracle commands show reading, checking and building as phases."""
    from ccbench.cli import _oracle

    shown: list[str] = []

    class Recording(_oracle.Phases):
        def step(self, phase: str):  # type: ignore[no-untyped-def,override]
            shown.append(phase)
            return super().step(phase)

    monkeypatch.setattr(_oracle, "on_terminal", lambda: True)
    monkeypatch.setattr(_oracle, "Phases", Recording)
    _json(capsys, "oracle", "dashboard", str(example_path), "--now", str(NOON_MS))
    assert shown == [
        f"reading {example_path}",
        "checking 169 events against the contract",
        "building the oracle",
    ]


def test_csv_of_an_imported_log_marks_unavailable_columns(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On the example imported from records, `--csv skills` leaves the five login-based
    columns empty (the complete log's billing row says 3 online agents and 10 slots at
    noon) and names each on stderr with its reason; stdout stays plain CSV; the complete
    log prints no such line."""
    pages, log = tmp_path / "pages", tmp_path / "imported.parquet"
    assert main(["export", "liveperson-records", str(example_path), "--out", str(pages)]) == 0
    files = [str(p) for p in sorted(pages.glob("*.json"))]
    assert main(["import", "liveperson-records", *files, "--out", str(log)]) == 0
    capsys.readouterr()
    argv = ["oracle", "dashboard", "--now", str(NOON_MS), "--csv", "skills"]
    assert main([*argv, str(example_path)]) == 0
    full = capsys.readouterr()
    assert main([*argv, str(log)]) == 0
    imported = capsys.readouterr()
    header = full.out.splitlines()[0].split(",")
    lost = ["load", "online", "away", "back_soon", "max_slots"]
    for out, want in ((full.out, ["0.0", "3", "0", "0", "10"]), (imported.out, [""] * 5)):
        billing = dict(zip(header, out.splitlines()[1].split(","), strict=True))
        assert [billing[c] for c in lost] == want
    assert "unavailable" not in full.err
    lines = [x for x in imported.err.splitlines() if "unavailable in the skills CSV" in x]
    assert [x.split(": ")[2] for x in lines] == [f"column {c}" for c in lost]
    assert all("agent.status" in x for x in lines)
    assert main([*argv[:-1], "agents", str(log)]) == 0
    agents = capsys.readouterr()
    assert agents.out.count("\n") == 1  # the header: no agent is known to be logged in
    assert "unavailable in the agents CSV: its rows: the table lists logged-in agents" in agents.err
