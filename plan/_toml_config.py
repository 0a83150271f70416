"""Reading and writing run configurations as TOML (the resolved config of an output folder).

TOML has no null: keys whose value is None are left out when writing, which round-trips
because every such key defaults to None. Floats are written exactly (shortest repr), so a
re-run reads back the very numbers that ran.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from ccbench import InputError, ParameterError

__all__ = ["check_keys", "dump_toml", "read_toml", "typed"]


def _drop_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value]
    return value


def dump_toml(document: Mapping[str, Any], *, comment: str = "") -> str:
    """``document`` as TOML text (None values left out), after ``# comment`` lines."""
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    return head + tomli_w.dumps(_drop_none(document))


def read_toml(path: str | Path, *, what: str) -> dict[str, Any]:
    """A TOML file as a dict; InputError naming ``what`` and the file when unreadable."""
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot read file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{what} {path}: not valid TOML: {exc}") from exc


def check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], *, where: str) -> None:
    """ParameterError for the first key of ``table`` not in ``allowed``."""
    for key in table:
        if key not in allowed:
            raise ParameterError(
                f"{where}{key}", f"unknown key; expected one of {', '.join(allowed)}"
            )


def typed(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], *, where: str) -> Any:
    """``table[key]`` when it has the type ``kind`` (bool is never a number); else
    ParameterError naming the key, the value and the type expected."""
    value = table[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        ok = False
    else:
        ok = isinstance(value, kinds)
    if not ok:
        names = " or ".join("number" if k is float else k.__name__ for k in kinds)
        raise ParameterError(f"{where}{key}", f"expected {names}, got {value!r}")
    return value
