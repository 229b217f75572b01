"""Azure Cost Management source: recorded responses served to the real SDK client."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from azure.core.credentials import AccessToken

from lz.reports.cost.azure import cost_management_client, read_azure_costs
from lz.reports.cost.report import MISTAGGED_LABEL, UNTAGGED_LABEL, build_cost_report

D = Decimal
SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
SCOPE = f"/subscriptions/{SUBSCRIPTION}"
QUERY_URL = re.compile(
    r"https://management\.azure\.com/subscriptions/[^/]+/providers/Microsoft\.CostManagement/query\?"
)
TOTAL = D("2081.8012345679")
FIXTURES = Path(__file__).parent / "fixtures" / "azure"


class StaticToken:
    """A TokenCredential handing out a fixed bearer token (no Azure AD involved)."""

    def __init__(self) -> None:
        self.requests = 0

    def get_token(self, *scopes: str, **_kwargs: Any) -> AccessToken:
        self.requests += 1
        return AccessToken("test-token", int(time.time()) + 3600)


class FakeCostManagement:
    """Serves fixture bodies by request; ``faults`` lists (status, headers, body file) to send first."""

    def __init__(self, fixture_json: Any, faults: list[tuple[int, dict[str, str], str]] | None = None) -> None:
        self.fixture_json = fixture_json
        self.faults = list(faults or [])
        self.bodies: list[dict[str, Any]] = []
        self.urls: list[str] = []
        self.auth: list[str] = []

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.urls.append(request.url)
        self.auth.append(request.headers.get("Authorization", ""))
        body = json.loads(request.body)
        self.bodies.append(body)
        if self.faults:
            status, headers, name = self.faults.pop(0)
            return status, headers, (FIXTURES / name).read_text(encoding="utf-8")
        query = parse_qs(urlsplit(request.url).query)
        grouping = body["dataset"]["grouping"]
        if grouping[0]["type"] == "TagKey":
            name = (
                "query_cost_centre_page2.json"
                if query.get("$skiptoken") == ["AQAAAA=="]
                else "query_cost_centre_page1.json"
            )
        else:
            name = "query_service.json"
        # Served byte for byte as recorded, so amounts reach the client exactly as written.
        return 200, {}, (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def serve(rsps: responses.RequestsMock, fake: FakeCostManagement) -> None:
    rsps.add_callback("POST", QUERY_URL, callback=fake, content_type="application/json")


def read(group_by: list[str], **kwargs: Any) -> Any:
    client = cost_management_client(StaticToken())
    return read_azure_costs(
        scopes=[SCOPE],
        start=date(2025, 1, 1),
        end=date(2025, 3, 1),
        group_by=group_by,
        client=client,
        **kwargs,
    )


def test_pages_are_followed_and_totals_are_exact(rsps: responses.RequestsMock, fixture_json: Any) -> None:
    fake = FakeCostManagement(fixture_json)
    serve(rsps, fake)
    result = read(["cost-centre", "service"])
    assert result.gaps == []
    assert len(fake.bodies) == 3  # two pages of the tag query, one of the service query
    assert "$skiptoken" not in fake.urls[0]
    assert parse_qs(urlsplit(fake.urls[1]).query)["$skiptoken"] == ["AQAAAA=="]  # from page 1's nextLink
    assert fake.bodies[0] == fake.bodies[1]  # the same query body is sent with the skiptoken
    assert all(header == "Bearer test-token" for header in fake.auth)
    report = build_cost_report(result.rows, group_by=["cost-centre", "service"])
    section = report.section("GBP")
    assert section.total == TOTAL
    assert sum((r.amount for r in result.rows if r.tags), D(0)) == TOTAL
    assert sum((r.amount for r in result.rows if not r.tags), D(0)) == TOTAL
    cost_centre = section.breakdown("cost-centre")
    assert cost_centre.line("CC-1001").by_month == {"2025-01": D("812.5012345678"), "2025-02": D("1012.25")}
    assert cost_centre.line(UNTAGGED_LABEL).total == D("101.2000000001")
    assert cost_centre.line(MISTAGGED_LABEL).total == D("58.85")
    assert {v.value for v in cost_centre.mistagged_values} == {"cc 1002 (old)", "CC#3"}
    assert section.breakdown("service").line("Virtual Machines").total == D("2031.8012345679")
    assert {r.account for r in result.rows} == {SUBSCRIPTION}


def test_the_query_body_is_what_the_rest_api_expects(rsps: responses.RequestsMock, fixture_json: Any) -> None:
    fake = FakeCostManagement(fixture_json)
    serve(rsps, fake)
    read(["cost-centre"], metric="unblended")
    body = fake.bodies[0]
    assert body["type"] == "ActualCost" and body["timeframe"] == "Custom"
    assert body["timePeriod"]["from"].startswith("2025-01-01T00:00:00")
    assert body["timePeriod"]["to"].startswith("2025-02-28T23:59:59")
    assert body["dataset"]["granularity"] == "Monthly"
    assert body["dataset"]["aggregation"] == {"totalCost": {"name": "PreTaxCost", "function": "Sum"}}
    assert body["dataset"]["grouping"] == [
        {"type": "TagKey", "name": "cost-centre"},
        {"type": "Dimension", "name": "SubscriptionId"},
    ]
    assert "api-version=2022-10-01" in fake.urls[0]


def test_429_with_retry_after_is_waited_out(rsps: responses.RequestsMock, fixture_json: Any) -> None:
    fake = FakeCostManagement(fixture_json, faults=[(429, {"Retry-After": "17"}, "error_429.json")])
    serve(rsps, fake)
    slept: list[float] = []
    result = read(["cost-centre"], sleep=slept.append)
    assert slept == [17.0] and result.gaps == []
    assert sum((r.amount for r in result.rows), D(0)) == TOTAL


def test_5xx_then_success_is_retried(rsps: responses.RequestsMock, fixture_json: Any) -> None:
    fake = FakeCostManagement(fixture_json, faults=[(503, {}, "error_500.json"), (500, {}, "error_500.json")])
    serve(rsps, fake)
    slept: list[float] = []
    result = read(["cost-centre"], sleep=slept.append)
    assert slept == [0.5, 1.0] and result.gaps == []


def test_5xx_exhausted_is_a_gap_for_that_scope_and_query(rsps: responses.RequestsMock, fixture_json: Any) -> None:
    fake = FakeCostManagement(fixture_json, faults=[(500, {}, "error_500.json")] * 5)
    serve(rsps, fake)
    slept: list[float] = []
    result = read(["cost-centre", "service"], sleep=slept.append)
    assert len(result.gaps) == 1
    assert f"/subscriptions/{SUBSCRIPTION} query grouped by tag cost-centre × account, page 1" in result.gaps[0]
    assert "HTTP 500" in result.gaps[0] and "after 5 attempts" in result.gaps[0]
    # The service query still ran; its spend stays in the report as "not available" for cost-centre.
    report = build_cost_report(result.rows, group_by=["cost-centre", "service"], gaps=result.gaps)
    assert report.section("GBP").total == TOTAL
    assert report.section("GBP").breakdown("cost-centre").lines[0].kind == "not-available"


def test_expired_token_mid_pagination_is_loud(rsps: responses.RequestsMock, fixture_json: Any) -> None:
    fake = FakeCostManagement(fixture_json)
    calls = {"n": 0}

    def callback(request: Any) -> tuple[int, dict[str, str], str]:
        calls["n"] += 1
        if calls["n"] == 2:
            return 401, {}, (FIXTURES / "error_401.json").read_text(encoding="utf-8")
        return fake(request)

    rsps.add_callback("POST", QUERY_URL, callback=callback, content_type="application/json")
    slept: list[float] = []
    result = read(["cost-centre", "service"], sleep=slept.append)
    assert result.credentials_expired and slept == [] and result.rows == []
    assert "CREDENTIALS EXPIRED" in result.gaps[0] and "page 2" in result.gaps[0]
    assert "not read, credentials expired" in result.gaps[1]
