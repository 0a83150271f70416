"""Reports of a run: JSON summary, JUnit XML, self-contained HTML, and the terminal table.

The HTML embeds its charts as base64 PNG (matplotlib, Agg backend): latency
over time (per-second p50/p99 from the intended start), per-endpoint
percentiles, plus the accuracy table by metric and the mismatch examples.
The JUnit XML has one test case per check (:data:`loadtest._outcome.CHECKS`):
failed (``<failure>``; ``<error>`` for the harness check), skipped with the
reason (``<skipped>``) or passed; it validates against the Jenkins
junit-10.xsd and the Apache Ant schema (tests/data/README.md), whatever text
a backend put into a breach message. Each file is written atomically.
"""

from __future__ import annotations

import base64
import html
import io
import socket
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ccbench.files import replace_atomically

from ._family_queries import FAMILY_ENDPOINTS
from ._json_values import visible, visible_json
from ._latency import LatencyBook
from ._outcome import CHECKS
from ._recording import Record
from ._spill import query_columns

__all__ = ["print_summary", "write_reports"]


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _per_second(sec: np.ndarray, lat: np.ndarray, q: float) -> tuple[np.ndarray, list[float]]:
    """The ``q``-th percentile of ``lat`` within each second of ``sec`` (sorted once, then
    split: an hour of a busy run has millions of values over thousands of seconds)."""
    order = np.argsort(sec, kind="stable")
    sec, lat = sec[order], lat[order]
    xs, starts = np.unique(sec, return_index=True)
    return xs, [float(np.percentile(part, q)) for part in np.split(lat, starts[1:])]


def _charts(records: Sequence[Record], summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    import matplotlib

    matplotlib.use("Agg")  # no display: charts only go into the HTML file
    from matplotlib.figure import Figure

    charts: list[tuple[str, str]] = []
    cols = query_columns(records)  # the time columns only: records may be on disk
    if len(cols.intended_ns):
        fig = Figure(figsize=(8, 3.2))
        ax = fig.add_subplot()
        sec = (cols.intended_ns - cols.intended_ns.min()) // 1_000_000_000
        for code, endpoint in sorted(enumerate(cols.names), key=lambda pair: pair[1]):
            mine = cols.code == code
            for q, style in ((50, "-"), (99, "--")):
                xs, ys = _per_second(sec[mine], cols.latency_ns[mine] / 1e6, q)
                ax.plot(xs, ys, style, label=f"{endpoint} p{q}")
        ax.set_xlabel("seconds since the first query (intended start)")
        ax.set_ylabel("latency (ms)")
        ax.set_yscale("log")
        ax.legend(fontsize=7)
        charts.append(("Latency over time", _png(fig)))
    lat = summary["latency_ms"]
    if lat:
        fig = Figure(figsize=(8, 3.2))
        ax = fig.add_subplot()
        keys = ("p50", "p90", "p99", "p99.9", "max")
        names = sorted(lat)
        width = 0.8 / len(keys)
        for i, key in enumerate(keys):
            ax.bar(
                np.arange(len(names)) + i * width, [lat[n][key] for n in names], width, label=key
            )
        ax.set_xticks(np.arange(len(names)) + 0.4 - width / 2, names)
        ax.set_ylabel("latency (ms)")
        ax.set_yscale("log")
        ax.legend(fontsize=7)
        charts.append(("Latency percentiles per endpoint", _png(fig)))
    return charts


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _html(summary: Mapping[str, Any], records: Sequence[Record]) -> str:
    verdict = _verdict(summary)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>ccbench load test</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
        "margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
        "th{background:#eee}.fail{color:#b00}.pass{color:#070}</style></head><body>",
        f"<h1>ccbench load test: <span class='{'pass' if summary['exit_code'] == 0 else 'fail'}'>"
        f"{html.escape(verdict)}</span></h1>",
        f"<p>target {html.escape(str(summary.get('target')))}, mode {summary['mode']}, "
        f"workload {summary['workload']}, {summary['processes']} process(es), "
        f"{summary['requests']['queries']} queries in {summary['query_seconds']} s "
        f"({summary['rate']['achieved']}/s, target {summary['rate']['target']}).</p>",
    ]
    parts.append(
        "<h2>Checks</h2>"
        + _table(
            ("check", "result", "why"),
            [(c, r["status"], r.get("reason", "")) for c, r in summary["checks"].items()],
        )
    )
    lat = summary["latency_ms"]
    parts.append(
        "<h2>Latency (ms, from intended start)</h2>"
        + _table(
            ("endpoint", "count", "p50", "p90", "p99", "p99.9", "max"),
            [
                (n, v["count"], *(f"{v[k]:.3f}" for k in ("p50", "p90", "p99", "p99.9", "max")))
                for n, v in sorted(lat.items())
            ],
        )
    )
    for title, png in _charts(records, summary):
        parts.append(f"<h2>{title}</h2><img alt='{title}' src='data:image/png;base64,{png}'>")
    acc = summary["accuracy"]
    parts.append(
        f"<h2>Accuracy</h2><p>{acc['verified']} of {acc['responses']} responses verified, "
        f"{acc['wrong_responses']} wrong, {acc['mismatches']} wrong values.</p>"
        + _table(
            ("metric", "values checked", "wrong"),
            [(m, r["checked"], r["wrong"]) for m, r in acc["by_metric"].items()],
        )
    )
    if acc["examples"]:
        parts.append(
            "<h2>Mismatches (first examples)</h2>"
            + _table(
                ("endpoint", "query", "clock_ms", "path", "expected", "actual"),
                [
                    (
                        m["endpoint"],
                        orjson.dumps(m["query"]).decode(),
                        m["clock_ms"],
                        m["path"],
                        m["expected"],
                        m["actual"],
                    )
                    for m in acc["examples"][:50]
                ],
            )
        )
    errors, codes = summary["errors"]["by_class"], summary["errors"]["status_codes"]
    rows = [
        (kind, n, ", ".join(f"{c}: {m}" for c, m in codes.get(kind, {}).items()))
        for kind, n in errors.items()
    ]
    parts.append(
        "<h2>Errors</h2>"
        + (_table(("class", "count", "status codes"), rows) if rows else "<p>none</p>")
    )
    if summary.get("freshness_ms"):
        f = summary["freshness_ms"]
        parts.append(
            f"<h2>Freshness</h2><p>lag max {f['max']} ms, p99 {f['p99']:.0f} ms, "
            f"mean {f['mean']:.0f} ms over {f['count']} live answers.</p>"
        )
    parts.append("<h2>Ingest</h2>" + _table(("key", "value"), sorted(summary["ingest"].items())))
    parts.append("</body></html>")
    return "\n".join(parts)


