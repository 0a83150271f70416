"""Validating a request of a family: which parameter an error names, and the checked values.

The one rule (docs/metrics.md "Errors of every query API"): unknown names
first, the first one in the URL; then the family's parameters one at a time
in declared order, each for being given more than once, missing when
required, its syntax, its bounds or choices, and the rules that name it;
then the rules that need the clock; the rules about the data come last and
are each implementation's. The first failing check raises
:class:`ccbench.ParameterError` naming its parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

from .._errors import ParameterError, shown_with_type
from ._decode import Value, as_integer, check_value, decode_text
from ._spec import Family, Rule

__all__ = [
    "CLOCK_HEADER",
    "CLOCK_MAX_DIGITS",
    "Query",
    "check_values",
    "parse_clock",
    "parse_query",
]

#: The header carrying a test clock's now (epoch ms) to a backend started with a test clock.
CLOCK_HEADER = "X-Clock-Now"
#: At most this many ASCII digits in CLOCK_HEADER (every such instant fits int64 with room).
CLOCK_MAX_DIGITS = 18
_CLOCK = re.compile(f"[0-9]{{1,{CLOCK_MAX_DIGITS}}}")

#: A query string: (name, value) pairs in URL order, or name -> value or list of values.
RawQuery = Iterable[tuple[str, str]] | Mapping[str, str | Sequence[str]]


@dataclass(frozen=True, slots=True)
class Query:
    """The checked values of one request of ``family`` (absent parameters are not in ``values``).

    The accessors return the given value, else the contract's default
    (None when the parameter has none); each asserts the parameter's kind.
    """

    family: Family
    values: Mapping[str, Value] = field(default_factory=dict)

    def given(self, name: str) -> bool:
        """Whether the request gave parameter ``name``."""
        self.family.parameter(name)
        return name in self.values

    def _get(self, name: str, *kinds: str) -> Value | None:
        p = self.family.parameter(name)
        assert p.kind in kinds, f"{name} is a {p.kind}, not {kinds}"
        if name in self.values:
            return self.values[name]
        return None if p.default is None else check_value(p, p.default)

    def integer(self, name: str) -> int | None:
        """An integer parameter."""
        return cast("int | None", self._get(name, "integer"))

    def integer_value(self, name: str) -> int:
        """An integer parameter that is required or has a default."""
        value = self.integer(name)
        assert value is not None, f"{name} is neither required nor has a default"
        return value

    def number(self, name: str) -> float | None:
        """A decimal-number parameter."""
        return cast("float | None", self._get(name, "number"))

    def text(self, name: str) -> str | None:
        """A choice, pattern or text parameter (``all`` stays ``"all"``)."""
        return cast("str | None", self._get(name, "choice", "pattern", "text"))

    def text_value(self, name: str) -> str:
        """A choice, pattern or text parameter that is required or has a default."""
        value = self.text(name)
        assert value is not None, f"{name} is neither required nor has a default"
        return value

    def ids(self, name: str) -> tuple[int, ...] | Literal["all"] | None:
        """An id list: sorted ids without repeats, or ``"all"``."""
        return cast("tuple[int, ...] | Literal['all'] | None", self._get(name, "ids"))

    def names(self, name: str) -> tuple[str, ...] | None:
        """A names list in the contract's order (``all`` gives every name)."""
        return cast("tuple[str, ...] | None", self._get(name, "names"))

    def thresholds(self, name: str) -> tuple[tuple[str, float], ...]:
        """A threshold parameter's ``(kpi, limit)`` pairs in KPI order (none: empty)."""
        return cast("tuple[tuple[str, float], ...]", self._get(name, "threshold") or ())

    def items(self, name: str) -> tuple[object, ...] | None:
        """A JSON list parameter's items."""
        return cast("tuple[object, ...] | None", self._get(name, "json"))

    def numeric(self, name: str) -> float | None:
        """An integer or number parameter as a number (for rules)."""
        value = self._get(name, "integer", "number")
        return None if value is None else float(cast("float", value))


def _pairs(query: RawQuery) -> list[tuple[str, str]]:
    if not isinstance(query, Mapping):
        return list(query)
    pairs = []
    for name, value in query.items():
        for one in [value] if isinstance(value, str) else value:
            if not isinstance(one, str):
                raise ParameterError(name, f"expected a string, got {shown_with_type(one)}")
            pairs.append((name, one))
    return pairs


