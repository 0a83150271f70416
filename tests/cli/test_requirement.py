"""ccbench requirement: writes CSV, JSON, config, plots; re-runs identically; refuses bad input."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest

from ccbench.cli import main
from tests.support.cli import forbid, one_line_error

HEAD = "interval_start,skill,volume,aht_s,patience_s\n"


def _forecast(tmp_path: Path) -> Path:
    """Calls and chats from 08:00 to 10:00 in 30 min intervals (chats with 2 slots)."""
    rows = []
    for h in (8, 9):
        for m in (0, 30):
            rows.append(f"2026-03-02 {h:02d}:{m:02d},calls,{20 + 5 * h},200,120")
            rows.append(f"2026-03-02 {h:02d}:{m:02d},chat,{15 + m / 3},400,")
    path = tmp_path / "f.csv"
    path.write_text(HEAD + "\n".join(rows) + "\n")
    return path


def _run(argv: list[str]) -> int:
    return main(["requirement", *argv, "-j", "1", "-q", "-r", "2"])


def test_requirement_writes_tables_json_config_and_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two teams on one day: 48 x 2 requirement rows, 48 x 2 skill rows, a resolved config
    naming the forecast copy, and two plots per team."""
    out = tmp_path / "out"
    code = _run(
        [str(_forecast(tmp_path)), "--slots", "chat=2", "--shrinkage", "0.25", "--out", str(out)]
    )
    assert code == 0
    printed = capsys.readouterr()
    assert "calls\tcalls" in printed.out and "wrote 9 files" in printed.err
    rows = list(csv.DictReader((out / "requirement.csv").read_text().splitlines()))
    assert len(rows) == 96 and {r["group"] for r in rows} == {"calls", "chat"}
    eight = next(r for r in rows if r["group"] == "calls" and r["interval_start"] == "08:00")
    # 60 calls/h x 200 s = 3.33 Erlangs -> Erlang A agents; headcount = ceil(n / 0.75).
    n = int(eight["erlang_agents"])
    assert int(eight["erlang_headcount"]) == -(-n * 4 // 3)
    assert int(eight["difference"]) == int(eight["simulated_agents"]) - n
    assert len(eight["service_level_mean"].split(".")[1]) == 4  # fractions: 4 decimals
    closed = next(r for r in rows if r["interval_start"] == "03:00")
    assert closed["erlang_agents"] == "0" and closed["service_level_mean"] == ""
    skills = list(csv.DictReader((out / "intervals.csv").read_text().splitlines()))
    open_ = [r for r in skills if r["interval_start"] == "08:00"]
    assert len(skills) == 96 and [r["erlang_model"] for r in open_] == ["Erlang A", "Erlang C"]
    config = tomllib.loads((out / "config.toml").read_text())
    assert config["forecast"] == "forecast.csv" and config["shrinkage"] == 0.25
    assert config["skills"][1] == {"name": "chat", "channel": "chat", "max_slots": 2, "group": ""}
    doc = json.loads((out / "results.json").read_text())
    assert [g["group"] for g in doc["groups"]] == ["calls", "chat"]
    assert sorted(p.name for p in (out / "plots").iterdir()) == [
        "requirement_2026-03-02_calls.png",
        "requirement_2026-03-02_chat.png",
        "time_of_day_2026-03-02_calls.png",
        "time_of_day_2026-03-02_chat.png",
    ]


def test_config_reruns_to_identical_numbers(tmp_path: Path) -> None:
    """ccbench requirement --config <out>/config.toml gives byte-identical tables and JSON;
    a changed forecast copy is refused (its SHA-256 no longer matches)."""
    first, second = tmp_path / "a", tmp_path / "b"
    argv = [str(_forecast(tmp_path)), "--pool", "team=calls,chat", "--seed", "4"]
    assert _run([*argv, "--out", str(first), "--no-plots"]) == 0
    assert main(["requirement", "--config", str(first / "config.toml"), "-j", "1", "-q",
                 "--out", str(second), "--no-plots"]) == 0  # fmt: skip
    for name in ("requirement.csv", "intervals.csv", "config.toml"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    a, b = (json.loads((d / "results.json").read_text()) for d in (first, second))
    assert a["forecast"].pop("source") != b["forecast"].pop("source")  # the copy's path
    assert a == b
    with (first / "forecast.csv").open("a") as f:
        f.write("2026-03-02 10:00,calls,1,200,120\n")
    assert main(["requirement", "--config", str(first / "config.toml"), "-q",
                 "--out", str(tmp_path / "c")]) == 2  # fmt: skip
    assert not (tmp_path / "c").exists()


A8, A830, A9 = "2026-03-02 08:00", "2026-03-02 08:30", "2026-03-02 09:00"
THIRTY = ["--interval-min", "30"]


@pytest.mark.parametrize(
    ("body", "extra", "needle"),
    [
        (f"{A8},calls,5,200,\n{A9},calls,5,200,\n{A830},calls,-1,200,\n", [],
         "row 4, column volume, value '-1'"),
        (f"{A8},calls,5,200,\n{A830},calls,5,200,\n2026-03-02 09:30,calls,5,200,\n", [],
         "row 4, column interval_start, value '2026-03-02 09:30:00': gap"),
        (f"{A8},calls,5,200,\n{A8},calls,5,200,\n", THIRTY,
         f"row 3, column interval_start, value '{A8}:00': overlaps row 2"),
        (f"{A8},calls,5,200,\n2026-03-02 08:25,calls,5,200,\n", [],
         "interval length 25 min (after row 2) does not divide 24 h"),
        (f"{A8},calls,,200,\n", THIRTY, "row 2, column volume, value '': missing"),
        (f"{A8},calls,5,200,\n", [*THIRTY, "--slots", "chat=3"],
         "'skills.chat': the forecast has no rows for it"),
        (f"{A8},calls,5,200,\n", [*THIRTY, "--shrinkage", "1"], "'shrinkage'"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_and_writes_nothing(
    body: str, extra: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Negative/missing volumes, gaps, overlaps, a length not dividing the day, unknown
    skills, bad shrinkage: one line naming row, column and value; no output folder."""
    path = tmp_path / "bad.csv"
    path.write_text(HEAD + body)
    out = tmp_path / "out"
    assert _run([str(path), *extra, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ccbench requirement: error: ") and needle in err, err
    assert err.count("\n") == 1 and not out.exists()


def test_config_file_sets_skills_and_unknown_skills_in_rows_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hand-written config names its skills; a forecast row with another skill is
    refused by row, column and value."""
    forecast = _forecast(tmp_path)
    config = tmp_path / "c.toml"
    config.write_text(
        f'forecast = "{forecast.name}"\n[[skills]]\nname = "calls"\n'
        "[targets]\nservice_level = 0.7\n"
    )
    assert main(["requirement", "--config", str(config), "-q", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "row 3, column skill, value 'chat': unknown skill; expected one of calls" in err


def test_out_under_a_file_is_refused_before_any_replication(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out under a regular file: exit 2 and one line, and no replication ran."""
    import plan

    forbid(monkeypatch, plan, "run_requirement", "replications ran")
    (tmp_path / "plain").write_text("")
    out = str(tmp_path / "plain" / "r")
    line = one_line_error(capsys, "requirement", str(_forecast(tmp_path)), "--out", out)
    assert "plain is a file; expected a folder there" in line
