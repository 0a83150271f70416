"""Routes of the frame-backed families: seed 000 (agent performance), 001 (report) and
002 (supervision), at the API contract's paths (``ccbench.api``, docs/backend.md).

Each handler checks the account (403 before any data is read), reads the
query string with the contract's rules (400 naming the parameter), takes now
from the test clock, and answers from the account's frame (backend/_frame.py)
in a worker thread once the account has a query slot (backend/_query_slots.py).
A report asked for one of its tables (``csv``) is that table as ``text/csv``,
encoded by the contract's :func:`ccbench.api.report_csv` (docs/backend.md). The
app (backend/_app.py) passes its own account check, store, clock and query slots
in, so this module does not import it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ccbench.api import AGENT_PERFORMANCE, REPORT, SUPERVISION, parse_query, report_csv

from ._frame import Frame, frame_of, frame_ready
from ._performance_dashboard import agent_performance
from ._performance_report import performance_report
from ._store import Store
from ._supervision_page import supervision_page

__all__ = ["family_routes"]


class Answer(Protocol):
    def __call__(
        self, frame: Frame, *, items: list[tuple[str, str]], now_ms: int
    ) -> dict[str, Any]: ...


class Compute(Protocol):
    """How the app runs a query's work: in its turn at the query slots, with the data
    the query derives from the store made ready first (backend/_app.py)."""

    async def __call__(
        self,
        account: str,
        work: Callable[[], Response],
        *,
        ready: Callable[[], bool],
        prepare: Callable[[], object],
    ) -> Response: ...


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
    compute: Compute,
) -> list[Route]:
    """One GET route per frame-backed family; ``compute`` runs an answer's work off the
    event loop in one of the account's turns at the app's query slots."""

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

            return await compute(
                account,
                work,
                ready=lambda: frame_ready(store(), account=account),
                prepare=lambda: frame_of(store(), account=account),
            )

        return handle

    return [Route(path, endpoint(answer), methods=["GET"]) for path, answer in _ANSWERS]
