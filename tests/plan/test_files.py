"""plan._files: CSV numbers rounded by meaning; files replaced atomically."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from plan._files import csv_number, csv_text, write_text


@pytest.mark.parametrize(
    ("metric", "value", "cell"),
    [
        ("service_level_mean", 0.834567, "0.8346"),
        ("at_erlang_service_level_low", -0.00001, "0.0000"),  # no "-0.0000"
        ("erlang_occupancy", 0.5, "0.5000"),
        ("asa_s_high", 19.96, "20.0"),
        ("aht_s", 300.0, "300.0"),
        ("offered_mean", 123.456, "123.46"),
        ("volume", 60.2, "60.20"),
        ("erlang_agents", 12, "12"),
        ("service_level", math.nan, ""),
        ("asa_s", None, ""),
    ],
)
def test_csv_number_rounds_by_what_it_measures(metric: str, value: float, cell: str) -> None:
    """Fractions 4 decimals, seconds 1, other means 2, integers as they are, no value empty."""
    assert csv_number(metric, value) == cell


def test_csv_text_has_a_header_and_newline_rows() -> None:
    """Header first, one line per row, quoting where a cell needs it."""
    assert csv_text(["a", "b"], [["1", "x,y"]]) == 'a,b\n1,"x,y"\n'


def test_write_text_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write failing half-way (after 'par' reached the disk) leaves the old file whole and
    no temporary file behind."""
    target = tmp_path / "t.csv"
    write_text(target, "old\n")
    real = Path.write_text

    def half(self: Path, data: str, encoding: str | None = None) -> int:
        real(self, data[:3], encoding=encoding)
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_text", half)
    with pytest.raises(OSError, match="disk full"):
        write_text(target, "partial\n")
    monkeypatch.undo()
    assert target.read_text() == "old\n" and sorted(tmp_path.iterdir()) == [target]
