"""The conformance cases: requests with the status and error parameter they must get.

The cases ship with the package (``conformance.json``) because the load
harness draws its invalid requests from them at run time. The default test
suite runs every case against the oracle's parsers and, for the families it
serves, against the reference backend over HTTP (tests/api/test_conformance.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from .._errors import InputError

__all__ = ["Conformance", "ConformanceCase", "load_conformance"]

_NEEDS = ("clock", "data")


@dataclass(frozen=True, slots=True)
class ConformanceCase:
    """One request of ``family`` and its expected answer.

    ``query`` holds the query string's ``(name, value)`` pairs in URL order
    (decoded text). ``clock`` is the ``X-Clock-Now`` header text to send
    instead of the set's ``now_ms``. ``needs`` says what else the answer
    depends on: ``"clock"`` (the instant, e.g. "today from" an hour not yet
    begun) or ``"data"`` (an id of the example roster). ``status`` is 200 or
    400; a 400 names ``parameter``.
    """

    id: str
    family: str
    query: tuple[tuple[str, str], ...]
    status: int
    parameter: str | None = None
    clock: str | None = None
    needs: tuple[str, ...] = ()
    why: str = ""

    @property
    def static(self) -> bool:
        """True when the answer depends on the query alone (any now, any data)."""
        return self.clock is None and not self.needs


@dataclass(frozen=True, slots=True)
class Conformance:
    """The case set: every case is answered at ``now_ms`` (epoch ms) on ``log``'s data."""

    now_ms: int
    log: str
    cases: tuple[ConformanceCase, ...]

    def of(self, family: str) -> tuple[ConformanceCase, ...]:
        """The cases of one family, in file order."""
        return tuple(c for c in self.cases if c.family == family)


def _case(raw: dict[str, object], i: int) -> ConformanceCase:
    where = f"conformance.json cases[{i}]"
    try:
        query = tuple((str(k), str(v)) for k, v in raw["query"])  # type: ignore[attr-defined]
        case = ConformanceCase(
            id=str(raw["id"]),
            family=str(raw["family"]),
            query=query,
            status=int(raw["status"]),  # type: ignore[call-overload]
            parameter=None if raw.get("parameter") is None else str(raw["parameter"]),
            clock=None if raw.get("clock") is None else str(raw["clock"]),
            needs=tuple(str(n) for n in raw.get("needs", ())),  # type: ignore[attr-defined]
            why=str(raw.get("why", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: malformed case: {exc}") from exc
    if case.status not in (200, 400) or (case.status == 400) != (case.parameter is not None):
        raise InputError(f"{where} ({case.id}): expected status 200, or 400 with a parameter")
    if not set(case.needs) <= set(_NEEDS):
        raise InputError(f"{where} ({case.id}): needs must be among {', '.join(_NEEDS)}")
    return case


def load_conformance() -> Conformance:
    """Read the packaged case set (checked: ids unique, statuses 200 or 400 with a parameter)."""
    text = resources.files("ccbench.api").joinpath("conformance.json").read_text("utf-8")
    doc = json.loads(text)
    cases = tuple(_case(raw, i) for i, raw in enumerate(doc["cases"]))
    ids = [c.id for c in cases]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise InputError(f"conformance.json: case ids given more than once: {repeated}")
    return Conformance(now_ms=int(doc["now_ms"]), log=str(doc["log"]), cases=cases)
