"""``ccbench export/import liveperson-records``: files, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ccbench.cli import main
from ccbench.eventlog import read_log, validate

DATA = Path(__file__).resolve().parents[1] / "data" / "liveperson"


def test_export_then_import_then_oracle(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example exports to one page, imports back to a valid log, and the oracle's
    dashboard on it names LOAD as unavailable instead of printing 0."""
    assert (
        main(["export", "liveperson-records", str(example_path), "--out", str(tmp_path / "rec")])
        == 0
    )
    assert "12 conversations" in capsys.readouterr().err
    pages = sorted((tmp_path / "rec").glob("*.json"))
    out = tmp_path / "imported.parquet"
    assert main(["import", "liveperson-records", *map(str, pages), "--out", str(out)]) == 0
    assert "12 conversations" in capsys.readouterr().err
    assert validate(read_log(out)) == []
    assert main(["oracle", "dashboard", str(out), "--now", "1795170600000"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["current"]["load"] is None and "current.load" in body["unavailable"]


def test_strict_fails_on_problems_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--strict: the vendor's example has problems, so exit 1, each printed on one line,
    no log written; --problems writes them all as JSON lines."""
    out, report = tmp_path / "log.parquet", tmp_path / "problems.ndjson"
    code = main(
        [
            "import",
            "liveperson-records",
            str(DATA / "consumer_metadata_example.json"),
            "--out",
            str(out),
            "--strict",
            "--problems",
            str(report),
        ]
    )
    assert code == 1 and not out.exists()
    err = capsys.readouterr().err
    assert err.count("problem: ") == 5 and "nothing written" in err
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert {line["field"] for line in lines} >= {"info.csatRate", "info.alertedMCS"}
    assert all(line["conversation_id"] == "e5c58e49-e4a5-40a8-8a18-d6580d1d5630" for line in lines)


def test_without_strict_problems_are_reported_and_the_log_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --strict the same file imports (exit 0) with its problems on stderr."""
    out = tmp_path / "log.ndjson"
    assert (
        main(
            [
                "import",
                "liveperson-records",
                str(DATA / "consumer_metadata_example.json"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "5 problem(s)" in capsys.readouterr().err
    assert len(read_log(out)) == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--roster", "missing.json"], "--roster missing.json: cannot read"),
        ([], "not valid JSON"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """A missing roster or a file that is no JSON: one line on stderr, exit 2."""
    broken = DATA / "conversations_search_example.json"
    code = main(
        ["import", "liveperson-records", str(broken), "--out", str(tmp_path / "x.parquet"), *args]
    )
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["import", "export"])
@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_below_one_or_not_a_number_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, jobs: str
) -> None:
    """--jobs 0, -1 or a word: argparse's one line naming --jobs and the value, exit 2."""
    with pytest.raises(SystemExit) as info:
        main(
            [command, "liveperson-records", "x.json", "--out", str(tmp_path / "o"), "--jobs", jobs]
        )
    err = capsys.readouterr().err.strip().splitlines()
    assert info.value.code == 2
    assert f"argument --jobs: expected an integer >= 1, got '{jobs}'" in err[-1]


@pytest.mark.parametrize(("given", "used"), [([], 3), (["--jobs", "1"], 1), (["--jobs", "5"], 5)])
def test_jobs_default_to_the_usable_cores(
    example_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    given: list[str],
    used: int,
) -> None:
    """Without --jobs both commands use every core this process may run on (3 here,
    by a stubbed affinity count); --jobs N is passed on as given."""
    import ccbench.cli._export as export_cli
    import ccbench.cli._import as import_cli
    import ccbench.cli._vendor_formats as formats
    from ccbench.records import export_records, import_files

    seen: list[int] = []

    def export(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["jobs"])
        return export_records(*args, **kwargs)

    def import_(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["jobs"])
        return import_files(*args, **{**kwargs, "jobs": 1})  # no process started in a test

    monkeypatch.setattr(formats, "usable_cores", lambda: 3)
    monkeypatch.setattr(export_cli, "export_records", export)
    monkeypatch.setattr(import_cli, "import_files", import_)
    pages = tmp_path / "rec"
    assert (
        main(["export", "liveperson-records", str(example_path), "--out", str(pages), *given]) == 0
    )
    files = [str(p) for p in sorted(pages.glob("*.json"))]
    out = str(tmp_path / "back.parquet")
    assert main(["import", "liveperson-records", *files, "--out", out, *given]) == 0
    assert seen == [used, used]
