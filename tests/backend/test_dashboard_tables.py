"""The dashboard tables' columns, sorting and paging (backend/_dashboard_tables.py)."""

from __future__ import annotations

import numpy as np

from backend._dashboard_closes import ClosedSums
from backend._dashboard_params import parse_dashboard_query
from backend._dashboard_tables import Column, close_columns, mean_ms, paged, percent

ROWS = {  # five rows in ascending id; "score" null for ids 2 and 5, tied 7 for 3 and 4
    "id": Column(np.asarray([1, 2, 3, 4, 5])),
    "name": Column(["e", "d", "c", "b", "a"]),
    "score": Column(np.asarray([9, 0, 7, 7, 0]), np.asarray([True, False, True, True, False])),
}


def _ids(sort: str, order: str, page: int = 1, size: int = 10) -> list[int]:
    return [r["id"] for r in paged(ROWS, "id", sort, order, page, size)["rows"]]


def test_nulls_last_in_both_orders_ties_by_id() -> None:
    """Ascending: 7 (3, 4 by id), 9, then the nulls by id; descending: 9, 7 (3, 4 still
    ascending id), then the nulls by id."""
    assert _ids("score", "asc") == [3, 4, 1, 2, 5]
    assert _ids("score", "desc") == [1, 3, 4, 2, 5]
    assert _ids("name", "asc") == [5, 4, 3, 2, 1]


def test_paging() -> None:
    """Five rows of two per page: three pages, the last with one row; a page past the
    end is empty; the rows are dicts in column order with null as None."""
    page = paged(ROWS, "id", "id", "desc", 3, 2)
    assert {k: v for k, v in page.items() if k != "rows"} == {
        "total": 5, "page": 3, "page_size": 2, "pages": 3, "sort": "id", "order": "desc",
    }  # fmt: skip
    assert page["rows"] == [{"id": 1, "name": "e", "score": 9}]
    assert paged(ROWS, "id", "id", "asc", 4, 2)["rows"] == []
    assert paged(ROWS, "id", "score", "asc", 2, 2)["rows"][0] == {
        "id": 1, "name": "e", "score": 9
    }  # fmt: skip
    assert paged(ROWS, "id", "score", "asc", 2, 2)["rows"][1]["score"] is None


def test_percent_and_mean() -> None:
    """100 * part / whole (null for a zero whole); means truncated toward zero, also
    below zero (-7 / 2 is -3, not -4)."""
    p = percent(np.asarray([1, 2, 5]), np.asarray([3, 0, 5]))
    assert p.at([0, 1, 2]) == [100.0 * 1 / 3, None, 100.0]
    m = mean_ms(np.asarray([-7, 7, 4]), np.asarray([2, 2, 0]))
    assert m.at([0, 1, 2]) == [-3, 3, None]


def test_close_columns_by_key() -> None:
    """Agent 8 has 2 closes (resolution 30 s in all, CSAT answers 5 and 3: one good, sum 8);
    agent 9 has none in the sums: 0 closed, null means and CSAT. top2 is the share of
    4-5 answers, mean 100 * mean / 5."""
    row = [2, 1, 1, 0, 30_000, 2, 1, 8]
    sums = ClosedSums(
        window=np.zeros(26, dtype=np.int64), agent_ids=np.asarray([8]),
        by_agent=np.asarray([row]), skill_ids=np.zeros(0, dtype=np.int64),
        by_skill=np.zeros((0, 8), dtype=np.int64), by_skill_window=np.zeros((0, 8), dtype=np.int64),
    )  # fmt: skip
    ids = np.asarray([8, 9])
    top2 = close_columns(sums, "by_agent", ids, parse_dashboard_query([]))
    assert {k: c.at([0, 1]) for k, c in top2.items()} == {
        "closed": [2, 0], "avg_resolution_time": [15_000, None], "csat": [50.0, None],
        "csat_answered": [2, 0],
    }  # fmt: skip
    mean = close_columns(sums, "by_agent", ids, parse_dashboard_query([("csat", "mean")]))
    assert mean["csat"].at([0, 1]) == [100.0 * 8 / 10, None]
    none = close_columns(sums, "by_skill", np.asarray([1]), parse_dashboard_query([]))
    assert none["closed"].at([0]) == [0]
