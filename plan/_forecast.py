"""Forecast CSV: offered volume and handle time per interval and skill, read and checked.

A forecast is what a workforce planner starts from (docs/plan.md, "Forecast file"): one
row per interval and skill with the columns

- ``interval_start``: local wall-clock time the interval starts, ``YYYY-MM-DD HH:MM``
  (``T`` instead of the space and ``:SS`` allowed; no UTC offset);
- ``skill``: the skill (or channel) name the volume belongs to;
- ``volume``: conversations offered in the interval (a number >= 0, fractions allowed);
- ``aht_s``: average handle time (s, > 0; may be empty where ``volume`` is 0);
- ``patience_s`` (optional column): mean patience before abandoning (s, > 0); empty or
  absent = consumers never abandon. A skill has it on every row with volume or on none.

Intervals are half-open [start, start + length). The length is the smallest gap
between two starts of one skill on one day unless given; it must divide 24 h and every
start lies on its grid from midnight. Per skill and day the rows run without gaps from the
skill's first to its last interval (a skill may be absent on a day); the dates run without
gaps from the first to the last. Rows may come in any order. Every refusal names the row
(the file's line: the header is row 1), the column and the value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ccbench import InputError

__all__ = ["COLUMNS", "DAY_S", "Forecast", "parse_forecast", "read_forecast"]

DAY_S = 86_400
COLUMNS = ("interval_start", "skill", "volume", "aht_s", "patience_s")
_REQUIRED = COLUMNS[:4]


@dataclass(frozen=True)
class Forecast:
    """A checked forecast on a regular grid: ``days`` x ``skills`` x intervals of a day.

    ``volume[d, k, i]``: conversations offered on day ``d`` in interval ``i`` (starting
    ``i * interval_s`` s after local midnight) for skill ``k``; 0 where the file has no
    row. ``aht_s``/``patience_s``: the row's values (s), NaN where there is no row or no
    value. ``first_row[skill]``: the skill's first row (for messages about it).
    """

    source: str
    interval_s: int
    days: tuple[dt.date, ...]
    skills: tuple[str, ...]
    volume: np.ndarray
    aht_s: np.ndarray
    patience_s: np.ndarray
    first_row: dict[str, int]

    @property
    def intervals_per_day(self) -> int:
        return DAY_S // self.interval_s

    def has_patience(self, skill: str) -> bool:
        """Whether the skill's rows give a patience (then every row with volume does)."""
        k = self.skills.index(skill)
        return bool(np.isfinite(self.patience_s[:, k, :]).any())

    def interval_label(self, day: int, interval: int) -> str:
        """Local start of an interval as ``YYYY-MM-DD HH:MM``."""
        start = dt.datetime.combine(self.days[day], dt.time()) + dt.timedelta(
            seconds=interval * self.interval_s
        )
        return start.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class _Row:
    row: int
    start: dt.datetime
    skill: str
    volume: float
    aht_s: float
    patience_s: float
    patience_text: str


def _refuse(source: str, row: int, column: str, value: str, problem: str) -> InputError:
    return InputError(f"forecast {source}: row {row}, column {column}, value {value!r}: {problem}")


def _number(source: str, row: int, column: str, text: str, *, positive: bool) -> float:
    expected = "a number > 0" if positive else "a number >= 0"
    if not text.strip():
        raise _refuse(source, row, column, text, f"missing; expected {expected}")
    try:
        value = float(text)
    except ValueError:
        raise _refuse(source, row, column, text, f"expected {expected}") from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise _refuse(source, row, column, text, f"expected {expected}")
    return value


