"""plan._forecast: a forecast CSV on its grid; every refusal names row, column and value."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccbench import InputError
from plan import parse_forecast, read_forecast

ROOT = Path(__file__).resolve().parents[2]
HEAD = "interval_start,skill,volume,aht_s,patience_s\n"


def _refused(text: str, needle: str, **kw: object) -> str:
    with pytest.raises(InputError) as info:
        parse_forecast(text, source="f.csv", **kw)  # type: ignore[arg-type]
    message = str(info.value)
    assert needle in message, message
    return message


def test_example_forecast_is_a_day_of_48_intervals_for_three_skills() -> None:
    """examples/forecast.csv: 30 min intervals (1800 s), one day, skills in file order."""
    f = read_forecast(ROOT / "examples" / "forecast.csv")
    assert f.interval_s == 1800 and f.intervals_per_day == 48
    assert f.days == (dt.date(2026, 3, 2),) and f.skills == ("sales", "support", "chat")
    # Row "2026-03-02 11:00,support,120.4,330,240" is interval 22 of skill 1.
    assert f.volume[0, 1, 22] == 120.4 and f.aht_s[0, 1, 22] == 330.0
    assert f.patience_s[0, 1, 22] == 240.0 and math.isnan(f.patience_s[0, 2, 22])
    assert f.has_patience("sales") and not f.has_patience("chat")


def test_rows_in_any_order_days_differ_and_absent_cells_are_zero() -> None:
    """Two days, 15 min grid, rows shuffled: Tuesday has its own volumes, a skill missing on
    a day has volume 0 there, and interval indices count from midnight."""
    text = HEAD + (
        "2026-03-03 09:15,calls,7,200,\n"
        "2026-03-02 09:00,calls,4,100,\n"
        "2026-03-02 09:15,calls,5,100,\n"
        "2026-03-03 09:00,calls,6,200,\n"
        "2026-03-02 09:00,chat,2,300,\n"
    )
    f = parse_forecast(text)
    assert f.interval_s == 900 and f.days == (dt.date(2026, 3, 2), dt.date(2026, 3, 3))
    assert f.volume[0, 0, 36:38].tolist() == [4, 5] and f.volume[1, 0, 36:38].tolist() == [6, 7]
    assert f.volume[1, 1].sum() == 0 and f.aht_s[1, 0, 37] == 200
    assert f.interval_label(1, 37) == "2026-03-03 09:15"


def test_interval_length_can_be_pinned() -> None:
    """A single interval per skill and day needs the length given; 3600 s then works."""
    text = HEAD + "2026-03-02 09:00,calls,4,100,\n"
    _refused(text, "cannot be inferred")
    assert parse_forecast(text, interval_s=3600).intervals_per_day == 24


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        # a gap: 09:30 missing between 09:00 and 10:00
        (
            "2026-03-02 09:00,a,1,60,\n2026-03-02 09:30,a,1,60,\n2026-03-02 10:30,a,1,60,\n",
            "row 4, column interval_start, value '2026-03-02 10:30:00': gap: no row for skill "
            "'a' from 10:00",
        ),
        # overlapping: the same interval twice
        (
            "2026-03-02 09:00,a,1,60,\n2026-03-02 09:30,a,1,60,\n2026-03-02 09:30,a,2,60,\n",
            "row 4, column interval_start, value '2026-03-02 09:30:00': overlaps row 3",
        ),
        # overlapping: a start off the 30 min grid
        (
            "2026-03-02 09:00,a,1,60,\n2026-03-02 09:30,a,1,60,\n2026-03-02 10:40,b,1,60,\n",
            "row 4, column interval_start, value '2026-03-02 10:40:00': not on the 30 min grid",
        ),
        (
            "2026-03-02 09:00,a,-3,60,\n2026-03-02 09:30,a,1,60,\n",
            "row 2, column volume, value '-3'",
        ),
        (
            "2026-03-02 09:00,a,,60,\n2026-03-02 09:30,a,1,60,\n",
            "row 2, column volume, value '': missing",
        ),
        ("2026-03-02 09:00,a,abc,60,\n", "row 2, column volume, value 'abc'"),
        (
            "2026-03-02 09:00,a,1,,\n2026-03-02 09:30,a,1,60,\n",
            "row 2, column aht_s, value '': missing",
        ),
        ("2026-03-02 09:00,a,1,60,0\n", "row 2, column patience_s, value '0'"),
        # 7 min intervals: 1440 / 7 is not whole
        (
            "2026-03-02 09:00,a,1,60,\n2026-03-02 09:07,a,1,60,\n",
            "row 3, column interval_start, value '2026-03-02 09:07:00': interval length 7 min "
            "(after row 2) does not divide 24 h",
        ),
        ("2026-03-02T09:00+01:00,a,1,60,\n", "row 2, column interval_start, value "),
        ("09:00,a,1,60,\n", "row 2, column interval_start, value '09:00'"),
        ("2026-03-02 09:00,,1,60,\n", "row 2, column skill, value ''"),
        ("2026-03-02 09:00,a,1,60\n", "row 2, column *, value '2026-03-02 09:00,a,1,60': 4 fields"),
        # a missing day between two days
        (
            "2026-03-02 09:00,a,1,60,\n2026-03-02 09:30,a,1,60,\n2026-03-04 09:00,a,1,60,\n",
            "row 4, column interval_start, value '2026-03-04 09:00:00': gap: no rows for the 1 day",
        ),
        # a skill with patience on one row and none on another with volume
        (
            "2026-03-02 09:00,a,1,60,120\n2026-03-02 09:30,a,1,60,\n",
            "row 3, column patience_s, value '': skill 'a' has a patience on row 2",
        ),
    ],
)
def test_bad_rows_are_refused_naming_row_column_value(body: str, needle: str) -> None:
    """Gaps, overlaps, negative/missing/non-numeric values, a length not dividing the day,
    offsets, missing skills, short rows, missing days, mixed patience: one precise line."""
    _refused(HEAD + body, needle)


def test_unknown_skill_and_columns_are_refused() -> None:
    """A skill outside the configured list, an unknown or missing column."""
    _refused(
        HEAD + "2026-03-02 09:00,b,1,60,\n",
        "row 2, column skill, value 'b': unknown skill",
        skills=["a"],
    )
    _refused(
        "interval_start,skill,volume,aht_s,queue\n",
        "row 1, column queue, value 'queue': unknown column",
    )
    _refused("interval_start,skill,volume\n", "row 1, column aht_s, value '': missing column")


def test_zero_volume_rows_may_omit_aht_and_patience() -> None:
    """A closed interval (volume 0) needs neither AHT nor patience, even for a patient skill."""
    f = parse_forecast(HEAD + "2026-03-02 09:00,a,0,,\n2026-03-02 09:30,a,2,60,90\n")
    assert f.volume[0, 0, 18] == 0 and math.isnan(f.aht_s[0, 0, 18]) and f.has_patience("a")


def test_unreadable_file_is_one_line(tmp_path: Path) -> None:
    """A missing file is an InputError naming it, not an OSError."""
    with pytest.raises(InputError, match="cannot read file"):
        read_forecast(tmp_path / "nope.csv")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="0123456789-:, .\nabT", max_size=200))
def test_never_crashes_on_garbage(body: str) -> None:
    """Any text either parses or is refused with an InputError (never another exception)."""
    with contextlib.suppress(InputError):
        parse_forecast(HEAD + body)
