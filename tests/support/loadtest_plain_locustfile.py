"""Baseline for the generator benchmark: plain Locust FastHttpUser, no recording, no checks."""

from __future__ import annotations

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser


class PlainUser(FastHttpUser):
    """Loops GET /q as fast as the trivial server answers."""

    wait_time = constant(0)

    @task
    def query(self) -> None:
        self.client.get("/q")
