"""Verifying recorded responses against expected answers, after the run.

Deterministic mode: each request carried its query instant, so there is one
expected answer. Live mode: the backend used its own clock, so an answer is
accepted when it equals the expected answer at some instant of
``[sent - staleness, received]``; the provider lists the finitely many
instants where the answer can change and each is tried, freshest first. The
observed freshness lag is how far before the send the matching state ended.

Numbers compare within a per-metric absolute tolerance (0, exact, by
default). A msgagentsegments metric is the last object key of a JSON path
(``avgAgentSegmentDuration``); a dashboard metric is ``dashboard.`` plus its
path with list indexes dropped (``dashboard.agents.rows[].csat``), and the
dashboard's table rows are matched by their id (``agent_id``/``skill_id``):
a missing, extra or misplaced row is one difference on the ``rows`` list
(expected and actual ids), and rows are then compared id by id. An answer
stating its own instant (a top-level integer ``now``, as the dashboard's
does) is checked in live mode at that instant. A report asked for one of
its CSV tables (``Expected.csv_table``) is text/csv: it is read as CSV, never
as JSON nor through the translation plugin, and compared cell by cell
(:mod:`loadtest._csv_answers`: ``report.csv.agents[].conversations``). Every
difference is a :class:`Mismatch` naming endpoint, query, JSON path,
expected and actual.

Only a 200 or a 400 is judged; any other outcome is an error of its class
(:mod:`loadtest._status`), counted with its status code, never a mismatch.
No answer can make verification raise: a body is JSON of any shape (nesting,
numbers of any size, ids of any type) or it is ``invalid_json`` (a CSV answer:
any text, a table of another shape being one mismatch); a number
longer than Python's integer parser accepts (4,300 digits) is kept as its
text, which equals no number; row ids match only an id of the same type and
value, so ``true`` or ``12.0`` is not the agent 12 and a list matches nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ._adapters import load_plugin
from ._csv_answers import CsvComparison, csv_path, diff_csv
from ._dashboard_queries import DASHBOARD_ENDPOINT
from ._expected import Expected, ExpectedProvider
from ._family_queries import FAMILY_ENDPOINTS
from ._json_values import decode_body, is_number, visible, within
from ._recording import Record
from ._status import query_error_class
from ._verification import Verification

__all__ = ["diff_json", "metric_namer", "verify_records"]

_MAX_LIVE_CANDIDATES = 2000


_MISSING = "<missing>"


def _metric_of(path: list[str | int]) -> str:
    # the nearest key that is a name, not an agent/skill id: a missing or extra
    # agent entry is reported under its container (e.g. metricsPerAgent)
    for part in reversed(path):
        if isinstance(part, str) and not part.isdigit():
            return part
    return "$"


def _path_metric(family: str) -> Callable[[list[str | int]], str]:
    # the whole path names a value (current.load and agents.rows[].load differ); list
    # indexes go so that every row's value counts under one metric
    def name(path: list[str | int]) -> str:
        out = family
        for part in path:
            out += "[]" if isinstance(part, int) else f".{part}"
        return out

    return name


# JSON-path named endpoints (rows matched by id): the dashboard and seeds 000-002
_PATH_NAMED = frozenset((DASHBOARD_ENDPOINT, *FAMILY_ENDPOINTS))
_ROW_IDS = ("agent_id", "skill_id", "conversation_id")


def _row_id_key(e: list[Any], a: list[Any]) -> str | None:
    """The id key when both lists are table rows keyed by it (dashboard tables)."""
    rows = [*e, *a]
    if not rows or not all(isinstance(r, dict) and r for r in rows):
        return None
    key = next(iter(rows[0]))
    if key in _ROW_IDS and all(key in r for r in rows):
        return str(key)
    return None


def _id_token(value: Any) -> tuple[str, Any] | None:
    """A hashable stand-in for a row id that equals another only for the same type and
    value (``True`` is not 1, ``12.0`` is not 12); None for an id that cannot match
    anything (a list, an object)."""
    if value is None or isinstance(value, bool | int | float | str):
        return type(value).__name__, value
    return None


def _render(path: list[str | int]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def metric_namer(endpoint: str | None) -> Callable[[list[str | int]], str]:
    """How ``endpoint``'s JSON paths name metrics (see the module docstring)."""
    return _path_metric(endpoint) if endpoint in _PATH_NAMED else _metric_of


