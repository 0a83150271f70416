"""Writing the realism report: ``realism.json``, ``realism.html`` and ``plots/*.png``.

The JSON is the report's dataclasses as plain data (times in seconds, rates
as fractions, null where a value is unavailable); the HTML page shows the
same figures as tables next to the plots. Every file is written atomically
(temporary file, then rename), so a reader never sees half a report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import json
import os
from pathlib import Path

from ccbench.files import replace_atomically

from ._realism import RealismReport
from ._realism_plots import FIGURES

__all__ = ["report_json", "report_page", "write_realism_report"]


def _write(path: Path, data: bytes) -> None:
    replace_atomically(path, lambda tmp: tmp.write_bytes(data))


def report_json(report: RealismReport) -> str:
    """The report as JSON text (keys in field order)."""
    return json.dumps(dataclasses.asdict(report), indent=1) + "\n"


def _cell(value: object, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return html.escape(str(value))


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100.0 * value:.1f} %"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def report_page(report: RealismReport, title: str) -> str:
    """The HTML page; it shows ``plots/<name>.png`` for every figure."""
    start = dt.datetime.fromtimestamp(report.start_ms / 1000.0, tz=dt.UTC).isoformat()
    channels = _table(
        [
            "channel",
            "conversations",
            "wait p50 (s)",
            "wait p90 (s)",
            "abandoned",
            "handle mean (s)",
            "handle p50 (s)",
            "handle p90 (s)",
            "ln handle: mean, sd",
            "lognormal KS distance",
        ],
        [
            [
                c.channel,
                _cell(c.conversations),
                _cell(c.wait.p50),
                _cell(c.wait.p90),
                _pct(c.abandon_rate),
                _cell(c.handle.mean),
                _cell(c.handle.p50),
                _cell(c.handle.p90),
                f"{_cell(c.handle_log_mean, 2)}, {_cell(c.handle_log_sd, 2)}",
                _cell(c.handle_lognormal_ks, 3),
            ]
            for c in report.channels
        ],
    )
    load = {r.name: r for r in report.skills_capacity}
    skills = _table(
        [
            "skill",
            "queued",
            "wait p50 (s)",
            "wait p90 (s)",
            "abandoned",
            "agents",
            "occupancy",
            "time at max slots",
        ],
        [
            [
                html.escape(s.skill),
                _cell(s.queued),
                _cell(s.wait_p50),
                _cell(s.wait_p90),
                _pct(s.abandon_rate),
                _cell(load[s.skill].agents) if s.skill in load else "0",
                _pct(load[s.skill].occupancy_total) if s.skill in load else "n/a",
                _pct(load[s.skill].at_max_total) if s.skill in load else "n/a",
            ]
            for s in report.skills
        ],
    )
    pools = _table(
        ["pool (group)", "agents", "occupancy", "time at max slots"],
        [
            [html.escape(r.name), _cell(r.agents), _pct(r.occupancy_total), _pct(r.at_max_total)]
            for r in report.pools_capacity
        ],
    )
    m = report.messaging
    messaging = _table(
        [
            "closed",
            "open at the end",
            "duration p50 (s)",
            "duration p90 (s)",
            "over 1 h",
            "auto-closed",
            "resumed",
            "consumer gap p50 (s)",
            "gap p90 (s)",
            "gaps over 15 min",
        ],
        [
            [
                _cell(m.closed),
                _cell(m.still_open),
                _cell(m.duration.p50),
                _cell(m.duration.p90),
                _pct(m.over_1h_share),
                _pct(m.auto_closed_share),
                _pct(m.resumed_share),
                _cell(m.consumer_gap.p50),
                _cell(m.consumer_gap.p90),
                _pct(m.gap_over_15min_share),
            ]
        ],
    )
    o = report.outcomes
    outcomes = _table(
        ["wait bin", "answers", "mean CSAT"],
        [[html.escape(label), _cell(n), _cell(mean, 2)] for label, n, mean in o.csat_by_wait],
    ) + _table(
        ["skill of the last answer", "sales"],
        [[html.escape(name), _cell(n)] for name, n in o.sales_by_skill],
    )
    sections = [
        ("Channels: arrivals, waits, handle times", channels, ["arrivals", "waits_handle"]),
        ("Skills", skills, ["abandonment"]),
        ("Pools: occupancy and concurrency by hour", pools, ["capacity"]),
        ("Messaging in time", messaging, ["messaging"]),
        (
            f"Outcomes: {o.surveys} surveys, mean CSAT {_cell(o.csat_mean, 2)}, "
            f"Spearman(CSAT, wait) {_cell(o.spearman_csat_wait, 3)}; {o.sales} sales",
            outcomes,
            ["csat_wait"],
        ),
    ]
    body = "".join(
        f"<h2>{html.escape(h)}</h2>{table}"
        + "".join(f'<p><img src="plots/{name}.png" alt="{name}"></p>' for name in figures)
        for h, table, figures in sections
    )
    style = (
        "body{font-family:sans-serif;max-width:70em;margin:1em auto}"
        "table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}"
        "img{max-width:100%}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p>{report.events:,} events, {report.conversations:,} conversations, "
        f"{report.hours} h from {html.escape(start)}. Definitions: docs/scenarios.md, "
        f"section Realism report.</p>{body}</body></html>\n"
    )


def write_realism_report(
    report: RealismReport, directory: str | os.PathLike[str], *, title: str = "Realism report"
) -> list[Path]:
    """Write ``realism.json``, ``realism.html`` and ``plots/*.png`` into ``directory``
    (created); returns their paths."""
    out = Path(directory)
    (out / "plots").mkdir(parents=True, exist_ok=True)
    paths = []
    for name, draw in FIGURES.items():
        buffer = io.BytesIO()
        draw(report).savefig(buffer, format="png", dpi=90)
        paths.append(out / "plots" / f"{name}.png")
        _write(paths[-1], buffer.getvalue())
    for name, text in (
        ("realism.json", report_json(report)),
        ("realism.html", report_page(report, title)),
    ):
        paths.append(out / name)
        _write(paths[-1], text.encode("utf-8"))
    return paths
