"""The served OpenAPI document is the checked-in docs/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.backend import auth, backend

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_served_document_matches_checked_in_file() -> None:
    """GET /openapi.json equals docs/openapi.json (regenerate: python -m backend.openapi)."""
    with backend() as client:
        served = client.get("/openapi.json", headers=auth()).json()
    assert served == json.loads(DOC.read_text())


def test_document_covers_every_route() -> None:
    """Every API route of the app appears in the document with its methods."""
    doc = json.loads(DOC.read_text())
    assert {p: sorted(m) for p, m in doc["paths"].items()} == {
        "/healthz": ["get"],
        "/readyz": ["get"],
        "/api/v1/accounts/{account}/roster": ["get", "put"],
        "/api/v1/accounts/{account}/events": ["post"],
        "/operations/api/account/{account}/msgagentsegments": ["get"],
        "/api/v1/accounts/{account}/dashboard": ["get"],
    }
