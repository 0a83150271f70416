"""Benchmark inputs kept between runs: the simulated retail_day log and its ingested store.

Simulating retail_day (about 1.1M events) takes 20-40 s and storing it through
:class:`backend.Store` about a minute on a loaded 2-core machine, so ``make bench``
keeps both in a cache folder (``CCBENCH_BENCH_CACHE``, default
``<tmp>/ccbench-bench-cache``). Each file's name holds a digest of what made it: the
scenario file and the seed, plus every source file of the simulator and the event-log
contract (the log), plus the backend's storage modules (the store:
``STORE_SOURCES``), so a changed simulator or storage makes a new file instead of
reusing a stale one. Files are written under a
temporary name and renamed, so an interrupted run leaves no half file behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from ccbench.eventlog import EventLog, read_log, write_log
from sim import Scenario, load_scenario, simulate

ROOT = Path(__file__).resolve().parents[2]
RETAIL_DAY_SEED = 1
STORE_BATCH = 50_000
#: The backend modules that decide what Store.ingest writes (tables, projections).
STORE_SOURCES = ("_store.py", "_projection.py", "_dashboard_projection.py", "_database.py")


def cache_dir() -> Path:
    """The cache folder (created on first use)."""
    folder = Path(
        os.environ.get("CCBENCH_BENCH_CACHE") or Path(tempfile.gettempdir()) / "ccbench-bench-cache"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _digest(*paths: Path, extra: str = "") -> str:
    h = hashlib.sha256(extra.encode())
    for path in paths:
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def cached_log(scenario: Scenario, *, label: str, seed: int, days: int | None = None) -> Path:
    """The Parquet log of ``scenario`` run with ``seed`` (``days``: its horizon override),
    simulated on the first call and read from the cache after (``label`` names the file)."""
    doc = json.dumps(scenario.to_dict(), sort_keys=True, default=str)
    key = _digest(ROOT / "sim", ROOT / "ccbench" / "eventlog", extra=f"{doc}:{seed}:{days}")
    path = cache_dir() / f"{label}-{seed}-{key}.parquet"
    if not path.is_file():
        write_log(simulate(scenario=scenario, seed=seed, days=days).log, path)  # atomic
    return path


def retail_day_path() -> Path:
    """retail_day with seed 1 (~1.11M events), the benchmarks' common one-day log."""
    return cached_log(load_scenario("retail_day"), label="retail_day", seed=RETAIL_DAY_SEED)


def cached_store(log_path: Path, *, into: Path) -> Path:
    """A copy at ``into`` of a DuckDB file holding ``log_path`` stored through
    :class:`backend.Store` (the ingest path without HTTP, batches of 50,000 events);
    the cached original is made on the first call per log and storage version."""
    from backend import Store

    key = _digest(*(ROOT / "backend" / name for name in STORE_SOURCES), extra=log_path.name)
    cached = cache_dir() / f"{log_path.stem}-store-{key}.duckdb"
    if not cached.is_file():
        log: EventLog = read_log(log_path)
        partial = cached.with_name(cached.name + ".partial")
        partial.unlink(missing_ok=True)
        store = Store(path=str(partial))
        store.put_roster(roster=log.roster)
        for start in range(0, log.table.num_rows, STORE_BATCH):
            store.ingest(account=log.roster.account, table=log.table.slice(start, STORE_BATCH))
        store.close()
        partial.replace(cached)
    shutil.copyfile(cached, into)
    return into