def _verdict(summary: Mapping[str, Any]) -> str:
    code = summary.get("exit_code", 0)
    verdict = "PASS" if code == 0 else f"FAIL (exit {code})"
    interrupted = summary.get("interrupted")
    if interrupted:
        verdict += f", interrupted by {interrupted}: partial results"
    skipped = [c for c, r in summary["checks"].items() if r["status"] == "skipped"]
    if skipped:
        verdict += f"; skipped: {', '.join(skipped)}"
    return verdict


def _junit(summary: Mapping[str, Any]) -> bytes:
    checks: Mapping[str, Mapping[str, str]] = summary["checks"]
    statuses = Counter(
        "error" if c == "harness" and r["status"] == "failed" else r["status"]
        for c, r in checks.items()
    )
    started = summary.get("started_at_s", time.time())
    suite = ET.Element(
        "testsuite",
        name="ccbench.loadtest",
        tests=str(len(CHECKS)),
        failures=str(statuses["failed"]),
        errors=str(statuses["error"]),
        skipped=str(statuses["skipped"]),
        time=f"{float(summary.get('wall_s', 0.0)):.3f}",
        # the Ant schema's pattern: UTC, no zone designator
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started)),
        hostname=visible(socket.gethostname()) or "localhost",
    )
    properties = ET.SubElement(suite, "properties")
    for name in ("target", "mode", "workload", "exit_code", "interrupted"):
        value = summary.get(name)
        if value is not None:
            ET.SubElement(properties, "property", name=name, value=visible(str(value)))
    for check in CHECKS:
        case = ET.SubElement(
            suite, "testcase", classname="ccbench.loadtest", name=check, time="0.000"
        )
        result = checks[check]
        reason = visible(result.get("reason", ""))
        if result["status"] == "failed":
            tag = "error" if check == "harness" else "failure"
            failure = ET.SubElement(case, tag, message=reason.split("; ")[0], type=check)
            failure.text = reason
        elif result["status"] == "skipped":
            ET.SubElement(case, "skipped", message=reason)
    ET.SubElement(suite, "system-out").text = visible(_verdict(summary))
    ET.SubElement(suite, "system-err").text = ""
    data: bytes = ET.tostring(suite, encoding="utf-8", xml_declaration=True)
    return data


