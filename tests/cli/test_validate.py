"""ccbench validate: a Parquet log whose ts column holds text is refused, not reported valid."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from ccbench.cli import main
from tests.support.cli import one_line_error


def test_ts_stored_as_strings_is_one_line(
    example_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example converted to Parquet with ts cast to text: exit 2 naming the column."""
    good = tmp_path / "good.parquet"
    assert main(["convert", str(example_path), str(good)]) == 0
    table = pq.read_table(good)
    i = table.schema.get_field_index("ts")
    text = table.set_column(i, pa.field("ts", pa.string()), pc.cast(table["ts"], pa.string()))
    pq.write_table(text.replace_schema_metadata(table.schema.metadata), tmp_path / "ts.parquet")
    capsys.readouterr()
    line = one_line_error(capsys, "validate", str(tmp_path / "ts.parquet"))
    assert "column 'ts': expected int64, got string" in line
