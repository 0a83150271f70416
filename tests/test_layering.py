"""Import boundaries as an allowlist: each unit imports only the layers below it.

The layers (README, "Architecture"), lowest first:

1. ``ccbench._errors``, the exception tree, ``ccbench`` itself (its
   ``__init__`` only re-exports the tree and :func:`ccbench.shown_with_type`),
   ``ccbench.files`` (atomic file replacement; the standard library and the tree) and
   ``ccbench.arrays`` (the may-miss array lookup, numpy only) and ``ccbench.cores``
   (the cores a process may use; the standard library only);
2. the contracts, ``ccbench.eventlog`` (event log) and ``ccbench.api`` (query
   APIs), ``ccbench.records`` (vendor records in and out, on the event log only),
   ``ccbench.serving`` (serving an ASGI app on 127.0.0.1) and ``ccbench.progress``
   (progress on a terminal), the two utilities importing nothing of the project;
3. ``sim``, ``oracle``, ``backend``: independent of each other;
4. ``loadtest`` (may use the oracle) and ``plan`` (may use the simulator);
5. the command line ``ccbench.cli`` (with ``ccbench.__main__``) and the demo
   ``ccbench.demo``.

Every import statement counts: absolute and relative, at module level, inside
functions and under ``TYPE_CHECKING``. Only first-party modules are graphed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = ("ccbench", "sim", "oracle", "backend", "loadtest", "plan")

_ERRORS = "ccbench._errors"
_CONTRACTS = {"ccbench.eventlog", "ccbench.api"}
_BASE = {_ERRORS, "ccbench", "ccbench.files", "ccbench.arrays", "ccbench.cores", *_CONTRACTS}
_EVERYTHING = {
    _ERRORS,
    "ccbench",
    "ccbench.files",
    "ccbench.arrays",
    "ccbench.cores",
    *_CONTRACTS,
    "ccbench.serving",
    "ccbench.records",
    "ccbench.progress",
    "sim",
    "oracle",
    "backend",
    "loadtest",
    "plan",
}

#: unit -> the units it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    _ERRORS: set(),
    "ccbench": {_ERRORS},
    "ccbench.files": {_ERRORS},
    "ccbench.arrays": set(),
    "ccbench.cores": set(),
    "ccbench.eventlog": {_ERRORS, "ccbench", "ccbench.files"},
    "ccbench.api": {_ERRORS, "ccbench"},
    "ccbench.serving": {_ERRORS, "ccbench"},
    "ccbench.progress": {_ERRORS, "ccbench"},
    # the records converter sits below backend and oracle: the event log and errors only
    "ccbench.records": {_ERRORS, "ccbench", "ccbench.files", "ccbench.eventlog"},
    "sim": _BASE,
    "oracle": _BASE,
    "backend": _BASE | {"ccbench.serving", "ccbench.records"},
    "loadtest": _BASE | {"ccbench.serving", "ccbench.progress", "ccbench.records", "oracle"},
    "plan": _BASE | {"sim"},
    "ccbench.cli": _EVERYTHING,
    "ccbench.__main__": _EVERYTHING | {"ccbench.cli"},
    "ccbench.demo": _EVERYTHING,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    """Every first-party module by dotted name."""
    out = {}
    for top in TOP_LEVEL:
        for path in sorted((ROOT / top).rglob("*.py")):
            out[_module_name(path)] = path
    return out


def unit_of(module: str) -> str | None:
    """The layering unit a first-party module belongs to (None: not in the table)."""
    parts = module.split(".")
    if parts[0] != "ccbench":
        return parts[0]
    if len(parts) == 1:
        return "ccbench"
    unit = f"ccbench.{parts[1]}"
    return unit if unit in ALLOWED else None


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (relative levels resolved)."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str) -> Iterator[tuple[str, int]]:
    """(first-party module imported, line) for every import statement of ``module``."""
    modules = _modules()
    path = modules[module]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in TOP_LEVEL:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, path, node)
            if target.split(".")[0] not in TOP_LEVEL:
                continue
            for alias in node.names:
                # `from pkg import mod` imports the module pkg.mod when there is one
                sub = f"{target}.{alias.name}"
                yield (sub if sub in modules else target), node.lineno


def _where(module: str, line: int) -> str:
    return f"{_modules()[module].relative_to(ROOT)}:{line}"


def test_every_module_has_a_layer() -> None:
    """Each module of the project belongs to a unit of the layer table."""
    assert [m for m in _modules() if unit_of(m) is None] == []


def test_resolves_relative_imports() -> None:
    """Relative imports resolve to the module they name (so the tests below see them)."""
    assert {m for m, _ in imports("ccbench.cli._validate")} == {"ccbench.eventlog"}
    assert {m for m, _ in imports("ccbench.cli._main")} >= {"ccbench", "ccbench._errors"}
    assert "oracle._dashboard_tables" in {m for m, _ in imports("oracle._dashboard")}


@pytest.mark.parametrize("unit", sorted(ALLOWED))
def test_imports_only_lower_layers(unit: str) -> None:
    """Every import of the unit's modules targets the unit itself or a unit it may use."""
    bad = []
    for module in _modules():
        if unit_of(module) != unit:
            continue
        for target, line in imports(module):
            other = unit_of(target)
            if other != unit and other not in ALLOWED[unit]:
                bad.append(f"{_where(module, line)} imports {target} ({other})")
    assert bad == []


def test_no_private_module_of_another_package() -> None:
    """No module imports a private (``_name``) module of another top-level package."""
    bad = []
    for module in _modules():
        for target, line in imports(module):
            parts = target.split(".")
            if parts[0] != module.split(".")[0] and any(p.startswith("_") for p in parts[1:]):
                bad.append(f"{_where(module, line)} imports {target}")
    assert bad == []


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Cycles met by a depth-first walk of ``graph``, each as the path that closes it."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in graph.get(node, []):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [node])
    return cycles


def test_find_cycles_finds_a_cycle() -> None:
    """The cycle search reports a three-module cycle and nothing for a diamond."""
    assert find_cycles({"a": ["b"], "b": ["c"], "c": ["a"]}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}) == []


def test_no_import_cycles() -> None:
    """The module import graph (every import statement, TYPE_CHECKING ones too) is acyclic."""
    graph = {m: sorted({t for t, _ in imports(m) if t != m}) for m in _modules()}
    assert find_cycles(graph) == []


def test_api_contract_imports_only_the_standard_library_and_the_error_tree() -> None:
    """ccbench/api (the API contract) imports the standard library, ccbench._errors and its
    own modules, nothing else (third-party packages included, which the table above does
    not graph): relative imports included."""
    import sys

    bad = []
    for path in sorted((ROOT / "ccbench" / "api").rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level == 1:  # from .x: a module of the package itself
                    continue
                names = ["ccbench." + module if node.level == 2 else module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if name != "ccbench._errors" and top not in sys.stdlib_module_names:
                    bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []
