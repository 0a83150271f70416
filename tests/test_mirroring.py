"""Every module has its test file, or a one-line reason in its folder's UNMIRRORED.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {
    "ccbench": "ccbench",
    "ccbench/eventlog": "eventlog",
    "ccbench/api": "api",
    "ccbench/records": "records",
    "ccbench/cli": "cli",
    "sim": "sim",
    "oracle": "oracle",
    "backend": "backend",
    "loadtest": "loadtest",
    "plan": "plan",
}
LINE = re.compile(r"^- `(?P<module>[^`]+\.py)`: .+ \((?P<cites>tests/[^()]+)\)$")


def _mirrored(folder: str, module: str) -> bool:
    stem = (module[1:] if module.startswith("_") else module).removesuffix(".py")
    tests = ROOT / "tests" / folder
    return (tests / f"test_{stem}.py").exists() or any(tests.glob(f"test_{stem}_*.py"))


def _listed(folder: str) -> dict[str, str]:
    path = ROOT / "tests" / folder / "UNMIRRORED.md"
    if not path.exists():
        return {}
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return {LINE.match(line)["module"] if LINE.match(line) else line: line for line in lines}


def test_every_module_is_mirrored_or_listed() -> None:
    """Each module is mirrored by a test file or listed in its folder's UNMIRRORED.md."""
    missing = [
        f"{package}/{path.name}"
        for package, folder in FOLDERS.items()
        for path in sorted((ROOT / package).glob("*.py"))
        if not _mirrored(folder, path.name) and path.name not in _listed(folder)
    ]
    assert missing == []


def test_unmirrored_lines_are_current() -> None:
    """Each UNMIRRORED.md line names an existing, unmirrored module and existing tests."""
    problems = []
    for package, folder in FOLDERS.items():
        for module, line in _listed(folder).items():
            match = LINE.match(line)
            if match is None:
                problems.append(f"{folder}: malformed line {line!r}")
                continue
            if not (ROOT / package / module).exists():
                problems.append(f"{folder}: no module {module}")
            elif _mirrored(folder, module):
                problems.append(f"{folder}: {module} is mirrored, drop its line")
            for cite in match["cites"].split(", "):
                if not (ROOT / cite).exists():
                    problems.append(f"{folder}: {module} cites missing {cite}")
    assert problems == []
