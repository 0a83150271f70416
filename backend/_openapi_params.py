"""OpenAPI parameter objects of a contract family (ccbench.api), and the clock header.

Each query parameter's schema comes from its kind, bounds and choices; its
description states the expectation, the default and every cross-parameter
rule naming it (OpenAPI 3.0 cannot express those in a schema). Where a
pattern is given for a text form, it accepts a subset of what the contract
accepts (ids of at most 18 digits, threshold limits without exponent), so
that every value a client builds from the schema is valid.
"""

from __future__ import annotations

import re
from typing import Any

from ccbench.api import CLOCK_HEADER, CLOCK_MAX_DIGITS, MAX_INTEGER, Family, Parameter

__all__ = ["clock_parameter", "error_rule", "query_parameters"]

_ID = "[0-9]{1,18}"
_LIMIT = "-?[0-9]{1,9}(\\.[0-9]{1,6})?"


def _alternatives(names: tuple[str, ...]) -> str:
    return "|".join(re.escape(n) for n in names)


def _schema(p: Parameter) -> dict[str, Any]:
    schema: dict[str, Any]
    if p.kind in ("integer", "number"):
        schema = {"type": p.kind}
        if p.low is not None:
            schema["minimum"] = p.low
        high = MAX_INTEGER if p.high is None and p.kind == "integer" else p.high
        if high is not None:
            schema["maximum"] = high
    elif p.kind == "choice":
        schema = {"type": "string", "enum": list(p.choices)}
    elif p.kind == "pattern":
        keyword = "all|" if p.all_keyword else ""
        schema = {"type": "string", "pattern": f"^({keyword}{p.pattern})$"}
    elif p.kind == "ids":
        items = f"{_ID}(,{_ID})*"
        schema = {
            "type": "string",
            "pattern": f"^(all|{items})$" if p.all_keyword else f"^{items}$",
        }
    elif p.kind == "names":
        one = ("all|" if p.all_keyword else "") + _alternatives(p.choices)
        schema = {"type": "string", "pattern": f"^({one})(,({one}))*$"}
    elif p.kind == "threshold":
        kpi = _alternatives(p.choices)
        item = {"type": "string", "pattern": f"^({kpi}):{_LIMIT}$"}
        return {"type": "array", "items": item}
    else:
        schema = {"type": "string", "minLength": 1}
    if p.default is not None:
        schema["default"] = ",".join(p.default) if isinstance(p.default, tuple) else p.default
    return schema


def _description(family: Family, p: Parameter) -> str:
    text = f"{p.summary} Expected: {p.expectation()}."
    for rule in family.rules_of(p.name):
        text += f" Must be {rule.text}."
    if p.repeatable:
        text += " Repeat the parameter for several values."
    return text


def query_parameters(family: Family) -> list[dict[str, Any]]:
    """The family's query parameters in declared order (the order errors follow)."""
    out = []
    for p in family.parameters:
        obj: dict[str, Any] = {
            "name": p.name,
            "in": "query",
            "required": p.required,
            "description": _description(family, p),
            "schema": _schema(p),
        }
        if p.repeatable:
            obj |= {"style": "form", "explode": True}
        out.append(obj)
    return out


def clock_parameter() -> dict[str, Any]:
    """The test-clock header (honoured only with --test-clock)."""
    return {
        "name": CLOCK_HEADER,
        "in": "header",
        "required": False,
        "description": "Epoch ms to use as now; honoured only with --test-clock. "
        f"1 to {CLOCK_MAX_DIGITS} ASCII digits.",
        "schema": {"type": "string", "pattern": f"^[0-9]{{1,{CLOCK_MAX_DIGITS}}}$"},
    }


def error_rule(family: Family) -> str:
    """The operation text saying which parameter a 400 names (docs/metrics.md)."""
    later = [f"{r.parameter}: {r.text}" for r in family.rules if r.kind == "clock"]
    after = f", then the rules that need now ({'; '.join(later)})" if later else ""
    return (
        "A 400 names one parameter: an unknown name first (the first in the URL), then the "
        "parameters in the order listed, each checked for repetition, presence, syntax, "
        f"bounds and the rules in its description, then the {CLOCK_HEADER} header{after}."
    )
