"""The verdict of a run: summary figures, threshold breaches and the exit code.

Exit codes are bit flags so that combinations stay distinct (at most 125)::

    0   every threshold held
    1   the harness itself failed (Locust did not produce results)
    4   a latency percentile above its threshold
    8   error rate above max_error_rate (timeouts, connection errors, 5xx,
        unexpected 4xx, invalid JSON, rejected ingest batches)
    16  more wrong values than max_mismatches
    32  live-mode freshness lag above max_freshness_ms
    64  achieved rate below min_rate_ratio of the target, or the generator
        could not keep its schedule (p99 send lag above max_schedule_lag_ms)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

from ._config import LoadTestConfig
from ._latency import LatencyBook
from ._recording import Record
from ._verify import Verification

__all__ = [
    "EXIT_ERRORS",
    "EXIT_FRESHNESS",
    "EXIT_HARNESS",
    "EXIT_LATENCY",
    "EXIT_MISMATCH",
    "EXIT_RATE",
    "Breach",
    "evaluate",
    "exit_code",
    "summarize_run",
]

EXIT_HARNESS = 1
EXIT_LATENCY = 4
EXIT_ERRORS = 8
EXIT_MISMATCH = 16
EXIT_FRESHNESS = 32
EXIT_RATE = 64
_CODES = {
    "harness": EXIT_HARNESS,
    "latency": EXIT_LATENCY,
    "errors": EXIT_ERRORS,
    "mismatches": EXIT_MISMATCH,
    "freshness": EXIT_FRESHNESS,
    "rate": EXIT_RATE,
}


@dataclass(frozen=True, slots=True)
class Breach:
    """One failed threshold: its class (latency, errors, ...) and a sentence saying why."""

    kind: str
    message: str

    @property
    def code(self) -> int:
        """The exit-code bit of this class."""
        return _CODES[self.kind]


def _ingest_summary(acks: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    batches = [a for a in acks if a["endpoint"] == "ingest"]
    accepted = duplicates = 0
    failed = 0
    for a in batches:
        if a["status"] != 200:
            failed += 1
            continue
        try:
            body = orjson.loads(a["body"])
            accepted += int(body.get("accepted", 0))
            duplicates += int(body.get("duplicates", 0))
        except (ValueError, TypeError, AttributeError):
            pass
    roster = [a["status"] for a in acks if a["endpoint"] == "roster"]
    return {
        "batches": len(batches),
        "events_sent": sum(int(a["events"]) for a in batches),
        "accepted": accepted,
        "duplicates": duplicates,
        "failed_batches": failed,
        "roster_status": roster[0] if roster else None,
    }


def summarize_run(
    *,
    config: LoadTestConfig,
    records: Sequence[Record],
    latency: LatencyBook,
    verification: Verification,
    acks: Sequence[Mapping[str, Any]],
    scheduled: int,
    processes: int,
) -> dict[str, Any]:
    """The JSON summary of a run (before thresholds): rates, latency, errors, accuracy."""
    queries = [r for r in records if r.kind == "query"]
    seconds = sent_rate = completed_rate = 0.0
    if queries:
        first = min(r.intended_ns for r in queries)
        last_intended = max(r.intended_ns for r in queries)
        last_received = max(r.received_ns for r in queries)
        seconds = max((last_received - first) / 1e9, 1e-9)
        completed_rate = len(queries) / seconds
        # the send window spans n - 1 gaps between intended starts
        span = (last_intended - first) / 1e9
        sent_rate = (len(queries) - 1) / span if span > 0 else 0.0
    achieved = sent_rate if config.workload == "open" else completed_rate
    target = config.rate if config.workload == "open" else None
    lag_p99 = max(
        (
            latency.percentiles(e, which="lag").p99
            for e in latency.endpoints()
            if e not in ("ingest", "roster")
        ),
        default=0.0,
    )
    ingest = _ingest_summary(acks)
    errors = dict(verification.errors)
    if ingest["failed_batches"]:
        errors["ingest_rejected"] = ingest["failed_batches"]
    sent = len(records)
    fresh = verification.freshness_ms
    return {
        "mode": config.mode,
        "workload": config.workload,
        "arrival": config.arrival if config.workload == "open" else None,
        "processes": processes,
        "query_seconds": round(seconds, 3),
        "requests": {"total": sent, "queries": len(queries)},
        "rate": {
            "target": target,
            "achieved": round(achieved, 2),
            "completed_per_s": round(completed_rate, 2),
            "ratio": round(achieved / target, 4) if target else None,
        },
        "generator": {
            "scheduled": scheduled,
            "send_lag_p99_ms": lag_p99,
        },
        "latency_ms": {e: latency.percentiles(e).as_dict() for e in latency.endpoints()},
        "errors": {
            "by_class": errors,
            "count": sum(errors.values()),
            "rate": round(sum(errors.values()) / sent, 6) if sent else 0.0,
        },
        "accuracy": {
            "responses": verification.responses,
            "verified": verification.verified,
            "wrong_responses": verification.wrong_responses,
            "mismatches": verification.mismatch_count,
            "by_metric": {
                m: {"checked": c, "wrong": w}
                for m, (c, w) in sorted(verification.by_metric.items())
            },
            "examples": [m.as_dict() for m in verification.mismatches],
            "unavailable": dict(sorted(verification.unavailable.items())),
            "plugin_errors": list(verification.plugin_errors),
        },
        "freshness_ms": (
            {
                "count": len(fresh),
                "max": int(max(fresh)),
                "p99": float(np.percentile(fresh, 99)),
                "mean": float(np.mean(fresh)),
            }
            if fresh
            else None
        ),
        "ingest": ingest,
    }


def evaluate(summary: Mapping[str, Any], config: LoadTestConfig) -> list[Breach]:
    """Every threshold of ``config`` that ``summary`` breaks."""
    t = config.thresholds
    out: list[Breach] = []
    for endpoint, limits in t.latency_ms.items():
        got = summary["latency_ms"].get(endpoint)
        for key, limit in limits.items():
            if got is not None and got[key] > limit:
                out.append(Breach("latency", f"{endpoint} {key} {got[key]:.3f} ms > {limit} ms"))
    errors = summary["errors"]
    if t.max_error_rate is not None and errors["rate"] > t.max_error_rate:
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(errors["by_class"].items()))
        out.append(
            Breach("errors", f"error rate {errors['rate']:.4%} > {t.max_error_rate:.4%} ({detail})")
        )
    acc = summary["accuracy"]
    if t.max_mismatches is not None and acc["mismatches"] > t.max_mismatches:
        wrong = [m for m, row in acc["by_metric"].items() if row["wrong"]]
        out.append(
            Breach(
                "mismatches",
                f"{acc['mismatches']} wrong values > "
                f"{t.max_mismatches} (metrics: {', '.join(wrong)})",
            )
        )
    fresh = summary["freshness_ms"]
    if t.max_freshness_ms is not None and fresh and fresh["max"] > t.max_freshness_ms:
        out.append(
            Breach("freshness", f"freshness lag {fresh['max']} ms > {t.max_freshness_ms} ms")
        )
    rate, gen = summary["rate"], summary["generator"]
    if (
        t.min_rate_ratio is not None
        and rate["ratio"] is not None
        and rate["ratio"] < t.min_rate_ratio
    ):
        out.append(
            Breach(
                "rate",
                f"achieved {rate['achieved']}/s = {rate['ratio']:.1%} of the "
                f"target {rate['target']}/s < {t.min_rate_ratio:.0%}",
            )
        )
    if t.max_schedule_lag_ms is not None and gen["send_lag_p99_ms"] > t.max_schedule_lag_ms:
        out.append(
            Breach(
                "rate",
                f"generator behind schedule: p99 send lag "
                f"{gen['send_lag_p99_ms']:.1f} ms > {t.max_schedule_lag_ms} ms",
            )
        )
    return out


def exit_code(breaches: Sequence[Breach]) -> int:
    """OR of the breaches' bits (0 when none)."""
    code = 0
    for b in breaches:
        code |= b.code
    return code
