"""The data types of the API contract: a query parameter, a cross-parameter rule, a family.

A :class:`Family` is one endpoint family (one seed's query API) as data: its
parameters in declared order (the order that decides which parameter an
error names, docs/metrics.md "Errors of every query API"), its
cross-parameter rules and the key order of its response objects. Everything
else (URL decoding, validation, OpenAPI, CLI help, the load harness's draws)
is derived from these values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["MAX_INTEGER", "Default", "Family", "Kind", "Parameter", "Rule", "RuleKind"]

#: Largest integer any parameter accepts (ids and durations are 64-bit signed in SQL).
MAX_INTEGER = 2**63 - 1

#: How a parameter's text is decoded and checked (docs/metrics.md "Errors of every query API").
Kind = Literal[
    "integer", "number", "choice", "pattern", "ids", "names", "threshold", "text", "json"
]
#: What a cross-parameter rule checks (see :class:`Rule`).
RuleKind = Literal[
    "divides", "excludes", "not_above", "after", "span_at_most", "before_now",
    "buckets_at_most", "clock", "data",
]  # fmt: skip
Default = int | float | str | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Parameter:
    """One query parameter.

    ``name`` is the one name of the parameter: the query-string key, the
    name errors give, the oracle's keyword (``keyword`` when the oracle's
    Python API spells it differently, as msgagentsegments' camelCase ids).
    ``low``/``high`` are inclusive bounds (integers and numbers; ``high``
    None means :data:`MAX_INTEGER` for integers, unbounded for numbers).
    ``choices``: the allowed values of a choice, the allowed names of a
    names list, the KPIs of a threshold. ``all_keyword``: ``all`` is
    accepted as the whole value (ids, names, pattern). ``always``: names
    always part of a names selection. ``repeatable``: the parameter may be
    given more than once (each value checked). ``default`` is the value an
    absent parameter means (None: "no filter" / "none" / set by the data,
    as ``summary`` says). ``unit`` is written after bounds (minutes, ms).
    """

    name: str
    kind: Kind
    summary: str
    required: bool = False
    default: Default = None
    low: int | float | None = None
    high: int | float | None = None
    choices: tuple[str, ...] = ()
    all_keyword: bool = False
    pattern: str | None = None
    always: tuple[str, ...] = ()
    repeatable: bool = False
    unit: str = ""
    keyword: str | None = None

    @property
    def python_name(self) -> str:
        """The oracle's keyword argument for this parameter."""
        return self.keyword or self.name

    def expectation(self) -> str:
        """What a valid value looks like, in words (error messages, OpenAPI, CLI help)."""
        unit = f" ({self.unit})" if self.unit else ""
        if self.kind in ("integer", "number"):
            what = "an integer" if self.kind == "integer" else "a finite decimal number"
            if self.low is not None and self.high is not None:
                if self.low == self.high:
                    return f"{what} equal to {_num(self.low)}{unit}"
                return f"{what} in {_num(self.low)}..{_num(self.high)}{unit}"
            if self.low is not None:
                return f"{what} >= {_num(self.low)}{unit}"
            return what + unit
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "pattern":
            keyword = "all or " if self.all_keyword else ""
            return f"{keyword}a value matching {self.pattern}"
        if self.kind == "ids":
            keyword = "all or " if self.all_keyword else ""
            return f"{keyword}comma-separated integer ids in 0..{MAX_INTEGER}"
        if self.kind == "names":
            keyword = "all or " if self.all_keyword else ""
            return f"{keyword}comma-separated names from " + ", ".join(self.choices)
        if self.kind == "threshold":
            return "<kpi>:<finite decimal number>, kpi one of " + ", ".join(self.choices)
        if self.kind == "json":
            return "a JSON list"
        return "a non-empty string"


def _num(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule between parameters; a failure is an error naming ``parameter``.

    Kinds (``other`` is the second parameter, ``limit`` a number):

    * ``divides``: ``parameter`` <= ``other`` and ``other % parameter == 0``;
    * ``excludes``: ``parameter`` and ``other`` are not both given;
    * ``not_above``: ``parameter`` <= ``other`` (given or default values);
    * ``after``: ``parameter`` > ``other``;
    * ``span_at_most``: ``parameter - other`` <= ``limit``;
    * ``before_now``: ``parameter`` < now (checked once the clock is known);
    * ``buckets_at_most``: ``ceil((now - other) / parameter)`` <= ``limit`` (clock);
    * ``clock``: another rule that needs now (and the data's time zone): stated in
      ``text``, checked by each implementation;
    * ``data``: a rule about the stored data (an id of the roster): stated in
      ``text``, checked by each implementation.

    Query rules are checked at ``parameter``'s place in the declared order
    (``other`` always comes earlier); clock rules after every query rule, data
    rules last. ``text`` states the rule in words (docs, OpenAPI, CLI help).
    """

    kind: RuleKind
    parameter: str
    text: str
    other: str | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class Family:
    """One endpoint family: its parameters in declared order, rules and response shape.

    ``path`` is the reference backend's route (None while only the oracle
    answers the family), ``operation_id`` its OpenAPI operationId.
    ``response_keys`` gives, for each object of the response (``""`` is the
    top level; ``a.b`` a nested object; ``a[]`` the items of a list), its keys
    in order.
    """

    name: str
    seed: str
    summary: str
    parameters: tuple[Parameter, ...]
    rules: tuple[Rule, ...] = ()
    path: str | None = None
    operation_id: str | None = None
    response_keys: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names in declared order."""
        return tuple(p.name for p in self.parameters)

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name`` (KeyError if the family has none)."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(f"{self.name} has no parameter {name!r}")

    def rules_of(self, name: str) -> tuple[Rule, ...]:
        """The rules whose failure names parameter ``name``."""
        return tuple(r for r in self.rules if r.parameter == name)

    def keys(self, path: str = "") -> tuple[str, ...]:
        """Key order of the response object at ``path`` (KeyError if not declared)."""
        for where, keys in self.response_keys:
            if where == path:
                return keys
        raise KeyError(f"{self.name} declares no response object {path!r}")
