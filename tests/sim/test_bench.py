"""Simulator benchmarks (make bench): M/M/c against plain SimPy and Ciw; retail_day."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np
import pytest

from sim import Scenario, simulate

C, RHO, MEAN_S, CUSTOMERS = 50, 0.9, 300.0, 200_000
LAM = RHO * C / MEAN_S  # 0.15 arrivals per second


def _mmc_scenario() -> Scenario:
    """M/M/50 call queue, rho = 0.9, E[S] = 300 s; the horizon holds 200k expected arrivals."""
    hours = CUSTOMERS / LAM / 3600
    return Scenario.from_dict(
        {
            "scenario": {"name": "mmc_bench", "hours": hours},
            "sites": [{"id": "main"}],
            "groups": [{"id": 1}],
            "skills": [{"id": 1}],
            "pools": [
                {
                    "name": "agent",
                    "count": C,
                    "first_id": 1,
                    "group": 1,
                    "skills": [1],
                    "sites": ["main"],
                    "shift_hours": 24.0,
                }
            ],
            "streams": [
                {
                    "name": "calls",
                    "channel": "call",
                    "site": "main",
                    "rate_per_hour": LAM * 3600,
                    "skill": 1,
                }
            ],
            "modes": {"call": {"handle": {"kind": "exponential", "mean_s": MEAN_S}}},
            "routing": {"accept_delay": {"kind": "constant", "mean_s": 0.0}},
        }
    )


def _plain_simpy(seed: int) -> list[tuple[float, float, float]]:
    """The textbook SimPy model: one process per customer, a simpy.Resource of C agents."""
    import simpy

    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1 / LAM, CUSTOMERS).tolist()
    services = rng.exponential(MEAN_S, CUSTOMERS).tolist()
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=C)
    records: list[tuple[float, float, float]] = []

    def customer(service: float) -> Any:
        arrival = env.now
        with agents.request() as req:
            yield req
            start = env.now
            yield env.timeout(service)
        records.append((arrival, start, env.now))

    def source() -> Any:
        for gap, service in zip(gaps, services, strict=True):
            yield env.timeout(gap)
            env.process(customer(service))

    env.process(source())
    env.run()
    return records


def _ciw(seed: int) -> list[tuple[float, float, float]]:
    """Ciw's M/M/c on the same parameters, run until 200k customers finish."""
    import ciw

    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM)],
        service_distributions=[ciw.dists.Exponential(rate=1 / MEAN_S)],
        number_of_servers=[C],
    )
    q = ciw.Simulation(network)
    q.simulate_until_max_customers(CUSTOMERS, method="Finish")
    return [(r.arrival_date, r.service_start_date, r.exit_date) for r in q.get_all_records()]


@pytest.mark.bench
def test_bench_mmc_vs_simpy_and_ciw(benchmark: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """Customers per wall-second: ccbench (full event log + queue facts) vs SimPy vs Ciw."""
    scenario = _mmc_scenario()
    holder: dict[str, Any] = {}

    def run() -> None:
        holder["result"] = simulate(scenario=scenario, seed=1)

    benchmark.pedantic(run, rounds=1, iterations=1)
    result = holder["result"]
    n_ccbench = result.queue.num_rows
    rates = {"ccbench": n_ccbench / benchmark.stats.stats.median}
    for name, model in (("plain SimPy", _plain_simpy), ("Ciw", _ciw)):
        began = time.perf_counter()
        records = model(1)
        rates[name] = len(records) / (time.perf_counter() - began)
    lines = [
        f"M/M/{C}, rho={RHO}, E[S]={MEAN_S:.0f} s, ~{CUSTOMERS} customers "
        f"(ccbench engine: {result.engine}, {len(result.log)} events)"
    ]
    for name, rate in rates.items():
        lines.append(
            f"  {name:12s} {rate:12,.0f} customers/s   ccbench x{rates['ccbench'] / rate:.2f}"
        )
    with capsys.disabled():  # make bench shows the comparison without -s
        print("\n" + "\n".join(lines))
    benchmark.extra_info.update({k: round(v) for k, v in rates.items()})


_RETAIL = """
import json, os, sys, tempfile, time
from sim import load_scenario, simulate, write_result
began = time.perf_counter()
result = simulate(scenario=load_scenario("retail_day"), seed=1)
wall = time.perf_counter() - began
with tempfile.TemporaryDirectory() as d:
    path, _ = write_result(result, os.path.join(d, "retail.parquet"))
    size = os.path.getsize(path)
print(json.dumps({"wall_s": wall, "events": len(result.log), "bytes": size,
                  "conversations": result.queue.num_rows, "engine": result.engine}))
"""


@pytest.mark.bench
def test_bench_retail_day(benchmark: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """retail_day in a fresh process: wall time, events per second, Parquet bytes per event
    and peak RSS (the issue's budget: under 15 s and 1 GB on 2 cores)."""
    holder: dict[str, Any] = {}

    def run() -> None:
        out = subprocess.run(
            [sys.executable, "-c", _RETAIL], check=True, capture_output=True, text=True
        )
        holder.update(json.loads(out.stdout))

    benchmark.pedantic(run, rounds=1, iterations=1)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: KiB
    rate = holder["events"] / holder["wall_s"]
    per_event = holder["bytes"] / holder["events"]
    with capsys.disabled():
        print(
            f"\nretail_day: {holder['conversations']} conversations, {holder['events']} events "
            f"in {holder['wall_s']:.1f} s ({rate:,.0f} events/s, {per_event:.2f} Parquet "
            f"bytes/event), peak RSS {peak_mb:,.0f} MB (largest child process of this test run)"
        )
    benchmark.extra_info.update(
        {
            "events_per_s": round(rate),
            "bytes_per_event": round(per_event, 2),
            "peak_rss_mb": round(peak_mb),
        }
    )
