"""Import boundaries: each package depends on the contract, not on its siblings' internals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level packages it must never import
FORBIDDEN = {
    "ccbench/eventlog": {"sim", "oracle", "backend", "loadtest", "ccbench.cli"},
    # the records converter sits below backend and oracle: contract and errors only
    "ccbench/records": {"sim", "oracle", "backend", "loadtest", "plan", "ccbench.cli"},
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
