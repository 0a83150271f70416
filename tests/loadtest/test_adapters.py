"""The mapping's [ingest] and [translate] tables and plugin loading (loadtest/_adapters.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ccbench import InputError
from loadtest import IngestSpec, load_mapping

TARGETS = Path(__file__).resolve().parents[2] / "loadtest" / "targets"


def test_the_shipped_records_mapping_reads() -> None:
    """reference-records.toml feeds records to the records route."""
    mapping = load_mapping(TARGETS / "reference-records.toml")
    assert mapping.ingest.dialect == "liveperson-records"
    assert mapping.endpoint("ingest").path.endswith("/records")
    assert load_mapping().ingest == IngestSpec()


def test_spec_round_trips_through_the_plan() -> None:
    """The spec the Locust processes read back is the one parsed."""
    spec = IngestSpec.parse(
        {"dialect": "files", "files": {"directory": "/x", "format": "parquet", "ready_file": "ok"}},
        {"python": "tests.support.plugins:translate_to_text"},
        where="m",
    )
    assert IngestSpec.from_dict(spec.to_dict()) == spec
    assert spec.translate == "tests.support.plugins:translate_to_text"


@pytest.mark.parametrize(
    ("ingest", "translate", "message"),
    [
        ({"dialect": "kafka"}, None, "ingest.dialect: expected one of ccbench-events"),
        ({"dialect": "files"}, None, "ingest.files.directory: required by the files dialect"),
        ({"files": {"format": "csv"}}, None, "ingest.files.format: expected one of parquet"),
        ({"python": "no_colon"}, None, 'ingest.python: expected "package.module:function"'),
        ({"python": "no.such.module:f"}, None, "cannot import 'no.such.module'"),
        (None, {"python": "tests.support.plugins:nothing"}, "has no callable 'nothing'"),
        ({"colour": "red"}, None, "ingest: unknown key 'colour'"),
        ({"files": {"ready_timeout_s": 0}}, None, "ready_timeout_s: expected seconds > 0"),
    ],
)
def test_bad_tables_name_key_value_and_expectation(
    ingest: Any, translate: Any, message: str
) -> None:
    """Each mistake is one InputError naming the key and what was expected."""
    with pytest.raises(InputError, match=r"^m: ") as caught:
        IngestSpec.parse(ingest, translate, where="m")
    assert message in str(caught.value)
