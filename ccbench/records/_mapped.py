"""Tables handed between processes as Arrow IPC files the reader maps.

Export sends the log to its started processes this way and import gets the started
processes' tables back this way: a file written once and memory-mapped by the reader
costs far less than a pickle through a pipe (a copy in, 64 KiB at a time, a copy
out), which held the sender for more than a second on a day's events.
"""

from __future__ import annotations

import os

import pyarrow as pa

__all__ = ["map_table", "write_table"]


def write_table(table: pa.Table, path: str | os.PathLike[str]) -> None:
    """Write ``table`` to ``path`` as an Arrow IPC file."""
    with pa.OSFile(os.fspath(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def map_table(path: str | os.PathLike[str]) -> pa.Table:
    """The table of the Arrow IPC file at ``path``, memory-mapped (not copied): the
    file may be unlinked while the table is in use."""
    return pa.ipc.open_file(pa.memory_map(os.fspath(path))).read_all()
