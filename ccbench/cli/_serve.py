"""``ccbench serve --db PATH``: run the reference metrics backend (uvicorn, 127.0.0.1)."""

from __future__ import annotations

import argparse
import sys
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
    p.add_argument("--db", required=True, help="DuckDB file (created if missing) or :memory:")
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
        "--max-body-bytes",
        type=int,
        default=32 * 1024 * 1024,
        help="largest request body in bytes before 413 (default 32 MiB)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from backend import ServerConfig, create_app

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
        max_body_bytes=args.max_body_bytes,
    )
    print(f"ccbench serve: {args.db} on http://{args.host}:{args.port}", file=sys.stderr)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")
    return 0
