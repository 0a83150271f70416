"""`ccbench serve`: refuses databases it cannot keep data in and ports it cannot listen on,
says where data goes, and stops within its shutdown timeout."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson
import pytest

from backend import Store
from ccbench.cli import main
from ccbench.serving import free_port
from tests.support.backend import auth, ndjson, synthetic_log
from tests.support.cli import forbid, one_line_error


@pytest.mark.parametrize("name", ["x.parquet", "x.csv", "x.json", "missing/x.duckdb", "."])
def test_a_database_that_keeps_nothing_is_one_line_and_exit_2(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--db on a data file, in a missing directory or on a directory: exit 2, one line naming
    --db, the path and what is expected; the server never starts."""
    path = str(tmp_path / name)
    assert main(["serve", "--db", path, "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ccbench serve: error: parameter '--db'")
    assert repr(path) in err and "DuckDB database file" in err


@contextmanager
def _serve(*args: str) -> Iterator[tuple[subprocess.Popen[str], int, list[str]]]:
    """`ccbench serve ARGS` on a free port; yields it once it answers, with its first
    stderr lines."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ccbench", "serve", "--port", str(port), *args],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    lines = [proc.stderr.readline(), proc.stderr.readline()]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        yield proc, port, lines
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stderr.close()


def test_start_says_where_data_goes(tmp_path: Path) -> None:
    """The first lines give the database's absolute path and whether its data persists."""
    db = tmp_path / "metrics.duckdb"
    with _serve("--db", str(db)) as (_, port, lines):
        assert lines[0] == f"ccbench serve: database {db} (a file: data persists across restarts)\n"
        assert lines[1] == f"ccbench serve: listening on http://127.0.0.1:{port}\n"
    with _serve("--db", ":memory:") as (_, _, lines):
        assert (
            "database :memory: (in memory: every event is lost when the server stops)" in (lines[0])
        )


def test_a_stop_does_not_wait_for_a_stalled_upload(tmp_path: Path) -> None:
    """SIGTERM with an upload whose body never comes (body timeout 600 s): the server waits
    --shutdown-timeout 1 s, answers the stalled request 503, checkpoints and exits long before
    the body timeout; an acknowledged batch is in the database afterwards."""
    _, records = synthetic_log(conversations=20)
    db = tmp_path / "metrics.duckdb"
    with _serve(
        "--db", str(db), "--token", "acme:t", "--shutdown-timeout", "1", "--body-timeout", "600"
    ) as (proc, port, _):
        r = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/accounts/acme/events",
            content=ndjson(records),
            headers={**auth("t"), "Content-Type": "application/x-ndjson"},
            timeout=60,
        )
        assert r.json() == {"accepted": len(records), "duplicates": 0}
        stalled = socket.create_connection(("127.0.0.1", port))
        stalled.sendall(
            b"POST /api/v1/accounts/acme/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer t"
            b"\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n"
        )
        deadline = time.monotonic() + 60
        while httpx.get(f"http://127.0.0.1:{port}/readyz").json()["uploads"]["in_flight"] < 1:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        # bounded by the shutdown timeout, not by the 600 s the body may take
        proc.wait(timeout=300)
        stalled.settimeout(30)
        answer = stalled.recv(65536)
        stalled.close()
    assert answer.startswith(b"HTTP/1.1 503")
    body = orjson.loads(answer.partition(b"\r\n\r\n")[2])
    assert "the server is stopping" in body["error"]["message"]
    store = Store(path=str(db))
    try:
        assert store.event_count(account="acme") == len(records)
    finally:
        store.close()


def test_every_option_is_documented() -> None:
    """Each `ccbench serve` option has a row in docs/backend.md's option table."""
    import argparse

    from ccbench.cli._main import build_parser

    doc = (Path(__file__).resolve().parents[2] / "docs" / "backend.md").read_text()
    sub = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    ).choices["serve"]
    options = [o for a in sub._actions for o in a.option_strings if o.startswith("--")]
    assert "--shutdown-timeout" in options
    for option in options:
        if option != "--help":
            assert f"| `{option}" in doc, option


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if uvicorn is ever started: every case must be refused before."""
    import uvicorn

    forbid(monkeypatch, uvicorn, "run", "the server started")


@pytest.mark.usefixtures("no_server")
@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_port_out_of_range_is_one_line(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--port outside 1..65535: exit 2, one line naming the option and the range."""
    line = one_line_error(capsys, "serve", "--db", ":memory:", "--port", port)
    assert f"parameter '--port': expected a TCP port in 1..65535, got {int(port)}" in line


@pytest.mark.usefixtures("no_server")
def test_busy_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A port another socket listens on: exit 2, one line saying it cannot listen there."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = one_line_error(capsys, "serve", "--db", ":memory:", "--port", str(port))
    assert f"cannot listen on 127.0.0.1:{port}" in line


@pytest.mark.usefixtures("no_server")
def test_unresolvable_host_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """--host that does not resolve: exit 2, one line naming --host."""
    line = one_line_error(capsys, "serve", "--db", ":memory:", "--host", "nohost.invalid")
    assert "parameter '--host': cannot resolve 'nohost.invalid'" in line
