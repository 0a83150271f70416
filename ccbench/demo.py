"""`make demo`: the main job, end to end.

1. Validate the checked-in example log and round-trip it through Parquet (the contract).
2. Simulate the smoke scenario into a ground-truth log and validate it.
3. Start the reference backend (`ccbench serve`) on 127.0.0.1 with a test clock.
4. Ingest the log, query it at a fixed rate for about 30 s with Locust, verify every answer
   against the oracle (all five families: msgagentsegments, the dashboard, agent
   performance, the report and the supervision page), print the summary and write
   report.html (and summary.json, junit.xml) into the output folder.

Every server it starts is stopped at the end, also on Ctrl-C or failure.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from .eventlog import read_log, summarize, validate, write_log
from .progress import Phases, on_terminal
from .serving import free_port, stop_group

__all__ = ["check_contract", "main"]


def example_log_path() -> Path:
    """examples/example.ndjson of a source checkout, else the copy a wheel carries (setup.py)."""
    here = Path(__file__).resolve().parent
    checkout = here.parent / "examples" / "example.ndjson"
    return checkout if checkout.exists() else here / "examples" / "example.ndjson"


TOKEN = "ccbench-token"  # the reference target mapping's default (CCBENCH_TOKEN)


def check_contract(*, log_path: Path | None = None, console: Console | None = None) -> int:
    """Validate and summarise ``log_path`` (default: the example log); return 0 when valid and
    the round trip is lossless."""
    console = console or Console()
    log_path = log_path or example_log_path()
    log = read_log(log_path, sort=False)
    violations = validate(log)
    if violations:
        for v in violations:
            console.print(f"[red]{v}")
        console.print(f"[red]{log_path}: {len(violations)} violation(s)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        parquet = write_log(log, Path(tmp) / "example.parquet")
        back = read_log(parquet, sort=False)
        lossless = back.table.equals(log.table) and back.roster == log.roster
    s = summarize(log)
    console.print(
        f"[green]{log_path.name}: valid[/] ({s.events} events, {s.conversations} "
        f"conversations, {len(s.kinds)} event kinds); Parquet round trip "
        f"{'[green]lossless' if lossless else '[red]LOSSY'}"
    )
    return 0 if lossless else 1


@contextmanager
def _reference_backend(*, db: Path, account: str, timeout_s: float = 60.0) -> Iterator[str]:
    """Run `ccbench serve` as a child process on 127.0.0.1; yield its URL; always stop it."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "ccbench",
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
        "--token",
        f"{account}:{TOKEN}",
        "--test-clock",
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"ccbench serve exited with {proc.returncode}: {err}")
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"ccbench serve not ready on {url} after {timeout_s} s")
            time.sleep(0.1)
        yield url
    finally:
        stop_group(proc, timeout_s=15)
        if proc.stderr is not None:
            proc.stderr.close()


def main(
    *,
    out_dir: Path = Path("out") / "demo",
    seed: int = 1,
    duration_s: float = 30.0,
    rate: float = 40.0,
    console: Console | None = None,
) -> int:
    """Run the whole loop; returns the load harness's exit code (0 = accurate and fast)."""
    from loadtest import LoadTestConfig, print_summary, run_loadtest
    from sim import load_scenario, simulate

    console = console or Console()
    console.rule("[bold]ccbench demo")
    with Phases(enabled=on_terminal()) as phases, phases.step("checking the example log"):
        contract = check_contract(console=console)
    if contract != 0:
        return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    scenario = load_scenario("smoke")
    hours = scenario.scenario.hours
    with Phases(enabled=on_terminal()) as phases:
        label = "simulating the smoke scenario (hours)"
        result = simulate(
            scenario=scenario,
            seed=seed,
            progress=(lambda f: phases.update(label, f * hours, hours)) if phases.enabled else None,
        )
        log_path = write_log(result.log, out_dir / "smoke.parquet")
        with phases.step(f"checking {len(result.log):,} events against the contract"):
            violations = validate(result.log)
    s = summarize(result.log)
    table = Table(title=f"Simulated smoke scenario (seed {seed})", show_header=False)
    for label, value in (
        ("events", s.events),
        ("conversations", s.conversations),
        ("consumers", s.consumers),
        ("channels", s.channels),
        ("closed by", s.closed_by),
        ("violations", len(violations)),
        ("log", log_path),
    ):
        table.add_row(label, str(value))
    console.print(table)
    if violations:
        console.print(f"[red]the simulated log has {len(violations)} violation(s)")
        return 1
    db = out_dir / "backend.duckdb"
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    with ExitStack() as backend:
        with (
            Phases(enabled=on_terminal()) as phases,
            phases.step("starting the reference backend"),
        ):
            url = backend.enter_context(
                _reference_backend(db=db, account=result.log.roster.account)
            )
        console.print(
            f"reference backend on {url}; load for {duration_s:.0f} s at "
            f"{rate:.0f} req/s, then verification against the oracle"
        )
        with Phases(enabled=on_terminal()) as phases:
            run = run_loadtest(
                log=result.log,
                out_dir=out_dir,
                target=url,
                # every family: 40 % msgagentsegments, 20 % dashboard, 15 % agent performance,
                # 10 % report, 15 % supervision
                config=LoadTestConfig(
                    duration_s=duration_s,
                    rate=rate,
                    seed=seed,
                    agent_performance_share=0.15,
                    report_share=0.1,
                    supervision_share=0.15,
                ),
                progress=phases.update if phases.enabled else None,
            )
    print_summary(run.summary, console=console)
    for name, path in sorted(run.outputs.items()):
        console.print(f"{name}: {path}")
    console.print(f"demo finished in {time.monotonic() - started:.0f} s, exit code {run.exit_code}")
    return run.exit_code


if __name__ == "__main__":
    sys.exit(main())
