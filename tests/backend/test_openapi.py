"""The served OpenAPI document is docs/openapi.json, derived from the API contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ccbench.api import CLOCK_HEADER, CLOCK_MAX_DIGITS, FAMILIES, MSGAGENTSEGMENTS, Family
from tests.support.backend import auth, backend

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
ROUTES = {
    "/healthz": ["get"],
    "/readyz": ["get"],
    "/openapi.json": ["get"],
    "/api/v1/accounts/{account}/roster": ["get", "put"],
    "/api/v1/accounts/{account}/events": ["post"],
    "/api/v1/accounts/{account}/records": ["post"],
    "/operations/api/account/{account}/msgagentsegments": ["get"],
    "/api/v1/accounts/{account}/dashboard": ["get"],
    "/api/v1/accounts/{account}/agent-performance": ["get"],
    "/api/v1/accounts/{account}/report": ["get"],
    "/api/v1/accounts/{account}/supervision": ["get"],
}


def _doc() -> dict[str, object]:
    return json.loads(DOC.read_text())  # type: ignore[no-any-return]


def test_served_document_matches_checked_in_file() -> None:
    """GET /openapi.json equals docs/openapi.json (regenerate: python -m backend.openapi)."""
    with backend() as client:
        served = client.get("/openapi.json", headers=auth()).json()
    assert served == _doc()


def test_document_is_readable_without_a_token() -> None:
    """/openapi.json holds no account data: it answers 200 without Authorization."""
    with backend() as client:
        r = client.get("/openapi.json")
    assert r.status_code == 200 and r.json() == _doc()


def test_document_covers_every_route() -> None:
    """Every API route of the app appears in the document with its methods."""
    doc = _doc()
    assert {p: sorted(m) for p, m in doc["paths"].items()} == ROUTES  # type: ignore[attr-defined]


def test_every_operation_has_a_unique_operation_id() -> None:
    """Each operation carries an operationId, and no two share one."""
    ids = [op["operationId"] for ops in _doc()["paths"].values() for op in ops.values()]  # type: ignore[attr-defined]
    assert len(ids) == sum(len(m) for m in ROUTES.values()) == len(set(ids))


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_query_parameters_are_the_contracts(family: Family) -> None:
    """The operation lists the contract's parameters in declared order, required as
    declared, each description stating the rules that name it; the operation id is the
    contract's and the X-Clock-Now header pattern has CLOCK_MAX_DIGITS digits."""
    op = _doc()["paths"][family.path]["get"]  # type: ignore[index]
    params = op["parameters"]
    query = [p for p in params if p["in"] == "query"]
    assert [p["name"] for p in query] == list(family.names)
    assert [p["required"] for p in query] == [p.required for p in family.parameters]
    for p in query:
        for rule in family.rules_of(p["name"]):
            if rule.kind != "clock":
                assert rule.text in p["description"], (p["name"], rule.text)
    assert op["operationId"] == family.operation_id
    assert "A 400 names one parameter" in op["description"]
    (clock,) = [p for p in params if p["in"] == "header"]
    assert clock["name"] == CLOCK_HEADER
    assert clock["schema"]["pattern"] == f"^[0-9]{{1,{CLOCK_MAX_DIGITS}}}$"


def test_patterns_accept_what_the_contract_accepts() -> None:
    """The metrics pattern accepts `all` inside a list (drift: it used to reject it)."""
    op = _doc()["paths"][MSGAGENTSEGMENTS.path]["get"]  # type: ignore[index]
    (metrics,) = [p for p in op["parameters"] if p["name"] == "metrics"]
    pattern = re.compile(metrics["schema"]["pattern"])
    assert pattern.match("all,avgAgentSegmentDuration") and pattern.match("all")
    assert not pattern.match("foo,all")


def test_every_405_carries_an_allow_header() -> None:
    """A method a path does not serve gives 405 and Allow lists the path's methods."""
    with backend() as client:
        for path, methods in ROUTES.items():
            url = path.format(account="acme")
            r = client.request("DELETE", url, headers=auth())
            assert r.status_code == 405, (path, r.text)
            allowed = {m.strip().lower() for m in r.headers["Allow"].split(",")}
            assert set(methods) <= allowed, (path, r.headers["Allow"])
            assert allowed <= {*methods, "head"}
