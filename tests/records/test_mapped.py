"""A table written by write_table comes back equal through map_table, unlinked or not."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa

from ccbench.records._mapped import map_table, write_table


def test_a_table_comes_back_equal_and_outlives_its_file(tmp_path: Path) -> None:
    """Types, nulls and schema metadata survive; the mapped table stays readable after
    its file is removed (the shares' directory goes before assembly ends)."""
    schema = pa.schema(
        [("ts", pa.int64()), ("kind", pa.string()), ("csat", pa.int8())],
        metadata={b"source": b"test"},
    )
    table = pa.table(
        {"ts": [3, 1, 2], "kind": ["a", None, "c"], "csat": [5, None, 1]}, schema=schema
    )
    path = tmp_path / "t.arrow"
    write_table(table, path)
    back = map_table(path)
    os.remove(path)
    assert back.equals(table, check_metadata=True)
    assert back.column("kind").to_pylist() == ["a", None, "c"]


def test_an_empty_table_round_trips(tmp_path: Path) -> None:
    """A share with no rows of a kind still writes a readable file with its schema."""
    table = pa.table({"ts": pa.array([], pa.int64())})
    write_table(table, str(tmp_path / "e.arrow"))
    back = map_table(str(tmp_path / "e.arrow"))
    assert back.num_rows == 0 and back.schema == table.schema
