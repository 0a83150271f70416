"""``ccbench serve --db PATH``: run the reference metrics backend (uvicorn, 127.0.0.1)."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from typing import Any

from .._errors import ParameterError


def _token(value: str) -> tuple[str, str]:
    account, sep, token = value.partition(":")
    if not sep or not account or not token:
        raise argparse.ArgumentTypeError(f"expected ACCOUNT:TOKEN, got {value!r}")
    return account, token


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="run the reference metrics backend",
        description="Serve the reference backend (docs/backend.md): ingestion, "
        "msgagentsegments, /healthz, /readyz, /openapi.json. Stops on Ctrl-C or SIGTERM.",
    )
    p.add_argument(
        "--db",
        required=True,
        help="DuckDB database file (created if missing; not a .parquet/.csv/.json data file) "
        "or :memory: (nothing persists)",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument(
        "--token",
        action="append",
        type=_token,
        default=[],
        metavar="ACCOUNT:TOKEN",
        help="a bearer token bound to an account "
        "(repeatable); without any, every request but health gets 401",
    )
    p.add_argument(
        "--test-clock",
        action="store_true",
        help="honour the X-Clock-Now: <epoch ms> header as now (tests only)",
    )
    p.add_argument(
        "--max-concurrency", type=int, default=64, help="requests in flight before 429 (default 64)"
    )
    p.add_argument(
        "--max-account-concurrency",
        type=int,
        default=48,
        help="requests in flight per account before 429 (default 48)",
    )
    p.add_argument(
        "--query-threads",
        type=int,
        default=2,
        help="queries computed at once, the others queue in arrival order (default 2)",
    )
    p.add_argument(
        "--max-uploads",
        type=int,
        default=4,
        help="ingest and roster requests in flight before 429 (default 4)",
    )
    p.add_argument(
        "--max-account-uploads",
        type=int,
        default=2,
        help="ingest and roster requests in flight per account before 429 (default 2)",
    )
    p.add_argument(
        "--max-body-bytes",
        type=int,
        default=32 * 1024 * 1024,
        help="largest request body in bytes before 413 (default 32 MiB)",
    )
    p.add_argument(
        "--body-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="a request body must arrive within this many seconds, else 408 (default 30)",
    )
    p.add_argument(
        "--shutdown-timeout",
        type=int,
        default=10,
        metavar="SECONDS",
        help="on Ctrl-C or SIGTERM, wait this long for requests in flight, then cancel them "
        "(default 10)",
    )
    p.set_defaults(func=run)


def _check_address(host: str, port: int) -> None:
    """Refuse a port out of range or an address already in use before the app starts
    (uvicorn would report it as a failed startup with a traceback or exit code 3)."""
    if not 1 <= port <= 65535:
        raise ParameterError("--port", f"expected a TCP port in 1..65535, got {port}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise ParameterError(
            "--host", f"cannot resolve {host!r} ({exc.strerror or exc}); expected an interface"
        ) from None
    try:
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            # as uvicorn binds: connections of a previous run in TIME_WAIT do not count
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as exc:
        reason = exc.strerror or exc
        raise ParameterError(
            "--port", f"cannot listen on {host}:{port} ({reason}); expected a free port"
        ) from None


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from backend import ServerConfig, check_database, create_app

    tokens: dict[str, str] = {}
    for account, token in args.token:
        if token in tokens and tokens[token] != account:
            raise ParameterError(
                "--token", f"token for {account!r} is already bound to {tokens[token]!r}"
            )
        tokens[token] = account
    config = ServerConfig(
        db=args.db,
        tokens=tokens,
        test_clock=args.test_clock,
        max_concurrency=args.max_concurrency,
        max_account_concurrency=args.max_account_concurrency,
        query_threads=args.query_threads,
        max_uploads=args.max_uploads,
        max_account_uploads=args.max_account_uploads,
        max_body_bytes=args.max_body_bytes,
        body_timeout_s=args.body_timeout,
        shutdown_timeout_s=args.shutdown_timeout,
    )
    persists = check_database(args.db, parameter="--db")
    _check_address(args.host, args.port)
    where = (
        f"{Path(args.db).resolve()} (a file: data persists across restarts)"
        if persists
        else ":memory: (in memory: every event is lost when the server stops)"
    )
    print(f"ccbench serve: database {where}", file=sys.stderr)
    print(f"ccbench serve: listening on http://{args.host}:{args.port}", file=sys.stderr)
    uvicorn.run(
        create_app(config),
        host=args.host,
        port=args.port,
        log_level="warning",
        timeout_graceful_shutdown=args.shutdown_timeout,
    )
    return 0
