"""A straightforward reading of the contract's validation, kept as the reference for
ccbench.eventlog.validate and check_table (tests/eventlog/test_validate.py).

The package's versions are written for speed (column-wise pre-checks, a presence
bitmask, a named tuple per event); this is the plain version they replaced: one
Arrow mask per kind and field, Python loops over every id and seq, every event
walked in (ts, seq) order. Both must give the same violations, in the same order,
with the same messages, on any log; :func:`mutated_records` draws the logs to try.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ccbench._errors import shown
from ccbench.eventlog import COMMON_FIELDS, FIELDS, KINDS, EventLog, Violation
from ccbench.eventlog._conversation_checks import EventChecker
from ccbench.eventlog._lifecycle_event import LifecycleEvent

__all__ = [
    "DIFFERENTIAL_SETTINGS",
    "mutated_records",
    "reference_check_table",
    "reference_validate",
]


#: Hypothesis settings of the differential tests: each example runs the slow reference.
DIFFERENTIAL_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _id(ids: pa.ChunkedArray, row: int) -> str | None:
    value: str | None = ids[row].as_py()
    return value if value is None or len(value) <= 80 else value[:77] + "..."


def _rows(mask: pa.ChunkedArray | pa.Array) -> list[int]:
    filled = pc.fill_null(mask, False)
    if not pc.any(filled).as_py():
        return []
    return pc.indices_nonzero(filled).to_pylist()  # type: ignore[no-any-return]


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def reference_check_table(table: pa.Table) -> list[Violation]:
    """check_table, one Arrow mask per rule, per kind and per field."""
    out: list[Violation] = []
    ids = table.column("event_id")

    def report(rule: str, rows: list[int], message: str, column: str | None) -> None:
        values = table.column(column).take(rows).to_pylist() if column and rows else []
        for i, row in enumerate(rows):
            vals = {column: values[i]} if column else {}
            text = message.format(value=shown(values[i]) if column else "")
            out.append(Violation(rule, row, _id(ids, row), text, vals))

    kinds = table.column("kind")
    report(
        "schema.kind",
        _rows(pc.invert(pc.is_in(kinds, value_set=pa.array(sorted(KINDS))))),
        "field 'kind': expected one of the contract's event kinds, got {value}",
        "kind",
    )
    for name, spec in FIELDS.items():
        column = table.column(name)
        if spec.choices is not None:
            bad = pc.invert(pc.is_in(column, value_set=pa.array(spec.choices)))
        elif spec.type == "int":
            bad = pc.less(column, spec.low) if spec.low is not None else None
            if spec.high is not None:
                over = pc.greater(column, spec.high)
                bad = over if bad is None else pc.or_(bad, over)
        elif spec.pattern is not None:
            bad = pc.invert(pc.match_substring_regex(column, spec.pattern.pattern))
        else:
            bad = None
        if spec.max_length is not None:
            long = pc.and_(pc.is_valid(column), pc.greater(pc.utf8_length(column), spec.max_length))
            rows = _rows(long)
            lengths = pc.utf8_length(column).take(rows).to_pylist() if rows else []
            for row, length in zip(rows, lengths, strict=True):
                message = (
                    f"field {name!r}: expected at most {spec.max_length} characters, got {length}"
                )
                out.append(Violation(f"schema.{name}", row, _id(ids, row), message, {}))
            if rows and bad is not None:
                bad = pc.and_(bad, pc.invert(long))
        if bad is not None and name != "kind":
            bad = pc.and_(pc.is_valid(column), bad)
            report(
                f"schema.{name}",
                _rows(bad),
                f"field {name!r}: expected {_escaped(spec.expectation())}, got {{value}}",
                name,
            )
    for kind, kspec in KINDS.items():
        is_kind = pc.equal(kinds, kind)
        for name in FIELDS:
            column = table.column(name)
            if name in kspec.required:
                report(
                    "schema.required",
                    _rows(pc.and_(is_kind, pc.is_null(column))),
                    f"{kind} requires field {name!r}, which is missing",
                    None,
                )
            elif name not in kspec.allowed:
                report(
                    "schema.forbidden",
                    _rows(pc.and_(is_kind, pc.is_valid(column))),
                    f"{kind} does not take field {name!r} (got {{value}})",
                    name,
                )
        if kspec.reason_choices is not None:
            reason = table.column("reason")
            bad = pc.and_(
                pc.and_(is_kind, pc.is_valid(reason)),
                pc.invert(pc.is_in(reason, value_set=pa.array(kspec.reason_choices))),
            )
            report(
                "schema.reason",
                _rows(bad),
                f"{kind}: field 'reason': expected one of "
                f"{', '.join(kspec.reason_choices)}, got {{value}}",
                "reason",
            )
    out.sort(key=lambda v: v.row if v.row is not None else -1)
    return out


def reference_validate(log: EventLog) -> list[Violation]:
    """validate, walking every row in (ts, seq) order and every id and seq in Python."""
    table = log.table
    out = reference_check_table(table)
    ids = table.column("event_id").to_pylist()
    ts = table.column("ts").to_numpy()
    seq = table.column("seq").to_numpy()
    order = np.lexsort((seq, ts))
    if len(order) > 1:
        dts, dseq = np.diff(ts), np.diff(seq)
        for before in np.nonzero((dts < 0) | ((dts == 0) & (dseq < 0)))[0]:
            r = int(before) + 1
            out.append(
                Violation(
                    "order",
                    r,
                    ids[r],
                    f"(ts, seq) = ({ts[r]}, {seq[r]}) comes after ({ts[r - 1]}, {seq[r - 1]})",
                    {"ts": int(ts[r])},
                )
            )
    for name, values in (("event_id", ids), ("seq", seq.tolist())):
        seen: set[Any] = set()
        for row, value in enumerate(values):
            if value in seen:
                message = f"{name} {value!r} appears more than once"
                out.append(Violation(f"unique.{name}", row, ids[row], message, {name: value}))
            seen.add(value)
    broken_rows = {v.row for v in out if v.rule.startswith("schema.")}
    columns = {name: table.column(name).to_pylist() for name in FIELDS}
    checker = EventChecker(log, out)
    for row in order.tolist():
        if row in broken_rows:
            continue
        event = {name: values[row] for name, values in columns.items()}
        checker.row, checker.event_id = row, event["event_id"]
        checker.event(LifecycleEvent(**{name: event[name] for name in LifecycleEvent._fields}))
    out.sort(key=lambda v: v.row if v.row is not None else -1)
    return out


_TEXT_POOL = (
    "x", "a", "b", "paris", "lyon", "acme", "other", " pad", "tab\tin", "", "y" * 300,
    "WEB", "en", "agent", "bot", "consumer", "manager", "participant", "system", "internal",
    "public", "outbound", "inbound", "online", "away", "busy", "asleep", "new", "takeover",
    "resume", "because", "call", "chat", "messaging", "agent.status", "bogus.kind",
)  # fmt: skip
_INT_POOL = (-1, 0, 1, 2, 5, 9, 12, 13, 14, 20, 100, 101, 333, 444, 999, 2**53)
_EDITS = (
    "dup_id", "dup_seq", "swap", "swap_ts", "drop", "copy", "kind", "unset", "set", "cid",
    "ref", "account",
)  # fmt: skip
_REF_FIELDS = ("agent_id", "from_agent_id", "to_agent_id", "skill_id", "to_skill_id")


@st.composite
def mutated_records(
    draw: st.DrawFn, base: list[dict[str, Any]], *, drop_common: bool = False
) -> list[dict[str, Any]]:
    """The example log's records after a few random edits: repeated ids and seqs, moved,
    dropped and copied events, other kinds, fields removed or set to odd values.
    ``drop_common``: a common field (kind, account...) may be removed too, as in a batch
    an ingester checks before conforming it."""
    records = [dict(r) for r in base]
    for _ in range(draw(st.integers(0, 6))):
        edit = draw(st.sampled_from(_EDITS))
        if not records:
            break
        i = draw(st.integers(0, len(records) - 1))
        j = draw(st.integers(0, len(records) - 1))
        rec = records[i]
        if edit == "dup_id":
            rec["event_id"] = records[j]["event_id"]
        elif edit == "dup_seq":
            rec["seq"] = records[j]["seq"]
        elif edit == "swap":
            records[i], records[j] = records[j], records[i]
        elif edit == "swap_ts":
            rec["ts"], records[j]["ts"] = records[j]["ts"], rec["ts"]
        elif edit == "drop":
            del records[i]
        elif edit == "copy":
            records.insert(j, dict(rec))
        elif edit == "kind":
            rec["kind"] = draw(st.sampled_from([*KINDS, "bogus.kind"]))
        elif edit == "unset":
            optional = sorted(set(rec) - (set() if drop_common else set(COMMON_FIELDS)))
            if optional:
                del rec[draw(st.sampled_from(optional))]
        elif edit == "ref":  # another agent or skill where the event names one
            held = [name for name in _REF_FIELDS if name in rec]
            if held:
                rec[draw(st.sampled_from(held))] = draw(st.sampled_from(_INT_POOL))
        elif edit == "account":
            rec["account"] = draw(st.sampled_from(("acme", "other")))
        elif edit == "cid":
            rec["conversation_id"] = records[j].get("conversation_id", "nowhere")
        else:
            name = draw(st.sampled_from(sorted(FIELDS)))
            spec = FIELDS[name]
            if spec.type == "int":
                bits = spec.arrow.bit_width - 1
                pool = [v for v in _INT_POOL if -(2**bits) <= v < 2**bits]
                rec[name] = draw(st.sampled_from(pool))
            else:
                rec[name] = draw(st.sampled_from(_TEXT_POOL))
    return records
