"""The per-event rules (ccbench/eventlog/_table_checks.py): column-wise, as the plain reading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from ccbench.eventlog import check_table, read_log, table_from_records
from tests.support.validate_reference import (
    DIFFERENTIAL_SETTINGS,
    mutated_records,
    reference_check_table,
)


@DIFFERENTIAL_SETTINGS
@given(data=st.data())
def test_check_table_matches_the_reference_on_mutated_logs(example_path: Path, data: Any) -> None:
    """On the example log after random edits (one or two chunks, common fields such as
    the kind missing too, as in an ingested batch before conforming), check_table gives
    exactly the reference's violations (one Arrow mask per kind and field), in order."""
    base = list(read_log(example_path, sort=False).records())
    records = data.draw(mutated_records(base, drop_common=True))
    table = table_from_records(records)
    cut = data.draw(st.integers(0, table.num_rows))
    table = pa.concat_tables([table.slice(0, cut), table.slice(cut)])
    assert check_table(table) == reference_check_table(table)


def test_a_pattern_with_braces_is_reported_not_raised() -> None:
    """A value breaking a pattern that holds braces (currency ^[A-Z]{3}$, language
    ^[a-z]{2,3}...) is a schema violation quoting the pattern, not a format error."""
    common = {"event_id": "e", "ts": 1, "seq": 1, "account": "a", "conversation_id": "c"}
    sale = {**common, "kind": "sale.recorded", "agent_id": 1, "amount_minor": 5, "currency": "usd"}
    (v,) = check_table(table_from_records([sale]))
    assert (v.rule, v.values) == ("schema.currency", {"currency": "usd"})
    assert v.message == "field 'currency': expected a string matching ^[A-Z]{3}$, got 'usd'"
    intent = {**common, "kind": "intent.detected", "intent": "x", "language": "EN"}
    (v,) = check_table(table_from_records([intent]))
    assert v.message == (
        "field 'language': expected a string matching ^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$, got 'EN'"
    )
