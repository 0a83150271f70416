"""The harness through a files target (a batch pipeline) and through plugins (the worked
example of examples/plugins/), against the reference backend."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from ccbench.eventlog import EventLog, records_from_table
from ccbench.serving import free_port
from loadtest import LoadTestConfig, RunResult, load_mapping, run_loadtest
from loadtest._feeds import COMPLETE_MARKER
from tests.support.backend import ndjson, serve_process

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ccbench-token"


def _smoke() -> EventLog:
    from sim import load_scenario, simulate

    return simulate(scenario=load_scenario(ROOT / "scenarios" / "smoke.toml"), seed=5).log


def _mapping(tmp: Path, port: int, extra: str) -> Path:
    text = (ROOT / "loadtest" / "targets" / "reference.toml").read_text()
    path = tmp / "mapping.toml"
    path.write_text(text.replace("127.0.0.1:8000", f"127.0.0.1:{port}") + "\n" + extra)
    return path


def _pipeline(directory: Path, events_url: str, stop: threading.Event) -> None:
    """A warehouse loader: each Parquet batch, in order, as it appears; then, once the
    marker is there and everything is loaded, the ready file."""
    loaded: set[str] = set()
    while not stop.is_set():
        for path in sorted(directory.glob("batch-*.parquet")):
            if path.name not in loaded:
                body = ndjson(list(records_from_table(pq.read_table(path))))
                httpx.post(
                    events_url,
                    content=body,
                    timeout=30,
                    headers={
                        "Authorization": f"Bearer {TOKEN}",
                        "Content-Type": "application/x-ndjson",
                    },
                )
                loaded.add(path.name)
        if (directory / COMPLETE_MARKER).exists() and len(loaded) == len(
            list(directory.glob("batch-*.parquet"))
        ):
            (directory / "loaded").write_text(str(len(loaded)))
            return
        stop.wait(0.05)


def test_files_target_through_a_batch_pipeline(tmp_path: Path) -> None:
    """Parquet batches written for a pipeline that loads them into the backend: the
    harness waits for its ready file, then every answer equals the oracle's."""
    log = _smoke()
    port = free_port()
    server = serve_process(":memory:", port, account=log.roster.account, token=TOKEN)
    drop = tmp_path / "drop"
    drop.mkdir()
    stop = threading.Event()
    events_url = f"http://127.0.0.1:{port}/api/v1/accounts/{log.roster.account}/events"
    loader = threading.Thread(target=_pipeline, args=(drop, events_url, stop), daemon=True)
    loader.start()
    try:
        mapping = _mapping(
            tmp_path,
            port,
            f'[ingest]\ndialect = "files"\n\n[ingest.files]\n'
            f'directory = "{drop}"\nformat = "parquet"\nready_file = "loaded"\n',
        )
        cfg = LoadTestConfig(duration_s=4, rate=20, users=2, invalid_share=0.1, ingest_batch=1000)
        result: RunResult = run_loadtest(
            log=log, out_dir=tmp_path / "out", mapping=load_mapping(mapping), config=cfg
        )
    finally:
        stop.set()
        loader.join(timeout=30)
        server.terminate()
        server.wait(timeout=30)
    s = result.summary
    assert s["ingest"]["failed_batches"] == 0 and (drop / "loaded").exists()
    assert s["errors"]["count"] == 0, s["errors"]
    assert s["accuracy"]["verified"] > 0
    assert s["accuracy"]["mismatches"] == 0, result.verification.mismatched_metrics()


def test_worked_example_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """examples/plugins/snake_case_backend.py: its ingest plugin feeds the backend, its
    translator reads the answers; zero mismatches."""
    log = _smoke()
    port = free_port()
    server = serve_process(":memory:", port, account=log.roster.account, token=TOKEN)
    plugins = str(ROOT / "examples" / "plugins")
    monkeypatch.syspath_prepend(plugins)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([plugins, os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv(
        "CCBENCH_PLUGIN_TARGET", f"http://127.0.0.1:{port}/api/v1/accounts/{{account}}/events"
    )
    try:
        mapping = _mapping(
            tmp_path,
            port,
            '[ingest]\npython = "snake_case_backend:send_events"'
            '\n\n[translate]\npython = "snake_case_backend:to_vendor"\n',
        )
        cfg = LoadTestConfig(duration_s=3, rate=20, users=2, dashboard_share=0.0, ingest_batch=2000)
        result = run_loadtest(
            log=log, out_dir=tmp_path / "out", mapping=load_mapping(mapping), config=cfg
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    s = result.summary
    assert s["ingest"]["accepted"] == len(log) and s["ingest"]["failed_batches"] == 0
    assert s["errors"]["count"] == 0 and s["accuracy"]["plugin_errors"] == []
    assert s["accuracy"]["mismatches"] == 0, result.verification.mismatched_metrics()


def test_worked_example_translator_undoes_snake_case(
    example_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every msgagentsegments key, snake_cased as such a backend writes it, translates back
    to the vendor's name (its odd "in", "to" and underscore included)."""
    import re

    from ccbench.eventlog import read_log
    from oracle import Oracle

    monkeypatch.syspath_prepend(str(ROOT / "examples" / "plugins"))
    from snake_case_backend import to_vendor

    def snake(node: object) -> object:
        if isinstance(node, dict):
            return {
                re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower().replace("__", "_"): snake(v)
                for k, v in node.items()
            }
        return [snake(v) for v in node] if isinstance(node, list) else node

    answer = Oracle(read_log(example_path)).agent_segments(
        now_ms=1_795_172_400_000, timeframe=180, interval=60, skill_ids="all"
    )
    assert to_vendor(endpoint="msgagentsegments", query={}, body=snake(answer)) == answer
