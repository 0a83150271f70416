"""Which database paths the backend accepts, and opening them writable.

``duckdb.connect(path)`` opens more than DuckDB databases: an existing
Parquet, CSV or JSON file becomes a read-only view in an in-memory database,
so every ingest would answer 200 and keep nothing. The backend therefore
accepts only ``":memory:"`` (nothing persists, on purpose) or a path to a
DuckDB database file it can write: an existing DuckDB file (its header says
so) or a new file in an existing, writable directory, under a name that is
not a data format DuckDB reads as a view. After connecting it checks that
DuckDB really opened that file, writable.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from ccbench import ParameterError

__all__ = ["MEMORY", "check_database", "open_database"]

MEMORY = ":memory:"
# Suffixes DuckDB reads as data files (a view), never as a database.
_DATA_SUFFIXES = frozenset(
    {".parquet", ".pq", ".csv", ".tsv", ".json", ".ndjson", ".jsonl", ".xlsx", ".arrow"}
    | {".avro", ".gz", ".zst", ".txt"}
)
_EXPECTED = "a DuckDB database file the server can write (e.g. metrics.duckdb) or :memory:"
# A DuckDB file starts with an 8-byte checksum, then the magic bytes.
_MAGIC = b"DUCK"


def _problem(path: str) -> str | None:
    """Why ``path`` cannot be the backend's database, or None (before connecting)."""
    file = Path(path)
    suffix = "".join(file.suffixes[-1:]).lower()
    if suffix in _DATA_SUFFIXES:
        return f"a {suffix} file is data DuckDB opens as a read-only view: nothing would be kept"
    if file.is_dir():
        return "it is a directory"
    folder = file.parent
    if not folder.is_dir():
        return f"directory {str(folder)!r} does not exist"
    # DuckDB writes <db>.wal next to the file: the directory must take new files.
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"directory {str(folder)!r} is not writable"
    if file.exists():
        if not file.is_file():
            return "it is not a regular file"
        try:
            with file.open("rb") as handle:
                header = handle.read(12)
        except OSError as exc:
            return f"it cannot be read ({exc.strerror})"
        if len(header) > 0 and header[8:12] != _MAGIC:
            return "it exists and is not a DuckDB database file"
        if not os.access(file, os.W_OK):
            return "it is not writable"
    return None


def open_database(path: str, *, parameter: str = "db") -> duckdb.DuckDBPyConnection:
    """Connect to the database at ``path`` (created if missing) or ``":memory:"``.

    Raises ParameterError naming ``parameter``, the path and what was expected
    when the path is no writable DuckDB database file.
    """
    if path == MEMORY:
        return duckdb.connect(MEMORY)
    problem = _problem(path)
    if problem is not None:
        raise ParameterError(parameter, f"expected {_EXPECTED}, got {path!r}: {problem}")
    try:
        conn = duckdb.connect(path)
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        raise ParameterError(parameter, f"cannot open {path!r} as a database: {reason}") from exc
    row = conn.execute(
        "SELECT path, readonly FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    if row is None or row[0] is None or row[1]:
        conn.close()
        raise ParameterError(
            parameter, f"expected {_EXPECTED}, got {path!r}: DuckDB opened it read-only"
        )
    return conn


def check_database(path: str, *, parameter: str = "db") -> bool:
    """Open and close the database at ``path`` as the backend would; True when its data
    persists (a file), False for ``":memory:"``.

    Raises ParameterError (naming ``parameter``) for a path the backend refuses.
    """
    if path == MEMORY:
        return False
    open_database(path, parameter=parameter).close()
    return True
