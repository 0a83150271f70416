"""An import's files shared among processes: this one and ``jobs - 1`` started ones.

Each process converts a contiguous share of the files (:func:`convert_files`), so the
result does not depend on the number of processes. A started process writes its
share's tables to Arrow IPC files in a directory of this process's making and sends
back the rest of its :class:`Part` (ids, ranks, facts, problems): this process maps
the files (:mod:`._mapped`) instead of unpickling the tables from a pipe. The
directory is removed when the shares are read; the tables stay mapped until assembly
is done with them.
"""

from __future__ import annotations

import gc
import importlib.abc
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from itertools import accumulate

from ._mapped import map_table, write_table
from ._part import Part, convert_files

__all__ = [
    "HEAD_START",
    "ORDER_SPAN",
    "convert_in_processes",
    "set_up_started",
    "share_bounds",
    "without_pandas",
]

#: ranks of conversations read from different files compare by file first
ORDER_SPAN = 10**9


#: this process's share of the bytes over a started process's: a started one first
#: starts Python and imports the package (about half a second), and this one reads
#: the started ones' tables back at once (they are mapped), so it takes a little more
HEAD_START = 1.1


def share_bounds(sizes: Sequence[int], *, weights: Sequence[float]) -> list[tuple[int, int]]:
    """Contiguous ``[start, stop)`` shares of files of ``sizes`` bytes, one per process,
    their bytes about in proportion to ``weights`` (a share ends with the first file
    that brings it to its part), empty shares left out."""
    marks, total = list(accumulate(weights)), sum(sizes)
    start, acc = 0, 0
    shares: list[tuple[int, int]] = []
    for i, size in enumerate(sizes):
        acc += size
        k = len(shares)
        if k < len(weights) - 1 and acc * marks[-1] >= total * marks[k]:
            shares.append((start, i + 1))
            start = i + 1
    shares.append((start, len(sizes)))
    return [(a, b) for a, b in shares if b > a]


def convert_in_processes(names: Sequence[str], *, site: str, jobs: int) -> list[Part]:
    """The parts of ``names``'s shares (:func:`share_bounds`, this process's weighted
    :data:`HEAD_START`), in file order."""
    sizes = [os.path.getsize(n) if os.path.exists(n) else 0 for n in names]
    shares = share_bounds(sizes, weights=[HEAD_START] + [1.0] * (jobs - 1))
    if len(shares) == 1:
        return [convert_files(names, site, 0)]
    context = multiprocessing.get_context("spawn")  # no fork of a process with Arrow threads
    with tempfile.TemporaryDirectory(prefix="ccbench-import-") as tmp:
        pool = ProcessPoolExecutor(
            max_workers=len(shares) - 1, mp_context=context, initializer=set_up_started
        )
        try:
            futures = [
                pool.submit(
                    convert_to_files, names[a:b], site, a * ORDER_SPAN, os.path.join(tmp, str(k))
                )
                for k, (a, b) in enumerate(shares[1:])
            ]
            # this process converts the first share while the others start and work
            (a, b) = shares[0]
            mine = convert_files(names[a:b], site, a * ORDER_SPAN)
            parts = [mine, *(read_tables(f.result()) for f in futures)]
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    # the started processes end while assembly goes on (one takes a few tenths of a
    # second to free its memory and exit)
    pool.shutdown(wait=False)
    return parts


def set_up_started() -> None:
    """A started process converts one share and ends: the cyclic collector stays off
    (reference counting frees what a share builds, which holds no cycles; a collection
    walked the share's ids and ranks for nothing), and pandas is refused
    (:func:`without_pandas`)."""
    gc.disable()
    without_pandas()


def without_pandas() -> None:
    """Make ``import pandas`` fail in a started process (it converts records, nothing
    else): pyarrow imports pandas at its first conversion of an array only to ask
    whether the input is a pandas object (a third of a second per process started;
    ours never are), and takes an ImportError as pandas being absent."""
    sys.meta_path.insert(0, _NoPandas())


class _NoPandas(importlib.abc.MetaPathFinder):
    """An import finder refusing pandas (:func:`without_pandas`)."""

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if fullname.partition(".")[0] == "pandas":
            raise ModuleNotFoundError("pandas is not used by a started import process")
        return


def convert_to_files(
    paths: Sequence[str], site: str, order_base: int, stem: str
) -> tuple[Part, list[str]]:
    """:func:`convert_files`'s part without its tables, and the paths of the
    ``<stem>-<n>.arrow`` files they are written to (one per table)."""
    part = convert_files(paths, site, order_base)
    written = []
    for n, table in enumerate(part.tables):
        path = f"{stem}-{n}.arrow"
        write_table(table, path)
        written.append(path)
    return replace(part, tables=[]), written


def read_tables(sent: tuple[Part, list[str]]) -> Part:
    """A started process's part with the tables of its files, mapped (not copied)."""
    part, paths = sent
    return replace(part, tables=[map_table(p) for p in paths])
