"""ccbench info: a log's time range, counts and accounts, as text and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccbench.cli import main
from tests.support.cli import one_line_error


def test_json_facts_of_the_example_log(
    example_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json gives the example's range, counts and account, read off examples/example.ndjson.

    First event e0001 at ts 1795165200000 = 2026-11-20T09:00Z, 10:00 in Paris (UTC+1 in
    November); last e0167 at 1795172500000, 7,300 s later: 12:01:40 Paris. Twelve
    conversations (examples/README.md), 169 lines after the header, all of account acme.
    """
    assert main(["info", "--json", str(example_path)]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["account"] == "acme" and facts["timezone"] == "Europe/Paris"
    assert facts["events"] == 169 and facts["event_accounts"] == {"acme": 169}
    assert (facts["first_ts"], facts["last_ts"]) == (1795165200000, 1795172500000)
    assert facts["first"] == "2026-11-20T10:00:00.000+01:00"
    assert facts["last"] == "2026-11-20T12:01:40.000+01:00"
    assert facts["conversations"] == 12 and sum(facts["channels"].values()) == 12
    assert facts["kinds"]["conversation.opened"] == 12
    assert sum(facts["kinds"].values()) == 169
    assert facts["roster"] == {"sites": 2, "groups": 3, "skills": 3, "agents": 5, "bots": 1}


def test_text_names_the_instants_now_accepts(
    example_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text form shows first and last event as ISO local time and epoch ms, which
    `oracle --now` then accepts."""
    assert main(["info", str(example_path)]) == 0
    out = capsys.readouterr().out
    assert "first event    2026-11-20T10:00:00.000+01:00  1795165200000" in out
    assert "account        acme (roster), time zone Europe/Paris" in out
    now = "2026-11-20T12:01:40.001+01:00"  # one ms after the last event: everything seen
    argv = ["oracle", "agent-segments", str(example_path), "--now", now, "--timeframe", "180"]
    assert main([*argv, "--compact"]) == 0
    assert capsys.readouterr().err == ""


def test_missing_log_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file: exit 2 and one line."""
    assert "no such file" in one_line_error(capsys, "info", str(tmp_path / "x.parquet"))
