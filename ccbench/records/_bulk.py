"""Bulk conversions without the cyclic garbage collector's pauses.

Export and import build millions of small dicts and lists that hold no reference
cycles; while they are alive, every generation-2 collection walks all of them again,
which more than doubles a day's conversion time. :func:`paused_gc` turns the cyclic
collector off for the duration of one conversion and restores its previous state
(reference counting still frees everything as usual).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block; re-enable it after if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
