"""Entry point: builds the parser from the subcommand modules and maps errors to exit codes.

Exit codes: 0 success, 1 the command ran and found a failure (e.g. violations),
2 bad input or usage (one line on stderr, no traceback), 130 interrupted, 141 the
reader of the output went away (``ccbench ... | head``: as a process killed by SIGPIPE).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

from .. import __version__
from .._errors import CCBenchError

__all__ = ["main"]

# Each module defines register(subparsers) -> None and sets a ``func`` default
# returning the exit code.
_COMMANDS = (
    "validate",
    "info",
    "convert",
    "export",
    "import",
    "simulate",
    "describe",
    "oracle",
    "serve",
    "loadtest",
    "plan",
    "requirement",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccbench",
        description="Ground truth, exact metrics and load tests for contact-center "
        "metrics backends.",
    )
    parser.add_argument("--version", action="version", version=f"ccbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS:
        import_module(f"{__package__}._{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (also when called from Python)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
    except BrokenPipeError:
        _drop_stdout()
        return 141
    except CCBenchError as exc:
        print(f"ccbench {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # The environment refused (a file, a socket): still one line, never a traceback.
        print(f"ccbench {args.command}: error: {_os_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"ccbench {args.command}: interrupted", file=sys.stderr)
        return 130
    return code


def _os_error(exc: OSError) -> str:
    if exc.strerror and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror}"
    return exc.strerror or str(exc)


def _drop_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush of what is still
    buffered does not fail again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a file descriptor (captured in tests)
        pass
