"""CSV answers: a report table compared with the contract's CSV, shape first, then cell by cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ccbench.api import report_csv
from loadtest._csv_answers import csv_path, diff_csv

# Two agents of a report's answer; only the keys the agents table reads matter. Ann's name
# holds a comma (a quoted cell); Bo's connection hours are null (an empty cell).
AGENTS = [
    {"agent_id": 12, "name": "Ann, Lee", "role": "agent", "conversations": 3,
     "conversation_minutes": 12.5, "connection_hours": 1.25, "daily": []},
    {"agent_id": 13, "name": "Bo", "role": "supervisor", "conversations": 0,
     "conversation_minutes": 0.0, "connection_hours": None, "daily": []},
]  # fmt: skip
EXPECTED = report_csv({"agents": AGENTS}, "agents")
HEADER = "agent_id,name,role,conversations,conversation_minutes,connection_hours\n"
TABLE = "report.csv.agents"


def _diff(
    actual: str, *, tolerances: Mapping[str, float] | None = None, skip: Collection[str] = ()
) -> tuple[list[tuple[str, bool]], list[tuple[str, str, Any, Any]]]:
    found = diff_csv(
        EXPECTED, actual, family="report", table="agents", tolerances=tolerances, skip=skip
    )
    return list(found.values), list(found.diffs)


def test_the_hand_made_table_is_the_contracts_csv() -> None:
    """The fixture is what the contract writes: a header, Ann's name quoted, Bo's null empty."""
    assert EXPECTED == HEADER + '12,"Ann, Lee",agent,3,12.5,1.25\n13,Bo,supervisor,0,0.0,\n'


def test_the_right_table_has_every_cell_right() -> None:
    """The expected text, and the same cells with CRLF line ends and every cell quoted:
    1 shape value + 2 rows x 6 columns = 13 values checked, none wrong."""
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(
        csv.reader(io.StringIO(EXPECTED))
    )
    assert out.getvalue().startswith('"agent_id","name"')
    for text in (EXPECTED, EXPECTED.replace("\n", "\r\n"), out.getvalue()):
        values, diffs = _diff(text)
        assert diffs == [] and len(values) == 13 and not any(w for _, w in values), text
        assert values[0] == (TABLE, False)
        assert values[1:7] == [(f"{TABLE}[].{c}", False) for c in HEADER.strip().split(",")]


def test_one_wrong_cell_is_one_mismatch_naming_its_metric() -> None:
    """Bo's conversations 1 instead of 0: exactly one difference, at row 1 (the second row
    after the header), under report.csv.agents[].conversations, with both texts."""
    actual = EXPECTED.replace("13,Bo,supervisor,0,", "13,Bo,supervisor,1,")
    values, diffs = _diff(actual)
    assert diffs == [
        ("$.csv.agents[1].conversations", "report.csv.agents[].conversations", "0", "1")
    ]
    assert [m for m, wrong in values if wrong] == ["report.csv.agents[].conversations"]
    assert len(values) == 13


def test_cells_are_exact_text_unless_the_metric_has_a_tolerance() -> None:
    """12.5 written 12.50 or 12.51 is wrong by default (the bytes are defined once); a
    tolerance of 0.05 on conversation_minutes accepts both (|12.5 - 12.51| = 0.01) and not
    12.6 (0.1), nor a cell that is no number; other columns stay exact."""
    metric = "report.csv.agents[].conversation_minutes"
    tol = {metric: 0.05}
    for written, default_wrong, tolerated_wrong in (
        ("12.50", True, False),
        ("12.51", True, False),
        ("1.251e1", True, False),
        ("12.6", True, True),
        ("n/a", True, True),
    ):
        actual = EXPECTED.replace(",3,12.5,", f",3,{written},")
        assert bool(_diff(actual)[1]) is default_wrong, written
        assert bool(_diff(actual, tolerances=tol)[1]) is tolerated_wrong, written
    # a tolerance on one metric does not loosen another: 3.0 is not the text 3
    assert _diff(EXPECTED.replace(",3,12.5,", ",3.0,12.5,"), tolerances=tol)[1] != []


def test_a_table_of_another_shape_is_one_mismatch_and_no_cell() -> None:
    """A JSON body, a renamed column, a missing or an extra row, a ragged row, an empty body
    and unreadable CSV are each one mismatch on the table, whose cells are not compared."""
    header = HEADER.strip().split(",")
    shape: dict[str, Any] = {"header": header, "rows": 2}
    lines = EXPECTED.splitlines(keepends=True)
    cases = {
        '{"agents": [{"agent_id": 12}]}': {"header": ['{"agents": [{"agent_id": 12}]}'], "rows": 0},
        EXPECTED.replace("role", "job"): {**shape, "header": [*header[:2], "job", *header[3:]]},
        "".join(lines[:2]): {**shape, "rows": 1},
        EXPECTED + lines[2]: {**shape, "rows": 3},
        EXPECTED.replace(",Bo,", ",Bo,x,"): {**shape, "ragged_row": 1},
        EXPECTED + "\n": {**shape, "rows": 3, "ragged_row": 2},  # a blank line is a row
        "": {"header": None, "rows": 0},
        EXPECTED.replace('"Ann, Lee"', '"Ann" Lee'): {"not_csv": "',' expected after '\"'"},
    }  # fmt: skip
    for actual, got in cases.items():
        values, diffs = _diff(actual)
        assert values == [(TABLE, True)], actual
        assert diffs == [("$.csv.agents", TABLE, shape, got)], actual


def test_skipped_columns_are_not_compared() -> None:
    """connection_hours skipped (the log cannot support it): any text there is neither right
    nor wrong, 2 values fewer; the other cells are still compared."""
    actual = EXPECTED.replace(",1.25\n", ",0\n")
    values, diffs = _diff(actual, skip={"connection_hours"})
    assert diffs == [] and len(values) == 11
    assert all(m != "report.csv.agents[].connection_hours" for m, _ in values)
    wrong = actual.replace(",Bo,", ",Bob,")
    assert [d[1] for d in _diff(wrong, skip={"connection_hours"})[1]] == [
        "report.csv.agents[].name"
    ]


def test_csv_paths_name_a_table_or_its_column() -> None:
    """csv.<table> for the table, csv.<table>[].<column> for a column."""
    assert csv_path("daily") == "csv.daily"
    assert csv_path("agents_daily", "date") == "csv.agents_daily[].date"


@settings(max_examples=300, deadline=None)
@given(
    actual=st.one_of(
        st.text(max_size=200),
        st.sampled_from([EXPECTED, "\x00,\ud800\n", '"' * 7, "a" * 200_000, "\r\r\n,"]),
        st.lists(st.sampled_from(EXPECTED.splitlines(keepends=True)), max_size=5).map("".join),
    ),
    tolerance=st.sampled_from([None, 0.0, 1e308]),
)
def test_no_text_makes_the_comparison_raise(actual: str, tolerance: float | None) -> None:
    """Any text (NUL, lone surrogates, open quotes, a field past the csv module's limit,
    lines of the right table shuffled) gives values and differences, never an exception;
    the expected table against itself has none."""
    tol = {} if tolerance is None else {f"{TABLE}[].{c}": tolerance for c in ("name", "role")}
    values, diffs = _diff(actual, tolerances=tol)
    assert values and all(isinstance(p, str) and p.startswith("$.csv.agents") for p, *_ in diffs)
    assert len(diffs) == sum(wrong for _, wrong in values)
    assert _diff(EXPECTED, tolerances=tol)[1] == []
