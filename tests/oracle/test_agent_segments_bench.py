"""Benchmarks of the oracle on a generated valid log of more than a million events.

Run with ``make bench``. Targets (issue 4): building >= 2M events/s, a 24 h
msgagentsegments query with intervals < 50 ms median, and faster than a
straightforward DuckDB SQL query computing the same metric over the same
Parquet file in the same run (whose answer must also be identical).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ccbench.eventlog import EventLog, write_log
from oracle import Oracle
from tests.support.oracle_logs import make_roster, random_table

DAY_MS = 86_400_000
pytestmark = pytest.mark.bench

# Straightforward SQL for msgagentsegments per (interval, agent), following
# docs/metrics.md sections 1-2 literally: window functions and ASOF joins.
SQL = """
WITH ev AS (
  SELECT row_number() OVER (ORDER BY ts, seq) AS pos, ts, kind, conversation_id AS conv,
         agent_id, skill_id, reason, closed_by, sender_role
  FROM read_parquet($path) WHERE ts < $now AND conversation_id IS NOT NULL
),
acc AS (
  SELECT pos, conv, agent_id AS agent, ts AS start_ts,
         CASE reason WHEN 'new' THEN 'new' WHEN 'takeover' THEN 'takeover'
                     WHEN 'resume' THEN 'resume' ELSE 'transfer' END AS sk
  FROM ev WHERE kind = 'assignment.accepted'
),
ends AS (
  SELECT pos, conv, ts, kind, closed_by FROM ev
  WHERE kind IN ('conversation.transferred', 'conversation.back_to_queue',
                 'conversation.taken_over', 'conversation.closed')
),
seg AS (
  SELECT a.*, e.pos AS end_pos, e.ts AS end_ts,
         e.kind = 'conversation.closed' AND e.closed_by = 'consumer' AS by_consumer
  FROM acc a ASOF LEFT JOIN ends e ON a.conv = e.conv AND e.pos > a.pos
),
msg AS (
  SELECT s.pos AS seg, m.pos, m.ts, m.sender_role = 'consumer' AS is_c
  FROM ev m ASOF JOIN seg s ON m.conv = s.conv AND m.pos > s.pos
  WHERE m.kind = 'message.sent' AND (s.end_pos IS NULL OR m.pos < s.end_pos)
    AND (m.sender_role = 'consumer'
         OR (m.sender_role IN ('agent', 'bot', 'manager') AND m.agent_id = s.agent))
),
stream AS (
  SELECT *, sum(CASE WHEN is_c THEN 0 ELSE 1 END) OVER w AS agents_upto,
         lag(is_c) OVER (PARTITION BY seg ORDER BY pos) AS prev_c
  FROM msg WINDOW w AS (PARTITION BY seg ORDER BY pos ROWS UNBOUNDED PRECEDING)
),
runs AS (  -- consumer runs: id = number of agent messages before them
  SELECT seg, agents_upto AS run, min(ts) AS run_ts FROM stream WHERE is_c GROUP BY ALL
),
per_seg AS (
  SELECT s.pos, s.agent, s.start_ts, s.sk, s.end_pos IS NOT NULL AS ended,
         s.end_ts - s.start_ts AS dur, s.by_consumer,
         count(*) FILTER (WHERE NOT m.is_c) AS n_real,
         min(m.ts) FILTER (WHERE NOT m.is_c AND m.agents_upto = 1) AS a1_ts,
         min(m.pos) FILTER (WHERE NOT m.is_c AND m.agents_upto =
                            CASE WHEN s.sk IN ('takeover', 'resume') THEN 2 ELSE 1 END)
           AS first_pos,
         max(m.pos) FILTER (WHERE m.is_c) AS last_c
  FROM seg s LEFT JOIN stream m ON m.seg = s.pos
  WHERE s.start_ts >= $start GROUP BY ALL
),
resp AS (
  SELECT seg, count(*) AS n, sum(ts - run_ts) AS total FROM (
    SELECT m.seg, m.ts, r.run_ts FROM stream m JOIN runs r
      ON r.seg = m.seg AND r.run = m.agents_upto - 1
    WHERE NOT m.is_c AND m.agents_upto >= 2 AND m.prev_c) GROUP BY seg
),
feat AS (
  SELECT p.*, n_real - CASE WHEN sk IN ('takeover', 'resume') AND n_real > 0 THEN 1
                            ELSE 0 END AS counted,
         CASE WHEN sk IN ('new', 'transfer') AND a1_ts IS NOT NULL
              THEN a1_ts - start_ts END AS first_t,
         coalesce(r.n, 0) + CASE WHEN sk IN ('new', 'transfer') AND a1_ts IS NOT NULL
                                 THEN 1 ELSE 0 END AS resp_n,
         coalesce(r.total, 0) + CASE WHEN sk IN ('new', 'transfer') AND a1_ts IS NOT NULL
                                     THEN a1_ts - start_ts ELSE 0 END AS resp_sum
  FROM per_seg p LEFT JOIN resp r ON r.seg = p.pos
)
SELECT (start_ts - $start) // $width AS slot, agent, count(*) AS segments,
       sum(counted) / count(*) AS avg_messages,
       coalesce(sum(dur) FILTER (WHERE ended) // count(*) FILTER (WHERE ended), -1) AS dur,
       count(*) FILTER (WHERE ended AND counted > 0 AND last_c > first_pos) AS interactive,
       count(*) FILTER (WHERE ended AND counted = 0 AND by_consumer) AS abandoned,
       count(*) FILTER (WHERE ended AND counted > 0 AND coalesce(last_c < first_pos, true))
         AS nrc,
       count(*) FILTER (WHERE ended AND counted = 0 AND NOT by_consumer) AS nra,
       coalesce(sum(first_t) // count(first_t), -1) AS first,
       coalesce(sum(first_t) FILTER (WHERE sk = 'transfer')
                // count(first_t) FILTER (WHERE sk = 'transfer'), -1) AS first_transfer,
       coalesce(sum(first_t) FILTER (WHERE sk = 'new')
                // count(first_t) FILTER (WHERE sk = 'new'), -1) AS first_new,
       coalesce(sum(resp_sum) // nullif(sum(resp_n), 0), -1) AS response
FROM feat GROUP BY ALL ORDER BY slot, agent
"""


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[EventLog, Path]:
    """~1.03M events over one day (90k conversations), and the same log as Parquet."""
    roster = make_roster(humans=40, bots=3, managers=4)
    table = random_table(seed=7, conversations=90_000, span_ms=DAY_MS, roster=roster)
    log = EventLog.from_table(table, roster=roster)
    assert len(log) >= 1_000_000
    path = tmp_path_factory.mktemp("bench") / "big.parquet"
    write_log(log, path)
    return log, path


def _report(capsys: pytest.CaptureFixture[str], text: str) -> None:
    with capsys.disabled():
        print("\n" + text)


def test_bench_build(
    benchmark: Any, big: tuple[EventLog, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Oracle build rate on >= 1M events (target >= 2M events/s)."""
    log, _ = big
    oracle = benchmark.pedantic(Oracle, args=(log,), rounds=5, iterations=1)
    rate = len(log) / benchmark.stats.stats.median
    _report(
        capsys,
        f"oracle build: {len(log)} events, {len(oracle.segments)} segments, "
        f"median {benchmark.stats.stats.median * 1e3:.0f} ms = {rate / 1e6:.2f}M events/s",
    )


def _rows(response: dict[str, Any]) -> list[tuple[Any, ...]]:
    out = []
    for slot, item in enumerate(response["metricsByIntervals"]):
        for agent, m in item["metricsData"]["agentsMetrics"]["metricsPerAgent"].items():
            out.append((slot, int(agent), *m.values()))
    return out


@pytest.mark.parametrize("interval", [60, 5])
def test_bench_query_vs_duckdb(
    benchmark: Any, big: tuple[EventLog, Path], interval: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """24 h msgagentsegments with intervals: oracle vs the same metric in DuckDB SQL."""
    log, path = big
    oracle = Oracle(log)
    span = log.time_range()
    assert span is not None
    now = span[1] - 3_600_000  # an hour before the end: many segments still open at now
    response = benchmark(oracle.agent_segments, now_ms=now, timeframe=1440, interval=interval)

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    params = {"path": str(path), "now": now, "start": now - DAY_MS, "width": interval * 60_000}
    times, rows = [], []
    for _ in range(3):
        t = time.perf_counter()
        rows = con.execute(SQL, params).fetchall()
        times.append(time.perf_counter() - t)
    sql_median = statistics.median(times)
    # Same answer, metric by metric, for every (interval, agent).
    assert [tuple(r) for r in rows] == _rows(response)
    ratio = sql_median / benchmark.stats.stats.median
    _report(
        capsys,
        f"24 h query, interval={interval}: oracle median "
        f"{benchmark.stats.stats.median * 1e3:.1f} ms, DuckDB SQL median "
        f"{sql_median * 1e3:.0f} ms, DuckDB/oracle = {ratio:.0f}x "
        f"({len(rows)} interval-agent rows, identical)",
    )
