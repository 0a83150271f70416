"""The records ingest route's OpenAPI operation: documented, and the server keeps to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import orjson
import pytest

from backend._openapi import openapi_document
from ccbench.eventlog import read_log
from ccbench.records import export_records
from tests.support.backend import ACCOUNT, auth, backend, read_ndjson

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
PATH = "/api/v1/accounts/{account}/records"
URL = PATH.format(account=ACCOUNT)
JSON = {**auth(), "Content-Type": "application/json"}
NDJSON = {**auth(), "Content-Type": "application/x-ndjson"}


def _openapi30_to_jsonschema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema's ``type: [t, "null"]``."""
    if isinstance(node, list):
        return [_openapi30_to_jsonschema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _openapi30_to_jsonschema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True and "type" in node:
        out["type"] = [node["type"], "null"]
    return out


def _check(status: int, body: Any) -> None:
    """``body`` conforms to the documented response of ``status`` (jsonschema_rs)."""
    doc = _openapi30_to_jsonschema(openapi_document())
    response = doc["paths"][PATH]["post"]["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    errors = list(jsonschema_rs.validator_for({**schema, "components": doc["components"]})
                  .iter_errors(body))  # fmt: skip
    assert not errors, (status, body, [str(e) for e in errors])


def test_records_route_is_in_the_checked_in_document() -> None:
    """docs/openapi.json has POST records with both media types and every status the
    route answers (200, 400, 404, 408, 413, 415, 401, 403, 429)."""
    op = json.loads(DOC.read_text())["paths"][PATH]["post"]
    assert op["operationId"] == "postRecords"
    assert set(op["requestBody"]["content"]) == {"application/json", "application/x-ndjson"}
    assert set(op["responses"]) == {"200", "400", "404", "408", "413", "415", "401", "403", "429"}


@pytest.fixture
def pages(tmp_path: Path, example_path: Path) -> list[bytes]:
    """The example log exported as conversations-search pages (3 records a page)."""
    out = tmp_path / "pages"
    export_records(read_log(example_path), out, page_size=3)
    return [p.read_bytes() for p in sorted(out.glob("*.json"))]


def _roster(client: httpx.Client, example_path: Path) -> None:
    roster, _ = read_ndjson(example_path)
    r = client.put(f"/api/v1/accounts/{ACCOUNT}/roster", content=orjson.dumps(roster),
                   headers=auth())  # fmt: skip
    assert r.status_code == 200, r.text


def test_answers_conform_to_the_document(pages: list[bytes], example_path: Path) -> None:
    """Each answer of the route matches its documented schema: 404 before a roster, 200
    for a page, a list of records and NDJSON (the re-sent ones all duplicates), 400 for
    a body that is not JSON or a page whose records are no list, 415 for text/plain."""
    with backend() as client:
        r = client.post(URL, content=pages[0], headers=JSON)
        assert r.status_code == 404
        _check(404, r.json())
        _roster(client, example_path)
        first = client.post(URL, content=pages[0], headers=JSON)
        assert first.status_code == 200, first.text
        _check(200, first.json())
        assert first.json()["accepted"] > 0 and first.json()["refused"] == 0
        records = orjson.loads(pages[0])["conversationHistoryRecords"]
        again = client.post(URL, content=orjson.dumps(records), headers=JSON)
        lines = b"\n".join(orjson.dumps(r) for r in records)
        ndjson = client.post(URL, content=lines, headers=NDJSON)
        for answer in (again, ndjson):
            assert answer.status_code == 200, answer.text
            _check(200, answer.json())
            assert answer.json()["accepted"] == 0
            assert answer.json()["duplicates"] == first.json()["accepted"]
        for body in (b"{not json", b'{"conversationHistoryRecords": 5}'):
            bad = client.post(URL, content=body, headers=JSON)
            assert bad.status_code == 400, bad.text
            _check(400, bad.json())
        plain = client.post(URL, content=pages[0], headers={**auth(), "Content-Type": "text/plain"})
        assert plain.status_code == 415
        _check(415, plain.json())


def test_a_refused_record_is_counted_in_a_200(example_path: Path) -> None:
    """A record without a conversation id is refused, counted and quoted, not a 400."""
    with backend() as client:
        _roster(client, example_path)
        r = client.post(URL, content=b'[{"info": {"startTimeL": 5}}]', headers=JSON)
    assert r.status_code == 200, r.text
    _check(200, r.json())
    answer = r.json()
    assert (answer["accepted"], answer["conversations"], answer["refused"]) == (0, 0, 1)
    assert answer["problems"] == len(answer["examples"]) == 1
    assert "info.conversationId" in answer["examples"][0]
