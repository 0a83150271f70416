"""Target adapters: how a backend is fed (ingest dialect) and read (answer translation).

The mapping TOML's ``[ingest]`` table picks the dialect a backend understands:

* ``ccbench-events`` (default): NDJSON batches of events POSTed to ``ingest``;
* ``liveperson-records``: LivePerson conversation records (docs/formats.md) POSTed to
  ``ingest`` as conversations-search pages; each batch re-sends the record of every
  conversation it changed, as the vendor's API returns open conversations again;
* ``files``: batch files (``parquet``, ``ndjson`` or ``liveperson-records`` pages)
  written into a directory for batch and warehouse pipelines, each renamed into place
  whole, then a completion marker; ``ready_file`` makes the harness wait until the
  pipeline says it has loaded them.

``python = "package.module:function"`` replaces the dialect's delivery with a plugin
(:class:`IngestPlugin`: one :class:`IngestBatch` in, one :class:`IngestAck` out);
``[translate] python = ...`` turns each JSON answer into the vendor's shape before it
is compared (:class:`ResponseTranslator`; a CSV table is compared as sent). A plugin
that raises or returns the wrong type is reported with its name and the batch (or
request); the run goes on and writes its reports. docs/loadtest.md, "Target adapters";
examples/plugins/ is a worked example.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ccbench import InputError, shown_with_type

from ._recording import QueryValue

__all__ = [
    "DIALECTS",
    "FILE_FORMATS",
    "IngestAck",
    "IngestBatch",
    "IngestPlugin",
    "IngestSpec",
    "ResponseTranslator",
    "load_plugin",
]

DIALECTS = ("ccbench-events", "liveperson-records", "files")
FILE_FORMATS = ("parquet", "ndjson", "liveperson-records")


@dataclass(frozen=True, slots=True)
class IngestBatch:
    """What an ingest plugin receives: batch ``number`` (0-based), the ``events`` it
    carries (contract records, times shifted as sent), the LivePerson ``records`` of the
    conversations they changed (as of the batch), the account and the first event's ms."""

    number: int
    account: str
    first_ms: int
    events: Sequence[Mapping[str, Any]]
    records: Sequence[Mapping[str, Any]] = ()


@dataclass(frozen=True, slots=True)
class IngestAck:
    """What an ingest plugin returns: events the backend accepted and ignored as repeats."""

    accepted: int
    duplicates: int = 0


class IngestPlugin(Protocol):
    """Delivers one batch to the backend (any transport) and says what it accepted."""

    def __call__(self, batch: IngestBatch) -> IngestAck: ...


class ResponseTranslator(Protocol):
    """The backend's answer to ``query`` on ``endpoint`` in the vendor's shape (what the
    oracle answers), for comparison. Called with JSON answers only: a report's CSV table
    is compared as the backend sent it, its bytes being the contract's for every vendor."""

    def __call__(self, *, endpoint: str, query: Mapping[str, QueryValue], body: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class IngestSpec:
    """The ``[ingest]`` table (module docstring); ``ready_timeout_s`` in seconds."""

    dialect: str = "ccbench-events"
    python: str | None = None
    directory: str | None = None
    file_format: str = "ndjson"
    ready_file: str | None = None
    ready_timeout_s: float = 60.0
    translate: str | None = None

    @classmethod
    def parse(cls, ingest: Any, translate: Any, *, where: str) -> IngestSpec:
        """Read ``[ingest]`` (with ``[ingest.files]``) and ``[translate]``; InputError
        naming the key, the value and what was expected."""
        ingest = _table(ingest, f"{where}: ingest")
        files = _table(ingest.get("files"), f"{where}: ingest.files")
        translate = _table(translate, f"{where}: translate")
        _known(ingest, ("dialect", "python", "files"), f"{where}: ingest")
        _known(
            files,
            ("directory", "format", "ready_file", "ready_timeout_s"),
            f"{where}: ingest.files",
        )
        _known(translate, ("python",), f"{where}: translate")
        dialect = ingest.get("dialect", "ccbench-events")
        if dialect not in DIALECTS:
            raise InputError(
                f"{where}: ingest.dialect: expected one of {', '.join(DIALECTS)}, "
                f"got {shown_with_type(dialect)}"
            )
        file_format = files.get("format", "ndjson")
        if file_format not in FILE_FORMATS:
            raise InputError(
                f"{where}: ingest.files.format: expected one of "
                f"{', '.join(FILE_FORMATS)}, got {shown_with_type(file_format)}"
            )
        directory = files.get("directory")
        if dialect == "files" and (not isinstance(directory, str) or not directory):
            raise InputError(
                f"{where}: ingest.files.directory: required by the files "
                f"dialect, got {shown_with_type(directory)}"
            )
        timeout = files.get("ready_timeout_s", 60.0)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise InputError(
                f"{where}: ingest.files.ready_timeout_s: expected seconds > 0, "
                f"got {shown_with_type(timeout)}"
            )
        spec = cls(
            dialect=dialect,
            python=_plugin_name(ingest.get("python"), f"{where}: ingest.python"),
            directory=directory,
            file_format=file_format,
            ready_file=files.get("ready_file"),
            ready_timeout_s=float(timeout),
            translate=_plugin_name(translate.get("python"), f"{where}: translate.python"),
        )
        for name in (spec.python, spec.translate):
            if name is not None:
                load_plugin(name, where=where)  # fail before the run, naming the key
        return spec

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the Locust processes."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any] | None) -> IngestSpec:
        """Inverse of :meth:`to_dict` (defaults when absent)."""
        return cls(**doc) if doc else cls()


def _table(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a table, got {shown_with_type(value)}")
    return value


def _known(table: Mapping[str, Any], keys: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; expected {', '.join(keys)}")


def _plugin_name(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.count(":") != 1 or not all(value.split(":")):
        raise InputError(
            f'{where}: expected "package.module:function", got {shown_with_type(value)}'
        )
    return value


def load_plugin(name: str, *, where: str = "plugin") -> Callable[..., Any]:
    """The callable ``package.module:function`` names; InputError when it cannot be
    imported or is not callable."""
    module_name, _, attr = name.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # any import failure of user code is a usage error
        raise InputError(f"{where}: plugin {name!r}: cannot import {module_name!r}: {exc}") from exc
    plugin = getattr(module, attr, None)
    if not callable(plugin):
        raise InputError(f"{where}: plugin {name!r}: {module_name} has no callable {attr!r}")
    return plugin  # type: ignore[no-any-return]
