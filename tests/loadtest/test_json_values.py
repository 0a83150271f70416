"""Any body a backend sends decodes or is 'not JSON'; numbers compare without raising; any
value renders in a report."""

from __future__ import annotations

import orjson
import pytest

from loadtest._json_values import decode_body, is_number, reportable, visible, visible_json, within


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a": [1, 2.5, null, true]}', {"a": [1, 2.5, None, True]}),
        ("18446744073709551616", 2**64),  # past orjson's 64 bits: the standard parser
        ("1e400", float("inf")),  # valid JSON past a float
        ('"\\ud800"', "\ud800"),  # a lone surrogate escape is valid JSON text
    ],
)
def test_valid_json_of_any_size_decodes(text: str, value: object) -> None:
    """Numbers beyond orjson's range and lone surrogate escapes still decode."""
    assert decode_body(text) == (True, value)


def test_integers_beyond_pythons_parser_stay_text() -> None:
    """A 5000-digit integer is over Python's 4300-digit limit: kept as its digits."""
    ok, value = decode_body("7" * 5000)
    assert ok and value == "7" * 5000


@pytest.mark.parametrize(
    "text", ["{half", "NaN", '{"a": Infinity}', "[" * 5000 + "]" * 5000, "", "\x00"]
)
def test_what_json_has_not_or_parsers_cannot_hold_is_not_json(text: str) -> None:
    """Truncated text, NaN/Infinity and nesting past the recursion limit: (False, None)."""
    assert decode_body(text) == (False, None)


def test_visible_escapes_exactly_what_xml_utf8_or_a_terminal_cannot_show() -> None:
    """C0 (but tab, LF, CR), DEL, C1, lone surrogates, U+FFFE/U+FFFF become escapes; other
    text, accents and emoji included, stays."""
    assert visible("a\x00b\x1b[2J\x7f\x9b\ud800\ufffe\tc\nd\re") == (
        "a\\x00b\\x1b[2J\\x7f\\x9b\\ud800\\ufffe\tc\nd\re"
    )
    assert visible("Crédit à 5 € 🎧") == "Crédit à 5 € 🎧"


def test_reportable_bounds_every_value() -> None:
    """Beyond 64 bits -> text, non-finite -> text, 1000 characters, 50 items and 16 levels
    at most, each cut said; what remains is writable by orjson."""
    nested: object = 0
    for _ in range(40):
        nested = [nested]
    value = {
        "big": 2**64,
        "inf": float("-inf"),
        "long": "x" * 1500,
        "many": list(range(60)),
        "deep": nested,
        "key\x00": "\ud800",
    }
    shown = reportable(value)
    assert shown["big"] == str(2**64) and shown["inf"] == "-inf"
    assert shown["long"] == "x" * 1000 + "... (500 more characters)"
    assert shown["many"] == [*range(50), "... 10 more items"]
    inner = shown["deep"]  # the top object is level 1, "deep" level 2
    for _ in range(14):  # down to level 16, the last one shown
        inner = inner[0]
    assert inner == ["<list nested deeper than 16 levels>"]
    assert shown["key\\x00"] == "\\ud800"
    orjson.dumps(shown)  # raises on anything orjson cannot write


def test_visible_json_cleans_keys_and_values_only() -> None:
    """Every string, key or value, is made visible; numbers and structure are kept."""
    assert visible_json({"k\x01": ["v\x02", 3, None, {"\ud800": 1.5}]}) == {
        "k\\x01": ["v\\x02", 3, None, {"\\ud800": 1.5}]
    }


def test_within_compares_any_two_numbers_without_raising() -> None:
    """|2428 - 2429| = 1: inside a tolerance of 1, outside 0.5; NaN equals nothing; an
    integer of 400 digits against a float overflows the subtraction: not within, no raise;
    a boolean is not a number."""
    assert within(2428, 2429, 1.0) and not within(2428, 2429, 0.5)
    assert within(1, 1.0, 0.0)
    assert not within(float("nan"), float("nan"), 1.0)
    assert not within(10**400, 1.5, 1e300)
    assert not within(float("inf"), float("inf"), 0.0)  # inf - inf is NaN
    assert is_number(3) and is_number(-0.0) and not is_number(True) and not is_number("3")
