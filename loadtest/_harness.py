"""Per-process harness state: the run spec, the query mix, the recorder and the latency book.

One :class:`Harness` lives on each Locust process (attached to its
``Environment``; no module-level state). The run spec is a JSON document
written by :func:`loadtest.run_loadtest` (or by hand for a plain ``locust``
run) and named by the ``CCBENCH_LOADTEST_SPEC`` environment variable, which the
processes forked on the caller's machine (``--processes``) read. A worker on another
machine (``ccbench loadtest-worker``) has no spec file: it names its own copy of the
event log in ``CCBENCH_LOADTEST_LOG`` and receives the spec from the master, which also
checks that the copy holds the same events (:mod:`loadtest._distributed`). The file
never holds header values (they carry secrets once expanded): they reach the Locust
processes through the ``CCBENCH_LOADTEST_HEADERS`` environment variable
(:meth:`RunSpec.header_env`).
"""

from __future__ import annotations

import gc
import itertools
import os
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import orjson

from ccbench.eventlog import EventLog, read_log

from ._config import LoadTestConfig
from ._latency import LatencyBook
from ._mapping import REDACTED, TargetMapping
from ._progress import INGEST, QUERIES, ProgressFile, progress_path
from ._queries import QueryMix
from ._recording import Record, Recorder
from ._spill import SPILL_BATCH, SpillWriter

__all__ = [
    "RECORDINGS_DIR",
    "RUN_HEADERS_ENV",
    "RUN_SPEC_ENV",
    "STOP_SIGNAL",
    "Harness",
    "RunSpec",
]

#: Environment variable naming the run spec file read by the Locust processes.
RUN_SPEC_ENV = "CCBENCH_LOADTEST_SPEC"
#: Environment variable holding the mapping's header values (a JSON object) for the Locust
#: processes: the run spec file shows them redacted.
RUN_HEADERS_ENV = "CCBENCH_LOADTEST_HEADERS"
#: The folder of the recordings (one Parquet file per process) beside the results file.
RECORDINGS_DIR = "recordings"
#: The signal that asks a Locust master (or single process) to stop and flush now.
STOP_SIGNAL = signal.SIGUSR1


@dataclass(frozen=True)
class RunSpec:
    """Everything a Locust process needs: target, settings, log, phases, output file.

    ``time_shift_ms`` is added to every event timestamp sent (live mode moves
    the log to the present). ``output`` is where the master (or the single
    local process) writes the merged recordings and histograms.
    """

    mapping: TargetMapping
    config: LoadTestConfig
    log_path: str
    output: str
    ingest: bool = True
    query: bool = True
    time_shift_ms: int = 0

    def to_json(self) -> bytes:
        """The run spec file's content (header values redacted: see :meth:`header_env`)."""
        return orjson.dumps(
            {
                "mapping": self.mapping.to_dict(),
                "config": self.config.to_dict(),
                "log_path": self.log_path,
                "output": self.output,
                "ingest": self.ingest,
                "query": self.query,
                "time_shift_ms": self.time_shift_ms,
            },
            option=orjson.OPT_INDENT_2,
        )

    def header_env(self) -> dict[str, str]:
        """The environment entry that hands the header values to the Locust processes."""
        return {RUN_HEADERS_ENV: orjson.dumps(dict(self.mapping.headers)).decode()}

    @classmethod
    def read(cls, path: str | Path, *, environ: Mapping[str, str] | None = None) -> RunSpec:
        """Inverse of :meth:`to_json` on a file; redacted header values come from
        ``environ``'s ``CCBENCH_LOADTEST_HEADERS`` (default ``os.environ``), RuntimeError
        naming the header when absent there."""
        return cls.from_json(Path(path).read_bytes(), environ=environ)

    @classmethod
    def from_json(cls, data: bytes | str, *, environ: Mapping[str, str] | None = None) -> RunSpec:
        """Inverse of :meth:`to_json` (header values as :meth:`read` says)."""
        doc = orjson.loads(data)
        mapping = TargetMapping.from_dict(doc["mapping"])
        return cls(
            mapping=_with_header_values(mapping, os.environ if environ is None else environ),
            config=LoadTestConfig.from_dict(doc["config"]),
            log_path=doc["log_path"],
            output=doc["output"],
            ingest=doc["ingest"],
            query=doc["query"],
            time_shift_ms=doc["time_shift_ms"],
        )


