"""plan: a sweep on a Dask cluster, a local process pool and in-process gives identical tables."""

from __future__ import annotations

import pytest

from ccbench import ParameterError
from plan import SerialExecutor, make_executor, parse_vary, replication_seeds, run_sweep
from plan._outputs import replications_csv, summary_csv
from sim import load_scenario


def _sweep(executor: object, progress: list[tuple[int, int]] | None = None) -> tuple[str, str]:
    # erlang_c over 6 h: 2 staffing levels x 2 replications, a few hundred conversations each.
    result = run_sweep(
        scenario=load_scenario("erlang_c"),
        varies=[parse_vary("pools.agent.count=10:11:1")],
        replications=2,
        executor=executor,  # type: ignore[arg-type]
        seed=5,
        days=0.25,
        progress=None if progress is None else lambda done, total: progress.append((done, total)),
    )
    return summary_csv(result), replications_csv(result)


def test_dask_local_pool_and_serial_give_identical_tables() -> None:
    """Tables are byte-identical whichever executor runs the replications (Dask by address)."""
    distributed = pytest.importorskip("distributed")
    with make_executor(jobs=1) as serial:
        assert isinstance(serial, SerialExecutor)
        calls: list[tuple[int, int]] = []
        expected = _sweep(serial, calls)
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]  # 2 points x 2 replications
    with make_executor(jobs=2) as pool:
        assert _sweep(pool) == expected
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        make_executor(cluster=cluster.scheduler_address) as dask,
    ):
        assert _sweep(dask) == expected
    summary = expected[0].splitlines()
    assert summary[0].startswith("pools.agent.count,staff,scope,offered_mean")
    assert len(summary) == 1 + 2 * 2  # header + 2 points x (all, skill 1)


def test_seeds_spawned_from_root_seed() -> None:
    """Replication seeds come from SeedSequence(root).spawn and differ between replications."""
    seeds = replication_seeds(5, 3)
    assert seeds == replication_seeds(5, 3) and len(set(seeds)) == 3
    assert replication_seeds(5, 2) == seeds[:2]  # more replications extend, never reshuffle
    assert replication_seeds(6, 3) != seeds


def test_bad_executor_parameters() -> None:
    """jobs < 1 and an unreachable scheduler are ParameterErrors."""
    with pytest.raises(ParameterError, match="jobs"), make_executor(jobs=0):
        pass
    pytest.importorskip("distributed")
    with (
        pytest.raises(ParameterError, match="cannot connect"),
        make_executor(cluster="tcp://127.0.0.1:1", connect_timeout_s=1.0),
    ):
        pass
