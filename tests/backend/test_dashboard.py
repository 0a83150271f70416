"""The backend dashboard endpoint: 400s for invalid parameters, auth, no roster, exact load."""

from __future__ import annotations

import math
from collections.abc import Iterator

import httpx
import pytest

from backend import DashboardQuery, parse_dashboard_query
from ccbench import ParameterError
from tests.oracle.test_dashboard_load import T0, _six_inactive_log
from tests.support.backend import ACCOUNT, TOKEN, auth, backend, load

DASHBOARD = f"/api/v1/accounts/{ACCOUNT}/dashboard"
NOW = T0 + 60_000


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    log = _six_inactive_log()
    roster = {**log.roster.to_dict(), "account": ACCOUNT}
    records = [{**r, "account": ACCOUNT} for r in log.records()]
    with backend(tokens={TOKEN: ACCOUNT, "other": "someone-else"}) as c:
        load(c, roster, records)
        yield c


def _get(client: httpx.Client, query: list[tuple[str, str]], now: int = NOW) -> httpx.Response:
    return client.get(DASHBOARD, params=query, headers={**auth(), "X-Clock-Now": str(now)})


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ([("nope", "1")], "nope"),
        ([("last_hours", "25")], "last_hours"),
        ([("last_hours", "0")], "last_hours"),
        ([("last_hours", "-1")], "last_hours"),
        ([("last_hours", "1.5")], "last_hours"),
        ([("last_hours", "2"), ("from_hour", "3")], "last_hours"),
        ([("last_hours", "2"), ("last_hours", "3")], "last_hours"),
        ([("from_hour", "24")], "from_hour"),
        ([("opened_within_ms", "0")], "opened_within_ms"),
        ([("sl_threshold_ms", "x")], "sl_threshold_ms"),
        ([("inactivity_timeout_ms", "0")], "inactivity_timeout_ms"),
        ([("abandon_rate", "x")], "abandon_rate"),
        ([("load", "heavy")], "load"),
        ([("agent_sort", "nope")], "agent_sort"),
        ([("agent_order", "up")], "agent_order"),
        ([("agent_page", "0")], "agent_page"),
        ([("agent_page_size", "31")], "agent_page_size"),
        ([("skill_sort", "agent_id")], "skill_sort"),
        ([("skill_order", "")], "skill_order"),
        ([("skill_page", "99999999999999999999")], "skill_page"),
        ([("skill_page_size", "101")], "skill_page_size"),
        ([("skill_ids", "")], "skill_ids"),
        ([("skill_ids", "1,x")], "skill_ids"),
        ([("group_ids", "-2")], "group_ids"),
        ([("threshold", "current.nope:1")], "threshold"),
        ([("threshold", "current.open")], "threshold"),
        ([("threshold", "current.open:many")], "threshold"),
        ([("threshold", "current.open:nan")], "threshold"),
        ([("threshold", "current.open:1e999")], "threshold"),
        ([("threshold", "current.open:1"), ("threshold", "current.open:2")], "threshold"),
    ],
)
def test_invalid_parameters_give_400(
    client: httpx.Client, query: list[tuple[str, str]], parameter: str
) -> None:
    """Every invalid parameter is a 400 whose JSON error names it."""
    r = _get(client, query)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["parameter"] == parameter
    assert error["message"]


def test_from_hour_after_now_gives_400(client: httpx.Client) -> None:
    """Today from 23:00 (roster time zone UTC) at 22:14:20 starts after now: 400 naming
    from_hour; from 22:00 is fine."""
    r = _get(client, [("from_hour", "23")])
    assert r.status_code == 400 and r.json()["error"]["parameter"] == "from_hour"
    body = _get(client, [("from_hour", "22")]).json()
    assert body["window"] == {"start": T0 - 800_000, "end": NOW}  # 22:00:00 = T0 - 13 min 20 s


def test_bad_clock_header_gives_400(client: httpx.Client) -> None:
    """A non-numeric X-Clock-Now on a test-clock server is a 400 naming the header."""
    r = client.get(DASHBOARD, headers={**auth(), "X-Clock-Now": "soon"})
    assert r.status_code == 400 and r.json()["error"]["parameter"] == "X-Clock-Now"


def test_auth_rules(client: httpx.Client) -> None:
    """No token: 401; another account's token: 403 (and no data)."""
    assert client.get(DASHBOARD).status_code == 401
    r = client.get(DASHBOARD, headers=auth("other"))
    assert r.status_code == 403 and "current" not in r.text


def test_no_roster_gives_404() -> None:
    """Without a stored roster (time zone, slots, weights) there is no dashboard: 404."""
    with backend() as c:
        r = c.get(DASHBOARD, headers={**auth(), "X-Clock-Now": str(NOW)})
    assert r.status_code == 404 and "roster" in r.json()["error"]["message"]


def test_load_is_the_exact_weight_sum(client: httpx.Client) -> None:
    """Six inactive conversations (0.1 each) on 6 slots: LOAD = 100 * fsum / 6 exactly."""
    body = _get(client, []).json()
    expected = 100.0 * math.fsum([0.1] * 6) / 6
    assert body["current"]["load"] == expected
    assert body["current"]["assigned"] == 6 and body["current"]["active"] == 0
    assert body["agents"]["rows"][0]["load"] == expected


def test_thresholds_in_kpi_order(client: httpx.Client) -> None:
    """Alerts come in KPI order whatever the query order; a null KPI never alerts."""
    body = _get(
        client,
        [("threshold", "closed.closed:0"), ("threshold", "current.open:6"),
         ("threshold", "current.ttfr:0")],
    ).json()  # fmt: skip
    # 6 open conversations reach 6; 0 closes reach 0; ttfr is null (no message at all).
    assert body["alerts"] == [
        {"kpi": "current.open", "value": 6, "threshold": 6.0},
        {"kpi": "closed.closed", "value": 0, "threshold": 0.0},
    ]


def test_parse_defaults() -> None:
    """No parameters give the documented defaults (docs/metrics.md 3.1)."""
    assert parse_dashboard_query([]) == DashboardQuery()
    q = parse_dashboard_query([("skill_ids", " 3,1,3 "), ("threshold", "chat.aht:-2.5e3")])
    assert q.skill_ids == (1, 3) and q.threshold == (("chat.aht", -2500.0),)


def test_parse_error_is_parameter_error() -> None:
    """The parser raises ccbench's ParameterError (the app's 400 handler relies on it)."""
    with pytest.raises(ParameterError) as err:
        parse_dashboard_query([("agent_page_size", "0")])
    assert err.value.parameter == "agent_page_size"


def test_now_beyond_the_calendar_with_from_hour_gives_400(client: httpx.Client) -> None:
    """A test-clock now past year 9999 cannot have a local date: 400, not a crash."""
    r = _get(client, [("from_hour", "1")], now=999_999_999_999_999)  # year ~33658
    assert r.status_code == 400 and r.json()["error"]["parameter"] == "X-Clock-Now"
