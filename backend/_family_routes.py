"""Routes of the frame-backed families: seed 000 (agent performance), 001 (report) and
002 (supervision), at the API contract's paths (``ccbench.api``, docs/backend.md).

Each handler checks the account (403 before any data is read), reads the
query string with the contract's rules (400 naming the parameter), takes now
from the test clock, and answers from the account's frame (backend/_frame.py)
in the thread pool. A report asked for one of its tables (``csv``) is that
table as ``text/csv``, encoded by the contract's :func:`ccbench.api.report_csv`
(docs/backend.md). The app (backend/_app.py) passes its own account check,
store and clock in, so this module does not import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ccbench.api import AGENT_PERFORMANCE, REPORT, SUPERVISION, parse_query, report_csv

from ._frame import Frame, frame_of
from ._performance_dashboard import agent_performance
from ._performance_report import performance_report
from ._store import Store
from ._supervision_page import supervision_page

__all__ = ["family_routes"]


class Answer(Protocol):
    def __call__(
        self, frame: Frame, *, items: list[tuple[str, str]], now_ms: int
    ) -> dict[str, Any]: ...


_ANSWERS: tuple[tuple[str, Answer], ...] = (
    (str(AGENT_PERFORMANCE.path), agent_performance),
    (str(REPORT.path), performance_report),
    (str(SUPERVISION.path), supervision_page),
)


def _csv_table(answer: Answer, items: list[tuple[str, str]]) -> str | None:
    """The report table a valid query asks for as CSV (None: the JSON answer). The answer
    has read ``items`` already, so without a ``csv`` item there is nothing to parse."""
    if answer is not performance_report or all(key != "csv" for key, _ in items):
        return None
    return parse_query(REPORT, items).text("csv")


def family_routes(
    *,
    store: Callable[[], Store],
    now_ms: Callable[[Request], int],
    check_account: Callable[[Request], str],
) -> list[Route]:
    """One GET route per frame-backed family."""

    def endpoint(answer: Answer) -> Callable[[Request], Any]:
        async def handle(request: Request) -> Response:
            account = check_account(request)
            items = request.query_params.multi_items()
            now = now_ms(request)

            def work() -> Response:
                frame = frame_of(store(), account=account)
                if frame is None:
                    raise HTTPException(404, f"no roster stored for account {account!r}")
                data = answer(frame, items=items, now_ms=now)
                table = _csv_table(answer, items)
                if table is not None:
                    return Response(report_csv(data, table), media_type="text/csv")
                return Response(orjson.dumps(data), media_type="application/json")

            return await run_in_threadpool(work)

        return handle

    return [Route(path, endpoint(answer), methods=["GET"]) for path, answer in _ANSWERS]
