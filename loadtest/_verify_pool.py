"""Verifying recorded answers on every core: chunks in forked processes, merged in order.

:func:`verify_parallel` cuts the records into chunks of :data:`CHUNK` records, hands
chunk ``k`` to worker ``k % n`` and merges the workers' :class:`Verification` parts in
chunk order (:func:`merge_verifications`), so the result is the one the serial
:func:`~loadtest._verify.verify_records` gives on the same records: counts add up,
``by_metric`` keeps the order of first appearance, the kept examples are the first
``detail_limit`` in record order and the freshness lags stay in record order
(tests/loadtest/test_verify_pool.py checks equality on a run with every outcome).

Workers are forked, so they share the parent's records and expected-answer provider
(built once, never pickled) and only send back their parts; where ``fork`` is not a
start method (Windows) or one worker would do, verification runs in the caller's process.
A worker that fails or dies raises RuntimeError in the caller (no hang: the parent waits
on the workers' pipes and exit sentinels together).
"""

from __future__ import annotations

import multiprocessing as mp
import pickle
import traceback
from collections.abc import Callable, Mapping, Sequence
from multiprocessing.connection import Connection, wait

from ccbench import InputError
from ccbench.cores import usable_cores

from ._expected import ExpectedProvider
from ._recording import Record
from ._verification import Verification
from ._verify import verify_records

__all__ = ["CHUNK", "merge_verifications", "verify_parallel"]

#: Records per chunk: large enough that a chunk's result costs little to send back,
#: small enough that the last chunks even out the workers' loads.
CHUNK = 20_000

#: ``progress(done, total)`` in records, called in the caller's process as chunks finish.
ChunkProgress = Callable[[int, int], None]


def merge_verifications(parts: Sequence[Verification], *, detail_limit: int = 200) -> Verification:
    """The verification of the concatenated records whose parts, in order, are ``parts``."""
    out = Verification(detail_limit=detail_limit)
    for part in parts:
        out.responses += part.responses
        out.verified += part.verified
        out.wrong_responses += part.wrong_responses
        out.mismatch_count += part.mismatch_count
        room = detail_limit - len(out.mismatches)
        out.mismatches.extend(part.mismatches[: max(0, room)])
        for metric, (checked, wrong) in part.by_metric.items():
            row = out.by_metric.setdefault(metric, [0, 0])
            row[0] += checked
            row[1] += wrong
        out.errors.merge(part.errors)
        out.freshness_ms.extend(part.freshness_ms)
        out.unavailable.update(part.unavailable)
        room = detail_limit - len(out.plugin_errors)
        out.plugin_errors.extend(part.plugin_errors[: max(0, room)])
    return out


def verify_parallel(
    records: Sequence[Record],
    *,
    provider: ExpectedProvider,
    live: bool = False,
    staleness_ms: int = 0,
    tolerances: Mapping[str, float] | None = None,
    detail_limit: int = 200,
    translate: str | None = None,
    workers: int | None = None,
    chunk: int = CHUNK,
    progress: ChunkProgress | None = None,
) -> Verification:
    """:func:`~loadtest._verify.verify_records` on ``workers`` processes (default: every
    core, :func:`ccbench.cores.usable_cores`), ``chunk`` records at a time; the same result (see the
    module docstring). ``progress(done, total)`` counts records."""
    if chunk < 1:
        raise InputError(f"chunk: expected records >= 1, got {chunk}")
    n_chunks = max(1, -(-len(records) // chunk))
    n = min(workers or usable_cores(), n_chunks)

    def verify_chunk(k: int) -> Verification:
        return verify_records(
            records[k * chunk : (k + 1) * chunk],
            provider=provider,
            live=live,
            staleness_ms=staleness_ms,
            tolerances=tolerances,
            detail_limit=detail_limit,
            translate=translate,
        )

    parts: dict[int, Verification] = {}
    finished = [0]

    def done(k: int, part: Verification) -> None:
        parts[k] = part
        finished[0] += min(chunk, len(records) - k * chunk)
        if progress is not None:
            progress(finished[0], len(records))

    if progress is not None:
        progress(0, len(records))
    if n <= 1 or "fork" not in mp.get_all_start_methods():
        for k in range(n_chunks):
            done(k, verify_chunk(k))
    else:
        _run_forked(verify_chunk, n_chunks=n_chunks, workers=n, done=done)
    missing = [k for k in range(n_chunks) if k not in parts]
    if missing:  # a worker died without a word (killed, out of memory)
        raise RuntimeError(f"verification: chunk {missing[0]} of {n_chunks} never came back")
    return merge_verifications([parts[k] for k in range(n_chunks)], detail_limit=detail_limit)


def _run_forked(
    verify_chunk: Callable[[int], Verification],
    *,
    n_chunks: int,
    workers: int,
    done: Callable[[int, Verification], None],
) -> None:
    """Fork ``workers`` processes, worker ``w`` verifying chunks ``w, w + n, ...`` and sending
    (chunk, part) pickles back one by one; ``done`` hears each in the parent."""
    ctx = mp.get_context("fork")
    pipes: dict[Connection, mp.process.BaseProcess] = {}

    def work(w: int, conn: Connection) -> None:
        try:
            for k in range(w, n_chunks, workers):
                conn.send_bytes(pickle.dumps((k, verify_chunk(k)), pickle.HIGHEST_PROTOCOL))
        except BaseException:  # reported to the parent, which raises it
            conn.send_bytes(pickle.dumps((-1, traceback.format_exc())))
        finally:
            conn.close()

    try:
        for w in range(workers):
            receiver, sender = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=work, args=(w, sender), daemon=True)
            proc.start()
            sender.close()  # the child holds its own end: EOF here when it exits
            pipes[receiver] = proc
        open_pipes = list(pipes)
        while open_pipes:
            for conn in wait(open_pipes):
                assert isinstance(conn, Connection)
                try:
                    k, part = pickle.loads(conn.recv_bytes())
                except EOFError:
                    open_pipes.remove(conn)
                    continue
                if k < 0:
                    raise RuntimeError(f"a verification worker failed:\n{part}")
                done(k, part)
    finally:
        for conn, child in pipes.items():
            conn.close()
            if child.is_alive():
                child.terminate()
            child.join()
