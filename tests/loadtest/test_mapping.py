"""Target mapping files: the shipped reference mapping, env expansion and validation."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ccbench import InputError
from loadtest import REDACTED, REFERENCE_MAPPING, TargetMapping, load_mapping


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "target.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_reference_mapping_names_the_backend_paths() -> None:
    """The shipped default maps roster, ingest and msgagentsegments to the backend's routes."""
    m = load_mapping(env={})
    assert REFERENCE_MAPPING.exists()
    assert m.endpoint("msgagentsegments").url_path(account="acme") == (
        "/operations/api/account/acme/msgagentsegments"
    )
    assert m.endpoint("ingest").method == "POST"
    assert m.endpoint("ingest").content_type == "application/x-ndjson"
    assert m.endpoint("roster").method == "PUT"
    assert m.clock_header == "X-Clock-Now"
    # ${CCBENCH_TOKEN:-ccbench-token} falls back to its default when the variable is unset
    assert m.headers["Authorization"] == "Bearer ccbench-token"


def test_header_variables_expand_from_the_environment() -> None:
    """A set variable wins over the default; base_url can be overridden."""
    m = load_mapping(env={"CCBENCH_TOKEN": "s3cret"}, base_url="http://127.0.0.1:9/")
    assert m.headers["Authorization"] == "Bearer s3cret"
    assert m.base_url == "http://127.0.0.1:9"


def test_missing_variable_without_default_names_header_and_variable(tmp_path: Path) -> None:
    """An unset ${VAR} with no default is an InputError naming both."""
    path = _write(
        tmp_path,
        'base_url = "http://127.0.0.1:1"\n[headers]\nX-Key = "${API_KEY}"\n'
        '[endpoints.q]\npath = "/q"\n',
    )
    with pytest.raises(InputError, match=r"'X-Key'.*'API_KEY'"):
        load_mapping(path, env={})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('base_url = "ftp://x"\n[endpoints.q]\npath = "/q"\n', "base_url"),
        ('base_url = "http://127.0.0.1:1"\n', "endpoints"),
        ('base_url = "http://127.0.0.1:1"\n[endpoints.q]\npath = "q"\n', r"endpoints\.q\.path"),
        (
            'base_url = "http://127.0.0.1:1"\n[endpoints.q]\npath = "/q"\nmethod = "DELETE"\n',
            r"endpoints\.q\.method",
        ),
        ('base_url = "http://127.0.0.1:1"\n[endpoints.q]\npath = "/q"\nverb = "GET"\n', "verb"),
        (
            'base_url = "http://127.0.0.1:1"\n[timeouts]\nnetwork_s = 0\n[endpoints.q]\n'
            'path = "/q"\n',
            "network_s",
        ),
    ],
)
def test_invalid_mappings_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    """Each invalid file raises InputError naming the offending key."""
    with pytest.raises(InputError, match=message):
        load_mapping(_write(tmp_path, text), env={})


def test_unknown_endpoint_lists_the_mapped_ones() -> None:
    """Asking for an unmapped endpoint says which ones exist."""
    with pytest.raises(
        InputError,
        match="agent_performance, dashboard, ingest, msgagentsegments, report, roster, supervision",
    ):
        load_mapping(env={}).endpoint("skills")


def test_dict_round_trip() -> None:
    """to_dict(redact=False)/from_dict preserves the mapping; the default form (written to
    the run spec) shows every header value redacted."""
    m = load_mapping(env={"CCBENCH_TOKEN": "s3cret"})
    assert TargetMapping.from_dict(m.to_dict(redact=False)) == m
    assert m.to_dict()["headers"] == {"Authorization": REDACTED}
    assert "s3cret" not in str(m.to_dict())


def test_run_refuses_a_mapping_it_cannot_use(tmp_path: Path) -> None:
    """No ingest endpoint (when ingesting) or no clock header in deterministic mode is an
    InputError before any traffic."""
    from loadtest import LoadTestConfig, run_loadtest

    example = Path(__file__).resolve().parents[2] / "examples" / "example.ndjson"
    no_ingest = _write(
        tmp_path, 'base_url = "http://127.0.0.1:9"\n[endpoints.msgagentsegments]\npath = "/q"\n'
    )
    with pytest.raises(InputError, match="'ingest' is not mapped"):
        run_loadtest(log=example, out_dir=tmp_path / "a", mapping=no_ingest)
    no_clock = tmp_path / "noclock.toml"
    no_clock.write_text(
        'base_url = "http://127.0.0.1:9"\nclock_header = ""\n'
        '[endpoints.msgagentsegments]\npath = "/q"\n'
    )
    with pytest.raises(InputError, match="clock_header"):
        run_loadtest(
            log=example,
            out_dir=tmp_path / "b",
            mapping=no_clock,
            ingest=False,
            config=LoadTestConfig(),
        )


def test_a_mix_asking_for_an_unmapped_family_refuses_to_start(tmp_path: Path) -> None:
    """A family share above 0 with the family's endpoint unmapped is an InputError naming the
    share's key and the endpoint; the reference mapping maps all five families."""
    from loadtest import LoadTestConfig
    from loadtest._run import _check_mapping

    reference = load_mapping(env={})
    endpoints = dict(reference.endpoints)
    del endpoints["report"]
    mapping = dataclasses.replace(reference, endpoints=endpoints)
    cfg = LoadTestConfig(report_share=0.1)
    with pytest.raises(InputError, match=r"endpoint 'report' is not mapped.*loadtest.report_share"):
        _check_mapping(mapping, cfg, ingest=True)
    _check_mapping(reference, LoadTestConfig(report_share=0.1), ingest=True)
    live = LoadTestConfig(mode="live", supervision_share=0.1)
    with pytest.raises(InputError, match=r"loadtest\.supervision_share: expected 0 in live mode"):
        _check_mapping(reference, live, ingest=True)


def test_base_url_with_credentials_is_refused() -> None:
    """A password in the URL would be shown in reports and on Locust's command line: the
    error says to put it in [headers], and does not repeat it."""
    with pytest.raises(InputError, match=r"without credentials.*\[headers\]") as info:
        load_mapping(env={}, base_url="http://user:hunter2@127.0.0.1:8000")
    assert "hunter2" not in str(info.value)
