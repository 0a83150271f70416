"""The vendor formats ``ccbench export`` and ``ccbench import`` speak (docs/formats.md)."""

from __future__ import annotations

import argparse
from typing import Any

from ..cores import usable_cores

__all__ = ["add_jobs", "jobs_of", "liveperson_parser"]


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


def add_jobs(parser: argparse.ArgumentParser, *, work: str) -> None:
    """``--jobs N``: processes sharing ``work``; default (None): every core this process
    may run on (:func:`ccbench.cores.usable_cores`), resolved by :func:`jobs_of`."""
    parser.add_argument(
        "--jobs",
        type=_processes,
        metavar="N",
        help=f"processes {work} (default: the cores this process may run on)",
    )


def jobs_of(args: argparse.Namespace) -> int:
    """The ``--jobs`` given, else the cores this process may run on."""
    jobs: int | None = args.jobs
    return usable_cores() if jobs is None else jobs


def _processes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value
