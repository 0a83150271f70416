"""Fuzz: schemathesis against the served OpenAPI document finds no 5xx and no schema violation.

Bounded budget (50 examples per operation and phase, fixed seed); run by
``make fuzz`` and ``make test-slow``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.backend import ACCOUNT, TOKEN, backend, load, read_ndjson

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,"
CHECKS += "response_schema_conformance"


@pytest.mark.slow
def test_schemathesis_finds_nothing(tmp_path: Path, example_path: Path) -> None:
    """Positive and negative generated requests: every answer is documented and non-5xx."""
    roster, records = read_ndjson(example_path)
    config = tmp_path / "schemathesis.toml"
    # Requests must target the token's account to get past 403 to the real logic.
    config.write_text(f'[parameters]\n"path.account" = "{ACCOUNT}"\n')
    executable = Path(sys.executable).with_name("schemathesis")
    with backend() as client:
        load(client, roster, records)
        url = str(client.base_url).rstrip("/") + "/openapi.json"
        run = subprocess.run(
            [
                str(executable),
                "--config-file",
                str(config),
                "run",
                url,
                "-H",
                f"Authorization: Bearer {TOKEN}",
                "-n",
                "50",
                "--seed",
                "1",
                "--mode",
                "all",
                "-c",
                CHECKS,
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    assert run.returncode == 0, run.stdout[-4000:]
