"""A ready locustfile: ``locust -f loadtest/locustfile.py --headless`` with CCBENCH_LOADTEST_SPEC.

Importing it (``from loadtest.locustfile import *`` in your own locustfile)
brings the users and the phase shape and installs the harness on every
Locust process when Locust initialises (docs/loadtest.md).
"""

from __future__ import annotations

from typing import Any

from locust import events
from locust.env import Environment

from loadtest._phases import PhaseShape, install
from loadtest._users import IngestUser, OpenQueryUser, QueryUser

__all__ = ["IngestUser", "OpenQueryUser", "PhaseShape", "QueryUser"]


@events.init.add_listener  # type: ignore[untyped-decorator]
def _on_init(environment: Environment, **_: Any) -> None:
    if environment.runner is not None:
        install(environment)
