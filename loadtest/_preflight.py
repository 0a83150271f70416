"""Checking the target before a run: reachable, authenticated, each endpoint the run uses answers.

One request per endpoint, in the order the run uses them, with the mapping's
method, headers and timeouts (docs/loadtest.md "Before the run"):

* ``roster`` (when the run ingests and the mapping has it): PUT the log's
  roster, as the ingest phase does first anyway;
* ``ingest`` (when the run ingests over HTTP, not through files or a plugin:
  loadtest._adapters): POST an empty batch, which stores nothing;
* ``msgagentsegments``: GET a valid query drawn by the query mix;
* ``dashboard`` (when ``dashboard_share`` > 0): GET with no parameters (all defaults);
* ``agent_performance``, ``report``, ``supervision`` (when their share > 0): GET a valid
  query drawn by the query mix.

Deterministic mode sends the clock header with the log's last instant.
The check fails, with one line naming the endpoint, the request and the
problem, when a request gets no answer (refused, reset, no answer within the
mapping's timeouts), or answers 401 or 403 (not authenticated), 405 (wrong
method) or 404 (wrong path; a query endpoint may answer 404 when the run
ingests first, since a backend need not know the account yet). Any other
answer, 5xx included, lets the run start: the run measures it. No header
value appears in a message, only header names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import orjson

from ccbench import InputError
from ccbench.eventlog import EventLog

from ._config import LoadTestConfig
from ._dashboard_queries import DASHBOARD_ENDPOINT
from ._family_queries import FAMILY_ENDPOINTS
from ._mapping import TargetMapping
from ._queries import QueryMix
from ._recording import QueryValue

__all__ = ["check_target"]


@dataclass(frozen=True, slots=True)
class _Probe:
    endpoint: str
    url: str  # path and query string
    headers: Mapping[str, str]
    body: bytes | None
    may_be_unknown: bool  # a 404 is acceptable (the account is not ingested yet)


def _probes(
    mapping: TargetMapping, *, log: EventLog, config: LoadTestConfig, ingest: bool
) -> list[_Probe]:
    account = log.roster.account
    clock: dict[str, str] = {}
    span = log.time_range()
    if config.mode == "deterministic" and mapping.clock_header:
        clock[mapping.clock_header] = str(span[1] + 1 if span else 0)

    def headers(name: str, extra: Mapping[str, str]) -> dict[str, str]:
        content_type = mapping.endpoint(name).content_type
        return {
            **mapping.headers,
            **({"Content-Type": content_type} if content_type else {}),
            **extra,
        }

    out: list[_Probe] = []
    if ingest and "roster" in mapping.endpoints:
        body = orjson.dumps(log.roster.to_dict())
        path = mapping.endpoint("roster").url_path(account=account)
        out.append(_Probe("roster", path, headers("roster", {}), body, False))
    if ingest and mapping.ingest.python is None and mapping.ingest.dialect != "files":
        # delivered over HTTP (events or records pages): an empty batch stores nothing
        path = mapping.endpoint("ingest").url_path(account=account)
        out.append(_Probe("ingest", path, headers("ingest", {}), b"", False))

    def query(endpoint: str, params: Mapping[str, QueryValue]) -> _Probe:
        url = mapping.endpoint(endpoint).url_path(account=account)
        if params:
            url += "?" + urlencode(params, doseq=True)
        return _Probe(endpoint, url, headers(endpoint, clock), None, ingest)

    def drawn(endpoint: str) -> Mapping[str, QueryValue]:
        # one valid request of the run's own mix for that endpoint
        shares = {endpoint: 1.0} if endpoint in FAMILY_ENDPOINTS else {}
        mix = QueryMix.from_log(
            log,
            seed=config.seed,
            invalid_share=0.0,
            deterministic=False,
            intervals=config.mode == "deterministic",
            family_shares=shares,
        )
        return mix.next().params

    out.append(query("msgagentsegments", drawn("msgagentsegments")))
    if config.dashboard_share > 0:
        out.append(query(DASHBOARD_ENDPOINT, {}))  # every parameter at its default
    for family, share in config.family_shares.items():
        if share > 0:
            out.append(query(family, drawn(family)))
    return out


def _problem(mapping: TargetMapping, probe: _Probe, status: int) -> str | None:
    names = ", ".join(mapping.headers) or "none set"
    if status in (401, 403):
        return f"answered {status}: not authenticated (check the mapping's [headers]: {names})"
    if status == 405:
        return f"answered 405: method not allowed (check endpoints.{probe.endpoint}.method)"
    if status == 404 and not probe.may_be_unknown:
        return f"answered 404 (check endpoints.{probe.endpoint}.path)"
    return None


def check_target(
    mapping: TargetMapping, *, log: EventLog, config: LoadTestConfig, ingest: bool
) -> None:
    """Probe every endpoint the run will use (see the module docstring).

    Raises InputError with one line naming the target, the endpoint, the
    request and what went wrong; returns None when the run can start.
    """
    timeout = httpx.Timeout(mapping.network_timeout_s, connect=mapping.connect_timeout_s)
    with httpx.Client(
        base_url=mapping.base_url, timeout=timeout, follow_redirects=False, trust_env=False
    ) as client:
        for probe in _probes(mapping, log=log, config=config, ingest=ingest):
            method = mapping.endpoint(probe.endpoint).method
            where = f"target {mapping.base_url}: {probe.endpoint} ({method} {probe.url})"
            problem: str | None
            try:
                response = client.request(
                    method, probe.url, headers=dict(probe.headers), content=probe.body
                )
            except httpx.ConnectTimeout:
                problem = (
                    f"no connection within {mapping.connect_timeout_s:g} s (timeouts.connect_s)"
                )
            except httpx.TimeoutException:
                problem = f"no answer within {mapping.network_timeout_s:g} s (timeouts.network_s)"
            except httpx.ConnectError as exc:
                problem = f"not reachable: {exc}"
            except (httpx.LocalProtocolError, UnicodeError):
                # the message would quote the offending header value: name the table only
                problem = "a header value cannot be sent in HTTP (check the mapping's [headers])"
            except httpx.TransportError as exc:
                problem = f"the connection failed: {type(exc).__name__}: {exc}"
            else:
                response.close()
                problem = _problem(mapping, probe, response.status_code)
            if problem:
                raise InputError(f"{where}: {problem}")
