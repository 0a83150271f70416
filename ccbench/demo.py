"""`make demo`: the main job, end to end.

Until the simulator, oracle, backend and load harness land, the demo validates and
summarises the checked-in example log (examples/example.ndjson), round-trips it through
Parquet, and prints what it found.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .eventlog import read_log, summarize, validate, write_log

__all__ = ["main"]

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.ndjson"


def main(*, log_path: Path = EXAMPLE, console: Console | None = None) -> int:
    """Validate and summarise ``log_path``; return 0 when valid and the round trip is lossless."""
    console = console or Console()
    console.rule("[bold]ccbench demo: the event-log contract")
    log = read_log(log_path, sort=False)
    violations = validate(log)
    if violations:
        for v in violations:
            console.print(f"[red]{v}")
        console.print(f"[red]{log_path}: {len(violations)} violation(s)")
        return 1
    console.print(f"[green]{log_path.name}: valid[/] ({len(log)} events)")
    with tempfile.TemporaryDirectory() as tmp:
        parquet = write_log(log, Path(tmp) / "example.parquet")
        back = read_log(parquet, sort=False)
        lossless = back.table.equals(log.table) and back.roster == log.roster
    console.print(f"Parquet round trip: {'[green]lossless' if lossless else '[red]LOSSY'}")

    s = summarize(log)
    overview = Table(title="Log overview", show_header=False)
    for label, value in (
        ("events", s.events),
        ("from", s.first_event),
        ("to", s.last_event),
        ("conversations", s.conversations),
        ("consumers", s.consumers),
        ("agents in roster", s.agents_in_roster),
        ("channels", s.channels),
        ("sources", s.sources),
        ("closed by", s.closed_by),
    ):
        overview.add_row(label, str(value))
    console.print(overview)
    kinds = Table(title="Events by kind")
    kinds.add_column("kind")
    kinds.add_column("count", justify="right")
    for kind, count in s.kinds.items():
        kinds.add_row(kind, str(count))
    console.print(kinds)
    return 0 if lossless else 1


if __name__ == "__main__":
    sys.exit(main())
