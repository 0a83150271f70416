"""Checking a response against the key order its family declares (ccbench.api)."""

from __future__ import annotations

from typing import Any

from ccbench.api import Family


def objects_at(doc: Any, path: str) -> list[dict[str, Any]]:
    """The objects at a response path: ``""`` the top, ``a.b`` nested, ``a[]`` list items."""
    found = [doc]
    for part in [p for p in path.split(".") if p]:
        name, items = (part[:-2], True) if part.endswith("[]") else (part, False)
        found = [obj[name] for obj in found if isinstance(obj, dict) and name in obj]
        if items:
            found = [item for obj in found for item in obj]
    return [obj for obj in found if isinstance(obj, dict)]


def assert_key_order(family: Family, doc: Any, *, paths: tuple[str, ...] | None = None) -> int:
    """Each object at each declared path (or ``paths``) has keys in the declared order (a
    subsequence: optional keys may be absent); returns how many objects were checked."""
    checked = 0
    for path, keys in family.response_keys:
        if paths is not None and path not in paths:
            continue
        for obj in objects_at(doc, path):
            got = list(obj)
            assert got == [k for k in keys if k in obj], (family.name, path, got, keys)
            assert set(got) <= set(keys), (family.name, path, set(got) - set(keys))
            checked += 1
    return checked
