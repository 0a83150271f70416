"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ccbench.eventlog import ASSIGN_REASONS, FIELDS, KINDS, FieldSpec

_ALPHABET = st.characters(
    min_codepoint=33, max_codepoint=0x2FFF, blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")
)


def _value(spec: FieldSpec) -> st.SearchStrategy[Any]:
    if spec.choices is not None:
        return st.sampled_from(spec.choices)
    if spec.type == "int":
        low = spec.low if spec.low is not None else -(2**63)
        high = spec.high if spec.high is not None else 2**63 - 1
        return st.integers(min_value=low, max_value=high)
    if spec.pattern is not None and spec.pattern.pattern.startswith("^\\S"):
        return st.text(_ALPHABET, min_size=1, max_size=12)
    return st.from_regex(spec.pattern, fullmatch=True)  # type: ignore[arg-type]


@st.composite
def event_records(draw: st.DrawFn, *, account: str = "acme") -> dict[str, Any]:
    """One schema-valid event record (any kind, random field values; lifecycle ignored)."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    spec = KINDS[kind]
    record: dict[str, Any] = {"kind": kind, "account": account}
    for name in ("event_id", "ts", "seq"):
        record[name] = draw(_value(FIELDS[name]))
    for name in spec.required:
        record[name] = draw(_value(FIELDS[name]))
    for name in spec.optional:
        if draw(st.booleans()):
            record[name] = draw(_value(FIELDS[name]))
    if spec.reason_choices is not None:
        record["reason"] = draw(st.sampled_from(ASSIGN_REASONS))
    return record


def event_batches(max_size: int = 30) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of schema-valid records with unique event ids and seq values."""
    return st.lists(
        event_records(), max_size=max_size, unique_by=(lambda r: r["event_id"], lambda r: r["seq"])
    )
