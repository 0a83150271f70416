"""Config validation, thresholds -> exit-code bits, and the JSON/JUnit/HTML/terminal reports."""

from __future__ import annotations

import dataclasses
import itertools
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import orjson
import pytest
from rich.console import Console

from ccbench import InputError
from loadtest import (
    EXIT_ERRORS,
    EXIT_FRESHNESS,
    EXIT_LATENCY,
    EXIT_MISMATCH,
    EXIT_RATE,
    LatencyBook,
    LoadTestConfig,
    Record,
    Thresholds,
    Verification,
    check_results,
    evaluate,
    exit_code,
    load_config,
    print_summary,
    summarize_run,
    write_reports,
)

MS = 1_000_000


def test_config_defaults_and_overrides(tmp_path: Path) -> None:
    """A [loadtest] table overrides defaults, keyword overrides win, ingest_speed "max" = None."""
    path = tmp_path / "s.toml"
    path.write_text(
        '[loadtest]\nrate = 200\ningest_speed = "max"\n'
        "[loadtest.thresholds]\nmax_mismatches = 3\n"
        "[loadtest.thresholds.latency_ms.msgagentsegments]\np99 = 50\n"
    )
    cfg = load_config(path, users=7)
    assert (cfg.rate, cfg.users, cfg.ingest_speed, cfg.mode) == (200, 7, None, "deterministic")
    assert cfg.thresholds.max_mismatches == 3
    assert cfg.thresholds.latency_ms == {"msgagentsegments": {"p99": 50}}
    assert LoadTestConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"mode": "fast"}, r"loadtest\.mode"),
        ({"rate": 0}, r"loadtest\.rate"),
        ({"invalid_share": 1.5}, r"loadtest\.invalid_share"),
        ({"colour": 1}, "colour"),
        ({"thresholds": {"p99": 1}}, r"thresholds: unknown key 'p99'"),
        ({"thresholds": {"latency_ms": {"q": {"p75": 1}}}}, "p75"),
    ],
)
def test_config_errors_name_the_key(doc: dict[str, Any], message: str) -> None:
    """Invalid settings raise InputError naming the key."""
    with pytest.raises(InputError, match=message):
        LoadTestConfig.from_dict(doc)


def _summary(
    *,
    latency_ms: float = 10,
    errors: int = 0,
    wrong: bool = False,
    lag_ms: int | None = None,
    rate_factor: float = 1.0,
    send_lag_ms: int = 0,
    config: LoadTestConfig,
) -> dict[str, Any]:
    # 100 queries intended 10 ms apart (100/s), each answered after latency_ms
    gap = int(10 * MS / rate_factor)
    records = [
        Record(
            "q",
            "query",
            {},
            1,
            i * gap,
            i * gap + send_lag_ms * MS,
            i * gap + send_lag_ms * MS + int(latency_ms * MS),
            200,
            None,
            "{}",
        )
        for i in range(100)
    ]
    v = Verification(responses=100, verified=100)
    for _ in range(errors):
        v.errors.add("http_5xx", 503)
    if wrong:
        v.mismatch_count = 1
        v.by_metric["avgX"] = [1, 1]
    if lag_ms is not None:
        v.freshness_ms.append(lag_ms)
    return summarize_run(
        config=config,
        records=records,
        latency=LatencyBook.from_records(records),
        verification=v,
        acks=[],
        scheduled=100,
        processes=1,
    )


def test_each_failure_class_sets_its_own_bit() -> None:
    """Each breached threshold maps to one bit; all combinations are distinct codes."""
    cfg = LoadTestConfig(
        rate=100,
        thresholds=Thresholds(
            latency_ms={"q": {"p99": 50}},
            max_error_rate=0.01,
            max_mismatches=0,
            max_freshness_ms=1000,
            min_rate_ratio=0.9,
        ),
    )
    assert exit_code(evaluate(_summary(config=cfg), cfg)) == 0
    cases = {
        EXIT_LATENCY: _summary(latency_ms=80, config=cfg),
        EXIT_ERRORS: _summary(errors=2, config=cfg),  # 2 of 100 > 1 %
        EXIT_MISMATCH: _summary(wrong=True, config=cfg),
        EXIT_FRESHNESS: _summary(lag_ms=1500, config=cfg),
        EXIT_RATE: _summary(rate_factor=0.5, config=cfg),  # 50/s of 100/s
    }
    for bit, summary in cases.items():
        breaches = evaluate(summary, cfg)
        assert exit_code(breaches) == bit, [b.message for b in breaches]
    # every send 150 ms behind schedule (default limit 100 ms): the generator fell behind;
    # latency from the intended start (150 + 10 ms) stays under its 200 ms limit here
    cfg_lag = dataclasses.replace(
        cfg, thresholds=dataclasses.replace(cfg.thresholds, latency_ms={"q": {"p99": 200}})
    )
    assert exit_code(evaluate(_summary(send_lag_ms=150, config=cfg_lag), cfg_lag)) == EXIT_RATE
    bits = list(cases)
    codes = {sum(c) for n in range(len(bits) + 1) for c in itertools.combinations(bits, n)}
    assert len(codes) == 2 ** len(bits) and max(codes) < 126


def test_reports_are_written_and_self_contained(tmp_path: Path) -> None:
    """summary.json parses, junit.xml has one failing case per breached class, the HTML
    embeds its charts as base64 PNG and loads nothing from elsewhere."""
    cfg = LoadTestConfig(rate=100, thresholds=Thresholds(latency_ms={"q": {"p99": 5}}))
    summary = _summary(config=cfg, wrong=True)
    breaches = evaluate(summary, cfg)
    summary["breaches"] = [{"class": b.kind, "message": b.message} for b in breaches]
    summary["checks"] = check_results(summary, cfg, breaches)
    summary["exit_code"] = exit_code(breaches)
    records = [Record("q", "query", {}, 1, i * MS, i * MS, i * MS + 5 * MS, 200) for i in range(50)]
    paths = write_reports(
        summary, records=records, latency=LatencyBook.from_records(records), out_dir=tmp_path
    )
    assert orjson.loads(paths["summary"].read_bytes())["exit_code"] == EXIT_LATENCY | EXIT_MISMATCH
    suite = ET.parse(paths["junit"]).getroot()
    failed = sorted(c.get("name") or "" for c in suite if c.find("failure") is not None)
    assert failed == ["latency", "mismatches"]
    page = paths["html"].read_text()
    assert page.count("data:image/png;base64,") == 2
    assert "src='http" not in page and "<script" not in page
    console = Console(record=True, width=120)
    print_summary(summary, console=console)
    text = console.export_text()
    assert "[latency] q p99" in text and "exit code 20" in text
