"""An installed wheel (not editable, outside the repository) finds its built-in scenarios and
example log by name, and the build carries no license-table deprecation warning."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(args: list[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A fresh virtual environment holding the built wheel; the third-party dependencies come
    from this interpreter's site-packages through a .pth line (a .pth line adds a folder
    without running its .pth files, so the editable install of ccbench stays out)."""
    tmp = tmp_path_factory.mktemp("install")
    build = _run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(tmp), str(ROOT)],
        cwd=tmp,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(tmp.glob("ccbench-*.whl"))
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp
    ).stdout.strip()
    Path(site, "ccbench_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", str(wheel)],
        cwd=tmp,
    )
    assert install.returncode == 0, install.stderr
    return env_dir, build.stdout + build.stderr


def test_wheel_simulates_smoke_by_name(installed: tuple[Path, str], tmp_path: Path) -> None:
    """`ccbench simulate smoke` works from a folder outside the repository after `pip install`."""
    env_dir, _ = installed
    where = _run(
        [str(env_dir / "bin" / "python"), "-c", "import sim; print(sim.__file__)"], cwd=tmp_path
    )
    assert str(env_dir) in where.stdout, where.stdout + where.stderr
    done = _run(
        [str(env_dir / "bin" / "ccbench"), "simulate", "smoke", "--out", "x.parquet"], cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "x.parquet").stat().st_size > 0
    valid = _run([str(env_dir / "bin" / "ccbench"), "validate", "x.parquet"], cwd=tmp_path)
    assert valid.returncode == 0, valid.stdout + valid.stderr


def test_wheel_carries_every_scenario_and_the_example_log(installed: tuple[Path, str]) -> None:
    """Every scenarios/*.toml and examples/example.ndjson are in the installed package."""
    env_dir, _ = installed
    code = (
        "import sim, ccbench.demo as d, pathlib;"
        "shipped = pathlib.Path(sim.__file__).parent / 'scenarios';"
        "print(sorted(p.name for p in shipped.glob('*')));"
        "print(d.example_log_path().exists())"
    )
    out = _run([str(env_dir / "bin" / "python"), "-c", code], cwd=env_dir).stdout.splitlines()
    assert out[0] == str(sorted(p.name for p in (ROOT / "scenarios").glob("*.toml")))
    assert out[1] == "True"


def test_build_has_no_license_warning(installed: tuple[Path, str]) -> None:
    """The pyproject license is an SPDX string, so setuptools warns of no deprecated table."""
    _, build_output = installed
    assert "bdist_wheel" in build_output  # the backend's own output was captured
    assert "project.license" not in build_output


def test_wheel_runs_the_compiled_fast_path(installed: tuple[Path, str], tmp_path: Path) -> None:
    """With a C compiler at hand (this machine has one), the wheel carries the records fast
    path compiled (setup.py), its shared library inside the package, and it imports records."""
    env_dir, build_output = installed
    assert "not compiling the fast path" not in build_output
    code = (
        "import inspect, ccbench.records._fast as fast, ccbench.records._part as part;"
        "print(inspect.isfunction(fast.read_typed), inspect.isfunction(part.convert_files))"
    )
    out = _run([str(env_dir / "bin" / "python"), "-c", code], cwd=tmp_path)
    assert out.stdout.split() == ["False", "False"], out.stdout + out.stderr
    ccbench = str(env_dir / "bin" / "ccbench")
    example = str(ROOT / "examples" / "example.ndjson")
    exported = _run(
        [ccbench, "export", "liveperson-records", example, "--out", "pages"], cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stdout + exported.stderr
    pages = [str(page) for page in sorted((tmp_path / "pages").glob("*.json"))]
    imported = _run(
        [ccbench, "import", "liveperson-records", *pages, "--out", "log.parquet", "--strict"],
        cwd=tmp_path,
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert (tmp_path / "log.parquet").stat().st_size > 0
