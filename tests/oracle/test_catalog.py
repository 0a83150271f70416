"""The catalog renders the registry with each metric's needs; docs/metrics.md embeds it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oracle import CATALOG, catalog_json, catalog_markdown

DOC = (Path(__file__).resolve().parents[2] / "docs" / "metrics.md").read_text()


def test_docs_embed_the_catalog_verbatim() -> None:
    """docs/metrics.md's catalog section is exactly catalog_markdown() (regenerate if not)."""
    begin, end = "<!-- catalog:begin -->\n", "<!-- catalog:end -->"
    assert begin in DOC and end in DOC
    embedded = DOC.split(begin, 1)[1].split(end, 1)[0]
    assert embedded == catalog_markdown()


def test_catalog_json_round_trips() -> None:
    """The JSON catalog lists every metric with every registry field."""
    data = json.loads(catalog_json())
    assert [d["name"] for d in data] == [m.name for m in CATALOG]
    assert set(data[0]) == {"name", "seed", "family", "label", "unit", "definition", "empty",
                            "rounding", "computed_by", "needs"}  # fmt: skip
    assert all(d["needs"] for d in data)


def test_cli_catalog_prints_markdown_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`ccbench oracle catalog` prints the registry in both formats."""
    from ccbench.cli import main

    assert main(["oracle", "catalog", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(catalog_json())
    assert main(["oracle", "catalog"]) == 0
    assert capsys.readouterr().out == catalog_markdown() + "\n"
