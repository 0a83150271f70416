"""``run_loadtest``: the library entry point behind ``ccbench loadtest`` and the demo.

It checks the target (:mod:`loadtest._preflight`), writes a run spec, runs
Locust in a child process group (``--processes N`` when N > 1) with the users
and shape of :mod:`loadtest.locustfile` under a time bound and the stop
signals (:mod:`loadtest._supervise`), reads the merged recordings, verifies
them against the expected-answer provider (the oracle by default), applies
the thresholds and writes the reports, also when the run was stopped early
(then marked interrupted). Locust (and so gevent's monkey patching) never
loads into the caller's process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from ccbench import InputError
from ccbench.eventlog import EventLog, read_log, write_log
from ccbench.serving import free_port

from ._config import LoadTestConfig
from ._distributed import DEFAULT_MASTER_PORT
from ._expected import ExpectedProvider, OracleProvider
from ._feeds import expected_log
from ._harness import RUN_SPEC_ENV, RunSpec
from ._json_values import visible, visible_json
from ._latency import LatencyBook
from ._mapping import TargetMapping, load_mapping
from ._outcome import Breach, check_results, evaluate, exit_code, summarize_run
from ._preflight import check_target
from ._progress import VERIFICATION, RunProgress, progress_path, read_progress
from ._recording import Record
from ._report import write_reports
from ._spill import Recordings
from ._supervise import STARTUP_S, StopSignals, flush_s, locust_command, run_bound_s, run_locust
from ._verification import Verification
from ._verify_pool import verify_parallel

__all__ = ["RunResult", "run_loadtest"]

_LIVE_LEAD_MS = 1000


@dataclass
class RunResult:
    """Outcome of one run: exit code, summary (JSON-ready), breaches and the raw material.

    ``interrupted`` names the signal (``SIGTERM``, ``SIGINT``) that stopped the
    run early, None when it ran to its end.
    """

    exit_code: int
    summary: dict[str, Any]
    breaches: list[Breach]
    verification: Verification
    latency: LatencyBook
    #: every request of the run (read from the recordings on disk as it is iterated)
    records: Sequence[Record] = field(repr=False)
    outputs: dict[str, Path] = field(default_factory=dict)
    interrupted: str | None = None


def _time_shift(log: EventLog, config: LoadTestConfig, now_ms: int) -> int:
    """Live mode moves the log to the present; deterministic mode keeps its timestamps."""
    span = log.time_range()
    if config.mode != "live" or span is None:
        return 0
    if config.ingest_speed is not None:
        # replayed while querying: the first event lands just after the run starts
        return now_ms + _LIVE_LEAD_MS - span[0]
    # replayed first as fast as possible: the log ends just before the queries start
    return now_ms - _LIVE_LEAD_MS - span[1]


def _locust_command(
    *, processes: int, host: str, expect_workers: int = 0, bind: tuple[str, int] | None = None
) -> list[str]:
    cmd = locust_command("--headless", "--host", host, "--only-summary", "--stop-timeout", "1")
    if processes > 1:
        # a port of its own on the loopback: two runs on one machine (CI jobs, a test suite
        # beside a run) would otherwise share Locust's default 5557, and one run's forked
        # workers could report to the other's master
        port = str(free_port())
        cmd += ["--processes", str(processes), "--master-bind-host", "127.0.0.1"]
        cmd += ["--master-bind-port", port, "--master-host", "127.0.0.1", "--master-port", port]
    if expect_workers:
        bind_host, bind_port = bind or ("*", DEFAULT_MASTER_PORT)
        cmd += [
            "--master",
            "--expect-workers",
            str(expect_workers),
            "--expect-workers-max-wait",
            str(int(STARTUP_S)),
            "--master-bind-host",
            bind_host,
            "--master-bind-port",
            str(bind_port),
        ]
    return cmd


def run_loadtest(
    *,
    log: str | Path | EventLog,
    out_dir: str | Path,
    target: str | None = None,
    mapping: TargetMapping | str | Path | None = None,
    config: LoadTestConfig | None = None,
    provider: ExpectedProvider | None = None,
    processes: int = 1,
    ingest: bool = True,
    timeout_s: float | None = None,
    write: bool = True,
    preflight: bool = True,
    progress: RunProgress | None = None,
    verify_workers: int | None = None,
    expect_workers: int = 0,
    master_bind_host: str = "*",
    master_bind_port: int = DEFAULT_MASTER_PORT,
) -> RunResult:
    """Ingest ``log`` into the target, query it under load, verify and judge.

    ``target`` overrides the mapping's base URL; ``mapping`` is a
    :class:`TargetMapping` or a TOML path (default: the reference backend's).
    ``provider`` computes expected answers (default: the oracle on ``log``,
    shifted like the log in live mode). ``processes``: Locust processes.
    ``ingest=False`` queries a backend that already holds the log (then
    live mode needs ``config.ingest_speed`` unset and the log already shifted).
    ``preflight`` checks the target first and raises InputError with one line
    when it cannot serve the run (docs/loadtest.md "Before the run").
    ``timeout_s`` bounds the Locust run (default: the bound of docs/loadtest.md
    "Time bounds"). SIGTERM or SIGINT during the run stops Locust, which
    flushes what it recorded; the reports are still written, marked
    interrupted (a second signal stops at once and raises KeyboardInterrupt).
    Writes ``summary.json``, ``junit.xml`` and ``report.html`` into ``out_dir``
    when ``write``. ``progress(phase, done, total)`` hears how far the ingest, the
    queries and the verification are (``ccbench.progress.Phases.update`` draws it).
    ``verify_workers``: processes verifying the recorded answers (default: every core,
    :mod:`loadtest._verify_pool`; the result is the serial one).
    ``expect_workers`` > 0 makes this process a Locust master that waits (up to 60 s)
    for that many workers (``ccbench loadtest-worker``, :mod:`loadtest._distributed`) on
    ``master_bind_host:master_bind_port`` and merges their recordings; it excludes
    ``processes`` > 1.
    Never raises for a broken backend: that is the result.
    """
    cfg = config or LoadTestConfig()
    if processes < 1:
        raise InputError(f"processes: expected an integer >= 1, got {processes}")
    if expect_workers < 0 or (expect_workers and processes > 1):
        raise InputError(
            f"expect_workers: expected 0, or an integer >= 1 with processes = 1, got "
            f"{expect_workers} (processes {processes})"
        )
    if verify_workers is not None and verify_workers < 1:
        raise InputError(f"verify_workers: expected an integer >= 1, got {verify_workers}")
    if not 0 < master_bind_port < 65536:
        raise InputError(f"master_bind_port: expected 1..65535, got {master_bind_port}")
    if isinstance(mapping, TargetMapping):
        target_mapping = mapping.with_base_url(target) if target else mapping
    else:
        target_mapping = load_mapping(mapping, base_url=target)
    _check_mapping(target_mapping, cfg, ingest=ingest)
    event_log = log if isinstance(log, EventLog) else read_log(log)
    if preflight:
        check_target(target_mapping, log=event_log, config=cfg, ingest=ingest)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    log_path = write_log(log, out / "log.parquet") if isinstance(log, EventLog) else Path(log)
    shift = _time_shift(event_log, cfg, time.time_ns() // 1_000_000)
    results = out / "locust-results.json"
    results.unlink(missing_ok=True)
    spec = RunSpec(
        mapping=target_mapping,
        config=cfg,
        log_path=str(log_path.resolve()),
        output=str(results),
        ingest=ingest,
        query=True,
        time_shift_ms=shift,
    )
    spec_path = out / "run_spec.json"
    spec_path.write_bytes(spec.to_json())  # header values redacted: they go by environment
    span = event_log.time_range()
    network_s = target_mapping.network_timeout_s
    bound = timeout_s
    if bound is None:
        span_ms = span[1] - span[0] if span else 0
        bound = run_bound_s(cfg, network_timeout_s=network_s, log_span_ms=span_ms, ingest=ingest)
    progress_file = progress_path(results)
    progress_file.unlink(missing_ok=True)

    def relay() -> None:
        seen = read_progress(progress_file)
        if progress is not None and seen is not None:
            progress(*seen)

    started = time.time()
    with StopSignals() as signals:
        ended = run_locust(
            _locust_command(
                processes=processes,
                host=target_mapping.base_url,
                expect_workers=expect_workers,
                bind=(master_bind_host, master_bind_port),
            ),
            env={**os.environ, RUN_SPEC_ENV: str(spec_path), **spec.header_env()},
            log_path=out / "locust.log",
            bound_s=bound,
            grace_s=flush_s(network_s),
            signals=signals,
            on_poll=None if progress is None else relay,
        )
        merged = _read_results(results)
        breaches: list[Breach] = []
        try:
            if provider is None:
                if progress is not None:
                    progress("building the oracle", 0, None)
                expected = expected_log(event_log, target_mapping.ingest)
                provider = OracleProvider(expected, time_shift_ms=shift)
                if progress is not None:
                    progress("building the oracle", 1, 1)
            verification = verify_parallel(
                merged["records"],  # verify_records skips what is not a query
                provider=provider,
                translate=target_mapping.ingest.translate,
                live=cfg.mode == "live",
                staleness_ms=cfg.staleness_ms,
                tolerances=cfg.tolerances,
                workers=verify_workers,
                progress=None if progress is None else partial(progress, VERIFICATION),
            )
        except Exception as exc:  # a harness or provider bug still leaves the reports
            verification = Verification()
            breaches.append(
                Breach("harness", visible(f"verification failed: {type(exc).__name__}: {exc}"))
            )
        summary = summarize_run(
            config=cfg,
            records=merged["records"],
            latency=merged["latency"],
            verification=verification,
            acks=merged["acks"],
            scheduled=merged["scheduled"],
            processes=expect_workers or processes,
            ingest_over_budget=merged["ingest_over_budget"],
        )
        interrupted = signals.received[0] if signals.received else None
        summary.update(
            target=target_mapping.base_url,
            time_shift_ms=shift,
            processes_reported=merged["reported"],
            started_at_s=round(started, 3),
            wall_s=round(time.time() - started, 3),
            interrupted=interrupted,
        )
        breaches[:0] = evaluate(summary, cfg)
        breaches += _harness_breaches(merged, ended.timed_out, bound, interrupted, out)
        summary["breaches"] = [{"class": b.kind, "message": b.message} for b in breaches]
        summary["checks"] = check_results(summary, cfg, breaches)
        summary["exit_code"] = exit_code(breaches)
        summary = visible_json(summary)  # printable and writable whatever a provider made
        result = RunResult(
            exit_code=summary["exit_code"],
            summary=summary,
            breaches=breaches,
            verification=verification,
            latency=merged["latency"],
            records=merged["records"],
            interrupted=interrupted,
        )
        if write:
            result.outputs = write_reports(
                result.summary, records=merged["records"], latency=merged["latency"], out_dir=out
            )
    return result


def _harness_breaches(
    merged: Mapping[str, Any],
    timed_out: bool,
    bound_s: float,
    interrupted: str | None,
    out: Path,
) -> list[Breach]:
    """What went wrong with the run itself (exit bit 1)."""
    found: list[Breach] = []
    partial = "the figures cover what was recorded until then"
    if interrupted:
        found.append(Breach("harness", f"interrupted by {interrupted}; {partial}"))
    if timed_out:
        found.append(
            Breach("harness", f"stopped at the run's time bound of {bound_s:.0f} s; {partial}")
        )
    found += [Breach("harness", problem) for problem in merged["worker_errors"]]
    if merged["reported"] < merged["expected"]:
        found.append(
            Breach(
                "harness",
                f"only {merged['reported']} of {merged['expected']} Locust processes "
                f"reported; see {out / 'locust.log'}",
            )
        )
    return found


def _check_mapping(mapping: TargetMapping, cfg: LoadTestConfig, *, ingest: bool) -> None:
    """Refuse a run that could not mean anything, before starting Locust."""
    needed = ["msgagentsegments"] + (["ingest"] if ingest else [])
    for name in needed:
        mapping.endpoint(name)  # InputError naming the mapped endpoints
    if cfg.mode == "deterministic" and not mapping.clock_header:
        raise InputError(
            "deterministic mode needs the mapping's clock_header (the backend must accept the "
            'query instant); set it or use mode = "live"'
        )
    if cfg.dashboard_share > 0 and "dashboard" not in mapping.endpoints:
        known = ", ".join(sorted(mapping.endpoints)) or "none"
        raise InputError(
            f"target mapping: endpoint 'dashboard' is not mapped (mapped: {known}) but "
            f"loadtest.dashboard_share is {cfg.dashboard_share}; map [endpoints.dashboard] "
            "or set dashboard_share = 0"
        )
    for name, share in cfg.family_shares.items():
        if share > 0 and name not in mapping.endpoints:
            known = ", ".join(sorted(mapping.endpoints)) or "none"
            raise InputError(
                f"target mapping: endpoint {name!r} is not mapped (mapped: {known}) but "
                f"loadtest.{name}_share is {share}; map [endpoints.{name}] or set "
                f"{name}_share = 0"
            )
        if share > 0 and cfg.mode != "deterministic":
            raise InputError(
                f"loadtest.{name}_share: expected 0 in live mode (its answers depend on the "
                f"instant the backend reads), got {share}"
            )


def _read_results(path: Path) -> dict[str, Any]:
    """Merge the per-process reports of the results file (empty when Locust failed): the
    recordings as one :class:`~loadtest._spill.Recordings` in process order, the
    histograms added."""
    merged: dict[str, Any] = {
        "records": Recordings([]),
        "latency": LatencyBook(),
        "acks": [],
        "scheduled": 0,
        "reported": 0,
        "expected": 1,
        "ingest_over_budget": False,
        "worker_errors": [],
    }
    if not path.exists():
        return merged
    doc: Mapping[str, Any] = orjson.loads(path.read_bytes())
    merged["expected"] = int(doc.get("expected_processes", 1))
    merged["worker_errors"] = [str(p) for p in doc.get("worker_errors", [])]
    files = []
    for report in doc["reports"]:
        recording = report.get("recording")
        if not recording or not Path(recording).is_file():
            # a report without its records (a worker's shipping broke off) is not merged
            merged["worker_errors"].append(
                f"process {report.get('process')}: its recording {recording} is missing; "
                "its requests are left out"
            )
            continue
        files.append(recording)
        merged["latency"].merge_encoded(report["latency"])
        merged["acks"].extend(report["acks"])
        merged["scheduled"] += int(report["scheduled"])
        merged["ingest_over_budget"] |= bool(report.get("ingest_over_budget"))
        merged["reported"] += 1
    merged["records"] = Recordings(files)
    return merged
