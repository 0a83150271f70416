"""Build hook: the wheel carries the built-in scenarios and the example log.

scenarios/*.toml and examples/example.ndjson at the top of the repository stay their only
source; building copies them into the wheel as ``sim/scenarios/`` and ``ccbench/examples/``,
where ``sim.load_scenario("smoke")`` and ``ccbench.demo`` find them once installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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


setup(cmdclass={"build_py": BuildWithShippedData})
