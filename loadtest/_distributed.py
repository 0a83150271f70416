"""One load test across machines: a Locust master and workers on other hosts.

``ccbench loadtest --master --expect-workers N`` runs :func:`loadtest.run_loadtest` with a
Locust master; ``ccbench loadtest-worker --master-host H --log LOG`` runs
:func:`run_worker` on each worker host. On top of Locust's own master/worker channel:

1. a worker has its own copy of the event log (``CCBENCH_LOADTEST_LOG``) and no spec
   file; once Locust connected it, it sends :data:`HELLO`;
2. the master answers :data:`SPEC`: the run spec, the header values and the digest of
   its log (:func:`log_digest`: the roster and every event, not the file's bytes, so a
   Parquet copy of an NDJSON log is the same log);
3. the worker reads its copy, compares digests and answers :data:`READY` with None, or
   with one line saying that its log differs (it also writes that line to the file
   named by ``CCBENCH_LOADTEST_WORKER_ERROR``, which :func:`run_worker` raises as an
   InputError once the master ended the run);
4. the master's shape starts the ingest only when every connected worker is ready; a
   worker's error ends the run before any request, reported as a harness failure.

Workers forked on the caller's machine (``--processes``) read the spec file and say
:data:`READY` at once. Every process records its own requests into its spill file
(:mod:`loadtest._spill`); at the flush a remote worker sends its file to the master in
:data:`RECORDING` pieces of :data:`SHIP_CHUNK` bytes (the master writes it beside its
own results), and the master merges the HdrHistograms (adding counts, so exactly); the
recordings stay one file per process, read back in process order as one sequence.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson

from ccbench import InputError
from ccbench.eventlog import EventLog, read_log

from ._harness import RUN_HEADERS_ENV, RunSpec
from ._supervise import StopSignals, locust_command, run_locust

__all__ = [
    "DEFAULT_MASTER_PORT",
    "HELLO",
    "LOG_ENV",
    "READY",
    "RECORDING",
    "SHIP_CHUNK",
    "SPEC",
    "SPILL_ENV",
    "WORKER_ERROR_ENV",
    "digest_problem",
    "log_digest",
    "run_worker",
    "spec_message",
    "worker_spec",
]

HELLO = "ccbench_hello"
SPEC = "ccbench_spec"
READY = "ccbench_ready"
#: Environment variable naming a worker's own copy of the event log.
LOG_ENV = "CCBENCH_LOADTEST_LOG"
#: Environment variable naming the folder where a worker spills its recording before it
#: ships it to the master.
SPILL_ENV = "CCBENCH_LOADTEST_SPILL_DIR"
#: Bytes of a recording per message from a worker to the master.
SHIP_CHUNK = 4 << 20
#: Message carrying a piece of a worker's recording file.
RECORDING = "ccbench_recording"
#: Environment variable naming the file where a worker writes why it could not take part.
WORKER_ERROR_ENV = "CCBENCH_LOADTEST_WORKER_ERROR"
#: Locust's default master port.
DEFAULT_MASTER_PORT = 5557


def log_digest(log: EventLog) -> str:
    """SHA-256 (hex) of the roster and every event in order, each as canonical JSON."""
    h = hashlib.sha256(orjson.dumps(log.roster.to_dict(), option=orjson.OPT_SORT_KEYS))
    for record in log.records():
        h.update(b"\n")
        h.update(orjson.dumps(record, option=orjson.OPT_SORT_KEYS))
    return h.hexdigest()


def spec_message(spec: RunSpec, digest: str) -> dict[str, str]:
    """What the master sends a worker that said hello (header values included: the
    worker sends them with every request)."""
    return {
        "spec": spec.to_json().decode(),
        "headers": spec.header_env()[RUN_HEADERS_ENV],
        "digest": digest,
    }


def worker_spec(data: dict[str, str], *, log_path: str) -> tuple[RunSpec, str]:
    """The spec a worker runs (its own log path) and the master's log digest."""
    spec = RunSpec.from_json(data["spec"], environ={RUN_HEADERS_ENV: data["headers"]})
    return RunSpec(
        mapping=spec.mapping,
        config=spec.config,
        log_path=log_path,
        output=spec.output,
        ingest=spec.ingest,
        query=spec.query,
        time_shift_ms=spec.time_shift_ms,
    ), data["digest"]


def digest_problem(*, log_path: str, got: str, expected: str, worker: str) -> str | None:
    """The one line saying that a worker's log differs from the master's; None if not."""
    if got == expected:
        return None
    return (
        f"worker {worker}: event log {log_path} differs from the master's (sha256 of its "
        f"events {got[:12]}..., the master's {expected[:12]}...); give every worker a copy "
        "of the master's log"
    )


def run_worker(
    *,
    master_host: str,
    log: str | Path,
    out_dir: str | Path,
    master_port: int = DEFAULT_MASTER_PORT,
) -> int:
    """Run one Locust worker for the master at ``master_host:master_port`` until the master
    ends the run; returns Locust's exit code.

    ``log`` is this host's copy of the master's event log: read first (InputError when
    unreadable), then checked against the master's by digest; a copy that differs raises
    InputError with one line once the master ended the run. Locust's output goes to
    ``out_dir``/locust.log. The worker stops by itself: when the master ends the run, when
    it loses the master for 60 s or when it cannot reach it for 5 minutes (Locust's own
    limits), and on SIGTERM or SIGINT.
    """
    if not 0 < master_port < 65536:
        raise InputError(f"master port: expected 1..65535, got {master_port}")
    read_log(log)  # one clear line now rather than a worker that dies in Locust
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cmd = locust_command(
        "--worker", "--master-host", master_host, "--master-port", str(master_port)
    )
    with tempfile.TemporaryDirectory(prefix="ccbench-worker-") as tmp:
        error_file = Path(tmp) / "error.txt"
        env: dict[str, Any] = {
            **os.environ,
            LOG_ENV: str(Path(log).resolve()),
            SPILL_ENV: str((out / "recordings").resolve()),
            WORKER_ERROR_ENV: str(error_file),
        }
        with StopSignals() as signals:
            ended = run_locust(
                cmd,
                env=env,
                log_path=out / "locust.log",
                bound_s=math.inf,
                grace_s=5.0,
                signals=signals,
            )
        if error_file.exists():
            raise InputError(error_file.read_text(encoding="utf-8").strip())
    if signals.received:
        raise KeyboardInterrupt(signals.received[0])
    return ended.returncode or 0
