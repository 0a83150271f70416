"""Import boundaries: each package depends on the contract, not on its siblings' internals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level packages it must never import
FORBIDDEN = {
    "ccbench/eventlog": {"sim", "oracle", "backend", "loadtest", "ccbench.cli"},
    "sim": {"oracle", "backend", "loadtest"},
    "oracle": {"sim", "backend", "loadtest"},
    "backend": {"oracle", "sim", "loadtest"},
    "loadtest": {"sim", "backend"},
    "plan": {"oracle", "backend", "loadtest"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_imports(package: str) -> None:
    """No module of the package imports a forbidden sibling (absolute imports checked)."""
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for name in _imports(path):
            for forbidden in FORBIDDEN[package]:
                if name == forbidden or name.startswith(forbidden + "."):
                    bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []


def test_api_contract_imports_only_the_standard_library_and_the_error_tree() -> None:
    """ccbench/api (the API contract) imports the standard library, ccbench._errors and its
    own modules, nothing else: relative imports included."""
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
