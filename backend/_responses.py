"""JSON responses and the error shape every endpoint uses: ``{"error": {"message": ...}}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

__all__ = ["error_response", "json_response"]


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """``body`` as an ``application/json`` response (orjson)."""
    return Response(
        orjson.dumps(body), status_code=status, headers=headers, media_type="application/json"
    )


def error_response(
    status: int, message: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> Response:
    """An error answer: ``{"error": {"message": message, **extra}}``; a 401 says
    ``WWW-Authenticate: Bearer``."""
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return json_response({"error": {"message": message, **extra}}, status, headers)
