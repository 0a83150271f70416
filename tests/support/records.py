"""Round trips through LivePerson records: export, import, and what must come back."""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from ccbench.eventlog import EventLog
from ccbench.records import UNRECORDED_KINDS, RecordsImport, export_records, import_files

#: fields records do not carry (docs/formats.md): site, bot flow; ids and order are renumbered
_NOT_CARRIED = {
    "event_id", "seq", "account", "site", "bot_flow", "conversation_id",
    "direction", "sla_policy", "visibility",
}  # fmt: skip


def round_trip(
    log: EventLog, tmp_path: Path, *, roster: bool = True, check: bool = True
) -> RecordsImport:
    """Export ``log`` to records and import them back (with the log's roster, or inferred;
    ``check``: the importer's final validation)."""
    out = tmp_path / "records"
    export_records(log, out)
    files = sorted(out.glob("*.json"))
    return import_files(files, roster=log.roster if roster else None, check=check)


def recordable(log: EventLog) -> dict[str, list[tuple[Any, ...]]]:
    """Per conversation, its events as records carry them, in log order: unrecorded kinds
    dropped, a reopen read as a resume (without its agent), intents without their time
    (records keep them on the message they were detected on)."""
    out: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for e in log.records():
        cid, kind = e.get("conversation_id"), e["kind"]
        if cid is None or (kind in UNRECORDED_KINDS and kind != "conversation.reopened"):
            continue
        if kind == "survey.sent" or e.get("visibility") == "internal":
            continue  # records carry no unanswered survey and no note (docs/formats.md)
        if kind == "conversation.reopened":
            kind, e = "conversation.resumed", {"ts": e["ts"]}
        if kind == "intent.detected":
            e = {"intent": e["intent"]}
        fields = tuple(sorted((k, v) for k, v in e.items() if k not in _NOT_CARRIED | {"kind"}))
        out[cid].append((kind, fields))
    for cid, events in out.items():  # intents compare as a multiset: their time is approximate
        intents = sorted(e for e in events if e[0] == "intent.detected")
        out[cid] = [e for e in events if e[0] != "intent.detected"] + intents
    return dict(out)


def segment_queries(log: EventLog, *, seed: int, n: int) -> list[tuple[dict[str, str], int]]:
    """``n`` random msgagentsegments queries (vendor strings) and instants over ``log``:
    every parameter drawn over its full range, ids from the roster, instants from the
    log's span to an hour after it."""
    rng = random.Random(seed)
    first, last = log.time_range() or (0, 0)
    agents = [a.id for a in log.roster.agents]
    skills = [s.id for s in log.roster.skills]
    groups = [g.id for g in log.roster.groups]
    sources = sorted(set(log.table.column("source").drop_null().to_pylist()))
    metrics = [
        "avgAgentSegmentDuration",
        "interactiveAgentSegments",
        "avgTimeToResponseFromAgentAssignment",
        "avgAgentMessagesinAgentSegment",
    ]

    def ids(pool: list[int]) -> str:
        if rng.random() < 0.3:
            return "all"
        return ",".join(str(x) for x in rng.sample(pool, rng.randint(1, min(3, len(pool)))))

    out = []
    for _ in range(n):
        timeframe = rng.choice([5, 15, 60, 180, 720, 1440, rng.randint(1, 1440)])
        q = {"timeframe": str(timeframe), "v": "1"}
        divisors = [d for d in (5, 10, 15, 30, 60) if d <= timeframe and timeframe % d == 0]
        if divisors and rng.random() < 0.3:
            q["interval"] = str(rng.choice(divisors))
        for name, pool in (("agentIds", agents), ("skillIds", skills), ("groupIds", groups)):
            if pool and rng.random() < 0.4:
                q[name] = ids(pool)
        if rng.random() < 0.3:
            q["userType"] = rng.choice(["human", "bot", "all"])
        if sources and rng.random() < 0.3:
            q["source"] = rng.choice([*sources, "all"])
        if rng.random() < 0.2:
            q["metrics"] = ",".join(rng.sample(metrics, rng.randint(1, len(metrics))))
        out.append((q, rng.randint(first, last + 3_600_000)))
    return out


def value_diffs(a: Any, b: Any, path: str = "") -> set[str]:
    """Paths (``a.b``, ``rows[]``) where two JSON documents differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: set[str] = set()
        for k in set(a) | set(b):
            out |= value_diffs(a.get(k, "<missing>"), b.get(k, "<missing>"), f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = set()
        for x, y in zip(a, b, strict=True):
            out |= value_diffs(x, y, f"{path}[]")
        return out
    return set() if a == b and type(a) is type(b) else {path.lstrip(".")}
