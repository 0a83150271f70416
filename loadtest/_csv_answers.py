"""CSV answers: a table a backend sent as text/csv against the expected table, cell by cell.

A report asked for one of its tables (its ``csv`` parameter) answers that table
as text/csv, whose bytes the contract defines once for every implementation
(:func:`ccbench.api.report_csv`, docs/metrics.md 5.6). Both texts are read by
the csv module into a header and rows (so line endings and optional quotes are
not judged, the cells are):

* the table's **shape** (its header, its number of rows, every row as wide as
  the header) is one value of the metric ``<family>.csv.<table>`` (path
  ``$.csv.<table>``): a different shape, or a body the csv module cannot read
  (a JSON answer where a table was asked is read as a table of the wrong
  shape), is one mismatch, and the cells are then not compared, since they
  cannot be lined up;
* otherwise every **cell** is one value of its column's metric
  ``<family>.csv.<table>[].<column>`` (path ``$.csv.<table>[<row>].<column>``,
  rows counted from 0 after the header), right when its text is the expected
  text exactly; a metric given a tolerance compares cells that are both
  decimal numbers within it instead.

Columns the log cannot support (``skip``) are left out of the comparison. No
text makes :func:`diff_csv` raise.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ._json_values import within

__all__ = ["CsvComparison", "csv_path", "diff_csv"]

_NUMBER = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True, slots=True)
class CsvComparison:
    """What :func:`diff_csv` found: every value compared as (metric, wrong), in table
    order, and the wrong ones as (path, metric, expected, actual)."""

    values: tuple[tuple[str, bool], ...]
    diffs: tuple[tuple[str, str, Any, Any], ...]


def csv_path(table: str, column: str | None = None) -> str:
    """``csv.<table>`` (the table's shape) or ``csv.<table>[].<column>`` (its column)."""
    return f"csv.{table}" if column is None else f"csv.{table}[].{column}"


def _rows(text: str) -> tuple[list[list[str]] | None, str | None]:
    """(rows, None), or (None, why) when the csv module cannot read ``text`` (bad quoting
    under strict reading, a field past the csv module's size limit)."""
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True)), None
    except csv.Error as exc:
        return None, str(exc)


def _shape(rows: list[list[str]]) -> dict[str, Any]:
    shape: dict[str, Any] = {"header": rows[0] if rows else None, "rows": max(0, len(rows) - 1)}
    width = len(rows[0]) if rows else 0
    ragged = next((i for i, row in enumerate(rows[1:]) if len(row) != width), None)
    if ragged is not None:
        shape["ragged_row"] = ragged
    return shape


def _number(text: str) -> int | float | None:
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:  # an integer past Python's parser: it equals no number
        return None


def _equal(e: str, a: str, tolerance: float | None) -> bool:
    if e == a:
        return True
    if tolerance is None:
        return False
    e_num, a_num = _number(e), _number(a)
    return e_num is not None and a_num is not None and within(e_num, a_num, tolerance)


def diff_csv(
    expected: str,
    actual: str,
    *,
    family: str,
    table: str,
    tolerances: Mapping[str, float] | None = None,
    skip: Collection[str] = (),
) -> CsvComparison:
    """``actual`` against the ``expected`` CSV text of ``family``'s ``table`` (see the
    module docstring); ``skip``: columns left out; ``tolerances``: metric -> absolute
    tolerance for numeric cells (none: exact text)."""
    tol = tolerances or {}
    table_metric = f"{family}.{csv_path(table)}"
    e_rows = _rows(expected)[0] or []
    a_rows, why = _rows(actual)
    e_shape = _shape(e_rows)
    if a_rows is None or _shape(a_rows) != e_shape:
        got = {"not_csv": why} if a_rows is None else _shape(a_rows)
        diff = (f"$.{csv_path(table)}", table_metric, e_shape, got)
        return CsvComparison(values=((table_metric, True),), diffs=(diff,))
    values: list[tuple[str, bool]] = [(table_metric, False)]
    diffs: list[tuple[str, str, Any, Any]] = []
    header = e_rows[0] if e_rows else []
    metrics = [f"{family}.{csv_path(table, c)}" for c in header]
    for i, (e_row, a_row) in enumerate(zip(e_rows[1:], a_rows[1:], strict=True)):
        for column, metric, e, a in zip(header, metrics, e_row, a_row, strict=True):
            if column in skip:
                continue
            wrong = not _equal(e, a, tol.get(metric))
            values.append((metric, wrong))
            if wrong:
                diffs.append((f"$.csv.{table}[{i}].{column}", metric, e, a))
    return CsvComparison(values=tuple(values), diffs=tuple(diffs))
