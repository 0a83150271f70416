"""An import's files shared among processes: the bounds, the chunks handed out at the
end, the tables' way back, pandas."""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import pytest

from ccbench.records import _shares as shares_module
from ccbench.records import export_records
from ccbench.records._import import _merged_order
from ccbench.records._part import SITE_PLACEHOLDER, convert_files, log_order
from ccbench.records._shares import (
    claimed,
    convert_in_processes,
    convert_to_files,
    read_tables,
    set_up_started,
    share_bounds,
    split_files,
)
from sim import load_scenario, simulate


def test_equal_weights_cut_at_the_file_reaching_each_part() -> None:
    """Sizes 30, 10, 10, 10, 10, 30 (100 bytes) in two equal shares: the first ends with
    the file that brings it to 50 (the third), the second takes the rest."""
    assert share_bounds([30, 10, 10, 10, 10, 30], weights=[1, 1]) == [(0, 3), (3, 6)]


def test_a_heavier_first_share_takes_more_files() -> None:
    """Weights 1.5 and 1 over ten files of 10 bytes: the first share's part is 60 bytes
    (1.5 / 2.5 of 100), reached with the sixth file; weights 1, 1, 2 over the same: 25
    bytes (third file), 50 (fifth), the rest."""
    assert share_bounds([10] * 10, weights=[1.5, 1]) == [(0, 6), (6, 10)]
    assert share_bounds([10] * 10, weights=[1, 1, 2]) == [(0, 3), (3, 5), (5, 10)]


def test_more_processes_than_files_leave_no_empty_share() -> None:
    """Two files of 5 bytes among three processes: one file each for two of them (a
    share ends at most once per file), no empty third share; no files, no share."""
    assert share_bounds([5, 5], weights=[1, 1, 1]) == [(0, 1), (1, 2)]
    assert share_bounds([100, 0, 0], weights=[1, 1]) == [(0, 1), (1, 3)]
    assert share_bounds([], weights=[1, 1]) == []


def test_the_last_bytes_are_cut_into_chunks_handed_out_at_the_end() -> None:
    """A hundred files of 10 bytes, 2 processes: the shares cover the files up to the one
    past 88 % of the bytes (890 > 880: the 89th, so files 0-87, 880 bytes), the first
    share weighted 1.1 (it ends at the 47th file, 470 * 2.1 >= 880 * 1.1); the last 12
    files make 8 chunks, each ending at the file that reaches its eighth of 120 bytes
    (15, 30, 45... : after 2, 3, 5, 6, 8, 9, 11 and 12 files)."""
    shares, tail = split_files([10] * 100, jobs=2)
    assert shares == [(0, 47), (47, 88)]
    assert tail == [(88, 90), (90, 91), (91, 93), (93, 94), (94, 96), (96, 97), (97, 99), (99, 100)]


def test_one_process_or_one_file_is_one_share() -> None:
    """One process, or a single file: one share of everything and no chunk; no files:
    nothing."""
    assert split_files([10] * 5, jobs=1) == ([(0, 5)], [])
    assert split_files([10], jobs=3) == ([(0, 1)], [])
    assert split_files([], jobs=2) == ([], [])


def test_each_chunk_is_claimed_by_exactly_one_process(tmp_path: Path) -> None:
    """Two claimants over the same directory, taking turns: each chunk goes to the first
    that reaches it, the other passes over it; once one has gone through, nothing is
    left for the other."""
    chunks = [(0, 1), (1, 2), (2, 3), (3, 4)]
    a, b = claimed(chunks, str(tmp_path)), claimed(chunks, str(tmp_path))
    assert next(a) == (0, 1)
    assert next(b) == (1, 2)
    assert list(a) == [(2, 3), (3, 4)]
    assert list(b) == []


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The smoke log's pages of 20 conversations."""
    out = tmp_path_factory.mktemp("pages")
    export_records(simulate(scenario=load_scenario("smoke"), seed=1).log, out, page_size=20)
    return [str(p) for p in sorted(out.glob("*.json"))]


