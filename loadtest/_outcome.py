"""The verdict of a run: summary figures, threshold breaches and the exit code.

Exit codes are bit flags so that combinations stay distinct (at most 125)::

    0   every threshold held
    1   the harness itself failed (Locust did not produce results), or the run
        was stopped by a signal or its time bound (partial results)
    4   a latency percentile above its threshold
    8   error rate above max_error_rate (timeouts, connection errors, 4xx
        other than 400, 5xx, other statuses, invalid JSON, rejected ingest
        batches: loadtest._status), or an ingest that ran out of its budget
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
from ._spill import query_columns
from ._status import ErrorTally, describe_errors, ingest_error_class
from ._verification import Verification

__all__ = [
    "CHECKS",
    "EXIT_ERRORS",
    "EXIT_FRESHNESS",
    "EXIT_HARNESS",
    "EXIT_LATENCY",
    "EXIT_MISMATCH",
    "EXIT_RATE",
    "Breach",
    "check_results",
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
#: The checks of a run, in report order (one JUnit test case each).
CHECKS = ("latency", "errors", "mismatches", "freshness", "rate", "harness")
_CODES = {
    "harness": EXIT_HARNESS,
    "latency": EXIT_LATENCY,
    "errors": EXIT_ERRORS,
    "mismatches": EXIT_MISMATCH,
    "freshness": EXIT_FRESHNESS,
    "rate": EXIT_RATE,
}


_METRICS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Breach:
    """One failed threshold: its class (latency, errors, ...) and a sentence saying why."""

    kind: str
    message: str

    @property
    def code(self) -> int:
        """The exit-code bit of this class."""
        return _CODES[self.kind]


def _count(body: Any, key: str) -> int:
    # an acknowledgement's count, when it is one (a backend may send anything)
    value = body.get(key) if isinstance(body, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
        return value
    return 0


def _ingest_summary(
    acks: Sequence[Mapping[str, Any]], errors: ErrorTally, *, over_budget: bool
) -> dict[str, Any]:
    """Acknowledgement figures; counts the failed roster and batch requests into ``errors``."""
    batches = [a for a in acks if a["endpoint"] == "ingest"]
    accepted = duplicates = failed = 0
    for a in acks:
        error = ingest_error_class(a["status"], a["body"])
        if error:
            errors.add(error, a["status"])
            failed += a["endpoint"] == "ingest"
        elif a["endpoint"] == "ingest":
            try:
                body = orjson.loads(a["body"])
            except orjson.JSONDecodeError:
                body = None
            accepted += _count(body, "accepted")
            duplicates += _count(body, "duplicates")
    roster = [a["status"] for a in acks if a["endpoint"] == "roster"]
    return {
        "batches": len(batches),
        "events_sent": sum(int(a["events"]) for a in batches),
        "accepted": accepted,
        "duplicates": duplicates,
        "failed_batches": failed,
        "roster_status": roster[0] if roster else None,
        "over_budget": over_budget,
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
    ingest_over_budget: bool = False,
) -> dict[str, Any]:
    """The JSON summary of a run (before thresholds): rates, latency, errors, accuracy.

    ``ingest_over_budget``: the ingest phase stopped at its deadline with batches unsent.
    """
    # the time columns only: the records themselves may be on disk (loadtest._spill)
    times = query_columns(records)
    n_queries = len(times.intended_ns)
    seconds = sent_rate = completed_rate = 0.0
    if n_queries:
        first = int(times.intended_ns.min())
        last_intended = int(times.intended_ns.max())
        seconds = max((times.last_received_ns - first) / 1e9, 1e-9)
        completed_rate = n_queries / seconds
        # the send window spans n - 1 gaps between intended starts
        span = (last_intended - first) / 1e9
        sent_rate = (n_queries - 1) / span if span > 0 else 0.0
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
    errors = ErrorTally()
    errors.merge(verification.errors)
    ingest = _ingest_summary(acks, errors, over_budget=ingest_over_budget)
    sent = len(records)
    fresh = verification.freshness_ms
    return {
        "mode": config.mode,
        "workload": config.workload,
        "arrival": config.arrival if config.workload == "open" else None,
        "processes": processes,
        "query_seconds": round(seconds, 3),
        "requests": {"total": sent, "queries": n_queries},
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
            **errors.as_dict(),
            "count": errors.count,
            "rate": round(errors.count / sent, 6) if sent else 0.0,
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
        out.append(
            Breach(
                "errors",
                f"error rate {errors['rate']:.4%} > {t.max_error_rate:.4%} "
                f"({describe_errors(errors)})",
            )
        )
    ingest = summary["ingest"]
    if ingest.get("over_budget"):
        out.append(
            Breach(
                "errors",
                f"ingest stopped after its budget of {config.ingest_budget_s:g} s with "
                f"{ingest['batches']} batch(es) sent: no queries were run (raise "
                "loadtest.ingest_budget_s for a slower backend)",
            )
        )
    acc = summary["accuracy"]
    if t.max_mismatches is not None and acc["mismatches"] > t.max_mismatches:
        wrong = [m for m, row in acc["by_metric"].items() if row["wrong"]]
        shown = ", ".join(wrong[:_METRICS_SHOWN])
        if len(wrong) > _METRICS_SHOWN:
            shown += f" and {len(wrong) - _METRICS_SHOWN} more"
        out.append(
            Breach(
                "mismatches",
                f"{acc['mismatches']} wrong values > {t.max_mismatches} (metrics: {shown})",
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


def _not_applicable(check: str, summary: Mapping[str, Any], config: LoadTestConfig) -> str | None:
    """Why ``check`` did not apply to this run, or None when it did."""
    t = config.thresholds
    if check == "latency":
        limited = [e for e, limits in t.latency_ms.items() if limits]
        if not limited:
            return "no latency thresholds set"
        if not any(e in summary["latency_ms"] for e in limited):
            return f"no answers from the endpoints with thresholds ({', '.join(limited)})"
    elif check == "errors":
        if t.max_error_rate is None:
            return "max_error_rate not set"
        if not summary["requests"]["total"]:
            return "no request was sent"
    elif check == "mismatches":
        if t.max_mismatches is None:
            return "max_mismatches not set"
        if not summary["accuracy"]["verified"]:
            return "no answer could be verified"
    elif check == "freshness":
        if config.mode != "live":
            return "deterministic mode: every answer is checked at the instant it was asked for"
        if t.max_freshness_ms is None:
            return "max_freshness_ms not set"
        if not summary["freshness_ms"]:
            return "no live answer matched a state of the log"
    elif check == "rate":
        if config.workload != "open":
            return "closed model: no target rate"
        if t.min_rate_ratio is None and t.max_schedule_lag_ms is None:
            return "min_rate_ratio and max_schedule_lag_ms not set"
    return None


def check_results(
    summary: Mapping[str, Any], config: LoadTestConfig, breaches: Sequence[Breach]
) -> dict[str, dict[str, str]]:
    """Each of :data:`CHECKS` -> ``{"status": "passed" | "failed" | "skipped", "reason"}``.

    A check with a breach failed; one that did not apply to the run (no
    threshold set, nothing to measure) is skipped with the reason, never passed.
    """
    out: dict[str, dict[str, str]] = {}
    for check in CHECKS:
        mine = [b.message for b in breaches if b.kind == check]
        if mine:
            out[check] = {"status": "failed", "reason": "; ".join(mine)}
            continue
        reason = None if check == "harness" else _not_applicable(check, summary, config)
        out[check] = {"status": "skipped", "reason": reason} if reason else {"status": "passed"}
    return out


def exit_code(breaches: Sequence[Breach]) -> int:
    """OR of the breaches' bits (0 when none)."""
    code = 0
    for b in breaches:
        code |= b.code
    return code