def diff_json(
    expected: Any,
    actual: Any,
    *,
    tolerances: Mapping[str, float] | None = None,
    endpoint: str | None = None,
) -> list[tuple[str, str, Any, Any]]:
    """Differences as (JSON path, metric, expected, actual); empty when equal.

    Numbers (not booleans) are equal when ``|expected - actual| <= tolerance``
    of their metric (default 0). Missing and extra keys are differences.
    ``endpoint`` picks the metric naming (and, for the dashboard, rows
    matched by id).
    """
    tol = tolerances or {}
    metric = metric_namer(endpoint)
    keyed = endpoint in _PATH_NAMED
    out: list[tuple[str, str, Any, Any]] = []

    def walk(e: Any, a: Any, path: list[str | int]) -> None:
        if isinstance(e, dict) and isinstance(a, dict):
            for key in e:
                walk(e[key], a.get(key, _MISSING), [*path, key])
            for key in a:
                if key not in e:
                    # the backend's own key: shown escaped wherever it is reported
                    where = [*path, visible(key)]
                    out.append((_render(where), metric(where), _MISSING, a[key]))
            return
        if isinstance(e, list) and isinstance(a, list):
            key = _row_id_key(e, a) if keyed else None
            if key is None:
                for i in range(max(len(e), len(a))):
                    walk(
                        e[i] if i < len(e) else _MISSING,
                        a[i] if i < len(a) else _MISSING,
                        [*path, i],
                    )
                return
            e_ids, a_ids = [r[key] for r in e], [r[key] for r in a]
            e_tokens, a_tokens = [_id_token(i) for i in e_ids], [_id_token(i) for i in a_ids]
            if e_tokens != a_tokens or None in a_tokens:
                out.append((_render(path), metric(path), e_ids, a_ids))
            by_id = {t: r for t, r in zip(a_tokens, a, strict=True) if t is not None}
            for i, (token, row) in enumerate(zip(e_tokens, e, strict=True)):
                if token is not None and token in by_id:
                    walk(row, by_id[token], [*path, i])
            return
        if is_number(e) and is_number(a):
            if within(e, a, tol.get(metric(path), 0.0)):
                return
        elif e == a and type(e) is type(a):
            return
        out.append((_render(path), metric(path), e, a))

    walk(expected, actual, [])
    return out


def _leaves(
    body: Any, path: list[str | int], out: list[str], metric: Callable[[list[str | int]], str]
) -> None:
    if isinstance(body, dict):
        for k, v in body.items():
            _leaves(v, [*path, k], out, metric)
    elif isinstance(body, list):
        for i, v in enumerate(body):
            _leaves(v, [*path, i], out, metric)
    else:
        out.append(metric(path))


def _check_body(
    v: Verification, record: Record, exp: Expected, body: Any, tolerances: Mapping[str, float]
) -> None:
    if exp.status == 400:
        error = body.get("error") if isinstance(body, dict) else None
        got = error.get("parameter") if isinstance(error, dict) else None
        wrong = got != exp.parameter
        v.count("error.parameter", wrong)
        if wrong:
            v.wrong_responses += 1
            v.add_mismatch(record, "$.error.parameter", "error.parameter", exp.parameter, got)
        return
    if exp.csv_table is not None:
        _check_csv(v, record, exp, body, tolerances)
        return
    if exp.unavailable:  # the log cannot support these values: report, never compare
        v.unavailable.update(exp.unavailable)
        for path in exp.unavailable:
            parts = path.replace("[]", ".[]").split(".")
            _drop(exp.body, parts)
            _drop(body, parts)
    diffs = diff_json(exp.body, body, tolerances=tolerances, endpoint=record.endpoint)
    wrong_paths = {d[0] for d in diffs}
    metrics: list[str] = []
    _leaves(exp.body, [], metrics, metric_namer(record.endpoint))
    wrong_metrics = Counter(d[1] for d in diffs)
    for metric in metrics:
        # a metric appears many times per response; count each value once
        wrong = wrong_metrics[metric] > 0
        if wrong:
            wrong_metrics[metric] -= 1
        v.count(metric, wrong)
    for metric, left in wrong_metrics.items():
        # structural differences (a missing or extra agent/skill entry) are not leaves
        for _ in range(left):
            v.count(metric, True)
    for path, metric, e, a in diffs:
        v.add_mismatch(record, path, metric, e, a)
    if wrong_paths:
        v.wrong_responses += 1


def _diff_csv(
    exp: Expected, body: Any, endpoint: str, tolerances: Mapping[str, float]
) -> CsvComparison:
    return diff_csv(
        str(exp.body),
        str(body),
        family=endpoint,
        table=str(exp.csv_table),
        tolerances=tolerances,
        skip=exp.unavailable,
    )


def _check_csv(
    v: Verification, record: Record, exp: Expected, text: Any, tolerances: Mapping[str, float]
) -> None:
    table = str(exp.csv_table)
    for column, why in exp.unavailable.items():  # the log cannot support them: report
        v.unavailable[csv_path(table, column or None)] = why
    if "" in exp.unavailable:
        return  # the table's very rows are unavailable: nothing to compare
    found = _diff_csv(exp, text, record.endpoint, tolerances)
    for metric, wrong in found.values:
        v.count(metric, wrong)
    for path, metric, e, a in found.diffs:
        v.add_mismatch(record, path, metric, e, a)
    if found.diffs:
        v.wrong_responses += 1


def _differs(exp: Expected, body: Any, endpoint: str, tolerances: Mapping[str, float]) -> bool:
    if exp.csv_table is not None:
        return bool(_diff_csv(exp, body, endpoint, tolerances).diffs)
    return bool(diff_json(exp.body, body, tolerances=tolerances, endpoint=endpoint))