def _check_rule(rule: Rule, query: Query) -> None:
    value = query.numeric(rule.parameter) if rule.kind != "excludes" else None
    other = query.numeric(rule.other) if rule.other and rule.kind != "excludes" else None
    ok = True
    if rule.kind == "excludes":
        ok = not (query.given(rule.parameter) and query.given(rule.other or ""))
    elif value is None or other is None:
        return
    elif rule.kind == "divides":
        ok = value <= other and other % value == 0
    elif rule.kind == "not_above":
        ok = value <= other
    elif rule.kind == "after":
        ok = value > other
    elif rule.kind == "span_at_most":
        ok = value - other <= (rule.limit or 0)
    if not ok:
        p = query.family.parameter(rule.parameter)
        shown = query.values.get(rule.parameter, p.default)
        got = "both" if rule.kind == "excludes" else shown_with_type(shown)
        raise ParameterError(rule.parameter, f"expected {rule.text}, got {got}")


def _validate(family: Family, given: Mapping[str, Sequence[object]], *, text: bool) -> Query:
    values: dict[str, Value] = {}
    query = Query(family, values)
    for p in family.parameters:
        raw = given.get(p.name)
        if raw:
            if len(raw) > 1 and not p.repeatable:
                raise ParameterError(
                    p.name, f"expected the parameter at most once, got it {len(raw)} times"
                )
            if text:
                texts = [cast("str", t).strip() for t in raw]
                values[p.name] = check_value(p, decode_text(p, texts))
            else:
                values[p.name] = check_value(p, raw[0])
        elif p.required:
            raise ParameterError(
                p.name, f"required parameter is missing; expected {p.expectation()}"
            )
        for rule in family.rules_of(p.name):
            if rule.kind not in ("before_now", "buckets_at_most", "clock", "data"):
                _check_rule(rule, query)
    return query


def parse_query(family: Family, query: RawQuery) -> Query:
    """Validate a request's query string: ``(name, value)`` pairs in URL order, or a mapping
    of name to one value or a list of values (a repeated parameter).

    Values and list items are trimmed of surrounding white space. Raises
    ParameterError naming the parameter by the rule of the module docstring.
    """
    grouped: dict[str, list[object]] = {}
    known = set(family.names)
    for name, value in _pairs(query):
        if name not in known:
            raise ParameterError(
                name, "unknown parameter; expected only " + ", ".join(family.names)
            )
        grouped.setdefault(name, []).append(value)
    return _validate(family, grouped, text=True)


def check_values(family: Family, values: Mapping[str, object]) -> Query:
    """Validate typed Python values keyed by parameter name (None: not given).

    The same checks and order as :func:`parse_query` without the text
    decoding: integers are ints (not bools), id lists iterables of ints or
    ``"all"``, names iterables of names or ``"all"``, thresholds a mapping of
    KPI to number.
    """
    unknown = [name for name in values if name not in family.names]
    if unknown:
        raise ParameterError(
            unknown[0], "unknown parameter; expected only " + ", ".join(family.names)
        )
    return _validate(family, {k: [v] for k, v in values.items() if v is not None}, text=False)


def check_clock(query: Query, *, now_ms: int) -> None:
    """Check the family's ``before_now`` and ``buckets_at_most`` rules at ``now_ms`` (epoch ms)."""
    for p in query.family.parameters:
        for rule in query.family.rules_of(p.name):
            value = query.numeric(rule.parameter)
            if value is None:
                continue
            if rule.kind == "before_now" and not value < now_ms:
                raise ParameterError(
                    rule.parameter, f"expected {rule.text} ({now_ms}), got {int(value)}"
                )
            if rule.kind == "buckets_at_most":
                other = query.numeric(rule.other or "") or 0.0
                if -(-(now_ms - int(other)) // int(value)) > (rule.limit or 0):
                    raise ParameterError(rule.parameter, f"expected {rule.text}, got {int(value)}")


def check_now(now_ms: object) -> int:
    """The instant of a typed request (the oracle's ``now_ms``), epoch ms: an integer the
    :data:`CLOCK_HEADER` can carry (0 to 10**CLOCK_MAX_DIGITS - 1), so that the oracle and a
    backend with a test clock accept the same instants and no window arithmetic overflows."""
    value = as_integer(now_ms)
    if value is None or not 0 <= value < 10**CLOCK_MAX_DIGITS:
        raise ParameterError(
            "now_ms",
            f"expected epoch milliseconds from 0 to {10**CLOCK_MAX_DIGITS - 1}, "
            f"got {shown_with_type(now_ms)}",
        )
    return value


def parse_clock(text: str) -> int:
    """Epoch ms from a :data:`CLOCK_HEADER` value: 1 to :data:`CLOCK_MAX_DIGITS` ASCII digits,
    trimmed of white space; else ParameterError naming the header."""
    if not _CLOCK.fullmatch(text.strip()):
        raise ParameterError(
            CLOCK_HEADER,
            f"expected epoch milliseconds as 1 to {CLOCK_MAX_DIGITS} digits, "
            f"got {shown_with_type(text)}",
        )
    return int(text.strip())
