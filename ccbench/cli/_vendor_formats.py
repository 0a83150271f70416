"""The vendor formats ``ccbench export`` and ``ccbench import`` speak (docs/formats.md)."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["liveperson_parser"]


def liveperson_parser(sub: Any, command: str, *, help: str, description: str) -> Any:
    """``ccbench COMMAND liveperson-records``: the command's parser with its one format,
    LivePerson Messaging Interactions conversation records, described by ``description``."""
    p: argparse.ArgumentParser = sub.add_parser(
        command, help=help, description=f"{help[0].upper()}{help[1:]} (docs/formats.md)."
    )
    formats = p.add_subparsers(dest="format", metavar="FORMAT", required=True)
    return formats.add_parser(
        "liveperson-records",
        help="LivePerson Messaging Interactions conversation records",
        description=description,
    )
