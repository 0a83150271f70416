"""Recordings on disk: what goes in comes back, in order, whatever the batches."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from ccbench.eventlog import read_log
from loadtest import LoadTestConfig, Record, RunSpec, load_mapping
from loadtest._harness import Harness
from loadtest._spill import Recordings, SpillWriter, query_columns
from tests.support.loadtest_runs import EXAMPLE


def _records(n: int, *, start: int = 0) -> list[Record]:
    """Records with every field shape: lists in queries, no clock, errors, non-ASCII."""
    out = []
    for i in range(start, start + n):
        query: dict[str, str | list[str]] = {"timeframe": str(i), "threshold": ["a", "b"]}
        out.append(
            Record(
                "dashboard" if i % 3 == 0 else "msgagentsegments",
                "ingest" if i % 7 == 0 else "query",
                query if i % 2 else {},
                None if i % 5 == 0 else 1000 + i,
                10 * i,
                10 * i + 1,
                10 * i + 4 + i % 9,
                0 if i % 11 == 0 else 200,
                "timeout: é" if i % 11 == 0 else None,
                f'{{"n":{i},"s":"Zoë"}}',
            )
        )
    return out


def _spill(tmp_path: Path, name: str, batches: list[list[Record]]) -> Path:
    writer = SpillWriter(tmp_path / name)
    for batch in batches:
        writer.write(batch)
    return writer.close()


def test_round_trip_over_files_and_row_groups(tmp_path: Path) -> None:
    """Two files of uneven batches read back as the records in order: iteration, length,
    indexes from either end, slices across row groups and files, steps."""
    records = _records(53)
    a = _spill(tmp_path, "a.parquet", [records[:10], records[10:17], [], records[17:30]])
    b = _spill(tmp_path, "b.parquet", [records[30:31], records[31:]])
    assert pq.ParquetFile(a).metadata.num_row_groups == 3  # the empty batch wrote nothing
    rec = Recordings([a, b])
    assert len(rec) == 53 and list(rec) == records
    assert rec[0] == records[0] and rec[-1] == records[-1] and rec[30] == records[30]
    assert rec[5:45] == records[5:45] and rec[29:31] == records[29:31]
    assert rec[::7] == records[::7] and rec[50:200] == records[50:] and rec[40:10] == []
    with pytest.raises(IndexError):
        rec[53]


def test_a_process_without_records_leaves_an_empty_file(tmp_path: Path) -> None:
    """Closing a writer that never wrote leaves a valid file of no records."""
    rec = Recordings([_spill(tmp_path, "none.parquet", [])])
    assert len(rec) == 0 and list(rec) == [] and rec[:5] == []
    assert len(rec.query_columns().intended_ns) == 0


def test_query_columns_from_disk_equal_those_in_memory(tmp_path: Path) -> None:
    """The time columns read from the files are those of the query records in memory."""
    records = _records(40)
    disk = query_columns(Recordings([_spill(tmp_path, "r.parquet", [records[:25], records[25:]])]))
    memory = query_columns(records)
    assert sorted(disk.names) == memory.names == ["dashboard", "msgagentsegments"]
    # the codes may number the endpoints differently: compare the names they stand for
    assert list(np.array(disk.names)[disk.code]) == list(np.array(memory.names)[memory.code])
    assert np.array_equal(disk.intended_ns, memory.intended_ns)
    assert np.array_equal(disk.latency_ns, memory.latency_ns)
    queries = [r for r in records if r.kind == "query"]
    assert disk.last_received_ns == max(r.received_ns for r in queries)


class _Pool:
    """A one-thread pool with gevent ThreadPool's spawn/join (what Locust processes use)."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(1)
        self.futures: list[Future[Any]] = []

    def spawn(self, func: Callable[..., Any], *args: Any) -> Any:
        self.futures.append(self.pool.submit(func, *args))

    def join(self) -> None:
        for f in self.futures:
            f.result()


@pytest.mark.parametrize("pool", [None, _Pool])
def test_harness_holds_one_batch_and_histograms_every_record(
    tmp_path: Path, pool: type[_Pool] | None
) -> None:
    """With batches of 3, seven records leave one in memory and two row groups on disk (once
    the pool wrote them); the report closes the file with all seven, every one counted once
    in the histograms."""
    spec = RunSpec(
        mapping=load_mapping(None),
        config=LoadTestConfig(),
        log_path=str(EXAMPLE),
        output=str(tmp_path / "locust-results.json"),
    )
    h = Harness(spec=spec, log=read_log(EXAMPLE), spill_every=3, process_index=2)
    h.spill_pool = pool() if pool else None
    records = _records(7)
    for r in records:
        h.keep(r)
    if h.spill_pool is not None:
        h.spill_pool.join()
    assert len(h.recorder) == 1 and h.spill is not None and h.spill.rows == 6
    report = h.report()
    assert report["recording"] == str((tmp_path / "recordings" / "process-2.parquet").resolve())
    assert report["rows"] == 7 and list(Recordings([report["recording"]])) == records
    counts = {e: int(hist.get_total_count()) for e, hist in h.book.response.items()}
    assert counts == {"dashboard": 3, "msgagentsegments": 4}