def _drop(node: Any, parts: list[str]) -> None:
    """Delete the value at ``parts`` (``[]`` every list element) wherever it is."""
    head, rest = parts[0], parts[1:]
    if head == "[]":
        for item in node if isinstance(node, list) else ():
            if rest:
                _drop(item, rest)
    elif isinstance(node, dict) and head in node:
        if rest:
            _drop(node[head], rest)
        else:
            del node[head]


def _translated(v: Verification, record: Record, body: Any, translate: tuple[str, Any]) -> Any:
    """The translation plugin's vendor-shaped answer; None (counted as a plugin error, the
    failure kept) when it raises or gives no JSON object or list."""
    name, plugin = translate
    try:
        out = plugin(endpoint=record.endpoint, query=dict(record.query), body=body)
    except Exception as exc:  # user code: report it, never stop verifying
        why = f"raised {type(exc).__name__}: {exc}"
    else:
        if isinstance(out, dict | list):
            return out
        why = f"returned {type(out).__name__}, expected a JSON object or list"
    v.errors.add("plugin", 0)
    if len(v.plugin_errors) < v.detail_limit:
        v.plugin_errors.append(f"plugin {name} on {record.endpoint}?{dict(record.query)}: {why}")
    return None


def _status_ok(v: Verification, record: Record, exp: Expected) -> bool:
    # only 200 and 400 get here: the backend rejected a valid request or accepted an
    # invalid one when the status is not the expected one
    if record.status == exp.status:
        return True
    v.count("status", True)
    v.add_mismatch(record, "$status", "status", exp.status, record.status)
    v.wrong_responses += 1
    return False


def _verify_live(
    v: Verification,
    record: Record,
    provider: ExpectedProvider,
    body: Any,
    staleness_ms: int,
    tolerances: Mapping[str, float],
) -> None:
    sent_ms, received_ms = record.sent_ns // 1_000_000, record.received_ns // 1_000_000
    stated = body.get("now") if isinstance(body, dict) else None
    if isinstance(stated, int) and not isinstance(stated, bool):
        # the answer names its instant: check it there when the request could have seen it,
        # else at the nearest instant it could (the `now` difference is then reported)
        at = min(max(stated, sent_ms - staleness_ms), received_ms)
        exp = provider.expected(record.endpoint, record.query, now_ms=at)
        if at == stated:
            v.freshness_ms.append(max(0, sent_ms - stated))
        _check_body(v, record, exp, body, tolerances)
        return
    instants = provider.change_instants(
        record.endpoint, record.query, lo_ms=sent_ms - staleness_ms, hi_ms=received_ms
    )
    instants = instants[-_MAX_LIVE_CANDIDATES:]
    fallback: tuple[Expected, int] | None = None
    for i in range(len(instants) - 1, -1, -1):
        exp = provider.expected(record.endpoint, record.query, now_ms=instants[i])
        if exp.status != 200:
            break
        if not _differs(exp, body, record.endpoint, tolerances):
            # the state seen holds on [instants[i], instants[i + 1]): lag past its end
            end = instants[i + 1] - 1 if i + 1 < len(instants) else received_ms
            v.freshness_ms.append(max(0, sent_ms - end))
            _check_body(v, record, exp, body, tolerances)
            return
        if fallback is None:
            fallback = (exp, instants[i])
    exp = (
        fallback[0]
        if fallback
        else provider.expected(record.endpoint, record.query, now_ms=received_ms)
    )
    _check_body(v, record, exp, body, tolerances)


def verify_records(
    records: Iterable[Record],
    *,
    provider: ExpectedProvider,
    live: bool = False,
    staleness_ms: int = 0,
    tolerances: Mapping[str, float] | None = None,
    detail_limit: int = 200,
    translate: str | None = None,
) -> Verification:
    """Check every ``kind == "query"`` record (see the module docstring).

    ``staleness_ms``: live-mode allowance before the send. ``tolerances``:
    metric name -> absolute tolerance. ``detail_limit`` caps kept examples.
    ``translate`` names a :class:`loadtest.ResponseTranslator` plugin
    (``package.module:function``) applied to each answer before comparison.
    """
    tol = dict(tolerances or {})
    v = Verification(detail_limit=detail_limit)
    plugin = (translate, load_plugin(translate)) if translate else None
    for record in records:
        if record.kind != "query":
            continue
        v.responses += 1
        error = query_error_class(record.status, record.error)
        if error:
            v.errors.add(error, record.status)
            continue
        when = record.clock_ms if record.clock_ms is not None else record.received_ns // 10**6
        exp = provider.expected(record.endpoint, record.query, now_ms=when)
        if not _status_ok(v, record, exp):
            continue
        if exp.csv_table is not None and exp.status == 200:
            body: Any = record.body  # a CSV table: read as CSV, never translated
        else:
            ok, body = decode_body(record.body)
            if not ok:
                v.errors.add("invalid_json", record.status)
                continue
            if plugin is not None and exp.status == 200:
                body = _translated(v, record, body, plugin)
                if body is None:
                    continue
        v.verified += 1
        if live and exp.status == 200 and record.clock_ms is None:
            _verify_live(v, record, provider, body, staleness_ms, tol)
        else:
            _check_body(v, record, exp, body, tol)
    return v
