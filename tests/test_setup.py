"""The modules setup.py compiles exist, and none of them runs compiled from an older source."""

from __future__ import annotations

import importlib.machinery
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _compiled() -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as file:
        paths: list[str] = tomllib.load(file)["tool"]["ccbench"]["compiled"]
    return paths


def test_compiled_modules_exist() -> None:
    """pyproject.toml's [tool.ccbench] compiled lists existing modules, once each, sorted."""
    paths = _compiled()
    assert paths == sorted(set(paths))
    assert all((ROOT / path).is_file() and path.endswith(".py") for path in paths)


def test_no_compiled_module_lags_its_source() -> None:
    """An extension built from a module (in place, by an editable install) is not older than
    the module: Python would load the extension and run the old code."""
    stale = []
    for path in _compiled():
        source = ROOT / path
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            built = source.with_suffix(suffix)
            if built.exists() and built.stat().st_mtime < source.stat().st_mtime:
                stale.append(path)
    assert not stale, f"{stale} changed after they were compiled: reinstall (make does)"
