"""Build hook: the wheel carries the built-in scenarios and the example log, and the
records importer's fast path compiled.

scenarios/*.toml and examples/example.ndjson at the top of the repository stay their only
source; building copies them into the wheel as ``sim/scenarios/`` and ``ccbench/examples/``,
where ``sim.load_scenario("smoke")`` and ``ccbench.demo`` find them once installed.

The modules ``[tool.ccbench] compiled`` lists in pyproject.toml are compiled to C
extensions with mypyc (as black and mypy are): the same source, type-checked, executes
about a third fewer instructions per record (docs/formats.md, "Speed and processes").
Without mypyc or a C compiler, or with ``CCBENCH_PURE=1`` in the environment, they stay
Python and the build goes on.
"""

from __future__ import annotations

import os
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = (("scenarios", "*.toml", "sim/scenarios"), ("examples", "*.ndjson", "ccbench/examples"))


class BuildWithShippedData(build_py):
    """build_py that also copies the repository's scenarios and example log into the build."""

    def run(self) -> None:
        super().run()
        for source, pattern, target in SHIPPED:
            destination = Path(self.build_lib) / target
            destination.mkdir(parents=True, exist_ok=True)
            for path in sorted((ROOT / source).glob(pattern)):
                shutil.copyfile(path, destination / path.name)


def compiled_modules() -> list[Any]:
    """The extensions of the modules to compile, or none (a reason printed)."""
    if os.environ.get("CCBENCH_PURE"):
        return []
    with open(ROOT / "pyproject.toml", "rb") as file:
        paths = tomllib.load(file)["tool"]["ccbench"]["compiled"]
    try:
        from mypyc.build import mypycify

        # the build environment has mypy and the dependencies whose types the compiled
        # modules use (build-system requires); the others' types read as Any
        extensions = mypycify(
            ["--ignore-missing-imports", "--no-warn-unused-ignores", *paths],
            group_name="ccbench.records._compiled",  # its shared library goes in the package
        )
    except (Exception, SystemExit) as exc:  # mypyc reports type errors by exiting
        print(f"ccbench: not compiling the fast path ({exc!r}); it runs as Python", file=sys.stderr)
        return []
    for extension in extensions:
        extension.optional = True  # no C compiler: the modules stay Python
    return list(extensions)


setup(cmdclass={"build_py": BuildWithShippedData}, ext_modules=compiled_modules())
