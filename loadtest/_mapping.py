"""Target mapping: where a metrics backend lives and how to call it (TOML).

A mapping names a base URL, a header for the query instant (deterministic
mode), headers sent with every request (``${VAR}`` / ``${VAR:-default}``
expanded from the environment so secrets stay out of files), timeouts and one
entry per endpoint: ``roster`` (PUT the roster), ``ingest`` (POST an NDJSON
batch) and query endpoints such as ``msgagentsegments``. Paths are templates
in which ``{account}`` is replaced by the roster's account.
The reference backend's mapping ships as ``loadtest/targets/reference.toml``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ccbench import InputError, shown_with_type

from ._adapters import IngestSpec

__all__ = ["REDACTED", "REFERENCE_MAPPING", "Endpoint", "TargetMapping", "load_mapping"]

#: The mapping of the reference backend (``ccbench serve``), shipped in the repository.
REFERENCE_MAPPING = Path(__file__).resolve().parent / "targets" / "reference.toml"
#: What a header value becomes wherever a mapping is written down (files, reports, messages).
REDACTED = "<redacted>"

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_METHODS = ("GET", "POST", "PUT")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint: HTTP method, path template (``{account}``) and request body type."""

    name: str
    method: str
    path: str
    content_type: str | None = None

    def url_path(self, *, account: str) -> str:
        """The path with ``{account}`` filled in."""
        return self.path.replace("{account}", account)


@dataclass(frozen=True, slots=True)
class TargetMapping:
    """Where and how to reach one metrics backend (see the module docstring).

    ``connect_timeout_s`` and ``network_timeout_s`` are seconds; a request
    exceeding them is recorded as a ``timeout`` error, never raised.
    """

    base_url: str
    endpoints: Mapping[str, Endpoint]
    headers: Mapping[str, str] = field(default_factory=dict)
    clock_header: str | None = "X-Clock-Now"
    connect_timeout_s: float = 5.0
    network_timeout_s: float = 30.0
    #: how the backend is fed and its answers read (``[ingest]``, ``[translate]``)
    ingest: IngestSpec = field(default_factory=IngestSpec)

    def endpoint(self, name: str) -> Endpoint:
        """The endpoint called ``name``; InputError naming the known ones when absent."""
        try:
            return self.endpoints[name]
        except KeyError:
            known = ", ".join(sorted(self.endpoints)) or "none"
            raise InputError(
                f"target mapping: endpoint {name!r} is not mapped (mapped: {known})"
            ) from None

    def with_base_url(self, base_url: str) -> TargetMapping:
        """A copy aimed at ``base_url`` (validated like the file's)."""
        return replace(self, base_url=_check_url(base_url))

    def to_dict(self, *, redact: bool = True) -> dict[str, Any]:
        """JSON-ready form. Header values are :data:`REDACTED` unless ``redact=False``:
        they hold secrets once expanded, and this form is what gets written to disk."""
        return {
            "base_url": self.base_url,
            "headers": {k: REDACTED if redact else v for k, v in self.headers.items()},
            "clock_header": self.clock_header,
            "connect_timeout_s": self.connect_timeout_s,
            "network_timeout_s": self.network_timeout_s,
            "endpoints": {
                e.name: {"method": e.method, "path": e.path, "content_type": e.content_type}
                for e in self.endpoints.values()
            },
            "ingest": self.ingest.to_dict(),
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> TargetMapping:
        """Inverse of :meth:`to_dict` (no environment expansion; redacted values stay so)."""
        return cls(
            base_url=doc["base_url"],
            headers=dict(doc["headers"]),
            clock_header=doc["clock_header"],
            connect_timeout_s=float(doc["connect_timeout_s"]),
            network_timeout_s=float(doc["network_timeout_s"]),
            endpoints={
                name: Endpoint(name=name, **spec) for name, spec in doc["endpoints"].items()
            },
            ingest=IngestSpec.from_dict(doc.get("ingest")),
        )


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"target mapping: base_url: expected http(s)://host[:port], got {shown_with_type(url)}"
        )
    if parts.username is not None or parts.password is not None:
        # a URL is shown in reports and on command lines: credentials go in [headers]
        raise InputError(
            "target mapping: base_url: expected http(s)://host[:port] without credentials "
            '(put them in [headers], e.g. Authorization = "Basic ${TOKEN}")'
        )
    return url.rstrip("/")


def _expand(name: str, value: str, env: Mapping[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        var, default = match.group(1), match.group(2)
        if var in env:
            return env[var]
        if default is not None:
            return default
        raise InputError(
            f"target mapping: header {name!r}: environment variable {var!r} is not set "
            "(set it or write ${" + var + ":-default})"
        )

    return _VAR.sub(one, value)


def _endpoint(name: str, spec: Any) -> Endpoint:
    where = f"target mapping: endpoints.{name}"
    if not isinstance(spec, dict):
        raise InputError(f"{where}: expected a table, got {shown_with_type(spec)}")
    method = str(spec.get("method", "GET")).upper()
    if method not in _METHODS:
        raise InputError(f"{where}.method: expected one of {', '.join(_METHODS)}, got {method!r}")
    path = spec.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise InputError(
            f"{where}.path: expected a path starting with '/', got {shown_with_type(path)}"
        )
    content_type = spec.get("content_type")
    if content_type is not None and not isinstance(content_type, str):
        raise InputError(
            f"{where}.content_type: expected a string, got {shown_with_type(content_type)}"
        )
    unknown = sorted(set(spec) - {"method", "path", "content_type"})
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}")
    return Endpoint(name=name, method=method, path=path, content_type=content_type)


def load_mapping(
    path: str | Path | None = None,
    *,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
) -> TargetMapping:
    """Read a mapping file (default: the reference backend's), expanding header variables.

    ``base_url`` overrides the file's; ``env`` defaults to ``os.environ``.
    Raises InputError naming the key, the value and what was expected.
    """
    source = Path(path) if path is not None else REFERENCE_MAPPING
    try:
        doc = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"target mapping {source}: cannot read: {exc}") from exc
    environment = os.environ if env is None else env
    headers = doc.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise InputError(f"target mapping {source}: headers: expected a table of strings")
    endpoints = doc.get("endpoints", {})
    if not isinstance(endpoints, dict) or not endpoints:
        raise InputError(f"target mapping {source}: endpoints: expected at least one endpoint")
    timeouts = doc.get("timeouts", {})
    clock = doc.get("clock_header", "X-Clock-Now")
    mapping = TargetMapping(
        base_url=_check_url(base_url or str(doc.get("base_url", ""))),
        endpoints={name: _endpoint(name, spec) for name, spec in endpoints.items()},
        headers={k: _expand(k, v, environment) for k, v in headers.items()},
        clock_header=clock or None,
        connect_timeout_s=float(timeouts.get("connect_s", 5.0)),
        network_timeout_s=float(timeouts.get("network_s", 30.0)),
        ingest=IngestSpec.parse(
            doc.get("ingest"), doc.get("translate"), where=f"target mapping {source}"
        ),
    )
    for name, value in (
        ("connect_s", mapping.connect_timeout_s),
        ("network_s", mapping.network_timeout_s),
    ):
        if not value > 0:
            raise InputError(f"target mapping {source}: timeouts.{name}: expected > 0, got {value}")
    return mapping