def _with_header_values(mapping: TargetMapping, environ: Mapping[str, str]) -> TargetMapping:
    redacted = [name for name, value in mapping.headers.items() if value == REDACTED]
    if not redacted:
        return mapping
    try:
        values = orjson.loads(environ.get(RUN_HEADERS_ENV, "{}"))
    except orjson.JSONDecodeError:
        values = None
    if not isinstance(values, dict):
        raise RuntimeError(f"{RUN_HEADERS_ENV}: expected a JSON object of header values")
    missing = [name for name in redacted if not isinstance(values.get(name), str)]
    if missing:
        raise RuntimeError(
            f"run spec: header {missing[0]!r} is redacted; set {RUN_HEADERS_ENV} to a JSON "
            "object with its value (RunSpec.header_env() builds it)"
        )
    headers = {
        name: values[name] if value == REDACTED else value
        for name, value in mapping.headers.items()
    }
    return replace(mapping, headers=headers)


class SpillPool(Protocol):
    """Runs spills one after another off the caller's thread (gevent's ThreadPool(1))."""

    def spawn(self, func: Callable[..., Any], *args: Any) -> Any: ...

    def join(self) -> None: ...


@dataclass
class Harness:
    """State of one Locust process; users reach it through ``environment.ccbench``."""

    spec: RunSpec
    log: EventLog
    process_index: int = 0
    recorder: Recorder = field(default_factory=Recorder)
    stopping: bool = False
    #: the parent asked for an early stop (a signal, or the run's time bound)
    stop_requested: bool = False
    ingest_done: bool = False
    #: the ingest user stopped at its deadline with batches left unsent
    ingest_over_budget: bool = False
    heap_frozen: bool = False
    in_flight: int = 0
    scheduled: int = 0
    query_started_ns: int = 0
    acks: list[dict[str, Any]] = field(default_factory=list)
    ingested: int = 0
    #: where this process says how far the ingest and query phases are (loadtest._progress)
    progress: ProgressFile | None = None
    #: per endpoint (method, headers, path): built once by the users' request path
    templates: dict[str, tuple[str, dict[str, str], str]] = field(default_factory=dict)
    #: the master: each worker's answer to the run spec (Locust node id -> None when it is
    #: ready, else the line saying why it cannot take part; loadtest._distributed)
    workers: dict[str, str | None] = field(default_factory=dict)
    #: the master: its log's digest, computed when the first remote worker asks
    digest: str | None = None
    #: where this process spills its recordings (default: RECORDINGS_DIR beside the
    #: spec's output, on this machine); loadtest._spill
    spill_dir: Path | None = None
    spill: SpillWriter | None = None
    #: the latency of every record spilled so far (the histograms are built batch by batch)
    book: LatencyBook = field(default_factory=LatencyBook)
    #: a worker on another machine: its recording goes to the master in messages
    ships: bool = False
    #: records held in memory before they are spilled
    spill_every: int = SPILL_BATCH
    #: where a batch is spilled: a one-thread pool off the sending loop in Locust
    #: (loadtest._phases), or None to spill inline (tests)
    spill_pool: SpillPool | None = None
    _streams: Iterator[int] = field(default_factory=itertools.count)

    @classmethod
    def from_spec(cls, spec: RunSpec) -> Harness:
        """Read the spec's log once for this process."""
        return cls(
            spec=spec,
            log=read_log(spec.log_path),
            progress=ProgressFile(progress_path(spec.output)),
        )

    @property
    def account(self) -> str:
        """The roster's account: fills ``{account}`` in endpoint paths."""
        return self.log.roster.account

    def query_mix(self, *, process: int = 0) -> QueryMix:
        """A fresh mix for one user/stream, seeded by (config seed, process index, stream)."""
        stream = next(self._streams)
        cfg = self.spec.config
        self.process_index = process
        seed = cfg.seed * 1_000_003 + process * 10_007 + stream
        mix = QueryMix.from_log(
            self.log,
            seed=seed,
            invalid_share=cfg.invalid_share,
            deterministic=cfg.mode == "deterministic",
            intervals=cfg.mode == "deterministic",
            dashboard_share=cfg.dashboard_share,
            family_shares=cfg.family_shares,
        )
        return mix

    def freeze_heap(self) -> None:
        """Move everything allocated so far out of the cyclic collector's generations (once
        per process, when its first query user starts): the log and Locust's state live for
        the whole run, and full collections during the timed phase would scan them again
        and again, pausing every sender at once."""
        if not self.heap_frozen:
            gc.freeze()
            self.heap_frozen = True

    def keep(self, record: Record) -> None:
        """Record a finished request (off the timed path: after the response was timed).

        Appended here; every :attr:`spill_every` records the batch goes into the latency
        histograms and to the spill file (:meth:`spill_batch`).
        """
        self.recorder.add(record)
        if len(self.recorder) >= self.spill_every:
            self.spill_batch()

    def spill_writer(self) -> SpillWriter:
        """This process's spill file, ``process-<index>.parquet`` in :attr:`spill_dir`."""
        if self.spill is None:
            folder = self.spill_dir or Path(self.spec.output).parent / RECORDINGS_DIR
            self.spill = SpillWriter(folder / f"process-{self.process_index}.parquet")
        return self.spill

    def spill_batch(self) -> None:
        """Move the records held in memory into the histograms and the spill file (in
        :attr:`spill_pool` when there is one: converting and compressing a batch takes
        30-230 ms, a pause the senders would otherwise all share)."""
        records, self.recorder.records = self.recorder.records, []
        if self.spill_pool is None:
            self._spill(records)
        else:
            self.spill_pool.spawn(self._spill, records)

    def _spill(self, records: list[Record]) -> None:
        for r in records:
            self.book.record(endpoint=r.endpoint, latency_ns=r.latency_ns, lag_ns=r.schedule_lag_ns)
        self.spill_writer().write(records)

    def ingest_allowance_ns(self) -> int:
        """How long the ingest phase may last (ns): the paced replay of the log's span
        (0 as fast as possible) plus ``ingest_budget_s`` (docs/loadtest.md "Time bounds")."""
        cfg = self.spec.config
        span = self.log.time_range()
        replay_s = 0.0
        if span is not None and cfg.ingest_speed is not None:
            replay_s = (span[1] - span[0]) / 1000 / cfg.ingest_speed
        return int((replay_s + cfg.ingest_budget_s) * 1e9)

    def acknowledged(self, ack: dict[str, Any]) -> None:
        """Keep an ingest acknowledgement and say how many events went out so far."""
        self.acks.append(ack)
        self.ingested += int(ack.get("events", 0))
        if self.progress is not None:
            self.progress.write(INGEST, self.ingested, len(self.log))

    def queried_until(self, end: float) -> None:
        """Say how far the query phase ending at ``end`` (time.monotonic(), s) is."""
        if self.progress is not None:
            duration = self.spec.config.duration_s
            self.progress.write(QUERIES, duration - max(0.0, end - time.monotonic()), duration)

    def ingest_batches(self) -> Iterator[tuple[int, bytes, int]]:
        """(first event ts in ms after the shift, NDJSON body, event count) per batch."""
        size = self.spec.config.ingest_batch
        shift = self.spec.time_shift_ms
        batch: list[bytes] = []
        first = 0
        for record in self.log.records():
            record["ts"] = int(record["ts"]) + shift
            if not batch:
                first = record["ts"]
            batch.append(orjson.dumps(record))
            if len(batch) == size:
                yield first, b"\n".join(batch) + b"\n", len(batch)
                batch = []
        if batch:
            yield first, b"\n".join(batch) + b"\n", len(batch)

    def report(self) -> dict[str, Any]:
        """This process's results for the master: its spill file (closed), histograms,
        generator counters."""
        self.spill_batch()
        if self.spill_pool is not None:
            self.spill_pool.join()  # every batch written and histogrammed
        spill = self.spill_writer()
        return {
            "process": self.process_index,
            "recording": str(spill.close().resolve()),
            "rows": spill.rows,
            "latency": self.book.encode(),
            "scheduled": self.scheduled,
            "acks": self.acks,
            "ingest_over_budget": self.ingest_over_budget,
            "query_started_ns": self.query_started_ns,
            "finished_ns": time.time_ns(),
        }
