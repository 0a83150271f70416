"""Hypothesis strategies shared by the tests: event records (contract) and small scenarios (sim)."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from ccbench.eventlog import ASSIGN_REASONS, FIELDS, KINDS, FieldSpec
from sim import SEGMENT_ENDINGS, Scenario

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
    if spec.free_text:
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


ROOT = Path(__file__).resolve().parents[2]
_BASE = tomllib.loads((ROOT / "scenarios" / "smoke.toml").read_text())
_PROBS = SEGMENT_ENDINGS
_EXTRAS = (
    "transfer_back",
    "resume",
    "reopen",
    "merge",
    "snooze",
    "view",
    "manager_message",
    "participant_message",
    "system_message",
    "agent_close_share",
)


@st.composite
def small_scenarios(draw: st.DrawFn) -> Scenario:
    """The smoke scenario with random staff sizes, slots, rates, horizon and behaviours."""
    doc: dict[str, Any] = copy.deepcopy(_BASE)
    doc["scenario"]["hours"] = draw(st.floats(0.3, 1.5))
    for pool in doc["pools"]:
        pool["count"] = draw(st.integers(1, 4))
        pool["max_slots"] = draw(st.integers(1, 3))
        pool["breaks_per_shift"] = draw(st.floats(0.0, 3.0))
    for stream in doc["streams"]:
        stream["rate_per_hour"] = draw(st.floats(0.0, 80.0))
    doc["bots"][0]["containment"] = draw(st.floats(0.0, 1.0))
    doc["bots"][0]["max_slots"] = draw(st.integers(1, 50))
    doc["routing"]["decline_prob"] = draw(st.floats(0.0, 0.5))
    doc["routing"]["accept_delay"] = draw(
        st.sampled_from(
            [{"kind": "constant", "mean_s": 0.0}, {"kind": "exponential", "mean_s": 5.0}]
        )
    )
    doc["modes"]["chat"]["patience"] = draw(
        st.sampled_from(
            [
                {"kind": "none"},
                {"kind": "exponential", "mean_s": 60.0},
                {"kind": "lognormal", "mean_s": 90.0, "sd_s": 60.0},
                {"kind": "empirical", "values_s": [5.0, 50.0, 500.0]},
            ]
        )
    )
    shares = draw(st.lists(st.floats(0.0, 0.14), min_size=len(_PROBS), max_size=len(_PROBS)))
    for name, p in zip(_PROBS, shares, strict=True):
        doc["behaviour"][name] = p
    for name in _EXTRAS:
        doc["behaviour"][name] = draw(st.floats(0.0, 1.0))
    return Scenario.from_dict(doc)
