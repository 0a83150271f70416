"""Database paths: only a writable DuckDB file or :memory:; data files and bad places refused."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from backend import Store, check_database
from ccbench import ParameterError
from ccbench.eventlog import read_log


def _refusal(path: str) -> str:
    with pytest.raises(ParameterError) as caught:
        check_database(path, parameter="--db")
    assert caught.value.parameter == "--db"
    message = str(caught.value)
    assert "\n" not in message and repr(path) in message
    return message


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".json", ".ndjson", ".PARQUET"])
def test_data_files_are_refused_existing_or_not(tmp_path: Path, suffix: str) -> None:
    """DuckDB would open an existing .parquet/.csv/.json as a read-only view (the issue: 200 to
    every ingest, nothing kept); such paths are refused whether the file exists or not."""
    new = tmp_path / f"new{suffix}"
    assert "opens as a read-only view" in _refusal(str(new))
    assert not new.exists()
    existing = tmp_path / f"data{suffix}"
    with duckdb.connect() as conn:
        fmt = "json" if suffix.lower() in (".json", ".ndjson") else suffix.lower().lstrip(".")
        conn.execute(f"COPY (SELECT 1 AS a) TO '{existing}' (FORMAT {fmt})")
    before = existing.read_bytes()
    _refusal(str(existing))
    with pytest.raises(ParameterError):
        Store(path=str(existing))
    assert existing.read_bytes() == before


def test_places_that_cannot_hold_a_database_are_refused(tmp_path: Path) -> None:
    """A directory, a missing directory, a non-DuckDB file, an empty file, /proc: one line each."""
    (tmp_path / "notes.db").write_bytes(b"not a database at all, just text")
    (tmp_path / "empty.duckdb").write_bytes(b"")
    assert "it is a directory" in _refusal(str(tmp_path))
    assert "does not exist" in _refusal(str(tmp_path / "missing" / "db.duckdb"))
    assert "not a DuckDB database file" in _refusal(str(tmp_path / "notes.db"))
    assert "cannot open" in _refusal(str(tmp_path / "empty.duckdb"))
    if Path("/proc").is_dir():
        _refusal("/proc/ccbench-test.duckdb")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_directory_is_refused(tmp_path: Path) -> None:
    """A directory without write permission cannot take the database or its WAL."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert "is not writable" in _refusal(str(folder / "db.duckdb"))
    finally:
        folder.chmod(0o755)


def test_duckdb_files_and_memory_are_accepted(tmp_path: Path, example_path: Path) -> None:
    """A new file is created and persists; an existing DuckDB file reopens with its data;
    :memory: is accepted and reported as not persisting."""
    path = str(tmp_path / "metrics.duckdb")
    assert check_database(path) is True
    store = Store(path=path)
    store.ingest(account="acme", table=read_log(example_path).table)
    store.close()
    assert check_database(path) is True
    again = Store(path=path)
    try:
        assert again.event_count(account="acme") == 169
    finally:
        again.close()
    assert check_database(":memory:") is False