def write_reports(
    summary: Mapping[str, Any], *, records: Sequence[Record], latency: LatencyBook, out_dir: Path
) -> dict[str, Path]:
    """Write summary.json, junit.xml and report.html into ``out_dir``; returns their paths.

    ``summary`` is :func:`loadtest.summarize_run`'s with ``breaches``, ``checks``
    (:func:`loadtest.check_results`) and ``exit_code`` added, as ``run_loadtest`` does.
    """
    summary = visible_json(summary)
    paths = {
        "summary": out_dir / "summary.json",
        "junit": out_dir / "junit.xml",
        "html": out_dir / "report.html",
    }
    contents = {
        "summary": orjson.dumps(summary, option=orjson.OPT_INDENT_2),
        "junit": _junit(summary),
        "html": _html(summary, records).encode("utf-8"),
    }
    for name, data in contents.items():
        replace_atomically(paths[name], partial(Path.write_bytes, data=data))
    return paths


def _family(metric: str) -> str:
    for family in ("dashboard", *FAMILY_ENDPOINTS):
        if metric == family or metric.startswith((f"{family}.", f"{family}[")):
            return family
    if metric.startswith(("avgTimeto", "avgTimeTo")):
        return "response times"
    if metric.startswith("avg"):
        return "averages"
    if metric in ("status", "error.parameter"):
        return "validation"
    if metric in ("timestamp",):
        return "intervals"
    return "counts"


def print_summary(summary: Mapping[str, Any], *, console: Console | None = None) -> None:
    """Print the verdict, accuracy by metric family and latency per endpoint (rich tables)."""
    console = console or Console()
    families: dict[str, list[int]] = {}
    for metric, row in summary["accuracy"]["by_metric"].items():
        counts = families.setdefault(_family(metric), [0, 0])
        counts[0] += row["checked"]
        counts[1] += row["wrong"]
    acc = Table(title="Accuracy by metric family")
    for col in ("family", "values checked", "wrong"):
        acc.add_column(col, justify="right" if col != "family" else "left")
    for fam, (checked, wrong) in sorted(families.items()):
        acc.add_row(fam, str(checked), f"[red]{wrong}" if wrong else "0")
    console.print(acc)
    lat = Table(title="Latency per endpoint (ms, from intended start)")
    for col in ("endpoint", "count", "p50", "p90", "p99", "p99.9", "max"):
        lat.add_column(col, justify="right" if col != "endpoint" else "left")
    for name, v in sorted(summary["latency_ms"].items()):
        lat.add_row(
            name, str(v["count"]), *(f"{v[k]:.2f}" for k in ("p50", "p90", "p99", "p99.9", "max"))
        )
    console.print(lat)
    rate = summary["rate"]
    console.print(
        f"queries: {summary['requests']['queries']} in {summary['query_seconds']} s "
        f"= {rate['achieved']}/s (target {rate['target']}); errors: "
        f"{summary['errors']['count']} ({summary['errors']['rate']:.2%})"
    )
    if summary.get("freshness_ms"):
        console.print(f"freshness lag: max {summary['freshness_ms']['max']} ms")
    for path, why in summary["accuracy"].get("unavailable", {}).items():
        console.print(f"unavailable, not compared: {escape(path)}: {escape(why)}")
    for line in summary["accuracy"].get("plugin_errors", []):
        console.print(f"[red]plugin error[/] {escape(line)}")
    for check, result in summary["checks"].items():
        if result["status"] == "skipped":
            console.print(f"[yellow]SKIPPED[/] {escape(f'[{check}] ' + result['reason'])}")
    for b in summary.get("breaches", []):
        line = visible(f"[{b['class']}] {b['message']}")
        console.print(f"[red]FAIL[/] {escape(line)}")
    if summary.get("interrupted"):
        console.print(f"[red]interrupted by {summary['interrupted']}: partial results")
    code = summary.get("exit_code", 0)
    console.print("[green]PASS" if code == 0 else f"[red]exit code {code}")
