"""Scenario loading: TOML parsing, validation messages, extends, round trip."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from ccbench import InputError
from sim import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))


def _smoke() -> dict[str, Any]:
    return tomllib.loads((ROOT / "scenarios" / "smoke.toml").read_text())


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenarios_load(path: Path) -> None:
    """Every shipped scenario parses and passes the cross-checks."""
    scenario = load_scenario(path)
    assert scenario.scenario.name == path.stem


def test_load_by_name() -> None:
    """A bare name resolves to scenarios/<name>.toml."""
    assert load_scenario("smoke").scenario.name == "smoke"


def test_round_trip() -> None:
    """to_dict gives a document that parses back to an equal scenario."""
    scenario = load_scenario(ROOT / "scenarios" / "smoke.toml")
    assert Scenario.from_dict(scenario.to_dict()) == scenario


def _mutated(path: list[Any], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_smoke())
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (["scenario", "colour"], "red", r"\.scenario\.colour: unknown key \(value 'red' \(str\)\)"),
        (
            ["pools", 0, "count"],
            "six",
            r"\.pools\[0\]\.count: expected an integer in 1\.\.10000, got 'six'",
        ),
        (["pools", 0, "count"], 2.5, r"\.pools\[0\]\.count: expected an integer in 1\.\.10000"),
        # 2**63 - 1 agents: refused by the bound, not left to hang in set(range(count))
        (["pools", 0, "count"], 2**63 - 1, r"count: expected an integer in 1\.\.10000, got 9223"),
        (["pools", 0, "count"], 0, r"count: expected an integer in 1\.\.10000, got 0"),
        (["scenario", "hours"], 8784.5, r"\.scenario\.hours: expected a number of hours in"),
        (["streams", 0, "languages"], {}, r"languages: expected at least one language tag"),
        (["streams", 0, "languages"], {"en": 0.0}, r"languages: expected weights with a positive"),
        (
            ["streams", 0, "rate_per_hour"],
            -1.0,
            r"\.streams\[0\]\.rate_per_hour: expected a number >= 0, got -1\.0",
        ),
        (
            ["behaviour", "takeover"],
            1.5,
            r"\.behaviour\.takeover: expected a probability in \[0, 1\], got 1\.5",
        ),
        (["outcomes", "survey"], True, r"\.outcomes\.survey: expected a probability .* got True"),
        (["streams", 0, "channel"], "fax", r"\.streams\[0\]\.channel: expected one of messaging"),
        (
            ["modes", "chat", "patience", "kind"],
            "weibull",
            r"\.modes\.chat\.patience\.kind: expected one of exponential",
        ),
        (["pools", 0, "skills"], [10, 77], r"\.pools\[0\]\.skills: expected skill ids .* got 77"),
        (["streams", 2, "site"], "nice", r"\.streams\[2\]\.site: expected a site id .* 'nice'"),
        (
            ["pools", 0, "shift_starts_h"],
            [25.0],
            r"\.pools\[0\]\.shift_starts_h\[0\]: expected an hour of the day in \[0, 24\)",
        ),
        (
            ["streams", 0, "direction"],
            "sideways",
            r"\.streams\[0\]\.direction: expected one of inbound, outbound, got 'sideways'",
        ),
        (
            ["streams", 0, "sla_policy"],
            "gold",
            r"\.streams\[0\]\.sla_policy: expected an id from \[\[sla_policies\]\], got 'gold'",
        ),
        (
            ["business_hours"],
            [{"days": ["mon"], "start": "09:00", "end": "12:00"},
             {"days": ["mon"], "start": "11:00", "end": "18:00"}],
            r"scenario \.business_hours\[1\]: expected windows that do not overlap on mon",
        ),
        (
            ["business_hours"],
            [{"days": ["mon"], "start": "9h", "end": "12:00"}],
            r"scenario \.business_hours\[0\]\.start: expected a time HH:MM",
        ),
        (
            ["business_hours"],
            [],
            r"scenario \.sla_policies\[1\]\.clock: expected calendar while",
        ),
        (
            ["sla_policies", 0],
            {"id": "empty"},
            r"\.sla_policies\[0\]: expected at least one of first_response_s, next_response_s, "
            r"resolution_s, got 'none'",
        ),
        (
            ["outcomes", "currencies"],
            {"eur": 1.0},
            r"\.outcomes\.currencies: expected ISO 4217 codes such as EUR, got 'eur'",
        ),
    ],
)  # fmt: skip
def test_invalid_values_are_named(path: list[Any], value: Any, expected: str) -> None:
    """A bad key or value raises InputError naming the path, the value and the expectation."""
    with pytest.raises(InputError, match=expected):
        Scenario.from_dict(_mutated(path, value))


def test_skill_nobody_can_serve() -> None:
    """A stream routed to a skill no pool serves at its site is rejected, naming the skill."""
    doc = _smoke()
    doc["streams"][2]["skill"] = 90  # the bot skill: no human pool has it
    with pytest.raises(
        InputError,
        match=r"\.streams\[2\]\.skill: skill 90 at site 'lyon' "
        "has no agent pool that can serve it",
    ):
        Scenario.from_dict(doc)


def test_missing_required_key() -> None:
    """A required key that is absent is named."""
    doc = _smoke()
    del doc["pools"][1]["sites"]
    with pytest.raises(InputError, match=r"\.pools\[1\]\.sites: required key is missing"):
        Scenario.from_dict(doc)


def test_segment_endings_must_not_exceed_one() -> None:
    """The segment-ending probabilities are exclusive, so their sum must stay <= 1."""
    doc = _smoke()
    doc["behaviour"]["transfer_skill"] = 0.9
    with pytest.raises(InputError, match=r"\.behaviour: expected segment-ending"):
        Scenario.from_dict(doc)


def test_extends_merges_and_appends_surges(tmp_path: Path) -> None:
    """extends loads the base, overlays tables key by key and appends surges."""
    (tmp_path / "base.toml").write_text((ROOT / "scenarios" / "smoke.toml").read_text())
    (tmp_path / "child.toml").write_text(
        'extends = "base.toml"\n[scenario]\nname = "child"\n'
        "[[surges]]\nstart_h = 0.5\nhours = 0.25\nmultiplier = 3.0\n"
    )
    child = load_scenario(tmp_path / "child.toml")
    assert child.scenario.name == "child"
    assert child.scenario.account == "smoke"  # inherited from the base
    assert [(s.start_h, s.multiplier) for s in child.surges] == [(0.5, 3.0)]


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    """Unreadable input is an InputError naming the file."""
    bad = tmp_path / "bad.toml"
    bad.write_text("[scenario\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_scenario(bad)
    with pytest.raises(InputError, match="no such file"):
        load_scenario(tmp_path / "absent.toml")


def _documented_keys() -> list[str]:
    """Every key a scenario can hold, as docs/scenarios.md spells it: distribution keys
    once as ``<dist>.<key>``, chat and call keys once as ``modes.<chat|call>.<key>``."""
    import dataclasses
    import typing

    from sim._scenario import DistSpec, ModesSpec
    from sim._spec import section_fields

    keys: list[str] = [f"<dist>.{f.name}" for f in dataclasses.fields(DistSpec)]

    def walk(cls: type, prefix: str) -> None:
        for f, tp in section_fields(cls):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            item = args[0] if typing.get_origin(tp) is list else tp
            name = f"{prefix}{f.name}"
            if cls is ModesSpec and f.name in ("chat", "call"):
                if f.name == "chat":
                    walk(item, f"{prefix}<chat|call>.")
                continue
            if item is DistSpec or not dataclasses.is_dataclass(item):
                keys.append(name)
            else:
                walk(item, name + ("[]." if item is not tp else "."))

    walk(Scenario, "")
    return keys


def test_docs_cover_every_key() -> None:
    """docs/scenarios.md has a table row for every scenario key (and no stale rows)."""
    import re

    text = (ROOT / "docs" / "scenarios.md").read_text()
    keys_section = text[text.index("## Keys") :]
    rows = set(re.findall(r"^\| `([^`]+)` \|", keys_section, flags=re.MULTILINE))
    keys = set(_documented_keys())
    assert keys - rows == set()
    assert rows - keys == set()


def test_expected_conversations_are_bounded() -> None:
    """Rates promising more than 2,000,000 conversations in one run are refused up front.

    Smoke's four streams (70 + 50 + 30 + 20 = 170 per hour, flat) over 24 h: at x400 they
    promise 170 x 400 x 24 = 1,632,000 conversations (accepted), at x1000 4,080,000.
    """
    for factor, refused in ((400, False), (1000, True)):
        doc = _smoke()
        assert sum(st["rate_per_hour"] for st in doc["streams"]) == 170.0
        for stream in doc["streams"]:
            stream["rate_per_hour"] *= factor
        doc["scenario"]["hours"] = 24.0
        if refused:
            with pytest.raises(InputError, match=r"bring about 4,080,000 conversations over 24 h"):
                Scenario.from_dict(doc)
        else:
            Scenario.from_dict(doc)


def test_surges_count_towards_the_bound() -> None:
    """A surge multiplier off by orders of magnitude is refused like a rate."""
    doc = _smoke()
    doc["surges"] = [{"start_h": 0.0, "hours": 1.0, "multiplier": 1e9}]
    with pytest.raises(InputError, match="conversations over 2 h; expected at most 2,000,000"):
        Scenario.from_dict(doc)


def test_with_hours_checks_the_bounds() -> None:
    """with_hours refuses a horizon over 366 days (and NaN), naming .scenario.hours."""
    scenario = load_scenario("smoke")
    assert scenario.with_hours(48.0).scenario.hours == 48.0
    for hours in (8784.001, float("nan"), float("inf"), 0.0):
        with pytest.raises(InputError, match=r"\.scenario\.hours: expected a number of hours"):
            scenario.with_hours(hours)
