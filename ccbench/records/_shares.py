"""An import's files shared among processes: this one and ``jobs - 1`` started ones.

Each process converts a contiguous share of the files (:func:`convert_files`), then
the last files are handed out a few at a time to whichever process is free
(:func:`split_files`): the processes' speeds and a started process's start vary by
tenths of a second from run to run, and a share cut in advance left one process
waiting for the other. Every share and chunk is converted on its own, so the result
does not depend on the number of processes or on who took which chunk. A process
claims a chunk by creating its claim file (``O_EXCL``: exactly one creator wins). A
started process writes its parts' tables to Arrow IPC files in a directory of this
process's making and sends back the rest of each :class:`Part` (ids, ranks, facts,
problems): this process maps the files (:mod:`._mapped`) instead of unpickling the
tables from a pipe. The directory is removed when the parts are read; the tables stay
mapped until assembly is done with them.
"""

from __future__ import annotations

import gc
import importlib.abc
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from itertools import accumulate, chain

from ._mapped import map_table, write_table
from ._part import Part, convert_files

__all__ = [
    "HEAD_START",
    "ORDER_SPAN",
    "TAIL",
    "TAIL_CHUNKS",
    "convert_in_processes",
    "set_up_started",
    "share_bounds",
    "split_files",
    "without_pandas",
]

#: ranks of conversations read from different files compare by file first
ORDER_SPAN = 10**9


#: this process's share of the bytes over a started process's: a started one first
#: starts Python and imports the package (about half a second), and this one reads
#: the started ones' tables back at once (they are mapped), so it takes a little more
HEAD_START = 1.1

#: the part of the bytes handed out at the end (above the processes' usual difference
#: in finishing their shares: 0.1-0.5 s of 5), in this many chunks
TAIL, TAIL_CHUNKS = 0.12, 8


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


def split_files(
    sizes: Sequence[int], *, jobs: int
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The shares (:func:`share_bounds` of all but the last :data:`TAIL` of the bytes,
    this process's weighted :data:`HEAD_START`) and the :data:`TAIL_CHUNKS` chunks of
    the rest, as ``[start, stop)`` of files of ``sizes`` bytes; one share and no chunk
    for one process or one file."""
    if jobs == 1 or len(sizes) < 2:
        return [(0, len(sizes))] if sizes else [], []
    total = sum(sizes)
    cut = next(
        (i for i, acc in enumerate(accumulate(sizes)) if acc > total * (1 - TAIL)), len(sizes)
    )
    shares = share_bounds(sizes[:cut], weights=[HEAD_START] + [1.0] * (jobs - 1))
    tail = share_bounds(sizes[cut:], weights=[1.0] * TAIL_CHUNKS)
    return shares, [(cut + a, cut + b) for a, b in tail]


def convert_in_processes(names: Sequence[str], *, site: str, jobs: int) -> list[Part]:
    """The parts of ``names``'s shares and chunks (:func:`split_files`), in file order."""
    sizes = [os.path.getsize(n) if os.path.exists(n) else 0 for n in names]
    shares, tail = split_files(sizes, jobs=jobs)
    if len(shares) + len(tail) < 2:
        return [convert_files(names, site, 0)]
    context = multiprocessing.get_context("spawn")  # no fork of a process with Arrow threads
    with tempfile.TemporaryDirectory(prefix="ccbench-import-") as tmp:
        workers = max(1, len(shares) - 1)
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=set_up_started
        )
        try:
            # a share's part comes back as soon as it is done, while this process works
            # on: only the chunks' parts are still to come when it is done
            started = {
                a: pool.submit(
                    convert_to_files, names[a:b], site, a * ORDER_SPAN, os.path.join(tmp, str(a))
                )
                for a, b in shares[1:]
            }
            chunks = [
                pool.submit(convert_chunks, names, tail, site, tmp)
                for _ in range(workers)  # each started process, after its share
            ]
            # this process converts the first share while the others start and work, then
            # the chunks it claims
            mine = [
                (a, convert_files(names[a:b], site, a * ORDER_SPAN))
                for a, b in chain(shares[:1], claimed(tail, tmp))
            ]
            theirs = [(a, read_tables(f.result())) for a, f in started.items()]
            theirs += [(a, read_tables(sent)) for f in chunks for a, sent in f.result()]
        except BaseException:
            for _ in claimed(tail, tmp):  # every chunk left is taken: the others stop soon
                pass
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    # the started processes end while assembly goes on (one takes a few tenths of a
    # second to free its memory and exit)
    pool.shutdown(wait=False)
    return [part for _, part in sorted(mine + theirs, key=lambda pair: pair[0])]


def claimed(chunks: Sequence[tuple[int, int]], directory: str) -> Iterator[tuple[int, int]]:
    """The chunks this process claims, in order, in ``directory`` (shared by the
    processes): chunk ``k`` is this process's when it creates the file ``claim-k``
    there, another's when the file exists."""
    for k, chunk in enumerate(chunks):
        try:
            os.close(os.open(os.path.join(directory, f"claim-{k}"), os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            continue
        yield chunk


def convert_chunks(
    names: Sequence[str], tail: Sequence[tuple[int, int]], site: str, directory: str
) -> list[tuple[int, tuple[Part, list[str]]]]:
    """In a started process: each chunk of ``tail`` (``[start, stop)`` of ``names``) it
    claims (:func:`claimed`), as (its first file, what :func:`convert_to_files` sends
    back)."""
    return [
        (a, convert_to_files(names[a:b], site, a * ORDER_SPAN, os.path.join(directory, str(a))))
        for a, b in claimed(tail, directory)
    ]


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