def test_tables_written_and_mapped_are_the_tables(pages: list[str], tmp_path: Path) -> None:
    """A share's tables, written by layout to IPC files and mapped back, hold the same
    rows in the same order as the share converted here, and the rest of its part is the
    same (conversations, facts, problems)."""
    here = convert_files(pages, SITE_PLACEHOLDER, 0)
    sent, paths = convert_to_files(pages, SITE_PLACEHOLDER, 0, str(tmp_path / "s"))
    assert sent.tables == [] and all(Path(p).exists() for p in paths)
    back = read_tables((sent, paths))
    assert len(back.tables) == len(here.tables) == len(paths)
    assert all(a.equals(b) for a, b in zip(back.tables, here.tables, strict=True))
    assert back.order.tolist() == here.order.tolist()
    assert back.conversations == here.conversations
    assert back.problems == here.problems and back.refused == here.refused
    assert back.facts == here.facts


def test_no_file_is_left_once_the_shares_are_read(
    pages: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes' parts: the started one's files are gone once its tables are mapped
    (the directory is removed), the tables still readable, every conversation there."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    parts = convert_in_processes(pages, site=SITE_PLACEHOLDER, jobs=2)
    assert list(tmp_path.iterdir()) == []
    shares, tail = split_files([Path(p).stat().st_size for p in pages], jobs=2)
    assert len(parts) == len(shares) + len(tail) and all(p.conversations for p in parts)
    whole = convert_files(pages, SITE_PLACEHOLDER, 0)
    assert sum(len(p.conversations) for p in parts) == len(whole.conversations)
    rows = sum(t.num_rows for p in parts for t in p.tables)
    assert rows == sum(t.num_rows for t in whole.tables)


def _probe() -> tuple[bool, str]:
    """In a started process: whether the collector is on, and what importing pandas does."""
    try:
        importlib.import_module("pandas")
    except ImportError as exc:
        return gc.isenabled(), f"refused: {exc}"
    return gc.isenabled(), "imported"


def test_a_started_process_runs_without_collector_or_pandas() -> None:
    """A process started with :func:`set_up_started` has the cyclic collector off and
    refuses pandas (pyarrow reads that as pandas being absent); this process keeps both."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=set_up_started) as pool:
        enabled, answer = pool.submit(_probe).result()
    assert not enabled
    assert answer.startswith("refused: pandas is not used")
    assert gc.isenabled()
    assert not any(type(finder).__name__ == "_NoPandas" for finder in sys.meta_path)


def test_the_parts_orders_merge_into_the_log_order(pages: list[str]) -> None:
    """Three processes' parts (their shares, then the chunks at the end), each in its own
    log order: merging them by time (a part's conversations before the next part's at
    equal times) gives the order sorting all their rows by time, conversation and
    position gives, rows from every part mixed."""
    parts = convert_in_processes(pages, site=SITE_PLACEHOLDER, jobs=3)
    shares, tail = split_files([Path(p).stat().st_size for p in pages], jobs=3)
    assert len(shares) == 3 and len(parts) == 3 + len(tail)
    tables, offset = [], 0
    for part in parts:
        for table in part.tables:
            conv = table.column("_conv").to_numpy() + offset
            tables.append(
                table.set_column(table.schema.get_field_index("_conv"), "_conv", pa.array(conv))
            )
        offset += len(part.conversations)
    merged = _merged_order(parts)
    assert merged.tolist() == log_order(tables).tolist()
    sizes = [sum(t.num_rows for t in p.tables) for p in parts]
    first_of_next = [(merged >= sizes[0]).argmax(), (merged >= sizes[0] + sizes[1]).argmax()]
    assert 0 < first_of_next[0] < sizes[0] and 0 < first_of_next[1] < sizes[0] + sizes[1]


def test_an_error_here_is_raised_and_leaves_no_file(
    pages: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process failing on its share (a started one converts on): the error comes
    out of convert_in_processes, once the started process has stopped, and the
    directory of claims and tables is gone."""

    def broken(paths: list[str], site: str, order_base: int) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(shares_module, "convert_files", broken)
    with pytest.raises(OSError, match="disk gone"):
        convert_in_processes(pages, site=SITE_PLACEHOLDER, jobs=2)
    assert list(tmp_path.iterdir()) == []
