"""docs/plan.md runs as written: its Python example, its shell examples, its config example."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from plan import RequirementConfig

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "plan.md").read_text()


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.S)


def _env() -> dict[str, str]:
    """The test's interpreter first on PATH (its `ccbench` script) and the repository importable."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_python_example_runs_with_a_process_pool(tmp_path: Path) -> None:
    """The example, saved as a script and run, works with the 2-process pool (its
    `if __name__ == "__main__":` guard keeps the workers from re-running it)."""
    (code,) = _blocks("python")
    assert 'if __name__ == "__main__":' in code
    script = tmp_path / "example.py"
    script.write_text(code)
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=_env(), capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Estimate(mean=" in done.stdout and "Recommendation(" in done.stdout


def test_config_example_reads_as_a_requirement_config(tmp_path: Path) -> None:
    """The TOML example is a valid configuration setting every documented top-level key."""
    (text,) = _blocks("toml")
    path = tmp_path / "c.toml"
    path.write_text(text)
    config = RequirementConfig.read(path)
    assert config.interval_s == 1800 and config.skills[0].max_slots == 3
    assert set(tomllib.loads(text)) == {
        "forecast", "interval_min", "shrinkage", "replications", "seed", "warmup_h",
        "cooldown_h", "targets", "skills",
    }  # fmt: skip


@pytest.mark.slow
def test_shell_examples_run_as_written(tmp_path: Path) -> None:
    """Every line of the sh block, in order, in a folder holding the examples: exit 0 each
    (the --config line re-runs what the erlang_c line wrote)."""
    (block,) = _blocks("sh")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    for line in block.strip().splitlines():
        done = subprocess.run(
            line, shell=True, cwd=tmp_path, env=_env(), capture_output=True,
            text=True, timeout=900, check=False,
        )  # fmt: skip
        assert done.returncode == 0, (line, done.stderr)