def _start(source: str, row: int, text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise _refuse(
            source, row, "interval_start", text, "expected a local time YYYY-MM-DD HH:MM"
        ) from None
    if moment.tzinfo is not None:
        raise _refuse(
            source, row, "interval_start", text, "expected a local time without a UTC offset"
        )
    if moment.microsecond:
        raise _refuse(source, row, "interval_start", text, "expected whole seconds")
    return moment


def _rows(text: str, source: str, known: Sequence[str] | None) -> list[_Row]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise InputError(f"forecast {source}: empty file; expected a header row {COLUMNS}")
    names = [h.strip() for h in header]
    for name in names:
        if name not in COLUMNS:
            raise _refuse(source, 1, name, name, f"unknown column; expected {', '.join(COLUMNS)}")
    for name in _REQUIRED:
        if name not in names:
            raise _refuse(source, 1, name, "", f"missing column; expected {', '.join(_REQUIRED)}")
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise _refuse(source, 1, twice, twice, "column given twice")
    at = {n: names.index(n) for n in names}
    out: list[_Row] = []
    for row, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue  # a blank line carries no data
        if len(fields) != len(names):
            raise _refuse(
                source, row, "*", ",".join(fields), f"{len(fields)} fields; expected {len(names)}"
            )
        start = _start(source, row, fields[at["interval_start"]])
        skill = fields[at["skill"]].strip()
        if not skill:
            raise _refuse(source, row, "skill", skill, "missing; expected a skill name")
        if known is not None and skill not in known:
            raise _refuse(
                source, row, "skill", skill, f"unknown skill; expected one of {', '.join(known)}"
            )
        volume = _number(source, row, "volume", fields[at["volume"]], positive=False)
        aht_text = fields[at["aht_s"]]
        aht = math.nan
        if volume > 0 or aht_text.strip():
            aht = _number(source, row, "aht_s", aht_text, positive=True)
        patience, patience_text = math.nan, ""
        if "patience_s" in at and fields[at["patience_s"]].strip():
            patience_text = fields[at["patience_s"]]
            patience = _number(source, row, "patience_s", patience_text, positive=True)
        out.append(_Row(row, start, skill, volume, aht, patience, patience_text))
    if not out:
        raise InputError(f"forecast {source}: no data rows; expected one row per interval")
    return out


def _seconds(moment: dt.datetime) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _interval_s(rows: list[_Row], source: str, given: int | None) -> int:
    if given is not None:
        if isinstance(given, bool) or not isinstance(given, int) or given <= 0 or DAY_S % given:
            raise InputError(
                f"forecast {source}: interval length {given!r} s does not divide 24 h; "
                "expected a whole number of seconds dividing 86400 (e.g. 900, 1800, 3600)"
            )
        return given
    best: tuple[int, _Row, _Row] | None = None
    by_key: dict[tuple[dt.date, str], list[_Row]] = {}
    for r in rows:
        by_key.setdefault((r.start.date(), r.skill), []).append(r)
    for group in by_key.values():
        group.sort(key=lambda r: r.start)
        for a, b in itertools.pairwise(group):
            gap = _seconds(b.start) - _seconds(a.start)
            if gap > 0 and (best is None or gap < best[0]):
                best = (gap, a, b)
    if best is None:
        raise InputError(
            f"forecast {source}: every skill has at most one interval a day, so the "
            "interval length cannot be inferred; expected it given (interval_min)"
        )
    gap, a, b = best
    if DAY_S % gap:
        raise _refuse(
            source,
            b.row,
            "interval_start",
            b.start.isoformat(sep=" "),
            f"interval length {gap / 60:g} min (after row {a.row}) does not divide 24 h; "
            "expected a length that divides a day (e.g. 15, 30 or 60 min)",
        )
    return gap


def parse_forecast(
    text: str,
    *,
    source: str = "<text>",
    interval_s: int | None = None,
    skills: Sequence[str] | None = None,
) -> Forecast:
    """Check a forecast CSV text and put it on its grid (module docstring for the rules).

    ``interval_s`` pins the interval length (s; default: inferred); ``skills`` lists the
    skills the rows may name (default: any). InputError names the row, column and value.
    """
    rows = _rows(text, source, skills)
    length = _interval_s(rows, source, interval_s)
    for r in rows:
        if _seconds(r.start) % length:
            raise _refuse(
                source,
                r.row,
                "interval_start",
                r.start.isoformat(sep=" "),
                f"not on the {length / 60:g} min grid from midnight, so it overlaps "
                "another interval; expected starts at multiples of the interval length",
            )
    names = list(dict.fromkeys(r.skill for r in rows))
    dates = sorted({r.start.date() for r in rows})
    first_of_date: dict[dt.date, _Row] = {}
    for r in sorted(rows, key=lambda r: r.row):
        first_of_date.setdefault(r.start.date(), r)
    for before, after in itertools.pairwise(dates):
        if (after - before).days != 1:
            r = first_of_date[after]
            raise _refuse(
                source,
                r.row,
                "interval_start",
                r.start.isoformat(sep=" "),
                f"gap: no rows for the {(after - before).days - 1} day(s) after {before}; "
                "expected consecutive dates",
            )
    per_day = DAY_S // length
    shape = (len(dates), len(names), per_day)
    volume = np.zeros(shape)
    aht = np.full(shape, math.nan)
    patience = np.full(shape, math.nan)
    seen: dict[tuple[int, int, int], _Row] = {}
    day_index = {d: j for j, d in enumerate(dates)}
    for r in rows:
        cell = (day_index[r.start.date()], names.index(r.skill), _seconds(r.start) // length)
        if cell in seen:
            raise _refuse(
                source,
                r.row,
                "interval_start",
                r.start.isoformat(sep=" "),
                f"overlaps row {seen[cell].row} (same skill {r.skill!r} and interval); "
                "expected one row per interval and skill",
            )
        seen[cell] = r
        volume[cell], aht[cell], patience[cell] = r.volume, r.aht_s, r.patience_s
    _check_gaps(seen, source, length)
    _check_patience(rows, source)
    return Forecast(
        source=source,
        interval_s=length,
        days=tuple(dates),
        skills=tuple(names),
        volume=volume,
        aht_s=aht,
        patience_s=patience,
        first_row={s: min(r.row for r in rows if r.skill == s) for s in names},
    )


def _check_gaps(seen: dict[tuple[int, int, int], _Row], source: str, length: int) -> None:
    runs: dict[tuple[int, int], list[int]] = {}
    for d, k, i in seen:
        runs.setdefault((d, k), []).append(i)
    for (d, k), slots in runs.items():
        slots.sort()
        for a, b in itertools.pairwise(slots):
            if b != a + 1:
                r = seen[(d, k, b)]
                missing = (a + 1) * length
                raise _refuse(
                    source,
                    r.row,
                    "interval_start",
                    r.start.isoformat(sep=" "),
                    f"gap: no row for skill {r.skill!r} from "
                    f"{missing // 3600:02d}:{missing % 3600 // 60:02d} to this interval; "
                    "expected consecutive intervals (volume 0 where closed)",
                )


def _check_patience(rows: list[_Row], source: str) -> None:
    """A skill gives a patience on every row with volume, or on none (rows in file order)."""
    first: dict[str, _Row] = {}
    for r in sorted(rows, key=lambda r: r.row):
        if r.volume == 0 and not r.patience_text.strip():
            continue  # a closed interval needs no patience
        seen = first.setdefault(r.skill, r)
        if math.isnan(seen.patience_s) != math.isnan(r.patience_s):
            raise _refuse(
                source,
                r.row,
                "patience_s",
                r.patience_text,
                f"skill {r.skill!r} has {'no' if math.isnan(seen.patience_s) else 'a'} "
                f"patience on row {seen.row}; expected a patience on every row of a skill "
                "with volume, or on none",
            )


def read_forecast(
    path: str | Path, *, interval_s: int | None = None, skills: Sequence[str] | None = None
) -> Forecast:
    """Read and check a forecast CSV file (see :func:`parse_forecast`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")  # spreadsheets often write a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"forecast {path}: cannot read file: {exc}") from exc
    return parse_forecast(text, source=str(path), interval_s=interval_s, skills=skills)
