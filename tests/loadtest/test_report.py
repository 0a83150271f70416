"""junit.xml validates against the Jenkins and the Ant JUnit schemas whatever a backend sends;
checks that did not apply are skipped, not passed; every report is written whole."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import orjson
import pytest
import xmlschema

from loadtest import (
    CHECKS,
    LatencyBook,
    LoadTestConfig,
    Record,
    Thresholds,
    Verification,
    check_results,
    evaluate,
    exit_code,
    summarize_run,
    write_reports,
)

DATA = Path(__file__).resolve().parents[1] / "data"
SCHEMAS = {name: xmlschema.XMLSchema(DATA / name) for name in ("junit-10.xsd", "junit-ant.xsd")}
MS = 1_000_000
#: every character XML 1.0 forbids or a terminal would obey, as a backend might put in a key
HOSTILE = "k\x00\x01\x08\x0b\x0c\x1b[2J\x7f\x9b\ud800\udfff\ufffe\uffff<&>\"'"


def _summary(config: LoadTestConfig, *, wrong_metric: str | None = None) -> dict[str, Any]:
    """A run of 20 answered queries; ``wrong_metric`` adds one wrong value under that name."""
    records = [
        Record("q", "query", {}, 1, i * MS, i * MS, i * MS + 5 * MS, 200, None, "{}")
        for i in range(20)
    ]
    v = Verification(responses=20, verified=20)
    if wrong_metric is not None:
        v.mismatch_count = 1
        v.by_metric[wrong_metric] = [1, 1]
    summary = summarize_run(
        config=config,
        records=records,
        latency=LatencyBook.from_records(records),
        verification=v,
        acks=[],
        scheduled=20,
        processes=1,
    )
    return summary


def _finish(summary: dict[str, Any], config: LoadTestConfig, **extra: Any) -> dict[str, Any]:
    """What run_loadtest adds before writing: breaches, checks, exit code."""
    summary.update(extra)
    breaches = evaluate(summary, config)
    if extra.get("interrupted"):
        from loadtest import Breach

        breaches.append(Breach("harness", f"interrupted by {extra['interrupted']}"))
    summary["breaches"] = [{"class": b.kind, "message": b.message} for b in breaches]
    summary["checks"] = check_results(summary, config, breaches)
    summary["exit_code"] = exit_code(breaches)
    return summary


def _junit(summary: dict[str, Any], tmp_path: Path) -> Path:
    return write_reports(summary, records=[], latency=LatencyBook(), out_dir=tmp_path)["junit"]


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
def test_junit_validates_with_failures_skips_errors_and_hostile_text(
    schema: str, tmp_path: Path
) -> None:
    """A failing run whose wrong metric is named by a key full of control characters, lone
    surrogates and markup, interrupted by a signal: the file is well-formed, valid against
    the schema, and says failed / skipped / error per check."""
    cfg = LoadTestConfig(rate=1000, thresholds=Thresholds(min_rate_ratio=0.9))
    summary = _finish(
        _summary(cfg, wrong_metric=HOSTILE), cfg, interrupted="SIGTERM", target="http://x"
    )
    path = _junit(summary, tmp_path)
    SCHEMAS[schema].validate(path)  # raises XMLSchemaValidationError naming the violation
    suite = ET.parse(path).getroot()
    # rate: 20 queries 1 ms apart are 1000/s: passed; mismatches failed; harness errored;
    # latency: no threshold for endpoint "q" (the defaults name other endpoints): skipped;
    # freshness: deterministic mode: skipped
    assert suite.attrib["tests"] == str(len(CHECKS)) == "6"
    assert (suite.attrib["failures"], suite.attrib["errors"], suite.attrib["skipped"]) == (
        "1",
        "1",
        "2",
    )
    outcome = {
        case.attrib["name"]: [child.tag for child in case] or ["passed"]
        for case in suite.iter("testcase")
    }
    assert outcome == {
        "latency": ["skipped"],
        "errors": ["passed"],
        "mismatches": ["failure"],
        "freshness": ["skipped"],
        "rate": ["passed"],
        "harness": ["error"],
    }
    message = next(suite.iter("failure")).attrib["message"]
    assert "\\x00\\x01" in message and "\\x1b[2J" in message and "\\ud800" in message
    assert "<&>" in message  # markup survives as text


def test_skipped_checks_say_why_in_summary_and_junit(tmp_path: Path) -> None:
    """No latency thresholds and deterministic mode: latency and freshness are skipped with
    their reasons, never counted as passed; a closed workload skips the rate check."""
    cfg = LoadTestConfig(workload="closed", thresholds=Thresholds(latency_ms={}))
    summary = _finish(_summary(cfg), cfg)
    checks = summary["checks"]
    assert {c: r["status"] for c, r in checks.items()} == {
        "latency": "skipped",
        "errors": "passed",
        "mismatches": "passed",
        "freshness": "skipped",
        "rate": "skipped",
        "harness": "passed",
    }
    assert checks["latency"]["reason"] == "no latency thresholds set"
    assert checks["rate"]["reason"] == "closed model: no target rate"
    assert summary["exit_code"] == 0
    skipped = {
        case.attrib["name"]: case.find("skipped")
        for case in ET.parse(_junit(summary, tmp_path)).getroot().iter("testcase")
    }
    assert skipped["freshness"] is not None
    assert skipped["freshness"].attrib["message"].startswith("deterministic mode")
    assert skipped["errors"] is None


def test_default_latency_thresholds_apply_and_are_reported(tmp_path: Path) -> None:
    """With the default thresholds a msgagentsegments p99 of 5 s fails the latency check:
    a run that measured latency never passes without a limit."""
    records = [
        Record("msgagentsegments", "query", {}, 1, i * MS, i * MS, i * MS + 5000 * MS, 200)
        for i in range(10)
    ]
    cfg = LoadTestConfig(workload="closed")
    summary = summarize_run(
        config=cfg,
        records=records,
        latency=LatencyBook.from_records(records),
        verification=Verification(responses=10, verified=10),
        acks=[],
        scheduled=10,
        processes=1,
    )
    summary = _finish(summary, cfg)
    assert summary["checks"]["latency"]["status"] == "failed"
    assert "msgagentsegments p99" in summary["checks"]["latency"]["reason"]


def test_reports_replace_old_files_whole(tmp_path: Path) -> None:
    """Writing over earlier reports leaves exactly the three new files (no temporary file
    beside them) and summary.json parses."""
    cfg = LoadTestConfig()
    for _ in range(2):
        paths = write_reports(
            _finish(_summary(cfg), cfg), records=[], latency=LatencyBook(), out_dir=tmp_path
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "junit.xml",
        "report.html",
        "summary.json",
    ]
    assert orjson.loads(paths["summary"].read_bytes())["checks"]["harness"]["status"] == "passed"
